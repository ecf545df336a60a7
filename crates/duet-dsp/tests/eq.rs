//! The equaliser measured from the outside: sines in, RMS out.

mod common;

use common::{channel, db, max_step, rms, sine, sine_max_step, Noise, RATES};
use duet_dsp::{
    DspError, EqPreset, EqSettings, Equalizer, Setting, BAND_CENTRES_HZ, BAND_COUNT, MAX_BAND_DB,
    MIN_BAND_DB,
};

const TOLERANCE_DB: f64 = 0.5;

fn custom(bands_db: [f32; BAND_COUNT], preamp_db: f32) -> EqSettings {
    EqSettings {
        enabled: true,
        preset: EqPreset::Custom,
        bands_db,
        preamp_db,
    }
}

/// The gain in dB the equaliser applies to a sine at `freq`, measured after the filters
/// have settled (a quarter of a second) over half a second.
fn measured_gain_db(settings: &EqSettings, rate: u32, freq: f64) -> f64 {
    let mut eq = Equalizer::new(rate, 1, settings).unwrap();
    let settle = rate as usize / 4;
    let input = sine(freq, 0.25, rate, settle + rate as usize / 2, 1);
    let mut output = input.clone();
    for block in output.chunks_mut(512) {
        eq.process(block);
    }
    db(rms(&output[settle..]) / rms(&input[settle..]))
}

#[test]
fn each_band_alone_gives_its_gain_at_its_centre_at_every_rate() {
    for rate in RATES {
        for band in 0..BAND_COUNT {
            for gain in [MAX_BAND_DB, MIN_BAND_DB, 6.0] {
                let mut bands = [0.0; BAND_COUNT];
                bands[band] = gain;
                let measured =
                    measured_gain_db(&custom(bands, 0.0), rate, f64::from(BAND_CENTRES_HZ[band]));
                assert!(
                    (measured - f64::from(gain)).abs() <= TOLERANCE_DB,
                    "{rate} Hz, band {band} at {gain} dB: measured {measured:.2} dB"
                );
            }
        }
    }
}

#[test]
fn every_preset_gives_every_slider_at_its_centre() {
    for rate in RATES {
        for preset in EqPreset::ALL {
            let settings = EqSettings::from_preset(preset);
            for (band, &centre) in BAND_CENTRES_HZ.iter().enumerate() {
                let expected = f64::from(settings.bands_db[band] + settings.preamp_db);
                let measured = measured_gain_db(&settings, rate, f64::from(centre));
                assert!(
                    (measured - expected).abs() <= TOLERANCE_DB,
                    "{rate} Hz, {preset:?}, band {band}: expected {expected} dB, measured {measured:.2}"
                );
            }
        }
    }
}

/// Neighbouring bands overlap; the worst case for that is a zig-zag of the extremes and random
/// curves. Checked on the computed response at every centre (300 curves), and on sines for the
/// zig-zag.
#[test]
fn overlapping_bands_are_compensated_for_any_curve() {
    let zigzag: [f32; BAND_COUNT] = std::array::from_fn(|i| if i % 2 == 0 { 12.0 } else { -12.0 });
    for rate in RATES {
        let settings = custom(zigzag, -12.0);
        for (band, &centre) in BAND_CENTRES_HZ.iter().enumerate() {
            let measured = measured_gain_db(&settings, rate, f64::from(centre));
            let expected = f64::from(zigzag[band] - 12.0);
            assert!(
                (measured - expected).abs() <= TOLERANCE_DB,
                "{rate} Hz zig-zag, band {band}: expected {expected}, measured {measured:.2}"
            );
        }
        let mut noise = Noise::new(rate);
        for _ in 0..300 {
            let bands: [f32; BAND_COUNT] = std::array::from_fn(|_| noise.next() * 12.0);
            let eq = Equalizer::new(rate, 1, &custom(bands, 0.0)).unwrap();
            for (band, &centre) in BAND_CENTRES_HZ.iter().enumerate() {
                let error = eq.response_db(centre) - bands[band];
                assert!(
                    error.abs() <= 0.1,
                    "{rate} Hz, {bands:?}: band {band} off by {error} dB"
                );
            }
        }
    }
}

