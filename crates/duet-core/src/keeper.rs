//! One provider's session, held in memory and kept in the credential store, changed in one
//! order: login, renewal and logout of one provider take one lock, and a generation counter tells
//! which login a change was prepared under, so a renewal (or a response's cookies) that was in
//! flight when the person logged out, or logged in again, cannot bring back the old session or
//! overwrite the new one. Every change runs to completion on its own task, even when the caller
//! goes away (a dropped HTTP request, an aborted QR login); memory is updated first, then the
//! store, and a failed store write is reported to the caller, not swallowed.
//!
//! Providers change a session one way: read the answer, decide what it means for the session
//! (a [`Change`]), and hand that to [`SessionKeeper::keep`]. Nothing is kept as a side effect of
//! parsing.

use std::sync::{Arc, RwLock};

use crate::credentials::{self, SharedStore};
use crate::error::{Error, ErrorKind, Result};
use crate::model::ProviderId;
use crate::secret::Secret;

/// A session that can be kept in the credential store as one secret blob.
pub trait StoredSession: Clone + Send + Sync + 'static {
    fn to_secret(&self) -> Secret;
    fn from_secret(secret: &Secret) -> Result<Self>;
    /// Whether this session is worth a keychain entry (a logged-out visitor's cookies are not).
    fn worth_keeping(&self) -> bool {
        true
    }
}

/// Which login a session belongs to: a new one with every login, logout and restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Generation(u64);

/// What a change was prepared under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The session of this generation: the change is dropped ([`Changed::Superseded`]) when a
    /// logout, another login or a restore replaced it since.
    Generation(Generation),
    /// None: a login the person just confirmed, which replaces whatever is held and starts a
    /// new generation (as [`Change::Login`] does, even if the change says `Update`).
    NewLogin,
}

impl From<Generation> for Basis {
    fn from(generation: Generation) -> Self {
        Basis::Generation(generation)
    }
}

/// What a [`SessionKeeper::keep`] does with the session it is shown.
#[derive(Debug)]
pub enum Change<S> {
    /// Nothing to change.
    Keep,
    /// The same login, updated (a renewed key, refreshed cookies).
    Update(S),
    /// A new login (a QR confirmed): a new generation.
    Login(S),
}

/// What a change came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Applied in memory and, when worth it, in the store.
    Applied(Generation),
    /// Nothing to change.
    Unchanged,
    /// Dropped: the session it was prepared under was replaced or ended since.
    Superseded,
}

#[derive(Debug)]
struct Held<S> {
    session: Option<S>,
    generation: Generation,
}

/// One provider's session (see the module documentation).
pub struct SessionKeeper<S> {
    provider: ProviderId,
    store: SharedStore,
    held: Arc<RwLock<Held<S>>>,
    /// Orders the changes (memory, then store), never held by a read.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// What a logout leaves behind (NetEase: a fresh visitor identity; QQ Music: nothing).
    blank: fn() -> Option<S>,
    /// Why the latest change was not kept in the store, until a login reports it.
    not_kept: Arc<std::sync::Mutex<Option<Error>>>,
}

impl<S> Clone for SessionKeeper<S> {
    fn clone(&self) -> Self {
        Self {
            provider: self.provider,
            store: self.store.clone(),
            held: self.held.clone(),
            writer: self.writer.clone(),
            blank: self.blank,
            not_kept: self.not_kept.clone(),
        }
    }
}

