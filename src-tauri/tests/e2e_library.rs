//! End to end: likes and your own playlists in the real app, in a real window (Xvfb,
//! tauri-driver), against the fake upstream, which keeps every write: like a track and find it
//! in the liked songs, create a playlist and add the track, follow someone else's playlist.
//! `./dev test` provides the display, the session bus with a Secret Service, and tauri-driver.

#![cfg(target_os = "linux")]

mod common;

use common::{
    attr, clean_start, eventually, log_in_by_phone, run, scratch_screenshot, testid, wait_for,
    TauriDriver,
};
use fantoccini::Client;
use serde_json::json;

/// One of the account's own playlists (30 generated tracks), and someone else's.
const OWN: &str = "9000000030";
const SOMEONE_ELSES: &str = "131149308";

/// Clicks the first element matching `css` from the page (row actions show only on hover,
/// which WebDriver's own click would call not interactable); whether there was one.
async fn click(client: &Client, css: &str) -> bool {
    run(
        client,
        "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;",
        vec![json!(css)],
    )
    .await
        == json!(true)
}

async fn go(client: &Client, hash: &str) {
    run(client, "location.hash = arguments[0];", vec![json!(hash)]).await;
}

async fn first_row_id(client: &Client) -> Option<String> {
    attr(
        client,
        &format!("{}[data-index=\"0\"]", testid("track-row")),
        "data-track-id",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn like_a_track_create_a_playlist_add_it_and_follow_one() {
    let fake = clean_start().await;
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;

    log_in_by_phone(&app, &fake).await;

    // Like the first track of one of the account's playlists.
    go(&app, &format!("#/playlist/netease/{OWN}")).await;
    let row_heart = format!(
        "{}[data-index=\"0\"] {}",
        testid("track-row"),
        testid("like-button")
    );
    eventually("the playlist's rows", || async {
        first_row_id(&app).await.is_some()
    })
    .await;
    let track = first_row_id(&app).await.unwrap();
    assert_eq!(
        attr(&app, &row_heart, "data-liked").await.as_deref(),
        Some("false")
    );
    assert!(click(&app, &row_heart).await);
    eventually("the heart to fill", || async {
        attr(&app, &row_heart, "data-liked").await.as_deref() == Some("true")
    })
    .await;
    let liked = fake.netease().liked_track_ids();
    assert_eq!(
        liked.first().map(u64::to_string),
        Some(track.clone()),
        "the service has it"
    );
    scratch_screenshot(&app, "library-liked-row").await;

    // The liked songs in the library show it first.
    assert!(
        click(
            &app,
            &format!("{}[data-liked=\"true\"]", testid("sidebar-playlist"))
        )
        .await
    );
    eventually("the liked songs with the new like first", || async {
        first_row_id(&app).await.as_deref() == Some(track.as_str())
    })
    .await;

    // Create a playlist from the sidebar.
    assert!(click(&app, &testid("new-playlist")).await);
    let input = wait_for(&app, &testid("playlist-name-input")).await;
    input.send_keys("Road trip").await.unwrap();
    scratch_screenshot(&app, "library-new-playlist").await;
    assert!(click(&app, &testid("playlist-name-submit")).await);
    let created_link = |app: &Client| {
        let app = app.clone();
        async move {
            run(
                &app,
                r#"const a = [...document.querySelectorAll('[data-testid="sidebar-playlist"]')]
                     .find(a => a.textContent.trim() === 'Road trip');
                   return a ? a.getAttribute('href') : null;"#,
                vec![],
            )
            .await
            .as_str()
            .map(str::to_owned)
        }
    };
    eventually("the new playlist in the sidebar", || async {
        created_link(&app).await.is_some()
    })
    .await;
    let href = created_link(&app).await.unwrap();

    // Add the liked track to it from the track's menu.
    assert!(
        click(
            &app,
            &format!(
                "{}[data-index=\"0\"] {}",
                testid("track-row"),
                testid("track-more")
            )
        )
        .await
    );
    wait_for(&app, &testid("track-menu")).await;
    assert!(click(&app, &testid("menu-add-to-playlist")).await);
    wait_for(&app, &testid("add-targets")).await;
    let new_id = href.rsplit('/').next().unwrap().to_owned();
    eventually("the new playlist among the targets", || async {
        click(
            &app,
            &format!("{}[data-playlist-id=\"{new_id}\"]", testid("add-target")),
        )
        .await
    })
    .await;
    go(&app, &href).await;
    eventually("the track in the new playlist", || async {
        first_row_id(&app).await.as_deref() == Some(track.as_str())
    })
    .await;
    scratch_screenshot(&app, "library-own-playlist").await;

    // Follow someone else's playlist; it joins the sidebar.
    go(&app, &format!("#/playlist/netease/{SOMEONE_ELSES}")).await;
    wait_for(&app, &testid("playlist-follow")).await;
    assert_eq!(
        attr(&app, &testid("playlist-follow"), "aria-pressed")
            .await
            .as_deref(),
        Some("false")
    );
    assert!(click(&app, &testid("playlist-follow")).await);
    eventually("following", || async {
        attr(&app, &testid("playlist-follow"), "aria-pressed")
            .await
            .as_deref()
            == Some("true")
    })
    .await;
    let followed = format!("{}[href$=\"/{SOMEONE_ELSES}\"]", testid("sidebar-playlist"));
    eventually("the followed playlist in the sidebar", || async {
        attr(&app, &followed, "href").await.is_some()
    })
    .await;
    scratch_screenshot(&app, "library-followed").await;

    app.close().await.unwrap();
}
