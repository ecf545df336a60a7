//! The QQ Music fake (protocol: `docs/protocol/qqmusic.md`, §7; the client/fake contract:
//! `docs/qqmusic-wire.md`).
//!
//! Hosts: ptlogin2 + graph.qq.com OAuth (QQ QR login), open.weixin.qq.com (WeChat QR login),
//! `u.y.qq.com` / `u6.y.qq.com` (`musicu.fcg` / `musics.fcg` envelopes), `c.y.qq.com` /
//! `c6.y.qq.com` (the legacy profile page), `y.gtimg.cn` (covers) and the audio CDN
//! (`ws` / `isure.stream.qqmusic.qq.com`).
//!
//! Pipeline of one envelope (see `envelope.rs`): parse the raw body as JSON → sign check on
//! `musics.fcg` → HTTP-level fault → session (cookies + `comm.uin` + `comm.g_tk`) → per item:
//! injected item fault, else the module's handler (`modules/`) over the catalogue
//! (`catalog/`) → envelope with `code`, `ts`, `start_ts`, `traceid`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::http_util::{now_ms, random_hex, random_token};
use crate::journal::{lock, Fault, Journal, RecordedRequest};
use crate::qr::{Phase, QrClock};
use crate::FakeConfig;

mod app_login;
mod catalog;
pub use catalog::albums;
mod cdn;
mod envelope;
mod fixtures;
mod library;
mod login;
mod lyrics;
mod modules;

/// The songids QQ Music's personal radio (猜你喜欢) offers, in order.
pub use modules::radio::radio_catalogue;
mod server;

pub(crate) use app_login::handshake as app_login_handshake;
pub(crate) use server::handle;

pub use catalog::{
    GENERATED_PLAYLIST_BASE, HOSTILE_PLAYLIST_ID, LIKED_DIRID, SONG_BROKEN_QRC, SONG_INSTRUMENTAL,
    SONG_LRC_ONLY, SONG_MEDIA_MID_DIFFERS, SONG_NO_CRYPT_FIELD, SONG_NO_FLAC, SONG_PURE_MUSIC,
    SONG_QRC_FULL, SONG_TRIAL_ONLY, SONG_VIP_ONLY,
};

/// ptlogin2 (QR image and polling).
/// y.qq.com itself: only its login page (`web_login`).
pub const WEB_HOST: &str = "y.qq.com";
pub const PTLOGIN_HOST: &str = "ssl.ptlogin2.qq.com";
/// ptlogin2's `check_sig`.
pub const CHECK_SIG_HOST: &str = "ssl.ptlogin2.graph.qq.com";
/// QQ-Connect OAuth.
pub const GRAPH_HOST: &str = "graph.qq.com";
/// WeChat open platform (QR page and image).
pub const WX_HOST: &str = "open.weixin.qq.com";
/// WeChat long poll.
pub const WX_POLL_HOST: &str = "lp.open.weixin.qq.com";
/// The unified API hosts (`musicu.fcg`, `musics.fcg`).
pub const API_HOSTS: [&str; 2] = ["u.y.qq.com", "u6.y.qq.com"];
/// Legacy `*.fcg` GET hosts.
pub const LEGACY_HOSTS: [&str; 2] = ["c.y.qq.com", "c6.y.qq.com"];
/// Cover pictures.
pub const COVER_HOST: &str = "y.gtimg.cn";
/// The QQ Music app QR's MQTT-over-WebSocket host (§4.3).
pub const APP_LOGIN_HOST: &str = "mu.y.qq.com";
/// Audio CDN hosts (the `sip` list of a vkey answer).
pub const AUDIO_HOSTS: [&str; 2] = ["ws.stream.qqmusic.qq.com", "isure.stream.qqmusic.qq.com"];

/// A musickey lives this long after it was made (§4.1 `keyExpiresIn`).
pub const KEY_LIFETIME_SECS: i64 = 259_200;
/// The refresh tokens live this long (§4.1 `expired_at` ≈ create + 7 days).
pub const REFRESH_LIFETIME_SECS: i64 = 7 * 86_400;

/// Whether `host` belongs to the QQ Music fake.
pub(crate) fn handles_host(host: &str) -> bool {
    matches!(
        host,
        WEB_HOST | PTLOGIN_HOST | CHECK_SIG_HOST | GRAPH_HOST | WX_HOST | WX_POLL_HOST | COVER_HOST
    ) || API_HOSTS.contains(&host)
        || LEGACY_HOSTS.contains(&host)
        || AUDIO_HOSTS.contains(&host)
}

