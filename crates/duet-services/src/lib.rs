//! Every service Duet speaks, assembled for a front end (the desktop app, `duet-server`): the
//! credential store (the OS keychain, or memory when there is none and the caller accepts it),
//! and one provider per service over it, with stored sessions restored. A new service is one
//! line here.

use std::sync::Arc;
use std::time::Duration;

use duet_core::credentials::SharedStore;
use duet_core::{Error, KeyringStore, MemoryStore, Provider, Upstream};
use serde::Serialize;

/// Where sessions are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// The OS keychain: sessions survive a restart.
    Os,
    /// Memory only: sessions end with the process.
    Memory,
}

/// The opened credential store and, for memory, why.
#[derive(Debug, Clone)]
pub struct Store {
    pub store: SharedStore,
    pub kind: StoreKind,
    /// Why the keychain could not be used (shown to the person).
    pub keychain_problem: Option<String>,
}

/// Opens the OS keychain under `service`. When it is unavailable: with `allow_memory`, falls
/// back to memory and says why in `keychain_problem`; without, fails with the reason.
pub fn open_store(service: &str, allow_memory: bool) -> Result<Store, Error> {
    let keyring = KeyringStore::with_service(service);
    match keyring.probe() {
        Ok(()) => Ok(Store {
            store: Arc::new(keyring),
            kind: StoreKind::Os,
            keychain_problem: None,
        }),
        Err(problem) if allow_memory => {
            tracing::warn!("no OS keychain ({problem}); sessions are kept in memory only");
            Ok(Store {
                store: Arc::new(MemoryStore::new()),
                kind: StoreKind::Memory,
                keychain_problem: Some(problem.message),
            })
        }
        Err(problem) => Err(problem),
    }
}

/// A store that keeps sessions in memory only, by choice.
pub fn memory_store() -> Store {
    Store {
        store: Arc::new(MemoryStore::new()),
        kind: StoreKind::Memory,
        keychain_problem: None,
    }
}

/// How the providers talk to the services.
#[derive(Debug, Clone)]
pub struct Settings {
    pub upstream: Upstream,
    pub timeout: Duration,
}

impl Settings {
    /// Real services unless `DUET_UPSTREAM` says otherwise; 15 s per request.
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self {
            upstream: Upstream::from_env()?,
            timeout: Duration::from_secs(15),
        })
    }
}

/// Every provider, and QQ Music's concretely for the front ends that speak its own API
/// (`duet-server`'s seed-compatible `/api/...`). `providers` holds the same `qq`.
pub struct Services {
    pub providers: Vec<Arc<dyn Provider>>,
    pub qq: Arc<duet_qqmusic::QqProvider>,
}

/// Builds one provider per service over `store` and restores their stored sessions (a failure
/// to restore one is logged and leaves that provider logged out).
pub async fn providers(
    settings: &Settings,
    store: SharedStore,
) -> Result<Vec<Arc<dyn Provider>>, Error> {
    Ok(services(settings, store).await?.providers)
}

/// [`providers`], keeping hold of the concrete QQ Music provider.
pub async fn services(settings: &Settings, store: SharedStore) -> Result<Services, Error> {
    let mut netease = duet_netease::Config::new(settings.upstream.clone());
    netease.timeout = settings.timeout;
    let mut qq = duet_qqmusic::Config::new(settings.upstream.clone());
    qq.timeout = settings.timeout;
    let qq = Arc::new(duet_qqmusic::QqProvider::new(qq, store.clone())?);
    let providers: Vec<Arc<dyn Provider>> = vec![
        Arc::new(duet_netease::NeteaseProvider::new(netease, store)?),
        qq.clone(),
    ];
    for provider in &providers {
        match provider.restore_session().await {
            Ok(true) => tracing::info!(provider = %provider.id(), "restored the stored session"),
            Ok(false) => tracing::info!(provider = %provider.id(), "no stored session"),
            Err(e) => {
                tracing::warn!(provider = %provider.id(), "could not restore the session: {e}")
            }
        }
    }
    Ok(Services { providers, qq })
}
