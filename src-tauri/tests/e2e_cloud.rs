//! End to end in the real window (Xvfb, tauri-driver) against the fake upstream: the Cloud disk
//! screen lists the account's uploads; Upload sends a real audio file through every step of the
//! upload to the fake (which checks each, the bytes' MD5 included), the new upload leads the
//! list, it plays, and once confirmed it is deleted. WebDriver cannot drive the native file
//! dialog, so the test names the file the dialog would give with `DUET_TEST_PICKED_FILE`
//! (honoured only with a test upstream); the upload itself is the app's own, from the button. The screen's screenshot goes to
//! `target/tmp/screenshots/`, or to `docs/screenshots/` with `DUET_UPDATE_SCREENSHOTS=1`.

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;

use common::{
    clean_start, eventually, log_in_by_phone, run, scratch_screenshot, screenshot,
    tauri_driver_binary, testid, text, wait_for, TauriDriver,
};
use duet_app::commands::cloud::TEST_PICKED_FILE_ENV;
use serde_json::json;

const FILE_NAME: &str = "my cloud demo.mp3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_from_the_cloud_disk_screen_lists_and_plays() {
    let fake = clean_start().await;
    let files = tempfile::tempdir().unwrap();
    let picked = files.path().join(FILE_NAME);
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/duet-fake-upstream/audio/tone.mp3"
        ),
        &picked,
    )
    .unwrap();
    let mut command = Command::new(tauri_driver_binary());
    command.env(TEST_PICKED_FILE_ENV, &picked);
    let driver = TauriDriver::start_with(&fake.base_url(), command);
    let app = driver.launch_app().await;
    log_in_by_phone(&app, &fake).await;

    wait_for(&app, &testid("nav-cloud"))
        .await
        .click()
        .await
        .unwrap();
    wait_for(&app, &testid("cloud-row")).await;
    let rows = || async {
        run(
            &app,
            "return [...document.querySelectorAll('[data-testid=\"cloud-row\"]')].map(r => r.innerText)",
            vec![],
        )
        .await
    };
    let before = rows().await;
    assert_eq!(before.as_array().unwrap().len(), 3, "{before}");
    assert!(before[2].as_str().unwrap().contains("海阔天空"), "{before}");

    fake.netease().clear_requests();
    wait_for(&app, &testid("cloud-upload"))
        .await
        .click()
        .await
        .unwrap();
    eventually("the upload's toast", || async {
        run(
            &app,
            "return [...document.querySelectorAll('[data-testid=\"toast\"]')].some(t => t.textContent.includes(arguments[0]))",
            vec![json!(FILE_NAME)],
        )
        .await
            == json!(true)
    })
    .await;
    eventually("the upload at the top of the list", || async {
        rows().await[0]
            .as_str()
            .is_some_and(|r| r.contains("my cloud demo"))
    })
    .await;
    let steps: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| format!("{}{}", r.host, r.logical_path))
        .collect();
    let upload_steps: Vec<&String> = steps
        .iter()
        .filter(|s| {
            s.contains("/api/cloud/")
                || s.contains("/api/nos/")
                || s.contains("/api/upload/")
                || s.contains("127.net/")
        })
        .collect();
    assert_eq!(
        upload_steps,
        [
            "interfacepc.music.163.com/api/cloud/upload/check",
            "interfacepc.music.163.com/api/nos/token/alloc",
            "wanproxy.127.net/lbs",
            "nosup-jd1.127.net/jd-musicrep-privatecloud-audio-public",
            "interfacepc.music.163.com/api/upload/cloud/info/v2",
            "interfacepc.music.163.com/api/cloud/pub/v2",
        ],
        "{steps:?}"
    );
    let uploaded = fake.netease().cloud_song_ids()[0];
    screenshot(&app, "cloud-disk").await;

    // It plays: the player asks its URL and the fake's CDN serves the audio.
    fake.netease().clear_requests();
    run(
        &app,
        "document.querySelector('[data-testid=\"cloud-row\"][data-index=\"0\"]').dispatchEvent(new MouseEvent('dblclick', {bubbles: true}))",
        vec![],
    )
    .await;
    eventually("the upload playing", || async {
        text(&app, &testid("player-title")).await == "my cloud demo"
            && run(
                &app,
                "return document.querySelector('[data-testid=\"player-bar\"]')?.dataset.status",
                vec![],
            )
            .await
                == json!("playing")
    })
    .await;
    let audio = format!("/fake/{uploaded}.");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.host == "m701.music.126.net" && r.logical_path.starts_with(&audio)),
        "the upload's audio was fetched"
    );

    // Deleted, once the person confirms: one request, and the fake's cloud disk has it no more.
    run(
        &app,
        "document.querySelector('[data-testid=\"cloud-row\"][data-index=\"0\"]').dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, clientX: 400, clientY: 300}))",
        vec![],
    )
    .await;
    wait_for(&app, &testid("menu-cloud-delete"))
        .await
        .click()
        .await
        .unwrap();
    wait_for(&app, &testid("confirm-action")).await;
    scratch_screenshot(&app, "cloud-delete-confirm").await;
    wait_for(&app, &testid("confirm-action"))
        .await
        .click()
        .await
        .unwrap();
    eventually("the upload deleted", || async {
        !fake.netease().cloud_song_ids().contains(&uploaded)
    })
    .await;
    eventually("the list without it", || async {
        rows().await[0]
            .as_str()
            .is_some_and(|r| !r.contains("my cloud demo"))
    })
    .await;
    let deletes = fake
        .requests()
        .iter()
        .filter(|r| r.logical_path == "/api/cloud/del")
        .count();
    assert_eq!(deletes, 1);
    app.close().await.unwrap();
}
