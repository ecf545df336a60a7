//! The OS keychain as a credential store (docs/design.md §4): one entry per provider account under a
//! service name, the start-up probe that proves entries are kept, and a locked keychain's unlock
//! prompt that gives up. The front ends open it through [`crate::open_store`]; the core knows
//! only the [`CredentialStore`] interface.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_core::credentials::CredentialStore;
use duet_core::{Error, ErrorKind, ProviderId, Result, Secret};
use serde::Serialize;

/// The keychain service name under which the desktop app keeps its entries.
pub const KEYCHAIN_SERVICE: &str = "duet";
/// The keychain service name of `duet-server`. Its own, so the app and the server running at once
/// on one machine never overwrite, renew or wipe each other's sessions.
pub const SERVER_KEYCHAIN_SERVICE: &str = "duet-server";
/// How long one keychain operation may take before Duet stops waiting (an unlock prompt nobody
/// answers, a hung keyring daemon).
pub(crate) const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the start-up probe waits: a locked keyring's unlock prompt may be on screen, and the
/// window should not wait for it; the person unlocks, then asks Duet to look again.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// The account name of the start-up probe's entry; never a provider's name.
const PROBE_ACCOUNT: &str = "duet-probe";

/// Why the OS keychain cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeychainTrouble {
    /// It exists but is locked, or its unlock prompt was dismissed or went unanswered: unlocking
    /// it (and retrying) is all it takes.
    Locked,
    /// There is none (no Secret Service on this Linux), or it failed, or it would not keep
    /// entries across a restart.
    Unavailable,
}

/// What the keychain said, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeychainProblem {
    pub trouble: KeychainTrouble,
    pub message: String,
}

impl KeychainProblem {
    fn locked() -> Self {
        Self {
            trouble: KeychainTrouble::Locked,
            message: "your keyring is locked: unlock it (your desktop asks for its password, or \
                      open your keyring or password manager), then try again"
                .into(),
        }
    }

    fn unavailable(message: impl Into<String>) -> Self {
        Self {
            trouble: KeychainTrouble::Unavailable,
            message: message.into(),
        }
    }
}

impl From<KeychainProblem> for Error {
    fn from(problem: KeychainProblem) -> Self {
        Error::new(ErrorKind::Keychain, problem.message)
    }
}

/// The OS keychain through the `keyring` crate (Secret Service on Linux and the BSDs, Keychain on
/// macOS, Credential Manager on Windows: crates/duet-services/Cargo.toml picks the store per target).
/// A locked keychain's unlock prompt is dismissed after a timeout, and every operation gives up
/// after one, so nobody answering it never blocks a command or the start-up forever. One thread
/// per store talks to the keychain, in the order operations were asked.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
    timeout: Duration,
    worker: Arc<Worker>,
}

impl KeyringStore {
    pub fn new() -> Self {
        Self::with_service(KEYCHAIN_SERVICE)
    }

    /// A separate namespace: `duet-server`'s, or tests' that must not touch a person's entries.
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            timeout: KEYCHAIN_TIMEOUT,
            worker: Worker::start(),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Proves at start-up that entries written now are there after a restart, so a missing,
    /// locked or memory-only keychain is found before the first login: the store must keep
    /// entries until they are deleted, and a probe entry written, read back through a new
    /// handle and deleted must come back as written. A locked keychain gets its unlock prompt
    /// for [`PROBE_TIMEOUT`] at most.
    pub fn probe(&self) -> std::result::Result<(), KeychainProblem> {
        self.probe_within(self.timeout.min(PROBE_TIMEOUT))
    }

    /// [`probe`](Self::probe), with the whole timeout for the unlock prompt: for when the person
    /// asked Duet to look again.
    pub fn probe_patiently(&self) -> std::result::Result<(), KeychainProblem> {
        self.probe_within(self.timeout)
    }

    fn probe_within(&self, timeout: Duration) -> std::result::Result<(), KeychainProblem> {
        if !keeps_entries_until_deleted() {
            return Err(KeychainProblem::unavailable(
                "this system's keychain would not keep sessions across a restart",
            ));
        }
        let service = self.service.clone();
        let same = self.worker.run(timeout, Prompt::Always, move || {
            let nonce = format!("probe-{:016x}", rand_u64());
            let entry = || keyring::Entry::new(&service, PROBE_ACCOUNT);
            again_if_timed_out(|| entry()?.set_password(&nonce)).map_err(problem_of)?;
            let read = again_if_timed_out(|| entry()?.get_password()).map_err(problem_of)?;
            again_if_timed_out(|| entry()?.delete_credential()).map_err(problem_of)?;
            Ok(read == nonce)
        })?;
        same.then_some(()).ok_or_else(|| {
            KeychainProblem::unavailable("the keychain did not give back what was stored")
        })
    }

