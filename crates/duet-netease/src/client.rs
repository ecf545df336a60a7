//! The HTTP side: one `reqwest::Client`, the three transports (eapi, weapi, plain api), the
//! session cookies, response decoding and error classification.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use duet_core::budget::{Pace, RequestBudget};
use duet_core::credentials::SharedStore;
use duet_core::http::{read_capped, MAX_API_ANSWER};
use duet_core::keeper::{Basis, Change, Generation, SessionKeeper};
use duet_core::retry::{Effect, Failure, RetryPolicy};
use duet_core::{Error, ErrorKind, ProviderId, Result, Upstream};
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::crypto;
use crate::endpoints;
use crate::errors::{code_of, error_for_code, netease};
use crate::identity;
use crate::session::{CookieUpdate, Session, MUSIC_A, MUSIC_U};

/// How a request is wrapped (docs/protocol/netease.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The desktop client's transport: AES-ECB with an MD5 digest, responses encrypted too.
    Eapi,
    /// The web page's transport: two AES-CBC layers and an RSA-wrapped secret.
    Weapi,
    /// No encryption; the parameters as a form.
    Api,
}

/// How the weapi secret is chosen (§2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeapiSecret {
    /// A fresh random secret per request, as the web page does.
    Random,
    /// A fixed secret. The offline fake cannot break RSA, so it knows a table of test secrets
    /// (§2.3 option a); this is used only when requests are routed to it.
    Fixed([u8; 16]),
}

/// A secret from `vectors/netease.json` that the fake upstream knows.
pub const FAKE_UPSTREAM_WEAPI_SECRET: [u8; 16] = *b"0123456789abcdef";

#[derive(Debug, Clone)]
pub struct Config {
    pub upstream: Upstream,
    /// Per request, connect to last byte.
    pub timeout: Duration,
    /// Forces one transport for every endpoint (tests run the suite through each).
    pub transport_override: Option<Transport>,
    pub weapi_secret: WeapiSecret,
    /// How reads are asked again after a network error or a 5xx.
    pub retry: RetryPolicy,
    /// How fast requests to NetEase may go, every caller and every retry together.
    pub pace: Pace,
}

impl Config {
    pub fn new(upstream: Upstream) -> Self {
        let weapi_secret = if upstream.is_override() {
            WeapiSecret::Fixed(FAKE_UPSTREAM_WEAPI_SECRET)
        } else {
            WeapiSecret::Random
        };
        Self {
            upstream,
            timeout: Duration::from_secs(15),
            transport_override: None,
            weapi_secret,
            retry: RetryPolicy::STANDARD,
            pace: Pace::HUMAN,
        }
    }
}

/// A logical endpoint (always in `/api/...` form) and how to call it. Every endpoint Duet calls
/// is a constant of [`crate::endpoints`].
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub path: Cow<'static, str>,
    pub transport: Transport,
    /// Whether it may be repeated after a failure: reads and polls, never writes.
    pub effect: Effect,
}

impl Endpoint {
    pub const fn new(path: &'static str, transport: Transport, effect: Effect) -> Self {
        Self {
            path: Cow::Borrowed(path),
            transport,
            effect,
        }
    }

    /// The same endpoint with `suffix` after its path (a comment thread's id).
    pub fn with_suffix(&self, suffix: &str) -> Self {
        Self {
            path: Cow::Owned(format!("{}{suffix}", self.path)),
            ..self.clone()
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    config: Config,
    /// The session arrives and changes as Set-Cookie on any answer (§5.5); one lock and a
    /// generation order those changes with restore and logout.
    keeper: SessionKeeper<Session>,
    /// Every request to NetEase spends a token of this one budget.
    budget: RequestBudget,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("netease::Client")
            .field("config", &self.config)
            .field("keeper", &self.keeper)
            .finish_non_exhaustive()
    }
}

/// What a call hands back: the decoded JSON, already checked for a business error.
pub type Json = Value;

impl Client {
    pub fn new(config: Config, store: SharedStore) -> Result<Arc<Self>> {
        let http = reqwest::Client::builder()
            .user_agent(identity::USER_AGENT)
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::network(format!("cannot build the HTTP client: {e}")))?;
        Ok(Arc::new(Self {
            http,
            budget: RequestBudget::new(ProviderId::Netease, config.pace),
            config,
            keeper: SessionKeeper::new(ProviderId::Netease, store, || Some(Session::new())),
        }))
    }

