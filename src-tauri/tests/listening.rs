//! The listening record through the app: the player on the null sink against the fake, fed
//! into the record by the same loop as Recently played, read back by the Listening screen's
//! commands (Tauri's mock runtime, the real config and capabilities), and its picture saved.

mod mock_app;

use std::path::Path;
use std::time::{Duration, Instant};

use duet_app::{history, Duet};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use mock_app::{free_tracks, invoke, recorder, runtime, seen, wait_event, Recorded};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};

struct App {
    app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Recorded,
}

/// The app as `run` sets it up, over `data` (its data folder) and the fake.
fn start(fake: &FakeUpstream, data: &Path) -> App {
    let rt = runtime();
    let (events, sink) = recorder();
    let duet = rt
        .block_on(async {
            Duet::new(
                mock_app::settings(fake),
                duet_services::memory_store(),
                sink,
            )
            .await
        })
        .unwrap();
    let context = tauri::generate_context!("../tauri.conf.json");
    let app = duet_app::commands::register(mock_builder())
        .build(context)
        .unwrap();
    let (recently, listening) =
        rt.block_on(async { history::start_recording(&duet, data, Some(data.join("Pictures"))) });
    app.manage(recently);
    app.manage(listening);
    app.manage(duet);
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    App {
        app,
        window,
        events,
    }
}

impl App {
    fn ok(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn position_at_least(&self, since: usize, ms: u64) {
        wait_event(&self.events, since, "player-position", |p| {
            p["position_ms"].as_u64().unwrap() >= ms
        });
    }

    fn summary(&self, service: Value) -> Value {
        self.ok(
            "listening_summary",
            json!({ "period": "week", "service": service, "utcOffsetMinutes": 480 }),
        )
    }
}

#[test]
fn a_play_on_the_null_sink_is_recorded_with_the_time_heard() {
    let fake = runtime()
        .block_on(FakeUpstream::spawn(FakeConfig::default()))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let app = start(&fake, data.path());

    let empty = app.summary(Value::Null);
    assert_eq!(
        empty["totals"]["all_time"],
        json!({ "heard_ms": 0, "plays": 0 })
    );
    assert_eq!(empty["days"].as_array().unwrap().len(), 30);
    assert_eq!(empty["tops"]["tracks"], json!([]));

    let playlist = app.ok(
        "playlist",
        json!({ "provider": "netease", "id": "131149308" }),
    );
    let tracks = free_tracks(&playlist, 2);
    // The first track for about a second: too short to count.
    let since = seen(&app.events);
    app.ok("player_play", json!({ "tracks": tracks, "startIndex": 0 }));
    app.position_at_least(since, 1_000);
    // The second: three seconds, a seek 9 s ahead (not heard), five more seconds, a pause.
    let since = seen(&app.events);
    app.ok("player_next", json!({}));
    wait_event(&app.events, since, "player-state", |s| {
        s["status"] == "playing" && s["track"]["id"] == tracks[1]["id"]
    });
    app.position_at_least(since, 3_000);
    let since = seen(&app.events);
    app.ok("player_seek", json!({ "positionMs": 12_000 }));
    app.position_at_least(since, 17_000);
    let paused = app.ok("player_toggle", json!({}));
    assert_eq!(paused["status"], "paused");

    // Written a moment after the pause, on the record's own thread.
    let deadline = Instant::now() + Duration::from_secs(20);
    let summary = loop {
        let summary = app.summary(Value::Null);
        if summary["totals"]["all_time"]["plays"] == 1 {
            break summary;
        }
        assert!(Instant::now() < deadline, "no play recorded: {summary}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let top = &summary["tops"]["tracks"][0];
    assert_eq!(
        top["id"], tracks[1]["id"],
        "only the second track counts: {summary}"
    );
    assert_eq!(top["title"], tracks[1]["title"]);
    assert_eq!(top["provider"], "netease");
    let heard = top["heard_ms"].as_u64().unwrap();
    assert!(
        (5_000..12_000).contains(&heard),
        "about 8 s heard, not the 17 s the position reached: {heard}"
    );
    assert_eq!(summary["totals"]["today"]["heard_ms"], heard);
    assert_eq!(
        summary["days"][29]["heard_ms"], heard,
        "today is the last day"
    );
    // Each of the track's artists is credited with the whole play.
    let names = |artists: &Value| {
        let mut names: Vec<String> = artists
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names(&summary["tops"]["artists"]),
        names(&tracks[1]["artists"])
    );
    assert!(summary["tops"]["artists"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["heard_ms"] == heard));
    // By service: QQ Music has none of it.
    let qq = app.summary(json!("qq"));
    assert_eq!(qq["totals"]["all_time"]["plays"], 0);

    // The picture, saved into the pictures folder, never over a file.
    let args =
        json!({ "period": "month", "service": null, "utcOffsetMinutes": 480, "language": "zh" });
    let first = app.ok("listening_save_image", args.clone());
    let second = app.ok("listening_save_image", args);
    assert_ne!(first, second);
    let png = std::fs::read(first.as_str().unwrap()).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(first
        .as_str()
        .unwrap()
        .starts_with(data.path().join("Pictures").to_str().unwrap()));

    let bad = invoke(
        &app.window,
        "listening_summary",
        json!({ "period": "week", "service": null, "utcOffsetMinutes": 24 * 60 }),
    )
    .unwrap_err();
    assert_eq!(bad["kind"], "bad_request");
    assert!(app
        .window
        .app_handle()
        .path()
        .app_data_dir()
        .is_ok_and(|dir| Some(dir) == duet_listening::app_data_dir()));
    drop(app.app);
}

/// The server reads the app's record where the app keeps it: one identifier, in one place.
#[test]
fn the_record_is_where_the_server_looks_for_it() {
    let config: Value = serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
    assert_eq!(config["identifier"], duet_listening::APP_IDENTIFIER);
}
