//! Duet's playback engine, in Rust rather than the webview's `<audio>` (which needs GStreamer
//! plugins many Linux systems lack).
//!
//! - [`source`]: download over HTTP into a growing buffer that the decoder reads while it grows,
//!   kept in memory up to a limit and in a temporary file past it;
//! - [`decode`]: symphonia (MP3, FLAC, AAC/M4A, WAV, Ogg Vorbis), seeking;
//! - [`output`]: the [`AudioOutput`] trait, the sound card ([`CpalOutput`]) and the null sink
//!   ([`NullOutput`]); [`output_from_env`] picks one (`DUET_AUDIO_OUTPUT=null` forces the null sink);
//! - [`process`]: [`SampleProcessor`], where sound processing (EQ, speed) plugs into the sample
//!   path;
//! - [`effects`]: [`SoundEffects`], the equaliser and playback speed of `duet-dsp` as a
//!   [`SampleProcessor`], and the [`SoundControls`] the app changes them with;
//! - [`queue`]: queue order, shuffle and repeat, as pure logic;
//! - [`Player`]: the handle the app drives; it reports through [`PlayerEvent`]s.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use duet_player::*;
//! # async fn demo(resolver: Arc<dyn StreamResolver>, tracks: Vec<duet_core::Track>) {
//! let player = Player::new(resolver, output_from_env(), PlayerOptions::default());
//! let mut events = player.subscribe();
//! player.play(tracks, 0).unwrap();
//! while let Some(event) = events.recv().await {
//!     if let PlayerEvent::Position(p) = event {
//!         println!("{} / {} ms", p.position_ms, p.duration_ms);
//!     }
//! }
//! # }
//! ```

pub mod convert;
pub mod decode;
pub mod effects;
pub mod output;
mod player;
pub mod process;
pub mod queue;
mod session;
pub mod source;
mod spool;

pub use duet_dsp::{DspError, EqPreset, EqSettings, PlaybackSpeed};
pub use effects::{EffectSettings, SoundControls, SoundEffects};
pub use output::{
    list_output_devices, output_from_env, select_output, AudioOutput, Capture, CpalOutput,
    CpalOutputFactory, DeviceLostAction, NullOutput, NullOutputFactory, OutputDevice, OutputError,
    OutputFactory, OutputKind, OutputSpec, Pace, OUTPUT_ENV,
};
pub use player::{
    unplayable, DeviceLost, EventReceiver, Player, PlayerEvent, PlayerOptions, PlayerState,
    PlayerStatus, PositionUpdate, Resolved, SkippedTrack, StreamResolver, MAX_CROSSFADE,
    OFFLINE_NOT_CACHED, PREFETCH_AHEAD, SKIP_LIMIT,
};
pub use process::SampleProcessor;
pub use queue::{Queue, Removed, Repeat};
pub use source::SpoolOptions;
