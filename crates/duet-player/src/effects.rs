//! The equaliser and the playback speed (`duet-dsp`) as the player's [`SampleProcessor`]:
//! `… → volume → TimeStretch → Equalizer → output`.
//!
//! [`SoundEffects`] lives on the playback thread (set with
//! [`Player::set_processor`](crate::Player::set_processor)); the app keeps its
//! [`SoundControls`] and changes the settings from any thread. A change is picked up between
//! two chunks without blocking the playback thread, and faded in by `duet-dsp`.
//!
//! At speed 1.0 the stretch is left out entirely (no latency, bit-exact); once another speed is
//! chosen it stays in the path until the next seek, track change or end, so going back to 1.0
//! mid-track is as smooth as leaving it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use duet_dsp::{DspError, EqSettings, Equalizer, PlaybackSpeed, TimeStretch};

use crate::output::OutputSpec;
use crate::process::SampleProcessor;

/// Frames pulled from the stretch in one go.
const PULL_FRAMES: usize = 1024;

/// What the person chose: the equaliser and the speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectSettings {
    pub equalizer: EqSettings,
    pub speed: PlaybackSpeed,
}

impl Default for EffectSettings {
    fn default() -> Self {
        Self {
            equalizer: EqSettings::default(),
            speed: PlaybackSpeed::NORMAL,
        }
    }
}

#[derive(Debug, Default)]
struct Shared {
    /// Bumped after each change of `settings`.
    version: AtomicU64,
    settings: Mutex<EffectSettings>,
}

/// Changes the settings of a [`SoundEffects`] from any thread.
#[derive(Debug, Clone, Default)]
pub struct SoundControls {
    shared: Arc<Shared>,
}

impl SoundControls {
    /// The settings last set.
    pub fn settings(&self) -> EffectSettings {
        *self
            .shared
            .settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Sets both; refused (nothing changes) when the equaliser's values are out of range.
    pub fn set(&self, settings: EffectSettings) -> Result<(), DspError> {
        settings.equalizer.validate()?;
        let mut current = self
            .shared
            .settings
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if *current != settings {
            *current = settings;
            self.shared.version.fetch_add(1, Ordering::Release);
        }
        Ok(())
    }

    pub fn set_equalizer(&self, equalizer: EqSettings) -> Result<(), DspError> {
        self.set(EffectSettings {
            equalizer,
            ..self.settings()
        })
    }

    pub fn set_speed(&self, speed: PlaybackSpeed) {
        let settings = EffectSettings {
            speed,
            ..self.settings()
        };
        // The equaliser's settings were validated when set.
        let _ = self.set(settings);
    }
}

/// The stages built for one output layout.
#[derive(Debug)]
struct Stages {
    equalizer: Equalizer,
    stretch: TimeStretch,
    /// Whether the stretch is in the path (see the module's docs).
    stretching: bool,
}

/// The equaliser and the speed, as a [`SampleProcessor`].
#[derive(Debug)]
pub struct SoundEffects {
    controls: SoundControls,
    seen_version: u64,
    settings: EffectSettings,
    spec: Option<OutputSpec>,
    /// `None` before `configure`, or when `duet-dsp` refuses the layout (then samples pass
    /// untouched).
    stages: Option<Stages>,
}

impl SoundEffects {
    /// Effects off (flat, 1×), and the handle that sets them.
    pub fn new() -> (Self, SoundControls) {
        let controls = SoundControls::default();
        let effects = Self {
            seen_version: controls.shared.version.load(Ordering::Acquire),
            controls: controls.clone(),
            settings: EffectSettings::default(),
            spec: None,
            stages: None,
        };
        (effects, controls)
    }

    /// Takes the latest settings, unless the app is writing them this very moment (then at the
    /// next chunk).
    fn follow_controls(&mut self) {
        let version = self.controls.shared.version.load(Ordering::Acquire);
        if version == self.seen_version {
            return;
        }
        let Ok(settings) = self.controls.shared.settings.try_lock() else {
            return;
        };
        let settings = *settings;
        self.seen_version = version;
        if settings == self.settings {
            return;
        }
        self.settings = settings;
        if let Some(stages) = self.stages.as_mut() {
            // Validated by `SoundControls::set`.
            if let Err(e) = stages.equalizer.set_settings(&settings.equalizer) {
                tracing::warn!("equaliser: {e}");
            }
            stages.stretch.set_speed(settings.speed);
            stages.stretching |= settings.speed != PlaybackSpeed::NORMAL;
        }
    }

