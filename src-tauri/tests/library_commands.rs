//! Likes and playlist writes through the app's commands (Tauri's mock runtime, the real config
//! and capabilities) against the fake upstream: each lands and reads back through the browsing
//! commands, and a refusal reaches the UI with its kind.

mod mock_app;

use duet_fake_upstream::{Fault, FaultKind};
use mock_app::MockApp;
use serde_json::json;

fn harness() -> MockApp {
    MockApp::start()
}

fn liked_ids(app: &MockApp) -> Vec<String> {
    serde_json::from_value(app.ok("liked_ids", json!({ "provider": "netease" }))).unwrap()
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
    h.log_in_netease();

    let before = liked_ids(&h);
    h.ok(
        "like_track",
        json!({ "provider": "netease", "trackId": "347230", "liked": true }),
    );
    assert_eq!(liked_ids(&h)[0], "347230");
    let liked = h.ok(
        "playlist",
        json!({ "provider": "netease", "id": "24381616" }),
    );
    assert_eq!(liked["tracks"][0]["id"], "347230");
    h.ok(
        "like_track",
        json!({ "provider": "netease", "trackId": "347230", "liked": false }),
    );
    assert_eq!(liked_ids(&h), before);

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
