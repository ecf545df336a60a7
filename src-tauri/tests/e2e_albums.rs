//! End to end: album and artist pages in the real app (Xvfb, tauri-driver) against the fake
//! upstream: log in, open an artist from a track row, page through their albums, open an album
//! from the artist page and play it. Screenshots of both pages go to `target/tmp/screenshots/`,
//! or to `docs/screenshots/` (the README's) with `DUET_UPDATE_SCREENSHOTS=1`.

// Xvfb, WebKitWebDriver and the Secret Service are Linux's; on macOS and Windows this file
// builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::time::Duration;

use common::{
    attr, clean_start, click, eventually, log_in_by_phone, run, screenshot, testid, text, wait_for,
    TauriDriver,
};
use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::netease::albums::{LONG_ALBUM_ID, PROLIFIC_ARTIST_ID};
use duet_services::KeyringStore;
use fantoccini::Client;
use serde_json::json;

async fn count(client: &Client, css: &str) -> usize {
    run(
        client,
        "return document.querySelectorAll(arguments[0]).length;",
        vec![json!(css)],
    )
    .await
    .as_u64()
    .unwrap_or(0) as usize
}

async fn hash(client: &Client) -> String {
    run(client, "return location.hash;", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_an_artist_from_a_track_row_then_an_album_and_play_it() {
    let fake = clean_start().await;
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;
    log_in_by_phone(&app, &fake).await;

    // A playlist whose tracks are the 300-album artist's.
    eventually("the 1200-track playlist", || async {
        run(
            &app,
            r#"const card = [...document.querySelectorAll('[data-testid="playlist-card"]')]
                 .find(c => c.textContent.includes('Fake playlist of 1200 tracks'));
               if (card) card.click();
               return !!card;"#,
            vec![],
        )
        .await
            == json!(true)
    })
    .await;
    wait_for(&app, &testid("track-row")).await;

    // The artist's name in a track row opens their page.
    let artist_link = format!("{} {}", testid("track-row"), testid("artist-link"));
    let artist_id = attr(&app, &artist_link, "data-id").await.unwrap();
    assert_eq!(artist_id, PROLIFIC_ARTIST_ID.to_string());
    let artist_name = text(&app, &artist_link).await;
    click(&app, &artist_link).await;
    wait_for(&app, &testid("artist-screen")).await;
    assert_eq!(hash(&app).await, format!("#/artist/netease/{artist_id}"));
    wait_for(&app, &testid("artist-name")).await;
    assert_eq!(text(&app, &testid("artist-name")).await, artist_name);
    eventually("the first page of albums", || async {
        count(&app, &testid("artist-album")).await == 30
    })
    .await;
    // Logged in: NetEase names similar artists.
    wait_for(&app, &testid("similar-artist")).await;
    assert!(
        count(
            &app,
            &format!("{} {}", testid("artist-screen"), testid("track-row"))
        )
        .await
            > 5
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "artist").await;

    // More albums, a page at a time.
    click(&app, &testid("more-albums")).await;
    eventually("the second page of albums", || async {
        count(&app, &testid("artist-album")).await >= 60
    })
    .await;

    // The first album (2,000 tracks) opens from the artist page, whole and virtualised.
    let album_card = format!("{}[data-id=\"{LONG_ALBUM_ID}\"]", testid("artist-album"));
    run(
        &app,
        "document.querySelector('[data-scroll-root]').scrollTop = 0;",
        vec![],
    )
    .await;
    click(&app, &album_card).await;
    wait_for(&app, &testid("album-screen")).await;
    assert_eq!(hash(&app).await, format!("#/album/netease/{LONG_ALBUM_ID}"));
    wait_for(&app, &testid("track-row")).await;
    let rows = count(&app, &testid("track-row")).await;
    assert!(
        rows > 5 && rows < 150,
        "virtualised: {rows} rows in the DOM"
    );
    assert!(text(&app, &testid("album-artists"))
        .await
        .contains(&artist_name));
    assert!(!text(&app, &testid("album-description")).await.is_empty());
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "album").await;

    // Play it: the first track plays on the null sink.
    click(&app, &testid("play-all")).await;
    wait_for(&app, &testid("player-bar")).await;
    eventually("the position to pass 1 s", || async {
        attr(&app, &testid("player-position"), "data-ms")
            .await
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|ms| ms >= 1000)
    })
    .await;
    let first = text(
        &app,
        &format!("{}[data-index=\"0\"] .name", testid("track-row")),
    )
    .await;
    assert_eq!(text(&app, &testid("player-title")).await, first);

    app.close().await.unwrap();
    KeyringStore::new().delete(ProviderId::Netease).unwrap();
}
