//! What the fake saw (the request log) and what it has been told to break (faults).
//! Shared by every service the fake plays.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How a request reached the fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Transport {
    /// NetEase `/eapi/*` (AES-ECB, MD5 digest).
    Eapi,
    /// NetEase `/weapi/*` (AES-CBC twice + RSA).
    Weapi,
    /// NetEase plain `/api/*` (form or query parameters).
    Api,
    /// NetEase `/api/linux/forward`.
    Linuxapi,
    /// A GET of an audio file on a CDN host.
    Audio,
    /// QQ Music `musicu.fcg` (unsigned envelope); one record per item.
    Musicu,
    /// QQ Music `musics.fcg` (signed envelope); one record per item.
    Musics,
    /// A plain web request: ptlogin2, graph.qq.com OAuth, WeChat QR, legacy QQ Music `*.fcg`.
    Web,
}

/// One request the fake received on an upstream host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The upstream host, e.g. `interface.music.163.com`.
    pub host: String,
    pub transport: Transport,
    /// The logical path (`/api/...` for NetEase; for audio the CDN path). For a request that
    /// could not be decrypted this is the path its URL implies.
    pub logical_path: String,
    pub time: Instant,
    /// HTTP status answered.
    pub status: u16,
    /// Business `code` answered, when the answer was JSON with a numeric `code`. For a QQ
    /// Music envelope item: the item's `code`; for ptlogin2 / WeChat QR polls: the status code
    /// of the `ptuiCB` / `wx_errcode` answer.
    pub code: Option<i64>,
    /// For a QQ Music envelope item: `module.method` (e.g. `vkey.GetVkeyServer.CgiGetVkey`).
    pub call: Option<String>,
}

/// A kind of injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// -462 "network congested" risk control (`error_-462.json`).
    RiskControl,
    /// -462 risk control with a verification page (`error_-462.verify.json`).
    RiskControlVerify,
    /// 8821 behavioural captcha (`error_8821.json`).
    Verification,
    /// 405 rate limit (`error_405.json`).
    RateLimit,
    /// -460 Cheating (`error_-460.json`).
    Cheating,
    /// 301 not logged in (`error_301.json`).
    NotLoggedIn,
    /// HTTP 500 with an nginx HTML page.
    ServerError,
    /// HTTP 200 with only the first half of the real answer's bytes.
    Truncated,
    /// Wait `delay` (default 30 s), then answer normally.
    Slow,
    /// HTTP 200 whose JSON body never ends (chunked, no Content-Length): a broken or hostile
    /// server that would fill the client's memory if it read answers whole.
    Oversized,
    /// QQ Music item `{"code":1000}`: not logged in / musickey expired.
    QqNotLoggedIn,
    /// QQ Music item `{"code":104400}`: credential or login code invalid.
    QqBadCredential,
    /// QQ Music item `{"code":2000}`: sign missing or invalid.
    QqBadSign,
    /// QQ Music item `{"code":2001}` with `data.feedbackURL`: risk control.
    QqRiskControl,
    /// QQ Music item `{"code":500003,"subcode":860100001}`: the module refused the call.
    QqModuleError,
    /// QQ Music item `{"code":104604}`: too many requests (docs/protocol/qqmusic.md §6).
    QqRateLimited,
    /// QQ Music item `{"code":20276}`: a captcha in the app first (docs/protocol/qqmusic.md §6).
    QqVerify,
    /// QQ Music `CgiGetVkey`: every `midurlinfo[].result` 104003 with an empty `purl`
    /// (only vkey items take it).
    QqNoRights,
    /// The real answer, successful, in another shape: every field renamed (`songs` →
    /// `songs_v2`) at every depth but the success code. What a service's protocol change
    /// looks like to a client (duet-doctor's "answered, not parsed"). A NetEase answer, or
    /// one QQ Music envelope item.
    Reshaped,
}

/// Which service's requests a fault kind can hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaultScope {
    /// HTTP-level faults: any service.
    Any,
    Netease,
    Qq,
    /// The JSON answer of an API call of either service (a NetEase endpoint, a QQ Music item).
    ApiAnswer,
}

impl FaultKind {
    pub(crate) fn scope(self) -> FaultScope {
        match self {
            FaultKind::ServerError
            | FaultKind::Truncated
            | FaultKind::Slow
            | FaultKind::Oversized => FaultScope::Any,
            FaultKind::RiskControl
            | FaultKind::RiskControlVerify
            | FaultKind::Verification
            | FaultKind::RateLimit
            | FaultKind::Cheating
            | FaultKind::NotLoggedIn => FaultScope::Netease,
            FaultKind::QqNotLoggedIn
            | FaultKind::QqBadCredential
            | FaultKind::QqBadSign
            | FaultKind::QqRiskControl
            | FaultKind::QqModuleError
            | FaultKind::QqRateLimited
            | FaultKind::QqVerify
            | FaultKind::QqNoRights => FaultScope::Qq,
            FaultKind::Reshaped => FaultScope::ApiAnswer,
        }
    }
}

