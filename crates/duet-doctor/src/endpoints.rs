//! Each read endpoint of each service, under the stored session (anonymous where there is
//! none): answered? parsed? how long? A search finds the track and the playlist the other
//! rows read; when it finds none, a sample the service is known to have is read instead.

use std::sync::Arc;
use std::time::{Duration, Instant};

use duet_core::{
    Error, ErrorKind, Provider, ProviderId, Quality, SearchItems, SearchQuery, SearchType,
};

use crate::Outcome;

/// What a row reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// The logged-in user (whether the service still accepts the stored session).
    Session,
    SearchTracks,
    SearchPlaylists,
    Track,
    Lyrics,
    Playlist,
    StreamUrl,
    /// The read track's album, with its tracks.
    Album,
    /// The read track's (first) artist, and the first page of their albums.
    Artist,
}

impl Probe {
    pub fn label(self) -> &'static str {
        match self {
            Probe::Session => "session",
            Probe::SearchTracks => "search tracks",
            Probe::SearchPlaylists => "search playlists",
            Probe::Track => "track detail",
            Probe::Lyrics => "lyrics",
            Probe::Playlist => "playlist",
            Probe::StreamUrl => "stream URL",
            Probe::Album => "album",
            Probe::Artist => "artist",
        }
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Answered and read into the model: a one-line summary of it.
    Parsed(String),
    /// Not answered, not understood, or refused: the typed error.
    Failed(Error),
    /// Not asked, and why (no login for an endpoint that needs one).
    Skipped(String),
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct EndpointRow {
    pub provider: ProviderId,
    pub probe: Probe,
    /// Whether a stored session was used.
    pub logged_in: bool,
    pub elapsed: Duration,
    pub answer: Answer,
    /// What else the doctor knows about it (QQ Music's session: when its key runs out).
    pub note: Option<String>,
}

impl EndpointRow {
    pub fn outcome(&self) -> Outcome {
        match self.answer {
            Answer::Parsed(_) => Outcome::Ok,
            Answer::Skipped(_) => Outcome::Skipped,
            Answer::Failed(_) => Outcome::Fail,
        }
    }

    /// Whether the service answered at all (`None`: not asked).
    pub fn answered(&self) -> Option<bool> {
        match &self.answer {
            Answer::Parsed(_) => Some(true),
            Answer::Failed(e) => Some(e.kind != ErrorKind::Network),
            Answer::Skipped(_) => None,
        }
    }

    /// Whether its answer was understood: `Upstream` is the kind of an answer that could not be
    /// read (a changed shape, an unknown code); a refusal the provider recognised (risk
    /// control, an expired session, no rights) was understood.
    pub fn parsed(&self) -> Option<bool> {
        match &self.answer {
            Answer::Parsed(_) => Some(true),
            Answer::Failed(e) if e.kind == ErrorKind::Network => None,
            Answer::Failed(e) => Some(e.kind != ErrorKind::Upstream),
            Answer::Skipped(_) => None,
        }
    }
}

/// A track and a playlist each service has, read when the search finds none (the captured
/// fixtures' 晴天 and playlists, which the fake serves too).
fn sample_track(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Netease => "186016",
        ProviderId::Qq => "0039MnYb0qxYhV",
    }
}

/// An album and an artist each service has (叶惠美 and 周杰伦 on QQ Music, 拾 and 张杰 on
/// NetEase, from the captured fixtures), read when no track was read to take them from.
fn sample_album_and_artist(provider: ProviderId) -> (&'static str, &'static str) {
    match provider {
        ProviderId::Netease => ("3275171", "6472"),
        ProviderId::Qq => ("000MkMni19ClKG", "0025NhlN2yWrP4"),
    }
}

fn sample_playlist(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Netease => "131149308",
        ProviderId::Qq => "211111",
    }
}

/// Every provider's rows, the providers at the same time, in the order given.
pub async fn run(providers: &[Arc<dyn Provider>], query: &str) -> Vec<EndpointRow> {
    let mut tasks = Vec::new();
    for provider in providers {
        let provider = provider.clone();
        let query = query.to_owned();
        tasks.push(tokio::spawn(async move {
            rows_of(provider.as_ref(), &query).await
        }));
    }
    let mut rows = Vec::new();
    for task in tasks {
        // A provider that panicked leaves no rows rather than taking the report down.
        if let Ok(mut provider_rows) = task.await {
            rows.append(&mut provider_rows);
        }
    }
    rows
}

