//! Last.fm's API 2.0 (last.fm/api): the desktop authorisation (`auth.getToken`, the person's
//! approval at [`AUTH_PAGE`] in their browser, `auth.getSession`), `track.updateNowPlaying` and
//! `track.scrobble` in batches of at most [`MAX_BATCH`]. Every call is signed: `api_sig` is the
//! md5 of the parameters sorted by name, each name followed by its value, then the app's secret
//! (`format` left out), and asks for `format=json`.

use duet_core::{Error, ErrorKind, Result, Secret, Upstream};
use serde_json::Value;

use crate::{transport_failure, BatchVerdict, Scrobble, ScrobbleService, SendFailure};

/// The API's one endpoint.
pub const API_URL: &str = "https://ws.audioscrobbler.com/2.0/";
/// Where the person approves Duet in their browser (`?api_key=…&token=…`).
pub const AUTH_PAGE: &str = "https://www.last.fm/api/auth/";
/// The most plays one `track.scrobble` takes.
pub const MAX_BATCH: usize = 50;

/// Last.fm's error codes Duet acts on.
mod code {
    pub const INVALID_PARAMETERS: i64 = 6;
    pub const INVALID_SESSION_KEY: i64 = 9;
    pub const INVALID_API_KEY: i64 = 10;
    pub const SERVICE_OFFLINE: i64 = 11;
    pub const INVALID_SIGNATURE: i64 = 13;
    pub const TOKEN_NOT_AUTHORISED: i64 = 14;
    pub const TOKEN_EXPIRED: i64 = 15;
    pub const TEMPORARILY_UNAVAILABLE: i64 = 16;
    pub const SUSPENDED_API_KEY: i64 = 26;
    pub const RATE_LIMITED: i64 = 29;
}

/// The API account Duet calls with: the person's own (Last.fm gives one at once at
/// last.fm/api/account/create), pasted in Settings, or one set at build time.
#[derive(Clone)]
pub struct LastfmApp {
    pub api_key: String,
    pub api_secret: Secret,
}

impl std::fmt::Debug for LastfmApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LastfmApp")
            .field("api_key", &"<redacted>")
            .field("api_secret", &"<redacted>")
            .finish()
    }
}

