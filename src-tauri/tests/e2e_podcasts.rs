//! End to end: podcasts in the real app (Xvfb, tauri-driver) against the fake upstream: log in,
//! open a subscribed podcast from the Podcasts screen, play its newest episode a few seconds and
//! pause, play another, restart the app, and play the first again: it starts where it was left,
//! which only the app's own episode positions know (the restored queue is the other episode).
//! A screenshot of the podcast page goes to `target/tmp/screenshots/`, or to `docs/screenshots/`
//! (the README's) with `DUET_UPDATE_SCREENSHOTS=1`.

// Xvfb, WebKitWebDriver and the Secret Service are Linux's; on macOS and Windows this file
// builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    attr, clean_start, click, eventually, log_in_by_phone, run, screenshot, tauri_driver_binary,
    testid, text, wait_for, TauriDriver,
};
use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::netease::podcasts::{main_song_id, LONG_PODCAST};
use duet_services::KeyringStore;
use fantoccini::Client;
use serde_json::json;

async fn position_ms(app: &Client) -> u64 {
    attr(app, &testid("player-position"), "data-ms")
        .await
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
}

async fn playing(app: &Client) -> bool {
    attr(app, &testid("player-toggle"), "data-playing")
        .await
        .as_deref()
        == Some("true")
}

async fn pause(app: &Client) {
    click(app, &testid("player-toggle")).await;
    eventually("the pause", || async { !playing(app).await }).await;
}

/// The fake names episode `n` of the long podcast `7780000010000 + n` (its `program_id`).
fn episode_id(n: u64) -> String {
    (7_780_000_010_000 + n).to_string()
}

/// The play button of episode `n` on the podcast page.
fn play_button(n: u64) -> String {
    format!(
        "{}[data-episode=\"{}\"] {}",
        testid("episode-row"),
        episode_id(n),
        testid("episode-play")
    )
}

async fn open_podcast(app: &Client) {
    run(
        app,
        "location.hash = arguments[0];",
        vec![json!(format!("#/podcast/netease/{LONG_PODCAST}"))],
    )
    .await;
    wait_for(app, &testid("podcast-screen")).await;
    wait_for(app, &testid("episode-row")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_episode_resumes_where_it_was_left_after_a_restart() {
    let fake = clean_start().await;
    let data = tempfile::tempdir().unwrap();
    let driver = || {
        let mut command = Command::new(tauri_driver_binary());
        command.env("XDG_DATA_HOME", data.path());
        TauriDriver::start_with(&fake.base_url(), command)
    };

    let first = driver();
    let app = first.launch_app().await;
    log_in_by_phone(&app, &fake).await;

    // The Podcasts screen lists the subscribed podcasts; the first opens its page.
    click(&app, &testid("nav-podcasts")).await;
    let card = format!("{}[data-id=\"{LONG_PODCAST}\"]", testid("podcast-card"));
    wait_for(&app, &card).await;
    click(&app, &card).await;
    wait_for(&app, &testid("podcast-screen")).await;
    wait_for(&app, &testid("episode-row")).await;
    assert_eq!(
        text(&app, &testid("podcast-title")).await,
        "Duet Nightly: Code & Coffee"
    );
    assert_eq!(
        attr(&app, &testid("podcast-subscribe"), "aria-pressed")
            .await
            .as_deref(),
        Some("true")
    );

    // The newest episode plays a few seconds, then pauses.
    click(&app, &play_button(64)).await;
    wait_for(&app, &testid("player-bar")).await;
    eventually("the newest episode in the player", || async {
        text(&app, &testid("player-title"))
            .await
            .starts_with("Episode 64")
    })
    .await;
    eventually("four seconds of the episode", || async {
        position_ms(&app).await >= 4_000
    })
    .await;
    pause(&app).await;
    let left_at = position_ms(&app).await;

    // Another episode plays next, so the queue a restart puts back is not the first one.
    click(&app, &play_button(63)).await;
    eventually("the second episode in the player", || async {
        text(&app, &testid("player-title"))
            .await
            .starts_with("Episode 63")
    })
    .await;
    eventually("a second of it", || async {
        position_ms(&app).await >= 1_000
    })
    .await;
    pause(&app).await;

    let saved = data.path().join("app.duet.player/podcast-positions.json");
    let newest = main_song_id(LONG_PODCAST, 64).to_string();
    eventually("the episode's position saved", || {
        let list: Vec<serde_json::Value> = std::fs::read(&saved)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let kept = list.iter().any(|p| {
            p["track_id"] == json!(newest)
                && p["position_ms"].as_u64().unwrap_or(0) + 1_000 >= left_at
        });
        async move { kept }
    })
    .await;
    app.close().await.unwrap();
    drop(first);

    // Started again: the page shows where the newest episode was left, and playing it starts
    // there.
    let second = driver();
    let app = second.launch_app().await;
    wait_for(&app, &testid("library-screen")).await;
    open_podcast(&app).await;
    let first_row = format!(
        "{}[data-episode=\"{}\"] {}",
        testid("episode-row"),
        episode_id(64),
        testid("episode-left")
    );
    wait_for(&app, &first_row).await;

    click(&app, &play_button(64)).await;
    let clicked = Instant::now();
    eventually("the newest episode back in the player", || async {
        text(&app, &testid("player-title"))
            .await
            .starts_with("Episode 64")
    })
    .await;
    let resumed_at = position_ms(&app).await;
    assert!(
        resumed_at + 500 >= left_at,
        "resumed at {resumed_at} ms, {} ms after the click; left at {left_at} ms",
        clicked.elapsed().as_millis()
    );
    eventually("it plays on from there", || async {
        playing(&app).await && position_ms(&app).await > resumed_at
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "podcast").await;

    app.close().await.unwrap();
    KeyringStore::new().delete(ProviderId::Netease).unwrap();
}
