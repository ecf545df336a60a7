//! `/__fake/...`: the control API over HTTP, for the demo and out-of-process tests.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::journal::{Fault, FaultKind};
use crate::qq::{AppFault, QqAccount, QqIssuedSession};
use crate::FakeState;

pub(crate) fn routes() -> Router<FakeState> {
    Router::new()
        .route("/__fake/health", get(health))
        .route("/__fake/netease/qr", get(qr_list))
        .route("/__fake/netease/qr/{key}/{action}", post(qr_action))
        .route(
            "/__fake/netease/sessions",
            get(sessions).post(issue_session),
        )
        .route("/__fake/netease/sessions/revoke", post(revoke))
        .route("/__fake/qq/qr", get(qq_qr_list))
        .route("/__fake/qq/qr/{id}/{action}", post(qq_qr_action))
        .route(
            "/__fake/qq/sessions",
            get(qq_sessions).post(qq_issue_session),
        )
        .route("/__fake/qq/sessions/revoke", post(qq_revoke))
        .route(
            "/__fake/qq/sessions/{musicid}/expire",
            post(qq_expire_session),
        )
        .route("/__fake/qq/vip", get(qq_vip).post(qq_set_vip))
        .route("/__fake/qq/callers", get(qq_callers))
        .route("/__fake/fail", post(fail).get(faults).delete(clear_faults))
        .route("/__fake/requests", get(requests).delete(clear_requests))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

async fn health() -> Json<Value> {
    Json(json!({"ok": true}))
}

async fn qr_list(State(st): State<FakeState>) -> Json<Value> {
    let keys: Vec<Value> = st
        .netease()
        .qr_info()
        .into_iter()
        .map(|i| {
            json!({
                "key": i.key,
                "state": i.state,
                "polls": i.polls,
                "age_ms": i.age.as_millis() as u64,
            })
        })
        .collect();
    Json(Value::Array(keys))
}

async fn qr_action(
    State(st): State<FakeState>,
    Path((key, action)): Path<(String, String)>,
) -> Response {
    let ne = st.netease();
    let ok = match action.as_str() {
        "scan" => ne.scan(&key),
        "confirm" => ne.confirm(&key),
        "expire" => ne.expire(&key),
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "action must be scan, confirm or expire",
            )
        }
    };
    match ne.qr_state(&key) {
        None => error(StatusCode::NOT_FOUND, "unknown QR key"),
        Some(state) if ok => Json(json!({"key": key, "state": state})).into_response(),
        Some(state) => (
            StatusCode::CONFLICT,
            Json(json!({"error": format!("cannot {action} a key that is {state:?}"), "state": state})),
        )
            .into_response(),
    }
}

async fn sessions(State(st): State<FakeState>) -> Json<Value> {
    Json(json!({"live": st.netease().live_sessions()}))
}

async fn issue_session(State(st): State<FakeState>) -> Json<Value> {
    let s = st.netease().issue_session();
    Json(json!({"MUSIC_U": s.music_u, "__csrf": s.csrf}))
}

async fn revoke(State(st): State<FakeState>) -> Json<Value> {
    st.netease().revoke_sessions();
    Json(json!({"live": 0}))
}

// ---- QQ Music ------------------------------------------------------------------------------

async fn qq_qr_list(State(st): State<FakeState>) -> Json<Value> {
    Json(Value::Array(
        st.qq()
            .qr_info()
            .into_iter()
            .map(|i| {
                json!({
                    "method": i.method,
                    "id": i.id,
                    "state": i.state,
                    "polls": i.polls,
                    "age_ms": i.age.as_millis() as u64,
                })
            })
            .collect(),
    ))
}

async fn qq_qr_action(
    State(st): State<FakeState>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let qq = st.qq();
    let ok = match action.as_str() {
        "scan" => qq.scan(&id),
        "confirm" => qq.confirm(&id),
        "refuse" => qq.refuse(&id),
        "expire" => qq.expire(&id),
        "fail" => qq.app_fault(&id, AppFault::LoginFailed),
        "garble" => qq.app_fault(&id, AppFault::Garbled),
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "action must be scan, confirm, refuse, expire, fail or garble",
            )
        }
    };
    match qq.qr_state(&id) {
        None => error(StatusCode::NOT_FOUND, "unknown QR code"),
        Some(state) if ok => Json(json!({"id": id, "state": state})).into_response(),
        Some(state) => (
            StatusCode::CONFLICT,
            Json(json!({"error": format!("cannot {action} a code that is {state:?}"), "state": state})),
        )
            .into_response(),
    }
}

