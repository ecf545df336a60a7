//! Where decoded audio goes: the [`AudioOutput`] trait, the sound card through cpal
//! ([`CpalOutput`]), and a null sink that consumes samples at real-time pace ([`NullOutput`]) for
//! machines without a sound card and for tests.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};
use serde::{Deserialize, Serialize};

/// The environment variable that picks the output: `null` forces the null sink; anything else
/// (or unset) uses the default sound device, falling back to the null sink when there is none.
pub const OUTPUT_ENV: &str = "DUET_AUDIO_OUTPUT";

/// What the player is playing into, as `PlayerState.output` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum OutputKind {
    /// A sound device.
    Device,
    /// No device: samples are consumed silently (the UI says "no audio device").
    Null,
}

/// The layout of the samples an output takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputSpec {
    pub sample_rate: u32,
    pub channels: u16,
}

/// Why an output could not be opened or written to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    /// The device went away while playing (headphones unplugged, a Bluetooth device out of
    /// range, the sound server restarted): cpal's `DeviceNotAvailable`/`StreamInvalidated`. The
    /// player then pauses or moves to the default device ([`DeviceLostAction`]).
    #[error("the audio device went away: {0}")]
    DeviceLost(String),
    /// No output device has this name (any more).
    #[error("there is no audio output device named {0:?}")]
    NoSuchDevice(String),
    #[error("audio output failed: {0}")]
    Failed(String),
}

impl OutputError {
    pub fn is_device_lost(&self) -> bool {
        matches!(self, Self::DeviceLost(_))
    }

    /// What the backend said, without the words this error's kind adds.
    pub fn detail(&self) -> &str {
        match self {
            Self::DeviceLost(detail) | Self::NoSuchDevice(detail) | Self::Failed(detail) => detail,
        }
    }
}

/// What the player does when its output device goes away mid-track.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DeviceLostAction {
    /// Go on playing on the system's default device.
    #[default]
    MoveToDefault,
    /// Pause (resuming opens the default device, or the chosen one if it is back).
    Pause,
}

/// An output device the system offers, as the settings list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutputDevice {
    /// What the system calls it; also how a choice is saved and found again.
    pub name: String,
    /// The system's default output device.
    pub is_default: bool,
}

/// A sink for interleaved `f32` samples in its own [`OutputSpec`].
///
/// `write` blocks while the output's buffer is full, so whoever feeds it is paced at real time
/// and `buffered_frames` stays small (a few hundred milliseconds at most).
pub trait AudioOutput: Send {
    fn kind(&self) -> OutputKind;
    fn spec(&self) -> OutputSpec;

    /// What the system calls the device it plays on ([`OutputDevice::name`]); `None` for
    /// outputs that are no device.
    fn device_name(&self) -> Option<String> {
        None
    }

    fn sample_rate(&self) -> u32 {
        self.spec().sample_rate
    }

    fn channels(&self) -> u16 {
        self.spec().channels
    }

    /// Queues interleaved samples (a whole number of frames), blocking while the buffer is full.
    fn write(&mut self, samples: &[f32]) -> Result<(), OutputError>;

    /// Frames written but not yet heard.
    fn buffered_frames(&self) -> u64;

    /// Stops consuming (keeps what is buffered).
    fn pause(&mut self);

    fn resume(&mut self);

    /// Drops what is buffered (seek, stop).
    fn flush(&mut self);

    /// Blocks until everything buffered has been heard (end of a track).
    fn drain(&mut self);
}

/// Opens outputs. The player asks for the spec of the track it is about to play; the output may
/// choose another (the player converts).
pub trait OutputFactory: Send + Sync {
    /// What `open` will most likely give (for the state before anything plays).
    fn kind(&self) -> OutputKind;

