//! NetEase business codes → Duet's typed error kinds (docs/protocol/netease.md §8).

use duet_core::{Error, ErrorKind, ProviderId};
use serde_json::Value;

/// Reads the `code` of an answer; NCMA coerces with `Number()`, so a numeric string counts (§8).
pub fn code_of(body: &Value) -> Option<i64> {
    match body.get("code")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn non_empty_str(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn message_of(body: &Value) -> Option<String> {
    let from = non_empty_str;
    from(body.pointer("/data/blockText"))
        .or_else(|| from(body.get("message")))
        .or_else(|| from(body.get("msg")))
        .map(str::to_owned)
}

/// The typed error for a non-200 `code`. `had_session`: a 301 then means the session died
/// (`session_expired`) rather than never existed (`not_logged_in`).
pub fn error_for_code(code: i64, body: &Value, had_session: bool) -> Error {
    let said = message_of(body);
    let (kind, default) = match code {
        301 if had_session => (
            ErrorKind::SessionExpired,
            "the NetEase session has expired or was revoked; log in again",
        ),
        301 => (ErrorKind::NotLoggedIn, "log in to NetEase first"),
        -462 => (
            ErrorKind::RiskControl,
            "NetEase's risk control stopped this request; verify in the official app, then try again",
        ),
        -460 | 250 => (
            ErrorKind::RiskControl,
            "NetEase flagged this request as unusual (anti-cheat)",
        ),
        8821 | 8830 | 8810 => (
            ErrorKind::VerificationRequired,
            "NetEase wants a verification (captcha) in its own app before this can continue",
        ),
        405 | 406 => (
            ErrorKind::RateLimited,
            "NetEase says too many requests; wait a minute and try again",
        ),
        400 | 403 => (ErrorKind::BadRequest, "NetEase rejected the request parameters"),
        404 => (ErrorKind::NotFound, "NetEase has no such item"),
        -110 => (ErrorKind::Unavailable, "NetEase has no playable source for this track"),
        _ => (ErrorKind::Upstream, "NetEase answered with an error"),
    };
    let mut message = default.to_owned();
    if let Some(said) = said {
        message = format!("{message} (NetEase: {said})");
    }
    if code == -462 {
        if let Some(url) = body.pointer("/data/url").and_then(Value::as_str) {
            message = format!("{message}; verification page: {url}");
        }
    }
    Error::new(kind, message)
        .with_provider(ProviderId::Netease)
        .with_upstream_code(code)
}

/// The error of a write the service refused with -462. When the answer sends the person to a
/// verification page (a `verifyToken` or a page `url`: the anti-cheat demand NCMA now meets with
/// a checkToken, fidelity row N12) it is `verification_required`, so the UI asks for the
/// verification rather than a retry; a plain block ("网络太拥挤") stays `risk_control`.
pub fn refused_write(body: &Value) -> Error {
    let error = error_for_code(-462, body, true);
    let demand = ["/data/verifyToken", "/data/url", "/data/verifyUrl"]
        .iter()
        .any(|at| non_empty_str(body.pointer(at)).is_some());
    if demand {
        Error {
            kind: ErrorKind::VerificationRequired,
            ..error
        }
    } else {
        error
    }
}

pub(crate) fn netease(error: Error) -> Error {
    error.with_provider(ProviderId::Netease)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/../../testdata/fixtures/netease/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    #[test]
    fn every_error_fixture_maps_to_its_kind() {
        let cases = [
            ("error_-462.json", ErrorKind::RiskControl, -462),
            ("error_-462.verify.json", ErrorKind::RiskControl, -462),
            ("error_-460.json", ErrorKind::RiskControl, -460),
            ("error_-460.v2.json", ErrorKind::RiskControl, -460),
            ("error_8821.json", ErrorKind::VerificationRequired, 8821),
            ("error_405.json", ErrorKind::RateLimited, 405),
            ("error_405.v2.json", ErrorKind::RateLimited, 405),
            ("error_406.json", ErrorKind::RateLimited, 406),
            ("error_301.json", ErrorKind::NotLoggedIn, 301),
        ];
        for (file, kind, code) in cases {
            let body = fixture(file);
            assert_eq!(code_of(&body), Some(code), "{file}");
            let error = error_for_code(code, &body, false);
            assert_eq!(error.kind, kind, "{file}");
            assert_eq!(error.upstream_code, Some(code));
            assert_eq!(error.provider, Some(ProviderId::Netease));
        }
        let blocked = error_for_code(-462, &fixture("error_-462.json"), false);
        assert!(
            blocked.message.contains("网络太拥挤"),
            "{}",
            blocked.message
        );
    }

    #[test]
    fn the_remaining_spec_codes() {
        let empty = serde_json::json!({});
        for (code, kind) in [
            (8830, ErrorKind::VerificationRequired),
            (8810, ErrorKind::VerificationRequired),
            (250, ErrorKind::RiskControl),
            (400, ErrorKind::BadRequest),
            (404, ErrorKind::NotFound),
            (-110, ErrorKind::Unavailable),
            (500, ErrorKind::Upstream),
            (502, ErrorKind::Upstream),
        ] {
            assert_eq!(error_for_code(code, &empty, true).kind, kind, "{code}");
        }
        assert_eq!(
            error_for_code(301, &empty, true).kind,
            ErrorKind::SessionExpired
        );
    }

    #[test]
    fn a_write_refused_for_verification_asks_for_it() {
        let demand = refused_write(&fixture("error_-462.verify.json"));
        assert_eq!(demand.kind, ErrorKind::VerificationRequired);
        assert_eq!(demand.upstream_code, Some(-462));
        assert!(
            demand
                .message
                .contains("https://st.music.163.com/encrypt-pages"),
            "{}",
            demand.message
        );
        let blocked = refused_write(&fixture("error_-462.json"));
        assert_eq!(blocked.kind, ErrorKind::RiskControl);
    }

    #[test]
    fn code_may_be_a_string() {
        assert_eq!(code_of(&serde_json::json!({"code": "405"})), Some(405));
        assert_eq!(code_of(&serde_json::json!({"code": null})), None);
        assert_eq!(code_of(&serde_json::json!([])), None);
    }
}
