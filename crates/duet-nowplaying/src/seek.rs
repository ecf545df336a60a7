//! Telling a seek from the clock ticking. The player reports its position about four times a
//! second and once right after a seek, without saying which is which; MPRIS wants `Seeked` on a
//! jump only (clients extrapolate the position between signals), so a jump is recognised here.

use std::time::{Duration, Instant};

/// Positions only move forward with time while playing, and lag behind it while buffering: a
/// step back of more than this, or forward by more than the time passed plus this, is a seek.
pub const SEEK_TOLERANCE: Duration = Duration::from_millis(900);

#[derive(Debug, Default)]
pub struct SeekDetector {
    last: Option<(u64, Instant)>,
}

impl SeekDetector {
    /// Forgets the last position (a new track starts from its own beginning, which is no seek).
    pub fn reset(&mut self) {
        self.last = None;
    }

    /// Whether `position_ms`, reported at `now`, is a jump from the last one reported.
    pub fn observe(&mut self, position_ms: u64, playing: bool, now: Instant) -> bool {
        let jumped = self.last.is_some_and(|(last_ms, at)| {
            let tolerance = SEEK_TOLERANCE.as_millis() as u64;
            let elapsed = if playing {
                now.saturating_duration_since(at).as_millis() as u64
            } else {
                0
            };
            position_ms + tolerance < last_ms || position_ms > last_ms + elapsed + tolerance
        });
        self.last = Some((position_ms, now));
        jumped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_not_seeks_and_jumps_both_ways_are() {
        let mut detector = SeekDetector::default();
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        assert!(!detector.observe(0, true, at(0)), "the first position");
        for tick in 1..=20 {
            assert!(!detector.observe(tick * 250, true, at(tick * 250)));
        }
        assert!(detector.observe(60_000, true, at(5_100)), "forward");
        assert!(!detector.observe(60_250, true, at(5_350)));
        assert!(detector.observe(0, true, at(5_400)), "back to the start");
    }

    #[test]
    fn a_stall_or_a_pause_is_not_a_seek() {
        let mut detector = SeekDetector::default();
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        detector.observe(10_000, true, at(0));
        assert!(!detector.observe(10_100, true, at(4_000)), "buffering lags");
        assert!(!detector.observe(10_100, false, at(60_000)), "paused");
        assert!(
            detector.observe(30_000, false, at(60_100)),
            "a seek while paused"
        );
        detector.reset();
        assert!(!detector.observe(0, true, at(60_200)), "a new track");
    }
}