/// The two accounts of the fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QqAccount {
    /// A QQ-number account (musicid 123456789), VIP by default; QQ QR logins land here.
    Qq,
    /// A WeChat account (19-digit musicid), not VIP; WeChat QR logins land here.
    Wechat,
}

impl QqAccount {
    pub const ALL: [QqAccount; 2] = [QqAccount::Qq, QqAccount::Wechat];

    /// The account id (`uin` / `musicid`).
    pub fn musicid(self) -> u64 {
        match self {
            QqAccount::Qq => 123_456_789,
            QqAccount::Wechat => 1_152_921_504_838_211_234,
        }
    }

    /// The account's nickname.
    pub fn nick(self) -> &'static str {
        match self {
            QqAccount::Qq => "晴天里的鲸鱼",
            QqAccount::Wechat => "微信听众Duet",
        }
    }

    /// The obfuscated public id (`euin` / `encrypt_uin`).
    pub fn encrypt_uin(self) -> &'static str {
        match self {
            QqAccount::Qq => "owSkowSloK-q7z**",
            QqAccount::Wechat => "7eCqowvsNKSl7n**",
        }
    }

    /// The musickey prefix of this login kind.
    pub fn key_prefix(self) -> &'static str {
        match self {
            QqAccount::Qq => "Q_H_L_",
            QqAccount::Wechat => "W_X_",
        }
    }

    /// `tmeLoginType`: 2 = QQ, 1 = WeChat (§1).
    pub fn tme_login_type(self) -> u8 {
        match self {
            QqAccount::Qq => 2,
            QqAccount::Wechat => 1,
        }
    }

    /// The account whose musicid is `id`.
    pub fn by_musicid(id: u64) -> Option<QqAccount> {
        Self::ALL.into_iter().find(|a| a.musicid() == id)
    }

    /// The account whose euin is `euin`.
    pub fn by_encrypt_uin(euin: &str) -> Option<QqAccount> {
        Self::ALL.into_iter().find(|a| a.encrypt_uin() == euin)
    }

    /// Avatar URL.
    pub fn headpic(self) -> String {
        format!(
            "https://thirdqq.qlogo.cn/g?b=sdk&k=duetfake{}&s=140",
            self.musicid() % 10_000
        )
    }

    fn index(self) -> usize {
        match self {
            QqAccount::Qq => 0,
            QqAccount::Wechat => 1,
        }
    }
}

/// How a QR login was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QqLoginMethod {
    /// ptlogin2 QR (id = the `qrsig` cookie).
    Qq,
    /// WeChat open-platform QR (id = the `uuid`).
    Wechat,
    /// The QQ Music app's own QR (id = the `qrcodeID`; §4.3). It logs in the QQ-number account.
    #[serde(rename = "qqmusic")]
    QqMusic,
}

impl QqLoginMethod {
    fn account(self) -> QqAccount {
        match self {
            QqLoginMethod::Qq | QqLoginMethod::QqMusic => QqAccount::Qq,
            QqLoginMethod::Wechat => QqAccount::Wechat,
        }
    }

    /// `tmeLoginType` of a login made this way (§1; 6 for the app's QR, §4.3).
    pub fn tme_login_type(self) -> u8 {
        match self {
            QqLoginMethod::QqMusic => 6,
            other => other.account().tme_login_type(),
        }
    }
}

/// What the QQ Music app QR's next push is, beyond its phase (the control API's `fail` and
/// `garble`, §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppFault {
    /// A `loginFailed` event.
    LoginFailed,
    /// A `cookies` event whose payload is not JSON.
    Garbled,
}

/// The next event the QQ Music app QR's topic pushes (§4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AppPush {
    Unknown,
    Waiting,
    Scanned,
    /// Confirmed: the account's musicid and the one-time token of the exchange.
    Cookies {
        musicid: u64,
        token: String,
    },
    Canceled,
    Timeout,
    LoginFailed,
    Garbled,
}

/// State of one QQ / WeChat QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QqQrState {
    /// Not scanned (ptqrlogin 66, WeChat 408).
    Waiting,
    /// Scanned, not confirmed (67, 404).
    Scanned,
    /// Confirmed; the next poll hands out the login (0 + check_sig URL, 405 + code).
    Confirmed,
    /// The login was handed out (65, 402 afterwards).
    Spent,
    /// Refused on the phone (68, 403).
    Refused,
    /// Timed out or expired through the control API (65, 402).
    Expired,
}

