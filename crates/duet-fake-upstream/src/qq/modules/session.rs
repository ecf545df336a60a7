//! The musickey's life: QQ and WeChat login, refresh, logout and the logged-in user.

use serde_json::{json, Value};

use base64::Engine;

use super::{bad_credential, bad_param, ok, Ctx, ItemAnswer};
use crate::http_util::{http_date, now_ms};
use crate::qq::envelope::{credential_matches, musicid_of};
use crate::qq::login::qr_png;
use crate::qq::login::WX_APPID;
use crate::qq::{QqAccount, QqIssuedSession, QqLoginMethod, KEY_LIFETIME_SECS};

// ---- login, refresh, logout (§4.1 step 5, §4.2 step 4, §4.4, §4.5) ---------------------------

/// The login result `data` (field names of §4.1 step 5).
fn login_data(s: &QqIssuedSession) -> Value {
    let now = now_ms() / 1000;
    let refresh_in = (s.key_created_at + KEY_LIFETIME_SECS - 86_400 - now).max(0);
    json!({
        "musicid": s.musicid,
        "musickey": s.musickey,
        "str_musicid": s.musicid.to_string(),
        "encryptUin": s.encrypt_uin,
        "loginType": s.tme_login_type,
        "refresh_key": s.refresh_key,
        "refresh_token": s.refresh_token,
        "access_token": s.access_token,
        "openid": s.openid,
        "unionid": s.unionid,
        "expired_at": s.expired_at,
        "musickeyCreateTime": s.key_created_at,
        "keyExpiresIn": KEY_LIFETIME_SECS,
        "first_login": 0,
        "bindAccountType": 0,
        "needRefreshKeyIn": refresh_in,
        "nick": s.account.nick(),
    })
}

/// The web login cookies (`Domain=qq.com`), alive as long as the key.
fn login_cookies(s: &QqIssuedSession) -> Vec<String> {
    let attrs = format!(
        "Domain=qq.com; Path=/; Expires={}",
        http_date(s.key_created_at + KEY_LIFETIME_SECS)
    );
    [
        ("uin", s.musicid.to_string()),
        ("qqmusic_key", s.musickey.clone()),
        ("qm_keyst", s.musickey.clone()),
        ("euin", s.encrypt_uin.clone()),
        ("tmeLoginType", s.tme_login_type.to_string()),
    ]
    .into_iter()
    .map(|(n, v)| format!("{n}={v}; {attrs}"))
    .collect()
}

fn logged_in(s: QqIssuedSession) -> ItemAnswer {
    ItemAnswer {
        set_cookies: login_cookies(&s),
        body: ok(login_data(&s)),
    }
}

pub(super) fn qq_login(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    let code = c
        .str_p("code")
        .filter(|s| !s.is_empty())
        .ok_or_else(bad_credential)?;
    let account = c.ctl.take_code(&code, QqLoginMethod::Qq).ok_or_else(|| {
        tracing::debug!("QQLogin: unknown or reused code (104400)");
        bad_credential()
    })?;
    Ok(logged_in(c.ctl.login(account)))
}

pub(super) fn login(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    if c.int_p("loginMode").ok().flatten() == Some(2) {
        return refresh(c);
    }
    if !c.p("qrCodeID").is_null() {
        return app_login(c);
    }
    let code = c
        .str_p("code")
        .filter(|s| !s.is_empty())
        .ok_or_else(bad_credential)?;
    let method = if c.str_p("strAppid").as_deref() == Some(WX_APPID) {
        QqLoginMethod::Wechat
    } else {
        QqLoginMethod::Qq
    };
    let account = c.ctl.take_code(&code, method).ok_or_else(|| {
        tracing::debug!(?method, "Login: unknown or reused code (104400)");
        bad_credential()
    })?;
    Ok(logged_in(c.ctl.login(account)))
}

/// `CreateQRCode` for the QQ Music app (§4.3 step 1): a PNG data URI and the `qrcodeID`.
pub(super) fn create_qr_code(c: &Ctx<'_>) -> Result<Value, Value> {
    if c.str_p("tmeAppID").as_deref() != Some("qqmusic") {
        tracing::debug!("CreateQRCode: tmeAppID is not qqmusic");
        return Err(bad_param());
    }
    let id = c.ctl.new_qr(QqLoginMethod::QqMusic);
    let png = qr_png(&format!("https://y.qq.com/fake/app-login?qrcodeID={id}"));
    Ok(ok(json!({
        "qrcode": format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)),
        "qrcodeID": id,
    })))
}

