//! Every service Duet speaks, assembled for a front end (the desktop app, `duet-server`): the
//! credential store (the OS keychain, or memory when there is none and the caller accepts it),
//! and one provider per service over it, with stored sessions restored. A new service is one
//! line here.

mod accounts;
mod keychain;
mod read_only;

use std::sync::Arc;
use std::time::Duration;

pub use duet_core::budget::Pace;
use duet_core::credentials::SharedStore;
use duet_core::upstream::UPSTREAM_ENV;
use duet_core::{Error, MemoryStore, Provider, Upstream};
use serde::Serialize;

pub use accounts::{AccountSecrets, MemoryAccounts};
pub use keychain::{
    inspect_keychain, KeychainProblem, KeychainReport, KeychainState, KeychainTrouble,
    KeyringStore, KEYCHAIN_SERVICE, SERVER_KEYCHAIN_SERVICE,
};
pub use read_only::ReadOnlyView;

/// Where sessions are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum StoreKind {
    /// The OS keychain: sessions survive a restart.
    Os,
    /// The OS keychain, locked (or its unlock prompt went unanswered): nothing can be read or
    /// kept until the person unlocks it and Duet looks again ([`Store::recheck`]).
    Locked,
    /// Memory only: sessions end with the process.
    Memory,
}

/// The opened credential store and, when it is not a working keychain, why.
#[derive(Debug, Clone)]
pub struct Store {
    pub store: SharedStore,
    pub kind: StoreKind,
    /// Why the keychain could not be used (shown to the person).
    pub keychain_problem: Option<String>,
    keyring: Option<KeyringStore>,
}

impl Store {
    /// Probes a locked keychain again (after the person unlocked it): [`StoreKind::Os`] when it
    /// now works; the store object is the same, so the providers need nothing new.
    pub fn recheck(&mut self) -> Result<(), Error> {
        let (StoreKind::Locked, Some(keyring)) = (self.kind, &self.keyring) else {
            return Ok(());
        };
        keyring.probe_patiently()?;
        self.kind = StoreKind::Os;
        self.keychain_problem = None;
        Ok(())
    }
}

/// Opens the OS keychain under `service` and proves it keeps what it is given (see
/// [`KeyringStore::probe`]). When it cannot be used: without `allow_memory` (duet-server), fails
/// with the reason; with it (the app), keeps the locked keychain to retry once unlocked, or falls
/// back to memory and says why in `keychain_problem`.
pub fn open_store(service: &str, allow_memory: bool) -> Result<Store, Error> {
    open_keyring(KeyringStore::with_service(service), allow_memory)
}

/// [`open_store`] over a given keychain handle (its own timeout, in tests).
pub fn open_keyring(keyring: KeyringStore, allow_memory: bool) -> Result<Store, Error> {
    let problem = match keyring.probe() {
        Ok(()) => {
            return Ok(Store {
                store: Arc::new(keyring.clone()),
                kind: StoreKind::Os,
                keychain_problem: None,
                keyring: Some(keyring),
            })
        }
        Err(problem) if !allow_memory => return Err(problem.into()),
        Err(problem) => problem,
    };
    match problem.trouble {
        KeychainTrouble::Locked => {
            tracing::warn!("the OS keychain is locked: {problem}");
            Ok(Store {
                store: Arc::new(keyring.clone()),
                kind: StoreKind::Locked,
                keychain_problem: Some(problem.message),
                keyring: Some(keyring),
            })
        }
        KeychainTrouble::Unavailable => {
            tracing::warn!("no OS keychain ({problem}); sessions are kept in memory only");
            Ok(Store {
                store: Arc::new(MemoryStore::new()),
                kind: StoreKind::Memory,
                keychain_problem: Some(problem.message),
                keyring: None,
            })
        }
    }
}

/// A store that keeps sessions in memory only, by choice.
pub fn memory_store() -> Store {
    Store {
        store: Arc::new(MemoryStore::new()),
        kind: StoreKind::Memory,
        keychain_problem: None,
        keyring: None,
    }
}

/// The keychain's entries under `service`, read-only ([`ReadOnlyView`]), without the start-up
/// probe's write. `readable`: false when the keychain is locked or missing, and then no session
/// is read (a read of a locked one would bring up its unlock prompt).
fn read_only_keychain(service: &str, readable: bool) -> Store {
    Store {
        store: Arc::new(ReadOnlyView::new(Arc::new(KeyringStore::with_service(
            service,
        )))),
        kind: if readable {
            StoreKind::Os
        } else {
            StoreKind::Locked
        },
        keychain_problem: None,
        keyring: None,
    }
}

