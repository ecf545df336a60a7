//! Duet's audio cache: the tracks that were played (and the ones kept for offline listening) on
//! disk, so a second play needs neither the network nor a URL from the service.
//!
//! Entries are keyed by provider, track id and quality, never by URL: the services sign their
//! URLs and renew them, so the same file comes back under a new address. A size cap (0 = keep
//! nothing) bounds the played tracks; the least recently played entry goes first; entries pinned
//! by a kept playlist or album are never evicted and do not count against the cap. A download is written under a temporary
//! name and renamed into place only once it is complete and its length checks out, so a partial
//! file never counts as cached; an entry whose file is missing or of the wrong length is dropped.
//!
//! Layout under the directory given to [`AudioCache::open`] (the app uses `<cache dir>/audio`):
//!
//! ```text
//! index.json                         one entry per file: length, format, last play, pins
//! netease/<hex of id>.<quality>.<ext>
//! qq/<hex of id>.<quality>.<ext>
//! partial/<random>.part              downloads in progress (emptied when the cache opens)
//! ```
//!
//! The track id is hex-encoded in the file name, so no id can name a path outside the cache.
//! One process owns a cache directory at a time (the app); readers hold open files, so an entry
//! evicted while it plays still plays to its end (on Unix; elsewhere its removal waits).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use duet_core::{ErrorKind, Loudness, ProviderId, Quality};
use serde::{Deserialize, Serialize};

/// The cap the app starts with: 1 GiB, some 400 tracks at 320 kbps.
pub const DEFAULT_CAP_BYTES: u64 = 1 << 30;

const INDEX_FILE: &str = "index.json";
const PARTIAL_DIR: &str = "partial";
const INDEX_VERSION: u32 = 1;

/// Why the cache could not do something.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the audio cache cannot use its folder: {0}")]
    Io(#[from] io::Error),
    #[error("the download ended after {got} of {expected} bytes")]
    Incomplete { expected: u64, got: u64 },
    #[error("the download was empty")]
    Empty,
}

impl From<CacheError> for duet_core::Error {
    fn from(error: CacheError) -> Self {
        duet_core::Error::new(ErrorKind::Storage, error.to_string())
    }
}

/// What a cached file is: one quality of one track of one service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub provider: ProviderId,
    pub track_id: String,
    pub quality: Quality,
}

impl CacheKey {
    pub fn new(provider: ProviderId, track_id: impl Into<String>, quality: Quality) -> Self {
        Self {
            provider,
            track_id: track_id.into(),
            quality,
        }
    }

    /// The file's path under the cache directory, with `format` as its extension.
    fn file_name(&self, format: &str) -> String {
        format!(
            "{}/{}.{}.{}",
            self.provider.as_str(),
            hex::encode(self.track_id.as_bytes()),
            quality_name(self.quality),
            safe_extension(format)
        )
    }
}

/// A track found in the cache: read it from [`CachedTrack::open`].
#[derive(Debug, Clone, PartialEq)]
pub struct CachedTrack {
    pub key: CacheKey,
    pub path: PathBuf,
    pub len: u64,
    /// The file's extension: `mp3`, `flac`, `m4a`, …
    pub format: String,
    pub loudness: Option<Loudness>,
}

impl CachedTrack {
    /// Opens the file for reading (stream it; never read it whole).
    pub fn open(&self) -> io::Result<File> {
        File::open(&self.path)
    }
}

/// How much the cache holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheUsage {
    pub bytes: u64,
    pub tracks: usize,
    /// Of those, kept for offline listening (never evicted by the cap).
    pub pinned_bytes: u64,
    pub pinned_tracks: usize,
    pub cap_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    provider: ProviderId,
    track_id: String,
    quality: Quality,
    format: String,
    len: u64,
    /// The cache's clock at the last play (higher: more recent).
    last_played: u64,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pins: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    loudness: Option<Loudness>,
}

impl Entry {
    fn key(&self) -> CacheKey {
        CacheKey::new(self.provider, self.track_id.clone(), self.quality)
    }

    fn is_track(&self, provider: ProviderId, track_id: &str) -> bool {
        self.provider == provider && self.track_id == track_id
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    version: u32,
    /// Bumped on every play; orders entries by recency without trusting the wall clock.
    clock: u64,
    /// By file name (relative to the cache directory).
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug)]
struct State {
    index: Index,
    cap: u64,
}

/// The audio cache. Cheap to share (`Arc`); every method is safe to call from any thread.
#[derive(Debug)]
pub struct AudioCache {
    dir: PathBuf,
    state: Mutex<State>,
}

