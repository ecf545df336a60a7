//! The harness of the tests that drive the real app in a real window: tauri-driver (and through
//! it WebKitWebDriver) started on a free port, the app launched through WebDriver; a clean start
//! (the fake upstream, an empty keychain) and the phone's side of a QR login; the page read and
//! clicked through scripts; the X screen driven with `xdotool`; screenshots.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::{FakeConfig, FakeUpstream, QrState};
use duet_services::KeyringStore;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub struct TauriDriver {
    child: Child,
    port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn tauri_driver_binary() -> PathBuf {
    if let Ok(path) = std::env::var("DUET_TAURI_DRIVER") {
        return path.into();
    }
    let in_cargo_home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("DUET_REAL_HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .or_else(|_| std::env::var("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    match in_cargo_home {
        Ok(path) if path.exists() => path,
        _ => "tauri-driver".into(),
    }
}

impl TauriDriver {
    /// On the X display (Xvfb under ./dev test).
    pub fn start(upstream: &str) -> Self {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end test under Xvfb (./dev test does)"
        );
        Self::start_with(upstream, Command::new(tauri_driver_binary()))
    }

    /// With `command` (tauri-driver, its environment set by the caller: another display).
    pub fn start_with(upstream: &str, mut command: Command) -> Self {
        let port = free_port();
        let child = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &free_port().to_string(),
            ])
            .env("DUET_UPSTREAM", upstream)
            // Not about pacing: the request budget has its own suites (tests/request_budget.rs).
            .env(duet_services::TEST_PACE_ENV, "fast")
            .env("DUET_AUDIO_OUTPUT", "null")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver must be installed (cargo install tauri-driver --locked)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, port }
    }

    pub async fn launch_app(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": env!("CARGO_BIN_EXE_duet") }),
        );
        ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session with the app (is webkit2gtk-driver installed?)")
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

pub async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

/// A screenshot of the window, as PNG. WebKitWebDriver takes it at the page's next rendering
/// update; a still page (the login screen) has none for two minutes. A 1-pixel, nearly
/// transparent element animates while the shot is taken, so there is one.
pub async fn capture(client: &Client) -> Vec<u8> {
    client
        .execute(
            r#"const tick = document.createElement('div');
               tick.id = 'e2e-tick';
               tick.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;opacity:0.01;pointer-events:none';
               tick.animate([{transform: 'translateX(0)'}, {transform: 'translateX(1px)'}],
                            {duration: 100, iterations: Infinity});
               document.body.appendChild(tick);"#,
            vec![],
        )
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    client
        .execute("document.getElementById('e2e-tick')?.remove();", vec![])
        .await
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    png
}

/// Polls `check` every 200 ms until it is true; fails the test after 30 s, naming `what`.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

// --- A clean start.

