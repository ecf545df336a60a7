//! End to end: the real app in a real window (Xvfb), driven through tauri-driver and
//! WebKitWebDriver, against the fake upstream (the test scans and confirms the QR as the phone would), with sessions in a real Secret
//! Service. `./dev test` provides the display, the Secret Service and tauri-driver; without them
//! this test fails and says what is missing.
//!
//! Screenshots of the key screens go to `target/tmp/screenshots/`, or to `docs/screenshots/`
//! (the README's) with `DUET_UPDATE_SCREENSHOTS=1`.

// Xvfb, WebKitWebDriver and the Secret Service are Linux's; on macOS and Windows this file
// builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::time::{Duration, Instant};

use common::{
    attr, clean_start, click, eventually, screenshot, stored, testid, text, wait_attr, wait_for,
    TauriDriver,
};
use duet_core::ProviderId;
use fantoccini::{Client, Locator};
use serde_json::json;

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Chinese renders as glyphs, not as boxes (a fresh machine without a CJK font shows every title
/// and lyric as tofu): in the page's own font, 晴天 is two full-width ideographs, about 2 em wide,
/// and 晴 draws pixels of its own, unlike 天 and unlike the font's missing-glyph box (two boxes
/// would be the same picture).
async fn assert_chinese_renders_as_glyphs(client: &Client) {
    let measured = client
        .execute(
            r#"const family = getComputedStyle(document.body).fontFamily;
               const size = 40;
               const canvas = document.createElement('canvas');
               canvas.width = canvas.height = 2 * size;
               const ctx = canvas.getContext('2d');
               ctx.font = `${size}px ${family}`;
               const pixels = (text) => {
                 ctx.clearRect(0, 0, canvas.width, canvas.height);
                 ctx.fillText(text, 0, size);
                 return Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data).join(',');
               };
               const qing = pixels('晴');
               return {
                 em: size,
                 width: ctx.measureText('晴天').width,
                 unlike_tian: qing !== pixels('天'),
                 unlike_box: qing !== pixels('\u{10FFFD}'),
                 family,
               };"#,
            vec![],
        )
        .await
        .unwrap();
    let em = measured["em"].as_f64().unwrap();
    let width = measured["width"].as_f64().unwrap();
    let glyphs = (width / em - 2.0).abs() < 0.15
        && measured["unlike_tian"] == json!(true)
        && measured["unlike_box"] == json!(true);
    assert!(
        glyphs,
        "晴天 renders as boxes: no CJK font for {} ({measured})",
        measured["family"]
    );
}

fn stored_session() -> Option<String> {
    stored(ProviderId::Netease)
}

/// The state a QR card (`netease`, `qq`, `wechat`) shows.
async fn card_state(client: &Client, card: &str) -> Option<String> {
    wait_attr(client, &testid(&format!("qr-state-{card}")), "data-state").await
}

