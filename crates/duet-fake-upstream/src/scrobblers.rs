//! The scrobbling services, played strictly: Last.fm's API 2.0 (`ws.audioscrobbler.com/2.0/`,
//! its approval page at `www.last.fm/api/auth/`) and ListenBrainz (`api.listenbrainz.org/1/`).
//! Requests are checked like the services check them (Last.fm's `api_sig`, its API key and
//! session key, `format=json`, at most 50 plays a batch; ListenBrainz's `Authorization: Token`
//! header and the JSON shape of each `listen_type`). What arrives is recorded in order, and
//! either service can be switched offline (the connection is cut) or to answering 503.
//!
//! Control routes: `GET /__fake/scrobblers/{lastfm|listenbrainz}` (what it received, its mode),
//! `POST /__fake/scrobblers/{service}/mode` with `{"mode":"online"|"offline"|"server_error"}`,
//! `POST /__fake/scrobblers/{service}/revoke` (the session or token is no longer accepted),
//! `GET /__fake/lastfm/tokens`, `POST /__fake/lastfm/tokens/{token}/approve`.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::http_util::{percent_decode, random_hex};
use crate::FakeState;

pub const LASTFM_API_HOST: &str = "ws.audioscrobbler.com";
pub const LASTFM_WEB_HOST: &str = "www.last.fm";
pub const LISTENBRAINZ_HOST: &str = "api.listenbrainz.org";
/// The Last.fm API account the fake knows (a person pastes theirs; tests paste this one).
pub const FAKE_LASTFM_API_KEY: &str = "0123456789abcdef0123456789abcdef";
pub const FAKE_LASTFM_API_SECRET: &str = "fedcba9876543210fedcba9876543210";
/// The one account of both fakes.
pub const FAKE_SCROBBLE_USER: &str = "duet-listener";
/// The ListenBrainz user token the fake accepts.
pub const FAKE_LISTENBRAINZ_TOKEN: &str = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
/// Last.fm's batch limit.
const LASTFM_MAX_BATCH: usize = 50;
/// ListenBrainz's limit on listens per request.
const LISTENBRAINZ_MAX_LISTENS: usize = 1000;
/// Last.fm ignores plays older than this.
const LASTFM_OLDEST_S: i64 = 14 * 24 * 3600;
/// ListenBrainz refuses listens before 2002-10-01 (its `LISTEN_MINIMUM_TS`).
const LISTENBRAINZ_MINIMUM_TS: i64 = 1_033_430_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScrobblerMode {
    #[default]
    Online,
    /// The connection is cut before an answer (as when offline or timed out).
    Offline,
    /// `503 Service Unavailable`.
    ServerError,
}

/// One play as the fake understood it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedPlay {
    pub artist: String,
    pub title: String,
    pub album: Option<String>,
    /// `None` for "now playing".
    pub timestamp: Option<i64>,
}

/// What one service received and accepted, in order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Received {
    pub mode: ScrobblerMode,
    /// Plays counted (accepted), oldest first.
    pub scrobbles: Vec<ReceivedPlay>,
    /// Plays refused or ignored.
    pub refused: Vec<ReceivedPlay>,
    pub now_playing: Vec<ReceivedPlay>,
    /// The size of each accepted scrobble request, in order.
    pub batches: Vec<usize>,
    /// Requests cut or answered 503 while not online.
    pub failed_while_down: usize,
}

#[derive(Default)]
struct World {
    lastfm: Received,
    listenbrainz: Received,
    /// Last.fm tokens issued, and whether the person approved each.
    tokens: BTreeMap<String, bool>,
    sessions: HashSet<String>,
    listenbrainz_revoked: bool,
}

/// Control handle of both scrobbling fakes.
#[derive(Clone, Default)]
pub struct ScrobblersControl {
    world: Arc<Mutex<World>>,
}

