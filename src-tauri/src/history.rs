//! What was played, kept on this machine only (never reported to a service), and where playback
//! was, so a restart resumes there.
//!
//! Three small JSON files in the app's data directory, each written atomically
//! (`prefs::write_atomically`) and at a bounded rate ([`follow`]):
//! - `history.json`: the last [`HISTORY_LIMIT`] tracks, newest first, each once, with when it
//!   last started playing; written a moment after a track starts.
//! - `resume-queue.json`: the queue; written only when the queue itself changed.
//! - `resume-position.json`: the current index and position; written on a pause, a track change
//!   or a stop, and every [`POSITION_EVERY`] while playing.
//!
//! A file that cannot be read is set aside (`<name>.unreadable`) and Duet starts without it.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use duet_core::{ProviderId, Result, Track};
use duet_player::{Player, PlayerEvent, PlayerStatus};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use specta::Type;

use crate::prefs::write_atomically;

pub const HISTORY_FILE: &str = "history.json";
pub const QUEUE_FILE: &str = "resume-queue.json";
pub const POSITION_FILE: &str = "resume-position.json";

/// How many tracks the history keeps.
pub const HISTORY_LIMIT: usize = 500;
/// How long after a change the files are written (changes in between are written together).
pub const SETTLE: Duration = Duration::from_secs(1);
/// How often the position is saved while a track plays.
pub const POSITION_EVERY: Duration = Duration::from_secs(5);
/// The longest queue kept for a restart (the tracks around the current one).
pub const RESUME_QUEUE_LIMIT: usize = 5_000;

/// One played track and when it last started playing (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct HistoryEntry {
    pub track: Track,
    pub played_at_ms: u64,
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(value) => Some(value),
            Err(e) => {
                let mut aside = path.as_os_str().to_os_string();
                aside.push(".unreadable");
                tracing::warn!(
                    "{} could not be read ({e}); set aside, starting without it",
                    path.display()
                );
                let _ = std::fs::rename(path, PathBuf::from(aside));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            tracing::warn!("{} could not be read: {e}", path.display());
            None
        }
    }
}

/// The recently played tracks, in memory and in `history.json`.
#[derive(Debug)]
pub struct HistoryStore {
    path: PathBuf,
    entries: Mutex<Vec<HistoryEntry>>,
    dirty: Mutex<bool>,
}

impl HistoryStore {
    pub fn open(dir: &Path) -> Self {
        let path = dir.join(HISTORY_FILE);
        let mut entries: Vec<HistoryEntry> = read_json(&path).unwrap_or_default();
        entries.truncate(HISTORY_LIMIT);
        Self {
            path,
            entries: Mutex::new(entries),
            dirty: Mutex::new(false),
        }
    }

    /// Newest first.
    pub fn list(&self) -> Vec<HistoryEntry> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `track` started playing at `played_at_ms`: it moves to the top (each track is listed
    /// once). Written by the next [`flush`](Self::flush).
    pub fn record(&self, track: Track, played_at_ms: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|e| !(e.track.provider == track.provider && e.track.id == track.id));
        entries.insert(
            0,
            HistoryEntry {
                track,
                played_at_ms,
            },
        );
        entries.truncate(HISTORY_LIMIT);
        *self.dirty.lock().unwrap_or_else(|e| e.into_inner()) = true;
    }

    /// Writes the history if it changed since it was last written.
    pub fn flush(&self) -> Result<()> {
        let mut dirty = self.dirty.lock().unwrap_or_else(|e| e.into_inner());
        if *dirty {
            let entries = self.list();
            write_atomically(&self.path, &entries)?;
            *dirty = false;
        }
        Ok(())
    }

    /// Forgets every entry, on disk at once.
    pub fn clear(&self) -> Result<()> {
        let mut dirty = self.dirty.lock().unwrap_or_else(|e| e.into_inner());
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        write_atomically(&self.path, &Vec::<HistoryEntry>::new())?;
        *dirty = false;
        Ok(())
    }
}

/// The saved queue, with a fingerprint of it the position file names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SavedQueue {
    fingerprint: u64,
    tracks: Vec<Track>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct SavedPosition {
    /// The queue this position is in (a crash between the two writes leaves them apart).
    queue: u64,
    index: usize,
    position_ms: u64,
}

