//! The transport: the signed `musics.fcg` envelope with per-item codes (docs/protocol/qqmusic.md §3),
//! the legacy `*.fcg` GETs, and raw requests for the login redirect chains (never followed
//! automatically: the 302s carry the cookies, §4.1 step 3).

use std::sync::Arc;
use std::time::Duration;

use duet_core::budget::{Pace, RequestBudget};
use duet_core::http::{read_capped, BodyError, MAX_API_ANSWER};
use duet_core::retry::{Effect, Failure, RetryPolicy};
use duet_core::{clock, Error, ProviderId, Upstream};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use crate::errors::{error_for_code, qq};
use crate::identity;
use crate::session::{Credential, LoginKind};
use crate::sign;

/// How the client reaches QQ Music.
#[derive(Debug, Clone)]
pub struct Config {
    pub upstream: Upstream,
    /// Per request.
    pub timeout: Duration,
    /// The WeChat QR long poll's own timeout, instead of `timeout`: the service holds that
    /// poll open until something happens (§4.2), so the ordinary timeout would cut it short.
    pub long_poll_timeout: Duration,
    /// How reads are asked again after a network error or a 5xx.
    pub retry: RetryPolicy,
    /// How fast requests to QQ Music may go, every caller and every retry together.
    pub pace: Pace,
}

/// How long a WeChat long poll may stay open: the reference waits 35 s, longer than the
/// ~25 s the service holds it (docs/protocol/fidelity-2026-12.md row 2b).
pub const LONG_POLL_TIMEOUT: Duration = Duration::from_secs(35);

impl Config {
    pub fn new(upstream: Upstream) -> Self {
        Self {
            upstream,
            timeout: Duration::from_secs(15),
            long_poll_timeout: LONG_POLL_TIMEOUT,
            // One retry, not the standard two: QQ Music's reads have always had one here.
            retry: RetryPolicy::STANDARD.with_attempts(2),
            pace: Pace::HUMAN,
        }
    }
}

/// One request item of the envelope (§3.1).
#[derive(Debug, Clone)]
pub struct Item {
    pub module: &'static str,
    pub method: &'static str,
    pub param: Value,
}

impl Item {
    pub fn new(module: &'static str, method: &'static str, param: Value) -> Self {
        Self {
            module,
            method,
            param,
        }
    }
}

/// The `comm` block a call carries (§3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comm {
    /// The y.qq.com web player's.
    Web,
    /// The web's, naming the login type (login exchanges and refreshes, §4.1, §4.5).
    Login(LoginKind),
    /// The mobile pages' (sign-in, §5.9).
    H5,
}

/// One item's answer: its code and its `data`.
#[derive(Debug, Clone)]
pub struct ItemReply {
    pub code: i64,
    pub data: Value,
}

impl ItemReply {
    /// The data of a successful item, else the typed error of its code.
    pub fn into_data(self, had_session: bool) -> Result<Value, Error> {
        if self.code == 0 {
            Ok(self.data)
        } else {
            Err(error_for_code(self.code, had_session))
        }
    }
}

