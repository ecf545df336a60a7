//! The one retry policy of every provider (docs/design.md §3: retries only for idempotent reads, with
//! backoff): which failures may pass on another attempt ([`Failure`]), which calls may be
//! repeated at all ([`Effect`]), how long to wait between attempts and how many to make
//! ([`RetryPolicy`]). Every attempt, the first and each retry, spends a token of the service's
//! [`RequestBudget`](crate::budget::RequestBudget), so retries never add up to a storm.

use std::future::Future;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::http::BodyError;

/// Whether a call may be repeated after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads and polls: asking again changes nothing.
    Read,
    /// Anything that changes something (a comment, a check-in, a login exchange, a logout): made
    /// once, since a lost answer does not mean it did not happen.
    Write,
}

/// How one attempt failed.
#[derive(Debug)]
pub enum Failure {
    /// May pass on another attempt: the connection failed (refused, reset, timed out, cut off
    /// mid-answer) or the service answered 5xx.
    Transient(Error),
    /// Will not: anything the service said on purpose (a 4xx, a business code), an answer that
    /// cannot be read, or one too large to read (asking again would stream it again).
    Final(Error),
}

impl Failure {
    /// A non-success HTTP status: a 5xx may pass on another attempt, anything else will not.
    pub fn of_status(status: u16, error: Error) -> Self {
        if (500..600).contains(&status) {
            Failure::Transient(error)
        } else {
            Failure::Final(error)
        }
    }

    /// A capped body that could not be read: too large is final; a connection that broke off
    /// is transient, as `on_http` words it.
    pub fn of_body(error: BodyError, on_http: impl FnOnce(reqwest::Error) -> Error) -> Self {
        match error {
            BodyError::TooLarge { .. } => Failure::Final(error.into_error(on_http)),
            BodyError::Http(e) => Failure::Transient(on_http(e)),
        }
    }

    /// The same failure, its error changed by `f` (tagged with the provider, say).
    pub fn map(self, f: impl FnOnce(Error) -> Error) -> Self {
        match self {
            Failure::Transient(e) => Failure::Transient(f(e)),
            Failure::Final(e) => Failure::Final(f(e)),
        }
    }

    pub fn into_error(self) -> Error {
        match self {
            Failure::Transient(e) | Failure::Final(e) => e,
        }
    }
}

/// How many attempts a read gets and how long to wait between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts of a [`Effect::Read`], the first included (a [`Effect::Write`] gets one).
    pub attempts: u32,
    /// The wait before the first retry.
    pub first_delay: Duration,
    /// Each later wait is this many times the one before.
    pub growth: u32,
}

impl RetryPolicy {
    /// Three attempts, 300 ms and then 900 ms apart: a blip of the network or one overloaded
    /// server passes; a service that is down fails within about a second and a half.
    pub const STANDARD: RetryPolicy = RetryPolicy {
        attempts: 3,
        first_delay: Duration::from_millis(300),
        growth: 3,
    };

    /// This policy with `attempts` for a read.
    pub const fn with_attempts(self, attempts: u32) -> Self {
        RetryPolicy { attempts, ..self }
    }

    /// Attempts a call of `effect` gets: at least one.
    pub fn attempts_for(&self, effect: Effect) -> u32 {
        match effect {
            Effect::Read => self.attempts.max(1),
            Effect::Write => 1,
        }
    }

    /// The wait before retry number `retry` (1 is the second attempt).
    pub fn delay_before(&self, retry: u32) -> Duration {
        let factor = self.growth.saturating_pow(retry.saturating_sub(1));
        self.first_delay.saturating_mul(factor)
    }