/// A queue to put back at start: `tracks[index]`, paused at `position_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resume {
    pub tracks: Vec<Track>,
    pub index: usize,
    pub position_ms: u64,
}

/// The queue and position in `resume-queue.json` and `resume-position.json`.
#[derive(Debug)]
pub struct ResumeStore {
    queue_path: PathBuf,
    position_path: PathBuf,
    written: Mutex<(Option<u64>, Option<SavedPosition>)>,
}

fn fingerprint(tracks: &[Track]) -> u64 {
    let mut hasher = DefaultHasher::new();
    tracks.len().hash(&mut hasher);
    for t in tracks {
        (t.provider, t.id.as_str()).hash(&mut hasher);
    }
    hasher.finish()
}

impl ResumeStore {
    pub fn open(dir: &Path) -> Self {
        Self {
            queue_path: dir.join(QUEUE_FILE),
            position_path: dir.join(POSITION_FILE),
            written: Mutex::new((None, None)),
        }
    }

    /// What to put back at start, if anything was saved.
    pub fn load(&self) -> Option<Resume> {
        let queue: SavedQueue = read_json(&self.queue_path)?;
        if queue.tracks.is_empty() {
            return None;
        }
        let position = read_json::<SavedPosition>(&self.position_path)
            .filter(|p| p.queue == queue.fingerprint && p.index < queue.tracks.len());
        *self.written.lock().unwrap_or_else(|e| e.into_inner()) =
            (Some(queue.fingerprint), position);
        let (index, position_ms) = position.map_or((0, 0), |p| (p.index, p.position_ms));
        Some(Resume {
            tracks: queue.tracks,
            index,
            position_ms,
        })
    }

    /// Saves `tracks` (when they are not what was saved last) and the position in them.
    /// A queue longer than [`RESUME_QUEUE_LIMIT`] keeps the tracks around the current one.
    pub fn save(&self, tracks: &[Track], index: Option<usize>, position_ms: u64) -> Result<()> {
        let index = index.unwrap_or(0).min(tracks.len().saturating_sub(1));
        let start = index
            .saturating_sub(RESUME_QUEUE_LIMIT / 2)
            .min(tracks.len().saturating_sub(RESUME_QUEUE_LIMIT));
        let kept = &tracks[start..tracks.len().min(start + RESUME_QUEUE_LIMIT)];
        let index = index - start;
        let queue = fingerprint(kept);
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if written.0 != Some(queue) {
            write_atomically(
                &self.queue_path,
                &SavedQueue {
                    fingerprint: queue,
                    tracks: kept.to_vec(),
                },
            )?;
            written.0 = Some(queue);
        }
        let position = SavedPosition {
            queue,
            index,
            position_ms,
        };
        if written.1 != Some(position) {
            write_atomically(&self.position_path, &position)?;
            written.1 = Some(position);
        }
        Ok(())
    }
}

/// How long after a change of the player's state the files are written: at once when it was
/// just paused (a pause is where a person often quits, and where they stopped must be there at
/// the next start), otherwise after [`SETTLE`], so a burst of changes is written once.
fn save_after(before: Option<PlayerStatus>, now: PlayerStatus) -> Duration {
    if now == PlayerStatus::Paused && before != Some(PlayerStatus::Paused) {
        Duration::ZERO
    } else {
        SETTLE
    }
}

