//! Who Duet says it is to QQ Music: the y.qq.com web player in a desktop browser, on every call
//! (docs/protocol/qqmusic.md §1, §3.2). The QR logins are the web's own flows, so the web identity is
//! the one that stays consistent. One place to update when the service moves on.

use rand::Rng;

/// A current desktop Chrome on Windows (§1: "a desktop-browser User-Agent").
pub const USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
pub const REFERER: &str = "https://y.qq.com/";
pub const ORIGIN: &str = "https://y.qq.com";

/// The web profile's client type and version (§3.2).
pub const WEB_CT: u32 = 24;
pub const WEB_CV: u32 = 4747474;
pub const WEB_PLATFORM: &str = "yqq.json";
/// The h5 profile the sign-in page uses (§3.2, §5.9).
pub const H5_CT: u32 = 23;
pub const H5_PLATFORM: &str = "h5";
pub const SIGN_IN_REFERER: &str = "https://i.y.qq.com/n2/m/client/day_sign/index.html";

/// The signed endpoint every call goes through (§3.4: the web signs everything it sends).
pub const MUSICS_URL: &str = "https://u6.y.qq.com/cgi-bin/musics.fcg";
pub const PROFILE_URL: &str = "https://c6.y.qq.com/rsc/fcgi-bin/fcg_get_profile_homepage.fcg";

/// ptlogin2 and QQ Connect (§4.1).
pub const PTLOGIN_APPID: &str = "716027609";
pub const PTLOGIN_DAID: &str = "383";
pub const QQ_CONNECT_CLIENT_ID: &str = "100497308";
pub const PTLOGIN_REFERER: &str = "https://xui.ptlogin2.qq.com/";
pub const PTQRSHOW_URL: &str = "https://ssl.ptlogin2.qq.com/ptqrshow";
pub const PTQRLOGIN_URL: &str = "https://ssl.ptlogin2.qq.com/ptqrlogin";
pub const LOGIN_JUMP_URL: &str = "https://graph.qq.com/oauth2.0/login_jump";
pub const AUTHORIZE_URL: &str = "https://graph.qq.com/oauth2.0/authorize";
pub const QQ_REDIRECT_URI: &str =
    "https://y.qq.com/portal/wx_redirect.html?login_type=1&surl=https://y.qq.com/";
/// ptlogin's web JS version the poll names (§4.1 step 2).
pub const PTLOGIN_JS_VER: &str = "20102616";

/// WeChat Open Platform (§4.2).
pub const WECHAT_APPID: &str = "wx48db31d50e334801";
pub const WECHAT_QRCONNECT_URL: &str = "https://open.weixin.qq.com/connect/qrconnect";
pub const WECHAT_QRCODE_URL: &str = "https://open.weixin.qq.com/connect/qrcode/";
pub const WECHAT_POLL_URL: &str = "https://lp.open.weixin.qq.com/connect/l/qrconnect";
pub const WECHAT_REDIRECT_URI: &str =
    "https://y.qq.com/portal/wx_redirect.html?login_type=2&surl=https://y.qq.com/";
pub const WECHAT_STYLE_HREF: &str =
    "https://y.qq.com/mediastyle/music_v17/src/css/popup_wechat.css#wechat_redirect";

/// The QQ Music app's own QR login (§4.3): the code is made for this app id, with the client
/// type and version the reference names in `CreateQRCode`, and its state is pushed over MQTT on
/// this WebSocket, on the topic of this prefix and the code's id.
pub const QQMUSIC_APP_ID: &str = "qqmusic";
pub const APP_QR_CT: u32 = 11;
pub const APP_QR_CV: u32 = 13020508;
pub const APP_QR_HANDSHAKE_URL: &str = "wss://mu.y.qq.com/ws/handshake";
pub const APP_QR_TOPIC_PREFIX: &str = "management.qrcode_login/";

/// The sign-in activity of the day_sign page (§5.9; the id rotates, hence one constant).
pub const SIGN_IN_ACT_ID: &str = "Z25hHGi";
pub const SIGN_IN_SCENES_ID: &str = "3";

/// The audio CDNs the vkey's `sip` list names (§1, §5.4: `ws`, `isure`, `dl`
/// `.stream.qqmusic.qq.com`, `aqqmusic.tc.qq.com`), handed out as plain http. Duet asks for
/// https first and falls back to the http URL only when TLS fails.
pub const STREAM_HOSTS: &[&str] = &["*.stream.qqmusic.qq.com", "aqqmusic.tc.qq.com"];
/// Where covers, playlist pictures and avatars come from (`y.gtimg.cn`, `qpic.y.qq.com`,
/// `music-file.y.qq.com`, `y.qq.com/music/photo_new`, `thirdqq.qlogo.cn`, …); the app's CSP
/// names the same.
pub const IMAGE_HOSTS: &[&str] = &[
    "*.gtimg.cn",
    "*.qpic.cn",
    "*.qlogo.cn",
    "y.qq.com",
    "qpic.y.qq.com",
    "music-file.y.qq.com",
];

/// Cover art is derived, not fetched (§0).
pub fn album_cover_url(album_mid: &str) -> Option<String> {
    is_mid(album_mid)
        .then(|| format!("https://y.gtimg.cn/music/photo_new/T002R300x300M000{album_mid}.jpg"))
}

pub fn singer_picture_url(singer_mid: &str) -> Option<String> {
    is_mid(singer_mid)
        .then(|| format!("https://y.gtimg.cn/music/photo_new/T001R300x300M000{singer_mid}.jpg"))
}

/// A QQ "mid": 14 ASCII letters and digits (§0).
pub fn is_mid(s: &str) -> bool {
    s.len() == 14 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The vkey `guid`: random digits (§5.4).
pub fn new_guid() -> String {
    let mut rng = rand::thread_rng();
    (0..10)
        .map(|_| char::from(b'0' + rng.gen_range(0..10)))
        .collect()
}

/// y.qq.com's own login, for when the QR is refused: the page a person logs in on, and the
/// cookies of the session Duet takes from it (§1), and no others.
pub const WEB_LOGIN: duet_core::cookies::WebLogin = duet_core::cookies::WebLogin {
    page: "https://y.qq.com/",
    cookie_url: "https://y.qq.com/",
    needed: &[crate::session::UIN_COOKIES, crate::session::KEY_COOKIES],
    also: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mids_and_covers() {
        assert!(is_mid("0039MnYb0qxYhV"));
        assert!(!is_mid("0039MnYb0qxYh"));
        assert!(!is_mid("0039MnYb0qxYh/"));
        assert_eq!(
            album_cover_url("000MkMni19ClKG").as_deref(),
            Some("https://y.gtimg.cn/music/photo_new/T002R300x300M000000MkMni19ClKG.jpg")
        );
        assert_eq!(album_cover_url(""), None);
        let guid = new_guid();
        assert_eq!(guid.len(), 10);
        assert!(guid.bytes().all(|b| b.is_ascii_digit()));
    }
}
