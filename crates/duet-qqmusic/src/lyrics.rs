//! Lyrics from `GetPlayLyricInfo` (docs/protocol/qqmusic.md §5.5): with `crypt=1` every field is the
//! hex of the QRC cipher; the original is QRC (word timing, `[start,dur]word(start,dur)…`) or
//! LRC, the translation LRC, the romanisation QRC. With `crypt=0` fields are base64.
//!
//! Fields are read the way the request asked for them, not by the answer's `crypt` (which no
//! public client reads, docs/protocol/fidelity-2026-12.md row 4c); a field of another shape is
//! sniffed (hex or base64) before it is given up. A short zlib field with no cipher (`789C…`) is
//! the service's instrumental note (row 4d).

use base64::Engine as _;
use duet_core::lyrics::{merge, parse_lrc};
use duet_core::{Error, LyricWord, Lyrics, ProviderId};
use serde_json::Value;

use crate::errors::qq;
use crate::parse::text;
use crate::qrc;

/// What QQ Music writes instead of lyrics for instrumentals.
const INSTRUMENTAL_MARKERS: [&str; 2] = ["此歌曲为没有填词的纯音乐", "纯音乐，请欣赏"];

/// A zlib header (deflate, default compression) in upper-case hex: a field that starts with it
/// carries no cipher.
const PLAIN_ZLIB_HEX: &str = "789C";

/// Below this many hex digits a plain-zlib original is the instrumental note (MeoProject's bound,
/// fidelity row 4d); a lyric is longer.
const INSTRUMENTAL_NOTE_MAX_HEX: usize = 200;

/// How the request asked for the lyric fields (its `crypt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// `crypt:1`: upper-case hex of the QRC cipher.
    Hex,
    /// `crypt:0`: base64.
    Base64,
    /// Not known (a legacy answer): each field is sniffed.
    Unknown,
}

/// One decoded field.
#[derive(Debug, PartialEq, Eq)]
enum Field {
    Text(String),
    /// The short plain-zlib note QQ Music sends for an instrumental (row 4d).
    InstrumentalNote,
}

fn undecodable(why: impl std::fmt::Display) -> Error {
    qq(Error::upstream(format!(
        "QQ Music's lyrics cannot be read: {why}"
    )))
}

fn is_hex(field: &str) -> bool {
    field.len().is_multiple_of(2) && field.bytes().all(|b| b.is_ascii_hexdigit())
}

fn from_base64(field: &str) -> Result<Field, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(field)
        .map_err(undecodable)?;
    String::from_utf8(bytes)
        .map(Field::Text)
        .map_err(undecodable)
}

/// A hex field: plain zlib when it starts with a zlib header (the short form is the
/// instrumental note, whatever it inflates to), the QRC cipher otherwise.
fn from_hex(field: &str) -> Result<Field, Error> {
    let plain = field
        .get(..PLAIN_ZLIB_HEX.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(PLAIN_ZLIB_HEX));
    if plain {
        if field.len() < INSTRUMENTAL_NOTE_MAX_HEX {
            return Ok(Field::InstrumentalNote);
        }
        if let Ok(text) = qrc::inflate_hex(field) {
            return Ok(Field::Text(text));
        }
    }
    qrc::decrypt_hex(field)
        .map(Field::Text)
        .map_err(undecodable)
}

/// One field's text, read as `asked`; a field of the other shape is sniffed; empty stays empty.
fn decode(field: &str, asked: Asked) -> Result<Field, Error> {
    let field = field.trim();
    if field.is_empty() {
        return Ok(Field::Text(String::new()));
    }
    let hex = is_hex(field);
    match asked {
        Asked::Hex | Asked::Unknown if hex => from_hex(field),
        Asked::Base64 if hex => from_base64(field).or_else(|_| from_hex(field)),
        _ => from_base64(field),
    }
}

/// A translation or romanisation: one that cannot be read is left out (the lyric still shows).
fn secondary(data: &Value, key: &str, asked: Asked) -> String {
    match decode(&text(data, key), asked) {
        Ok(Field::Text(text)) => text,
        Ok(Field::InstrumentalNote) => String::new(),
        Err(error) => {
            tracing::warn!(field = key, %error, "QQ Music lyric field left out");
            String::new()
        }
    }
}

/// `(start,dur)` at the start of `s` → (start, dur, rest after `)`).
fn timing(s: &str) -> Option<(u64, u64, &str)> {
    let inner = s.strip_prefix('(')?;
    let (numbers, rest) = inner.split_once(')')?;
    let (start, duration) = numbers.split_once(',')?;
    Some((
        start.trim().parse().ok()?,
        duration.trim().parse().ok()?,
        rest,
    ))
}

