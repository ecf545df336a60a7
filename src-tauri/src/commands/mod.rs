//! The Tauri commands, one file per domain; each is a thin call into `duet-core` through
//! [`Duet`](crate::state::Duet). Errors reach the UI as the `duet_core::Error` object.

pub mod library;
pub mod player;
pub mod session;

/// Registers every command on a builder (the app's and the tests' mock builder alike).
pub fn register<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        session::app_info,
        session::keychain_retry,
        session::session_restore,
        session::login_qr_start,
        session::login_qr_cancel,
        session::logout,
        session::profile,
        library::user_playlists,
        library::playlist,
        library::search,
        library::recommended_tracks,
        library::lyrics,
        library::comments,
        library::post_comment,
        library::daily_checkin,
        library::cover_colors,
        player::player_play,
        player::player_enqueue,
        player::player_toggle,
        player::player_next,
        player::player_previous,
        player::player_jump,
        player::player_seek,
        player::player_set_volume,
        player::player_set_mode,
        player::player_state,
        player::player_queue,
    ])
}
