//! The media controls and the now-playing feed (`crate::now_playing`): what runs, for the
//! settings. They are switched through the preferences (`prefs_set`).

use tauri::State;

use crate::now_playing::NowPlayingStatus;
use crate::state::Duet;

/// Whether the media controls run, the feed's URL while it runs, and why either could not start.
/// Each change is also announced (`now-playing-status`).
#[tauri::command]
#[specta::specta]
pub fn now_playing_status(duet: State<'_, Duet>) -> NowPlayingStatus {
    duet.now_playing.status()
}
