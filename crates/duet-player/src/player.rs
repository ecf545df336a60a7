//! The player: a queue of [`Track`]s, the playback of its current track, and the state and events
//! the front ends show (docs/desktop-ipc.md).
//!
//! Threading: [`Player`] is a cheap handle; every method locks the shared state briefly, changes
//! it and returns the new [`PlayerState`] without waiting on audio or network. Each playback of a
//! track runs on a thread of its own (`session.rs`): it resolves the URL and downloads on the
//! tokio runtime, decodes and writes to the output on its thread, and reports back through the
//! shared state. A newer playback supersedes an older one by its generation number; the old thread
//! notices its stop flag (its blocked reads are woken by cancelling its download) and exits
//! without touching the state.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use duet_core::{Error, ErrorKind, StreamUrl, Track, TrialWindow};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::output::{DeviceLostAction, OutputFactory, OutputKind, OutputSpec};
use crate::process::SampleProcessor;
use crate::queue::{Advance, Queue, Removed, Repeat};
use crate::session::{self, SessionCtl};
use crate::source::SpoolOptions;

/// `previous` within this much of the start goes to the previous track; later it restarts.
const RESTART_THRESHOLD_MS: u64 = 3_000;

/// After this many tracks in a row could not be played (grey, no rights, URL refused, not
/// audio), the player stops and says so instead of walking on: each try may cost a URL request,
/// and a 10,000-track playlist of grey songs must not become 10,000 of them (peers' users were
/// risk-flagged for less, SPlayer #630). Five passes over a short run of grey songs in an album
/// and stops long before a service could take it for a bot.
pub const SKIP_LIMIT: u32 = 5;

/// How long before the end of a track the next one is prepared (its URL resolved, its download
/// started, its decoder opened), so it follows without a gap. Short enough that a track the
/// person skips or stops early costs no URL request for the one after it.
pub const PREFETCH_AHEAD: Duration = Duration::from_secs(20);

/// Why a track does not play in offline mode (shown as is).
pub const OFFLINE_NOT_CACHED: &str =
    "offline mode: this track is not on this computer (play it once online, or keep its playlist \
     or album offline)";

/// The longest crossfade [`Player::set_crossfade`] accepts.
pub const MAX_CROSSFADE: Duration = Duration::from_secs(10);

/// Where the player gets a playable URL for a track, right before playing it (URLs expire). The
/// app implements it over `duet_core::Provider::stream_url`.
#[async_trait]
pub trait StreamResolver: Send + Sync {
    async fn resolve(&self, track: &Track) -> duet_core::Result<StreamUrl>;

    /// What the player plays for a queued `track`. By default: nothing for a track its service
    /// marks unplayable (its reason is the error, and no URL is asked for), else its own stream
    /// ([`resolve`](Self::resolve)). A resolver that can play the same recording from another
    /// service ("play anywhere") answers here, unplayable tracks included, and names the
    /// track it plays instead in [`Resolved::substitute`].
    async fn resolve_play(&self, track: &Track) -> duet_core::Result<Resolved> {
        if !track.playable {
            return Err(unplayable(track));
        }
        Ok(Resolved {
            url: self.resolve(track).await?,
            substitute: None,
        })
    }
}

/// A queued track's audio: its URL, and the track of another service it comes from when the
/// queued one could not be played where it is listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub url: StreamUrl,
    /// Set: the audio is this track's (the same recording, on another service).
    pub substitute: Option<Track>,
}

/// Why a track its service marks unplayable (grey, no rights) is not played: its own reason,
/// kind `unavailable`.
pub fn unplayable(track: &Track) -> Error {
    let reason = track
        .unavailable_reason
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "this track is not available".to_owned());
    Error::new(ErrorKind::Unavailable, reason).with_provider(track.provider)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum PlayerStatus {
    /// Nothing is playing (nothing queued, stopped, or every track failed: see `error`).
    Idle,
    /// Resolving, connecting or buffering the current track.
    Loading,
    Playing,
    Paused,
    /// The queue played to its end.
    Ended,
}

/// The `PlayerState` of docs/desktop-ipc.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlayerState {
    /// Grows by one with every state the player sends. A command's answer can reach the UI after
    /// the events that followed it (the first samples of a short local file are out before the
    /// answer to `play` is read), so a state older than one already shown is stale.
    pub revision: u64,
    pub status: PlayerStatus,
    /// Grows whenever the queue's tracks change (replaced, added to, taken from, reordered), so
    /// a view of them knows to ask [`Player::queue`] again even when the length stays the same.
    pub queue_revision: u64,
    /// How many tracks are queued. The tracks themselves are in [`Player::queue`]: states are
    /// sent on every change, and a 10,000-track queue in each would be megabytes a second.
    pub queue_length: usize,
    /// Index into the queue of the current track.
    pub index: Option<usize>,
    pub track: Option<Track>,
    pub position_ms: u64,
    /// From the decoder when known, else the track's; for a VIP preview, the preview's length.
    pub duration_ms: u64,
    pub volume: f32,
    pub repeat: Repeat,
    pub shuffle: bool,
    /// Set: only this preview of the track plays.
    pub trial: Option<TrialWindow>,
    /// Set: `track` could not be played on its own service, and this same recording from the
    /// other service plays instead (the queue keeps `track`).
    pub substitute: Option<Box<Track>>,
    pub output: OutputKind,
    pub error: Option<Error>,
    /// Set when the player stopped by itself because this many tracks in a row could not be
    /// played (the [`SKIP_LIMIT`], or every track of a shorter queue); `error` is the last
    /// one's. Cleared by the next play, skip or jump.
    pub stopped_after_failures: Option<u32>,
    /// The current track streams over plain http because TLS to its CDN failed (the service's
    /// own http URL; say so).
    pub http_fallback: bool,
}

