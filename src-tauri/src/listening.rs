//! The app's side of Duet's own listening record (`duet_listening`): the database in the app's
//! data folder, fed from the player's events by `history::follow` (the same loop that keeps
//! Recently played, no timer of its own), written on the record's own thread, read by the
//! Listening screen's commands. Kept on this computer; never sent to a service or anyone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use duet_core::{Error, ErrorKind, Result};
use duet_listening::{HeardClock, ListeningStore, Recorder, DATABASE_FILE};
use duet_player::{PlayerState, PlayerStatus, PositionUpdate};

/// The record, as the commands reach it (managed state).
pub struct ListeningRecord {
    store: std::result::Result<Arc<ListeningStore>, String>,
    /// Where "Save image" puts the picture: the Pictures folder, else Downloads.
    pub pictures: Option<PathBuf>,
}

impl ListeningRecord {
    /// Opens the record in `data_dir`. When even a new file cannot be made (a read-only disk),
    /// Duet runs without it, and the Listening screen says why.
    pub fn open(data_dir: &Path, pictures: Option<PathBuf>) -> Self {
        let store = ListeningStore::open(&data_dir.join(DATABASE_FILE))
            .map(Arc::new)
            .map_err(|e| {
                tracing::warn!("no listening record this time: {e}");
                e.to_string()
            });
        Self { store, pictures }
    }

    pub fn store(&self) -> Result<Arc<ListeningStore>> {
        self.store
            .clone()
            .map_err(|message| Error::new(ErrorKind::Storage, message))
    }

    /// What follows the player into the record, when there is a record.
    pub fn follower(&self) -> Option<ListeningFollower> {
        let store = self.store.as_ref().ok()?.clone();
        match Recorder::spawn(store) {
            Ok(recorder) => Some(ListeningFollower {
                clock: HeardClock::new(),
                recorder,
            }),
            Err(e) => {
                tracing::warn!("the listening record's writer could not start: {e}");
                None
            }
        }
    }
}

/// Turns the player's events into plays: one play at a time in memory, handed to the writer
/// when it ends and whenever the history saves the position.
pub struct ListeningFollower {
    clock: HeardClock,
    recorder: Recorder,
}

impl ListeningFollower {
    pub fn state(&mut self, state: &PlayerState) {
        let now = now_ms();
        let ended = match (&state.track, state.status) {
            (Some(track), PlayerStatus::Playing) => self.clock.playing(track, now),
            (Some(track), PlayerStatus::Loading | PlayerStatus::Paused)
                if self.clock.track() == Some((track.provider, track.id.as_str())) =>
            {
                None
            }
            // Another track loading, nothing queued, the end of the queue: the play is over.
            _ => self.clock.stop(),
        };
        if let Some(play) = ended {
            self.recorder.record(play);
        }
    }

    pub fn position(&mut self, update: &PositionUpdate) {
        if let Some(ended) = self
            .clock
            .position(update.position_ms, update.seeked, now_ms())
        {
            self.recorder.record(ended);
        }
    }

    /// Hands the play going on to the writer, when it grew since it was last written.
    pub fn save(&mut self) {
        if let Some(play) = self.clock.due() {
            self.recorder.record(play);
        }
    }
}

fn now_ms() -> i64 {
    i64::try_from(duet_core::clock::unix_ms()).unwrap_or(i64::MAX)
}
