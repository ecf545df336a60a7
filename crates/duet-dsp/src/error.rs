//! The one error type of this crate: settings and formats it refuses, never a panic.

use std::fmt;

use crate::eq::{BAND_LABELS, MAX_BAND_DB, MAX_PREAMP_DB, MIN_BAND_DB, MIN_PREAMP_DB};
use crate::settings::{MAX_SPEED, MIN_SPEED};
use crate::{MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};

/// Which setting a [`DspError::NotFinite`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// An equaliser band, by index (0 = 31 Hz … 9 = 16 kHz).
    Band(usize),
    /// The equaliser's preamp.
    Preamp,
    /// The playback speed.
    Speed,
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::Band(band) => match BAND_LABELS.get(*band) {
                Some(label) => write!(f, "equaliser band {band} ({label} Hz)"),
                None => write!(f, "equaliser band {band}"),
            },
            Setting::Preamp => f.write_str("equaliser preamp"),
            Setting::Speed => f.write_str("playback speed"),
        }
    }
}

/// Why a setting or a stream format was refused.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum DspError {
    #[error("{setting} is not a finite number")]
    NotFinite { setting: Setting },
    #[error("{} is {value} dB, outside {MIN_BAND_DB}..={MAX_BAND_DB} dB", Setting::Band(*band))]
    BandOutOfRange { band: usize, value: f32 },
    #[error("equaliser preamp is {value} dB, outside {MIN_PREAMP_DB}..={MAX_PREAMP_DB} dB")]
    PreampOutOfRange { value: f32 },
    #[error("playback speed {value} is outside {MIN_SPEED}..={MAX_SPEED}")]
    SpeedOutOfRange { value: f32 },
    #[error("sample rate {sample_rate} Hz is outside {MIN_SAMPLE_RATE}..={MAX_SAMPLE_RATE} Hz")]
    UnsupportedSampleRate { sample_rate: u32 },
    #[error("a stream needs at least one channel")]
    NoChannels,
}