impl ScrobblersControl {
    fn lock(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn side<'a>(world: &'a mut World, service: &str) -> Option<&'a mut Received> {
        match service {
            "lastfm" => Some(&mut world.lastfm),
            "listenbrainz" => Some(&mut world.listenbrainz),
            _ => None,
        }
    }

    /// What `service` (`lastfm`, `listenbrainz`) received.
    pub fn received(&self, service: &str) -> Option<Received> {
        Self::side(&mut self.lock(), service).map(|r| r.clone())
    }

    pub fn set_mode(&self, service: &str, mode: ScrobblerMode) -> bool {
        Self::side(&mut self.lock(), service)
            .map(|r| r.mode = mode)
            .is_some()
    }

    /// The person approves `token` on Last.fm's page.
    pub fn approve(&self, token: &str) -> bool {
        self.lock()
            .tokens
            .get_mut(token)
            .map(|approved| *approved = true)
            .is_some()
    }

    /// Tokens issued, oldest first by name (only one in most tests).
    pub fn tokens(&self) -> Vec<(String, bool)> {
        self.lock()
            .tokens
            .iter()
            .map(|(t, a)| (t.clone(), *a))
            .collect()
    }

    /// The service no longer accepts the session (Last.fm) or the token (ListenBrainz).
    pub fn revoke(&self, service: &str) -> bool {
        let mut world = self.lock();
        match service {
            "lastfm" => world.sessions.clear(),
            "listenbrainz" => world.listenbrainz_revoked = true,
            _ => return false,
        }
        true
    }
}

pub(crate) fn handles_host(host: &str) -> bool {
    matches!(host, LASTFM_API_HOST | LASTFM_WEB_HOST | LISTENBRAINZ_HOST)
}

pub(crate) fn handle(
    control: &ScrobblersControl,
    host: &str,
    path: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let service = if host == LISTENBRAINZ_HOST {
        "listenbrainz"
    } else {
        "lastfm"
    };
    if host != LASTFM_WEB_HOST {
        let mut world = control.lock();
        let side = ScrobblersControl::side(&mut world, service).expect("a known service");
        match side.mode {
            ScrobblerMode::Online => {}
            ScrobblerMode::Offline => {
                side.failed_while_down += 1;
                return cut_connection();
            }
            ScrobblerMode::ServerError => {
                side.failed_while_down += 1;
                return (StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable")
                    .into_response();
            }
        }
    }
    match (host, path, method) {
        (LASTFM_API_HOST, "2.0/" | "2.0", &Method::POST) => lastfm_call(control, headers, &body),
        (LASTFM_WEB_HOST, "api/auth/" | "api/auth", &Method::GET) => approval_page(query),
        (LASTFM_WEB_HOST, "api/auth/approve", &Method::POST) => {
            let form = form_pairs(std::str::from_utf8(&body).unwrap_or_default());
            let token = form.get("token").cloned().unwrap_or_default();
            if control.approve(&token) {
                html("<p>Duet is connected to your Last.fm account. You can close this page.</p>")
            } else {
                (StatusCode::NOT_FOUND, html("<p>Unknown token.</p>")).into_response()
            }
        }
        (LISTENBRAINZ_HOST, "1/validate-token", &Method::GET) => {
            let valid = token_of(headers).is_some_and(|t| valid_token(control, &t));
            if valid {
                Json(json!({"code": 200, "message": "Token valid.", "valid": true, "user_name": FAKE_SCROBBLE_USER})).into_response()
            } else {
                Json(json!({"code": 200, "message": "Token invalid.", "valid": false}))
                    .into_response()
            }
        }
        (LISTENBRAINZ_HOST, "1/submit-listens", &Method::POST) => {
            submit_listens(control, headers, &body)
        }
        _ => crate::http_util::plain_404(),
    }
}

/// Headers, then a body that fails: the client sees its connection cut.
fn cut_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("offline"))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

fn html(body: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><html><head><title>Last.fm</title></head><body>{body}</body></html>"
        ),
    )
        .into_response()
}

fn approval_page(query: Option<&str>) -> Response {
    let params = form_pairs(query.unwrap_or_default());
    if params.get("api_key").map(String::as_str) != Some(FAKE_LASTFM_API_KEY) {
        return (StatusCode::BAD_REQUEST, html("<p>Invalid API key.</p>")).into_response();
    }
    let token = params.get("token").cloned().unwrap_or_default();
    let token: String = token.chars().filter(char::is_ascii_alphanumeric).collect();
    html(&format!(
        "<h1>Connect Duet to your Last.fm account?</h1>\
         <form method=\"post\" action=\"approve\"><input type=\"hidden\" name=\"token\" \
         value=\"{token}\"><button id=\"approve\" type=\"submit\">Yes, allow access</button></form>"
    ))
}

