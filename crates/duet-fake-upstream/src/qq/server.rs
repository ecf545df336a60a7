//! One QQ Music / ptlogin2 / WeChat request from HTTP in to HTTP out: routing by host and
//! path, HTTP-level faults and the request log for the plain web endpoints.

use std::time::Instant;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::envelope::{self, authenticate};
use super::login::{self, param, parse_query, WebAnswer};
use super::{
    catalog, cdn, QqAccount, QqControl, API_HOSTS, AUDIO_HOSTS, CHECK_SIG_HOST, COVER_HOST,
    GRAPH_HOST, LEGACY_HOSTS, PTLOGIN_HOST, WEB_HOST, WX_HOST, WX_POLL_HOST,
};
use crate::http_util::{
    add_set_cookies, endless_json, parse_cookies, plain_404, response, NGINX_500,
};
use crate::journal::{
    Fault, FaultKind, FaultScope, RecordedRequest, Transport, DEFAULT_SLOW_DELAY,
};

/// Serves one request for a QQ Music host (`rest` = URL path after `/{host}/`).
pub(crate) async fn handle(
    ctl: &QqControl,
    host: &str,
    rest: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    if AUDIO_HOSTS.contains(&host) {
        return cdn::audio(ctl, host, rest, method, query, headers).await;
    }
    if host == COVER_HOST {
        return cdn::cover(rest, method);
    }
    if host == WEB_HOST {
        return web_login_page(ctl, host, rest, method, &body);
    }
    if API_HOSTS.contains(&host) && matches!(rest, "cgi-bin/musicu.fcg" | "cgi-bin/musics.fcg") {
        return envelope::serve(ctl, host, rest, method, query, headers, body).await;
    }
    web(ctl, host, rest, method, query, headers, body).await
}

/// y.qq.com's front page as its login: a QQ login or a WeChat one, each leaving the cookies the
/// web sets on `.qq.com` (§1: `uin` in ptlogin's `o0…` form for QQ, `wxuin` for WeChat, the key
/// twice), among others a client must not take (the refresh token, trackers).
fn web_login_page(
    ctl: &QqControl,
    host: &str,
    rest: &str,
    method: &Method,
    form: &[u8],
) -> Response {
    if !rest.is_empty() {
        return plain_404();
    }
    let buttons = [
        crate::web_login::Button {
            id: "login",
            label: "QQ登录",
        },
        crate::web_login::Button {
            id: "login-wechat",
            label: "微信登录",
        },
    ];
    crate::web_login::serve(host, "QQ音乐", method, form, &buttons, |pressed| {
        let account = if pressed == "login-wechat" {
            QqAccount::Wechat
        } else {
            QqAccount::Qq
        };
        let s = ctl.issue_session(account);
        let key = &s.musickey;
        let uin = match account {
            QqAccount::Qq => format!("uin=o0{}", s.musicid),
            QqAccount::Wechat => format!("wxuin=o{}", s.musicid),
        };
        vec![
            format!("pgv_pvid={}", crate::http_util::random_hex(10)),
            uin,
            format!("qqmusic_key={key}"),
            format!("qm_keyst={key}"),
            format!("psrf_qqrefresh_token={}; HttpOnly", s.refresh_token),
            format!("euin={}", s.encrypt_uin),
            format!(
                "tmeLoginType={}",
                if account == QqAccount::Qq { 2 } else { 1 }
            ),
        ]
    })
    .unwrap_or_else(|| response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new()))
}

/// Which plain web endpoint a request is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    PtQrShow,
    PtQrLogin,
    CheckSig,
    Authorize,
    WxQrConnect,
    WxQrCode,
    WxPoll,
    Profile,
}

fn route(host: &str, rest: &str) -> Option<(Route, Method)> {
    Some(match (host, rest) {
        (PTLOGIN_HOST, "ptqrshow") => (Route::PtQrShow, Method::GET),
        (PTLOGIN_HOST, "ptqrlogin") => (Route::PtQrLogin, Method::GET),
        (CHECK_SIG_HOST, "check_sig") => (Route::CheckSig, Method::GET),
        (GRAPH_HOST, "oauth2.0/authorize") => (Route::Authorize, Method::POST),
        (WX_HOST, "connect/qrconnect") => (Route::WxQrConnect, Method::GET),
        (WX_HOST, r) if r.starts_with("connect/qrcode/") => (Route::WxQrCode, Method::GET),
        (WX_POLL_HOST, "connect/l/qrconnect") => (Route::WxPoll, Method::GET),
        (h, "rsc/fcgi-bin/fcg_get_profile_homepage.fcg") if LEGACY_HOSTS.contains(&h) => {
            (Route::Profile, Method::GET)
        }
        _ => return None,
    })
}

