//! Playback for the app: the `duet-player` engine over the providers' stream URLs, its events
//! forwarded to the UI, and the current lyric line followed from the position.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use duet_anywhere::{Anywhere, Plays};
use duet_core::{Lyrics, Provider, ProviderId, Quality, Result, StreamUrl, Track};
use duet_player::{Player, PlayerEvent, PlayerOptions, PlayerState, Resolved, StreamResolver};

use crate::events::{
    AppEvent, ErrorEvent, EventSink, LyricLineChanged, PlayerDeviceLost, PlayerPosition,
    PlayerSkipped, PlayerStateChanged,
};
use crate::lyric_offset::{lyric_position, LyricOffsets};

/// The quality tracks are played (and kept offline) in.
pub const PLAY_QUALITY: Quality = Quality::High;

/// Stream URLs come from the track's own provider, asked right before playing (they expire);
/// when it cannot play the track, play anywhere ([`Anywhere`]) may take the other service's.
struct ProviderResolver {
    providers: BTreeMap<ProviderId, Arc<dyn Provider>>,
    anywhere: Arc<Anywhere>,
    /// The `playback.play_anywhere` preference.
    anywhere_on: Arc<AtomicBool>,
}

impl ProviderResolver {
    fn provider(&self, id: ProviderId) -> Result<&Arc<dyn Provider>> {
        self.providers
            .get(&id)
            .ok_or_else(|| duet_core::Error::not_found(format!("{id} is not available")))
    }
}

#[async_trait]
impl StreamResolver for ProviderResolver {
    async fn resolve(&self, track: &Track) -> Result<StreamUrl> {
        self.provider(track.provider)?
            .stream_url(&track.id, PLAY_QUALITY)
            .await
    }

    async fn resolve_play(&self, track: &Track) -> Result<Resolved> {
        let original = if track.playable {
            self.resolve(track).await
        } else {
            Err(duet_player::unplayable(track))
        };
        let other = self
            .providers
            .values()
            .find(|p| p.id() != track.provider)
            .map(|p| p.as_ref());
        let setting = self.anywhere_on.load(Ordering::Relaxed).into();
        let plays = self
            .anywhere
            .resolve(track, original, other, PLAY_QUALITY, setting)
            .await?;
        Ok(match plays {
            Plays::Original(url) => Resolved {
                url,
                substitute: None,
            },
            Plays::Substitute { track, url } => Resolved {
                url,
                substitute: Some(*track),
            },
        })
    }
}

/// The lyrics of the playing track and the line last reported (with the offset it was timed by).
#[derive(Default)]
struct LyricFollower {
    track: Option<(ProviderId, String)>,
    lyrics: Option<Lyrics>,
    line: Option<(Option<usize>, i64)>,
}

pub struct Playback {
    player: Player,
    anywhere: Arc<Anywhere>,
    anywhere_on: Arc<AtomicBool>,
    offsets: Arc<LyricOffsets>,
    follower: Arc<Mutex<LyricFollower>>,
    /// LRCLIB, when the service has no lyrics and the person turned it on.
    pub(crate) second_source: Arc<crate::lyrics_source::SecondSource>,
    events: EventSink,
    /// The latest state, for the desktop's own parts (tray, notifications) to follow.
    latest: tokio::sync::watch::Sender<PlayerState>,
}

impl Playback {
    /// Must be called inside the async runtime (the app's, or a test's).
    pub fn new(
        providers: BTreeMap<ProviderId, Arc<dyn Provider>>,
        events: EventSink,
        second_source: Arc<crate::lyrics_source::SecondSource>,
    ) -> Self {
        let anywhere = Arc::new(Anywhere::new());
        let anywhere_on = Arc::new(AtomicBool::new(
            crate::prefs::PlaybackPrefs::default().play_anywhere,
        ));
        let resolver = Arc::new(ProviderResolver {
            providers: providers.clone(),
            anywhere: anywhere.clone(),
            anywhere_on: anywhere_on.clone(),
        });
        let player = Player::new(
            resolver,
            duet_player::output_from_env(),
            PlayerOptions::default(),
        );
        let follower = Arc::new(Mutex::new(LyricFollower::default()));
        let offsets = Arc::new(LyricOffsets::default());
        let latest = tokio::sync::watch::Sender::new(player.state());
        let mut updates = player.subscribe();
        {
            let (events, follower, offsets) = (events.clone(), follower.clone(), offsets.clone());
            let states = latest.clone();
            let second_source = second_source.clone();
            tokio::spawn(async move {
                while let Some(event) = updates.recv().await {
                    if let PlayerEvent::State(state) = &event {
                        states.send_replace(state.clone());
                    }
                    let lyrics = LyricSources {
                        providers: &providers,
                        second: &second_source,
                    };
                    forward(event, &events, &follower, lyrics, &offsets);
                }
            });
        }
        Self {
            player,
            anywhere,
            anywhere_on,
            offsets,
            follower,
            second_source,
            events,
            latest,
        }
    }

