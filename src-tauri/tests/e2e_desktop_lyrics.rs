//! The desktop lyrics in the real app (tauri-driver, WebKitWebDriver, Xvfb) against the fake,
//! with a real Secret Service: the player bar opens the window, WebDriver switches to it and sees
//! the line move while the track plays on the null sink, and real X clicks (xdotool) land on the
//! lyrics while they are unlocked and go through them to the main window once locked. A shot of
//! the X screen (the lyrics over the app) goes beside the other screenshots. Then the mini
//! player, from the same menu, pauses the player.
//!
//! Its own test binary: it shares the keychain entries and prefs.json with `e2e.rs`.

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;
use std::time::Duration;

use common::{
    attr, clean_start, click, eventually, log_in_by_phone, open_playlist, run, screenshot_dir,
    testid, wait_for, x_windows_named, xdotool, TauriDriver,
};
use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::FakeUpstream;
use duet_services::KeyringStore;
use fantoccini::wd::WindowHandle;
use fantoccini::Client;
use serde_json::json;

/// Counts the mouse presses the page receives from now on (`window.__presses`).
async fn count_presses(client: &Client) {
    run(
        client,
        r#"window.__presses = 0;
           document.addEventListener('mousedown', () => window.__presses++, true);"#,
        vec![],
    )
    .await;
}

async fn presses(client: &Client) -> u64 {
    run(client, "return window.__presses ?? 0;", vec![])
        .await
        .as_u64()
        .unwrap_or(0)
}

/// The X window of the desktop lyrics: x, y, width, height on the screen.
fn lyrics_window_rect() -> (i64, i64, i64, i64) {
    let id = x_windows_named("Duet lyrics")
        .into_iter()
        .next()
        .expect("the lyrics window is on the X screen");
    let geometry = xdotool(&["getwindowgeometry", "--shell", &id]);
    let value = |key: &str| -> i64 {
        geometry
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {geometry}"))
    };
    (value("X"), value("Y"), value("WIDTH"), value("HEIGHT"))
}

/// A point in the lower middle of the lyrics window (on the text, away from the toolbar).
fn lyrics_window_middle() -> (i64, i64) {
    let (x, y, width, height) = lyrics_window_rect();
    (x + width / 2, y + height * 3 / 4)
}

/// A real click on the X screen at `(x, y)`: whatever window takes it there gets it.
fn click_screen((x, y): (i64, i64)) {
    xdotool(&["mousemove", &x.to_string(), &y.to_string()]);
    std::thread::sleep(Duration::from_millis(150));
    xdotool(&["click", "1"]);
}

/// A compositing manager for the test's X display, as every desktop has one: without it X
/// paints a transparent window black. Stopped when dropped.
struct Compositor(Option<std::process::Child>);

impl Compositor {
    fn start() -> Self {
        let child = Command::new("xcompmgr")
            .arg("-c")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Err(e) = &child {
            eprintln!("e2e: no xcompmgr ({e}): the lyrics show on black in the screenshot");
        }
        std::thread::sleep(Duration::from_millis(300));
        Self(child.ok())
    }
}

