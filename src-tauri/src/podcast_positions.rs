//! Where each podcast episode was left, kept on this machine only (never reported to a service),
//! so playing an episode again, also after a restart, starts there; an episode heard to its end
//! is marked played and starts from the top next time.
//!
//! One small JSON file in the app's data folder, [`FILE`], written atomically
//! (`prefs::write_atomically`): every [`SAVE_EVERY`] while an episode plays, and at once on a
//! pause, a track change or when it is marked played. Episodes are known by the track they play
//! as (provider and track id): [`PositionStore::remember`] learns them when a podcast page plays
//! them, and the follower saves only those. A file that cannot be read is set aside
//! (`<name>.unreadable`) and Duet starts without it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_core::{Episode, ProviderId, Result};
use duet_player::{Player, PlayerEvent, PlayerState, PlayerStatus};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::prefs::write_atomically;

pub const FILE: &str = "podcast-positions.json";
/// How often the position is saved while an episode plays.
pub const SAVE_EVERY: Duration = Duration::from_secs(5);
/// This close to the end, an episode counts as heard to its end.
pub const END_MARGIN_MS: u64 = 3_000;
/// A position this close to the start is not worth resuming from.
pub const RESUME_FROM_MS: u64 = 1_000;
/// How many episodes are remembered (the least recently played are forgotten first).
pub const LIMIT: usize = 5_000;

/// Where one episode was left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct EpisodeProgress {
    pub provider: ProviderId,
    pub episode_id: String,
    pub podcast_id: String,
    /// The track the episode plays as.
    pub track_id: String,
    pub position_ms: u64,
    pub duration_ms: u64,
    /// Heard to its end (within [`END_MARGIN_MS`]).
    pub played: bool,
    /// When it was last heard (Unix milliseconds).
    pub updated_at_ms: u64,
}

type Key = (ProviderId, String);

fn key_of(provider: ProviderId, track_id: &str) -> Key {
    (provider, track_id.to_owned())
}

#[derive(Debug, Default)]
struct Inner {
    /// By (provider, track id).
    episodes: HashMap<Key, EpisodeProgress>,
    dirty: bool,
}

/// The remembered episodes, in memory and in [`FILE`].
#[derive(Debug)]
pub struct PositionStore {
    path: PathBuf,
    inner: Mutex<Inner>,
}