/// The fake upstream, with codes that live longer than the app's own limit (so the app decides
/// when one expired), and no session of either service in the keychain.
pub async fn clean_start() -> FakeUpstream {
    let fake = FakeUpstream::spawn(FakeConfig {
        qr_lifetime: Duration::from_secs(600),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    forget_sessions();
    fake
}

/// Deletes both services' sessions from the keychain (the app's entries, shared by every e2e).
pub fn forget_sessions() {
    KeyringStore::new().delete(ProviderId::Netease).unwrap();
    KeyringStore::new().delete(ProviderId::Qq).unwrap();
}

/// The keychain entry of `provider`. Read while the app writes it, gnome-keyring now and then
/// answers with a failure; a few tries ride that out.
pub fn stored(provider: ProviderId) -> Option<String> {
    let mut tries = 0;
    loop {
        match KeyringStore::new().load(provider) {
            Ok(entry) => return entry.map(|s| s.expose().to_owned()),
            Err(e) if tries < 10 => {
                tries += 1;
                eprintln!("e2e: keychain read failed ({e}); trying again");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("a Secret Service must be running (./dev test starts one): {e}"),
        }
    }
}

/// The phone's side of a NetEase QR login: every code the login screen shows is scanned and
/// confirmed, and the library opens.
pub async fn log_in_by_phone(app: &Client, fake: &FakeUpstream) {
    wait_for(app, &testid("qr-image-netease")).await;
    let mut waiting = Vec::new();
    eventually("a NetEase code waiting", || {
        waiting = fake
            .netease()
            .qr_keys()
            .into_iter()
            .filter(|k| fake.netease().qr_state(k) == Some(QrState::Waiting))
            .collect();
        let any = !waiting.is_empty();
        async move { any }
    })
    .await;
    for key in &waiting {
        fake.netease().scan(key);
        fake.netease().confirm(key);
    }
    wait_for(app, &testid("library-screen")).await;
}

/// Opens the library's playlist card whose text has `name`, once the cards are there.
pub async fn open_playlist(app: &Client, name: &str) {
    eventually(&format!("the playlist {name:?}"), || async {
        run(
            app,
            r#"const card = [...document.querySelectorAll('[data-testid="playlist-card"]')]
                 .find(c => c.textContent.includes(arguments[0]));
               if (card) card.click();
               return !!card;"#,
            vec![json!(name)],
        )
        .await
            == json!(true)
    })
    .await;
}

// --- The page, through scripts (elements that re-render every position tick go stale between
// a WebDriver find and a read).

pub async fn run(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client.execute(script, args).await.unwrap()
}

/// A command of the app, called from the page as the UI calls it: `{ok: answer}` or
/// `{err: error}`.
pub async fn invoke(client: &Client, cmd: &str, args: Value) -> Value {
    run(
        client,
        "return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
           .then(v => ({ ok: v }), e => ({ err: e }));",
        vec![json!(cmd), args],
    )
    .await
}

/// An attribute of the first element matching `css`, as it is now (`None` without the element).
pub async fn attr(client: &Client, css: &str, name: &str) -> Option<String> {
    run(
        client,
        "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
        vec![json!(css), json!(name)],
    )
    .await
    .as_str()
    .map(str::to_owned)
}

/// [`attr`] once an element matches `css` (fails the test if none does within 30 s).
pub async fn wait_attr(client: &Client, css: &str, name: &str) -> Option<String> {
    wait_for(client, css).await;
    attr(client, css, name).await
}

/// The text of the first element matching `css`, trimmed (empty without the element).
pub async fn text(client: &Client, css: &str) -> String {
    run(
        client,
        "return document.querySelector(arguments[0])?.textContent?.trim() ?? '';",
        vec![json!(css)],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Clicks the first visible element matching `css`, in the page.
pub async fn click(client: &Client, css: &str) {
    wait_for(client, css).await;
    let clicked = run(
        client,
        r#"const e = [...document.querySelectorAll(arguments[0])].find(e => e.offsetParent !== null);
           if (e) e.click();
           return !!e;"#,
        vec![json!(css)],
    )
    .await;
    assert_eq!(clicked, json!(true), "nothing visible to click at {css}");
}

// --- The X screen.

/// Runs `xdotool` (on the test's display) and answers what it printed; fails the test when it
/// fails.
pub fn xdotool(args: &[&str]) -> String {
    try_xdotool(args).unwrap_or_else(|| panic!("xdotool {args:?} failed"))
}

/// [`xdotool`] where failing is an answer (a retry loop's try, a search that finds nothing).
pub fn try_xdotool(args: &[&str]) -> Option<String> {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool must be installed (./dev test installs it)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The X windows whose title is `title`.
pub fn x_windows_named(title: &str) -> Vec<String> {
    try_xdotool(&["search", "--name", &format!("^{title}$")])
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The last X window titled `title`, once there is one.
pub async fn x_window_named(title: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(window) = x_windows_named(title).pop() {
            return window;
        }
        assert!(Instant::now() < deadline, "no window named {title:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

// --- Screenshots.

/// Where the README's screenshots go: `docs/screenshots` with `DUET_UPDATE_SCREENSHOTS` set,
/// else the target's scratch folder.
pub fn screenshot_dir() -> PathBuf {
    let dir = if std::env::var_os("DUET_UPDATE_SCREENSHOTS").is_some() {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/screenshots"))
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
    };
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One of the README's screenshots, `name.png` in [`screenshot_dir`].
pub async fn screenshot(client: &Client, name: &str) {
    let png = capture(client).await;
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// A screenshot to look at, never the README's: always in the target's scratch folder.
pub async fn scratch_screenshot(client: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = capture(client).await;
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}
