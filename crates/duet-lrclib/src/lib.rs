//! Lyrics from LRCLIB (lrclib.net), an open database of synced lyrics with a documented public
//! API, for tracks whose service answered none. Opt-in: the app and the server ask it only when
//! the person turned it on, and only for a track whose service had no lines.
//!
//! - `GET /api/get?track_name=&artist_name=&album_name=&duration=` (seconds; LRCLIB matches
//!   within ±2 s) answers one record, or 404;
//! - on a 404, `GET /api/search?track_name=&artist_name=` and the closest duration wins
//!   ([`answer::best_match`]).
//!
//! Requests go through [`duet_core::Upstream`], so `DUET_UPSTREAM` reaches the fake
//! (`duet-fake-upstream`'s `lrclib` module) like every service host. LRCLIB asks clients to
//! name themselves in the User-Agent: [`USER_AGENT`].

pub mod answer;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use duet_core::http::{read_capped, BodyError};
use duet_core::{Lyrics, ProviderId, Track, Upstream};

pub use answer::{best_match, Record, DURATION_TOLERANCE_S};

/// LRCLIB's API host.
pub const HOST: &str = "lrclib.net";

/// What Duet sends as its User-Agent to LRCLIB: the app's name and version, as LRCLIB asks
/// (docs/protocol/lrclib.md). LRCLIB also asks for a home page where there is one; Duet has
/// none yet, and names none rather than one that does not exist: add it here, in parentheses,
/// when there is. Not a music service, so not the official clients' UA.
pub const USER_AGENT: &str = concat!("Duet v", env!("CARGO_PKG_VERSION"));

/// The largest LRCLIB answer read: a search answers at most 20 records of a few KB each.
pub const MAX_ANSWER: usize = 2 << 20;

const TIMEOUT: Duration = Duration::from_secs(10);

/// Why LRCLIB gave no lyrics (a record it does not have is not an error: `Ok(None)`).
#[derive(Debug, thiserror::Error)]
pub enum LrclibError {
    /// No connection, a timeout, or the connection cut while the answer arrived.
    #[error("LRCLIB could not be reached: {0}")]
    Network(String),
    /// An HTTP status other than 200 and 404.
    #[error("LRCLIB answered HTTP {0}")]
    Status(u16),
    /// A body that is not the documented JSON (truncated, garbled, another shape).
    #[error("LRCLIB's answer could not be read: {0}")]
    BadAnswer(String),
    /// A body larger than [`MAX_ANSWER`].
    #[error("LRCLIB's answer is larger than {MAX_ANSWER} bytes; Duet stopped reading it")]
    TooLarge,
    /// The request could not be routed (a bad `DUET_UPSTREAM`).
    #[error("{0}")]
    Route(String),
}

impl From<LrclibError> for duet_core::Error {
    fn from(error: LrclibError) -> Self {
        let message = error.to_string();
        match error {
            LrclibError::Network(_) => duet_core::Error::network(message),
            LrclibError::Route(_) => duet_core::Error::bad_request(message),
            LrclibError::Status(_) | LrclibError::BadAnswer(_) | LrclibError::TooLarge => {
                duet_core::Error::upstream(message)
            }
        }
    }
}

/// What LRCLIB is asked for one track.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackQuery {
    pub title: String,
    /// The first (main) artist, as LRCLIB files a track.
    pub artist: String,
    pub album: String,
    /// Seconds, rounded.
    pub duration_s: u64,
}

impl TrackQuery {
    pub fn of(track: &Track) -> Self {
        TrackQuery {
            title: track.title.clone(),
            artist: track
                .artists
                .first()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            album: track.album.name.clone(),
            duration_s: (track.duration_ms + 500) / 1000,
        }
    }
}

/// A typed LRCLIB client (one `reqwest::Client`, the [`USER_AGENT`], a timeout per request).
#[derive(Debug, Clone)]
pub struct LrclibClient {
    http: reqwest::Client,
    upstream: Upstream,
}