    pub fn upstream(&self) -> &Upstream {
        &self.config.upstream
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The session requests are made with now, and the generation its answers apply to.
    fn current(&self) -> (Session, Generation) {
        let (session, generation) = self.keeper.current();
        (session.unwrap_or_default(), generation)
    }

    /// Which login the session belongs to (see [`SessionKeeper`]).
    pub fn generation(&self) -> Generation {
        self.keeper.current().1
    }

    pub async fn is_logged_in(&self) -> bool {
        self.current().0.is_logged_in()
    }

    /// Loads the stored session; `Ok(false)` when there is none.
    pub async fn restore(&self) -> Result<bool> {
        if !self.keeper.restore().await.map_err(netease)? {
            return Ok(false);
        }
        Ok(self.is_logged_in().await)
    }

    /// Forgets the session here, then in the credential store; answers still in flight no
    /// longer change it.
    pub async fn forget(&self) -> Result<()> {
        self.keeper.end().await.map_err(netease)
    }

    /// Why the session the latest answer brought was not kept in the keychain, if it was not.
    pub fn take_not_kept(&self) -> Option<Error> {
        self.keeper.take_not_kept()
    }

    /// Calls an endpoint and returns its JSON when `code` is 200 (or one of `accept`).
    pub async fn call(&self, endpoint: &Endpoint, params: Value) -> Result<Json> {
        self.call_accepting(endpoint, params, &[]).await
    }

    /// Registers this device as a visitor (§5.2) unless the session holds a login or a visitor
    /// token already, as NCMA does before a QR login (fidelity row N17). The service's `MUSIC_A`
    /// arrives as Set-Cookie and is kept like every other cookie. A refusal is logged, not
    /// returned: a device that is not a visitor can still ask for a QR code.
    pub async fn register_visitor(&self) {
        let (session, _) = self.current();
        if session.is_logged_in() || session.is_visitor() {
            return;
        }
        let username = crypto::anonymous_username(&session.device_id);
        let answer = self
            .call(
                &endpoints::REGISTER_VISITOR,
                json!({ "username": username }),
            )
            .await;
        match answer {
            Ok(_) if self.current().0.is_visitor() => {
                tracing::debug!("NetEase registered this device as a visitor");
            }
            Ok(_) => tracing::warn!("NetEase registered the visitor but sent no visitor token"),
            Err(e) => tracing::warn!("NetEase did not register the visitor: {e}"),
        }
    }

    /// Calls `first`; when the service refuses its form ([`endpoints::refuses_the_form`]),
    /// asks `before`, the form it replaced, once (fidelity rows N10, N11).
    pub async fn call_or_before(
        &self,
        (first, params): (&Endpoint, Value),
        (before, before_params): (&Endpoint, Value),
    ) -> Result<Json> {
        match self.call(first, params).await {
            Err(refused) if endpoints::refuses_the_form(&refused) => {
                tracing::info!(
                    path = %first.path,
                    code = ?refused.upstream_code,
                    "NetEase refused this form; asking the form it replaced"
                );
                self.call(before, before_params).await
            }
            answered => answered,
        }
    }

    pub async fn call_accepting(
        &self,
        endpoint: &Endpoint,
        params: Value,
        accept: &[i64],
    ) -> Result<Json> {
        self.config
            .retry
            .run(endpoint.effect, &endpoint.path, || {
                self.call_once(endpoint, &params, accept)
            })
            .await
    }

    async fn call_once(
        &self,
        endpoint: &Endpoint,
        params: &Value,
        accept: &[i64],
    ) -> Result<Json, Failure> {
        // Before the session is read: a wait for a turn must not send a stale one.
        self.budget.take().await.map_err(Failure::Final)?;
        let (session, generation) = self.current();
        let (cookies, answer) = self.send_as(&session, endpoint, params, accept).await;
        // The answer's cookies are kept whatever it says (a 301 may end the session).
        self.keep_cookies(generation, cookies).await;
        answer
    }

    /// Calls `endpoint` under `session`, which need not be the one held (a cookie login checks
    /// its cookies this way before anything is kept): the answer, and the cookies it set, which
    /// are not applied to anything.
    pub async fn call_as(
        &self,
        session: &Session,
        endpoint: &Endpoint,
        params: Value,
    ) -> Result<(Json, Vec<CookieUpdate>)> {
        let set = std::sync::Mutex::new(Vec::new());
        let answer = self
            .config
            .retry
            .run(endpoint.effect, &endpoint.path, || async {
                self.budget.take().await.map_err(Failure::Final)?;
                let (cookies, answer) = self.send_as(session, endpoint, &params, &[]).await;
                set.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(cookies);
                answer
            })
            .await?;
        Ok((answer, set.into_inner().unwrap_or_else(|e| e.into_inner())))
    }

    /// Holds `session` as a new login (a cookie login the service accepted) and keeps it in the
    /// credential store: `Some` says why it was not kept (it is held all the same).
    pub async fn log_in(&self, session: Session) -> Option<Error> {
        let kept = self
            .keeper
            .keep(Basis::NewLogin, move |_| Change::Login(session))
            .await;
        self.keeper.take_not_kept();
        kept.err().map(netease)
    }

    /// The session held now (a visitor's when nobody is logged in).
    pub fn session(&self) -> Session {
        self.current().0
    }

    /// One request under `session`: the cookies its answer set, and the answer.
    async fn send_as(
        &self,
        session: &Session,
        endpoint: &Endpoint,
        params: &Value,
        accept: &[i64],
    ) -> (Vec<CookieUpdate>, Result<Json, Failure>) {
        let transport = self.config.transport_override.unwrap_or(endpoint.transport);
        let had_session = session.is_logged_in();
        let request = match self.build(transport, &endpoint.path, params, session) {
            Ok(request) => request,
            Err(e) => return (Vec::new(), Err(Failure::Final(e))),
        };
        let expects_ciphertext = transport == Transport::Eapi;
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return (Vec::new(), Err(Failure::Transient(transport_error(e)))),
        };
        let cookies = cookie_updates(&response);
        let answer = read_answer(response, endpoint, expects_ciphertext, accept, had_session).await;
        (cookies, answer)
    }