impl AudioCache {
    /// Opens (or creates) the cache in `dir` with a cap of `cap_bytes` (0: cache nothing but
    /// what is pinned). Forgets entries whose file is gone or of the wrong length, deletes files
    /// no entry names and every partial download, then evicts down to the cap.
    pub fn open(dir: impl Into<PathBuf>, cap_bytes: u64) -> Result<Arc<Self>, CacheError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        let partial = dir.join(PARTIAL_DIR);
        if partial.exists() {
            std::fs::remove_dir_all(&partial)?;
        }
        std::fs::create_dir_all(&partial)?;
        for provider in [ProviderId::Netease, ProviderId::Qq] {
            std::fs::create_dir_all(dir.join(provider.as_str()))?;
        }
        let mut index = match std::fs::read(dir.join(INDEX_FILE)) {
            Ok(bytes) => serde_json::from_slice::<Index>(&bytes).unwrap_or_else(|e| {
                tracing::warn!("the audio cache's index is unreadable, starting afresh: {e}");
                Index::default()
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Index::default(),
            Err(e) => return Err(e.into()),
        };
        if index.version != INDEX_VERSION {
            index = Index {
                version: INDEX_VERSION,
                ..Index::default()
            };
        }
        index
            .entries
            .retain(|name, entry| file_len(&dir.join(name)) == Some(entry.len));
        for provider in [ProviderId::Netease, ProviderId::Qq] {
            for file in std::fs::read_dir(dir.join(provider.as_str()))? {
                let file = file?;
                let name = format!(
                    "{}/{}",
                    provider.as_str(),
                    file.file_name().to_string_lossy()
                );
                if !index.entries.contains_key(&name) {
                    let _ = std::fs::remove_file(file.path());
                }
            }
        }
        let cache = Arc::new(Self {
            dir,
            state: Mutex::new(State {
                index,
                cap: cap_bytes,
            }),
        });
        {
            let mut state = cache.lock();
            cache.evict(&mut state);
            cache.save(&state)?;
        }
        Ok(cache)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn cap(&self) -> u64 {
        self.lock().cap
    }

    /// Whether played tracks are kept at all (a cap above 0).
    pub fn enabled(&self) -> bool {
        self.cap() > 0
    }

    /// Changes the cap and evicts down to it at once.
    pub fn set_cap(&self, cap_bytes: u64) -> Result<(), CacheError> {
        let mut state = self.lock();
        state.cap = cap_bytes;
        self.evict(&mut state);
        self.save(&state)
    }

    /// The best cached quality of a track, counted as played now (it moves to the back of the
    /// eviction order). An entry whose file went missing or changed length is dropped on the way.
    pub fn lookup(&self, provider: ProviderId, track_id: &str) -> Option<CachedTrack> {
        let mut state = self.lock();
        let found = self.best(&mut state, provider, track_id)?;
        state.index.clock += 1;
        let clock = state.index.clock;
        if let Some(entry) = state.index.entries.get_mut(&found.0) {
            entry.last_played = clock;
        }
        if let Err(e) = self.save(&state) {
            tracing::warn!("cannot save the audio cache's index: {e}");
        }
        Some(found.1)
    }

    /// Whether a track can play from the cache, without counting it as played.
    pub fn contains(&self, provider: ProviderId, track_id: &str) -> bool {
        let state = self.lock();
        state
            .index
            .entries
            .values()
            .any(|e| e.is_track(provider, track_id))
    }

    /// The entry of the best quality whose file checks out, dropping those that do not.
    fn best(
        &self,
        state: &mut State,
        provider: ProviderId,
        track_id: &str,
    ) -> Option<(String, CachedTrack)> {
        loop {
            let (name, entry) = state
                .index
                .entries
                .iter()
                .filter(|(_, e)| e.is_track(provider, track_id))
                .max_by_key(|(_, e)| quality_rank(e.quality))
                .map(|(name, entry)| (name.clone(), entry.clone()))?;
            let path = self.dir.join(&name);
            if file_len(&path) == Some(entry.len) {
                let track = CachedTrack {
                    key: entry.key(),
                    path,
                    len: entry.len,
                    format: entry.format.clone(),
                    loudness: entry.loudness,
                };
                return Some((name, track));
            }
            tracing::warn!(
                provider = provider.as_str(),
                "a cached track's file is missing or damaged; dropped"
            );
            state.index.entries.remove(&name);
            let _ = std::fs::remove_file(&path);
            let _ = self.save(state);
        }
    }

    /// Forgets an entry and deletes its file (say, one the decoder could not read).
    pub fn remove(&self, key: &CacheKey) -> Result<(), CacheError> {
        let mut state = self.lock();
        let names: Vec<String> = state
            .index
            .entries
            .iter()
            .filter(|(_, e)| e.key() == *key)
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            state.index.entries.remove(&name);
            remove_quietly(&self.dir.join(&name));
        }
        self.save(&state)
    }

    /// Starts writing one file into the cache. Nothing is cached until
    /// [`CacheWriter::commit`]; dropping the writer deletes what it wrote.
    pub fn writer(
        self: &Arc<Self>,
        key: CacheKey,
        format: &str,
    ) -> Result<CacheWriter, CacheError> {
        let file = tempfile::Builder::new()
            .suffix(".part")
            .tempfile_in(self.dir.join(PARTIAL_DIR))?;
        Ok(CacheWriter {
            cache: self.clone(),
            key,
            format: safe_extension(format).to_owned(),
            file: io::BufWriter::with_capacity(64 * 1024, file),
            written: 0,
            pins: BTreeSet::new(),
            loudness: None,
        })
    }

    /// Pins every cached quality of a track under `tag` (a kept playlist or album). `false`
    /// when the track is not cached.
    pub fn pin(&self, provider: ProviderId, track_id: &str, tag: &str) -> Result<bool, CacheError> {
        let mut state = self.lock();
        let mut found = false;
        for entry in state.index.entries.values_mut() {
            if entry.is_track(provider, track_id) {
                entry.pins.insert(tag.to_owned());
                found = true;
            }
        }
        if found {
            self.save(&state)?;
        }
        Ok(found)
    }

    /// Removes `tag` from every entry; what no other tag pins is left to the cap again (and
    /// evicted now when over it).
    pub fn unpin(&self, tag: &str) -> Result<(), CacheError> {
        let mut state = self.lock();
        for entry in state.index.entries.values_mut() {
            entry.pins.remove(tag);
        }
        self.evict(&mut state);
        self.save(&state)
    }

    /// Every track that can play from the cache (any quality).
    pub fn tracks(&self) -> BTreeSet<(ProviderId, String)> {
        self.lock()
            .index
            .entries
            .values()
            .map(|e| (e.provider, e.track_id.clone()))
            .collect()
    }

    /// Every tag that pins something.
    pub fn pin_tags(&self) -> BTreeSet<String> {
        self.lock()
            .index
            .entries
            .values()
            .flat_map(|e| e.pins.iter().cloned())
            .collect()
    }

    /// The tracks pinned by `tag`.
    pub fn pinned(&self, tag: &str) -> BTreeSet<(ProviderId, String)> {
        self.lock()
            .index
            .entries
            .values()
            .filter(|e| e.pins.contains(tag))
            .map(|e| (e.provider, e.track_id.clone()))
            .collect()
    }

    pub fn usage(&self) -> CacheUsage {
        let state = self.lock();
        let mut usage = CacheUsage {
            bytes: 0,
            tracks: 0,
            pinned_bytes: 0,
            pinned_tracks: 0,
            cap_bytes: state.cap,
        };
        for entry in state.index.entries.values() {
            usage.bytes += entry.len;
            usage.tracks += 1;
            if !entry.pins.is_empty() {
                usage.pinned_bytes += entry.len;
                usage.pinned_tracks += 1;
            }
        }
        usage
    }

    /// Deletes every entry no kept playlist or album pins.
    pub fn clear(&self) -> Result<(), CacheError> {
        let mut state = self.lock();
        let names: Vec<String> = state
            .index
            .entries
            .iter()
            .filter(|(_, e)| e.pins.is_empty())
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            state.index.entries.remove(&name);
            remove_quietly(&self.dir.join(&name));
        }
        self.save(&state)
    }

