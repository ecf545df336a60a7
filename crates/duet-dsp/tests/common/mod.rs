//! Signals and measurements shared by the tests.

#![allow(dead_code)]

use std::f64::consts::PI;

pub const RATES: [u32; 3] = [44_100, 48_000, 96_000];

/// `frames` of a sine in every one of `channels` channels, interleaved.
pub fn sine(freq: f64, amplitude: f64, rate: u32, frames: usize, channels: usize) -> Vec<f32> {
    (0..frames)
        .flat_map(|i| {
            let v = (amplitude * (2.0 * PI * freq * i as f64 / f64::from(rate)).sin()) as f32;
            std::iter::repeat_n(v, channels)
        })
        .collect()
}

/// A deterministic pseudo-random generator (LCG): white noise in -1..1 without a dependency.
pub struct Noise(u32);

impl Noise {
    pub fn new(seed: u32) -> Self {
        Noise(seed)
    }

    pub fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (self.0 >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    }
}

/// One channel of an interleaved buffer.
pub fn channel(samples: &[f32], channels: usize, ch: usize) -> Vec<f32> {
    samples.iter().skip(ch).step_by(channels).copied().collect()
}

pub fn rms(samples: &[f32]) -> f64 {
    (samples
        .iter()
        .map(|&s| f64::from(s) * f64::from(s))
        .sum::<f64>()
        / samples.len() as f64)
        .sqrt()
}

pub fn db(ratio: f64) -> f64 {
    20.0 * ratio.log10()
}

/// The largest jump between two consecutive samples.
pub fn max_step(samples: &[f32]) -> f32 {
    samples
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

/// The largest jump between consecutive samples a sine of this frequency and amplitude can make.
pub fn sine_max_step(freq: f64, amplitude: f64, rate: u32) -> f32 {
    (2.0 * amplitude * (PI * freq / f64::from(rate)).sin()) as f32
}

/// The frequency of a steady tone from its rising zero crossings, each placed between its two
/// samples by linear interpolation: (crossings − 1) periods over the time between the first and
/// the last.
pub fn zero_crossing_frequency(samples: &[f32], rate: u32) -> f64 {
    let crossings: Vec<f64> = samples
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(w[0] / (w[0] - w[1])))
        .collect();
    assert!(
        crossings.len() > 10,
        "too few zero crossings to measure a frequency"
    );
    let span = crossings[crossings.len() - 1] - crossings[0];
    (crossings.len() - 1) as f64 / span * f64::from(rate)
}
