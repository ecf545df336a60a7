//! Lyrics: LRC (`[mm:ss.xx]text`, several stamps per line allowed), JSON credit lines, and yrc
//! word timing (`[lineStart,lineDur](wordStart,wordDur,0)word…`), merged into one line list with
//! translation and romanisation attached (protocol/netease.md §7.6).

use duet_core::{LyricLine, LyricWord, Lyrics, ProviderId};
use serde_json::Value;

/// How far apart a translation's time stamp may be from its original line (some translations
/// round to centiseconds where the original has milliseconds).
const MATCH_TOLERANCE_MS: u64 = 50;

/// `[mm:ss]`, `[mm:ss.x]`, `[mm:ss.xx]`, `[mm:ss.xxx]` or `[mm:ss:xx]` → milliseconds.
fn parse_stamp(stamp: &str) -> Option<u64> {
    let (minutes, rest) = stamp.split_once(':')?;
    let minutes: u64 = minutes.trim().parse().ok()?;
    let (seconds, fraction) = match rest.split_once(['.', ':']) {
        Some((s, f)) => (s, f),
        None => (rest, ""),
    };
    let seconds: u64 = seconds.trim().parse().ok()?;
    if seconds >= 60 || !fraction.chars().all(|c| c.is_ascii_digit()) || fraction.len() > 3 {
        return None;
    }
    let fraction_ms = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u64>().ok()? * 100,
        2 => fraction.parse::<u64>().ok()? * 10,
        _ => fraction.parse::<u64>().ok()?,
    };
    Some(minutes.checked_mul(60_000)? + seconds * 1000 + fraction_ms)
}

/// A JSON credit line `{"t":ms,"c":[{"tx":…},…]}` → (ms, text).
fn parse_credit(line: &str) -> Option<(u64, String)> {
    let value: Value = serde_json::from_str(line).ok()?;
    let start = value.get("t")?.as_u64()?;
    let text: String = value
        .get("c")?
        .as_array()?
        .iter()
        .filter_map(|part| part.get("tx").and_then(Value::as_str))
        .collect();
    Some((start, text))
}

/// Parses LRC into (start_ms, text), sorted by time. Metadata tags (`[ar:…]`, `[by:…]`) and lines
/// without a stamp are dropped.
pub fn parse_lrc(lrc: &str) -> Vec<(u64, String)> {
    let mut lines = Vec::new();
    for raw in lrc.lines() {
        let raw = raw.trim_end_matches('\r');
        if raw.trim_start().starts_with('{') {
            if let Some(credit) = parse_credit(raw.trim()) {
                lines.push(credit);
            }
            continue;
        }
        let mut rest = raw;
        let mut stamps = Vec::new();
        while let Some(after) = rest.strip_prefix('[') {
            let Some((tag, tail)) = after.split_once(']') else {
                break;
            };
            match parse_stamp(tag) {
                Some(ms) => stamps.push(ms),
                None if stamps.is_empty() => break,
                None => break,
            }
            rest = tail;
        }
        let text = rest.trim();
        for ms in stamps {
            lines.push((ms, text.to_owned()));
        }
    }
    lines.sort_by_key(|(ms, _)| *ms);
    lines
}

/// Parses yrc into lines with their words.
pub fn parse_yrc(yrc: &str) -> Vec<(u64, String, Vec<LyricWord>)> {
    let mut lines = Vec::new();
    for raw in yrc.lines() {
        let raw = raw.trim();
        if raw.starts_with('{') {
            if let Some((start, text)) = parse_credit(raw) {
                lines.push((start, text, Vec::new()));
            }
            continue;
        }
        let Some(after) = raw.strip_prefix('[') else {
            continue;
        };
        let Some((head, mut rest)) = after.split_once(']') else {
            continue;
        };
        let Some(line_start) = head.split(',').next().and_then(|s| s.trim().parse().ok()) else {
            continue;
        };
        let mut words = Vec::new();
        while let Some(after) = rest.strip_prefix('(') {
            let Some((timing, tail)) = after.split_once(')') else {
                break;
            };
            let mut numbers = timing.split(',').map(|n| n.trim().parse::<u64>());
            let (Some(Ok(start)), Some(Ok(duration))) = (numbers.next(), numbers.next()) else {
                break;
            };
            let end = tail.find('(').unwrap_or(tail.len());
            words.push(LyricWord {
                start_ms: start,
                duration_ms: duration,
                text: tail[..end].to_owned(),
            });
            rest = &tail[end..];
        }
        let text: String = words.iter().map(|w| w.text.as_str()).collect();
        lines.push((line_start, text, words));
    }
    lines.sort_by_key(|(ms, _, _)| *ms);
    lines
}