impl LrclibClient {
    pub fn new(upstream: Upstream) -> Result<Self, LrclibError> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| LrclibError::Network(e.to_string()))?;
        Ok(LrclibClient { http, upstream })
    }

    /// The lyrics of `track`: `/api/get` first, then `/api/search` on a 404. `Ok(None)` when
    /// LRCLIB has nothing that fits.
    pub async fn find(&self, track: &Track) -> Result<Option<Lyrics>, LrclibError> {
        let query = TrackQuery::of(track);
        if query.title.trim().is_empty() {
            return Ok(None);
        }
        let duration = query.duration_s.to_string();
        let exact = self
            .get(
                "/api/get",
                &[
                    ("track_name", query.title.as_str()),
                    ("artist_name", query.artist.as_str()),
                    ("album_name", query.album.as_str()),
                    ("duration", duration.as_str()),
                ],
            )
            .await?;
        if let Some(body) = exact {
            let record: Record = parse(&body)?;
            if let Some(lyrics) = record.into_lyrics(track) {
                return Ok(Some(lyrics));
            }
        }
        let Some(body) = self
            .get(
                "/api/search",
                &[
                    ("track_name", query.title.as_str()),
                    ("artist_name", query.artist.as_str()),
                ],
            )
            .await?
        else {
            return Ok(None);
        };
        let records: Vec<Record> = parse(&body)?;
        Ok(best_match(records, query.duration_s as f64).and_then(|r| r.into_lyrics(track)))
    }

    /// The body of a 200, `None` for a 404.
    async fn get(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<Option<Vec<u8>>, LrclibError> {
        let mut url = url::Url::parse(&format!("https://{HOST}{path}"))
            .map_err(|e| LrclibError::Route(e.to_string()))?;
        url.query_pairs_mut().extend_pairs(params);
        let routed = self
            .upstream
            .route(url.as_str())
            .map_err(|e| LrclibError::Route(e.message))?;
        let response = self
            .http
            .get(routed)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| LrclibError::Network(e.without_url().to_string()))?;
        match response.status().as_u16() {
            200 => {}
            404 => return Ok(None),
            status => return Err(LrclibError::Status(status)),
        }
        read_capped(response, MAX_ANSWER)
            .await
            .map(Some)
            .map_err(|e| match e {
                BodyError::TooLarge { .. } => LrclibError::TooLarge,
                BodyError::Http(e) => LrclibError::Network(e.without_url().to_string()),
            })
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, LrclibError> {
    serde_json::from_slice(body).map_err(|e| LrclibError::BadAnswer(e.to_string()))
}

/// LRCLIB behind a per-session cache: each track is asked at most once while the app runs
/// (what it found, or that it found nothing); a failure is not kept, so it is asked again.
#[derive(Debug)]
pub struct Lrclib {
    client: LrclibClient,
    found: Mutex<HashMap<(ProviderId, String), Option<Lyrics>>>,
}

impl Lrclib {
    pub fn new(client: LrclibClient) -> Self {
        Lrclib {
            client,
            found: Mutex::default(),
        }
    }

    /// LRCLIB's lyrics of `track`, from the cache when asked before.
    pub async fn lyrics(&self, track: &Track) -> Result<Option<Lyrics>, LrclibError> {
        let key = (track.provider, track.id.clone());
        if let Some(known) = self.found.lock().expect("poisoned").get(&key) {
            return Ok(known.clone());
        }
        let found = self.client.find(track).await?;
        self.found
            .lock()
            .expect("poisoned")
            .insert(key, found.clone());
        Ok(found)
    }

    /// `service_lyrics` when the service had lines, else LRCLIB's when it has some. A failure
    /// of LRCLIB leaves the service's answer, carrying the failure
    /// ([`Lyrics::second_source_error`]) for the page to say.
    pub async fn fill_in(&self, service_lyrics: Lyrics, track: &Track) -> Lyrics {
        if !needs_second_source(&service_lyrics) {
            return service_lyrics;
        }
        match self.lyrics(track).await {
            Ok(Some(found)) => found,
            Ok(None) => service_lyrics,
            Err(e) => {
                tracing::info!(track = %track.id, "no lyrics from LRCLIB: {e}");
                Lyrics {
                    second_source_error: Some(e.into()),
                    ..service_lyrics
                }
            }
        }
    }
}

/// `provider`'s lyrics of track `id`, filled in from `lrclib` when they have no lines (the
/// track's detail is read for its title, artist, album and duration). LRCLIB's failures, or a
/// detail that cannot be read, leave the service's answer; the service's own failure is
/// returned as it is.
pub async fn lyrics_with_fallback(
    provider: &dyn duet_core::Provider,
    id: &str,
    lrclib: Option<&Lrclib>,
) -> duet_core::Result<Lyrics> {
    let own = provider.lyrics(id).await?;
    let Some(lrclib) = lrclib.filter(|_| needs_second_source(&own)) else {
        return Ok(own);
    };
    match provider.track(id).await {
        Ok(track) => Ok(lrclib.fill_in(own, &track).await),
        Err(e) => {
            tracing::info!(track = id, "no track detail to ask LRCLIB with: {e}");
            Ok(own)
        }
    }
}

/// Whether the service's answer leaves nothing to show: no lines (NetEase's `nolyric` and
/// both services' pure-music marks arrive as `instrumental` with no lines).
pub fn needs_second_source(service_lyrics: &Lyrics) -> bool {
    service_lyrics.source.is_none() && service_lyrics.lines.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_names_the_app_and_its_version() {
        assert_eq!(USER_AGENT, format!("Duet v{}", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn errors_map_to_kinds() {
        use duet_core::ErrorKind;
        let kind = |e: LrclibError| duet_core::Error::from(e).kind;
        assert_eq!(
            kind(LrclibError::Network("reset".into())),
            ErrorKind::Network
        );
        assert_eq!(kind(LrclibError::Status(503)), ErrorKind::Upstream);
        assert_eq!(
            kind(LrclibError::BadAnswer("eof".into())),
            ErrorKind::Upstream
        );
        assert_eq!(kind(LrclibError::TooLarge), ErrorKind::Upstream);
    }
}
