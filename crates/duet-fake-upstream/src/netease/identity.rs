//! "Is this the official PC client?" — one check per transport. A failed check answers -460
//! Cheating like the real anti-abuse layer. Reasons are logged at debug level; cookie values
//! never are.

use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

use super::transport::Decoded;
use crate::http_util::Cookies;
use crate::journal::Transport;

/// Checks the request's client identity for its transport.
pub(crate) fn check(req: &Decoded, headers: &HeaderMap, cookies: &Cookies) -> Result<(), String> {
    let r = match req.transport {
        Transport::Eapi => check_eapi(req.eapi_header.as_ref(), headers, cookies),
        Transport::Weapi => check_weapi(headers, cookies),
        Transport::Api => check_api(headers, cookies),
        Transport::Linuxapi => check_linuxapi(headers),
        // Not NetEase transports; the router never decodes these as NetEase requests.
        Transport::Audio | Transport::Musicu | Transport::Musics | Transport::Web => Ok(()),
    };
    if let Err(reason) = &r {
        tracing::debug!(
            transport = ?req.transport,
            path = %req.logical_path,
            %reason,
            "client identity rejected (-460)"
        );
    }
    r
}

/// `^\d+(\.\d+){3}$`, e.g. `3.1.17.204416`.
pub(crate) fn is_pc_appver(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.trim().is_empty())
}

fn cookie<'a>(cookies: &'a Cookies, name: &str) -> Option<&'a str> {
    cookies
        .get(name)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
}

/// `os=pc` and a PC-shaped `appver` cookie; returns the appver.
fn pc_cookies(cookies: &Cookies) -> Result<&str, String> {
    match cookie(cookies, "os") {
        Some("pc") => {}
        Some(_) => return Err("cookie os is not pc".into()),
        None => return Err("no os cookie".into()),
    }
    let appver = cookie(cookies, "appver").ok_or("no appver cookie")?;
    if !is_pc_appver(appver) {
        return Err("appver cookie is not a PC version (d.d.d.d)".into());
    }
    Ok(appver)
}

fn desktop_ua(headers: &HeaderMap, appver: &str) -> Result<(), String> {
    let ua = user_agent(headers).ok_or("no User-Agent")?;
    if !ua.contains(&format!("NeteaseMusicDesktop/{appver}")) {
        return Err("User-Agent lacks NeteaseMusicDesktop/<appver>".into());
    }
    Ok(())
}

fn header_str(h: &Map<String, Value>, key: &str) -> Option<String> {
    match h.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// eapi: the Cookie header and the JSON `header` map both describe the same PC client.
fn check_eapi(
    header_map: Option<&Map<String, Value>>,
    headers: &HeaderMap,
    cookies: &Cookies,
) -> Result<(), String> {
    let appver = pc_cookies(cookies)?;
    let device = cookie(cookies, "deviceId").ok_or("no deviceId cookie")?;
    let h = header_map.ok_or("no header map in the eapi JSON")?;
    for (key, expected) in [("os", "pc"), ("appver", appver), ("deviceId", device)] {
        match header_str(h, key) {
            Some(v) if v == expected => {}
            Some(_) => return Err(format!("eapi header {key} differs from the cookie")),
            None => return Err(format!("eapi header has no {key}")),
        }
    }
    if header_str(h, "requestId").is_none() {
        return Err("eapi header has no requestId".into());
    }
    desktop_ua(headers, appver)
}

/// weapi: a browser-style call from the music.163.com page inside the PC client.
fn check_weapi(headers: &HeaderMap, cookies: &Cookies) -> Result<(), String> {
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .ok_or("no Referer")?;
    if !referer.starts_with("https://music.163.com") {
        return Err("Referer is not https://music.163.com".into());
    }
    user_agent(headers).ok_or("no User-Agent")?;
    pc_cookies(cookies)?;
    web_page_cookies(cookies)
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_ms_stamp(s: &str) -> bool {
    s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The tracking cookies the web page always sends (§5.1, fidelity row N18; a missing
/// `_ntes_nuid` was the historic -460): `_ntes_nuid` of 32 (a browser's) or 64 (NCMA's)
/// lower-case hex, `_ntes_nnid` = `<that nuid>,<ms>`, `WNMCID` = `<6 a-z>.<ms>.01.0`,
/// `WEVNSM` = `1.0.0`.
fn web_page_cookies(cookies: &Cookies) -> Result<(), String> {
    let nuid = cookie(cookies, "_ntes_nuid").ok_or("no _ntes_nuid cookie")?;
    if !matches!(nuid.len(), 32 | 64) || !is_lower_hex(nuid) {
        return Err("_ntes_nuid is not 32 or 64 lower-case hex".into());
    }
    let nnid = cookie(cookies, "_ntes_nnid").ok_or("no _ntes_nnid cookie")?;
    match nnid.split_once(',') {
        Some((id, ms)) if id == nuid && is_ms_stamp(ms) => {}
        _ => return Err("_ntes_nnid is not <_ntes_nuid>,<ms>".into()),
    }
    let wnmcid = cookie(cookies, "WNMCID").ok_or("no WNMCID cookie")?;
    let shaped = match wnmcid.split('.').collect::<Vec<_>>()[..] {
        [tag, ms, "01", "0"] => {
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_lowercase()) && is_ms_stamp(ms)
        }
        _ => false,
    };
    if !shaped {
        return Err("WNMCID is not <6 a-z>.<ms>.01.0".into());
    }
    match cookie(cookies, "WEVNSM") {
        Some("1.0.0") => Ok(()),
        Some(_) => Err("WEVNSM is not 1.0.0".into()),
        None => Err("no WEVNSM cookie".into()),
    }
}

/// Plain api: PC cookies and the desktop UA.
fn check_api(headers: &HeaderMap, cookies: &Cookies) -> Result<(), String> {
    let appver = pc_cookies(cookies)?;
    desktop_ua(headers, appver)
}

/// linuxapi (legacy Linux client): only a User-Agent is required.
fn check_linuxapi(headers: &HeaderMap) -> Result<(), String> {
    user_agent(headers).ok_or("no User-Agent")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appver_shape() {
        assert!(is_pc_appver("3.1.17.204416"));
        assert!(!is_pc_appver("9.0.90"));
        assert!(!is_pc_appver("3.1.17.x"));
        assert!(!is_pc_appver("3..17.1"));
        assert!(!is_pc_appver(""));
    }
}