/// Every slider at +12 dB: between the centres the curve dips (the price of bands narrow enough
/// to be set independently), by at most 2 dB, the top octave at 44.1 kHz included. Measured with
/// sines at quarter octaves from 31 Hz to 16 kHz.
#[test]
fn all_sliders_up_is_nearly_flat_between_the_centres() {
    for rate in RATES {
        let settings = custom([MAX_BAND_DB; BAND_COUNT], 0.0);
        let mut freq = f64::from(BAND_CENTRES_HZ[0]);
        while freq <= f64::from(BAND_CENTRES_HZ[BAND_COUNT - 1]) * 1.001 {
            let measured = measured_gain_db(&settings, rate, freq);
            assert!(
                (measured - f64::from(MAX_BAND_DB)).abs() <= 2.0,
                "{rate} Hz: {measured:.2} dB at {freq:.0} Hz"
            );
            freq *= 2f64.powf(0.25);
        }
    }
}

#[test]
fn presets_are_in_range_and_their_preamp_keeps_full_scale_from_clipping() {
    for preset in EqPreset::ALL {
        let settings = EqSettings::from_preset(preset);
        settings.validate().unwrap();
        let eq = Equalizer::new(48_000, 2, &settings).unwrap();
        let mut peak = f32::MIN;
        let mut freq = 20.0f32;
        while freq < 20_000.0 {
            peak = peak.max(eq.response_db(freq));
            freq *= 1.01;
        }
        assert!(
            peak <= 0.1,
            "{preset:?} peaks at {peak} dB after its preamp"
        );
    }
    assert_eq!(
        EqSettings::from_preset(EqPreset::Custom).bands_db,
        [0.0; BAND_COUNT]
    );
}

#[test]
fn flat_or_off_is_bit_exact() {
    let mut noise = Noise::new(7);
    let input: Vec<f32> = (0..48_000 * 2).map(|_| noise.next()).collect();
    let rock = EqSettings {
        enabled: false,
        ..EqSettings::from_preset(EqPreset::Rock)
    };
    for settings in [
        EqSettings::default(),
        EqSettings::from_preset(EqPreset::Flat),
        rock,
    ] {
        let mut eq = Equalizer::new(48_000, 2, &settings).unwrap();
        assert!(eq.is_bypassed());
        let mut output = input.clone();
        for block in output.chunks_mut(1000) {
            eq.process(block);
        }
        assert!(
            output
                .iter()
                .zip(&input)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{settings:?} changed the samples"
        );
    }
}

#[test]
fn back_to_flat_is_bypassed_again_after_the_fade() {
    let mut eq = Equalizer::new(48_000, 2, &EqSettings::from_preset(EqPreset::Pop)).unwrap();
    assert!(!eq.is_bypassed());
    eq.set_settings(&EqSettings::default()).unwrap();
    let mut buffer = sine(440.0, 0.5, 48_000, 4800, 2);
    eq.process(&mut buffer);
    assert!(eq.is_bypassed());
    let input = sine(440.0, 0.5, 48_000, 4800, 2);
    let mut output = input.clone();
    eq.process(&mut output);
    assert_eq!(output, input);
}

/// Full-scale noise, impulses, DC and a tone near Nyquist through the extremes at every rate
/// (8 kHz and 22.05 kHz drop the bands above their Nyquist limit): nothing blows up.
#[test]
fn extreme_settings_stay_finite_and_bounded_at_every_rate() {
    let extremes = [
        custom([MAX_BAND_DB; BAND_COUNT], 12.0),
        custom([MIN_BAND_DB; BAND_COUNT], -12.0),
        custom(
            std::array::from_fn(|i| if i % 2 == 0 { 12.0 } else { -12.0 }),
            12.0,
        ),
        custom(
            std::array::from_fn(|i| if i < 5 { 12.0 } else { -12.0 }),
            12.0,
        ),
    ];
    for rate in [8_000u32, 22_050, 44_100, 48_000, 96_000, 192_000] {
        let frames = rate as usize;
        let mut noise = Noise::new(rate);
        let near_nyquist = sine(f64::from(rate) * 0.45, 1.0, rate, frames, 1);
        let input: Vec<f32> = (0..frames)
            .flat_map(|i| {
                let impulse = if i % 4096 == 0 { 1.0 } else { 0.0 };
                [noise.next(), impulse, 1.0, near_nyquist[i]]
            })
            .collect();
        for settings in &extremes {
            let mut eq = Equalizer::new(rate, 4, settings).unwrap();
            assert!(eq.usable_bands() <= BAND_COUNT);
            let mut output = input.clone();
            for block in output.chunks_mut(333 * 4) {
                eq.process(block);
            }
            // +24 dB (preamp and band) is ×15.8; the zig-zag's overshoot and noise peaks stay
            // well under ×64.
            let peak = output.iter().fold(0.0f32, |m, &s| {
                if s.is_finite() {
                    m.max(s.abs())
                } else {
                    f32::INFINITY
                }
            });
            assert!(peak < 64.0, "{rate} Hz, {settings:?}: peak {peak}");
        }
    }
    assert_eq!(
        Equalizer::new(22_050, 2, &EqSettings::default())
            .unwrap()
            .usable_bands(),
        9
    );
    assert_eq!(
        Equalizer::new(8_000, 2, &EqSettings::default())
            .unwrap()
            .usable_bands(),
        7
    );
}

