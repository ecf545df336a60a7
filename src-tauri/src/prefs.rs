//! The desktop app's own preferences: what the Rust side acts on (the window and tray, global
//! shortcuts, desktop lyrics, the sound, the media controls), in one JSON file in the app's config
//! directory. The page's look (theme, language) stays in its localStorage.
//!
//! Each part owns one section ([`Prefs`]'s fields), with `#[serde(default)]` on every section, so
//! a file written by an older or newer Duet reads as far as it can, and an unknown field is kept
//! out of the way rather than refused. A file that cannot be read at all is set aside
//! (`prefs.json.unreadable`) and Duet starts from the defaults: nothing is lost, nothing panics.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use duet_core::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The file's name in the app's config directory.
pub const FILE_NAME: &str = "prefs.json";

/// Every preference the Rust side acts on, one section per part of the app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct Prefs {
    /// Closing the window, the tray, notifications.
    pub window: WindowPrefs,
    /// Global keyboard shortcuts.
    pub shortcuts: ShortcutPrefs,
    /// The desktop lyrics window.
    pub desktop_lyrics: DesktopLyricsPrefs,
    /// Output device, hand-over between tracks, equaliser, speed.
    pub sound: SoundPrefs,
    /// The system's media controls and the local now-playing feed.
    pub now_playing: NowPlayingPrefs,
}

/// Closing the window, the tray, notifications.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct WindowPrefs {
    /// Closing the window hides it to the tray, where there is one on screen (else it quits).
    pub close_to_tray: bool,
    /// A desktop notification, with the cover, when the track changes.
    pub notify_track_change: bool,
}

/// Global keyboard shortcuts: off until turned on, since they take the keys from every other
/// app. Each is an accelerator (`Ctrl+Alt+P`, `MediaPlayPause`), or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct ShortcutPrefs {
    pub enabled: bool,
    pub play_pause: Option<String>,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub desktop_lyrics: Option<String>,
}

impl Default for ShortcutPrefs {
    fn default() -> Self {
        let key = |k: &str| Some(format!("Ctrl+Alt+{k}"));
        Self {
            enabled: false,
            play_pause: key("P"),
            next: key("Right"),
            previous: key("Left"),
            desktop_lyrics: key("L"),
        }
    }
}

/// The desktop lyrics window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct DesktopLyricsPrefs {}

/// Output device, hand-over between tracks, equaliser, speed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct SoundPrefs {}

/// The system's media controls and the local now-playing feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct NowPlayingPrefs {}

/// The preferences in memory and their file. Every change is written at once (to a temporary
/// file, then renamed over the old one, so a crash mid-write leaves the previous file whole), and
/// announced to the Rust parts that [`watch`](Self::watch) it; the `prefs_set` command tells the
/// windows (`prefs-changed`).
#[derive(Debug)]
pub struct PrefsStore {
    path: PathBuf,
    /// Held while a change is written, so two changes cannot interleave.
    writing: Mutex<()>,
    current: tokio::sync::watch::Sender<Prefs>,
}

impl PrefsStore {
    /// Reads `path`, or starts from the defaults when there is no file yet. An unreadable file
    /// is renamed to `<name>.unreadable` (replacing an older one) and the defaults are used.
    pub fn open(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let current = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<Prefs>(&bytes) {
                Ok(prefs) => prefs,
                Err(e) => {
                    let aside = set_aside_path(&path);
                    tracing::warn!(
                        "the preferences in {} could not be read ({e}); starting from the \
                         defaults, the file kept as {}",
                        path.display(),
                        aside.display()
                    );
                    if let Err(e) = std::fs::rename(&path, &aside) {
                        tracing::warn!("could not set the unreadable preferences aside: {e}");
                    }
                    Prefs::default()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Prefs::default(),
            Err(e) => {
                tracing::warn!(
                    "the preferences in {} could not be read ({e}); using the defaults",
                    path.display()
                );
                Prefs::default()
            }
        };
        Self {
            path,
            writing: Mutex::new(()),
            current: tokio::sync::watch::Sender::new(current),
        }
    }

    /// The file this store keeps.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self) -> Prefs {
        self.current.borrow().clone()
    }

    /// Follows every change from now on (the tray, the shortcuts, the player's sound...).
    pub fn watch(&self) -> tokio::sync::watch::Receiver<Prefs> {
        self.current.subscribe()
    }

    /// Replaces the preferences and writes them. On a write failure the preferences in memory
    /// stay as they were, and the error says so (kind `storage`).
    pub fn set(&self, prefs: Prefs) -> Result<Prefs> {
        self.update(|current| *current = prefs)
    }

