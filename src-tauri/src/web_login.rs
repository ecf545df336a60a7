//! Logging in in the service's own web page: a second window opens the service's official web
//! login (routed like every request when `DUET_UPSTREAM` is set), and once its session cookies
//! appear, only those are taken (`Provider::web_login` names them), checked with the service,
//! kept, and the window closes. The window is a plain remote page: no capability names it, so it
//! can call none of Duet's commands. It is private (incognito): the service's cookies live in the
//! window's memory only, never in a webview profile on disk, and are gone when it closes.
//!
//! The window's state reaches the main window as `web-login` events: `waiting` (the page is
//! open), `checking` (cookies found, asking the service), `failed` (the service refused them; the
//! page stays open for another try), `confirmed` (logged in; the window closes) and `closed`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_core::cookies::{PastedCookies, WebLogin};
use duet_core::{Error, ErrorKind, Provider, ProviderId, Result, Secret, Upstream};

use crate::events::{AppEvent, EventSink, WebLoginChanged, WebLoginState};

/// How often the window's cookies are looked at while the person logs in.
const LOOK_EVERY: Duration = Duration::from_millis(500);

/// What the web login needs of the windowing system: the app's windows in the app, nothing in
/// the command tests (which have no windows to open).
pub trait LoginWindows: Send + Sync {
    /// Opens (or brings forward) the window `label` on `url`.
    fn open(&self, label: &str, title: &str, url: tauri::Url) -> Result<()>;
    /// The window's cookies for `url`; `None` once the window is gone.
    fn cookies(&self, label: &str, url: &tauri::Url) -> Option<Result<Vec<(String, Secret)>>>;
    fn close(&self, label: &str);
}

/// The web logins running, one window per provider at most.
pub struct WebLogins {
    windows: Mutex<Option<Arc<dyn LoginWindows>>>,
    running: Mutex<HashMap<ProviderId, tokio::task::JoinHandle<()>>>,
}

impl WebLogins {
    pub fn new() -> Self {
        Self {
            windows: Mutex::new(None),
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Gives the web logins the app's windows (at start, once there is an app).
    pub fn set_windows(&self, windows: Arc<dyn LoginWindows>) {
        *self.windows.lock().unwrap_or_else(|e| e.into_inner()) = Some(windows);
    }

    fn windows(&self) -> Result<Arc<dyn LoginWindows>> {
        self.windows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| Error::new(ErrorKind::Declined, "this build opens no windows"))
    }

    /// Opens `provider`'s web login page, or brings its window forward when it is open.
    pub fn open(
        &self,
        provider: Arc<dyn Provider>,
        upstream: &Upstream,
        events: EventSink,
    ) -> Result<()> {
        let id = provider.id();
        let page = provider.web_login().ok_or_else(|| {
            Error::new(ErrorKind::Declined, format!("{id} has no web login page")).with_provider(id)
        })?;
        let windows = self.windows()?;
        let label = label(id);
        let url = upstream.route(page.page)?;
        let cookie_url = upstream.route(page.cookie_url)?;
        windows.open(&label, &title(id), url)?;
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if running.get(&id).is_some_and(|task| !task.is_finished()) {
            return Ok(());
        }
        let task = tokio::spawn(watch(provider, page, windows, label, cookie_url, events));
        running.insert(id, task);
        Ok(())
    }

    /// Closes `provider`'s web login window, if open (its watch then says `closed`).
    pub fn close(&self, provider: ProviderId) -> Result<()> {
        self.windows()?.close(&label(provider));
        Ok(())
    }
}

impl Default for WebLogins {
    fn default() -> Self {
        Self::new()
    }
}

/// The window's label: also what keeps it out of every capability (`capabilities/main.json`
/// names the main window only).
pub fn label(provider: ProviderId) -> String {
    format!("web-login-{provider}")
}

fn title(provider: ProviderId) -> String {
    match provider {
        ProviderId::Netease => "Log in to NetEase Cloud Music".to_owned(),
        ProviderId::Qq => "Log in to QQ Music".to_owned(),
    }
}

/// Looks at the window's cookies until the service accepts a session from them, or the window
/// is closed.
async fn watch(
    provider: Arc<dyn Provider>,
    page: WebLogin,
    windows: Arc<dyn LoginWindows>,
    label: String,
    cookie_url: tauri::Url,
    events: EventSink,
) {
    let id = provider.id();
    let tell = |state: WebLoginState, login, error| {
        events(AppEvent::WebLogin(WebLoginChanged {
            provider: id,
            state,
            login,
            error,
        }));
    };
    tell(WebLoginState::Waiting, None, None);
    let taken = page.taken();
    let mut tried: Option<PastedCookies> = None;
    loop {
        tokio::time::sleep(LOOK_EVERY).await;
        let read = {
            let (windows, label, url) = (windows.clone(), label.clone(), cookie_url.clone());
            tokio::task::spawn_blocking(move || windows.cookies(&label, &url)).await
        };
        let cookies = match read {
            Ok(Some(Ok(all))) => PastedCookies::from_pairs(all).only(&taken),
            Ok(Some(Err(e))) => {
                tracing::warn!(provider = %id, "could not read the web login's cookies: {e}");
                continue;
            }
            Ok(None) | Err(_) => {
                tell(WebLoginState::Closed, None, None);
                return;
            }
        };
        if !page.is_complete(&cookies) || tried.as_ref() == Some(&cookies) {
            continue;
        }
        tried = Some(cookies.clone());
        tell(WebLoginState::Checking, None, None);
        match provider.cookie_login(&cookies).await {
            Ok(login) => {
                tracing::info!(provider = %id, "logged in through the service's web page");
                tell(WebLoginState::Confirmed, Some(login), None);
                windows.close(&label);
                return;
            }
            Err(error) => {
                tracing::info!(provider = %id, "the web login's cookies were refused: {error}");
                tell(WebLoginState::Failed, None, Some(error));
            }
        }
    }
}

/// The app's own windows.
pub struct TauriWindows<R: tauri::Runtime>(pub tauri::AppHandle<R>);

impl<R: tauri::Runtime> LoginWindows for TauriWindows<R> {
    fn open(&self, label: &str, title: &str, url: tauri::Url) -> Result<()> {
        use tauri::Manager;
        if let Some(window) = self.0.get_webview_window(label) {
            let _ = window.set_focus();
            return Ok(());
        }
        tauri::WebviewWindowBuilder::new(&self.0, label, tauri::WebviewUrl::External(url))
            .title(title)
            .inner_size(480.0, 720.0)
            .incognito(true)
            .build()
            .map(drop)
            .map_err(|e| Error::upstream(format!("could not open the login window: {e}")))
    }

    fn cookies(&self, label: &str, url: &tauri::Url) -> Option<Result<Vec<(String, Secret)>>> {
        use tauri::Manager;
        let window = self.0.get_webview_window(label)?;
        Some(
            window
                .cookies_for_url(url.clone())
                .map(|cookies| {
                    cookies
                        .into_iter()
                        .map(|c| (c.name().to_owned(), Secret::new(c.value())))
                        .collect()
                })
                .map_err(|e| Error::upstream(format!("the window's cookies: {e}"))),
        )
    }

    fn close(&self, label: &str) {
        use tauri::Manager;
        if let Some(window) = self.0.get_webview_window(label) {
            let _ = window.close();
        }
    }
}
