//! Criterion benchmarks of the equaliser and the time-stretch on one second of stereo 48 kHz.
//!
//! Run: `cargo bench -p duet-dsp --bench dsp -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use duet_dsp::{EqPreset, EqSettings, Equalizer, PlaybackSpeed, TimeStretch};

const RATE: u32 = 48_000;
const CHANNELS: usize = 2;
/// The block the player's decoder hands over, in frames.
const BLOCK: usize = 1024;

/// One second of stereo music-like signal: a chord and noise, different in each channel.
fn signal() -> Vec<f32> {
    let mut seed = 0x1234_5678u32;
    (0..RATE as usize)
        .flat_map(|i| {
            let t = i as f32 / RATE as f32;
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = (seed >> 8) as f32 / (1 << 24) as f32 - 0.5;
            let chord = (2.0 * std::f32::consts::PI * 220.0 * t).sin() * 0.3
                + (2.0 * std::f32::consts::PI * 277.2 * t).sin() * 0.2;
            [chord + noise * 0.1, chord * 0.8 - noise * 0.1]
        })
        .collect()
}

fn equalizer(c: &mut Criterion) {
    let input = signal();
    let mut group = c.benchmark_group("equalizer");
    group.throughput(Throughput::Elements(RATE.into()));
    for (name, settings) in [
        (
            "rock_stereo_48k_1s",
            EqSettings::from_preset(EqPreset::Rock),
        ),
        ("flat_bypassed_stereo_48k_1s", EqSettings::default()),
    ] {
        let mut eq = Equalizer::new(RATE, CHANNELS, &settings).unwrap();
        let mut buffer = input.clone();
        group.bench_function(name, |b| {
            b.iter(|| {
                buffer.copy_from_slice(&input);
                for block in buffer.chunks_mut(BLOCK * CHANNELS) {
                    eq.process(black_box(block));
                }
            });
        });
    }
    group.finish();
    // What a slider move costs: solving the sections for a new curve.
    let mut eq = Equalizer::new(RATE, CHANNELS, &EqSettings::from_preset(EqPreset::Rock)).unwrap();
    let (rock, jazz) = (
        EqSettings::from_preset(EqPreset::Rock),
        EqSettings::from_preset(EqPreset::Jazz),
    );
    let mut buffer = vec![0.0f32; 2 * CHANNELS];
    c.bench_function("equalizer/set_settings", |b| {
        b.iter(|| {
            eq.set_settings(black_box(&jazz)).unwrap();
            eq.reset();
            eq.set_settings(black_box(&rock)).unwrap();
            eq.reset();
            eq.process(&mut buffer);
        });
    });
}

fn time_stretch(c: &mut Criterion) {
    let input = signal();
    let mut group = c.benchmark_group("time_stretch");
    group.throughput(Throughput::Elements(RATE.into()));
    for speed in [1.25f32, 0.75, 1.0] {
        let mut stretch =
            TimeStretch::new(RATE, CHANNELS, PlaybackSpeed::new(speed).unwrap()).unwrap();
        let mut out = vec![0.0f32; BLOCK * CHANNELS];
        group.bench_function(format!("speed_{speed}_stereo_48k_1s"), |b| {
            b.iter(|| {
                let mut produced = 0;
                for block in input.chunks(BLOCK * CHANNELS) {
                    stretch.push(black_box(block));
                    loop {
                        let n = stretch.pull(&mut out);
                        produced += n;
                        if n < out.len() {
                            break;
                        }
                    }
                }
                black_box(produced)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, equalizer, time_stretch);
criterion_main!(benches);
