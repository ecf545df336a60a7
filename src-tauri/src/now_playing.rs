//! The app's side of `duet-nowplaying`: the player's events (the ones `playback.rs` already
//! sends the UI) told to the hub, the system's requests handed to the player through the same
//! `Player` calls the UI's commands make, and the `now_playing` preferences applied as they
//! change (media controls on/off, the feed on/off and its port). The playback rate is the
//! `sound` preferences' speed: published as it changes, and set by the system through them,
//! so the settings and the sound follow a change from either side.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use duet_core::{Error, ErrorKind};
use duet_nowplaying::{
    Capabilities, CommandReceiver, Identity, LyricLine, MediaCommand, NowPlaying, PlaybackStatus,
    PlayerInfo, Repeat as SystemRepeat, TrackInfo, WindowHandle,
};
use duet_player::{Player, PlayerState, PlayerStatus, Repeat};
use serde::Serialize;
use specta::Type;
use tokio::sync::watch;

use crate::events::{AppEvent, EventSink};
use crate::prefs::{NowPlayingPrefs, Prefs};

/// The MPRIS bus name's last part: `org.mpris.MediaPlayer2.duet`.
pub const MPRIS_NAME: &str = "duet";
/// The installed `.desktop` entry (`usr/share/applications/Duet.desktop`, from
/// `packaging/linux/duet.desktop`), without its extension.
pub const DESKTOP_ENTRY: &str = "Duet";

/// What runs, for the settings: the feed's URL, or why the feed or the controls could not start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type, tauri_specta::Event)]
#[tauri_specta(event_name = "now-playing-status")]
pub struct NowPlayingStatus {
    pub media_controls: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_controls_error: Option<Error>,
    /// `ws://127.0.0.1:<port>/` while the feed runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_error: Option<Error>,
}

/// Where the app tells the status (the windows' `now-playing-status`, a recorder in tests).
pub type StatusSink = Arc<dyn Fn(&NowPlayingStatus) + Send + Sync>;

/// Sets the playback speed as the settings do (in the `sound` preferences), for the system's
/// `Rate`; the speed is already within [`SPEEDS`].
pub type SpeedSink = Arc<dyn Fn(f32) + Send + Sync>;

/// The speeds the player allows, as the system's controls see them.
pub const SPEEDS: std::ops::RangeInclusive<f64> =
    duet_dsp::MIN_SPEED as f64..=duet_dsp::MAX_SPEED as f64;

/// The speed as a rate: `f32` speeds such as 1.1 read back as 1.1, not 1.100000023841858.
fn rate(speed: f32) -> f64 {
    (f64::from(speed) * 1000.0).round() / 1000.0
}

/// The hub and what the app keeps of it.
pub struct NowPlayingLink {
    hub: NowPlaying,
    commands: Mutex<Option<CommandReceiver>>,
    status: Arc<Mutex<NowPlayingStatus>>,
}

impl Default for NowPlayingLink {
    fn default() -> Self {
        Self::new()
    }
}

impl NowPlayingLink {
    pub fn new() -> Self {
        let (hub, commands) = NowPlaying::new(Identity {
            name: "Duet".into(),
            bus_name: MPRIS_NAME.into(),
            desktop_entry: DESKTOP_ENTRY.into(),
            rates: SPEEDS,
        });
        Self {
            hub,
            commands: Mutex::new(Some(commands)),
            status: Arc::default(),
        }
    }

    pub fn hub(&self) -> &NowPlaying {
        &self.hub
    }

    pub fn status(&self) -> NowPlayingStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `events` as before, the player's among them told to the hub on the way.
    pub fn observe(&self, events: EventSink) -> EventSink {
        let hub = self.hub.clone();
        Arc::new(move |event: AppEvent| {
            publish(&hub, &event);
            events(event);
        })
    }

