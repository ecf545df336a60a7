//! One request budget per service, shared by every caller of that service's client: the app's
//! commands, the session keeper's renewals, the player's URL requests, duet-server's routes, and
//! every retry of [`crate::retry`]. Peers' users were risk-flagged after a client asked again and
//! again on playback errors (SPlayer #630); a service sees an account, not a caller, so the pace
//! is kept per service, not per caller (docs/design.md, "Never a storm of requests").
//!
//! A token bucket, kept as its next free moment (the generic cell rate algorithm): a burst of
//! [`Pace::burst`] requests goes at once, then one every [`Pace::every`]. Waiting for a token is
//! the normal path; a wait longer than [`Pace::max_wait`] is refused with
//! [`ErrorKind::RateLimited`] instead of holding the caller (and everything queued behind it).
//! Audio and cover downloads from the CDNs are not API requests and are not counted.

use std::sync::Mutex;
use std::time::Duration;

use crate::clock::{self, Instant};
use crate::error::{Error, ErrorKind, Result};
use crate::model::ProviderId;

/// How fast requests to one service may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Requests that may go at once after a quiet spell.
    pub burst: u32,
    /// After a burst, one request per this much time.
    pub every: Duration,
    /// The longest a caller waits for its turn; a longer wait is a `rate_limited` error.
    pub max_wait: Duration,
}

impl Pace {
    /// The pace of a person using the official client, for each service.
    ///
    /// - `burst` 20: the most one screen asks at once. Start-up (session renewal, profile,
    ///   playlists, daily picks, the QR keys) is about six requests per service; a 10,000-track
    ///   playlist is its detail and ten pages of song details; a lyric, a URL and comments for
    ///   the playing track are three. Twenty lets any of these go without a wait.
    /// - `every` 500 ms (two a second, 120 a minute, sustained): far above what clicking produces
    ///   (the official apps ask a few requests per action, seconds apart), so a person never
    ///   waits, but a loop — a player walking a queue of refused tracks, a retry storm, a script
    ///   hammering duet-server — is held to a pace no faster than a busy person's.
    /// - `max_wait` 5 s: a caller queued behind a whole burst waits at most this long (the
    ///   spinner a person tolerates); past it the answer is `rate_limited`, at once.
    pub const HUMAN: Pace = Pace {
        burst: 20,
        every: Duration::from_millis(500),
        max_wait: Duration::from_secs(5),
    };

    /// The pace of a test against the fake upstream on this machine: a burst of 1000, then one
    /// request per millisecond. Suites that walk every route of the fake would otherwise spend
    /// most of their time waiting for [`Pace::HUMAN`]'s tokens; the fake has no account to flag.
    /// It never reaches a real service: the only way in from outside the code is
    /// `DUET_TEST_PACE=fast`, which `duet_services::Settings::from_env` refuses unless
    /// `DUET_UPSTREAM` routes every request to a loopback test upstream. Tests about the budget
    /// itself keep [`Pace::HUMAN`].
    pub const TEST: Pace = Pace {
        burst: 1000,
        every: Duration::from_millis(1),
        max_wait: Duration::from_secs(5),
    };
}

/// Where the bucket stands (see [`RequestBudget`]).
#[derive(Debug)]
struct Bucket {
    pace: Pace,
    /// When the bucket would be full again if nothing more were asked (the "theoretical
    /// arrival time"); `None` before the first request.
    full_at: Option<Instant>,
}

impl Bucket {
    /// Reserves the next token for a request asked at `now`: how long to wait for it, or `None`
    /// (nothing reserved) when that wait would be longer than the pace allows.
    fn reserve(&mut self, now: Instant) -> Option<Duration> {
        let every = self.pace.every;
        let tolerance = every.saturating_mul(self.pace.burst.max(1) - 1);
        let full_at = self.full_at.map_or(now, |at| at.max(now));
        // The moment this request's token exists: `tolerance` before the bucket is full.
        let go_at = full_at.checked_sub(tolerance).unwrap_or(now).max(now);
        let wait = go_at - now;
        if wait > self.pace.max_wait {
            return None;
        }
        self.full_at = Some(full_at + every);
        Some(wait)
    }
}

/// One service's request budget (see the module documentation). Held once per provider client
/// and shared by reference by everything that sends a request through it.
#[derive(Debug)]
pub struct RequestBudget {
    provider: ProviderId,
    bucket: Mutex<Bucket>,
}

