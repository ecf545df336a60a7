//! The embedded audio files every fake CDN serves, and byte-range serving.

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use md5::{Digest as _, Md5};

use crate::http_util::response;

/// One embedded audio file.
pub(crate) struct AudioFile {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    md5: OnceLock<String>,
}

impl AudioFile {
    /// Lower-case hex MD5 of the file (the `md5` of song URL items).
    pub(crate) fn md5_hex(&self) -> &str {
        self.md5
            .get_or_init(|| hex::encode(Md5::digest(self.bytes)))
            .as_str()
    }
}

pub(crate) static MP3: AudioFile = AudioFile {
    bytes: include_bytes!("../audio/tone.mp3"),
    content_type: "audio/mpeg",
    md5: OnceLock::new(),
};
pub(crate) static FLAC: AudioFile = AudioFile {
    bytes: include_bytes!("../audio/tone.flac"),
    content_type: "audio/flac",
    md5: OnceLock::new(),
};

/// The file served for extension `ext` (`flac`, else mp3).
pub(crate) fn file(ext: &str) -> &'static AudioFile {
    if ext == "flac" {
        &FLAC
    } else {
        &MP3
    }
}

/// Outcome of a `Range` header against a body of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
enum RangeReq {
    /// No usable range: serve everything (200).
    Full,
    /// Inclusive byte range (206).
    Part(u64, u64),
    /// 416.
    Unsatisfiable,
}

fn parse_range(value: Option<&HeaderValue>, len: u64) -> RangeReq {
    let Some(spec) = value
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().strip_prefix("bytes="))
    else {
        return RangeReq::Full;
    };
    // Several ranges would need multipart/byteranges; serving the whole body is allowed.
    if spec.contains(',') {
        return RangeReq::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeReq::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        // Suffix range: the last `b` bytes.
        return match b.parse::<u64>() {
            Ok(0) => RangeReq::Unsatisfiable,
            Ok(_) if len == 0 => RangeReq::Unsatisfiable,
            Ok(n) => RangeReq::Part(len - n.min(len), len - 1),
            Err(_) => RangeReq::Full,
        };
    }
    let Ok(start) = a.parse::<u64>() else {
        return RangeReq::Full;
    };
    let end = if b.is_empty() {
        len.saturating_sub(1)
    } else {
        match b.parse::<u64>() {
            Ok(e) if e >= start => e.min(len.saturating_sub(1)),
            _ => return RangeReq::Full,
        }
    };
    if start >= len {
        return RangeReq::Unsatisfiable;
    }
    RangeReq::Part(start, end)
}

/// Serves `file` for a GET/HEAD with the request's `Range` (200, 206 or 416);
/// `truncate` cuts the body to its first half (an injected fault).
pub(crate) fn serve_file(
    file: &AudioFile,
    method: &Method,
    headers: &HeaderMap,
    truncate: bool,
) -> Response {
    let len = file.bytes.len() as u64;
    let (status, start, end) = match parse_range(headers.get(header::RANGE), len) {
        RangeReq::Full => (StatusCode::OK, 0, len.saturating_sub(1)),
        RangeReq::Part(s, e) => (StatusCode::PARTIAL_CONTENT, s, e),
        RangeReq::Unsatisfiable => {
            let mut r = response(
                StatusCode::RANGE_NOT_SATISFIABLE,
                file.content_type,
                Vec::new(),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
    };
    let mut body = if len == 0 {
        Vec::new()
    } else {
        file.bytes[start as usize..=end as usize].to_vec()
    };
    if truncate {
        body.truncate(body.len() / 2);
    }
    let body_len = body.len();
    let mut r = response(
        status,
        file.content_type,
        if method == Method::HEAD {
            Vec::new()
        } else {
            body
        },
    );
    let h = r.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&body_len.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=1200"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hv(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }
    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 100), RangeReq::Full);
        assert_eq!(
            parse_range(Some(&hv("bytes=0-9")), 100),
            RangeReq::Part(0, 9)
        );
        assert_eq!(
            parse_range(Some(&hv("bytes=90-")), 100),
            RangeReq::Part(90, 99)
        );
        assert_eq!(
            parse_range(Some(&hv("bytes=90-500")), 100),
            RangeReq::Part(90, 99)
        );
        assert_eq!(
            parse_range(Some(&hv("bytes=-10")), 100),
            RangeReq::Part(90, 99)
        );
        assert_eq!(
            parse_range(Some(&hv("bytes=-1000")), 100),
            RangeReq::Part(0, 99)
        );
        assert_eq!(
            parse_range(Some(&hv("bytes=100-")), 100),
            RangeReq::Unsatisfiable
        );
        assert_eq!(
            parse_range(Some(&hv("bytes=-0")), 100),
            RangeReq::Unsatisfiable
        );
        assert_eq!(parse_range(Some(&hv("bytes=5-1")), 100), RangeReq::Full);
        assert_eq!(parse_range(Some(&hv("bytes=0-1,5-6")), 100), RangeReq::Full);
        assert_eq!(parse_range(Some(&hv("items=0-1")), 100), RangeReq::Full);
        assert_eq!(parse_range(Some(&hv("bytes=x-1")), 100), RangeReq::Full);
    }

    #[test]
    fn files_are_small_and_real() {
        assert!(MP3.bytes.len() < 160_000 && MP3.bytes.len() > 10_000);
        assert!(FLAC.bytes.len() < 60_000 && FLAC.bytes.len() > 10_000);
        assert_eq!(&FLAC.bytes[..4], b"fLaC");
        assert!(MP3.bytes[..3] == *b"ID3" || (MP3.bytes[0] == 0xFF && MP3.bytes[1] & 0xE0 == 0xE0));
        assert_eq!(MP3.md5_hex().len(), 32);
    }
}