async fn rows_of(provider: &dyn Provider, query: &str) -> Vec<EndpointRow> {
    let id = provider.id();
    let logged_in = provider.has_session().await;
    let mut rows = Vec::new();
    let mut row = |probe: Probe, elapsed: Duration, answer: Answer| {
        // An endpoint that needs a login, asked without one, was not really checked.
        let answer = match answer {
            Answer::Failed(e) if !logged_in && e.kind == ErrorKind::NotLoggedIn => {
                Answer::Skipped("needs a login".into())
            }
            other => other,
        };
        rows.push(EndpointRow {
            provider: id,
            probe,
            logged_in,
            elapsed,
            answer,
            note: None,
        });
    };

    if logged_in {
        let (elapsed, answer) = timed(provider.profile()).await;
        row(
            Probe::Session,
            elapsed,
            summarise(answer, |p| {
                format!("{}{}", text(&p.nickname), if p.vip { ", VIP" } else { "" })
            }),
        );
    } else {
        row(
            Probe::Session,
            Duration::ZERO,
            Answer::Skipped("no stored session: the rows below are anonymous".into()),
        );
    }

    let mut track_id = None;
    match SearchQuery::new(query, SearchType::Track, 1, 10) {
        Ok(search) => {
            let (elapsed, answer) = timed(provider.search(&search)).await;
            if let Ok(page) = &answer {
                if let SearchItems::Track(tracks) = &page.items {
                    track_id = tracks.first().map(|t| t.id.clone());
                }
            }
            row(
                Probe::SearchTracks,
                elapsed,
                summarise(answer, |page| match &page.items {
                    SearchItems::Track(tracks) => match tracks.first() {
                        Some(first) => format!(
                            "{} of {}; first: {}",
                            tracks.len(),
                            page.total,
                            track_name(&first.title, &first.artists)
                        ),
                        None => format!("no tracks for {}", text(query)),
                    },
                    _ => "not a list of tracks".into(),
                }),
            );
        }
        Err(e) => row(Probe::SearchTracks, Duration::ZERO, Answer::Failed(e)),
    }

    let mut playlist_id = None;
    if let Ok(search) = SearchQuery::new(query, SearchType::Playlist, 1, 10) {
        let (elapsed, answer) = timed(provider.search(&search)).await;
        if let Ok(page) = &answer {
            if let SearchItems::Playlist(playlists) = &page.items {
                playlist_id = playlists.first().map(|p| p.id.clone());
            }
        }
        row(
            Probe::SearchPlaylists,
            elapsed,
            summarise(answer, |page| match &page.items {
                SearchItems::Playlist(playlists) => match playlists.first() {
                    Some(first) => format!(
                        "{} of {}; first: {}",
                        playlists.len(),
                        page.total,
                        text(&first.name)
                    ),
                    None => format!("no playlists for {}", text(query)),
                },
                _ => "not a list of playlists".into(),
            }),
        );
    }

    let (track_id, track_note) = match track_id {
        Some(found) => (found, ""),
        None => (
            sample_track(id).to_owned(),
            " (a sample: no track found to read)",
        ),
    };
    let (elapsed, answer) = timed(provider.track(&track_id)).await;
    let (album_id, artist_id) = match &answer {
        Ok(t) => (
            Some(t.album.id.clone()).filter(|id| !id.is_empty()),
            t.artists
                .first()
                .map(|a| a.id.clone())
                .filter(|id| !id.is_empty()),
        ),
        Err(_) => (None, None),
    };
    row(
        Probe::Track,
        elapsed,
        summarise(answer, |t| {
            format!(
                "{}, {}{}{track_note}",
                track_name(&t.title, &t.artists),
                minutes(t.duration_ms),
                if t.playable { "" } else { ", not playable" }
            )
        }),
    );

    let (elapsed, answer) = timed(provider.lyrics(&track_id)).await;
    row(
        Probe::Lyrics,
        elapsed,
        summarise(answer, |l| {
            if l.instrumental {
                "instrumental".into()
            } else {
                let translated = l.lines.iter().filter(|x| x.translation.is_some()).count();
                let timed_words = l.lines.iter().filter(|x| x.words.is_some()).count();
                format!(
                    "{} lines, {translated} translated, {timed_words} word-timed",
                    l.lines.len()
                )
            }
        }),
    );

    let (playlist_id, playlist_note) = match playlist_id {
        Some(found) => (found, ""),
        None => (
            sample_playlist(id).to_owned(),
            " (a sample: no playlist found to read)",
        ),
    };
    let (elapsed, answer) = timed(provider.playlist(&playlist_id)).await;
    row(
        Probe::Playlist,
        elapsed,
        summarise(answer, |p| {
            format!(
                "{}: {} of {} tracks{playlist_note}",
                text(&p.name),
                p.tracks.as_ref().map_or(0, Vec::len),
                p.track_count
            )
        }),
    );

    let (elapsed, answer) = timed(provider.stream_url(&track_id, Quality::Standard)).await;
    row(
        Probe::StreamUrl,
        elapsed,
        // Not the URL itself: it carries the service's access key for the file.
        summarise(answer, |s| {
            let mut out = s.format.clone();
            if let Some(bitrate) = s.bitrate {
                out.push_str(&format!(" {} kbps", bitrate / 1000));
            }
            if let Some(size) = s.size {
                out.push_str(&format!(", {:.1} MB", size as f64 / 1_000_000.0));
            }
            if s.trial.is_some() {
                out.push_str(", a preview only");
            }
            out
        }),
    );

    let (sample_album, sample_artist) = sample_album_and_artist(id);
    const SAMPLE: &str = " (a sample: no track read to take it from)";
    let (album_id, album_note) = match album_id {
        Some(found) => (found, ""),
        None => (sample_album.to_owned(), SAMPLE),
    };
    let (elapsed, answer) = timed(provider.album(&album_id)).await;
    row(
        Probe::Album,
        elapsed,
        summarise(answer, |a| {
            format!(
                "{}: {} tracks{album_note}",
                text(&a.name),
                a.tracks.as_ref().map_or(0, Vec::len)
            )
        }),
    );
    let (artist_id, artist_note) = match artist_id {
        Some(found) => (found, ""),
        None => (sample_artist.to_owned(), SAMPLE),
    };
    let started = Instant::now();
    let answer = match provider.artist(&artist_id).await {
        Ok(page) => provider
            .artist_albums(&artist_id, 1)
            .await
            .map(|albums| (page, albums)),
        Err(e) => Err(e),
    };
    row(
        Probe::Artist,
        started.elapsed(),
        summarise(answer, |(page, albums)| {
            format!(
                "{}: {} top tracks, {} of {} albums, {} similar{artist_note}",
                text(&page.name),
                page.top_tracks.len(),
                albums.albums.len(),
                albums.total,
                page.similar.len()
            )
        }),
    );
    rows
}

