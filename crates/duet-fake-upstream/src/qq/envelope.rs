//! One `musicu.fcg` / `musics.fcg` request from HTTP in to HTTP out (§3, §7.2–7.4).

use std::time::Instant;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::login::{param, parse_query};
use super::modules::{self, Ctx};
use super::{QqAccount, QqCaller, QqControl};
use crate::http_util::{
    accepts_gzip, add_set_cookies, endless_json, gzip, now_ms, parse_cookies, random_hex, response,
    Cookies, NGINX_500,
};
use crate::journal::{
    Fault, FaultKind, FaultScope, RecordedRequest, Transport, DEFAULT_SLOW_DELAY,
};

const JSON_TYPE: &str = "application/json; charset=utf-8";

/// Who is calling: the live session's account, if the cookies, `comm.uin` and `comm.g_tk`
/// all agree with a live key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Auth {
    pub account: Option<QqAccount>,
    /// The `qqmusic_key` (or `qm_keyst`) cookie, live or not.
    pub musickey: Option<String>,
    /// The `uin` cookie, as a musicid.
    pub uin_cookie: Option<u64>,
}

/// One item of the batch.
struct ItemReq {
    key: String,
    module: String,
    method: String,
    param: Value,
}

/// A musicid in any of its spellings: number, digit string, ptlogin's `o0123…`.
pub(crate) fn musicid_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let s = s.trim();
            let s = s.strip_prefix('o').unwrap_or(s).trim_start_matches('0');
            s.parse().ok()
        }
        _ => None,
    }
}

fn u32_of(v: &Value) -> Option<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// §3.2 / §7.4: cookies `qqmusic_key` (or `qm_keyst`) of a live key, `uin` cookie and
/// `comm.uin` naming its account, `comm.g_tk == hash33(key, 5381)`.
pub(crate) fn authenticate(ctl: &QqControl, cookies: &Cookies, comm: &Value) -> Auth {
    let key = ["qqmusic_key", "qm_keyst"]
        .iter()
        .filter_map(|n| cookies.get(*n))
        .find(|k| !k.is_empty())
        .cloned();
    let uin_cookie = cookies
        .get("uin")
        .and_then(|u| musicid_of(&Value::String(u.clone())));
    let Some(key) = key else {
        return Auth {
            uin_cookie,
            ..Auth::default()
        };
    };
    let account = ctl
        .live_key(&key)
        .filter(|a| credential_matches(a.musicid(), &key, uin_cookie, comm));
    Auth {
        account,
        musickey: Some(key),
        uin_cookie,
    }
}

/// Whether the `uin` cookie and `comm.uin` name `musicid` and `comm.g_tk == hash33(key, 5381)`:
/// the credential half of the §3.2 session check, whether or not the key is still alive.
pub(crate) fn credential_matches(
    musicid: u64,
    key: &str,
    uin_cookie: Option<u64>,
    comm: &Value,
) -> bool {
    let ok_cookie = uin_cookie == Some(musicid);
    let ok_comm = musicid_of(&comm["uin"]) == Some(musicid);
    let ok_g_tk = u32_of(&comm["g_tk"]) == Some(duet_qqmusic::tokens::hash33(key, 5381));
    if !(ok_cookie && ok_comm && ok_g_tk) {
        tracing::debug!(ok_cookie, ok_comm, ok_g_tk, "QQ credential check failed");
    }
    ok_cookie && ok_comm && ok_g_tk
}

/// The credential an item came with, for [`QqControl::callers`].
fn caller(call: &str, auth: &Auth, cookies: &Cookies, comm: &Value) -> QqCaller {
    QqCaller {
        call: call.to_owned(),
        uin_cookie: auth.uin_cookie,
        qqmusic_key: cookies.get("qqmusic_key").cloned(),
        qm_keyst: cookies.get("qm_keyst").cloned(),
        comm_uin: musicid_of(&comm["uin"]),
        comm_g_tk: u32_of(&comm["g_tk"]),
        tme_login_type: match &comm["tmeLoginType"] {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        },
    }
}

/// zzc or zzb over the exact body bytes (§3.5).
fn sign_valid(body: &[u8], sign: &str) -> bool {
    let scheme = sign.get(..3).map(str::to_ascii_lowercase);
    matches!(scheme.as_deref(), Some("zzc" | "zzb")) && duet_qqmusic::sign::is_valid(body, sign)
}

