//! QR login on the web: QQ through ptlogin2 → check_sig → graph.qq.com OAuth (§4.1 steps
//! 1–4) and WeChat through open.weixin.qq.com (§4.2 steps 1–3). The code exchange (step 5 /
//! step 4) is an envelope item, in `modules/session.rs`.

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};

use super::{fixtures, QqAccount, QqControl, QqLoginMethod, QrPoll};
use crate::covers;
use crate::http_util::{http_date, now_ms, random_hex, Cookies};

/// QQ Music's ptlogin2 appid / aid.
pub(crate) const APPID: &str = "716027609";
pub(crate) const DAID: &str = "383";
/// QQ Music's QQ-Connect app (`pt_3rd_aid` = OAuth `client_id`).
pub(crate) const CLIENT_ID: &str = "100497308";
/// QQ Music's WeChat open-platform appid.
pub(crate) const WX_APPID: &str = "wx48db31d50e334801";

/// A plain web answer.
pub(crate) struct WebAnswer {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub set_cookies: Vec<String>,
    pub location: Option<String>,
    /// What the journal records as the answer's code (ptuiCB / wx_errcode status).
    pub code: Option<i64>,
}

impl WebAnswer {
    fn new(status: StatusCode, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        WebAnswer {
            status,
            content_type,
            body: body.into(),
            set_cookies: Vec::new(),
            location: None,
            code: None,
        }
    }

    fn redirect(location: String) -> Self {
        let mut a = WebAnswer::new(StatusCode::FOUND, "text/html", Vec::new());
        a.location = Some(location);
        a
    }

    fn with_code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }
}

const JS: &str = "application/javascript; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// Query parameters, percent-decoded (`+` is a space, as in forms).
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(crate) fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A QR code of `data` as a grey raster: `scale` pixels a module, a 4-module quiet zone.
fn qr_raster(data: &str, scale: usize) -> Option<(u32, Vec<u8>)> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 8) * scale;
    let mut px = vec![255u8; side * side];
    for y in 0..modules {
        for x in 0..modules {
            if colors[y * modules + x] == qrcode::Color::Dark {
                for dy in 0..scale {
                    let row = (y + 4) * scale + dy;
                    let from = row * side + (x + 4) * scale;
                    px[from..from + scale].fill(0);
                }
            }
        }
    }
    Some((side as u32, px))
}

/// The PNG QR code of `data` (what ptqrshow serves).
pub(crate) fn qr_png(data: &str) -> Vec<u8> {
    qr_raster(data, 3)
        .map(|(side, px)| covers::png(side, side, 1, &px))
        .unwrap_or_default()
}

/// The JPEG QR code of `data` (what open.weixin.qq.com serves).
pub(crate) fn qr_jpeg(data: &str) -> Vec<u8> {
    qr_raster(data, 8)
        .map(|(side, px)| covers::jpeg(side, side, 1, &px))
        .unwrap_or_default()
}

fn cookie_expires(days: i64) -> String {
    http_date(now_ms() / 1000 + days * 86_400)
}

// ---- QQ: ptlogin2 ------------------------------------------------------------------------

/// `GET /ptqrshow`: a PNG QR and the `qrsig` cookie.
pub(crate) fn ptqrshow(ctl: &QqControl, query: &[(String, String)]) -> WebAnswer {
    if param(query, "appid") != Some(APPID)
        || param(query, "daid") != Some(DAID)
        || param(query, "pt_3rd_aid") != Some(CLIENT_ID)
    {
        tracing::debug!("ptqrshow: wrong appid/daid/pt_3rd_aid (400)");
        return WebAnswer::new(StatusCode::BAD_REQUEST, HTML, Vec::new());
    }
    let qrsig = ctl.new_qr(QqLoginMethod::Qq);
    let mut a = WebAnswer::new(
        StatusCode::OK,
        "image/png",
        qr_png(&format!(
            "https://ssl.ptlogin2.qq.com/fake/scan?qrsig={qrsig}"
        )),
    );
    a.set_cookies
        .push(format!("qrsig={qrsig}; Path=/; Domain=ptlogin2.qq.com"));
    a
}

fn ptui(code: &str, url: &str, msg: &str, nick: &str) -> String {
    format!("ptuiCB('{code}','0','{url}','0','{msg}', '{nick}')")
}

