//! The time-stretch measured from the outside: lengths, pitch, channel alignment, smoothness.

mod common;

use common::{channel, db, max_step, rms, sine, sine_max_step, zero_crossing_frequency, Noise};
use duet_dsp::{DspError, PlaybackSpeed, Setting, TimeStretch};

fn speed(value: f32) -> PlaybackSpeed {
    PlaybackSpeed::new(value).unwrap()
}

/// Pushes `input` in blocks of `block` frames, pulls after each push until the stretch runs
/// dry, then flushes and drains: the whole output, as a player would get it.
fn run(stretch: &mut TimeStretch, input: &[f32], block: usize) -> Vec<f32> {
    let channels = stretch.channels();
    let mut output = Vec::new();
    let mut buffer = vec![0.0f32; 700 * channels];
    let drain = |stretch: &mut TimeStretch, output: &mut Vec<f32>, buffer: &mut [f32]| loop {
        let n = stretch.pull(buffer);
        assert_eq!(n % channels, 0, "pull must return whole frames");
        output.extend_from_slice(&buffer[..n]);
        if n < buffer.len() {
            break;
        }
    };
    for chunk in input.chunks(block * channels) {
        stretch.push(chunk);
        drain(stretch, &mut output, &mut buffer);
    }
    stretch.flush();
    drain(stretch, &mut output, &mut buffer);
    assert_eq!(stretch.pull(&mut buffer), 0, "nothing after the end");
    output
}

