//! End to end: personal FM in the real app (Xvfb, tauri-driver) against the fake upstream: log
//! in, open personal FM from the sidebar, start it and hear a track play, skip to the next, and
//! press "not interested": the fake records the trash once, for that track, and the app moves
//! on. A screenshot of the FM screen goes to `target/tmp/screenshots/`, or to
//! `docs/screenshots/` (the README's) with `DUET_UPDATE_SCREENSHOTS=1`.

// Xvfb, WebKitWebDriver and the Secret Service are Linux's; on macOS and Windows this file
// builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::time::Duration;

use common::{
    attr, clean_start, click, eventually, forget_sessions, invoke, log_in_by_phone, screenshot,
    testid, text, wait_for, TauriDriver,
};
use duet_fake_upstream::netease::radio::fm_catalogue;
use fantoccini::Client;

async fn on_stage(app: &Client) -> Option<String> {
    attr(app, &testid("fm-stage"), "data-track-id").await
}

async fn position_ms(app: &Client) -> u64 {
    attr(app, &testid("player-position"), "data-ms")
        .await
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_personal_fm_play_skip_and_trash() {
    let fake = clean_start().await;
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;
    log_in_by_phone(&app, &fake).await;

    click(&app, &testid("nav-fm")).await;
    wait_for(&app, &testid("fm-screen")).await;
    click(&app, &testid("fm-start")).await;
    wait_for(&app, &testid("fm-stage")).await;

    // A track of the fake's FM catalogue plays on the null sink, and the bar agrees.
    let first = on_stage(&app).await.unwrap();
    assert_eq!(first, fm_catalogue()[0].to_string());
    eventually("the FM track to play past 1 s", || async {
        position_ms(&app).await >= 1000
    })
    .await;
    assert_eq!(
        text(&app, &testid("player-title")).await,
        text(&app, &testid("fm-title")).await
    );
    eventually("its lyric lines", || async {
        !text(&app, &testid("fm-lyrics")).await.trim().is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "personal-fm").await;

    // Next: another FM track.
    click(&app, &testid("fm-next")).await;
    eventually("the next FM track", || async {
        on_stage(&app).await.is_some_and(|id| id != first)
    })
    .await;
    let second = on_stage(&app).await.unwrap();

    // Not interested: the fake hears it once, for this track, and FM moves on.
    click(&app, &testid("fm-trash")).await;
    eventually("the track after the trashed one", || async {
        on_stage(&app).await.is_some_and(|id| id != second)
    })
    .await;
    let trashed = fake.netease().fm_trashed();
    assert_eq!(trashed.len(), 1, "{trashed:?}");
    assert_eq!(trashed[0].song_id.to_string(), second);
    assert_eq!(trashed[0].alg, "RT");
    // …and it left the queue.
    let queue = invoke(&app, "player_queue", serde_json::json!({})).await;
    let ids: Vec<&str> = queue["ok"]
        .as_array()
        .unwrap_or_else(|| panic!("{queue}"))
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(!ids.contains(&second.as_str()), "{ids:?}");
    assert!(ids.contains(&first.as_str()), "{ids:?}");

    // The queue was filled before it ran out: more than the first batch was asked for.
    eventually("the next batch", || async {
        fake.requests()
            .iter()
            .filter(|r| r.logical_path == "/api/v1/radio/get")
            .count()
            >= 2
    })
    .await;
    // Nothing about listening was reported to the service.
    assert!(!fake.requests().iter().any(|r| {
        let p = r.logical_path.as_str();
        p.contains("weblog") || p.contains("scrobble") || p.contains("feedback")
    }));
    app.close().await.unwrap();
    forget_sessions();
}