/// The payload of `player-position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionUpdate {
    pub position_ms: u64,
    pub duration_ms: u64,
    /// Set on the one update that follows a seek (asked for, or a restart by `previous`):
    /// the position jumped there rather than played there. Never set by a new track starting
    /// or by the clock ticking.
    #[serde(default)]
    pub seeked: bool,
}

/// The payload of `player-skipped`: a track that could not be played, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedTrack {
    pub track: Track,
    /// For people (shown as is).
    pub reason: String,
    /// For code (the UI may word it itself).
    pub kind: ErrorKind,
}

/// The payload of `player-device-lost`: the output device went away mid-track, and what the
/// player did about it (the [`DeviceLostAction`] set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceLost {
    pub action: DeviceLostAction,
    /// The device that went, as the system called it.
    pub lost: Option<String>,
    /// The device playback moved to (the system's default), for `move_to_default`; `None` when
    /// paused, or when no device opened and the sound goes nowhere (the state's `output` says
    /// `null` then).
    pub now_on: Option<String>,
}

/// What the player tells its front end.
#[derive(Debug, Clone, PartialEq)]
pub enum PlayerEvent {
    /// On every status, track, queue, mode, volume or output change.
    State(PlayerState),
    /// About every 250 ms while playing, and after a seek (`seeked` set).
    Position(PositionUpdate),
    /// A track was skipped before it played.
    Skipped(SkippedTrack),
    /// Playback failed mid-track (the player goes on with the next one).
    Error(Error),
    /// The output device went away; the player paused or moved to the default device.
    DeviceLost(DeviceLost),
}

pub type EventReceiver = mpsc::UnboundedReceiver<PlayerEvent>;

/// How to build a [`Player`].
#[derive(Debug, Clone)]
pub struct PlayerOptions {
    /// Where downloads and resolver calls run. Default: the runtime `Player::new` is called in,
    /// else a small runtime of the player's own.
    pub runtime: Option<tokio::runtime::Handle>,
    /// The client audio is downloaded with (headers such as a Referer go here).
    pub http: Option<reqwest::Client>,
    /// Makes shuffling reproducible.
    pub shuffle_seed: Option<u64>,
    /// A download that delivers no byte for this long fails the track.
    pub stall_timeout: Duration,
    /// How long the resolver may take.
    pub resolve_timeout: Duration,
    pub volume: f32,
    /// How much of a download stays in memory, and where the rest goes.
    pub spool: SpoolOptions,
    /// How long before the end of a track the next is prepared ([`PREFETCH_AHEAD`]).
    pub prefetch_ahead: Duration,
    /// Overlap between consecutive tracks (0: gapless, no overlap); at most [`MAX_CROSSFADE`].
    pub crossfade: Duration,
    /// What happens when the output device goes away mid-track.
    pub on_device_lost: DeviceLostAction,
    /// Play tracks at the loudness their service measured (`StreamUrl::loudness`), where it did.
    pub normalize: bool,
    /// Where played tracks are kept and looked up first (a cached track needs no URL).
    pub cache: Option<Arc<duet_cache::AudioCache>>,
}

impl Default for PlayerOptions {
    fn default() -> Self {
        Self {
            runtime: None,
            http: None,
            shuffle_seed: None,
            stall_timeout: Duration::from_secs(20),
            resolve_timeout: Duration::from_secs(20),
            volume: 1.0,
            spool: SpoolOptions::default(),
            prefetch_ahead: PREFETCH_AHEAD,
            crossfade: Duration::ZERO,
            on_device_lost: DeviceLostAction::default(),
            normalize: false,
            cache: None,
        }
    }
}

/// A runtime the player made for itself; shut down without blocking when the player goes.
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// The mutable state behind the lock.
struct Core {
    queue: Queue<Track>,
    status: PlayerStatus,
    position_ms: u64,
    duration_ms: u64,
    volume: f32,
    trial: Option<TrialWindow>,
    substitute: Option<Box<Track>>,
    output: OutputKind,
    error: Option<Error>,
    stopped_after_failures: Option<u32>,
    http_fallback: bool,
    session: Option<Arc<SessionCtl>>,
    generation: u64,
    /// Tracks in a row that failed before playing anything.
    failures: u32,
    /// Whether any track has played since the last explicit choice of a track.
    played_in_run: bool,
    /// Where the current track starts when it is next started: set by [`Player::restore`]
    /// (and moved by a seek before that start), so a resumed queue goes on where it was.
    resume_at_ms: Option<u64>,
    /// The [`PlayerState::revision`] of the last state sent; a `Cell` because states are sent
    /// through a shared borrow of the core (the lock is held).
    revision: Cell<u64>,
    /// The [`PlayerState::queue_revision`].
    queue_revision: u64,
}

impl Core {
    fn snapshot(&self) -> PlayerState {
        PlayerState {
            revision: self.revision.get(),
            queue_revision: self.queue_revision,
            status: self.status,
            queue_length: self.queue.len(),
            index: self.queue.current_index(),
            track: self.queue.current().cloned(),
            position_ms: self.position_ms,
            duration_ms: self.duration_ms,
            volume: self.volume,
            repeat: self.queue.repeat(),
            shuffle: self.queue.shuffle(),
            trial: self.trial,
            substitute: self.substitute.clone(),
            output: self.output,
            error: self.error.clone(),
            stopped_after_failures: self.stopped_after_failures,
            http_fallback: self.http_fallback,
        }
    }

    /// Whether sound is coming or about to (what the toggle would pause).
    fn is_playing(&self) -> bool {
        match self.status {
            PlayerStatus::Playing => true,
            PlayerStatus::Loading => self.session.as_ref().is_some_and(|s| !s.is_paused()),
            _ => false,
        }
    }

