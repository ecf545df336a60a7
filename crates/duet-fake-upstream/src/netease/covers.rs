//! The image CDN (`p1`–`p4.music.126.net`): every cover path answers a PNG of its own, a
//! diagonal two-colour gradient derived from the path, so covers differ and the app's colour
//! analysis has something real to read.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;

use super::NeteaseControl;
use crate::covers::cover_png;
use crate::http_util::{endless, response, NGINX_500};
use crate::journal::{FaultKind, DEFAULT_SLOW_DELAY};

pub const COVER_HOSTS: [&str; 4] = [
    "p1.music.126.net",
    "p2.music.126.net",
    "p3.music.126.net",
    "p4.music.126.net",
];

/// Serves one cover. Like the audio CDN, covers only take faults that name their path.
pub(crate) async fn serve(ctl: &NeteaseControl, rest: &str, method: &Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let mut png = cover_png(rest);
    if let Some(f) = ctl.journal().take_fault(&format!("/{rest}"), true) {
        match f.kind {
            FaultKind::Slow => tokio::time::sleep(f.delay.unwrap_or(DEFAULT_SLOW_DELAY)).await,
            FaultKind::Truncated => png.truncate(png.len() / 2),
            FaultKind::Oversized => return endless("image/png", b"\x89PNG\r\n\x1a\n"),
            _ => {
                return response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/html",
                    NGINX_500.as_bytes().to_vec(),
                )
            }
        }
    }
    let mut answer = response(StatusCode::OK, "image/png", png);
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=31536000"),
    );
    answer
}