impl From<Phase> for QqQrState {
    fn from(p: Phase) -> Self {
        match p {
            Phase::Waiting => QqQrState::Waiting,
            Phase::Scanned => QqQrState::Scanned,
            Phase::Confirmed => QqQrState::Confirmed,
            Phase::Spent => QqQrState::Spent,
            Phase::Refused => QqQrState::Refused,
            Phase::Expired => QqQrState::Expired,
        }
    }
}

/// One QR code as the control API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QqQrInfo {
    pub method: QqLoginMethod,
    /// The `qrsig` (QQ) or `uuid` (WeChat).
    pub id: String,
    pub state: QqQrState,
    pub polls: usize,
    pub age: Duration,
}

/// A login the fake issued: what a client stores after the code exchange.
#[derive(Clone, PartialEq, Eq)]
pub struct QqIssuedSession {
    pub account: QqAccount,
    /// `tmeLoginType` of the login (§1, §4.3); a renewal names the same.
    pub tme_login_type: u8,
    pub musicid: u64,
    pub musickey: String,
    pub encrypt_uin: String,
    pub refresh_key: String,
    pub refresh_token: String,
    pub access_token: String,
    pub openid: String,
    pub unionid: String,
    /// Unix seconds the key was made (`musickeyCreateTime`).
    pub key_created_at: i64,
    /// Unix seconds the refresh tokens die (`expired_at`).
    pub expired_at: i64,
}

impl std::fmt::Debug for QqIssuedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QqIssuedSession")
            .field("account", &self.account)
            .field("musicid", &self.musicid)
            .field("musickey", &format_args!("<{} chars>", self.musickey.len()))
            .field("key_created_at", &self.key_created_at)
            .field("expired_at", &self.expired_at)
            .finish_non_exhaustive()
    }
}

/// The credential one envelope item came with, as the fake read it: what tests check a client
/// sends (a key renewal goes under the old credential, docs/protocol/fidelity-2026-12.md row 2e).
#[derive(Clone, PartialEq, Eq)]
pub struct QqCaller {
    /// `module.method` of the item.
    pub call: String,
    /// The `uin` cookie, as a musicid.
    pub uin_cookie: Option<u64>,
    /// The `qqmusic_key` cookie.
    pub qqmusic_key: Option<String>,
    /// The `qm_keyst` cookie.
    pub qm_keyst: Option<String>,
    /// `comm.uin`, as a musicid.
    pub comm_uin: Option<u64>,
    /// `comm.g_tk`.
    pub comm_g_tk: Option<u32>,
    /// `comm.tmeLoginType`, as sent (string or number).
    pub tme_login_type: Option<String>,
}

impl std::fmt::Debug for QqCaller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = |k: &Option<String>| k.as_ref().map(String::len);
        f.debug_struct("QqCaller")
            .field("call", &self.call)
            .field("uin_cookie", &self.uin_cookie)
            .field("qqmusic_key_chars", &len(&self.qqmusic_key))
            .field("qm_keyst_chars", &len(&self.qm_keyst))
            .field("comm_uin", &self.comm_uin)
            .field("comm_g_tk", &self.comm_g_tk)
            .field("tme_login_type", &self.tme_login_type)
            .finish()
    }
}

/// The caller log keeps at most this many items (oldest dropped first).
const MAX_CALLERS: usize = 10_000;

struct QrEntry {
    method: QqLoginMethod,
    clock: QrClock,
    app_fault: Option<AppFault>,
}

/// What a one-time OAuth / WeChat code logs in as.
#[derive(Clone, Copy)]
struct CodeGrant {
    method: QqLoginMethod,
}

struct SessionEntry {
    issued: QqIssuedSession,
    /// Killed through the control API (`expire_session`); refresh still works.
    key_expired: bool,
}

/// A comment posted through `AddComment`.
#[derive(Clone)]
pub(crate) struct PostedComment {
    pub cm_id: String,
    pub seq_no: u64,
    pub account: QqAccount,
    pub content: String,
    pub pub_time: i64,
    pub replied: Option<String>,
}

