//! LRCLIB (`lrclib.net`), the open lyrics database Duet asks when a service has no lyrics
//! (opt-in): `GET /api/get` and `GET /api/search` as lrclib.net/docs documents them, with
//! strict checks (GET only, the required parameters, a User-Agent naming an app, its version
//! and, where there is one, its home page, as LRCLIB asks) and a few records of every shape
//! ([`ENTRIES`], plus [`NETEASE_NOLYRIC_SONG`] filed under that NetEase song's own title,
//! artist, album and duration). Faults apply when their path filter names this host (`lrclib.net`).

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::http_util::{endless_json, percent_decode, response, NGINX_500};
use crate::journal::{FaultKind, Journal, RecordedRequest, Transport, DEFAULT_SLOW_DELAY};

/// The host this module plays.
pub const HOST: &str = "lrclib.net";

/// LRCLIB's `/api/get` duration window, in seconds.
pub const DURATION_TOLERANCE_S: f64 = 2.0;

/// A NetEase song of the fake whose lyric answer is `nolyric` (an id ending in 99) and which
/// LRCLIB has synced lyrics for: the app's and the server's path from "no lyrics" to LRCLIB's.
pub const NETEASE_NOLYRIC_SONG: u64 = 700_000_099;

/// One LRCLIB record.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: u64,
    pub track: String,
    pub artist: String,
    pub album: String,
    pub duration_s: f64,
    pub instrumental: bool,
    pub plain: Option<String>,
    pub synced: Option<String>,
}

/// A hand-written record: track, artist, album, duration (s), instrumental, plain, synced.
pub type WrittenEntry = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    bool,
    Option<&'static str>,
    Option<&'static str>,
);

/// The hand-written records (see the comment above each for its purpose).
pub const ENTRIES: &[WrittenEntry] = &[
    // Synced and plain, found by `/api/get`.
    (
        "Duet Synced Song",
        "Duet Singer",
        "Duet Album",
        200.0,
        false,
        Some("First line\nSecond line"),
        Some("[ar:Duet Singer]\n[00:01.00]First line\n[00:04.50]Second line\n"),
    ),
    // Plain lyrics only.
    (
        "Duet Plain Song",
        "Duet Singer",
        "Duet Album",
        180.0,
        false,
        Some("Only words\nNo timing"),
        None,
    ),
    // An instrumental: no text at all.
    (
        "Duet Interlude",
        "Duet Singer",
        "Duet Album",
        95.0,
        true,
        None,
        None,
    ),
    // Filed under another album than the service gives ("Duet Live"): `/api/get` misses, the
    // search finds two takes and the one within 2 s of the track's duration is the one.
    (
        "Duet Live Take",
        "Duet Singer",
        "Duet Live at Home",
        241.0,
        false,
        None,
        Some("[00:02.00]The live take\n[00:05.00]Sung at home"),
    ),
    (
        "Duet Live Take",
        "Duet Singer",
        "Duet Live (Remaster)",
        262.0,
        false,
        None,
        Some("[00:02.00]The remaster, not this one"),
    ),
    // A hostile record: markup, quotes, SQL, a NUL, an absurd time stamp.
    (
        "<script>alert(\"lrclib\")</script> & \"Duet\" '; --",
        "Duet Singer",
        "Duet Album",
        150.0,
        false,
        None,
        Some(
            "[00:01.00]<img src=x onerror=alert(1)>\n[99999999999999999999:00.00]overflow\n\
             [00:02.00]\u{0}nul & \"quotes\" 🎵\n[xx:yy]not a stamp",
        ),
    ),
];

/// Every record the fake holds: [`ENTRIES`] (ids 1…), then the NetEase song's.
pub fn entries() -> &'static [Entry] {
    static ALL: OnceLock<Vec<Entry>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<Entry> = ENTRIES
            .iter()
            .enumerate()
            .map(
                |(i, &(track, artist, album, duration_s, instrumental, plain, synced))| Entry {
                    id: i as u64 + 1,
                    track: track.into(),
                    artist: artist.into(),
                    album: album.into(),
                    duration_s,
                    instrumental,
                    plain: plain.map(Into::into),
                    synced: synced.map(Into::into),
                },
            )
            .collect();
        let (song, _) = crate::netease::catalog::song_with_privilege(NETEASE_NOLYRIC_SONG);
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        let title = text(&song["name"]);
        all.push(Entry {
            id: all.len() as u64 + 1,
            artist: text(&song["ar"][0]["name"]),
            album: text(&song["al"]["name"]),
            duration_s: song["dt"].as_f64().unwrap_or_default() / 1000.0,
            instrumental: false,
            plain: Some(format!("LRCLIB's words for {title}")),
            synced: Some(format!(
                "[00:01.00]LRCLIB's words for {title}\n[00:03.00]A second line from LRCLIB"
            )),
            track: title,
        });
        all
    })
}

fn record(entry: &Entry) -> Value {
    json!({
        "id": entry.id,
        "name": entry.track,
        "trackName": entry.track,
        "artistName": entry.artist,
        "albumName": entry.album,
        "duration": entry.duration_s,
        "instrumental": entry.instrumental,
        "plainLyrics": entry.plain,
        "syncedLyrics": entry.synced,
    })
}

fn error(status: StatusCode, name: &str, message: &str) -> (StatusCode, Value) {
    (
        status,
        json!({"code": status.as_u16(), "name": name, "message": message}),
    )
}

