//! The second source of lyrics (LRCLIB, `duet-lrclib`), opt-in through the `lyrics.lrclib`
//! preference: asked only for a track whose service had no lines, by the lyrics page's command
//! and by the line follower (so the desktop lyrics and the now-playing feed get the same lines).
//! Its answers are kept per track for the session.

use std::sync::OnceLock;

use tokio::sync::watch;

use duet_core::{Lyrics, Provider, Result, Track, Upstream};
use duet_lrclib::{Lrclib, LrclibClient};

use crate::prefs::Prefs;

pub struct SecondSource {
    lrclib: Option<Lrclib>,
    /// The preferences as they are now (the `lyrics.lrclib` switch is read at each ask, so a
    /// change applies from the moment `prefs_set` answers); off until connected.
    prefs: OnceLock<watch::Receiver<Prefs>>,
}

impl SecondSource {
    /// Off until the preferences are connected ([`follow_lyrics_source`]); LRCLIB reached
    /// through `upstream` (the fake under `DUET_UPSTREAM`).
    ///
    /// [`follow_lyrics_source`]: crate::state::Duet::follow_lyrics_source
    pub fn new(upstream: &Upstream) -> Self {
        let lrclib = match LrclibClient::new(upstream.clone()) {
            Ok(client) => Some(Lrclib::new(client)),
            Err(e) => {
                tracing::warn!("LRCLIB cannot be asked: {e}");
                None
            }
        };
        Self {
            lrclib,
            prefs: OnceLock::new(),
        }
    }

    fn lrclib(&self) -> Option<&Lrclib> {
        let on = self
            .prefs
            .get()
            .is_some_and(|prefs| prefs.borrow().lyrics.lrclib);
        self.lrclib.as_ref().filter(|_| on)
    }

    /// `provider`'s lyrics of `id`, filled in from LRCLIB when it is on and they have no lines.
    pub async fn lyrics_of(&self, provider: &dyn Provider, id: &str) -> Result<Lyrics> {
        duet_lrclib::lyrics_with_fallback(provider, id, self.lrclib()).await
    }

    /// The service's `lyrics` of `track`, filled in from LRCLIB when it is on and they have no
    /// lines.
    pub async fn fill_in(&self, lyrics: Lyrics, track: &Track) -> Lyrics {
        match self.lrclib() {
            Some(lrclib) => lrclib.fill_in(lyrics, track).await,
            None => lyrics,
        }
    }
}

impl crate::state::Duet {
    /// Reads the `lyrics.lrclib` preference from `prefs` at each ask from now on.
    pub fn follow_lyrics_source(&self, prefs: &crate::prefs::PrefsStore) {
        let _ = self.player.second_source.prefs.set(prefs.watch());
    }
}
