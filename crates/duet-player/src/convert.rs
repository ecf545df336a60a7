//! Adapting decoded audio to what the output plays: channel up/down-mix and sample-rate
//! conversion (linear interpolation; only used when the device cannot run at the track's rate).

/// Converts interleaved `f32` from one layout to another, chunk by chunk, keeping the state a
/// resampler needs across chunks.
#[derive(Debug, Clone)]
pub struct Converter {
    in_rate: u32,
    in_channels: usize,
    out_rate: u32,
    out_channels: usize,
    /// Input frames per output frame.
    step: f64,
    /// Position of the next output frame, in input frames, relative to `last`.
    phase: f64,
    /// The last input frame of the previous chunk (after remixing).
    last: Option<Vec<f32>>,
    remixed: Vec<f32>,
}

impl Converter {
    pub fn new(in_rate: u32, in_channels: u16, out_rate: u32, out_channels: u16) -> Self {
        let in_rate = in_rate.max(1);
        let out_rate = out_rate.max(1);
        Self {
            in_rate,
            in_channels: usize::from(in_channels.max(1)),
            out_rate,
            out_channels: usize::from(out_channels.max(1)),
            step: f64::from(in_rate) / f64::from(out_rate),
            phase: 0.0,
            last: None,
            remixed: Vec::new(),
        }
    }

    /// Whether this converter was made for input of this layout.
    pub fn accepts(&self, rate: u32, channels: u16) -> bool {
        self.in_rate == rate && self.in_channels == usize::from(channels)
    }

    /// Forgets the resampler's history (after a seek).
    pub fn reset(&mut self) {
        self.phase = 0.0;
        self.last = None;
    }

    /// Converts `input` and appends the result to `out`.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        if self.in_rate == self.out_rate {
            remix(input, self.in_channels, self.out_channels, out);
            return;
        }
        let mut remixed = std::mem::take(&mut self.remixed);
        remixed.clear();
        remix(input, self.in_channels, self.out_channels, &mut remixed);
        self.resample(&remixed, out);
        self.remixed = remixed;
    }

    fn resample(&mut self, input: &[f32], out: &mut Vec<f32>) {
        let ch = self.out_channels;
        let frames = input.len() / ch;
        if frames == 0 {
            return;
        }
        let mut start = 0;
        let last = match self.last.take() {
            Some(last) => last,
            None => {
                // The very first frame: nothing to interpolate from yet.
                start = 1;
                input[..ch].to_vec()
            }
        };
        // Frame `i` of the virtual stream `[last, input[start..]...]`.
        let frame = |i: usize| -> &[f32] {
            if i == 0 {
                &last
            } else {
                let f = start + i - 1;
                &input[f * ch..(f + 1) * ch]
            }
        };
        let available = frames - start; // virtual frames after `last`
        let mut pos = self.phase;
        while pos < available as f64 {
            let i = pos.floor() as usize;
            let t = (pos - i as f64) as f32;
            let (a, b) = (frame(i), frame(i + 1));
            out.extend(a.iter().zip(b).map(|(a, b)| a + (b - a) * t));
            pos += self.step;
        }
        self.phase = pos - available as f64;
        self.last = Some(frame(available).to_vec());
    }
}

/// Maps `input` (interleaved, `from` channels) to `to` channels and appends to `out`.
fn remix(input: &[f32], from: usize, to: usize, out: &mut Vec<f32>) {
    if from == to {
        out.extend_from_slice(input);
        return;
    }
    out.reserve(input.len() / from * to);
    for frame in input.chunks_exact(from) {
        match (from, to) {
            (1, _) => out.extend(std::iter::repeat_n(frame[0], to)),
            (_, 1) => out.push(frame.iter().sum::<f32>() / from as f32),
            // Down to stereo: channels 0, 2, 4… to the left, 1, 3, 5… to the right.
            (_, 2) => {
                let (mut left, mut right, mut nl, mut nr) = (0.0, 0.0, 0.0f32, 0.0f32);
                for (i, s) in frame.iter().enumerate() {
                    if i % 2 == 0 {
                        left += s;
                        nl += 1.0;
                    } else {
                        right += s;
                        nr += 1.0;
                    }
                }
                out.push(left / nl.max(1.0));
                out.push(right / nr.max(1.0));
            }
            // Otherwise: the first channels as they are, silence in any extra ones.
            _ => out.extend((0..to).map(|i| frame.get(i).copied().unwrap_or(0.0))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_to_stereo_and_back() {
        let mut up = Converter::new(48_000, 1, 48_000, 2);
        let mut out = Vec::new();
        up.process(&[0.5, -0.25], &mut out);
        assert_eq!(out, [0.5, 0.5, -0.25, -0.25]);
        let mut down = Converter::new(48_000, 2, 48_000, 1);
        let mut mono = Vec::new();
        down.process(&[0.5, 0.1, -1.0, 1.0], &mut mono);
        assert_eq!(mono, [0.3, 0.0]);
    }

    #[test]
    fn surround_folds_to_stereo() {
        let mut c = Converter::new(48_000, 6, 48_000, 2);
        let mut out = Vec::new();
        c.process(&[0.3, 0.6, 0.3, 0.0, 0.3, 0.0], &mut out);
        assert_eq!(out.len(), 2);
        assert!((out[0] - 0.3).abs() < 1e-6 && (out[1] - 0.2).abs() < 1e-6);
    }

    #[test]
    fn resampling_keeps_duration_and_continuity_across_chunks() {
        let mut c = Converter::new(44_100, 1, 48_000, 1);
        // A 441 Hz ramp in chunks of odd sizes.
        let input: Vec<f32> = (0..44_100).map(|i| (i % 100) as f32 / 100.0).collect();
        let mut out = Vec::new();
        for chunk in input.chunks(1_153) {
            c.process(chunk, &mut out);
        }
        let expected = 48_000f64;
        assert!(
            (out.len() as f64 - expected).abs() < 3.0,
            "{} frames",
            out.len()
        );
        // Linear interpolation of a ramp stays on the ramp except at its 441 wrap-arounds (two
        // big steps each, through the interpolated midpoint), chunk boundaries included.
        let jumps = out
            .windows(2)
            .filter(|w| (w[1] - w[0]).abs() > 0.05)
            .count();
        assert!(jumps <= 2 * 441 + 2, "{jumps} discontinuities");

        let mut down = Converter::new(48_000, 2, 24_000, 2);
        let mut half = Vec::new();
        down.process(&vec![0.25; 48_000 * 2], &mut half);
        assert!((half.len() as i64 - 48_000).abs() <= 4);
        assert!(half.iter().all(|s| (s - 0.25).abs() < 1e-6));
    }
}