    /// One operation on this store's entry of `account`, after the keychain is unlocked.
    fn on_entry<T: Send + 'static>(
        &self,
        account: String,
        operation: impl Fn(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let service = self.service.clone();
        Ok(self
            .worker
            .run(self.timeout, Prompt::UnlessRefused, move || {
                let entry = keyring::Entry::new(&service, &account).map_err(problem_of)?;
                again_if_timed_out(|| operation(&entry)).map_err(problem_of)
            })?)
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether an operation may show the keychain's unlock prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prompt {
    /// Yes (the start-up probe; the person asked to look again).
    Always,
    /// Unless a prompt was refused or left unanswered since the keychain was last seen
    /// unlocked: then fail at once instead of prompting at every step (each login, each cookie).
    UnlessRefused,
}

type Job = Box<dyn FnOnce() + Send>;

/// The thread that talks to the keychain for a store and its clones: operations run in the order
/// they were asked, so one that ends late (a prompt answered after its caller gave up) never
/// overtakes a newer one.
struct Worker {
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
    state: Arc<WorkerState>,
}

#[derive(Default)]
struct WorkerState {
    /// An operation outlived its caller's wait (a hung keychain daemon): the next ones fail at
    /// once instead of queueing behind it, until it ends.
    stuck: std::sync::atomic::AtomicBool,
    /// An unlock prompt was refused or went unanswered.
    refused: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("keychain::Worker").finish_non_exhaustive()
    }
}

impl Worker {
    fn start() -> Arc<Self> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let state = Arc::new(WorkerState::default());
        let mine = state.clone();
        // If the thread cannot start, sending fails and every operation says the keychain is
        // unavailable.
        let _ = std::thread::Builder::new()
            .name("duet-keychain".into())
            .spawn(move || {
                for job in queue {
                    job();
                    mine.stuck.store(false, std::sync::atomic::Ordering::SeqCst);
                }
            });
        Arc::new(Self {
            jobs: Mutex::new(jobs),
            state,
        })
    }

    /// Runs `operation` on the keychain thread after making sure the keychain is unlocked (its
    /// unlock prompt dismissed after `timeout`), and waits a little longer than that for it.
    fn run<T: Send + 'static>(
        &self,
        timeout: Duration,
        prompt: Prompt,
        operation: impl FnOnce() -> std::result::Result<T, KeychainProblem> + Send + 'static,
    ) -> std::result::Result<T, KeychainProblem> {
        use std::sync::atomic::Ordering;
        if self.state.stuck.load(Ordering::SeqCst) {
            return Err(KeychainProblem::locked());
        }
        let may_prompt = prompt == Prompt::Always || !self.state.refused.load(Ordering::SeqCst);
        let state = self.state.clone();
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        let job: Job = Box::new(move || {
            let unlocked = unlocked(may_prompt.then_some(timeout));
            state.refused.store(
                matches!(&unlocked, Err(p) if p.trouble == KeychainTrouble::Locked),
                Ordering::SeqCst,
            );
            let _ = reply.send(unlocked.and_then(|()| operation()));
        });
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(job)
            .map_err(|_| KeychainProblem::unavailable("cannot start a keychain operation"))?;
        match answer.recv_timeout(timeout + Duration::from_secs(5)) {
            Ok(result) => result,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(
                KeychainProblem::unavailable("the keychain operation failed"),
            ),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                self.state.stuck.store(true, Ordering::SeqCst);
                // It may have ended just now.
                match answer.try_recv() {
                    Ok(result) => {
                        self.state.stuck.store(false, Ordering::SeqCst);
                        result
                    }
                    Err(_) => Err(KeychainProblem::locked()),
                }
            }
        }
    }
}

