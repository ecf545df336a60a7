//! The 10-band graphic equaliser.
//!
//! Ten peaking sections (RBJ cookbook) in cascade at the octave centres 31.25 Hz … 16 kHz. Neighbouring
//! bands overlap, so setting each section to its slider's value would not give that value at
//! the band centre (two +6 dB neighbours add about +2 dB to each other). Instead the section
//! gains are solved so the *whole cascade* hits every slider at every centre: a linear
//! interaction matrix (each section's dB response at every centre) gives a first solution and
//! three corrections against the exact response remove what the linear model misses (the method
//! of Välimäki & Liski, "Accurate cascade graphic equalizer", IEEE SPL 2017). This runs when
//! the settings change, never per block.

use crate::biquad::{Coeffs, State};
use crate::error::DspError;
use crate::settings::EqSettings;
use crate::validate_format;

/// Number of bands.
pub const BAND_COUNT: usize = 10;
/// The centre of each band in Hz: octaves around 1 kHz.
pub const BAND_CENTRES_HZ: [f32; BAND_COUNT] = [
    31.25, 62.5, 125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0,
];
/// The ISO names of the centres, as a UI labels its sliders.
pub const BAND_LABELS: [&str; BAND_COUNT] = [
    "31", "62", "125", "250", "500", "1k", "2k", "4k", "8k", "16k",
];
pub const MIN_BAND_DB: f32 = -12.0;
pub const MAX_BAND_DB: f32 = 12.0;
pub const MIN_PREAMP_DB: f32 = -12.0;
pub const MAX_PREAMP_DB: f32 = 12.0;

/// Width of each section, about 1.2 octaves. Measured against 0.8 and 1.0: wider sections dip
/// less between two equal sliders (1.4 dB here with all at +12 dB, under 1 dB at Q 1.0) but
/// cannot reach curves with steep neighbours (a random ±12 dB curve missed its centres by more
/// than 1 dB at Q 1.0 and by 5 dB at 0.8, against 0.01 dB here).
const BAND_Q: f64 = 1.2;
/// A band whose centre is above this fraction of the Nyquist frequency is left out (the 16 kHz
/// band at 32 kHz and below): its section would be ill-defined and its slider means nothing there.
const MAX_CENTRE_OF_NYQUIST: f64 = 0.8;
/// The gain the interaction matrix is measured at.
const PROTOTYPE_DB: f64 = 12.0;
/// The solved gain of one section never goes beyond this, whatever the sliders ask.
const MAX_SECTION_DB: f64 = 24.0;
/// Corrections of the linear solution against the exact response.
const REFINEMENTS: usize = 3;
/// How long a change of settings crossfades from the old curve to the new one.
const CROSSFADE_SECONDS: f64 = 0.025;

/// One curve ready to run: the sections' coefficients and the preamp's linear gain.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Curve {
    sections: [Coeffs; BAND_COUNT],
    /// How many sections run; 0 for the identity curve.
    active: usize,
    gain: f64,
}

impl Curve {
    const IDENTITY: Curve = Curve {
        sections: [Coeffs::IDENTITY; BAND_COUNT],
        active: 0,
        gain: 1.0,
    };

    fn is_identity(&self) -> bool {
        self.active == 0 && self.gain == 1.0
    }

    #[inline(always)]
    fn run(&self, state: &mut [State; BAND_COUNT], x: f64) -> f64 {
        let mut y = x;
        for (section, history) in self.sections[..self.active].iter().zip(state.iter_mut()) {
            y = history.run(section, y);
        }
        y * self.gain
    }
}

