//! The app's state: the providers over the credential store, the QR logins, the player, and
//! the small caches the UI leans on. Built once at start-up.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use duet_core::qr::{QrLogins, StateObserver};
use duet_core::{Error, ErrorKind, Provider, ProviderId, Result, Upstream};
use duet_images::CoverCache;
use duet_services::{Settings, Store, StoreKind};
use serde::Serialize;

use crate::events::{AppEvent, EventSink, LoginStateChanged, SessionState, SessionStatus};

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: &'static str,
    pub providers: Vec<ProviderId>,
    pub keychain: StoreKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keychain_message: Option<String>,
    /// Routed to a fake upstream (`DUET_UPSTREAM`), as in the demo.
    pub demo: bool,
    /// Where, then (always a loopback address): the UI's "test upstream" badge shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
}

pub struct Duet {
    providers: BTreeMap<ProviderId, Arc<dyn Provider>>,
    store: Mutex<Store>,
    pub(crate) logins: QrLogins,
    /// The services' own web login windows.
    pub(crate) web_logins: crate::web_login::WebLogins,
    pub(crate) events: EventSink,
    /// Fetches covers for their colours; follows redirects only to other service images.
    pub(crate) covers_http: reqwest::Client,
    pub(crate) upstream: Upstream,
    /// Where the services' pictures come from (every provider's `image_hosts`).
    image_hosts: Vec<&'static str>,
    pub(crate) covers: Mutex<CoverCache>,
    pub(crate) player: crate::playback::Playback,
    /// What plays, told to the system's media controls and the now-playing feed.
    pub now_playing: crate::now_playing::NowPlayingLink,
}

impl Duet {
    pub async fn new(settings: Settings, store: Store, events: EventSink) -> Result<Self> {
        let providers: BTreeMap<ProviderId, Arc<dyn Provider>> =
            duet_services::providers(&settings, &store)
                .await?
                .into_iter()
                .map(|p| (p.id(), p))
                .collect();
        let mut image_hosts: Vec<&'static str> = providers
            .values()
            .flat_map(|p| p.image_hosts().iter().copied())
            .collect();
        image_hosts.sort_unstable();
        image_hosts.dedup();
        let redirects = {
            let (upstream, hosts) = (settings.upstream.clone(), image_hosts.clone());
            reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() < 5
                    && upstream.is_service_image(attempt.url().as_str(), &hosts)
                {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            })
        };
        let covers_http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(redirects)
            .build()
            .map_err(|e| Error::network(format!("cannot build the HTTP client: {e}")))?;
        let now_playing = crate::now_playing::NowPlayingLink::new();
        let player = crate::playback::Playback::new(
            providers.clone(),
            now_playing.observe(events.clone()),
            Arc::new(crate::lyrics_source::SecondSource::new(&settings.upstream)),
        );
        Ok(Self {
            providers,
            store: Mutex::new(store),
            logins: QrLogins::new(duet_images::login_qr_png),
            web_logins: crate::web_login::WebLogins::new(),
            events,
            covers_http,
            upstream: settings.upstream,
            image_hosts,
            covers: Mutex::new(CoverCache::default()),
            player,
            now_playing,
        })
    }

    pub fn info(&self) -> AppInfo {
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            providers: self.providers.keys().copied().collect(),
            keychain: store.kind,
            keychain_message: store.keychain_problem.clone(),
            demo: self.upstream.is_override(),
            upstream: self.upstream.override_base().map(|base| base.to_string()),
        }
    }

    /// Looks at a locked keychain again (the person says they unlocked it); once it opens, the
    /// sessions kept in it are read. Answers what the UI shows either way.
    pub async fn recheck_keychain(&self) -> Result<AppInfo> {
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let was_locked = store.kind == StoreKind::Locked;
        let checked = tokio::task::spawn_blocking(move || store.recheck().map(|()| store))
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::Keychain,
                    format!("the keychain check failed: {e}"),
                )
            })??;
        let opened = was_locked && checked.kind == StoreKind::Os;
        *self.store.lock().unwrap_or_else(|e| e.into_inner()) = checked;
        if opened {
            for provider in self.providers.values() {
                if let Err(e) = provider.restore_session().await {
                    tracing::warn!(provider = %provider.id(), "could not restore the session: {e}");
                }
            }
        }
        Ok(self.info())
    }

    /// Whether `url` is a picture of one of the services (or of the test upstream's routes to
    /// them): the only URLs the app fetches for the UI.
    pub fn is_service_image(&self, url: &str) -> bool {
        self.upstream.is_service_image(url, &self.image_hosts)
    }

    /// The hosts the services' pictures come from.
    pub fn image_hosts(&self) -> &[&'static str] {
        &self.image_hosts
    }

    pub fn provider(&self, id: ProviderId) -> Result<Arc<dyn Provider>> {
        self.providers
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("{id} is not available in this build")))
    }

    pub fn providers(&self) -> impl Iterator<Item = &Arc<dyn Provider>> {
        self.providers.values()
    }

    pub fn emit(&self, event: AppEvent) {
        (self.events)(event);
    }

    /// Passes a provider's answer through, telling the UI when it shows the session died.
    pub fn watch<T>(&self, provider: ProviderId, result: Result<T>) -> Result<T> {
        if let Err(error) = &result {
            if error.kind == ErrorKind::SessionExpired {
                self.emit(AppEvent::SessionChanged(SessionStatus {
                    provider,
                    state: SessionState::Expired,
                    profile: None,
                    error: Some(error.clone()),
                }));
            }
        }
        result
    }

    /// Tells the UI every state of a QR login. A confirmed login is told once, by its QR's own
    /// `login-state` (with the profile, and the keychain's refusal if any); `session-changed` is
    /// for what happens to a session later.
    pub(crate) fn login_observer(&self) -> StateObserver {
        let events = self.events.clone();
        Arc::new(move |state: &duet_core::LoginState| {
            events(AppEvent::LoginState(LoginStateChanged(state.clone())));
        })
    }

    /// On a first start (no stored session anywhere, the keychain readable), fetches each
    /// service's first QR code while the window loads, so the login screen finds it ready.
    pub async fn prefetch_login_codes(&self) {
        if self.store.lock().unwrap_or_else(|e| e.into_inner()).kind == StoreKind::Locked {
            return;
        }
        for provider in self.providers.values() {
            if provider.has_session().await {
                return;
            }
        }
        for provider in self.providers.values() {
            self.logins
                .prefetch(provider.clone(), None, Some(self.login_observer()));
        }
    }

    /// Checks one provider's stored session with the service.
    pub async fn session_status(&self, provider: &Arc<dyn Provider>) -> SessionStatus {
        let id = provider.id();
        let status = |state, profile, error| SessionStatus {
            provider: id,
            state,
            profile,
            error,
        };
        if !provider.has_session().await {
            return status(SessionState::LoggedOut, None, None);
        }
        match provider.profile().await {
            Ok(profile) => status(SessionState::LoggedIn, Some(profile), None),
            Err(e) if matches!(e.kind, ErrorKind::SessionExpired | ErrorKind::NotLoggedIn) => {
                status(SessionState::Expired, None, Some(e))
            }
            Err(e) => status(SessionState::Unavailable, None, Some(e)),
        }
    }
}
