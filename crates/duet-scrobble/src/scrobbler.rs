//! The scrobbling accounts and the sending of plays: secrets in the OS keychain (entries of
//! their own beside the music sessions), "now playing" sent at once and never queued, counted
//! plays queued on disk and sent oldest first in batches. Offline, a timeout or a 5xx keeps
//! them for later; an item a service refuses is dropped with a log line, not the queue; a
//! session or token no longer accepted stops the sending until the person connects again.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_core::{Error, ErrorKind, Result, Secret, Upstream};
use duet_services::AccountSecrets;
use serde::{Deserialize, Serialize};

use crate::lastfm::{LastfmApp, LastfmClient, LastfmSession};
use crate::listenbrainz::ListenBrainzClient;
use crate::queue::ScrobbleQueue;
use crate::{BatchVerdict, Scrobble, ScrobbleService, SendFailure};

/// The build-time variables that give a Last.fm API account to every copy of Duet built with
/// them (`DUET_LASTFM_API_KEY=… DUET_LASTFM_API_SECRET=… cargo build`); one pasted in Settings
/// takes their place.
pub const LASTFM_API_KEY_ENV: &str = "DUET_LASTFM_API_KEY";
pub const LASTFM_API_SECRET_ENV: &str = "DUET_LASTFM_API_SECRET";

fn build_time_app() -> Option<LastfmApp> {
    match (
        option_env!("DUET_LASTFM_API_KEY"),
        option_env!("DUET_LASTFM_API_SECRET"),
    ) {
        (Some(key), Some(secret)) if !key.trim().is_empty() && !secret.trim().is_empty() => {
            Some(LastfmApp {
                api_key: key.trim().to_owned(),
                api_secret: Secret::new(secret.trim()),
            })
        }
        _ => None,
    }
}

/// Where the queue lives and how the services are reached.
#[derive(Debug, Clone)]
pub struct ScrobblerConfig {
    pub queue_path: PathBuf,
    pub upstream: Upstream,
    pub timeout: Duration,
}

impl ScrobblerConfig {
    pub fn new(queue_path: PathBuf, upstream: Upstream) -> Self {
        Self {
            queue_path,
            upstream,
            timeout: Duration::from_secs(15),
        }
    }
}

/// The keychain entry of Last.fm: the API account pasted in Settings (if any) and the session.
#[derive(Serialize, Deserialize, Default)]
struct LastfmEntry {
    #[serde(default)]
    api_key: Option<String>,
    #[serde(default)]
    api_secret: Option<String>,
    #[serde(default)]
    session_key: Option<String>,
    #[serde(default)]
    user_name: Option<String>,
}

/// The keychain entry of ListenBrainz.
#[derive(Serialize, Deserialize)]
struct ListenBrainzEntry {
    token: String,
    user_name: String,
}

/// What the Settings section shows of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceStatus {
    pub service: ScrobbleService,
    /// The person's switch (the `scrobbling` preferences).
    pub enabled: bool,
    pub connected: bool,
    pub user_name: Option<String>,
    /// Plays waiting to be sent.
    pub queued: u32,
    /// The last thing that went wrong, in words; cleared by the next clean send.
    pub last_error: Option<String>,
    /// The service no longer accepts the session or token: nothing is sent until the person
    /// connects again (their plays stay queued).
    pub needs_reconnect: bool,
}

/// What the Settings section shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScrobbleStatus {
    pub lastfm: ServiceStatus,
    pub listenbrainz: ServiceStatus,
    /// A Last.fm API key and secret are known (pasted, or built in).
    pub lastfm_api_account: bool,
    /// They were built in (nothing to paste).
    pub lastfm_api_account_built_in: bool,
    /// The approval page was opened and "I approved it" is next.
    pub lastfm_approval_pending: bool,
    /// The keychain could not be read; why (the accounts are unknown until it can).
    pub keychain_problem: Option<String>,
}

/// The page the person approves Duet on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LastfmApproval {
    pub url: String,
}

#[derive(Default)]
struct State {
    keychain_problem: Option<String>,
    pasted_app: Option<LastfmApp>,
    lastfm: Option<LastfmSession>,
    pending_token: Option<String>,
    listenbrainz: Option<(String, Secret)>,
    health: BTreeMap<ScrobbleService, Health>,
    enabled: BTreeMap<ScrobbleService, bool>,
}

