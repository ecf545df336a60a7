//! The desktop parts through Tauri's mock runtime, with the real config and capabilities: the
//! actions the tray menu and the global shortcuts run drive the real player (on the null sink,
//! against the fake upstream), and `prefs_set` refuses shortcuts that cannot work.

mod mock_app;

use duet_app::actions::{self, Action};
use duet_app::prefs::{PrefsStore, FILE_NAME};
use mock_app::MockApp;
use serde_json::json;
use tauri::Manager;

/// The app on the mock runtime with its preferences and global shortcuts, as `run` sets them up.
struct Harness {
    mock: MockApp,
    config: tempfile::TempDir,
}

impl std::ops::Deref for Harness {
    type Target = MockApp;
    fn deref(&self) -> &MockApp {
        &self.mock
    }
}

fn harness() -> Harness {
    let mock = MockApp::start();
    let config = tempfile::tempdir().unwrap();
    mock.app
        .manage(PrefsStore::open(config.path().join(FILE_NAME)));
    duet_app::shortcuts::start(mock.app.handle());
    Harness { mock, config }
}

#[test]
fn the_tray_and_shortcut_actions_drive_the_player() {
    let h = harness();
    h.log_in_netease();
    let playlist = h.ok(
        "playlist",
        json!({ "provider": "netease", "id": "9000001200" }),
    );
    let free = mock_app::free_tracks(&playlist, 3);
    h.ok("player_play", json!({ "tracks": free, "startIndex": 0 }));
    h.wait_event(0, "player-state", |s| {
        s["status"] == "playing" && s["index"] == 0
    });
    let handle = h.app.handle();

    let seen = h.seen();
    actions::run(handle, Action::PlayPause);
    h.wait_event(seen, "player-state", |s| s["status"] == "paused");
    let seen = h.seen();
    actions::run(handle, Action::PlayPause);
    h.wait_event(seen, "player-state", |s| s["status"] == "playing");

    let seen = h.seen();
    actions::run(handle, Action::Next);
    let next = h.wait_event(seen, "player-state", |s| {
        s["index"] == 1 && s["status"] == "playing"
    });
    assert_eq!(next["track"]["id"], free[1]["id"]);
    let seen = h.seen();
    actions::run(handle, Action::Previous);
    let back = h.wait_event(seen, "player-state", |s| s["index"] == 0);
    assert_eq!(back["track"]["id"], free[0]["id"]);

    // The tray's label of that state.
    let state: duet_player::PlayerState =
        serde_json::from_value(h.ok("player_state", json!({}))).unwrap();
    let artists = free[0]["artists"][0]["name"].as_str().unwrap();
    let label = duet_app::tray::track_label(Some(&state), duet_app::tray::TrayLanguage::En.words());
    assert!(
        label.starts_with(&format!(
            "{} — {artists}",
            free[0]["title"].as_str().unwrap()
        )) || label.ends_with('…'),
        "{label}"
    );
}

#[test]
fn prefs_set_refuses_shortcuts_that_cannot_work_and_keeps_the_old_ones() {
    let h = harness();
    let mut prefs = h.ok("prefs_get", json!({}));
    assert_eq!(prefs["shortcuts"]["enabled"], false);
    prefs["shortcuts"]["next"] = json!("Ctrl+Alt+Banana");
    let error = h
        .invoke("prefs_set", json!({ "next": prefs }))
        .expect_err("refused");
    assert_eq!(error["kind"], "bad_request");
    assert!(
        error["message"].as_str().unwrap().contains("Banana"),
        "{error}"
    );
    assert_eq!(
        h.ok("prefs_get", json!({}))["shortcuts"]["next"],
        "Ctrl+Alt+Right"
    );
    assert!(!h.config.path().join(FILE_NAME).exists(), "nothing written");

    prefs["shortcuts"]["next"] = json!("Ctrl+Alt+P");
    let error = h.invoke("prefs_set", json!({ "next": prefs })).unwrap_err();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("both play/pause and next"),
        "{error}"
    );

    prefs["shortcuts"]["next"] = json!("Ctrl+Shift+N");
    prefs["window"]["close_to_tray"] = json!(true);
    let saved = h.ok("prefs_set", json!({ "next": prefs }));
    assert_eq!(saved["shortcuts"]["next"], "Ctrl+Shift+N");
    assert_eq!(saved["window"]["close_to_tray"], true);
    assert!(h.config.path().join(FILE_NAME).exists());
    // Off, nothing is grabbed and nothing is wrong.
    assert_eq!(h.ok("shortcut_problems", json!({})), json!([]));
}
