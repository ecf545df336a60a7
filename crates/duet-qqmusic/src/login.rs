//! The three QR logins of QQ Music (docs/protocol/qqmusic.md §4.1 QQ, §4.2 WeChat, §4.3 the QQ
//! Music app, whose pushed state `app_qr` follows), the key refresh (§4.5) and logout. Each flow ends in a [`Session`]; nothing here stores it.

use duet_core::{clock, Error, ErrorKind, Secret};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::json;

use crate::client::{Client, Comm, Item};
use crate::errors::qq;
use crate::identity;
use crate::ptui;
use crate::session::{Credential, LoginKind, Session};
use crate::tokens;
use duet_core::retry::Effect;

/// A QQ code on screen: the service's picture and the `qrsig` that polls name.
pub struct QqQr {
    pub qrsig: Secret,
    pub png: Vec<u8>,
}

/// What ptlogin2 says about a QQ code (§4.1 step 2).
#[derive(Debug, PartialEq, Eq)]
pub enum QqPoll {
    Waiting,
    Scanned,
    Expired,
    Refused,
    Confirmed {
        /// Carries the one-time `ptsigx`.
        check_sig_url: Secret,
        nickname: String,
    },
}

/// A WeChat code on screen.
pub struct WechatQr {
    pub uuid: Secret,
    pub image: Vec<u8>,
    pub mime: String,
}

/// What the WeChat long poll says (§4.2 step 3).
#[derive(Debug, PartialEq, Eq)]
pub enum WechatPoll {
    Waiting,
    Scanned,
    Expired,
    Cancelled,
    Confirmed { code: Secret },
}

fn refused(step: &str, why: impl std::fmt::Display) -> Error {
    qq(Error::upstream(format!("QQ login failed at {step}: {why}")))
}

/// Step 1: a new code and its `qrsig` cookie.
pub async fn qq_qr_start(client: &Client) -> Result<QqQr, Error> {
    let t: f64 = rand::random();
    let url = format!(
        "{}?appid={}&e=2&l=M&s=3&d=72&v=4&t={t}&daid={}&pt_3rd_aid={}",
        identity::PTQRSHOW_URL,
        identity::PTLOGIN_APPID,
        identity::PTLOGIN_DAID,
        identity::QQ_CONNECT_CLIENT_ID,
    );
    let reply = client
        .raw(
            Method::GET,
            &url,
            Client::header("Referer", identity::PTLOGIN_REFERER),
            None,
        )
        .await?;
    if reply.status != 200 || !reply.content_type.starts_with("image/") {
        return Err(refused("the QR image", format!("HTTP {}", reply.status)));
    }
    let qrsig = reply
        .cookie("qrsig")
        .ok_or_else(|| refused("the QR image", "no qrsig cookie"))?;
    Ok(QqQr {
        qrsig: Secret::new(qrsig),
        png: reply.body,
    })
}

/// Step 2: one poll.
pub async fn qq_qr_poll(client: &Client, qrsig: &Secret) -> Result<QqPoll, Error> {
    let u1 = url::form_urlencoded::byte_serialize(identity::LOGIN_JUMP_URL.as_bytes())
        .collect::<String>();
    let url = format!(
        "{}?u1={u1}&ptqrtoken={}&ptredirect=0&h=1&t=1&g=1&from_ui=1&ptlang=2052&action=0-0-{}\
         &js_ver={}&js_type=1&pt_uistyle=40&aid={}&daid={}&pt_3rd_aid={}&has_onekey=1",
        identity::PTQRLOGIN_URL,
        tokens::ptqrtoken(qrsig.expose()),
        clock::unix_ms(),
        identity::PTLOGIN_JS_VER,
        identity::PTLOGIN_APPID,
        identity::PTLOGIN_DAID,
        identity::QQ_CONNECT_CLIENT_ID,
    );
    let mut headers = Client::header("Referer", identity::PTLOGIN_REFERER);
    headers.extend(Client::header(
        "Cookie",
        &format!("qrsig={}", qrsig.expose()),
    ));
    let reply = client.raw(Method::GET, &url, headers, None).await?;
    if reply.status != 200 {
        return Err(refused(
            "the QR poll",
            format!("HTTP {} (the QR session is not valid)", reply.status),
        ));
    }
    parse_ptqrlogin(&String::from_utf8_lossy(&reply.body))
}

