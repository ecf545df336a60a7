//! Tools over a playlist's tracks, shared by the app and `duet-server`: the view's sort order,
//! the search inside it, the duplicate finder, and the M3U and CSV exports.
//!
//! Everything here is pure: the tracks come in, indices or text go out.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Playlist, Track};
use crate::share::{share_url, ShareKind, ShareTarget};

/// What a playlist's view is sorted by. `Added` is the playlist's own order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum SortKey {
    #[default]
    Added,
    Title,
    Artist,
    Album,
    Duration,
}

impl std::str::FromStr for SortKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "added" => Ok(SortKey::Added),
            "title" => Ok(SortKey::Title),
            "artist" => Ok(SortKey::Artist),
            "album" => Ok(SortKey::Album),
            "duration" => Ok(SortKey::Duration),
            other => Err(Error::bad_request(format!(
                "unknown sort {other:?}: expected added, title, artist, album or duration"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum SortOrder {
    #[default]
    Asc,
    Desc,
}

impl std::str::FromStr for SortOrder {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "asc" => Ok(SortOrder::Asc),
            "desc" => Ok(SortOrder::Desc),
            other => Err(Error::bad_request(format!(
                "unknown order {other:?}: expected asc or desc"
            ))),
        }
    }
}

/// The text a track sorts and matches by: lower-cased, so "abc" and "ABC" sit together.
fn folded(text: &str) -> String {
    text.trim().to_lowercase()
}

fn artists(track: &Track) -> String {
    track
        .artists
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The indices of `tracks` in the order of the view. Stable: equal keys keep the playlist's
/// order, in either direction; empty names sort last either way.
pub fn sorted_indices(tracks: &[Track], key: SortKey, order: SortOrder) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..tracks.len()).collect();
    let text_key = |i: usize| -> String {
        let t = &tracks[i];
        match key {
            SortKey::Title => folded(&t.title),
            SortKey::Artist => folded(&artists(t)),
            SortKey::Album => folded(&t.album.name),
            SortKey::Added | SortKey::Duration => String::new(),
        }
    };
    match key {
        SortKey::Added => {
            if order == SortOrder::Desc {
                indices.reverse();
            }
        }
        SortKey::Duration => {
            indices.sort_by(|&a, &b| {
                let ord = tracks[a].duration_ms.cmp(&tracks[b].duration_ms);
                match order {
                    SortOrder::Asc => ord,
                    SortOrder::Desc => ord.reverse(),
                }
            });
        }
        SortKey::Title | SortKey::Artist | SortKey::Album => {
            let keys: Vec<String> = indices.iter().map(|&i| text_key(i)).collect();
            indices.sort_by(|&a, &b| {
                let (ka, kb) = (&keys[a], &keys[b]);
                match (ka.is_empty(), kb.is_empty()) {
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    _ => match order {
                        SortOrder::Asc => ka.cmp(kb),
                        SortOrder::Desc => kb.cmp(ka),
                    },
                }
            });
        }
    }
    indices
}

/// Whether `track` matches a search inside a playlist: every word of `query` appears in its
/// title, its artists or its album, without regard to case. An empty query matches everything.
pub fn matches(track: &Track, query: &str) -> bool {
    let haystack = folded(&format!(
        "{}\n{}\n{}",
        track.title,
        artists(track),
        track.album.name
    ));
    query
        .split_whitespace()
        .all(|word| haystack.contains(&folded(word)))
}

/// Why tracks are grouped as duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DuplicateReason {
    /// The very same track (same service, same id) more than once.
    SameId,
    /// Different ids, but the same title and artists and a length within
    /// [`SAME_SONG_TOLERANCE_MS`]: usually the same recording on another album.
    SameSong,
}

/// How far apart two lengths may be for the tracks still to count as the same song.
pub const SAME_SONG_TOLERANCE_MS: u64 = 2_000;

/// Tracks of one playlist that are the same: indices into the playlist, in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DuplicateGroup {
    pub reason: DuplicateReason,
    pub indices: Vec<u32>,
}