    fn open(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError>;

    /// Opens the system's default device, whatever device was chosen (after the chosen one went
    /// away). Outputs without devices open as `open` does.
    fn open_default(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        self.open(preferred)
    }

    /// Chooses the device later `open`s use, by [`OutputDevice::name`]; `None` is the system's
    /// default. Outputs without devices accept and ignore it.
    fn choose_device(&self, _name: Option<&str>) -> Result<(), OutputError> {
        Ok(())
    }
}

/// The output chosen by `DUET_AUDIO_OUTPUT` (see [`OUTPUT_ENV`]).
pub fn output_from_env() -> Arc<dyn OutputFactory> {
    select_output(std::env::var(OUTPUT_ENV).ok().as_deref())
}

/// [`output_from_env`] for a given value of the variable.
pub fn select_output(setting: Option<&str>) -> Arc<dyn OutputFactory> {
    let setting = setting.map(str::trim).unwrap_or_default();
    if setting.eq_ignore_ascii_case("null") {
        tracing::info!("{OUTPUT_ENV}=null: playing into the null sink");
        return Arc::new(NullOutputFactory::new(Pace::RealTime));
    }
    if !setting.is_empty() && !setting.eq_ignore_ascii_case("device") {
        tracing::warn!("{OUTPUT_ENV}={setting:?} is not `null` or `device`; using the device");
    }
    match CpalOutputFactory::probe() {
        Some(factory) => Arc::new(factory),
        None => {
            tracing::warn!("no audio output device: playing into the null sink");
            Arc::new(NullOutputFactory::new(Pace::RealTime))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The null sink

/// How fast the null sink consumes samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// Like a sound card: one second of audio takes one second.
    RealTime,
    /// `n` times real time (tests).
    Speed(f64),
    /// As fast as they come (unit tests).
    Unlimited,
}

/// Everything a null sink was given, for tests to inspect.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    inner: Arc<Mutex<CaptureInner>>,
}

#[derive(Debug, Default)]
struct CaptureInner {
    samples: Vec<f32>,
    spec: Option<OutputSpec>,
    first_write: Option<Instant>,
}

impl Capture {
    pub fn new() -> Self {
        Self::default()
    }

    fn record(&self, spec: OutputSpec, samples: &[f32]) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.first_write.get_or_insert_with(Instant::now);
        inner.spec = Some(spec);
        inner.samples.extend_from_slice(samples);
    }

    /// All samples written so far (interleaved, in the output's spec).
    pub fn samples(&self) -> Vec<f32> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .samples
            .clone()
    }

    /// The spec of the last output that wrote.
    pub fn spec(&self) -> Option<OutputSpec> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).spec
    }

    /// Frames written so far.
    pub fn frames(&self) -> usize {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let channels = inner.spec.map_or(1, |s| usize::from(s.channels.max(1)));
        inner.samples.len() / channels
    }

    /// The largest absolute sample written so far.
    pub fn peak(&self) -> f32 {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.samples.iter().fold(0.0, |m, s| m.max(s.abs()))
    }

    /// When the first samples were written.
    pub fn first_write_at(&self) -> Option<Instant> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .first_write
    }

    pub fn clear(&self) {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) = CaptureInner::default();
    }
}

/// How far ahead of its clock the null sink lets a writer run (its "buffer").
const NULL_LEAD: Duration = Duration::from_millis(60);

/// Consumes samples without a device, at the chosen [`Pace`].
#[derive(Debug)]
pub struct NullOutput {
    spec: OutputSpec,
    pace: Pace,
    /// When frame 0 of `written` was (or will be) heard; `None` while stopped or paused.
    clock: Option<Instant>,
    written: u64,
    capture: Option<Capture>,
}

impl NullOutput {
    pub fn new(spec: OutputSpec, pace: Pace) -> Self {
        Self {
            spec: OutputSpec {
                sample_rate: spec.sample_rate.max(1),
                channels: spec.channels.max(1),
            },
            pace,
            clock: None,
            written: 0,
            capture: None,
        }
    }

    pub fn with_capture(mut self, capture: Capture) -> Self {
        self.capture = Some(capture);
        self
    }