    /// Hands the system's requests to `player` and follows the preferences from now on. Once;
    /// later calls do nothing. `raise` brings the main window forward.
    pub fn start(
        &self,
        player: Player,
        prefs: watch::Receiver<Prefs>,
        window: WindowHandle,
        hooks: NowPlayingHooks,
    ) {
        let Some(mut commands) = self
            .commands
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        else {
            return;
        };
        let commanded = player.clone();
        let NowPlayingHooks {
            raise,
            set_speed,
            tell,
        } = hooks;
        tauri::async_runtime::spawn(async move {
            while let Some(command) = commands.recv().await {
                match command {
                    MediaCommand::Raise => raise(),
                    MediaCommand::SetRate(rate) => set_speed(rate as f32),
                    command => obey(&commanded, command),
                }
            }
        });
        player_info_now(&self.hub, &player);
        tauri::async_runtime::spawn(follow_prefs(
            self.hub.clone(),
            prefs,
            window,
            self.status.clone(),
            tell,
        ));
    }
}

/// What the system's controls do to the app beyond the player.
pub struct NowPlayingHooks {
    /// Brings the main window forward.
    pub raise: Arc<dyn Fn() + Send + Sync>,
    pub set_speed: SpeedSink,
    pub tell: StatusSink,
}

impl crate::state::Duet {
    /// [`NowPlayingLink::start`] over this app's player.
    pub fn start_now_playing(
        &self,
        prefs: watch::Receiver<Prefs>,
        window: WindowHandle,
        hooks: NowPlayingHooks,
    ) {
        self.now_playing
            .start(self.player.player().clone(), prefs, window, hooks);
    }
}

fn player_info_now(hub: &NowPlaying, player: &Player) {
    let state = player.state();
    hub.set_info(info(&state));
    hub.set_position(state.position_ms, false);
}

fn publish(hub: &NowPlaying, event: &AppEvent) {
    match event {
        AppEvent::PlayerState(state) => hub.set_info(info(&state.0)),
        AppEvent::PlayerPosition(position) => {
            hub.set_position(position.position_ms, position.seeked);
        }
        AppEvent::LyricLine(line) => {
            let current = hub.published().info.track.map(|t| t.id);
            let lyric = match (current, usize::try_from(line.index), &line.text) {
                (Some(track_id), Ok(index), Some(text)) => Some(LyricLine {
                    track_id,
                    index,
                    text: text.clone(),
                    translation: line.translation.clone(),
                }),
                _ => None,
            };
            hub.set_lyric(lyric);
        }
        _ => {}
    }
}

/// The id the system sees: unique across both services.
fn published_track_id(track: &duet_core::Track) -> String {
    format!("{}:{}", track.provider, track.id)
}

fn info(state: &PlayerState) -> PlayerInfo {
    let track = state.track.as_ref().map(|t| TrackInfo {
        id: published_track_id(t),
        title: t.title.clone(),
        artists: t.artists.iter().map(|a| a.name.clone()).collect(),
        album: Some(t.album.name.clone()).filter(|name| !name.is_empty()),
        art_url: t.album.cover_url.clone().filter(|url| !url.is_empty()),
        length_ms: match state.duration_ms {
            0 => t.duration_ms,
            known => known,
        },
    });
    let status = match state.status {
        PlayerStatus::Playing | PlayerStatus::Loading => PlaybackStatus::Playing,
        PlayerStatus::Paused => PlaybackStatus::Paused,
        PlayerStatus::Idle | PlayerStatus::Ended => PlaybackStatus::Stopped,
    };
    let queued = state.queue_length;
    let capabilities = Capabilities {
        can_play: queued > 0,
        can_pause: track.is_some(),
        can_go_next: queued > 1 || (queued == 1 && state.repeat != Repeat::Off),
        can_go_previous: track.is_some(),
        can_seek: track.is_some() && state.duration_ms > 0,
    };
    PlayerInfo {
        track,
        status,
        volume: f64::from(state.volume),
        repeat: match state.repeat {
            Repeat::Off => SystemRepeat::Off,
            Repeat::One => SystemRepeat::Track,
            Repeat::All => SystemRepeat::All,
        },
        shuffle: state.shuffle,
        capabilities,
    }
}