    fn build(
        &self,
        transport: Transport,
        path: &str,
        params: &Value,
        session: &Session,
    ) -> Result<reqwest::RequestBuilder> {
        let suffix = path
            .strip_prefix("/api/")
            .ok_or_else(|| Error::bad_request(format!("not a logical path: {path}")))?;
        let mut object = match params {
            Value::Object(map) => map.clone(),
            Value::Null => Map::new(),
            _ => return Err(Error::bad_request("request parameters must be an object")),
        };
        let request = match transport {
            Transport::Eapi => {
                let header = eapi_header(session);
                let cookie = cookie_string(&header, session.cookie("NMTID"));
                object.insert("header".into(), Value::Object(header));
                object.insert("e_r".into(), Value::Bool(true));
                let text = Value::Object(object).to_string();
                let url = self.route(&format!("https://{}/eapi/{suffix}", identity::EAPI_HOST))?;
                self.http
                    .post(url)
                    .header(reqwest::header::COOKIE, cookie)
                    .form(&[("params", crypto::eapi_encrypt(path, &text))])
            }
            Transport::Weapi => {
                object.insert(
                    "csrf_token".into(),
                    Value::String(session.csrf().to_owned()),
                );
                let text = Value::Object(object).to_string();
                let secret = match self.config.weapi_secret {
                    WeapiSecret::Random => crypto::random_weapi_secret(),
                    WeapiSecret::Fixed(secret) => secret,
                };
                let form = crypto::weapi_encrypt(&text, &secret);
                let mut url =
                    self.route(&format!("https://{}/weapi/{suffix}", identity::WEB_HOST))?;
                url.query_pairs_mut()
                    .append_pair("csrf_token", session.csrf());
                self.http
                    .post(url)
                    .header(reqwest::header::REFERER, identity::ORIGIN)
                    .header(reqwest::header::ORIGIN, identity::ORIGIN)
                    .header(reqwest::header::COOKIE, web_cookie_string(session))
                    .form(&[("params", form.params), ("encSecKey", form.enc_sec_key)])
            }
            Transport::Api => {
                let fields: Vec<(String, String)> = object
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (k, v)
                    })
                    .collect();
                let url = self.route(&format!("https://{}/api/{suffix}", identity::API_HOST))?;
                self.http
                    .post(url)
                    .header(reqwest::header::COOKIE, web_cookie_string(session))
                    .form(&fields)
            }
        };
        Ok(request)
    }

    pub fn route(&self, url: &str) -> Result<url::Url> {
        self.config.upstream.route(url).map_err(netease)
    }

    /// The keep step of an answer's cookies: applied to the session the request was made under,
    /// not after a logout or another login since (an answer in flight cannot bring back a
    /// session that was ended), and kept in the keychain when it is a logged-in one. A store
    /// failure is logged and remembered by the keeper, for the login to report.
    async fn keep_cookies(&self, generation: Generation, cookies: Vec<CookieUpdate>) {
        if cookies.is_empty() {
            return;
        }
        let _ = self
            .keeper
            .keep(generation, move |held| Session::change_by(held, &cookies))
            .await;
    }
}

