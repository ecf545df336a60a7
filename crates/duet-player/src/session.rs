//! One playback of one track, on a thread of its own: resolve the URL, download while decoding,
//! write to the output at real-time pace, obey pause/seek/volume/stop, report back.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use duet_core::{Error, ErrorKind, StreamUrl, Track};

use crate::convert::Converter;
use crate::decode::{frames_to_ms, ms_to_frames, DecodeError, Decoder};
use crate::output::{AudioOutput, OutputSpec};
use crate::player::Shared;
use crate::source::{self, StreamBuffer, StreamSource};

/// How often `player-position` is sent while playing.
const POSITION_EVERY: Duration = Duration::from_millis(250);
/// The most audio written to the output in one go (keeps seek/stop/volume responsive).
const MAX_WRITE: Duration = Duration::from_millis(50);
/// How often a paused playback checks for commands.
const PAUSED_POLL: Duration = Duration::from_millis(20);

/// The controls of one playback, set by the [`Player`](crate::Player) handle, read by the
/// playback thread.
#[derive(Debug)]
pub(crate) struct SessionCtl {
    pub(crate) generation: u64,
    stop: AtomicBool,
    paused: AtomicBool,
    seek_to: Mutex<Option<u64>>,
    /// `f32` bits.
    volume: AtomicU32,
    /// The download, so `stop` can wake a read blocked on it.
    buffer: Mutex<Option<Arc<StreamBuffer>>>,
}

impl SessionCtl {
    pub(crate) fn new(generation: u64, volume: f32) -> Self {
        Self {
            generation,
            stop: AtomicBool::new(false),
            paused: AtomicBool::new(false),
            seek_to: Mutex::new(None),
            volume: AtomicU32::new(volume.to_bits()),
            buffer: Mutex::new(None),
        }
    }

    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(buffer) = self
            .buffer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            buffer.cancel();
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn set_buffer(&self, buffer: Arc<StreamBuffer>) {
        *self.buffer.lock().unwrap_or_else(|e| e.into_inner()) = Some(buffer.clone());
        // A stop that came before the buffer existed.
        if self.stopped() {
            buffer.cancel();
        }
    }

    pub(crate) fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    pub(crate) fn request_seek(&self, position_ms: u64) {
        *self.seek_to.lock().unwrap_or_else(|e| e.into_inner()) = Some(position_ms);
    }

    fn take_seek(&self) -> Option<u64> {
        self.seek_to
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    fn seek_pending(&self) -> bool {
        self.seek_to
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    pub(crate) fn set_volume(&self, volume: f32) {
        self.volume.store(volume.to_bits(), Ordering::Relaxed);
    }

    fn volume(&self) -> f32 {
        f32::from_bits(self.volume.load(Ordering::Relaxed))
    }
}

/// Aborts a runtime task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

enum Outcome {
    Finished,
    /// Superseded or stopped: report nothing.
    Stopped,
}

/// Starts the playback thread of `track`.
pub(crate) fn spawn(
    shared: Arc<Shared>,
    ctl: Arc<SessionCtl>,
    track: Track,
) -> std::io::Result<()> {
    thread::Builder::new()
        .name("duet-playback".into())
        .spawn(move || {
            let mut playback = Playback {
                shared: &shared,
                ctl: &ctl,
                track: &track,
                started: false,
            };
            let result = catch_unwind(AssertUnwindSafe(|| playback.run()));
            let started = playback.started;
            let result = result.unwrap_or_else(|_| {
                Err(Error::upstream(
                    "the audio decoder crashed on this file".to_owned(),
                ))
            });
            match result {
                Ok(Outcome::Stopped) => {}
                Ok(Outcome::Finished) => shared.session_finished(ctl.generation),
                Err(_) if ctl.stopped() => {}
                Err(error) => shared.session_failed(ctl.generation, &track, error, started),
            }
        })
        .map(drop)
}

struct Playback<'a> {
    shared: &'a Arc<Shared>,
    ctl: &'a SessionCtl,
    track: &'a Track,
    /// Whether any sample reached the output.
    started: bool,
}

impl Playback<'_> {
    fn run(&mut self) -> Result<Outcome, Error> {
        let generation = self.ctl.generation;
        if !self.track.playable {
            let reason = self
                .track
                .unavailable_reason
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| "this track is not available".to_owned());
            return Err(
                Error::new(ErrorKind::Unavailable, reason).with_provider(self.track.provider)
            );
        }
        let Some(url) = self.resolve()? else {
            return Ok(Outcome::Stopped);
        };
        if !(url.url.starts_with("http://") || url.url.starts_with("https://")) {
            return Err(Error::upstream(
                "the service gave no playable URL for this track",
            ));
        }
        self.shared.session_resolved(generation, url.trial);

