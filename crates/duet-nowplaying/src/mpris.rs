//! Linux: MPRIS (`org.mpris.MediaPlayer2.<bus_name>` on the session bus), through
//! `mpris-server`'s `Server`, whose getters read the hub's latest state when a client asks. So
//! the position is never signalled (clients ask, or extrapolate from `Seeked`), and
//! `PropertiesChanged` goes out only for what changed.

use mpris_server::zbus::{fdo, Error as BusError, Result as BusResult};
use mpris_server::{
    LoopStatus, Metadata, PlaybackRate, PlaybackStatus as MprisStatus, PlayerInterface, Property,
    RootInterface, Server, Signal, Time, TrackId, Volume,
};
use tokio::sync::{mpsc, watch};

use crate::{
    Identity, MediaCommand, NowPlayingError, PlaybackStatus, PlayerInfo, Published, Repeat,
    WindowHandle,
};

/// Where every track's MPRIS id lives (`mpris:trackid` must be a D-Bus object path of our own,
/// not under `/org/mpris`).
const TRACK_PATH: &str = "/app/duet/track/";

/// A track id as an object path: letters and digits kept, anything else as `_XX` (hex), so
/// distinct ids stay distinct paths.
pub fn track_object_path(id: &str) -> String {
    let mut path = String::from(TRACK_PATH);
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() {
            path.push(byte as char);
        } else {
            path.push_str(&format!("_{byte:02x}"));
        }
    }
    if id.is_empty() {
        path.push('_');
    }
    path
}

fn track_id(info: &PlayerInfo) -> TrackId {
    info.track
        .as_ref()
        .and_then(|t| TrackId::try_from(track_object_path(&t.id)).ok())
        .unwrap_or(TrackId::NO_TRACK)
}

fn metadata(info: &PlayerInfo) -> Metadata {
    let Some(track) = &info.track else {
        return Metadata::builder().trackid(TrackId::NO_TRACK).build();
    };
    let mut builder = Metadata::builder()
        .trackid(track_id(info))
        .title(track.title.clone())
        .artist(track.artists.clone());
    if let Some(album) = &track.album {
        builder = builder.album(album.clone());
    }
    if let Some(art) = &track.art_url {
        builder = builder.art_url(art.clone());
    }
    if track.length_ms > 0 {
        builder = builder.length(Time::from_millis(track.length_ms as i64));
    }
    builder.build()
}

fn loop_status(repeat: Repeat) -> LoopStatus {
    match repeat {
        Repeat::Off => LoopStatus::None,
        Repeat::Track => LoopStatus::Track,
        Repeat::All => LoopStatus::Playlist,
    }
}

fn status(status: PlaybackStatus) -> MprisStatus {
    match status {
        PlaybackStatus::Playing => MprisStatus::Playing,
        PlaybackStatus::Paused => MprisStatus::Paused,
        PlaybackStatus::Stopped => MprisStatus::Stopped,
    }
}

/// What changed between two states, as MPRIS properties (the position is none of them).
fn changed_properties(before: &PlayerInfo, after: &PlayerInfo) -> Vec<Property> {
    let mut changed = Vec::new();
    if before.status != after.status {
        changed.push(Property::PlaybackStatus(status(after.status)));
    }
    if before.track != after.track {
        changed.push(Property::Metadata(metadata(after)));
    }
    if before.volume != after.volume {
        changed.push(Property::Volume(after.volume));
    }
    if before.repeat != after.repeat {
        changed.push(Property::LoopStatus(loop_status(after.repeat)));
    }
    if before.shuffle != after.shuffle {
        changed.push(Property::Shuffle(after.shuffle));
    }
    let (b, a) = (&before.capabilities, &after.capabilities);
    if b.can_go_next != a.can_go_next {
        changed.push(Property::CanGoNext(a.can_go_next));
    }
    if b.can_go_previous != a.can_go_previous {
        changed.push(Property::CanGoPrevious(a.can_go_previous));
    }
    if b.can_play != a.can_play {
        changed.push(Property::CanPlay(a.can_play));
    }
    if b.can_pause != a.can_pause {
        changed.push(Property::CanPause(a.can_pause));
    }
    if b.can_seek != a.can_seek {
        changed.push(Property::CanSeek(a.can_seek));
    }
    changed
}

struct Imp {
    identity: Identity,
    published: watch::Receiver<Published>,
    commands: mpsc::UnboundedSender<MediaCommand>,
}

impl Imp {
    fn info(&self) -> PlayerInfo {
        self.published.borrow().info.clone()
    }