    /// Stops any playback and waits at the queue's current track (from its start) in `status`;
    /// a resume starts it.
    fn wait_at_current(&mut self, status: PlayerStatus) {
        // The person changed the queue: a run of tries starts over (no "stopped after N" left to
        // skip past on the next resume).
        self.start_run();
        self.stop_session();
        self.status = status;
        self.position_ms = 0;
        self.duration_ms = self.queue.current().map_or(0, |t| t.duration_ms);
        self.trial = None;
        self.substitute = None;
        self.http_fallback = false;
        self.resume_at_ms = None;
    }

    /// A run of tries starts over: a person chose a track (play, next, jump, resume).
    fn start_run(&mut self) {
        self.resume_at_ms = None;
        self.failures = 0;
        self.played_in_run = false;
        self.error = None;
        self.stopped_after_failures = None;
    }

    /// Stops by itself after `failures` tracks in a row could not be played, the last with
    /// `last`; `word` says so.
    fn give_up(&mut self, word: fn(u32, &Error) -> Error, last: &Error) {
        self.status = PlayerStatus::Idle;
        self.position_ms = 0;
        self.error = Some(word(self.failures, last));
        self.stopped_after_failures = Some(self.failures);
    }

    fn stop_session(&mut self) {
        if let Some(session) = self.session.take() {
            session.stop();
        }
    }

    /// The session of this generation, if it is still the current one.
    fn is_current(&self, generation: u64) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.generation == generation)
    }
}

/// The settings a playback reads as it goes (they change live).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sound {
    pub(crate) prefetch_ahead_ms: u64,
    pub(crate) crossfade_ms: u64,
    pub(crate) on_device_lost: DeviceLostAction,
    pub(crate) normalize: bool,
}

/// The [`SampleProcessor`] and the layout it was last configured for.
#[derive(Default)]
struct ProcessorSlot {
    processor: Option<Box<dyn SampleProcessor>>,
    configured: Option<OutputSpec>,
}

/// What the playback threads share with the handles.
pub(crate) struct Shared {
    core: Mutex<Core>,
    subscribers: Mutex<Vec<mpsc::UnboundedSender<PlayerEvent>>>,
    pub(crate) resolver: Arc<dyn StreamResolver>,
    pub(crate) outputs: Arc<dyn OutputFactory>,
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) http: reqwest::Client,
    pub(crate) stall_timeout: Duration,
    pub(crate) resolve_timeout: Duration,
    pub(crate) spool: SpoolOptions,
    cache: Mutex<Option<Arc<duet_cache::AudioCache>>>,
    /// Offline mode: only cached tracks play; nothing is asked of the services.
    offline: AtomicBool,
    sound: Mutex<Sound>,
    /// Bumped when another output device is chosen: playbacks reopen their output.
    device_epoch: AtomicU64,
    processor: Mutex<ProcessorSlot>,
    _own_runtime: OwnedRuntime,
}

impl Shared {
    pub(crate) fn cache(&self) -> Option<Arc<duet_cache::AudioCache>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn offline(&self) -> bool {
        self.offline.load(Ordering::SeqCst)
    }