#[derive(Default, Clone)]
struct Health {
    needs_reconnect: bool,
    last_error: Option<String>,
}

/// A service's way to send, with its credentials.
enum Sender {
    Lastfm(LastfmClient, Secret),
    Listenbrainz(ListenBrainzClient, Secret),
}

impl Sender {
    fn max_batch(&self) -> usize {
        match self {
            Sender::Lastfm(..) => crate::lastfm::MAX_BATCH,
            Sender::Listenbrainz(..) => crate::listenbrainz::MAX_BATCH,
        }
    }

    async fn send(&self, plays: &[Scrobble]) -> std::result::Result<BatchVerdict, SendFailure> {
        match self {
            Sender::Lastfm(client, session) => client.scrobble(session, plays).await,
            Sender::Listenbrainz(client, token) => client.submit_listens(token, plays).await,
        }
    }

    async fn now_playing(&self, play: &Scrobble) -> std::result::Result<(), SendFailure> {
        match self {
            Sender::Lastfm(client, session) => client.update_now_playing(session, play).await,
            Sender::Listenbrainz(client, token) => client.playing_now(token, play).await,
        }
    }
}

pub struct Scrobbler {
    queue: ScrobbleQueue,
    secrets: Arc<dyn AccountSecrets>,
    http: reqwest::Client,
    upstream: Upstream,
    state: Mutex<State>,
    /// One sending at a time, so the queue goes out in order.
    sending: tokio::sync::Mutex<()>,
    changes: tokio::sync::watch::Sender<u64>,
}

impl std::fmt::Debug for Scrobbler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Scrobbler")
            .field("lastfm_connected", &state.lastfm.is_some())
            .field("listenbrainz_connected", &state.listenbrainz.is_some())
            .field("queue", &self.queue)
            .finish_non_exhaustive()
    }
}