    /// Drops the least recently played unpinned entries until they fit the cap. Kept tracks
    /// do not count against it: keeping an album offline does not push played tracks out.
    fn evict(&self, state: &mut State) {
        let mut total: u64 = state
            .index
            .entries
            .values()
            .filter(|e| e.pins.is_empty())
            .map(|e| e.len)
            .sum();
        if total <= state.cap {
            return;
        }
        let mut candidates: Vec<(u64, String, u64)> = state
            .index
            .entries
            .iter()
            .filter(|(_, e)| e.pins.is_empty())
            .map(|(name, e)| (e.last_played, name.clone(), e.len))
            .collect();
        candidates.sort();
        for (_, name, len) in candidates {
            if total <= state.cap {
                break;
            }
            state.index.entries.remove(&name);
            remove_quietly(&self.dir.join(&name));
            total -= len;
        }
    }

    /// Writes the index under a temporary name and renames it over the old one.
    fn save(&self, state: &State) -> Result<(), CacheError> {
        let bytes = serde_json::to_vec(&state.index).map_err(io::Error::other)?;
        let mut file = tempfile::NamedTempFile::new_in(self.dir.join(PARTIAL_DIR))?;
        file.write_all(&bytes)?;
        file.persist(self.dir.join(INDEX_FILE))
            .map_err(|e| e.error)?;
        Ok(())
    }

