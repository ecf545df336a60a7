//! The QQ Music CDNs: covers on `y.gtimg.cn` and audio on `ws` / `isure.stream.qqmusic.qq.com`
//! (served only with a vkey the fake issued for that file name; §5.4, §7.6).

use std::time::Instant;

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;

use super::login::{param, parse_query};
use super::QqControl;
use crate::audio::{AudioFile, FLAC, MP3};
use crate::http_util::{plain_404, response, NGINX_500};
use crate::journal::{FaultKind, RecordedRequest, Transport, DEFAULT_SLOW_DELAY};

/// `GET /y.gtimg.cn/music/photo_new/<name>.jpg`: a JPEG of its own for every picture name.
pub(crate) fn cover(rest: &str, method: &Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let Some(name) = rest
        .strip_prefix("music/photo_new/")
        .and_then(|n| n.strip_suffix(".jpg"))
    else {
        return plain_404();
    };
    if name.is_empty()
        || name.len() > 80
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return plain_404();
    }
    let mut r = response(
        StatusCode::OK,
        "image/jpeg",
        crate::covers::cover_jpeg(&format!("/{rest}")),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=31536000"),
    );
    r
}

/// The audio file behind a QQ Music file name (`M500…mp3`, `M800…mp3`, `RS02…mp3`,
/// `F000…flac`); the fake has no AAC / OGG / APE audio.
pub(crate) fn audio_for(filename: &str) -> Option<&'static AudioFile> {
    let (prefix, rest) = filename.split_at_checked(4)?;
    let (media_mid, ext) = rest.split_once('.')?;
    if media_mid.len() != 14 || !media_mid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    match (prefix, ext) {
        ("M500" | "M800" | "RS02", "mp3") => Some(&MP3),
        ("F000", "flac") => Some(&FLAC),
        _ => None,
    }
}

/// Serves one audio request and records it.
pub(crate) async fn audio(
    ctl: &QqControl,
    host: &str,
    rest: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let path = format!("/{rest}");
    let started = Instant::now();
    let resp = audio_inner(ctl, rest, &path, method, query, headers).await;
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

fn forbidden() -> Response {
    response(
        StatusCode::FORBIDDEN,
        "text/html",
        b"<html><body><h1>403 Forbidden</h1></body></html>".to_vec(),
    )
}

async fn audio_inner(
    ctl: &QqControl,
    rest: &str,
    path: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let Some(file) = audio_for(rest) else {
        return plain_404();
    };
    let q = parse_query(query.unwrap_or(""));
    let vkey = param(&q, "vkey").unwrap_or("");
    if !ctl.vkey_valid(vkey, rest) {
        tracing::debug!(path, "audio without a vkey issued for this file (403)");
        return forbidden();
    }
    let mut truncate = false;
    // Like NetEase's CDN: audio only takes faults that name its path.
    if let Some(f) = ctl
        .journal()
        .take_fault_where(|f| !f.has_call_filter() && f.path_matches(path, true))
    {
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
            _ => return forbidden(),
        }
    }
    crate::audio::serve_file(file, method, headers, truncate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert!(std::ptr::eq(
            audio_for("M500003Qui1q2u1Zho.mp3").unwrap(),
            &MP3
        ));
        assert!(std::ptr::eq(
            audio_for("F000003Qui1q2u1Zho.flac").unwrap(),
            &FLAC
        ));
        assert!(audio_for("C400003Qui1q2u1Zho.m4a").is_none());
        assert!(audio_for("M500003Qui1q2u1Zho.flac").is_none());
        assert!(audio_for("M500short.mp3").is_none());
        assert!(audio_for("M5").is_none());
        assert!(audio_for("M500ab/de…ghijklmn.mp3").is_none());
    }
}
