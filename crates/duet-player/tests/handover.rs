//! From one track to the next on the null sink: gapless, sample by sample; the crossfade; the
//! URL requests that preparing the next track costs; the output device going away; the spot for
//! sound processing. No network, no device.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use duet_player::{
    AudioOutput, Capture, DeviceLost, DeviceLostAction, NullOutput, NullOutputFactory, OutputError,
    OutputFactory, OutputKind, OutputSpec, Pace, Player, PlayerEvent, PlayerOptions, PlayerStatus,
    SampleProcessor,
};

const WAIT: Duration = Duration::from_secs(20);
const RATE: u32 = 8_000;

/// A mono 16-bit PCM WAV at [`RATE`] of `frames` frames, every one `value`.
fn wav(value: f32, frames: usize) -> Vec<u8> {
    let sample = (value * 32_768.0).round() as i16;
    let data_len = (frames * 2) as u32;
    let mut out = Vec::with_capacity(44 + frames * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for _ in 0..frames {
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

fn wav_route(value: f32, frames: usize) -> Route {
    Route::body(200, "audio/wav", wav(value, frames))
}

/// A null-sink factory that counts the outputs it opens.
struct Counting {
    inner: NullOutputFactory,
    opened: AtomicUsize,
}

impl OutputFactory for Counting {
    fn kind(&self) -> OutputKind {
        OutputKind::Null
    }

    fn open(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        self.opened.fetch_add(1, Ordering::SeqCst);
        self.inner.open(preferred)
    }
}

fn options(crossfade: Duration) -> PlayerOptions {
    PlayerOptions {
        shuffle_seed: Some(7),
        stall_timeout: Duration::from_secs(5),
        resolve_timeout: Duration::from_secs(5),
        crossfade,
        ..PlayerOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consecutive_tracks_join_sample_to_sample_in_one_output() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url("a", &server.route("/a.wav", wav_route(0.25, 8_000)), "wav");
    resolver.url("b", &server.route("/b.wav", wav_route(-0.5, 6_000)), "wav");
    let capture = Capture::new();
    let factory = Arc::new(Counting {
        inner: NullOutputFactory::new(Pace::Speed(4.0)).with_capture(capture.clone()),
        opened: AtomicUsize::new(0),
    });
    let player = Player::new(resolver.clone(), factory.clone(), options(Duration::ZERO));
    let mut events = Events::new(&player);
    player.play(vec![track("a"), track("b")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;

    let samples = capture.samples();
    assert_eq!(capture.spec().unwrap().sample_rate, RATE);
    assert_eq!(samples.len(), 14_000, "every sample of both, nothing more");
    let first_b = samples.iter().position(|&s| s < 0.0).unwrap();
    assert_eq!(first_b, 8_000, "b's first sample right after a's last");
    assert!(samples[..8_000].iter().all(|&s| (s - 0.25).abs() < 1e-4));
    assert!(samples[8_000..].iter().all(|&s| (s + 0.5).abs() < 1e-4));
    assert_eq!(
        factory.opened.load(Ordering::SeqCst),
        1,
        "one output for both"
    );
    assert_eq!(events.played_indices(), [0, 1]);
    assert_eq!(resolver.asked(), 2);
    assert!(events.skipped().is_empty() && events.errors().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_track_added_while_the_last_one_plays_follows_it_without_a_gap() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url("a", &server.route("/a.wav", wav_route(0.25, 8_000)), "wav");
    resolver.url("b", &server.route("/b.wav", wav_route(-0.5, 2_000)), "wav");
    let capture = Capture::new();
    let factory = Arc::new(Counting {
        inner: NullOutputFactory::new(Pace::Speed(2.0)).with_capture(capture.clone()),
        opened: AtomicUsize::new(0),
    });
    let player = Player::new(resolver.clone(), factory.clone(), options(Duration::ZERO));
    let mut events = Events::new(&player);
    player.play(vec![track("a")], 0).unwrap();
    events.until(WAIT, is_playing(0)).await;
    player.enqueue(vec![track("b")]);
    events.until_status(WAIT, PlayerStatus::Ended).await;
    let samples = capture.samples();
    assert_eq!(samples.len(), 10_000);
    assert_eq!(samples.iter().position(|&s| s < 0.0), Some(8_000));
    assert_eq!(factory.opened.load(Ordering::SeqCst), 1);
    assert_eq!(resolver.asked(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mp3s_join_without_their_encoder_delay_and_padding() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "a",
        &server.route("/a.mp3", Route::audio("tone.mp3")),
        "mp3",
    );
    resolver.url(
        "b",
        &server.route("/b.mp3", Route::audio("tone.mp3")),
        "mp3",
    );
    let capture = Capture::new();
    let player = player_with(
        resolver.clone(),
        Pace::Speed(8.0),
        &capture,
        options(Duration::ZERO),
    );
    let mut events = Events::new(&player);
    player.play(vec![track("a"), track("b")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;

    let spec = capture.spec().unwrap();
    assert_eq!((spec.sample_rate, spec.channels), (44_100, 2));
    let left: Vec<f32> = capture.samples().iter().step_by(2).copied().collect();
    // 2 s each at 44.1 kHz: the LAME header's delay (and padding) are not heard.
    assert_eq!(left.len(), 2 * 88_200);
    // A 440 Hz sine at 0.5 never stays near zero for three samples: nothing silent was
    // inserted anywhere, at the boundary least of all.
    let quiet_runs = left
        .windows(3)
        .position(|w| w.iter().all(|s| s.abs() < 1e-3));
    assert_eq!(quiet_runs, None);
    // The second track starts where the first did (at the sine's zero crossing, rising).
    assert!(left[88_200].abs() < 0.05 && left[88_201] > left[88_200]);
    assert!((left[88_200 + 25] - left[25]).abs() < 0.02);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_track_in_another_layout_is_converted_into_the_same_output() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "a",
        &server.route("/a.mp3", Route::audio("tone.mp3")),
        "mp3",
    );
    resolver.url(
        "b",
        &server.route("/b.mp3", Route::audio("long.mp3")),
        "mp3",
    );
    let capture = Capture::new();
    let factory = Arc::new(Counting {
        inner: NullOutputFactory::new(Pace::Unlimited).with_capture(capture.clone()),
        opened: AtomicUsize::new(0),
    });
    let player = Player::new(resolver.clone(), factory.clone(), options(Duration::ZERO));
    let mut events = Events::new(&player);
    player.play(vec![track("a"), track("b")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    // 44.1 kHz stereo, then 22.05 kHz mono up-mixed and resampled into the same output: 2 s
    // plus 8 s at 44.1 kHz (within the resampler's last frame).
    let spec = capture.spec().unwrap();
    assert_eq!((spec.sample_rate, spec.channels), (44_100, 2));
    assert_eq!(factory.opened.load(Ordering::SeqCst), 1);
    let frames = capture.frames() as i64;
    assert!((frames - 10 * 44_100).abs() <= 2, "{frames} frames");
    // The second track's up-mix is the same on both sides, and it is there from its start.
    let samples = capture.samples();
    let b = &samples[2 * 88_200..];
    assert!(b.chunks(2).all(|f| f[0] == f[1]));
    assert!(
        b[..2 * 441].iter().any(|s| s.abs() > 0.1),
        "b starts at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crossfade_overlaps_the_tracks_as_long_as_set_with_equal_power() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url("a", &server.route("/a.wav", wav_route(0.5, 8_000)), "wav");
    resolver.url("b", &server.route("/b.wav", wav_route(0.25, 8_000)), "wav");
    let capture = Capture::new();
    let crossfade = Duration::from_millis(400); // 3,200 frames
    let player = player_with(
        resolver.clone(),
        Pace::Speed(2.0),
        &capture,
        options(crossfade),
    );
    let mut events = Events::new(&player);
    player.play(vec![track("a"), track("b")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;

    let samples = capture.samples();
    assert_eq!(samples.len(), 8_000 + 8_000 - 3_200, "overlapped by 400 ms");
    let fade_start = 8_000 - 3_200;
    assert!(samples[..fade_start]
        .iter()
        .all(|&s| (s - 0.5).abs() < 1e-4));
    assert!(samples[8_000..].iter().all(|&s| (s - 0.25).abs() < 1e-4));
    for (k, &s) in samples[fade_start..8_000].iter().enumerate() {
        let angle = std::f32::consts::FRAC_PI_2 * k as f32 / 3_200.0;
        let expected = 0.5 * angle.cos() + 0.25 * angle.sin();
        assert!((s - expected).abs() < 1e-3, "frame {k} of the fade: {s}");
    }
    // Equal power: halfway, both at cos(π/4) ≈ 0.707, not 0.5 each (a dip of 3 dB).
    let middle = samples[fade_start + 1_600];
    assert!((middle - 0.75 * std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-3);
    assert_eq!(events.played_indices(), [0, 1]);
    assert_eq!(resolver.asked(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_url_is_asked_for_once_and_only_near_the_end() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    // 8 s tracks, the next prepared in the last 2 s, played at 4× (2 s a track).
    for id in ["a", "b", "c"] {
        resolver.url(
            id,
            &server.route(&format!("/{id}.mp3"), Route::audio("long.mp3")),
            "mp3",
        );
    }
    let player = player_with(
        resolver.clone(),
        Pace::Speed(4.0),
        &Capture::new(),
        PlayerOptions {
            prefetch_ahead: Duration::from_secs(2),
            ..options(Duration::ZERO)
        },
    );
    let mut events = Events::new(&player);
    player
        .play(vec![track("a"), track("b"), track("c")], 0)
        .unwrap();
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 4_000),
        )
        .await;
    assert_eq!(
        resolver.asked(),
        1,
        "b is not asked for while a has 4 s to go"
    );
    events.until(WAIT, is_playing(1)).await;
    assert_eq!(resolver.asked(), 2, "b was asked for once, ahead");

    // Skipped early, b costs nothing more and c is asked for once, when it is chosen.
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 1_000),
        )
        .await;
    player.next();
    events.until(WAIT, is_playing(2)).await;
    assert_eq!(resolver.asked(), 3);
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(resolver.asked(), 3, "nothing after the last track");
    assert_eq!(events.played_indices(), [0, 1, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_track_that_fails_to_prepare_is_skipped_after_one_request() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url("a", &server.route("/a.wav", wav_route(0.25, 4_000)), "wav");
    resolver.url("gone", &server.url("/gone.wav"), "wav"); // 404
    resolver.url("c", &server.route("/c.wav", wav_route(-0.25, 4_000)), "wav");
    let capture = Capture::new();
    let player = player_with(
        resolver.clone(),
        Pace::Speed(4.0),
        &capture,
        options(Duration::ZERO),
    );
    let mut events = Events::new(&player);
    player
        .play(vec![track("a"), track("gone"), track("c")], 0)
        .unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(events.played_indices(), [0, 2]);
    let skipped = events.skipped();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].track.id, "gone");
    assert_eq!(resolver.asked(), 3, "the failed one was asked for once");
    assert_eq!(capture.samples().len(), 8_000);
}

fn is_playing(index: usize) -> impl FnMut(&PlayerEvent) -> bool {
    move |e| matches!(e, PlayerEvent::State(s) if s.status == PlayerStatus::Playing && s.index == Some(index))
}

// --- The output device going away.
//
// A real device cannot be unplugged on this machine, so the test goes through the seam the player
// opens outputs by (`OutputFactory`/`AudioOutput`): an output that fails the way `CpalOutput`
// does when cpal reports the device gone (`DeviceNotAvailable`/`StreamInvalidated` become
// `OutputError::DeviceLost` on the next write).

/// The first output goes away after `lose_after` samples; later ones record into `after`.
struct Unplugged {
    lose_after: usize,
    before: Capture,
    after: Capture,
    opened: Mutex<Vec<&'static str>>,
}

/// A device called `name` that goes away after `left` samples.
struct GoesAway {
    inner: NullOutput,
    name: &'static str,
    left: usize,
}

const CHOSEN_DEVICE: &str = "USB DAC";
const DEFAULT_DEVICE: &str = "Built-in Audio Analog Stereo";

impl AudioOutput for GoesAway {
    fn kind(&self) -> OutputKind {
        OutputKind::Device
    }
    fn device_name(&self) -> Option<String> {
        Some(self.name.into())
    }
    fn spec(&self) -> OutputSpec {
        self.inner.spec()
    }
    fn write(&mut self, samples: &[f32]) -> Result<(), OutputError> {
        if samples.len() > self.left {
            return Err(OutputError::DeviceLost(
                "The requested device is no longer available (unplugged)".into(),
            ));
        }
        self.left -= samples.len();
        self.inner.write(samples)
    }
    fn buffered_frames(&self) -> u64 {
        self.inner.buffered_frames()
    }
    fn pause(&mut self) {
        self.inner.pause();
    }
    fn resume(&mut self) {
        self.inner.resume();
    }
    fn flush(&mut self) {
        self.inner.flush();
    }
    fn drain(&mut self) {
        self.inner.drain();
    }
}

impl Unplugged {
    fn new(lose_after: usize) -> Arc<Self> {
        Arc::new(Self {
            lose_after,
            before: Capture::new(),
            after: Capture::new(),
            opened: Mutex::new(Vec::new()),
        })
    }

    fn opened(&self) -> Vec<&'static str> {
        self.opened.lock().unwrap().clone()
    }

    fn open_as(&self, how: &'static str, spec: OutputSpec) -> Box<dyn AudioOutput> {
        let mut opened = self.opened.lock().unwrap();
        opened.push(how);
        if opened.len() == 1 {
            let inner = NullOutput::new(spec, Pace::Speed(4.0)).with_capture(self.before.clone());
            Box::new(GoesAway {
                inner,
                name: CHOSEN_DEVICE,
                left: self.lose_after,
            })
        } else {
            let inner = NullOutput::new(spec, Pace::Speed(4.0)).with_capture(self.after.clone());
            let name = if how == "default" {
                DEFAULT_DEVICE
            } else {
                CHOSEN_DEVICE
            };
            Box::new(GoesAway {
                inner,
                name,
                left: usize::MAX,
            })
        }
    }
}

impl OutputFactory for Unplugged {
    fn kind(&self) -> OutputKind {
        OutputKind::Device
    }
    fn open(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        Ok(self.open_as("chosen", preferred))
    }
    fn open_default(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        Ok(self.open_as("default", preferred))
    }
}

async fn unplugged_player(action: DeviceLostAction) -> (Server, Player, Arc<Unplugged>, Events) {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url("a", &server.route("/a.wav", wav_route(0.25, 16_000)), "wav");
    let outputs = Unplugged::new(4_000);
    let player = Player::new(
        resolver,
        outputs.clone(),
        PlayerOptions {
            on_device_lost: action,
            ..options(Duration::ZERO)
        },
    );
    let events = Events::new(&player);
    player.play(vec![track("a")], 0).unwrap();
    (server, player, outputs, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_goes_away_moves_playback_to_the_default_one() {
    let (_server, player, outputs, mut events) =
        unplugged_player(DeviceLostAction::MoveToDefault).await;
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(outputs.opened(), ["chosen", "default"]);
    let before = outputs.before.samples().len();
    assert!((3_000..=4_000).contains(&before), "{before}");
    // Everything after the loss plays on the default device, the write that failed included.
    assert_eq!(before + outputs.after.samples().len(), 16_000);
    assert!(events
        .states()
        .iter()
        .all(|s| s.status != PlayerStatus::Paused));
    assert!(events.errors().is_empty() && events.skipped().is_empty());
    assert_eq!(player.state().status, PlayerStatus::Ended);
    // Said once, with both devices' names, for the front end to tell the person.
    assert_eq!(
        device_losses(&events),
        [DeviceLost {
            action: DeviceLostAction::MoveToDefault,
            lost: Some(CHOSEN_DEVICE.into()),
            now_on: Some(DEFAULT_DEVICE.into()),
        }]
    );
}

fn device_losses(events: &Events) -> Vec<DeviceLost> {
    events
        .seen
        .iter()
        .filter_map(|(_, e)| match e {
            PlayerEvent::DeviceLost(lost) => Some(lost.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_goes_away_pauses_when_so_set_and_resume_reopens() {
    let (_server, player, outputs, mut events) = unplugged_player(DeviceLostAction::Pause).await;
    let paused = events.until_status(WAIT, PlayerStatus::Paused).await;
    assert_eq!(paused.index, Some(0));
    events.drain_for(Duration::from_millis(300)).await;
    assert_eq!(
        outputs.opened(),
        ["chosen"],
        "nothing reopened while paused"
    );
    assert!(outputs.after.samples().is_empty());
    assert_eq!(player.state().status, PlayerStatus::Paused);
    assert_eq!(
        device_losses(&events),
        [DeviceLost {
            action: DeviceLostAction::Pause,
            lost: Some(CHOSEN_DEVICE.into()),
            now_on: None,
        }]
    );

    player.resume();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(outputs.opened(), ["chosen", "chosen"]);
    let heard = outputs.before.samples().len() + outputs.after.samples().len();
    // At most the one write in flight when the device went is lost.
    assert!((15_000..=16_000).contains(&heard), "{heard}");
    assert!(events.errors().is_empty());
}

// --- The spot for sound processing.

struct Halve {
    configured: Arc<Mutex<Vec<OutputSpec>>>,
    seen: Arc<AtomicUsize>,
}

impl SampleProcessor for Halve {
    fn configure(&mut self, spec: OutputSpec) {
        self.configured.lock().unwrap().push(spec);
    }
    fn process(&mut self, samples: &mut Vec<f32>) {
        self.seen.fetch_add(samples.len(), Ordering::SeqCst);
        samples.iter_mut().for_each(|s| *s *= 0.5);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sample_processor_sees_every_sample_at_the_output_layout() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url("a", &server.route("/a.wav", wav_route(0.5, 4_000)), "wav");
    let capture = Capture::new();
    let player = player_with(resolver, Pace::Unlimited, &capture, options(Duration::ZERO));
    let configured = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(AtomicUsize::new(0));
    player.set_processor(Some(Box::new(Halve {
        configured: configured.clone(),
        seen: seen.clone(),
    })));
    let mut events = Events::new(&player);
    player.play(vec![track("a")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(*configured.lock().unwrap(), [capture.spec().unwrap()]);
    assert_eq!(seen.load(Ordering::SeqCst), 4_000);
    assert!(capture.samples().iter().all(|&s| (s - 0.25).abs() < 1e-4));
}

// --- Loudness normalisation.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normalisation_applies_the_services_gain_when_set_and_only_then() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route("/a.wav", wav_route(0.5, 4_000));
    let mut measured = stream_url("loud", &url, "wav");
    measured.loudness = duet_core::Loudness::new(-6.0, 1.0);
    resolver.set("loud", Ok(measured));
    resolver.url("unmeasured", &url, "wav");
    let tracks = vec![track("loud"), track("unmeasured")];

    for normalize in [false, true] {
        let capture = Capture::new();
        let player = player_with(
            resolver.clone(),
            Pace::Unlimited,
            &capture,
            PlayerOptions {
                normalize,
                ..options(Duration::ZERO)
            },
        );
        let mut events = Events::new(&player);
        player.play(tracks.clone(), 0).unwrap();
        events.until_status(WAIT, PlayerStatus::Ended).await;
        let samples = capture.samples();
        assert_eq!(samples.len(), 8_000);
        // −6 dB is a factor of 0.501.
        let first = if normalize { 0.5 * 0.501_187 } else { 0.5 };
        assert!(
            samples[..4_000].iter().all(|&s| (s - first).abs() < 1e-4),
            "{normalize}"
        );
        assert!(
            samples[4_000..].iter().all(|&s| (s - 0.5).abs() < 1e-4),
            "{normalize}"
        );
    }
}
