//! QQ Music's codes → the typed kinds of docs/design.md (docs/protocol/qqmusic.md §6).

use duet_core::{Error, ErrorKind, ProviderId};

/// Tags an error as QQ Music's.
pub(crate) fn qq(error: Error) -> Error {
    error.with_provider(ProviderId::Qq)
}

/// The error for an item (or legacy) `code` other than 0. `had_session`: a key was sent, so a
/// "not logged in" answer means it expired.
pub fn error_for_code(code: i64, had_session: bool) -> Error {
    let (kind, message) = match code {
        1000 | 104400 | 104401 if had_session => (
            ErrorKind::SessionExpired,
            "QQ Music no longer accepts this login; scan the QR code again".to_owned(),
        ),
        1000 | 104400 | 104401 => (
            ErrorKind::NotLoggedIn,
            "log in to QQ Music first".to_owned(),
        ),
        2000 => (
            ErrorKind::Upstream,
            "QQ Music rejected the request's sign".to_owned(),
        ),
        2001 => (
            ErrorKind::RiskControl,
            "QQ Music's risk control stopped the request (log in, then try again later)".to_owned(),
        ),
        100001 | 104604 => (
            ErrorKind::RateLimited,
            "QQ Music says the requests are too frequent; wait a little".to_owned(),
        ),
        20276 => (
            ErrorKind::VerificationRequired,
            "QQ Music wants a verification in its own app first".to_owned(),
        ),
        20277 | 20278 | 20450 => (
            ErrorKind::Unavailable,
            "QQ Music restricted this account".to_owned(),
        ),
        20279 | 20274 => (
            ErrorKind::Unavailable,
            "this QQ Music account is logged in on too many devices".to_owned(),
        ),
        104003 => (
            ErrorKind::Unavailable,
            "QQ Music has no rights to play this in this quality for this account".to_owned(),
        ),
        104013 => (
            ErrorKind::Unavailable,
            "QQ Music limits this account's devices".to_owned(),
        ),
        500003 => (
            ErrorKind::Upstream,
            "QQ Music rejected the call's parameters".to_owned(),
        ),
        500026 => (
            ErrorKind::Upstream,
            "QQ Music refused an unsigned write".to_owned(),
        ),
        4000 => (
            ErrorKind::Unavailable,
            "this user keeps their playlists private".to_owned(),
        ),
        other => (
            ErrorKind::Upstream,
            format!("QQ Music answered with code {other}"),
        ),
    };
    qq(Error::new(kind, message).with_upstream_code(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_code_has_its_kind() {
        let cases = [
            (1000, true, ErrorKind::SessionExpired),
            (1000, false, ErrorKind::NotLoggedIn),
            (104400, true, ErrorKind::SessionExpired),
            (104401, false, ErrorKind::NotLoggedIn),
            (2000, true, ErrorKind::Upstream),
            (2001, false, ErrorKind::RiskControl),
            (100001, true, ErrorKind::RateLimited),
            (104604, true, ErrorKind::RateLimited),
            (20276, true, ErrorKind::VerificationRequired),
            (20279, true, ErrorKind::Unavailable),
            (20450, true, ErrorKind::Unavailable),
            (104003, true, ErrorKind::Unavailable),
            (500003, true, ErrorKind::Upstream),
            (4000, true, ErrorKind::Unavailable),
            (123, true, ErrorKind::Upstream),
        ];
        for (code, had_session, kind) in cases {
            let error = error_for_code(code, had_session);
            assert_eq!(error.kind, kind, "code {code}");
            assert_eq!(error.upstream_code, Some(code));
            assert_eq!(error.provider, Some(ProviderId::Qq));
        }
    }
}
