//! Lyrics: LRC (`[mm:ss.xx]text`, several stamps per line allowed), JSON credit lines, and yrc
//! word timing (`[lineStart,lineDur](wordStart,wordDur,0)word…`), merged into one line list with
//! translation and romanisation attached (docs/protocol/netease.md §7.6).

use duet_core::lyrics::{merge, parse_credit, parse_lrc};
use duet_core::{LyricWord, Lyrics, ProviderId, Result};
use serde_json::Value;

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

fn lyric_text<'a>(body: &'a Value, key: &str) -> &'a str {
    body.pointer(&format!("/{key}/lyric"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The fields one of which every lyric answer carries (§7.6): the lyric itself, or the flag
/// that says there is none (`nolyric`, `uncollected`, `pureMusic`).
const LYRIC_ANSWER_FIELDS: [&str; 5] = ["lrc", "yrc", "nolyric", "uncollected", "pureMusic"];

/// `/api/song/lyric` or `/api/song/lyric/v1` → [`Lyrics`]. An answer with neither a lyric nor
/// a flag saying there is none changed shape: `upstream`, not a song without lines.
pub fn lyrics(body: &Value, track_id: &str) -> Result<Lyrics> {
    if !LYRIC_ANSWER_FIELDS
        .iter()
        .any(|key| body.get(key).is_some_and(|v| !v.is_null()))
    {
        return Err(crate::errors::netease(duet_core::Error::upstream(
            "NetEase's lyric answer has neither `lrc` nor a `nolyric`/`uncollected` flag: \
             its shape changed",
        )));
    }
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
    let lines = merge(base, &translation, &romanized);
    // `nolyric`: nothing to show. `pureMusic`: an instrumental whose `lrc` holds only a
    // placeholder line ("纯音乐，请欣赏") or credits; the references show none of it
    // (docs/protocol/fidelity-2026-12.md row N6).
    let instrumental = flag(body, "nolyric") || flag(body, "pureMusic");
    Ok(Lyrics {
        provider: ProviderId::Netease,
        track_id: track_id.to_owned(),
        instrumental,
        lines: if instrumental { Vec::new() } else { lines },
        source: None,
        second_source_error: None,
    })
}

fn flag(body: &Value, key: &str) -> bool {
    body.get(key).and_then(Value::as_bool) == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn pure_music_is_instrumental_whatever_its_lrc_holds() {
        let placeholder = serde_json::json!({
            "sgc": false, "sfy": false, "qfy": false, "needDesc": true, "pureMusic": true,
            "lrc": {"version": 1, "lyric": "[00:05.00]纯音乐，请欣赏\n"}, "code": 200,
            "briefDesc": null,
        });
        let lyrics = lyrics(&placeholder, "1").unwrap();
        assert!(lyrics.instrumental);
        assert!(lyrics.lines.is_empty(), "{:?}", lyrics.lines);
        let bare = lyrics_of(r#"{"code":200,"pureMusic":true}"#);
        assert!(bare.instrumental && bare.lines.is_empty());
        let sung = lyrics_of(r#"{"code":200,"pureMusic":false,"lrc":{"lyric":"[00:01.00]a"}}"#);
        assert!(!sung.instrumental);
        assert_eq!(sung.lines.len(), 1);
        let nolyric = lyrics_of(r#"{"code":200,"nolyric":true}"#);
        assert!(nolyric.instrumental);
    }

    fn lyrics_of(json: &str) -> Lyrics {
        lyrics(&serde_json::from_str(json).unwrap(), "1").unwrap()
    }

    #[test]
    fn an_answer_without_lyric_or_flag_changed_shape() {
        for reshaped in [
            r#"{"code":200,"sgc_v2":false,"lrc_v2":{"lyric_v2":"[00:01.00]a"}}"#,
            r#"{"code":200}"#,
            r#"{"code":200,"lrc":null}"#,
        ] {
            let error = lyrics(&serde_json::from_str(reshaped).unwrap(), "1").unwrap_err();
            assert_eq!(error.kind, duet_core::ErrorKind::Upstream, "{reshaped}");
            assert!(error.message.contains("`lrc`"), "{}", error.message);
        }
        // A song nobody has written lyrics for yet: no lines, and no error.
        let uncollected =
            lyrics_of(r#"{"sgc":true,"sfy":false,"qfy":false,"uncollected":true,"code":200}"#);
        assert!(uncollected.lines.is_empty() && !uncollected.instrumental);
        let empty = lyrics_of(r#"{"code":200,"lrc":{"version":0,"lyric":""}}"#);
        assert!(empty.lines.is_empty() && !empty.instrumental);
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
