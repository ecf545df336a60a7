//! One playback, on a thread of its own: resolve the URL, download while decoding, write to the
//! output at real-time pace, obey pause/seek/volume/stop, report back.
//!
//! Gapless hand-over: in the last [`PlayerOptions::prefetch_ahead`](crate::PlayerOptions) of a
//! track, the next one in the queue is resolved (one URL request), its download started and its
//! decoder opened on a helper thread. When the current track's last sample has been written, the
//! same thread goes on with the next track's first sample into the same output: nothing is
//! drained, closed or reopened between them, so no silence is inserted (the decoder already trims
//! the encoder delay and padding MP3s declare in their LAME/Xing header). With a crossfade set,
//! the next track starts that much before the end and the two are mixed with equal-power gains.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use duet_core::{Error, ErrorKind, StreamUrl, Track};

use crate::convert::Converter;
use crate::decode::{frames_to_ms, ms_to_frames, ChunkSpec, DecodeError, Decoder};
use crate::output::{AudioOutput, DeviceLostAction, OutputError, OutputSpec};
use crate::player::{DeviceLost, Resolved, Shared, OFFLINE_NOT_CACHED};
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

    pub(crate) fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Forgets the download without cancelling it (it moves to another playback's control).
    fn release_buffer(&self) {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner()).take();
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
                ctl,
                track,
                started: false,
            };
            let result = catch_unwind(AssertUnwindSafe(|| playback.run()));
            let result = result.unwrap_or_else(|_| {
                Err(Error::upstream(
                    "the audio decoder crashed on this file".to_owned(),
                ))
            });
            // After a hand-over these are the track playing last, not the first one.
            let Playback {
                ctl,
                track,
                started,
                ..
            } = playback;
            match result {
                Ok(Outcome::Stopped) => {}
                Ok(Outcome::Finished) => shared.session_finished(ctl.generation),
                Err(_) if ctl.stopped() => {}
                Err(error) => shared.session_failed(ctl.generation, &track, error, started),
            }
        })
        .map(drop)
}

/// A track whose URL is resolved, whose download has started and whose decoder is open.
struct Opened {
    url: StreamUrl,
    /// The other service's track the audio comes from, when not the queued one's.
    substitute: Option<Track>,
    buffer: Arc<StreamBuffer>,
    decoder: Decoder,
    /// `None` for a track played from the cache.
    _download: Option<AbortOnDrop>,
}

/// Resolves, starts the download and opens the decoder of `track`; `None` when `ctl` was stopped
/// meanwhile.
fn open_track(
    shared: &Arc<Shared>,
    ctl: &SessionCtl,
    track: &Track,
) -> Result<Option<Opened>, Error> {
    if let Some(opened) = open_cached(shared, ctl, track) {
        return Ok(Some(opened));
    }
    if shared.offline() {
        return Err(Error::network(OFFLINE_NOT_CACHED).with_provider(track.provider));
    }
    let Some(Resolved { url, substitute }) = resolve(shared, ctl, track)? else {
        return Ok(None);
    };
    if let Some(other) = &substitute {
        if let Some(opened) = open_cached(shared, ctl, other) {
            return Ok(Some(Opened {
                substitute: Some(other.clone()),
                ..opened
            }));
        }
    }
    if !(url.url.starts_with("http://") || url.url.starts_with("https://")) {
        return Err(Error::upstream(
            "the service gave no playable URL for this track",
        ));
    }
    let buffer = StreamBuffer::with_spool(shared.spool.clone());
    ctl.set_buffer(buffer.clone());
    let download = AbortOnDrop(shared.runtime.spawn(source::download(
        shared.http.clone(),
        url.url.clone(),
        url.http_fallback_url.clone(),
        buffer.clone(),
        shared.stall_timeout,
        cache_writer(shared, &url),
    )));
    let stopped_or = |error: Error| if ctl.stopped() { Ok(None) } else { Err(error) };
    // Twice the stall timeout: a failed https attempt may come before the http one.
    if let Err(error) = buffer.wait_started(shared.stall_timeout * 2) {
        return stopped_or(error);
    }
    let source = StreamSource::new(buffer.clone(), shared.stall_timeout);
    match Decoder::open(
        Box::new(source),
        Some(url.format.as_str()),
        buffer.content_type().as_deref(),
    ) {
        Ok(decoder) => Ok(Some(Opened {
            url,
            substitute,
            buffer,
            decoder,
            _download: Some(download),
        })),
        Err(e) => stopped_or(decode_failure(&buffer, e)),
    }
}

