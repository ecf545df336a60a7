//! `duet-server`: Duet's headless local HTTP API (docs/design.md §5), a thin adapter over
//! `duet-core`: `/v1/{provider}/...` ([`api`]) and the seed-compatible QQ Music `/api/...`
//! ([`seed`]), behind the checks of [`access`] (who may drive it). It knows no URL, cookie or
//! cipher of any service.

pub mod access;
pub mod api;
mod login_keys;
pub mod seed;

use std::sync::Arc;

use axum::Router;
use duet_core::Error;

pub use access::{check_bind, check_token, token_from_file, Access, AllowedOrigin};
pub use api::{ApiError, AppState};
pub use login_keys::LOGIN_KEY_WINDOW;

pub fn router(state: Arc<AppState>, access: Access) -> Router {
    let routes = api::routes()
        .merge(seed::routes(state.clone()))
        .fallback(api::not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    access::guard(routes, access)
}

async fn method_not_allowed() -> ApiError {
    ApiError(Error::bad_request("this route does not take that method"))
}