/// The body of an injected item fault.
fn fault_item(kind: FaultKind, module: &str, method: &str, param: &Value) -> Value {
    match kind {
        FaultKind::QqNotLoggedIn => json!({"code": 1000}),
        FaultKind::QqBadCredential => json!({"code": 104400}),
        FaultKind::QqBadSign => json!({"code": 2000}),
        FaultKind::QqRateLimited => json!({"code": 104604}),
        FaultKind::QqVerify => json!({"code": 20276}),
        FaultKind::QqRiskControl => {
            if method == "DoSearchForQQMusicDesktop" {
                modules::search_risk_control(param)
            } else {
                json!({"code": 2001, "data": {"feedbackURL": modules::FEEDBACK_URL}})
            }
        }
        FaultKind::QqNoRights if module == modules::VKEY_MODULE => json!({"code": 0}),
        _ => json!({"code": 500003, "subcode": 860_100_001}),
    }
}

fn item_code(v: &Value) -> Option<i64> {
    match &v["code"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Serves one envelope request for a `u.y.qq.com` / `u6.y.qq.com` path.
pub(crate) async fn serve(
    ctl: &QqControl,
    host: &str,
    rest: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let start_ms = now_ms();
    let signed = rest == "cgi-bin/musics.fcg";
    let path = format!("/{rest}");
    let transport = if signed {
        Transport::Musics
    } else {
        Transport::Musicu
    };
    let q = parse_query(query.unwrap_or(""));
    let record = |status: u16, code: Option<i64>, call: Option<String>| {
        ctl.journal().record(RecordedRequest {
            host: host.to_owned(),
            transport,
            logical_path: path.clone(),
            time: started,
            status,
            code,
            call,
        });
    };

    let raw: Vec<u8> = if method == Method::POST {
        body.to_vec()
    } else if method == Method::GET && !signed {
        // §3.1 GET form: the JSON is the `data` query parameter.
        param(&q, "data").unwrap_or("").as_bytes().to_vec()
    } else {
        record(405, None, None);
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    };
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(&raw) else {
        tracing::debug!(path, "envelope body is not a JSON object (500001)");
        record(200, Some(500_001), None);
        return json_response(headers, &json!({"code": 500_001}), false);
    };
    let sign_ok = !signed || param(&q, "sign").is_some_and(|s| sign_valid(&raw, s));
    if !sign_ok {
        tracing::debug!("musics.fcg sign missing or wrong (2000)");
    }
    let comm = request.get("comm").cloned().unwrap_or(Value::Null);
    let mut malformed: Vec<String> = Vec::new();
    let items: Vec<ItemReq> = request
        .iter()
        .filter(|(k, _)| k.as_str() != "comm")
        .filter_map(|(k, v)| {
            let obj = v.as_object()?;
            match (obj.get("module"), obj.get("method")) {
                (Some(Value::String(m)), Some(Value::String(f))) => Some(ItemReq {
                    key: k.clone(),
                    module: m.clone(),
                    method: f.clone(),
                    param: obj.get("param").cloned().unwrap_or(Value::Null),
                }),
                _ => {
                    malformed.push(k.clone());
                    None
                }
            }
        })
        .collect();

    // HTTP-level faults: the whole envelope.
    let http_fault = ctl.journal().take_fault_where(|f: &Fault| {
        f.kind.scope() == FaultScope::Any
            && f.path_matches(&path, false)
            && (!f.has_call_filter() || items.iter().any(|i| f.call_matches(&i.module, &i.method)))
    });
    let mut truncate = false;
    if let Some(f) = &http_fault {
        tracing::debug!(path, kind = ?f.kind, "injecting fault");
        match f.kind {
            FaultKind::ServerError => {
                for i in &items {
                    record(500, None, Some(format!("{}.{}", i.module, i.method)));
                }
                if items.is_empty() {
                    record(500, None, None);
                }
                return response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/html",
                    NGINX_500.as_bytes().to_vec(),
                );
            }
            FaultKind::Slow => tokio::time::sleep(f.delay.unwrap_or(DEFAULT_SLOW_DELAY)).await,
            FaultKind::Truncated => truncate = true,
            FaultKind::Oversized => {
                for i in &items {
                    record(200, None, Some(format!("{}.{}", i.module, i.method)));
                }
                if items.is_empty() {
                    record(200, None, None);
                }
                return endless_json();
            }
            _ => {}
        }
    }

    let cookies = parse_cookies(headers);
    let auth = authenticate(ctl, &cookies, &comm);
    let mut out = Map::new();
    out.insert("code".into(), json!(0));
    out.insert("ts".into(), json!(now_ms()));
    out.insert("start_ts".into(), json!(start_ms));
    out.insert("traceid".into(), json!(random_hex(16)));
    let mut set_cookies = Vec::new();
    let mut records = Vec::new();
    for key in malformed {
        out.insert(key, json!({"code": 500_001}));
    }
    for i in &items {
        let call = format!("{}.{}", i.module, i.method);
        ctl.record_caller(caller(&call, &auth, &cookies, &comm));
        let body = if !sign_ok {
            json!({"code": 2000})
        } else if !signed && modules::is_library_write(&i.module) {
            // The references sign every library write; plain musicu.fcg gets 500026 (§5.7).
            json!({"code": 500_026})
        } else if let Some(f) = ctl.journal().take_fault_where(|f: &Fault| {
            matches!(f.kind.scope(), FaultScope::Qq | FaultScope::ApiAnswer)
                && f.path_matches(&path, false)
                && f.call_matches(&i.module, &i.method)
                && (f.kind != FaultKind::QqNoRights || i.module == modules::VKEY_MODULE)
        }) {
            tracing::debug!(call, kind = ?f.kind, "injecting item fault");
            if f.kind == FaultKind::QqNoRights {
                modules::vkey_denied_all(ctl, &i.param, &auth)
            } else if f.kind == FaultKind::Reshaped {
                let answer = modules::dispatch(&Ctx {
                    ctl,
                    module: &i.module,
                    method: &i.method,
                    param: &i.param,
                    comm: &comm,
                    auth: &auth,
                });
                set_cookies.extend(answer.set_cookies);
                crate::http_util::reshaped(answer.body)
            } else {
                fault_item(f.kind, &i.module, &i.method, &i.param)
            }
        } else {
            let answer = modules::dispatch(&Ctx {
                ctl,
                module: &i.module,
                method: &i.method,
                param: &i.param,
                comm: &comm,
                auth: &auth,
            });
            set_cookies.extend(answer.set_cookies);
            answer.body
        };
        records.push((item_code(&body), call));
        out.insert(i.key.clone(), body);
    }
    for (code, call) in records {
        record(200, code, Some(call));
    }
    if items.is_empty() {
        record(200, Some(0), None);
    }
    let mut resp = json_response(headers, &Value::Object(out), truncate);
    add_set_cookies(&mut resp, &set_cookies);
    resp
}

/// A 200 JSON answer, gzip content-encoded when accepted.
fn json_response(req_headers: &HeaderMap, body: &Value, truncate: bool) -> Response {
    let mut bytes = serde_json::to_vec(body).unwrap_or_default();
    if truncate {
        bytes.truncate(bytes.len() / 2);
    }
    if accepts_gzip(req_headers) {
        let mut r = response(StatusCode::OK, JSON_TYPE, gzip(&bytes));
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        response(StatusCode::OK, JSON_TYPE, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn musicids() {
        assert_eq!(musicid_of(&json!("o0123456789")), Some(123_456_789));
        assert_eq!(musicid_of(&json!(123_456_789)), Some(123_456_789));
        assert_eq!(musicid_of(&json!("abc")), None);
        assert_eq!(musicid_of(&json!(null)), None);
        assert_eq!(u32_of(&json!("5381")), Some(5381));
        assert_eq!(u32_of(&json!(-1)), None);
    }

    #[test]
    fn signs() {
        let body = br#"{"comm":{},"req_0":{"module":"a","method":"b","param":{}}}"#;
        let zzc = duet_qqmusic::sign::zzc(body);
        assert!(sign_valid(body, &zzc));
        assert!(sign_valid(body, &duet_qqmusic::sign::zzb(body)));
        assert!(!sign_valid(b"{}", &zzc));
        assert!(!sign_valid(body, ""));
        assert!(!sign_valid(body, "zz"));
    }
}