fn form_pairs(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let plus = |s: &str| percent_decode(&s.replace('+', " "));
            (plus(name), plus(value))
        })
        .collect()
}

fn lastfm_error(status: StatusCode, code: i64, message: &str) -> Response {
    (status, Json(json!({"error": code, "message": message}))).into_response()
}

fn lastfm_call(control: &ScrobblersControl, headers: &HeaderMap, body: &[u8]) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return lastfm_error(
            StatusCode::BAD_REQUEST,
            6,
            "Invalid parameters - a form body is expected",
        );
    }
    let params = form_pairs(std::str::from_utf8(body).unwrap_or_default());
    if params.get("format").map(String::as_str) != Some("json") {
        return lastfm_error(
            StatusCode::BAD_REQUEST,
            6,
            "Invalid parameters - format=json is expected",
        );
    }
    if params.get("api_key").map(String::as_str) != Some(FAKE_LASTFM_API_KEY) {
        return lastfm_error(
            StatusCode::FORBIDDEN,
            10,
            "Invalid API key - You must be granted a valid key by last.fm",
        );
    }
    let expected = signature(&params, FAKE_LASTFM_API_SECRET);
    if params.get("api_sig") != Some(&expected) {
        return lastfm_error(
            StatusCode::FORBIDDEN,
            13,
            "Invalid method signature supplied",
        );
    }
    let method = params.get("method").map(String::as_str).unwrap_or_default();
    let mut world = control.lock();
    match method {
        "auth.getToken" => {
            let token = random_hex(16);
            world.tokens.insert(token.clone(), false);
            Json(json!({"token": token})).into_response()
        }
        "auth.getSession" => {
            let token = params.get("token").cloned().unwrap_or_default();
            match world.tokens.get(&token) {
                None => lastfm_error(StatusCode::FORBIDDEN, 15, "This token has expired"),
                Some(false) => lastfm_error(
                    StatusCode::FORBIDDEN,
                    14,
                    "Unauthorized Token - This token has not been authorized",
                ),
                Some(true) => {
                    world.tokens.remove(&token);
                    let key = random_hex(16);
                    world.sessions.insert(key.clone());
                    Json(json!({"session": {"name": FAKE_SCROBBLE_USER, "key": key, "subscriber": 0}}))
                        .into_response()
                }
            }
        }
        "track.updateNowPlaying" | "track.scrobble" => {
            let session_ok = params.get("sk").is_some_and(|k| world.sessions.contains(k));
            if !session_ok {
                return lastfm_error(
                    StatusCode::FORBIDDEN,
                    9,
                    "Invalid session key - Please re-authenticate",
                );
            }
            if method == "track.updateNowPlaying" {
                let Some(play) = lastfm_play(&params, None) else {
                    return lastfm_error(
                        StatusCode::BAD_REQUEST,
                        6,
                        "Invalid parameters - artist and track are required",
                    );
                };
                world.lastfm.now_playing.push(play);
                return Json(json!({"nowplaying": {"ignoredMessage": {"code": "0", "#text": ""}}}))
                    .into_response();
            }
            lastfm_scrobble(&mut world.lastfm, &params)
        }
        _ => lastfm_error(
            StatusCode::BAD_REQUEST,
            3,
            "Invalid Method - No method with that name in this package",
        ),
    }
}

fn lastfm_play(params: &BTreeMap<String, String>, index: Option<usize>) -> Option<ReceivedPlay> {
    let name = |n: &str| match index {
        Some(i) => format!("{n}[{i}]"),
        None => n.to_owned(),
    };
    let artist = params.get(&name("artist"))?.clone();
    let title = params.get(&name("track"))?.clone();
    let timestamp = match index {
        Some(_) => Some(params.get(&name("timestamp"))?.parse().ok()?),
        None => None,
    };
    Some(ReceivedPlay {
        artist,
        title,
        album: params.get(&name("album")).cloned(),
        timestamp,
    })
}

