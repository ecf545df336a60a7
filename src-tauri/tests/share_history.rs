//! Share links, playlist tools and recently played through the app's commands (Tauri's mock
//! runtime, the real config and capabilities) against the fake upstream: a short link resolved
//! by the fake's redirect, an export written to disk, and a restart (a new app over the same
//! data folder) that finds the history and the queue, paused where it was.

mod mock_app;

use std::path::Path;
use std::time::{Duration, Instant};

use duet_app::history;
use duet_app::Duet;
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use mock_app::{invoke, recorder, runtime, Recorded};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Recorded,
}

/// The app as `run` sets it up, over `data` (its data folder) and the fake.
fn start(fake: &FakeUpstream, data: &Path) -> App {
    let rt = runtime();
    let (events, sink) = recorder();
    let settings = mock_app::settings(fake);
    let duet = rt
        .block_on(async { Duet::new(settings, duet_services::memory_store(), sink).await })
        .unwrap();
    let context = tauri::generate_context!("../tauri.conf.json");
    let app = duet_app::commands::register(mock_builder())
        .build(context)
        .unwrap();
    let recently = rt.block_on(async { history::start(&duet, data) });
    app.manage(recently);
    app.manage(duet_app::commands::playlist_tools::ExportFolder(Some(
        data.join("Downloads"),
    )));
    app.manage(duet);
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    App {
        _app: app,
        window,
        events,
    }
}

impl App {
    fn ok(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn error(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).expect_err(cmd)
    }

    fn wait_event(&self, name: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self
                .events
                .lock()
                .unwrap()
                .iter()
                .find(|(n, p)| n == name && pred(p))
                .map(|(_, p)| p.clone());
            if let Some(payload) = found {
                return payload;
            }
            assert!(Instant::now() < deadline, "no {name} event");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn share_links_open_through_the_fake_and_history_and_queue_survive_a_restart() {
    let fake = runtime()
        .block_on(FakeUpstream::spawn(FakeConfig::default()))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let app = start(&fake, data.path());

    // A pasted share text with a short link: one redirect, read at the fake.
    let target = app.ok(
        "share_open",
        json!({ "text": "分享歌单: http://163cn.tv/duetList (来自@网易云音乐)" }),
    );
    assert_eq!(
        target,
        json!({ "provider": "netease", "kind": "playlist", "id": "131149308" })
    );
    let qq = app.ok(
        "share_open",
        json!({ "text": "https://c6.y.qq.com/base/fcgi-bin/u?__=duetSong" }),
    );
    assert_eq!(
        qq,
        json!({ "provider": "qq", "kind": "track", "id": "000JHYA12lx3kP" })
    );
    let unknown = app.error("share_open", json!({ "text": "https://163cn.tv/nope" }));
    assert_eq!(unknown["kind"], "not_found");
    let bad = app.error(
        "share_open",
        json!({ "text": "https://evil.example/song?id=1" }),
    );
    assert_eq!(bad["kind"], "bad_request");
    assert_eq!(
        app.ok("share_link", json!({ "target": qq })),
        "https://y.qq.com/n/ryqq/songDetail/000JHYA12lx3kP"
    );

    // The playlist it names: its duplicates, an export into the folder, never over a file.
    let playlist = app.ok(
        "playlist",
        json!({ "provider": "netease", "id": target["id"] }),
    );
    let tracks = playlist["tracks"].as_array().unwrap().clone();
    assert!(app
        .ok("playlist_duplicates", json!({ "tracks": tracks }))
        .is_array());
    let args = json!({ "playlist": playlist, "format": "m3u", "sort": "title", "order": "asc" });
    let first = app.ok("playlist_export", args.clone());
    let second = app.ok("playlist_export", args);
    assert_ne!(first, second);
    let m3u = std::fs::read_to_string(first.as_str().unwrap()).unwrap();
    assert!(m3u.starts_with("#EXTM3U\n#PLAYLIST:"), "{m3u}");
    assert_eq!(
        m3u.matches("https://music.163.com/song?id=").count(),
        tracks.len()
    );

    // Play, then pause a second in: the history has it, and the queue and position are saved.
    let playable: Vec<Value> = tracks
        .iter()
        .filter(|t| t["playable"] == true)
        .cloned()
        .collect();
    assert!(!playable.is_empty());
    app.ok(
        "player_play",
        json!({ "tracks": playable, "startIndex": playable.len() - 1 }),
    );
    app.wait_event("player-position", |p| {
        p["position_ms"].as_u64().unwrap() >= 800
    });
    let paused = app.ok("player_toggle", json!({}));
    assert_eq!(paused["status"], "paused");
    let position = paused["position_ms"].as_u64().unwrap();
    let last = playable.last().unwrap()["id"].clone();
    let history = app.ok("history_list", json!({}));
    assert_eq!(history[0]["track"]["id"], last, "{history}");
    let saved = || -> Option<Value> {
        let text = std::fs::read_to_string(data.path().join(history::POSITION_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    };
    eventually("the position is saved when playback pauses", || {
        saved().is_some_and(|s| s["position_ms"].as_u64() >= Some(position.saturating_sub(500)))
    });
    eventually("the history is saved", || {
        data.path().join(history::HISTORY_FILE).exists()
    });
    drop(app);

    // A restart: the same data folder, a new app.
    let app = start(&fake, data.path());
    let state = app.ok("player_state", json!({}));
    assert_eq!(state["status"], "paused", "{state}");
    assert_eq!(state["index"], playable.len() - 1);
    assert_eq!(state["track"]["id"], last);
    // Where it paused: written at the pause, and again if the output reports the paused
    // position a moment later (the samples it still held), so allow for that.
    let restored = state["position_ms"].as_u64().unwrap();
    assert!(
        restored.abs_diff(position) <= 250,
        "paused at {position} ms, back at {restored} ms"
    );
    let position = restored;
    let queue = app.ok("player_queue", json!({}));
    assert_eq!(queue.as_array().unwrap().len(), playable.len());
    let history = app.ok("history_list", json!({}));
    assert_eq!(history[0]["track"]["id"], last);
    assert!(history[0]["played_at_ms"].as_u64().unwrap() > 1_700_000_000_000);

    // Play goes on from there; clearing the history empties it on disk too.
    let resumed = app.ok("player_toggle", json!({}));
    assert!(
        resumed["position_ms"].as_u64().unwrap() >= position,
        "{resumed}"
    );
    app.wait_event("player-state", |s| s["status"] == "playing");
    app.ok("history_clear", json!({}));
    assert_eq!(app.ok("history_list", json!({})), json!([]));
    assert_eq!(
        std::fs::read_to_string(data.path().join(history::HISTORY_FILE)).unwrap(),
        "[]"
    );
}