/// The variable a test sets to `fast` for [`Pace::TEST`] (honoured only with a test upstream).
pub const TEST_PACE_ENV: &str = "DUET_TEST_PACE";

/// How the providers talk to the services.
#[derive(Debug, Clone)]
pub struct Settings {
    pub upstream: Upstream,
    pub timeout: Duration,
    /// Each service's request budget: [`Pace::HUMAN`] unless a test asks for [`Pace::TEST`].
    pub pace: Pace,
}

impl Settings {
    /// Real services unless `DUET_UPSTREAM` says otherwise; 15 s per request; a person's pace
    /// unless `DUET_TEST_PACE=fast` and `DUET_UPSTREAM` is set (see [`Settings::from_values`]).
    pub fn from_env() -> Result<Self, Error> {
        let test_pace = std::env::var(TEST_PACE_ENV).ok();
        Self::from_values(Upstream::from_env()?, test_pace.as_deref())
    }

    /// [`Settings::from_env`] over the values read: `test_pace` is `DUET_TEST_PACE`'s. `fast`
    /// is [`Pace::TEST`], and only with [`Upstream::Override`] (always on this machine,
    /// [`Upstream::parse_override`]): with the real services it is refused, so no setting in a
    /// person's environment can take away the protection of their accounts. Unset or empty is
    /// [`Pace::HUMAN`]; anything else is refused with its name.
    pub fn from_values(upstream: Upstream, test_pace: Option<&str>) -> Result<Self, Error> {
        let pace = match test_pace.map(str::trim) {
            None | Some("") => Pace::HUMAN,
            Some("fast") if upstream.is_override() => Pace::TEST,
            Some("fast") => {
                return Err(Error::bad_request(format!(
                    "{TEST_PACE_ENV}=fast is only for tests against a test upstream on this \
                     machine ({UPSTREAM_ENV}), and {UPSTREAM_ENV} is not set: the real services \
                     are always asked at a person's pace"
                )))
            }
            Some(other) => {
                return Err(Error::bad_request(format!(
                    "{TEST_PACE_ENV}={other:?} is not a pace Duet knows: the only value is \
                     \"fast\" (for tests against a test upstream), or leave it unset"
                )))
            }
        };
        Ok(Self {
            upstream,
            timeout: Duration::from_secs(15),
            pace,
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
/// to restore one is logged and leaves that provider logged out). A locked keychain is not read:
/// each read would show the unlock prompt again and hold up the start; the sessions are read
/// once the person has unlocked it ([`Store::recheck`], then each provider's `restore_session`).
pub async fn providers(
    settings: &Settings,
    store: &Store,
) -> Result<Vec<Arc<dyn Provider>>, Error> {
    Ok(services(settings, store).await?.providers)
}

/// [`providers`], keeping hold of the concrete QQ Music provider.
pub async fn services(settings: &Settings, store: &Store) -> Result<Services, Error> {
    build(settings, store, true).await
}

/// [`services`] for a check that must leave the stored logins as it found them (duet-doctor):
/// the sessions under the keychain's `service` are read without the start-up probe's write and
/// through a [`ReadOnlyView`] (nothing a provider keeps or wipes reaches the keychain), and QQ
/// Music's key is never renewed
/// ([`QqProvider::without_key_renewal`](duet_qqmusic::QqProvider::without_key_renewal)).
/// `readable`: false when the keychain is locked or missing ([`inspect_keychain`]); then no
/// session is read (a read of a locked one would bring up its unlock prompt).
pub async fn read_only_services(
    settings: &Settings,
    service: &str,
    readable: bool,
) -> Result<Services, Error> {
    build(settings, &read_only_keychain(service, readable), false).await
}

async fn build(settings: &Settings, store: &Store, renew_keys: bool) -> Result<Services, Error> {
    let mut netease = duet_netease::Config::new(settings.upstream.clone());
    netease.timeout = settings.timeout;
    netease.pace = settings.pace;
    let mut qq = duet_qqmusic::Config::new(settings.upstream.clone());
    qq.timeout = settings.timeout;
    qq.pace = settings.pace;
    let mut qq = duet_qqmusic::QqProvider::new(qq, store.store.clone())?;
    if !renew_keys {
        qq = qq.without_key_renewal();
    }
    let qq = Arc::new(qq);
    let providers: Vec<Arc<dyn Provider>> = vec![
        Arc::new(duet_netease::NeteaseProvider::new(
            netease,
            store.store.clone(),
        )?),
        qq.clone(),
    ];
    if store.kind == StoreKind::Locked {
        tracing::info!("the keychain is locked: sessions are read once it is unlocked");
        return Ok(Services { providers, qq });
    }
    for provider in &providers {
        match provider.restore_session().await {
            Ok(true) => tracing::info!(provider = %provider.id(), "restored the stored session"),
            Ok(false) => tracing::info!(provider = %provider.id(), "no stored session"),
            Err(e) => {
                tracing::warn!(provider = %provider.id(), "could not restore the session: {e}");
            }
        }
    }
    Ok(Services { providers, qq })
}

#[cfg(test)]
mod tests {
    use duet_core::{ErrorKind, Secret};

    use super::*;

    fn test_upstream() -> Upstream {
        Upstream::parse_override("http://127.0.0.1:9000").unwrap()
    }

    /// Counts what the start asks of the store it wraps.
    #[derive(Debug)]
    struct Counting {
        inner: SharedStore,
        loads: std::sync::Mutex<Vec<duet_core::ProviderId>>,
        writes: std::sync::atomic::AtomicUsize,
    }

    impl duet_core::CredentialStore for Counting {
        fn load(&self, provider: duet_core::ProviderId) -> duet_core::Result<Option<Secret>> {
            self.loads.lock().unwrap().push(provider);
            self.inner.load(provider)
        }
        fn save(&self, provider: duet_core::ProviderId, secret: &Secret) -> duet_core::Result<()> {
            self.writes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.inner.save(provider, secret)
        }
        fn delete(&self, provider: duet_core::ProviderId) -> duet_core::Result<()> {
            self.writes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.inner.delete(provider)
        }
        fn is_persistent(&self) -> bool {
            self.inner.is_persistent()
        }
    }

    /// Issue 10: the keychain is read once at start, one entry per provider, and asking whether
    /// a provider has a session afterwards (the UI's session_restore) reads nothing more.
    #[tokio::test]
    async fn a_start_reads_each_providers_entry_once() {
        let mut store = memory_store();
        let counting = Arc::new(Counting {
            inner: store.store.clone(),
            loads: Default::default(),
            writes: Default::default(),
        });
        store.store = counting.clone();
        let settings = Settings::from_values(test_upstream(), None).unwrap();
        let services = services(&settings, &store).await.unwrap();
        for provider in &services.providers {
            assert!(!provider.has_session().await);
        }
        let mut loads = counting.loads.lock().unwrap().clone();
        loads.sort_by_key(|p| p.as_str());
        assert_eq!(
            loads,
            vec![duet_core::ProviderId::Netease, duet_core::ProviderId::Qq]
        );
        assert_eq!(counting.writes.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    #[test]
    fn the_test_pace_is_honoured_with_a_test_upstream() {
        let settings = Settings::from_values(test_upstream(), Some("fast")).unwrap();
        assert_eq!(settings.pace, Pace::TEST);
        assert_eq!(settings.upstream, test_upstream());
    }

    #[test]
    fn the_test_pace_is_refused_with_the_real_services() {
        let error = Settings::from_values(Upstream::Direct, Some("fast")).unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest);
        assert!(error.message.contains(TEST_PACE_ENV), "{error}");
        assert!(error.message.contains(UPSTREAM_ENV), "{error}");
    }

    #[test]
    fn without_the_test_pace_every_upstream_keeps_a_persons_pace() {
        for upstream in [Upstream::Direct, test_upstream()] {
            for unset in [None, Some(""), Some("  ")] {
                let settings = Settings::from_values(upstream.clone(), unset).unwrap();
                assert_eq!(settings.pace, Pace::HUMAN, "{upstream:?} {unset:?}");
            }
        }
    }

    #[test]
    fn an_unknown_pace_is_refused_with_its_name() {
        for upstream in [Upstream::Direct, test_upstream()] {
            let error = Settings::from_values(upstream, Some("ludicrous")).unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest);
            assert!(error.message.contains("\"ludicrous\""), "{error}");
        }
    }
}