/// `GET /ptqrlogin`: one poll (§4.1 step 2).
pub(crate) fn ptqrlogin(
    ctl: &QqControl,
    query: &[(String, String)],
    cookies: &Cookies,
) -> WebAnswer {
    let bad = || {
        WebAnswer::new(
            StatusCode::BAD_REQUEST,
            JS,
            ptui("10006", "", "无效的qrsig。", ""),
        )
        .with_code(10006)
    };
    let Some(qrsig) = cookies.get("qrsig").filter(|q| !q.is_empty()) else {
        tracing::debug!("ptqrlogin without a qrsig cookie (400)");
        return bad();
    };
    let token = param(query, "ptqrtoken").and_then(|t| t.parse::<u32>().ok());
    if token != Some(duet_qqmusic::tokens::ptqrtoken(qrsig)) {
        tracing::debug!("ptqrlogin: ptqrtoken is not hash33(qrsig, 0) (400)");
        return bad();
    }
    let f = fixtures::get();
    let bodies = "ptlogin_ptqrlogin_bodies.json";
    let (code, body) = match ctl.qr_poll(qrsig, QqLoginMethod::Qq) {
        QrPoll::Unknown => return bad(),
        QrPoll::Waiting => (66, f.text(bodies, "waiting_66").to_owned()),
        QrPoll::Scanned => (67, f.text(bodies, "scanned_67").to_owned()),
        QrPoll::Gone => (65, f.text(bodies, "expired_65").to_owned()),
        QrPoll::Refused => (68, ptui("68", "", "本次登录已被拒绝。", "")),
        QrPoll::Confirmed(ptsigx) => {
            let account = QqAccount::Qq;
            let body = f
                .text(bodies, "success_0_qqmusic_REDACTED")
                .replace("<UIN>", &account.musicid().to_string())
                .replace("<PTSIGX_128_HEX>", &ptsigx)
                .replace("<NICKNAME>", account.nick())
                .replace("pt_3rd_aid=100273020", &format!("pt_3rd_aid={CLIENT_ID}"));
            (0, body)
        }
    };
    WebAnswer::new(StatusCode::OK, JS, body).with_code(code)
}

/// `GET https://ssl.ptlogin2.graph.qq.com/check_sig?…` (§4.1 step 3).
pub(crate) fn check_sig(ctl: &QqControl, query: &[(String, String)]) -> WebAnswer {
    let error_page = || {
        WebAnswer::new(
            StatusCode::OK,
            HTML,
            "<html><head><title>QQ帐号安全登录</title></head><body><p>登录态已失效，请重新登录。</p></body></html>",
        )
    };
    let Some(ptsigx) = param(query, "ptsigx") else {
        return error_page();
    };
    let Some(account) = ctl.take_ptsigx(ptsigx) else {
        tracing::debug!("check_sig: unknown or reused ptsigx");
        return error_page();
    };
    let uin = account.musicid();
    if param(query, "uin") != Some(uin.to_string().as_str()) {
        tracing::debug!("check_sig: uin does not match the ptsigx");
        return error_page();
    }
    let p_skey = format!("{}__", random_hex(42));
    ctl.add_p_skey(&p_skey, account);
    let expires = cookie_expires(30);
    let attrs = format!("Domain=qq.com; Path=/; Expires={expires}");
    let mut a = WebAnswer::redirect("https://graph.qq.com/oauth2.0/login_jump".into());
    for (name, value) in [
        ("p_skey", p_skey),
        ("p_uin", format!("o0{uin}")),
        ("pt4_token", random_hex(40)),
        ("pt_oauth_token", random_hex(48)),
        ("skey", format!("@{}", random_hex(9))),
        ("uin", format!("o0{uin}")),
        ("superuin", format!("o0{uin}")),
    ] {
        a.set_cookies.push(format!("{name}={value}; {attrs}"));
    }
    a
}

/// `POST https://graph.qq.com/oauth2.0/authorize` (§4.1 step 4).
pub(crate) fn authorize(
    ctl: &QqControl,
    form: &[(String, String)],
    cookies: &Cookies,
) -> WebAnswer {
    let error = || {
        WebAnswer::redirect(
            "https://graph.qq.com/oauth2.0/show?which=error&display=pc&error=100044".into(),
        )
    };
    let Some(p_skey) = cookies.get("p_skey") else {
        tracing::debug!("authorize without p_skey");
        return error();
    };
    let Some(account) = ctl.p_skey_account(p_skey) else {
        tracing::debug!("authorize: unknown p_skey");
        return error();
    };
    let p_uin_ok = cookies.get("p_uin").map(String::as_str)
        == Some(format!("o0{}", account.musicid()).as_str());
    let g_tk_ok = param(form, "g_tk").and_then(|g| g.parse::<u32>().ok())
        == Some(duet_qqmusic::tokens::hash33(p_skey, 5381));
    if !p_uin_ok
        || !g_tk_ok
        || param(form, "client_id") != Some(CLIENT_ID)
        || param(form, "response_type") != Some("code")
    {
        tracing::debug!(p_uin_ok, g_tk_ok, "authorize: rejected");
        return error();
    }
    let code = ctl.new_oauth_code();
    WebAnswer::redirect(format!(
        "https://y.qq.com/portal/wx_redirect.html?login_type=1&surl=https://y.qq.com/&code={code}&state=state"
    ))
}

// ---- WeChat ------------------------------------------------------------------------------