impl Drop for Compositor {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The whole X screen (every window as it is stacked and composited), from `xwd`'s dump.
fn grab_screen() -> image::RgbImage {
    let out = Command::new("xwd")
        .args(["-root", "-silent"])
        .output()
        .expect("xwd must be installed (./dev test installs x11-apps)");
    assert!(out.status.success(), "xwd: {out:?}");
    xwd_to_rgb(&out.stdout)
}

/// The lyrics window's part of the screen, as painted.
fn lyrics_pixels() -> image::RgbImage {
    let (x, y, width, height) = lyrics_window_rect();
    image::imageops::crop_imm(
        &grab_screen(),
        x as u32,
        y as u32,
        width as u32,
        height as u32,
    )
    .to_image()
}

/// Reads a 24/32-bit TrueColor ZPixmap XWD dump (what `xwd -root` writes on Xvfb).
fn xwd_to_rgb(data: &[u8]) -> image::RgbImage {
    let field = |i: usize| u32::from_be_bytes(data[i * 4..i * 4 + 4].try_into().unwrap());
    let header_size = field(0) as usize;
    let (width, height) = (field(4), field(5));
    let byte_order = field(7);
    let bits_per_pixel = field(11);
    let bytes_per_line = field(12) as usize;
    let (red_mask, green_mask, blue_mask) = (field(14), field(15), field(16));
    let colormap_entries = field(19) as usize;
    let bytes_per_pixel = (bits_per_pixel / 8) as usize;
    assert!(
        bytes_per_pixel == 3 || bytes_per_pixel == 4,
        "a 24-bit screen (xvfb-run -s '-screen 0 WxHx24'), not {bits_per_pixel} bits a pixel"
    );
    let pixels = &data[header_size + colormap_entries * 12..];
    let shift = |mask: u32| mask.trailing_zeros();
    image::RgbImage::from_fn(width, height, |x, y| {
        let at = y as usize * bytes_per_line + x as usize * bytes_per_pixel;
        let mut raw = [0u8; 4];
        let bytes = &pixels[at..at + bytes_per_pixel];
        let p = if byte_order == 0 {
            raw[..bytes_per_pixel].copy_from_slice(bytes);
            u32::from_le_bytes(raw)
        } else {
            raw[4 - bytes_per_pixel..].copy_from_slice(bytes);
            u32::from_be_bytes(raw)
        };
        let channel = |mask: u32| ((p & mask) >> shift(mask)) as u8;
        image::Rgb([channel(red_mask), channel(green_mask), channel(blue_mask)])
    })
}

async fn log_in_and_play(app: &Client, fake: &FakeUpstream) {
    log_in_by_phone(app, fake).await;
    open_playlist(app, "Fake playlist of 1200 tracks").await;
    click(app, &testid("play-all")).await;
    eventually("the position to pass 1 s", || async {
        attr(app, &testid("player-position"), "data-ms")
            .await
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|ms| ms >= 1000)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_lyrics_follow_the_song_and_let_clicks_through_when_locked() {
    let fake = clean_start().await;
    let _compositor = Compositor::start();
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;
    let main: WindowHandle = app.window().await.unwrap();
    log_in_and_play(&app, &fake).await;

    // The player bar opens the window: a second WebDriver window, the lyrics page in it.
    assert_eq!(app.windows().await.unwrap().len(), 1);
    click(&app, &testid("desktop-lyrics-button")).await;
    eventually("the lyrics window", || async {
        app.windows().await.unwrap().len() == 2
    })
    .await;
    assert_eq!(
        attr(&app, &testid("desktop-lyrics-button"), "aria-pressed")
            .await
            .as_deref(),
        Some("true")
    );
    let lyrics = app
        .windows()
        .await
        .unwrap()
        .into_iter()
        .find(|w| *w != main)
        .unwrap();
    app.switch_to_window(lyrics.clone()).await.unwrap();
    wait_for(&app, &testid("desktop-lyrics")).await;
    let line = || async { attr(&app, &testid("desktop-lyrics-current"), "data-index").await };
    eventually("a line of the song", || async {
        line().await.is_some_and(|i| i != "-1")
    })
    .await;
    let first = line().await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let painted = lyrics_pixels();
    eventually("the next line", || async { line().await != first }).await;
    // On the screen too, not only in the page: the window paints the new line.
    eventually("the new line on the screen", || async {
        lyrics_pixels() != painted
    })
    .await;
    let text = run(
        &app,
        "return document.querySelector('[data-testid=\"desktop-lyrics-current\"]').textContent.trim();",
        vec![],
    )
    .await;
    assert!(
        !text.as_str().unwrap_or("").is_empty(),
        "the line has words"
    );
    // See-through: the page paints no background of its own.
    assert_eq!(
        run(
            &app,
            "return getComputedStyle(document.body).backgroundColor;",
            vec![]
        )
        .await,
        json!("rgba(0, 0, 0, 0)")
    );

    // Unlocked, a click where the lyrics are lands on them.
    count_presses(&app).await;
    app.switch_to_window(main.clone()).await.unwrap();
    count_presses(&app).await;
    let middle = lyrics_window_middle();
    click_screen(middle);
    app.switch_to_window(lyrics.clone()).await.unwrap();
    eventually("the press on the unlocked lyrics", || async {
        presses(&app).await == 1
    })
    .await;
    app.switch_to_window(main.clone()).await.unwrap();
    assert_eq!(presses(&app).await, 0, "the main window below got nothing");

    // Locked (from the lyrics window's own button), the same click goes through to the window
    // below.
    app.switch_to_window(lyrics.clone()).await.unwrap();
    run(
        &app,
        "document.querySelector('[data-testid=\"desktop-lyrics-lock\"]').click();",
        vec![],
    )
    .await;
    eventually("the lock", || async {
        attr(&app, &testid("desktop-lyrics"), "data-locked")
            .await
            .as_deref()
            == Some("true")
    })
    .await;
    // Locked, the window still paints each new line.
    xdotool(&["mousemove", "700", "300"]);
    let locked_line = line().await;
    let locked_paint = lyrics_pixels();
    eventually("the next line, locked", || async {
        line().await != locked_line
    })
    .await;
    eventually("the new line on the screen, locked", || async {
        lyrics_pixels() != locked_paint
    })
    .await;
    grab_screen()
        .save(screenshot_dir().join("desktop-lyrics.png"))
        .unwrap();
    click_screen(middle);
    app.switch_to_window(main.clone()).await.unwrap();
    eventually("the press through the locked lyrics", || async {
        presses(&app).await == 1
    })
    .await;
    app.switch_to_window(lyrics.clone()).await.unwrap();
    assert_eq!(presses(&app).await, 1, "the locked lyrics got no press");

    // Unlocked again from the main window's settings: the lyrics take clicks once more.
    app.switch_to_window(main.clone()).await.unwrap();
    click(&app, &testid("desktop-lyrics-settings-button")).await;
    click(&app, &testid("desktop-lyrics-locked")).await;
    app.switch_to_window(lyrics.clone()).await.unwrap();
    eventually("the unlock", || async {
        attr(&app, &testid("desktop-lyrics"), "data-locked")
            .await
            .as_deref()
            == Some("false")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    click_screen(middle);
    eventually("a press on the unlocked lyrics again", || async {
        presses(&app).await == 2
    })
    .await;

    // Moved elsewhere, closed from the player bar and opened again: it comes back where it was
    // left (the window-state plugin keeps its place as the main window's).
    let lyrics_id = x_windows_named("Duet lyrics").into_iter().next().unwrap();
    xdotool(&["windowmove", &lyrics_id, "140", "120"]);
    eventually("the move", || async { lyrics_window_rect().0 == 140 }).await;
    let moved = lyrics_window_rect();
    tokio::time::sleep(Duration::from_millis(1000)).await; // the place is saved 0.5 s after a move
    app.switch_to_window(main.clone()).await.unwrap();
    click(&app, &testid("desktop-lyrics-button")).await;
    eventually("the lyrics window to close", || async {
        app.windows().await.unwrap().len() == 1
    })
    .await;
    click(&app, &testid("desktop-lyrics-button")).await;
    eventually("the lyrics window again", || async {
        app.windows().await.unwrap().len() == 2
    })
    .await;
    eventually("the lyrics where they were left", || async {
        Command::new("xdotool")
            .args(["search", "--name", "^Duet lyrics$"])
            .output()
            .is_ok_and(|o| !o.stdout.is_empty())
            && lyrics_window_rect() == moved
    })
    .await;

    // Closed (and left closed for the next start).
    click(&app, &testid("desktop-lyrics-button")).await;
    eventually("the lyrics window to close", || async {
        app.windows().await.unwrap().len() == 1
    })
    .await;
    // The mini player, from the same menu: the playing track, and its button pauses the one
    // player (the main window's bar follows).
    let title = run(
        &app,
        "return document.querySelector('[data-testid=\"player-title\"]').textContent.trim();",
        vec![],
    )
    .await;
    // The settings menu is still open from the unlock above.
    click(&app, &testid("mini-player-button")).await;
    eventually("the mini player", || async {
        app.windows().await.unwrap().len() == 2
    })
    .await;
    let mini = app
        .windows()
        .await
        .unwrap()
        .into_iter()
        .find(|w| *w != main)
        .unwrap();
    app.switch_to_window(mini).await.unwrap();
    wait_for(&app, &testid("mini-player")).await;
    eventually("the track in the mini player", || async {
        run(
            &app,
            "return document.querySelector('[data-testid=\"mini-title\"]').textContent.trim();",
            vec![],
        )
        .await
            == title
    })
    .await;
    click(&app, &testid("mini-toggle")).await;
    app.switch_to_window(main.clone()).await.unwrap();
    eventually("the main window to show the pause", || async {
        attr(&app, &testid("player-bar"), "data-status")
            .await
            .as_deref()
            == Some("paused")
    })
    .await;
    click(&app, &testid("mini-player-button")).await;
    eventually("the mini player to close", || async {
        app.windows().await.unwrap().len() == 1
    })
    .await;

    let _ = KeyringStore::new().delete(ProviderId::Netease);
    app.close().await.unwrap();
}
