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
    /// What plays when a track cannot be played where it is listed.
    pub playback: PlaybackPrefs,
    /// The audio cache, downloads and offline mode.
    pub storage: StoragePrefs,
    /// Scrobbling to Last.fm and ListenBrainz (`crate::scrobble`), each off by default.
    pub scrobbling: crate::scrobble::ScrobblingPrefs,
    /// The lyrics page: a second source of lyrics, its font.
    pub lyrics: LyricsPrefs,
}

/// What plays when a track cannot be played where it is listed (`crate::playback`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct PlaybackPrefs {
    /// Play anywhere: a track that is grey, VIP only or only a trial clip on its service plays
    /// from the other logged-in service when it has the same recording. On by default.
    pub play_anywhere: bool,
}

impl Default for PlaybackPrefs {
    fn default() -> Self {
        Self {
            play_anywhere: true,
        }
    }
}

/// The lyrics page (`crate::lyrics_source` follows `lrclib`; the page applies the font).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct LyricsPrefs {
    /// Ask LRCLIB (lrclib.net) for the lyrics of a track whose service has none. Off until the
    /// person turns it on: it sends the track's title, artist, album and duration there.
    pub lrclib: bool,
    /// The lyrics page's font.
    pub font: LyricsFont,
}

/// A font for lyrics: one of a few families every system has (or a fallback chain to one),
/// a size and a weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct LyricsFont {
    pub family: FontFamily,
    /// CSS pixels of a line (12–96).
    pub size: u16,
    /// A CSS weight, 100–900 in hundreds.
    pub weight: u16,
}

impl Default for LyricsFont {
    fn default() -> Self {
        Self {
            family: FontFamily::System,
            size: 26,
            weight: 700,
        }
    }
}

/// The font families offered for lyrics; the UI maps each to a CSS fallback chain
/// (`ui/src/lib/lyrics-font.ts`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FontFamily {
    /// The app's own font (the system's UI font).
    #[default]
    System,
    Sans,
    Serif,
    /// A CJK-capable chain (Noto Sans CJK, PingFang, Microsoft YaHei…).
    Cjk,
    Rounded,
    Monospace,
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

/// The desktop lyrics window (`crate::desktop_lyrics` follows these).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct DesktopLyricsPrefs {
    /// The window is open.
    pub visible: bool,
    /// Clicks go through to the windows below; it cannot be moved or resized.
    pub locked: bool,
    /// The current line's size in CSS pixels (12–96).
    pub font_size: u16,
    /// The sung part of the line (a CSS colour, `#rrggbb`).
    pub sung_color: String,
    /// The part still to sing, and the second line.
    pub unsung_color: String,
    /// Two lines (the current and the next, or its translation) rather than one.
    pub two_lines: bool,
    /// The second line shows the current line's translation where there is one.
    pub translation: bool,
    /// The lines' font family (the size is `font_size`).
    pub font_family: FontFamily,
    /// The lines' CSS weight, 100–900 in hundreds.
    pub font_weight: u16,
}

impl Default for DesktopLyricsPrefs {
    fn default() -> Self {
        Self {
            visible: false,
            locked: false,
            font_size: 32,
            sung_color: "#5ec8ff".into(),
            unsung_color: "#ffffff".into(),
            two_lines: true,
            translation: true,
            font_family: FontFamily::System,
            font_weight: 700,
        }
    }
}

/// Output device, hand-over between tracks, equaliser, speed. Applied live by
/// [`crate::sound::follow`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct SoundPrefs {
    /// The output device by name (`sound_devices`); `None`: the system's default. A device that
    /// is not plugged in stays chosen, and the default plays until it is back.
    pub output_device: Option<String>,
    /// How long consecutive tracks overlap, in milliseconds: 0 (gapless, the default) to
    /// 10,000.
    pub crossfade_ms: u32,
    /// When the output device goes away mid-track: move to the default device (the default) or
    /// pause.
    pub on_device_lost: duet_player::DeviceLostAction,
    /// Play tracks at the loudness their service measured (NetEase sends it with the URL; QQ
    /// Music's tracks play as they are). Off by default.
    pub normalize: bool,
    /// The 10-band equaliser: off (and flat) by default.
    pub equalizer: duet_player::EqSettings,
    /// Playback speed with the pitch kept, 0.5 to 2.0; 1.0 by default.
    pub speed: f32,
}