/// The equaliser for one stream (one sample rate and channel count).
///
/// Per block, on the thread that produces the audio: [`Equalizer::process`] on interleaved
/// `f32`, in place. It never allocates, locks or blocks, and adds no latency. Settings change
/// with [`Equalizer::set_settings`] between blocks (about 15 µs, no allocation);
/// the new curve fades in over 25 ms, so moving a slider during playback does not click.
///
/// `Equalizer` is `Send` but not shared: keep it with the audio it processes and send it new
/// settings (a channel, or an atomic flag and a mutex-guarded copy) rather than sharing it.
/// A new stream format (sample rate, channels) means a new `Equalizer`, built off the audio path
/// as it allocates its per-channel state.
#[derive(Debug, Clone)]
pub struct Equalizer {
    sample_rate: f64,
    channels: usize,
    /// Bands below the Nyquist limit; the rest are skipped.
    usable_bands: usize,
    /// `interaction[k][m]`: dB response of section `m` at centre `k` per dB of section gain.
    interaction: [[f64; BAND_COUNT]; BAND_COUNT],
    settings: EqSettings,
    current: Curve,
    previous: Curve,
    /// Per channel: the current curve's section histories.
    current_state: Vec<[State; BAND_COUNT]>,
    /// Per channel: the histories of the curve being faded out.
    previous_state: Vec<[State; BAND_COUNT]>,
    /// Per channel: the last two input samples (last first), to start the sections from the
    /// signal when leaving bypass.
    input_history: Vec<[f64; 2]>,
    fade_frames: usize,
    fade_remaining: usize,
    /// A curve asked for while another change was still fading in: it follows when that ends.
    pending: Option<Curve>,
}

impl Equalizer {
    /// An equaliser for interleaved audio of `channels` channels at `sample_rate`, starting
    /// with `settings` (no fade at the start).
    pub fn new(sample_rate: u32, channels: usize, settings: &EqSettings) -> Result<Self, DspError> {
        validate_format(sample_rate, channels)?;
        settings.validate()?;
        let rate = f64::from(sample_rate);
        let usable_bands = BAND_CENTRES_HZ
            .iter()
            .take_while(|&&centre| f64::from(centre) < MAX_CENTRE_OF_NYQUIST * rate / 2.0)
            .count();
        let mut interaction = [[0.0; BAND_COUNT]; BAND_COUNT];
        for (m, &centre_m) in BAND_CENTRES_HZ[..usable_bands].iter().enumerate() {
            let section = Coeffs::peaking(rate, f64::from(centre_m), BAND_Q, PROTOTYPE_DB);
            for (k, &centre_k) in BAND_CENTRES_HZ[..usable_bands].iter().enumerate() {
                interaction[k][m] = db(section.magnitude(rate, f64::from(centre_k))) / PROTOTYPE_DB;
            }
        }
        let mut eq = Equalizer {
            sample_rate: rate,
            channels,
            usable_bands,
            interaction,
            settings: *settings,
            current: Curve::IDENTITY,
            previous: Curve::IDENTITY,
            current_state: vec![[State::default(); BAND_COUNT]; channels],
            previous_state: vec![[State::default(); BAND_COUNT]; channels],
            input_history: vec![[0.0; 2]; channels],
            fade_frames: ((CROSSFADE_SECONDS * rate).round() as usize).max(1),
            fade_remaining: 0,
            pending: None,
        };
        eq.current = eq.design(settings);
        Ok(eq)
    }