    fn lock(&self) -> MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn emit(&self, event: PlayerEvent) {
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|e| e.into_inner());
        subscribers.retain(|tx| tx.send(event.clone()).is_ok());
    }

    fn emit_state(&self, core: &Core) -> PlayerState {
        core.revision.set(core.revision.get() + 1);
        let state = core.snapshot();
        self.emit(PlayerEvent::State(state.clone()));
        state
    }

    /// Starts playing the queue's current track (stopping whatever played).
    fn start_current(self: &Arc<Self>, core: &mut Core) {
        core.stop_session();
        core.position_ms = 0;
        core.trial = None;
        core.substitute = None;
        core.http_fallback = false;
        let Some(track) = core.queue.current().cloned() else {
            core.status = PlayerStatus::Idle;
            core.duration_ms = 0;
            return;
        };
        core.generation += 1;
        core.duration_ms = track.duration_ms;
        core.status = PlayerStatus::Loading;
        let ctl = Arc::new(SessionCtl::new(core.generation, core.volume));
        if let Some(at) = core.resume_at_ms.take().filter(|&at| at > 0) {
            ctl.request_seek(at);
            core.position_ms = at;
        }
        core.session = Some(ctl.clone());
        if let Err(e) = session::spawn(self.clone(), ctl, track) {
            tracing::error!("cannot start a playback thread: {e}");
            core.session = None;
            core.status = PlayerStatus::Idle;
            core.error = Some(Error::upstream(format!("cannot start playback: {e}")));
        }
    }

    /// Moves on after the current track, by `why`; ends the queue when there is nothing next.
    fn advance(self: &Arc<Self>, core: &mut Core, why: Advance) {
        match core.queue.advance(why) {
            Some(_) => self.start_current(core),
            None => {
                core.stop_session();
                core.status = PlayerStatus::Ended;
            }
        }
    }

    pub(crate) fn sound(&self) -> Sound {
        *self.sound.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn device_epoch(&self) -> u64 {
        self.device_epoch.load(Ordering::SeqCst)
    }

    fn processor(&self) -> MutexGuard<'_, ProcessorSlot> {
        self.processor.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs the [`SampleProcessor`], if any, over samples about to be written in `spec`.
    pub(crate) fn process(&self, spec: OutputSpec, samples: &mut Vec<f32>) {
        let mut slot = self.processor();
        let ProcessorSlot {
            processor,
            configured,
        } = &mut *slot;
        if let Some(processor) = processor.as_mut() {
            if *configured != Some(spec) {
                processor.configure(spec);
                *configured = Some(spec);
            }
            processor.process(samples);
        }
    }

    pub(crate) fn configure_processor(&self, spec: OutputSpec) {
        let mut slot = self.processor();
        if let Some(processor) = slot.processor.as_mut() {
            processor.configure(spec);
            slot.configured = Some(spec);
        }
    }

    /// At the end of a stream: what the [`SampleProcessor`] still holds, appended to `samples`.
    pub(crate) fn flush_processor(&self, samples: &mut Vec<f32>) {
        if let Some(processor) = self.processor().processor.as_mut() {
            processor.flush(samples);
        }
    }

    /// The frames the [`SampleProcessor`] holds back and how many input frames each frame it
    /// gives out stands for (see [`SampleProcessor::held_frames`]).
    pub(crate) fn processor_delay(&self) -> (f64, f64) {
        match self.processor().processor.as_ref() {
            Some(processor) => (processor.held_frames(), processor.input_per_output_frame()),
            None => (0.0, 1.0),
        }
    }

    pub(crate) fn reset_processor(&self) {
        if let Some(processor) = self.processor().processor.as_mut() {
            processor.reset();
        }
    }

    // --- Reports from the playback thread. Each is ignored once its session is superseded.

    /// The track that follows the current one when it ends, to be prepared now; `None` when
    /// there is none, or it cannot play anyway (it would cost a request for nothing).
    pub(crate) fn upcoming(&self, generation: u64) -> Option<Track> {
        let core = self.lock();
        if !core.is_current(generation) {
            return None;
        }
        let index = core.queue.peek_advance(Advance::Finished)?;
        core.queue
            .items()
            .get(index)
            .filter(|track| track.playable)
            .cloned()
    }

    /// The current track ended (or starts fading out) and the playback goes on with `next`,
    /// prepared ahead: the queue moves on and `next` gets a generation of its own (its state is
    /// sent when its first samples are written). `None` when the session is superseded or the
    /// queue no longer has `next` next (the person changed it meanwhile).
    pub(crate) fn hand_over(&self, generation: u64, next: &Track) -> Option<Arc<SessionCtl>> {
        let mut core = self.lock();
        if !core.is_current(generation) {
            return None;
        }
        let index = core.queue.peek_advance(Advance::Finished)?;
        let still_next = core
            .queue
            .items()
            .get(index)
            .is_some_and(|t| t.provider == next.provider && t.id == next.id);
        if !still_next {
            return None;
        }
        core.queue.advance(Advance::Finished);
        let previous = core.session.take()?;
        core.generation += 1;
        let ctl = Arc::new(SessionCtl::new(core.generation, core.volume));
        ctl.set_paused(previous.is_paused());
        core.session = Some(ctl.clone());
        core.position_ms = 0;
        core.duration_ms = next.duration_ms;
        core.trial = None;
        core.substitute = None;
        core.http_fallback = false;
        Some(ctl)
    }

    /// The output device went away; `lost` says what the player did.
    pub(crate) fn session_device_lost(&self, generation: u64, lost: DeviceLost) {
        if self.lock().is_current(generation) {
            self.emit(PlayerEvent::DeviceLost(lost));
        }
    }

    /// The output device went away and the setting says pause.
    pub(crate) fn session_paused_by_device(&self, generation: u64) {
        let mut core = self.lock();
        if !core.is_current(generation) {
            return;
        }
        if let Some(session) = &core.session {
            session.set_paused(true);
        }
        if core.status == PlayerStatus::Playing {
            core.status = PlayerStatus::Paused;
            self.emit_state(&core);
        }
    }

    pub(crate) fn session_resolved(
        &self,
        generation: u64,
        trial: Option<TrialWindow>,
        substitute: Option<Track>,
    ) {
        let mut core = self.lock();
        if core.is_current(generation) {
            core.trial = trial;
            core.substitute = substitute.map(Box::new);
        }
    }

    /// TLS to the track's CDN failed; it streams over the service's plain-http URL.
    pub(crate) fn session_http_fallback(&self, generation: u64) {
        let mut core = self.lock();
        if core.is_current(generation) && !core.http_fallback {
            core.http_fallback = true;
            self.emit_state(&core);
        }
    }

    pub(crate) fn session_opened(&self, generation: u64, duration_ms: u64) {
        let mut core = self.lock();
        if core.is_current(generation) && duration_ms > 0 {
            core.duration_ms = duration_ms;
        }
    }

    pub(crate) fn session_output(&self, generation: u64, output: OutputKind) {
        let mut core = self.lock();
        if core.is_current(generation) && core.output != output {
            core.output = output;
            self.emit_state(&core);
        }
    }

    /// The first samples reached the output.
    pub(crate) fn session_started(&self, generation: u64, paused: bool) {
        let mut core = self.lock();
        if !core.is_current(generation) {
            return;
        }
        core.status = if paused {
            PlayerStatus::Paused
        } else {
            PlayerStatus::Playing
        };
        core.failures = 0;
        core.played_in_run = true;
        core.error = None;
        core.stopped_after_failures = None;
        self.emit_state(&core);
    }

    pub(crate) fn session_position(&self, generation: u64, position_ms: u64, announce: bool) {
        let mut core = self.lock();
        if !core.is_current(generation) {
            return;
        }
        core.position_ms = position_ms;
        if announce {
            self.emit(PlayerEvent::Position(PositionUpdate {
                position_ms,
                duration_ms: core.duration_ms,
                seeked: false,
            }));
        }
    }

    pub(crate) fn session_finished(self: &Arc<Self>, generation: u64) {
        let mut core = self.lock();
        if !core.is_current(generation) {
            return;
        }
        core.session = None;
        core.position_ms = core.duration_ms;
        self.advance(&mut core, Advance::Finished);
        self.emit_state(&core);
    }

    pub(crate) fn session_failed(
        self: &Arc<Self>,
        generation: u64,
        track: &Track,
        error: Error,
        started: bool,
    ) {
        let mut core = self.lock();
        if !core.is_current(generation) {
            return;
        }
        core.session = None;
        if started {
            tracing::warn!(track = %track.id, "playback failed mid-track: {error}");
            self.emit(PlayerEvent::Error(error.clone()));
        } else {
            tracing::info!(track = %track.id, "skipping an unplayable track: {error}");
            core.failures += 1;
            self.emit(PlayerEvent::Skipped(SkippedTrack {
                track: track.clone(),
                reason: error.message.clone(),
                kind: error.kind,
            }));
            let queued = u32::try_from(core.queue.len()).unwrap_or(u32::MAX);
            if core.failures >= queued {
                // Every track of the queue failed in a row: stop rather than loop.
                core.give_up(all_failed, &error);
                self.emit_state(&core);
                return;
            }
            if core.failures >= SKIP_LIMIT {
                tracing::warn!(
                    "stopping after {} unplayable tracks in a row",
                    core.failures
                );
                core.give_up(too_many_failed, &error);
                self.emit_state(&core);
                return;
            }
        }
        self.advance(&mut core, Advance::Skip);
        if core.status == PlayerStatus::Ended && !core.played_in_run && !started {
            core.error = Some(all_failed(core.failures, &error));
        }
        self.emit_state(&core);
    }
}