    fn speed(&self) -> Option<f64> {
        match self.pace {
            Pace::RealTime => Some(1.0),
            Pace::Speed(s) if s > 0.0 && s.is_finite() => Some(s),
            Pace::Speed(_) | Pace::Unlimited => None,
        }
    }

    fn duration_of(&self, frames: u64, speed: f64) -> Duration {
        Duration::from_secs_f64(frames as f64 / f64::from(self.spec.sample_rate) / speed)
    }

    fn played(&self, now: Instant, speed: f64) -> u64 {
        match self.clock {
            None => 0,
            Some(clock) => {
                let secs = now.saturating_duration_since(clock).as_secs_f64();
                ((secs * f64::from(self.spec.sample_rate) * speed) as u64).min(self.written)
            }
        }
    }
}

impl AudioOutput for NullOutput {
    fn kind(&self) -> OutputKind {
        OutputKind::Null
    }

    fn spec(&self) -> OutputSpec {
        self.spec
    }

    fn write(&mut self, samples: &[f32]) -> Result<(), OutputError> {
        if let Some(capture) = &self.capture {
            capture.record(self.spec, samples);
        }
        let frames = (samples.len() / usize::from(self.spec.channels)) as u64;
        let Some(speed) = self.speed() else {
            return Ok(());
        };
        let now = Instant::now();
        let clock = *self.clock.get_or_insert(now);
        let elapsed = now - clock;
        if elapsed > self.duration_of(self.written, speed) {
            // Underrun (the writer was late): what was written is all heard; start over.
            self.clock = Some(now);
            self.written = 0;
        }
        self.written += frames;
        let clock = self.clock.unwrap_or(now);
        let due = clock + self.duration_of(self.written, speed);
        let wake = due.checked_sub(NULL_LEAD).unwrap_or(due);
        let now = Instant::now();
        if wake > now {
            thread::sleep(wake - now);
        }
        Ok(())
    }

    fn buffered_frames(&self) -> u64 {
        match self.speed() {
            None => 0,
            Some(speed) => self.written - self.played(Instant::now(), speed),
        }
    }

    fn pause(&mut self) {
        // Keep what is buffered; the clock stops.
        self.written = self.buffered_frames();
        self.clock = None;
    }

    fn resume(&mut self) {
        if self.written > 0 && self.clock.is_none() {
            self.clock = Some(Instant::now());
        }
    }

    fn flush(&mut self) {
        self.clock = None;
        self.written = 0;
    }

    fn drain(&mut self) {
        if let Some(speed) = self.speed() {
            if self.clock.is_some() {
                thread::sleep(self.duration_of(self.buffered_frames(), speed));
            }
        }
        self.flush();
    }
}

/// Opens [`NullOutput`]s in the spec asked for.
#[derive(Debug, Clone)]
pub struct NullOutputFactory {
    pace: Pace,
    capture: Option<Capture>,
}

impl NullOutputFactory {
    pub fn new(pace: Pace) -> Self {
        Self {
            pace,
            capture: None,
        }
    }

    /// Every output opened records into `capture`.
    pub fn with_capture(mut self, capture: Capture) -> Self {
        self.capture = Some(capture);
        self
    }
}

impl OutputFactory for NullOutputFactory {
    fn kind(&self) -> OutputKind {
        OutputKind::Null
    }

    fn open(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        let mut output = NullOutput::new(preferred, self.pace);
        if let Some(capture) = &self.capture {
            output = output.with_capture(capture.clone());
        }
        Ok(Box::new(output))
    }
}

// ---------------------------------------------------------------------------------------------
// The sound card (cpal)

/// How much audio the device ring buffer holds.
const DEVICE_BUFFER: Duration = Duration::from_millis(200);
/// A write that makes no progress for this long means the device stopped.
const DEVICE_STALL: Duration = Duration::from_secs(3);