    pub fn settings(&self) -> &EqSettings {
        &self.settings
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate as u32
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    /// How many bands act at this sample rate: 10, or fewer when the top centres are too close
    /// to the Nyquist frequency (below 40 kHz the 16 kHz band is skipped).
    pub fn usable_bands(&self) -> usize {
        self.usable_bands
    }

    /// True when the equaliser currently passes samples through untouched (and costs nothing).
    pub fn is_bypassed(&self) -> bool {
        self.fade_remaining == 0 && self.current.is_identity()
    }

    /// Takes new settings; they fade in over 25 ms from the next [`Equalizer::process`]. On
    /// invalid settings nothing changes and the error says which value is wrong.
    pub fn set_settings(&mut self, settings: &EqSettings) -> Result<(), DspError> {
        settings.validate()?;
        self.settings = *settings;
        let curve = self.design(settings);
        if self.fade_remaining > 0 {
            self.pending = Some(curve);
        } else if curve != self.current {
            self.begin_fade(curve);
        }
        Ok(())
    }

    /// The curve's gain in dB at `freq_hz` (the sections and the preamp), once any fade has
    /// ended: for drawing it, or checking headroom.
    pub fn response_db(&self, freq_hz: f32) -> f32 {
        let curve = self.pending.as_ref().unwrap_or(&self.current);
        let freq = f64::from(freq_hz);
        let sections: f64 = curve.sections[..curve.active]
            .iter()
            .map(|s| db(s.magnitude(self.sample_rate, freq)))
            .sum();
        (sections + db(curve.gain)) as f32
    }

    /// Forgets the signal's history (after a seek or a new track), keeping the settings and
    /// finishing any fade at once.
    pub fn reset(&mut self) {
        if let Some(curve) = self.pending.take() {
            self.current = curve;
        }
        self.fade_remaining = 0;
        for state in self
            .current_state
            .iter_mut()
            .chain(self.previous_state.iter_mut())
        {
            *state = [State::default(); BAND_COUNT];
        }
        self.input_history.iter_mut().for_each(|h| *h = [0.0; 2]);
    }

    /// Equalises interleaved samples in place. A trailing partial frame (a length that is not a
    /// multiple of the channel count) is left as it is. Bypassed, the samples are not touched.
    pub fn process(&mut self, samples: &mut [f32]) {
        let channels = self.channels;
        let frames = samples.len() / channels;
        if frames == 0 {
            return;
        }
        let samples = &mut samples[..frames * channels];
        let mut done = 0;
        while done < frames {
            if self.fade_remaining > 0 {
                let count = self.fade_remaining.min(frames - done);
                let segment = &mut samples[done * channels..(done + count) * channels];
                self.remember_tail(segment);
                self.run_fade(segment);
                done += count;
                self.fade_remaining -= count;
                if self.fade_remaining == 0 {
                    if let Some(next) = self.pending.take() {
                        if next != self.current {
                            self.begin_fade(next);
                        }
                    }
                }
            } else {
                let segment = &mut samples[done * channels..];
                self.remember_tail(segment);
                if !self.current.is_identity() {
                    self.run_steady(segment);
                }
                done = frames;
            }
        }
        for state in self
            .current_state
            .iter_mut()
            .chain(self.previous_state.iter_mut())
        {
            state.iter_mut().for_each(State::settle);
        }
    }

    /// Keeps the last two input samples of each channel of `segment`, read before it is
    /// overwritten: the sections start from them when they leave bypass.
    fn remember_tail(&mut self, segment: &[f32]) {
        let channels = self.channels;
        let frames = segment.len() / channels;
        for (ch, history) in self.input_history.iter_mut().enumerate() {
            let last = f64::from(segment[(frames - 1) * channels + ch]);
            let before = if frames >= 2 {
                f64::from(segment[(frames - 2) * channels + ch])
            } else {
                history[0]
            };
            *history = [last, before];
        }
    }

    fn begin_fade(&mut self, next: Curve) {
        if self.current.active == 0 {
            // The sections have not run while bypassed: start them as if they had been passing
            // the signal through, which is what a section at 0 dB does.
            for (state, history) in self.current_state.iter_mut().zip(&self.input_history) {
                *state = [State::passing(history[0], history[1]); BAND_COUNT];
            }
        }
        self.previous = self.current;
        self.previous_state.copy_from_slice(&self.current_state);
        self.current = next;
        self.fade_remaining = self.fade_frames;
    }

    fn run_steady(&mut self, samples: &mut [f32]) {
        let channels = self.channels;
        for (ch, state) in self.current_state.iter_mut().enumerate() {
            let mut local = *state;
            for sample in samples.iter_mut().skip(ch).step_by(channels) {
                *sample = self.current.run(&mut local, f64::from(*sample)) as f32;
            }
            *state = local;
        }
    }

    fn run_fade(&mut self, samples: &mut [f32]) {
        let channels = self.channels;
        let fade_frames = self.fade_frames as f64;
        let start = self.fade_frames - self.fade_remaining;
        for (ch, (state, old_state)) in self
            .current_state
            .iter_mut()
            .zip(self.previous_state.iter_mut())
            .enumerate()
        {
            for (i, sample) in samples.iter_mut().skip(ch).step_by(channels).enumerate() {
                let x = f64::from(*sample);
                let new = self.current.run(state, x);
                let old = self.previous.run(old_state, x);
                let t = (start + i + 1) as f64 / fade_frames;
                *sample = (old + (new - old) * t) as f32;
            }
        }
    }

    /// The sections that make the cascade's response at each centre equal its slider.
    fn design(&self, settings: &EqSettings) -> Curve {
        if settings.is_transparent() {
            return Curve::IDENTITY;
        }
        let n = self.usable_bands;
        let mut target = [0.0; BAND_COUNT];
        for (t, &b) in target.iter_mut().zip(&settings.bands_db[..n]) {
            *t = f64::from(b);
        }
        let mut gains = solve(&self.interaction, &target, n);
        for _ in 0..REFINEMENTS {
            clamp_gains(&mut gains[..n]);
            let sections = self.sections(&gains);
            let mut error = [0.0; BAND_COUNT];
            for (k, e) in error[..n].iter_mut().enumerate() {
                let centre = f64::from(BAND_CENTRES_HZ[k]);
                let actual: f64 = sections[..n]
                    .iter()
                    .map(|s| db(s.magnitude(self.sample_rate, centre)))
                    .sum();
                *e = target[k] - actual;
            }
            let correction = solve(&self.interaction, &error, n);
            for (g, c) in gains[..n].iter_mut().zip(&correction) {
                *g += c;
            }
        }
        clamp_gains(&mut gains[..n]);
        let all_flat = settings.bands_db.iter().all(|&b| b == 0.0);
        Curve {
            sections: self.sections(&gains),
            active: if all_flat { 0 } else { n },
            gain: 10f64.powf(f64::from(settings.preamp_db) / 20.0),
        }
    }

    fn sections(&self, gains: &[f64; BAND_COUNT]) -> [Coeffs; BAND_COUNT] {
        let mut sections = [Coeffs::IDENTITY; BAND_COUNT];
        for (m, section) in sections[..self.usable_bands].iter_mut().enumerate() {
            *section = Coeffs::peaking(
                self.sample_rate,
                f64::from(BAND_CENTRES_HZ[m]),
                BAND_Q,
                gains[m],
            );
        }
        sections
    }
}

fn db(linear: f64) -> f64 {
    20.0 * linear.log10()
}

fn clamp_gains(gains: &mut [f64]) {
    gains
        .iter_mut()
        .for_each(|g| *g = g.clamp(-MAX_SECTION_DB, MAX_SECTION_DB));
}

/// Solves `matrix[..n][..n] · x = rhs[..n]` (Gaussian elimination, partial pivoting), per dB
/// of section gain: `rhs` and `x` in dB. The matrix is diagonally dominant (each section acts
/// most at its own centre), so it is never singular; a degenerate pivot leaves `x = rhs`.
fn solve(
    matrix: &[[f64; BAND_COUNT]; BAND_COUNT],
    rhs: &[f64; BAND_COUNT],
    n: usize,
) -> [f64; BAND_COUNT] {
    let mut a = *matrix;
    let mut b = *rhs;
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        if a[pivot][col].abs() < 1e-12 {
            return *rhs;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (above, below) = a.split_at_mut(col + 1);
        let pivot_row = &above[col];
        for (row, b_row) in below[..n - col - 1].iter_mut().zip(col + 1..n) {
            let factor = row[col] / pivot_row[col];
            for (x, p) in row[col..n].iter_mut().zip(&pivot_row[col..n]) {
                *x -= factor * p;
            }
            b[b_row] -= factor * b[col];
        }
    }
    let mut x = [0.0; BAND_COUNT];
    for row in (0..n).rev() {
        let sum: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - sum) / a[row][row];
    }
    x
}
