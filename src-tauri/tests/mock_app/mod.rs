//! What the tests below the real window share: one async runtime, an event recorder, Duet over
//! the fake upstream with sessions in memory, and a command invoked through Tauri's mock IPC
//! with the real config and capabilities.

#![allow(dead_code)]

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use duet_app::events::{AppEvent, EventSink};
use duet_app::Duet;
use duet_core::Upstream;
use duet_fake_upstream::FakeUpstream;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

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
