//! The desktop lyrics window (`crate::desktop_lyrics`), the per-track lyric offset
//! (`crate::lyric_offset`) and the mini player (`crate::mini_player`).

use duet_core::{Lyrics, ProviderId, Result};
use tauri::State;

use crate::desktop_lyrics::{self, DesktopLyricsSupport};
use crate::prefs::{DesktopLyricsPrefs, PrefsStore};
use crate::state::Duet;

/// Opens the desktop lyrics when they are closed, closes them when open.
#[tauri::command]
#[specta::specta]
pub fn desktop_lyrics_toggle(prefs: State<'_, PrefsStore>) -> Result<DesktopLyricsPrefs> {
    desktop_lyrics::toggle_in(&prefs)
}

/// Locks the desktop lyrics (clicks go through) or unlocks them (they can be moved).
#[tauri::command]
#[specta::specta]
pub fn desktop_lyrics_lock(
    prefs: State<'_, PrefsStore>,
    locked: bool,
) -> Result<DesktopLyricsPrefs> {
    desktop_lyrics::set_locked(&prefs, locked)
}

/// Whether this desktop keeps the lyrics on top of other windows.
#[tauri::command]
#[specta::specta]
pub fn desktop_lyrics_support() -> DesktopLyricsSupport {
    DesktopLyricsSupport::current()
}

/// The lyrics the playing track's lines are followed in (`lyric-line` indexes into them), as
/// already fetched for it: no second request to the service. None until they have arrived.
#[tauri::command]
#[specta::specta]
pub fn lyrics_playing(duet: State<'_, Duet>) -> Option<Lyrics> {
    duet.player.playing_lyrics()
}

/// The track's lyric offset in milliseconds (0 when none was set).
#[tauri::command]
#[specta::specta]
pub fn lyric_offset_get(duet: State<'_, Duet>, provider: ProviderId, track_id: String) -> i64 {
    duet.player.offsets().get(provider, &track_id)
}

/// Sets the track's lyric offset (steps of 100 ms, up to ±30 s; 0 resets it); the playing line
/// is told again at once. Answers the offset now kept.
#[tauri::command]
#[specta::specta]
pub fn lyric_offset_set(
    duet: State<'_, Duet>,
    provider: ProviderId,
    track_id: String,
    offset_ms: i64,
) -> Result<i64> {
    duet.player.set_lyric_offset(provider, &track_id, offset_ms)
}

/// Opens the mini player, or closes it; answers whether it is open now.
#[tauri::command]
#[specta::specta]
pub async fn mini_player_toggle(mini: State<'_, crate::mini_player::MiniPlayer>) -> Result<bool> {
    mini.toggle().await
}
