//! The NetEase Cloud Music fake (protocol: `docs/protocol/netease.md`, §9 checklist).
//!
//! Pipeline of one API request (see `server.rs`):
//! route (host + path shape → transport) → decode (decrypt, check digest/path, parse JSON) →
//! identity check (present-as-the-PC-client, else -460) → injected fault, if any →
//! endpoint (by logical `/api/...` path) → encode (JSON; `e_r` → AES-ECB, `x-aeapi` → gzip
//! first) → HTTP (gzip content-encoding when accepted, `Set-Cookie`s, `NMTID` for a new client).
//!
//! Deterministic special ids (so client tests can see every kind of item):
//! - song id ending in `13`: grey (no copyright; privilege `st:-200`, `pl:0`; URL `null`, code -110)
//! - song id ending in `77`: VIP (`fee:1`, `pl:0`, `freeTrialPrivilege.resConsumable:true`;
//!   URL present with `freeTrialInfo {start:30000,end:60000}`)
//! - song id ending in `99`: instrumental (lyric `nolyric:true`)
//! - song id ending in `98`: instrumental the other way (lyric `pureMusic:true` with a
//!   placeholder `lrc` line, fidelity row N6)
//! - song ids `666000001..=666000999`: hostile (HTML/SQL/NUL/emoji) titles
//! - playlist `90000NNNNN`: generated, `NNNNN` tracks `700000001..` (`9000001200` → 1200)
//! - playlist `9000000066`: hostile name/description, tracks `666000001..=666000066`
//! - playlists `131149308` and `24381616`: the captured fixtures
//! - search query `__nothing__`: zero results; any other query: 137 results
//! - albums and artists: any id has a page (`albums.rs`); album `6660002000` has 2,000 tracks,
//!   artist `6660000300` 300 albums, album `6660000001` and artist `6660000666` hostile names,
//!   ids `9404000000..=9404999999` are unknown (code 404)
//! - podcasts (`podcasts.rs`): `7770000001` with 64 episodes, `7770000002` hostile, both
//!   subscribed; `7770000003` not subscribed; any other podcast id unknown (code 404)

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::journal::{lock, Fault, Journal, RecordedRequest};
use crate::qr::{Phase, QrClock};
use crate::FakeConfig;

pub mod albums;
mod audio;
pub(crate) mod catalog;
mod cloud;
mod covers;
mod endpoints;
mod fixtures;
mod identity;
mod library;
pub mod podcasts;
pub mod radio;
mod server;
mod transport;

pub(crate) use server::handle;

/// NetEase API hosts the fake answers on.
pub const API_HOSTS: [&str; 4] = [
    "music.163.com",
    "interface.music.163.com",
    "interfacepc.music.163.com",
    "interface3.music.163.com",
];
/// The audio CDN host of the URLs the fake hands out.
pub const AUDIO_HOST: &str = "m701.music.126.net";

/// Every weapi secret the fake can "RSA-decrypt" (the `secret_key`s of
/// `testdata/vectors/netease.json › weapi` and `› weapi_encSecKey_only`). A client under test
/// must draw its weapi secret from this list; any other `encSecKey` gets 400.
pub const WEAPI_TEST_SECRETS: [&[u8; 16]; 8] = [
    b"0123456789abcdef",
    b"aB3dE5fG7hJ9kL1m",
    b"ZZZZZZZZZZZZZZZZ",
    b"aaaaaaaaaaaaaaaa",
    b"FFFFFFFFFFFFFFFF",
    b"abcdefghijklmnop",
    b"ffffffffffffffff",
    b"a8LWv2uAtXjzSfkQ",
];
/// The secret client tests should pin.
pub const DEFAULT_WEAPI_TEST_SECRET: &[u8; 16] = b"0123456789abcdef";

/// Whether `host` belongs to the NetEase fake.
pub(crate) fn handles_host(host: &str) -> bool {
    host == AUDIO_HOST
        || API_HOSTS.contains(&host)
        || covers::COVER_HOSTS.contains(&host)
        || cloud::handles_host(host)
}

/// State of one QR login key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QrState {
    /// Issued, not scanned (poll → 801).
    Waiting,
    /// Scanned on the phone, waiting for the tap (poll → 802).
    Scanned,
    /// Confirmed; the next poll answers 803 and starts a session.
    Confirmed,
    /// The 803 was delivered; the key is used up (poll → 800).
    Spent,
    /// Timed out or expired through the control API (poll → 800).
    Expired,
}

