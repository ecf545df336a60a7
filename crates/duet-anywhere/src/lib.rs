//! Play anywhere: when a track cannot be played on its own service (grey, no rights, VIP only
//! for this account, or only a trial clip), the same recording on the other logged-in service
//! plays instead. [`Anywhere::resolve`] makes that choice from the track's own stream-URL
//! outcome; the app's player and `duet-server` only ask it.
//!
//! The recording is found with `duet_match::find_on` and taken only when the best candidate is
//! [`Confidence::Sure`]: a live take, an instrumental or a cover is never played for a song.
//! What was found (or that nothing was) is kept for the session, so a looping queue searches
//! once per track; a failed search is not kept, and leaves the original's own error.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use duet_core::{ErrorKind, Provider, ProviderId, Quality, Result, StreamUrl, Track};
use duet_match::Confidence;

/// What plays for a queued track.
#[derive(Debug, Clone, PartialEq)]
pub enum Plays {
    /// Its own stream (maybe a trial clip, when the other service has nothing better).
    Original(StreamUrl),
    /// The same recording from the other service.
    Substitute { track: Box<Track>, url: StreamUrl },
}

impl Plays {
    pub fn url(&self) -> &StreamUrl {
        match self {
            Plays::Original(url) | Plays::Substitute { url, .. } => url,
        }
    }

    pub fn substitute(&self) -> Option<&Track> {
        match self {
            Plays::Original(_) => None,
            Plays::Substitute { track, .. } => Some(track),
        }
    }
}

/// Whether play anywhere may look on the other service at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    On,
    Off,
}

impl From<bool> for Setting {
    fn from(on: bool) -> Self {
        if on {
            Setting::On
        } else {
            Setting::Off
        }
    }
}

type TrackKey = (ProviderId, String);

fn key(track: &Track) -> TrackKey {
    (track.provider, track.id.clone())
}

/// The session's memory of play anywhere: the other service's recording found for each track
/// (or that none was), and the tracks the person wants played from their own service only.
#[derive(Debug, Default)]
pub struct Anywhere {
    found: Mutex<HashMap<TrackKey, Option<Track>>>,
    kept: Mutex<HashSet<TrackKey>>,
}

impl Anywhere {
    pub fn new() -> Self {
        Self::default()
    }

    /// What plays for `track`, given `original`, what its own service answered for its stream
    /// (or why it cannot be played), and `other`, the other service.
    ///
    /// The other service is asked only when the setting is on, the track is not one the person
    /// [kept](Self::keep_original), `original` is `unavailable` or a trial clip, and `other` is
    /// logged in. A sure match that streams in full plays; one that streams only a trial plays
    /// when the original cannot play at all. In every other case `original` comes back as it was
    /// (its error included).
    pub async fn resolve(
        &self,
        track: &Track,
        original: Result<StreamUrl>,
        other: Option<&dyn Provider>,
        quality: Quality,
        setting: Setting,
    ) -> Result<Plays> {
        let wanted = match &original {
            Err(e) => e.kind == ErrorKind::Unavailable,
            Ok(url) => url.trial.is_some(),
        };
        let Some(other) = other.filter(|o| o.id() != track.provider) else {
            return original.map(Plays::Original);
        };
        if !wanted || setting == Setting::Off || self.is_kept(track) || !other.has_session().await {
            return original.map(Plays::Original);
        }
        let Some(twin) = self.twin_on(other, track).await else {
            return original.map(Plays::Original);
        };
        match other.stream_url(&twin.id, quality).await {
            Ok(url) if url.trial.is_none() || original.is_err() => {
                tracing::info!(
                    "play anywhere: {} {} plays from {} {}",
                    track.provider.as_str(),
                    track.id,
                    twin.provider.as_str(),
                    twin.id
                );
                Ok(Plays::Substitute {
                    track: Box::new(twin),
                    url,
                })
            }
            Ok(_) => original.map(Plays::Original),
            Err(e) => {
                tracing::info!(
                    "play anywhere: {} {} has no stream on {} ({})",
                    track.provider.as_str(),
                    track.id,
                    other.id().as_str(),
                    e.kind.as_str()
                );
                original.map(Plays::Original)
            }
        }
    }

    /// The recording on `other` that is surely `track`'s and is listed as playable there: from
    /// the session's memory, else searched (and remembered).
    async fn twin_on(&self, other: &dyn Provider, track: &Track) -> Option<Track> {
        if let Some(known) = self.found(track) {
            return known;
        }
        let ranked = match duet_match::find_on(other, track).await {
            Ok(ranked) => ranked,
            Err(e) => {
                tracing::info!(
                    "play anywhere: searching {} failed ({}): {}",
                    other.id().as_str(),
                    e.kind.as_str(),
                    e.message
                );
                return None;
            }
        };
        let twin = match duet_match::confidence(&ranked) {
            Confidence::Sure => ranked
                .into_iter()
                .next()
                .map(|best| best.track)
                .filter(|t| t.playable),
            Confidence::Unsure | Confidence::Missing => None,
        };
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key(track), twin.clone());
        twin
    }

    /// What the session already knows about `track`'s recording on the other service: `None`
    /// when it was never looked for, `Some(None)` when it was and nothing sure was found.
    pub fn found(&self, track: &Track) -> Option<Option<Track>> {
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key(track))
            .cloned()
    }

    /// From now on (for the session) `track` plays from its own service only: its trial clip,
    /// or its own error. The way back from a substitute the person did not want.
    pub fn keep_original(&self, track: &Track) {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key(track));
    }

    /// Whether the person asked for `track` to play from its own service only.
    pub fn is_kept(&self, track: &Track) -> bool {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&key(track))
    }
}