impl<S> std::fmt::Debug for SessionKeeper<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeeper")
            .field("provider", &self.provider)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl<S: StoredSession> SessionKeeper<S> {
    /// Holds `blank()` until a session is restored or a login happens.
    pub fn new(provider: ProviderId, store: SharedStore, blank: fn() -> Option<S>) -> Self {
        Self {
            provider,
            store,
            held: Arc::new(RwLock::new(Held {
                session: blank(),
                generation: Generation::default(),
            })),
            writer: Arc::new(tokio::sync::Mutex::new(())),
            blank,
            not_kept: Arc::default(),
        }
    }

    /// The session held now, and the generation to prepare a change under.
    pub fn current(&self) -> (Option<S>, Generation) {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        (held.session.clone(), held.generation)
    }

    pub fn session(&self) -> Option<S> {
        self.current().0
    }

    /// Reads the stored session (at start, or once a locked keychain is unlocked). `Ok(false)`:
    /// none is stored, and whatever was held stays. When a login or logout happened here since
    /// start (while the keychain could not be read), what is held is the truth: the store is
    /// brought in line with it instead (the login kept, or the logged-out entry deleted).
    pub async fn restore(&self) -> Result<bool> {
        let keeper = self.clone();
        run_to_completion(async move {
            let _in_order = keeper.writer.lock().await;
            let (held, generation) = keeper.current();
            if generation != Generation::default() {
                let kept = held.filter(StoredSession::worth_keeping);
                let synced = match &kept {
                    Some(session) => {
                        credentials::save(&keeper.store, keeper.provider, session.to_secret()).await
                    }
                    None => credentials::delete(&keeper.store, keeper.provider).await,
                };
                synced.map_err(|e| not_kept(e, keeper.provider))?;
                keeper.forget_not_kept();
                return Ok(kept.is_some());
            }
            let Some(secret) = credentials::load(&keeper.store, keeper.provider).await? else {
                return Ok(false);
            };
            let session = S::from_secret(&secret)?;
            let mut held = keeper.held.write().unwrap_or_else(|e| e.into_inner());
            held.session = Some(session);
            held.generation = Generation(held.generation.0 + 1);
            Ok(true)
        })
        .await
    }

    /// The one step that changes the session: `change` is shown the held session under the lock
    /// and says what becomes of it ([`Change::Login`] starts a new generation), unless the
    /// session it was prepared under (`basis`) was replaced since. Memory first, then the store;
    /// a store failure is the error (kind `keychain`), memory already changed, and is
    /// remembered for [`take_not_kept`](Self::take_not_kept) until a change is kept.
    pub async fn keep(
        &self,
        basis: impl Into<Basis>,
        change: impl FnOnce(Option<&S>) -> Change<S> + Send + 'static,
    ) -> Result<Changed> {
        let prepared_under = match basis.into() {
            Basis::Generation(generation) => Some(generation),
            Basis::NewLogin => None,
        };
        let keeper = self.clone();
        run_to_completion(async move {
            let _in_order = keeper.writer.lock().await;
            let kept = keeper.apply(prepared_under, change).await;
            keeper.remember(&kept);
            kept
        })
        .await
    }

    fn forget_not_kept(&self) {
        *self.not_kept.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Why the latest change was not kept in the store, if it was not (taken once).
    pub fn take_not_kept(&self) -> Option<Error> {
        self.not_kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// The change itself, under the writer lock.
    async fn apply(
        &self,
        prepared_under: Option<Generation>,
        change: impl FnOnce(Option<&S>) -> Change<S>,
    ) -> Result<Changed> {
        let (generation, keep, was_kept) = {
            let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
            if prepared_under.is_some_and(|g| g != held.generation) {
                return Ok(Changed::Superseded);
            }
            // A new login starts a generation whatever the change calls itself.
            let new_login = prepared_under.is_none();
            let next = match change(held.session.as_ref()) {
                Change::Keep => return Ok(Changed::Unchanged),
                Change::Update(session) if !new_login => session,
                Change::Update(session) | Change::Login(session) => {
                    held.generation = Generation(held.generation.0 + 1);
                    session
                }
            };
            let was_kept = held.session.as_ref().is_some_and(S::worth_keeping);
            let keep = next.worth_keeping().then(|| next.to_secret());
            held.session = Some(next);
            (held.generation, keep, was_kept)
        };
        let stored = match keep {
            Some(secret) => credentials::save(&self.store, self.provider, secret).await,
            // No longer worth keeping (the service ended it with a cookie): nor the entry.
            None if was_kept => credentials::delete(&self.store, self.provider).await,
            None => Ok(()),
        };
        stored.map_err(|e| not_kept(e, self.provider))?;
        Ok(Changed::Applied(generation))
    }

    /// Notes why a change was not kept (logged once, here), or that the latest one was.
    fn remember(&self, kept: &Result<Changed>) {
        let mut not_kept = self.not_kept.lock().unwrap_or_else(|e| e.into_inner());
        match kept {
            Err(why) => {
                tracing::error!("the {} session was not kept: {why}", self.provider);
                *not_kept = Some(why.clone());
            }
            Ok(Changed::Applied(_)) => *not_kept = None,
            Ok(Changed::Unchanged | Changed::Superseded) => {}
        }
    }

    /// Logout: the session goes from memory, then from the store; changes prepared under it
    /// are dropped from now on.
    pub async fn end(&self) -> Result<()> {
        let keeper = self.clone();
        run_to_completion(async move {
            let _in_order = keeper.writer.lock().await;
            {
                let mut held = keeper.held.write().unwrap_or_else(|e| e.into_inner());
                held.session = (keeper.blank)();
                held.generation = Generation(held.generation.0 + 1);
            }
            // Whatever was not kept of the ended session no longer matters.
            keeper.forget_not_kept();
            credentials::delete(&keeper.store, keeper.provider)
                .await
                .map_err(|e| not_kept(e, keeper.provider))
        })
        .await
    }
}

/// Runs `work` on its own task and waits for it: dropping the waiting future leaves the work
/// running to its end.
async fn run_to_completion<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    tokio::spawn(work).await.map_err(|e| {
        Error::new(
            ErrorKind::Keychain,
            format!("keeping the session failed: {e}"),
        )
    })?
}

fn not_kept(error: Error, provider: ProviderId) -> Error {
    let error = if error.kind == ErrorKind::Keychain {
        error
    } else {
        Error::new(ErrorKind::Keychain, error.message)
    };
    error.with_provider(provider)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{CredentialStore, MemoryStore};
    use std::time::Duration;

    #[derive(Debug, Clone, PartialEq)]
    struct Login(String);

    impl StoredSession for Login {
        fn to_secret(&self) -> Secret {
            Secret::new(self.0.clone())
        }
        fn from_secret(secret: &Secret) -> Result<Self> {
            Ok(Login(secret.expose().to_owned()))
        }
        /// An empty name stands for a logged-out visitor.
        fn worth_keeping(&self) -> bool {
            !self.0.is_empty()
        }
    }

    fn login(name: &str) -> Login {
        Login(name.to_owned())
    }

    /// The real in-memory store, each write slowed down, or refused.
    #[derive(Debug, Default)]
    struct SlowStore {
        inner: MemoryStore,
        delay: Duration,
        refuse: std::sync::atomic::AtomicBool,
    }

    impl SlowStore {
        fn slow(delay: Duration) -> Self {
            Self {
                delay,
                ..Self::default()
            }
        }
        fn refusing() -> Self {
            let store = Self::default();
            store.set_refusing(true);
            store
        }
        fn set_refusing(&self, refusing: bool) {
            self.refuse
                .store(refusing, std::sync::atomic::Ordering::SeqCst);
        }
        fn refuses(&self) -> Result<()> {
            if self.refuse.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(Error::new(ErrorKind::Keychain, "your keyring is locked"));
            }
            Ok(())
        }
    }

    impl CredentialStore for SlowStore {
        fn load(&self, provider: ProviderId) -> Result<Option<Secret>> {
            self.refuses()?;
            self.inner.load(provider)
        }
        fn save(&self, provider: ProviderId, secret: &Secret) -> Result<()> {
            std::thread::sleep(self.delay);
            self.refuses()?;
            self.inner.save(provider, secret)
        }
        fn delete(&self, provider: ProviderId) -> Result<()> {
            std::thread::sleep(self.delay);
            self.refuses()?;
            self.inner.delete(provider)
        }
        fn is_persistent(&self) -> bool {
            true
        }
    }

    /// A QR login the person confirmed: kept whatever is held.
    async fn log_in(keeper: &SessionKeeper<Login>, name: &str) -> Result<Generation> {
        let session = login(name);
        match keeper
            .keep(Basis::NewLogin, |_| Change::Login(session))
            .await?
        {
            Changed::Applied(generation) => Ok(generation),
            other => panic!("a login is always applied, not {other:?}"),
        }
    }

    /// Starts a login and goes away 20 ms in, while the store is still being written.
    async fn log_in_and_walk_away(keeper: &SessionKeeper<Login>, name: &str) {
        let gave_up = tokio::time::timeout(Duration::from_millis(20), log_in(keeper, name)).await;
        assert!(gave_up.is_err(), "the caller went away mid-write");
    }

    /// What `probe` finds within five seconds; `what` was lost otherwise.
    async fn within_seconds<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(found) = probe() {
                return found;
            }
            assert!(std::time::Instant::now() < deadline, "{what} was lost");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn keeper(store: Arc<SlowStore>) -> SessionKeeper<Login> {
        SessionKeeper::new(ProviderId::Qq, store, || None)
    }

    fn stored(store: &SlowStore) -> Option<String> {
        store
            .load(ProviderId::Qq)
            .unwrap()
            .map(|s| s.expose().to_owned())
    }

    #[tokio::test]
    async fn a_renewal_in_flight_does_not_bring_back_a_logged_out_session() {
        let store = Arc::new(SlowStore::default());
        let keeper = keeper(store.clone());
        log_in(&keeper, "first").await.unwrap();
        let (_, prepared_under) = keeper.current();
        keeper.end().await.unwrap();
        let renewed = keeper
            .keep(prepared_under, |_| Change::Update(login("renewed")))
            .await
            .unwrap();
        assert_eq!(renewed, Changed::Superseded);
        assert_eq!(keeper.session(), None);
        assert_eq!(stored(&store), None);
    }

    #[tokio::test]
    async fn a_renewal_in_flight_does_not_overwrite_a_newer_login() {
        let store = Arc::new(SlowStore::default());
        let keeper = keeper(store.clone());
        log_in(&keeper, "old account").await.unwrap();
        let (_, prepared_under) = keeper.current();
        log_in(&keeper, "new account").await.unwrap();
        let renewed = keeper
            .keep(prepared_under, |_| Change::Update(login("old renewed")))
            .await
            .unwrap();
        assert_eq!(renewed, Changed::Superseded);
        assert_eq!(keeper.session(), Some(login("new account")));
        assert_eq!(stored(&store).as_deref(), Some("new account"));
        // Under the current generation the update applies.
        let (_, now) = keeper.current();
        assert!(matches!(
            keeper
                .keep(now, |_| Change::Update(login("new renewed")))
                .await
                .unwrap(),
            Changed::Applied(g) if g == now
        ));
        assert_eq!(stored(&store).as_deref(), Some("new renewed"));
    }

    #[tokio::test]
    async fn a_change_finishes_when_its_caller_goes_away() {
        let store = Arc::new(SlowStore::slow(Duration::from_millis(300)));
        let keeper = keeper(store.clone());
        log_in_and_walk_away(&keeper, "kept").await;
        // Memory first: the session is held at once; the store write goes on without the caller.
        assert_eq!(keeper.session(), Some(login("kept")));
        within_seconds("the write", || stored(&store)).await;
        assert_eq!(stored(&store).as_deref(), Some("kept"));
        // The next change waits for that one, in order.
        keeper.end().await.unwrap();
        assert_eq!(stored(&store), None);
    }

    #[tokio::test]
    async fn a_failed_store_write_is_reported_and_the_session_still_held() {
        let store = Arc::new(SlowStore::refusing());
        let keeper = keeper(store.clone());
        let error = log_in(&keeper, "this run only").await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Keychain);
        assert_eq!(error.provider, Some(ProviderId::Qq));
        assert_eq!(keeper.session(), Some(login("this run only")));
        store.set_refusing(false);
        assert_eq!(stored(&store), None);
    }

    /// A store failure is remembered for the login to report, even when the caller went away,
    /// and forgotten once a later change is kept.
    #[tokio::test]
    async fn why_a_change_was_not_kept_is_remembered_until_one_is() {
        let store = Arc::new(SlowStore::slow(Duration::from_millis(200)));
        store.set_refusing(true);
        let keeper = keeper(store.clone());
        assert_eq!(keeper.take_not_kept(), None);
        log_in_and_walk_away(&keeper, "refused").await;
        let why = within_seconds("the failure", || keeper.take_not_kept()).await;
        assert_eq!(why.kind, ErrorKind::Keychain);
        assert_eq!(why.provider, Some(ProviderId::Qq));
        assert_eq!(keeper.take_not_kept(), None, "taken once");

        let (_, generation) = keeper.current();
        let refused = |keeper: SessionKeeper<Login>| async move {
            keeper
                .keep(generation, |_| Change::Update(login("refused again")))
                .await
        };
        assert!(refused(keeper.clone()).await.is_err());
        store.set_refusing(false);
        assert_eq!(
            keeper.keep(generation, |_| Change::Keep).await.unwrap(),
            Changed::Unchanged
        );
        assert!(keeper.take_not_kept().is_some(), "nothing was kept since");
        store.set_refusing(true);
        assert!(refused(keeper.clone()).await.is_err());
        store.set_refusing(false);
        keeper
            .keep(generation, |_| Change::Update(login("kept")))
            .await
            .unwrap();
        assert_eq!(keeper.take_not_kept(), None, "a kept change clears it");
        assert_eq!(stored(&store).as_deref(), Some("kept"));
    }

    /// A confirmed login replaces what is held under a new generation, however it is phrased:
    /// changes prepared under the old session are dropped afterwards.
    #[tokio::test]
    async fn a_new_login_always_starts_a_generation() {
        let store = Arc::new(SlowStore::default());
        let keeper = keeper(store.clone());
        let (_, before) = keeper.current();
        keeper
            .keep(Basis::NewLogin, |_| Change::Update(login("confirmed")))
            .await
            .unwrap();
        let (held, after) = keeper.current();
        assert_ne!(before, after);
        assert_eq!(held.map(|l| l.0), Some("confirmed".to_owned()));
        assert_eq!(
            keeper
                .keep(before, |_| Change::Update(login("stale")))
                .await
                .unwrap(),
            Changed::Superseded
        );
        assert_eq!(stored(&store).as_deref(), Some("confirmed"));
    }

    /// A login confirmed while the store refuses every write (it is held, not stored).
    async fn log_in_refused(keeper: &SessionKeeper<Login>, store: &SlowStore, name: &str) {
        store.set_refusing(true);
        let name = name.to_owned();
        let refused = keeper
            .keep(Basis::NewLogin, move |_| Change::Login(login(&name)))
            .await;
        assert!(refused.is_err());
        store.set_refusing(false);
    }

    /// A logout, or a restore that brings the store in line, leaves no old reason behind.
    #[tokio::test]
    async fn a_logout_or_a_synced_restore_forgets_why_a_change_was_not_kept() {
        let store = Arc::new(SlowStore::default());
        let keeper = keeper(store.clone());
        log_in_refused(&keeper, &store, "refused").await;
        keeper.restore().await.unwrap();
        assert_eq!(
            stored(&store).as_deref(),
            Some("refused"),
            "synced by the restore"
        );
        assert_eq!(keeper.take_not_kept(), None, "the restore kept it");

        log_in_refused(&keeper, &store, "refused again").await;
        keeper.end().await.unwrap();
        assert_eq!(
            keeper.take_not_kept(),
            None,
            "the logout ended that session"
        );
    }

    /// The keychain was locked at start; the person logged in (kept in memory only), then
    /// unlocked it: the new login is written, not replaced by the older stored one.
    #[tokio::test]
    async fn a_login_made_while_locked_wins_over_the_stored_one_once_unlocked() {
        let store = Arc::new(SlowStore::default());
        store.save(ProviderId::Qq, &Secret::new("older")).unwrap();
        store.set_refusing(true);
        let keeper = keeper(store.clone());
        assert!(keeper.restore().await.is_err(), "locked at start");
        assert!(log_in(&keeper, "newer").await.is_err(), "not kept yet");
        store.set_refusing(false);
        assert!(keeper.restore().await.unwrap());
        assert_eq!(keeper.session(), Some(login("newer")));
        assert_eq!(stored(&store).as_deref(), Some("newer"));
    }

    /// A logout while the keychain was locked could not delete the entry: once unlocked, the
    /// entry goes instead of coming back.
    #[tokio::test]
    async fn a_logout_made_while_locked_deletes_the_entry_once_unlocked() {
        let store = Arc::new(SlowStore::default());
        store
            .save(ProviderId::Qq, &Secret::new("logged out"))
            .unwrap();
        let keeper = keeper(store.clone());
        assert!(keeper.restore().await.unwrap());
        store.set_refusing(true);
        assert!(keeper.end().await.is_err(), "the entry could not go");
        assert_eq!(keeper.session(), None);
        store.set_refusing(false);
        assert!(!keeper.restore().await.unwrap());
        assert_eq!(keeper.session(), None);
        assert_eq!(stored(&store), None);
    }

    /// The service ended the session with a cookie: its keychain entry goes too, so the next
    /// start does not bring it back.
    #[tokio::test]
    async fn an_update_that_ends_the_session_removes_its_entry() {
        let store = Arc::new(SlowStore::default());
        let keeper = keeper(store.clone());
        let generation = log_in(&keeper, "alive").await.unwrap();
        assert_eq!(stored(&store).as_deref(), Some("alive"));
        keeper
            .keep(generation, |_| Change::Update(login("")))
            .await
            .unwrap();
        assert_eq!(stored(&store), None);
    }

    #[tokio::test]
    async fn restore_starts_a_generation() {
        let store = Arc::new(SlowStore::default());
        store.save(ProviderId::Qq, &Secret::new("stored")).unwrap();
        let keeper = keeper(store.clone());
        let (_, before) = keeper.current();
        assert!(keeper.restore().await.unwrap());
        let (session, after) = keeper.current();
        assert_eq!(session, Some(login("stored")));
        assert_ne!(before, after);
        assert_eq!(
            keeper
                .keep(before, |_| Change::Update(login("stale")))
                .await
                .unwrap(),
            Changed::Superseded
        );
        assert_eq!(
            keeper.keep(after, |_| Change::Keep).await.unwrap(),
            Changed::Unchanged
        );
    }
}