/// A raw answer of the login chain: status, the `Set-Cookie` name=value pairs, `Location`,
/// body bytes and content type. Its cookies and redirects carry login secrets: `Debug` names
/// them without their values.
pub struct RawReply {
    pub status: u16,
    pub cookies: Vec<(String, String)>,
    pub location: Option<String>,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for RawReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawReply")
            .field("status", &self.status)
            .field(
                "cookies",
                &self
                    .cookies
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("location", &self.location.as_ref().map(|_| "<redacted>"))
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl RawReply {
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    upstream: Upstream,
    retry: RetryPolicy,
    long_poll_timeout: Duration,
    /// Every request to QQ Music spends a token of this one budget (clones share it).
    budget: Arc<RequestBudget>,
}

fn network(error: reqwest::Error) -> Error {
    // reqwest's message names the URL, which holds no secret (keys travel in cookies).
    let what = if error.is_timeout() {
        "QQ Music did not answer in time"
    } else if error.is_connect() {
        "QQ Music could not be reached"
    } else {
        "the connection to QQ Music failed"
    };
    qq(Error::network(format!("{what}: {}", error.without_url())))
}

fn not_understood(what: &str) -> Error {
    qq(Error::upstream(format!(
        "QQ Music's answer to {what} could not be understood (cut off or not JSON)"
    )))
}

/// `callback({...})` → `{...}` (§5.5: legacy endpoints answer JSONP unless asked for JSON).
fn strip_jsonp(text: &str) -> &str {
    let trimmed = text.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return trimmed;
    }
    match (trimmed.find('('), trimmed.rfind(')')) {
        (Some(open), Some(close)) if open < close => &trimmed[open + 1..close],
        _ => trimmed,
    }
}

impl Client {
    pub fn new(config: &Config) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true)
            .build()
            .map_err(|e| {
                qq(Error::upstream(format!(
                    "cannot build the HTTP client: {e}"
                )))
            })?;
        Ok(Self {
            http,
            upstream: config.upstream.clone(),
            retry: config.retry,
            long_poll_timeout: config.long_poll_timeout,
            budget: Arc::new(RequestBudget::new(ProviderId::Qq, config.pace)),
        })
    }

    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    fn url(&self, url: &str) -> Result<url::Url, Error> {
        self.upstream.route(url).map_err(qq)
    }

    fn comm(comm: Comm, credential: Option<&Credential>) -> Value {
        let uin = credential.map_or(0, |c| c.musicid);
        let g_tk = credential.map_or(5381, Credential::g_tk);
        match comm {
            Comm::Web | Comm::Login(_) => {
                let mut value = json!({
                    "cv": identity::WEB_CV, "ct": identity::WEB_CT, "format": "json",
                    "inCharset": "utf-8", "outCharset": "utf-8", "notice": 0,
                    "platform": identity::WEB_PLATFORM, "needNewCode": 1, "uin": uin,
                    "g_tk_new_20200303": g_tk, "g_tk": g_tk,
                });
                if let (Comm::Login(kind), Some(map)) = (comm, value.as_object_mut()) {
                    map.insert("tmeLoginType".into(), json!(kind.tme_login_type()));
                }
                value
            }
            Comm::H5 => json!({
                "g_tk": g_tk, "uin": uin, "format": "json", "inCharset": "utf-8",
                "outCharset": "utf-8", "notice": 0, "platform": identity::H5_PLATFORM,
                "needNewCode": 1, "ct": identity::H5_CT, "cv": 0,
            }),
        }
    }

    /// The exact body bytes that are signed and sent (§3.4: serialise once).
    pub fn envelope(comm: &Value, items: &[Item]) -> String {
        let mut body = format!("{{\"comm\":{comm}");
        for (i, item) in items.iter().enumerate() {
            let value = json!({"module": item.module, "method": item.method, "param": item.param});
            body.push_str(&format!(",\"req_{i}\":{value}"));
        }
        body.push('}');
        body
    }

    /// Sends `items` in one signed `musics.fcg` request and answers each item, in order.
    pub async fn call(
        &self,
        credential: Option<&Credential>,
        comm: Comm,
        effect: Effect,
        items: &[Item],
    ) -> Result<Vec<ItemReply>, Error> {
        let body = Self::envelope(&Self::comm(comm, credential), items);
        let sign = sign::zzc(body.as_bytes());
        let mut url = self.url(identity::MUSICS_URL)?;
        url.query_pairs_mut()
            .append_pair("_", &clock::unix_ms().to_string())
            .append_pair("sign", &sign);
        let names: Vec<String> = items
            .iter()
            .map(|i| format!("{}.{}", i.module, i.method))
            .collect();
        let what = names.join(", ");
        let referer = if comm == Comm::H5 {
            identity::SIGN_IN_REFERER
        } else {
            identity::REFERER
        };
        let envelope = self
            .retry
            .run(effect, &what, || {
                self.post_envelope(&url, referer, &body, credential, &what)
            })
            .await?;
        let top = envelope.get("code").and_then(Value::as_i64).unwrap_or(-1);
        if top != 0 {
            return Err(error_for_code(top, credential.is_some()));
        }
        Ok((0..items.len())
            .map(|i| {
                let item = envelope.get(format!("req_{i}"));
                ItemReply {
                    // §3.3: a missing item code is a failure.
                    code: item
                        .and_then(|v| v.get("code"))
                        .and_then(Value::as_i64)
                        .unwrap_or(-1),
                    data: item
                        .and_then(|v| v.get("data"))
                        .cloned()
                        .unwrap_or(Value::Null),
                }
            })
            .collect())
    }

    /// One attempt of [`call`](Self::call): the envelope as it came back.
    async fn post_envelope(
        &self,
        url: &url::Url,
        referer: &str,
        body: &str,
        credential: Option<&Credential>,
        what: &str,
    ) -> Result<Value, Failure> {
        let request = self
            .http
            .post(url.clone())
            .header("User-Agent", identity::USER_AGENT)
            .header("Referer", referer)
            .header("Origin", identity::ORIGIN)
            .header("Content-Type", "application/json")
            .body(body.to_owned());
        let bytes = self.attempt(request, credential, what).await?;
        serde_json::from_slice(&bytes).map_err(|_| Failure::Final(not_understood(what)))
    }

    /// Sends one attempt (with the credential's cookies) and reads its body, failing the way
    /// the retry policy tells apart.
    async fn attempt(
        &self,
        mut request: reqwest::RequestBuilder,
        credential: Option<&Credential>,
        what: &str,
    ) -> Result<Vec<u8>, Failure> {
        if let Some(credential) = credential {
            request = request.header("Cookie", credential.cookie_header());
        }
        self.budget.take().await.map_err(Failure::Final)?;
        let response = request
            .send()
            .await
            .map_err(|e| Failure::Transient(network(e)))?;
        let status = response.status();
        if !status.is_success() {
            let error = qq(Error::upstream(format!(
                "QQ Music answered HTTP {status} to {what}"
            )));
            return Err(Failure::of_status(status.as_u16(), error));
        }
        read_capped(response, MAX_API_ANSWER)
            .await
            .map_err(|e| Failure::of_body(e, network).map(qq))
    }

    /// One item; its data, or the typed error of its code.
    pub async fn call_one(
        &self,
        credential: Option<&Credential>,
        effect: Effect,
        item: Item,
    ) -> Result<Value, Error> {
        let reply = self
            .call(credential, Comm::Web, effect, std::slice::from_ref(&item))
            .await?
            .pop()
            .ok_or_else(|| not_understood(item.method))?;
        reply.into_data(credential.is_some())
    }

    /// A legacy `*.fcg` GET answering JSON (or JSONP) with a top-level `code` (§5.8).
    pub async fn legacy_get(
        &self,
        url: &str,
        query: &[(&str, String)],
        credential: Option<&Credential>,
    ) -> Result<Value, Error> {
        let mut routed = self.url(url)?;
        {
            let mut pairs = routed.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        let value = self
            .retry
            .run(Effect::Read, "a page", || {
                self.get_page(&routed, credential)
            })
            .await?;
        match value.get("code").and_then(Value::as_i64) {
            Some(0) => Ok(value),
            Some(code) => Err(error_for_code(code, credential.is_some())),
            None => Err(not_understood("a page")),
        }
    }

    /// One attempt of [`legacy_get`](Self::legacy_get): the page's JSON, JSONP unwrapped.
    async fn get_page(
        &self,
        url: &url::Url,
        credential: Option<&Credential>,
    ) -> Result<Value, Failure> {
        let request = self
            .http
            .get(url.clone())
            .header("User-Agent", identity::USER_AGENT)
            .header("Referer", identity::REFERER);
        let body = self.attempt(request, credential, "a page").await?;
        let text = String::from_utf8_lossy(&body);
        serde_json::from_str(strip_jsonp(&text))
            .map_err(|_| Failure::Final(not_understood("a page")))
    }

    /// A request of the login chains, redirects not followed, every `Set-Cookie` kept as
    /// name=value (attributes dropped, §4.1 step 3).
    pub async fn raw(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: HeaderMap,
        form: Option<&[(&str, String)]>,
    ) -> Result<RawReply, Error> {
        match self.raw_within(method, url, headers, form, None).await? {
            Some(reply) => Ok(reply),
            None => Err(qq(Error::network("QQ Music did not answer in time"))),
        }
    }

    /// A long poll's GET (the WeChat QR's, §4.2): under its own timeout (the service holds the
    /// request until something happens), and a timeout answered as `None`, "nothing yet", as
    /// the reference reads it (docs/protocol/fidelity-2026-12.md row 2b).
    pub async fn long_poll(
        &self,
        url: &str,
        headers: HeaderMap,
    ) -> Result<Option<RawReply>, Error> {
        self.raw_within(
            reqwest::Method::GET,
            url,
            headers,
            None,
            Some(self.long_poll_timeout),
        )
        .await
    }

    /// [`raw`](Self::raw) under `timeout` (the client's when `None`), a timeout answered as
    /// `None`.
    async fn raw_within(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: HeaderMap,
        form: Option<&[(&str, String)]>,
        timeout: Option<Duration>,
    ) -> Result<Option<RawReply>, Error> {
        let mut request = self
            .http
            .request(method, self.url(url)?)
            .header("User-Agent", identity::USER_AGENT)
            .headers(headers);
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        if let Some(form) = form {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
                .finish();
            request = request
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body);
        }
        self.budget.take().await?;
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return Ok(None),
            Err(e) => return Err(network(e)),
        };
        let status = response.status().as_u16();
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|h| h.to_str().ok())
            .filter_map(|h| {
                let pair = h.split(';').next()?;
                let (name, value) = pair.split_once('=')?;
                Some((name.trim().to_owned(), value.trim().to_owned()))
            })
            .collect();
        let location = response
            .headers()
            .get("location")
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = match read_capped(response, MAX_API_ANSWER).await {
            Ok(body) => body,
            Err(BodyError::Http(e)) if e.is_timeout() => return Ok(None),
            Err(e) => return Err(qq(e.into_error(network))),
        };
        Ok(Some(RawReply {
            status,
            cookies,
            location,
            content_type,
            body,
        }))
    }

    /// `HEADERS` of one header.
    pub fn header(name: &'static str, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(name, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_compact_ordered_and_unescaped() {
        let body = Client::envelope(
            &json!({"ct": 24}),
            &[Item::new(
                "m.a",
                "f",
                json!({"query": "周杰伦 晴天", "n": 10}),
            )],
        );
        assert_eq!(
            body,
            r#"{"comm":{"ct":24},"req_0":{"method":"f","module":"m.a","param":{"n":10,"query":"周杰伦 晴天"}}}"#
        );
    }

    #[test]
    fn comm_carries_the_key_g_tk() {
        let credential =
            Credential::parse("123456789", "Q_H_L_TESTKEY_0123456789abcdefABCDEF-_*").unwrap();
        let comm = Client::comm(Comm::Web, Some(&credential));
        // vectors.json g_tk_context.
        assert_eq!(comm["g_tk"], 871511196);
        assert_eq!(comm["g_tk_new_20200303"], 871511196);
        assert_eq!(comm["uin"], 123456789u64);
        let anonymous = Client::comm(Comm::Login(LoginKind::Wechat), None);
        assert_eq!(anonymous["g_tk"], 5381);
        assert_eq!(anonymous["tmeLoginType"], "1");
        assert_eq!(Client::comm(Comm::H5, None)["platform"], "h5");
    }

    #[test]
    fn jsonp_is_unwrapped() {
        assert_eq!(strip_jsonp("MusicJsonCallback({\"a\":1})"), "{\"a\":1}");
        assert_eq!(strip_jsonp(" {\"a\":1} "), "{\"a\":1}");
        assert_eq!(strip_jsonp("nonsense"), "nonsense");
    }
}
