//! The album and artist commands through Tauri's mock runtime (no webview), with the real config
//! and capabilities, against the fake upstream: the answers the pages read, and the typed errors
//! of a malformed or unknown id.

mod mock_app;

use duet_app::Duet;
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use mock_app::{invoke, recorder, runtime};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};

struct Harness {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _fake: FakeUpstream,
}

fn harness() -> Harness {
    let rt = runtime();
    let fake = rt
        .block_on(FakeUpstream::spawn(FakeConfig::default()))
        .unwrap();
    let (_events, sink) = recorder();
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
        _fake: fake,
    }
}

impl Harness {
    fn ok(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn error(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).expect_err(cmd)
    }
}

#[test]
fn albums_and_artists_through_the_commands() {
    let h = harness();
    let album = h.ok(
        "album",
        json!({ "provider": "netease", "id": "6660002000" }),
    );
    assert_eq!(album["tracks"].as_array().unwrap().len(), 2000);
    assert_eq!(album["artists"][0]["id"], "6660000300");

    let artist = h.ok(
        "artist",
        json!({ "provider": "qq", "id": "00SgDuetMany00" }),
    );
    assert_eq!(artist["top_tracks"].as_array().unwrap().len(), 50);
    assert_eq!(artist["similar"][0]["id"], "00SgDuetHostl0");

    let page = h.ok(
        "artist_albums",
        json!({ "provider": "netease", "id": "6660000300", "page": 10 }),
    );
    assert_eq!(page["total"], 300);
    assert_eq!(page["has_more"], false);
    assert_eq!(page["albums"].as_array().unwrap().len(), 30);
}

#[test]
fn a_malformed_or_unknown_id_is_a_typed_error() {
    let h = harness();
    for (cmd, args, kind) in [
        (
            "album",
            json!({ "provider": "netease", "id": "abc" }),
            "bad_request",
        ),
        (
            "album",
            json!({ "provider": "qq", "id": "00NxNoSuchAlb0" }),
            "not_found",
        ),
        (
            "artist",
            json!({ "provider": "netease", "id": "9404000000" }),
            "not_found",
        ),
        (
            "artist_albums",
            json!({ "provider": "qq", "id": "00SgDuetMany00", "page": 0 }),
            "bad_request",
        ),
    ] {
        let error = h.error(cmd, args.clone());
        assert_eq!(error["kind"], kind, "{cmd} {args}: {error}");
        assert!(error["provider"].is_string(), "{error}");
    }
}