        let buffer = StreamBuffer::with_spool(self.shared.spool.clone());
        self.ctl.set_buffer(buffer.clone());
        let _download = AbortOnDrop(self.shared.runtime.spawn(source::download(
            self.shared.http.clone(),
            url.url.clone(),
            url.http_fallback_url.clone(),
            buffer.clone(),
            self.shared.stall_timeout,
        )));
        // Twice the stall timeout: a failed https attempt may come before the http one.
        if let Err(error) = buffer.wait_started(self.shared.stall_timeout * 2) {
            return self.stopped_or(error);
        }
        if buffer.used_http_fallback() {
            self.shared.session_http_fallback(generation);
        }
        let source = StreamSource::new(buffer.clone(), self.shared.stall_timeout);
        let mut decoder = match Decoder::open(
            Box::new(source),
            Some(url.format.as_str()),
            buffer.content_type().as_deref(),
        ) {
            Ok(decoder) => decoder,
            Err(e) => return self.stopped_or(decode_failure(&buffer, e)),
        };

        // A VIP preview stops at the end of its window, even when the full file is served.
        let trial_ms = url
            .trial
            .map(|t| t.end_ms.saturating_sub(t.start_ms))
            .filter(|&ms| ms > 0);
        let mut duration_ms = decoder.duration_ms().unwrap_or(self.track.duration_ms);
        if let Some(limit) = trial_ms {
            duration_ms = if duration_ms == 0 {
                limit
            } else {
                duration_ms.min(limit)
            };
        }
        self.shared.session_opened(generation, duration_ms);