/// A sine through sudden setting changes (a band from −12 to +12 dB and back, the preamp, on
/// and off, a preset) at block boundaries: no sample-to-sample jump beyond what the louder of
/// the two steady states makes, so no click.
#[test]
fn changing_settings_while_playing_makes_no_click() {
    let rate = 48_000;
    let (freq, amplitude) = (1000.0, 0.2);
    let loud = custom(
        std::array::from_fn(|i| if i == 5 { 12.0 } else { 0.0 }),
        0.0,
    );
    let quiet = custom(
        std::array::from_fn(|i| if i == 5 { -12.0 } else { 0.0 }),
        0.0,
    );
    let sequence = [
        EqSettings::default(),
        loud,
        quiet,
        loud,
        EqSettings {
            enabled: false,
            ..loud
        },
        custom([0.0; BAND_COUNT], -12.0),
        EqSettings::from_preset(EqPreset::Vocal),
        quiet,
        EqSettings::default(),
    ];
    let mut eq = Equalizer::new(rate, 2, &sequence[0]).unwrap();
    let mut output = Vec::new();
    // Not a whole number of periods, so the changes land at every phase of the sine.
    let block = 487;
    for (i, settings) in sequence.iter().enumerate() {
        eq.set_settings(settings).unwrap();
        // Changes also come faster than the fade: a second one 5 ms in.
        for b in 0..20 {
            if i % 2 == 1 && b == 1 {
                eq.set_settings(&sequence[i - 1]).unwrap();
            }
            if i % 2 == 1 && b == 2 {
                eq.set_settings(settings).unwrap();
            }
            let start = (i * 20 + b) * block;
            let mut buffer: Vec<f32> =
                sine(freq, amplitude, rate, start + block, 2)[start * 2..].to_vec();
            eq.process(&mut buffer);
            output.extend_from_slice(&buffer);
        }
    }
    // The loudest steady state is +12 dB (×3.98) at 1 kHz; allow 10 % for the crossfade's shape.
    let bound = sine_max_step(freq, amplitude * 3.981, rate) * 1.1;
    for ch in 0..2 {
        let step = max_step(&channel(&output, 2, ch));
        assert!(
            step <= bound,
            "channel {ch}: a jump of {step}, more than {bound}"
        );
    }
}

