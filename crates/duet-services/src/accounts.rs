//! Secrets of accounts that are not music services (the scrobbling services' keys and tokens):
//! entries of their own in the same OS keychain as the sessions, under names no provider has,
//! or in memory when the sessions are kept in memory too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use duet_core::{Result, Secret};

use crate::keychain::KeyringStore;
use crate::{Store, StoreKind};

/// Where the secrets of an account that is not a music service are kept.
pub trait AccountSecrets: Send + Sync + std::fmt::Debug {
    fn load(&self, account: &str) -> Result<Option<Secret>>;
    fn save(&self, account: &str, secret: &Secret) -> Result<()>;
    /// Removing an entry that does not exist is not an error.
    fn delete(&self, account: &str) -> Result<()>;
}

impl AccountSecrets for KeyringStore {
    fn load(&self, account: &str) -> Result<Option<Secret>> {
        self.load_account(account)
    }

    fn save(&self, account: &str, secret: &Secret) -> Result<()> {
        self.save_account(account, secret)
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.delete_account(account)
    }
}

/// Keeps account secrets for the life of the process only.
#[derive(Default)]
pub struct MemoryAccounts {
    entries: Mutex<HashMap<String, Secret>>,
}

impl std::fmt::Debug for MemoryAccounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.entries.lock().map_or(0, |e| e.len());
        f.debug_struct("MemoryAccounts")
            .field("entries", &count)
            .finish()
    }
}

impl AccountSecrets for MemoryAccounts {
    fn load(&self, account: &str) -> Result<Option<Secret>> {
        Ok(self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(account)
            .cloned())
    }

    fn save(&self, account: &str, secret: &Secret) -> Result<()> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(account.to_owned(), secret.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(account);
        Ok(())
    }
}

impl Store {
    /// The store for account secrets beside this one's sessions: the same keychain (locked
    /// until it is unlocked, like the sessions), or memory when the sessions are in memory.
    pub fn accounts(&self) -> Arc<dyn AccountSecrets> {
        match (&self.keyring, self.kind) {
            (Some(keyring), StoreKind::Os | StoreKind::Locked) => Arc::new(keyring.clone()),
            _ => Arc::new(MemoryAccounts::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_accounts_keep_and_forget_without_showing_secrets() {
        let accounts = MemoryAccounts::default();
        accounts
            .save("scrobble-test", &Secret::new("token-value"))
            .unwrap();
        assert_eq!(
            accounts.load("scrobble-test").unwrap().unwrap().expose(),
            "token-value"
        );
        assert!(!format!("{accounts:?}").contains("token-value"));
        accounts.delete("scrobble-test").unwrap();
        accounts.delete("scrobble-test").unwrap();
        assert!(accounts.load("scrobble-test").unwrap().is_none());
    }
}
