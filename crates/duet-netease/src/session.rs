//! The NetEase session: the device identity and the cookies the service issued. Persisted as one
//! JSON blob in the credential store (docs/design.md §4); every value is a [`Secret`].

use std::collections::BTreeMap;

use duet_core::{Error, Secret};
use serde::{Deserialize, Serialize};

use crate::identity;

/// The login cookie (§5.5).
pub const MUSIC_U: &str = "MUSIC_U";
/// The csrf token; weapi bodies repeat it as `csrf_token` (§2.2).
pub const CSRF: &str = "__csrf";
/// Cookies worth keeping: the session, the csrf token, the visitor token and the tracking id the
/// service hands every new client. The per-path `MUSIC_A_T`/`MUSIC_R_T` log cookies are not sent
/// by the API client, so they are not kept.
const KEPT_COOKIES: [&str; 4] = [MUSIC_U, CSRF, "MUSIC_A", "NMTID"];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub device_id: String,
    #[serde(default)]
    pub cookies: BTreeMap<String, Secret>,
}

impl Session {
    pub fn new() -> Self {
        Self {
            device_id: identity::new_device_id(),
            cookies: BTreeMap::new(),
        }
    }

    pub fn is_logged_in(&self) -> bool {
        self.cookies.get(MUSIC_U).is_some_and(|v| !v.is_empty())
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(Secret::expose)
    }

    pub fn csrf(&self) -> &str {
        self.cookie(CSRF).unwrap_or("")
    }

    /// Applies one `Set-Cookie` header. Returns whether a kept cookie changed.
    pub fn apply_set_cookie(&mut self, header: &str) -> bool {
        let Some(pair) = header.split(';').next() else {
            return false;
        };
        let Some((name, value)) = pair.split_once('=') else {
            return false;
        };
        let name = name.trim();
        if !KEPT_COOKIES.contains(&name) {
            return false;
        }
        let value = value.trim();
        let deleted = value.is_empty()
            || header.split(';').skip(1).any(|attr| {
                let attr = attr.trim().to_ascii_lowercase();
                attr == "max-age=0" || attr.starts_with("max-age=-")
            });
        if deleted {
            self.cookies.remove(name).is_some()
        } else {
            let new = Secret::new(value);
            self.cookies.insert(name.to_owned(), new.clone()) != Some(new)
        }
    }

    pub fn to_secret(&self) -> Secret {
        Secret::new(serde_json::to_string(self).expect("a session always serialises"))
    }

    pub fn from_secret(secret: &Secret) -> Result<Self, Error> {
        serde_json::from_str(secret.expose()).map_err(|_| {
            Error::new(
                duet_core::ErrorKind::SessionExpired,
                "the stored NetEase session is unreadable; log in again",
            )
        })
    }
}

impl duet_core::keeper::StoredSession for Session {
    fn to_secret(&self) -> Secret {
        Session::to_secret(self)
    }

    fn from_secret(secret: &Secret) -> Result<Self, Error> {
        Session::from_secret(secret)
    }

    /// A visitor's cookies are not worth a keychain entry.
    fn worth_keeping(&self) -> bool {
        self.is_logged_in()
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_updates_and_deletes() {
        let mut session = Session::new();
        assert!(session.apply_set_cookie(
            "MUSIC_U=00ABCDEF; Max-Age=15552000; Expires=Thu, 27 Jul 2022 05:02:49 GMT; Path=/; HTTPOnly"
        ));
        assert!(session.is_logged_in());
        assert!(!session.apply_set_cookie("MUSIC_U=00ABCDEF; Path=/"));
        assert!(!session.apply_set_cookie("MUSIC_A_T=1453993203804; Path=/wapi/feedback"));
        assert!(session.apply_set_cookie("__csrf=0123; Max-Age=1296010; Path=/"));
        assert_eq!(session.csrf(), "0123");
        assert!(session.apply_set_cookie("MUSIC_U=; Max-Age=0; Path=/"));
        assert!(!session.is_logged_in());
        assert!(!session.apply_set_cookie("garbage"));
    }

    /// Windows keeps at most 1280 UTF-16 units in a credential: a session with values longer
    /// than any the service hands out (MUSIC_U runs to about 360 characters) still fits.
    #[test]
    fn the_longest_session_fits_a_windows_credential() {
        let mut session = Session::new();
        for (name, length) in [(MUSIC_U, 480), (CSRF, 64), ("MUSIC_A", 320), ("NMTID", 64)] {
            session.apply_set_cookie(&format!("{name}={}; Path=/", "A".repeat(length)));
        }
        let stored = session.to_secret();
        assert!(
            duet_core::credentials::fits_every_keychain(&stored),
            "{} units",
            stored.expose().encode_utf16().count()
        );
    }

    #[test]
    fn survives_the_store_and_hides_values() {
        let mut session = Session::new();
        session.apply_set_cookie("MUSIC_U=topsecretvalue; Path=/");
        let secret = session.to_secret();
        let back = Session::from_secret(&secret).unwrap();
        assert_eq!(back.cookie(MUSIC_U), Some("topsecretvalue"));
        assert_eq!(back.device_id, session.device_id);
        assert!(!format!("{back:?}").contains("topsecretvalue"));
        assert!(Session::from_secret(&Secret::new("{not json")).is_err());
    }
}