impl PositionStore {
    pub fn open(dir: &Path) -> Self {
        let path = dir.join(FILE);
        let list: Vec<EpisodeProgress> = read_list(&path);
        let episodes = list
            .into_iter()
            .map(|p| (key_of(p.provider, &p.track_id), p))
            .collect();
        Self {
            path,
            inner: Mutex::new(Inner {
                episodes,
                dirty: false,
            }),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Learns `episodes` as episodes (a podcast page plays them), keeping what is known of them.
    pub fn remember(&self, episodes: &[Episode]) {
        let mut inner = self.inner();
        for e in episodes {
            inner
                .episodes
                .entry(key_of(e.provider, &e.track.id))
                .or_insert_with(|| EpisodeProgress {
                    provider: e.provider,
                    episode_id: e.id.clone(),
                    podcast_id: e.podcast_id.clone(),
                    track_id: e.track.id.clone(),
                    position_ms: 0,
                    duration_ms: e.duration_ms,
                    played: false,
                    updated_at_ms: 0,
                });
        }
    }

    /// Where `episode` should start: where it was left, unless it was heard to its end or
    /// barely begun.
    pub fn start_at(&self, episode: &Episode) -> Option<u64> {
        let inner = self.inner();
        let p = inner
            .episodes
            .get(&key_of(episode.provider, &episode.track.id))?;
        (!p.played && p.position_ms >= RESUME_FROM_MS).then_some(p.position_ms)
    }

    fn is_episode(&self, provider: ProviderId, track_id: &str) -> bool {
        self.inner()
            .episodes
            .contains_key(&key_of(provider, track_id))
    }

    /// The episode playing as `track_id` is at `position_ms` of `duration_ms` (the decoder's,
    /// when known). Returns whether it was just marked played.
    pub fn heard(
        &self,
        provider: ProviderId,
        track_id: &str,
        position_ms: u64,
        duration_ms: u64,
        now_ms: u64,
    ) -> bool {
        let mut inner = self.inner();
        let Some(p) = inner.episodes.get_mut(&key_of(provider, track_id)) else {
            return false;
        };
        let duration_ms = if duration_ms > 0 {
            duration_ms
        } else {
            p.duration_ms
        };
        let at_end = duration_ms > 0 && position_ms + END_MARGIN_MS >= duration_ms;
        let newly_played = at_end && !p.played;
        if at_end {
            p.played = true;
            p.position_ms = 0;
        } else {
            // Heard again from somewhere before the end: it is being listened to anew.
            if position_ms >= RESUME_FROM_MS {
                p.played = false;
            }
            p.position_ms = position_ms;
        }
        p.duration_ms = duration_ms;
        p.updated_at_ms = now_ms;
        inner.dirty = true;
        newly_played
    }

    /// Every remembered episode of a podcast.
    pub fn of_podcast(&self, provider: ProviderId, podcast_id: &str) -> Vec<EpisodeProgress> {
        let mut list: Vec<EpisodeProgress> = self
            .inner()
            .episodes
            .values()
            .filter(|p| p.provider == provider && p.podcast_id == podcast_id && p.updated_at_ms > 0)
            .cloned()
            .collect();
        list.sort_by_key(|p| std::cmp::Reverse(p.updated_at_ms));
        list
    }

    /// Writes the file if anything changed since it was last written. Only episodes that were
    /// heard are kept, the [`LIMIT`] most recent.
    pub fn flush(&self) -> Result<()> {
        let mut inner = self.inner();
        if !inner.dirty {
            return Ok(());
        }
        let mut heard: Vec<&EpisodeProgress> = inner
            .episodes
            .values()
            .filter(|p| p.updated_at_ms > 0)
            .collect();
        heard.sort_by_key(|p| std::cmp::Reverse(p.updated_at_ms));
        heard.truncate(LIMIT);
        write_atomically(&self.path, &heard)?;
        inner.dirty = false;
        Ok(())
    }
}

fn read_list(path: &Path) -> Vec<EpisodeProgress> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            let mut aside = path.as_os_str().to_os_string();
            aside.push(".unreadable");
            tracing::warn!(
                "{} could not be read ({e}); set aside, starting without it",
                path.display()
            );
            let _ = std::fs::rename(path, PathBuf::from(aside));
            Vec::new()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            tracing::warn!("{} could not be read: {e}", path.display());
            Vec::new()
        }
    }
}

/// Plays `episodes` as a queue from `start_index`, the first where it was left.
pub fn play(
    player: &Player,
    store: &PositionStore,
    episodes: &[Episode],
    start_index: usize,
) -> Result<PlayerState> {
    let Some(first) = episodes.get(start_index) else {
        return Err(duet_core::Error::bad_request(format!(
            "start_index {start_index} is out of range for {} episodes",
            episodes.len()
        )));
    };
    store.remember(episodes);
    let tracks = episodes.iter().map(|e| e.track.clone()).collect();
    match store.start_at(first) {
        Some(position_ms) => {
            player.restore(tracks, start_index, position_ms)?;
            Ok(player.resume())
        }
        None => player.play(tracks, start_index),
    }
}

/// Follows the player: saves where a remembered episode is while it plays. Runs until the
/// player goes.
pub fn follow(player: &Player, store: Arc<PositionStore>) {
    let mut events = player.subscribe();
    tauri::async_runtime::spawn(async move {
        let mut current: Option<Key> = None;
        let mut saved_at = tokio::time::Instant::now();
        let save = |store: &PositionStore| {
            if let Err(e) = store.flush() {
                tracing::warn!("where the episode was could not be saved: {e}");
            }
        };
        while let Some(event) = events.recv().await {
            match event {
                PlayerEvent::State(state) => {
                    let now = state
                        .track
                        .as_ref()
                        .filter(|t| store.is_episode(t.provider, &t.id))
                        .map(|t| key_of(t.provider, &t.id));
                    if now != current || state.status != PlayerStatus::Playing {
                        save(&store);
                        saved_at = tokio::time::Instant::now();
                    }
                    current = now;
                }
                PlayerEvent::Position(update) => {
                    let Some((provider, track_id)) = &current else {
                        continue;
                    };
                    let played = store.heard(
                        *provider,
                        track_id,
                        update.position_ms,
                        update.duration_ms,
                        duet_core::clock::unix_ms(),
                    );
                    if played || saved_at.elapsed() >= SAVE_EVERY || update.seeked {
                        save(&store);
                        saved_at = tokio::time::Instant::now();
                    }
                }
                _ => {}
            }
        }
        save(&store);
    });
}

