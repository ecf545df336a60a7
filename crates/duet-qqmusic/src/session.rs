//! A QQ Music login: the account id and the musickey that authenticate every call, and the
//! tokens that renew the key (docs/protocol/qqmusic.md §4.1 step 5, §4.5). Persisted as one JSON
//! blob in the credential store; every token is a [`Secret`].

use duet_core::cookies::PastedCookies;
use duet_core::{clock, Error, ErrorKind, ProviderId, Secret};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::parse::{number, text};
use crate::tokens;

/// Which phone app the person logged in with; the API's `tmeLoginType` (§1: 2 = QQ, 1 = WeChat;
/// §4.3: 6 = the QQ Music app's own QR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginKind {
    Qq,
    Wechat,
    #[serde(rename = "qqmusic")]
    QqMusic,
}

impl LoginKind {
    pub fn tme_login_type(self) -> &'static str {
        match self {
            LoginKind::Qq => "2",
            LoginKind::Wechat => "1",
            LoginKind::QqMusic => "6",
        }
    }
}

/// What authenticates a call: the account id and its musickey (§3.2: the cookies `uin`,
/// `qqmusic_key`, `qm_keyst`, plus `comm.uin` and the key's g_tk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub musicid: u64,
    pub musickey: Secret,
}

impl Credential {
    /// From the parts a caller hands over (the seed API's headers, cookies or body). The
    /// musicid may carry ptlogin's `o` prefix and leading zeros (§1).
    pub fn parse(musicid: &str, musickey: &str) -> Result<Self, Error> {
        let id = musicid.trim();
        let id = id.strip_prefix('o').unwrap_or(id).trim_start_matches('0');
        let musicid = id
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0 && id.len() <= 20)
            .ok_or_else(|| {
                Error::bad_request("the QQ Music account id (uin / musicid) must be digits")
                    .with_provider(ProviderId::Qq)
            })?;
        let key = musickey.trim();
        if key.is_empty() || key.len() > 1024 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::bad_request(
                "the QQ Music key (qm_keyst / qqmusic_key / musickey) is missing or malformed",
            )
            .with_provider(ProviderId::Qq));
        }
        Ok(Self {
            musicid,
            musickey: Secret::new(key),
        })
    }

    /// The credential in session cookies a person brought (§1: `uin`, or `qqmusic_uin`, or a
    /// WeChat login's `wxuin`; `qm_keyst` or `qqmusic_key`). `bad_request`, naming what is
    /// missing, when they do not hold one.
    pub fn from_cookies(cookies: &PastedCookies) -> Result<Self, Error> {
        let uin = cookies.first_of(UIN_COOKIES);
        let key = cookies.first_of(KEY_COOKIES);
        let missing = match (uin, key) {
            (Some(uin), Some(key)) => return Self::parse(uin.expose(), key.expose()),
            (None, None) if cookies.bare().is_some() => "both cookies: this is one value",
            (None, None) => "both uin and qm_keyst (or qqmusic_key)",
            (None, Some(_)) => "the uin cookie (the account id)",
            (Some(_), None) => "the qm_keyst or qqmusic_key cookie (the key)",
        };
        Err(Error::bad_request(format!(
            "a QQ Music login is the uin and qm_keyst (or qqmusic_key) cookies of y.qq.com; \
             the paste lacks {missing}"
        ))
        .with_provider(ProviderId::Qq))
    }

    /// `g_tk` of this key (§2).
    pub fn g_tk(&self) -> u32 {
        tokens::g_tk(Some(self.musickey.expose()))
    }

    /// The `Cookie` header of an authenticated call.
    pub fn cookie_header(&self) -> String {
        let key = self.musickey.expose();
        format!("uin={}; qqmusic_key={key}; qm_keyst={key}", self.musicid)
    }
}

/// The cookies that name the account, most specific first (§1).
pub const UIN_COOKIES: &[&str] = &["uin", "qqmusic_uin", "wxuin"];
/// The cookies that carry the musickey (§1: the same value in both).
pub const KEY_COOKIES: &[&str] = &["qm_keyst", "qqmusic_key"];
/// The prefix of a WeChat login's musickey (§0).
const WECHAT_KEY_PREFIX: &str = "W_X_";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub kind: LoginKind,
    pub musicid: u64,
    pub musickey: Secret,
    #[serde(default)]
    pub encrypt_uin: String,
    #[serde(default)]
    pub refresh_key: Secret,
    #[serde(default)]
    pub refresh_token: Secret,
    #[serde(default)]
    pub access_token: Secret,
    #[serde(default)]
    pub openid: Secret,
    #[serde(default)]
    pub unionid: Secret,
    /// Unix seconds the key was made, and how long it lives (§4.1: 259200 = 3 days).
    #[serde(default)]
    pub key_created_at: u64,
    #[serde(default)]
    pub key_expires_in: u64,
    /// Unix seconds the refresh tokens stop working (≈ 7 days).
    #[serde(default)]
    pub expired_at: u64,
}