    fn build(&self, spec: OutputSpec) -> Result<Stages, DspError> {
        let channels = usize::from(spec.channels);
        Ok(Stages {
            equalizer: Equalizer::new(spec.sample_rate, channels, &self.settings.equalizer)?,
            stretch: TimeStretch::new(spec.sample_rate, channels, self.settings.speed)?,
            stretching: self.settings.speed != PlaybackSpeed::NORMAL,
        })
    }
}

/// Appends everything `stretch` has ready to `samples`.
fn pull_all(stretch: &mut TimeStretch, samples: &mut Vec<f32>) {
    let block = PULL_FRAMES * stretch.channels();
    loop {
        let start = samples.len();
        samples.resize(start + block, 0.0);
        let written = stretch.pull(&mut samples[start..]);
        samples.truncate(start + written);
        if written < block {
            break;
        }
    }
}

impl SampleProcessor for SoundEffects {
    fn configure(&mut self, spec: OutputSpec) {
        self.follow_controls();
        if self.spec == Some(spec) && self.stages.is_some() {
            return;
        }
        self.spec = Some(spec);
        self.stages = match self.build(spec) {
            Ok(stages) => Some(stages),
            Err(e) => {
                tracing::warn!("no equaliser or speed on this output: {e}");
                None
            }
        };
    }

    fn process(&mut self, samples: &mut Vec<f32>) {
        self.follow_controls();
        let Some(stages) = self.stages.as_mut() else {
            return;
        };
        if stages.stretching {
            stages.stretch.push(samples);
            samples.clear();
            pull_all(&mut stages.stretch, samples);
        }
        stages.equalizer.process(samples);
    }

    fn reset(&mut self) {
        self.follow_controls();
        if let Some(stages) = self.stages.as_mut() {
            stages.stretch.reset();
            stages.equalizer.reset();
            stages.stretching = self.settings.speed != PlaybackSpeed::NORMAL;
        }
    }

    fn flush(&mut self, samples: &mut Vec<f32>) {
        if let Some(stages) = self.stages.as_mut() {
            if stages.stretching {
                let start = samples.len();
                stages.stretch.flush();
                pull_all(&mut stages.stretch, samples);
                stages.equalizer.process(&mut samples[start..]);
            }
        }
        self.reset();
    }

    fn held_frames(&self) -> f64 {
        match &self.stages {
            Some(stages) if stages.stretching => {
                (stages.stretch.pushed_frames() as f64 - stages.stretch.source_position()).max(0.0)
            }
            _ => 0.0,
        }
    }

    fn input_per_output_frame(&self) -> f64 {
        match &self.stages {
            Some(stages) if stages.stretching => f64::from(stages.stretch.speed().get()),
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_dsp::EqPreset;

    const SPEC: OutputSpec = OutputSpec {
        sample_rate: 48_000,
        channels: 2,
    };

    fn tone(frames: usize) -> Vec<f32> {
        (0..frames)
            .flat_map(|i| {
                let s = (i as f32 * 0.05).sin() * 0.3;
                [s, s]
            })
            .collect()
    }

    #[test]
    fn at_speed_one_and_flat_the_samples_pass_untouched_without_latency() {
        let (mut effects, _controls) = SoundEffects::new();
        effects.configure(SPEC);
        let input = tone(2_400);
        let mut samples = input.clone();
        effects.process(&mut samples);
        assert_eq!(samples, input);
        assert_eq!(effects.held_frames(), 0.0);
    }

    #[test]
    fn a_speed_set_live_stretches_and_flush_gives_back_the_rest() {
        let (mut effects, controls) = SoundEffects::new();
        effects.configure(SPEC);
        controls.set_speed(PlaybackSpeed::new(2.0).unwrap());
        let mut out = 0;
        for _ in 0..20 {
            let mut samples = tone(2_400);
            effects.process(&mut samples);
            out += samples.len() / 2;
        }
        assert!(effects.held_frames() > 0.0);
        assert_eq!(effects.input_per_output_frame(), 2.0);
        let mut rest = Vec::new();
        effects.flush(&mut rest);
        out += rest.len() / 2;
        // 48,000 frames in at 2×.
        assert!((23_900..=24_100).contains(&out), "{out}");
        assert_eq!(effects.held_frames(), 0.0);
    }

    #[test]
    fn out_of_range_settings_are_refused_and_change_nothing() {
        let (_effects, controls) = SoundEffects::new();
        let mut bad = EqSettings::from_preset(EqPreset::Rock);
        bad.bands_db[3] = 40.0;
        assert!(matches!(
            controls.set_equalizer(bad),
            Err(DspError::BandOutOfRange { band: 3, .. })
        ));
        assert_eq!(controls.settings(), EffectSettings::default());
    }
}