async fn qq_sessions(State(st): State<FakeState>) -> Json<Value> {
    Json(json!({"live": st.qq().live_sessions()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountBody {
    #[serde(default)]
    account: Option<QqAccount>,
    #[serde(default)]
    vip: Option<bool>,
}

/// An empty body is `{}`; anything else must parse (the error is the 400 message).
fn account_body(body: &Bytes) -> Result<AccountBody, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(AccountBody {
            account: None,
            vip: None,
        });
    }
    serde_json::from_slice(body).map_err(|e| format!("bad body: {e}"))
}

fn issued_json(s: &QqIssuedSession) -> Value {
    json!({
        "account": s.account,
        "musicid": s.musicid,
        "musickey": s.musickey,
        "encrypt_uin": s.encrypt_uin,
        "refresh_key": s.refresh_key,
        "refresh_token": s.refresh_token,
        "access_token": s.access_token,
        "openid": s.openid,
        "unionid": s.unionid,
        "musickeyCreateTime": s.key_created_at,
        "expired_at": s.expired_at,
    })
}

async fn qq_issue_session(State(st): State<FakeState>, body: Bytes) -> Response {
    match account_body(&body) {
        Ok(b) => {
            let s = st.qq().issue_session(b.account.unwrap_or(QqAccount::Qq));
            Json(issued_json(&s)).into_response()
        }
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn qq_revoke(State(st): State<FakeState>) -> Json<Value> {
    st.qq().revoke_sessions();
    Json(json!({"live": 0}))
}

async fn qq_expire_session(State(st): State<FakeState>, Path(musicid): Path<String>) -> Response {
    match musicid.parse::<u64>() {
        Ok(id) => Json(json!({"expired": st.qq().expire_session(id)})).into_response(),
        Err(_) => error(StatusCode::BAD_REQUEST, "musicid must be digits"),
    }
}

fn vip_json(st: &FakeState) -> Value {
    json!({
        "qq": st.qq().is_vip(QqAccount::Qq),
        "wechat": st.qq().is_vip(QqAccount::Wechat),
    })
}

async fn qq_vip(State(st): State<FakeState>) -> Json<Value> {
    Json(vip_json(&st))
}

async fn qq_set_vip(State(st): State<FakeState>, body: Bytes) -> Response {
    match account_body(&body) {
        Ok(AccountBody {
            account: Some(a),
            vip: Some(v),
        }) => {
            st.qq().set_vip(a, v);
            Json(vip_json(&st)).into_response()
        }
        Ok(_) => error(
            StatusCode::BAD_REQUEST,
            "body must be {\"account\":\"qq\"|\"wechat\",\"vip\":true|false}",
        ),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

// ---- faults and the request log -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultBody {
    kind: FaultKind,
    #[serde(default)]
    path_contains: Option<String>,
    #[serde(default)]
    times: Option<u32>,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default)]
    module: Option<String>,
    #[serde(default)]
    method: Option<String>,
}

fn fault_json(f: &Fault) -> Value {
    json!({
        "kind": f.kind,
        "path_contains": f.path_contains,
        "times": f.times,
        "delay_ms": f.delay.map(|d| d.as_millis() as u64),
        "module": f.module,
        "method": f.method,
    })
}

async fn fail(State(st): State<FakeState>, body: Bytes) -> Response {
    let b: FaultBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("bad fault: {e}")),
    };
    let fault = Fault {
        kind: b.kind,
        path_contains: b.path_contains.filter(|s| !s.is_empty()),
        times: b.times.unwrap_or(1),
        delay: b.delay_ms.map(Duration::from_millis),
        module: b.module.filter(|s| !s.is_empty()),
        method: b.method.filter(|s| !s.is_empty()),
    };
    let echo = fault_json(&fault);
    st.journal().fail(fault);
    Json(echo).into_response()
}

async fn faults(State(st): State<FakeState>) -> Json<Value> {
    Json(Value::Array(
        st.journal()
            .pending_faults()
            .iter()
            .map(fault_json)
            .collect(),
    ))
}

async fn clear_faults(State(st): State<FakeState>) -> Json<Value> {
    st.journal().clear_faults();
    Json(json!({"ok": true}))
}

async fn requests(State(st): State<FakeState>) -> Json<Value> {
    let started = st.journal().started();
    Json(Value::Array(
        st.journal()
            .requests()
            .into_iter()
            .map(|r| {
                json!({
                    "host": r.host,
                    "transport": r.transport,
                    "logical_path": r.logical_path,
                    "at_ms": r.time.saturating_duration_since(started).as_millis() as u64,
                    "status": r.status,
                    "code": r.code,
                    "call": r.call,
                })
            })
            .collect(),
    ))
}

async fn clear_requests(State(st): State<FakeState>) -> Json<Value> {
    st.journal().clear_requests();
    st.qq().clear_requests();
    Json(json!({"ok": true}))
}

/// The credential each QQ Music envelope item came with, oldest first.
async fn qq_callers(State(st): State<FakeState>) -> Json<Value> {
    Json(Value::Array(
        st.qq()
            .callers()
            .into_iter()
            .map(|c| {
                json!({
                    "call": c.call,
                    "uin_cookie": c.uin_cookie,
                    "qqmusic_key": c.qqmusic_key,
                    "qm_keyst": c.qm_keyst,
                    "comm_uin": c.comm_uin,
                    "comm_g_tk": c.comm_g_tk,
                    "tme_login_type": c.tme_login_type,
                })
            })
            .collect(),
    ))
}
