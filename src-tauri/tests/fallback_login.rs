//! The ways in for when a QR is refused, below the real window (the end-to-end test drives that):
//! `login_cookie` through Tauri's mock runtime with the real config and capabilities, and the web
//! login's watch over a window whose cookies are what the fake's login page set.

mod mock_app;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_app::web_login::{label, LoginWindows, WebLogins};
use duet_app::Duet;
use duet_core::{Provider, ProviderId, Result, Secret};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use mock_app::{duet, recorder, runtime, MockApp, Recorded};
use serde_json::{json, Value};

#[test]
fn a_pasted_cookie_logs_in_through_the_command() {
    let mock = MockApp::start();
    let fake = &mock.fake;

    let unknown = "00".repeat(64);
    let error = mock
        .invoke(
            "login_cookie",
            json!({"provider": "netease", "cookie": format!("MUSIC_U={unknown}")}),
        )
        .unwrap_err();
    assert_eq!(error["kind"], "session_expired", "{error}");
    assert_eq!(error["provider"], "netease");
    assert!(!error.to_string().contains(&unknown));
    let error = mock
        .invoke("login_cookie", json!({"provider": "qq", "cookie": "   "}))
        .unwrap_err();
    assert_eq!(
        (&error["kind"], &error["provider"]),
        (&json!("bad_request"), &json!("qq"))
    );

    let issued = fake.netease().issue_session();
    let login = mock
        .invoke(
            "login_cookie",
            json!({"provider": "netease", "cookie": format!("Cookie: MUSIC_U={}", issued.music_u)}),
        )
        .unwrap();
    assert_eq!(login["profile"]["nickname"], "大不6仙");
    assert!(!login.to_string().contains(&issued.music_u));
    let me = mock
        .invoke("profile", json!({"provider": "netease"}))
        .unwrap();
    assert_eq!(me["nickname"], "大不6仙");

    // Without the app's windows (the mock runtime's app has none given), the web login says so.
    let error = mock
        .invoke("login_web_open", json!({"provider": "qq"}))
        .unwrap_err();
    assert_eq!(error["kind"], "declined", "{error}");
}

/// The login window reaches no command: every capability names Duet's own windows only (the
/// main window, the desktop lyrics, the mini player), never a login window, and no remote URL.
#[test]
fn no_capability_names_the_login_windows() {
    const DUETS_WINDOWS: [&str; 3] = ["main", "desktop-lyrics", "mini-player"];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities");
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!files.is_empty());
    for file in &files {
        let capability: Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let windows = capability["windows"].as_array().expect("windows listed");
        for window in windows {
            assert!(
                DUETS_WINDOWS.contains(&window.as_str().unwrap()),
                "{}: {window}",
                file.display()
            );
        }
        assert!(
            capability.get("webviews").is_none() && capability.get("remote").is_none(),
            "{}",
            file.display()
        );
    }
    for provider in [ProviderId::Netease, ProviderId::Qq] {
        assert!(!DUETS_WINDOWS.contains(&label(provider).as_str()));
    }
}

/// A login window for the watch: open until closed, its cookies whatever the page set so far.
#[derive(Default)]
struct ScriptedWindow {
    open: Mutex<Option<(String, tauri::Url)>>,
    cookies: Mutex<Vec<(String, Secret)>>,
    closed_by_app: Mutex<bool>,
}

impl ScriptedWindow {
    /// What a press of the page's button `id` set, as the window's cookie store would keep it.
    async fn press(&self, fake: &FakeUpstream, id: &str) {
        let (_, url) = self
            .open
            .lock()
            .unwrap()
            .clone()
            .expect("the window is open");
        assert!(url.as_str().starts_with(&fake.base_url()), "{url}");
        let answer = reqwest::Client::new()
            .post(url.as_str())
            .form(&[("as", id)])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let set: Vec<(String, Secret)> = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| {
                let (name, value) = v.to_str().ok()?.split(';').next()?.split_once('=')?;
                Some((name.to_owned(), Secret::new(value)))
            })
            .collect();
        self.cookies.lock().unwrap().extend(set);
    }

    fn set(&self, pairs: &[(&str, &str)]) {
        *self.cookies.lock().unwrap() = pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), Secret::new(*v)))
            .collect();
    }
}

