//! What the tests below the real window share: one async runtime, an event recorder, Duet over
//! the fake upstream with sessions in memory, the app on Tauri's mock runtime with its main
//! window ([`MockApp`]), and a command invoked through Tauri's mock IPC with the real config and
//! capabilities.

#![allow(dead_code)]

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use duet_app::events::{AppEvent, EventSink};
use duet_app::Duet;
use duet_core::Upstream;
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

/// Every event sent to the UI, by name, in order.
pub type Recorded = Arc<Mutex<Vec<(String, Value)>>>;

pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        // No audio device in tests: the player plays into the real-time null sink.
        std::env::set_var("DUET_AUDIO_OUTPUT", "null");
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The first `n` tracks of `playlist` (a `playlist` command's answer) that play for free.
pub fn free_tracks(playlist: &Value, n: usize) -> Vec<Value> {
    let free: Vec<Value> = playlist["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["playable"] == true && t["vip"] == false)
        .take(n)
        .cloned()
        .collect();
    assert_eq!(free.len(), n, "{n} free tracks in the playlist");
    free
}

/// How many events were recorded so far (what [`wait_event`] starts after).
pub fn seen(events: &Recorded) -> usize {
    events.lock().unwrap().len()
}

/// Waits (20 s at most) for an event `name` matching `pred` among those recorded after the
/// first `since`, and answers its payload; the failure lists the events seen.
pub fn wait_event(
    events: &Recorded,
    since: usize,
    name: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = events.lock().unwrap()[since..]
            .iter()
            .find(|(n, p)| n == name && pred(p))
            .map(|(_, p)| p.clone());
        if let Some(payload) = found {
            return payload;
        }
        if Instant::now() > deadline {
            let names: Vec<String> = events
                .lock()
                .unwrap()
                .iter()
                .map(|(n, _)| n.clone())
                .collect();
            panic!("no such {name} event; saw {names:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn recorder() -> (Recorded, EventSink) {
    let events: Recorded = Arc::default();
    let into = events.clone();
    let sink: EventSink = Arc::new(move |event: AppEvent| {
        into.lock()
            .unwrap()
            .push((event.name().to_owned(), event.payload()));
    });
    (events, sink)
}

/// The settings `run` builds with `DUET_UPSTREAM` pointing at `fake` (at the test pace).
pub fn settings(fake: &FakeUpstream) -> duet_services::Settings {
    duet_services::Settings {
        upstream: Upstream::parse_override(&fake.base_url()).unwrap(),
        timeout: Duration::from_secs(5),
        pace: duet_services::Pace::TEST,
    }
}

pub async fn duet(fake: &FakeUpstream, sink: EventSink) -> Duet {
    Duet::new(settings(fake), duet_services::memory_store(), sink)
        .await
        .unwrap()
}

pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

/// The app as `run` builds it, on the mock runtime: Duet over a fake upstream of its own
/// (sessions in memory), the real commands, config (the upstream's pictures allowed, as with
/// `DUET_UPSTREAM`) and capabilities, and the main window.
pub struct MockApp {
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    /// Every event the UI was sent.
    pub events: Recorded,
    pub fake: FakeUpstream,
    /// Every transfer event (`transfer-preview`, `transfer-changed`) the UI was sent.
    pub transfer_events: Arc<Mutex<Vec<duet_app::transfer::TransferEvent>>>,
    /// The app's data folder (the moves' jobs), removed with the app.
    pub data_dir: std::path::PathBuf,
}

impl Drop for MockApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

impl MockApp {
    pub fn start() -> Self {
        let rt = runtime();
        let fake = rt
            .block_on(FakeUpstream::spawn(FakeConfig::default()))
            .unwrap();
        let (events, sink) = recorder();
        let duet = rt.block_on(duet(&fake, sink));
        let mut context = tauri::generate_context!("../tauri.conf.json");
        duet_app::allow_upstream_images(context.config_mut(), &settings(&fake).upstream);
        let app = duet_app::commands::register(mock_builder())
            .build(context)
            .unwrap();
        let data_dir = std::env::temp_dir().join(format!(
            "duet-mock-app-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let transfer_events = Arc::new(Mutex::new(Vec::new()));
        let recorded = transfer_events.clone();
        let moves = duet_app::transfer::open(
            &duet,
            &data_dir,
            duet_services::Pace::TEST,
            Arc::new(move |event| recorded.lock().unwrap().push(event)),
        )
        .unwrap();
        app.manage(moves);
        app.manage(duet);
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Self {
            app,
            window,
            events,
            fake,
            transfer_events,
            data_dir,
        }
    }

    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke(&self.window, cmd, args)
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The error object `cmd` answers (panics if it succeeds).
    pub fn error(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args).expect_err(cmd)
    }

    /// Logs in to NetEase by its QR code, played by the fake: scanned once the app polls it,
    /// confirmed, and waited for until the session says so.
    pub fn log_in_netease(&self) {
        let qr = self.ok("login_qr_start", json!({ "provider": "netease" }));
        let key = qr["key"].as_str().unwrap().to_owned();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.fake.netease().scan(&key) {
            assert!(Instant::now() < deadline, "the code was never polled");
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(self.fake.netease().confirm(&key));
        while self.ok("session_restore", json!({}))[0]["state"] != "logged_in" {
            assert!(Instant::now() < deadline, "the login never completed");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// See [`seen`].
    pub fn seen(&self) -> usize {
        seen(&self.events)
    }

    /// See [`wait_event`].
    pub fn wait_event(&self, since: usize, name: &str, pred: impl Fn(&Value) -> bool) -> Value {
        wait_event(&self.events, since, name, pred)
    }
}