/// A `ptuiCB(…)` poll answer → the state (§4.1 step 2 table).
pub fn parse_ptqrlogin(body: &str) -> Result<QqPoll, Error> {
    let args = ptui::parse_ptui_cb(body)
        .ok_or_else(|| refused("the QR poll", "an answer that is not ptuiCB(…)"))?;
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    Ok(match arg(0).as_str() {
        "66" => QqPoll::Waiting,
        "67" => QqPoll::Scanned,
        "65" => QqPoll::Expired,
        "68" => QqPoll::Refused,
        "0" => QqPoll::Confirmed {
            check_sig_url: Secret::new(arg(2)),
            nickname: arg(5),
        },
        other => {
            return Err(refused(
                "the QR poll",
                format!("code {other:?}: {}", arg(4)),
            ))
        }
    })
}

/// Steps 3–5: check_sig (its 302 carries the cookies), the QQ Connect authorization, and the
/// exchange of its code for a QQ Music session.
pub async fn qq_qr_finish(client: &Client, check_sig_url: &str) -> Result<Session, Error> {
    let parsed = url::Url::parse(check_sig_url).map_err(|_| refused("check_sig", "not a URL"))?;
    // Only ever follow ptlogin2's own check_sig, whatever the answer said.
    if parsed.host_str() != Some("ssl.ptlogin2.graph.qq.com") || parsed.path() != "/check_sig" {
        return Err(refused("check_sig", "an unexpected check_sig address"));
    }
    let (uin, _) = ptui::check_sig_params(check_sig_url)
        .ok_or_else(|| refused("check_sig", "no uin or ptsigx"))?;
    let reply = client
        .raw(
            Method::GET,
            check_sig_url,
            Client::header("Referer", identity::PTLOGIN_REFERER),
            None,
        )
        .await?;
    let p_skey = reply
        .cookie("p_skey")
        .ok_or_else(|| refused("check_sig", "no p_skey cookie (the code was already used?)"))?
        .to_owned();
    let cookies: String = reply
        .cookies
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let form = [
        ("response_type", "code".to_owned()),
        ("client_id", identity::QQ_CONNECT_CLIENT_ID.to_owned()),
        ("redirect_uri", identity::QQ_REDIRECT_URI.to_owned()),
        ("scope", "get_user_info,get_app_friends".to_owned()),
        ("state", "state".to_owned()),
        ("switch", String::new()),
        ("from_ptlogin", "1".to_owned()),
        ("src", "1".to_owned()),
        ("update_auth", "1".to_owned()),
        ("openapi", "1010_1030".to_owned()),
        ("g_tk", tokens::hash33(&p_skey, 5381).to_string()),
        ("auth_time", clock::unix_ms().to_string()),
        ("ui", uuid::Uuid::new_v4().to_string().to_uppercase()),
    ];
    let mut headers = Client::header("Cookie", &cookies);
    headers.extend(Client::header("Referer", identity::PTLOGIN_REFERER));
    let reply = client
        .raw(Method::POST, identity::AUTHORIZE_URL, headers, Some(&form))
        .await?;
    let code = reply
        .location
        .as_deref()
        .and_then(|l| url::Url::parse(l).ok())
        .and_then(|l| {
            l.query_pairs()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.into_owned())
        })
        .filter(|c| !c.is_empty())
        .ok_or_else(|| refused("the QQ Connect authorization", "no code in the redirect"))?;
    tracing::debug!(
        uin_len = uin.len(),
        "QQ Connect authorized; exchanging the code"
    );
    exchange(
        client,
        LoginKind::Qq,
        None,
        Item::new(
            "QQConnectLogin.LoginServer",
            "QQLogin",
            json!({ "code": code }),
        ),
    )
    .await
}

/// The login module's answer → a session (§4.1 step 5, §4.2 step 4). `credential`: the one
/// a renewal goes under (§4.5); a first login has none.
async fn exchange(
    client: &Client,
    kind: LoginKind,
    credential: Option<&Credential>,
    item: Item,
) -> Result<Session, Error> {
    let reply = client
        .call(
            credential,
            Comm::Login(kind),
            Effect::Write,
            std::slice::from_ref(&item),
        )
        .await?
        .pop()
        .ok_or_else(|| refused("the QQ Music login", "no answer"))?;
    let data = reply.into_data(false).map_err(|e| {
        if e.kind == ErrorKind::NotLoggedIn {
            // 104400 here: the code was refused (used twice, or too old).
            qq(Error::new(
                ErrorKind::NotLoggedIn,
                "QQ Music refused the login code; scan a new QR code",
            )
            .with_upstream_code(e.upstream_code.unwrap_or(104400)))
        } else {
            e
        }
    })?;
    Session::from_login(kind, &data)
}

/// A QQ Music app code on screen: its id (whoever knows it can follow the login, so a secret)
/// and the service's picture.
pub struct AppQr {
    pub qrcode_id: Secret,
    pub png: Vec<u8>,
}

