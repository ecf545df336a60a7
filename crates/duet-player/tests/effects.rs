//! The equaliser and the playback speed in the real sample path, on the null sink: what the
//! output is given, and the position the player reports. No network, no device.

mod common;

use std::time::{Duration, Instant};

use common::*;
use duet_player::{
    Capture, EffectSettings, EqPreset, EqSettings, Pace, PlaybackSpeed, Player, PlayerEvent,
    PlayerOptions, PlayerStatus, SoundControls, SoundEffects,
};

const WAIT: Duration = Duration::from_secs(20);
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
    resolver: std::sync::Arc<TableResolver>,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_one_and_a_half_the_position_follows_the_source() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route(
        "/long.wav",
        Route::body(200, "audio/wav", sine_wav(440.0, 0.25, RATE as usize * 3)),
    );
    resolver.url("long", &url, "wav");
    let capture = Capture::new();
    let player = player_with(resolver, Pace::RealTime, &capture, options());
    install(
        &player,
        EffectSettings {
            speed: PlaybackSpeed::new(1.5).unwrap(),
            ..EffectSettings::default()
        },
    );
    let mut events = Events::new(&player);
    player.play(vec![track("long")], 0).unwrap();
    let ended = events.until_status(WAIT, PlayerStatus::Ended).await;
    let started = capture.first_write_at().unwrap();
    let took = Instant::now() - started;
    // 3 s of source at 1.5×: 2 s.
    assert!(
        (Duration::from_millis(1_800)..Duration::from_millis(2_600)).contains(&took),
        "{took:?}"
    );
    assert_eq!(ended.duration_ms, 3_000, "the track's own length");

    let positions: Vec<_> = events
        .positions()
        .into_iter()
        // From 0.3 s in; the last one, at the end, is the track's length.
        .filter(|&(at, position)| at > started + Duration::from_millis(300) && position < 3_000)
        .collect();
    assert!(positions.len() >= 4, "{positions:?}");
    for (at, position) in &positions {
        let heard_source_ms = (*at - started).as_secs_f64() * 1.5 * 1000.0;
        let off = *position as f64 - heard_source_ms;
        assert!(
            // Ahead by 65 ms of the stretch's latency plus half the sink's 60 ms were the
            // position the decoder's; behind by how late the test sees the event.
            (-80.0..=35.0).contains(&off),
            "at {:?}: {position} ms reported, {heard_source_ms:.0} ms of source heard",
            *at - started
        );
    }
    assert!(
        positions.iter().any(|(_, p)| *p > 2_000),
        "past 2 s of a 3 s track: {positions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_speed_set_while_playing_and_a_seek_keep_the_position_on_the_source() {
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
