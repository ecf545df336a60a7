//! Everything the Rust side tells the UI, as one enum; the event names live here and nowhere
//! else (docs/desktop-ipc.md).

use std::sync::Arc;

use duet_core::{Error, LoginState, Track};
use duet_player::PlayerState;
use serde::Serialize;
use serde_json::Value;

use crate::state::SessionStatus;

#[derive(Debug, Clone, Serialize)]
pub struct Position {
    pub position_ms: u64,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LyricLine {
    pub track_id: String,
    /// Index into `Lyrics.lines`; -1 before the first line.
    pub index: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub track: Track,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub enum AppEvent {
    LoginState(LoginState),
    SessionChanged(SessionStatus),
    PlayerState(Box<PlayerState>),
    PlayerPosition(Position),
    LyricLine(LyricLine),
    PlayerSkipped(Box<Skipped>),
    Error(Error),
}

impl AppEvent {
    pub fn name(&self) -> &'static str {
        match self {
            AppEvent::LoginState(_) => "login-state",
            AppEvent::SessionChanged(_) => "session-changed",
            AppEvent::PlayerState(_) => "player-state",
            AppEvent::PlayerPosition(_) => "player-position",
            AppEvent::LyricLine(_) => "lyric-line",
            AppEvent::PlayerSkipped(_) => "player-skipped",
            AppEvent::Error(_) => "error",
        }
    }

    pub fn payload(&self) -> Value {
        let value = match self {
            AppEvent::LoginState(v) => serde_json::to_value(v),
            AppEvent::SessionChanged(v) => serde_json::to_value(v),
            AppEvent::PlayerState(v) => serde_json::to_value(v),
            AppEvent::PlayerPosition(v) => serde_json::to_value(v),
            AppEvent::LyricLine(v) => serde_json::to_value(v),
            AppEvent::PlayerSkipped(v) => serde_json::to_value(v),
            AppEvent::Error(v) => serde_json::to_value(v),
        };
        value.unwrap_or(Value::Null)
    }
}

/// Where events go: the webview in the app, a recorder in tests.
pub type EventSink = Arc<dyn Fn(AppEvent) + Send + Sync>;

pub fn to_webview<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> EventSink {
    use tauri::Emitter;
    Arc::new(move |event: AppEvent| {
        if let Err(e) = app.emit(event.name(), event.payload()) {
            tracing::warn!("could not emit {}: {e}", event.name());
        }
    })
}