    fn insert(&self, name: String, mut entry: Entry) -> Result<bool, CacheError> {
        let mut state = self.lock();
        state.index.clock += 1;
        entry.last_played = state.index.clock;
        if let Some(old) = state.index.entries.get(&name) {
            entry.pins.extend(old.pins.iter().cloned());
        }
        // A track whose other qualities are pinned is pinned in this one too.
        let inherited: Vec<String> = state
            .index
            .entries
            .values()
            .filter(|e| e.is_track(entry.provider, &entry.track_id))
            .flat_map(|e| e.pins.iter().cloned())
            .collect();
        entry.pins.extend(inherited);
        state.index.entries.insert(name.clone(), entry);
        self.evict(&mut state);
        let kept = state.index.entries.contains_key(&name);
        self.save(&state)?;
        Ok(kept)
    }
}

/// One file on its way into the cache (see [`AudioCache::writer`]).
#[derive(Debug)]
pub struct CacheWriter {
    cache: Arc<AudioCache>,
    key: CacheKey,
    format: String,
    file: io::BufWriter<tempfile::NamedTempFile>,
    written: u64,
    pins: BTreeSet<String>,
    loudness: Option<Loudness>,
}

impl CacheWriter {
    /// Pins the entry under `tag` once committed (a track fetched for a kept playlist).
    pub fn pin(&mut self, tag: &str) {
        self.pins.insert(tag.to_owned());
    }

    /// Remembers the service's loudness measure with the file (for volume normalisation
    /// offline).
    pub fn set_loudness(&mut self, loudness: Option<Loudness>) {
        self.loudness = loudness;
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    /// Makes the file a cache entry, when it has `expected_len` bytes (if known). `None`: not
    /// kept (the cache is off, or the file alone is over the cap), which is no error.
    pub fn commit(self, expected_len: Option<u64>) -> Result<Option<CachedTrack>, CacheError> {
        let Self {
            cache,
            key,
            format,
            file,
            written,
            pins,
            loudness,
        } = self;
        if written == 0 {
            return Err(CacheError::Empty);
        }
        if let Some(expected) = expected_len.filter(|&n| n != written) {
            return Err(CacheError::Incomplete {
                expected,
                got: written,
            });
        }
        if pins.is_empty() && !cache.enabled() {
            return Ok(None);
        }
        let file = file.into_inner().map_err(|e| e.into_error())?;
        let name = key.file_name(&format);
        let path = cache.dir.join(&name);
        file.persist(&path).map_err(|e| e.error)?;
        let entry = Entry {
            provider: key.provider,
            track_id: key.track_id.clone(),
            quality: key.quality,
            format: format.clone(),
            len: written,
            last_played: 0,
            pins,
            loudness,
        };
        if !cache.insert(name, entry)? {
            return Ok(None);
        }
        Ok(Some(CachedTrack {
            key,
            path,
            len: written,
            format,
            loudness,
        }))
    }
}

impl Write for CacheWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn file_len(path: &Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

fn remove_quietly(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        if e.kind() != io::ErrorKind::NotFound {
            tracing::warn!("cannot delete a cached audio file: {e}");
        }
    }
}

fn quality_name(quality: Quality) -> &'static str {
    match quality {
        Quality::Standard => "standard",
        Quality::High => "high",
        Quality::Lossless => "lossless",
        Quality::Hires => "hires",
    }
}

fn quality_rank(quality: Quality) -> u8 {
    match quality {
        Quality::Standard => 0,
        Quality::High => 1,
        Quality::Lossless => 2,
        Quality::Hires => 3,
    }
}

/// A file extension that is safe in a file name: 1 to 5 ASCII letters or digits, else `bin`.
fn safe_extension(format: &str) -> &str {
    let ok = (1..=5).contains(&format.len()) && format.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        format
    } else {
        "bin"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_leave_the_cache() {
        let key = CacheKey::new(ProviderId::Qq, "../../etc/passwd\0", Quality::High);
        let name = key.file_name("../x");
        assert!(name.starts_with("qq/"));
        assert_eq!(name.matches('/').count(), 1, "{name}");
        assert!(name.ends_with(".high.bin"));
        assert_eq!(safe_extension("flac"), "flac");
        assert_eq!(safe_extension(""), "bin");
        assert_eq!(safe_extension("mp3/.."), "bin");
    }
}