fn all_failed(count: u32, last: &Error) -> Error {
    let what = if count == 1 {
        "The track".to_owned()
    } else {
        format!("None of the {count} tracks")
    };
    let mut error = Error::new(
        ErrorKind::Unavailable,
        format!("{what} could be played (last: {})", last.message),
    );
    error.provider = last.provider;
    error
}

fn too_many_failed(count: u32, last: &Error) -> Error {
    let mut error = Error::new(
        ErrorKind::Unavailable,
        format!(
            "Stopped after {count} tracks in a row could not be played (last: {})",
            last.message
        ),
    );
    error.provider = last.provider;
    error
}

/// Stops playback when the last [`Player`] clone goes.
struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.lock().stop_session();
    }
}

/// The playback engine's handle: clone it freely; all clones drive the same player.
#[derive(Clone)]
pub struct Player {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player")
            .field("state", &self.shared().lock().status)
            .finish_non_exhaustive()
    }
}

impl Player {
    /// A player over `resolver`, playing into outputs from `outputs` (see
    /// [`output_from_env`](crate::output_from_env)).
    pub fn new(
        resolver: Arc<dyn StreamResolver>,
        outputs: Arc<dyn OutputFactory>,
        options: PlayerOptions,
    ) -> Self {
        let (runtime, own_runtime) = match options
            .runtime
            .or_else(|| tokio::runtime::Handle::try_current().ok())
        {
            Some(handle) => (handle, OwnedRuntime(None)),
            None => {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("duet-player-io")
                    .enable_all()
                    .build()
                    .expect("cannot start the player's tokio runtime");
                (runtime.handle().clone(), OwnedRuntime(Some(runtime)))
            }
        };
        let http = options.http.unwrap_or_else(|| {
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default()
        });
        let mut queue = Queue::new(options.shuffle_seed);
        queue.set_mode(Repeat::Off, false);
        let core = Core {
            queue,
            status: PlayerStatus::Idle,
            position_ms: 0,
            duration_ms: 0,
            volume: clamp_volume(options.volume).unwrap_or(1.0),
            trial: None,
            substitute: None,
            output: outputs.kind(),
            error: None,
            stopped_after_failures: None,
            http_fallback: false,
            session: None,
            generation: 0,
            failures: 0,
            played_in_run: false,
            resume_at_ms: None,
            revision: Cell::new(0),
            queue_revision: 0,
        };
        let shared = Arc::new(Shared {
            core: Mutex::new(core),
            subscribers: Mutex::new(Vec::new()),
            resolver,
            outputs,
            runtime,
            http,
            stall_timeout: options.stall_timeout,
            resolve_timeout: options.resolve_timeout,
            spool: options.spool,
            cache: Mutex::new(options.cache),
            offline: AtomicBool::new(false),
            sound: Mutex::new(Sound {
                prefetch_ahead_ms: duration_ms(options.prefetch_ahead),
                crossfade_ms: duration_ms(options.crossfade.min(MAX_CROSSFADE)),
                on_device_lost: options.on_device_lost,
                normalize: options.normalize,
            }),
            device_epoch: AtomicU64::new(0),
            processor: Mutex::new(ProcessorSlot::default()),
            _own_runtime: own_runtime,
        });
        Self {
            handle: Arc::new(Handle { shared }),
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.handle.shared
    }

    /// A new stream of [`PlayerEvent`]s, from now on. Drop the receiver to unsubscribe.
    pub fn subscribe(&self) -> EventReceiver {
        let (tx, rx) = mpsc::unbounded_channel();
        self.shared()
            .subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        rx
    }

    pub fn state(&self) -> PlayerState {
        self.shared().lock().snapshot()
    }

    /// Replaces the queue with `tracks` and plays `tracks[start_index]`.
    pub fn play(&self, tracks: Vec<Track>, start_index: usize) -> duet_core::Result<PlayerState> {
        if tracks.is_empty() {
            return Err(Error::bad_request("there is nothing to play"));
        }
        let len = tracks.len();
        let shared = self.shared();
        let mut core = shared.lock();
        if !core.queue.replace(tracks, start_index) {
            return Err(Error::bad_request(format!(
                "start_index {start_index} is out of range for {len} tracks"
            )));
        }
        core.queue_revision += 1;
        core.start_run();
        shared.start_current(&mut core);
        Ok(shared.emit_state(&core))
    }

    /// The queued tracks, in queue order (not play order; see [`Player::play_order`]).
    pub fn queue(&self) -> Vec<Track> {
        self.shared().lock().queue.items().to_vec()
    }

    /// Adds tracks at the end of the queue (playback is not started).
    pub fn enqueue(&self, tracks: Vec<Track>) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        if !tracks.is_empty() {
            core.queue.append(tracks);
            core.queue_revision += 1;
            shared.emit_state(&core);
        }
        core.snapshot()
    }

