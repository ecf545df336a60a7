//! Lyrics from `GetPlayLyricInfo` (docs/protocol/qqmusic.md §5.5): with `crypt=1` every field is the
//! hex of the QRC cipher; the original is QRC (word timing, `[start,dur]word(start,dur)…`) or
//! LRC, the translation LRC, the romanisation QRC. With `crypt=0` fields are base64.

use base64::Engine as _;
use duet_core::lyrics::{merge, parse_lrc};
use duet_core::{Error, LyricWord, Lyrics, ProviderId};
use serde_json::Value;

use crate::errors::qq;
use crate::parse::{number, text};
use crate::qrc;

/// What QQ Music writes instead of lyrics for instrumentals.
const INSTRUMENTAL_MARKERS: [&str; 2] = ["此歌曲为没有填词的纯音乐", "纯音乐，请欣赏"];

/// One field's text: decrypted (`crypt=1`) or base64-decoded (`crypt=0`); empty stays empty.
fn decode(field: &str, encrypted: bool) -> Result<String, Error> {
    let field = field.trim();
    if field.is_empty() {
        return Ok(String::new());
    }
    let undecodable = |why: String| {
        qq(Error::upstream(format!(
            "QQ Music's lyrics cannot be read: {why}"
        )))
    };
    if encrypted {
        qrc::decrypt_hex(field).map_err(|e| undecodable(e.to_string()))
    } else {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(field)
            .map_err(|e| undecodable(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| undecodable(e.to_string()))
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

/// `GetPlayLyricInfo` data → [`Lyrics`].
pub fn lyrics(data: &Value, track_id: &str) -> Result<Lyrics, Error> {
    let encrypted = number(data, "crypt").unwrap_or(0) == 1;
    let original = decode(&text(data, "lyric"), encrypted)?;
    let translation = plain_lines(&decode(&text(data, "trans"), encrypted)?);
    let romanized = plain_lines(&decode(&text(data, "roma"), encrypted)?);
    let base = timed_lines(&original);
    let instrumental = INSTRUMENTAL_MARKERS.iter().any(|m| original.contains(m));
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
}