impl RequestBudget {
    pub fn new(provider: ProviderId, pace: Pace) -> Self {
        Self {
            provider,
            bucket: Mutex::new(Bucket {
                pace,
                full_at: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Bucket> {
        self.bucket.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for the next token (at once within a burst), or answers `rate_limited` when the
    /// wait would be longer than the pace allows. A caller that goes away while it waits has
    /// still spent its token: the budget errs towards fewer requests.
    pub async fn take(&self) -> Result<()> {
        let reserved = self.lock().reserve(clock::monotonic());
        match reserved {
            Some(wait) if wait.is_zero() => Ok(()),
            Some(wait) => {
                tracing::debug!(provider = %self.provider, "pacing: waiting {wait:?} for a turn");
                tokio::time::sleep(wait).await;
                Ok(())
            }
            None => Err(Error::new(
                ErrorKind::RateLimited,
                format!(
                    "Duet is holding back requests to {} to a person's pace (too many at once); \
                     try again in a few seconds",
                    service_name(self.provider)
                ),
            )
            .with_provider(self.provider)),
        }
    }
}

/// The service's name as people know it, for the refusal's message.
fn service_name(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Netease => "NetEase Cloud Music",
        ProviderId::Qq => "QQ Music",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn bucket(burst: u32, every: Duration, max_wait: Duration) -> Bucket {
        Bucket {
            pace: Pace {
                burst,
                every,
                max_wait,
            },
            full_at: None,
        }
    }

    #[test]
    fn a_burst_goes_at_once_then_one_per_interval() {
        let mut b = bucket(3, SECOND, 10 * SECOND);
        let t0 = clock::monotonic();
        let waits: Vec<Duration> = (0..6).map(|_| b.reserve(t0).unwrap()).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 1, 2, 3].map(|s| s * SECOND),
            "three at once, then one a second"
        );
    }

    #[test]
    fn a_quiet_spell_refills_the_bucket_up_to_the_burst_only() {
        let mut b = bucket(3, SECOND, 10 * SECOND);
        let t0 = clock::monotonic();
        for _ in 0..3 {
            assert_eq!(b.reserve(t0), Some(Duration::ZERO));
        }
        // Two seconds later two tokens are back, not more.
        let t2 = t0 + 2 * SECOND;
        assert_eq!(b.reserve(t2), Some(Duration::ZERO));
        assert_eq!(b.reserve(t2), Some(Duration::ZERO));
        assert_eq!(b.reserve(t2), Some(SECOND));
        // An hour later: a full burst again, and no more than a burst.
        let later = t0 + 3600 * SECOND;
        let waits: Vec<Duration> = (0..4).map(|_| b.reserve(later).unwrap()).collect();
        assert_eq!(waits, [0, 0, 0, 1].map(|s| s * SECOND));
    }

    #[test]
    fn a_wait_past_the_limit_is_refused_and_reserves_nothing() {
        let mut b = bucket(2, SECOND, SECOND);
        let t0 = clock::monotonic();
        assert_eq!(b.reserve(t0), Some(Duration::ZERO));
        assert_eq!(b.reserve(t0), Some(Duration::ZERO));
        assert_eq!(b.reserve(t0), Some(SECOND));
        assert_eq!(b.reserve(t0), None, "two seconds is past the limit");
        assert_eq!(b.reserve(t0), None, "a refusal spends no token");
        assert_eq!(b.reserve(t0 + SECOND), Some(SECOND));
    }

    #[test]
    fn a_burst_of_one_or_zero_is_one_at_a_time() {
        for burst in [0, 1] {
            let mut b = bucket(burst, SECOND, 5 * SECOND);
            let t0 = clock::monotonic();
            assert_eq!(b.reserve(t0), Some(Duration::ZERO));
            assert_eq!(b.reserve(t0), Some(SECOND), "burst {burst}");
        }
    }

    #[test]
    fn a_budget_that_never_waits_lets_exactly_a_burst_through() {
        let mut b = bucket(5, 3600 * SECOND, Duration::ZERO);
        let t0 = clock::monotonic();
        let granted = (0..50).filter(|_| b.reserve(t0).is_some()).count();
        assert_eq!(granted, 5);
    }

    #[test]
    fn the_human_pace_lets_a_screen_through_without_a_wait() {
        let mut b = Bucket {
            pace: Pace::HUMAN,
            full_at: None,
        };
        let t0 = clock::monotonic();
        for _ in 0..Pace::HUMAN.burst {
            assert_eq!(b.reserve(t0), Some(Duration::ZERO));
        }
        // A loop after that goes at two a second, and is refused past five seconds' worth.
        let queued = (0..100).filter(|_| b.reserve(t0).is_some()).count();
        assert_eq!(queued, 10);
    }

    #[tokio::test]
    async fn take_answers_rate_limited_with_the_provider_when_over_budget() {
        let budget = RequestBudget::new(
            ProviderId::Qq,
            Pace {
                burst: 2,
                every: 3600 * SECOND,
                max_wait: Duration::ZERO,
            },
        );
        budget.take().await.unwrap();
        budget.take().await.unwrap();
        let error = budget.take().await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::RateLimited);
        assert_eq!(error.provider, Some(ProviderId::Qq));
        assert!(error.message.contains("QQ Music"), "{error}");
    }

    #[tokio::test]
    async fn take_waits_its_turn_rather_than_failing() {
        let budget = RequestBudget::new(
            ProviderId::Netease,
            Pace {
                burst: 1,
                every: Duration::from_millis(1),
                max_wait: SECOND,
            },
        );
        for _ in 0..5 {
            budget.take().await.unwrap();
        }
    }
}
