//! The sound processing of Duet's player, pure: no audio I/O, no threads, no allocation per
//! block.
//!
//! - [`Equalizer`]: a 10-band graphic equaliser (31 Hz … 16 kHz, ±12 dB, a preamp, presets)
//!   set by [`EqSettings`]; bypassed, bit-exact and free, when off or flat.
//! - [`TimeStretch`]: playback speed 0.5–2.0 with the pitch kept ([`PlaybackSpeed`]); a copy,
//!   bit-exact, at 1.0.
//!
//! Both work on interleaved `f32` of any channel count at the stream's own rate.
//!
//! # In the player
//!
//! They go after decoding and resampling to the device's rate and channels, before the output
//! ring: `decode → resample → TimeStretch → Equalizer → volume → ring`. The stretch comes first
//! so the equaliser shapes what is heard (and, at speeds above 1, runs on fewer samples). Both
//! belong to the one thread that fills the ring: they are `Send`, not `Sync`, never lock,
//! never block and never allocate per block (the stretch's buffers grow once to the largest
//! block pushed). Settings reach that thread through the player's control channel and are
//! applied between blocks; each change fades in without a click.
//!
//! - At track start (or when the device's format changes): build both with the device's sample
//!   rate and channel count ([`Equalizer::new`], [`TimeStretch::new`]; a few kB, allocates).
//! - Per decoded block: [`TimeStretch::push`] it, then [`TimeStretch::pull`] into a scratch
//!   buffer until it returns less than the buffer; run [`Equalizer::process`] on what came out
//!   and write that to the ring. Decode more when the ring wants more.
//! - Track clock: the stretch holds [`TimeStretch::latency_frames`] of input (65 ms of source
//!   audio); [`TimeStretch::source_position`] is the source frame of the next pulled frame,
//!   so the position shown is that (plus what sits in the ring, times the speed).
//! - Seek: [`TimeStretch::reset`] and [`Equalizer::reset`], then push from the new place.
//! - End of track: [`TimeStretch::flush`] and pull until 0 for the last 65 ms; for gapless,
//!   keep pushing the next track instead (the stretch does not care where tracks meet).
//! - The equaliser adds no latency; off, or flat with the preamp at 0 dB, it is not run at all.
//!
//! ```
//! use duet_dsp::{EqPreset, EqSettings, Equalizer, PlaybackSpeed, TimeStretch};
//!
//! let (rate, channels) = (48_000, 2);
//! let mut eq = Equalizer::new(rate, channels, &EqSettings::from_preset(EqPreset::Rock))?;
//! let mut stretch = TimeStretch::new(rate, channels, PlaybackSpeed::new(1.25)?)?;
//! let mut scratch = vec![0.0f32; 1024 * channels];
//! let mut ring = Vec::new(); // stands for the output ring
//!
//! for decoded in [vec![0.1f32; 4096 * channels], vec![0.2; 4096 * channels]] {
//!     stretch.push(&decoded);
//!     loop {
//!         let n = stretch.pull(&mut scratch);
//!         eq.process(&mut scratch[..n]);
//!         ring.extend_from_slice(&scratch[..n]);
//!         if n < scratch.len() {
//!             break;
//!         }
//!     }
//! }
//! // The person moves a slider: applied from the next block, faded in over 25 ms.
//! eq.set_settings(&EqSettings::from_preset(EqPreset::Jazz))?;
//! assert!(ring.len() > 0);
//! # Ok::<(), duet_dsp::DspError>(())
//! ```

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

// The player moves both to its audio thread.
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Equalizer>();
    assert_send::<TimeStretch>();
};