// Only the Secret Service locks (a collection, until the person types its password), and only
// its own client can ask with a prompt that gives up: keyring's would wait forever. `prompt`:
// how long the unlock prompt may wait; `None`: do not prompt, a locked keychain fails at once.
#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn unlocked(prompt: Option<Duration>) -> std::result::Result<(), KeychainProblem> {
    use dbus_secret_service::{EncryptionType, Error as SsError, SecretService};
    let seconds = prompt.map_or(0, |t| t.as_secs().max(1));
    let service = SecretService::connect_with_max_prompt_timeout(EncryptionType::Plain, seconds)
        .map_err(|_| problem_of(keyring::Error::PlatformFailure("no Secret Service".into())))?;
    let collection = match service.get_default_collection() {
        Ok(collection) => collection,
        // None yet: the first entry written creates it.
        Err(SsError::NoResult) => return Ok(()),
        Err(_) => return Err(KeychainProblem::unavailable("the Secret Service failed")),
    };
    match collection.is_locked() {
        Ok(false) => Ok(()),
        Ok(true) if prompt.is_none() => Err(KeychainProblem::locked()),
        Ok(true) => collection.unlock().map_err(|_| KeychainProblem::locked()),
        Err(_) => Err(KeychainProblem::unavailable("the Secret Service failed")),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
fn unlocked(_: Option<Duration>) -> std::result::Result<(), KeychainProblem> {
    Ok(())
}

/// What the keychain is, seen without writing to it and without an unlock prompt (duet-doctor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeychainReport {
    /// This system's store, in words (e.g. "Secret Service, collection \"Login\"").
    pub store: String,
    /// Whether entries written there survive a restart.
    pub persistent: bool,
    /// Whether it can be used now, or why not.
    pub state: KeychainState,
}

/// Whether the keychain can be used now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeychainState {
    /// Entries can be read and written.
    Unlocked,
    /// It exists but is locked: unlocking it is all it takes.
    Locked,
    /// There is none (no Secret Service), or it failed.
    Unavailable(String),
}

