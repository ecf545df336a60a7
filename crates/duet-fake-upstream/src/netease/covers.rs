//! The image CDN (`p1`–`p4.music.126.net`): every cover path answers a PNG of its own, a
//! diagonal two-colour gradient derived from the path, so covers differ and the app's colour
//! analysis has something real to read.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;

use crate::covers::cover_png;
use crate::http_util::response;

pub const COVER_HOSTS: [&str; 4] = [
    "p1.music.126.net",
    "p2.music.126.net",
    "p3.music.126.net",
    "p4.music.126.net",
];

pub(crate) fn serve(rest: &str, method: &Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let mut answer = response(StatusCode::OK, "image/png", cover_png(rest));
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=31536000"),
    );
    answer
}
