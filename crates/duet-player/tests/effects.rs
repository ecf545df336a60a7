//! The equaliser and the playback speed in the real sample path, on the null sink: what the
//! output is given, and the position the player reports. No network, no device.

mod common;

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use common::*;
use duet_player::{
    AudioOutput, Capture, EffectSettings, EqPreset, EqSettings, OutputError, OutputFactory,
    OutputKind, OutputSpec, Pace, PlaybackSpeed, Player, PlayerEvent, PlayerOptions, PlayerStatus,
    SoundControls, SoundEffects,
};

const WAIT: Duration = Duration::from_secs(20);

/// Held by each test that plays through the null sink: one plays in real time, and the others'
/// unpaced work beside it on two busy cores could make its sink run dry and skip reports.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const RATE: u32 = 48_000;
/// The 1 kHz band of the equaliser.
const BAND_1K: usize = 5;

/// A mono 16-bit PCM WAV at [`RATE`]: a sine of `freq_hz` at `amplitude`, `frames` long.
fn sine_wav(freq_hz: f32, amplitude: f32, frames: usize) -> Vec<u8> {
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
    for i in 0..frames {
        let phase = std::f32::consts::TAU * freq_hz * i as f32 / RATE as f32;
        let sample = (phase.sin() * amplitude * 32_767.0).round() as i16;
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

fn options() -> PlayerOptions {
    PlayerOptions {
        crossfade: Duration::ZERO,
        ..PlayerOptions::default()
    }
}

/// Plays `tracks` (ids known to `resolver`) to the end with `effects` (none: no processor) and
/// returns what the output was given.
async fn play_through(
    resolver: Arc<TableResolver>,
    tracks: &[&str],
    effects: Option<EffectSettings>,
) -> (Vec<f32>, Events, Option<SoundControls>) {
    let capture = Capture::new();
    let player = player_with(resolver, Pace::Unlimited, &capture, options());
    let controls = effects.map(|settings| install(&player, settings));
    let mut events = Events::new(&player);
    player
        .play(tracks.iter().map(|id| track(id)).collect(), 0)
        .unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    (capture.samples(), events, controls)
}

fn install(player: &Player, settings: EffectSettings) -> SoundControls {
    let (effects, controls) = SoundEffects::new();
    controls.set(settings).unwrap();
    player.set_processor(Some(Box::new(effects)));
    controls
}

fn rms(samples: &[f32]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len() as f64).sqrt()
}

fn eq_with(band: usize, gain_db: f32) -> EffectSettings {
    let mut equalizer = EqSettings {
        enabled: true,
        preset: EqPreset::Custom,
        ..EqSettings::default()
    };
    equalizer.bands_db[band] = gain_db;
    EffectSettings {
        equalizer,
        ..EffectSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_equaliser_boosts_the_band_set_and_flat_is_bit_exact() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route(
        "/tone.wav",
        Route::body(200, "audio/wav", sine_wav(1_000.0, 0.25, RATE as usize)),
    );
    resolver.url("tone", &url, "wav");

    let (plain, _, _) = play_through(resolver.clone(), &["tone"], None).await;
    assert_eq!(plain.len(), RATE as usize);

    let flat = EffectSettings {
        equalizer: EqSettings {
            enabled: true,
            ..EqSettings::default()
        },
        speed: PlaybackSpeed::NORMAL,
    };
    let (flat_out, _, _) = play_through(resolver.clone(), &["tone"], Some(flat)).await;
    assert!(
        flat_out
            .iter()
            .map(|s| s.to_bits())
            .eq(plain.iter().map(|s| s.to_bits())),
        "on and flat at 1×: the very same samples"
    );

    // After the 25 ms fade-in and the filters settling.
    let steady = RATE as usize / 4..RATE as usize;
    let gain_db =
        |out: &[f32]| 20.0 * (rms(&out[steady.clone()]) / rms(&plain[steady.clone()])).log10();

    let (boosted, _, _) =
        play_through(resolver.clone(), &["tone"], Some(eq_with(BAND_1K, 6.0))).await;
    assert_eq!(boosted.len(), plain.len(), "the equaliser keeps the length");
    let expected = f64::from(duet_dsp_response(&eq_with(BAND_1K, 6.0).equalizer, 1_000.0));
    let measured = gain_db(&boosted);
    assert!(expected > 5.0, "{expected}");
    assert!(
        (measured - expected).abs() < 0.3,
        "measured {measured:.2} dB, set {expected:.2} dB"
    );

    // A cut far from the tone leaves it (almost) alone.
    let (elsewhere, _, _) = play_through(resolver, &["tone"], Some(eq_with(9, -12.0))).await;
    let measured = gain_db(&elsewhere);
    assert!(
        measured.abs() < 0.5,
        "16 kHz cut moved a 1 kHz tone by {measured:.2} dB"
    );
}

/// The response the equaliser promises for `settings` at `freq_hz` (mono, [`RATE`]).
fn duet_dsp_response(settings: &EqSettings, freq_hz: f32) -> f32 {
    // duet-player re-exports the settings; the filter itself is duet-dsp's.
    duet_dsp::Equalizer::new(RATE, 1, settings)
        .unwrap()
        .response_db(freq_hz)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_one_and_a_half_two_tracks_play_gaplessly_in_two_thirds_of_the_frames() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let server = Server::start().await;
    let resolver = TableResolver::new();
    for (id, freq) in [("a", 440.0), ("b", 660.0)] {
        let url = server.route(
            &format!("/{id}.wav"),
            Route::body(200, "audio/wav", sine_wav(freq, 0.25, RATE as usize / 2)),
        );
        resolver.url(id, &url, "wav");
    }
    let speed = EffectSettings {
        speed: PlaybackSpeed::new(1.5).unwrap(),
        ..EffectSettings::default()
    };
    let (out, events, _) = play_through(resolver, &["a", "b"], Some(speed)).await;
    // 48,000 source frames at 1.5×: 32,000, to within a window of the stretch (15 ms).
    assert!(
        (31_280..=32_720).contains(&out.len()),
        "{} frames",
        out.len()
    );
    assert_eq!(events.played_indices(), [0, 1]);
    assert!(events.errors().is_empty());
    // No silence where the tracks meet (nor anywhere before the very end): a sine of 440 Hz
    // never stays under 0.02 for 5 ms.
    let run = RATE as usize / 200;
    let quiet = out[..out.len() - run]
        .windows(run)
        .position(|w| w.iter().all(|s| s.abs() < 0.02));
    assert_eq!(quiet, None, "a gap in the output");
    // The last reported position is the source's end, not the stretched output's.
    let last = *events.positions().last().map(|(_, p)| p).unwrap();
    assert!(last >= 450, "{last} ms");
}

/// An output that holds a fixed [`Gated::BUFFERED`] frames "not yet heard" and lets each write
/// through only when the test says so, telling it first how many frames came before it: between
/// two writes the player's position is that of the last one, whatever the machine's load.
struct Gated {
    spec: OutputSpec,
    written: u64,
    arrived: mpsc::Sender<u64>,
    go: Arc<Mutex<mpsc::Receiver<()>>>,
}

impl Gated {
    /// 100 ms at [`RATE`].
    const BUFFERED: u64 = 4_800;
}

impl AudioOutput for Gated {
    fn kind(&self) -> OutputKind {
        OutputKind::Null
    }
    fn spec(&self) -> OutputSpec {
        self.spec
    }
    fn write(&mut self, samples: &[f32]) -> Result<(), OutputError> {
        if self.arrived.send(self.written).is_ok() {
            let _ = self.go.lock().unwrap().recv();
        }
        self.written += (samples.len() / usize::from(self.spec.channels)) as u64;
        Ok(())
    }
    fn buffered_frames(&self) -> u64 {
        Self::BUFFERED.min(self.written)
    }
    fn pause(&mut self) {}
    fn resume(&mut self) {}
    fn flush(&mut self) {}
    fn drain(&mut self) {}
}

struct GatedFactory {
    arrived: mpsc::Sender<u64>,
    go: Arc<Mutex<mpsc::Receiver<()>>>,
}

impl OutputFactory for GatedFactory {
    fn kind(&self) -> OutputKind {
        OutputKind::Null
    }
    fn open(&self, preferred: OutputSpec) -> Result<Box<dyn AudioOutput>, OutputError> {
        Ok(Box::new(Gated {
            spec: preferred,
            written: 0,
            arrived: self.arrived.clone(),
            go: self.go.clone(),
        }))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_one_and_a_half_the_position_follows_the_source() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route(
        "/long.wav",
        Route::body(200, "audio/wav", sine_wav(440.0, 0.25, RATE as usize * 3)),
    );
    resolver.url("long", &url, "wav");
    let (arrived_tx, arrived) = mpsc::channel();
    let (go, go_rx) = mpsc::channel();
    let factory = Arc::new(GatedFactory {
        arrived: arrived_tx,
        go: Arc::new(Mutex::new(go_rx)),
    });
    let player = Player::new(
        resolver,
        factory,
        PlayerOptions {
            stall_timeout: Duration::from_secs(5),
            resolve_timeout: Duration::from_secs(5),
            ..options()
        },
    );
    install(
        &player,
        EffectSettings {
            speed: PlaybackSpeed::new(1.5).unwrap(),
            ..EffectSettings::default()
        },
    );
    player.play(vec![track("long")], 0).unwrap();

    let frame_ms = |frames: f64| frames * 1000.0 / f64::from(RATE);
    let mut checked = 0;
    let mut last_written = 0;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        assert!(std::time::Instant::now() < deadline, "not ended");
        let written = match arrived.recv_timeout(Duration::from_millis(50)) {
            Ok(written) => written,
            Err(_) if player.state().status == PlayerStatus::Ended => break,
            Err(_) => continue,
        };
        if written > Gated::BUFFERED {
            // What was written, in the source's time (1.5 source frames each), less what the
            // output still holds.
            let heard = frame_ms((written - Gated::BUFFERED) as f64 * 1.5);
            let reported = player.state().position_ms as f64;
            assert!(
                (reported - heard).abs() <= 20.0,
                "after {written} frames out: {reported} ms reported, {heard:.0} ms of source heard"
            );
            checked += 1;
        }
        last_written = written;
        go.send(()).unwrap();
    }
    assert!(checked >= 20, "{checked} writes checked");
    // 3 s of source at 1.5×: 2 s out (the last write is not counted in `last_written`).
    assert!(frame_ms(last_written as f64) > 1_800.0, "{last_written}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_speed_set_while_playing_and_a_seek_keep_the_position_on_the_source() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let frames = RATE as usize * 3;
    let url = server.route(
        "/long.wav",
        Route::body(200, "audio/wav", sine_wav(440.0, 0.25, frames)),
    );
    resolver.url("long", &url, "wav");
    let capture = Capture::new();
    let player = player_with(resolver, Pace::RealTime, &capture, options());
    let controls = install(&player, EffectSettings::default());
    let mut events = Events::new(&player);
    player.play(vec![track("long")], 0).unwrap();
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 500),
        )
        .await;
    controls.set_speed(PlaybackSpeed::new(2.0).unwrap());
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 1_000),
        )
        .await;
    let before_seek = events.seen.len();
    player.seek(2_000);
    let ended = events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(ended.position_ms, 3_000);
    assert!(events.errors().is_empty());

    let after_seek: Vec<u64> = events.seen[before_seek..]
        .iter()
        .filter_map(|(_, e)| match e {
            PlayerEvent::Position(p) => Some(p.position_ms),
            _ => None,
        })
        .collect();
    // (A report of the chunk in flight when the seek was asked may come first.)
    let landed = after_seek
        .iter()
        .position(|&p| p >= 2_000)
        .unwrap_or_else(|| panic!("{after_seek:?}"));
    assert!(after_seek[landed] < 2_200, "on from 2 s: {after_seek:?}");
    assert!(
        after_seek[landed..].windows(2).all(|w| w[0] <= w[1])
            && after_seek.iter().all(|&p| p <= 3_000),
        "{after_seek:?}"
    );
    // At most 1 s at 1×, then at 2× (≥ 0.5 s of source skipped by the seek): fewer frames than
    // the track, more than the last second alone at 2×.
    let played = capture.frames();
    assert!(
        (RATE as usize / 2..frames * 3 / 4).contains(&played),
        "{played} frames"
    );
}
