//! The spot in the sample path for sound processing (an equaliser, a speed change, loudness
//! normalisation): after decoding, channel/rate conversion, the crossfade and the volume, right
//! before the output. Whatever a [`SampleProcessor`] returns is what the output plays.

use crate::output::OutputSpec;

/// One stage of processing on the way to the output, set with
/// [`Player::set_processor`](crate::Player::set_processor).
///
/// It sees interleaved `f32` frames at the output's rate and channel count ([`OutputSpec`]),
/// chunk by chunk (at most about 50 ms each), on the playback thread: it must not block. It may
/// change the number of frames (a time-stretch does), but only whole frames.
pub trait SampleProcessor: Send {
    /// The layout of what `process` will be given from now on (a new output was opened).
    fn configure(&mut self, spec: OutputSpec);

    /// Processes `samples` in place (or replaces them).
    fn process(&mut self, samples: &mut Vec<f32>);

    /// Forgets the history of earlier samples (after a seek, or on another track that does not
    /// follow the last one).
    fn reset(&mut self) {}

    /// The stream ends (the last track of a run, nothing follows it): appends to `samples` what
    /// is still held back, and starts afresh. Tracks that follow one another gaplessly are one
    /// stream: no flush between them.
    fn flush(&mut self, samples: &mut Vec<f32>) {
        let _ = samples;
    }

    /// Frames (of the stream given to `process`) taken in but not given out yet, for the
    /// player's clock.
    fn held_frames(&self) -> f64 {
        0.0
    }

    /// Frames of the stream given to `process` per frame given out, at the moment (the playback
    /// speed): the player's clock counts what waits at the output with it.
    fn input_per_output_frame(&self) -> f64 {
        1.0
    }
}