impl LoginWindows for ScriptedWindow {
    fn open(&self, label: &str, _title: &str, url: tauri::Url) -> Result<()> {
        *self.open.lock().unwrap() = Some((label.to_owned(), url));
        Ok(())
    }

    fn cookies(&self, label: &str, url: &tauri::Url) -> Option<Result<Vec<(String, Secret)>>> {
        let open = self.open.lock().unwrap().clone()?;
        assert_eq!(open.0, label);
        assert!(url.path().ends_with('/'), "the cookie address: {url}");
        Some(Ok(self.cookies.lock().unwrap().clone()))
    }

    fn close(&self, _label: &str) {
        *self.closed_by_app.lock().unwrap() = true;
        *self.open.lock().unwrap() = None;
    }
}

fn states(events: &Recorded) -> Vec<String> {
    events
        .lock()
        .unwrap()
        .iter()
        .filter(|(name, _)| name == "web-login")
        .map(|(_, payload)| payload["state"].as_str().unwrap().to_owned())
        .collect()
}

async fn wait_for_state(events: &Recorded, state: &str) {
    for _ in 0..100 {
        if states(events).last().map(String::as_str) == Some(state) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {state} web login; saw {:?}", states(events));
}

#[test]
fn the_web_login_takes_the_pages_session_and_closes_the_window() {
    runtime().block_on(async {
        let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
        let (events, sink) = recorder();
        let duet = duet(&fake, sink.clone()).await;
        let provider = duet.provider(ProviderId::Qq).unwrap();
        let window = Arc::new(ScriptedWindow::default());
        let logins = WebLogins::new();
        logins.set_windows(window.clone());
        let upstream = mock_app::settings(&fake).upstream;
        logins
            .open(provider.clone(), &upstream, sink.clone())
            .unwrap();
        let (opened_label, url) = window.open.lock().unwrap().clone().unwrap();
        assert_eq!(opened_label, label(ProviderId::Qq));
        assert_eq!(url.as_str(), format!("{}/y.qq.com/", fake.base_url()));
        wait_for_state(&events, "waiting").await;

        // Half a session (the key, no account) is not checked; a refused one says why and the
        // page stays open; the page's own login then goes through.
        window.set(&[("qm_keyst", "Q_H_L_half")]);
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(states(&events), ["waiting"]);
        window.set(&[("uin", "o0123456789"), ("qm_keyst", "Q_H_L_refused")]);
        wait_for_state(&events, "failed").await;
        let failed = events.lock().unwrap().last().unwrap().1.clone();
        assert_eq!(failed["error"]["kind"], "session_expired", "{failed}");
        assert!(!failed.to_string().contains("Q_H_L_refused"));
        assert!(!*window.closed_by_app.lock().unwrap());

        window.set(&[]);
        window.press(&fake, "login").await;
        wait_for_state(&events, "confirmed").await;
        let confirmed = events.lock().unwrap().last().unwrap().1.clone();
        assert_eq!(confirmed["login"]["profile"]["user_id"], "123456789");
        assert!(*window.closed_by_app.lock().unwrap(), "the window closes");
        assert_eq!(
            states(&events),
            ["waiting", "checking", "failed", "checking", "confirmed"]
        );
        assert_eq!(provider.profile().await.unwrap().user_id, "123456789");
        let all = serde_json::to_string(&*events.lock().unwrap()).unwrap();
        assert!(!all.contains("Q_H_L_"), "no key in any event: {all}");

        // A window the person closes ends the watch with `closed`.
        let netease = duet.provider(ProviderId::Netease).unwrap();
        logins.open(netease, &upstream, sink).unwrap();
        wait_for_state(&events, "waiting").await;
        window.close("web-login-netease");
        wait_for_state(&events, "closed").await;
        assert!(!netease_logged_in(&duet).await);
    });
}

async fn netease_logged_in(duet: &Duet) -> bool {
    let provider: Arc<dyn Provider> = duet.provider(ProviderId::Netease).unwrap();
    provider.has_session().await
}