/// Opens `track` from the audio cache, when it is there: no URL is asked for and nothing is
/// downloaded, so it plays offline. A cached file the decoder refuses is dropped from the cache
/// (the track is then fetched again).
fn open_cached(shared: &Shared, ctl: &SessionCtl, track: &Track) -> Option<Opened> {
    let cache = shared.cache()?;
    let hit = cache.lookup(track.provider, &track.id)?;
    let file = match hit.open() {
        Ok(file) => file,
        Err(e) => {
            tracing::warn!("cannot open a cached track: {e}");
            let _ = cache.remove(&hit.key);
            return None;
        }
    };
    let buffer = StreamBuffer::from_file(file, hit.len);
    let source = StreamSource::new(buffer.clone(), shared.stall_timeout);
    match Decoder::open(Box::new(source), Some(hit.format.as_str()), None) {
        Ok(decoder) => {
            ctl.set_buffer(buffer.clone());
            let url = StreamUrl {
                provider: track.provider,
                track_id: track.id.clone(),
                url: String::new(),
                quality: hit.key.quality,
                format: hit.format.clone(),
                bitrate: None,
                size: Some(hit.len),
                expires_at: None,
                trial: None,
                http_fallback_url: None,
                loudness: hit.loudness,
            };
            Some(Opened {
                url,
                substitute: None,
                buffer,
                decoder,
                _download: None,
            })
        }
        Err(e) => {
            tracing::warn!("a cached track could not be decoded, fetching it again: {e}");
            // Closed first: a file still open cannot be deleted on Windows.
            drop(buffer);
            let _ = cache.remove(&hit.key);
            None
        }
    }
}

/// Where the download of a full track (never a trial clip) is also written: the audio cache,
/// when one is on.
///
/// Keyed by the track the URL is of: a substitute's audio (play anywhere) is the other
/// service's track, never the queued one's.
fn cache_writer(shared: &Shared, url: &StreamUrl) -> Option<duet_cache::CacheWriter> {
    let cache = shared.cache().filter(|cache| cache.enabled())?;
    if url.trial.is_some() {
        return None;
    }
    let key = duet_cache::CacheKey::new(url.provider, url.track_id.clone(), url.quality);
    match cache.writer(key, &url.format) {
        Ok(mut writer) => {
            writer.set_loudness(url.loudness);
            Some(writer)
        }
        Err(e) => {
            tracing::warn!("the audio cache cannot take this track: {e}");
            None
        }
    }
}

/// Asks the resolver on the runtime; `None` when stopped meanwhile.
fn resolve(shared: &Shared, ctl: &SessionCtl, track: &Track) -> Result<Option<Resolved>, Error> {
    let (tx, rx) = mpsc::channel();
    let resolver = shared.resolver.clone();
    let asked = track.clone();
    let _task = AbortOnDrop(shared.runtime.spawn(async move {
        let _ = tx.send(resolver.resolve_play(&asked).await);
    }));
    let deadline = Instant::now() + shared.resolve_timeout;
    loop {
        if ctl.stopped() {
            return Ok(None);
        }
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(result) => return result.map(Some),
            Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return Err(Error::network(format!(
                    "no playable URL within {} s",
                    shared.resolve_timeout.as_secs()
                ))
                .with_provider(track.provider))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::upstream("looking up the track's URL failed")
                    .with_provider(track.provider))
            }
        }
    }
}

/// The next track, being opened on a helper thread while the current one plays.
struct Prefetch {
    track: Track,
    /// Stopping it (on drop) cancels the resolve or the download.
    ctl: Arc<SessionCtl>,
    result: mpsc::Receiver<Result<Option<Opened>, Error>>,
    /// The result, once received.
    outcome: Option<Result<Opened, Error>>,
}

