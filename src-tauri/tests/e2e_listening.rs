//! End to end in the real window (Xvfb, tauri-driver) against the fake upstream: a new user's
//! Listening screen is empty; after three tracks played on the null sink (a few seconds each)
//! it shows them, by time heard, with the day's bar; "Save image" writes the picture into the
//! Pictures folder. The screen's screenshot goes to `target/tmp/screenshots/`, or to
//! `docs/screenshots/` (the README's) with `DUET_UPDATE_SCREENSHOTS=1`. The app keeps its data
//! and finds its folders in this test's own (`XDG_DATA_HOME`, `XDG_CONFIG_HOME`).

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;
use std::time::Duration;

use common::{
    clean_start, eventually, log_in_by_phone, run, scratch_screenshot, screenshot,
    tauri_driver_binary, testid, wait_for, TauriDriver,
};
use fantoccini::Client;
use serde_json::json;

async fn position_ms(app: &Client) -> u64 {
    run(
        app,
        "return Number(document.querySelector('[data-testid=\"player-position\"]')?.dataset.ms ?? 0)",
        vec![],
    )
    .await
    .as_u64()
    .unwrap_or(0)
}

async fn count(app: &Client, id: &str) -> u64 {
    run(
        app,
        "return document.querySelectorAll(arguments[0]).length",
        vec![json!(testid(id))],
    )
    .await
    .as_u64()
    .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_users_listening_fills_as_they_play_and_saves_as_an_image() {
    let fake = clean_start().await;
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let pictures = data.path().join("Pictures");
    std::fs::write(
        config.path().join("user-dirs.dirs"),
        format!("XDG_PICTURES_DIR=\"{}\"\n", pictures.display()),
    )
    .unwrap();
    let mut command = Command::new(tauri_driver_binary());
    command
        .env("XDG_DATA_HOME", data.path())
        .env("XDG_CONFIG_HOME", config.path());
    let driver = TauriDriver::start_with(&fake.base_url(), command);
    let app = driver.launch_app().await;
    log_in_by_phone(&app, &fake).await;

    // Nothing played yet.
    wait_for(&app, &testid("nav-listening"))
        .await
        .click()
        .await
        .unwrap();
    wait_for(&app, &testid("listening-empty")).await;
    scratch_screenshot(&app, "listening-empty").await;

    // Three tracks, a few seconds each (the fake's audio plays on the null sink in real time).
    wait_for(&app, &testid("nav-library"))
        .await
        .click()
        .await
        .unwrap();
    run(
        &app,
        "location.hash = '#/playlist/netease/131149308'",
        vec![],
    )
    .await;
    wait_for(&app, &testid("play-all"))
        .await
        .click()
        .await
        .unwrap();
    for (i, seconds) in [9_000, 7_000, 6_000].into_iter().enumerate() {
        if i > 0 {
            let before = run(
                &app,
                "return document.querySelector('[data-testid=\"player-title\"]')?.textContent",
                vec![],
            )
            .await;
            wait_for(&app, &testid("player-next"))
                .await
                .click()
                .await
                .unwrap();
            eventually("the next track", || async {
                run(
                    &app,
                    "return document.querySelector('[data-testid=\"player-title\"]')?.textContent",
                    vec![],
                )
                .await
                    != before
                    && position_ms(&app).await < 3_000
            })
            .await;
        }
        eventually(&format!("{seconds} ms of track {i}"), || async {
            position_ms(&app).await >= seconds
        })
        .await;
    }
    wait_for(&app, &testid("player-toggle"))
        .await
        .click()
        .await
        .unwrap();
    // Written a moment after the pause.
    tokio::time::sleep(Duration::from_secs(3)).await;

    wait_for(&app, &testid("nav-listening"))
        .await
        .click()
        .await
        .unwrap();
    wait_for(&app, &testid("listening-totals")).await;
    eventually("three tracks in the top list", || async {
        count(&app, "listening-track").await == 3
    })
    .await;
    let today = run(
        &app,
        "return Number(document.querySelector('[data-testid=\"listening-bar\"]:last-of-type').dataset.ms)",
        vec![],
    )
    .await
    .as_u64()
    .unwrap_or(0);
    assert!(
        (15_000..45_000).contains(&today),
        "about 22 s heard today: {today}"
    );
    screenshot(&app, "listening").await;

    wait_for(&app, &testid("listening-save-image"))
        .await
        .click()
        .await
        .unwrap();
    eventually("the saved image's toast", || async {
        run(
            &app,
            "return [...document.querySelectorAll('[data-testid=\"toast\"]')].map(t => t.textContent).join(' ')",
            vec![],
        )
        .await
        .as_str()
        .is_some_and(|t| t.contains("duet-listening-"))
    })
    .await;
    let saved: Vec<_> = std::fs::read_dir(&pictures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let png = std::fs::read(&saved[0]).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    app.close().await.unwrap();
}
