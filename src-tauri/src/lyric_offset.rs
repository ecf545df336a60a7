//! A lyric offset per track, because the services' timings are sometimes off: kept in a small
//! file of its own (`lyric-offsets.json` in the app's config directory; per-track data has no
//! place in `prefs.json`) and applied where the lines are timed (`crate::playback`), so the
//! lyrics page, the desktop lyrics and anything else following `lyric-line` agree.
//!
//! A positive offset shows the lines earlier (the lyrics were late), as an LRC file's
//! `[offset:+300]` does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use duet_core::{Error, ProviderId, Result};

/// The file's name in the app's config directory.
pub const FILE_NAME: &str = "lyric-offsets.json";

/// Offsets move in steps of this many milliseconds.
pub const STEP_MS: i64 = 100;

/// The largest offset either way.
pub const MAX_MS: i64 = 30_000;

/// The offsets of every track that has one, and the file they live in.
#[derive(Debug, Default)]
pub struct LyricOffsets {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// None until [`LyricOffsets::open`]: offsets are then kept for this run only.
    path: Option<PathBuf>,
    /// `provider:track_id` → milliseconds; a track without an entry has none.
    offsets: BTreeMap<String, i64>,
}

fn key(provider: ProviderId, track_id: &str) -> String {
    format!("{provider}:{track_id}")
}

impl LyricOffsets {
    /// Reads `path` (a missing or unreadable file means no offsets yet; an unreadable one is
    /// set aside, as the preferences are) and writes every later change there.
    pub fn open(&self, path: impl Into<PathBuf>) {
        let path = path.into();
        let offsets = read(&path);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.offsets = offsets;
        inner.path = Some(path);
    }

    /// The track's offset in milliseconds (0 when it has none).
    pub fn get(&self, provider: ProviderId, track_id: &str) -> i64 {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner
            .offsets
            .get(&key(provider, track_id))
            .copied()
            .unwrap_or(0)
    }

    /// Sets the track's offset (0 removes it) and writes the file. Refused with `bad_request`
    /// when it is not a whole number of [`STEP_MS`] or beyond ±[`MAX_MS`], or the track id is
    /// empty; with `storage` when the file cannot be written (the offset then stays as it was).
    pub fn set(&self, provider: ProviderId, track_id: &str, offset_ms: i64) -> Result<i64> {
        if track_id.trim().is_empty() {
            return Err(Error::bad_request("a lyric offset needs a track id"));
        }
        if offset_ms % STEP_MS != 0 || !(-MAX_MS..=MAX_MS).contains(&offset_ms) {
            return Err(Error::bad_request(format!(
                "a lyric offset moves in steps of {STEP_MS} ms up to ±{MAX_MS} ms, not {offset_ms} ms"
            )));
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = inner.offsets.clone();
        if offset_ms == 0 {
            next.remove(&key(provider, track_id));
        } else {
            next.insert(key(provider, track_id), offset_ms);
        }
        if let Some(path) = &inner.path {
            crate::prefs::write_atomically(path, &next)?;
        }
        inner.offsets = next;
        Ok(offset_ms)
    }
}

fn read(path: &Path) -> BTreeMap<String, i64> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(
                    "could not read the lyric offsets in {}: {e}",
                    path.display()
                );
            }
            return BTreeMap::new();
        }
    };
    match serde_json::from_slice::<BTreeMap<String, i64>>(&bytes) {
        Ok(offsets) => offsets,
        Err(e) => {
            let mut aside = path.as_os_str().to_os_string();
            aside.push(".unreadable");
            tracing::warn!(
                "the lyric offsets in {} could not be read ({e}); starting without, the file \
                 kept as {}",
                path.display(),
                Path::new(&aside).display()
            );
            if let Err(e) = std::fs::rename(path, &aside) {
                tracing::warn!("could not set the unreadable lyric offsets aside: {e}");
            }
            BTreeMap::new()
        }
    }
}

/// Where the lines are at `position_ms` with `offset_ms` applied: the position the lyrics are
/// looked up at (never below 0).
pub fn lyric_position(position_ms: u64, offset_ms: i64) -> u64 {
    position_ms.saturating_add_signed(offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::ErrorKind;

    #[test]
    fn an_offset_is_kept_per_track_and_read_back_by_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let offsets = LyricOffsets::default();
        offsets.open(&path);
        assert_eq!(offsets.get(ProviderId::Netease, "1"), 0);
        offsets.set(ProviderId::Netease, "1", 300).unwrap();
        offsets.set(ProviderId::Qq, "1", -1200).unwrap();
        let again = LyricOffsets::default();
        again.open(&path);
        assert_eq!(again.get(ProviderId::Netease, "1"), 300);
        assert_eq!(again.get(ProviderId::Qq, "1"), -1200);
        assert_eq!(again.get(ProviderId::Netease, "2"), 0);
        // Reset: the entry goes, the file stays readable.
        again.set(ProviderId::Netease, "1", 0).unwrap();
        let third = LyricOffsets::default();
        third.open(&path);
        assert_eq!(third.get(ProviderId::Netease, "1"), 0);
        assert_eq!(third.get(ProviderId::Qq, "1"), -1200);
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(json, serde_json::json!({"qq:1": -1200}));
    }

    #[test]
    fn bad_offsets_are_refused_with_their_kind() {
        let offsets = LyricOffsets::default();
        for bad in [150, 1, -30_100, 31_000, i64::MIN] {
            let e = offsets.set(ProviderId::Netease, "1", bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::BadRequest, "{bad}");
        }
        let e = offsets.set(ProviderId::Netease, " ", 100).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadRequest);
        assert_eq!(offsets.get(ProviderId::Netease, "1"), 0);
        assert_eq!(
            offsets.set(ProviderId::Netease, "1", -30_000).unwrap(),
            -30_000
        );
    }

    #[test]
    fn an_unwritable_file_is_a_storage_error_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("keep"), b"").unwrap();
        let offsets = LyricOffsets::default();
        offsets.open(&path);
        let e = offsets.set(ProviderId::Netease, "1", 200).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Storage);
        assert_eq!(offsets.get(ProviderId::Netease, "1"), 0);
    }

    #[test]
    fn an_unreadable_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"{not json").unwrap();
        let offsets = LyricOffsets::default();
        offsets.open(&path);
        assert_eq!(offsets.get(ProviderId::Netease, "1"), 0);
        assert!(dir.path().join("lyric-offsets.json.unreadable").exists());
    }

    #[test]
    fn the_lyric_position_moves_by_the_offset_and_stops_at_zero() {
        assert_eq!(lyric_position(10_000, 300), 10_300);
        assert_eq!(lyric_position(10_000, -300), 9_700);
        assert_eq!(lyric_position(200, -300), 0);
    }
}