    /// What a client's `Rate` asks for: 0 is a pause (the specification's wish), anything else
    /// is held within the player's rates.
    fn rate_command(&self, rate: PlaybackRate) -> Result<MediaCommand, BusError> {
        if rate.is_nan() {
            return Err(BusError::Failure("the rate must be a number".into()));
        }
        if rate == 0.0 {
            return Ok(MediaCommand::Pause);
        }
        let (min, max) = (*self.identity.rates.start(), *self.identity.rates.end());
        Ok(MediaCommand::SetRate(rate.clamp(min, max)))
    }

    fn send(&self, command: MediaCommand) -> fdo::Result<()> {
        self.commands
            .send(command)
            .map_err(|_| fdo::Error::Failed("Duet's player has stopped".into()))
    }
}

impl RootInterface for Imp {
    async fn raise(&self) -> fdo::Result<()> {
        self.send(MediaCommand::Raise)
    }

    async fn quit(&self) -> fdo::Result<()> {
        Err(fdo::Error::NotSupported(
            "Duet quits from its window".into(),
        ))
    }

    async fn can_quit(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn fullscreen(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn set_fullscreen(&self, _: bool) -> BusResult<()> {
        Err(BusError::Unsupported)
    }

    async fn can_set_fullscreen(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn can_raise(&self) -> fdo::Result<bool> {
        Ok(true)
    }

    async fn has_track_list(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn identity(&self) -> fdo::Result<String> {
        Ok(self.identity.name.clone())
    }

    async fn desktop_entry(&self) -> fdo::Result<String> {
        Ok(self.identity.desktop_entry.clone())
    }

    async fn supported_uri_schemes(&self) -> fdo::Result<Vec<String>> {
        Ok(Vec::new())
    }

    async fn supported_mime_types(&self) -> fdo::Result<Vec<String>> {
        Ok(Vec::new())
    }
}

impl PlayerInterface for Imp {
    async fn next(&self) -> fdo::Result<()> {
        self.send(MediaCommand::Next)
    }

    async fn previous(&self) -> fdo::Result<()> {
        self.send(MediaCommand::Previous)
    }

    async fn pause(&self) -> fdo::Result<()> {
        self.send(MediaCommand::Pause)
    }

    async fn play_pause(&self) -> fdo::Result<()> {
        self.send(MediaCommand::PlayPause)
    }

    async fn stop(&self) -> fdo::Result<()> {
        self.send(MediaCommand::Stop)
    }

    async fn play(&self) -> fdo::Result<()> {
        self.send(MediaCommand::Play)
    }

    async fn seek(&self, offset: Time) -> fdo::Result<()> {
        if !self.info().capabilities.can_seek {
            return Ok(());
        }
        self.send(MediaCommand::Seek {
            offset_ms: offset.as_millis(),
        })
    }

    /// Ignored, as the specification asks, for another track than the current one or a
    /// position outside it.
    async fn set_position(&self, track: TrackId, position: Time) -> fdo::Result<()> {
        let info = self.info();
        let Some(current) = &info.track else {
            return Ok(());
        };
        let position_ms = position.as_millis();
        if track != track_id(&info)
            || position_ms < 0
            || (current.length_ms > 0 && position_ms as u64 > current.length_ms)
            || !info.capabilities.can_seek
        {
            return Ok(());
        }
        self.send(MediaCommand::SetPosition {
            track_id: Some(current.id.clone()),
            position_ms: position_ms as u64,
        })
    }

    async fn open_uri(&self, _: String) -> fdo::Result<()> {
        Err(fdo::Error::NotSupported("Duet opens no URIs".into()))
    }

    async fn playback_status(&self) -> fdo::Result<MprisStatus> {
        Ok(status(self.info().status))
    }

    async fn loop_status(&self) -> fdo::Result<LoopStatus> {
        Ok(loop_status(self.info().repeat))
    }

    async fn set_loop_status(&self, status: LoopStatus) -> BusResult<()> {
        let repeat = match status {
            LoopStatus::None => Repeat::Off,
            LoopStatus::Track => Repeat::Track,
            LoopStatus::Playlist => Repeat::All,
        };
        self.send(MediaCommand::SetRepeat(repeat))
            .map_err(BusError::from)
    }

    async fn rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(self.published.borrow().rate)
    }

    async fn set_rate(&self, rate: PlaybackRate) -> BusResult<()> {
        let command = self.rate_command(rate)?;
        self.send(command).map_err(BusError::from)
    }

    async fn shuffle(&self) -> fdo::Result<bool> {
        Ok(self.info().shuffle)
    }

    async fn set_shuffle(&self, shuffle: bool) -> BusResult<()> {
        self.send(MediaCommand::SetShuffle(shuffle))
            .map_err(BusError::from)
    }

    async fn metadata(&self) -> fdo::Result<Metadata> {
        Ok(metadata(&self.info()))
    }

    async fn volume(&self) -> fdo::Result<Volume> {
        Ok(self.info().volume)
    }

    async fn set_volume(&self, volume: Volume) -> BusResult<()> {
        if volume.is_nan() {
            return Err(BusError::Failure("the volume must be a number".into()));
        }
        self.send(MediaCommand::SetVolume(volume.clamp(0.0, 1.0)))
            .map_err(BusError::from)
    }

    async fn position(&self) -> fdo::Result<Time> {
        Ok(Time::from_millis(
            self.published.borrow().position_ms as i64,
        ))
    }

    async fn minimum_rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(*self.identity.rates.start())
    }

    async fn maximum_rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(*self.identity.rates.end())
    }

    async fn can_go_next(&self) -> fdo::Result<bool> {
        Ok(self.info().capabilities.can_go_next)
    }

    async fn can_go_previous(&self) -> fdo::Result<bool> {
        Ok(self.info().capabilities.can_go_previous)
    }

    async fn can_play(&self) -> fdo::Result<bool> {
        Ok(self.info().capabilities.can_play)
    }

    async fn can_pause(&self) -> fdo::Result<bool> {
        Ok(self.info().capabilities.can_pause)
    }

    async fn can_seek(&self) -> fdo::Result<bool> {
        Ok(self.info().capabilities.can_seek)
    }

    async fn can_control(&self) -> fdo::Result<bool> {
        Ok(true)
    }
}

/// The MPRIS server and the task announcing changes on it.
pub struct SystemControls {
    announcer: tokio::task::JoinHandle<()>,
}

impl SystemControls {
    pub async fn start(
        identity: &Identity,
        _window: WindowHandle,
        published: watch::Receiver<Published>,
        commands: mpsc::UnboundedSender<MediaCommand>,
    ) -> Result<Self, NowPlayingError> {
        let imp = || Imp {
            identity: identity.clone(),
            published: published.clone(),
            commands: commands.clone(),
        };
        // A second Duet (or a second user session's) takes the per-instance name the
        // specification suggests.
        let server = match Server::new(&identity.bus_name, imp()).await {
            Ok(server) => server,
            Err(BusError::NameTaken) => {
                let instance = format!("{}.instance{}", identity.bus_name, std::process::id());
                Server::new(&instance, imp())
                    .await
                    .map_err(|e| NowPlayingError::SystemControls(e.to_string()))?
            }
            Err(e) => return Err(NowPlayingError::SystemControls(e.to_string())),
        };
        tracing::info!("media controls: MPRIS as {}", server.bus_name());
        let announcer = tokio::spawn(announce(server, published));
        Ok(Self { announcer })
    }