impl Prefetch {
    fn start(shared: &Arc<Shared>, track: Track) -> Option<Self> {
        let ctl = Arc::new(SessionCtl::new(0, 1.0));
        let (tx, rx) = mpsc::channel();
        let (thread_shared, thread_ctl, thread_track) =
            (shared.clone(), ctl.clone(), track.clone());
        let spawned = thread::Builder::new()
            .name("duet-prefetch".into())
            .spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(|| {
                    open_track(&thread_shared, &thread_ctl, &thread_track)
                }))
                .unwrap_or_else(|_| Err(Error::upstream("the audio decoder crashed on this file")));
                let _ = tx.send(result);
            });
        match spawned {
            Ok(_) => Some(Self {
                track,
                ctl,
                result: rx,
                outcome: None,
            }),
            Err(e) => {
                tracing::warn!("cannot prepare the next track: {e}");
                None
            }
        }
    }

    /// Whether it is ready and succeeded (the result is kept for [`Prefetch::wait`]).
    fn succeeded(&mut self) -> bool {
        if self.outcome.is_none() {
            match self.result.try_recv() {
                Ok(result) => self.outcome = Some(self.take(result)),
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.outcome = Some(Err(Error::upstream("preparing the next track failed")));
                }
            }
        }
        matches!(self.outcome, Some(Ok(_)))
    }

    /// Waits for the result; `None` when `current` is stopped meanwhile.
    fn wait(&mut self, current: &SessionCtl) -> Option<Result<Opened, Error>> {
        if let Some(outcome) = self.outcome.take() {
            return Some(outcome);
        }
        loop {
            if current.stopped() {
                return None;
            }
            match self.result.recv_timeout(Duration::from_millis(20)) {
                Ok(result) => return Some(self.take(result)),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Some(Err(Error::upstream("preparing the next track failed")))
                }
            }
        }
    }

    fn take(&self, result: Result<Option<Opened>, Error>) -> Result<Opened, Error> {
        // The download now belongs to whoever plays it: dropping `self` must not cancel it.
        self.ctl.release_buffer();
        result.and_then(|opened| {
            opened.ok_or_else(|| Error::upstream("preparing the next track was cancelled"))
        })
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.ctl.stop();
    }
}

/// One track being decoded and converted to the output's layout.
struct Lane {
    opened: Opened,
    /// A VIP preview stops at the end of its window, even when the full file is served.
    trial_ms: Option<u64>,
    /// How long it plays (the preview's length for a preview); 0 when unknown.
    duration_ms: u64,
    converter: Option<(Converter, OutputSpec)>,
    /// The factor that normalises its loudness, when the service measured it.
    loudness: Option<f32>,
    /// Whether to apply it (the setting, followed live).
    normalize: bool,
    chunk: Vec<f32>,
    /// Converted samples not yet played (a fading-out track is read in the other's steps).
    pending: Vec<f32>,
    ended: bool,
}

impl Lane {
    fn new(opened: Opened, track: &Track) -> Self {
        let trial_ms = opened
            .url
            .trial
            .map(|t| t.end_ms.saturating_sub(t.start_ms))
            .filter(|&ms| ms > 0);
        let mut duration_ms = opened.decoder.duration_ms().unwrap_or(track.duration_ms);
        if let Some(limit) = trial_ms {
            duration_ms = if duration_ms == 0 {
                limit
            } else {
                duration_ms.min(limit)
            };
        }
        let loudness = opened.url.loudness.map(|l| l.factor());
        Self {
            opened,
            trial_ms,
            duration_ms,
            converter: None,
            loudness,
            normalize: false,
            chunk: Vec::new(),
            pending: Vec::new(),
            ended: false,
        }
    }

    fn position_ms(&self) -> u64 {
        self.opened.decoder.position_ms()
    }

    /// What is left to decode, when the length is known.
    fn remaining_ms(&self) -> Option<u64> {
        (self.duration_ms > 0).then(|| self.duration_ms.saturating_sub(self.position_ms()))
    }

    fn failure(&self, error: DecodeError) -> Error {
        decode_failure(&self.opened.buffer, error)
    }

