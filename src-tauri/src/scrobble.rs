//! Scrobbling to Last.fm and ListenBrainz (`duet_scrobble`), off until the person switches a
//! service on: the player's events go through the play rule; "now playing" is told at once,
//! counted plays are queued in the app's data folder and sent in order (again every
//! [`RETRY_EVERY`] while some wait). Nothing about listening is ever sent to NetEase or QQ
//! Music: this module talks to the two scrobbling services only.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use duet_core::{Result, Upstream};
use duet_player::{PlayerEvent, PlayerStatus};
use duet_scrobble::{PlayRule, RuleEvent, ScrobbleService, ScrobbleStatus, Scrobbler};
use duet_services::AccountSecrets;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;

use crate::prefs::PrefsStore;

/// How often plays still waiting are tried again (the test pace: every second).
pub const RETRY_EVERY: Duration = Duration::from_secs(60);
/// Set to `0` to keep the Last.fm approval page from being opened in the browser (the e2e
/// tests, which approve through the fake's control routes).
pub const OPEN_BROWSER_ENV: &str = "DUET_OPEN_BROWSER";

/// The `scrobbling` preferences: each service on or off (off by default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct ScrobblingPrefs {
    pub lastfm: bool,
    pub listenbrainz: bool,
}

impl ScrobblingPrefs {
    fn is_on(&self, service: ScrobbleService) -> bool {
        match service {
            ScrobbleService::Lastfm => self.lastfm,
            ScrobbleService::Listenbrainz => self.listenbrainz,
        }
    }
}

/// The scrobbling status changed (an account connected, plays queued or sent, an error): the
/// Settings section shows the new one.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "scrobble-status")]
pub struct ScrobbleStatusChanged(pub ScrobbleStatus);

/// The app's scrobbler (managed state).
pub struct AppScrobbler(pub Arc<Scrobbler>);

/// Opens the queue in `data_dir`, reads the accounts from `accounts` (the keychain), and
/// follows the preferences and the player.
pub fn start<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    duet: &crate::Duet,
    data_dir: &Path,
    accounts: Arc<dyn AccountSecrets>,
    upstream: Upstream,
    retry_every: Duration,
) -> Result<AppScrobbler> {
    let scrobbler = open(data_dir, accounts, upstream)?;
    follow(
        app,
        &scrobbler,
        duet.player.player().subscribe(),
        retry_every,
    );
    Ok(AppScrobbler(scrobbler))
}

/// The scrobbler over the queue in `data_dir` (nothing followed yet).
pub fn open(
    data_dir: &Path,
    accounts: Arc<dyn AccountSecrets>,
    upstream: Upstream,
) -> Result<Arc<Scrobbler>> {
    let config =
        duet_scrobble::ScrobblerConfig::new(data_dir.join(duet_scrobble::QUEUE_FILE), upstream);
    Ok(Arc::new(Scrobbler::new(config, accounts)?))
}

/// Reads the accounts, then follows the `scrobbling` preferences (a managed [`PrefsStore`]),
/// the player's `events`, and sends what waits every `retry_every`; tells the windows every
/// change of the status.
pub fn follow<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    scrobbler: &Arc<Scrobbler>,
    events: tokio::sync::mpsc::UnboundedReceiver<PlayerEvent>,
    retry_every: Duration,
) {
    {
        let scrobbler = scrobbler.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = scrobbler.load_accounts().await {
                tracing::warn!("the scrobbling accounts could not be read: {e}");
            }
            scrobbler.flush().await;
        });
    }
    follow_prefs(scrobbler, &tauri::Manager::state::<PrefsStore>(app));
    follow_player(scrobbler, events);
    retry(scrobbler, retry_every);
    announce(scrobbler, app.clone());
}

fn follow_prefs(scrobbler: &Arc<Scrobbler>, prefs: &PrefsStore) {
    let mut changes = prefs.watch();
    let apply = |scrobbler: &Scrobbler, prefs: &ScrobblingPrefs| {
        for service in ScrobbleService::ALL {
            scrobbler.set_enabled(service, prefs.is_on(service));
        }
    };
    let mut current = changes.borrow_and_update().scrobbling.clone();
    apply(scrobbler, &current);
    let scrobbler = scrobbler.clone();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let next = changes.borrow_and_update().scrobbling.clone();
            if next != current {
                apply(&scrobbler, &next);
                scrobbler.flush().await;
                current = next;
            }
        }
    });
}

/// The player's events through the play rule: what is heard (a substitute, when one plays),
/// never a trial clip.
fn follow_player(
    scrobbler: &Arc<Scrobbler>,
    mut events: tokio::sync::mpsc::UnboundedReceiver<PlayerEvent>,
) {
    let scrobbler = scrobbler.clone();
    tauri::async_runtime::spawn(async move {
        let mut rule = PlayRule::new();
        while let Some(event) = events.recv().await {
            let now_s = i64::try_from(duet_core::clock::unix_ms() / 1000).unwrap_or(0);
            let told = match &event {
                PlayerEvent::State(state) => {
                    let heard = state
                        .substitute
                        .as_deref()
                        .or(state.track.as_ref())
                        .filter(|_| state.trial.is_none());
                    rule.state(
                        heard,
                        state.status == PlayerStatus::Playing,
                        state.position_ms,
                        state.duration_ms,
                        now_s,
                    )
                }
                PlayerEvent::Position(update) => {
                    rule.position(update.position_ms, update.seeked, now_s)
                }
                _ => None,
            };
            match told {
                Some(RuleEvent::NowPlaying(play)) => {
                    let scrobbler = scrobbler.clone();
                    tauri::async_runtime::spawn(async move { scrobbler.now_playing(&play).await });
                }
                Some(RuleEvent::Counted(play)) => {
                    if let Err(e) = scrobbler.counted(&play) {
                        tracing::warn!("a play could not be queued for scrobbling: {e}");
                    }
                    let scrobbler = scrobbler.clone();
                    tauri::async_runtime::spawn(async move { scrobbler.flush().await });
                }
                None => {}
            }
        }
    });
}

fn retry(scrobbler: &Arc<Scrobbler>, every: Duration) {
    let scrobbler = Arc::downgrade(scrobbler);
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(scrobbler) = scrobbler.upgrade() else {
                return;
            };
            if scrobbler.has_sendable() {
                scrobbler.flush().await;
            }
        }
    });
}

fn announce<R: tauri::Runtime>(scrobbler: &Arc<Scrobbler>, app: tauri::AppHandle<R>) {
    use tauri::Emitter;
    let mut changes = scrobbler.watch();
    let scrobbler = Arc::downgrade(scrobbler);
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            let Some(scrobbler) = scrobbler.upgrade() else {
                return;
            };
            let status = ScrobbleStatusChanged(scrobbler.status());
            if let Err(e) = app.emit(ScrobbleStatusChanged::NAME, status) {
                tracing::debug!("could not tell the windows the scrobbling status: {e}");
            }
        }
    });
}

/// Opens `url` in the person's browser (unless [`OPEN_BROWSER_ENV`] is `0`).
pub fn open_in_browser(url: &str) -> Result<()> {
    if std::env::var(OPEN_BROWSER_ENV).is_ok_and(|v| v == "0") {
        return Ok(());
    }
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = std::process::Command::new("rundll32");
        c.args(["url.dll,FileProtocolHandler", url]);
        c
    };
    #[cfg(target_os = "macos")]
    let mut command = {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    };
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let mut command = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| {
            duet_core::Error::new(
                duet_core::ErrorKind::Unavailable,
                format!("no browser could be opened ({e}): open the link shown by hand"),
            )
        })
}
