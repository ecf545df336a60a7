//! Everything the Rust side tells the UI, as one enum of typed payloads. Each payload type names
//! its event (`#[tauri_specta(event_name)]`), and the UI's listeners are generated from the same
//! types (`ui/src/lib/bindings.ts`, see `bindings.rs`).

use std::sync::Arc;

use duet_core::{CookieLogin, Error, LoginState, Profile, ProviderId, Track};
use duet_player::PlayerState;
use serde::Serialize;
use serde_json::Value;
use specta::Type;
use tauri_specta::Event;

/// A QR code's state changed (`waiting` → `scanned` → `confirmed`, or `expired` / `failed`).
/// The one report of a confirmed login: its profile, and why the keychain did not keep the
/// session when it did not (`error`, kind `keychain`).
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "login-state")]
pub struct LoginStateChanged(pub LoginState);

/// The service's web login window changed state (see `crate::web_login`). `confirmed` carries
/// the login (and why the keychain did not keep it, when it did not); `failed` the service's
/// reason for refusing the page's cookies, the window still open for another try.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "web-login")]
pub struct WebLoginChanged {
    pub provider: ProviderId,
    pub state: WebLoginState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<CookieLogin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum WebLoginState {
    /// The page is open; the person logs in there.
    Waiting,
    /// The session's cookies appeared: the service is asked about them.
    Checking,
    /// The service refused them; the page stays open.
    Failed,
    Confirmed,
    /// The window closed without a login.
    Closed,
}

/// What `session_restore` and `session-changed` say about one provider.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "session-changed")]
pub struct SessionStatus {
    pub provider: ProviderId,
    pub state: SessionState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    LoggedIn,
    LoggedOut,
    /// There was a session; the service no longer accepts it.
    Expired,
    /// A session is stored but could not be checked (offline, service error).
    Unavailable,
}

/// On every status, track, queue, mode, volume or output change.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "player-state")]
pub struct PlayerStateChanged(pub PlayerState);

/// About four times a second while playing, and after a seek.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "player-position")]
pub struct PlayerPosition {
    pub position_ms: u64,
    pub duration_ms: u64,
    /// The position jumped here (a seek, from the UI or the system's controls), rather than
    /// played here.
    pub seeked: bool,
}

/// The current line of the playing track's lyrics changed.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "lyric-line")]
pub struct LyricLineChanged {
    pub track_id: String,
    /// Index into `Lyrics.lines`; -1 before the first line.
    pub index: i64,
    /// The line's text and translation, for those who have not fetched the lyrics (the
    /// now-playing feed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    /// The track's lyric offset the line was timed by (ms; positive: lines come earlier). Word
    /// highlights add it to the position too.
    pub offset_ms: i64,
}

/// An unplayable track was skipped.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "player-skipped")]
pub struct PlayerSkipped {
    pub track: Track,
    pub reason: String,
}

/// The output device went away mid-track: playback moved to the default device, or paused, as
/// the `sound` preferences say.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "player-device-lost")]
pub struct PlayerDeviceLost(pub duet_player::DeviceLost);

/// The desktop preferences changed (`prefs_set`): every window takes the new ones.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "prefs-changed")]
pub struct PrefsChanged(pub crate::prefs::Prefs);

/// A failure not tied to a command (playback failed mid-stream).
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "error")]
pub struct ErrorEvent(pub Error);

#[derive(Debug, Clone)]
pub enum AppEvent {
    LoginState(LoginStateChanged),
    WebLogin(WebLoginChanged),
    SessionChanged(SessionStatus),
    PlayerState(Box<PlayerStateChanged>),
    PlayerPosition(PlayerPosition),
    LyricLine(LyricLineChanged),
    PlayerSkipped(Box<PlayerSkipped>),
    PlayerDeviceLost(PlayerDeviceLost),
    Error(ErrorEvent),
}

impl AppEvent {
    pub fn name(&self) -> &'static str {
        match self {
            AppEvent::LoginState(_) => LoginStateChanged::NAME,
            AppEvent::WebLogin(_) => WebLoginChanged::NAME,
            AppEvent::SessionChanged(_) => SessionStatus::NAME,
            AppEvent::PlayerState(_) => PlayerStateChanged::NAME,
            AppEvent::PlayerPosition(_) => PlayerPosition::NAME,
            AppEvent::LyricLine(_) => LyricLineChanged::NAME,
            AppEvent::PlayerSkipped(_) => PlayerSkipped::NAME,
            AppEvent::PlayerDeviceLost(_) => PlayerDeviceLost::NAME,
            AppEvent::Error(_) => ErrorEvent::NAME,
        }
    }

    pub fn payload(&self) -> Value {
        let value = match self {
            AppEvent::LoginState(v) => serde_json::to_value(v),
            AppEvent::WebLogin(v) => serde_json::to_value(v),
            AppEvent::SessionChanged(v) => serde_json::to_value(v),
            AppEvent::PlayerState(v) => serde_json::to_value(v),
            AppEvent::PlayerPosition(v) => serde_json::to_value(v),
            AppEvent::LyricLine(v) => serde_json::to_value(v),
            AppEvent::PlayerSkipped(v) => serde_json::to_value(v),
            AppEvent::PlayerDeviceLost(v) => serde_json::to_value(v),
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
