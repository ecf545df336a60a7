//! The podcast commands through Tauri's mock runtime (no webview), with the real config and
//! capabilities, against the fake upstream: the subscribed list, episodes a page at a time,
//! subscribing read back, QQ Music's `declined`, and playing an episode from where the app's
//! episode positions (podcast-positions.json) say it was left.

mod mock_app;

use duet_app::podcast_positions;
use duet_app::Duet;
use duet_fake_upstream::netease::podcasts::{main_song_id, LONG_PODCAST, UNSUBSCRIBED_PODCAST};
use mock_app::MockApp;
use serde_json::{json, Value};
use tauri::Manager;

fn harness() -> MockApp {
    let h = MockApp::start();
    std::fs::create_dir_all(&h.data_dir).unwrap();
    // An episode heard before, as an earlier run left the file.
    let track_id = main_song_id(LONG_PODCAST, 63).to_string();
    std::fs::write(
        h.data_dir.join(podcast_positions::FILE),
        serde_json::to_vec(&json!([{
            "provider": "netease", "episode_id": "7780000010063",
            "podcast_id": LONG_PODCAST.to_string(), "track_id": track_id,
            "position_ms": 42_000, "duration_ms": 663_000, "played": false,
            "updated_at_ms": 1_700_000_000_000u64
        }]))
        .unwrap(),
    )
    .unwrap();
    let store = {
        let duet = h.app.state::<Duet>();
        podcast_positions::start(&duet, &h.data_dir)
    };
    h.app.manage(store);
    h
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn podcasts_through_the_commands() {
    let h = harness();
    let error = h.error("podcasts_subscribed", json!({ "provider": "netease" }));
    assert_eq!(error["kind"], "not_logged_in", "{error}");
    h.log_in_netease();

    let list = h.ok("podcasts_subscribed", json!({ "provider": "netease" }));
    assert_eq!(ids(&list), ["7770000001", "7770000002"]);
    let podcast = h.ok(
        "podcast",
        json!({ "provider": "netease", "id": LONG_PODCAST.to_string() }),
    );
    assert_eq!(podcast["episode_count"], 64);
    let last = h.ok(
        "podcast_episodes",
        json!({ "provider": "netease", "id": LONG_PODCAST.to_string(), "page": 3 }),
    );
    assert_eq!(last["episodes"].as_array().unwrap().len(), 4);
    assert_eq!(last["has_more"], false);

    let other = UNSUBSCRIBED_PODCAST.to_string();
    h.ok(
        "podcast_subscribe",
        json!({ "provider": "netease", "id": other, "subscribe": true }),
    );
    let list = h.ok("podcasts_subscribed", json!({ "provider": "netease" }));
    assert_eq!(ids(&list)[0], other);
    assert_eq!(
        h.fake.netease().subscribed_podcast_ids()[0],
        UNSUBSCRIBED_PODCAST
    );

    for (cmd, args, kind) in [
        (
            "podcasts_subscribed",
            json!({ "provider": "qq" }),
            "declined",
        ),
        (
            "podcast",
            json!({ "provider": "netease", "id": "7770000999" }),
            "not_found",
        ),
        (
            "podcast_episodes",
            json!({ "provider": "netease", "id": "x", "page": 1 }),
            "bad_request",
        ),
        (
            "podcast_episodes",
            json!({ "provider": "netease", "id": LONG_PODCAST.to_string(), "page": 0 }),
            "bad_request",
        ),
    ] {
        let error = h.error(cmd, args.clone());
        assert_eq!(error["kind"], kind, "{cmd} {args}: {error}");
    }
}

#[test]
fn an_episode_plays_from_where_it_was_left() {
    let h = harness();
    let page = h.ok(
        "podcast_episodes",
        json!({ "provider": "netease", "id": LONG_PODCAST.to_string(), "page": 1 }),
    );
    let episodes = page["episodes"].clone();
    let error = h.error(
        "podcast_play",
        json!({ "episodes": episodes, "startIndex": 30 }),
    );
    assert_eq!(error["kind"], "bad_request", "{error}");

    // Episode 63 (the second newest) was left at 42 s.
    let state = h.ok(
        "podcast_play",
        json!({ "episodes": episodes, "startIndex": 1 }),
    );
    assert_eq!(state["index"], 1);
    assert_eq!(
        state["track"]["id"],
        main_song_id(LONG_PODCAST, 63).to_string()
    );
    assert_eq!(state["position_ms"], 42_000);
    assert_eq!(state["queue_length"], 30);

    // Episode 64 was never heard: from the top.
    let state = h.ok(
        "podcast_play",
        json!({ "episodes": episodes, "startIndex": 0 }),
    );
    assert_eq!(state["index"], 0);
    assert!(state["position_ms"].as_u64().unwrap() < 1_000, "{state}");

    let progress = h.ok(
        "podcast_progress",
        json!({ "provider": "netease", "podcastId": LONG_PODCAST.to_string() }),
    );
    assert!(progress.as_array().unwrap().iter().any(
        |p| p["episode_id"] == "7780000010063" && p["position_ms"].as_u64().unwrap() >= 42_000
    ));
}