/// The JSON of an answer, or the typed error its status or business code means.
async fn read_answer(
    response: reqwest::Response,
    endpoint: &Endpoint,
    expects_ciphertext: bool,
    accept: &[i64],
    had_session: bool,
) -> Result<Json, Failure> {
    let status = response.status();
    let bytes = read_capped(response, MAX_API_ANSWER)
        .await
        .map_err(|e| Failure::of_body(e, transport_error).map(netease))?;
    if status.as_u16() == 429 {
        return Err(Failure::Final(netease(Error::new(
            ErrorKind::RateLimited,
            "NetEase says too many requests (HTTP 429)",
        ))));
    }
    if !status.is_success() {
        let error = netease(Error::upstream(format!(
            "NetEase answered HTTP {} for {}",
            status.as_u16(),
            endpoint.path
        )));
        return Err(Failure::of_status(status.as_u16(), error));
    }
    let body = decode_body(&bytes, expects_ciphertext).map_err(|what| {
        Failure::Final(netease(Error::upstream(format!(
            "NetEase sent a {what} answer for {} ({} bytes)",
            endpoint.path,
            bytes.len()
        ))))
    })?;
    match code_of(&body) {
        Some(200) => Ok(body),
        Some(code) if accept.contains(&code) => Ok(body),
        Some(code) => Err(Failure::Final(error_for_code(code, &body, had_session))),
        None => Err(Failure::Final(netease(Error::upstream(format!(
            "NetEase sent an answer without a code for {}",
            endpoint.path
        ))))),
    }
}

/// The kept cookies an answer's `Set-Cookie` headers update.
fn cookie_updates(response: &reqwest::Response) -> Vec<CookieUpdate> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(CookieUpdate::parse)
        .collect()
}

fn transport_error(error: reqwest::Error) -> Error {
    // reqwest's Display can quote the URL; ours carry no secrets, but keep the message plain.
    let what = if error.is_timeout() {
        "NetEase did not answer in time"
    } else if error.is_connect() {
        "cannot reach NetEase (offline?)"
    } else if error.is_body() || error.is_decode() {
        "the connection to NetEase broke off mid-answer"
    } else {
        "the request to NetEase failed"
    };
    netease(Error::network(what))
}

/// eapi answers are AES-ECB ciphertext when the request asked `e_r` (§3.2); error pages and some
/// proxies still send plain JSON, so plain JSON is accepted too.
fn decode_body(bytes: &[u8], maybe_ciphertext: bool) -> Result<Value, &'static str> {
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        return if value.is_object() {
            Ok(value)
        } else {
            Err("non-object")
        };
    }
    if maybe_ciphertext && !bytes.is_empty() && bytes.len().is_multiple_of(16) {
        let plain = crypto::eapi_decrypt_response(bytes, false).map_err(|_| "undecryptable")?;
        let value: Value = serde_json::from_slice(&plain).map_err(|_| "truncated or malformed")?;
        return if value.is_object() {
            Ok(value)
        } else {
            Err("non-object")
        };
    }
    Err(if bytes.is_empty() {
        "empty"
    } else {
        "truncated or malformed"
    })
}

/// The client-info map of §3.3: sent as `header` inside eapi payloads and, the same map, as the
/// Cookie header.
fn eapi_header(session: &Session) -> Map<String, Value> {
    let now = duet_core::clock::unix_ms();
    let mut header = Map::new();
    let mut put = |k: &str, v: String| {
        header.insert(k.to_owned(), Value::String(v));
    };
    put("osver", identity::OS_VERSION.into());
    put("deviceId", session.device_id.clone());
    put("os", identity::OS.into());
    put("appver", identity::APP_VERSION.into());
    put("versioncode", identity::VERSION_CODE.into());
    put("mobilename", String::new());
    put("buildver", (now / 1000).to_string());
    put("resolution", identity::RESOLUTION.into());
    put("__csrf", session.csrf().to_owned());
    put("channel", identity::CHANNEL.into());
    put(
        "requestId",
        format!("{now}_{:04}", rand::thread_rng().gen_range(0..1000)),
    );
    if let Some(music_u) = session.cookie(MUSIC_U) {
        put(MUSIC_U, music_u.to_owned());
    } else if let Some(visitor) = session.cookie(MUSIC_A) {
        put(MUSIC_A, visitor.to_owned());
    }
    header
}

