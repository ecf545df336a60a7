//! End to end in the real window (Xvfb, tauri-driver) against the fake upstream and its fake
//! Last.fm and ListenBrainz: Settings → Scrobbling connects Last.fm (the API account pasted, the
//! approval given on the fake's side, "I approved it") and ListenBrainz (a pasted token), the
//! secrets land in the real Secret Service, and the first track played is told to both as
//! "now playing". (Counted plays and the offline spell: `tests/scrobble.rs`; the fake CDN's
//! 20 s audio is too short to count.)

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;

use common::{
    clean_start, click, eventually, log_in_by_phone, run, scratch_screenshot, tauri_driver_binary,
    testid, text, wait_for, TauriDriver,
};
use duet_fake_upstream::scrobblers::{
    FAKE_LASTFM_API_KEY, FAKE_LASTFM_API_SECRET, FAKE_LISTENBRAINZ_TOKEN,
};
use duet_services::{AccountSecrets, KeyringStore};

fn forget_scrobbling() {
    let keychain = KeyringStore::new();
    for account in ["scrobble-lastfm", "scrobble-listenbrainz"] {
        AccountSecrets::delete(&keychain, account).unwrap();
    }
}

fn stored(account: &str) -> Option<String> {
    AccountSecrets::load(&KeyringStore::new(), account)
        .unwrap()
        .map(|s| s.expose().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_both_services_in_settings_tells_them_what_plays() {
    let fake = clean_start().await;
    forget_scrobbling();
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut command = Command::new(tauri_driver_binary());
    command
        .env("XDG_DATA_HOME", data.path())
        .env("XDG_CONFIG_HOME", config.path())
        .env(duet_app::scrobble::OPEN_BROWSER_ENV, "0");
    let driver = TauriDriver::start_with(&fake.base_url(), command);
    let app = driver.launch_app().await;
    log_in_by_phone(&app, &fake).await;

    click(&app, &testid("settings-button")).await;
    wait_for(&app, &testid("scrobble-settings")).await;
    wait_for(&app, &testid("scrobble-lastfm-api-key"))
        .await
        .send_keys(FAKE_LASTFM_API_KEY)
        .await
        .unwrap();
    wait_for(&app, &testid("scrobble-lastfm-api-secret"))
        .await
        .send_keys(FAKE_LASTFM_API_SECRET)
        .await
        .unwrap();
    click(&app, &testid("scrobble-lastfm-api-save")).await;
    click(&app, &testid("scrobble-lastfm-connect")).await;
    wait_for(&app, &testid("scrobble-lastfm-url")).await;
    let shown = text(&app, &testid("scrobble-lastfm-url")).await;
    let (token, _) = fake.scrobblers().tokens().pop().expect("a token was asked");
    assert!(shown.contains(&token), "{shown}");
    assert!(fake.scrobblers().approve(&token));
    click(&app, &testid("scrobble-lastfm-finish")).await;
    wait_for(&app, &testid("scrobble-lastfm-account")).await;

    wait_for(&app, &testid("scrobble-listenbrainz-token"))
        .await
        .send_keys(FAKE_LISTENBRAINZ_TOKEN)
        .await
        .unwrap();
    click(&app, &testid("scrobble-listenbrainz-connect")).await;
    wait_for(&app, &testid("scrobble-listenbrainz-account")).await;
    assert!(text(&app, &testid("scrobble-listenbrainz-account"))
        .await
        .contains("duet-listener"));
    scratch_screenshot(&app, "scrobble-settings").await;

    // In the keychain, not in prefs.json.
    let lastfm = stored("scrobble-lastfm").expect("the Last.fm entry");
    assert!(lastfm.contains("session_key") && lastfm.contains(FAKE_LASTFM_API_SECRET));
    assert!(stored("scrobble-listenbrainz")
        .expect("the ListenBrainz entry")
        .contains(FAKE_LISTENBRAINZ_TOKEN));
    let prefs_file = std::fs::read_dir(config.path())
        .unwrap()
        .flatten()
        .map(|dir| dir.path().join("prefs.json"))
        .find(|p| p.exists())
        .expect("prefs.json");
    let prefs = std::fs::read_to_string(prefs_file).unwrap();
    assert!(!prefs.contains(FAKE_LISTENBRAINZ_TOKEN) && !prefs.contains(FAKE_LASTFM_API_SECRET));
    assert!(prefs.contains("\"scrobbling\""), "{prefs}");

    // Play: both services are told what plays, nothing is queued.
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
    eventually("now playing on both", || async {
        ["lastfm", "listenbrainz"].iter().all(|s| {
            !fake
                .scrobblers()
                .received(s)
                .unwrap()
                .now_playing
                .is_empty()
        })
    })
    .await;
    let title = text(&app, &testid("player-title")).await;
    let told = fake.scrobblers().received("lastfm").unwrap().now_playing;
    assert_eq!(told[0].title, title.trim());

    app.close().await.unwrap();
    drop(driver);
    forget_scrobbling();
}
