//! The plays not yet sent, per service, oldest first, in one JSON file in the app's data
//! folder. A file rather than a database: the queue is short (a few plays, a few hundred after
//! a long offline spell), read whole at start and rewritten whole after each change, which an
//! atomic replace (write a temporary file, flush it, rename it over) makes safe against a crash
//! or a full disk, with nothing to migrate and a file a person can read.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use duet_core::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};

use crate::{Scrobble, ScrobbleService};

/// The queue's file name in the app's data folder.
pub const QUEUE_FILE: &str = "scrobble-queue.json";
/// At most this many plays wait per service; beyond it the oldest go (Last.fm ignores plays
/// older than two weeks anyway).
pub const MAX_QUEUED: usize = 10_000;
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct QueueFile {
    version: u32,
    pending: BTreeMap<ScrobbleService, Vec<Scrobble>>,
}

/// The durable queue (shared by the sender and the player's follower).
#[derive(Debug)]
pub struct ScrobbleQueue {
    path: PathBuf,
    file: Mutex<QueueFile>,
}

impl ScrobbleQueue {
    /// Opens the queue at `path`. A missing file is an empty queue; an unreadable one is kept
    /// beside it (`.broken`) and the queue starts empty, with a warning.
    pub fn open(path: &Path) -> Result<Self> {
        let file = match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice::<QueueFile>(&bytes) {
                Ok(file) => file,
                Err(e) => {
                    tracing::warn!("the scrobble queue could not be read ({e}); starting empty");
                    let _ = std::fs::rename(path, path.with_extension("json.broken"));
                    QueueFile::default()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => QueueFile::default(),
            Err(e) => return Err(storage("read", path, &e)),
        };
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    /// Adds a play at the end of each service's queue, and keeps the file.
    pub fn push(&self, services: &[ScrobbleService], scrobble: &Scrobble) -> Result<()> {
        if services.is_empty() {
            return Ok(());
        }
        let mut file = self.lock();
        for service in services {
            let queue = file.pending.entry(*service).or_default();
            queue.push(scrobble.clone());
            if queue.len() > MAX_QUEUED {
                let over = queue.len() - MAX_QUEUED;
                queue.drain(..over);
                tracing::warn!(%service, over, "the scrobble queue is full: dropped the oldest");
            }
        }
        self.save(&file)
    }

    /// The oldest `count` plays waiting for `service`.
    pub fn oldest(&self, service: ScrobbleService, count: usize) -> Vec<Scrobble> {
        self.lock()
            .pending
            .get(&service)
            .map(|q| q.iter().take(count).cloned().collect())
            .unwrap_or_default()
    }

    /// Removes the oldest `count` plays of `service` (sent, or dropped), and keeps the file.
    pub fn remove_oldest(&self, service: ScrobbleService, count: usize) -> Result<()> {
        let mut file = self.lock();
        if let Some(queue) = file.pending.get_mut(&service) {
            queue.drain(..count.min(queue.len()));
        }
        self.save(&file)
    }

    /// Forgets every play waiting for `service` (its account was disconnected).
    pub fn clear(&self, service: ScrobbleService) -> Result<()> {
        let mut file = self.lock();
        file.pending.remove(&service);
        self.save(&file)
    }

    pub fn len(&self, service: ScrobbleService) -> usize {
        self.lock().pending.get(&service).map_or(0, Vec::len)
    }

    pub fn is_empty(&self, service: ScrobbleService) -> bool {
        self.len(service) == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueFile> {
        self.file.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn save(&self, file: &QueueFile) -> Result<()> {
        let body = serde_json::to_vec_pretty(&QueueFile {
            version: FORMAT_VERSION,
            pending: file.pending.clone(),
        })
        .map_err(|e| Error::new(ErrorKind::Storage, format!("the scrobble queue: {e}")))?;
        let temporary = self.path.with_extension("json.tmp");
        let written = (|| {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut out = std::fs::File::create(&temporary)?;
            out.write_all(&body)?;
            out.sync_all()?;
            std::fs::rename(&temporary, &self.path)
        })();
        written.map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            storage("write", &self.path, &e)
        })
    }
}

fn storage(what: &str, path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::Storage,
        format!(
            "could not {what} the scrobble queue {}: {error}",
            path.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn play(n: i64) -> Scrobble {
        Scrobble {
            artist: "A".into(),
            title: format!("T{n}"),
            album: None,
            duration_s: 200,
            started_at: 1_700_000_000 + n,
        }
    }

    #[test]
    fn plays_are_kept_in_order_across_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(QUEUE_FILE);
        let queue = ScrobbleQueue::open(&path).unwrap();
        for n in 0..5 {
            queue.push(&ScrobbleService::ALL, &play(n)).unwrap();
        }
        queue.remove_oldest(ScrobbleService::Lastfm, 2).unwrap();
        drop(queue);
        let queue = ScrobbleQueue::open(&path).unwrap();
        let titles = |s| {
            queue
                .oldest(s, 10)
                .into_iter()
                .map(|p| p.title)
                .collect::<Vec<_>>()
        };
        assert_eq!(titles(ScrobbleService::Lastfm), ["T2", "T3", "T4"]);
        assert_eq!(
            titles(ScrobbleService::Listenbrainz),
            ["T0", "T1", "T2", "T3", "T4"]
        );
        assert!(!path.with_extension("json.tmp").exists());
    }

    #[test]
    fn an_unreadable_file_is_kept_aside_and_the_queue_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(QUEUE_FILE);
        std::fs::write(&path, b"{ not json").unwrap();
        let queue = ScrobbleQueue::open(&path).unwrap();
        assert!(queue.is_empty(ScrobbleService::Lastfm));
        assert!(path.with_extension("json.broken").exists());
    }
}
