//! `duet-server`: Duet's headless local HTTP API (docs/design.md §5), a thin adapter over
//! `duet-core`: `/v1/{provider}/...` ([`api`]) and the seed-compatible QQ Music `/api/...`
//! ([`seed`]), behind the checks of [`access`] (who may drive it). It knows no URL, cookie or
//! cipher of any service.

pub mod access;
mod albums;
mod anywhere;
pub mod api;
mod cloud;
pub mod library;
mod login_keys;
mod lyrics_fallback;
mod matches;
mod podcasts;
mod radio;
mod search;
pub mod seed;
mod tools;
mod transfers;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use duet_core::qr::QrLogins;
use duet_core::{Error, Provider, ProviderId, QrMethod};

pub use access::{check_bind, check_token, token_from_file, Access, AllowedOrigin};
pub use api::ApiError;
pub use login_keys::LOGIN_KEY_WINDOW;

use login_keys::LoginKeys;
use seed::{SeedQq, Stats};

/// How long a short link's service may take to answer its redirect.
const SHORT_LINK_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything the handlers share.
pub struct AppState {
    providers: HashMap<ProviderId, Arc<dyn Provider>>,
    pub(crate) qr_logins: QrLogins,
    /// When each QR login was confirmed, for `/api/login/check`'s once-only key.
    pub(crate) login_keys: Arc<LoginKeys>,
    /// The seed-compatible QQ Music API's needs (`/api/...`), when QQ Music is built in.
    pub(crate) seed: Option<SeedQq>,
    pub(crate) stats: Stats,
    /// Resolves pasted short links (`GET /v1/share`) through `DUET_UPSTREAM` when it is set.
    pub(crate) short_links: Result<duet_core::share::ShortLinks, Error>,
    /// Play anywhere's matches, kept for the server's life (`url?anywhere=true`).
    pub(crate) anywhere: duet_anywhere::Anywhere,
    /// Moving playlists across (`/v1/transfers…`), once [`AppState::keep_transfers_in`] gave
    /// it a directory.
    pub(crate) transfers: OnceLock<duet_transfer::Transfers>,
    /// LRCLIB, asked only by `lyrics?fallback=lrclib`; its answers kept for the server's life.
    pub(crate) lrclib: Result<duet_lrclib::Lrclib, Error>,
}

impl AppState {
    pub fn new(providers: Vec<Arc<dyn Provider>>) -> Arc<Self> {
        Self::build(providers, None, LOGIN_KEY_WINDOW)
    }

    /// With the seed-compatible `/api/...` over `qq` (the same provider as in `providers`);
    /// `/api/login/check` hands a login's key out within `login_key_window` of its confirmation
    /// ([`LOGIN_KEY_WINDOW`] unless a test shortens it).
    pub fn with_qq(
        providers: Vec<Arc<dyn Provider>>,
        qq: Arc<duet_qqmusic::QqProvider>,
        login_key_window: Duration,
    ) -> Arc<Self> {
        Self::build(providers, Some(SeedQq::new(qq)), login_key_window)
    }

    fn build(
        providers: Vec<Arc<dyn Provider>>,
        seed: Option<SeedQq>,
        login_key_window: Duration,
    ) -> Arc<Self> {
        Arc::new(Self {
            providers: providers.into_iter().map(|p| (p.id(), p)).collect(),
            qr_logins: QrLogins::new(duet_images::login_qr_png),
            login_keys: Arc::new(LoginKeys::new(login_key_window)),
            seed,
            stats: Stats::new(),
            short_links: duet_core::Upstream::from_env().and_then(|upstream| {
                duet_core::share::ShortLinks::new(upstream, SHORT_LINK_TIMEOUT)
            }),
            anywhere: duet_anywhere::Anywhere::new(),
            transfers: OnceLock::new(),
            lrclib: duet_core::Upstream::from_env().and_then(|upstream| {
                duet_lrclib::LrclibClient::new(upstream)
                    .map(duet_lrclib::Lrclib::new)
                    .map_err(Error::from)
            }),
        })
    }

    /// The service that is not `id`, when this build has one.
    pub(crate) fn other_provider(&self, id: ProviderId) -> Option<Arc<dyn Provider>> {
        self.providers
            .iter()
            .find(|(other, _)| **other != id)
            .map(|(_, p)| p.clone())
    }

    /// Turns on `/v1/transfers…`, keeping its jobs in `dir` (jobs found there are loaded,
    /// stopped), at the pace that goes with the providers' (`duet_transfer::TransferPace`).
    pub fn keep_transfers_in(
        &self,
        dir: &Path,
        pace: duet_core::budget::Pace,
    ) -> Result<(), Error> {
        let providers = self.providers.values().cloned().collect();
        let transfers = duet_transfer::Transfers::open(
            dir,
            providers,
            duet_transfer::TransferPace::for_requests(pace),
        )?;
        self.transfers
            .set(transfers)
            .map_err(|_| Error::bad_request("transfers are already kept somewhere"))
    }

    /// Starts a QR login (both APIs start them here, so `/api/login/check` knows when each
    /// was confirmed).
    pub(crate) async fn start_qr_login(
        &self,
        provider: Arc<dyn Provider>,
        method: Option<QrMethod>,
    ) -> Result<duet_core::QrLogin, Error> {
        self.qr_logins
            .start(provider, method, Some(self.login_keys.observer()))
            .await
    }

    /// Every service of this build.
    fn all_providers(&self) -> Vec<Arc<dyn Provider>> {
        self.providers.values().cloned().collect()
    }

    fn provider(&self, name: &str) -> Result<Arc<dyn Provider>, ApiError> {
        let id: ProviderId = name.parse()?;
        self.providers.get(&id).cloned().ok_or_else(|| {
            ApiError(Error::not_found(format!(
                "{id} is not available in this build of duet-server"
            )))
        })
    }
}

pub fn router(state: Arc<AppState>, access: Access) -> Router {
    let routes = api::routes()
        .merge(tools::routes())
        .merge(library::routes())
        .merge(albums::routes())
        .merge(podcasts::routes())
        .merge(cloud::routes())
        .merge(matches::routes())
        .merge(radio::routes())
        .merge(search::routes())
        .merge(transfers::routes())
        .merge(seed::routes(state.clone()))
        .fallback(api::not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    access::guard(routes, access)
}

async fn method_not_allowed() -> ApiError {
    ApiError(Error::bad_request("this route does not take that method"))
}
