//! End to end in the real window (Xvfb, tauri-driver) against the fake upstream, both services
//! logged in: NetEase's "Duet twins" moved to QQ Music from its page's "Move to QQ Music", the
//! preview's matches checked, the move run to its report, and the new playlist opened from the
//! report and read back from QQ Music. The app keeps its data (the move's job file) in a folder
//! of this test's own (`XDG_DATA_HOME`).

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;

use common::{
    attr, clean_start, click, eventually, forget_sessions, log_in_by_phone, run,
    scratch_screenshot, screenshot, tauri_driver_binary, testid, text, wait_for, TauriDriver,
};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins::{TWINS_PLAYLIST_ID, TWINS_PLAYLIST_NAME};
use serde_json::json;

async fn count(app: &fantoccini::Client, css: &str) -> u64 {
    run(
        app,
        "return document.querySelectorAll(arguments[0]).length;",
        vec![json!(css)],
    )
    .await
    .as_u64()
    .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duet_twins_moves_to_qq_music_and_reads_back_there() {
    let fake = clean_start().await;
    let data = tempfile::tempdir().unwrap();
    let mut command = Command::new(tauri_driver_binary());
    command.env("XDG_DATA_HOME", data.path());
    let driver = TauriDriver::start_with(&fake.base_url(), command);
    let app = driver.launch_app().await;

    // NetEase by its QR code; QQ Music by a pasted session, from the add-account button.
    log_in_by_phone(&app, &fake).await;
    click(&app, &testid("sidebar-add-account")).await;
    wait_for(&app, &testid("login-screen")).await;
    click(&app, &testid("other-ways-link-qq")).await;
    let issued = fake.qq().issue_session(QqAccount::Qq);
    let input = wait_for(&app, &testid("cookie-input-qq")).await;
    input
        .send_keys(&format!(
            "uin=o0{}; qm_keyst={}",
            issued.musicid, issued.musickey
        ))
        .await
        .unwrap();
    click(&app, &testid("cookie-submit-qq")).await;
    wait_for(&app, &testid("library-screen")).await;

    // The playlist's page offers the move.
    run(
        &app,
        "location.hash = arguments[0];",
        vec![json!(format!("#/playlist/netease/{TWINS_PLAYLIST_ID}"))],
    )
    .await;
    wait_for(&app, &testid("playlist-title")).await;
    click(&app, &testid("playlist-transfer")).await;
    wait_for(&app, &testid("transfer-rows")).await;
    let row = |confidence: &str| {
        format!(
            "{}[data-confidence=\"{confidence}\"]",
            testid("transfer-row")
        )
    };
    assert_eq!(count(&app, &testid("transfer-row")).await, 8);
    assert_eq!(count(&app, &row("sure")).await, 6, "the six twins");
    assert_eq!(
        count(&app, &row("missing")).await + count(&app, &row("unsure")).await,
        2
    );
    assert_eq!(
        attr(
            &app,
            &format!(
                "{} li:last-child {}",
                testid("transfer-rows"),
                testid("transfer-row")
            ),
            "data-confidence"
        )
        .await
        .as_deref(),
        Some("missing"),
        "the recording QQ Music does not have"
    );
    screenshot(&app, "transfer").await;

    click(&app, &testid("transfer-start")).await;
    wait_for(&app, &testid("transfer-job")).await;
    eventually("the move's end", || async {
        attr(&app, &testid("transfer-job"), "data-status")
            .await
            .as_deref()
            == Some("finished")
    })
    .await;
    assert_eq!(
        text(&app, &testid("transfer-report")).await,
        "6 added · 2 skipped · 0 failed"
    );
    scratch_screenshot(&app, "transfer-done").await;
    // The job's file, in the app's data folder.
    let job = run(
        &app,
        "return new URLSearchParams(location.hash.split('?')[1]).get('job');",
        vec![],
    )
    .await;
    let file = data.path().join(format!(
        "app.duet.player/transfers/{}.json",
        job.as_str().unwrap()
    ));
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("the job's file")).unwrap();
    assert_eq!(saved["status"], "finished");

    // The report opens the new playlist, read from QQ Music.
    click(&app, &testid("transfer-open")).await;
    eventually("the new playlist's page", || async {
        run(&app, "return location.hash", vec![])
            .await
            .as_str()
            .is_some_and(|h| h.starts_with("#/playlist/qq/"))
    })
    .await;
    wait_for(&app, &testid("playlist-title")).await;
    eventually("its name and its six tracks", || async {
        text(&app, &testid("playlist-title")).await == TWINS_PLAYLIST_NAME
            && text(&app, &testid("playlist-screen"))
                .await
                .contains("6 tracks")
    })
    .await;
    assert_eq!(
        format!("#/playlist/qq/{}", saved["playlist_id"].as_str().unwrap()),
        run(&app, "return location.hash", vec![])
            .await
            .as_str()
            .unwrap()
    );

    app.close().await.unwrap();
    forget_sessions();
}
