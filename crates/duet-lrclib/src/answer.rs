//! LRCLIB's lyrics record (the answer of `/api/get`, one item of `/api/search`) and how it
//! becomes Duet's [`Lyrics`].

use duet_core::lyrics::{parse_lrc, LyricsSite, LyricsSource};
use duet_core::{LyricLine, Lyrics, Track};
use serde::Deserialize;

/// How far LRCLIB's duration may be from the track's: LRCLIB's own `/api/get` matches within
/// ±2 s, and a search result is held to the same.
pub const DURATION_TOLERANCE_S: f64 = 2.0;

/// One lyrics record as LRCLIB documents it (lrclib.net/docs). Names Duet does not read are
/// ignored; the text fields are `null` when the record has no such form.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: u64,
    #[serde(default)]
    pub track_name: String,
    #[serde(default)]
    pub artist_name: String,
    #[serde(default)]
    pub album_name: Option<String>,
    /// Seconds (a float: `233.0`, sometimes `233.5`).
    #[serde(default)]
    pub duration: Option<f64>,
    #[serde(default)]
    pub instrumental: bool,
    #[serde(default)]
    pub plain_lyrics: Option<String>,
    #[serde(default)]
    pub synced_lyrics: Option<String>,
}

impl Record {
    /// How many seconds this record's duration is from `duration_s` (unknown: infinitely far).
    pub fn distance_s(&self, duration_s: f64) -> f64 {
        self.duration
            .map_or(f64::INFINITY, |d| (d - duration_s).abs())
    }

    fn has_synced(&self) -> bool {
        self.synced_lyrics
            .as_deref()
            .is_some_and(|text| !parse_lrc(text).is_empty())
    }

    fn has_plain(&self) -> bool {
        self.plain_lyrics
            .as_deref()
            .is_some_and(|text| !text.trim().is_empty())
    }

    /// This record as the lyrics of `track`, marked as LRCLIB's; `None` when it holds nothing
    /// to show (no lines, not instrumental). Synced lyrics go through the same LRC parser as
    /// the services'; plain lyrics become untimed lines (all at 0, `synced: false`).
    pub fn into_lyrics(self, track: &Track) -> Option<Lyrics> {
        let lyrics = |instrumental, lines, synced| Lyrics {
            provider: track.provider,
            track_id: track.id.clone(),
            instrumental,
            lines,
            source: Some(LyricsSource {
                site: LyricsSite::Lrclib,
                synced,
            }),
            second_source_error: None,
        };
        if self.has_synced() {
            let lines = parse_lrc(self.synced_lyrics.as_deref().unwrap_or_default())
                .into_iter()
                .map(|(start_ms, text)| line(start_ms, text))
                .collect();
            return Some(lyrics(false, lines, true));
        }
        if self.has_plain() {
            let lines = self
                .plain_lyrics
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(|text| line(0, text.trim().to_owned()))
                .collect();
            return Some(lyrics(false, lines, false));
        }
        self.instrumental.then(|| lyrics(true, Vec::new(), false))
    }
}

fn line(start_ms: u64, text: String) -> LyricLine {
    LyricLine {
        start_ms,
        text,
        translation: None,
        romanized: None,
        words: None,
    }
}

/// The search result to use for a track of `duration_s`: within the tolerance, the closest,
/// and among equally close ones the one with synced lines, then with plain lines.
pub fn best_match(records: Vec<Record>, duration_s: f64) -> Option<Record> {
    records
        .into_iter()
        .filter(|r| r.distance_s(duration_s) <= DURATION_TOLERANCE_S)
        .filter(|r| r.has_synced() || r.has_plain() || r.instrumental)
        .min_by(|a, b| {
            let rank = |r: &Record| (!r.has_synced(), !r.has_plain());
            a.distance_s(duration_s)
                .total_cmp(&b.distance_s(duration_s))
                .then_with(|| rank(a).cmp(&rank(b)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::{AlbumRef, ArtistRef, ProviderId};

    fn track() -> Track {
        Track {
            provider: ProviderId::Qq,
            id: "001Duet".into(),
            title: "Song".into(),
            artists: vec![ArtistRef {
                id: "1".into(),
                name: "Singer".into(),
            }],
            album: AlbumRef {
                id: "2".into(),
                name: "Album".into(),
                cover_url: None,
            },
            duration_ms: 200_000,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        }
    }

    fn record(id: u64, duration: f64, synced: Option<&str>, plain: Option<&str>) -> Record {
        Record {
            id,
            track_name: "Song".into(),
            artist_name: "Singer".into(),
            album_name: None,
            duration: Some(duration),
            instrumental: false,
            plain_lyrics: plain.map(Into::into),
            synced_lyrics: synced.map(Into::into),
        }
    }

    #[test]
    fn synced_lines_are_parsed_and_marked() {
        let lyrics = record(
            1,
            200.0,
            Some("[00:01.50]one\n[00:03.00]two"),
            Some("one\ntwo"),
        )
        .into_lyrics(&track())
        .unwrap();
        assert_eq!(lyrics.provider, ProviderId::Qq);
        assert_eq!(lyrics.track_id, "001Duet");
        assert_eq!(
            lyrics.source,
            Some(LyricsSource {
                site: LyricsSite::Lrclib,
                synced: true
            })
        );
        let times: Vec<_> = lyrics
            .lines
            .iter()
            .map(|l| (l.start_ms, l.text.as_str()))
            .collect();
        assert_eq!(times, [(1500, "one"), (3000, "two")]);
    }

    #[test]
    fn plain_lyrics_are_untimed_and_an_empty_record_is_nothing() {
        let plain = record(1, 200.0, Some("  "), Some("one\r\ntwo\n"))
            .into_lyrics(&track())
            .unwrap();
        assert!(!plain.source.unwrap().synced);
        assert_eq!(plain.lines.len(), 2);
        assert!(plain.lines.iter().all(|l| l.start_ms == 0));
        assert!(record(2, 200.0, None, Some(" \n "))
            .into_lyrics(&track())
            .is_none());
    }

    #[test]
    fn the_closest_duration_wins_and_synced_breaks_ties() {
        let found = best_match(
            vec![
                record(1, 205.0, Some("[00:01.00]far"), None),
                record(2, 201.0, None, Some("plain")),
                record(3, 199.0, Some("[00:01.00]synced"), None),
                record(4, 200.5, None, None),
            ],
            200.0,
        )
        .unwrap();
        assert_eq!(found.id, 3);
        assert!(best_match(vec![record(1, 202.5, Some("[00:01.00]x"), None)], 200.0).is_none());
        assert!(best_match(Vec::new(), 200.0).is_none());
    }
}
