//! Lyrics text formats shared by the services: LRC (`[mm:ss.xx]text`, several stamps per line,
//! JSON credit lines), and the merge of an original with its translation and romanisation by
//! time stamp.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{LyricLine, LyricWord};

/// How far apart a translation's time stamp may be from its original line (some translations
/// round to centiseconds where the original has milliseconds).
const MATCH_TOLERANCE_MS: u64 = 50;

/// `[mm:ss]`, `[mm:ss.x]`, `[mm:ss.xx]`, `[mm:ss.xxx]` or `[mm:ss:xx]` → milliseconds.
pub fn parse_stamp(stamp: &str) -> Option<u64> {
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
    // A stamp past what a u64 of milliseconds holds is not a time: no line, no overflow.
    minutes
        .checked_mul(60_000)?
        .checked_add(seconds * 1000 + fraction_ms)
}

/// A JSON credit line `{"t":ms,"c":[{"tx":…},…]}` → (ms, text).
pub fn parse_credit(line: &str) -> Option<(u64, String)> {
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

/// The first non-empty text within the tolerance of `start` (lines sorted by time). Times are
/// the service's: near `u64::MAX` the window saturates instead of overflowing.
pub fn find_near(lines: &[(u64, String)], start: u64) -> Option<String> {
    let index = lines.partition_point(|(ms, _)| ms.saturating_add(MATCH_TOLERANCE_MS) < start);
    lines[index..]
        .iter()
        .take_while(|(ms, _)| *ms <= start.saturating_add(MATCH_TOLERANCE_MS))
        .map(|(_, text)| text.clone())
        .find(|text| !text.is_empty())
}

/// Lines of the original (with words when timed per word) joined with the translation and the
/// romanisation lines that start at the same moment.
pub fn merge(
    base: Vec<(u64, String, Option<Vec<LyricWord>>)>,
    translation: &[(u64, String)],
    romanized: &[(u64, String)],
) -> Vec<LyricLine> {
    base.into_iter()
        .map(|(start_ms, text, words)| LyricLine {
            translation: find_near(translation, start_ms),
            romanized: find_near(romanized, start_ms),
            start_ms,
            text,
            words,
        })
        .collect()
}

/// Where lyrics came from when the service had none: a second source with a public API,
/// asked only when the person turned it on, and named wherever its lines are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LyricsSource {
    pub site: LyricsSite,
    /// Whether the lines are timed. Plain (untimed) lyrics all start at 0 and are shown as
    /// text, with no line followed.
    pub synced: bool,
}

/// The second sources Duet knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum LyricsSite {
    /// LRCLIB (lrclib.net), an open database of synced lyrics.
    Lrclib,
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
        assert_eq!(parse_stamp("99999999:99.999"), None, "99 seconds");
        assert_eq!(parse_stamp("99999999:59.999"), Some(5_999_999_999_999));
        // u64::MAX ms is 307445734561825 min 51.615 s: one second more is not a time.
        assert_eq!(
            parse_stamp("307445734561825:51.615"),
            Some(u64::MAX),
            "the very last millisecond"
        );
        assert_eq!(parse_stamp("307445734561825:52.000"), None);
        assert_eq!(parse_stamp("307445734561826:00"), None);
    }

    #[test]
    fn times_at_the_end_of_u64_merge_without_overflow() {
        let lrc =
            "{\"t\":18446744073709551615,\"c\":[{\"tx\":\"end\"}]}\n[307445734561825:51.615]last";
        let lines = parse_lrc(lrc);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|(ms, _)| *ms == u64::MAX));
        let translation = vec![
            (u64::MAX - 10, "译".to_owned()),
            (u64::MAX, "尾".to_owned()),
        ];
        assert_eq!(find_near(&translation, u64::MAX).as_deref(), Some("译"));
        assert_eq!(find_near(&translation, 0), None);
        let merged = merge(
            vec![(u64::MAX, "x".to_owned(), None), (0, "y".to_owned(), None)],
            &translation,
            &lines,
        );
        assert_eq!(merged[0].translation.as_deref(), Some("译"));
        assert_eq!(merged[0].romanized.as_deref(), Some("end"));
        assert_eq!(merged[1].translation, None);
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

    proptest::proptest! {
        /// Any stamp and any credit time, merged with itself as translation: no overflow
        /// (which panics in debug builds), whatever the service sends.
        #[test]
        fn extreme_times_never_overflow(
            minutes in proptest::prelude::any::<u64>(),
            seconds in 0u64..100,
            fraction in 0u32..1000,
            credit in proptest::prelude::any::<u64>(),
        ) {
            let lrc = format!(
                "[{minutes}:{seconds:02}.{fraction:03}]a\n{{\"t\":{credit},\"c\":[{{\"tx\":\"b\"}}]}}"
            );
            let lines = parse_lrc(&lrc);
            let base = lines.iter().map(|(ms, t)| (*ms, t.clone(), None)).collect();
            let merged = merge(base, &lines, &lines);
            proptest::prop_assert_eq!(merged.len(), lines.len());
        }
    }

    #[test]
    fn garbage_never_panics() {
        for junk in [
            "[",
            "[]",
            "[:]",
            "[00:",
            "\u{0}[00:01.00]\u{0}",
            "{\"t\":1}",
        ] {
            let _ = parse_lrc(junk);
        }
    }
}