/// QRC lines → (line start, text, words). Header tags (`[ti:…]`) are skipped. A `(` in the
/// sung text that is not a timing stays text.
pub fn parse_qrc(content: &str) -> Vec<(u64, String, Vec<LyricWord>)> {
    let mut lines = Vec::new();
    for raw in content.lines() {
        let raw = raw.trim();
        let Some(after) = raw.strip_prefix('[') else {
            continue;
        };
        let Some((head, body)) = after.split_once(']') else {
            continue;
        };
        let Some(line_start) = head
            .split_once(',')
            .and_then(|(start, _)| start.trim().parse::<u64>().ok())
        else {
            continue;
        };
        let mut words = Vec::new();
        let mut pending = String::new();
        let mut rest = body;
        while !rest.is_empty() {
            if let Some((start, duration, after)) = timing(rest) {
                words.push(LyricWord {
                    start_ms: start,
                    duration_ms: duration,
                    text: std::mem::take(&mut pending),
                });
                rest = after;
                continue;
            }
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                pending.push(c);
            }
            rest = chars.as_str();
        }
        if !pending.is_empty() {
            // Text after the last timing belongs to no word; keep it in the line.
            words.push(LyricWord {
                start_ms: words
                    .last()
                    .map_or(line_start, |w| w.start_ms.saturating_add(w.duration_ms)),
                duration_ms: 0,
                text: pending,
            });
        }
        let text: String = words.iter().map(|w| w.text.as_str()).collect();
        lines.push((line_start, text, words));
    }
    lines.sort_by_key(|(ms, _, _)| *ms);
    lines
}

/// A decoded field → timed lines: QRC when wrapped in the QRC XML, LRC otherwise.
fn timed_lines(decoded: &str) -> Vec<(u64, String, Option<Vec<LyricWord>>)> {
    match qrc::lyric_content(decoded) {
        Some(content) => parse_qrc(&content)
            .into_iter()
            .map(|(ms, text, words)| (ms, text, (!words.is_empty()).then_some(words)))
            .collect(),
        None => parse_lrc(decoded)
            .into_iter()
            .map(|(ms, text)| (ms, text, None))
            .collect(),
    }
}

/// Text-only lines for a translation or romanisation; QQ's `//` marks an untranslated line.
fn plain_lines(decoded: &str) -> Vec<(u64, String)> {
    timed_lines(decoded)
        .into_iter()
        .map(|(ms, text, _)| (ms, text))
        .filter(|(_, text)| text.trim() != "//")
        .collect()
}

/// `GetPlayLyricInfo` data of an unknown request (a legacy answer) → [`Lyrics`], each field
/// sniffed.
pub fn lyrics(data: &Value, track_id: &str) -> Result<Lyrics, Error> {
    read(data, track_id, Asked::Unknown)
}

