//! `duet-server`: Duet's headless local HTTP API (DESIGN.md §5), a thin adapter over
//! `duet-core`: `/v1/{provider}/...` ([`api`]) and the seed-compatible QQ Music `/api/...`
//! ([`seed`]). It knows no URL, cookie or cipher of any service.

pub mod api;
pub mod seed;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use duet_core::{Error, ErrorKind, Secret};

pub use api::{ApiError, AppState};

pub fn router(state: Arc<AppState>, access_token: Option<Secret>) -> Router {
    let router = api::routes()
        .merge(seed::routes(state.clone()))
        .fallback(api::not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    match access_token {
        Some(token) => router.layer(axum::middleware::from_fn_with_state(
            Arc::new(token),
            require_token,
        )),
        None => router,
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError(Error::bad_request("this route does not take that method"))
}

async fn require_token(State(token): State<Arc<Secret>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if constant_time_eq(presented.as_bytes(), token.expose().as_bytes()) {
        next.run(request).await
    } else {
        ApiError(Error::new(
            ErrorKind::NotLoggedIn,
            "this duet-server needs its access token: Authorization: Bearer <token>",
        ))
        .into_response()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Off loopback the API would hand anyone the logged-in accounts: refuse without a token.
pub fn check_bind(
    addr: SocketAddr,
    allow_remote: bool,
    token: Option<&Secret>,
) -> Result<(), Error> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    if !allow_remote {
        return Err(Error::bad_request(format!(
            "{addr} is not a loopback address; binding there needs --allow-remote and an access token"
        )));
    }
    match token {
        Some(t) if t.expose().len() >= 16 => Ok(()),
        Some(_) => Err(Error::bad_request("the access token must be at least 16 characters")),
        None => Err(Error::bad_request(
            "binding to a non-loopback address needs an access token (--token or DUET_SERVER_TOKEN)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_loopback_needs_flag_and_token() {
        let lo: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let token = Secret::new("0123456789abcdef0123");
        assert!(check_bind(lo, false, None).is_ok());
        assert!(check_bind("[::1]:3000".parse().unwrap(), false, None).is_ok());
        assert!(check_bind(any, false, Some(&token)).is_err());
        assert!(check_bind(any, true, None).is_err());
        assert!(check_bind(any, true, Some(&Secret::new("short"))).is_err());
        assert!(check_bind(any, true, Some(&token)).is_ok());
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
