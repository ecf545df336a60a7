//! End to end in the real window (Xvfb, tauri-driver) against the fake upstream: a share text
//! pasted into the search box opens its playlist (its short link resolved at the fake's
//! redirect); something played, the app closed and started again, is in Recently played, and
//! the queue is back, paused. The app keeps its data in a folder of this test's own
//! (`XDG_DATA_HOME`), so no other test starts with this one's queue.

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;

use common::{
    clean_start, eventually, log_in_by_phone, run, scratch_screenshot, tauri_driver_binary, testid,
    wait_for, TauriDriver,
};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_share_link_opens_its_playlist_and_a_restart_resumes() {
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

    // The share text as the NetEase app copies it, pasted into the search box.
    let search = wait_for(&app, &testid("search-input")).await;
    search
        .send_keys("分享歌单: http://163cn.tv/duetList (来自@网易云音乐)\u{E007}")
        .await
        .unwrap();
    wait_for(&app, &testid("playlist-screen")).await;
    eventually("the shared playlist's page", || async {
        run(&app, "return location.hash", vec![]).await == json!("#/playlist/netease/131149308")
    })
    .await;
    wait_for(&app, &testid("playlist-title")).await;
    eventually("the shared playlist's name", || async {
        run(
            &app,
            "return document.querySelector('[data-testid=\"playlist-title\"]').textContent",
            vec![],
        )
        .await
        .as_str()
        .is_some_and(|name| name.contains("一听就忍不住想哭的歌"))
    })
    .await;
    assert_eq!(search.prop("value").await.unwrap().as_deref(), Some(""));
    scratch_screenshot(&app, "share-link-opened").await;

    // Play it, pause a second in, and let the app save where it was.
    wait_for(&app, &testid("play-all"))
        .await
        .click()
        .await
        .unwrap();
    eventually("a second of playback", || async {
        run(&app, "return Number(document.querySelector('[data-testid=\"player-position\"]')?.dataset.ms ?? 0)", vec![])
        .await
        .as_u64()
        .unwrap_or(0)
            >= 1000
    })
    .await;
    wait_for(&app, &testid("player-title")).await;
    let playing = run(
        &app,
        "return document.querySelector('[data-testid=\"player-title\"]').textContent.trim()",
        vec![],
    )
    .await;
    assert!(!playing.as_str().unwrap_or_default().is_empty());
    wait_for(&app, &testid("player-toggle"))
        .await
        .click()
        .await
        .unwrap();
    eventually("the pause", || async {
        run(
            &app,
            "return document.querySelector('[data-testid=\"player-toggle\"]').dataset.playing",
            vec![],
        )
        .await
            == json!("false")
    })
    .await;
    let saved = data.path().join("app.duet.player/resume-position.json");
    eventually("the position saved", || {
        let exists = saved.exists();
        async move { exists }
    })
    .await;
    app.close().await.unwrap();
    drop(first);

    // Started again: signed in from the keychain, the queue back and paused, the history kept.
    let second = driver();
    let app = second.launch_app().await;
    wait_for(&app, &testid("library-screen")).await;
    wait_for(&app, &testid("player-bar")).await;
    eventually("the restored track in the player bar", || async {
        run(
            &app,
            "return document.querySelector('[data-testid=\"player-title\"]')?.textContent?.trim()",
            vec![],
        )
        .await
            == playing
    })
    .await;
    assert_eq!(
        run(
            &app,
            "return document.querySelector('[data-testid=\"player-toggle\"]').dataset.playing",
            vec![]
        )
        .await,
        json!("false"),
        "restored paused"
    );
    let restored_ms = run(
        &app,
        "return Number(document.querySelector('[data-testid=\"player-position\"]').dataset.ms)",
        vec![],
    )
    .await
    .as_u64()
    .unwrap_or(0);
    assert!(
        restored_ms >= 500,
        "restored where it was paused, not at 0: {restored_ms} ms"
    );
    wait_for(&app, &testid("nav-history"))
        .await
        .click()
        .await
        .unwrap();
    wait_for(&app, &testid("history-row")).await;
    let first_row = run(
        &app,
        "return document.querySelector('[data-testid=\"history-row\"] .name').textContent.trim()",
        vec![],
    )
    .await;
    assert_eq!(first_row, playing);
    scratch_screenshot(&app, "recently-played-after-restart").await;
    app.close().await.unwrap();
}