async fn web(
    ctl: &QqControl,
    host: &str,
    rest: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let Some((route, allowed)) = route(host, rest) else {
        tracing::debug!(host, rest, "no QQ Music endpoint at this path");
        return plain_404();
    };
    let started = Instant::now();
    let path = format!("/{rest}");
    let record = |status: StatusCode, code: Option<i64>| {
        ctl.journal().record(RecordedRequest {
            host: host.to_owned(),
            transport: Transport::Web,
            logical_path: path.clone(),
            time: started,
            status: status.as_u16(),
            code,
            call: None,
        });
    };
    if *method != allowed {
        record(StatusCode::METHOD_NOT_ALLOWED, None);
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let fault = ctl.journal().take_fault_where(|f: &Fault| {
        f.kind.scope() == FaultScope::Any && !f.has_call_filter() && f.path_matches(&path, false)
    });
    let mut truncate = false;
    if let Some(f) = fault {
        tracing::debug!(path, kind = ?f.kind, "injecting fault");
        match f.kind {
            FaultKind::ServerError => {
                record(StatusCode::INTERNAL_SERVER_ERROR, None);
                return response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/html",
                    NGINX_500.as_bytes().to_vec(),
                );
            }
            FaultKind::Slow => tokio::time::sleep(f.delay.unwrap_or(DEFAULT_SLOW_DELAY)).await,
            FaultKind::Oversized => {
                record(StatusCode::OK, None);
                return endless_json();
            }
            _ => truncate = true,
        }
    }
    let q = parse_query(query.unwrap_or(""));
    let cookies = parse_cookies(headers);
    let mut a = match route {
        Route::PtQrShow => login::ptqrshow(ctl, &q),
        Route::PtQrLogin => login::ptqrlogin(ctl, &q, &cookies),
        Route::CheckSig => login::check_sig(ctl, &q),
        Route::Authorize => {
            let form = parse_query(std::str::from_utf8(&body).unwrap_or(""));
            login::authorize(ctl, &form, &cookies)
        }
        Route::WxQrConnect => login::qrconnect(ctl, &q),
        Route::WxQrCode => login::wx_qrcode(ctl, rest.trim_start_matches("connect/qrcode/")),
        Route::WxPoll => login::wx_poll(ctl, &q, headers).await,
        Route::Profile => profile(ctl, &q, &cookies),
    };
    if truncate {
        a.body.truncate(a.body.len() / 2);
    }
    record(a.status, a.code);
    let mut resp = response(a.status, a.content_type, a.body);
    if let Some(loc) = a.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    add_set_cookies(&mut resp, &a.set_cookies);
    resp
}

/// `GET c6.y.qq.com/rsc/fcgi-bin/fcg_get_profile_homepage.fcg` (§5.8): the login cookies
/// and `g_tk` of a live key, else `{"code":1000}`.
fn profile(
    ctl: &QqControl,
    q: &[(String, String)],
    cookies: &crate::http_util::Cookies,
) -> WebAnswer {
    let comm = json!({
        "uin": cookies.get("uin").cloned().unwrap_or_default(),
        "g_tk": param(q, "g_tk").unwrap_or(""),
    });
    let auth = authenticate(ctl, cookies, &comm);
    let body = match auth.account {
        None => json!({"code": 1000, "subcode": 1000, "msg": "请先登录"}),
        Some(_) => {
            let userid =
                param(q, "userid").and_then(|u| envelope::musicid_of(&Value::String(u.to_owned())));
            match userid.and_then(QqAccount::by_musicid) {
                None => json!({"code": 4000, "subcode": 0, "msg": "用户不存在"}),
                Some(a) => profile_body(a),
            }
        }
    };
    let code = body["code"].as_i64();
    WebAnswer {
        status: StatusCode::OK,
        content_type: "application/json; charset=utf-8",
        body: serde_json::to_vec(&body).unwrap_or_default(),
        set_cookies: Vec::new(),
        location: None,
        code,
    }
}

fn profile_body(a: QqAccount) -> Value {
    let liked = catalog::liked_playlist(a);
    let diss: Vec<Value> = catalog::created_playlists(a)
        .into_iter()
        .filter_map(|(tid, dirid)| {
            let p = catalog::playlist(tid)?;
            Some(json!({
                "dissid": tid, "dirid": dirid, "title": p.title, "picurl": p.picurl(),
                "subtitle": format!("{}首", p.total), "num": p.total,
            }))
        })
        .collect();
    json!({
        "code": 0,
        "subcode": 0,
        "data": {
            "creator": {
                "nick": a.nick(), "headpic": a.headpic(), "encrypt_uin": a.encrypt_uin(),
                "uin": a.musicid().to_string(),
            },
            "mymusic": [{
                "title": "我喜欢", "num0": liked.total, "num1": 0, "num2": 0,
                "id": liked.tid, "type": 1, "picurl": liked.picurl(), "laypic": "",
            }],
            "mydiss": {"num": diss.len(), "list": diss},
        }
    })
}