/// One request of the system's for the player, as the UI's command of the same name does it.
fn obey(player: &Player, command: MediaCommand) {
    match command {
        MediaCommand::Play => drop(player.resume()),
        MediaCommand::Pause => drop(player.pause()),
        MediaCommand::PlayPause => drop(player.toggle()),
        MediaCommand::Stop => drop(player.stop()),
        MediaCommand::Next => drop(player.next()),
        MediaCommand::Previous => drop(player.previous()),
        MediaCommand::Seek { offset_ms } => {
            let state = player.state();
            let target = state.position_ms as i64 + offset_ms;
            if state.duration_ms > 0 && target > state.duration_ms as i64 {
                // Past the end: the next track, as MPRIS asks.
                drop(player.next());
            } else {
                drop(player.seek(target.max(0) as u64));
            }
        }
        MediaCommand::SetPosition {
            track_id,
            position_ms,
        } => {
            let state = player.state();
            let current = state.track.as_ref().map(published_track_id);
            if current.is_some() && (track_id.is_none() || track_id == current) {
                drop(player.seek(position_ms));
            }
        }
        MediaCommand::SetVolume(volume) => {
            if let Err(e) = player.set_volume(volume as f32) {
                tracing::debug!("media controls: {e}");
            }
        }
        MediaCommand::SetRepeat(repeat) => {
            let repeat = match repeat {
                SystemRepeat::Off => Repeat::Off,
                SystemRepeat::Track => Repeat::One,
                SystemRepeat::All => Repeat::All,
            };
            drop(player.set_mode(repeat, player.state().shuffle));
        }
        MediaCommand::SetShuffle(shuffle) => drop(player.set_mode(player.state().repeat, shuffle)),
        MediaCommand::Raise | MediaCommand::SetRate(_) => {}
    }
}

async fn follow_prefs(
    hub: NowPlaying,
    mut prefs: watch::Receiver<Prefs>,
    window: WindowHandle,
    status: Arc<Mutex<NowPlayingStatus>>,
    tell: StatusSink,
) {
    let mut applied: Option<NowPlayingPrefs> = None;
    loop {
        let (wanted, speed) = {
            let prefs = prefs.borrow_and_update();
            (prefs.now_playing.clone(), prefs.sound.speed)
        };
        hub.set_rate(rate(speed));
        if applied.as_ref() != Some(&wanted) {
            let now = apply(&hub, &wanted, window).await;
            *status.lock().unwrap_or_else(|e| e.into_inner()) = now.clone();
            tell(&now);
            applied = Some(wanted);
        }
        if prefs.changed().await.is_err() {
            return;
        }
    }
}

async fn apply(
    hub: &NowPlaying,
    wanted: &NowPlayingPrefs,
    window: WindowHandle,
) -> NowPlayingStatus {
    let mut status = NowPlayingStatus::default();
    if wanted.media_controls {
        match hub.enable_system_controls(window).await {
            Ok(()) => status.media_controls = true,
            Err(e) => {
                tracing::warn!("{e}");
                status.media_controls_error =
                    Some(Error::new(ErrorKind::Unavailable, e.to_string()));
            }
        }
    } else {
        hub.disable_system_controls().await;
    }
    if wanted.feed_enabled {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, wanted.feed_port));
        match hub.start_feed(addr).await {
            Ok(bound) => status.feed_url = Some(feed_url(bound)),
            Err(e) => {
                tracing::warn!("{e}");
                status.feed_error = Some(Error::new(ErrorKind::Unavailable, e.to_string()));
            }
        }
    } else {
        hub.stop_feed().await;
    }
    status
}

pub fn feed_url(addr: SocketAddr) -> String {
    format!("ws://{addr}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tauri's deb and rpm install the entry as `<productName>.desktop` (bundle.rs checks the
    /// package): MPRIS names that file, or desktops cannot find Duet's icon and name.
    #[test]
    fn the_desktop_entry_is_the_one_the_packages_install() {
        let config: serde_json::Value = serde_json::from_str(include_str!("../../tauri.conf.json"))
            .expect("tauri.conf.json is JSON");
        assert_eq!(config["productName"], DESKTOP_ENTRY);
    }
}