/// The duplicates of a playlist: first every id seen more than once, then tracks that are the
/// same song under different ids (each id once, by its first place in the playlist).
pub fn find_duplicates(tracks: &[Track]) -> Vec<DuplicateGroup> {
    let mut groups = Vec::new();
    let mut by_id: HashMap<(crate::ProviderId, &str), Vec<usize>> = HashMap::new();
    for (i, t) in tracks.iter().enumerate() {
        by_id
            .entry((t.provider, t.id.as_str()))
            .or_default()
            .push(i);
    }
    let mut id_groups: Vec<Vec<usize>> = by_id.into_values().filter(|v| v.len() > 1).collect();
    id_groups.sort_by_key(|v| v[0]);
    for indices in id_groups {
        groups.push(DuplicateGroup {
            reason: DuplicateReason::SameId,
            indices: indices.iter().map(|&i| i as u32).collect(),
        });
    }

    // One representative per id, grouped by title and artists; within a group, lengths that
    // chain within the tolerance of the group's first are the same song.
    let mut seen_ids = std::collections::HashSet::new();
    let mut by_song: HashMap<(String, Vec<String>), Vec<usize>> = HashMap::new();
    for (i, t) in tracks.iter().enumerate() {
        if !seen_ids.insert((t.provider, t.id.as_str())) {
            continue;
        }
        let title = folded(&t.title);
        if title.is_empty() {
            continue;
        }
        let mut names: Vec<String> = t.artists.iter().map(|a| folded(&a.name)).collect();
        names.sort();
        by_song.entry((title, names)).or_default().push(i);
    }
    let mut song_groups = Vec::new();
    for candidates in by_song.into_values().filter(|v| v.len() > 1) {
        let mut sorted = candidates;
        sorted.sort_by_key(|&i| (tracks[i].duration_ms, i));
        let mut run: Vec<usize> = Vec::new();
        for i in sorted {
            let close = run.first().is_some_and(|&first| {
                tracks[i].duration_ms - tracks[first].duration_ms <= SAME_SONG_TOLERANCE_MS
            });
            if !close {
                if run.len() > 1 {
                    song_groups.push(std::mem::take(&mut run));
                }
                run.clear();
            }
            run.push(i);
        }
        if run.len() > 1 {
            song_groups.push(run);
        }
    }
    for group in &mut song_groups {
        group.sort_unstable();
    }
    song_groups.sort_by_key(|v| v[0]);
    groups.extend(song_groups.into_iter().map(|indices| DuplicateGroup {
        reason: DuplicateReason::SameSong,
        indices: indices.iter().map(|&i| i as u32).collect(),
    }));
    groups
}

/// The file formats a playlist exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ExportFormat {
    /// Extended M3U (UTF-8, `.m3u8`-safe), one entry per track.
    M3u,
    /// Comma-separated values (RFC 4180), with a header row.
    Csv,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::M3u => "m3u",
            ExportFormat::Csv => "csv",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::M3u => "audio/x-mpegurl; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "m3u" => Ok(ExportFormat::M3u),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(Error::bad_request(format!(
                "unknown export format {other:?}: expected m3u or csv"
            ))),
        }
    }
}

/// `playlist` (with its tracks) in `format`, the tracks in the order of `indices` (all of
/// them in the playlist's order when `None`).
pub fn export(
    playlist: &Playlist,
    format: ExportFormat,
    indices: Option<&[usize]>,
) -> Result<String> {
    let tracks = playlist.tracks.as_deref().ok_or_else(|| {
        Error::bad_request("the playlist was given without its tracks; nothing to export")
    })?;
    let ordered: Vec<&Track> = match indices {
        Some(indices) => indices.iter().filter_map(|&i| tracks.get(i)).collect(),
        None => tracks.iter().collect(),
    };
    Ok(match format {
        ExportFormat::M3u => to_m3u(playlist, &ordered),
        ExportFormat::Csv => to_csv(&ordered),
    })
}

/// A line of M3U text: no line breaks (they would start a new entry) and no control characters.
fn m3u_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn track_link(track: &Track) -> String {
    share_url(&ShareTarget {
        provider: track.provider,
        kind: ShareKind::Track,
        id: track.id.clone(),
    })
}

/// Extended M3U. Each entry points at the track's page on its service (the canonical share
/// link), not at an audio file: the services' stream URLs expire within hours, so an export
/// with them would be dead by tomorrow. Players that cannot open those pages still read the
/// titles and lengths.
fn to_m3u(playlist: &Playlist, tracks: &[&Track]) -> String {
    let mut out = String::from("#EXTM3U\n");
    let _ = writeln!(out, "#PLAYLIST:{}", m3u_text(&playlist.name));
    for t in tracks {
        let seconds = t.duration_ms.div_ceil(1000);
        let _ = writeln!(
            out,
            "#EXTINF:{seconds},{} - {}",
            m3u_text(&artists(t)),
            m3u_text(&t.title)
        );
        let _ = writeln!(out, "#EXTALB:{}", m3u_text(&t.album.name));
        let _ = writeln!(out, "{}", track_link(t));
    }
    out
}

