//! The album and artist commands through Tauri's mock runtime (no webview), with the real config
//! and capabilities, against the fake upstream: the answers the pages read, and the typed errors
//! of a malformed or unknown id.

mod mock_app;

use mock_app::MockApp;
use serde_json::json;

fn harness() -> MockApp {
    MockApp::start()
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
