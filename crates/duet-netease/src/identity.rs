//! Who Duet says it is to NetEase: the official Windows PC client, consistently, on every
//! transport (docs/protocol/netease.md §3.3, §5). One place to update when the client moves on.

use rand::Rng;

/// The PC client version we present as (NCMA-HEAD's `pc` profile, §3.3).
pub const APP_VERSION: &str = "3.1.17.204416";
pub const OS: &str = "pc";
pub const OS_VERSION: &str = "Microsoft-Windows-10-Professional-build-19045-64bit";
pub const CHANNEL: &str = "netease";
pub const VERSION_CODE: &str = "140";
pub const RESOLUTION: &str = "1920x1080";
/// The desktop client's User-Agent (§3.3, NCMA's `api.pc` entry) with our app version.
pub const USER_AGENT: &str = concat!(
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) ",
    "Safari/537.36 Chrome/91.0.4472.164 NeteaseMusicDesktop/",
    "3.1.17.204416"
);

/// Hosts (§1). eapi goes to the host the PC client uses today (NCMA's `eapiDomain` since 2026-07,
/// `docs/protocol/fidelity-2026-12.md` row N15), plain api to NCMA's `apiDomain`, weapi to the
/// web host.
pub const EAPI_HOST: &str = "interfacepc.music.163.com";
pub const API_HOST: &str = "interface.music.163.com";
pub const WEB_HOST: &str = "music.163.com";
pub const ORIGIN: &str = "https://music.163.com";
/// The audio CDN (`m7`, `m8`, `m701`, `m801`… `.music.126.net`, §7.5). Song URLs come as plain
/// http; these hosts serve https as well, so Duet asks for https first.
pub const STREAM_HOSTS: &[&str] = &["*.music.126.net"];
/// Where covers and avatars come from (`p1`…`p4.music.126.net`); the app's CSP names the same.
pub const IMAGE_HOSTS: &[&str] = &["*.music.126.net"];

/// What the QR encodes; the phone app opens it (§7.1 step 2).
pub const QR_LOGIN_URL_PREFIX: &str = "https://music.163.com/login?codekey=";
/// The QR `type` of the desktop/eapi flow since 2024-10 (§7.1, §10).
pub const QR_TYPE: u8 = 3;

/// The web page's own login, for when the QR is refused: the page a person logs in on, and the
/// session cookie Duet takes from it (§5.5; `__csrf` too, for the web's writes).
pub const WEB_LOGIN: duet_core::cookies::WebLogin = duet_core::cookies::WebLogin {
    page: "https://music.163.com/login",
    cookie_url: "https://music.163.com/",
    needed: &[&[crate::session::MUSIC_U]],
    also: &[crate::session::CSRF],
};

/// A device id like the ones NCMA-HEAD generates: 52 upper-case hex characters (§5.3).
pub fn new_device_id() -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut rng = rand::thread_rng();
    (0..52).map(|_| HEX[rng.gen_range(0..16)] as char).collect()
}

/// `WEVNSM`, a constant of the web page's cookie set (§5.1).
pub const WEVNSM: &str = "1.0.0";

/// The browser-side tracking ids the web page sends with every weapi call (§5.1; missing ones
/// were the historic -460 cause, fidelity row N18). Made once with the device id, kept with it in
/// the session, and, like it, never printed.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WebIdentity {
    /// `_ntes_nuid`: 64 lower-case hex (32 random bytes, as NCMA makes it).
    nuid: String,
    /// When the ids were made, in ms: the stamp of `_ntes_nnid` and `WNMCID`.
    made_ms: u64,
    /// The 6 random lower-case letters that start `WNMCID`.
    wnmcid: String,
}

impl WebIdentity {
    pub fn new() -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut rng = rand::thread_rng();
        Self {
            nuid: (0..64).map(|_| HEX[rng.gen_range(0..16)] as char).collect(),
            made_ms: duet_core::clock::unix_ms(),
            wnmcid: (0..6).map(|_| rng.gen_range(b'a'..=b'z') as char).collect(),
        }
    }

    /// The cookies, by name, in the order the web page sends them.
    pub fn cookies(&self) -> [(&'static str, String); 4] {
        [
            ("_ntes_nuid", self.nuid.clone()),
            ("_ntes_nnid", format!("{},{}", self.nuid, self.made_ms)),
            ("WNMCID", format!("{}.{}.01.0", self.wnmcid, self.made_ms)),
            ("WEVNSM", WEVNSM.to_owned()),
        ]
    }
}

impl Default for WebIdentity {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for WebIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebIdentity(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_ids_have_the_shapes_of_section_5_1_and_stay_secret() {
        let web = WebIdentity::new();
        let cookies = web.cookies();
        let nuid = &cookies[0].1;
        assert_eq!(nuid.len(), 64);
        assert!(nuid
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        let (nnid_nuid, nnid_ms) = cookies[1].1.split_once(',').unwrap();
        assert_eq!(nnid_nuid, nuid);
        assert_eq!(nnid_ms.len(), 13);
        let parts: Vec<&str> = cookies[2].1.split('.').collect();
        assert_eq!(parts.len(), 4, "{}", cookies[2].1);
        assert!(parts[0].len() == 6 && parts[0].bytes().all(|b| b.is_ascii_lowercase()));
        assert_eq!((parts[1], parts[2], parts[3]), (nnid_ms, "01", "0"));
        assert_eq!(cookies[3], ("WEVNSM", "1.0.0".to_owned()));
        assert_ne!(web, WebIdentity::new());
        assert!(!format!("{web:?}").contains(nuid.as_str()));
    }

    #[test]
    fn user_agent_names_the_app_version() {
        assert!(USER_AGENT.ends_with(&format!("NeteaseMusicDesktop/{APP_VERSION}")));
    }

    #[test]
    fn device_ids_are_52_upper_hex() {
        let id = new_device_id();
        assert_eq!(id.len(), 52);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)));
        assert_ne!(id, new_device_id());
    }
}
