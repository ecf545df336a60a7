//! Small HTTP helpers shared by every service: cookies, dates, gzip, random tokens.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rand::Rng as _;

/// Request cookies by name (first occurrence wins), values percent-decoded.
pub(crate) type Cookies = BTreeMap<String, String>;

/// Parses every `Cookie` header of a request.
pub(crate) fn parse_cookies(headers: &HeaderMap) -> Cookies {
    let mut out = Cookies::new();
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = std::str::from_utf8(v.as_bytes()) else {
            continue;
        };
        for pair in s.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            out.entry(name.to_owned())
                .or_insert_with(|| percent_decode(value.trim()));
        }
    }
    out
}

/// `%XX` decoding (no `+` → space), lossy on invalid UTF-8 or bad escapes.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hi = (b[i + 1] as char).to_digit(16);
            let lo = (b[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for Unix seconds.
pub(crate) fn http_date(unix_secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Howard Hinnant's days → (year, month 1-12, day 1-31).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// gzip of `data` (never fails on an in-memory writer).
pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// `n` random lower-case hex characters.
pub(crate) fn random_hex(n: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut rng = rand::thread_rng();
    (0..n).map(|_| HEX[rng.gen_range(0..16)] as char).collect()
}

/// `n` random characters of `[A-Za-z0-9_-]`.
pub(crate) fn random_token(n: usize) -> String {
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| ALPHA[rng.gen_range(0..ALPHA.len())] as char)
        .collect()
}

/// Whether the request's `Accept-Encoding` allows gzip.
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(','))
        .any(|t| {
            let mut parts = t.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let q_zero = parts.any(|p| {
                let p = p.trim();
                p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
            });
            coding.eq_ignore_ascii_case("gzip") && !q_zero
        })
}

/// A response with the given status, content type and body.
pub(crate) fn response(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    resp
}

/// A 200 JSON answer that never ends: `{"code":200,"data":"aaaa…` forever.
pub(crate) fn endless_json() -> Response {
    endless(
        "application/json;charset=UTF-8",
        b"{\"code\":200,\"data\":\"",
    )
}

/// A 200 answer of `content_type` that never ends: `head`, then `aaaa…` forever in 64 KiB
/// chunks of one static buffer (the fake itself allocates nothing while it streams). The
/// client hangs up to end it.
pub(crate) fn endless(content_type: &'static str, head: &'static [u8]) -> Response {
    static FILLER: [u8; 64 * 1024] = [b'a'; 64 * 1024];
    let head = futures_util::stream::once(async move {
        Ok::<_, std::convert::Infallible>(axum::body::Bytes::from_static(head))
    });
    let filler = futures_util::stream::repeat_with(|| Ok(axum::body::Bytes::from_static(&FILLER)));
    let mut resp = Response::new(Body::from_stream(futures_util::StreamExt::chain(
        head, filler,
    )));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// Adds `Set-Cookie` headers (values that are not valid header text are skipped).
pub(crate) fn add_set_cookies(resp: &mut Response, cookies: &[String]) {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

/// The answer for an unknown host or path shape: a bare 404 like a front proxy gives.
pub(crate) fn plain_404() -> Response {
    response(
        StatusCode::NOT_FOUND,
        "text/html",
        NGINX_404.as_bytes().to_vec(),
    )
}

const NGINX_404: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// The body of an injected `server_error`.
pub(crate) const NGINX_500: &str = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// `body` in another shape ([`FaultKind::Reshaped`](crate::FaultKind::Reshaped)): every
/// object key renamed `<key>_v2`, at every depth, except the top-level `code` (the answer
/// still says it succeeded).
pub(crate) fn reshaped(body: serde_json::Value) -> serde_json::Value {
    fn rename(value: serde_json::Value, top: bool) -> serde_json::Value {
        match value {
            serde_json::Value::Object(fields) => fields
                .into_iter()
                .map(|(key, value)| {
                    if top && key == "code" {
                        (key, value)
                    } else {
                        (format!("{key}_v2"), rename(value, false))
                    }
                })
                .collect(),
            serde_json::Value::Array(items) => {
                items.into_iter().map(|item| rename(item, false)).collect()
            }
            other => other,
        }
    }
    rename(body, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        // From the captured 803 exchange: Date 05:02:49 + Max-Age 15552000.
        assert_eq!(
            http_date(1_643_432_569 + 15_552_000),
            "Thu, 28 Jul 2022 05:02:49 GMT"
        );
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn cookies_and_percent() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static(
                "os=pc; appver=3.1.17.204416;deviceId=a%7Cb; x=1=2; bad; os=osx",
            ),
        );
        let c = parse_cookies(&h);
        assert_eq!(c["os"], "pc");
        assert_eq!(c["deviceId"], "a|b");
        assert_eq!(c["x"], "1=2");
        assert!(!c.contains_key("bad"));
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("a%41"), "aA");
        assert_eq!(percent_decode("%zz+"), "%zz+");
    }

    #[test]
    fn gzip_accept() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("br, gzip;q=1"),
        );
        assert!(accepts_gzip(&h));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip;q=0"),
        );
        assert!(!accepts_gzip(&h));
    }

    #[test]
    fn reshaped_keeps_the_success_code_and_renames_every_other_field() {
        let body = serde_json::json!({"code": 200, "songs": [{"id": 1, "al": {"name": "x"}}]});
        assert_eq!(
            reshaped(body),
            serde_json::json!({"code": 200, "songs_v2": [{"id_v2": 1, "al_v2": {"name_v2": "x"}}]})
        );
    }
}
