//! The sound processing of Duet's player, pure: no audio I/O, no threads, no allocation per
//! block.
//!
//! - [`Equalizer`]: a 10-band graphic equaliser (31 Hz … 16 kHz, ±12 dB, a preamp, presets)
//!   set by [`EqSettings`]; bypassed, bit-exact and free, when off or flat.
//! - [`TimeStretch`]: playback speed 0.5–2.0 with the pitch kept ([`PlaybackSpeed`]); a copy,
//!   bit-exact, at 1.0.
//!
//! Both work on interleaved `f32` of any channel count at the stream's own rate. In the player
//! they sit after decoding and resampling to the device's rate and channels, before the output
//! ring: `decode → resample → TimeStretch (push/pull) → Equalizer::process → volume → ring`.
//! The time-stretch goes first so the equaliser works on what is heard, and both live on the
//! thread that fills the ring; settings reach them between blocks.

mod biquad;
mod eq;
mod error;
mod settings;
mod stretch;

pub use eq::{
    Equalizer, BAND_CENTRES_HZ, BAND_COUNT, BAND_LABELS, MAX_BAND_DB, MAX_PREAMP_DB, MIN_BAND_DB,
    MIN_PREAMP_DB,
};
pub use error::{DspError, Setting};
pub use settings::{EqPreset, EqSettings, PlaybackSpeed, MAX_SPEED, MIN_SPEED};
pub use stretch::TimeStretch;

/// The lowest sample rate a stream may have.
pub const MIN_SAMPLE_RATE: u32 = 8_000;
/// The highest sample rate a stream may have.
pub const MAX_SAMPLE_RATE: u32 = 384_000;

fn validate_format(sample_rate: u32, channels: usize) -> Result<(), DspError> {
    if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&sample_rate) {
        return Err(DspError::UnsupportedSampleRate { sample_rate });
    }
    if channels == 0 {
        return Err(DspError::NoChannels);
    }
    Ok(())
}