fn lastfm_scrobble(side: &mut Received, params: &BTreeMap<String, String>) -> Response {
    let mut plays = Vec::new();
    while let Some(play) = lastfm_play(params, Some(plays.len())) {
        plays.push(play);
    }
    let indexed = params.keys().filter(|k| k.starts_with("artist[")).count();
    if plays.is_empty() || indexed != plays.len() {
        return lastfm_error(
            StatusCode::BAD_REQUEST,
            6,
            "Invalid parameters - artist[i], track[i] and timestamp[i] from 0 up are required",
        );
    }
    if plays.len() > LASTFM_MAX_BATCH {
        return lastfm_error(
            StatusCode::BAD_REQUEST,
            6,
            "Invalid parameters - at most 50 scrobbles a request",
        );
    }
    let now = crate::http_util::now_ms() / 1000;
    let mut items = Vec::new();
    let (mut accepted, mut ignored) = (0, 0);
    for play in plays {
        let timestamp = play.timestamp.unwrap_or_default();
        let verdict = if play.artist.trim().is_empty() {
            Some((1, "Artist was ignored"))
        } else if timestamp < now - LASTFM_OLDEST_S {
            Some((3, "Timestamp was too old"))
        } else if timestamp > now + 300 {
            Some((2, "Timestamp was too new"))
        } else {
            None
        };
        let (code, text) = verdict.unwrap_or((0, ""));
        items.push(json!({
            "artist": {"corrected": "0", "#text": play.artist},
            "track": {"corrected": "0", "#text": play.title},
            "album": {"corrected": "0", "#text": play.album.clone().unwrap_or_default()},
            "timestamp": timestamp.to_string(),
            "ignoredMessage": {"code": code.to_string(), "#text": text},
        }));
        if verdict.is_some() {
            ignored += 1;
            side.refused.push(play);
        } else {
            accepted += 1;
            side.scrobbles.push(play);
        }
    }
    side.batches.push(items.len());
    // One play: an object; several: an array (as Last.fm answers).
    let scrobble = if items.len() == 1 {
        items.remove(0)
    } else {
        Value::Array(items)
    };
    Json(json!({"scrobbles": {"scrobble": scrobble, "@attr": {"accepted": accepted, "ignored": ignored}}}))
        .into_response()
}

/// Last.fm's `api_sig`: md5 of the parameters sorted by name (`format` and `api_sig` left
/// out), each name then its value, then the secret.
fn signature(params: &BTreeMap<String, String>, secret: &str) -> String {
    use md5::{Digest, Md5};
    let mut hasher = Md5::new();
    for (name, value) in params {
        if name != "format" && name != "api_sig" {
            hasher.update(name.as_bytes());
            hasher.update(value.as_bytes());
        }
    }
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Token ")
        .map(str::to_owned)
}

fn valid_token(control: &ScrobblersControl, token: &str) -> bool {
    token == FAKE_LISTENBRAINZ_TOKEN && !control.lock().listenbrainz_revoked
}

fn listenbrainz_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"code": status.as_u16(), "error": message})),
    )
        .into_response()
}

