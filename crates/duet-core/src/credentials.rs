//! Where session material lives: the OS keychain (docs/design.md §4), one entry per provider account.
//! Never a plain file, never a log line. This is the store's interface and the in-memory store;
//! the keychain itself is `duet_services::KeyringStore`, opened by the front ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind, Result};
use crate::model::ProviderId;
use crate::secret::Secret;

/// The longest secret Windows' Credential Manager keeps, in UTF-16 units (CRED_MAX_CREDENTIAL_BLOB_SIZE
/// of 2560 bytes, as keyring stores it): each provider's session must fit.
pub const WINDOWS_CREDENTIAL_LIMIT: usize = 1280;

/// Whether `secret` fits every system's keychain (Windows' is the smallest).
pub fn fits_every_keychain(secret: &Secret) -> bool {
    secret.expose().encode_utf16().count() <= WINDOWS_CREDENTIAL_LIMIT
}
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
