//! The error kinds of docs/design.md §2. Every failure that reaches a front end is one [`Error`]; the UI
//! and HTTP clients branch on [`ErrorKind`], never on the message.

use serde::{Deserialize, Serialize};

use crate::model::ProviderId;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ErrorKind {
    /// No session: log in first.
    NotLoggedIn,
    /// There was a session, the service no longer accepts it.
    SessionExpired,
    /// The service's anti-abuse system stopped the request.
    RiskControl,
    /// The service wants a captcha or a check in its own app.
    VerificationRequired,
    /// Too many requests: wait before trying again.
    RateLimited,
    NotFound,
    /// The item exists but cannot be had (no rights, VIP only, region).
    Unavailable,
    /// The caller's input is wrong (malformed id, unknown quality, empty query).
    BadRequest,
    /// The service answered with an error or with something that cannot be understood.
    Upstream,
    /// The service could not be reached (refused, timed out, cut off).
    Network,
    /// Duet refuses on purpose (account safety, unsupported by design).
    Declined,
    /// The OS keychain is locked (or its unlock prompt went unanswered) or failed: sessions
    /// cannot be read or kept until it is unlocked.
    Keychain,
    /// The caller may not drive this server: a foreign `Host` or a web page's `Origin`.
    Forbidden,
    /// A request body that is not `application/json`.
    UnsupportedMediaType,
    /// A file Duet keeps on this machine (its preferences) could not be read or written.
    Storage,
    /// The item belongs to another account: only its owner may change it (someone else's
    /// playlist), or the account may not do this to it (follow its own playlist).
    NotOwner,
    /// What was to be added is there already: a file already in the account's cloud disk.
    AlreadyExists,
}

impl ErrorKind {
    /// Every kind. The UI's list of kinds is generated from this one (src-tauri's bindings,
    /// whose test checks it names every variant).
    pub const ALL: [ErrorKind; 17] = [
        ErrorKind::NotLoggedIn,
        ErrorKind::SessionExpired,
        ErrorKind::RiskControl,
        ErrorKind::VerificationRequired,
        ErrorKind::RateLimited,
        ErrorKind::NotFound,
        ErrorKind::Unavailable,
        ErrorKind::BadRequest,
        ErrorKind::Upstream,
        ErrorKind::Network,
        ErrorKind::Declined,
        ErrorKind::Keychain,
        ErrorKind::Forbidden,
        ErrorKind::UnsupportedMediaType,
        ErrorKind::Storage,
        ErrorKind::NotOwner,
        ErrorKind::AlreadyExists,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotLoggedIn => "not_logged_in",
            ErrorKind::SessionExpired => "session_expired",
            ErrorKind::RiskControl => "risk_control",
            ErrorKind::VerificationRequired => "verification_required",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Upstream => "upstream",
            ErrorKind::Network => "network",
            ErrorKind::Declined => "declined",
            ErrorKind::Keychain => "keychain",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::UnsupportedMediaType => "unsupported_media_type",
            ErrorKind::Storage => "storage",
            ErrorKind::NotOwner => "not_owner",
            ErrorKind::AlreadyExists => "already_exists",
        }
    }

    /// The HTTP status a boundary (duet-server) answers with for this kind.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::NotLoggedIn | ErrorKind::SessionExpired => 401,
            ErrorKind::RiskControl
            | ErrorKind::VerificationRequired
            | ErrorKind::Declined
            | ErrorKind::Forbidden
            | ErrorKind::NotOwner => 403,
            ErrorKind::UnsupportedMediaType => 415,
            ErrorKind::AlreadyExists => 409,
            ErrorKind::RateLimited => 429,
            ErrorKind::NotFound => 404,
            ErrorKind::Unavailable => 451,
            ErrorKind::BadRequest => 400,
            ErrorKind::Upstream => 502,
            ErrorKind::Network => 504,
            ErrorKind::Keychain => 503,
            ErrorKind::Storage => 500,
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed failure. The message is for people and never carries session material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{kind}: {message}")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// `DuetError` in TypeScript, where `Error` is the built-in class (serde ignores a struct's name).
#[cfg_attr(feature = "specta", serde(rename = "DuetError"))]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderId>,
    /// The service's own code, when it sent one (e.g. NetEase -462, QQ 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_code: Option<i64>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            provider: None,
            upstream_code: None,
        }
    }

    pub fn with_provider(mut self, provider: ProviderId) -> Self {
        self.provider = Some(provider);
        self
    }

    pub fn with_upstream_code(mut self, code: i64) -> Self {
        self.upstream_code = Some(code);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }

    pub fn not_logged_in(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotLoggedIn, message)
    }

    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Upstream, message)
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Network, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn declined(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Declined, message)
    }

    /// The wire shape of docs/design.md §2: `{"error": {kind, message, provider?, upstream_code?}}`.
    pub fn to_body(&self) -> serde_json::Value {
        serde_json::json!({ "error": self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_the_boundary_shape() {
        let error = Error::new(ErrorKind::RiskControl, "blocked")
            .with_provider(ProviderId::Netease)
            .with_upstream_code(-462);
        assert_eq!(
            error.to_body(),
            serde_json::json!({"error": {"kind": "risk_control", "message": "blocked", "provider": "netease", "upstream_code": -462}})
        );
        let bare = Error::bad_request("no id");
        assert_eq!(
            bare.to_body(),
            serde_json::json!({"error": {"kind": "bad_request", "message": "no id"}})
        );
    }

    #[test]
    fn kind_names_match_serde() {
        for kind in ErrorKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert!(kind.http_status() >= 400);
        }
    }
}