/// `GET https://open.weixin.qq.com/connect/qrconnect?appid=…` (§4.2 step 1).
pub(crate) fn qrconnect(ctl: &QqControl, query: &[(String, String)]) -> WebAnswer {
    if param(query, "appid") != Some(WX_APPID) {
        tracing::debug!("qrconnect: wrong appid");
        return WebAnswer::new(
            StatusCode::OK,
            HTML,
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>微信登录</title></head><body><div class=\"main impowerBox\"><h4>参数错误</h4><p>Appid 参数错误</p></div></body></html>",
        );
    }
    let uuid = ctl.new_qr(QqLoginMethod::Wechat);
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>微信登录</title>\n\
         <link rel=\"stylesheet\" href=\"https://y.qq.com/mediastyle/music_v17/src/css/popup_wechat.css\"></head>\n\
         <body><div class=\"main impowerBox\"><div class=\"loginPanel normalPanel\">\n\
         <div class=\"title\">微信登录</div>\n\
         <div class=\"waiting panelContent\"><div class=\"wrp_code\">\
         <img class=\"qrcode lightBorder\" src=\"/connect/qrcode/{uuid}\" /></div>\n\
         <div class=\"info\"><div class=\"status status_browser js_status\"><p>使用微信扫一扫登录</p><p>“QQ音乐”</p></div></div>\n\
         </div></div></div>\n\
         <script>var fordevtool = \"https://lp.open.weixin.qq.com/connect/l/qrconnect?uuid={uuid}\";</script>\n\
         </body></html>\n"
    );
    WebAnswer::new(StatusCode::OK, HTML, html)
}

/// `GET https://open.weixin.qq.com/connect/qrcode/<uuid>` (§4.2 step 2).
pub(crate) fn wx_qrcode(ctl: &QqControl, uuid: &str) -> WebAnswer {
    if !ctl.qr_known(uuid, QqLoginMethod::Wechat) {
        return WebAnswer::new(StatusCode::NOT_FOUND, HTML, Vec::new());
    }
    WebAnswer::new(
        StatusCode::OK,
        "image/jpeg",
        qr_jpeg(&format!(
            "https://open.weixin.qq.com/connect/confirm?uuid={uuid}"
        )),
    )
}

fn wx_body(code: i64, wx_code: &str) -> String {
    format!("window.wx_errcode={code};window.wx_code='{wx_code}';")
}

fn valid_uuid(uuid: &str) -> bool {
    uuid.len() == 16
        && uuid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `GET https://lp.open.weixin.qq.com/connect/l/qrconnect?uuid=…` (§4.2 step 3): a long
/// poll held at most `config.wx_poll_hold` while nothing changes.
pub(crate) async fn wx_poll(
    ctl: &QqControl,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> WebAnswer {
    if headers.contains_key(axum::http::header::COOKIE) {
        tracing::debug!("WeChat long poll with a Cookie header (400)");
        return WebAnswer::new(StatusCode::BAD_REQUEST, HTML, Vec::new());
    }
    let Some(uuid) = param(query, "uuid").filter(|u| valid_uuid(u)) else {
        return WebAnswer::new(StatusCode::BAD_REQUEST, HTML, Vec::new());
    };
    let hold = ctl.config().wx_poll_hold;
    let deadline = tokio::time::Instant::now() + hold;
    let before = ctl.qr_phase(uuid);
    loop {
        let still_waiting = ctl.qr_phase(uuid) == before
            && matches!(
                before,
                Some(super::QqQrState::Waiting | super::QqQrState::Scanned)
            );
        if !still_waiting || tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (code, wx_code) = match ctl.qr_poll(uuid, QqLoginMethod::Wechat) {
        QrPoll::Unknown | QrPoll::Gone => (402, String::new()),
        QrPoll::Waiting => (408, String::new()),
        QrPoll::Scanned => (404, String::new()),
        QrPoll::Refused => (403, String::new()),
        QrPoll::Confirmed(code) => (405, code),
    };
    WebAnswer::new(StatusCode::OK, JS, wx_body(code, &wx_code)).with_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_images_are_real() {
        let png = qr_png("https://ssl.ptlogin2.qq.com/fake/scan?qrsig=abc");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let jpeg = qr_jpeg("https://open.weixin.qq.com/connect/confirm?uuid=0123456789abcdef");
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let (side, px) = qr_raster("x", 2).unwrap();
        assert_eq!(px.len(), (side * side) as usize);
        // The quiet zone is white, the finder pattern's corner is black.
        assert_eq!(px[0], 255);
        assert_eq!(px[(8 * side + 8) as usize], 0);
    }

    #[test]
    fn uuids() {
        assert!(valid_uuid("AbC_-0123456789x"));
        assert!(!valid_uuid("short"));
        assert!(!valid_uuid("0123456789abcde!"));
    }
}