/// `GetPlayLyricInfo` data → [`Lyrics`], the fields read as `asked`. Fails when the original
/// lyric cannot be read, or when the answer has no `lyric` field at all: a song without lyrics
/// still answers one, empty (§5.5), so its absence is a changed shape.
pub fn read(data: &Value, track_id: &str, asked: Asked) -> Result<Lyrics, Error> {
    if data.get("lyric").is_none_or(Value::is_null) {
        return Err(crate::parse::shape_changed("lyric", "lyric"));
    }
    let (original, note) = match decode(&text(data, "lyric"), asked)? {
        Field::Text(text) => (text, false),
        Field::InstrumentalNote => (String::new(), true),
    };
    let translation = plain_lines(&secondary(data, "trans", asked));
    let romanized = plain_lines(&secondary(data, "roma", asked));
    let base = timed_lines(&original);
    let instrumental = note || INSTRUMENTAL_MARKERS.iter().any(|m| original.contains(m));
    let lines = if instrumental {
        Vec::new()
    } else {
        merge(base, &translation, &romanized)
    };
    Ok(Lyrics {
        provider: ProviderId::Qq,
        track_id: track_id.to_owned(),
        instrumental,
        lines,
        source: None,
        second_source_error: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn qrc_words_with_parentheses_in_the_text() {
        let lines =
            parse_qrc("[ti:x]\n[1000,2000]Hel(1000,500)lo (feat. A)(1500,1500)\n[0,500]a(0,500)");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].0, 0);
        let (start, text, words) = &lines[1];
        assert_eq!(*start, 1000);
        assert_eq!(text, "Hello (feat. A)");
        assert_eq!(words[1].text, "lo (feat. A)");
        assert_eq!(words[1].start_ms, 1500);
        for junk in [
            "[",
            "[1,",
            "[1,2](",
            "[a,b]x(1,2)",
            "[1,2]((((",
            "[1,2]x(1,)",
        ] {
            let _ = parse_qrc(junk);
        }
    }

    #[test]
    fn encrypted_qrc_with_translation_and_romanisation() {
        let wrap = |content: &str| {
            qrc::encrypt_to_hex(&format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<QrcInfos>\n<LyricInfo LyricCount=\"1\">\n<Lyric_1 LyricType=\"1\" LyricContent=\"{content}\"/>\n</LyricInfo>\n</QrcInfos>"
            ))
        };
        let data = json!({
            "crypt": 1,
            "lyric": wrap("[ti:晴天]\n[0,1500]故(0,500)事(500,1000)\n[1500,1000]的(1500,1000)\n"),
            "trans": qrc::encrypt_to_hex("[00:00.00]the story\n[00:01.50]//\n"),
            "roma": wrap("[0,1500]gu(0,500)shi(500,1000)\n"),
        });
        let lyrics = lyrics(&data, "0039MnYb0qxYhV").unwrap();
        assert_eq!(lyrics.lines.len(), 2);
        assert_eq!(lyrics.lines[0].text, "故事");
        assert_eq!(lyrics.lines[0].translation.as_deref(), Some("the story"));
        assert_eq!(lyrics.lines[0].romanized.as_deref(), Some("gushi"));
        assert_eq!(lyrics.lines[0].words.as_ref().unwrap()[1].start_ms, 500);
        assert_eq!(lyrics.lines[1].translation, None);
        assert!(!lyrics.instrumental);
    }

    /// Times and durations at the end of u64 (and u32): saturate, never overflow (which panics
    /// in debug builds).
    #[test]
    fn extreme_times_and_durations_do_not_overflow() {
        let max = u64::MAX;
        let lines = parse_qrc(&format!(
            "[{max},{max}]词({max},{max})尾巴\n[0,{}]a(0,{})b(1,{})",
            u32::MAX,
            u32::MAX,
            u64::from(u32::MAX) * 3
        ));
        assert_eq!(lines.len(), 2);
        let (start, text, words) = &lines[0];
        assert_eq!((*start, text.as_str()), (0, "ab"));
        assert_eq!(words[0].duration_ms, u64::from(u32::MAX));
        let (start, text, words) = &lines[1];
        assert_eq!((*start, text.as_str()), (max, "词尾巴"));
        // Text after the last timing starts where that word ends: saturated at u64::MAX.
        assert_eq!(words.last().unwrap().start_ms, max);

        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let lrc = format!("{{\"t\":{max},\"c\":[{{\"tx\":\"c\"}}]}}\n[307445734561825:51.615]x\n[307445734561826:00.00]y");
        let parsed = lyrics(
            &json!({"crypt": 0, "lyric": b64(&lrc), "trans": b64(&lrc), "roma": b64(&lrc)}),
            "m",
        )
        .unwrap();
        assert_eq!(parsed.lines.len(), 2, "the stamp past u64 is dropped");
        assert!(parsed
            .lines
            .iter()
            .all(|l| l.start_ms == max && l.translation.is_some()));
    }

    fn plain_zlib_hex(text: &str) -> String {
        use std::io::Write as _;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
        encoder.write_all(text.as_bytes()).unwrap();
        let bytes = encoder.finish().unwrap();
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    /// Fidelity row 4c: the request decides, not the answer's `crypt` (missing, or wrong).
    #[test]
    fn fields_are_read_as_asked_not_as_the_answer_says() {
        let hex = qrc::encrypt_to_hex("[00:01.00]hi\n");
        for data in [
            json!({"lyric": hex, "trans": qrc::encrypt_to_hex("[00:01.00]salut")}),
            json!({"crypt": 0, "lyric": hex, "trans": qrc::encrypt_to_hex("[00:01.00]salut")}),
        ] {
            let got = read(&data, "m", Asked::Hex).unwrap();
            assert_eq!(got.lines[0].text, "hi");
            assert_eq!(got.lines[0].translation.as_deref(), Some("salut"));
            // A legacy answer (request unknown) is sniffed the same way.
            assert_eq!(lyrics(&data, "m").unwrap().lines[0].text, "hi");
        }
        // Asked for hex, sent base64: sniffed, not failed.
        let b64 = base64::engine::general_purpose::STANDARD.encode("[00:02.00]yo");
        let got = read(&json!({"crypt": 1, "lyric": b64}), "m", Asked::Hex).unwrap();
        assert_eq!(
            (got.lines[0].start_ms, got.lines[0].text.as_str()),
            (2000, "yo")
        );
        // Asked for base64, sent hex: the same.
        let got = read(&json!({"lyric": hex}), "m", Asked::Base64).unwrap();
        assert_eq!(got.lines[0].text, "hi");
    }

    /// Fidelity row 4d: the short plain-zlib note is an instrumental, never an error, whatever
    /// it inflates to (or if it does not).
    #[test]
    fn short_plain_zlib_is_the_instrumental_note() {
        let note = plain_zlib_hex("[00:00:00]此歌曲为没有填词的纯音乐，请欣赏");
        assert!(note.starts_with("789C") && note.len() < INSTRUMENTAL_NOTE_MAX_HEX);
        for lyric in [
            note.clone(),
            note.to_lowercase(),
            format!("789C{}", "00".repeat(20)),
        ] {
            let pure = read(
                &json!({"crypt": 1, "lyric": lyric, "trans": ""}),
                "m",
                Asked::Hex,
            )
            .unwrap();
            assert!(pure.instrumental && pure.lines.is_empty(), "{lyric}");
        }
        // A long plain-zlib lyric is read as text, not taken for the note.
        let long: String = (0..40)
            .map(|i| format!("[00:{i:02}.00]line {i}\n"))
            .collect();
        let hex = plain_zlib_hex(&long);
        assert!(hex.len() >= INSTRUMENTAL_NOTE_MAX_HEX);
        let got = read(&json!({"lyric": hex}), "m", Asked::Hex).unwrap();
        assert_eq!(got.lines.len(), 40);
        assert!(!got.instrumental);
    }

    /// A QRC cut short fails (so the caller can ask for the LRC form); an unreadable
    /// translation is left out rather than losing the lyric.
    #[test]
    fn unreadable_original_fails_unreadable_translation_is_dropped() {
        let qrc = qrc::encrypt_to_hex(&"[0,500]a(0,500)\n".repeat(50));
        let cut = &qrc[..qrc.len() / 2 / 16 * 16];
        let error = read(&json!({"crypt": 1, "lyric": cut}), "m", Asked::Hex).unwrap_err();
        assert_eq!(error.kind, duet_core::ErrorKind::Upstream);
        let got = read(
            &json!({"lyric": qrc::encrypt_to_hex("[00:01.00]hi"), "trans": cut}),
            "m",
            Asked::Hex,
        )
        .unwrap();
        assert_eq!(got.lines[0].text, "hi");
        assert_eq!(got.lines[0].translation, None);
    }

    #[test]
    fn base64_lrc_instrumental_and_garbage() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let plain = lyrics(
            &json!({"crypt": 0, "lyric": b64("[00:01.00]hi"), "trans": ""}),
            "m",
        )
        .unwrap();
        assert_eq!(plain.lines[0].start_ms, 1000);
        let pure = lyrics(
            &json!({"crypt": 0, "lyric": b64("[00:00.00]此歌曲为没有填词的纯音乐，请欣赏")}),
            "m",
        )
        .unwrap();
        assert!(pure.instrumental);
        assert!(pure.lines.is_empty());
        let none = lyrics(&json!({"crypt": 1, "lyric": "", "trans": ""}), "m").unwrap();
        assert!(none.lines.is_empty() && !none.instrumental);
        let bad = lyrics(&json!({"crypt": 1, "lyric": "ZZ"}), "m").unwrap_err();
        assert_eq!(bad.kind, duet_core::ErrorKind::Upstream);
    }

    #[test]
    fn an_answer_without_a_lyric_field_changed_shape() {
        for reshaped in [
            json!({"songID_v2": 97773, "crypt_v2": 1, "lyric_v2": "", "trans_v2": ""}),
            json!({"songID": 97773, "crypt": 1, "lyric": null}),
            json!({}),
        ] {
            let error = read(&reshaped, "m", Asked::Hex).unwrap_err();
            assert_eq!(error.kind, duet_core::ErrorKind::Upstream, "{reshaped}");
            assert!(error.message.contains("`lyric`"), "{}", error.message);
        }
        // A song without lyrics answers the field, empty: no lines, no error.
        let none = read(
            &json!({"songID": 97773, "crypt": 1, "lyric": "", "trans": "", "roma": ""}),
            "m",
            Asked::Hex,
        )
        .unwrap();
        assert!(none.lines.is_empty() && !none.instrumental);
    }
}
