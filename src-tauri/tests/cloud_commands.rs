//! The cloud-disk commands through Tauri's mock runtime (no webview), with the real config and
//! capabilities, against the fake upstream: the listing and the search within it as the screen
//! reads them, and the typed errors it branches on. (The upload, which opens the native file
//! dialog, is driven in the real window: tests/e2e_cloud.rs.)

mod mock_app;

use mock_app::MockApp;
use serde_json::json;

#[test]
fn the_cloud_disk_lists_and_searches_through_the_commands() {
    let h = MockApp::start();
    let page = json!({ "provider": "netease", "page": 1 });
    assert_eq!(
        h.error("cloud_tracks", page.clone())["kind"],
        "not_logged_in"
    );
    h.log_in_netease();

    let listing = h.ok("cloud_tracks", page);
    assert_eq!(listing["provider"], "netease");
    assert_eq!(listing["total"], 3);
    let items = listing["items"].as_array().unwrap();
    assert_eq!(items[1]["track"]["title"], "rehearsal 2019-03-02");
    assert_eq!(items[1]["file_name"], "rehearsal 2019-03-02.m4a");
    assert!(items[1].get("matched").is_none());
    assert_eq!(items[2]["matched"]["id"], "347230");

    let found = h.ok(
        "cloud_search",
        json!({ "provider": "netease", "q": "REHEARSAL m4a" }),
    );
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["track"]["id"], "9500000001");

    for (cmd, args, kind) in [
        (
            "cloud_search",
            json!({ "provider": "netease", "q": " " }),
            "bad_request",
        ),
        (
            "cloud_tracks",
            json!({ "provider": "netease", "page": 0 }),
            "bad_request",
        ),
        (
            "cloud_tracks",
            json!({ "provider": "qq", "page": 1 }),
            "declined",
        ),
        (
            "cloud_search",
            json!({ "provider": "qq", "q": "a" }),
            "declined",
        ),
    ] {
        let error = h.error(cmd, args.clone());
        assert_eq!(error["kind"], kind, "{cmd} {args}: {error}");
        assert!(error["provider"].is_string(), "{error}");
    }
}
