//! What the person chooses for the equaliser and the speed: serialisable, validated, with the
//! presets. The preferences file stores these; [`crate::Equalizer`] and [`crate::TimeStretch`]
//! take them.

use serde::{Deserialize, Serialize};

use crate::eq::{BAND_COUNT, MAX_BAND_DB, MAX_PREAMP_DB, MIN_BAND_DB, MIN_PREAMP_DB};
use crate::error::{DspError, Setting};

/// The equaliser as the person set it. `Default` is off, flat, preamp 0 dB.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct EqSettings {
    pub enabled: bool,
    /// The preset the bands came from, or [`EqPreset::Custom`] once a band was moved by hand.
    pub preset: EqPreset,
    /// Gain of each band in dB, [`MIN_BAND_DB`]..=[`MAX_BAND_DB`], in the order of
    /// [`crate::BAND_CENTRES_HZ`].
    pub bands_db: [f32; BAND_COUNT],
    /// Gain before the bands in dB, [`MIN_PREAMP_DB`]..=[`MAX_PREAMP_DB`]: negative leaves
    /// headroom for boosts (see [`EqSettings::headroom_preamp_db`]).
    pub preamp_db: f32,
}

impl Default for EqSettings {
    fn default() -> Self {
        EqSettings {
            enabled: false,
            preset: EqPreset::Flat,
            bands_db: [0.0; BAND_COUNT],
            preamp_db: 0.0,
        }
    }
}

impl EqSettings {
    /// A preset switched on, its preamp leaving headroom for its largest boost. `Custom` gives
    /// the flat curve.
    pub fn from_preset(preset: EqPreset) -> Self {
        let bands_db = preset.bands_db();
        EqSettings {
            enabled: true,
            preset,
            bands_db,
            preamp_db: Self::headroom_preamp_db(&bands_db),
        }
    }

    /// Checks every value is a finite number in its range.
    pub fn validate(&self) -> Result<(), DspError> {
        for (band, &value) in self.bands_db.iter().enumerate() {
            if !value.is_finite() {
                return Err(DspError::NotFinite {
                    setting: Setting::Band(band),
                });
            }
            if !(MIN_BAND_DB..=MAX_BAND_DB).contains(&value) {
                return Err(DspError::BandOutOfRange { band, value });
            }
        }
        if !self.preamp_db.is_finite() {
            return Err(DspError::NotFinite {
                setting: Setting::Preamp,
            });
        }
        if !(MIN_PREAMP_DB..=MAX_PREAMP_DB).contains(&self.preamp_db) {
            return Err(DspError::PreampOutOfRange {
                value: self.preamp_db,
            });
        }
        Ok(())
    }

    /// True when these settings leave the sound unchanged (off, or flat with a 0 dB preamp): the
    /// equaliser then passes samples through untouched, at no cost.
    pub fn is_transparent(&self) -> bool {
        !self.enabled || (self.preamp_db == 0.0 && self.bands_db.iter().all(|&b| b == 0.0))
    }

    /// The preamp that keeps a full-scale signal from clipping after these bands: minus the
    /// largest boost (0 when nothing is boosted).
    pub fn headroom_preamp_db(bands_db: &[f32; BAND_COUNT]) -> f32 {
        -bands_db.iter().fold(0.0f32, |max, &b| max.max(b))
    }
}

/// The equaliser's presets. Serialised in snake_case (`bass_boost`), the name the UI and the
/// preferences file use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EqPreset {
    #[default]
    Flat,
    Pop,
    Rock,
    Jazz,
    Classical,
    Electronic,
    HipHop,
    Acoustic,
    Vocal,
    BassBoost,
    TrebleBoost,
    /// Low and high bands raised, as the ear loses them at low volume (equal-loudness contours).
    Loudness,
    /// Bands set by hand.
    Custom,
}

impl EqPreset {
    /// Every preset a person can pick, in menu order (`Custom` last).
    pub const ALL: [EqPreset; 13] = [
        EqPreset::Flat,
        EqPreset::Pop,
        EqPreset::Rock,
        EqPreset::Jazz,
        EqPreset::Classical,
        EqPreset::Electronic,
        EqPreset::HipHop,
        EqPreset::Acoustic,
        EqPreset::Vocal,
        EqPreset::BassBoost,
        EqPreset::TrebleBoost,
        EqPreset::Loudness,
        EqPreset::Custom,
    ];

    /// The band gains in dB, 31 Hz to 16 kHz. `Custom` has no curve of its own: flat.
    pub fn bands_db(self) -> [f32; BAND_COUNT] {
        match self {
            EqPreset::Flat | EqPreset::Custom => [0.0; BAND_COUNT],
            EqPreset::Pop => [-1.5, -0.5, 1.5, 3.0, 4.0, 3.0, 1.5, 0.0, -0.5, -1.0],
            EqPreset::Rock => [5.0, 4.0, 2.5, -1.0, -2.0, -1.0, 1.5, 3.0, 4.0, 4.5],
            EqPreset::Jazz => [3.0, 2.0, 1.0, 2.0, -1.5, -1.5, 0.0, 1.5, 3.0, 3.5],
            EqPreset::Classical => [4.0, 3.0, 2.0, 1.0, -0.5, -0.5, 0.0, 1.5, 2.5, 3.0],
            EqPreset::Electronic => [5.0, 4.5, 1.5, 0.0, -2.0, 1.5, 0.5, 1.5, 4.0, 5.0],
            EqPreset::HipHop => [5.0, 4.5, 1.5, 3.0, -1.0, -1.0, 1.5, -0.5, 2.0, 3.0],
            EqPreset::Acoustic => [3.0, 3.0, 2.0, 0.5, 1.0, 1.0, 2.0, 2.5, 2.0, 1.5],
            EqPreset::Vocal => [-2.0, -3.0, -3.0, 1.0, 3.5, 3.5, 3.0, 1.5, 0.0, -1.5],
            EqPreset::BassBoost => [7.0, 6.0, 4.5, 2.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            EqPreset::TrebleBoost => [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.5, 4.0, 5.5, 7.0],
            EqPreset::Loudness => [6.0, 4.5, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 3.0, 4.5],
        }
    }
}

/// The slowest playback speed.
pub const MIN_SPEED: f32 = 0.5;
/// The fastest playback speed.
pub const MAX_SPEED: f32 = 2.0;

/// A playback speed, [`MIN_SPEED`]..=[`MAX_SPEED`] (1.0 is normal). Serialised as a bare number;
/// deserialising an out-of-range or non-finite one fails.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(try_from = "f32", into = "f32")]
pub struct PlaybackSpeed(f32);

impl PlaybackSpeed {
    pub const NORMAL: PlaybackSpeed = PlaybackSpeed(1.0);

    pub fn new(value: f32) -> Result<Self, DspError> {
        if !value.is_finite() {
            return Err(DspError::NotFinite {
                setting: Setting::Speed,
            });
        }
        if !(MIN_SPEED..=MAX_SPEED).contains(&value) {
            return Err(DspError::SpeedOutOfRange { value });
        }
        Ok(PlaybackSpeed(value))
    }

    pub fn get(self) -> f32 {
        self.0
    }
}

impl Default for PlaybackSpeed {
    fn default() -> Self {
        PlaybackSpeed::NORMAL
    }
}

impl TryFrom<f32> for PlaybackSpeed {
    type Error = DspError;
    fn try_from(value: f32) -> Result<Self, DspError> {
        PlaybackSpeed::new(value)
    }
}

impl From<PlaybackSpeed> for f32 {
    fn from(speed: PlaybackSpeed) -> f32 {
        speed.0
    }
}