    /// Follows the player's state (every `player-state` the UI gets, not the position ticks).
    pub fn watch_state(&self) -> tokio::sync::watch::Receiver<PlayerState> {
        self.latest.subscribe()
    }

    pub fn player(&self) -> &Player {
        &self.player
    }

    /// Turns play anywhere on or off (the `playback.play_anywhere` preference); from the next
    /// track that is resolved on.
    pub fn set_play_anywhere(&self, on: bool) {
        self.anywhere_on.store(on, Ordering::Relaxed);
    }

    /// The way back from a substitute: the current track plays again from the start, from its
    /// own service only (its trial clip, or its own error), for the rest of the session.
    pub fn keep_original(&self) -> Result<PlayerState> {
        let state = self.player.state();
        let (Some(track), Some(index)) = (&state.track, state.index) else {
            return Err(duet_core::Error::bad_request("nothing is playing"));
        };
        self.anywhere.keep_original(track);
        if state.substitute.is_none() {
            return Ok(state);
        }
        self.player.jump(index)
    }

    /// The lyrics the playing track's lines are followed in, once fetched.
    pub fn playing_lyrics(&self) -> Option<Lyrics> {
        self.follower.lock().expect("poisoned").lyrics.clone()
    }

    /// The per-track lyric offsets the lines are timed by.
    pub fn offsets(&self) -> &LyricOffsets {
        &self.offsets
    }

    /// Sets a track's lyric offset; when that track is playing, its line is told again at once
    /// (paused too), timed by the new offset.
    pub fn set_lyric_offset(
        &self,
        provider: ProviderId,
        track_id: &str,
        offset_ms: i64,
    ) -> Result<i64> {
        let offset_ms = self.offsets.set(provider, track_id, offset_ms)?;
        let position_ms = self.player.state().position_ms;
        follow_line(position_ms, &self.events, &self.follower, &self.offsets);
        Ok(offset_ms)
    }
}

impl crate::state::Duet {
    /// Applies the `playback` preferences (play anywhere) now and on every change.
    pub fn follow_playback(&self, prefs: &crate::prefs::PrefsStore) {
        let on = self.player.anywhere_on.clone();
        let mut changes = prefs.watch();
        on.store(
            changes.borrow_and_update().playback.play_anywhere,
            Ordering::Relaxed,
        );
        tauri::async_runtime::spawn(async move {
            while changes.changed().await.is_ok() {
                let next = changes.borrow_and_update().playback.play_anywhere;
                on.store(next, Ordering::Relaxed);
            }
        });
    }
}

/// Where the follower's lyrics come from: the track's service, then the second source.
#[derive(Clone, Copy)]
struct LyricSources<'a> {
    providers: &'a BTreeMap<ProviderId, Arc<dyn Provider>>,
    second: &'a Arc<crate::lyrics_source::SecondSource>,
}

