//! End to end: the real app in a real window (Xvfb, tauri-driver) against the fake upstream,
//! which also plays `lrclib.net`. The person turns LRCLIB on and picks the CJK lyrics font in
//! Settings, plays NetEase's song without lyrics, and the lyrics page shows LRCLIB's lines,
//! marked, in that font; LRCLIB was asked once and nothing checked in. The preferences are put
//! back as they were (prefs.json is the app's own, shared by every e2e).

#![cfg(target_os = "linux")]

mod common;

use common::{
    clean_start, click, eventually, invoke, log_in_by_phone, run, scratch_screenshot, testid, text,
    wait_for, TauriDriver,
};
use duet_fake_upstream::lrclib::NETEASE_NOLYRIC_SONG;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lrclib_lyrics_for_a_song_without_any_in_the_chosen_font() {
    let fake = clean_start().await;
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;
    log_in_by_phone(&app, &fake).await;

    // Settings → Lyrics: LRCLIB on, the CJK font.
    click(&app, &testid("settings-button")).await;
    wait_for(&app, &testid("lyrics-settings")).await;
    click(&app, &testid("lrclib-switch")).await;
    wait_for(&app, &testid("lyrics-font-family"))
        .await
        .select_by_value("cjk")
        .await
        .unwrap();
    eventually("the preferences to be kept", || async {
        let prefs = invoke(&app, "prefs_get", json!({})).await;
        prefs["ok"]["lyrics"]["lrclib"] == json!(true)
            && prefs["ok"]["lyrics"]["font"]["family"] == json!("cjk")
    })
    .await;
    run(
        &app,
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));",
        vec![],
    )
    .await;

    // Play NetEase's song without lyrics (from the generated playlist it is in).
    let playlist = invoke(
        &app,
        "playlist",
        json!({ "provider": "netease", "id": "9000000100" }),
    )
    .await;
    let id = NETEASE_NOLYRIC_SONG.to_string();
    let track = playlist["ok"]["tracks"]
        .as_array()
        .expect("the playlist")
        .iter()
        .find(|t| t["id"].as_str() == Some(id.as_str()))
        .expect("the song in the playlist")
        .clone();
    let played = invoke(
        &app,
        "player_play",
        json!({ "tracks": [track], "startIndex": 0 }),
    )
    .await;
    assert!(played.get("ok").is_some(), "{played}");

    click(&app, &testid("lyrics-button")).await;
    wait_for(&app, &testid("lyrics-source")).await;
    assert_eq!(
        text(&app, &testid("lyrics-source")).await,
        "Lyrics from LRCLIB"
    );
    eventually("LRCLIB's first line on the page", || async {
        text(&app, &testid("lyric-line"))
            .await
            .contains(&format!("LRCLIB's words for Track {NETEASE_NOLYRIC_SONG}"))
    })
    .await;
    let family = run(
        &app,
        "return getComputedStyle(document.querySelector('[data-testid=\"lyric-line\"] .main')).fontFamily;",
        vec![],
    )
    .await;
    assert!(
        family
            .as_str()
            .unwrap_or_default()
            .contains("Noto Sans CJK SC"),
        "{family}"
    );
    scratch_screenshot(&app, "lyrics-lrclib").await;

    let lrclib: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.host == "lrclib.net")
        .map(|r| (r.logical_path, r.status))
        .collect();
    assert_eq!(lrclib, [("/api/get".to_owned(), 200)]);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.logical_path != "/api/point/dailyTask"),
        "nothing checked in"
    );

    // Put the preferences back for the other end-to-end tests.
    let mut prefs = invoke(&app, "prefs_get", json!({})).await["ok"].clone();
    prefs["lyrics"] =
        json!({ "lrclib": false, "font": { "family": "system", "size": 26, "weight": 700 } });
    let put = invoke(&app, "prefs_set", json!({ "next": prefs })).await;
    assert_eq!(put["ok"]["lyrics"]["lrclib"], false, "{put}");
}