impl Scrobbler {
    /// Opens the queue; the accounts are read from `secrets` by [`load_accounts`]
    /// (Self::load_accounts). Every service starts off until [`set_enabled`](Self::set_enabled).
    pub fn new(config: ScrobblerConfig, secrets: Arc<dyn AccountSecrets>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("Duet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::upstream(format!("no HTTP client: {e}")))?;
        Ok(Self {
            queue: ScrobbleQueue::open(&config.queue_path)?,
            secrets,
            http,
            upstream: config.upstream,
            state: Mutex::new(State::default()),
            sending: tokio::sync::Mutex::new(()),
            changes: tokio::sync::watch::Sender::new(0),
        })
    }

    /// Ticks on every change of the status (for the app to tell its windows).
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads both accounts from the keychain (again: after it was unlocked).
    pub async fn load_accounts(&self) -> Result<()> {
        let lastfm = self.read(ScrobbleService::Lastfm).await;
        let listenbrainz = self.read(ScrobbleService::Listenbrainz).await;
        let mut state = self.lock();
        match (lastfm, listenbrainz) {
            (Ok(lastfm), Ok(listenbrainz)) => {
                // What the keychain holds; an account connected since the start, before this
                // read ended, is kept (it was written to the keychain as well).
                let lastfm: Option<LastfmEntry> =
                    lastfm.and_then(|s| serde_json::from_str(s.expose()).ok());
                let listenbrainz: Option<ListenBrainzEntry> =
                    listenbrainz.and_then(|s| serde_json::from_str(s.expose()).ok());
                if let Some(lastfm) = lastfm {
                    if let (Some(api_key), Some(secret)) = (lastfm.api_key, lastfm.api_secret) {
                        state.pasted_app = Some(LastfmApp {
                            api_key,
                            api_secret: Secret::new(secret),
                        });
                    }
                    if let (Some(key), Some(user_name)) = (lastfm.session_key, lastfm.user_name) {
                        state.lastfm = Some(LastfmSession {
                            user_name,
                            key: Secret::new(key),
                        });
                    }
                }
                if let Some(entry) = listenbrainz {
                    state.listenbrainz = Some((entry.user_name, Secret::new(entry.token)));
                }
                state.keychain_problem = None;
                drop(state);
                self.changed();
                Ok(())
            }
            (Err(e), _) | (_, Err(e)) => {
                state.keychain_problem = Some(e.message.clone());
                drop(state);
                self.changed();
                Err(e)
            }
        }
    }

    async fn read(&self, service: ScrobbleService) -> Result<Option<Secret>> {
        let secrets = self.secrets.clone();
        blocking(move || secrets.load(service.keychain_account())).await
    }

    async fn write(&self, service: ScrobbleService, value: Option<String>) -> Result<()> {
        let secrets = self.secrets.clone();
        blocking(move || match value {
            Some(value) => secrets.save(service.keychain_account(), &Secret::new(value)),
            None => secrets.delete(service.keychain_account()),
        })
        .await
    }

    async fn write_lastfm(&self) -> Result<()> {
        let entry = {
            let state = self.lock();
            LastfmEntry {
                api_key: state.pasted_app.as_ref().map(|a| a.api_key.clone()),
                api_secret: state
                    .pasted_app
                    .as_ref()
                    .map(|a| a.api_secret.expose().to_owned()),
                session_key: state.lastfm.as_ref().map(|s| s.key.expose().to_owned()),
                user_name: state.lastfm.as_ref().map(|s| s.user_name.clone()),
            }
        };
        let empty = entry.api_key.is_none() && entry.session_key.is_none();
        let value = (!empty).then(|| serde_json::to_string(&entry).unwrap_or_default());
        self.write(ScrobbleService::Lastfm, value).await
    }

    /// The person's switch for `service` (the `scrobbling` preferences); off by default.
    pub fn set_enabled(&self, service: ScrobbleService, on: bool) {
        self.lock().enabled.insert(service, on);
        self.changed();
    }

    pub fn status(&self) -> ScrobbleStatus {
        let state = self.lock();
        let service = |service: ScrobbleService, user_name: Option<String>| {
            let health = state.health.get(&service).cloned().unwrap_or_default();
            ServiceStatus {
                service,
                enabled: state.enabled.get(&service).copied().unwrap_or(false),
                connected: user_name.is_some(),
                user_name,
                queued: u32::try_from(self.queue.len(service)).unwrap_or(u32::MAX),
                last_error: health.last_error,
                needs_reconnect: health.needs_reconnect,
            }
        };
        ScrobbleStatus {
            lastfm: service(
                ScrobbleService::Lastfm,
                state.lastfm.as_ref().map(|s| s.user_name.clone()),
            ),
            listenbrainz: service(
                ScrobbleService::Listenbrainz,
                state.listenbrainz.as_ref().map(|(name, _)| name.clone()),
            ),
            lastfm_api_account: state.pasted_app.is_some() || build_time_app().is_some(),
            lastfm_api_account_built_in: state.pasted_app.is_none() && build_time_app().is_some(),
            lastfm_approval_pending: state.pending_token.is_some(),
            keychain_problem: state.keychain_problem.clone(),
        }
    }

    fn lastfm_client(&self) -> Result<LastfmClient> {
        let app = self
            .lock()
            .pasted_app
            .clone()
            .or_else(build_time_app)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadRequest,
                    "Duet has no Last.fm API account of its own: create one at \
                 last.fm/api/account/create and paste its key and secret first",
                )
            })?;
        Ok(LastfmClient::new(
            self.http.clone(),
            self.upstream.clone(),
            app,
        ))
    }

    /// Keeps the Last.fm API account the person pasted (in the keychain); a session made with
    /// another one ends.
    pub async fn lastfm_set_api_account(&self, api_key: &str, api_secret: &str) -> Result<()> {
        let (api_key, api_secret) = (api_key.trim(), api_secret.trim());
        let hex32 = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex32(api_key) || !hex32(api_secret) {
            return Err(Error::bad_request(
                "a Last.fm API key and secret are 32 letters and digits each: copy them from \
                 last.fm/api/accounts",
            ));
        }
        {
            let mut state = self.lock();
            state.pasted_app = Some(LastfmApp {
                api_key: api_key.to_owned(),
                api_secret: Secret::new(api_secret),
            });
            state.lastfm = None;
            state.pending_token = None;
        }
        self.write_lastfm().await?;
        self.changed();
        Ok(())
    }

    /// The first step of connecting Last.fm: a token, and the page where the person approves
    /// it in their browser.
    pub async fn lastfm_begin(&self) -> Result<LastfmApproval> {
        let client = self.lastfm_client()?;
        let token = client.get_token().await?;
        let url = client.approval_url(&token)?;
        self.lock().pending_token = Some(token);
        self.changed();
        Ok(LastfmApproval {
            url: url.to_string(),
        })
    }

    /// The last step ("I approved it"): the session, kept in the keychain.
    pub async fn lastfm_finish(&self) -> Result<ScrobbleStatus> {
        let client = self.lastfm_client()?;
        let token = self.lock().pending_token.clone().ok_or_else(|| {
            Error::bad_request("connect Last.fm first: no approval page was opened")
        })?;
        let session = match client.get_session(&token).await {
            Ok(session) => session,
            Err(e) => {
                if e.kind == ErrorKind::SessionExpired {
                    self.lock().pending_token = None;
                }
                return Err(e);
            }
        };
        {
            let mut state = self.lock();
            state.lastfm = Some(session);
            state.pending_token = None;
            state.health.remove(&ScrobbleService::Lastfm);
        }
        self.write_lastfm().await?;
        self.changed();
        Ok(self.status())
    }

    /// Connects ListenBrainz with the person's user token, once ListenBrainz says it is valid.
    pub async fn listenbrainz_connect(&self, token: &str) -> Result<ScrobbleStatus> {
        let token = Secret::new(token.trim());
        if token.is_empty() {
            return Err(Error::bad_request(
                "paste your ListenBrainz user token (from your ListenBrainz settings page)",
            ));
        }
        let client = ListenBrainzClient::new(self.http.clone(), self.upstream.clone());
        let user_name = client.validate_token(&token).await?;
        let entry = ListenBrainzEntry {
            token: token.expose().to_owned(),
            user_name: user_name.clone(),
        };
        self.write(
            ScrobbleService::Listenbrainz,
            Some(serde_json::to_string(&entry).unwrap_or_default()),
        )
        .await?;
        {
            let mut state = self.lock();
            state.listenbrainz = Some((user_name, token));
            state.health.remove(&ScrobbleService::Listenbrainz);
        }
        self.changed();
        Ok(self.status())
    }

    /// Forgets the account (its keychain entry; for Last.fm, the pasted API account stays) and
    /// the plays still waiting for it.
    pub async fn disconnect(&self, service: ScrobbleService) -> Result<ScrobbleStatus> {
        let _sending = self.sending.lock().await;
        match service {
            ScrobbleService::Lastfm => {
                {
                    let mut state = self.lock();
                    state.lastfm = None;
                    state.pending_token = None;
                }
                self.write_lastfm().await?;
            }
            ScrobbleService::Listenbrainz => {
                self.lock().listenbrainz = None;
                self.write(ScrobbleService::Listenbrainz, None).await?;
            }
        }
        self.lock().health.remove(&service);
        self.queue.clear(service)?;
        self.changed();
        Ok(self.status())
    }

    /// The services a play goes to now: switched on and connected.
    fn active(&self) -> Vec<ScrobbleService> {
        let state = self.lock();
        ScrobbleService::ALL
            .into_iter()
            .filter(|s| state.enabled.get(s).copied().unwrap_or(false))
            .filter(|s| match s {
                ScrobbleService::Lastfm => state.lastfm.is_some(),
                ScrobbleService::Listenbrainz => state.listenbrainz.is_some(),
            })
            .collect()
    }

    /// The sender of `service`, unless it is not connected or must be connected again.
    fn sender(&self, service: ScrobbleService) -> Option<Sender> {
        let state = self.lock();
        if state
            .health
            .get(&service)
            .is_some_and(|h| h.needs_reconnect)
        {
            return None;
        }
        match service {
            ScrobbleService::Lastfm => {
                let session = state.lastfm.as_ref()?.key.clone();
                let app = state.pasted_app.clone().or_else(build_time_app)?;
                Some(Sender::Lastfm(
                    LastfmClient::new(self.http.clone(), self.upstream.clone(), app),
                    session,
                ))
            }
            ScrobbleService::Listenbrainz => {
                let token = state.listenbrainz.as_ref()?.1.clone();
                Some(Sender::Listenbrainz(
                    ListenBrainzClient::new(self.http.clone(), self.upstream.clone()),
                    token,
                ))
            }
        }
    }

    fn note(&self, service: ScrobbleService, failure: Option<&SendFailure>) {
        let mut state = self.lock();
        let health = state.health.entry(service).or_default();
        match failure {
            None => health.last_error = None,
            Some(failure) => {
                health.last_error = Some(failure.to_string());
                health.needs_reconnect |= matches!(failure, SendFailure::Auth(_));
            }
        }
        drop(state);
        self.changed();
    }

    /// Tells the services a track began ("now playing"): sent once, never queued; a failure
    /// only matters when the session is no longer accepted.
    pub async fn now_playing(&self, play: &Scrobble) {
        for service in self.active() {
            let Some(sender) = self.sender(service) else {
                continue;
            };
            match sender.now_playing(play).await {
                Ok(()) => {}
                Err(failure @ SendFailure::Auth(_)) => {
                    tracing::warn!(%service, "the scrobbling account must be connected again");
                    self.note(service, Some(&failure));
                }
                Err(failure) => tracing::debug!(%service, "now playing not told: {failure}"),
            }
        }
    }

    /// A play that counts: queued for every service it goes to (sent by [`flush`](Self::flush)).
    pub fn counted(&self, play: &Scrobble) -> Result<()> {
        let services = self.active();
        self.queue.push(&services, play)?;
        if !services.is_empty() {
            self.changed();
        }
        Ok(())
    }

    /// Whether anything waits that could be sent now.
    pub fn has_sendable(&self) -> bool {
        ScrobbleService::ALL
            .into_iter()
            .any(|s| !self.queue.is_empty(s) && self.sender(s).is_some())
    }

    /// Sends what waits, per service, oldest first, in batches; stops for a service at the
    /// first failure that keeps the rest (offline, 5xx) or needs the person (auth).
    pub async fn flush(&self) {
        let _sending = self.sending.lock().await;
        for service in ScrobbleService::ALL {
            self.flush_service(service).await;
        }
    }

    async fn flush_service(&self, service: ScrobbleService) {
        // After a batch was refused as a whole, this many of its plays go one by one, to find
        // the refused ones and send the rest.
        let mut one_by_one = 0usize;
        loop {
            let Some(sender) = self.sender(service) else {
                return;
            };
            let size = if one_by_one > 0 {
                1
            } else {
                sender.max_batch()
            };
            let batch = self.queue.oldest(service, size);
            if batch.is_empty() {
                return;
            }
            let outcome = sender.send(&batch).await;
            let sent = match outcome {
                Ok(verdict) => {
                    let mut refused = None;
                    for (play, reason) in batch.iter().zip(verdict) {
                        if let Some(reason) = reason {
                            tracing::warn!(%service, title = %play.title, "dropped a play the service ignored: {reason}");
                            refused = Some(SendFailure::Rejected(format!(
                                "{} ignored \"{}\": {reason}",
                                service.label(),
                                play.title
                            )));
                        }
                    }
                    self.note(service, refused.as_ref());
                    batch.len()
                }
                Err(SendFailure::Rejected(reason)) if batch.len() == 1 => {
                    tracing::warn!(%service, title = %batch[0].title, "dropped a play the service refused: {reason}");
                    self.note(
                        service,
                        Some(&SendFailure::Rejected(format!(
                            "{} refused \"{}\": {reason}",
                            service.label(),
                            batch[0].title
                        ))),
                    );
                    1
                }
                Err(SendFailure::Rejected(_)) => {
                    one_by_one = batch.len();
                    continue;
                }
                Err(failure) => {
                    tracing::info!(%service, queued = self.queue.len(service), "scrobbles kept for later: {failure}");
                    self.note(service, Some(&failure));
                    return;
                }
            };
            one_by_one = one_by_one.saturating_sub(sent);
            if let Err(e) = self.queue.remove_oldest(service, sent) {
                tracing::warn!("the scrobble queue could not be written: {e}");
                return;
            }
            self.changed();
        }
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        Error::new(
            ErrorKind::Keychain,
            format!("the keychain task failed: {e}"),
        )
    })?
}