/// The exchange of a QQ Music app login (§4.3 step 3): `{musicid, qrCodeID, token}` with
/// `comm.tmeLoginType` 6; the token is good once, for its own code and account.
fn app_login(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    let tme_ok = musicid_of(&c.comm["tmeLoginType"]) == Some(6);
    let qrcode_id = c.str_p("qrCodeID").unwrap_or_default();
    let token = c.str_p("token").unwrap_or_default();
    let musicid = musicid_of(c.p("musicid"));
    if !tme_ok || qrcode_id.is_empty() || token.is_empty() {
        tracing::debug!(
            tme_ok,
            "Login (app QR): missing fields or not tmeLoginType 6 (104400)"
        );
        return Err(bad_credential());
    }
    let account = c.ctl.take_app_token(&token, &qrcode_id).ok_or_else(|| {
        tracing::debug!("Login (app QR): unknown or reused token (104400)");
        bad_credential()
    })?;
    if musicid != Some(account.musicid()) {
        tracing::debug!("Login (app QR): musicid is not the token's account (104400)");
        return Err(bad_credential());
    }
    Ok(logged_in(c.ctl.app_login()))
}

/// A renewal (§4.5) goes under the old credential, as every reference sends it
/// (docs/protocol/fidelity-2026-12.md row 2e): the old key in the `qqmusic_key` / `qm_keyst`
/// cookie and the `musickey` param (expired is fine, that is what renewing is for), the `uin`
/// cookie and `comm.uin` naming its musicid, `comm.g_tk == hash33(old key)`, and
/// `comm.tmeLoginType` of the login. The fake refuses anything else with `104400`, the code this module gives every credential it refuses
/// (a bad or reused login code, unknown refresh tokens; §6 "credential invalid/expired"), so an
/// anonymous renewal fails the way one with spent tokens does rather than as a generic
/// "not logged in" (`1000`) that invites another try.
fn refresh(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    let musicid = musicid_of(c.p("musicid")).or_else(|| musicid_of(c.p("str_musicid")));
    let account = musicid
        .and_then(QqAccount::by_musicid)
        .ok_or_else(bad_credential)?;
    let Some(old_key) = c.auth.musickey.as_deref() else {
        tracing::debug!("refresh without the old credential (104400)");
        return Err(bad_credential());
    };
    let tme_ok = musicid_of(&c.comm["tmeLoginType"])
        .zip(c.ctl.login_type_of(old_key))
        .is_some_and(|(sent, of_login)| sent == u64::from(of_login));
    let same_key = c.str_p("musickey").as_deref() == Some(old_key);
    if !tme_ok
        || !same_key
        || !credential_matches(account.musicid(), old_key, c.auth.uin_cookie, c.comm)
    {
        tracing::debug!(
            tme_ok,
            same_key,
            "refresh under a credential not of this login (104400)"
        );
        return Err(bad_credential());
    }
    let rk = c.str_p("refresh_key").unwrap_or_default();
    let rt = c.str_p("refresh_token").unwrap_or_default();
    let s = c.ctl.refresh(account, old_key, &rk, &rt).ok_or_else(|| {
        tracing::debug!("refresh: key or tokens unknown, revoked or past expired_at (104400)");
        bad_credential()
    })?;
    Ok(logged_in(s))
}

pub(super) fn logout(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    c.account()?;
    if let Some(k) = &c.auth.musickey {
        c.ctl.end_session(k);
    }
    let gone = http_date(0);
    Ok(ItemAnswer {
        body: ok(json!({})),
        set_cookies: ["qqmusic_key", "qm_keyst"]
            .iter()
            .map(|n| format!("{n}=; Domain=qq.com; Path=/; Expires={gone}"))
            .collect(),
    })
}

pub(super) fn user_info(c: &Ctx<'_>) -> Result<Value, Value> {
    let a = c.account()?;
    Ok(ok(json!({
        "uin": a.musicid(),
        "nick": a.nick(),
        "headurl": a.headpic(),
        "encrypt_uin": a.encrypt_uin(),
        "tmeLoginType": a.tme_login_type(),
    })))
}