/// Step 1 of the QQ Music app's QR (§4.3): `CreateQRCode` for the app, a PNG as a data URI and
/// the code's id.
pub async fn app_qr_start(client: &Client) -> Result<AppQr, Error> {
    let item = Item::new(
        "music.login.LoginServer",
        "CreateQRCode",
        json!({
            "tmeAppID": identity::QQMUSIC_APP_ID,
            "ct": identity::APP_QR_CT,
            "cv": identity::APP_QR_CV,
        }),
    );
    let data = client
        .call(None, Comm::H5, Effect::Write, std::slice::from_ref(&item))
        .await?
        .pop()
        .ok_or_else(|| refused("the QQ Music app code", "no answer"))?
        .into_data(false)?;
    let qrcode_id = crate::parse::text(&data, "qrcodeID");
    if qrcode_id.is_empty()
        || qrcode_id.len() > 128
        || !qrcode_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(refused("the QQ Music app code", "no usable qrcodeID"));
    }
    let picture = crate::parse::text(&data, "qrcode");
    let base64_part = picture.rsplit(',').next().unwrap_or_default();
    let png = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, base64_part)
        .ok()
        .filter(|png| png.starts_with(b"\x89PNG"))
        .ok_or_else(|| refused("the QQ Music app code", "no PNG picture"))?;
    Ok(AppQr {
        qrcode_id: Secret::new(qrcode_id),
        png,
    })
}

/// Step 3: the `cookies` event's account and token for a QQ Music session (`tmeLoginType` 6).
pub async fn app_qr_finish(
    client: &Client,
    qrcode_id: &Secret,
    musicid: u64,
    token: &Secret,
) -> Result<Session, Error> {
    exchange(
        client,
        LoginKind::QqMusic,
        None,
        Item::new(
            "music.login.LoginServer",
            "Login",
            json!({
                "musicid": musicid,
                "qrCodeID": qrcode_id.expose(),
                "token": token.expose(),
            }),
        ),
    )
    .await
}