/// One QR key as the control API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrKeyInfo {
    pub key: String,
    pub state: QrState,
    pub polls: usize,
    pub age: Duration,
}

/// A live session the fake issued: the cookies a client must send to be logged in.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedSession {
    /// `MUSIC_U` cookie value (128 hex).
    pub music_u: String,
    /// `__csrf` cookie value (32 hex); weapi write calls must echo it as `csrf_token`.
    pub csrf: String,
}

impl std::fmt::Debug for IssuedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSession")
            .field("music_u", &format_args!("<{} chars>", self.music_u.len()))
            .field("csrf", &format_args!("<{} chars>", self.csrf.len()))
            .finish()
    }
}

struct Session {
    csrf: String,
    /// (China-time day number, dailyTask type) already signed in with this session.
    signed: HashSet<(i64, i64)>,
}

#[derive(Default)]
struct State {
    qr: HashMap<String, QrClock>,
    sessions: HashMap<String, Session>,
    /// Posted comments per thread id, oldest first.
    comments: HashMap<String, Vec<Value>>,
    next_comment_id: u64,
    /// Whether comment posts without an anti-cheat token are refused (see
    /// [`NeteaseControl::demand_anti_cheat_token`]).
    anti_cheat_demand: bool,
    /// Every visitor token (`MUSIC_A`) issued by `/api/register/anonimous`.
    visitors: HashSet<String>,
    /// Whether the QR login refuses a client with neither a login nor a visitor token (see
    /// [`NeteaseControl::demand_visitor_token`]).
    visitor_demand: bool,
}

struct Shared {
    config: FakeConfig,
    journal: Arc<Journal>,
    /// encSecKey (lower-case hex) → secret.
    weapi_keys: HashMap<String, [u8; 16]>,
    state: Mutex<State>,
    /// Likes, created, changed and followed playlists: the writes, kept for the reads.
    library: library::Library,
    /// Podcast subscriptions: the writes, kept for the reads.
    podcasts: podcasts::Podcasts,
    /// Personal FM's place in its catalogue and the trashed songs.
    radio: radio::Radio,
    /// The cloud disk: its uploads, and the steps of uploads under way.
    cloud: cloud::Cloud,
}

/// Control handle of the NetEase fake (cheap to clone; all clones drive the same world).
#[derive(Clone)]
pub struct NeteaseControl {
    shared: Arc<Shared>,
}

/// Result of one QR poll.
pub(crate) enum QrPoll {
    Gone,
    Waiting,
    Scanned,
    Confirmed(IssuedSession),
}

impl NeteaseControl {
    pub(crate) fn new(config: FakeConfig, journal: Arc<Journal>) -> Self {
        let weapi_keys = WEAPI_TEST_SECRETS
            .iter()
            .map(|s| (duet_netease::crypto::weapi_enc_sec_key(s), **s))
            .collect();
        NeteaseControl {
            shared: Arc::new(Shared {
                config,
                journal,
                weapi_keys,
                state: Mutex::new(State {
                    next_comment_id: 6_000_000_001,
                    ..State::default()
                }),
                library: library::Library::default(),
                podcasts: podcasts::Podcasts::default(),
                radio: radio::Radio::default(),
                cloud: cloud::Cloud::default(),
            }),
        }
    }

    /// The configuration of this fake.
    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    pub(crate) fn journal(&self) -> &Journal {
        &self.shared.journal
    }

    pub(crate) fn weapi_secret(&self, enc_sec_key: &str) -> Option<[u8; 16]> {
        self.shared
            .weapi_keys
            .get(&enc_sec_key.to_ascii_lowercase())
            .copied()
    }

    pub(crate) fn library(&self) -> &library::Library {
        &self.shared.library
    }

    pub(crate) fn podcasts(&self) -> &podcasts::Podcasts {
        &self.shared.podcasts
    }

    /// The podcasts the account subscribes to, newest first, as the fake keeps them.
    pub fn subscribed_podcast_ids(&self) -> Vec<u64> {
        self.shared.podcasts.subscribed()
    }

    pub(crate) fn radio(&self) -> &radio::Radio {
        &self.shared.radio
    }

    /// Every "not interested" (FM trash) the fake was told, oldest first.
    pub fn fm_trashed(&self) -> Vec<radio::TrashRecord> {
        self.shared.radio.trashed()
    }

    pub(crate) fn cloud(&self) -> &cloud::Cloud {
        &self.shared.cloud
    }

    /// The song ids in the cloud disk now, newest first.
    pub fn cloud_song_ids(&self) -> Vec<u64> {
        self.shared.cloud.song_ids()
    }