fn find_near(lines: &[(u64, String)], start: u64) -> Option<String> {
    let index = lines.partition_point(|(ms, _)| *ms + MATCH_TOLERANCE_MS < start);
    lines[index..]
        .iter()
        .take_while(|(ms, _)| *ms <= start + MATCH_TOLERANCE_MS)
        .map(|(_, text)| text.clone())
        .find(|text| !text.is_empty())
}

fn lyric_text<'a>(body: &'a Value, key: &str) -> &'a str {
    body.pointer(&format!("/{key}/lyric"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `/api/song/lyric` or `/api/song/lyric/v1` → [`Lyrics`].
pub fn lyrics(body: &Value, track_id: &str) -> Lyrics {
    let translation = parse_lrc(lyric_text(body, "tlyric"));
    let romanized = parse_lrc(lyric_text(body, "romalrc"));
    let yrc = parse_yrc(lyric_text(body, "yrc"));
    let base: Vec<(u64, String, Option<Vec<LyricWord>>)> =
        if yrc.iter().any(|(_, _, w)| !w.is_empty()) {
            yrc.into_iter()
                .map(|(ms, text, words)| (ms, text, (!words.is_empty()).then_some(words)))
                .collect()
        } else {
            parse_lrc(lyric_text(body, "lrc"))
                .into_iter()
                .map(|(ms, text)| (ms, text, None))
                .collect()
        };
    let lines: Vec<LyricLine> = base
        .into_iter()
        .map(|(start_ms, text, words)| LyricLine {
            translation: find_near(&translation, start_ms),
            romanized: find_near(&romanized, start_ms),
            start_ms,
            text,
            words,
        })
        .collect();
    let flagged = body.get("nolyric").and_then(Value::as_bool) == Some(true);
    Lyrics {
        provider: ProviderId::Netease,
        track_id: track_id.to_owned(),
        instrumental: flagged
            || (lines.is_empty() && body.get("pureMusic") == Some(&Value::Bool(true))),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_in_every_precision() {
        assert_eq!(parse_stamp("00:40.68"), Some(40_680));
        assert_eq!(parse_stamp("01:02.5"), Some(62_500));
        assert_eq!(parse_stamp("00:00.000"), Some(0));
        assert_eq!(parse_stamp("10:00"), Some(600_000));
        assert_eq!(parse_stamp("00:01:50"), Some(1_500));
        assert_eq!(parse_stamp("ar:Eve"), None);
        assert_eq!(parse_stamp("00:75.00"), None);
        assert_eq!(parse_stamp("99999999999999999999:00"), None);
    }

    #[test]
    fn lrc_with_repeats_tags_and_credits() {
        let lines = parse_lrc(
            "[ar:someone]\n[by:x]\n{\"t\":0,\"c\":[{\"tx\":\"作词: \"},{\"tx\":\"Eve\"}]}\n[00:05.00][00:01.00]chorus\r\n[00:03.000]verse\nno stamp\n[bad",
        );
        assert_eq!(
            lines,
            vec![
                (0, "作词: Eve".to_owned()),
                (1000, "chorus".to_owned()),
                (3000, "verse".to_owned()),
                (5000, "chorus".to_owned()),
            ]
        );
    }

    #[test]
    fn yrc_words() {
        let excerpt = include_str!("../../../testdata/fixtures/netease/lyric_new.yrc_excerpt.txt");
        let lines = parse_yrc(excerpt);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].1, "作曲: 柳重言");
        let (start, text, words) = &lines[3];
        assert_eq!(*start, 16210);
        assert_eq!(
            words[0],
            LyricWord {
                start_ms: 16210,
                duration_ms: 670,
                text: "还".into()
            }
        );
        assert_eq!(words[1].start_ms, 16880);
        assert!(text.starts_with("还没"));
    }

    #[test]
    fn garbage_never_panics() {
        for junk in [
            "[",
            "[]",
            "[:]",
            "[00:",
            "[0,](",
            "[1,2](3",
            "[1,2](a,b,c)x",
            "(((",
            "\u{0}[00:01.00]\u{0}",
            "[1,2](1,2,0)",
            "{\"t\":1}",
        ] {
            let _ = parse_lrc(junk);
            let _ = parse_yrc(junk);
        }
    }
}
