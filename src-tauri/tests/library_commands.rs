//! Likes and playlist writes through the app's commands (Tauri's mock runtime, the real config
//! and capabilities) against the fake upstream: each lands and reads back through the browsing
//! commands, and a refusal reaches the UI with its kind.

mod mock_app;

use std::time::{Duration, Instant};

use duet_app::Duet;
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use mock_app::{invoke, recorder, runtime, Recorded};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};

struct Harness {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Recorded,
    fake: FakeUpstream,
}

fn harness() -> Harness {
    let rt = runtime();
    let fake = rt
        .block_on(FakeUpstream::spawn(FakeConfig::default()))
        .unwrap();
    let (events, sink) = recorder();
    let settings = mock_app::settings(&fake);
    let upstream = settings.upstream.clone();
    let duet = rt
        .block_on(async { Duet::new(settings, duet_services::memory_store(), sink).await })
        .unwrap();
    let mut context = tauri::generate_context!("../tauri.conf.json");
    duet_app::allow_upstream_images(context.config_mut(), &upstream);
    let app = duet_app::commands::register(mock_builder())
        .build(context)
        .unwrap();
    app.manage(duet);
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        _app: app,
        window,
        events,
        fake,
    }
}

impl Harness {
    fn ok(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn error(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).expect_err(cmd)
    }

    fn log_in(&self) {
        let qr = self.ok("login_qr_start", json!({ "provider": "netease" }));
        let key = qr["key"].as_str().unwrap().to_owned();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut scanned = false;
        loop {
            let states: Vec<String> = self
                .events
                .lock()
                .unwrap()
                .iter()
                .filter(|(n, p)| n == "login-state" && p["key"] == key.as_str())
                .map(|(_, p)| p["state"].as_str().unwrap_or("").to_owned())
                .collect();
            if states.iter().any(|s| s == "confirmed") {
                return;
            }
            if !scanned && states.iter().any(|s| s == "waiting") {
                assert!(self.fake.netease().scan(&key));
                assert!(self.fake.netease().confirm(&key));
                scanned = true;
            }
            assert!(Instant::now() < deadline, "no confirmed login: {states:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn liked(&self) -> Vec<String> {
        serde_json::from_value(self.ok("liked_ids", json!({ "provider": "netease" }))).unwrap()
    }
}

#[test]
fn like_create_add_follow_through_commands() {
    let h = harness();
    assert_eq!(
        h.error(
            "like_track",
            json!({ "provider": "netease", "trackId": "347230", "liked": true })
        )["kind"],
        "not_logged_in"
    );
    h.log_in();

    let before = h.liked();
    h.ok(
        "like_track",
        json!({ "provider": "netease", "trackId": "347230", "liked": true }),
    );
    assert_eq!(h.liked()[0], "347230");
    let liked = h.ok(
        "playlist",
        json!({ "provider": "netease", "id": "24381616" }),
    );
    assert_eq!(liked["tracks"][0]["id"], "347230");
    h.ok(
        "like_track",
        json!({ "provider": "netease", "trackId": "347230", "liked": false }),
    );
    assert_eq!(h.liked(), before);

    let created = h.ok(
        "playlist_create",
        json!({ "provider": "netease", "name": "Road trip" }),
    );
    let id = created["id"].as_str().unwrap().to_owned();
    h.ok(
        "playlist_add_tracks",
        json!({ "provider": "netease", "id": id, "trackIds": ["347230", "700000005"] }),
    );
    h.ok(
        "playlist_remove_tracks",
        json!({ "provider": "netease", "id": id, "trackIds": ["700000005"] }),
    );
    h.ok(
        "playlist_rename",
        json!({ "provider": "netease", "id": id, "name": "Night drive" }),
    );
    let read = h.ok("playlist", json!({ "provider": "netease", "id": id }));
    assert_eq!(read["name"], "Night drive");
    assert_eq!(read["tracks"].as_array().unwrap().len(), 1);

    h.ok(
        "playlist_follow",
        json!({ "provider": "netease", "id": "131149308", "follow": true }),
    );
    let mine = h.ok("user_playlists", json!({ "provider": "netease" }));
    let ids: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"131149308") && ids.contains(&id.as_str()),
        "{ids:?}"
    );

    let refused = h.error(
        "playlist_delete",
        json!({ "provider": "netease", "id": "131149308" }),
    );
    assert_eq!(refused["kind"], "not_owner");
    h.fake
        .netease()
        .fail(Fault::new(FaultKind::RateLimit).path("/playlist/remove"));
    assert_eq!(
        h.error(
            "playlist_delete",
            json!({ "provider": "netease", "id": id })
        )["kind"],
        "rate_limited"
    );
    h.ok(
        "playlist_delete",
        json!({ "provider": "netease", "id": id }),
    );
    assert_eq!(
        h.error("playlist", json!({ "provider": "netease", "id": id }))["kind"],
        "not_found"
    );
}