/// Flags shared between the writer and the device callback.
#[derive(Debug, Default)]
struct DeviceFlags {
    paused: AtomicBool,
    /// Set by the writer; the callback drops what is buffered and clears it.
    flush: AtomicBool,
    failed: Mutex<Option<OutputError>>,
    /// Callbacks run so far (progress, for stall detection).
    callbacks: AtomicU64,
    /// Non-fatal errors reported so far.
    errors: AtomicU64,
}

/// The default output device through cpal. The cpal stream lives on a thread of its own (it is
/// not `Send` on every platform); samples reach its callback through a lock-free ring buffer.
pub struct CpalOutput {
    spec: OutputSpec,
    device: String,
    producer: rtrb::Producer<f32>,
    flags: Arc<DeviceFlags>,
    /// Dropping it ends the device thread, which drops the stream.
    _close: mpsc::Sender<()>,
}

impl std::fmt::Debug for CpalOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpalOutput")
            .field("spec", &self.spec)
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

impl CpalOutput {
    /// Opens the device called `device` (`None`: the default one), at `preferred.sample_rate`
    /// when the device supports it (else its default rate), with its default channel count.
    pub fn open(device: Option<String>, preferred: OutputSpec) -> Result<Self, OutputError> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (close_tx, close_rx) = mpsc::channel::<()>();
        thread::Builder::new()
            .name("duet-audio-device".into())
            .spawn(move || match build_stream(device.as_deref(), preferred) {
                Ok((stream, opened)) => {
                    if ready_tx.send(Ok(opened)).is_ok() {
                        // Until the CpalOutput is dropped.
                        let _ = close_rx.recv();
                    }
                    drop(stream);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            })
            .map_err(|e| OutputError::Failed(format!("cannot start the audio thread: {e}")))?;
        let (spec, device, producer, flags) = ready_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| OutputError::Failed("the audio device did not open in time".into()))??;
        Ok(Self {
            spec,
            device,
            producer,
            flags,
            _close: close_tx,
        })
    }

    fn failure(&self) -> Option<OutputError> {
        self.flags
            .failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

type Opened = (OutputSpec, String, rtrb::Producer<f32>, Arc<DeviceFlags>);

fn device_error(what: &str, e: impl std::fmt::Display) -> OutputError {
    OutputError::Failed(format!("{what}: {e}"))
}

/// The device called `name`, or the default one for `None`.
fn find_device(host: &cpal::Host, name: Option<&str>) -> Result<cpal::Device, OutputError> {
    match name {
        None => host
            .default_output_device()
            .ok_or_else(|| OutputError::Failed("no default audio output device".into())),
        Some(name) => host
            .output_devices()
            .map_err(|e| device_error("cannot list the audio devices", e))?
            .find(|device| device.to_string() == name)
            .ok_or_else(|| OutputError::NoSuchDevice(name.to_owned())),
    }
}

/// The output devices of the system's default host (ALSA/PulseAudio/PipeWire on Linux, WASAPI,
/// CoreAudio), the default one marked.
pub fn list_output_devices() -> Result<Vec<OutputDevice>, OutputError> {
    let host = cpal::default_host();
    let default = host.default_output_device().map(|d| d.to_string());
    let mut devices: Vec<OutputDevice> = Vec::new();
    for device in host
        .output_devices()
        .map_err(|e| device_error("cannot list the audio devices", e))?
    {
        let name = device.to_string();
        if devices.iter().any(|d| d.name == name) {
            continue;
        }
        devices.push(OutputDevice {
            is_default: default.as_deref() == Some(name.as_str()),
            name,
        });
    }
    Ok(devices)
}

fn choose_config(
    device: &cpal::Device,
    preferred: OutputSpec,
) -> Result<cpal::SupportedStreamConfig, OutputError> {
    let default = device
        .default_output_config()
        .map_err(|e| device_error("the audio device has no usable configuration", e))?;
    if default.sample_rate() == preferred.sample_rate {
        return Ok(default);
    }
    // The same channel count and sample format as the default, at the track's rate, if offered.
    let Ok(ranges) = device.supported_output_configs() else {
        return Ok(default);
    };
    let mut best: Option<(u8, cpal::SupportedStreamConfigRange)> = None;
    for range in ranges {
        if range.channels() != default.channels() || !range.contains_rate(preferred.sample_rate) {
            continue;
        }
        let score = if range.sample_format() == default.sample_format() {
            2
        } else if range.sample_format() == SampleFormat::F32 {
            1
        } else {
            0
        };
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, range));
        }
    }
    Ok(match best {
        Some((_, range)) => range.with_sample_rate(preferred.sample_rate),
        None => default,
    })
}

