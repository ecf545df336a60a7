//! The life of one login QR code, shared by every service's fake: issued → scanned →
//! confirmed → spent (the login was handed out), or refused / expired. Demo mode walks a
//! polled code through scan and confirm by itself.

use std::time::Instant;

use crate::FakeConfig;

/// Where a QR code is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Waiting,
    Scanned,
    Confirmed,
    Spent,
    Refused,
    Expired,
}

/// One QR code's clock and phase.
#[derive(Debug, Clone)]
pub(crate) struct QrClock {
    pub created: Instant,
    pub phase: Phase,
    pub polls: Vec<Instant>,
    scanned_at: Option<Instant>,
}

impl QrClock {
    pub(crate) fn new(now: Instant) -> Self {
        QrClock {
            created: now,
            phase: Phase::Waiting,
            polls: Vec::new(),
            scanned_at: None,
        }
    }

    /// Brings the phase up to `now`: demo auto-scan/confirm, then the lifetime.
    pub(crate) fn advance(&mut self, config: &FakeConfig, now: Instant) {
        let expires_at = self.created + config.qr_lifetime;
        if config.demo {
            if let Some(&first) = self.polls.first() {
                let scan_at = first + config.demo_scan_after;
                if self.phase == Phase::Waiting && now >= scan_at && scan_at < expires_at {
                    self.phase = Phase::Scanned;
                    self.scanned_at = Some(scan_at);
                }
                if self.phase == Phase::Scanned {
                    let scanned = self.scanned_at.unwrap_or(scan_at);
                    let confirm_at = scanned + config.demo_confirm_after;
                    if now >= confirm_at && confirm_at < expires_at {
                        self.phase = Phase::Confirmed;
                    }
                }
            }
        }
        if now >= expires_at && !matches!(self.phase, Phase::Spent | Phase::Refused) {
            self.phase = Phase::Expired;
        }
    }

    /// Records a poll at `now` and returns the phase it sees.
    pub(crate) fn poll(&mut self, config: &FakeConfig, now: Instant) -> Phase {
        self.polls.push(now);
        self.advance(config, now);
        self.phase
    }

    /// Waiting → scanned (scanned stays scanned). False in any other phase.
    pub(crate) fn scan(&mut self, config: &FakeConfig, now: Instant) -> bool {
        self.advance(config, now);
        match self.phase {
            Phase::Waiting => {
                self.phase = Phase::Scanned;
                self.scanned_at = Some(now);
                true
            }
            Phase::Scanned => true,
            _ => false,
        }
    }

    /// Waiting or scanned → confirmed (confirmed stays confirmed). False otherwise.
    pub(crate) fn confirm(&mut self, config: &FakeConfig, now: Instant) -> bool {
        self.advance(config, now);
        match self.phase {
            Phase::Waiting | Phase::Scanned => {
                self.scanned_at.get_or_insert(now);
                self.phase = Phase::Confirmed;
                true
            }
            Phase::Confirmed => true,
            _ => false,
        }
    }

    /// Waiting or scanned → refused on the phone. False otherwise.
    pub(crate) fn refuse(&mut self, config: &FakeConfig, now: Instant) -> bool {
        self.advance(config, now);
        match self.phase {
            Phase::Waiting | Phase::Scanned | Phase::Refused => {
                self.phase = Phase::Refused;
                true
            }
            _ => false,
        }
    }

    /// Any phase → expired.
    pub(crate) fn expire(&mut self) {
        self.phase = Phase::Expired;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn demo_walks_and_lifetime_ends() {
        let config = FakeConfig {
            demo: true,
            qr_lifetime: Duration::from_secs(60),
            demo_scan_after: Duration::from_secs(1),
            demo_confirm_after: Duration::from_secs(1),
            ..FakeConfig::default()
        };
        let t0 = Instant::now();
        let mut c = QrClock::new(t0);
        assert_eq!(c.poll(&config, t0), Phase::Waiting);
        assert_eq!(
            c.poll(&config, t0 + Duration::from_millis(1500)),
            Phase::Scanned
        );
        assert_eq!(
            c.poll(&config, t0 + Duration::from_secs(2)),
            Phase::Confirmed
        );
        c.advance(&config, t0 + Duration::from_secs(61));
        assert_eq!(c.phase, Phase::Expired);

        let manual = FakeConfig::default();
        let mut c = QrClock::new(t0);
        assert!(c.refuse(&manual, t0));
        assert!(!c.confirm(&manual, t0));
        assert_eq!(c.phase, Phase::Refused);
    }
}
