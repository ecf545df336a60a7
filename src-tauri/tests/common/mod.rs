//! The harness of the tests that drive the real app in a real window: tauri-driver (and through
//! it WebKitWebDriver) started on a free port, the app launched through WebDriver.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

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
