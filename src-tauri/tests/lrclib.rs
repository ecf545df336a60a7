//! LRCLIB in the app, through Tauri's mock runtime with the real config and capabilities,
//! NetEase logged in against the fake (which also plays `lrclib.net`): off by default, so a
//! song without lyrics stays without and LRCLIB is never asked; once the person turns it on,
//! the lyrics page's command and the lines followed while playing (the desktop lyrics' and
//! the now-playing feed's) are LRCLIB's, marked as such, asked once. And nothing ever checks in
//! without a press.

mod mock_app;

use duet_fake_upstream::lrclib::NETEASE_NOLYRIC_SONG;
use mock_app::MockApp;
use serde_json::{json, Value};
use tauri::Manager;

/// The app logged in to NetEase, its preferences in a file of its own, followed as the app
/// does at start.
fn app() -> (MockApp, tempfile::TempDir) {
    let app = MockApp::start();
    app.log_in_netease();
    let dir = tempfile::tempdir().unwrap();
    app.app.manage(duet_app::prefs::PrefsStore::open(
        dir.path().join(duet_app::prefs::FILE_NAME),
    ));
    app.app
        .state::<duet_app::Duet>()
        .follow_lyrics_source(&app.app.state::<duet_app::prefs::PrefsStore>());
    (app, dir)
}

fn lrclib_requests(app: &MockApp) -> Vec<String> {
    app.fake
        .requests()
        .into_iter()
        .filter(|r| r.host == "lrclib.net")
        .map(|r| format!("{} {}", r.logical_path, r.status))
        .collect()
}

/// NetEase's song without lyrics, as a playlist lists it (what the UI queues).
fn song_without_lyrics(app: &MockApp) -> Value {
    let playlist = app.ok(
        "playlist",
        json!({ "provider": "netease", "id": "9000000100" }),
    );
    let id = NETEASE_NOLYRIC_SONG.to_string();
    playlist["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"].as_str() == Some(id.as_str()))
        .expect("the song in the generated playlist")
        .clone()
}

fn play(app: &MockApp, track: &Value) -> usize {
    let since = app.seen();
    app.ok("player_play", json!({ "tracks": [track], "startIndex": 0 }));
    app.wait_event(since, "player-state", |s| s["status"] == "playing");
    since
}

fn set_lrclib(app: &MockApp, on: bool) {
    let mut prefs = app.ok("prefs_get", json!({}));
    prefs["lyrics"]["lrclib"] = json!(on);
    let saved = app.ok("prefs_set", json!({ "next": prefs }));
    assert_eq!(saved["lyrics"]["lrclib"], on);
}

#[test]
fn off_by_default_a_song_without_lyrics_stays_without_and_lrclib_is_never_asked() {
    let (app, _dir) = app();
    let prefs = app.ok("prefs_get", json!({}));
    assert_eq!(prefs["lyrics"]["lrclib"], false, "opt-in: {prefs}");
    let id = NETEASE_NOLYRIC_SONG.to_string();
    let lyrics = app.ok("lyrics", json!({ "provider": "netease", "trackId": id }));
    assert_eq!(lyrics["instrumental"], true, "{lyrics}");
    assert!(lyrics.get("source").is_none(), "{lyrics}");
    let track = song_without_lyrics(&app);
    let since = play(&app, &track);
    app.wait_event(since, "player-position", |p| {
        p["position_ms"].as_u64().unwrap() >= 300
    });
    let playing = app.ok("lyrics_playing", json!({}));
    assert!(playing.get("source").is_none(), "{playing}");
    assert!(
        lrclib_requests(&app).is_empty(),
        "{:?}",
        lrclib_requests(&app)
    );
}

#[test]
fn turned_on_the_page_and_the_followed_lines_are_lrclibs_asked_once() {
    let (app, _dir) = app();
    set_lrclib(&app, true);
    let id = NETEASE_NOLYRIC_SONG.to_string();
    let lyrics = app.ok("lyrics", json!({ "provider": "netease", "trackId": id }));
    assert_eq!(lyrics["source"], json!({"site": "lrclib", "synced": true}));
    assert_eq!(lyrics["provider"], "netease");
    assert_eq!(lyrics["track_id"], id);
    assert_eq!(
        lyrics["lines"][0]["text"],
        format!("LRCLIB's words for Track {NETEASE_NOLYRIC_SONG}")
    );

    // Playing it: the line follower (desktop lyrics, now-playing feed) has the same lines.
    let track = song_without_lyrics(&app);
    let since = play(&app, &track);
    let line = app.wait_event(since, "lyric-line", |l| l["index"] == 0);
    assert_eq!(line["track_id"], id);
    assert_eq!(
        line["text"],
        format!("LRCLIB's words for Track {NETEASE_NOLYRIC_SONG}")
    );
    let playing = app.ok("lyrics_playing", json!({}));
    assert_eq!(playing["source"]["site"], "lrclib");
    assert_eq!(
        lrclib_requests(&app),
        ["/api/get 200"],
        "asked once for the session"
    );

    // Off again: LRCLIB is not asked for the next song without lyrics.
    set_lrclib(&app, false);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let other = app.ok(
        "lyrics",
        json!({ "provider": "netease", "trackId": "700000199" }),
    );
    assert!(other.get("source").is_none(), "{other}");
    assert_eq!(lrclib_requests(&app), ["/api/get 200"]);
}

#[test]
fn nothing_checks_in_without_a_press() {
    let (app, _dir) = app();
    app.ok("user_playlists", json!({ "provider": "netease" }));
    let track = song_without_lyrics(&app);
    let since = play(&app, &track);
    app.wait_event(since, "player-position", |p| {
        p["position_ms"].as_u64().unwrap() >= 500
    });
    let check_ins = |app: &MockApp| {
        app.fake
            .requests()
            .iter()
            .filter(|r| r.logical_path == "/api/point/dailyTask")
            .count()
    };
    assert_eq!(check_ins(&app), 0, "no check-in by itself");
    let checked = app.ok("daily_checkin", json!({ "provider": "netease" }));
    assert!(checked.is_object(), "{checked}");
    assert_eq!(check_ins(&app), 1, "one on the press, and no retry");
}
