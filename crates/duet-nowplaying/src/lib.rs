//! What Duet is playing, published to the system and to local listeners, and their requests
//! turned into [`MediaCommand`]s for the player.
//!
//! - [`NowPlaying`]: the hub. The app tells it the player's state ([`NowPlaying::set_info`]),
//!   position, playback rate and lyric line as they change; it keeps the latest and wakes the publishers.
//! - The system's media controls ([`NowPlaying::enable_system_controls`]): MPRIS on Linux
//!   (`mpris.rs`, through `mpris-server`), the System Media Transport Controls on Windows and Now
//!   Playing on macOS (`souvlaki_controls.rs`). Property changes are announced only when
//!   something other than the position changes; the position is answered when asked, and a
//!   seek the player reports is announced once (`Seeked`).
//! - The feed ([`NowPlaying::start_feed`], `feed.rs`): a read-only WebSocket on loopback that
//!   pushes the whole picture as JSON on each change, the position at most once a second.

mod feed;
mod model;
#[cfg(all(unix, not(target_os = "macos")))]
mod mpris;
#[cfg(any(target_os = "windows", target_os = "macos"))]
mod souvlaki_controls;

use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{mpsc, watch};

pub use feed::{FeedMessage, FEED_POSITION_INTERVAL};
pub use model::{
    Capabilities, LyricLine, MediaCommand, PlaybackStatus, PlayerInfo, Repeat, TrackInfo,
};

/// The feed's port unless the person picks another: high, unassigned, and the same on every
/// computer so a widget's saved URL keeps working.
pub const DEFAULT_FEED_PORT: u16 = 41581;

/// How the app is named to the system.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Shown by the system's controls ("Duet").
    pub name: String,
    /// The MPRIS bus name's last part: `org.mpris.MediaPlayer2.<bus_name>`.
    pub bus_name: String,
    /// The `.desktop` entry's name without the extension (MPRIS `DesktopEntry`).
    pub desktop_entry: String,
    /// The playback rates the player allows (MPRIS `MinimumRate`..=`MaximumRate`; 1.0 is
    /// normal speed).
    pub rates: RangeInclusive<f64>,
}

/// The main window's native handle: an `HWND` on Windows, where the media controls belong to a
/// window; unused elsewhere.
pub type WindowHandle = Option<isize>;

#[derive(Debug, thiserror::Error)]
pub enum NowPlayingError {
    /// No session bus, or the bus refused the name (Linux); the system refused the controls.
    #[error("the system's media controls are not available: {0}")]
    SystemControls(String),
    #[error("the now-playing feed listens on this computer only, not on {0}")]
    NotLoopback(SocketAddr),
    #[error("the now-playing feed could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// Everything published, as of now.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub info: PlayerInfo,
    pub position_ms: u64,
    /// How fast the position moves: 1.0 is normal speed, 1.5 half again as fast.
    pub rate: f64,
    pub lyric: Option<LyricLine>,
    /// Counts the player's seeks, so a publisher that looks later still sees that one happened.
    pub seeks: u64,
}

impl Default for Published {
    fn default() -> Self {
        Self {
            info: PlayerInfo::default(),
            position_ms: 0,
            rate: 1.0,
            lyric: None,
            seeks: 0,
        }
    }
}

/// The player's requests from every publisher, in order.
pub type CommandReceiver = mpsc::UnboundedReceiver<MediaCommand>;

/// The hub: cheap to clone, all clones the same.
#[derive(Clone)]
pub struct NowPlaying {
    inner: Arc<Inner>,
}

struct Inner {
    identity: Identity,
    published: watch::Sender<Published>,
    commands: mpsc::UnboundedSender<MediaCommand>,
    system_controls: tokio::sync::Mutex<Option<SystemControls>>,
    feed: Mutex<Option<feed::Feed>>,
}

