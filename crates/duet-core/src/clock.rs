//! The wall clock, read the one way every provider reads it: Unix milliseconds (request stamps,
//! cache busters, the time of a comment) and Unix seconds (key lifetimes, when a play URL runs
//! out). A clock set before 1970 reads as 0, never a panic. And the monotonic clock that paces
//! requests ([`monotonic`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point on the monotonic clock: tokio's, which a paused test runtime can move.
pub use tokio::time::Instant;

/// Now, on the monotonic clock (never goes back; unaffected by the wall clock being set).
pub fn monotonic() -> Instant {
    Instant::now()
}

/// Milliseconds since the Unix epoch, now.
pub fn unix_ms() -> u64 {
    millis(since_epoch(SystemTime::now()))
}

/// Seconds since the Unix epoch, now.
pub fn unix_s() -> u64 {
    since_epoch(SystemTime::now()).as_secs()
}

/// How long after the Unix epoch `at` is; zero for a time before it.
pub fn since_epoch(at: SystemTime) -> Duration {
    at.duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// Whole milliseconds of `duration`, capped at `u64::MAX` (half a billion years away).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_epoch_in_both_units() {
        let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(millis(since_epoch(at)), 1_700_000_000_123);
        assert_eq!(since_epoch(at).as_secs(), 1_700_000_000);
    }

    #[test]
    fn a_clock_before_1970_reads_zero() {
        let before = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(since_epoch(before), Duration::ZERO);
    }

    #[test]
    fn now_is_now_in_both_units() {
        let (s, ms) = (unix_s(), unix_ms());
        // After November 2023, and the two readings agree.
        assert!(s > 1_700_000_000, "{s}");
        assert!(ms / 1000 >= s && ms / 1000 - s <= 1, "{ms} ms vs {s} s");
        let later = unix_ms();
        assert!(later >= ms);
    }

    #[test]
    fn an_absurd_duration_is_capped_not_wrapped() {
        assert_eq!(millis(Duration::MAX), u64::MAX);
    }
}