/// Whether `ua` names an app and its version, with its home page in parentheses where it gives
/// one: `Name vX.Y` or `Name vX.Y (https://…)`. A browser's or an HTTP library's UA is not one.
pub fn names_an_app(ua: &str) -> bool {
    let (name_version, homepage) = match ua.split_once(" (") {
        Some((name_version, rest)) => match rest.strip_suffix(')') {
            Some(homepage) => (name_version, Some(homepage)),
            None => return false,
        },
        None => (ua, None),
    };
    let Some((name, version)) = name_version.rsplit_once(' ') else {
        return false;
    };
    let version = version.trim_start_matches('v');
    !name.trim().is_empty()
        && !name.contains("Mozilla")
        && version.starts_with(|c: char| c.is_ascii_digit())
        && homepage.is_none_or(|homepage| {
            (homepage.starts_with("https://") || homepage.starts_with("http://"))
                && !homepage.contains(' ')
        })
}

fn params(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn answer(
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> (StatusCode, Value) {
    if method != Method::GET {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "GET only",
        );
    }
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !names_an_app(ua) {
        return error(
            StatusCode::BAD_REQUEST,
            "UserAgentRequired",
            "send a User-Agent naming your app and its version (and its home page)",
        );
    }
    let params = params(query);
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match path {
        "/api/get" => {
            let (Some(track), Some(artist), Some(album), Some(duration)) = (
                param("track_name"),
                param("artist_name"),
                param("album_name"),
                param("duration"),
            ) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "ValidationError",
                    "track_name, artist_name, album_name and duration are required",
                );
            };
            let Ok(duration) = duration.parse::<f64>() else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "ValidationError",
                    "duration must be a number of seconds",
                );
            };
            match entries().iter().find(|e| {
                same(&e.track, track)
                    && same(&e.artist, artist)
                    && same(&e.album, album)
                    && (e.duration_s - duration).abs() <= DURATION_TOLERANCE_S
            }) {
                Some(entry) => (StatusCode::OK, record(entry)),
                None => error(
                    StatusCode::NOT_FOUND,
                    "TrackNotFound",
                    "Failed to find specified track",
                ),
            }
        }
        "/api/search" => {
            let track = param("track_name").filter(|t| !t.trim().is_empty());
            let q = param("q").filter(|t| !t.trim().is_empty());
            if track.is_none() && q.is_none() {
                return error(
                    StatusCode::BAD_REQUEST,
                    "ValidationError",
                    "at least one of q and track_name is required",
                );
            }
            let holds = |hay: &str, needle: &str| {
                hay.to_lowercase().contains(&needle.trim().to_lowercase())
            };
            let found: Vec<Value> = entries()
                .iter()
                .filter(|e| track.is_none_or(|t| holds(&e.track, t)))
                .filter(|e| param("artist_name").is_none_or(|a| holds(&e.artist, a)))
                .filter(|e| param("album_name").is_none_or(|a| holds(&e.album, a)))
                .filter(|e| {
                    q.is_none_or(|q| holds(&format!("{} {} {}", e.track, e.artist, e.album), q))
                })
                .take(20)
                .map(record)
                .collect();
            (StatusCode::OK, Value::Array(found))
        }
        _ => error(StatusCode::NOT_FOUND, "NotFound", "no such route"),
    }
}

/// One request for `lrclib.net/{rest}`.
pub(crate) async fn handle(
    journal: &Journal,
    rest: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let path = format!("/{rest}");
    let mut truncate = false;
    if let Some(fault) = journal.take_fault(&format!("{HOST}{path}"), true) {
        match fault.kind {
            FaultKind::Slow => {
                tokio::time::sleep(fault.delay.unwrap_or(DEFAULT_SLOW_DELAY)).await;
            }
            FaultKind::Truncated => truncate = true,
            FaultKind::Oversized => {
                record_request(journal, &path, 200);
                return endless_json();
            }
            _ => {
                record_request(journal, &path, 500);
                return response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/html",
                    NGINX_500.as_bytes().to_vec(),
                );
            }
        }
    }
    let (status, body) = answer(method, &path, query, headers);
    record_request(journal, &path, status.as_u16());
    let mut bytes = serde_json::to_vec(&body).unwrap_or_default();
    if truncate {
        bytes.truncate(bytes.len() / 2);
    }
    response(status, "application/json", bytes)
}

fn record_request(journal: &Journal, path: &str, status: u16) {
    journal.record(RecordedRequest {
        host: HOST.to_owned(),
        transport: Transport::Web,
        logical_path: path.to_owned(),
        time: std::time::Instant::now(),
        status,
        code: None,
        call: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_must_name_the_app_and_its_version() {
        assert!(names_an_app("Duet v0.1.0"));
        assert!(names_an_app(
            "LRCGET v0.2.0 (https://github.com/tranxuanthang/lrcget)"
        ));
        for bad in [
            "",
            "Duet",
            "Duet v",
            "reqwest/0.12",
            "Duet vX (https://a)",
            "Duet v1 (not a url)",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.164 NeteaseMusicDesktop/3.0.18",
        ] {
            assert!(!names_an_app(bad), "{bad}");
        }
    }

    #[test]
    fn the_netease_song_is_filed_under_its_own_names() {
        let entry = entries().last().unwrap();
        assert_eq!(entry.track, format!("Track {NETEASE_NOLYRIC_SONG}"));
        assert!(!entry.artist.is_empty() && !entry.album.is_empty());
        assert!(entry.duration_s > 60.0, "{entry:?}");
    }
}