fn cookie_string(header: &Map<String, Value>, nmtid: Option<&str>) -> String {
    let mut pairs: Vec<String> = header
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v.as_str().unwrap_or_default())))
        .collect();
    if let Some(nmtid) = nmtid {
        pairs.push(format!("NMTID={}", encode(nmtid)));
    }
    pairs.join("; ")
}

/// The browser-style cookie set for weapi and plain api (§5.1, fidelity row N18), with the same
/// device identity.
fn web_cookie_string(session: &Session) -> String {
    let mut pairs = vec![
        ("os".to_owned(), identity::OS.to_owned()),
        ("appver".to_owned(), identity::APP_VERSION.to_owned()),
        ("osver".to_owned(), identity::OS_VERSION.to_owned()),
        ("channel".to_owned(), identity::CHANNEL.to_owned()),
        ("deviceId".to_owned(), session.device_id.clone()),
        ("__remember_me".to_owned(), "true".to_owned()),
    ];
    pairs.extend(
        session
            .web
            .cookies()
            .map(|(name, value)| (name.to_owned(), value)),
    );
    // The visitor token goes only with no login (§5.1).
    let logged_in = session.is_logged_in();
    for (name, value) in &session.cookies {
        if !(logged_in && name == MUSIC_A) {
            pairs.push((name.clone(), value.expose().to_owned()));
        }
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_body_handles_plain_encrypted_and_broken() {
        let plain = br#"{"code":200,"data":true}"#;
        assert_eq!(decode_body(plain, true).unwrap()["code"], 200);
        let encrypted = crypto::eapi_encrypt_response(plain);
        assert_eq!(decode_body(&encrypted, true).unwrap()["data"], true);
        assert!(decode_body(&encrypted[..16], true).is_err());
        assert!(decode_body(&plain[..10], true).is_err());
        assert!(decode_body(b"", true).is_err());
        assert!(decode_body(b"[1,2]", true).is_err());
        assert!(decode_body(&encrypted, false).is_err());
    }

    /// The visitor token goes with every call of a device not logged in, and with none once it
    /// is (§5.1, fidelity row N17).
    #[test]
    fn the_visitor_token_goes_only_without_a_login() {
        let mut session = Session::new();
        session.apply_set_cookie("MUSIC_A=visitor; Path=/");
        assert_eq!(eapi_header(&session)[MUSIC_A], "visitor");
        assert!(web_cookie_string(&session).contains("MUSIC_A=visitor"));
        session.apply_set_cookie("MUSIC_U=login; Path=/");
        let header = eapi_header(&session);
        assert_eq!(header[MUSIC_U], "login");
        assert!(!header.contains_key(MUSIC_A));
        let web = web_cookie_string(&session);
        assert!(
            web.contains("MUSIC_U=login") && !web.contains("MUSIC_A"),
            "{web}"
        );
    }

    #[test]
    fn eapi_cookie_carries_the_pc_identity() {
        let mut session = Session::new();
        session.apply_set_cookie("MUSIC_U=abc%; Path=/");
        let header = eapi_header(&session);
        assert_eq!(header["os"], "pc");
        assert_eq!(header["appver"], identity::APP_VERSION);
        assert_eq!(header["MUSIC_U"], "abc%");
        let cookie = cookie_string(&header, Some("00Oxyz"));
        assert!(cookie.contains("os=pc; appver=3.1.17.204416") || cookie.contains("os=pc"));
        assert!(cookie.contains("MUSIC_U=abc%25"), "{cookie}");
        assert!(cookie.ends_with("NMTID=00Oxyz"));
        let web = web_cookie_string(&session);
        assert!(web.starts_with("os=pc; appver="));
        assert!(web.contains(&format!("deviceId={}", session.device_id)));
        for (name, value) in session.web.cookies() {
            assert!(
                web.contains(&format!("; {name}={}", encode(&value))),
                "{name}: {web}"
            );
        }
    }
}