fn forward(
    event: PlayerEvent,
    events: &EventSink,
    follower: &Arc<Mutex<LyricFollower>>,
    lyrics: LyricSources<'_>,
    offsets: &LyricOffsets,
) {
    match event {
        PlayerEvent::State(state) => {
            // The lines follow what is heard: a substitute's own lyrics, timed to its audio.
            let heard = state.substitute.as_deref().or(state.track.as_ref());
            let playing = heard.map(|t| (t.provider, t.id.clone()));
            let changed = {
                let mut f = follower.lock().expect("poisoned");
                let changed = f.track != playing;
                if changed {
                    *f = LyricFollower {
                        track: playing.clone(),
                        ..LyricFollower::default()
                    };
                }
                changed
            };
            if let (true, Some(track)) = (changed, heard) {
                fetch_lyrics(track.clone(), lyrics, follower.clone());
            }
            events(AppEvent::PlayerState(Box::new(PlayerStateChanged(state))));
        }
        PlayerEvent::Position(update) => {
            events(AppEvent::PlayerPosition(PlayerPosition {
                position_ms: update.position_ms,
                duration_ms: update.duration_ms,
                seeked: update.seeked,
            }));
            follow_line(update.position_ms, events, follower, offsets);
        }
        PlayerEvent::Skipped(skipped) => events(AppEvent::PlayerSkipped(Box::new(PlayerSkipped {
            track: skipped.track,
            reason: skipped.reason,
        }))),
        PlayerEvent::Error(error) => events(AppEvent::Error(ErrorEvent(error))),
        PlayerEvent::DeviceLost(lost) => events(AppEvent::PlayerDeviceLost(PlayerDeviceLost(lost))),
    }
}

/// Tells the current line at `position_ms` (moved by the track's offset) when it, or the offset,
/// changed since it was last told.
fn follow_line(
    position_ms: u64,
    events: &EventSink,
    follower: &Mutex<LyricFollower>,
    offsets: &LyricOffsets,
) {
    let changed = {
        let mut f = follower.lock().expect("poisoned");
        let current = match (&f.lyrics, &f.track) {
            (Some(lyrics), Some((provider, id))) => {
                let offset_ms = offsets.get(*provider, id);
                let line = lyrics.line_at(lyric_position(position_ms, offset_ms));
                Some((id.clone(), line, offset_ms))
            }
            _ => None,
        };
        match current {
            Some((id, line, offset_ms)) if f.line != Some((line, offset_ms)) => {
                f.line = Some((line, offset_ms));
                let shown = line
                    .and_then(|i| f.lyrics.as_ref()?.lines.get(i))
                    .map(|l| (l.text.clone(), l.translation.clone()));
                Some((id, line, offset_ms, shown))
            }
            _ => None,
        }
    };
    if let Some((track_id, line, offset_ms, shown)) = changed {
        let (text, translation) = shown.unzip();
        events(AppEvent::LyricLine(LyricLineChanged {
            track_id,
            index: line.map_or(-1, |i| i as i64),
            text,
            translation: translation.flatten(),
            offset_ms,
        }));
    }
}

fn fetch_lyrics(track: Track, sources: LyricSources<'_>, follower: Arc<Mutex<LyricFollower>>) {
    let Some(service) = sources.providers.get(&track.provider).cloned() else {
        return;
    };
    let second = sources.second.clone();
    tokio::spawn(async move {
        let (provider, id) = (track.provider, track.id.clone());
        let found = match service.lyrics(&id).await {
            Ok(own) => Ok(second.fill_in(own, &track).await),
            Err(e) => Err(e),
        };
        match found {
            Ok(lyrics) => {
                let mut f = follower.lock().expect("poisoned");
                if f.track.as_ref() == Some(&(provider, id)) {
                    f.lyrics = Some(lyrics);
                }
            }
            Err(e) => tracing::debug!("no lyrics to follow: {e}"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_player::{DeviceLost, DeviceLostAction};

    /// The player's word that its device went away reaches the windows as `player-device-lost`,
    /// with both devices' names for the toast.
    #[test]
    fn a_lost_device_is_told_to_the_windows() {
        let told = Arc::new(Mutex::new(Vec::new()));
        let sink: EventSink = {
            let told = told.clone();
            Arc::new(move |event: AppEvent| {
                told.lock().unwrap().push((event.name(), event.payload()));
            })
        };
        let lost = DeviceLost {
            action: DeviceLostAction::MoveToDefault,
            lost: Some("USB DAC".into()),
            now_on: Some("Built-in Audio".into()),
        };
        forward(
            PlayerEvent::DeviceLost(lost),
            &sink,
            &Arc::default(),
            LyricSources {
                providers: &BTreeMap::new(),
                second: &Arc::new(crate::lyrics_source::SecondSource::new(
                    &duet_core::Upstream::Direct,
                )),
            },
            &LyricOffsets::default(),
        );
        assert_eq!(
            *told.lock().unwrap(),
            [(
                "player-device-lost",
                serde_json::json!({
                    "action": "move_to_default",
                    "lost": "USB DAC",
                    "now_on": "Built-in Audio"
                })
            )]
        );
    }
}