fn noisy_chord(rate: u32, frames: usize, channels: usize) -> Vec<f32> {
    let mut noise = Noise::new(3);
    let a = sine(220.0, 0.3, rate, frames, 1);
    let b = sine(331.0, 0.2, rate, frames, 1);
    (0..frames)
        .flat_map(|i| {
            let tone = a[i] + b[i];
            (0..channels)
                .map(|ch| tone * (1.0 - 0.2 * ch as f32) + noise.next() * 0.05)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn output_length_is_input_length_over_speed() {
    for rate in [44_100u32, 48_000, 96_000] {
        let frames = rate as usize * 4;
        let input = noisy_chord(rate, frames, 2);
        for value in [0.5f32, 0.75, 1.0, 1.25, 1.5, 2.0] {
            let mut stretch = TimeStretch::new(rate, 2, speed(value)).unwrap();
            let output = run(&mut stretch, &input, 1024);
            let expected = frames as f64 / f64::from(value);
            let got = (output.len() / 2) as f64;
            assert!(
                (got - expected).abs() <= expected * 0.01,
                "{rate} Hz at {value}×: {got} frames, expected {expected}"
            );
        }
    }
}

#[test]
fn speed_one_is_a_bit_exact_copy() {
    let mut noise = Noise::new(11);
    let input: Vec<f32> = (0..48_000 * 2 + 2 * 77).map(|_| noise.next()).collect();
    let mut stretch = TimeStretch::new(48_000, 2, PlaybackSpeed::NORMAL).unwrap();
    let output = run(&mut stretch, &input, 333);
    assert_eq!(output.len(), input.len());
    assert!(output
        .iter()
        .zip(&input)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn a_440_hz_tone_keeps_its_pitch() {
    let rate = 48_000;
    let input = sine(440.0, 0.5, rate, rate as usize * 3, 2);
    for value in [0.5f32, 0.75, 1.25, 1.5, 2.0] {
        let mut stretch = TimeStretch::new(rate, 2, speed(value)).unwrap();
        let output = run(&mut stretch, &input, 1024);
        for ch in 0..2 {
            let samples = channel(&output, 2, ch);
            // Leave out the fade-in from silence and the end.
            let steady = &samples[rate as usize / 5..samples.len() - rate as usize / 5];
            let frequency = zero_crossing_frequency(steady, rate);
            assert!(
                (frequency - 440.0).abs() <= 2.0,
                "{value}× channel {ch}: {frequency:.2} Hz"
            );
            // Windows joined in phase add up to the same level: the loudness of each 20 ms
            // (8.8 periods) stays within ±0.5 dB of the tone's.
            for piece in steady.chunks_exact(rate as usize / 50) {
                let level = db(rms(piece) / (0.5 / 2f64.sqrt()));
                assert!(
                    level.abs() <= 0.5,
                    "{value}× channel {ch}: a 20 ms piece at {level:.2} dB"
                );
            }
        }
    }
}

/// A tone and noise in two channels and their sum in a third: if every channel is cut and
/// joined at the same places, the third stays the sum of the other two, sample for sample. A
/// search per channel would pick different places for a tone and for noise.
#[test]
fn channels_are_cut_at_the_same_places() {
    let rate = 48_000;
    let frames = rate as usize * 2;
    let tone = sine(440.0, 0.4, rate, frames, 1);
    let mut noise = Noise::new(5);
    let input: Vec<f32> = (0..frames)
        .flat_map(|i| {
            let n = noise.next() * 0.3;
            [tone[i], n, tone[i] + n]
        })
        .collect();
    for value in [0.6f32, 1.3, 1.9] {
        let mut stretch = TimeStretch::new(rate, 3, speed(value)).unwrap();
        let output = run(&mut stretch, &input, 512);
        let worst = output
            .chunks_exact(3)
            .map(|f| (f[0] + f[1] - f[2]).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-5, "{value}×: the sum channel is off by {worst}");
    }
}

/// Left and right a quarter period apart: still a quarter period apart after stretching.
#[test]
fn stereo_phase_is_kept() {
    let rate = 48_000;
    let frames = rate as usize * 2;
    let left = sine(440.0, 0.5, rate, frames + 27, 1);
    // 440 Hz at 48 kHz: a quarter period is 27.27 frames.
    let input: Vec<f32> = (0..frames).flat_map(|i| [left[i + 27], left[i]]).collect();
    for value in [0.75f32, 1.5] {
        let mut stretch = TimeStretch::new(rate, 2, speed(value)).unwrap();
        let output = run(&mut stretch, &input, 1000);
        let (l, r) = (channel(&output, 2, 0), channel(&output, 2, 1));
        let start = rate as usize / 5;
        // Mean of the lead of left over right at each rising zero crossing of right, in frames.
        let crossings = |s: &[f32]| -> Vec<f64> {
            s.windows(2)
                .enumerate()
                .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
                .map(|(i, w)| i as f64 + f64::from(w[0] / (w[0] - w[1])))
                .collect()
        };
        let (cl, cr) = (
            crossings(&l[start..l.len() - start]),
            crossings(&r[start..r.len() - start]),
        );
        let leads: Vec<f64> = cr
            .iter()
            .filter_map(|&t| {
                cl.iter()
                    .map(|&u| t - u)
                    .filter(|d| *d >= 0.0)
                    .reduce(f64::min)
            })
            .collect();
        let mean = leads.iter().sum::<f64>() / leads.len() as f64;
        assert!(
            (mean - 27.0).abs() < 1.0,
            "{value}×: left leads by {mean:.2} frames, not 27"
        );
    }
}

/// A tone through speed changes every 50 ms (through 1.0, where the stretch switches to a plain
/// copy and back): no jump beyond what the tone itself makes.
#[test]
fn changing_speed_while_playing_makes_no_click() {
    let rate = 48_000;
    let (freq, amplitude) = (440.0, 0.5);
    let input = sine(freq, amplitude, rate, rate as usize * 4, 2);
    let mut stretch = TimeStretch::new(rate, 2, PlaybackSpeed::NORMAL).unwrap();
    let speeds = [1.0f32, 0.5, 1.37, 2.0, 1.0, 0.8, 1.0, 1.6, 0.55, 1.0];
    let mut output = Vec::new();
    let mut buffer = vec![0.0f32; 480 * 2];
    let mut pushed = 0;
    let mut change = 0;
    while pushed < input.len() {
        let end = (pushed + 960 * 2).min(input.len());
        stretch.push(&input[pushed..end]);
        pushed = end;
        loop {
            let n = stretch.pull(&mut buffer);
            output.extend_from_slice(&buffer[..n]);
            if output.len() >= (change + 1) * 2400 * 2 {
                change += 1;
                stretch.set_speed(speed(speeds[change % speeds.len()]));
            }
            if n < buffer.len() {
                break;
            }
        }
    }
    assert!(change > 20, "only {change} changes");
    let bound = sine_max_step(freq, amplitude, rate) * 1.25;
    for ch in 0..2 {
        let samples = channel(&output, 2, ch);
        // From the first sound on: the stream starts at a zero crossing of the sine.
        let step = max_step(&samples);
        assert!(
            step <= bound,
            "channel {ch}: a jump of {step}, the tone's largest is {bound}"
        );
    }
}

#[test]
fn latency_and_source_position_are_as_documented() {
    let rate = 48_000;
    let mut stretch = TimeStretch::new(rate, 1, PlaybackSpeed::NORMAL).unwrap();
    let latency = stretch.latency_frames();
    assert!(
        (latency as f64 / f64::from(rate) - 0.065).abs() < 0.001,
        "{latency} frames"
    );
    let mut buffer = vec![0.0f32; 100_000];
    // Nothing comes out until a latency's worth is in, then it does.
    stretch.push(&vec![0.1f32; latency - 1]);
    assert_eq!(stretch.pull(&mut buffer), 0);
    stretch.push(&[0.1]);
    assert!(stretch.pull(&mut buffer) > 0);
    // An impulse at a known input frame comes out where source_position says it does.
    for value in [1.0f32, 1.5, 0.7] {
        stretch.reset();
        stretch.set_speed(speed(value));
        let mut input = vec![0.0f32; rate as usize];
        let impulse_at = 30_000;
        input[impulse_at] = 1.0;
        let mut positions = Vec::new();
        let mut output = Vec::new();
        for chunk in input.chunks(256) {
            stretch.push(chunk);
            loop {
                positions.push(stretch.source_position());
                let n = stretch.pull(&mut buffer[..1]);
                if n == 0 {
                    positions.pop();
                    break;
                }
                output.push(buffer[0]);
                // Never more than a latency (plus one hop and a block) behind what was pushed.
                let behind = stretch.pushed_frames() as f64 - stretch.source_position();
                assert!(
                    behind >= 0.0 && behind <= (latency + 720 + 256) as f64,
                    "{value}×: {behind} behind"
                );
            }
        }
        let loudest = (0..output.len())
            .max_by(|&a, &b| output[a].abs().total_cmp(&output[b].abs()))
            .unwrap();
        let error = positions[loudest] - impulse_at as f64;
        // Within the search's reach (10 ms) plus half a window.
        assert!(
            error.abs() <= 480.0 + 720.0,
            "{value}×: the impulse came out at source {}",
            positions[loudest]
        );
    }
}

#[test]
fn reset_starts_a_new_stream() {
    let input = sine(440.0, 0.5, 48_000, 48_000, 2);
    let mut stretch = TimeStretch::new(48_000, 2, speed(1.5)).unwrap();
    let first = run(&mut stretch, &input, 1024);
    stretch.push(&input);
    assert_eq!(
        stretch.pull(&mut [0.0; 64]),
        0,
        "input after a flush waits for a reset"
    );
    stretch.reset();
    assert_eq!(stretch.speed(), speed(1.5));
    let second = run(&mut stretch, &input, 1024);
    assert_eq!(first, second);
}

#[test]
fn speeds_out_of_range_are_typed_errors() {
    assert_eq!(
        PlaybackSpeed::new(0.49),
        Err(DspError::SpeedOutOfRange { value: 0.49 })
    );
    assert_eq!(
        PlaybackSpeed::new(2.01),
        Err(DspError::SpeedOutOfRange { value: 2.01 })
    );
    assert_eq!(
        PlaybackSpeed::new(f32::NAN),
        Err(DspError::NotFinite {
            setting: Setting::Speed
        })
    );
    assert_eq!(
        serde_json::from_str::<PlaybackSpeed>("1.25").unwrap(),
        speed(1.25)
    );
    assert!(serde_json::from_str::<PlaybackSpeed>("3").is_err());
    assert_eq!(serde_json::to_string(&speed(0.75)).unwrap(), "0.75");
    assert_eq!(
        TimeStretch::new(400_000, 2, PlaybackSpeed::NORMAL).unwrap_err(),
        DspError::UnsupportedSampleRate {
            sample_rate: 400_000
        }
    );
    assert_eq!(
        TimeStretch::new(48_000, 0, PlaybackSpeed::NORMAL).unwrap_err(),
        DspError::NoChannels
    );
}

/// The output does not depend on how the input is pushed or the output pulled, for any channel
/// count.
#[test]
fn block_sizes_do_not_change_the_output() {
    for (channels, value) in [(1usize, 1.3f32), (2, 0.7), (6, 1.9), (2, 1.0)] {
        let input = noisy_chord(48_000, 48_000, channels);
        let run = |push_sizes: &mut dyn FnMut() -> usize, pull_size: usize| {
            let mut stretch = TimeStretch::new(48_000, channels, speed(value)).unwrap();
            let mut buffer = vec![0.0f32; pull_size * channels];
            let mut output = Vec::new();
            let mut pushed = 0;
            while pushed < input.len() {
                let end = (pushed + push_sizes() * channels).min(input.len());
                stretch.push(&input[pushed..end]);
                pushed = end;
                loop {
                    let n = stretch.pull(&mut buffer);
                    output.extend_from_slice(&buffer[..n]);
                    if n < buffer.len() {
                        break;
                    }
                }
            }
            stretch.flush();
            loop {
                let n = stretch.pull(&mut buffer);
                output.extend_from_slice(&buffer[..n]);
                if n == 0 {
                    break;
                }
            }
            output
        };
        let whole = run(&mut || 48_000, 1);
        let mut sizes = Noise::new(42);
        let ragged = run(&mut || 1 + ((sizes.next() + 1.0) * 900.0) as usize, 333);
        assert_eq!(whole.len(), ragged.len(), "{channels} channels at {value}×");
        assert!(
            whole == ragged,
            "{channels} channels at {value}×: the output differs"
        );
    }
}

/// A decoder glitch (NaN, infinity) spoils the windows it falls in, not the rest of the track.
#[test]
fn a_nan_in_the_input_does_not_poison_what_follows() {
    let mut input = sine(440.0, 0.5, 48_000, 48_000, 2);
    input[2_000] = f32::NAN;
    input[2_601] = f32::INFINITY;
    let mut stretch = TimeStretch::new(48_000, 2, speed(1.25)).unwrap();
    let output = run(&mut stretch, &input, 1024);
    // The glitch is in the first 30 ms of the source; from 0.2 s of output on, all is sound.
    let later = &output[2 * 9_600..];
    assert!(later.iter().all(|s| s.is_finite()));
    assert!(rms(later) > 0.3);
}
