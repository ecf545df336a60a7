//! Playback for the app: the `duet-player` engine over the providers' stream URLs, its events
//! forwarded to the UI, and the current lyric line followed from the position.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use duet_core::{Lyrics, Provider, ProviderId, Quality, Result, StreamUrl, Track};
use duet_player::{Player, PlayerEvent, PlayerOptions, StreamResolver};

use crate::events::{
    AppEvent, ErrorEvent, EventSink, LyricLineChanged, PlayerDeviceLost, PlayerPosition,
    PlayerSkipped, PlayerStateChanged,
};
use crate::lyric_offset::{lyric_position, LyricOffsets};

/// The quality tracks are played (and kept offline) in.
pub const PLAY_QUALITY: Quality = Quality::High;

/// Stream URLs come from the track's own provider, asked right before playing (they expire).
struct ProviderResolver {
    providers: BTreeMap<ProviderId, Arc<dyn Provider>>,
}

#[async_trait]
impl StreamResolver for ProviderResolver {
    async fn resolve(&self, track: &Track) -> Result<StreamUrl> {
        let provider = self.providers.get(&track.provider).ok_or_else(|| {
            duet_core::Error::not_found(format!("{} is not available", track.provider))
        })?;
        provider.stream_url(&track.id, PLAY_QUALITY).await
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
    offsets: Arc<LyricOffsets>,
    follower: Arc<Mutex<LyricFollower>>,
    events: EventSink,
    /// The latest state, for the desktop's own parts (tray, notifications) to follow.
    latest: tokio::sync::watch::Sender<duet_player::PlayerState>,
}

impl Playback {
    /// Must be called inside the async runtime (the app's, or a test's).
    pub fn new(providers: BTreeMap<ProviderId, Arc<dyn Provider>>, events: EventSink) -> Self {
        let resolver = Arc::new(ProviderResolver {
            providers: providers.clone(),
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
            tokio::spawn(async move {
                while let Some(event) = updates.recv().await {
                    if let PlayerEvent::State(state) = &event {
                        states.send_replace(state.clone());
                    }
                    forward(event, &events, &follower, &providers, &offsets);
                }
            });
        }
        Self {
            player,
            offsets,
            follower,
            events,
            latest,
        }
    }

    /// Follows the player's state (every `player-state` the UI gets, not the position ticks).
    pub fn watch_state(&self) -> tokio::sync::watch::Receiver<duet_player::PlayerState> {
        self.latest.subscribe()
    }

    pub fn player(&self) -> &Player {
        &self.player
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

fn forward(
    event: PlayerEvent,
    events: &EventSink,
    follower: &Arc<Mutex<LyricFollower>>,
    providers: &BTreeMap<ProviderId, Arc<dyn Provider>>,
    offsets: &LyricOffsets,
) {
    match event {
        PlayerEvent::State(state) => {
            let playing = state.track.as_ref().map(|t| (t.provider, t.id.clone()));
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
            if let (true, Some((provider, id))) = (changed, playing) {
                fetch_lyrics(provider, id, providers, follower.clone());
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

fn fetch_lyrics(
    provider: ProviderId,
    id: String,
    providers: &BTreeMap<ProviderId, Arc<dyn Provider>>,
    follower: Arc<Mutex<LyricFollower>>,
) {
    let Some(service) = providers.get(&provider).cloned() else {
        return;
    };
    tokio::spawn(async move {
        match service.lyrics(&id).await {
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
            &BTreeMap::new(),
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