        match self.play(&mut decoder, &buffer, trial_ms) {
            Ok(outcome) => Ok(outcome),
            Err(error) => self.stopped_or(error),
        }
    }

    /// A failure, unless it only happened because the playback was stopped.
    fn stopped_or(&self, error: Error) -> Result<Outcome, Error> {
        if self.ctl.stopped() {
            Ok(Outcome::Stopped)
        } else {
            Err(error)
        }
    }

    /// Asks the resolver on the runtime; `None` when stopped meanwhile.
    fn resolve(&self) -> Result<Option<StreamUrl>, Error> {
        let (tx, rx) = mpsc::channel();
        let resolver = self.shared.resolver.clone();
        let track = self.track.clone();
        let _task = AbortOnDrop(self.shared.runtime.spawn(async move {
            let _ = tx.send(resolver.resolve(&track).await);
        }));
        let deadline = Instant::now() + self.shared.resolve_timeout;
        loop {
            if self.ctl.stopped() {
                return Ok(None);
            }
            match rx.recv_timeout(Duration::from_millis(20)) {
                Ok(result) => return result.map(Some),
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(Error::network(format!(
                        "no playable URL within {} s",
                        self.shared.resolve_timeout.as_secs()
                    ))
                    .with_provider(self.track.provider))
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::upstream("looking up the track's URL failed")
                        .with_provider(self.track.provider))
                }
            }
        }
    }

    /// The decode → convert → output loop.
    fn play(
        &mut self,
        decoder: &mut Decoder,
        buffer: &StreamBuffer,
        trial_ms: Option<u64>,
    ) -> Result<Outcome, Error> {
        let generation = self.ctl.generation;
        let mut output: Option<Box<dyn AudioOutput>> = None;
        let mut converter: Option<Converter> = None;
        let mut chunk = Vec::new();
        let mut converted = Vec::new();
        let mut output_paused = false;
        let mut last_announce: Option<Instant> = None;

        loop {
            if self.ctl.stopped() {
                if let Some(output) = output.as_mut() {
                    output.flush();
                }
                return Ok(Outcome::Stopped);
            }
            if let Some(target) = self.ctl.take_seek() {
                if let Some(output) = output.as_mut() {
                    output.flush();
                }
                if let Some(converter) = converter.as_mut() {
                    converter.reset();
                }
                match decoder.seek(target) {
                    Ok(Some(at)) => self.shared.session_position(generation, at, true),
                    Ok(None) => break, // past the end: the track is over
                    Err(DecodeError::Unseekable(why)) => {
                        // Play on from where it was.
                        tracing::warn!("seek to {target} ms refused: {why}");
                        self.shared
                            .session_position(generation, decoder.position_ms(), true);
                    }
                    Err(e) => return Err(decode_failure(buffer, e)),
                }
            }
            if self.ctl.is_paused() {
                if !output_paused {
                    if let Some(output) = output.as_mut() {
                        output.pause();
                    }
                    output_paused = true;
                }
                thread::sleep(PAUSED_POLL);
                continue;
            }
            if output_paused {
                if let Some(output) = output.as_mut() {
                    output.resume();
                }
                output_paused = false;
            }
            if trial_ms.is_some_and(|limit| decoder.position_ms() >= limit) {
                break;
            }

            let spec = match decoder.next_chunk(&mut chunk) {
                Ok(Some(spec)) => spec,
                Ok(None) => break,
                Err(e) => return Err(decode_failure(buffer, e)),
            };
            let channels = usize::from(spec.channels);
            if let Some(limit) = trial_ms {
                let over_ms = decoder.position_ms().saturating_sub(limit);
                let over = usize::try_from(ms_to_frames(over_ms, spec.sample_rate))
                    .unwrap_or(usize::MAX)
                    .saturating_mul(channels);
                chunk.truncate(chunk.len().saturating_sub(over));
            }
            let output = match output.as_mut() {
                Some(output) => output,
                None => {
                    let opened = self
                        .shared
                        .outputs
                        .open(OutputSpec {
                            sample_rate: spec.sample_rate,
                            channels: spec.channels,
                        })
                        .map_err(|e| Error::new(ErrorKind::Unavailable, e.to_string()))?;
                    self.shared.session_output(generation, opened.kind());
                    output.insert(opened)
                }
            };
            let out_spec = output.spec();
            let converter = match converter.as_mut() {
                Some(c) if c.accepts(spec.sample_rate, spec.channels) => c,
                _ => converter.insert(Converter::new(
                    spec.sample_rate,
                    spec.channels,
                    out_spec.sample_rate,
                    out_spec.channels,
                )),
            };
            converted.clear();
            converter.process(&chunk, &mut converted);
            let volume = self.ctl.volume();
            if volume != 1.0 {
                converted.iter_mut().for_each(|s| *s *= volume);
            }

            let piece = ((MAX_WRITE.as_secs_f64() * f64::from(out_spec.sample_rate)) as usize)
                .saturating_mul(usize::from(out_spec.channels));
            for samples in converted.chunks(piece.max(usize::from(out_spec.channels))) {
                if self.ctl.stopped() || self.ctl.seek_pending() {
                    break;
                }
                output
                    .write(samples)
                    .map_err(|e| Error::new(ErrorKind::Unavailable, e.to_string()))?;
                if !self.started {
                    self.started = true;
                    self.shared
                        .session_started(generation, self.ctl.is_paused());
                }
                let buffered_ms = frames_to_ms(output.buffered_frames(), out_spec.sample_rate);
                let position = decoder.position_ms().saturating_sub(buffered_ms);
                let announce = last_announce.is_none_or(|at| at.elapsed() >= POSITION_EVERY);
                if announce {
                    last_announce = Some(Instant::now());
                }
                self.shared.session_position(generation, position, announce);
            }
        }

        match output.as_mut() {
            Some(output) => output.drain(),
            None => return Err(Error::upstream("the audio file contains no sound")),
        }
        if self.ctl.stopped() {
            return Ok(Outcome::Stopped);
        }
        self.shared
            .session_position(generation, decoder.position_ms(), true);
        Ok(Outcome::Finished)
    }
}

/// The reason for a failure to read or decode, preferring what went wrong with the download.
fn decode_failure(buffer: &StreamBuffer, error: DecodeError) -> Error {
    if let Some(failure) = buffer.failure() {
        return failure;
    }
    match error {
        DecodeError::Io(e) => source::io_failure(buffer, &e)
            .unwrap_or_else(|| Error::network(format!("could not read the audio: {e}"))),
        other => Error::upstream(other.to_string()),
    }
}
