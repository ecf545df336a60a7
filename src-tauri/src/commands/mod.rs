//! The Tauri commands, one file per domain; each is a thin call into `duet-core` through
//! [`Duet`](crate::state::Duet). Errors reach the UI as the `duet_core::Error` object.
//!
//! A new command is its handler, one line in [`collected`] and its `allow-…` permission in
//! `capabilities/main.json`: `build.rs` reads the ACL manifest from the list below, and the UI's
//! typed functions are generated from it (`crate::bindings`).

pub mod albums;
pub mod cloud;
pub mod cookie_login;
pub mod history;
pub mod library;
pub mod listening;
pub mod lyrics_desktop;
pub mod my_library;
pub mod now_playing;
pub mod offline;
pub mod player;
pub mod playlist_tools;
pub mod podcasts;
pub mod prefs;
pub mod radio;
pub mod scrobble;
pub mod search;
pub mod session;
pub mod share;
pub mod shortcuts;
pub mod sound;
pub mod transfer;
pub mod tray;

/// Every command, with the types the bindings are generated from.
pub fn collected<R: tauri::Runtime>() -> tauri_specta::Commands<R> {
    tauri_specta::collect_commands![
        session::app_info,
        session::keychain_retry,
        session::session_restore,
        session::login_qr_start,
        session::login_qr_cancel,
        cookie_login::login_cookie,
        cookie_login::login_web_open,
        cookie_login::login_web_close,
        session::logout,
        session::profile,
        library::user_playlists,
        library::playlist,
        library::search,
        search::search_all,
        library::recommended_tracks,
        library::lyrics,
        library::comments,
        library::post_comment,
        library::daily_checkin,
        library::cover_colors,
        my_library::liked_ids,
        my_library::like_track,
        my_library::playlist_create,
        my_library::playlist_rename,
        my_library::playlist_delete,
        my_library::playlist_add_tracks,
        my_library::playlist_remove_tracks,
        my_library::playlist_follow,
        albums::album,
        albums::artist,
        albums::artist_albums,
        radio::fm_batch,
        radio::fm_trash,
        radio::heartbeat,
        player::player_play,
        player::player_enqueue,
        player::player_toggle,
        player::player_next,
        player::player_previous,
        player::player_jump,
        player::player_play_next,
        player::player_remove,
        player::player_move,
        player::player_clear_queue,
        player::player_seek,
        player::player_set_volume,
        player::player_set_mode,
        player::player_state,
        player::player_queue,
        player::player_keep_original,
        prefs::prefs_get,
        prefs::prefs_set,
        sound::sound_devices,
        now_playing::now_playing_status,
        lyrics_desktop::lyrics_playing,
        lyrics_desktop::lyric_offset_get,
        lyrics_desktop::lyric_offset_set,
        lyrics_desktop::desktop_lyrics_toggle,
        lyrics_desktop::desktop_lyrics_lock,
        lyrics_desktop::desktop_lyrics_support,
        lyrics_desktop::mini_player_toggle,
        shortcuts::shortcut_problems,
        tray::tray_language,
        playlist_tools::playlist_duplicates,
        playlist_tools::playlist_export,
        share::share_open,
        share::share_link,
        share::track,
        history::history_list,
        history::history_clear,
        offline::storage_status,
        offline::cache_clear,
        offline::offline_tracks,
        offline::offline_keep,
        offline::offline_unkeep,
        offline::offline_collection,
        offline::download_track,
        offline::download_collection,
        listening::listening_summary,
        listening::listening_save_image,
        transfer::transfer_preview,
        transfer::transfer_preview_cancel,
        transfer::transfer_start,
        transfer::transfer_list,
        transfer::transfer_get,
        transfer::transfer_stop,
        transfer::transfer_resume,
        podcasts::podcasts_subscribed,
        podcasts::podcast,
        podcasts::podcast_episodes,
        podcasts::podcast_subscribe,
        podcasts::podcast_play,
        podcasts::podcast_progress,
        scrobble::scrobble_status,
        scrobble::scrobble_lastfm_api_account,
        scrobble::scrobble_lastfm_connect,
        scrobble::scrobble_lastfm_finish,
        scrobble::scrobble_listenbrainz_connect,
        scrobble::scrobble_disconnect,
        cloud::cloud_tracks,
        cloud::cloud_search,
        cloud::cloud_upload,
        cloud::cloud_delete,
    ]
}

/// Registers every command on a builder (the app's and the tests' mock builder alike).
pub fn register<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(crate::bindings::builder::<R>().invoke_handler())
}
