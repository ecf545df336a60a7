//! Decoding with symphonia: probe a [`MediaSource`], decode packet by packet into interleaved
//! `f32`, seek, and keep track of the decoded position.

use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::{Error as SymphoniaError, SeekErrorKind};
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::units::{Time, TimeBase, Timestamp};

/// Consecutive undecodable packets tolerated before the file counts as corrupt.
const MAX_BAD_PACKETS: u32 = 64;

/// Sample rates a file may declare. Outside them it is broken or hostile: a rate of 1 Hz would
/// make the resampler write 48,000 output frames for each input frame.
const SAMPLE_RATES: std::ops::RangeInclusive<u32> = 1_000..=768_000;

/// How long `frames` last at `rate`, in milliseconds; saturates (the counts come from files).
pub fn frames_to_ms(frames: u64, rate: u32) -> u64 {
    if rate == 0 {
        return 0;
    }
    u64::try_from(u128::from(frames) * 1000 / u128::from(rate)).unwrap_or(u64::MAX)
}

/// How many frames at `rate` make `ms` milliseconds; saturates.
pub fn ms_to_frames(ms: u64, rate: u32) -> u64 {
    u64::try_from(u128::from(ms) * u128::from(rate) / 1000).unwrap_or(u64::MAX)
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Reading the source failed (the download failed, stalled or was cancelled).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Not audio, or a format/codec Duet does not decode.
    #[error("not a playable audio file ({0})")]
    Unsupported(String),
    /// Audio, but broken beyond use.
    #[error("the audio file is corrupt ({0})")]
    Corrupt(String),
    /// This stream cannot seek there; playback can go on where it was.
    #[error("cannot seek in this audio ({0})")]
    Unseekable(String),
}

impl From<SymphoniaError> for DecodeError {
    fn from(error: SymphoniaError) -> Self {
        match error {
            SymphoniaError::IoError(e) => DecodeError::Io(e),
            SymphoniaError::Unsupported(what) => DecodeError::Unsupported(what.to_owned()),
            other => DecodeError::Corrupt(other.to_string()),
        }
    }
}

/// The layout of a decoded chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSpec {
    pub sample_rate: u32,
    pub channels: u16,
}

/// One audio track of a media file, decoded on demand.
pub struct Decoder {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    time_base: Option<TimeBase>,
    duration_ms: Option<u64>,
    /// After a seek: the first timestamp that may be heard; earlier frames are dropped.
    skip_before: Option<Timestamp>,
    /// The decoded position is `base_ms` plus `frames` at `rate`.
    base_ms: u64,
    frames: u64,
    rate: u32,
    bad_packets: u32,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("track_id", &self.track_id)
            .field("duration_ms", &self.duration_ms)
            .field("position_ms", &self.position_ms())
            .finish_non_exhaustive()
    }
}

