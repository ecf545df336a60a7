//! End to end: the real app in a real window (Xvfb, tauri-driver), playing on the null sink
//! against the fake upstream, driven through MPRIS on the test's D-Bus session as the keyboard's
//! media keys, a desktop widget or `playerctl` would; the window follows. `./dev test` provides
//! the display, the session bus with a Secret Service, and tauri-driver.

#![cfg(target_os = "linux")]

mod common;
mod mpris_client;

use common::{
    attr, clean_start, eventually, log_in_by_phone, open_playlist, testid, text, wait_for,
    TauriDriver,
};
use fantoccini::Client;
use mpris_client::Mpris;
use zbus::zvariant::ObjectPath;

async fn position_ms(client: &Client) -> u64 {
    attr(client, &testid("player-position"), "data-ms")
        .await
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktops_media_controls_drive_the_window() {
    let fake = clean_start().await;
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;

    // Log in as the phone would, then play the long playlist.
    log_in_by_phone(&app, &fake).await;
    open_playlist(&app, "Fake playlist of 1200 tracks").await;
    wait_for(&app, &testid("play-all"))
        .await
        .click()
        .await
        .unwrap();
    eventually("the position to pass 1 s", || async {
        position_ms(&app).await >= 1000
    })
    .await;

    // The desktop sees what the window shows.
    let mpris = Mpris::connect().await;
    eventually("MPRIS to say Playing", || async {
        mpris.status().await == "Playing"
    })
    .await;
    let first = text(&app, &testid("player-title")).await;
    assert!(!first.is_empty());
    assert_eq!(mpris.title().await, first);

    // The media key: the window's button turns to "play", and back.
    mpris.call("PlayPause", &()).await;
    eventually("the window to pause", || async {
        attr(&app, &testid("player-toggle"), "data-playing")
            .await
            .as_deref()
            == Some("false")
    })
    .await;
    assert_eq!(mpris.status().await, "Paused");
    mpris.call("PlayPause", &()).await;
    eventually("the window to play again", || async {
        attr(&app, &testid("player-toggle"), "data-playing")
            .await
            .as_deref()
            == Some("true")
    })
    .await;

    // A widget's seek bar: the window's position jumps there.
    let trackid = ObjectPath::try_from(mpris.metadata().await["mpris:trackid"].clone()).unwrap();
    mpris
        .call("SetPosition", &(trackid.clone(), 12_000_000i64))
        .await;
    eventually("the window's position to reach 12 s", || async {
        position_ms(&app).await >= 12_000
    })
    .await;

    // Next: the window and the desktop agree on the new track.
    mpris.call("Next", &()).await;
    eventually("the next track in the window and on the bus", || async {
        let shown = text(&app, &testid("player-title")).await;
        !shown.is_empty() && shown != first && mpris.title().await == shown
    })
    .await;
}