/// Step 1–2 of WeChat: the uuid from the qrconnect page, and the code's picture.
pub async fn wechat_qr_start(client: &Client) -> Result<WechatQr, Error> {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let url = format!(
        "{}?appid={}&redirect_uri={}&response_type=code&scope=snsapi_login&state=STATE&href={}",
        identity::WECHAT_QRCONNECT_URL,
        identity::WECHAT_APPID,
        encode(identity::WECHAT_REDIRECT_URI),
        encode(identity::WECHAT_STYLE_HREF),
    );
    let page = client
        .raw(Method::GET, &url, HeaderMap::new(), None)
        .await?;
    let html = String::from_utf8_lossy(&page.body);
    let uuid = html
        .split("/connect/qrcode/")
        .nth(1)
        .and_then(|rest| rest.split(['"', '\'', '?', '&']).next())
        .filter(|u| !u.is_empty() && u.len() <= 64)
        .filter(|u| {
            u.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .ok_or_else(|| refused("the WeChat QR page", "no code in the page"))?
        .to_owned();
    let image = client
        .raw(
            Method::GET,
            &format!("{}{uuid}", identity::WECHAT_QRCODE_URL),
            Client::header("Referer", "https://open.weixin.qq.com/connect/qrconnect"),
            None,
        )
        .await?;
    if image.status != 200 || !image.content_type.starts_with("image/") {
        return Err(refused(
            "the WeChat QR image",
            format!("HTTP {}", image.status),
        ));
    }
    let mime = image
        .content_type
        .split(';')
        .next()
        .unwrap_or("image/jpeg")
        .trim()
        .to_owned();
    Ok(WechatQr {
        uuid: Secret::new(uuid),
        image: image.body,
        mime,
    })
}

/// One WeChat long poll, under its own timeout (a client-side timeout counts as "still
/// waiting", §4.2).
pub async fn wechat_qr_poll(client: &Client, uuid: &Secret) -> Result<WechatPoll, Error> {
    let url = format!(
        "{}?uuid={}&_={}",
        identity::WECHAT_POLL_URL,
        uuid.expose(),
        clock::unix_ms()
    );
    let reply = client
        .long_poll(
            &url,
            Client::header("Referer", "https://open.weixin.qq.com/"),
        )
        .await?;
    // §4.2: a client-side timeout of the long poll means "still waiting".
    let Some(reply) = reply else {
        return Ok(WechatPoll::Waiting);
    };
    if reply.status != 200 {
        return Err(refused("the WeChat poll", format!("HTTP {}", reply.status)));
    }
    parse_wechat_poll(&String::from_utf8_lossy(&reply.body))
}

/// `window.wx_errcode=408;window.wx_code='';` → the state (§4.2 step 3).
pub fn parse_wechat_poll(body: &str) -> Result<WechatPoll, Error> {
    let value_of = |name: &str| -> Option<String> {
        let start = body.find(name)? + name.len();
        let rest = body[start..].trim_start().strip_prefix('=')?.trim_start();
        let end = rest.find(';').unwrap_or(rest.len());
        Some(rest[..end].trim().trim_matches('\'').to_owned())
    };
    let errcode =
        value_of("window.wx_errcode").ok_or_else(|| refused("the WeChat poll", "no wx_errcode"))?;
    Ok(match errcode.as_str() {
        "408" => WechatPoll::Waiting,
        "404" => WechatPoll::Scanned,
        "402" => WechatPoll::Expired,
        "403" => WechatPoll::Cancelled,
        "405" => {
            let code = value_of("window.wx_code")
                .filter(|c| !c.is_empty())
                .ok_or_else(|| refused("the WeChat poll", "confirmed without a code"))?;
            WechatPoll::Confirmed {
                code: Secret::new(code),
            }
        }
        other => return Err(refused("the WeChat poll", format!("code {other}"))),
    })
}

/// Step 4 of WeChat: the code for a QQ Music session.
pub async fn wechat_finish(client: &Client, code: &Secret) -> Result<Session, Error> {
    exchange(
        client,
        LoginKind::Wechat,
        None,
        Item::new(
            "music.login.LoginServer",
            "Login",
            json!({ "code": code.expose(), "strAppid": identity::WECHAT_APPID }),
        ),
    )
    .await
}

/// A new musickey from the stored tokens (§4.5), asked under the current credential as every
/// reference asks it (docs/protocol/fidelity-2026-12.md rows 2d, 2e): the login cookies,
/// `comm.uin` = musicid, `g_tk` of the old key and the login's `tmeLoginType`.
pub async fn refresh(client: &Client, session: &Session) -> Result<Session, Error> {
    let param = match session.kind {
        LoginKind::Qq => json!({
            "openid": session.openid.expose(),
            "access_token": session.access_token.expose(),
            "refresh_token": session.refresh_token.expose(),
            "expired_in": session.expired_at,
            "musicid": session.musicid,
            "musickey": session.musickey.expose(),
            "refresh_key": session.refresh_key.expose(),
            "loginMode": 2,
        }),
        // The reference renews an app login with the tokens it has (§4.3, §4.5).
        LoginKind::QqMusic => json!({
            "refresh_key": session.refresh_key.expose(),
            "refresh_token": session.refresh_token.expose(),
            "musickey": session.musickey.expose(),
            "musicid": session.musicid,
            "loginMode": 2,
        }),
        LoginKind::Wechat => json!({
            "openid": session.openid.expose(),
            "refresh_token": session.refresh_token.expose(),
            "str_musicid": session.musicid.to_string(),
            "musickey": session.musickey.expose(),
            "unionid": session.unionid.expose(),
            "refresh_key": session.refresh_key.expose(),
            "loginMode": 2,
        }),
    };
    let mut renewed = exchange(
        client,
        session.kind,
        Some(&session.credential()),
        Item::new("music.login.LoginServer", "Login", param),
    )
    .await
    .map_err(|e| match e.kind {
        ErrorKind::NotLoggedIn => qq(Error::new(
            ErrorKind::SessionExpired,
            "QQ Music no longer renews this login; scan the QR code again",
        )
        .with_upstream_code(e.upstream_code.unwrap_or(104400))),
        _ => e,
    })?;
    // A refresh answer may leave out what does not change.
    if renewed.encrypt_uin.is_empty() {
        renewed.encrypt_uin = session.encrypt_uin.clone();
    }
    for (new, old) in [
        (&mut renewed.refresh_key, &session.refresh_key),
        (&mut renewed.refresh_token, &session.refresh_token),
        (&mut renewed.access_token, &session.access_token),
        (&mut renewed.openid, &session.openid),
        (&mut renewed.unionid, &session.unionid),
    ] {
        if new.is_empty() {
            *new = old.clone();
        }
    }
    if renewed.expired_at == 0 {
        renewed.expired_at = session.expired_at;
    }
    Ok(renewed)
}

/// Ends the session with the service (§4.5 Logout).
pub async fn logout(client: &Client, session: &Session) -> Result<(), Error> {
    client
        .call_one(
            Some(&session.credential()),
            Effect::Write,
            Item::new("music.login.LoginServer", "Logout", json!({})),
        )
        .await
        .map(|_| ())
}