impl Session {
    /// The `data` of a login or refresh answer (§4.1 step 5).
    pub fn from_login(kind: LoginKind, data: &Value) -> Result<Self, Error> {
        let musicid = number(data, "musicid")
            .or_else(|| number(data, "str_musicid"))
            .filter(|id| *id > 0);
        let musickey = text(data, "musickey");
        let (Some(musicid), false) = (musicid, musickey.is_empty()) else {
            return Err(
                Error::upstream("QQ Music's login answer has no musicid or musickey")
                    .with_provider(ProviderId::Qq),
            );
        };
        Ok(Self {
            kind,
            musicid,
            musickey: Secret::new(musickey),
            encrypt_uin: text(data, "encryptUin"),
            refresh_key: Secret::new(text(data, "refresh_key")),
            refresh_token: Secret::new(text(data, "refresh_token")),
            access_token: Secret::new(text(data, "access_token")),
            openid: Secret::new(text(data, "openid")),
            unionid: Secret::new(text(data, "unionid")),
            key_created_at: number(data, "musickeyCreateTime").unwrap_or_else(clock::unix_s),
            key_expires_in: number(data, "keyExpiresIn").unwrap_or(259_200),
            expired_at: number(data, "expired_at").unwrap_or(0),
        })
    }

    /// A login by the account's cookies alone (pasted, or from y.qq.com's own login page). It
    /// cannot be renewed (§4.5: `refresh_key` comes only with a login answer), and its key's age
    /// is unknown, so none is claimed: it is used until the service calls it expired.
    pub fn from_cookies(credential: Credential, encrypt_uin: String) -> Self {
        let kind = if credential.musickey.expose().starts_with(WECHAT_KEY_PREFIX) {
            LoginKind::Wechat
        } else {
            LoginKind::Qq
        };
        Self {
            kind,
            musicid: credential.musicid,
            musickey: credential.musickey,
            encrypt_uin,
            refresh_key: Secret::default(),
            refresh_token: Secret::default(),
            access_token: Secret::default(),
            openid: Secret::default(),
            unionid: Secret::default(),
            key_created_at: clock::unix_s(),
            key_expires_in: 0,
            expired_at: 0,
        }
    }

    pub fn credential(&self) -> Credential {
        Credential {
            musicid: self.musicid,
            musickey: self.musickey.clone(),
        }
    }

    /// Whether the key is past (or within `margin_s` of) its lifetime by the local clock.
    pub fn key_is_stale(&self, margin_s: u64) -> bool {
        self.key_expires_in > 0 && clock::unix_s().saturating_add(margin_s) >= self.key_expires_at()
    }

    /// Unix seconds the key stops working.
    pub fn key_expires_at(&self) -> u64 {
        self.key_created_at.saturating_add(self.key_expires_in)
    }

    /// Whether a refresh can be tried: the tokens exist and have not run out (§4.5).
    pub fn can_refresh(&self) -> bool {
        !self.refresh_key.is_empty() && (self.expired_at == 0 || clock::unix_s() < self.expired_at)
    }

    pub fn to_secret(&self) -> Secret {
        Secret::new(serde_json::to_string(self).unwrap_or_default())
    }

    pub fn from_secret(secret: &Secret) -> Result<Self, Error> {
        serde_json::from_str(secret.expose()).map_err(|_| {
            Error::new(
                ErrorKind::SessionExpired,
                "the stored QQ Music login cannot be read; log in again",
            )
            .with_provider(ProviderId::Qq)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credentials_from_loose_parts() {
        let c = Credential::parse("o0123456789", "Q_H_L_abc").unwrap();
        assert_eq!(c.musicid, 123456789);
        assert_eq!(
            c.cookie_header(),
            "uin=123456789; qqmusic_key=Q_H_L_abc; qm_keyst=Q_H_L_abc"
        );
        assert_eq!(c.g_tk(), tokens::hash33("Q_H_L_abc", 5381));
        for (id, key) in [
            ("", "k"),
            ("abc", "k"),
            ("123", ""),
            ("123", "a b"),
            ("0", "k"),
        ] {
            let error = Credential::parse(id, key).unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest, "{id:?} {key:?}");
        }
    }

    /// Windows keeps at most 1280 UTF-16 units in a credential: a login with tokens longer than
    /// any the service hands out (a musickey runs to about 110 characters) still fits.
    #[test]
    fn the_longest_login_fits_a_windows_credential() {
        let long = |n: usize| "A".repeat(n);
        let session = Session::from_login(
            LoginKind::Wechat,
            &json!({"musicid": u64::MAX, "musickey": long(200), "encryptUin": long(64),
                    "refresh_key": long(200), "refresh_token": long(200),
                    "access_token": long(64), "openid": long(64), "unionid": long(64),
                    "musickeyCreateTime": u64::MAX, "keyExpiresIn": u64::MAX,
                    "expired_at": u64::MAX}),
        )
        .unwrap();
        let stored = session.to_secret();
        assert!(
            duet_core::credentials::fits_every_keychain(&stored),
            "{} units",
            stored.expose().encode_utf16().count()
        );
    }

    #[test]
    fn login_answer_round_trips_and_never_shows_its_key() {
        let session = Session::from_login(
            LoginKind::Qq,
            &json!({"musicid": 123456789, "musickey": "Q_H_L_secretkey", "encryptUin": "oi6**",
                    "refresh_key": "rk-secret", "refresh_token": "rt-secret",
                    "musickeyCreateTime": 1_700_000_000u64, "keyExpiresIn": 259200,
                    "expired_at": 1_700_604_800u64}),
        )
        .unwrap();
        let debug = format!("{session:?}");
        for secret in ["Q_H_L_secretkey", "rk-secret", "rt-secret"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(session.key_is_stale(0), "a 2023 key is stale");
        let back = Session::from_secret(&session.to_secret()).unwrap();
        assert_eq!(back.musickey, session.musickey);
        assert_eq!(back.kind, LoginKind::Qq);
        assert!(Session::from_login(LoginKind::Qq, &json!({"musicid": 1})).is_err());
        assert!(Session::from_secret(&Secret::new("{")).is_err());
    }
}