/// Looks at this system's keychain read-only: no entry written, read or deleted, no prompt.
/// On Linux: a Secret Service on the session bus, its default collection (the one `keyring`
/// writes to), whether that is a persistent one (not gnome-keyring's in-memory `session`
/// collection) and whether it is locked. Elsewhere the system's store has no such states.
pub fn inspect_keychain() -> KeychainReport {
    let persistent = keeps_entries_until_deleted();
    let mut report = inspect_system_store();
    report.persistent &= persistent;
    report
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn inspect_system_store() -> KeychainReport {
    use dbus_secret_service::{EncryptionType, Error as SsError, SecretService};
    /// gnome-keyring's collection kept in memory only (the Secret Service spec's "session").
    const SESSION_COLLECTION: &str = "/org/freedesktop/secrets/collection/session";
    let unavailable = |why: &str| KeychainReport {
        store: "Secret Service".into(),
        persistent: false,
        state: KeychainState::Unavailable(why.into()),
    };
    let Ok(service) = SecretService::connect(EncryptionType::Plain) else {
        return unavailable(
            "no Secret Service on the session bus (is gnome-keyring or KWallet running?)",
        );
    };
    let collection = match service.get_default_collection() {
        Ok(collection) => collection,
        Err(SsError::NoResult) => {
            return KeychainReport {
                store: "Secret Service, no default collection yet (the first login creates it)"
                    .into(),
                persistent: true,
                state: KeychainState::Unlocked,
            }
        }
        Err(_) => return unavailable("the Secret Service failed to name its default collection"),
    };
    let label = collection.get_label().unwrap_or_default();
    let persistent = &*collection.path != SESSION_COLLECTION;
    let state = match collection.is_locked() {
        Ok(false) => KeychainState::Unlocked,
        Ok(true) => KeychainState::Locked,
        Err(_) => KeychainState::Unavailable("the Secret Service failed".into()),
    };
    KeychainReport {
        store: format!("Secret Service, collection {label:?}"),
        persistent,
        state,
    }
}

#[cfg(target_os = "macos")]
fn inspect_system_store() -> KeychainReport {
    KeychainReport {
        store: "macOS Keychain".into(),
        persistent: true,
        state: KeychainState::Unlocked,
    }
}

#[cfg(target_os = "windows")]
fn inspect_system_store() -> KeychainReport {
    KeychainReport {
        store: "Windows Credential Manager".into(),
        persistent: true,
        state: KeychainState::Unlocked,
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
fn inspect_system_store() -> KeychainReport {
    KeychainReport {
        store: "none on this system".into(),
        persistent: false,
        state: KeychainState::Unavailable("Duet knows no keychain on this system".into()),
    }
}

/// Whether `keyring`'s store for this system keeps entries until they are deleted (its mock
/// store, used when no real one is built in, keeps them only as long as the `Entry` value).
fn keeps_entries_until_deleted() -> bool {
    matches!(
        keyring::default::default_credential_builder().persistence(),
        keyring::credential::CredentialPersistence::UntilDelete
    )
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

/// How many times an operation whose call to the keychain timed out is made in all.
const ATTEMPTS_AFTER_TIMEOUTS: u32 = 3;

/// Runs `operation`, again when the keychain did not answer in time. dbus-secret-service gives
/// every D-Bus call 2 s, and a busy machine's gnome-keyring can answer later than that (seen on
/// CI). Every operation here is a read, a replace or a delete of Duet's own entry, so making it
/// again is safe; each attempt is still bounded by the store's timeout in [`Worker::run`].
fn again_if_timed_out<T>(operation: impl Fn() -> keyring::Result<T>) -> keyring::Result<T> {
    let mut attempt = 1;
    loop {
        match operation() {
            Err(error) if attempt < ATTEMPTS_AFTER_TIMEOUTS && timed_out(&error) => {
                tracing::warn!(attempt, "the keychain did not answer in time; asking again");
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Whether the keychain's error is a D-Bus call that got no answer in time.
fn timed_out(error: &keyring::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    if let keyring::Error::PlatformFailure(inner) = error {
        if let Some(dbus_secret_service::Error::Dbus(call)) =
            inner.downcast_ref::<dbus_secret_service::Error>()
        {
            return matches!(
                call.name(),
                Some(
                    "org.freedesktop.DBus.Error.NoReply"
                        | "org.freedesktop.DBus.Error.Timeout"
                        | "org.freedesktop.DBus.Error.TimedOut"
                )
            );
        }
    }
    let _ = error;
    false
}

/// Keychain errors can quote what was stored; keep only their kind.
fn problem_of(error: keyring::Error) -> KeychainProblem {
    match error {
        // A locked collection, a dismissed unlock prompt (keyring's mapping of the Secret
        // Service's Locked / Prompt / NoResult errors).
        keyring::Error::NoStorageAccess(_) => KeychainProblem::locked(),
        keyring::Error::PlatformFailure(_) => KeychainProblem::unavailable(
            "the OS keychain is not available (on Linux: is a Secret Service such as \
             gnome-keyring or KWallet running?)",
        ),
        keyring::Error::BadEncoding(_) => {
            KeychainProblem::unavailable("the keychain entry is not valid UTF-8")
        }
        keyring::Error::TooLong(..) => {
            KeychainProblem::unavailable("the keychain entry is too long")
        }
        keyring::Error::Invalid(..) => {
            KeychainProblem::unavailable("the keychain rejected the entry's attributes")
        }
        keyring::Error::Ambiguous(_) => KeychainProblem::unavailable(
            "the keychain holds several entries for this account and they could not be merged",
        ),
        _ => KeychainProblem::unavailable("the keychain failed"),
    }
}

impl KeyringStore {
    /// The secret kept under `account` (a provider's name, or one of
    /// [`crate::AccountSecrets`]' own names).
    pub(crate) fn load_account(&self, account: &str) -> Result<Option<Secret>> {
        let value = self.on_entry(account.to_owned(), |entry| match entry.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(keyring::Error::Ambiguous(_)) => merge_duplicates(entry).map(Some),
            Err(e) => Err(e),
        })?;
        Ok(value.map(Secret::new))
    }

    pub(crate) fn save_account(&self, account: &str, secret: &Secret) -> Result<()> {
        let value = secret.clone();
        self.on_entry(account.to_owned(), move |entry| {
            match entry.set_password(value.expose()) {
                Err(keyring::Error::Ambiguous(_)) => {
                    delete_every_copy(entry)?;
                    entry.set_password(value.expose())
                }
                other => other,
            }
        })
    }

    pub(crate) fn delete_account(&self, account: &str) -> Result<()> {
        self.on_entry(account.to_owned(), |entry| {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(keyring::Error::Ambiguous(_)) => delete_every_copy(entry),
                Err(e) => Err(e),
            }
        })
    }
}

impl CredentialStore for KeyringStore {
    fn load(&self, provider: ProviderId) -> Result<Option<Secret>> {
        self.load_account(provider.as_str())
    }

    fn save(&self, provider: ProviderId, secret: &Secret) -> Result<()> {
        self.save_account(provider.as_str(), secret)
    }

    fn delete(&self, provider: ProviderId) -> Result<()> {
        self.delete_account(provider.as_str())
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// Several entries for one account (two processes that created it at the same moment, a copy in
/// another collection): keep the most recently written one, delete the rest, and write it back
/// as the only one.
fn merge_duplicates(entry: &keyring::Entry) -> keyring::Result<String> {
    let newest = newest_copy(entry)?;
    delete_every_copy(entry)?;
    entry.set_password(&newest)?;
    tracing::warn!("merged duplicate keychain entries into the most recent one");
    Ok(newest)
}

// Only the Secret Service can hold two entries for one account (Keychain and Credential Manager
// key them uniquely), and only its own credential type can tell the copies apart.
#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn secret_service(
    entry: &keyring::Entry,
) -> keyring::Result<&keyring::secret_service::SsCredential> {
    entry
        .get_credential()
        .downcast_ref::<keyring::secret_service::SsCredential>()
        .ok_or_else(|| {
            keyring::Error::Invalid("credential".into(), "not a Secret Service item".into())
        })
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn newest_copy(entry: &keyring::Entry) -> keyring::Result<String> {
    use keyring::secret_service::{decode_error, get_item_password};
    let copies = secret_service(entry)?.map_matching_items(
        |item| {
            Ok((
                item.get_modified().map_err(decode_error)?,
                get_item_password(item)?,
            ))
        },
        false,
    )?;
    copies
        .into_iter()
        .max_by_key(|(modified, _)| *modified)
        .map(|(_, value)| value)
        .ok_or(keyring::Error::NoEntry)
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn delete_every_copy(entry: &keyring::Entry) -> keyring::Result<()> {
    secret_service(entry)?.delete_all_passwords()
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
fn newest_copy(_: &keyring::Entry) -> keyring::Result<String> {
    Err(keyring::Error::Ambiguous(Vec::new()))
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
fn delete_every_copy(_: &keyring::Entry) -> keyring::Result<()> {
    Err(keyring::Error::Ambiguous(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without its system's store feature, keyring silently keeps entries in memory: every
    /// restart would log the person out (run on each system's CI).
    #[test]
    fn this_build_has_a_keychain_that_keeps_entries() {
        assert!(keeps_entries_until_deleted());
    }

    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    fn dbus_failure(name: &str) -> keyring::Error {
        keyring::Error::PlatformFailure(Box::new(dbus_secret_service::Error::Dbus(
            dbus::Error::new_custom(name, "no answer"),
        )))
    }

    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    #[test]
    fn a_call_that_timed_out_is_made_again_and_others_are_not() {
        use std::cell::Cell;
        let calls = Cell::new(0);
        let answered_late_twice = again_if_timed_out(|| {
            calls.set(calls.get() + 1);
            match calls.get() {
                1 | 2 => Err(dbus_failure("org.freedesktop.DBus.Error.NoReply")),
                _ => Ok("stored"),
            }
        });
        assert_eq!(answered_late_twice.unwrap(), "stored");
        assert_eq!(calls.get(), 3);

        calls.set(0);
        let never_answers = again_if_timed_out(|| -> keyring::Result<()> {
            calls.set(calls.get() + 1);
            Err(dbus_failure("org.freedesktop.DBus.Error.NoReply"))
        });
        assert!(matches!(
            never_answers,
            Err(keyring::Error::PlatformFailure(_))
        ));
        assert_eq!(calls.get(), ATTEMPTS_AFTER_TIMEOUTS as usize);

        calls.set(0);
        let no_service = again_if_timed_out(|| -> keyring::Result<()> {
            calls.set(calls.get() + 1);
            Err(dbus_failure("org.freedesktop.DBus.Error.ServiceUnknown"))
        });
        assert!(no_service.is_err());
        assert_eq!(calls.get(), 1, "only a missing answer is asked again");

        calls.set(0);
        let locked = again_if_timed_out(|| -> keyring::Result<()> {
            calls.set(calls.get() + 1);
            Err(keyring::Error::NoStorageAccess(Box::new(
                dbus_secret_service::Error::Locked,
            )))
        });
        assert!(matches!(locked, Err(keyring::Error::NoStorageAccess(_))));
        assert_eq!(calls.get(), 1);
    }
}