    /// Puts tracks right after the current one, so they play next (playback is not started).
    pub fn play_next(&self, tracks: Vec<Track>) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        if tracks.is_empty() {
            return core.snapshot();
        }
        let ended = core.status == PlayerStatus::Ended;
        core.queue.insert_next(tracks);
        core.queue_revision += 1;
        if ended {
            // After the end of the queue "next" is the first inserted track: it waits there, so
            // the next resume starts it rather than the queue from the top.
            core.queue.advance(Advance::Skip);
            core.wait_at_current(PlayerStatus::Idle);
        }
        shared.emit_state(&core)
    }

    /// Takes the track at queue index `index` out of the queue. When it is the current track,
    /// what followed it takes its place: playing if it was playing, else waiting there (paused,
    /// or stopped); with nothing after it the queue has ended.
    pub fn remove(&self, index: usize) -> duet_core::Result<PlayerState> {
        let shared = self.shared();
        let mut core = shared.lock();
        let len = core.queue.len();
        let was_playing = core.is_playing();
        let Some(removed) = core.queue.remove(index) else {
            return Err(Error::bad_request(format!(
                "index {index} is out of range for {len} tracks"
            )));
        };
        core.queue_revision += 1;
        match removed {
            Removed::Other => {}
            Removed::Current if was_playing => {
                core.start_run();
                shared.start_current(&mut core);
            }
            Removed::Current => {
                // Not playing: paused (or paused while it loaded) waits paused, else stopped.
                let waiting = match core.status {
                    PlayerStatus::Paused | PlayerStatus::Loading => PlayerStatus::Paused,
                    _ => PlayerStatus::Idle,
                };
                core.wait_at_current(waiting);
            }
            Removed::CurrentAndLast => {
                let status = if core.queue.is_empty() {
                    PlayerStatus::Idle
                } else {
                    PlayerStatus::Ended
                };
                core.wait_at_current(status);
            }
        }
        Ok(shared.emit_state(&core))
    }

    /// Moves the track at queue index `from` to `to` (the current track plays on).
    pub fn move_track(&self, from: usize, to: usize) -> duet_core::Result<PlayerState> {
        let shared = self.shared();
        let mut core = shared.lock();
        let len = core.queue.len();
        if !core.queue.move_item(from, to) {
            return Err(Error::bad_request(format!(
                "a move from {from} to {to} is out of range for {len} tracks"
            )));
        }
        core.queue_revision += 1;
        Ok(shared.emit_state(&core))
    }

    /// Empties the queue but for the current track, which plays on.
    pub fn clear_queue(&self) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        core.queue.clear_others();
        core.queue_revision += 1;
        if core.queue.is_empty() {
            core.wait_at_current(PlayerStatus::Idle);
        }
        shared.emit_state(&core)
    }

    /// Play ↔ pause.
    pub fn toggle(&self) -> PlayerState {
        let playing = self.shared().lock().is_playing();
        if playing {
            self.pause()
        } else {
            self.resume()
        }
    }

    pub fn pause(&self) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        if let Some(session) = &core.session {
            session.set_paused(true);
            if core.status == PlayerStatus::Playing {
                core.status = PlayerStatus::Paused;
                shared.emit_state(&core);
            }
        }
        core.snapshot()
    }

    /// Resumes; after the end of the queue (or a stop) plays again; after giving up on a run of
    /// unplayable tracks, goes on with the next one rather than ask for the last again.
    pub fn resume(&self) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        if let Some(session) = &core.session {
            session.set_paused(false);
            if core.status == PlayerStatus::Paused {
                core.status = PlayerStatus::Playing;
                shared.emit_state(&core);
            }
            return core.snapshot();
        }
        if core.queue.is_empty() {
            return core.snapshot();
        }
        let resume_at_ms = core.resume_at_ms;
        if core.status == PlayerStatus::Ended {
            core.queue.rewind();
        } else if core.queue.current_index().is_none() {
            core.queue.advance(Advance::Skip);
        } else if core.stopped_after_failures.is_some()
            && core.queue.advance(Advance::Skip).is_none()
        {
            core.queue.rewind();
        }
        core.start_run();
        core.resume_at_ms = resume_at_ms;
        shared.start_current(&mut core);
        shared.emit_state(&core)
    }

    /// Loads a saved queue without playing it: `tracks[index]` is current, paused at
    /// `position_ms`, and the next resume (or toggle) starts it there. Nothing is fetched until
    /// then. Anything playing stops.
    pub fn restore(
        &self,
        tracks: Vec<Track>,
        index: usize,
        position_ms: u64,
    ) -> duet_core::Result<PlayerState> {
        let len = tracks.len();
        let shared = self.shared();
        let mut core = shared.lock();
        if tracks.is_empty() || !core.queue.replace(tracks, index) {
            return Err(Error::bad_request(format!(
                "index {index} is out of range for {len} tracks"
            )));
        }
        core.queue_revision += 1;
        core.stop_session();
        core.start_run();
        let duration_ms = core.queue.current().map_or(0, |t| t.duration_ms);
        let position_ms = match duration_ms {
            0 => position_ms,
            duration => position_ms.min(duration),
        };
        core.status = PlayerStatus::Paused;
        core.duration_ms = duration_ms;
        core.position_ms = position_ms;
        core.trial = None;
        core.substitute = None;
        core.http_fallback = false;
        core.resume_at_ms = Some(position_ms);
        Ok(shared.emit_state(&core))
    }

    /// Stops playback, keeping the queue.
    pub fn stop(&self) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        core.stop_session();
        core.status = PlayerStatus::Idle;
        core.position_ms = 0;
        shared.emit_state(&core)
    }

    /// The next track (wrapping unless repeat is off; at the end with repeat off: `ended`).
    pub fn next(&self) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        if core.queue.is_empty() {
            return core.snapshot();
        }
        core.start_run();
        shared.advance(&mut core, Advance::Skip);
        shared.emit_state(&core)
    }

    /// Restarts the track when more than 3 s in, else the track before.
    pub fn previous(&self) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        if core.queue.is_empty() {
            return core.snapshot();
        }
        if let Some(session) = core.session.clone() {
            if core.position_ms > RESTART_THRESHOLD_MS {
                session.request_seek(0);
                core.position_ms = 0;
                shared.emit(PlayerEvent::Position(PositionUpdate {
                    position_ms: 0,
                    duration_ms: core.duration_ms,
                    seeked: true,
                }));
                return core.snapshot();
            }
        }
        core.queue.back();
        core.start_run();
        shared.start_current(&mut core);
        shared.emit_state(&core)
    }

    /// Plays `queue[index]`.
    pub fn jump(&self, index: usize) -> duet_core::Result<PlayerState> {
        let shared = self.shared();
        let mut core = shared.lock();
        if !core.queue.jump(index) {
            return Err(Error::bad_request(format!(
                "index {index} is out of range for a queue of {}",
                core.queue.len()
            )));
        }
        core.start_run();
        shared.start_current(&mut core);
        Ok(shared.emit_state(&core))
    }

    /// Seeks the current track (clamped to its length); for a restored queue not started yet,
    /// moves where it will start. Ignored when nothing is loaded.
    pub fn seek(&self, position_ms: u64) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        if let Some(session) = core.session.clone() {
            let position_ms = match core.duration_ms {
                0 => position_ms,
                duration => position_ms.min(duration),
            };
            session.request_seek(position_ms);
            core.position_ms = position_ms;
            shared.emit(PlayerEvent::Position(PositionUpdate {
                position_ms,
                duration_ms: core.duration_ms,
                seeked: true,
            }));
        } else if core.resume_at_ms.is_some() {
            // A restored queue not started yet: it will start here.
            let position_ms = match core.duration_ms {
                0 => position_ms,
                duration => position_ms.min(duration),
            };
            core.resume_at_ms = Some(position_ms);
            core.position_ms = position_ms;
            shared.emit(PlayerEvent::Position(PositionUpdate {
                position_ms,
                duration_ms: core.duration_ms,
                seeked: true,
            }));
        }
        core.snapshot()
    }

    /// `volume` from 0.0 (silent) to 1.0 (full), linear in amplitude; out-of-range values are
    /// clamped, NaN is refused.
    pub fn set_volume(&self, volume: f32) -> duet_core::Result<PlayerState> {
        let volume = clamp_volume(volume)?;
        let shared = self.shared();
        let mut core = shared.lock();
        core.volume = volume;
        if let Some(session) = &core.session {
            session.set_volume(volume);
        }
        Ok(shared.emit_state(&core))
    }

    pub fn set_mode(&self, repeat: Repeat, shuffle: bool) -> PlayerState {
        let shared = self.shared();
        let mut core = shared.lock();
        core.queue.set_mode(repeat, shuffle);
        shared.emit_state(&core)
    }

    /// Plays cached tracks from (and caches downloads into) `cache` from the next track on;
    /// `None` stops using a cache.
    pub fn set_cache(&self, cache: Option<Arc<duet_cache::AudioCache>>) {
        *self
            .shared()
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = cache;
    }

    /// Offline mode: a track that is not in the cache is skipped with kind `network` and says
    /// why, and no URL is asked for.
    pub fn set_offline(&self, offline: bool) {
        self.shared().offline.store(offline, Ordering::SeqCst);
    }

    /// Overlaps the end of each track with the start of the next, `crossfade` long, with
    /// equal-power gains; zero plays them back to back (gapless). Applies from the next
    /// hand-over on.
    pub fn set_crossfade(&self, crossfade: Duration) -> duet_core::Result<()> {
        if crossfade > MAX_CROSSFADE {
            return Err(Error::bad_request(format!(
                "a crossfade is at most {} s",
                MAX_CROSSFADE.as_secs()
            )));
        }
        self.shared()
            .sound
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .crossfade_ms = duration_ms(crossfade);
        Ok(())
    }

    /// Plays tracks at the loudness their service measured, where it did (NetEase's `gain` and
    /// `peak`), held down so nothing clips; applies at once, to the track playing too.
    pub fn set_normalization(&self, on: bool) {
        self.shared()
            .sound
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .normalize = on;
    }

    pub fn normalization(&self) -> bool {
        self.shared().sound().normalize
    }

    /// The crossfade set (zero: gapless, no overlap).
    pub fn crossfade(&self) -> Duration {
        Duration::from_millis(self.shared().sound().crossfade_ms)
    }

    /// What happens when the output device goes away mid-track.
    pub fn on_device_lost(&self) -> DeviceLostAction {
        self.shared().sound().on_device_lost
    }

    /// What happens when the output device goes away mid-track.
    pub fn set_on_device_lost(&self, action: DeviceLostAction) {
        self.shared()
            .sound
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .on_device_lost = action;
    }

    /// Plays on the output device called `name` (see
    /// [`list_output_devices`](crate::list_output_devices)), or the system's default for
    /// `None`; a track playing moves there at once.
    pub fn choose_output_device(&self, name: Option<&str>) -> duet_core::Result<()> {
        let shared = self.shared();
        shared.outputs.choose_device(name).map_err(|e| match e {
            crate::OutputError::NoSuchDevice(_) => Error::not_found(e.to_string()),
            other => Error::new(ErrorKind::Unavailable, other.to_string()),
        })?;
        shared.device_epoch.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Puts `processor` in the sample path (see [`SampleProcessor`]), replacing any other;
    /// `None` takes it out.
    pub fn set_processor(&self, processor: Option<Box<dyn SampleProcessor>>) {
        *self.shared().processor() = ProcessorSlot {
            processor,
            configured: None,
        };
    }

    /// The play order over queue indices (shuffled or not).
    pub fn play_order(&self) -> Vec<usize> {
        self.shared().lock().queue.order().to_vec()
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn clamp_volume(volume: f32) -> duet_core::Result<f32> {
    if volume.is_nan() {
        return Err(Error::bad_request(
            "volume must be a number from 0.0 to 1.0",
        ));
    }
    Ok(volume.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::{AlbumRef, ArtistRef, ProviderId};

    pub(crate) fn track(id: &str) -> Track {
        Track {
            provider: ProviderId::Netease,
            id: id.into(),
            title: format!("Track {id}"),
            artists: vec![ArtistRef {
                id: "1".into(),
                name: "Artist".into(),
            }],
            album: AlbumRef {
                id: "2".into(),
                name: "Album".into(),
                cover_url: None,
            },
            duration_ms: 2000,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        }
    }

    #[test]
    fn state_serialises_as_the_ipc_contract_says() {
        let state = PlayerState {
            revision: 7,
            queue_revision: 3,
            status: PlayerStatus::Playing,
            queue_length: 1,
            index: Some(0),
            track: Some(track("1")),
            position_ms: 1500,
            duration_ms: 2000,
            volume: 0.5,
            repeat: Repeat::All,
            shuffle: true,
            trial: Some(TrialWindow {
                start_ms: 0,
                end_ms: 30_000,
            }),
            substitute: Some(Box::new(track("2"))),
            output: OutputKind::Null,
            error: Some(Error::new(ErrorKind::Unavailable, "nope")),
            stopped_after_failures: Some(5),
            http_fallback: true,
        };
        let json = serde_json::to_value(&state).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = keys;
        keys.sort();
        assert_eq!(
            keys,
            [
                "duration_ms",
                "error",
                "http_fallback",
                "index",
                "output",
                "position_ms",
                "queue_length",
                "queue_revision",
                "repeat",
                "revision",
                "shuffle",
                "status",
                "stopped_after_failures",
                "substitute",
                "track",
                "trial",
                "volume"
            ]
        );
        assert_eq!(json["status"], "playing");
        assert_eq!(json["repeat"], "all");
        assert_eq!(json["output"], "null");
        assert_eq!(json["index"], 0);
        assert_eq!(json["volume"], 0.5);
        assert_eq!(json["trial"]["end_ms"], 30_000);
        assert_eq!(json["error"]["kind"], "unavailable");
        assert_eq!(json["queue_length"], 1);
        assert_eq!(json["revision"], 7);
        assert_eq!(json["track"]["id"], "1");
        assert_eq!(json["substitute"]["id"], "2");
        assert_eq!(json["http_fallback"], true);
        assert_eq!(json["stopped_after_failures"], 5);

        let idle = PlayerState {
            status: PlayerStatus::Idle,
            index: None,
            track: None,
            trial: None,
            substitute: None,
            error: None,
            output: OutputKind::Device,
            repeat: Repeat::Off,
            http_fallback: false,
            stopped_after_failures: None,
            ..state
        };
        let json = serde_json::to_value(&idle).unwrap();
        assert_eq!(json["status"], "idle");
        assert_eq!(json["output"], "device");
        assert_eq!(json["repeat"], "off");
        assert!(json["index"].is_null() && json["track"].is_null());
        assert!(json["trial"].is_null() && json["error"].is_null());
        assert!(json["substitute"].is_null());
        assert_eq!(json["http_fallback"], false);
        assert!(json["stopped_after_failures"].is_null());
        for (status, name) in [
            (PlayerStatus::Loading, "loading"),
            (PlayerStatus::Paused, "paused"),
            (PlayerStatus::Ended, "ended"),
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), name);
        }
        assert_eq!(serde_json::to_value(Repeat::One).unwrap(), "one");
        let back: PlayerState = serde_json::from_value(json).unwrap();
        assert_eq!(back, idle);
    }

    #[test]
    fn event_payloads() {
        let skipped = SkippedTrack {
            track: track("9"),
            reason: "VIP only".into(),
            kind: ErrorKind::Unavailable,
        };
        let json = serde_json::to_value(&skipped).unwrap();
        assert_eq!(json["reason"], "VIP only");
        assert_eq!(json["track"]["id"], "9");
        let position = serde_json::to_value(PositionUpdate {
            position_ms: 1,
            duration_ms: 2,
            seeked: true,
        })
        .unwrap();
        assert_eq!(
            position,
            serde_json::json!({"position_ms": 1, "duration_ms": 2, "seeked": true})
        );
        let lost = serde_json::to_value(DeviceLost {
            action: DeviceLostAction::MoveToDefault,
            lost: Some("USB DAC".into()),
            now_on: None,
        })
        .unwrap();
        assert_eq!(
            lost,
            serde_json::json!({"action": "move_to_default", "lost": "USB DAC", "now_on": null})
        );
    }

    #[test]
    fn the_handle_is_shareable() {
        fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync_clone::<Player>();
    }

    #[test]
    fn volume_is_clamped_and_nan_refused() {
        assert_eq!(clamp_volume(1.5).unwrap(), 1.0);
        assert_eq!(clamp_volume(-1.0).unwrap(), 0.0);
        assert_eq!(
            clamp_volume(f32::NAN).unwrap_err().kind,
            ErrorKind::BadRequest
        );
    }
}
