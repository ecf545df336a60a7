//! Where session material lives: the OS keychain (DESIGN.md §4), one entry per provider account.
//! Never a plain file, never a log line.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind, Result};
use crate::model::ProviderId;
use crate::secret::Secret;

/// The keychain service name under which Duet keeps its entries.
pub const KEYCHAIN_SERVICE: &str = "duet";

/// Stores one opaque secret blob per provider. Implementations block; async callers go through
/// [`spawn_blocking`](tokio::task::spawn_blocking) (see [`load`], [`save`], [`delete`]).
pub trait CredentialStore: Send + Sync + std::fmt::Debug {
    fn load(&self, provider: ProviderId) -> Result<Option<Secret>>;
    fn save(&self, provider: ProviderId, secret: &Secret) -> Result<()>;
    /// Removing an entry that does not exist is not an error.
    fn delete(&self, provider: ProviderId) -> Result<()>;
    /// Whether entries survive a restart (false for the in-memory fallback).
    fn is_persistent(&self) -> bool;
}

pub type SharedStore = Arc<dyn CredentialStore>;

pub async fn load(store: &SharedStore, provider: ProviderId) -> Result<Option<Secret>> {
    let store = store.clone();
    run_blocking(move || store.load(provider)).await
}

pub async fn save(store: &SharedStore, provider: ProviderId, secret: Secret) -> Result<()> {
    let store = store.clone();
    run_blocking(move || store.save(provider, &secret)).await
}

pub async fn delete(store: &SharedStore, provider: ProviderId) -> Result<()> {
    let store = store.clone();
    run_blocking(move || store.delete(provider)).await
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        Error::new(
            ErrorKind::Upstream,
            format!("credential store task failed: {e}"),
        )
    })?
}

/// The OS keychain through the `keyring` crate (Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows).
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    pub fn new() -> Self {
        Self::with_service(KEYCHAIN_SERVICE)
    }

    /// A separate namespace, for tests that must not touch a person's real entries.
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// Opens the keychain and makes one harmless read, so a missing Secret Service is found at
    /// start-up (and the UI can say so) rather than at the first login.
    pub fn probe(&self) -> Result<()> {
        self.load(ProviderId::Netease).map(|_| ())
    }

    fn entry(&self, provider: ProviderId) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, provider.as_str()).map_err(keychain_error)
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

/// Keychain errors can quote what was stored; keep only their kind.
fn keychain_error(error: keyring::Error) -> Error {
    let what = match &error {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            "the OS keychain is not available (on Linux: is a Secret Service such as gnome-keyring running and unlocked?)"
        }
        keyring::Error::BadEncoding(_) => "the keychain entry is not valid UTF-8",
        keyring::Error::TooLong(..) => "the keychain entry is too long",
        keyring::Error::Invalid(..) => "the keychain rejected the entry's attributes",
        keyring::Error::Ambiguous(_) => "the keychain holds several entries for this account",
        _ => "the keychain failed",
    };
    Error::new(ErrorKind::Upstream, what)
}

impl CredentialStore for KeyringStore {
    fn load(&self, provider: ProviderId) -> Result<Option<Secret>> {
        match self.entry(provider)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn save(&self, provider: ProviderId, secret: &Secret) -> Result<()> {
        self.entry(provider)?
            .set_password(secret.expose())
            .map_err(keychain_error)
    }

    fn delete(&self, provider: ProviderId) -> Result<()> {
        match self.entry(provider)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// Keeps sessions in memory only: for machines without a keychain (the UI says so) and unit
/// tests.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<ProviderId, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl CredentialStore for MemoryStore {
    fn load(&self, provider: ProviderId) -> Result<Option<Secret>> {
        Ok(self
            .entries
            .lock()
            .expect("poisoned")
            .get(&provider)
            .cloned())
    }

    fn save(&self, provider: ProviderId, secret: &Secret) -> Result<()> {
        self.entries
            .lock()
            .expect("poisoned")
            .insert(provider, secret.clone());
        Ok(())
    }

    fn delete(&self, provider: ProviderId) -> Result<()> {
        self.entries.lock().expect("poisoned").remove(&provider);
        Ok(())
    }

    fn is_persistent(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::new();
        assert_eq!(store.load(ProviderId::Netease).unwrap(), None);
        store.save(ProviderId::Netease, &Secret::new("a")).unwrap();
        assert_eq!(
            store.load(ProviderId::Netease).unwrap(),
            Some(Secret::new("a"))
        );
        assert_eq!(store.load(ProviderId::Qq).unwrap(), None);
        store.delete(ProviderId::Netease).unwrap();
        store.delete(ProviderId::Netease).unwrap();
        assert_eq!(store.load(ProviderId::Netease).unwrap(), None);
        assert!(!store.is_persistent());
    }
}