/// Follows the player: records each track that starts playing in the history, and saves the
/// queue and position, at most once per [`SETTLE`] after a change and every [`POSITION_EVERY`]
/// while playing; `listening` follows the same events into the listening record and is saved at
/// the same moments. Runs until the player goes.
pub fn follow(
    player: Player,
    history: std::sync::Arc<HistoryStore>,
    resume: std::sync::Arc<ResumeStore>,
    mut listening: Option<crate::listening::ListeningFollower>,
) {
    let mut events = player.subscribe();
    tauri::async_runtime::spawn(async move {
        let mut last_started: Option<(ProviderId, String)> = None;
        let mut last_status: Option<PlayerStatus> = None;
        let mut due: Option<tokio::time::Instant> = None;
        let mut position_saved = tokio::time::Instant::now();
        loop {
            let wait = async {
                match due {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = events.recv() => {
                    let Some(event) = event else { break };
                    let now = tokio::time::Instant::now();
                    match event {
                        PlayerEvent::State(state) => {
                            if let Some(listening) = &mut listening {
                                listening.state(&state);
                            }
                            let playing = state.track.as_ref().filter(|_| {
                                state.status == PlayerStatus::Playing
                            });
                            if let Some(track) = playing {
                                let key = (track.provider, track.id.clone());
                                if last_started.as_ref() != Some(&key) {
                                    history.record(track.clone(), duet_core::clock::unix_ms());
                                    last_started = Some(key);
                                }
                            }
                            if state.track.is_none() {
                                last_started = None;
                            }
                            let wait = save_after(last_status, state.status);
                            last_status = Some(state.status);
                            due = Some(due.map_or(now + wait, |at| at.min(now + wait)));
                        }
                        PlayerEvent::Position(update) => {
                            if let Some(listening) = &mut listening {
                                listening.position(&update);
                            }
                            if now.duration_since(position_saved) >= POSITION_EVERY {
                                due.get_or_insert(now);
                            }
                        }
                        _ => {}
                    }
                }
                () = wait => {
                    due = None;
                    position_saved = tokio::time::Instant::now();
                    if let Some(listening) = &mut listening {
                        listening.save();
                    }
                    if let Err(e) = history.flush() {
                        tracing::warn!("the history could not be saved: {e}");
                    }
                    let state = player.state();
                    let tracks = player.queue();
                    if !tracks.is_empty() {
                        if let Err(e) = resume.save(&tracks, state.index, state.position_ms) {
                            tracing::warn!("where playback was could not be saved: {e}");
                        }
                    }
                }
            }
        }
    });
}

/// At start: the history and the saved queue of `dir` (the app's data folder), the queue put back
/// paused where it was, and both followed from then on. The history store is the commands'.
pub fn start(duet: &crate::Duet, dir: &Path) -> std::sync::Arc<HistoryStore> {
    start_recording(duet, dir, None).0
}

/// [`start`], and the listening record of `dir` followed from the same events: its store is
/// the Listening screen's commands'. `pictures`: where the screen saves its image.
pub fn start_recording(
    duet: &crate::Duet,
    dir: &Path,
    pictures: Option<PathBuf>,
) -> (
    std::sync::Arc<HistoryStore>,
    crate::listening::ListeningRecord,
) {
    let history = std::sync::Arc::new(HistoryStore::open(dir));
    let resume = std::sync::Arc::new(ResumeStore::open(dir));
    let listening = crate::listening::ListeningRecord::open(dir, pictures);
    let player = duet.player.player();
    restore(player, &resume);
    follow(
        player.clone(),
        history.clone(),
        resume,
        listening.follower(),
    );
    (history, listening)
}

/// Puts the saved queue back, paused where it was; nothing is fetched until the person plays.
pub fn restore(player: &Player, resume: &ResumeStore) {
    if let Some(saved) = resume.load() {
        if let Err(e) = player.restore(saved.tracks, saved.index, saved.position_ms) {
            tracing::warn!("the saved queue could not be put back: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::{AlbumRef, ArtistRef};

    fn track(provider: ProviderId, id: &str) -> Track {
        Track {
            provider,
            id: id.into(),
            title: format!("<b>{id}</b> \"; DROP"),
            artists: vec![ArtistRef {
                id: "1".into(),
                name: "周杰伦".into(),
            }],
            album: AlbumRef {
                id: "1".into(),
                name: "叶惠美".into(),
                cover_url: None,
            },
            duration_ms: 200_000,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        }
    }

    #[test]
    fn history_survives_a_restart_newest_first_each_track_once_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let store = HistoryStore::open(dir.path());
        assert!(store.list().is_empty());
        store.record(track(ProviderId::Netease, "1"), 10);
        store.record(track(ProviderId::Qq, "1"), 20);
        store.record(track(ProviderId::Netease, "2"), 30);
        store.record(track(ProviderId::Netease, "1"), 40);
        assert!(
            !dir.path().join(HISTORY_FILE).exists(),
            "nothing is written before the flush"
        );
        store.flush().unwrap();
        drop(store);

        let reopened = HistoryStore::open(dir.path());
        let seen: Vec<(ProviderId, String, u64)> = reopened
            .list()
            .into_iter()
            .map(|e| (e.track.provider, e.track.id, e.played_at_ms))
            .collect();
        assert_eq!(
            seen,
            vec![
                (ProviderId::Netease, "1".into(), 40),
                (ProviderId::Netease, "2".into(), 30),
                (ProviderId::Qq, "1".into(), 20),
            ]
        );
        assert_eq!(reopened.list()[0].track.title, "<b>1</b> \"; DROP");

        for i in 0..(HISTORY_LIMIT + 20) {
            reopened.record(track(ProviderId::Qq, &format!("n{i}")), 100 + i as u64);
        }
        reopened.flush().unwrap();
        let capped = HistoryStore::open(dir.path()).list();
        assert_eq!(capped.len(), HISTORY_LIMIT);
        assert_eq!(capped[0].track.id, format!("n{}", HISTORY_LIMIT + 19));

        reopened.clear().unwrap();
        assert!(reopened.list().is_empty());
        assert!(HistoryStore::open(dir.path()).list().is_empty());
    }

    #[test]
    fn an_unreadable_history_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(HISTORY_FILE), b"{not json").unwrap();
        let store = HistoryStore::open(dir.path());
        assert!(store.list().is_empty());
        assert!(dir.path().join("history.json.unreadable").exists());
    }

    #[test]
    fn the_queue_and_position_survive_a_restart_and_the_queue_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = ResumeStore::open(dir.path());
        assert_eq!(store.load(), None);
        let tracks: Vec<Track> = (0..3)
            .map(|i| track(ProviderId::Netease, &i.to_string()))
            .collect();
        store.save(&tracks, Some(1), 1_000).unwrap();
        let queue_file = dir.path().join(QUEUE_FILE);
        assert!(queue_file.exists());
        // Later positions in the same queue leave the queue file alone.
        std::fs::remove_file(&queue_file).unwrap();
        store.save(&tracks, Some(2), 65_000).unwrap();
        assert!(!queue_file.exists(), "the same queue is not written again");
        store.save(&tracks[..2], Some(1), 3_000).unwrap();
        store.save(&tracks, Some(2), 65_000).unwrap();
        drop(store);

        let loaded = ResumeStore::open(dir.path()).load().unwrap();
        assert_eq!(loaded.tracks, tracks);
        assert_eq!((loaded.index, loaded.position_ms), (2, 65_000));
    }

    #[test]
    fn a_position_from_another_queue_starts_the_queue_from_its_top() {
        let dir = tempfile::tempdir().unwrap();
        let store = ResumeStore::open(dir.path());
        let tracks: Vec<Track> = (0..3)
            .map(|i| track(ProviderId::Qq, &format!("00{i}")))
            .collect();
        store.save(&tracks, Some(2), 9_000).unwrap();
        let position = std::fs::read(dir.path().join(POSITION_FILE)).unwrap();
        store.save(&tracks[..1], Some(0), 0).unwrap();
        std::fs::write(dir.path().join(POSITION_FILE), position).unwrap();
        let loaded = ResumeStore::open(dir.path()).load().unwrap();
        assert_eq!(loaded.tracks.len(), 1);
        assert_eq!((loaded.index, loaded.position_ms), (0, 0));
    }

    #[test]
    fn a_long_queue_keeps_the_tracks_around_the_current_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = ResumeStore::open(dir.path());
        let tracks: Vec<Track> = (0..(RESUME_QUEUE_LIMIT + 3000))
            .map(|i| track(ProviderId::Netease, &i.to_string()))
            .collect();
        store
            .save(&tracks, Some(RESUME_QUEUE_LIMIT + 2000), 7)
            .unwrap();
        let loaded = ResumeStore::open(dir.path()).load().unwrap();
        assert_eq!(loaded.tracks.len(), RESUME_QUEUE_LIMIT);
        assert_eq!(
            loaded.tracks[loaded.index].id,
            (RESUME_QUEUE_LIMIT + 2000).to_string()
        );
        assert_eq!(loaded.position_ms, 7);
    }

    #[test]
    fn a_pause_is_written_at_once_and_other_changes_settle() {
        use PlayerStatus::{Paused, Playing};
        assert_eq!(save_after(Some(Playing), Paused), Duration::ZERO);
        assert_eq!(save_after(None, Paused), Duration::ZERO);
        assert_eq!(save_after(Some(Paused), Paused), SETTLE);
        assert_eq!(save_after(Some(Paused), Playing), SETTLE);
        assert_eq!(save_after(Some(Playing), Playing), SETTLE);
    }
}
