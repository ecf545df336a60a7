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
    /// Business `code` answered, when the answer was JSON with a numeric `code`.
    pub code: Option<i64>,
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
}

/// A fault to inject into the next `times` requests whose logical path contains
/// `path_contains` (every API request when `None`; audio requests only when a filter is given
/// and matches their path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub path_contains: Option<String>,
    pub times: u32,
    /// For [`FaultKind::Slow`]; default 30 s.
    pub delay: Option<Duration>,
}

impl Fault {
    /// One occurrence of `kind` on any request.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            path_contains: None,
            times: 1,
            delay: None,
        }
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

    /// Takes one occurrence of the first pending fault that applies to `path`.
    /// `filter_required`: only faults with a matching `path_contains` apply (audio).
    pub(crate) fn take_fault(&self, path: &str, filter_required: bool) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let idx = faults.iter().position(|f| match &f.path_contains {
            Some(s) => path.contains(s.as_str()),
            None => !filter_required,
        })?;
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
}
