//! One NetEase request from HTTP in to HTTP out.

use std::time::Instant;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::endpoints::{self, Answer, Call};
use super::transport::{self, DecodeError, Decoded};
use super::{audio, fixtures, identity, NeteaseControl, AUDIO_HOST};
use crate::http_util::{
    accepts_gzip, add_set_cookies, endless_json, gzip, parse_cookies, plain_404, random_token,
    reshaped, response, NGINX_500,
};
use crate::journal::{FaultKind, RecordedRequest, DEFAULT_SLOW_DELAY};

const JSON_TYPE: &str = "application/json;charset=UTF-8";
/// The host of the web login page (`/login`).
const WEB_LOGIN_HOST: &str = "music.163.com";

/// What to send back, before HTTP encoding.
enum Outcome {
    /// A JSON answer (encrypted when the request asked for `e_r`).
    Json(Answer),
    /// An injected HTTP 500.
    ServerError,
    /// An injected answer that never ends.
    Oversized,
    /// Wrong HTTP method for the transport.
    MethodNotAllowed,
}

/// Serves one request for a NetEase host (`rest` = URL path after `/{host}/`).
pub(crate) async fn handle(
    ctl: &NeteaseControl,
    host: &str,
    rest: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    if host == AUDIO_HOST {
        return audio::serve(ctl, host, rest, method, headers).await;
    }
    if super::cloud::handles_host(host) {
        return super::cloud::serve_nos(ctl, host, rest, method, query, headers, &body);
    }
    if super::covers::COVER_HOSTS.contains(&host) {
        return super::covers::serve(ctl, rest, method).await;
    }
    if host == WEB_LOGIN_HOST && rest == "login" {
        let login = [crate::web_login::Button {
            id: "login",
            label: "登录",
        }];
        return crate::web_login::serve(host, "网易云音乐", method, &body, &login, |_| {
            endpoints::login_cookies(&ctl.issue_session())
        })
        .unwrap_or_else(|| response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new()));
    }
    let Some(route) = transport::route(host, rest) else {
        tracing::debug!(host, "no NetEase transport at this path");
        return plain_404();
    };
    let started = Instant::now();
    let cookies = parse_cookies(headers);
    let decoded = transport::decode(ctl, &route, method, query, &body);
    let logical_path = decoded
        .as_ref()
        .map(|d| d.logical_path.clone())
        .unwrap_or_else(|_| route.url_logical_path.clone());

    let mut truncate = false;
    let outcome = match &decoded {
        Err(DecodeError::Method) => Outcome::MethodNotAllowed,
        Err(DecodeError::Bad(reason)) => {
            tracing::debug!(host, path = %logical_path, reason, "undecodable request (400)");
            Outcome::Json(endpoints::param_error().into())
        }
        Ok(req) => {
            if identity::check(req, headers, &cookies).is_err() {
                Outcome::Json(endpoints::cheating().into())
            } else {
                match ctl.journal().take_fault(&req.logical_path, false) {
                    Some(f) => {
                        tracing::debug!(path = %req.logical_path, kind = ?f.kind, "injecting fault");
                        match f.kind {
                            FaultKind::ServerError => Outcome::ServerError,
                            FaultKind::Oversized => Outcome::Oversized,
                            FaultKind::Slow => {
                                tokio::time::sleep(f.delay.unwrap_or(DEFAULT_SLOW_DELAY)).await;
                                Outcome::Json(answer(ctl, req, headers, &cookies))
                            }
                            FaultKind::Truncated => {
                                truncate = true;
                                Outcome::Json(answer(ctl, req, headers, &cookies))
                            }
                            FaultKind::Reshaped => {
                                let mut real = answer(ctl, req, headers, &cookies);
                                real.body = reshaped(real.body);
                                Outcome::Json(real)
                            }
                            kind => Outcome::Json(fault_body(kind).into()),
                        }
                    }
                    None => Outcome::Json(answer(ctl, req, headers, &cookies)),
                }
            }
        }
    };

    let (status, code, mut resp) = match outcome {
        Outcome::MethodNotAllowed => (
            StatusCode::METHOD_NOT_ALLOWED,
            None,
            response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new()),
        ),
        Outcome::Oversized => (StatusCode::OK, None, endless_json()),
        Outcome::ServerError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/html",
                NGINX_500.as_bytes().to_vec(),
            ),
        ),
        Outcome::Json(a) => {
            let code = business_code(&a.body);
            let ok = decoded.as_ref().ok();
            let e_r = ok.is_some_and(|d| d.e_r);
            let aeapi = headers
                .get("x-aeapi")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            let bytes = encode_body(&a.body, e_r, aeapi, truncate);
            let mut r = http_body(headers, bytes);
            add_set_cookies(&mut r, &a.set_cookies);
            (StatusCode::OK, code, r)
        }
    };
    // A client without the visitor-tracking cookie gets one, on any answer.
    if !cookies.contains_key("NMTID") {
        add_set_cookies(
            &mut resp,
            &[format!(
                "NMTID=00O{}; Max-Age=315360000; Path=/",
                random_token(38)
            )],
        );
    }
    tracing::debug!(
        host,
        transport = ?route.transport,
        path = %logical_path,
        status = status.as_u16(),
        code,
        "netease request"
    );
    ctl.journal().record(RecordedRequest {
        host: host.to_owned(),
        transport: decoded.as_ref().map_or(route.transport, |d| d.transport),
        logical_path,
        time: started,
        status: status.as_u16(),
        code,
        call: None,
    });
    resp
}

fn answer(
    ctl: &NeteaseControl,
    req: &Decoded,
    headers: &HeaderMap,
    cookies: &crate::http_util::Cookies,
) -> Answer {
    endpoints::dispatch(&Call {
        ctl,
        transport: req.transport,
        path: &req.logical_path,
        params: &req.params,
        cookies,
        anti_cheat_token: headers
            .get("x-anticheattoken")
            .is_some_and(|v| !v.is_empty())
            || req.params.get("checkToken").is_some_and(|v| v != ""),
    })
}

/// The captured body of a JSON fault.
fn fault_body(kind: FaultKind) -> Value {
    let name = match kind {
        FaultKind::RiskControl => "error_-462.json",
        FaultKind::RiskControlVerify => "error_-462.verify.json",
        FaultKind::Verification => "error_8821.json",
        FaultKind::RateLimit => "error_405.json",
        FaultKind::Cheating => "error_-460.json",
        _ => "error_301.json",
    };
    fixtures::get().owned(name)
}

fn business_code(body: &Value) -> Option<i64> {
    match &body["code"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// JSON → (gzip if `x-aeapi`) → AES-ECB if `e_r` → first half only if truncated.
fn encode_body(body: &Value, e_r: bool, aeapi: bool, truncate: bool) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(body).unwrap_or_default();
    if e_r {
        if aeapi {
            bytes = gzip(&bytes);
        }
        bytes = duet_netease::crypto::eapi_encrypt_response(&bytes);
    }
    if truncate {
        bytes.truncate(bytes.len() / 2);
    }
    bytes
}

/// A 200 JSON response, gzip content-encoded when the client accepts it (as the real
/// service does).
fn http_body(req_headers: &HeaderMap, bytes: Vec<u8>) -> Response {
    if accepts_gzip(req_headers) {
        let mut r = response(StatusCode::OK, JSON_TYPE, gzip(&bytes));
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        r
    } else {
        response(StatusCode::OK, JSON_TYPE, bytes)
    }
}