async fn timed<T>(
    call: impl std::future::Future<Output = Result<T, Error>>,
) -> (Duration, Result<T, Error>) {
    let started = Instant::now();
    let result = call.await;
    (started.elapsed(), result)
}

fn summarise<T>(result: Result<T, Error>, summary: impl FnOnce(&T) -> String) -> Answer {
    match result {
        Ok(value) => Answer::Parsed(summary(&value)),
        Err(e) => Answer::Failed(e),
    }
}

fn track_name(title: &str, artists: &[duet_core::ArtistRef]) -> String {
    let artists: Vec<&str> = artists.iter().map(|a| a.name.as_str()).collect();
    text(&format!("{title} – {}", artists.join(" / ")))
}

/// `seconds` as days and hours, or hours and minutes.
pub(crate) fn span(seconds: u64) -> String {
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else {
        format!("{hours} h {minutes} min")
    }
}

fn minutes(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Service-written text for a terminal, at most 40 characters ([`text_line`]).
pub(crate) fn text(value: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text_line(value).chars().take(MAX).collect();
    if value.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// `value` without control or direction-override characters: a hostile name (or an error
/// quoting one) must not move the cursor, clear the screen or reverse the line.
pub(crate) fn text_line(value: &str) -> String {
    let inert = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
    };
    value
        .chars()
        .map(|c| if inert(c) { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_text_cannot_steer_the_terminal() {
        let hostile = "a\u{1b}[2Jb\u{202e}c\nd";
        assert_eq!(text_line(hostile), "a [2Jb c d");
        assert_eq!(span(259_200 - 60), "2 d 23 h");
        assert_eq!(span(1800), "0 h 30 min");
        let long = "晴".repeat(50);
        assert_eq!(text(&long).chars().count(), 41);
        assert!(text(&long).ends_with('…'));
    }
}
