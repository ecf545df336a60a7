// tauri.conf.json lives at the top of the repository (the product card asks for it there), so
// tauri-build is pointed at it; `generate_context!` in src/lib.rs names the same file.

/// The app's own commands; each becomes an `allow-<name>` permission that
/// `capabilities/main.json` grants to the main window.
const COMMANDS: &[&str] = &[
    "app_info",
    "keychain_retry",
    "session_restore",
    "login_qr_start",
    "login_qr_cancel",
    "logout",
    "profile",
    "user_playlists",
    "playlist",
    "search",
    "recommended_tracks",
    "lyrics",
    "comments",
    "post_comment",
    "daily_checkin",
    "cover_colors",
    "player_play",
    "player_enqueue",
    "player_toggle",
    "player_next",
    "player_previous",
    "player_jump",
    "player_seek",
    "player_set_volume",
    "player_set_mode",
    "player_state",
    "player_queue",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
