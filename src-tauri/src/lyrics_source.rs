//! The second source of lyrics (LRCLIB, `duet-lrclib`), opt-in through the `lyrics.lrclib`
//! preference: asked only for a track whose service had no lines, by the lyrics page's command
//! and by the line follower (so the desktop lyrics and the now-playing feed get the same lines).
//! Its answers are kept per track for the session.

use std::sync::atomic::{AtomicBool, Ordering};

use duet_core::{Lyrics, Provider, Result, Track, Upstream};
use duet_lrclib::{Lrclib, LrclibClient};

pub struct SecondSource {
    lrclib: Option<Lrclib>,
    on: AtomicBool,
}

impl SecondSource {
    /// Off until [`set_on`](Self::set_on); LRCLIB reached through `upstream` (the fake under
    /// `DUET_UPSTREAM`).
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
            on: AtomicBool::new(crate::prefs::LyricsPrefs::default().lrclib),
        }
    }

    pub fn set_on(&self, on: bool) {
        self.on.store(on, Ordering::Relaxed);
    }

    fn lrclib(&self) -> Option<&Lrclib> {
        self.lrclib
            .as_ref()
            .filter(|_| self.on.load(Ordering::Relaxed))
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
    /// Applies the `lyrics.lrclib` preference now and on every change.
    pub fn follow_lyrics_source(&self, prefs: &crate::prefs::PrefsStore) {
        let source = self.player.second_source.clone();
        let mut changes = prefs.watch();
        source.set_on(changes.borrow_and_update().lyrics.lrclib);
        tauri::async_runtime::spawn(async move {
            while changes.changed().await.is_ok() {
                let on = changes.borrow_and_update().lyrics.lrclib;
                source.set_on(on);
            }
        });
    }
}