/// At start: the remembered episodes of `dir` (the app's data folder), followed from then on.
/// The store is the podcast commands'.
pub fn start(duet: &crate::Duet, dir: &Path) -> Arc<PositionStore> {
    let store = Arc::new(PositionStore::open(dir));
    follow(duet.player.player(), store.clone());
    store
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::{AlbumRef, Track};

    fn episode(n: u32) -> Episode {
        Episode {
            provider: ProviderId::Netease,
            id: format!("ep{n}"),
            podcast_id: "7770000001".into(),
            title: format!("<b>Episode {n}</b>"),
            description: None,
            cover_url: None,
            duration_ms: 600_000,
            published_at_ms: None,
            number: Some(u64::from(n)),
            listen_count: None,
            track: Track {
                provider: ProviderId::Netease,
                id: format!("77900{n}1"),
                title: format!("Episode {n}"),
                artists: Vec::new(),
                album: AlbumRef {
                    id: String::new(),
                    name: "Podcast".into(),
                    cover_url: None,
                },
                duration_ms: 600_000,
                playable: true,
                unavailable_reason: None,
                vip: false,
                trial: None,
            },
        }
    }

    #[test]
    fn a_position_survives_a_restart_and_the_end_marks_played() {
        let dir = tempfile::tempdir().unwrap();
        let store = PositionStore::open(dir.path());
        let (one, two) = (episode(1), episode(2));
        assert_eq!(
            store.start_at(&one),
            None,
            "unknown episodes start at the top"
        );
        store.remember(&[one.clone(), two.clone()]);
        assert!(!store.heard(ProviderId::Qq, &one.track.id, 5_000, 0, 1));
        assert!(!store.heard(ProviderId::Netease, &one.track.id, 42_000, 0, 10));
        store.flush().unwrap();
        drop(store);

        let reopened = PositionStore::open(dir.path());
        assert_eq!(reopened.start_at(&one), Some(42_000));
        assert_eq!(reopened.start_at(&two), None, "never heard: not kept");
        let listed = reopened.of_podcast(ProviderId::Netease, "7770000001");
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].episode_id.as_str(), listed[0].played),
            ("ep1", false)
        );

        assert!(reopened.heard(ProviderId::Netease, &one.track.id, 598_000, 600_000, 20));
        assert!(!reopened.heard(ProviderId::Netease, &one.track.id, 599_000, 600_000, 21));
        reopened.flush().unwrap();
        let again = PositionStore::open(dir.path());
        assert_eq!(again.start_at(&one), None, "heard to the end: from the top");
        assert!(again.of_podcast(ProviderId::Netease, "7770000001")[0].played);
        // Listening anew clears the mark.
        again.heard(ProviderId::Netease, &one.track.id, 30_000, 600_000, 30);
        assert_eq!(again.start_at(&one), Some(30_000));
    }

    #[test]
    fn a_barely_begun_episode_starts_at_the_top() {
        let dir = tempfile::tempdir().unwrap();
        let store = PositionStore::open(dir.path());
        let one = episode(1);
        store.remember(std::slice::from_ref(&one));
        store.heard(ProviderId::Netease, &one.track.id, 400, 600_000, 1);
        assert_eq!(store.start_at(&one), None);
    }

    #[test]
    fn an_unreadable_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), b"[{not json").unwrap();
        let store = PositionStore::open(dir.path());
        assert!(store
            .of_podcast(ProviderId::Netease, "7770000001")
            .is_empty());
        assert!(dir
            .path()
            .join("podcast-positions.json.unreadable")
            .exists());
    }
}
