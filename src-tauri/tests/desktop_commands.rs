//! The desktop parts through Tauri's mock runtime, with the real config and capabilities: the
//! actions the tray menu and the global shortcuts run drive the real player (on the null sink,
//! against the fake upstream), and `prefs_set` refuses shortcuts that cannot work.

mod mock_app;

use std::time::{Duration, Instant};

use duet_app::actions::{self, Action};
use duet_app::prefs::{PrefsStore, FILE_NAME};
use duet_app::Duet;
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use mock_app::{invoke, recorder, runtime, Recorded};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};

struct Harness {
    app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Recorded,
    fake: FakeUpstream,
    config: tempfile::TempDir,
}

fn harness() -> Harness {
    let rt = runtime();
    let fake = rt
        .block_on(FakeUpstream::spawn(FakeConfig::default()))
        .unwrap();
    let (events, sink) = recorder();
    let settings = mock_app::settings(&fake);
    let duet = rt
        .block_on(async { Duet::new(settings, duet_services::memory_store(), sink).await })
        .unwrap();
    let context = tauri::generate_context!("../tauri.conf.json");
    let app = duet_app::commands::register(mock_builder())
        .build(context)
        .unwrap();
    app.manage(duet);
    let config = tempfile::tempdir().unwrap();
    app.manage(PrefsStore::open(config.path().join(FILE_NAME)));
    duet_app::shortcuts::start(app.handle());
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        app,
        window,
        events,
        fake,
        config,
    }
}

impl Harness {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke(&self.window, cmd, args)
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// Waits for a `player-state` matching `pred`, among those after the `skip` first.
    fn wait_state(&self, skip: usize, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self
                .events
                .lock()
                .unwrap()
                .iter()
                .filter(|(n, _)| n == "player-state")
                .skip(skip)
                .find(|(_, p)| pred(p))
                .map(|(_, p)| p.clone());
            if let Some(state) = found {
                return state;
            }
            assert!(Instant::now() < deadline, "no such player-state");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn states_so_far(&self) -> usize {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, _)| n == "player-state")
            .count()
    }

    fn log_in(&self) {
        let qr = self.ok("login_qr_start", json!({ "provider": "netease" }));
        let key = qr["key"].as_str().unwrap().to_owned();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.fake.netease().scan(&key) {
            assert!(Instant::now() < deadline, "the code was never polled");
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(self.fake.netease().confirm(&key));
        while self.ok("session_restore", json!({}))[0]["state"] != "logged_in" {
            assert!(Instant::now() < deadline, "the login never completed");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn the_tray_and_shortcut_actions_drive_the_player() {
    let h = harness();
    h.log_in();
    let playlist = h.ok(
        "playlist",
        json!({ "provider": "netease", "id": "9000001200" }),
    );
    let free: Vec<Value> = playlist["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["playable"] == true && t["vip"] == false)
        .take(3)
        .cloned()
        .collect();
    assert_eq!(free.len(), 3);
    h.ok("player_play", json!({ "tracks": free, "startIndex": 0 }));
    h.wait_state(0, |s| s["status"] == "playing" && s["index"] == 0);
    let handle = h.app.handle();

    let seen = h.states_so_far();
    actions::run(handle, Action::PlayPause);
    h.wait_state(seen, |s| s["status"] == "paused");
    let seen = h.states_so_far();
    actions::run(handle, Action::PlayPause);
    h.wait_state(seen, |s| s["status"] == "playing");

    let seen = h.states_so_far();
    actions::run(handle, Action::Next);
    let next = h.wait_state(seen, |s| s["index"] == 1 && s["status"] == "playing");
    assert_eq!(next["track"]["id"], free[1]["id"]);
    let seen = h.states_so_far();
    actions::run(handle, Action::Previous);
    let back = h.wait_state(seen, |s| s["index"] == 0);
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