#[test]
fn out_of_range_and_nan_settings_are_typed_errors() {
    let mut bands = [0.0; BAND_COUNT];
    bands[3] = 12.5;
    assert_eq!(
        custom(bands, 0.0).validate(),
        Err(DspError::BandOutOfRange {
            band: 3,
            value: 12.5
        })
    );
    bands[3] = f32::NAN;
    assert_eq!(
        custom(bands, 0.0).validate(),
        Err(DspError::NotFinite {
            setting: Setting::Band(3)
        })
    );
    assert_eq!(
        custom([0.0; BAND_COUNT], f32::NEG_INFINITY).validate(),
        Err(DspError::NotFinite {
            setting: Setting::Preamp
        })
    );
    assert_eq!(
        custom([0.0; BAND_COUNT], -13.0).validate(),
        Err(DspError::PreampOutOfRange { value: -13.0 })
    );
    let message = custom([0.0, 0.0, 0.0, -40.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0)
        .validate()
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "equaliser band 3 (250 Hz) is -40 dB, outside -12..=12 dB"
    );

    let mut eq = Equalizer::new(48_000, 2, &EqSettings::from_preset(EqPreset::Rock)).unwrap();
    let mut broken = EqSettings::from_preset(EqPreset::Jazz);
    broken.bands_db[9] = f32::INFINITY;
    assert!(eq.set_settings(&broken).is_err());
    assert_eq!(
        eq.settings(),
        &EqSettings::from_preset(EqPreset::Rock),
        "a refused change must change nothing"
    );
    assert!(Equalizer::new(48_000, 2, &broken).is_err());
    assert_eq!(
        Equalizer::new(1_000, 2, &EqSettings::default()).unwrap_err(),
        DspError::UnsupportedSampleRate { sample_rate: 1_000 }
    );
    assert_eq!(
        Equalizer::new(48_000, 0, &EqSettings::default()).unwrap_err(),
        DspError::NoChannels
    );
}

#[test]
fn settings_round_trip_through_json_and_fill_missing_fields() {
    let settings = EqSettings::from_preset(EqPreset::BassBoost);
    let json = serde_json::to_string(&settings).unwrap();
    assert!(json.contains(r#""preset":"bass_boost""#), "{json}");
    assert_eq!(serde_json::from_str::<EqSettings>(&json).unwrap(), settings);
    let partial: EqSettings = serde_json::from_str(r#"{"enabled":true}"#).unwrap();
    assert_eq!(
        partial,
        EqSettings {
            enabled: true,
            ..EqSettings::default()
        }
    );
    assert!(serde_json::from_str::<EqSettings>(r#"{"bands_db":[1,2,3]}"#).is_err());
}

/// A decoder glitch (NaN, infinity) spoils its own block, not the rest of the track.
#[test]
fn a_nan_in_the_input_does_not_poison_what_follows() {
    let mut eq = Equalizer::new(48_000, 2, &EqSettings::from_preset(EqPreset::Loudness)).unwrap();
    let mut glitch = sine(440.0, 0.5, 48_000, 512, 2);
    glitch[100] = f32::NAN;
    glitch[301] = f32::INFINITY;
    eq.process(&mut glitch);
    let mut after = sine(440.0, 0.5, 48_000, 48_000, 2);
    eq.process(&mut after);
    assert!(after.iter().all(|s| s.is_finite()));
    assert!(rms(&after[24_000..]) > 0.1, "the sound must come back");
}

#[test]
fn a_partial_frame_is_left_alone() {
    let mut eq = Equalizer::new(48_000, 2, &custom([12.0; BAND_COUNT], 0.0)).unwrap();
    let mut buffer = vec![0.5f32; 5];
    eq.process(&mut buffer);
    assert_eq!(buffer[4], 0.5);
    assert_ne!(buffer[0], 0.5);
}

/// The output does not depend on how the stream is cut into blocks, a settings change and its
/// fade included, for any channel count.
#[test]
fn block_sizes_do_not_change_the_output() {
    for channels in [1usize, 2, 6] {
        let mut noise = Noise::new(channels as u32);
        let input: Vec<f32> = (0..48_000 * channels).map(|_| noise.next()).collect();
        let run = |sizes: &mut dyn FnMut() -> usize| {
            let mut eq =
                Equalizer::new(48_000, channels, &EqSettings::from_preset(EqPreset::Rock)).unwrap();
            let mut output = input.clone();
            let mut done = 0;
            let change_at = 10_000 * channels;
            while done < output.len() {
                if done == change_at {
                    eq.set_settings(&EqSettings::from_preset(EqPreset::Vocal))
                        .unwrap();
                }
                let limit = if done < change_at {
                    change_at
                } else {
                    output.len()
                };
                let end = (done + sizes() * channels).min(limit);
                eq.process(&mut output[done..end]);
                done = end;
            }
            output
        };
        let whole = run(&mut || 10_000);
        let mut sizes = Noise::new(99);
        let ragged = run(&mut || 1 + ((sizes.next() + 1.0) * 700.0) as usize);
        let first = whole.iter().zip(&ragged).position(|(a, b)| a != b);
        assert!(
            first.is_none(),
            "{channels} channels: the output differs from sample {first:?}"
        );
    }
}