    /// Decodes the next chunk into `self.chunk`; `None` at the end.
    fn decode(&mut self) -> Result<Option<ChunkSpec>, Error> {
        if self.ended
            || self
                .trial_ms
                .is_some_and(|limit| self.position_ms() >= limit)
        {
            self.ended = true;
            return Ok(None);
        }
        let spec = match self.opened.decoder.next_chunk(&mut self.chunk) {
            Ok(Some(spec)) => spec,
            Ok(None) => {
                self.ended = true;
                return Ok(None);
            }
            Err(e) => return Err(self.failure(e)),
        };
        if let Some(limit) = self.trial_ms {
            let over_ms = self.position_ms().saturating_sub(limit);
            let over = usize::try_from(ms_to_frames(over_ms, spec.sample_rate))
                .unwrap_or(usize::MAX)
                .saturating_mul(usize::from(spec.channels));
            self.chunk.truncate(self.chunk.len().saturating_sub(over));
        }
        Ok(Some(spec))
    }

    /// Converts the last decoded chunk (of layout `spec`) to `out_spec`, appending to `out`, and
    /// normalises its loudness when set.
    fn convert(&mut self, spec: ChunkSpec, out_spec: OutputSpec, out: &mut Vec<f32>) {
        let from = out.len();
        let converter = match self.converter.as_mut() {
            Some((c, made_for))
                if c.accepts(spec.sample_rate, spec.channels) && *made_for == out_spec =>
            {
                c
            }
            _ => {
                let made = Converter::new(
                    spec.sample_rate,
                    spec.channels,
                    out_spec.sample_rate,
                    out_spec.channels,
                );
                &mut self.converter.insert((made, out_spec)).0
            }
        };
        converter.process(&self.chunk, out);
        if let (true, Some(factor)) = (self.normalize, self.loudness) {
            out[from..].iter_mut().for_each(|s| *s *= factor);
        }
    }

    /// Appends exactly `len` samples in `out_spec` to `out`, silence past the end.
    fn take(&mut self, len: usize, out_spec: OutputSpec, out: &mut Vec<f32>) -> Result<(), Error> {
        while self.pending.len() < len {
            let Some(spec) = self.decode()? else { break };
            let mut pending = std::mem::take(&mut self.pending);
            self.convert(spec, out_spec, &mut pending);
            self.pending = pending;
        }
        let n = len.min(self.pending.len());
        out.extend(self.pending.drain(..n));
        out.resize(out.len() + (len - n), 0.0);
        Ok(())
    }
}

/// The track fading out under the next one.
struct Fade {
    outgoing: Lane,
    /// Output frames mixed so far, and in all.
    done: u64,
    frames: u64,
}

impl Fade {
    /// Mixes the outgoing track into `incoming` (interleaved, `spec`): equal power, so the sum
    /// of the squared gains stays 1 and the loudness does not dip in the middle.
    fn mix(&mut self, incoming: &mut [f32], spec: OutputSpec) -> Result<(), Error> {
        let channels = usize::from(spec.channels.max(1));
        let frames = u64::try_from(incoming.len() / channels).unwrap_or(u64::MAX);
        let overlap = frames.min(self.frames.saturating_sub(self.done));
        let overlap_samples = usize::try_from(overlap).unwrap_or(usize::MAX) * channels;
        let mut outgoing = Vec::with_capacity(overlap_samples);
        self.outgoing.take(overlap_samples, spec, &mut outgoing)?;
        for (i, (into, out)) in incoming.iter_mut().zip(&outgoing).enumerate() {
            let frame = self.done + (i / channels) as u64;
            let angle = std::f32::consts::FRAC_PI_2 * frame as f32 / self.frames.max(1) as f32;
            *into = *into * angle.sin() + out * angle.cos();
        }
        self.done += overlap;
        Ok(())
    }

    fn is_done(&self) -> bool {
        self.done >= self.frames
    }
}

struct Playback<'a> {
    shared: &'a Arc<Shared>,
    /// The controls of the track playing (replaced at each hand-over).
    ctl: Arc<SessionCtl>,
    track: Track,
    /// Whether any sample of `track` reached the output.
    started: bool,
}

/// What the end of the current track leads to.
enum Next {
    /// Nothing prepared (or the queue changed): drain and report the end.
    Finish,
    /// The next track, handed over.
    Play(Box<Lane>),
    /// The next track was handed over but could not be opened.
    Failed(Error),
}

