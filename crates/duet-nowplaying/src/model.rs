//! What is playing, in terms every system's media controls and the feed share, and what they may
//! ask of the player. Nothing here knows D-Bus, WinRT or a WebSocket.

use serde::Serialize;

/// The track being played.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackInfo {
    /// Stable for the track across plays and unique across services (`"netease:1234"`): MPRIS
    /// clients hand it back with `SetPosition`, and a mismatch means they meant another track.
    pub id: String,
    pub title: String,
    pub artists: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub art_url: Option<String>,
    /// 0 when unknown.
    pub length_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaybackStatus {
    Playing,
    Paused,
    #[default]
    Stopped,
}

/// What the player can be asked to do now (greyed-out buttons in the system's controls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Capabilities {
    pub can_play: bool,
    pub can_pause: bool,
    pub can_go_next: bool,
    pub can_go_previous: bool,
    pub can_seek: bool,
}

/// What happens after the last track, or to the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Repeat {
    #[default]
    Off,
    /// The current track again and again.
    Track,
    /// The whole queue again.
    All,
}

/// Everything published but the position, which changes too often to be announced with it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PlayerInfo {
    pub track: Option<TrackInfo>,
    pub status: PlaybackStatus,
    /// 0.0 to 1.0.
    pub volume: f64,
    pub repeat: Repeat,
    pub shuffle: bool,
    pub capabilities: Capabilities,
}

/// The current line of the playing track's lyrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LyricLine {
    pub track_id: String,
    /// Index into the track's lines.
    pub index: usize,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
}

/// What the system's controls ask of the player.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaCommand {
    Play,
    Pause,
    PlayPause,
    Stop,
    Next,
    Previous,
    /// Relative to the current position; past the end means the next track (MPRIS `Seek`).
    Seek {
        offset_ms: i64,
    },
    /// To `position_ms` of the track `track_id` (`None`: the current one, for systems that do
    /// not name it); ignored when another track is playing.
    SetPosition {
        track_id: Option<String>,
        position_ms: u64,
    },
    /// 0.0 to 1.0.
    SetVolume(f64),
    /// A playback rate within the player's (`Identity::rates`; 1.0 is normal speed).
    SetRate(f64),
    SetRepeat(Repeat),
    SetShuffle(bool),
    /// Bring the window to the front.
    Raise,
}
