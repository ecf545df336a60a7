//! Play anywhere in the app, through Tauri's mock runtime with the real config and capabilities,
//! both services logged in against the fake, playing into the null audio sink: a grey NetEase
//! song plays from QQ Music, the state says so, the lyrics followed are QQ Music's, the way back
//! works, and with the setting off QQ Music is never searched.

mod mock_app;

use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins::{self, TWINS_PLAYLIST_ID};
use mock_app::MockApp;
use serde_json::{json, Value};
use tauri::Manager;

/// The app with NetEase logged in by its QR code and QQ Music by pasted cookies (a non-VIP
/// account, so QQ Music's VIP songs give trials).
fn both_logged_in() -> MockApp {
    let app = MockApp::start();
    app.log_in_netease();
    app.fake.qq().set_vip(QqAccount::Qq, false);
    let issued = app.fake.qq().issue_session(QqAccount::Qq);
    let cookie = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    app.ok(
        "login_cookie",
        json!({ "provider": "qq", "cookie": cookie }),
    );
    app
}

/// The NetEase "Duet twins" playlist's track with this NetEase id, as the UI would queue it.
fn twins_track(app: &MockApp, netease_id: u64) -> Value {
    let playlist = app.ok(
        "playlist",
        json!({ "provider": "netease", "id": TWINS_PLAYLIST_ID.to_string() }),
    );
    playlist["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"].as_str() == Some(netease_id.to_string().as_str()))
        .unwrap_or_else(|| panic!("{netease_id} in the twins playlist"))
        .clone()
}

fn qq_searches(app: &MockApp) -> usize {
    app.fake
        .requests()
        .iter()
        .filter(|r| {
            r.call
                .as_deref()
                .is_some_and(|c| c.contains("SearchCgiService"))
        })
        .count()
}

#[test]
fn a_grey_netease_song_plays_from_qq_music_until_the_person_asks_for_the_original() {
    let app = both_logged_in();
    let daoxiang = twins::twin_titled("稻香").unwrap();
    let grey = twins_track(&app, daoxiang.netease.id);
    assert_eq!(grey["playable"], false, "{grey}");

    let since = app.seen();
    app.ok("player_play", json!({ "tracks": [grey], "startIndex": 0 }));
    let playing = app.wait_event(since, "player-state", |s| s["status"] == "playing");
    assert_eq!(playing["track"]["provider"], "netease");
    assert_eq!(playing["track"]["id"], daoxiang.netease.track_id());
    assert_eq!(playing["substitute"]["provider"], "qq");
    assert_eq!(playing["substitute"]["id"], daoxiang.qq.track_id());
    assert!(playing["trial"].is_null(), "the whole song: {playing}");
    assert!(playing["error"].is_null(), "{playing}");
    // The audio really plays, and the queue keeps the NetEase song.
    app.wait_event(since, "player-position", |p| {
        p["position_ms"].as_u64().unwrap() >= 300
    });
    let queue = app.ok("player_queue", json!({}));
    assert_eq!(queue[0]["id"], daoxiang.netease.track_id());
    // The lines followed are QQ Music's, timed to what is heard.
    let line = app.wait_event(since, "lyric-line", |_| true);
    assert_eq!(line["track_id"], daoxiang.qq.track_id());
    let lyrics = app.ok("lyrics_playing", json!({}));
    assert_eq!(lyrics["provider"], "qq");
    assert_eq!(lyrics["track_id"], daoxiang.qq.track_id());
    assert_eq!(qq_searches(&app), 1);

    // The way back: the NetEase song itself, which is grey, so it is skipped with its reason.
    let since = app.seen();
    let state = app.ok("player_keep_original", json!({}));
    assert!(state["substitute"].is_null(), "{state}");
    let skipped = app.wait_event(since, "player-skipped", |_| true);
    assert_eq!(skipped["track"]["id"], daoxiang.netease.track_id());
    assert!(
        skipped["reason"].as_str().unwrap().contains("copyright"),
        "NetEase's own reason: {skipped}"
    );
    let state = app.ok("player_state", json!({}));
    assert!(state["substitute"].is_null(), "{state}");
    assert_eq!(qq_searches(&app), 1, "kept to NetEase: no search");
}

#[test]
fn with_play_anywhere_off_qq_music_is_never_searched() {
    let app = both_logged_in();
    let dir = tempfile::tempdir().unwrap();
    app.app.manage(duet_app::prefs::PrefsStore::open(
        dir.path().join(duet_app::prefs::FILE_NAME),
    ));
    app.app
        .state::<duet_app::Duet>()
        .follow_playback(&app.app.state::<duet_app::prefs::PrefsStore>());
    let mut prefs = app.ok("prefs_get", json!({}));
    assert_eq!(prefs["playback"]["play_anywhere"], true, "on by default");
    prefs["playback"]["play_anywhere"] = json!(false);
    let saved = app.ok("prefs_set", json!({ "next": prefs }));
    assert_eq!(saved["playback"]["play_anywhere"], false);

    let daoxiang = twins::twin_titled("稻香").unwrap();
    let grey = twins_track(&app, daoxiang.netease.id);
    let since = app.seen();
    app.ok("player_play", json!({ "tracks": [grey], "startIndex": 0 }));
    let skipped = app.wait_event(since, "player-skipped", |_| true);
    assert_eq!(skipped["track"]["id"], daoxiang.netease.track_id());
    assert!(
        skipped["reason"].as_str().unwrap().contains("copyright"),
        "NetEase's own reason: {skipped}"
    );
    let state = app.wait_event(since, "player-state", |s| s["status"] == "idle");
    assert!(state["substitute"].is_null(), "{state}");
    assert_eq!(qq_searches(&app), 0);

    // Turned on again: the next play finds it.
    prefs["playback"]["play_anywhere"] = json!(true);
    app.ok("prefs_set", json!({ "next": prefs }));
    let grey = twins_track(&app, daoxiang.netease.id);
    let since = app.seen();
    app.ok("player_play", json!({ "tracks": [grey], "startIndex": 0 }));
    let playing = app.wait_event(since, "player-state", |s| s["status"] == "playing");
    assert_eq!(playing["substitute"]["id"], daoxiang.qq.track_id());
}