impl Default for SoundPrefs {
    fn default() -> Self {
        Self {
            output_device: None,
            crossfade_ms: 0,
            on_device_lost: duet_player::DeviceLostAction::default(),
            normalize: false,
            equalizer: duet_player::EqSettings::default(),
            speed: duet_player::PlaybackSpeed::NORMAL.get(),
        }
    }
}

/// The system's media controls and the local now-playing feed (`crate::now_playing`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct NowPlayingPrefs {
    /// MPRIS on Linux, the media overlay on Windows, Now Playing on macOS: the keyboard's media
    /// keys and the desktop's widgets drive Duet. On by default.
    pub media_controls: bool,
    /// The read-only WebSocket on `ws://127.0.0.1:<feed_port>/` for OBS, widgets and lyric
    /// tools. Off by default.
    pub feed_enabled: bool,
    pub feed_port: u16,
}

impl Default for NowPlayingPrefs {
    fn default() -> Self {
        Self {
            media_controls: true,
            feed_enabled: false,
            feed_port: duet_nowplaying::DEFAULT_FEED_PORT,
        }
    }
}

/// The audio cache, downloads and offline mode (`crate::offline` follows these).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct StoragePrefs {
    /// How much played audio is kept, in MiB (0: none); kept playlists and albums do not count.
    pub cache_cap_mb: u32,
    /// Where downloads go, a full path; `None`: a `Duet` folder in the system's music folder.
    pub download_dir: Option<String>,
    /// How downloaded files are named (`duet_download::PLACEHOLDERS`; `/` makes folders).
    pub file_name_pattern: String,
    /// Only what is on this computer plays; nothing is asked of the services to play.
    pub offline_mode: bool,
}

