//! End to end: play anywhere in the real app (Xvfb, tauri-driver, a real Secret Service)
//! against the fake upstream with both services logged in: 稻香, grey on NetEase, is played
//! from the "Duet twins" playlist; the same recording plays from QQ Music, the player bar says
//! "from QQ Music", the lyrics are QQ Music's, looping it searches no more, and "Use original"
//! takes it back to NetEase (where it is grey, so it is skipped for the next song, 七里香, VIP
//! only on NetEase, which plays from QQ Music too). Screenshot: `play-anywhere.png`.

// Xvfb, WebKitWebDriver and the Secret Service are Linux's; on macOS and Windows this file
// builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::{
    attr, clean_start, click, eventually, forget_sessions, log_in_by_phone, open_playlist, run,
    screenshot, testid, text, wait_attr, wait_for, TauriDriver,
};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins::{self, TWINS_PLAYLIST_NAME};
use fantoccini::Client;
use serde_json::json;

/// QQ Music beside NetEase: a pasted cookie, from the add-account button.
async fn log_in_qq_by_cookie(app: &Client, fake: &duet_fake_upstream::FakeUpstream) {
    fake.qq().set_vip(QqAccount::Qq, false);
    click(app, &testid("sidebar-add-account")).await;
    wait_for(app, &testid("login-screen")).await;
    click(app, &testid("other-ways-link-qq")).await;
    let issued = fake.qq().issue_session(QqAccount::Qq);
    let input = wait_for(app, &testid("cookie-input-qq")).await;
    input
        .send_keys(&format!(
            "Cookie: uin=o0{}; qm_keyst={}",
            issued.musicid, issued.musickey
        ))
        .await
        .unwrap();
    click(app, &testid("cookie-submit-qq")).await;
    wait_for(app, &testid("library-screen")).await;
}

fn qq_searches(fake: &duet_fake_upstream::FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| {
            r.call
                .as_deref()
                .is_some_and(|c| c.contains("SearchCgiService"))
        })
        .count()
}

fn qq_urls(fake: &duet_fake_upstream::FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.call.as_deref().is_some_and(|c| c.contains("GetVkey")))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grey_netease_song_plays_from_qq_music_with_the_notice() {
    let fake = clean_start().await;
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;
    log_in_by_phone(&app, &fake).await;
    log_in_qq_by_cookie(&app, &fake).await;

    let daoxiang = twins::twin_titled("稻香").unwrap();
    open_playlist(&app, TWINS_PLAYLIST_NAME).await;
    let row = format!(
        "{}[data-track-id=\"{}\"]",
        testid("track-row"),
        daoxiang.netease.track_id()
    );
    wait_for(&app, &row).await;
    assert_eq!(
        attr(&app, &row, "data-playable").await.as_deref(),
        Some("false"),
        "稻香 is grey on NetEase"
    );
    // Repeat one: the fake's audio lasts seconds, and 稻香 should loop rather than hand over to
    // the next song (which would be looked up on QQ Music in its turn).
    run(
        &app,
        "return window.__TAURI_INTERNALS__.invoke('player_set_mode', \
           { repeat: 'one', shuffle: false }).then(() => true);",
        vec![],
    )
    .await;
    run(
        &app,
        "document.querySelector(arguments[0])
           .dispatchEvent(new MouseEvent('dblclick', {bubbles: true}));",
        vec![json!(row)],
    )
    .await;

    // It plays, from QQ Music, and the bar says so.
    let from = testid("player-from");
    wait_for(&app, &from).await;
    assert_eq!(
        attr(&app, &from, "data-provider").await.as_deref(),
        Some("qq")
    );
    assert_eq!(
        attr(&app, &from, "data-track").await,
        Some(daoxiang.qq.track_id())
    );
    assert!(
        text(&app, &from).await.contains("from QQ Music"),
        "{}",
        text(&app, &from).await
    );
    assert_eq!(text(&app, &testid("player-title")).await, "稻香");
    assert_eq!(
        attr(&app, &testid("player-provider"), "data-provider")
            .await
            .as_deref(),
        Some("netease"),
        "the queue keeps NetEase's song"
    );
    eventually("the position to pass 1 s", || async {
        wait_attr(&app, &testid("player-position"), "data-ms")
            .await
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            >= 1000
    })
    .await;
    // Looping, each play asks QQ Music for a fresh URL but never searches again.
    eventually("稻香 to loop", || async { qq_urls(&fake) >= 2 }).await;
    assert_eq!(qq_searches(&fake), 1);

    // The lyrics page reads QQ Music's lyrics, and says where they come from.
    click(&app, &testid("lyrics-button")).await;
    wait_for(&app, &testid("lyrics-view")).await;
    wait_for(&app, &testid("lyrics-from")).await;
    wait_for(&app, &testid("lyric-line")).await;
    // The page's opening transition settles before the picture.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    screenshot(&app, "play-anywhere").await;
    click(&app, &testid("lyrics-close")).await;

    // The way back: NetEase's own 稻香, which is grey there, so the player skips it; the next
    // song, 七里香, is VIP only on NetEase and plays from QQ Music in its turn.
    let qilixiang = twins::twin_titled("七里香").unwrap();
    click(&app, &testid("player-keep-original")).await;
    eventually("七里香 from QQ Music", || async {
        text(&app, &testid("player-title")).await == "七里香"
            && attr(&app, &from, "data-track").await == Some(qilixiang.qq.track_id())
    })
    .await;
    assert_eq!(qq_searches(&fake), 2, "稻香 was not searched again");

    app.close().await.unwrap();
    forget_sessions();
}
