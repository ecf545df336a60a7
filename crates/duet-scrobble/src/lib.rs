//! `duet-scrobble`: counting plays on Last.fm and ListenBrainz, never on the music services.
//!
//! - [`rule`]: when a play counts (a track longer than 30 s, heard for half its length or four
//!   minutes, whichever comes first; paused time and seeking ahead do not count).
//! - [`queue`]: the plays not yet sent, in a file in the app's data folder, oldest first.
//! - [`lastfm`] and [`listenbrainz`]: the two services' documented APIs.
//! - [`Scrobbler`]: the accounts (secrets in the OS keychain), "now playing" (never queued) and
//!   the sending of the queue in order, in batches, kept through offline spells.

pub mod lastfm;
pub mod listenbrainz;
pub mod queue;
pub mod rule;
mod scrobbler;

use serde::{Deserialize, Serialize};

pub use queue::{ScrobbleQueue, QUEUE_FILE};
pub use rule::{PlayRule, RuleEvent};
pub use scrobbler::{
    LastfmApproval, ScrobbleStatus, Scrobbler, ScrobblerConfig, ServiceStatus, LASTFM_API_KEY_ENV,
    LASTFM_API_SECRET_ENV,
};

/// A service plays are counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ScrobbleService {
    Lastfm,
    Listenbrainz,
}

impl ScrobbleService {
    pub const ALL: [ScrobbleService; 2] = [ScrobbleService::Lastfm, ScrobbleService::Listenbrainz];

    pub fn as_str(self) -> &'static str {
        match self {
            ScrobbleService::Lastfm => "lastfm",
            ScrobbleService::Listenbrainz => "listenbrainz",
        }
    }

    /// The name a person knows it by.
    pub fn label(self) -> &'static str {
        match self {
            ScrobbleService::Lastfm => "Last.fm",
            ScrobbleService::Listenbrainz => "ListenBrainz",
        }
    }

    /// The keychain entry of this service's account (never a music provider's name).
    pub fn keychain_account(self) -> &'static str {
        match self {
            ScrobbleService::Lastfm => "scrobble-lastfm",
            ScrobbleService::Listenbrainz => "scrobble-listenbrainz",
        }
    }
}

impl std::fmt::Display for ScrobbleService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One play as the scrobbling services want it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scrobble {
    pub artist: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    /// The track's length, in whole seconds.
    pub duration_s: u32,
    /// When the play began (Unix seconds): the timestamp both services ask for.
    pub started_at: i64,
}

impl Scrobble {
    /// The play of `track` that began at `started_at` (Unix seconds). Its artists are named
    /// together, as the services' own pages name them.
    pub fn of_track(track: &duet_core::Track, started_at: i64) -> Self {
        let artist = track
            .artists
            .iter()
            .map(|a| a.name.trim())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let album = track.album.name.trim();
        Self {
            artist,
            title: track.title.trim().to_owned(),
            album: (!album.is_empty()).then(|| album.to_owned()),
            duration_s: u32::try_from(track.duration_ms / 1000).unwrap_or(u32::MAX),
            started_at,
        }
    }
}

/// Why sending to a service did not go through; decides what happens to the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// Offline, timed out, a 5xx or "try later": the plays stay queued and go later.
    Retry(String),
    /// The account's session or token is no longer accepted: nothing more is sent until the
    /// person connects again.
    Auth(String),
    /// The service refused what was sent (malformed to it): the items are dropped.
    Rejected(String),
}

impl std::fmt::Display for SendFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendFailure::Retry(m) | SendFailure::Auth(m) | SendFailure::Rejected(m) => {
                f.write_str(m)
            }
        }
    }
}

impl From<SendFailure> for duet_core::Error {
    fn from(failure: SendFailure) -> Self {
        use duet_core::ErrorKind;
        match failure {
            SendFailure::Retry(m) => duet_core::Error::new(ErrorKind::Network, m),
            SendFailure::Auth(m) => duet_core::Error::new(ErrorKind::SessionExpired, m),
            SendFailure::Rejected(m) => duet_core::Error::new(ErrorKind::BadRequest, m),
        }
    }
}

/// What a service said of each item of a batch it accepted: `Some(reason)` for one it ignored.
pub type BatchVerdict = Vec<Option<String>>;

/// A transport failure of reqwest, in words without the URL (which may carry a token).
pub(crate) fn transport_failure(service: ScrobbleService, error: &reqwest::Error) -> SendFailure {
    let what = if error.is_timeout() {
        "did not answer in time"
    } else if error.is_connect() {
        "could not be reached"
    } else {
        "cut the connection"
    };
    SendFailure::Retry(format!("{} {what}", service.label()))
}