impl Decoder {
    /// Probes `source` (reading as little as the container allows) and opens its default audio
    /// track. `extension` (`mp3`, `flac`, `m4a`, …) and `mime` are hints only.
    pub fn open(
        source: Box<dyn MediaSource>,
        extension: Option<&str>,
        mime: Option<&str>,
    ) -> Result<Self, DecodeError> {
        let stream = MediaSourceStream::new(source, Default::default());
        let mut hint = Hint::new();
        if let Some(extension) = extension.filter(|e| !e.is_empty()) {
            hint.with_extension(extension);
        }
        if let Some(mime) = mime {
            hint.mime_type(mime);
        }
        let format = symphonia::default::get_probe()
            .probe(
                &hint,
                stream,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|e| match e {
                SymphoniaError::IoError(e) => DecodeError::Io(e),
                other => DecodeError::Unsupported(other.to_string()),
            })?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| DecodeError::Unsupported("no audio track".into()))?;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| DecodeError::Unsupported("unknown codec".into()))?;
        // Gapless: the decoder drops the encoder delay and padding the file declares (the LAME/Xing
        // header of an MP3), so consecutive tracks join sample to sample. Symphonia's AAC decoder
        // does not trim yet (an M4A keeps its ~2,112 priming frames).
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(params, &AudioDecoderOptions::default().gapless(true))
            .map_err(|e| DecodeError::Unsupported(e.to_string()))?;
        let rate = params.sample_rate.unwrap_or(0);
        if rate != 0 && !SAMPLE_RATES.contains(&rate) {
            return Err(DecodeError::Unsupported(format!(
                "a sample rate of {rate} Hz"
            )));
        }
        let track_id = track.id;
        let time_base = track.time_base.or_else(|| TimeBase::try_from_recip(rate));
        let duration_ms = match (time_base, track.duration) {
            (Some(tb), Some(duration)) => tb.calc_duration(duration).map(time_ms),
            _ => None,
        }
        .or_else(|| {
            let frames = track.num_frames?;
            (rate > 0).then(|| frames_to_ms(frames, rate))
        })
        .filter(|&ms| ms > 0);
        Ok(Self {
            format,
            decoder,
            track_id,
            time_base,
            duration_ms,
            skip_before: None,
            base_ms: 0,
            frames: 0,
            rate,
            bad_packets: 0,
        })
    }

    /// The length of the track, when the container says.
    pub fn duration_ms(&self) -> Option<u64> {
        self.duration_ms
    }

    /// The media time at the end of the last decoded chunk.
    pub fn position_ms(&self) -> u64 {
        self.base_ms
            .saturating_add(frames_to_ms(self.frames, self.rate))
    }

    /// Decodes the next packet of the track into `out` (interleaved, replaced). `Ok(None)` at the
    /// end of the track.
    pub fn next_chunk(&mut self, out: &mut Vec<f32>) -> Result<Option<ChunkSpec>, DecodeError> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => return Ok(None),
                // A file that ends mid-packet: the end.
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(None)
                }
                // A chained stream (a new logical stream begins): treat as the end of this one.
                Err(SymphoniaError::ResetRequired) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(buffer) => {
                    self.bad_packets = 0;
                    let spec = ChunkSpec {
                        sample_rate: buffer.spec().rate(),
                        channels: buffer.spec().channels().count() as u16,
                    };
                    if buffer.frames() == 0 || spec.channels == 0 || spec.sample_rate == 0 {
                        continue;
                    }
                    if !SAMPLE_RATES.contains(&spec.sample_rate) {
                        return Err(DecodeError::Unsupported(format!(
                            "a sample rate of {} Hz",
                            spec.sample_rate
                        )));
                    }
                    buffer.copy_to_vec_interleaved(out);
                    if let Some(skip_before) = self.skip_before {
                        let skip = self.frames_between(packet.pts, skip_before, spec.sample_rate);
                        let skip = (skip as usize).saturating_mul(usize::from(spec.channels));
                        if skip >= out.len() {
                            continue;
                        }
                        out.drain(..skip);
                        self.skip_before = None;
                    }
                    if spec.sample_rate != self.rate {
                        // First chunk, or the rate changed: rebase the position.
                        self.base_ms = self.position_ms();
                        self.frames = 0;
                        self.rate = spec.sample_rate;
                    }
                    self.frames = self
                        .frames
                        .saturating_add((out.len() / usize::from(spec.channels)) as u64);
                    return Ok(Some(spec));
                }
                Err(SymphoniaError::DecodeError(_)) | Err(SymphoniaError::IoError(_)) => {
                    self.bad_packets += 1;
                    if self.bad_packets > MAX_BAD_PACKETS {
                        return Err(DecodeError::Corrupt(format!(
                            "{MAX_BAD_PACKETS} packets in a row could not be decoded"
                        )));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Seeks to `position_ms` (sample-accurate). Returns the new position; a target past the end
    /// returns `Ok(None)` (the track is over).
    pub fn seek(&mut self, position_ms: u64) -> Result<Option<u64>, DecodeError> {
        let time = Time::try_new(
            (position_ms / 1000) as i64,
            (position_ms % 1000) as u32 * 1_000_000,
        )
        .unwrap_or(Time::ZERO);
        let seeked = match self.format.seek(
            SeekMode::Accurate,
            SeekTo::Time {
                time,
                track_id: Some(self.track_id),
            },
        ) {
            Ok(seeked) => seeked,
            Err(SymphoniaError::SeekError(SeekErrorKind::OutOfRange)) => return Ok(None),
            Err(SymphoniaError::SeekError(kind)) => {
                return Err(DecodeError::Unseekable(format!("{kind:?}")))
            }
            Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        self.decoder.reset();
        self.skip_before = Some(seeked.required_ts);
        self.base_ms = self
            .time_base
            .and_then(|tb| tb.calc_time(seeked.required_ts))
            .map(time_ms)
            .unwrap_or(position_ms);
        self.frames = 0;
        Ok(Some(self.base_ms))
    }

    /// How many frames at `rate` lie between two timestamps of the track.
    fn frames_between(&self, from: Timestamp, to: Timestamp, rate: u32) -> u64 {
        let Some(tb) = self.time_base else { return 0 };
        match (tb.calc_time(from), tb.calc_time(to)) {
            (Some(from), Some(to)) if to > from => {
                ((to.as_secs_f64() - from.as_secs_f64()) * f64::from(rate)).round() as u64
            }
            _ => 0,
        }
    }
}

/// To the nearest millisecond: a sample's time is a fraction of a millisecond off a whole one, and
/// truncating would report a seek to 13 676 ms as 13 675 (one sample before it).
fn time_ms(time: Time) -> u64 {
    ((time.as_nanos() + 500_000) / 1_000_000).clamp(0, i128::from(u64::MAX)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{StreamBuffer, StreamSource};
    use std::time::Duration;

    fn open(name: &str) -> Decoder {
        let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        let source = StreamSource::new(StreamBuffer::complete(bytes), Duration::from_secs(1));
        let extension = name.rsplit('.').next();
        Decoder::open(Box::new(source), extension, None).unwrap()
    }

    fn decode_all(decoder: &mut Decoder) -> (ChunkSpec, Vec<f32>) {
        let mut all = Vec::new();
        let mut chunk = Vec::new();
        let mut spec = None;
        while let Some(s) = decoder.next_chunk(&mut chunk).unwrap() {
            spec = Some(s);
            all.extend_from_slice(&chunk);
        }
        (spec.unwrap(), all)
    }

    #[test]
    fn decodes_every_test_format_to_the_end() {
        for name in [
            "tone.mp3",
            "tagged.mp3",
            "tone.flac",
            "tone.m4a",
            "tone.wav",
        ] {
            let mut decoder = open(name);
            let (spec, samples) = decode_all(&mut decoder);
            let frames = samples.len() / usize::from(spec.channels);
            let ms = frames as u64 * 1000 / u64::from(spec.sample_rate);
            assert!((1900..=2100).contains(&ms), "{name}: {ms} ms");
            let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
            assert!(peak > 0.4 && peak < 0.6, "{name}: silent (peak {peak})");
            let duration = decoder.duration_ms().unwrap_or(0);
            assert!(
                (1900..=2100).contains(&duration),
                "{name}: duration {duration}"
            );
            assert!((1900..=2100).contains(&decoder.position_ms()), "{name}");
        }
    }

    #[test]
    fn an_mp3_decodes_to_its_exact_length_without_encoder_delay_or_padding() {
        // tone.mp3: 2 s at 44.1 kHz = 88,200 frames, encoded by LAME with 1,105 frames of delay
        // and padding to a whole number of 1,152-frame MP3 frames; its LAME header says so.
        let mut decoder = open("tone.mp3");
        let (spec, samples) = decode_all(&mut decoder);
        assert_eq!(spec.sample_rate, 44_100);
        assert_eq!(samples.len() / usize::from(spec.channels), 88_200);
        // The sine starts at its zero crossing: the first sample is the start, not delay.
        assert!(samples[0].abs() < 0.05, "{}", samples[0]);
        assert!(
            samples[2 * 10].abs() > 0.05,
            "the tone is there from the start"
        );
    }

    #[test]
    fn seeks_accurately() {
        for name in ["tone.mp3", "tone.flac", "tone.m4a", "tone.wav"] {
            let mut decoder = open(name);
            let mut chunk = Vec::new();
            decoder.next_chunk(&mut chunk).unwrap();
            let at = decoder.seek(1200).unwrap().unwrap();
            assert!((1150..=1250).contains(&at), "{name}: seeked to {at}");
            let (spec, rest) = decode_all(&mut decoder);
            let ms = (rest.len() / usize::from(spec.channels)) as u64 * 1000
                / u64::from(spec.sample_rate);
            assert!((700..=900).contains(&ms), "{name}: {ms} ms after the seek");
            assert_eq!(decoder.seek(60_000).unwrap(), None, "{name}: past the end");
        }
    }

    /// The position reported after a seek is the one asked for, not a millisecond before it
    /// (the sample it lands on is a fraction of a millisecond early).
    #[test]
    fn a_seek_reports_the_position_asked_for() {
        for name in ["tone.mp3", "tone.flac", "tone.m4a", "tone.wav"] {
            let mut decoder = open(name);
            for target in [1337, 1501, 1999, 250] {
                assert_eq!(decoder.seek(target).unwrap(), Some(target), "{name}");
            }
        }
    }

    #[test]
    fn frame_and_time_conversions_saturate() {
        assert_eq!(frames_to_ms(44_100, 44_100), 1000);
        assert_eq!(frames_to_ms(u64::MAX, 1), u64::MAX);
        // u64::MAX is (2^32 - 1)(2^32 + 1): exact, no rounding.
        assert_eq!(frames_to_ms(u64::MAX, u32::MAX), 4_294_967_297_000);
        assert_eq!(frames_to_ms(5, 0), 0);
        assert_eq!(ms_to_frames(1000, 48_000), 48_000);
        assert_eq!(ms_to_frames(u64::MAX, u32::MAX), u64::MAX);
        assert_eq!(ms_to_frames(u64::MAX, 0), 0);
    }

    #[test]
    fn a_wav_declaring_an_absurd_sample_rate_is_refused() {
        let path = format!("{}/testdata/tone.wav", env!("CARGO_MANIFEST_DIR"));
        let wav = std::fs::read(path).unwrap();
        for rate in [1u32, 999, 768_001, u32::MAX] {
            let mut bytes = wav.clone();
            // The fmt chunk: sample rate at 24..28, byte rate at 28..32.
            assert_eq!(&bytes[12..16], b"fmt ");
            bytes[24..28].copy_from_slice(&rate.to_le_bytes());
            let source = StreamSource::new(StreamBuffer::complete(bytes), Duration::from_secs(1));
            match Decoder::open(Box::new(source), Some("wav"), None) {
                Err(DecodeError::Unsupported(why)) => {
                    assert!(why.starts_with("a sample rate of"), "{why}");
                }
                Err(other) => panic!("{rate} Hz: {other}"),
                Ok(_) => panic!("{rate} Hz was accepted"),
            }
        }
    }

    #[test]
    fn garbage_is_not_audio() {
        let bytes: Vec<u8> = (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let source = StreamSource::new(StreamBuffer::complete(bytes), Duration::from_secs(1));
        let err = Decoder::open(Box::new(source), Some("mp3"), None).unwrap_err();
        assert!(
            matches!(err, DecodeError::Unsupported(_) | DecodeError::Corrupt(_)),
            "{err:?}"
        );
        let html = b"<!DOCTYPE html><html><body>404 Not Found</body></html>".to_vec();
        let source = StreamSource::new(StreamBuffer::complete(html), Duration::from_secs(1));
        assert!(Decoder::open(Box::new(source), Some("mp3"), None).is_err());
    }
}
