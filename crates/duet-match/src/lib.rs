//! Finds the same recording on the other music service ("play anywhere", moving playlists
//! across): a [`score`] of how surely two tracks are one recording, from their titles taken
//! apart and normalised (widths, traditional/simplified Chinese, case, punctuation, notes in
//! brackets, guest credits), their artists, durations and albums; and hard rules that never
//! take a live take, an instrumental, a remix, a cover or a sped-up version for the original.
//!
//! How well it does is measured on a labelled set of real titles (`tests/data/pairs.csv`,
//! `tests/labelled_pairs.rs`); the figures are in the README.

mod artists;
mod fold;
mod title;

use duet_core::{Error, Provider, SearchItems, SearchQuery, SearchType, Track};
use serde::{Deserialize, Serialize};

use crate::title::{Kinds, Title};

/// A score at or above this: the same recording (played or moved without asking).
pub const SURE: f32 = 0.85;
/// A score at or above this (but below [`SURE`]): a possible alternative, shown to be chosen.
pub const UNSURE: f32 = 0.6;

/// How many results of the other service's first search page are weighed.
pub const SEARCH_PAGE_SIZE: u32 = 30;

/// A candidate and how surely it is the wanted recording.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Scored {
    pub track: Track,
    pub score: f32,
}

/// What the best of a [`rank`]ed list says about the wanted recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Confidence {
    /// The best candidate scores at least [`SURE`].
    Sure,
    /// The best candidate scores at least [`UNSURE`] but below [`SURE`].
    Unsure,
    /// No candidate scores [`UNSURE`].
    Missing,
}

// Weights of the parts of a score; the album is a bonus on top.
const TITLE_WEIGHT: f32 = 0.5;
const ARTIST_WEIGHT: f32 = 0.3;
const DURATION_WEIGHT: f32 = 0.2;
const ALBUM_BONUS: f32 = 0.05;
/// Titles less alike than this are different songs.
const TITLE_FLOOR: f32 = 0.75;
/// Durations this close (seconds) are the same recording as the services round them.
const DURATION_SAME_S: f32 = 3.0;
/// Durations further apart than this (seconds) are a different edit or take.
const DURATION_APART_S: f32 = 10.0;
/// The highest score a pair gets when one of the soft rules says "probably not".
const DOUBTFUL: f32 = SURE - 0.05;
/// The highest score a pair gets when a rule says "not the same song".
const DIFFERENT: f32 = UNSURE - 0.2;

/// How surely `candidate` is the recording `wanted` is, 0.0–1.0: at least [`SURE`] for the same
/// recording, at least [`UNSURE`] for a plausible alternative.
///
/// Hard rules (score 0): the two must be the same kinds of recording: live, instrumental
/// (伴奏, karaoke), remix (DJ), cover, altered speed (sped up, slowed, 8D), demo, each only for
/// its own kind. A different artist or a different title stays below [`UNSURE`]; versions that
/// differ in a note ("Taylor's Version", 粤语版) or in duration by more than
/// 10 seconds, and live takes from two concerts more than 3 seconds apart, stay below [`SURE`].
pub fn score(wanted: &Track, candidate: &Track) -> f32 {
    compare(&Side::of(wanted), &Side::of(candidate))
}

/// What the score reads of one track, taken apart once (a ranking reuses the wanted side).
struct Side {
    title: Title,
    artists: Vec<artists::Artist>,
    kinds: Kinds,
    /// The album's name as a key; empty when unknown.
    album: String,
    duration_ms: u64,
}

impl Side {
    fn of(track: &Track) -> Side {
        let title = title::parse(&track.title);
        let album = title::parse(&track.album.name);
        // The services list many live takes without "(Live)" in the title, on an album named
        // as a concert ("…演唱会", "Live at …").
        let mut kinds = title.kinds;
        if title::kinds_of(&fold::fold(&track.album.name)).contains(Kinds::LIVE) {
            kinds.insert(Kinds::LIVE);
        }
        Side {
            artists: artists::of(&track.artists, &title.featured),
            title,
            kinds,
            album: album.core,
            duration_ms: track.duration_ms,
        }
    }
}