impl Playback<'_> {
    fn run(&mut self) -> Result<Outcome, Error> {
        let opened = match open_track(self.shared, &self.ctl, &self.track) {
            Ok(Some(opened)) => opened,
            Ok(None) => return Ok(Outcome::Stopped),
            Err(error) => return self.stopped_or(error),
        };
        let lane = self.begin(opened);
        self.play(lane)
    }

    /// Reports a newly opened track of the current generation and makes it a lane.
    fn begin(&self, opened: Opened) -> Lane {
        let generation = self.ctl.generation;
        self.ctl.set_buffer(opened.buffer.clone());
        self.shared
            .session_resolved(generation, opened.url.trial, opened.substitute.clone());
        if opened.buffer.used_http_fallback() {
            self.shared.session_http_fallback(generation);
        }
        let lane = Lane::new(opened, &self.track);
        self.shared.session_opened(generation, lane.duration_ms);
        lane
    }

    /// A failure, unless it only happened because the playback was stopped.
    fn stopped_or(&self, error: Error) -> Result<Outcome, Error> {
        if self.ctl.stopped() {
            Ok(Outcome::Stopped)
        } else {
            Err(error)
        }
    }

    /// Makes `next` the current track (the queue moves on); `false` when the queue no longer
    /// has it next.
    fn hand_over(&mut self, next: &Track) -> bool {
        match self.shared.hand_over(self.ctl.generation, next) {
            Some(ctl) => {
                self.ctl = ctl;
                self.track = next.clone();
                self.started = false;
                true
            }
            None => false,
        }
    }

    /// At the end of the current track: the prepared next one, if it is still next.
    fn next_at_end(&mut self, prefetch: &mut Option<Prefetch>) -> Next {
        let Some(mut prefetched) = prefetch.take() else {
            return Next::Finish;
        };
        let Some(result) = prefetched.wait(&self.ctl) else {
            return Next::Finish;
        };
        if !self.hand_over(&prefetched.track) {
            return Next::Finish;
        }
        match result {
            Ok(opened) => Next::Play(Box::new(self.begin(opened))),
            Err(error) => Next::Failed(error),
        }
    }

    /// Starts the crossfade when the chunk just converted (`converted`, the end of `lane`)
    /// reaches into the last `crossfade` of the track and the next track is ready: the part of
    /// the chunk inside the fade stays with the outgoing track, the rest is played as it is, and
    /// `lane` becomes the next track. `None` (nothing changed) otherwise: a next track that is
    /// late or failed gets no crossfade, the end of this one decides.
    fn start_fade(
        &mut self,
        lane: &mut Lane,
        prefetch: &mut Option<Prefetch>,
        converted: &mut Vec<f32>,
        out_spec: OutputSpec,
        sound: crate::player::Sound,
    ) -> Option<Fade> {
        let left = lane.remaining_ms()?;
        if sound.crossfade_ms == 0 || left >= sound.crossfade_ms {
            return None;
        }
        if !prefetch.as_mut().is_some_and(Prefetch::succeeded) {
            return None;
        }
        let mut prefetched = prefetch.take()?;
        let Some(Ok(opened)) = prefetched.wait(&self.ctl) else {
            return None;
        };
        if !self.hand_over(&prefetched.track) {
            return None;
        }
        let channels = usize::from(out_spec.channels.max(1));
        let in_fade = ms_to_frames(sound.crossfade_ms - left, out_spec.sample_rate);
        let in_fade = usize::try_from(in_fade)
            .unwrap_or(usize::MAX)
            .saturating_mul(channels)
            .min(converted.len() / channels * channels);
        let tail = converted.split_off(converted.len() - in_fade);
        let incoming = self.begin(opened);
        let mut outgoing = std::mem::replace(lane, incoming);
        outgoing.pending = tail;
        let frames = (in_fade / channels) as u64 + ms_to_frames(left, out_spec.sample_rate);
        Some(Fade {
            outgoing,
            done: 0,
            frames,
        })
    }

    /// How far what is heard lags behind what was decoded: what the processor holds back, and
    /// what waits in the output (at the playback speed, in the source's time).
    fn delay_ms(&self, output: &dyn AudioOutput, spec: OutputSpec) -> u64 {
        let (held, per_output_frame) = self.shared.processor_delay();
        let frames = held + output.buffered_frames() as f64 * per_output_frame;
        frames_to_ms(frames.round() as u64, spec.sample_rate)
    }

    /// At the end of the last track: what the processor still holds (a time-stretch's last
    /// 65 ms), written before the output drains.
    fn write_processor_tail(&self, output: &mut dyn AudioOutput) {
        let mut tail = Vec::new();
        self.shared.flush_processor(&mut tail);
        if tail.is_empty() || self.ctl.stopped() {
            return;
        }
        if let Err(error) = output.write(&tail) {
            tracing::warn!("the end of the track was not played: {error}");
        }
    }

    fn open_output(&self, spec: ChunkSpec, default: bool) -> Result<Box<dyn AudioOutput>, Error> {
        let preferred = OutputSpec {
            sample_rate: spec.sample_rate,
            channels: spec.channels,
        };
        let opened = if default {
            self.shared.outputs.open_default(preferred)
        } else {
            self.shared.outputs.open(preferred)
        }
        .map_err(output_failure)?;
        self.shared
            .session_output(self.ctl.generation, opened.kind());
        Ok(opened)
    }

    /// The decode → convert → mix → process → output loop, across hand-overs.
    fn play(&mut self, mut lane: Lane) -> Result<Outcome, Error> {
        let mut output: Option<Box<dyn AudioOutput>> = None;
        let mut converted = Vec::new();
        let mut output_paused = false;
        let mut last_announce: Option<Instant> = None;
        let mut prefetch: Option<Prefetch> = None;
        let mut fade: Option<Fade> = None;
        let mut device_epoch = self.shared.device_epoch();
        // A new run of tracks: nothing of an earlier one may linger in the processing.
        self.shared.reset_processor();

        loop {
            if self.ctl.stopped() {
                if let Some(output) = output.as_mut() {
                    output.flush();
                }
                return Ok(Outcome::Stopped);
            }
            if let Some(target) = self.ctl.take_seek() {
                // A seek cuts a crossfade short: only the track sought in plays on.
                fade = None;
                if let Some(output) = output.as_mut() {
                    output.flush();
                }
                lane.converter = None;
                lane.pending.clear();
                self.shared.reset_processor();
                match lane.opened.decoder.seek(target) {
                    Ok(Some(at)) => {
                        lane.ended = false;
                        self.shared.session_position(self.ctl.generation, at, true);
                    }
                    Ok(None) => lane.ended = true, // past the end: the track is over
                    Err(DecodeError::Unseekable(why)) => {
                        // Play on from where it was.
                        tracing::warn!("seek to {target} ms refused: {why}");
                        self.shared
                            .session_position(self.ctl.generation, lane.position_ms(), true);
                    }
                    Err(e) => return self.stopped_or(lane.failure(e)),
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
            let epoch = self.shared.device_epoch();
            if epoch != device_epoch {
                // Another device was chosen: the next chunk opens it.
                device_epoch = epoch;
                output = None;
            }

            let sound = self.shared.sound();
            lane.normalize = sound.normalize;
            if let Some(fade) = fade.as_mut() {
                fade.outgoing.normalize = sound.normalize;
            }
            // Asked again while nothing is prepared: tracks added to the queue meanwhile (or a
            // grey next track played around) still follow without a gap. Once asked, a track
            // is never asked for again, even when preparing it failed.
            if prefetch.is_none()
                && lane
                    .remaining_ms()
                    .is_some_and(|left| left <= sound.prefetch_ahead_ms.max(sound.crossfade_ms))
            {
                prefetch = self
                    .shared
                    .upcoming(self.ctl.generation)
                    .and_then(|track| Prefetch::start(self.shared, track));
            }
            let spec = match lane.decode() {
                Ok(Some(spec)) => spec,
                Ok(None) => {
                    // A track shorter than the fade: the rest of the outgoing one goes with it.
                    fade = None;
                    match self.next_at_end(&mut prefetch) {
                        Next::Finish => break,
                        Next::Play(next) => {
                            lane = *next;
                            continue;
                        }
                        Next::Failed(error) => {
                            if let Some(output) = output.as_mut() {
                                self.write_processor_tail(output.as_mut());
                                output.drain();
                            }
                            return Err(error);
                        }
                    }
                }
                Err(error) => return self.stopped_or(error),
            };
            if output.is_none() {
                output = Some(self.open_output(spec, false)?);
            }
            let out_spec = output.as_ref().map(|o| o.spec()).unwrap_or(OutputSpec {
                sample_rate: spec.sample_rate,
                channels: spec.channels,
            });
            converted.clear();
            lane.convert(spec, out_spec, &mut converted);
            if let Some(current) = fade.as_mut() {
                current.mix(&mut converted, out_spec)?;
                if current.is_done() {
                    fade = None;
                }
            } else if let Some(started) =
                self.start_fade(&mut lane, &mut prefetch, &mut converted, out_spec, sound)
            {
                fade = Some(started);
            }
            let volume = self.ctl.volume();
            if volume != 1.0 {
                converted.iter_mut().for_each(|s| *s *= volume);
            }
            // The sound-processing stage (`SampleProcessor`: the equaliser, playback speed):
            // interleaved f32 at the output's rate and channels, after the crossfade and the
            // volume, right before the output.
            self.shared.process(out_spec, &mut converted);

            let piece = ((MAX_WRITE.as_secs_f64() * f64::from(out_spec.sample_rate)) as usize)
                .saturating_mul(usize::from(out_spec.channels))
                .max(usize::from(out_spec.channels));
            for samples in converted.chunks(piece) {
                if self.ctl.stopped() || self.ctl.seek_pending() {
                    break;
                }
                let Some(out) = output.as_mut() else { break };
                if let Err(error) = out.write(samples) {
                    if !error.is_device_lost() {
                        return self.stopped_or(output_failure(error));
                    }
                    tracing::warn!("{error}");
                    let action = self.shared.sound().on_device_lost;
                    let lost = output.as_ref().and_then(|o| o.device_name());
                    match action {
                        DeviceLostAction::Pause => {
                            // Resuming opens a device again (the chosen one if it is back).
                            output = None;
                            self.shared.session_paused_by_device(self.ctl.generation);
                            self.shared.session_device_lost(
                                self.ctl.generation,
                                DeviceLost {
                                    action,
                                    lost,
                                    now_on: None,
                                },
                            );
                            break;
                        }
                        DeviceLostAction::MoveToDefault => {
                            let moved = self.open_output(spec, true)?;
                            self.shared.session_device_lost(
                                self.ctl.generation,
                                DeviceLost {
                                    action,
                                    lost,
                                    now_on: moved.device_name(),
                                },
                            );
                            let same_layout = moved.spec() == out_spec;
                            let moved = output.insert(moved);
                            self.shared.configure_processor(moved.spec());
                            if !same_layout {
                                // The rest of this chunk is in the old layout: let it go.
                                break;
                            }
                            moved.write(samples).map_err(output_failure)?;
                        }
                    }
                }
                let Some(out) = output.as_ref() else { break };
                if !self.started {
                    self.started = true;
                    self.shared
                        .session_started(self.ctl.generation, self.ctl.is_paused());
                }
                let position = lane
                    .position_ms()
                    .saturating_sub(self.delay_ms(out.as_ref(), out_spec));
                let announce = last_announce.is_none_or(|at| at.elapsed() >= POSITION_EVERY);
                if announce {
                    last_announce = Some(Instant::now());
                }
                self.shared
                    .session_position(self.ctl.generation, position, announce);
            }
        }

        match output.as_mut() {
            Some(output) => {
                self.write_processor_tail(output.as_mut());
                output.drain();
            }
            None if self.started => {}
            None => return Err(Error::upstream("the audio file contains no sound")),
        }
        if self.ctl.stopped() {
            return Ok(Outcome::Stopped);
        }
        self.shared
            .session_position(self.ctl.generation, lane.position_ms(), true);
        Ok(Outcome::Finished)
    }
}

fn output_failure(error: OutputError) -> Error {
    Error::new(ErrorKind::Unavailable, error.to_string())
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