    /// The ids of the account's liked tracks, newest first, as the fake keeps them.
    pub fn liked_track_ids(&self) -> Vec<u64> {
        self.shared.library.liked()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.shared.state)
    }

    // ---- QR machine ------------------------------------------------------------------

    /// Issues a new QR key (what `/api/login/qrcode/unikey` does).
    pub(crate) fn new_qr_key(&self) -> String {
        let key = uuid::Uuid::new_v4().to_string();
        let now = Instant::now();
        let mut st = self.state();
        // Keep the table bounded in a long demo: forget keys dead for an hour.
        if st.qr.len() > 4096 {
            let lifetime = self.shared.config.qr_lifetime;
            st.qr.retain(|_, e| {
                now.saturating_duration_since(e.created) < lifetime + Duration::from_secs(3600)
            });
        }
        st.qr.insert(key.clone(), QrClock::new(now));
        key
    }

    /// The control API's view of a phase (NetEase has no "refused").
    fn state_of(phase: Phase) -> QrState {
        match phase {
            Phase::Waiting => QrState::Waiting,
            Phase::Scanned => QrState::Scanned,
            Phase::Confirmed => QrState::Confirmed,
            Phase::Spent => QrState::Spent,
            Phase::Refused | Phase::Expired => QrState::Expired,
        }
    }

    /// One poll of `key` (what `/api/login/qrcode/client/login` does).
    pub(crate) fn qr_poll(&self, key: &str) -> QrPoll {
        let now = Instant::now();
        let config = self.shared.config.clone();
        let mut st = self.state();
        let Some(e) = st.qr.get_mut(key) else {
            return QrPoll::Gone;
        };
        match e.poll(&config, now) {
            Phase::Waiting => QrPoll::Waiting,
            Phase::Scanned => QrPoll::Scanned,
            Phase::Spent | Phase::Refused | Phase::Expired => QrPoll::Gone,
            Phase::Confirmed => {
                e.phase = Phase::Spent;
                QrPoll::Confirmed(Self::new_session(&mut st))
            }
        }
    }

    fn transition(&self, key: &str, f: impl FnOnce(&mut QrClock, &FakeConfig) -> bool) -> bool {
        let config = self.shared.config.clone();
        let mut st = self.state();
        match st.qr.get_mut(key) {
            Some(e) => f(e, &config),
            None => false,
        }
    }

    /// Marks `key` scanned (802 on the next poll). False if the key is unknown or no longer
    /// waiting/scanned.
    pub fn scan(&self, key: &str) -> bool {
        self.transition(key, |e, config| e.scan(config, Instant::now()))
    }

    /// Marks `key` confirmed (803 and a new session on the next poll); scans it first if
    /// needed. False if the key is unknown, spent or expired.
    pub fn confirm(&self, key: &str) -> bool {
        self.transition(key, |e, config| e.confirm(config, Instant::now()))
    }

    /// Expires `key` (800 on the next poll). False if the key is unknown.
    pub fn expire(&self, key: &str) -> bool {
        self.transition(key, |e, _| {
            e.expire();
            true
        })
    }

    /// Every QR key issued so far, oldest first.
    pub fn qr_keys(&self) -> Vec<String> {
        self.qr_info().into_iter().map(|i| i.key).collect()
    }

    /// The current state of `key`.
    pub fn qr_state(&self, key: &str) -> Option<QrState> {
        let now = Instant::now();
        let config = self.shared.config.clone();
        let mut st = self.state();
        let e = st.qr.get_mut(key)?;
        e.advance(&config, now);
        Some(Self::state_of(e.phase))
    }

    /// Every QR key with its state, oldest first.
    pub fn qr_info(&self) -> Vec<QrKeyInfo> {
        let now = Instant::now();
        let config = self.shared.config.clone();
        let mut st = self.state();
        let mut out: Vec<(Instant, QrKeyInfo)> = st
            .qr
            .iter_mut()
            .map(|(k, e)| {
                e.advance(&config, now);
                (
                    e.created,
                    QrKeyInfo {
                        key: k.clone(),
                        state: Self::state_of(e.phase),
                        polls: e.polls.len(),
                        age: now.saturating_duration_since(e.created),
                    },
                )
            })
            .collect();
        out.sort_by_key(|(t, _)| *t);
        out.into_iter().map(|(_, i)| i).collect()
    }

    /// When `key` was polled (empty for an unknown key).
    pub fn poll_times(&self, key: &str) -> Vec<Instant> {
        self.state()
            .qr
            .get(key)
            .map(|e| e.polls.clone())
            .unwrap_or_default()
    }

    // ---- sessions --------------------------------------------------------------------

    fn new_session(st: &mut State) -> IssuedSession {
        let s = IssuedSession {
            music_u: crate::http_util::random_hex(128),
            csrf: crate::http_util::random_hex(32),
        };
        st.sessions.insert(
            s.music_u.clone(),
            Session {
                csrf: s.csrf.clone(),
                signed: HashSet::new(),
            },
        );
        s
    }

    /// Starts a live session without the QR dance (for tests that only need to be logged in).
    /// Send `MUSIC_U` and `__csrf` as cookies.
    pub fn issue_session(&self) -> IssuedSession {
        Self::new_session(&mut self.state())
    }

    /// Kills every live session: the next call with an old `MUSIC_U` is treated as logged out
    /// (301 where login is required).
    pub fn revoke_sessions(&self) {
        self.state().sessions.clear();
    }

    /// How many sessions are live.
    pub fn live_sessions(&self) -> usize {
        self.state().sessions.len()
    }

    pub(crate) fn session_csrf(&self, music_u: &str) -> Option<String> {
        self.state().sessions.get(music_u).map(|s| s.csrf.clone())
    }

    pub(crate) fn end_session(&self, music_u: &str) -> bool {
        self.state().sessions.remove(music_u).is_some()
    }

    /// Records a daily sign-in; false if this session already signed in today with `kind`.
    pub(crate) fn sign_in(&self, music_u: &str, day: i64, kind: i64) -> Option<bool> {
        let mut st = self.state();
        let s = st.sessions.get_mut(music_u)?;
        Some(s.signed.insert((day, kind)))
    }

    // ---- comments --------------------------------------------------------------------

    pub(crate) fn next_comment_id(&self) -> u64 {
        let mut st = self.state();
        let id = st.next_comment_id;
        st.next_comment_id += 1;
        id
    }

    /// From now on, refuses comment posts that carry no anti-cheat token (an `X-antiCheatToken`
    /// header or a `checkToken` parameter) with the -462 verification answer: what the comparison
    /// expects of the service since NCMA moved its comment modules to checkToken (fidelity row
    /// N12). Off by default, since no capture shows the service refusing every such post.
    pub fn demand_anti_cheat_token(&self, on: bool) {
        self.state().anti_cheat_demand = on;
    }

    pub(crate) fn demands_anti_cheat_token(&self) -> bool {
        self.state().anti_cheat_demand
    }

    /// From now on, the QR login (key and poll) refuses a client holding neither a live
    /// `MUSIC_U` nor a visitor token this fake issued, with `{"code":400}`: what §5.2 and §8 say
    /// a logged-out call without a visitor cookie may meet, and why NCMA registers one first
    /// (fidelity row N17). Off by default, since no capture shows the QR login refused this way.
    pub fn demand_visitor_token(&self, on: bool) {
        self.state().visitor_demand = on;
    }

    pub(crate) fn demands_visitor_token(&self) -> bool {
        self.state().visitor_demand
    }

    /// Issues a visitor token (what `/api/register/anonimous` does).
    pub(crate) fn new_visitor(&self) -> String {
        let token = crate::http_util::random_hex(128);
        let mut st = self.state();
        // Bounded like the QR table: a long demo forgets the oldest-looking half.
        if st.visitors.len() > 4096 {
            st.visitors.clear();
        }
        st.visitors.insert(token.clone());
        token
    }

    /// Whether `token` is a visitor token this fake issued.
    pub fn is_visitor(&self, token: &str) -> bool {
        self.state().visitors.contains(token)
    }

    /// How many visitor tokens were issued.
    pub fn visitors(&self) -> usize {
        self.state().visitors.len()
    }

    pub(crate) fn add_comment(&self, thread: &str, comment: Value) {
        self.state()
            .comments
            .entry(thread.to_owned())
            .or_default()
            .push(comment);
    }

    /// Posted comments of `thread`, newest first.
    pub(crate) fn comments(&self, thread: &str) -> Vec<Value> {
        self.state()
            .comments
            .get(thread)
            .map(|v| v.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    // ---- faults and the request log (shared with the other services) ------------------

    /// Queues a fault.
    pub fn fail(&self, fault: Fault) {
        self.shared.journal.fail(fault);
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        self.shared.journal.clear_faults();
    }

    /// Faults not yet used up.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.journal.pending_faults()
    }

    /// Everything the fake received on its upstream hosts, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.journal.requests()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.journal.clear_requests();
    }
}
