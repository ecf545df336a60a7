//! Windows (System Media Transport Controls) and macOS (Now Playing, remote commands), through
//! `souvlaki`. Its controls live on a thread of their own (the system objects behind them are
//! not all free to move between threads); a task hands that thread the hub's changes, the
//! position only along with another change or a seek, as on Linux.

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use souvlaki::{
    MediaControlEvent, MediaControls, MediaMetadata, MediaPlayback, MediaPosition, PlatformConfig,
    SeekDirection,
};
use tokio::sync::{mpsc, watch};

use crate::{Identity, MediaCommand, NowPlayingError, PlaybackStatus, Published, WindowHandle};

/// How far the system's own seek buttons (when a keyboard has them) move.
const SEEK_STEP_MS: i64 = 10_000;

pub struct SystemControls {
    relay: tokio::task::JoinHandle<()>,
}

impl SystemControls {
    pub async fn start(
        identity: &Identity,
        window: WindowHandle,
        mut published: watch::Receiver<Published>,
        commands: mpsc::UnboundedSender<MediaCommand>,
    ) -> Result<Self, NowPlayingError> {
        let (updates, on_thread) = std_mpsc::channel::<Published>();
        let (ready, started) = tokio::sync::oneshot::channel();
        let identity = identity.clone();
        std::thread::Builder::new()
            .name("duet-media-controls".into())
            .spawn(move || run(identity, window, on_thread, commands, ready))
            .map_err(|e| NowPlayingError::SystemControls(e.to_string()))?;
        started
            .await
            .map_err(|_| NowPlayingError::SystemControls("the controls' thread ended".into()))??;
        let relay = tokio::spawn(async move {
            let mut last = published.borrow_and_update().clone();
            if updates.send(last.clone()).is_err() {
                return;
            }
            while published.changed().await.is_ok() {
                let now = published.borrow_and_update().clone();
                let worth_it = now.info != last.info || now.seeks != last.seeks;
                if worth_it && updates.send(now.clone()).is_err() {
                    return;
                }
                last = now;
            }
        });
        Ok(Self { relay })
    }

    pub async fn stop(mut self) {
        self.relay.abort();
        let _ = (&mut self.relay).await;
    }
}

impl Drop for SystemControls {
    fn drop(&mut self) {
        // The relay's sender goes with it, and the thread then drops the controls.
        self.relay.abort();
    }
}

fn run(
    identity: Identity,
    window: WindowHandle,
    updates: std_mpsc::Receiver<Published>,
    commands: mpsc::UnboundedSender<MediaCommand>,
    ready: tokio::sync::oneshot::Sender<Result<(), NowPlayingError>>,
) {
    let failed = |e: souvlaki::Error| NowPlayingError::SystemControls(format!("{e:?}"));
    let config = PlatformConfig {
        display_name: &identity.name,
        dbus_name: &identity.bus_name,
        hwnd: window.map(|handle| handle as *mut std::ffi::c_void),
    };
    let mut controls = match MediaControls::new(config) {
        Ok(controls) => controls,
        Err(e) => {
            let _ = ready.send(Err(failed(e)));
            return;
        }
    };
    if let Err(e) = controls.attach(move |event| {
        if let Some(command) = command(event) {
            let _ = commands.send(command);
        }
    }) {
        let _ = ready.send(Err(failed(e)));
        return;
    }
    let _ = ready.send(Ok(()));
    while let Ok(published) = updates.recv() {
        let track = published.info.track.as_ref();
        let artists = track.map(|t| t.artists.join(", "));
        let metadata = MediaMetadata {
            title: track.map(|t| t.title.as_str()),
            album: track.and_then(|t| t.album.as_deref()),
            artist: artists.as_deref(),
            cover_url: track.and_then(|t| t.art_url.as_deref()),
            duration: track
                .filter(|t| t.length_ms > 0)
                .map(|t| Duration::from_millis(t.length_ms)),
        };
        if let Err(e) = controls.set_metadata(metadata) {
            tracing::debug!("media controls: {e:?}");
        }
        let progress = Some(MediaPosition(Duration::from_millis(published.position_ms)));
        let playback = match published.info.status {
            PlaybackStatus::Playing => MediaPlayback::Playing { progress },
            PlaybackStatus::Paused => MediaPlayback::Paused { progress },
            PlaybackStatus::Stopped => MediaPlayback::Stopped,
        };
        if let Err(e) = controls.set_playback(playback) {
            tracing::debug!("media controls: {e:?}");
        }
    }
}

fn command(event: MediaControlEvent) -> Option<MediaCommand> {
    let step = |direction: SeekDirection, by_ms: i64| match direction {
        SeekDirection::Forward => by_ms,
        SeekDirection::Backward => -by_ms,
    };
    Some(match event {
        MediaControlEvent::Play => MediaCommand::Play,
        MediaControlEvent::Pause => MediaCommand::Pause,
        MediaControlEvent::Toggle => MediaCommand::PlayPause,
        MediaControlEvent::Next => MediaCommand::Next,
        MediaControlEvent::Previous => MediaCommand::Previous,
        MediaControlEvent::Stop => MediaCommand::Stop,
        MediaControlEvent::Seek(direction) => MediaCommand::Seek {
            offset_ms: step(direction, SEEK_STEP_MS),
        },
        MediaControlEvent::SeekBy(direction, by) => MediaCommand::Seek {
            offset_ms: step(direction, by.as_millis() as i64),
        },
        MediaControlEvent::SetPosition(MediaPosition(at)) => MediaCommand::SetPosition {
            track_id: None,
            position_ms: at.as_millis() as u64,
        },
        MediaControlEvent::SetVolume(volume) => MediaCommand::SetVolume(volume.clamp(0.0, 1.0)),
        MediaControlEvent::SetShuffle(shuffle) => MediaCommand::SetShuffle(shuffle),
        MediaControlEvent::Raise => MediaCommand::Raise,
        _ => return None,
    })
}