/// The signature of a call with `params` (`format` and `api_sig` are not signed).
pub fn sign(params: &[(&str, String)], secret: &str) -> String {
    use md5::{Digest, Md5};
    let mut sorted: Vec<_> = params
        .iter()
        .filter(|(name, _)| *name != "format" && *name != "api_sig")
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Md5::new();
    for (name, value) in sorted {
        hasher.update(name.as_bytes());
        hasher.update(value.as_bytes());
    }
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// A session: the account's name and the key every scrobble is signed with.
#[derive(Clone)]
pub struct LastfmSession {
    pub user_name: String,
    pub key: Secret,
}

impl std::fmt::Debug for LastfmSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LastfmSession")
            .field("user_name", &self.user_name)
            .field("key", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct LastfmClient {
    http: reqwest::Client,
    upstream: Upstream,
    app: LastfmApp,
}

impl LastfmClient {
    pub fn new(http: reqwest::Client, upstream: Upstream, app: LastfmApp) -> Self {
        Self {
            http,
            upstream,
            app,
        }
    }

    /// `auth.getToken`: a token for the person to approve.
    pub async fn get_token(&self) -> Result<String> {
        let answer = self
            .call_coded("auth.getToken", Vec::new(), None)
            .await
            .map_err(auth_error)?;
        answer["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::upstream("Last.fm gave no token"))
    }

    /// The page where the person approves `token` (routed like every call, so the offline
    /// fake plays it too).
    pub fn approval_url(&self, token: &str) -> Result<url::Url> {
        let mut url = self.upstream.route(AUTH_PAGE)?;
        url.query_pairs_mut()
            .append_pair("api_key", &self.app.api_key)
            .append_pair("token", token);
        Ok(url)
    }

    /// `auth.getSession`: the session, once the person approved `token`.
    pub async fn get_session(&self, token: &str) -> Result<LastfmSession> {
        let answer = self
            .call_coded("auth.getSession", vec![("token", token.to_owned())], None)
            .await
            .map_err(auth_error)?;
        let session = &answer["session"];
        match (session["name"].as_str(), session["key"].as_str()) {
            (Some(name), Some(key)) => Ok(LastfmSession {
                user_name: name.to_owned(),
                key: Secret::new(key),
            }),
            _ => Err(Error::upstream("Last.fm gave no session")),
        }
    }

    /// `track.updateNowPlaying`.
    pub async fn update_now_playing(
        &self,
        session: &Secret,
        play: &Scrobble,
    ) -> std::result::Result<(), SendFailure> {
        let mut params = vec![
            ("artist", play.artist.clone()),
            ("track", play.title.clone()),
        ];
        if let Some(album) = &play.album {
            params.push(("album", album.clone()));
        }
        if play.duration_s > 0 {
            params.push(("duration", play.duration_s.to_string()));
        }
        self.call("track.updateNowPlaying", params, Some(session))
            .await
            .map(drop)
    }

    /// `track.scrobble` of up to [`MAX_BATCH`] plays; what it said of each.
    pub async fn scrobble(
        &self,
        session: &Secret,
        plays: &[Scrobble],
    ) -> std::result::Result<BatchVerdict, SendFailure> {
        debug_assert!(plays.len() <= MAX_BATCH);
        let names: Vec<_> = (0..plays.len())
            .map(|i| {
                [
                    format!("artist[{i}]"),
                    format!("track[{i}]"),
                    format!("timestamp[{i}]"),
                    format!("album[{i}]"),
                    format!("duration[{i}]"),
                ]
            })
            .collect();
        let mut params = Vec::new();
        for (play, [artist, track, timestamp, album, duration]) in plays.iter().zip(&names) {
            params.push((artist.as_str(), play.artist.clone()));
            params.push((track.as_str(), play.title.clone()));
            params.push((timestamp.as_str(), play.started_at.to_string()));
            if let Some(name) = &play.album {
                params.push((album.as_str(), name.clone()));
            }
            if play.duration_s > 0 {
                params.push((duration.as_str(), play.duration_s.to_string()));
            }
        }
        let answer = self.call("track.scrobble", params, Some(session)).await?;
        let items = match &answer["scrobbles"]["scrobble"] {
            Value::Array(items) => items.clone(),
            item @ Value::Object(_) => vec![item.clone()],
            _ => {
                return Err(SendFailure::Retry(
                    "Last.fm's answer had no scrobbles".into(),
                ))
            }
        };
        if items.len() != plays.len() {
            return Err(SendFailure::Retry(format!(
                "Last.fm answered for {} of {} plays",
                items.len(),
                plays.len()
            )));
        }
        Ok(items
            .iter()
            .map(|item| {
                let ignored = &item["ignoredMessage"];
                let code = match &ignored["code"] {
                    Value::String(code) => code.parse().unwrap_or(0),
                    Value::Number(code) => code.as_i64().unwrap_or(0),
                    _ => 0,
                };
                (code != 0).then(|| {
                    let text = ignored["#text"].as_str().unwrap_or_default();
                    format!("Last.fm ignored it (code {code}) {text}")
                        .trim()
                        .to_owned()
                })
            })
            .collect())
    }

    /// One signed POST; Last.fm's own errors sorted by what they mean for the queue.
    async fn call(
        &self,
        method: &str,
        params: Vec<(&str, String)>,
        session: Option<&Secret>,
    ) -> std::result::Result<Value, SendFailure> {
        self.call_coded(method, params, session)
            .await
            .map_err(|(failure, _)| failure)
    }

    /// [`call`](Self::call), with Last.fm's error code when it sent one.
    async fn call_coded(
        &self,
        method: &str,
        mut params: Vec<(&str, String)>,
        session: Option<&Secret>,
    ) -> std::result::Result<Value, (SendFailure, Option<i64>)> {
        params.push(("method", method.to_owned()));
        params.push(("api_key", self.app.api_key.clone()));
        if let Some(session) = session {
            params.push(("sk", session.expose().to_owned()));
        }
        let signature = sign(&params, self.app.api_secret.expose());
        params.push(("api_sig", signature));
        params.push(("format", "json".to_owned()));
        let url = self
            .upstream
            .route(API_URL)
            .map_err(|e| (SendFailure::Rejected(e.message), None))?;
        let service = ScrobbleService::Lastfm;
        let response = self
            .http
            .post(url)
            .form(&params)
            .send()
            .await
            .map_err(|e| (transport_failure(service, &e), None))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| (transport_failure(service, &e), None))?;
        let answer: Value = match serde_json::from_slice(&body) {
            Ok(answer) => answer,
            Err(_) if status.is_server_error() => {
                return Err((
                    SendFailure::Retry(format!("Last.fm answered {status}")),
                    None,
                ))
            }
            Err(_) => {
                return Err((
                    SendFailure::Retry(format!("Last.fm's answer could not be read ({status})")),
                    None,
                ))
            }
        };
        let Some(code) = answer["error"].as_i64() else {
            if status.is_server_error() {
                return Err((
                    SendFailure::Retry(format!("Last.fm answered {status}")),
                    None,
                ));
            }
            return Ok(answer);
        };
        let message = answer["message"].as_str().unwrap_or("no message");
        let said = format!("Last.fm: {message} (error {code})");
        let failure = match code {
            code::INVALID_SESSION_KEY
            | code::INVALID_API_KEY
            | code::INVALID_SIGNATURE
            | code::SUSPENDED_API_KEY
            | code::TOKEN_NOT_AUTHORISED
            | code::TOKEN_EXPIRED => SendFailure::Auth(said),
            code::SERVICE_OFFLINE | code::TEMPORARILY_UNAVAILABLE | code::RATE_LIMITED => {
                SendFailure::Retry(said)
            }
            code::INVALID_PARAMETERS => SendFailure::Rejected(said),
            _ if status.is_server_error() => SendFailure::Retry(said),
            _ => SendFailure::Rejected(said),
        };
        Err((failure, Some(code)))
    }
}

/// A failed step of connecting, as the UI's error kinds: "not approved yet" is the person's
/// next step, not a failure of theirs.
fn auth_error((failure, code): (SendFailure, Option<i64>)) -> Error {
    match (failure, code) {
        (_, Some(code::TOKEN_NOT_AUTHORISED)) => Error::new(
            ErrorKind::NotLoggedIn,
            "Last.fm has not been approved yet: approve Duet on the page that opened, then \
                 press \"I approved it\"",
        ),
        (_, Some(code::TOKEN_EXPIRED)) => Error::new(
            ErrorKind::SessionExpired,
            "the approval page expired: connect again",
        ),
        (SendFailure::Auth(m), _) => Error::new(
            ErrorKind::BadRequest,
            format!("{m}: check the API key and secret in Settings"),
        ),
        (other, _) => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signature as Last.fm's docs describe it: names sorted, name+value concatenated,
    /// then the secret; `format` is not signed.
    #[test]
    fn the_signature_is_md5_of_sorted_params_and_the_secret() {
        let params = [
            ("method", "auth.getSession".to_owned()),
            ("api_key", "k".to_owned()),
            ("token", "t".to_owned()),
            ("format", "json".to_owned()),
        ];
        use md5::{Digest, Md5};
        let expected = hex::encode(Md5::digest(b"api_keykmethodauth.getSessiontokentsecret"));
        assert_eq!(sign(&params, "secret"), expected);
    }

    #[test]
    fn secrets_are_not_in_debug() {
        let app = LastfmApp {
            api_key: "key-123".into(),
            api_secret: Secret::new("secret-456"),
        };
        let session = LastfmSession {
            user_name: "someone".into(),
            key: Secret::new("session-789"),
        };
        let shown = format!("{app:?} {session:?}");
        for secret in ["key-123", "secret-456", "session-789"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("someone"));
    }
}
