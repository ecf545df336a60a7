//! How much of a play was heard, from the player's position reports, and the thread that
//! writes plays so nobody waiting on the screen or the async runtime waits on the disk.

use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;

use duet_core::{ProviderId, Track};

use crate::store::{ListeningStore, Play};

/// A play heard for less than this is not counted (a skip, a peek, a track that failed).
pub const MIN_HEARD_MS: u64 = 5_000;

/// A step of the position bigger than this, in either direction, was a jump (a seek the player
/// did not mark, a restored position), not listening. Position reports come several times a
/// second, so a real step is far shorter.
const LONGEST_STEP_MS: u64 = 5_000;

#[derive(Debug)]
struct Listening {
    play: Play,
    /// The last position reported, the start of the next step counted.
    position_ms: Option<u64>,
    /// `heard_ms` when this play was last handed out to be written.
    written_ms: Option<u64>,
}

/// Follows one play at a time: started by the track, grown by the position's small forward
/// steps only. Holds nothing but the current play, so it stays the same size however long
/// Duet plays.
#[derive(Debug, Default)]
pub struct HeardClock {
    current: Option<Listening>,
}

impl HeardClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// The track that is playing, at `now_ms`: a new play when it is not the current one's
    /// track. Returns the play that ended with it, when it counts.
    pub fn playing(&mut self, track: &Track, now_ms: i64) -> Option<Play> {
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.play.provider == track.provider && c.play.track_id == track.id)
        {
            return None;
        }
        let ended = self.stop();
        self.current = Some(Listening {
            play: play_of(track, now_ms),
            position_ms: None,
            written_ms: None,
        });
        ended
    }

    /// The player is at `position_ms` of the current track (`seeked`: it jumped there). A
    /// return to the start without a seek (repeat one) ends the play and starts another.
    pub fn position(&mut self, position_ms: u64, seeked: bool, now_ms: i64) -> Option<Play> {
        let current = self.current.as_mut()?;
        let before = current.position_ms.replace(position_ms);
        let before = match before {
            Some(before) if !seeked => before,
            _ => return None,
        };
        if position_ms >= before {
            let step = position_ms - before;
            if step <= LONGEST_STEP_MS {
                current.play.heard_ms += step;
            }
            return None;
        }
        if before - position_ms > LONGEST_STEP_MS && position_ms <= LONGEST_STEP_MS {
            let track = current.play.clone();
            let ended = self.stop();
            let mut again = track;
            again.started_at_ms = now_ms;
            again.heard_ms = 0;
            self.current = Some(Listening {
                play: again,
                position_ms: Some(position_ms),
                written_ms: None,
            });
            return ended;
        }
        None
    }

    /// Nothing plays any more: the current play ends. Returns it when it counts.
    pub fn stop(&mut self) -> Option<Play> {
        let mut ended = self.current.take()?;
        counts(&ended.play)
            .then_some(())
            .filter(|()| ended.written_ms != Some(ended.play.heard_ms))
            .map(|()| {
                ended.written_ms = Some(ended.play.heard_ms);
                ended.play
            })
    }

    /// The current play, when it counts and has grown since it was last handed out: written
    /// now and then while it goes on, so a crash or a power cut loses little.
    pub fn due(&mut self) -> Option<Play> {
        let current = self.current.as_mut()?;
        if !counts(&current.play) || current.written_ms == Some(current.play.heard_ms) {
            return None;
        }
        current.written_ms = Some(current.play.heard_ms);
        Some(current.play.clone())
    }

    /// The track of the current play.
    pub fn track(&self) -> Option<(ProviderId, &str)> {
        self.current
            .as_ref()
            .map(|c| (c.play.provider, c.play.track_id.as_str()))
    }
}

fn counts(play: &Play) -> bool {
    play.heard_ms >= MIN_HEARD_MS
}

fn play_of(track: &Track, started_at_ms: i64) -> Play {
    Play {
        provider: track.provider,
        track_id: track.id.clone(),
        title: track.title.clone(),
        artists: track.artists.clone(),
        album_id: track.album.id.clone(),
        album_name: track.album.name.clone(),
        duration_ms: track.duration_ms,
        started_at_ms,
        heard_ms: 0,
    }
}

/// Plays waiting for the writer; a play handed over while this many wait is dropped (the next
/// report of the same play carries everything it did).
const WAITING: usize = 64;

/// Writes plays on a thread of its own, in the order handed over. Ends when dropped.
#[derive(Debug, Clone)]
pub struct Recorder {
    sender: SyncSender<Play>,
}

impl Recorder {
    pub fn spawn(store: Arc<ListeningStore>) -> std::io::Result<Self> {
        let (sender, receiver) = sync_channel::<Play>(WAITING);
        std::thread::Builder::new()
            .name("duet-listening".into())
            .spawn(move || {
                for play in receiver {
                    if let Err(e) = store.record(&play) {
                        tracing::warn!("a play could not be recorded: {e}");
                    }
                }
            })?;
        Ok(Self { sender })
    }

    /// Hands `play` to the writer without waiting.
    pub fn record(&self, play: Play) {
        match self.sender.try_send(play) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                tracing::warn!("the listening record is behind; a report was dropped");
            }
            Err(TrySendError::Disconnected(_)) => {
                tracing::warn!("the listening record's writer has stopped");
            }
        }
    }
}