/// A fault to inject into the next `times` requests whose logical path contains
/// `path_contains` (every API request when `None`; audio requests only when a filter is given
/// and matches their path).
///
/// QQ Music: the path is the URL path without the host (`/cgi-bin/musics.fcg`, `/ptqrlogin`,
/// `/connect/l/qrconnect`…). `module` / `method` narrow a fault to envelope items of that
/// module / method; an HTTP-level fault (500, truncated, slow) with them hits a whole
/// envelope that contains such an item. The `Qq*` kinds hit one envelope item each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub path_contains: Option<String>,
    pub times: u32,
    /// For [`FaultKind::Slow`]; default 30 s.
    pub delay: Option<Duration>,
    /// QQ Music: only envelope items of this module (e.g. `vkey.GetVkeyServer`).
    pub module: Option<String>,
    /// QQ Music: only envelope items of this method (e.g. `CgiGetVkey`).
    pub method: Option<String>,
}

impl Fault {
    /// One occurrence of `kind` on any request.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            path_contains: None,
            times: 1,
            delay: None,
            module: None,
            method: None,
        }
    }

    /// QQ Music: only items of `module`.
    pub fn module(mut self, m: impl Into<String>) -> Self {
        self.module = Some(m.into());
        self
    }

    /// QQ Music: only items of `method`.
    pub fn method(mut self, m: impl Into<String>) -> Self {
        self.method = Some(m.into());
        self
    }

    /// Whether `path` passes the path filter (`filter_required`: an unfiltered fault does not).
    pub(crate) fn path_matches(&self, path: &str, filter_required: bool) -> bool {
        match &self.path_contains {
            Some(s) => path.contains(s.as_str()),
            None => !filter_required,
        }
    }

    /// Whether a QQ Music item `module.method` passes the module/method filters.
    pub(crate) fn call_matches(&self, module: &str, method: &str) -> bool {
        self.module.as_deref().is_none_or(|m| m == module)
            && self.method.as_deref().is_none_or(|m| m == method)
    }

    /// Whether the fault names a QQ Music module or method.
    pub(crate) fn has_call_filter(&self) -> bool {
        self.module.is_some() || self.method.is_some()
    }

    /// Only for logical paths containing `s`.
    pub fn path(mut self, s: impl Into<String>) -> Self {
        self.path_contains = Some(s.into());
        self
    }

    /// For the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }

    /// The wait of a [`FaultKind::Slow`] fault.
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = Some(d);
        self
    }
}

/// Default wait of a `slow` fault.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(30);
/// The request log keeps at most this many entries (oldest dropped first).
const MAX_LOG: usize = 10_000;

pub(crate) struct Journal {
    started: Instant,
    log: Mutex<VecDeque<RecordedRequest>>,
    faults: Mutex<Vec<Fault>>,
}

impl Journal {
    pub(crate) fn new(started: Instant) -> Self {
        Journal {
            started,
            log: Mutex::new(VecDeque::new()),
            faults: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    pub(crate) fn record(&self, r: RecordedRequest) {
        let mut log = lock(&self.log);
        if log.len() >= MAX_LOG {
            log.pop_front();
        }
        log.push_back(r);
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.log).iter().cloned().collect()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    pub(crate) fn fail(&self, fault: Fault) {
        if fault.times == 0 {
            return;
        }
        lock(&self.faults).push(fault);
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub(crate) fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.faults).clone()
    }

    /// Takes one occurrence of the first pending NetEase (or service-neutral) fault that
    /// applies to `path`. `filter_required`: only faults with a matching `path_contains`
    /// apply (audio).
    pub(crate) fn take_fault(&self, path: &str, filter_required: bool) -> Option<Fault> {
        self.take_fault_where(|f| {
            f.kind.scope() != FaultScope::Qq
                && !f.has_call_filter()
                && f.path_matches(path, filter_required)
        })
    }

    /// Takes one occurrence of the first pending fault for which `applies` holds.
    pub(crate) fn take_fault_where(&self, applies: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let idx = faults.iter().position(applies)?;
        let f = &mut faults[idx];
        f.times = f.times.saturating_sub(1);
        let taken = f.clone();
        if f.times == 0 {
            faults.remove(idx);
        }
        Some(taken)
    }
}

/// Locks a mutex, recovering from poisoning (a panicking test thread must not take the
/// fake down with it).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_counted_and_filtered() {
        let j = Journal::new(Instant::now());
        j.fail(
            Fault::new(FaultKind::RateLimit)
                .path("/cloudsearch")
                .times(2),
        );
        j.fail(Fault::new(FaultKind::Cheating));
        assert_eq!(
            j.take_fault("/api/cloudsearch/pc", false).map(|f| f.kind),
            Some(FaultKind::RateLimit)
        );
        assert_eq!(
            j.take_fault("/api/v3/song/detail", false).map(|f| f.kind),
            Some(FaultKind::Cheating)
        );
        assert_eq!(j.take_fault("/fake/1.mp3", true), None);
        assert_eq!(
            j.take_fault("/api/cloudsearch/pc", false).map(|f| f.kind),
            Some(FaultKind::RateLimit)
        );
        assert_eq!(j.take_fault("/api/cloudsearch/pc", false), None);
    }

    #[test]
    fn qq_faults_are_not_taken_by_netease() {
        let j = Journal::new(Instant::now());
        j.fail(Fault::new(FaultKind::QqNoRights));
        j.fail(Fault::new(FaultKind::ServerError).module("vkey.GetVkeyServer"));
        assert_eq!(j.take_fault("/api/song/lyric", false), None);
        let f = j
            .take_fault_where(|f| f.call_matches("vkey.GetVkeyServer", "CgiGetVkey"))
            .unwrap();
        assert_eq!(f.kind, FaultKind::QqNoRights);
        assert!(!Fault::new(FaultKind::Slow)
            .method("X")
            .call_matches("m", "Y"));
    }
}
