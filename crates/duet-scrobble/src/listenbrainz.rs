//! ListenBrainz's API (listenbrainz.readthedocs.io): the person's user token from their
//! settings page, checked with `GET /1/validate-token`, and `POST /1/submit-listens` with
//! `Authorization: Token …`: `playing_now` (no timestamp), `single` (one listen) and `import`
//! (several, oldest first).

use duet_core::{Error, ErrorKind, Result, Secret, Upstream};
use serde_json::{json, Value};

use crate::{transport_failure, BatchVerdict, Scrobble, ScrobbleService, SendFailure};

pub const API_BASE: &str = "https://api.listenbrainz.org/1/";
/// Where a person finds their user token.
pub const TOKEN_PAGE: &str = "https://listenbrainz.org/settings/";
/// The most listens one `import` carries (the API takes up to 1000; smaller batches keep each
/// request well under its size limit).
pub const MAX_BATCH: usize = 100;

#[derive(Debug, Clone)]
pub struct ListenBrainzClient {
    http: reqwest::Client,
    upstream: Upstream,
}

impl ListenBrainzClient {
    pub fn new(http: reqwest::Client, upstream: Upstream) -> Self {
        Self { http, upstream }
    }

    /// `GET /1/validate-token`: the account's name when `token` is valid.
    pub async fn validate_token(&self, token: &Secret) -> Result<String> {
        let url = self.upstream.route(&format!("{API_BASE}validate-token"))?;
        let response = self
            .http
            .get(url)
            .header("Authorization", format!("Token {}", token.expose()))
            .send()
            .await
            .map_err(|e| Error::from(transport_failure(ScrobbleService::Listenbrainz, &e)))?;
        let status = response.status();
        let answer: Value = response
            .json()
            .await
            .map_err(|_| Error::upstream(format!("ListenBrainz answered {status}")))?;
        match (answer["valid"].as_bool(), answer["user_name"].as_str()) {
            (Some(true), Some(name)) => Ok(name.to_owned()),
            _ if status.is_server_error() => {
                Err(Error::network(format!("ListenBrainz answered {status}")))
            }
            _ => Err(Error::new(
                ErrorKind::BadRequest,
                "ListenBrainz does not know this token: copy it again from your ListenBrainz \
                 settings page",
            )),
        }
    }

    /// `playing_now`.
    pub async fn playing_now(
        &self,
        token: &Secret,
        play: &Scrobble,
    ) -> std::result::Result<(), SendFailure> {
        let listen = json!({ "track_metadata": metadata(play) });
        self.submit(token, "playing_now", vec![listen]).await
    }

    /// `single` for one play, `import` for several (up to [`MAX_BATCH`]). ListenBrainz refuses
    /// a request as a whole; which item it refused is found by the caller sending them one by
    /// one.
    pub async fn submit_listens(
        &self,
        token: &Secret,
        plays: &[Scrobble],
    ) -> std::result::Result<BatchVerdict, SendFailure> {
        let listen_type = if plays.len() == 1 { "single" } else { "import" };
        let listens = plays
            .iter()
            .map(|p| json!({ "listened_at": p.started_at, "track_metadata": metadata(p) }))
            .collect();
        self.submit(token, listen_type, listens).await?;
        Ok(vec![None; plays.len()])
    }

    async fn submit(
        &self,
        token: &Secret,
        listen_type: &str,
        payload: Vec<Value>,
    ) -> std::result::Result<(), SendFailure> {
        let service = ScrobbleService::Listenbrainz;
        let url = self
            .upstream
            .route(&format!("{API_BASE}submit-listens"))
            .map_err(|e| SendFailure::Rejected(e.message))?;
        let response = self
            .http
            .post(url)
            .header("Authorization", format!("Token {}", token.expose()))
            .json(&json!({ "listen_type": listen_type, "payload": payload }))
            .send()
            .await
            .map_err(|e| transport_failure(service, &e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_failure(service, &e))?;
        if status.is_success() {
            return Ok(());
        }
        let said = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_else(|| status.to_string());
        let said = format!("ListenBrainz: {said}");
        Err(match status.as_u16() {
            401 | 403 => SendFailure::Auth(said),
            400 | 413 => SendFailure::Rejected(said),
            _ => SendFailure::Retry(said),
        })
    }
}

fn metadata(play: &Scrobble) -> Value {
    let mut info = json!({
        "media_player": "Duet",
        "submission_client": "Duet",
        "submission_client_version": env!("CARGO_PKG_VERSION"),
    });
    if play.duration_s > 0 {
        info["duration_ms"] = json!(u64::from(play.duration_s) * 1000);
    }
    let mut metadata = json!({
        "artist_name": play.artist,
        "track_name": play.title,
        "additional_info": info,
    });
    if let Some(album) = &play.album {
        metadata["release_name"] = json!(album);
    }
    metadata
}