/// One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled), and
/// with a leading `'` when it starts like a formula (`=`, `+`, `-`, `@`, tab, CR), so a
/// spreadsheet shows a hostile name as text rather than running it.
fn csv_field(text: &str) -> String {
    let guarded = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

const CSV_HEADER: &str = "service,id,title,artists,album,duration_ms,duration,link";

fn to_csv(tracks: &[&Track]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for t in tracks {
        let seconds = t.duration_ms / 1000;
        let fields = [
            t.provider.as_str().to_owned(),
            t.id.clone(),
            t.title.clone(),
            artists(t),
            t.album.name.clone(),
            t.duration_ms.to_string(),
            format!("{}:{:02}", seconds / 60, seconds % 60),
            track_link(t),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A file name for an export of `playlist`: its name without characters file systems refuse
/// or that would leave the folder, never empty, at most 80 characters.
pub fn export_file_name(playlist: &Playlist, format: ExportFormat) -> String {
    let cleaned: String = playlist
        .name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let stem = if cleaned.is_empty() {
        format!("playlist-{}", playlist.provider)
    } else {
        cleaned.to_owned()
    };
    format!("{stem}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AlbumRef, ArtistRef, ProviderId, UserRef};

    const HOSTILE: &str = "<img src=x onerror=alert(1)> \"; DROP TABLE --\u{0} 🎵";

    fn track(id: &str, title: &str, artist: &str, album: &str, duration_ms: u64) -> Track {
        Track {
            provider: ProviderId::Netease,
            id: id.into(),
            title: title.into(),
            artists: artist
                .split(" & ")
                .filter(|s| !s.is_empty())
                .map(|name| ArtistRef {
                    id: "1".into(),
                    name: name.into(),
                })
                .collect(),
            album: AlbumRef {
                id: "1".into(),
                name: album.into(),
                cover_url: None,
            },
            duration_ms,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        }
    }

    fn playlist(name: &str, tracks: Vec<Track>) -> Playlist {
        Playlist {
            provider: ProviderId::Netease,
            id: "1".into(),
            name: name.into(),
            cover_url: None,
            creator: UserRef {
                id: "1".into(),
                name: "me".into(),
                avatar_url: None,
            },
            track_count: tracks.len() as u64,
            description: None,
            liked: false,
            tracks: Some(tracks),
        }
    }

    fn sample() -> Vec<Track> {
        vec![
            track("1", "晴天", "周杰伦", "叶惠美", 269_000),
            track("2", "alpha", "Zed", "b", 100_000),
            track("3", "Beta", "anna", "", 300_000),
            track("4", "", "", "a", 100_000),
        ]
    }

    #[test]
    fn sorts_by_every_key_stably_with_empty_names_last() {
        let t = sample();
        use SortKey::*;
        use SortOrder::*;
        assert_eq!(sorted_indices(&t, Added, Asc), [0, 1, 2, 3]);
        assert_eq!(sorted_indices(&t, Added, Desc), [3, 2, 1, 0]);
        assert_eq!(sorted_indices(&t, Title, Asc), [1, 2, 0, 3]);
        assert_eq!(sorted_indices(&t, Title, Desc), [0, 2, 1, 3]);
        assert_eq!(sorted_indices(&t, Artist, Asc), [2, 1, 0, 3]);
        assert_eq!(sorted_indices(&t, Album, Asc), [3, 1, 0, 2]);
        // Equal lengths keep the playlist's order both ways.
        assert_eq!(sorted_indices(&t, Duration, Asc), [1, 3, 0, 2]);
        assert_eq!(sorted_indices(&t, Duration, Desc), [2, 0, 1, 3]);
        assert!(sorted_indices(&[], Title, Asc).is_empty());
        assert_eq!("title".parse::<SortKey>().unwrap(), Title);
        assert!("rating".parse::<SortKey>().is_err());
        assert!("up".parse::<SortOrder>().is_err());
    }

    #[test]
    fn matches_every_word_anywhere_without_case() {
        let t = track("1", "Love Story", "Taylor Swift", "Fearless", 1);
        assert!(matches(&t, ""));
        assert!(matches(&t, "love"));
        assert!(matches(&t, "SWIFT fearless"));
        assert!(!matches(&t, "love hate"));
        let hostile = track("2", HOSTILE, HOSTILE, HOSTILE, 1);
        assert!(matches(&hostile, "<img"));
        assert!(matches(&hostile, "drop 🎵"));
        assert!(matches(&sample()[0], "周杰伦 晴天"));
    }

    #[test]
    fn finds_the_same_id_and_the_same_song_within_two_seconds() {
        let tracks = vec![
            track("1", "Song", "A & B", "x", 200_000),
            track("2", "song ", "B & A", "y", 201_500),
            track("1", "Song", "A & B", "x", 200_000),
            track("3", "Song", "A & B", "live", 260_000),
            track("4", "Other", "A", "x", 200_000),
            track("5", "Song", "A & B", "z", 202_900),
            track("6", "", "", "", 1),
            track("7", "", "", "", 1),
        ];
        let groups = find_duplicates(&tracks);
        assert_eq!(
            groups,
            vec![
                DuplicateGroup {
                    reason: DuplicateReason::SameId,
                    indices: vec![0, 2]
                },
                DuplicateGroup {
                    reason: DuplicateReason::SameSong,
                    indices: vec![0, 1]
                },
            ],
            "5 is 2.9 s from the first of its run; 3 is a live take; untitled tracks are not songs"
        );
        // Same id on another service is another track.
        let mut qq = tracks[0].clone();
        qq.provider = ProviderId::Qq;
        qq.title = "different".into();
        assert!(find_duplicates(&[tracks[0].clone(), qq]).is_empty());
        assert!(find_duplicates(&[]).is_empty());
    }

    #[test]
    fn m3u_keeps_hostile_names_on_one_line_and_points_at_pages() {
        let mut t = track(
            "186016",
            "Line\nbreak\r#EXTINF:1,evil",
            HOSTILE,
            "a,b",
            269_001,
        );
        t.album.name = "al\u{0}bum".into();
        let text = export(&playlist("My\nlist", vec![t]), ExportFormat::M3u, None).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            vec![
                "#EXTM3U",
                "#PLAYLIST:My list",
                "#EXTINF:270,<img src=x onerror=alert(1)> \"; DROP TABLE --  🎵 - Line break #EXTINF:1,evil",
                "#EXTALB:al bum",
                "https://music.163.com/song?id=186016",
            ]
        );
    }

    #[test]
    fn csv_quotes_and_defuses_hostile_fields() {
        let tracks = vec![
            track(
                "1",
                "a \"quoted\", title",
                "=HYPERLINK(\"x\")",
                "multi\nline",
                61_000,
            ),
            track("2", HOSTILE, "+1", "@SUM(A1)", 5_000),
        ];
        let text = export(&playlist("p", tracks), ExportFormat::Csv, Some(&[1, 0, 9])).unwrap();
        let rows: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(rows[0], CSV_HEADER);
        assert_eq!(
            rows[1],
            "netease,2,\"<img src=x onerror=alert(1)> \"\"; DROP TABLE --\u{0} 🎵\",'+1,'@SUM(A1),5000,0:05,https://music.163.com/song?id=2"
        );
        assert_eq!(
            rows[2],
            "netease,1,\"a \"\"quoted\"\", title\",\"'=HYPERLINK(\"\"x\"\")\",\"multi\nline\",61000,1:01,https://music.163.com/song?id=1"
        );
        assert_eq!(
            rows[3], "",
            "every row ends with CRLF; index 9 does not exist"
        );
        assert_eq!(rows.len(), 4);
        let mut no_tracks = playlist("p", vec![]);
        no_tracks.tracks = None;
        assert_eq!(
            export(&no_tracks, ExportFormat::Csv, None)
                .unwrap_err()
                .kind,
            crate::ErrorKind::BadRequest
        );
    }

    #[test]
    fn export_file_names_stay_in_their_folder() {
        let name = |n: &str| export_file_name(&playlist(n, vec![]), ExportFormat::M3u);
        assert_eq!(name("晴天 / 雨天"), "晴天 _ 雨天.m3u");
        assert_eq!(name("../../etc/passwd"), "_.._etc_passwd.m3u");
        assert_eq!(name("..."), "playlist-netease.m3u");
        assert_eq!(name(""), "playlist-netease.m3u");
        assert_eq!(
            name(HOSTILE),
            "_img src=x onerror=alert(1)_ _; DROP TABLE --_ 🎵.m3u"
        );
        assert_eq!(name(&"x".repeat(300)).chars().count(), 84);
        assert_eq!(
            export_file_name(&playlist("a", vec![]), ExportFormat::Csv),
            "a.csv"
        );
    }
}