fn build_stream(
    device: Option<&str>,
    preferred: OutputSpec,
) -> Result<(cpal::Stream, Opened), OutputError> {
    let host = cpal::default_host();
    let device = find_device(&host, device)?;
    let config = choose_config(&device, preferred)?;
    let spec = OutputSpec {
        sample_rate: config.sample_rate(),
        channels: config.channels(),
    };
    let capacity = ((f64::from(spec.sample_rate) * DEVICE_BUFFER.as_secs_f64()) as usize)
        .saturating_mul(usize::from(spec.channels));
    let (producer, consumer) = rtrb::RingBuffer::new(capacity.max(1024));
    let flags = Arc::new(DeviceFlags::default());
    let stream_config = config.config();
    let stream = match config.sample_format() {
        SampleFormat::F32 => build::<f32>(&device, stream_config, consumer, &flags),
        SampleFormat::F64 => build::<f64>(&device, stream_config, consumer, &flags),
        SampleFormat::I16 => build::<i16>(&device, stream_config, consumer, &flags),
        SampleFormat::U16 => build::<u16>(&device, stream_config, consumer, &flags),
        SampleFormat::I32 => build::<i32>(&device, stream_config, consumer, &flags),
        SampleFormat::U32 => build::<u32>(&device, stream_config, consumer, &flags),
        SampleFormat::I8 => build::<i8>(&device, stream_config, consumer, &flags),
        SampleFormat::U8 => build::<u8>(&device, stream_config, consumer, &flags),
        other => Err(OutputError::Failed(format!(
            "unsupported sample format {other}"
        ))),
    }?;
    stream
        .play()
        .map_err(|e| device_error("cannot start the audio stream", e))?;
    Ok((stream, (spec, device.to_string(), producer, flags)))
}

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut consumer: rtrb::Consumer<f32>,
    flags: &Arc<DeviceFlags>,
) -> Result<cpal::Stream, OutputError>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    let callback_flags = flags.clone();
    let error_flags = flags.clone();
    device
        .build_output_stream::<T, _, _>(
            config,
            move |data: &mut [T], _| {
                let flags = &callback_flags;
                flags.callbacks.fetch_add(1, Ordering::Relaxed);
                if flags.flush.load(Ordering::Acquire) {
                    let queued = consumer.slots();
                    if let Ok(chunk) = consumer.read_chunk(queued) {
                        chunk.commit_all();
                    }
                    flags.flush.store(false, Ordering::Release);
                }
                let mut filled = 0;
                if !flags.paused.load(Ordering::Relaxed) {
                    let n = consumer.slots().min(data.len());
                    if let Ok(chunk) = consumer.read_chunk(n) {
                        let (a, b) = chunk.as_slices();
                        for (out, sample) in data.iter_mut().zip(a.iter().chain(b)) {
                            *out = T::from_sample(*sample);
                        }
                        filled = n;
                        chunk.commit_all();
                    }
                }
                for out in &mut data[filled..] {
                    *out = T::EQUILIBRIUM;
                }
            },
            move |e: cpal::Error| {
                let fatal = matches!(
                    e.kind(),
                    cpal::ErrorKind::DeviceNotAvailable
                        | cpal::ErrorKind::HostUnavailable
                        | cpal::ErrorKind::PermissionDenied
                        | cpal::ErrorKind::StreamInvalidated
                );
                // Xruns and transient backend errors happen; say so once, play on.
                if fatal || error_flags.errors.fetch_add(1, Ordering::Relaxed) == 0 {
                    tracing::warn!("audio device error: {e}");
                }
                if fatal {
                    let lost = matches!(
                        e.kind(),
                        cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated
                    );
                    let mut failed = error_flags.failed.lock().unwrap_or_else(|e| e.into_inner());
                    failed.get_or_insert_with(|| {
                        if lost {
                            OutputError::DeviceLost(e.to_string())
                        } else {
                            OutputError::Failed(e.to_string())
                        }
                    });
                }
            },
            None,
        )
        .map_err(|e| device_error("cannot open the audio stream", e))
}

