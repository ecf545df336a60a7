//! The once-only hand-out of a confirmed QR login's key (`GET /api/login/check`, README "The
//! server's security model"). The seed's users take the cookies of a login elsewhere, so the
//! route gives them out, but only to the first caller after the confirmation and only within
//! [`LOGIN_KEY_WINDOW`] of it: a key that stays readable forever is readable by whoever comes
//! along later. Past the window the login is forgotten (`not_found`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use duet_core::qr::StateObserver;
use duet_core::{LoginState, ProviderId, QrState};

/// How long after its confirmation a login's key can still be handed out.
pub const LOGIN_KEY_WINDOW: Duration = Duration::from_secs(5 * 60);

/// At most this many confirmed logins are remembered; the oldest is forgotten first.
const REMEMBERED: usize = 64;

/// What `/api/login/check` may do with a confirmed login's key now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handout {
    /// Hand it out: this caller is the first (it is now marked handed out).
    Give,
    /// Someone already had it.
    Given,
    /// The window has passed (or the confirmation was never seen): the login is forgotten.
    Forgotten,
}

#[derive(Debug)]
struct Confirmed {
    at: Instant,
    handed_out: bool,
}

/// When each QR login of this server was confirmed and whether its key went out.
#[derive(Debug)]
pub(crate) struct LoginKeys {
    window: Duration,
    confirmed: Mutex<HashMap<(ProviderId, String), Confirmed>>,
}

impl LoginKeys {
    pub(crate) fn new(window: Duration) -> Self {
        Self {
            window,
            confirmed: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn window(&self) -> Duration {
        self.window
    }

    /// An observer for [`duet_core::qr::QrLogins::start`] that notes the moment of confirmation
    /// (it runs before the confirmed state is visible to any reader).
    pub(crate) fn observer(self: &Arc<Self>) -> StateObserver {
        let keys = Arc::clone(self);
        Arc::new(move |state: &LoginState| {
            if state.state == QrState::Confirmed {
                keys.note_confirmed(state.provider, &state.key, Instant::now());
            }
        })
    }

    fn note_confirmed(&self, provider: ProviderId, key: &str, now: Instant) {
        let mut confirmed = self.lock();
        self.forget_old(&mut confirmed, now);
        while confirmed.len() >= REMEMBERED {
            let oldest = confirmed
                .iter()
                .min_by_key(|(_, c)| c.at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(oldest) => confirmed.remove(&oldest),
                None => break,
            };
        }
        confirmed.insert(
            (provider, key.to_owned()),
            Confirmed {
                at: now,
                handed_out: false,
            },
        );
    }

    /// Whether the key of this confirmed login may go out now; the first `Give` is the only one.
    pub(crate) fn claim(&self, provider: ProviderId, key: &str, now: Instant) -> Handout {
        let mut confirmed = self.lock();
        self.forget_old(&mut confirmed, now);
        match confirmed.get_mut(&(provider, key.to_owned())) {
            None => Handout::Forgotten,
            Some(c) if c.handed_out => Handout::Given,
            Some(c) => {
                c.handed_out = true;
                Handout::Give
            }
        }
    }

    /// Whether this confirmed login is past its window (or was never seen confirmed).
    pub(crate) fn is_forgotten(&self, provider: ProviderId, key: &str, now: Instant) -> bool {
        let mut confirmed = self.lock();
        self.forget_old(&mut confirmed, now);
        !confirmed.contains_key(&(provider, key.to_owned()))
    }

    fn forget_old(&self, confirmed: &mut HashMap<(ProviderId, String), Confirmed>, now: Instant) {
        confirmed.retain(|_, c| now.saturating_duration_since(c.at) < self.window);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(ProviderId, String), Confirmed>> {
        // The map holds no invariant a panicking holder could break halfway.
        self.confirmed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_goes_out_once_within_the_window_then_the_login_is_forgotten() {
        let keys = LoginKeys::new(Duration::from_secs(300));
        let t0 = Instant::now();
        assert_eq!(keys.claim(ProviderId::Qq, "k", t0), Handout::Forgotten);
        keys.note_confirmed(ProviderId::Qq, "k", t0);
        assert!(!keys.is_forgotten(ProviderId::Qq, "k", t0));
        assert_eq!(
            keys.claim(ProviderId::Netease, "k", t0),
            Handout::Forgotten,
            "keys are per provider"
        );
        let later = t0 + Duration::from_secs(10);
        assert_eq!(keys.claim(ProviderId::Qq, "k", later), Handout::Give);
        assert_eq!(keys.claim(ProviderId::Qq, "k", later), Handout::Given);
        let past = t0 + Duration::from_secs(300);
        assert!(keys.is_forgotten(ProviderId::Qq, "k", past));
        assert_eq!(keys.claim(ProviderId::Qq, "k", past), Handout::Forgotten);
    }

    #[test]
    fn an_unclaimed_key_expires_too() {
        let keys = LoginKeys::new(Duration::from_secs(60));
        let t0 = Instant::now();
        keys.note_confirmed(ProviderId::Qq, "k", t0);
        assert_eq!(
            keys.claim(ProviderId::Qq, "k", t0 + Duration::from_secs(61)),
            Handout::Forgotten
        );
    }

    #[test]
    fn memory_is_bounded_and_the_oldest_goes_first() {
        let keys = LoginKeys::new(Duration::from_secs(300));
        let t0 = Instant::now();
        for i in 0..REMEMBERED + 5 {
            keys.note_confirmed(
                ProviderId::Qq,
                &format!("k{i}"),
                t0 + Duration::from_millis(i as u64),
            );
        }
        let now = t0 + Duration::from_secs(1);
        assert_eq!(keys.lock().len(), REMEMBERED);
        assert!(keys.is_forgotten(ProviderId::Qq, "k0", now));
        assert_eq!(
            keys.claim(ProviderId::Qq, &format!("k{}", REMEMBERED + 4), now),
            Handout::Give
        );
    }

    #[test]
    fn the_observer_notes_only_confirmations() {
        let keys = Arc::new(LoginKeys::new(Duration::from_secs(300)));
        let observer = keys.observer();
        let mut state = LoginState {
            provider: ProviderId::Qq,
            method: duet_core::QrMethod::Qq,
            key: "k".into(),
            state: QrState::Scanned,
            profile: None,
            message: None,
            error: None,
        };
        observer(&state);
        assert!(keys.is_forgotten(ProviderId::Qq, "k", Instant::now()));
        state.state = QrState::Confirmed;
        observer(&state);
        assert_eq!(
            keys.claim(ProviderId::Qq, "k", Instant::now()),
            Handout::Give
        );
    }
}
