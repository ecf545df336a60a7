//! A read-only view of a credential store, for duet-doctor: sessions are read from the store
//! once; whatever the providers keep or wipe after that (a cookie the service renewed, a logout)
//! stays in this process and never reaches the store.

use std::collections::HashMap;
use std::sync::Mutex;

use duet_core::credentials::{CredentialStore, SharedStore};
use duet_core::{ProviderId, Result, Secret};

/// Reads go to the store underneath until a provider changes its entry; changes stay here.
#[derive(Debug)]
pub struct ReadOnlyView {
    under: SharedStore,
    /// Entries changed in this process: `None` for one wiped.
    changed: Mutex<HashMap<ProviderId, Option<Secret>>>,
}

impl ReadOnlyView {
    pub fn new(under: SharedStore) -> Self {
        Self {
            under,
            changed: Mutex::default(),
        }
    }

    fn changed(&self) -> std::sync::MutexGuard<'_, HashMap<ProviderId, Option<Secret>>> {
        self.changed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl CredentialStore for ReadOnlyView {
    fn load(&self, provider: ProviderId) -> Result<Option<Secret>> {
        if let Some(entry) = self.changed().get(&provider) {
            return Ok(entry.clone());
        }
        self.under.load(provider)
    }

    fn save(&self, provider: ProviderId, secret: &Secret) -> Result<()> {
        self.changed().insert(provider, Some(secret.clone()));
        Ok(())
    }

    fn delete(&self, provider: ProviderId) -> Result<()> {
        self.changed().insert(provider, None);
        Ok(())
    }

    fn is_persistent(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use duet_core::MemoryStore;

    use super::*;

    #[test]
    fn changes_never_reach_the_store_underneath() {
        let under: SharedStore = Arc::new(MemoryStore::new());
        under
            .save(ProviderId::Netease, &Secret::new("stored"))
            .unwrap();
        let view = ReadOnlyView::new(under.clone());
        assert_eq!(
            view.load(ProviderId::Netease).unwrap().unwrap().expose(),
            "stored"
        );
        view.save(ProviderId::Netease, &Secret::new("renewed"))
            .unwrap();
        view.save(ProviderId::Qq, &Secret::new("new")).unwrap();
        assert_eq!(
            view.load(ProviderId::Netease).unwrap().unwrap().expose(),
            "renewed"
        );
        view.delete(ProviderId::Netease).unwrap();
        assert!(view.load(ProviderId::Netease).unwrap().is_none());
        assert_eq!(
            under.load(ProviderId::Netease).unwrap().unwrap().expose(),
            "stored"
        );
        assert!(under.load(ProviderId::Qq).unwrap().is_none());
    }
}
