//! The NetEase session: the device identity and the cookies the service issued. Persisted as one
//! JSON blob in the credential store (docs/design.md §4); every value is a [`Secret`].

use std::collections::BTreeMap;

use duet_core::cookies::PastedCookies;
use duet_core::keeper::Change;
use duet_core::{Error, ErrorKind, Secret};
use serde::{Deserialize, Serialize};

use crate::identity;

/// The login cookie (§5.5).
pub const MUSIC_U: &str = "MUSIC_U";
/// The visitor token of a device not logged in (§5.2, fidelity row N17).
pub const MUSIC_A: &str = "MUSIC_A";
/// The csrf token; weapi bodies repeat it as `csrf_token` (§2.2).
pub const CSRF: &str = "__csrf";
/// Cookies worth keeping: the session, the csrf token, the visitor token and the tracking id the
/// service hands every new client. The per-path `MUSIC_A_T`/`MUSIC_R_T` log cookies are not sent
/// by the API client, so they are not kept.
const KEPT_COOKIES: [&str; 4] = [MUSIC_U, CSRF, MUSIC_A, "NMTID"];

/// What one `Set-Cookie` header does to a kept cookie: a new value, or gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieUpdate {
    name: &'static str,
    value: Option<Secret>,
}

impl CookieUpdate {
    /// The update of one `Set-Cookie` header, when it is about a cookie worth keeping.
    pub fn parse(header: &str) -> Option<Self> {
        let (pair, attributes) = header.split_once(';').unwrap_or((header, ""));
        let (name, value) = pair.split_once('=')?;
        let name = KEPT_COOKIES.into_iter().find(|kept| *kept == name.trim())?;
        let value = value.trim();
        let deleted = value.is_empty()
            || attributes.split(';').any(|attr| {
                let attr = attr.trim().to_ascii_lowercase();
                attr == "max-age=0" || attr.starts_with("max-age=-")
            });
        Some(Self {
            name,
            value: (!deleted).then(|| Secret::new(value)),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub device_id: String,
    /// The web page's tracking ids for weapi (§5.1), made with the device id; a session stored
    /// before they existed gets new ones.
    #[serde(default)]
    pub web: identity::WebIdentity,
    #[serde(default)]
    pub cookies: BTreeMap<String, Secret>,
}

impl Session {
    pub fn new() -> Self {
        Self {
            device_id: identity::new_device_id(),
            web: identity::WebIdentity::new(),
            cookies: BTreeMap::new(),
        }
    }

    /// Whether the service registered this device as a visitor (it holds a `MUSIC_A`).
    pub fn is_visitor(&self) -> bool {
        self.cookies.get(MUSIC_A).is_some_and(|v| !v.is_empty())
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
        CookieUpdate::parse(header).is_some_and(|update| self.apply(&update))
    }

    /// Applies one cookie update. Returns whether the cookie changed.
    pub fn apply(&mut self, update: &CookieUpdate) -> bool {
        match &update.value {
            None => self.cookies.remove(update.name).is_some(),
            Some(value) => {
                self.cookies.insert(update.name.to_owned(), value.clone()) != Some(value.clone())
            }
        }
    }

    /// What an answer's cookie updates make of the session `held` (§5.5: the session arrives
    /// and changes only this way): nothing, the same login updated, or a new login when the
    /// login cookie arrived on a visitor's session.
    pub fn change_by(held: Option<&Session>, updates: &[CookieUpdate]) -> Change<Session> {
        let mut session = held.cloned().unwrap_or_default();
        let was_logged_in = session.is_logged_in();
        let mut changed = false;
        for update in updates {
            changed |= session.apply(update);
        }
        match changed {
            false => Change::Keep,
            true if !was_logged_in && session.is_logged_in() => Change::Login(session),
            true => Change::Update(session),
        }
    }

    /// The session a cookie login brings to this device (`self`, as held): the person's
    /// `MUSIC_U`, and `__csrf` when they brought it; the visitor's token goes (§5.5: a logged-in
    /// client sends `MUSIC_U` instead), the device and tracking ids stay. Without `__csrf` reads
    /// work, and the first answer that sets one brings it.
    pub fn with_login_cookies(&self, pasted: &PastedCookies) -> Result<Session, Error> {
        let music_u = pasted.get(MUSIC_U).or(pasted.bare()).ok_or_else(|| {
            crate::errors::netease(Error::bad_request(
                "no MUSIC_U in what was pasted: paste the MUSIC_U cookie of music.163.com \
                 (its value alone, MUSIC_U=…, or the whole Cookie header)",
            ))
        })?;
        check_cookie_value(MUSIC_U, music_u)?;
        let mut session = self.clone();
        session.cookies.retain(|name, _| name == "NMTID");
        session.cookies.insert(MUSIC_U.to_owned(), music_u.clone());
        if let Some(csrf) = pasted.get(CSRF) {
            check_cookie_value(CSRF, csrf)?;
            session.cookies.insert(CSRF.to_owned(), csrf.clone());
        }
        Ok(session)
    }

    pub fn to_secret(&self) -> Secret {
        Secret::new(serde_json::to_string(self).expect("a session always serialises"))
    }

    pub fn from_secret(secret: &Secret) -> Result<Self, Error> {
        serde_json::from_str(secret.expose()).map_err(|_| {
            Error::new(
                ErrorKind::SessionExpired,
                "the stored NetEase session is unreadable; log in again",
            )
        })
    }
}

/// The longest cookie value taken (a `MUSIC_U` runs to about 360 characters).
const MAX_COOKIE_VALUE: usize = 1024;

/// A cookie value as the service hands them out: printable ASCII without separators, so a value
/// cut off or pasted with its neighbours is refused before it is sent.
fn check_cookie_value(name: &str, value: &Secret) -> Result<(), Error> {
    let value = value.expose();
    let fine = !value.is_empty()
        && value.len() <= MAX_COOKIE_VALUE
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b";,\\\"".contains(&b));
    if fine {
        Ok(())
    } else {
        Err(crate::errors::netease(Error::new(
            ErrorKind::BadRequest,
            format!(
                "the pasted {name} is malformed ({} characters; a cookie value is letters, \
                 digits and a few signs, without spaces or semicolons)",
                value.chars().count()
            ),
        )))
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

    fn updates(headers: &[&str]) -> Vec<CookieUpdate> {
        headers
            .iter()
            .filter_map(|h| CookieUpdate::parse(h))
            .collect()
    }

    #[test]
    fn only_kept_cookies_make_updates() {
        assert_eq!(
            updates(&[
                "MUSIC_A_T=1453993203804; Path=/wapi/feedback",
                "garbage",
                "=value",
                "NMTID=00Oabc; Max-Age=315360000; Path=/",
                "__csrf=; Path=/",
            ])
            .iter()
            .map(|u| (u.name, u.value.as_ref().map(Secret::expose)))
            .collect::<Vec<_>>(),
            [("NMTID", Some("00Oabc")), (CSRF, None)]
        );
    }

    #[test]
    fn an_answer_decides_whether_the_session_changed() {
        let visitor = Session::new();
        assert!(matches!(
            Session::change_by(Some(&visitor), &updates(&["NMTID=00O; Path=/"])),
            Change::Update(s) if s.cookie("NMTID") == Some("00O") && !s.is_logged_in()
        ));
        let login = updates(&["MUSIC_U=00ABCDEF; Path=/", "__csrf=0123; Path=/"]);
        let Change::Login(logged_in) = Session::change_by(Some(&visitor), &login) else {
            panic!("the login cookie on a visitor's session is a new login");
        };
        assert_eq!(logged_in.device_id, visitor.device_id, "the same device");
        assert!(matches!(
            Session::change_by(Some(&logged_in), &login),
            Change::Keep
        ));
        assert!(matches!(
            Session::change_by(Some(&logged_in), &[]),
            Change::Keep
        ));
        assert!(matches!(
            Session::change_by(Some(&logged_in), &updates(&["MUSIC_U=; Max-Age=0"])),
            Change::Update(s) if !s.is_logged_in()
        ));
        assert!(matches!(
            Session::change_by(None, &login),
            Change::Login(s) if s.is_logged_in()
        ));
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
        assert_eq!(
            back.web, session.web,
            "the web ids are kept with the device id"
        );
        assert!(!format!("{back:?}").contains("topsecretvalue"));
        assert!(Session::from_secret(&Secret::new("{not json")).is_err());
    }

    #[test]
    fn a_session_stored_before_the_web_ids_gets_them() {
        let old = Secret::new(r#"{"device_id":"ABC","cookies":{"MUSIC_U":"u"}}"#);
        let session = Session::from_secret(&old).unwrap();
        assert_eq!(session.device_id, "ABC");
        assert_eq!(session.web.cookies()[0].1.len(), 64);
    }
}
