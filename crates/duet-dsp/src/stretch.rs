//! Playback speed with the pitch kept: a streaming WSOLA (waveform-similarity overlap-add).
//!
//! The output is built from overlapping windows of the input, `HOP` apart (15 ms, half a
//! window). For each window the input is read around where the speed says it should be (the
//! *nominal* position, advancing `speed × HOP` per window), shifted by up to ±10 ms to the spot
//! whose waveform best continues the previous window (normalised cross-correlation against the
//! input that naturally followed it). Overlap-adding such matching windows keeps every period
//! whole, so the pitch stays and no beat or click appears; the nominal positions keep the
//! length exactly `input / speed` on average. All channels take the same shift, found on their
//! sum, so a stereo image stays in phase. At 1.0 the input is copied through untouched.

use crate::error::DspError;
use crate::settings::PlaybackSpeed;
use crate::validate_format;

const WINDOW_SECONDS: f64 = 0.030;
/// How far a window may move from its nominal place to match the previous one: at least half the
/// period of the lowest note that matters (a 50 Hz bass).
const SEARCH_SECONDS: f64 = 0.010;
/// The first pass of the search tries every `COARSE`-th shift on every `COARSE`-th sample; the
/// second tries every shift around the best one on every sample.
const COARSE: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Speed 1.0: input frames are copied out as they are.
    PassThrough,
    /// Windows are searched and overlap-added.
    Stretch,
}

/// A streaming time-stretch for one stream (one sample rate and channel count).
///
/// Per block, on the thread that produces the audio: [`TimeStretch::push`] decoded (and
/// resampled) interleaved `f32`, then [`TimeStretch::pull`] into the output until it returns
/// less than asked; push more and repeat. At the end of a track, [`TimeStretch::flush`] and pull
/// until 0 to get its last [`TimeStretch::latency_frames`]. After a seek or before another
/// track, [`TimeStretch::reset`] (the speed is kept).
///
/// Latency: output appears once [`TimeStretch::latency_frames`] more input frames than its
/// source position have been pushed (65 ms of source audio, whatever the speed). The source
/// position of the next frame `pull` returns is [`TimeStretch::source_position`], for the
/// player's clock. At 1.0 the output is the input, bit for bit and frame for frame.
///
/// [`TimeStretch::set_speed`] may be called at any time; the new speed applies from the next
/// window (within 15 ms), without a click. Nothing allocates per block once the buffers have
/// grown to the largest block pushed between two pulls. `TimeStretch` is `Send`, not shared.
#[derive(Debug, Clone)]
pub struct TimeStretch {
    channels: usize,
    sample_rate: u32,
    window: usize,
    hop: usize,
    search: usize,
    lookahead: usize,
    /// Rising half of the (sin², so rise + fall = 1) window, `hop` values.
    rise: Vec<f32>,
    speed: PlaybackSpeed,
    mode: Mode,
    /// Interleaved input from absolute frame `input_start` on (negative frames are the silence
    /// before the stream).
    input: Vec<f32>,
    /// The channels' mean of `input`, for the search.
    mono: Vec<f32>,
    input_start: i64,
    /// The falling half of the last window, waiting for the next one (`hop` frames).
    tail: Vec<f32>,
    /// Where the input naturally continues the last window (the search's template).
    natural: i64,
    /// The nominal start of the last window.
    nominal: f64,
    /// Output ready to pull, from `ready_read` on.
    ready: Vec<f32>,
    ready_read: usize,
    /// Source frames per output frame of what is in `ready`.
    ready_rate: f64,
    /// Source position just after the last frame put in `ready`.
    source_time: f64,
    pushed: u64,
    flushed: bool,
}

impl TimeStretch {
    /// A time-stretch for interleaved audio of `channels` channels at `sample_rate`.
    pub fn new(sample_rate: u32, channels: usize, speed: PlaybackSpeed) -> Result<Self, DspError> {
        validate_format(sample_rate, channels)?;
        let rate = f64::from(sample_rate);
        let hop = ((WINDOW_SECONDS * rate / 2.0).round() as usize).max(COARSE * 4);
        let window = 2 * hop;
        let search = ((SEARCH_SECONDS * rate).round() as usize).max(COARSE);
        let rise = (0..hop)
            .map(|i| {
                let phase = std::f64::consts::FRAC_PI_2 * (i as f64 + 0.5) / hop as f64;
                phase.sin().powi(2) as f32
            })
            .collect();
        let mut stretch = TimeStretch {
            channels,
            sample_rate,
            window,
            hop,
            search,
            lookahead: window + hop + 2 * search + 1,
            rise,
            speed,
            mode: Mode::PassThrough,
            input: Vec::new(),
            mono: Vec::new(),
            input_start: 0,
            tail: vec![0.0; hop * channels],
            natural: 0,
            nominal: 0.0,
            ready: Vec::with_capacity(hop * channels),
            ready_read: 0,
            ready_rate: 1.0,
            source_time: 0.0,
            pushed: 0,
            flushed: false,
        };
        stretch
            .input
            .reserve((stretch.lookahead * 3 + 8192) * channels);
        stretch.mono.reserve(stretch.lookahead * 3 + 8192);
        stretch.reset();
        Ok(stretch)
    }

