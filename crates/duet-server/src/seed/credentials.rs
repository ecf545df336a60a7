//! The credential a seed `/api` request runs under: the caller's own (headers, then cookies,
//! then a POST body) or, with none, the QQ Music session this server holds.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use axum::http::HeaderMap;
use duet_core::{Error, ImageUrls, Provider, ProviderId};
use duet_qqmusic::{Credential, QqApi, QqProvider, Session};
use serde_json::Value;

use super::{bad, qq_error};
use crate::api::ApiError;

/// What the seed routes need besides the shared state: the concrete QQ Music provider (its
/// API, its session and the session's renewal).
pub struct SeedQq {
    pub(super) qq: Arc<QqProvider>,
}

impl SeedQq {
    pub fn new(qq: Arc<QqProvider>) -> Self {
        Self { qq }
    }

    /// The session this server holds.
    pub(super) async fn held(&self) -> Option<Session> {
        self.qq.session().await
    }

    /// Runs `call` with QQ Music's API under the credential this request carries (headers,
    /// cookies, then `body`) or, with none, the session this server holds (renewed by the
    /// provider when it runs out); an error when there is neither. Errors come back as QQ
    /// Music's.
    pub(super) async fn call<'a, T, F, Fut>(
        &'a self,
        headers: &HeaderMap,
        body: Option<&Value>,
        call: F,
    ) -> Result<T, ApiError>
    where
        F: Fn(&'a QqApi, Credential) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let auth = match given(headers, body).map_err(qq_error)? {
            Some(credential) => Some(credential),
            None if self.qq.has_session().await => None,
            None => return Err(qq_error(no_credentials())),
        };
        let api = self.qq.api();
        self.qq
            .run(auth, |credential| call(api, credential))
            .await
            .map_err(qq_error)
    }

    pub(super) fn images<T: ImageUrls>(&self, value: T) -> T {
        self.qq.upstream().route_images(value)
    }
}

pub(super) fn no_credentials() -> Error {
    Error::not_logged_in(
        "no QQ Music credentials: send the Uin and Qm-keyst headers, the uin and qm_keyst (or \
         qqmusic_key) cookies, or on POST musicid and musickey in the JSON body; or log this \
         server in with GET /api/login/qrcode",
    )
    .with_provider(ProviderId::Qq)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Error> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(Some)
            .map_err(|_| bad(format!("the {name} header is not plain ASCII"))),
    }
}

/// The cookies of every `Cookie` header, by name (the first of a name wins).
fn cookies(headers: &HeaderMap) -> Result<HashMap<String, String>, Error> {
    let mut out = HashMap::new();
    for value in headers.get_all(axum::http::header::COOKIE) {
        let value = value
            .to_str()
            .map_err(|_| bad("the Cookie header is not plain ASCII"))?;
        for pair in value.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                out.entry(name.trim().to_owned())
                    .or_insert_with(|| value.trim().trim_matches('"').to_owned());
            }
        }
    }
    Ok(out)
}

/// The credential the request carries, if any: headers, then cookies, then (POST) the body.
/// Half a pair is an error rather than a silent fall back to the server's own session.
pub(super) fn given(
    headers: &HeaderMap,
    body: Option<&Value>,
) -> Result<Option<Credential>, Error> {
    match (header(headers, "uin")?, header(headers, "qm-keyst")?) {
        (Some(uin), Some(key)) => return Credential::parse(uin, key).map(Some),
        (Some(_), None) => return Err(bad("the Uin header needs its Qm-keyst header")),
        (None, Some(_)) => return Err(bad("the Qm-keyst header needs its Uin header")),
        (None, None) => {}
    }
    let jar = cookies(headers)?;
    let key = jar.get("qm_keyst").or_else(|| jar.get("qqmusic_key"));
    match (jar.get("uin"), key) {
        (Some(uin), Some(key)) => return Credential::parse(uin, key).map(Some),
        (Some(_), None) => {
            return Err(bad(
                "the uin cookie needs its qm_keyst (or qqmusic_key) cookie",
            ))
        }
        (None, Some(_)) => {
            return Err(bad(
                "the qm_keyst / qqmusic_key cookie needs its uin cookie",
            ))
        }
        (None, None) => {}
    }
    let Some(body) = body else {
        return Ok(None);
    };
    let musicid = match body.get("musicid") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(bad("musicid must be a string or a number")),
    };
    let musickey = match body.get("musickey") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(bad("musickey must be a string")),
    };
    match (musicid, musickey) {
        (Some(id), Some(key)) => Credential::parse(&id, &key).map(Some),
        (Some(_), None) => Err(bad("musicid in the body needs its musickey")),
        (None, Some(_)) => Err(bad("musickey in the body needs its musicid")),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use duet_core::ErrorKind;
    use serde_json::json;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn credentials_come_from_headers_then_cookies_then_the_body() {
        let body = json!({"musicid": 3, "musickey": "body"});
        let c = given(
            &headers(&[
                ("Uin", "1"),
                ("Qm-keyst", "head"),
                ("cookie", "uin=2; qm_keyst=jar"),
            ]),
            Some(&body),
        )
        .unwrap()
        .unwrap();
        assert_eq!((c.musicid, c.musickey.expose()), (1, "head"));
        let c = given(
            &headers(&[("cookie", "uin=o02; qqmusic_key=jar")]),
            Some(&body),
        )
        .unwrap()
        .unwrap();
        assert_eq!((c.musicid, c.musickey.expose()), (2, "jar"));
        let c = given(&headers(&[]), Some(&body)).unwrap().unwrap();
        assert_eq!((c.musicid, c.musickey.expose()), (3, "body"));
        assert!(given(&headers(&[]), None).unwrap().is_none());
        assert!(given(&headers(&[]), Some(&json!({}))).unwrap().is_none());
    }

    #[test]
    fn half_a_credential_or_a_malformed_one_is_a_bad_request() {
        for h in [
            headers(&[("Uin", "1")]),
            headers(&[("Qm-keyst", "k")]),
            headers(&[("cookie", "uin=1")]),
            headers(&[("cookie", "qm_keyst=k")]),
            headers(&[("Uin", "abc"), ("Qm-keyst", "k")]),
            headers(&[("Uin", "1"), ("Qm-keyst", "a b")]),
        ] {
            let error = given(&h, None).unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest, "{h:?}");
        }
        for body in [
            json!({"musicid": "1"}),
            json!({"musickey": "k"}),
            json!({"musicid": [1], "musickey": "k"}),
            json!({"musicid": 1, "musickey": 2}),
        ] {
            let error = given(&headers(&[]), Some(&body)).unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest, "{body}");
        }
    }
}