    /// Runs `attempt` until it succeeds, fails for good, or the attempts of `effect` run out;
    /// the error of the last attempt is the answer. `what` names the call in the log.
    pub async fn run<T, F, Fut>(&self, effect: Effect, what: &str, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, Failure>>,
    {
        let attempts = self.attempts_for(effect);
        let mut made = 0;
        loop {
            made += 1;
            match attempt().await {
                Ok(value) => return Ok(value),
                Err(Failure::Transient(e)) if made < attempts => {
                    let wait = self.delay_before(made);
                    tracing::warn!("{what}: {e}; trying again in {wait:?}");
                    tokio::time::sleep(wait).await;
                }
                Err(failure) => return Err(failure.into_error()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Instant;

    const TRANSIENT: fn(Error) -> Failure = Failure::Transient;
    const FINAL: fn(Error) -> Failure = Failure::Final;

    const QUICK: RetryPolicy = RetryPolicy {
        attempts: 3,
        first_delay: Duration::ZERO,
        growth: 3,
    };

    /// Runs `policy` over attempts that fail as `failures` says (then succeed); how many were
    /// made, and the result.
    async fn count(
        policy: RetryPolicy,
        effect: Effect,
        failures: &[fn(Error) -> Failure],
    ) -> (u32, Result<u32>) {
        let made = AtomicU32::new(0);
        let result = policy
            .run(effect, "a test call", || {
                let n = made.fetch_add(1, Ordering::SeqCst);
                let failure = failures.get(n as usize).copied();
                async move {
                    match failure {
                        Some(fail) => Err(fail(Error::network(format!("attempt {}", n + 1)))),
                        None => Ok(n + 1),
                    }
                }
            })
            .await;
        (made.load(Ordering::SeqCst), result)
    }

    #[tokio::test]
    async fn a_read_is_asked_again_after_transient_failures_up_to_its_limit() {
        let (made, result) = count(QUICK, Effect::Read, &[TRANSIENT]).await;
        assert_eq!((made, result.unwrap()), (2, 2));
        let (made, result) = count(QUICK, Effect::Read, &[TRANSIENT, TRANSIENT]).await;
        assert_eq!((made, result.unwrap()), (3, 3));
        let (made, result) = count(QUICK, Effect::Read, &[TRANSIENT; 3]).await;
        assert_eq!(made, 3);
        assert_eq!(result.unwrap_err().message, "attempt 3", "the last error");
    }

    #[tokio::test]
    async fn a_final_failure_is_never_asked_again() {
        let (made, result) = count(QUICK, Effect::Read, &[FINAL]).await;
        assert_eq!(made, 1);
        assert_eq!(result.unwrap_err().message, "attempt 1");
        let (made, result) = count(QUICK, Effect::Read, &[TRANSIENT, FINAL]).await;
        assert_eq!(made, 2);
        assert_eq!(result.unwrap_err().message, "attempt 2");
    }

    #[tokio::test]
    async fn a_write_is_made_once_whatever_failed() {
        let (made, result) = count(QUICK, Effect::Write, &[TRANSIENT]).await;
        assert_eq!(made, 1);
        assert!(result.is_err());
        let (made, result) = count(QUICK, Effect::Write, &[]).await;
        assert_eq!((made, result.unwrap()), (1, 1));
    }

    #[tokio::test]
    async fn the_attempt_limit_is_the_policys() {
        let twice = QUICK.with_attempts(2);
        let (made, result) = count(twice, Effect::Read, &[TRANSIENT; 2]).await;
        assert_eq!(made, 2);
        assert!(result.is_err());
        // A limit of zero still makes the call once.
        let (made, _) = count(QUICK.with_attempts(0), Effect::Read, &[]).await;
        assert_eq!(made, 1);
    }

    #[test]
    fn the_waits_grow_by_the_factor() {
        let standard = RetryPolicy::STANDARD;
        assert_eq!(standard.delay_before(1), Duration::from_millis(300));
        assert_eq!(standard.delay_before(2), Duration::from_millis(900));
        assert_eq!(standard.delay_before(3), Duration::from_millis(2700));
        assert_eq!(standard.delay_before(0), Duration::from_millis(300));
        // Never an overflow, however many.
        assert!(standard.delay_before(u32::MAX) > Duration::from_secs(365 * 86_400));
    }

    #[tokio::test]
    async fn the_policy_waits_between_attempts() {
        let policy = RetryPolicy {
            attempts: 3,
            first_delay: Duration::from_millis(40),
            growth: 2,
        };
        let started = Instant::now();
        let (made, result) = count(policy, Effect::Read, &[TRANSIENT, TRANSIENT]).await;
        assert_eq!((made, result.unwrap()), (3, 3));
        // 40 ms, then 80 ms.
        assert!(
            started.elapsed() >= Duration::from_millis(120),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn only_server_errors_among_statuses_are_transient() {
        for (status, transient) in [
            (500, true),
            (502, true),
            (599, true),
            (429, false),
            (404, false),
            (301, false),
        ] {
            let failure = Failure::of_status(status, Error::upstream("x"));
            assert_eq!(
                matches!(failure, Failure::Transient(_)),
                transient,
                "{status}"
            );
        }
    }

    #[test]
    fn a_body_too_large_is_final() {
        let failure = Failure::of_body(BodyError::TooLarge { limit: 1 << 20 }, |_| {
            unreachable!("not a connection failure")
        });
        match failure {
            Failure::Final(e) => assert!(e.message.contains("larger than 1 MiB"), "{e}"),
            Failure::Transient(e) => panic!("transient: {e}"),
        }
    }
}
