//! The NetEase audio CDN: `GET /m701.music.126.net/fake/<id>.mp3|.flac`, with byte ranges.

use std::time::Instant;

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;

use super::NeteaseControl;
use crate::audio::{AudioFile, FLAC, MP3};
use crate::http_util::{response, NGINX_500};
use crate::journal::{FaultKind, RecordedRequest, Transport, DEFAULT_SLOW_DELAY};

pub(crate) use crate::audio::file;

/// Parses `fake/<digits>.<mp3|flac>`.
fn parse_path(rest: &str) -> Option<&'static AudioFile> {
    let name = rest.strip_prefix("fake/")?;
    let (id, ext) = name.split_once('.')?;
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match ext {
        "mp3" => Some(&MP3),
        "flac" => Some(&FLAC),
        _ => None,
    }
}

/// Serves one audio request.
pub(crate) async fn serve(
    ctl: &NeteaseControl,
    host: &str,
    rest: &str,
    method: &Method,
    headers: &HeaderMap,
) -> Response {
    let path = format!("/{rest}");
    let started = Instant::now();
    let resp = serve_inner(ctl, rest, &path, method, headers).await;
    ctl.journal().record(RecordedRequest {
        host: host.to_owned(),
        transport: Transport::Audio,
        logical_path: path,
        time: started,
        status: resp.status().as_u16(),
        code: None,
        call: None,
    });
    resp
}

async fn serve_inner(
    ctl: &NeteaseControl,
    rest: &str,
    path: &str,
    method: &Method,
    headers: &HeaderMap,
) -> Response {
    let Some(file) = parse_path(rest) else {
        tracing::debug!(path, "unknown audio path");
        return crate::http_util::plain_404();
    };
    if method != Method::GET && method != Method::HEAD {
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let mut truncate = false;
    // Audio only takes faults that name its path explicitly.
    if let Some(f) = ctl.journal().take_fault(path, true) {
        match f.kind {
            FaultKind::Slow => tokio::time::sleep(f.delay.unwrap_or(DEFAULT_SLOW_DELAY)).await,
            FaultKind::Truncated => truncate = true,
            FaultKind::ServerError => {
                return response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/html",
                    NGINX_500.as_bytes().to_vec(),
                )
            }
            // Business errors do not exist on a CDN: a refused download is a 403.
            _ => return response(StatusCode::FORBIDDEN, "text/html", Vec::new()),
        }
    }
    crate::audio::serve_file(file, method, headers, truncate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(parse_path("fake/123.mp3").is_some());
        assert!(parse_path("fake/123.ogg").is_none());
        assert!(parse_path("fake/abc.mp3").is_none());
        assert!(parse_path("other/1.mp3").is_none());
    }
}