impl std::fmt::Debug for NowPlaying {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NowPlaying")
            .field("identity", &self.inner.identity)
            .field("feed", &self.feed_addr())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl NowPlaying {
    /// The hub, and where the publishers' requests arrive.
    pub fn new(identity: Identity) -> (Self, CommandReceiver) {
        let (commands, receiver) = mpsc::unbounded_channel();
        let inner = Inner {
            identity,
            published: watch::Sender::new(Published::default()),
            commands,
            system_controls: tokio::sync::Mutex::default(),
            feed: Mutex::default(),
        };
        (
            Self {
                inner: Arc::new(inner),
            },
            receiver,
        )
    }

    pub fn published(&self) -> Published {
        self.inner.published.borrow().clone()
    }

    /// Follows every change.
    pub fn subscribe(&self) -> watch::Receiver<Published> {
        self.inner.published.subscribe()
    }

    /// The player's state but its position. Publishers hear of it only when it differs.
    pub fn set_info(&self, info: PlayerInfo) {
        self.inner.published.send_if_modified(|published| {
            if published.info == info {
                return false;
            }
            let track_id = |i: &PlayerInfo| i.track.as_ref().map(|t| t.id.clone());
            if track_id(&published.info) != track_id(&info) {
                published.position_ms = 0;
                published.lyric = None;
            }
            published.info = info;
            true
        });
    }

    /// The position, as the player reports it (about four times a second while playing);
    /// `seeked` when the player says it jumped there (a seek), which is announced once.
    pub fn set_position(&self, position_ms: u64, seeked: bool) {
        self.inner.published.send_if_modified(|published| {
            let changed = published.position_ms != position_ms || seeked;
            published.position_ms = position_ms;
            if seeked {
                published.seeks += 1;
            }
            changed
        });
    }

    /// The playback rate (the speed the track plays at; 1.0 is normal).
    pub fn set_rate(&self, rate: f64) {
        self.inner.published.send_if_modified(|published| {
            let changed = published.rate != rate;
            published.rate = rate;
            changed
        });
    }

    /// The current lyric line (`None` before the first line or without lyrics).
    pub fn set_lyric(&self, lyric: Option<LyricLine>) {
        self.inner.published.send_if_modified(|published| {
            let changed = published.lyric != lyric;
            published.lyric = lyric;
            changed
        });
    }

    /// Starts the system's media controls (nothing when they run already).
    pub async fn enable_system_controls(
        &self,
        window: WindowHandle,
    ) -> Result<(), NowPlayingError> {
        let mut running = self.inner.system_controls.lock().await;
        if running.is_none() {
            *running = Some(
                SystemControls::start(
                    &self.inner.identity,
                    window,
                    self.subscribe(),
                    self.inner.commands.clone(),
                )
                .await?,
            );
        }
        Ok(())
    }

    /// Stops them: the system forgets Duet (the MPRIS name is released).
    pub async fn disable_system_controls(&self) {
        let stopped = self.inner.system_controls.lock().await.take();
        if let Some(controls) = stopped {
            controls.stop().await;
        }
    }

    pub async fn system_controls_enabled(&self) -> bool {
        self.inner.system_controls.lock().await.is_some()
    }

    /// Starts the feed on `addr` (a loopback address; port 0 picks a free one), replacing one
    /// running elsewhere. Answers where it listens.
    pub async fn start_feed(&self, addr: SocketAddr) -> Result<SocketAddr, NowPlayingError> {
        if self.feed_addr() == Some(addr) {
            return Ok(addr);
        }
        // The old one first: the new one may want its port.
        self.stop_feed().await;
        let feed = feed::Feed::start(addr, self.subscribe()).await?;
        let bound = feed.addr();
        *lock(&self.inner.feed) = Some(feed);
        Ok(bound)
    }

    pub async fn stop_feed(&self) {
        let running = lock(&self.inner.feed).take();
        if let Some(feed) = running {
            feed.stop().await;
        }
    }

    /// Where the feed listens, when it runs.
    pub fn feed_addr(&self) -> Option<SocketAddr> {
        lock(&self.inner.feed).as_ref().map(feed::Feed::addr)
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
use mpris::SystemControls;
#[cfg(any(target_os = "windows", target_os = "macos"))]
use souvlaki_controls::SystemControls;

/// Elsewhere (BSDs are unix and take the MPRIS path; anything else has none).
#[cfg(not(any(unix, target_os = "windows")))]
struct SystemControls;

#[cfg(not(any(unix, target_os = "windows")))]
impl SystemControls {
    async fn start(
        _: &Identity,
        _: WindowHandle,
        _: watch::Receiver<Published>,
        _: mpsc::UnboundedSender<MediaCommand>,
    ) -> Result<Self, NowPlayingError> {
        Err(NowPlayingError::SystemControls(
            "this system has no media controls Duet knows".into(),
        ))
    }

    async fn stop(self) {}
}