impl Default for StoragePrefs {
    fn default() -> Self {
        Self {
            cache_cap_mb: (duet_cache::DEFAULT_CAP_BYTES >> 20) as u32,
            download_dir: None,
            file_name_pattern: duet_download::DEFAULT_PATTERN.to_owned(),
            offline_mode: false,
        }
    }
}

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
        crate::sound::validate(&next.sound)?;
        crate::offline::validate(&next.storage)?;
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
    // Emitted by name as `events::to_webview` does, so it works whether or not tauri-specta's
    // event registry is mounted on this app (`run` mounts it; the mock-runtime tests do not).
    use tauri::Emitter;
    use tauri_specta::Event;
    let mut changes = store.watch();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let prefs = crate::events::PrefsChanged(changes.borrow_and_update().clone());
            if let Err(e) = app.emit(crate::events::PrefsChanged::NAME, &prefs) {
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

/// Writes `value` as JSON to a temporary file beside `path`, then renames it over `path`: a crash
/// mid-write leaves the previous file whole. Failures are `ErrorKind::Storage`.
pub(crate) fn write_atomically(path: &Path, value: &impl Serialize) -> Result<()> {
    let storage = |what: &str, e: &dyn std::fmt::Display| {
        Error::new(
            ErrorKind::Storage,
            format!("could not {what} {}: {e}", path.display()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| storage("create the folder of", &e))?;
    }
    let json = serde_json::to_vec_pretty(value).map_err(|e| storage("encode", &e))?;
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
    fn the_sound_section_defaults_to_gapless_on_the_default_device_and_reads_partly() {
        let sound = Prefs::default().sound;
        assert_eq!(sound.output_device, None);
        assert_eq!(sound.crossfade_ms, 0);
        assert_eq!(
            sound.on_device_lost,
            duet_player::DeviceLostAction::MoveToDefault
        );
        let json = serde_json::to_value(&sound).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "output_device": null,
                "crossfade_ms": 0,
                "on_device_lost": "move_to_default",
                "normalize": false,
                "equalizer": {
                    "enabled": false,
                    "preset": "flat",
                    "bands_db": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                    "preamp_db": 0.0
                },
                "speed": 1.0
            })
        );
        let read: Prefs =
            serde_json::from_str(r#"{"sound": {"on_device_lost": "pause"}}"#).unwrap();
        assert_eq!(
            read.sound.on_device_lost,
            duet_player::DeviceLostAction::Pause
        );
        assert_eq!(read.sound.crossfade_ms, 0);
    }

    #[test]
    fn the_equaliser_and_speed_round_trip_and_bad_values_are_refused() {
        let dir = dir();
        let path = dir.path().join(FILE_NAME);
        let store = PrefsStore::open(&path);
        let mut equalizer = duet_player::EqSettings::from_preset(duet_player::EqPreset::Rock);
        equalizer.bands_db[2] = -7.5;
        store
            .update(|p| {
                p.sound.equalizer = equalizer;
                p.sound.speed = 1.25;
            })
            .unwrap();
        let read = PrefsStore::open(&path).get().sound;
        assert_eq!(read.equalizer, equalizer);
        assert_eq!(read.speed, 1.25);

        for bad in [
            (|p: &mut Prefs| p.sound.speed = 2.5) as fn(&mut Prefs),
            |p| p.sound.speed = f32::NAN,
            |p| p.sound.equalizer.bands_db[9] = 13.0,
            |p| p.sound.equalizer.preamp_db = f32::INFINITY,
        ] {
            let error = store.update(bad).unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest, "{}", error.message);
        }
        assert_eq!(store.get().sound, read, "a refused change changes nothing");
        assert_eq!(PrefsStore::open(&path).get().sound, read);
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
    fn now_playing_has_media_controls_on_and_the_feed_off_until_asked() {
        let defaults = Prefs::default().now_playing;
        assert!(defaults.media_controls);
        assert!(!defaults.feed_enabled);
        assert_eq!(defaults.feed_port, duet_nowplaying::DEFAULT_FEED_PORT);
        let dir = dir();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, br#"{"now_playing": {"feed_enabled": true}}"#).unwrap();
        let read = PrefsStore::open(&path).get().now_playing;
        assert!(
            read.feed_enabled && read.media_controls,
            "missing fields default"
        );
        assert_eq!(read.feed_port, duet_nowplaying::DEFAULT_FEED_PORT);
    }

    #[test]
    fn desktop_lyrics_read_what_is_there_and_default_the_rest() {
        let dir = dir();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            br#"{"desktop_lyrics": {"visible": true, "font_size": 48}}"#,
        )
        .unwrap();
        let lyrics = PrefsStore::open(&path).get().desktop_lyrics;
        assert!(lyrics.visible);
        assert_eq!(lyrics.font_size, 48);
        assert_eq!(
            DesktopLyricsPrefs {
                visible: true,
                font_size: 48,
                ..DesktopLyricsPrefs::default()
            },
            lyrics
        );
        let store = PrefsStore::open(&path);
        store.update(|p| p.desktop_lyrics.locked = true).unwrap();
        assert!(PrefsStore::open(&path).get().desktop_lyrics.locked);
    }

    #[test]
    fn lrclib_is_off_and_lyrics_fonts_default_until_set() {
        let dir = dir();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, br#"{"desktop_lyrics": {"font_size": 40}}"#).unwrap();
        let prefs = PrefsStore::open(&path).get();
        assert!(!prefs.lyrics.lrclib, "LRCLIB is opt-in");
        assert_eq!(prefs.lyrics.font, LyricsFont::default());
        assert_eq!(prefs.desktop_lyrics.font_family, FontFamily::System);
        assert_eq!(prefs.desktop_lyrics.font_weight, 700);
        std::fs::write(
            &path,
            br#"{"lyrics": {"lrclib": true, "font": {"family": "cjk", "size": 30}},
                "desktop_lyrics": {"font_family": "serif", "font_weight": 400}}"#,
        )
        .unwrap();
        let prefs = PrefsStore::open(&path).get();
        assert!(prefs.lyrics.lrclib);
        assert_eq!(
            prefs.lyrics.font,
            LyricsFont {
                family: FontFamily::Cjk,
                size: 30,
                weight: 700
            }
        );
        assert_eq!(prefs.desktop_lyrics.font_family, FontFamily::Serif);
        assert_eq!(prefs.desktop_lyrics.font_weight, 400);
        assert_eq!(prefs.desktop_lyrics.font_size, 32);
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