/// Waits until the QR card `card` shows `state`.
async fn wait_card(client: &Client, card: &str, state: &str) {
    eventually(&format!("the {card} card to read {state}"), || async {
        card_state(client, card).await.as_deref() == Some(state)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_browse_search_play_read_lyrics_log_out_and_restart() {
    let fake = clean_start().await;
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;

    // Login: the QR, then the fake "phone" scans and confirms it.
    wait_for(&app, &testid("login-screen")).await;
    let qr = wait_for(&app, &testid("qr-image-netease")).await;
    assert!(qr
        .attr("src")
        .await
        .unwrap()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    // A slow start (a loaded CI machine) can outlive the first codes: ask for new ones, as a
    // person would.
    for card in ["netease", "qq"] {
        if card_state(&app, card).await.as_deref() == Some("expired") {
            click(&app, &testid(&format!("qr-refresh-{card}"))).await;
            wait_card(&app, card, "waiting").await;
        }
    }
    assert_chinese_renders_as_glyphs(&app).await;
    // Routed to the fake: the app says so on every screen.
    wait_for(&app, &testid("test-upstream-badge")).await;
    screenshot(&app, "login").await;
    // The phone scans whatever code is on screen: every key still waiting (the UI may have asked
    // for more than one, e.g. after a slow start).
    let waiting: Vec<String> = fake
        .netease()
        .qr_keys()
        .into_iter()
        .filter(|k| fake.netease().qr_state(k) == Some(duet_fake_upstream::QrState::Waiting))
        .collect();
    assert!(!waiting.is_empty(), "the app asked for a QR key");
    for key in &waiting {
        assert!(fake.netease().scan(key));
    }
    wait_card(&app, "netease", "scanned").await;
    for key in &waiting {
        fake.netease().confirm(key);
    }
    wait_for(&app, &testid("library-screen")).await;
    // The person resizes the window; the next start must bring that size back.
    app.set_window_size(1040, 720).await.unwrap();
    assert!(
        stored_session().is_some_and(|s| s.contains("MUSIC_U")),
        "the session is in the keychain"
    );

    // The library: a grid of covers.
    eventually("playlist covers", || async {
        count(&app, &testid("playlist-card")).await >= 3
    })
    .await;
    // The pictures themselves load: the CSP, narrowed to the services' image hosts, lets the
    // test upstream's origin through (added at start from DUET_UPSTREAM).
    eventually("cover pictures", || async {
        app.execute(
            r#"return [...document.querySelectorAll('[data-testid="playlist-card"] img')]
                 .filter(i => i.complete && i.naturalWidth > 0).length;"#,
            vec![],
        )
        .await
        .ok()
        .and_then(|n| n.as_u64())
        .is_some_and(|n| n >= 3)
    })
    .await;
    screenshot(&app, "library").await;

    // A long playlist: whole, virtualised.
    // WebKitWebDriver's element text is empty for these cards; read the DOM instead.
    let opened = app
        .execute(
            r#"const card = [...document.querySelectorAll('[data-testid="playlist-card"]')]
                 .find(c => c.textContent.includes('Fake playlist of 1200 tracks'));
               if (card) card.click();
               return !!card;"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        opened,
        json!(true),
        "the 1200-track playlist is in the library"
    );
    wait_for(&app, &testid("playlist-screen")).await;
    wait_for(&app, &testid("track-row")).await;
    let rows = count(&app, &testid("track-row")).await;
    assert!(
        rows > 5 && rows < 150,
        "virtualised: {rows} rows in the DOM"
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "playlist").await;

    // Play it: the position advances on the null sink.
    wait_for(&app, &testid("play-all"))
        .await
        .click()
        .await
        .unwrap();
    wait_for(&app, &testid("player-bar")).await;
    let position = || async {
        wait_attr(&app, &testid("player-position"), "data-ms")
            .await
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    eventually("the position to pass 1 s", || async {
        position().await >= 1000
    })
    .await;

    // Lyrics: the current line changes as the track plays.
    wait_for(&app, &testid("lyrics-button"))
        .await
        .click()
        .await
        .unwrap();
    wait_for(&app, &testid("lyrics-view")).await;
    let current = format!("{}[data-current=\"true\"]", testid("lyric-line"));
    wait_for(&app, &current).await;
    let first = wait_attr(&app, &current, "data-index").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while wait_attr(&app, &current, "data-index").await == first {
        if Instant::now() > deadline {
            screenshot(&app, "failure-lyrics").await;
            let seen = app
                .execute(
                    r#"return [...document.querySelectorAll('[data-testid="lyric-line"]')].slice(0, 5)
                         .map(l => l.dataset.index + ':' + l.dataset.current + ':' + l.textContent.trim()).join(' | ')
                         + ' @ ' + document.querySelector('[data-testid="player-position"]')?.dataset.ms
                         + ' ' + document.querySelector('[data-testid="player-title"]')?.textContent;"#,
                    vec![],
                )
                .await
                .unwrap();
            panic!("the current lyric line stayed at {first:?}: {seen}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "lyrics").await;
    app.execute(
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))",
        vec![],
    )
    .await
    .unwrap();

    // Search.
    let search = wait_for(&app, &testid("search-input")).await;
    search.send_keys("hello\u{E007}").await.unwrap();
    eventually("search results", || async {
        count(&app, &testid("search-result")).await >= 5
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "search").await;

    // QQ Music beside NetEase: log in by scanning with QQ, from the sidebar.
    click(
        &app,
        r#"[data-testid="sidebar-add-account"][data-provider="qq"]"#,
    )
    .await;
    wait_for(&app, &testid("login-screen")).await;
    let qr = wait_for(&app, &testid("qr-image-qq")).await;
    assert!(qr
        .attr("src")
        .await
        .unwrap()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    // (No screenshot here: WebKitWebDriver took two minutes over one of this screen, longer than
    // the code lives; the first screenshot already shows the QQ and WeChat cards.)
    let qq_codes = || {
        fake.qq()
            .pending_qr()
            .into_iter()
            .filter(|c| c.method == duet_fake_upstream::qq::QqLoginMethod::Qq)
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    eventually("the app to ask for a QQ code", || async {
        !qq_codes().is_empty()
    })
    .await;
    let codes = qq_codes();
    for id in &codes {
        assert!(fake.qq().scan(id));
    }
    wait_card(&app, "qq", "scanned").await;
    for id in &codes {
        fake.qq().confirm(id);
    }
    eventually("the QQ Music session in the keychain", || async {
        stored(ProviderId::Qq).is_some_and(|s| s.contains("Q_H_L_"))
    })
    .await;
    wait_for(&app, r#"[data-testid="sidebar-group"][data-provider="qq"]"#).await;
    assert!(stored_session().is_some(), "NetEase is still logged in");

    // One search across both: 晴天 once, NetEase's listing with QQ Music's a click away.
    let search = wait_for(&app, &testid("search-input")).await;
    search.clear().await.unwrap();
    search.send_keys("晴天\u{E007}").await.unwrap();
    let also_on_qq = r#"[data-testid="search-result"][data-provider="netease"] [data-testid="also-on"][data-provider="qq"]"#;
    wait_for(&app, also_on_qq).await;
    assert_eq!(
        attr(&app, also_on_qq, "data-track-id").await.as_deref(),
        Some("0039MnYb0qxYhV")
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "search-both").await;

    // Only QQ Music's listings.
    click(&app, &testid("search-provider-qq")).await;
    let qq_result = r#"[data-testid="search-result"][data-provider="qq"]"#;
    eventually("QQ Music results", || async {
        count(&app, qq_result).await >= 5
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "search-qq").await;

    // Play the first result (晴天) and read its lyrics: word timing and translation.
    app.execute(
        r#"document.querySelector(arguments[0])
             .dispatchEvent(new MouseEvent('dblclick', {bubbles: true}));"#,
        vec![json!(qq_result)],
    )
    .await
    .unwrap();
    eventually("晴天 to play", || async {
        text(&app, &testid("player-title")).await == "晴天"
    })
    .await;
    eventually("the QQ track's position to pass 1 s", || async {
        position().await >= 1000
    })
    .await;
    click(&app, &testid("lyrics-button")).await;
    wait_for(&app, &testid("lyrics-view")).await;
    eventually("QQ lyrics with words and translations", || async {
        count(&app, &testid("lyric-word")).await >= 3
            && count(&app, &testid("lyric-translation")).await > 1
    })
    .await;
    wait_for(&app, &current).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "lyrics-qq").await;
    app.execute(
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))",
        vec![],
    )
    .await
    .unwrap();

    // Log out of both: NetEase first (QQ Music stays), then QQ Music: back to the QR codes,
    // keychain entries gone.
    click(&app, &testid("settings-button")).await;
    click(
        &app,
        r#"[data-testid="logout-button"][data-provider="netease"]"#,
    )
    .await;
    eventually("the NetEase keychain entry to go", || async {
        stored_session().is_none()
    })
    .await;
    assert!(stored(ProviderId::Qq).is_some(), "QQ Music stays logged in");
    click(&app, &testid("settings-button")).await;
    click(&app, r#"[data-testid="logout-button"][data-provider="qq"]"#).await;
    wait_for(&app, &testid("login-screen")).await;
    eventually("the QQ Music keychain entry to go", || async {
        stored(ProviderId::Qq).is_none()
    })
    .await;
    app.close().await.unwrap();

    // Restart: the login screen again, nothing restored.
    let fake_keys_before = fake.netease().qr_keys().len();
    let app = driver.launch_app().await;
    wait_for(&app, &testid("login-screen")).await;
    wait_for(&app, &testid("qr-image-netease")).await;
    assert!(
        fake.netease().qr_keys().len() > fake_keys_before,
        "a fresh QR code"
    );
    let (_, _, width, height) = app.get_window_rect().await.unwrap();
    assert_eq!(
        (width as u32, height as u32),
        (1040, 720),
        "the window remembers its size"
    );

    // The first QQ Music card: scanned with the QQ Music app itself, its state pushed over MQTT
    // (docs/protocol/qqmusic.md §4.3), into the library.
    let qr = wait_for(&app, &testid("qr-image-qqmusic")).await;
    assert!(qr
        .attr("src")
        .await
        .unwrap()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let app_codes = || {
        fake.qq()
            .pending_qr()
            .into_iter()
            .filter(|c| c.method == duet_fake_upstream::qq::QqLoginMethod::QqMusic)
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    eventually("the app to ask for a QQ Music app code", || async {
        !app_codes().is_empty()
    })
    .await;
    let codes = app_codes();
    for id in &codes {
        assert!(fake.qq().scan(id));
    }
    wait_card(&app, "qqmusic", "scanned").await;
    for id in &codes {
        fake.qq().confirm(id);
    }
    eventually("the QQ Music app login in the keychain", || async {
        stored(ProviderId::Qq).is_some_and(|s| s.contains("\"qqmusic\""))
    })
    .await;
    wait_for(&app, r#"[data-testid="sidebar-group"][data-provider="qq"]"#).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&app, "library-qqmusic-app").await;
    app.close().await.unwrap();
}