fn compare(a: &Side, b: &Side) -> f32 {
    if a.kinds != b.kinds {
        return 0.0;
    }
    let title_likeness = fold::similarity(&a.title.core, &b.title.core);
    let artist_agreement = artists::agreement(&a.artists, &b.artists);

    let mut total = TITLE_WEIGHT * title_likeness + ARTIST_WEIGHT * artist_agreement;
    let mut weights = TITLE_WEIGHT + ARTIST_WEIGHT;
    let mut cap: f32 = 1.0;
    let apart = seconds_apart(a.duration_ms, b.duration_ms);
    if let Some(apart) = apart {
        let closeness = if apart <= DURATION_SAME_S {
            1.0
        } else if apart <= DURATION_APART_S {
            1.0 - 0.7 * (apart - DURATION_SAME_S) / (DURATION_APART_S - DURATION_SAME_S)
        } else {
            cap = cap.min(DOUBTFUL);
            0.0
        };
        total += DURATION_WEIGHT * closeness;
        weights += DURATION_WEIGHT;
    }
    let mut value = total / weights;
    if !a.album.is_empty() && a.album == b.album {
        value += ALBUM_BONUS;
    }
    if title_likeness < TITLE_FLOOR || artist_agreement == 0.0 {
        cap = cap.min(DIFFERENT);
    }
    if a.title.versions != b.title.versions {
        cap = cap.min(DOUBTFUL);
    }
    // A live take is one performance: takes from two concerts whose lengths differ by more than
    // a listing's rounding are two recordings, however alike their titles.
    let other_concert = a.kinds.contains(Kinds::LIVE)
        && !a.album.is_empty()
        && !b.album.is_empty()
        && a.album != b.album;
    if other_concert && apart.is_some_and(|apart| apart > DURATION_SAME_S) {
        cap = cap.min(DOUBTFUL);
    }
    value.clamp(0.0, cap)
}

/// Seconds between two durations; `None` when either is unknown (0).
fn seconds_apart(a_ms: u64, b_ms: u64) -> Option<f32> {
    if a_ms == 0 || b_ms == 0 {
        return None;
    }
    Some(a_ms.abs_diff(b_ms) as f32 / 1000.0)
}

/// The candidates that are the wanted recording or a plausible alternative (score at least
/// [`UNSURE`]), best first; equal scores keep the candidates' order (the service's relevance).
pub fn rank(wanted: &Track, candidates: impl IntoIterator<Item = Track>) -> Vec<Scored> {
    let wanted = Side::of(wanted);
    let mut ranked: Vec<Scored> = candidates
        .into_iter()
        .map(|track| Scored {
            score: compare(&wanted, &Side::of(&track)),
            track,
        })
        .filter(|s| s.score >= UNSURE)
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    ranked
}

/// What the best of `ranked` (best first, as [`rank`] returns it) says.
pub fn confidence(ranked: &[Scored]) -> Confidence {
    match ranked.first() {
        Some(best) if best.score >= SURE => Confidence::Sure,
        Some(best) if best.score >= UNSURE => Confidence::Unsure,
        _ => Confidence::Missing,
    }
}

/// What to search the other service for: the song's name without its notes and guests, its
/// first artist, and the kind of recording when it is not a plain one (so a live take's
/// search finds live takes).
pub fn search_query(wanted: &Track) -> String {
    let name = title::plain(&wanted.title);
    let mut query = if name.is_empty() {
        wanted.title.trim().to_owned()
    } else {
        name
    };
    if let Some(artist) = wanted
        .artists
        .iter()
        .flat_map(|a| artists::split(&a.name))
        .next()
    {
        query.push(' ');
        query.push_str(&artist);
    }
    let kinds = title::parse(&wanted.title).kinds;
    for (kind, word) in [
        (Kinds::LIVE, "live"),
        (Kinds::INSTRUMENTAL, "伴奏"),
        (Kinds::REMIX, "remix"),
        (Kinds::COVER, "cover"),
    ] {
        if kinds.contains(kind) {
            query.push(' ');
            query.push_str(word);
        }
    }
    query.chars().take(SearchQuery::MAX_QUERY_CHARS).collect()
}

/// Searches `other` for `wanted` (songs, the first page of [`SEARCH_PAGE_SIZE`]) and ranks what
/// it finds. `wanted` from `other` itself is `bad_request`; the search's own errors (not logged
/// in, rate limited, …) come back as they are.
pub async fn find_on(other: &dyn Provider, wanted: &Track) -> duet_core::Result<Vec<Scored>> {
    if wanted.provider == other.id() {
        return Err(Error::bad_request(format!(
            "the track is already on {}: match it on the other service",
            other.id()
        ))
        .with_provider(other.id()));
    }
    let query = SearchQuery::new(
        &search_query(wanted),
        SearchType::Track,
        1,
        SEARCH_PAGE_SIZE,
    )?;
    let page = other.search(&query).await?;
    match page.items {
        SearchItems::Track(tracks) => Ok(rank(wanted, tracks)),
        _ => Err(Error::upstream(format!(
            "{} answered a song search with other items",
            other.id()
        ))
        .with_provider(other.id())),
    }
}

#[cfg(test)]
mod tests;