    /// Changes one part of the preferences and writes them (see [`set`](Self::set)).
    pub fn update(&self, change: impl FnOnce(&mut Prefs)) -> Result<Prefs> {
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = self.get();
        change(&mut next);
        if next != *self.current.borrow() {
            write_atomically(&self.path, &next)?;
            self.current.send_replace(next.clone());
        }
        Ok(next)
    }
}

/// Tells every window about each change of the preferences, wherever it came from (a window,
/// the tray, a shortcut): `prefs-changed` with the whole new preferences.
pub fn announce<R: tauri::Runtime>(store: &PrefsStore, app: tauri::AppHandle<R>) {
    use tauri_specta::Event;
    let mut changes = store.watch();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let prefs = changes.borrow_and_update().clone();
            if let Err(e) = crate::events::PrefsChanged(prefs).emit(&app) {
                tracing::warn!("could not announce the new preferences: {e}");
            }
        }
    });
}

fn set_aside_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".unreadable");
    path.with_file_name(name)
}

fn write_atomically(path: &Path, prefs: &Prefs) -> Result<()> {
    let storage = |what: &str, e: &dyn std::fmt::Display| {
        Error::new(
            ErrorKind::Storage,
            format!("could not {what} {}: {e}", path.display()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| storage("create the folder of", &e))?;
    }
    let json = serde_json::to_vec_pretty(prefs).map_err(|e| storage("encode", &e))?;
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(".new");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, json).map_err(|e| storage("write", &e))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        storage("replace", &e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn no_file_means_the_defaults_and_nothing_is_written_until_a_change() {
        let dir = dir();
        let store = PrefsStore::open(dir.path().join(FILE_NAME));
        assert_eq!(store.get(), Prefs::default());
        store.update(|_| {}).unwrap();
        assert!(!store.path().exists(), "an unchanged store writes nothing");
    }

    #[test]
    fn a_written_file_is_read_back_by_the_next_start() {
        let dir = dir();
        let path = dir.path().join("nested").join(FILE_NAME);
        write_atomically(&path, &Prefs::default()).unwrap();
        assert_eq!(PrefsStore::open(&path).get(), Prefs::default());
        assert!(!dir.path().join("nested/prefs.json.new").exists());
    }

    #[test]
    fn an_unreadable_file_is_set_aside_and_the_defaults_used() {
        let dir = dir();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"{\"window\": [not json").unwrap();
        let store = PrefsStore::open(&path);
        assert_eq!(store.get(), Prefs::default());
        let aside = dir.path().join("prefs.json.unreadable");
        assert_eq!(
            std::fs::read(&aside).unwrap(),
            b"{\"window\": [not json",
            "the person's file is kept, not overwritten"
        );
        assert!(!path.exists());
    }

    #[test]
    fn unknown_sections_and_fields_do_not_stop_the_known_ones() {
        let dir = dir();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            br#"{"from_a_newer_duet": {"x": 1}, "window": {"y": 2}}"#,
        )
        .unwrap();
        assert_eq!(PrefsStore::open(&path).get(), Prefs::default());
        assert!(path.exists(), "a readable file stays where it is");
    }

    #[test]
    fn the_desktop_parts_start_off_and_older_files_read_with_their_defaults() {
        let prefs = Prefs::default();
        assert!(!prefs.window.close_to_tray);
        assert!(!prefs.window.notify_track_change);
        assert!(
            !prefs.shortcuts.enabled,
            "global shortcuts are off by default"
        );
        assert_eq!(prefs.shortcuts.play_pause.as_deref(), Some("Ctrl+Alt+P"));
        let dir = dir();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            br#"{"window": {"close_to_tray": true}, "shortcuts": {"enabled": true, "next": null}}"#,
        )
        .unwrap();
        let read = PrefsStore::open(&path).get();
        assert!(read.window.close_to_tray);
        assert!(!read.window.notify_track_change);
        assert!(read.shortcuts.enabled);
        assert_eq!(read.shortcuts.next, None, "a shortcut turned off stays off");
        assert_eq!(read.shortcuts.previous.as_deref(), Some("Ctrl+Alt+Left"));
    }

    #[test]
    fn a_write_that_fails_is_a_storage_error() {
        let dir = dir();
        // The file's place is taken by a folder that is not empty: the rename over it fails.
        let path = dir.path().join(FILE_NAME);
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("keep"), b"").unwrap();
        let error = write_atomically(&path, &Prefs::default()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Storage);
        assert!(error.message.contains(FILE_NAME), "{}", error.message);
        assert!(
            !dir.path().join("prefs.json.new").exists(),
            "no temporary file left behind"
        );
    }
}