    pub fn speed(&self) -> PlaybackSpeed {
        self.speed
    }

    /// Applies from the next window (within 15 ms of output), crossfaded by the overlap-add.
    pub fn set_speed(&mut self, speed: PlaybackSpeed) {
        self.speed = speed;
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Input frames held back before they come out (65 ms at any rate and speed).
    pub fn latency_frames(&self) -> usize {
        self.lookahead
    }

    /// The position, in input frames since the start (or the last reset), of the next frame
    /// [`TimeStretch::pull`] returns.
    pub fn source_position(&self) -> f64 {
        let waiting = (self.ready.len() - self.ready_read) / self.channels;
        self.source_time - waiting as f64 * self.ready_rate
    }

    /// Input frames pushed since the start (or the last reset).
    pub fn pushed_frames(&self) -> u64 {
        self.pushed
    }

    /// Starts a new stream: drops all input and output, keeps the speed.
    pub fn reset(&mut self) {
        // Enough silence before the stream for the earliest window the search may read.
        let lead = self.hop + 2 * self.search + 2;
        self.input.clear();
        self.input.resize(lead * self.channels, 0.0);
        self.mono.clear();
        self.mono.resize(lead, 0.0);
        self.input_start = -(lead as i64);
        self.tail.iter_mut().for_each(|s| *s = 0.0);
        self.natural = 0;
        self.nominal = -(self.hop as f64);
        self.mode = Mode::PassThrough;
        self.ready.clear();
        self.ready_read = 0;
        self.ready_rate = 1.0;
        self.source_time = 0.0;
        self.pushed = 0;
        self.flushed = false;
    }

    /// Appends interleaved input; a trailing partial frame is ignored. After
    /// [`TimeStretch::flush`], input is ignored until [`TimeStretch::reset`].
    pub fn push(&mut self, samples: &[f32]) {
        if self.flushed {
            return;
        }
        self.discard_consumed();
        let frames = samples.len() / self.channels;
        let samples = &samples[..frames * self.channels];
        self.input.extend_from_slice(samples);
        let scale = 1.0 / self.channels as f32;
        self.mono.extend(
            samples
                .chunks_exact(self.channels)
                .map(|f| f.iter().sum::<f32>() * scale),
        );
        self.pushed += frames as u64;
    }

    /// Marks the end of the stream: the input still held comes out through the next pulls, and
    /// the output ends at `pushed / speed` frames.
    pub fn flush(&mut self) {
        if self.flushed {
            return;
        }
        self.flushed = true;
        let padding = self.lookahead + self.hop;
        self.input
            .resize(self.input.len() + padding * self.channels, 0.0);
        self.mono.resize(self.mono.len() + padding, 0.0);
    }

    /// Fills `out` with as many whole frames as are ready and returns how many samples it
    /// wrote. Less than `out.len()` means: push more input (or, after a flush, the end).
    pub fn pull(&mut self, out: &mut [f32]) -> usize {
        let wanted = out.len() / self.channels * self.channels;
        let mut written = 0;
        while written < wanted {
            if self.ready_read == self.ready.len() {
                self.ready.clear();
                self.ready_read = 0;
                if !self.step() {
                    break;
                }
            }
            let count = (self.ready.len() - self.ready_read).min(wanted - written);
            out[written..written + count]
                .copy_from_slice(&self.ready[self.ready_read..self.ready_read + count]);
            written += count;
            self.ready_read += count;
        }
        written
    }

    fn input_end(&self) -> i64 {
        self.input_start + self.mono.len() as i64
    }

    fn index(&self, frame: i64) -> usize {
        (frame - self.input_start) as usize
    }

    /// Drops input no future window can read (in one move, once a window's worth has gone).
    fn discard_consumed(&mut self) {
        let keep_from = self.natural - (self.hop + 2 * self.search + 2) as i64;
        let discard = keep_from - self.input_start;
        if discard >= self.window as i64 {
            let frames = discard as usize;
            self.input.drain(..frames * self.channels);
            self.mono.drain(..frames);
            self.input_start = keep_from;
        }
    }

    /// Makes the next `hop` frames of output, if the input allows.
    fn step(&mut self) -> bool {
        if self.input_end() < self.natural + self.lookahead as i64 {
            return false;
        }
        let copying = self.speed == PlaybackSpeed::NORMAL;
        let rate = f64::from(self.speed.get());
        let mut frames = self.hop;
        if self.flushed {
            let left = ((self.pushed as f64 - self.source_time) / rate).ceil();
            if left <= 0.0 {
                return false;
            }
            frames = frames.min(left as usize);
        }
        let channels = self.channels;
        match (self.mode, copying) {
            (Mode::PassThrough, true) => {
                let at = self.index(self.natural) * channels;
                self.ready
                    .extend_from_slice(&self.input[at..at + frames * channels]);
                self.natural += self.hop as i64;
                self.nominal = (self.natural - self.hop as i64) as f64;
            }
            (Mode::Stretch, true) => {
                // Back to copying: the next window starts where the last one continues, so the
                // overlap-add of these two is the input itself, then the copy follows on.
                self.overlap_add(self.natural, frames);
                self.natural += self.hop as i64;
                self.nominal = (self.natural - self.hop as i64) as f64;
                self.mode = Mode::PassThrough;
            }
            (mode, false) => {
                if mode == Mode::PassThrough {
                    // As if a window starting a hop ago had been copied: its falling half is
                    // the input from here.
                    let at = self.index(self.natural);
                    for i in 0..self.hop {
                        let fall = 1.0 - self.rise[i];
                        for ch in 0..channels {
                            self.tail[i * channels + ch] =
                                self.input[(at + i) * channels + ch] * fall;
                        }
                    }
                    self.mode = Mode::Stretch;
                }
                let nominal = self.nominal + self.hop as f64 * rate;
                let start = self.best_match(nominal);
                self.overlap_add(start, frames);
                self.natural = start + self.hop as i64;
                self.nominal = nominal;
            }
        }
        self.source_time += frames as f64 * rate;
        self.ready_rate = rate;
        true
    }

    /// Outputs `tail + rise × input[start..]`, and keeps `fall × input[start + hop..]` as the
    /// next tail.
    fn overlap_add(&mut self, start: i64, frames: usize) {
        let channels = self.channels;
        let at = self.index(start);
        for i in 0..frames {
            let rise = self.rise[i];
            for ch in 0..channels {
                let x = self.input[(at + i) * channels + ch];
                self.ready.push(self.tail[i * channels + ch] + x * rise);
            }
        }
        let second = at + self.hop;
        for i in 0..self.hop {
            let fall = 1.0 - self.rise[i];
            for ch in 0..channels {
                self.tail[i * channels + ch] = self.input[(second + i) * channels + ch] * fall;
            }
        }
    }

    /// The window start within ±search of `nominal` whose first half best matches the input
    /// that naturally follows the previous window.
    fn best_match(&self, nominal: f64) -> i64 {
        let centre = nominal.floor() as i64;
        let lowest = self.input_start;
        let highest = self.input_end() - self.window as i64;
        let lo = (centre - self.search as i64).clamp(lowest, highest);
        let hi = (centre + self.search as i64).clamp(lowest, highest);
        let template_at = self.index(self.natural);
        let template = &self.mono[template_at..template_at + self.hop];
        let score = |start: i64, stride: usize| -> f32 {
            let at = self.index(start);
            let candidate = &self.mono[at..at + self.hop];
            let (mut dot, mut energy) = (0.0f32, 0.0f32);
            for (t, c) in template.iter().zip(candidate).step_by(stride) {
                dot += t * c;
                energy += c * c;
            }
            dot / (energy + 1e-9).sqrt()
        };
        let mut best = centre.clamp(lo, hi);
        let mut best_score = score(best, COARSE);
        let mut start = lo;
        while start <= hi {
            let s = score(start, COARSE);
            if s > best_score {
                best = start;
                best_score = s;
            }
            start += COARSE as i64;
        }
        let coarse_best = best;
        best_score = score(best, 1);
        for start in
            (coarse_best - COARSE as i64 + 1).max(lo)..=(coarse_best + COARSE as i64 - 1).min(hi)
        {
            let s = score(start, 1);
            if s > best_score {
                best = start;
                best_score = s;
            }
        }
        best
    }
}