fn submit_listens(control: &ScrobblersControl, headers: &HeaderMap, body: &[u8]) -> Response {
    if !token_of(headers).is_some_and(|t| valid_token(control, &t)) {
        return listenbrainz_error(StatusCode::UNAUTHORIZED, "Invalid authorization token.");
    }
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let Some(document) = json_type
        .then(|| serde_json::from_slice::<Value>(body).ok())
        .flatten()
    else {
        return listenbrainz_error(StatusCode::BAD_REQUEST, "Cannot parse JSON document.");
    };
    let listen_type = document["listen_type"].as_str().unwrap_or_default();
    let Some(payload) = document["payload"].as_array() else {
        return listenbrainz_error(
            StatusCode::BAD_REQUEST,
            "JSON document does not contain a payload.",
        );
    };
    let count_ok = match listen_type {
        "single" | "playing_now" => payload.len() == 1,
        "import" => !payload.is_empty() && payload.len() <= LISTENBRAINZ_MAX_LISTENS,
        _ => {
            return listenbrainz_error(
                StatusCode::BAD_REQUEST,
                "JSON document has an invalid listen_type.",
            )
        }
    };
    if !count_ok {
        return listenbrainz_error(
            StatusCode::BAD_REQUEST,
            "JSON document has a wrong number of listens for its listen_type.",
        );
    }
    let mut plays = Vec::new();
    for listen in payload {
        let metadata = &listen["track_metadata"];
        let (Some(artist), Some(title)) = (
            metadata["artist_name"]
                .as_str()
                .filter(|s| !s.trim().is_empty()),
            metadata["track_name"]
                .as_str()
                .filter(|s| !s.trim().is_empty()),
        ) else {
            return listenbrainz_error(
                StatusCode::BAD_REQUEST,
                "JSON document does not contain required fields artist_name and track_name.",
            );
        };
        let timestamp = listen.get("listened_at").map(Value::as_i64);
        let timestamp = match (listen_type, timestamp) {
            ("playing_now", None) => None,
            ("playing_now", Some(_)) => {
                return listenbrainz_error(StatusCode::BAD_REQUEST, "playing_now listens may not have a listened_at timestamp.")
            }
            (_, Some(Some(ts))) if ts >= LISTENBRAINZ_MINIMUM_TS => Some(ts),
            (_, Some(Some(_))) => {
                return listenbrainz_error(StatusCode::BAD_REQUEST, "Value for key listened_at is too low. listened_at timestamp should be greater than 1033410600 (2002-10-01 00:00:00 UTC).")
            }
            _ => return listenbrainz_error(StatusCode::BAD_REQUEST, "JSON document must contain the key listened_at at the top level."),
        };
        plays.push(ReceivedPlay {
            artist: artist.to_owned(),
            title: title.to_owned(),
            album: metadata["release_name"].as_str().map(str::to_owned),
            timestamp,
        });
    }
    let mut world = control.lock();
    if listen_type == "playing_now" {
        world.listenbrainz.now_playing.extend(plays);
    } else {
        world.listenbrainz.batches.push(plays.len());
        world.listenbrainz.scrobbles.extend(plays);
    }
    Json(json!({"status": "ok"})).into_response()
}

pub(crate) fn control_routes() -> Router<FakeState> {
    Router::new()
        .route("/__fake/scrobblers/{service}", get(received))
        .route("/__fake/scrobblers/{service}/mode", post(set_mode))
        .route("/__fake/scrobblers/{service}/revoke", post(revoke))
        .route("/__fake/lastfm/tokens", get(tokens))
        .route("/__fake/lastfm/tokens/{token}/approve", post(approve))
}

fn unknown() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": "unknown scrobbling service"})),
    )
        .into_response()
}

async fn received(State(st): State<FakeState>, Path(service): Path<String>) -> Response {
    match st.scrobblers().received(&service) {
        Some(received) => Json(received).into_response(),
        None => unknown(),
    }
}

#[derive(Deserialize)]
struct ModeBody {
    mode: ScrobblerMode,
}

async fn set_mode(
    State(st): State<FakeState>,
    Path(service): Path<String>,
    Json(body): Json<ModeBody>,
) -> Response {
    if st.scrobblers().set_mode(&service, body.mode) {
        Json(json!({"mode": body.mode})).into_response()
    } else {
        unknown()
    }
}

async fn revoke(State(st): State<FakeState>, Path(service): Path<String>) -> Response {
    if st.scrobblers().revoke(&service) {
        Json(json!({"revoked": service})).into_response()
    } else {
        unknown()
    }
}

async fn tokens(State(st): State<FakeState>) -> Json<Value> {
    let tokens: Vec<Value> = st
        .scrobblers()
        .tokens()
        .into_iter()
        .map(|(token, approved)| json!({"token": token, "approved": approved}))
        .collect();
    Json(Value::Array(tokens))
}

async fn approve(State(st): State<FakeState>, Path(token): Path<String>) -> Response {
    if st.scrobblers().approve(&token) {
        Json(json!({"approved": token})).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "unknown token"})),
        )
            .into_response()
    }
}