impl AudioOutput for CpalOutput {
    fn kind(&self) -> OutputKind {
        OutputKind::Device
    }

    fn spec(&self) -> OutputSpec {
        self.spec
    }

    fn device_name(&self) -> Option<String> {
        Some(self.device.clone())
    }

    fn write(&mut self, samples: &[f32]) -> Result<(), OutputError> {
        let mut rest = samples;
        let mut last_progress = Instant::now();
        let mut callbacks = self.flags.callbacks.load(Ordering::Relaxed);
        while !rest.is_empty() {
            if let Some(failure) = self.failure() {
                return Err(failure);
            }
            let (_, remaining) = self.producer.push_partial_slice(rest);
            if remaining.len() < rest.len() {
                last_progress = Instant::now();
            }
            rest = remaining;
            if rest.is_empty() {
                break;
            }
            let now_callbacks = self.flags.callbacks.load(Ordering::Relaxed);
            if now_callbacks != callbacks {
                callbacks = now_callbacks;
                last_progress = Instant::now();
            }
            if last_progress.elapsed() > DEVICE_STALL {
                // Some backends report nothing when a device goes (a Bluetooth sink out of
                // range): its callbacks just stop. Treated as gone, so the setting applies.
                return Err(OutputError::DeviceLost(
                    "the audio device stopped taking samples".into(),
                ));
            }
            thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }

    fn buffered_frames(&self) -> u64 {
        let queued = self.producer.buffer().capacity() - self.producer.slots();
        (queued / usize::from(self.spec.channels.max(1))) as u64
    }

    fn pause(&mut self) {
        self.flags.paused.store(true, Ordering::Relaxed);
    }

    fn resume(&mut self) {
        self.flags.paused.store(false, Ordering::Relaxed);
    }

    fn flush(&mut self) {
        self.flags.flush.store(true, Ordering::Release);
        // Wait for the callback to take it, so what is written next is not dropped with it.
        let deadline = Instant::now() + Duration::from_millis(500);
        while self.flags.flush.load(Ordering::Acquire) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(2));
        }
    }

    fn drain(&mut self) {
        let deadline = Instant::now() + DEVICE_BUFFER + Duration::from_secs(2);
        while self.buffered_frames() > 0
            && !self.flags.paused.load(Ordering::Relaxed)
            && self.failure().is_none()
            && Instant::now() < deadline
        {
            thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Opens the chosen sound device (by default the system's default one) through cpal. A chosen
/// device that is missing gives way to the default one; when no device opens (busy, unplugged)
/// it falls back to a real-time [`NullOutput`], so playback goes on and the state says `null`.
#[derive(Debug, Clone, Default)]
pub struct CpalOutputFactory {
    chosen: Arc<Mutex<Option<String>>>,
}

impl CpalOutputFactory {
    /// `Some` when the default host has a default output device with a usable configuration.
    pub fn probe() -> Option<Self> {
        let device = cpal::default_host().default_output_device()?;
        match device.default_output_config() {
            Ok(_) => Some(Self::default()),
            Err(e) => {
                tracing::info!("the default audio device is not usable: {e}");
                None
            }
        }
    }
}

/// The default output device the player would open, in words ("default: 48000 Hz, 2
/// channels, f32", with the host's name), without opening a stream (duet-doctor).
pub fn describe_default_device() -> Result<String, OutputError> {
    let host = cpal::default_host();
    let device = host.default_output_device().ok_or_else(|| {
        OutputError::Failed(format!("{}: no default output device", host.id().name()))
    })?;
    let config = device
        .default_output_config()
        .map_err(|e| device_error("the default output device is not usable", e))?;
    Ok(format!(
        "{} {device}: {} Hz, {} channels, {}",
        host.id().name(),
        config.sample_rate(),
        config.channels(),
        config.sample_format()
    ))
}

impl OutputFactory for CpalOutputFactory {
    fn kind(&self) -> OutputKind {
        OutputKind::Device
    }

    fn open(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        let chosen = self
            .chosen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(name) = chosen {
            match CpalOutput::open(Some(name.clone()), preferred) {
                Ok(output) => return Ok(Box::new(output)),
                Err(e) => tracing::warn!("{e}; using the default device instead of {name:?}"),
            }
        }
        self.open_default(preferred)
    }

    fn open_default(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        match CpalOutput::open(None, preferred) {
            Ok(output) => Ok(Box::new(output)),
            Err(e) => {
                tracing::warn!("{e}; playing into the null sink");
                Ok(Box::new(NullOutput::new(preferred, Pace::RealTime)))
            }
        }
    }

    /// A device that is not there now is still chosen: until it is back (a USB DAC plugged in
    /// later), `open` uses the default one.
    fn choose_device(&self, name: Option<&str>) -> Result<(), OutputError> {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        *self.chosen.lock().unwrap_or_else(|e| e.into_inner()) = name.map(str::to_owned);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: OutputSpec = OutputSpec {
        sample_rate: 10_000,
        channels: 2,
    };

    #[test]
    fn the_null_sink_plays_in_real_time() {
        let mut out = NullOutput::new(SPEC, Pace::RealTime);
        let started = Instant::now();
        // 0.4 s in 20 ms chunks.
        for _ in 0..20 {
            out.write(&[0.0; 400]).unwrap();
        }
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(300), "{took:?}");
        assert!(out.buffered_frames() <= 1000);
        out.drain();
        assert!(started.elapsed() >= Duration::from_millis(390));
        assert_eq!(out.buffered_frames(), 0);
    }

    #[test]
    fn pause_keeps_the_buffer_and_flush_drops_it() {
        let mut out = NullOutput::new(SPEC, Pace::RealTime);
        out.write(&[0.0; 1000]).unwrap(); // 50 ms
        out.pause();
        let held = out.buffered_frames();
        thread::sleep(Duration::from_millis(80));
        assert_eq!(out.buffered_frames(), held, "nothing plays while paused");
        out.resume();
        out.flush();
        assert_eq!(out.buffered_frames(), 0);
    }

    #[test]
    fn unlimited_pace_and_capture() {
        let capture = Capture::new();
        let factory = NullOutputFactory::new(Pace::Unlimited).with_capture(capture.clone());
        let mut out = factory.open(SPEC).unwrap();
        let started = Instant::now();
        for _ in 0..100 {
            out.write(&[0.5; 2000]).unwrap(); // 10 s in all
        }
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(capture.frames(), 100_000);
        assert_eq!(capture.peak(), 0.5);
        assert_eq!(capture.spec(), Some(SPEC));
    }

    #[test]
    fn the_env_switch_forces_the_null_sink() {
        assert_eq!(select_output(Some("null")).kind(), OutputKind::Null);
        assert_eq!(select_output(Some(" NULL ")).kind(), OutputKind::Null);
        // Whatever this machine has, asking for the device never panics.
        let kind = select_output(None).kind();
        assert!(matches!(kind, OutputKind::Device | OutputKind::Null));
    }
}
