//! The real app under a Wayland compositor (Debian's weston, headless), not only under Xvfb:
//! with no X display at all, GTK opens its window on Wayland, the page lays out the login screen
//! and its QR code, and the UI talks to the Rust side. (The screenshot is WebKit's picture of
//! the page, not the compositor's: a window the compositor shows blank, the failure some GPU
//! drivers cause, would not show here.) `./dev test` installs weston and tauri-driver; without
//! them this test fails and says so.

// weston and WebKitWebDriver are Linux's; on macOS and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{tauri_driver_binary, testid, wait_for, TauriDriver};
use duet_fake_upstream::{FakeConfig, FakeUpstream};

/// weston on its own socket in a private runtime directory, stopped when dropped.
struct Weston {
    child: Child,
    runtime_dir: PathBuf,
    socket: String,
}

impl Weston {
    fn start() -> Self {
        let runtime_dir = std::env::temp_dir().join(format!("duet-wayland-{}", std::process::id()));
        std::fs::create_dir_all(&runtime_dir).unwrap();
        std::fs::set_permissions(
            &runtime_dir,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        let socket = "duet-test".to_owned();
        let child = Command::new("weston")
            .args([
                "--backend=headless-backend.so",
                &format!("--socket={socket}"),
                "--width=1200",
                "--height=800",
                "--idle-time=0",
            ])
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("weston (Debian package weston) must be installed: ./dev test installs it");
        let weston = Self {
            child,
            runtime_dir,
            socket,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !weston.runtime_dir.join(&weston.socket).exists() {
            assert!(Instant::now() < deadline, "weston did not open its socket");
            std::thread::sleep(Duration::from_millis(50));
        }
        weston
    }

    fn runtime_dir(&self) -> &Path {
        &self.runtime_dir
    }
}

impl Drop for Weston {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.runtime_dir);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_starts_and_draws_under_wayland() {
    let weston = Weston::start();
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let mut driver = Command::new(tauri_driver_binary());
    driver
        .env("XDG_RUNTIME_DIR", weston.runtime_dir())
        .env("WAYLAND_DISPLAY", &weston.socket)
        .env("GDK_BACKEND", "wayland")
        // No X server to fall back to: this is Wayland or nothing.
        .env_remove("DISPLAY");
    let driver = TauriDriver::start_with(&fake.base_url(), driver);
    let app = driver.launch_app().await;

    wait_for(&app, &testid("login-screen")).await;
    let qr = wait_for(&app, &testid("qr-image-netease")).await;
    let src = qr.attr("src").await.unwrap().unwrap_or_default();
    assert!(src.starts_with("data:image/png;base64,"), "{src:.40}");
    // The UI talks to the Rust side: the app's info names the test upstream.
    wait_for(&app, &testid("test-upstream-badge")).await;

    // The page is drawn, not blank.
    let png = common::capture(&app).await;
    let picture = image::load_from_memory(&png).unwrap().to_rgb8();
    let mut colours: Vec<[u8; 3]> = picture.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 50,
        "a blank window: {} colours in the screenshot",
        colours.len()
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("wayland-login.png"), &png).unwrap();

    app.close().await.unwrap();
}