#[derive(Default)]
struct State {
    qr: HashMap<String, QrEntry>,
    /// One-time `ptsigx` → account.
    ptsigx: HashMap<String, QqAccount>,
    /// `p_skey` cookie values set by `check_sig` → account.
    p_skeys: HashMap<String, QqAccount>,
    /// One-time OAuth / WeChat codes.
    codes: HashMap<String, CodeGrant>,
    /// One-time QQ Music app tokens → the `qrcodeID` they were pushed for.
    app_tokens: HashMap<String, String>,
    /// musickey → session.
    sessions: HashMap<String, SessionEntry>,
    /// VIP flag per account.
    vip: [bool; 2],
    /// vkey → (filename, unix-ms deadline).
    vkeys: HashMap<String, (String, i64)>,
    /// Posted comments per song id, oldest first.
    comments: HashMap<u64, Vec<PostedComment>>,
    next_seq: u64,
    /// (account, China-time day) already signed in.
    signed: HashSet<(QqAccount, i64)>,
    /// `SignIn` answers `retCode` -1 without recording the day (an activity that ended).
    sign_in_closed: bool,
    /// The credential of every envelope item, oldest first.
    callers: VecDeque<QqCaller>,
}

struct Shared {
    config: FakeConfig,
    journal: Arc<Journal>,
    state: Mutex<State>,
    /// Likes, created, changed and collected playlists: the writes, kept for the reads.
    library: library::Library,
    /// How many songs the personal radio (猜你喜欢) has handed out.
    radio_cursor: std::sync::atomic::AtomicU64,
}

/// Control handle of the QQ Music fake (cheap to clone; all clones drive the same world).
#[derive(Clone)]
pub struct QqControl {
    shared: Arc<Shared>,
}

/// Result of one QR poll.
pub(crate) enum QrPoll {
    Unknown,
    Waiting,
    Scanned,
    /// Handed out: the QQ `ptsigx` or the WeChat code.
    Confirmed(String),
    Refused,
    Gone,
}

/// How long a vkey stays valid (the 2018 capture's `expiration`).
const VKEY_LIFETIME_MS: i64 = 80_400_000;

fn now_s() -> i64 {
    now_ms() / 1000
}

impl QqControl {
    pub(crate) fn new(config: FakeConfig, journal: Arc<Journal>) -> Self {
        QqControl {
            shared: Arc::new(Shared {
                config,
                journal,
                state: Mutex::new(State {
                    vip: [true, false],
                    next_seq: 5_000_001,
                    ..State::default()
                }),
                library: library::Library::default(),
                radio_cursor: std::sync::atomic::AtomicU64::new(0),
            }),
        }
    }

    pub(crate) fn library(&self) -> &library::Library {
        &self.shared.library
    }

    pub(crate) fn radio_cursor(&self) -> &std::sync::atomic::AtomicU64 {
        &self.shared.radio_cursor
    }

    /// The song ids `account` likes ("我喜欢"), newest first, as the fake keeps them.
    pub fn liked_song_ids(&self, account: QqAccount) -> Vec<u64> {
        self.shared.library.liked(account)
    }