    pub async fn stop(mut self) {
        self.announcer.abort();
        let _ = (&mut self.announcer).await;
    }
}

impl Drop for SystemControls {
    fn drop(&mut self) {
        self.announcer.abort();
    }
}

async fn announce(server: Server<Imp>, mut published: watch::Receiver<Published>) {
    let mut last = published.borrow_and_update().clone();
    while published.changed().await.is_ok() {
        let now = published.borrow_and_update().clone();
        let mut changed = changed_properties(&last.info, &now.info);
        if now.rate != last.rate {
            changed.push(Property::Rate(now.rate));
        }
        if !changed.is_empty() {
            if let Err(e) = server.properties_changed(changed).await {
                tracing::debug!("MPRIS: could not announce a change: {e}");
            }
        }
        if now.seeks != last.seeks && last.info.track == now.info.track {
            let position = Time::from_millis(now.position_ms as i64);
            if let Err(e) = server.emit(Signal::Seeked { position }).await {
                tracing::debug!("MPRIS: could not announce a seek: {e}");
            }
        }
        last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_track_id_is_a_distinct_valid_object_path() {
        let ids = ["netease:1234", "qq:0039MnYb0qxYhV", "qq:a-b", "qq:a_b", ""];
        let paths: Vec<String> = ids.iter().map(|id| track_object_path(id)).collect();
        for path in &paths {
            assert!(TrackId::try_from(path.as_str()).is_ok(), "{path}");
        }
        let mut unique = paths.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), paths.len(), "{paths:?}");
        assert_eq!(paths[0], "/app/duet/track/netease_3a1234");
    }
}