    /// The configuration of this fake.
    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    pub(crate) fn journal(&self) -> &Journal {
        &self.shared.journal
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.shared.state)
    }

    // ---- QR codes --------------------------------------------------------------------

    /// Issues a QR code for `method`; returns its id (`qrsig` or `uuid`).
    pub(crate) fn new_qr(&self, method: QqLoginMethod) -> String {
        let id = match method {
            QqLoginMethod::Qq => random_qrsig(),
            QqLoginMethod::Wechat => random_token(16),
            QqLoginMethod::QqMusic => random_hex(32),
        };
        let now = Instant::now();
        let mut st = self.state();
        if st.qr.len() > 4096 {
            let keep = self.shared.config.qr_lifetime + Duration::from_secs(3600);
            st.qr
                .retain(|_, e| now.saturating_duration_since(e.clock.created) < keep);
        }
        st.qr.insert(
            id.clone(),
            QrEntry {
                method,
                clock: QrClock::new(now),
                app_fault: None,
            },
        );
        id
    }

    /// Whether `id` is a QR code of `method` the fake issued.
    pub(crate) fn qr_known(&self, id: &str, method: QqLoginMethod) -> bool {
        self.state().qr.get(id).is_some_and(|e| e.method == method)
    }

    /// One poll of a QR code. A confirmed code hands out its login once.
    pub(crate) fn qr_poll(&self, id: &str, method: QqLoginMethod) -> QrPoll {
        let config = self.shared.config.clone();
        let mut st = self.state();
        let Some(e) = st.qr.get_mut(id).filter(|e| e.method == method) else {
            return QrPoll::Unknown;
        };
        match e.clock.poll(&config, Instant::now()) {
            Phase::Waiting => QrPoll::Waiting,
            Phase::Scanned => QrPoll::Scanned,
            Phase::Refused => QrPoll::Refused,
            Phase::Spent | Phase::Expired => QrPoll::Gone,
            Phase::Confirmed => {
                e.clock.phase = Phase::Spent;
                let account = method.account();
                let token = match method {
                    QqLoginMethod::Qq => {
                        let ptsigx = random_hex(128);
                        st.ptsigx.insert(ptsigx.clone(), account);
                        ptsigx
                    }
                    QqLoginMethod::Wechat | QqLoginMethod::QqMusic => {
                        let code = format!("0{}", random_token(31));
                        st.codes.insert(code.clone(), CodeGrant { method });
                        code
                    }
                };
                QrPoll::Confirmed(token)
            }
        }
    }

    /// What the QQ Music app code `id`'s topic pushes now (§4.3). `first`: the subscription
    /// just started (counted as a poll, so the demo's scan and confirm start from it). A
    /// confirmed code is spent here: its token is pushed once.
    pub(crate) fn app_push(&self, id: &str, first: bool) -> AppPush {
        let config = self.shared.config.clone();
        let now = Instant::now();
        let mut st = self.state();
        let Some(e) = st
            .qr
            .get_mut(id)
            .filter(|e| e.method == QqLoginMethod::QqMusic)
        else {
            return AppPush::Unknown;
        };
        let phase = if first {
            e.clock.poll(&config, now)
        } else {
            e.clock.advance(&config, now);
            e.clock.phase
        };
        if matches!(phase, Phase::Waiting | Phase::Scanned) {
            match e.app_fault.take() {
                Some(AppFault::LoginFailed) => {
                    e.clock.expire();
                    return AppPush::LoginFailed;
                }
                Some(AppFault::Garbled) => {
                    e.clock.phase = Phase::Spent;
                    return AppPush::Garbled;
                }
                None => {}
            }
        }
        match phase {
            Phase::Waiting => AppPush::Waiting,
            Phase::Scanned => AppPush::Scanned,
            Phase::Refused => AppPush::Canceled,
            Phase::Spent | Phase::Expired => AppPush::Timeout,
            Phase::Confirmed => {
                e.clock.phase = Phase::Spent;
                let token = format!("{}{}", QqAccount::Qq.key_prefix(), random_token(92));
                if st.app_tokens.len() > 4096 {
                    st.app_tokens.clear();
                }
                st.app_tokens.insert(token.clone(), id.to_owned());
                AppPush::Cookies {
                    musicid: QqLoginMethod::QqMusic.account().musicid(),
                    token,
                }
            }
        }
    }

    /// Consumes a QQ Music app token pushed for `qrcode_id` (§4.3 step 3).
    pub(crate) fn take_app_token(&self, token: &str, qrcode_id: &str) -> Option<QqAccount> {
        let mut st = self.state();
        match st.app_tokens.get(token) {
            Some(id) if id == qrcode_id => {
                st.app_tokens.remove(token);
                Some(QqLoginMethod::QqMusic.account())
            }
            _ => None,
        }
    }

    /// Makes the QQ Music app code `id` push `loginFailed` (`fail`) or an unreadable `cookies`
    /// event (`garble`) next. False if it is not such a code, or no longer waiting.
    pub(crate) fn app_fault(&self, id: &str, fault: AppFault) -> bool {
        let config = self.shared.config.clone();
        let mut st = self.state();
        let Some(e) = st
            .qr
            .get_mut(id)
            .filter(|e| e.method == QqLoginMethod::QqMusic)
        else {
            return false;
        };
        e.clock.advance(&config, Instant::now());
        let pending = matches!(e.clock.phase, Phase::Waiting | Phase::Scanned);
        if pending {
            e.app_fault = Some(fault);
        }
        pending
    }

    /// The QQ Music app code `id` pushes `loginFailed` next (control API `fail`).
    pub fn fail_app_login(&self, id: &str) -> bool {
        self.app_fault(id, AppFault::LoginFailed)
    }

    /// The QQ Music app code `id` pushes a `cookies` event that is not JSON next (`garble`).
    pub fn garble_app_login(&self, id: &str) -> bool {
        self.app_fault(id, AppFault::Garbled)
    }

    /// The state of a QR code without polling it (for the WeChat long poll's hold).
    pub(crate) fn qr_phase(&self, id: &str) -> Option<QqQrState> {
        let config = self.shared.config.clone();
        let mut st = self.state();
        let e = st.qr.get_mut(id)?;
        e.clock.advance(&config, Instant::now());
        Some(e.clock.phase.into())
    }

    fn transition(&self, id: &str, f: impl FnOnce(&mut QrClock, &FakeConfig) -> bool) -> bool {
        let config = self.shared.config.clone();
        match self.state().qr.get_mut(id) {
            Some(e) => f(&mut e.clock, &config),
            None => false,
        }
    }

    /// Marks QR code `id` (a `qrsig` or WeChat `uuid`) scanned. False if unknown or past it.
    pub fn scan(&self, id: &str) -> bool {
        self.transition(id, |c, config| c.scan(config, Instant::now()))
    }

    /// Marks QR code `id` confirmed (scanning it first if needed). False if unknown, spent,
    /// refused or expired.
    pub fn confirm(&self, id: &str) -> bool {
        self.transition(id, |c, config| c.confirm(config, Instant::now()))
    }

    /// Refuses QR code `id` on the "phone" (ptqrlogin 68, WeChat 403). False if unknown or
    /// already confirmed / spent / expired.
    pub fn refuse(&self, id: &str) -> bool {
        self.transition(id, |c, config| c.refuse(config, Instant::now()))
    }

    /// Expires QR code `id` (ptqrlogin 65, WeChat 402). False if unknown.
    pub fn expire(&self, id: &str) -> bool {
        self.transition(id, |c, _| {
            c.expire();
            true
        })
    }

    /// The state of QR code `id`.
    pub fn qr_state(&self, id: &str) -> Option<QqQrState> {
        self.qr_phase(id)
    }

    /// Every QR code with its state, oldest first.
    pub fn qr_info(&self) -> Vec<QqQrInfo> {
        let now = Instant::now();
        let config = self.shared.config.clone();
        let mut st = self.state();
        let mut out: Vec<(Instant, QqQrInfo)> = st
            .qr
            .iter_mut()
            .map(|(id, e)| {
                e.clock.advance(&config, now);
                (
                    e.clock.created,
                    QqQrInfo {
                        method: e.method,
                        id: id.clone(),
                        state: e.clock.phase.into(),
                        polls: e.clock.polls.len(),
                        age: now.saturating_duration_since(e.clock.created),
                    },
                )
            })
            .collect();
        out.sort_by_key(|(t, _)| *t);
        out.into_iter().map(|(_, i)| i).collect()
    }

    /// QR codes still waiting for the phone (waiting or scanned), oldest first.
    pub fn pending_qr(&self) -> Vec<QqQrInfo> {
        self.qr_info()
            .into_iter()
            .filter(|i| matches!(i.state, QqQrState::Waiting | QqQrState::Scanned))
            .collect()
    }

    // ---- ptlogin2 / OAuth hand-offs ---------------------------------------------------

    /// Consumes a `ptsigx`; the account it logs in.
    pub(crate) fn take_ptsigx(&self, ptsigx: &str) -> Option<QqAccount> {
        self.state().ptsigx.remove(ptsigx)
    }

    /// Remembers a `p_skey` set by `check_sig`.
    pub(crate) fn add_p_skey(&self, p_skey: &str, account: QqAccount) {
        let mut st = self.state();
        if st.p_skeys.len() > 10_000 {
            st.p_skeys.clear();
        }
        st.p_skeys.insert(p_skey.to_owned(), account);
    }

    pub(crate) fn p_skey_account(&self, p_skey: &str) -> Option<QqAccount> {
        self.state().p_skeys.get(p_skey).copied()
    }

    /// A new one-time OAuth code for a QQ login.
    pub(crate) fn new_oauth_code(&self) -> String {
        let code = random_hex(32).to_ascii_uppercase();
        self.state().codes.insert(
            code.clone(),
            CodeGrant {
                method: QqLoginMethod::Qq,
            },
        );
        code
    }

    /// Consumes a login code of `method`; a code of the other method is left alone.
    pub(crate) fn take_code(&self, code: &str, method: QqLoginMethod) -> Option<QqAccount> {
        let mut st = self.state();
        match st.codes.get(code) {
            Some(g) if g.method == method => {
                st.codes.remove(code);
                Some(method.account())
            }
            _ => None,
        }
    }

    // ---- sessions --------------------------------------------------------------------

    fn new_session(
        st: &mut State,
        account: QqAccount,
        tme_login_type: u8,
        tokens: Option<&QqIssuedSession>,
    ) -> QqIssuedSession {
        let now = now_s();
        let (refresh_key, refresh_token, access_token, openid, unionid, expired_at) = match tokens {
            Some(t) => (
                t.refresh_key.clone(),
                t.refresh_token.clone(),
                t.access_token.clone(),
                t.openid.clone(),
                t.unionid.clone(),
                t.expired_at,
            ),
            None => (
                random_token(40),
                random_hex(32).to_ascii_uppercase(),
                random_hex(32).to_ascii_uppercase(),
                match account {
                    QqAccount::Qq => random_hex(32).to_ascii_uppercase(),
                    QqAccount::Wechat => format!("o{}", random_token(27)),
                },
                format!("UID_{}", random_hex(24).to_ascii_uppercase()),
                now + REFRESH_LIFETIME_SECS,
            ),
        };
        let issued = QqIssuedSession {
            account,
            tme_login_type,
            musicid: account.musicid(),
            musickey: format!("{}{}", account.key_prefix(), random_token(92)),
            encrypt_uin: account.encrypt_uin().to_owned(),
            refresh_key,
            refresh_token,
            access_token,
            openid,
            unionid,
            key_created_at: now,
            expired_at,
        };
        if st.sessions.len() > 10_000 {
            st.sessions.retain(|_, s| s.issued.expired_at > now);
        }
        st.sessions.insert(
            issued.musickey.clone(),
            SessionEntry {
                issued: issued.clone(),
                key_expired: false,
            },
        );
        issued
    }

    /// Logs `account` in without a QR (for tests of the seed API and anything that just needs
    /// a key). Send `uin=<musicid>; qqmusic_key=<key>; qm_keyst=<key>` and the key's g_tk.
    pub fn issue_session(&self, account: QqAccount) -> QqIssuedSession {
        Self::new_session(&mut self.state(), account, account.tme_login_type(), None)
    }

    /// Logs in through a consumed code.
    pub(crate) fn login(&self, account: QqAccount) -> QqIssuedSession {
        self.issue_session(account)
    }

    /// Logs in through a consumed QQ Music app token (`tmeLoginType` 6, §4.3).
    pub(crate) fn app_login(&self) -> QqIssuedSession {
        let method = QqLoginMethod::QqMusic;
        Self::new_session(
            &mut self.state(),
            method.account(),
            method.tme_login_type(),
            None,
        )
    }

    /// `tmeLoginType` of the login whose key is `musickey` (expired or not).
    pub(crate) fn login_type_of(&self, musickey: &str) -> Option<u8> {
        self.state()
            .sessions
            .get(musickey)
            .map(|s| s.issued.tme_login_type)
    }

    /// The account of a live musickey (issued, not expired, not revoked).
    pub(crate) fn live_key(&self, musickey: &str) -> Option<QqAccount> {
        let now = now_s();
        let st = self.state();
        let s = st.sessions.get(musickey)?;
        (!s.key_expired && now < s.issued.key_created_at + KEY_LIFETIME_SECS)
            .then_some(s.issued.account)
    }

    /// Refresh (§4.5): the refresh tokens of the session whose key is `old_key` (expired or
    /// not, but neither revoked nor logged out), of `account`, before `expired_at`. The new key
    /// replaces the old one (which stops working); the refresh tokens stay the same.
    pub(crate) fn refresh(
        &self,
        account: QqAccount,
        old_key: &str,
        refresh_key: &str,
        refresh_token: &str,
    ) -> Option<QqIssuedSession> {
        if refresh_key.is_empty() || refresh_token.is_empty() {
            return None;
        }
        let now = now_s();
        let mut st = self.state();
        let renewable = st.sessions.get(old_key).is_some_and(|s| {
            s.issued.account == account
                && s.issued.refresh_key == refresh_key
                && s.issued.refresh_token == refresh_token
                && now < s.issued.expired_at
        });
        if !renewable {
            return None;
        }
        let old = st.sessions.remove(old_key)?;
        let tme = old.issued.tme_login_type;
        Some(Self::new_session(&mut st, account, tme, Some(&old.issued)))
    }

    /// Ends the session of `musickey` (Logout).
    pub(crate) fn end_session(&self, musickey: &str) -> bool {
        self.state().sessions.remove(musickey).is_some()
    }

    /// Kills the musickeys of `musicid` as if their 3 days were over; refresh still works.
    /// Returns how many keys died.
    pub fn expire_session(&self, musicid: u64) -> usize {
        let mut st = self.state();
        let mut n = 0;
        for s in st.sessions.values_mut() {
            if s.issued.musicid == musicid && !s.key_expired {
                s.key_expired = true;
                n += 1;
            }
        }
        n
    }

    /// Revokes every session: keys and refresh tokens alike stop working.
    pub fn revoke_sessions(&self) {
        self.state().sessions.clear();
    }

    /// How many musickeys are live.
    pub fn live_sessions(&self) -> usize {
        let now = now_s();
        self.state()
            .sessions
            .values()
            .filter(|s| !s.key_expired && now < s.issued.key_created_at + KEY_LIFETIME_SECS)
            .count()
    }

    // ---- accounts --------------------------------------------------------------------

    /// Turns VIP on or off for `account` (QQ starts as VIP, WeChat not).
    pub fn set_vip(&self, account: QqAccount, vip: bool) {
        self.state().vip[account.index()] = vip;
    }

    /// Whether `account` is VIP now.
    pub fn is_vip(&self, account: QqAccount) -> bool {
        self.state().vip[account.index()]
    }

    /// Records a sign-in of `account` on China-time day `day`; false if already signed in
    /// that day. Also returns every day `account` signed in.
    pub(crate) fn sign_in(&self, account: QqAccount, day: i64) -> (bool, Vec<i64>) {
        let fresh = self.state().signed.insert((account, day));
        (fresh, self.signed_days(account))
    }

    /// Closes (or reopens) the sign-in activity: while closed, `SignIn` answers `retCode` -1
    /// with `IsSignIn` 0 and records nothing; the summary still answers.
    pub fn close_sign_in(&self, closed: bool) {
        self.state().sign_in_closed = closed;
    }

    pub(crate) fn sign_in_closed(&self) -> bool {
        self.state().sign_in_closed
    }

    /// Every China-time day `account` signed in, in no order.
    pub(crate) fn signed_days(&self, account: QqAccount) -> Vec<i64> {
        self.state()
            .signed
            .iter()
            .filter(|(a, _)| *a == account)
            .map(|(_, d)| *d)
            .collect()
    }

    // ---- vkeys -----------------------------------------------------------------------

    /// A new vkey for `filename`.
    pub(crate) fn issue_vkey(&self, filename: &str) -> String {
        let vkey = random_hex(112).to_ascii_uppercase();
        let now = now_ms();
        let mut st = self.state();
        if st.vkeys.len() > 50_000 {
            st.vkeys.retain(|_, (_, deadline)| *deadline > now);
        }
        st.vkeys
            .insert(vkey.clone(), (filename.to_owned(), now + VKEY_LIFETIME_MS));
        vkey
    }

    /// Whether `vkey` was issued for `filename` and is still valid.
    pub(crate) fn vkey_valid(&self, vkey: &str, filename: &str) -> bool {
        let now = now_ms();
        self.state()
            .vkeys
            .get(vkey)
            .is_some_and(|(f, deadline)| f == filename && *deadline > now)
    }

    // ---- comments --------------------------------------------------------------------

    pub(crate) fn add_comment(
        &self,
        songid: u64,
        account: QqAccount,
        content: &str,
        replied: Option<String>,
    ) -> PostedComment {
        let mut st = self.state();
        let seq = st.next_seq;
        st.next_seq += 1;
        let c = PostedComment {
            cm_id: format!("{:08x}{}", songid & 0xffff_ffff, random_hex(16)),
            seq_no: seq,
            account,
            content: content.to_owned(),
            pub_time: now_s(),
            replied,
        };
        st.comments.entry(songid).or_default().push(c.clone());
        c
    }

    /// Posted comments of `songid`, oldest first.
    pub(crate) fn posted_comments(&self, songid: u64) -> Vec<PostedComment> {
        self.state()
            .comments
            .get(&songid)
            .cloned()
            .unwrap_or_default()
    }

    // ---- faults and the request log (shared with the other services) ------------------

    /// Queues a fault (see [`Fault`] for the QQ Music path / module / method filters).
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

    /// Forgets the request log (and the caller log).
    pub fn clear_requests(&self) {
        self.shared.journal.clear_requests();
        self.state().callers.clear();
    }

    /// The credential of every envelope item the fake received, oldest first.
    pub fn callers(&self) -> Vec<QqCaller> {
        self.state().callers.iter().cloned().collect()
    }

    pub(crate) fn record_caller(&self, caller: QqCaller) {
        let mut st = self.state();
        if st.callers.len() >= MAX_CALLERS {
            st.callers.pop_front();
        }
        st.callers.push_back(caller);
    }
}

/// A `qrsig` cookie value: 64 characters of `[A-Za-z0-9*-]` (§4.1).
fn random_qrsig() -> String {
    use rand::Rng as _;
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-";
    let mut rng = rand::thread_rng();
    (0..64)
        .map(|_| ALPHA[rng.gen_range(0..ALPHA.len())] as char)
        .collect()
}
