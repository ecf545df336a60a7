//! File names from a pattern (`{artist} - {title}`): placeholders filled from the track, every
//! value made safe for every system's file names, and the result kept inside the download folder
//! whatever the track is called.

use std::path::{Component, Path, PathBuf};

use duet_core::{Error, Track};

/// The pattern the app starts with.
pub const DEFAULT_PATTERN: &str = "{artist} - {title}";

/// The placeholders a pattern may use.
pub const PLACEHOLDERS: [&str; 6] = [
    "title",
    "artist",
    "album",
    "album_artist",
    "track_no",
    "provider",
];

/// The longest file or folder name written, in bytes: under every common file system's 255,
/// with room for a ` (99)` and an extension.
const MAX_COMPONENT_BYTES: usize = 200;
/// The longest pattern accepted.
const MAX_PATTERN_LEN: usize = 256;

/// Names Windows reserves for devices, whatever the extension (`CON.mp3` too).
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(&'static str),
}

/// A checked file-name pattern: text and `{placeholder}`s; `/` makes sub-folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNamePattern {
    pieces: Vec<Piece>,
}

/// What fills a pattern besides the track itself.
#[derive(Debug, Clone, Default)]
pub struct NameContext {
    /// The track's number on its album, when known (from the album page).
    pub track_no: Option<u32>,
    /// The album's artist, when known; else the track's first artist.
    pub album_artist: Option<String>,
}

impl FileNamePattern {
    /// Parses `pattern`; an unknown placeholder or an unclosed brace is a `bad_request`.
    pub fn parse(pattern: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::bad_request(format!("file name pattern {pattern:?}: {why}"));
        if pattern.trim().is_empty() {
            return Err(bad("it is empty".into()));
        }
        if pattern.len() > MAX_PATTERN_LEN {
            return Err(bad(format!("longer than {MAX_PATTERN_LEN} characters")));
        }
        let mut pieces = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| bad("a `{` is never closed".into()))?;
            let name = &after[..close];
            let field = PLACEHOLDERS.iter().find(|p| **p == name).ok_or_else(|| {
                bad(format!(
                    "unknown placeholder {{{name}}}; use {}",
                    PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                ))
            })?;
            pieces.push(Piece::Field(field));
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return Err(bad("a `}` without its `{`".into()));
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Field(_))) {
            return Err(bad(
                "it has no placeholder, so every file would get the same name".into(),
            ));
        }
        Ok(Self { pieces })
    }

    /// The file's path relative to the download folder, without extension: one or more safe
    /// components (`/` in the pattern makes folders; `/` in a value never does).
    pub fn render(&self, track: &Track, context: &NameContext) -> PathBuf {
        let artists = track
            .artists
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let album_artist = context
            .album_artist
            .clone()
            .or_else(|| track.artists.first().map(|a| a.name.clone()))
            .unwrap_or_default();
        let mut text = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Field(field) => {
                    let value = match *field {
                        "title" => track.title.clone(),
                        "artist" => artists.clone(),
                        "album" => track.album.name.clone(),
                        "album_artist" => album_artist.clone(),
                        "track_no" => context
                            .track_no
                            .map(|n| format!("{n:02}"))
                            .unwrap_or_default(),
                        _ => track.provider.as_str().to_owned(),
                    };
                    // A value's own slashes are not folders.
                    text.push_str(&value.replace(['/', '\\'], "_"));
                }
            }
        }
        let mut path = PathBuf::new();
        for component in text.split(['/', '\\']) {
            let safe = safe_component(component);
            if !safe.is_empty() {
                path.push(safe);
            }
        }
        if path.as_os_str().is_empty() {
            path.push("untitled");
        }
        path
    }
}

/// One file or folder name that every system accepts and that names nothing special: no path
/// separators, control characters or characters Windows forbids, no leading or trailing dots or
/// spaces, not a reserved device name, at most [`MAX_COMPONENT_BYTES`] bytes.
pub fn safe_component(raw: &str) -> String {
    let mapped: String = raw
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = mapped.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let mut name = truncate_utf8(trimmed, MAX_COMPONENT_BYTES)
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned();
    let stem = name.split('.').next().unwrap_or("").trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        name.insert(0, '_');
    }
    name
}

fn truncate_utf8(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `relative` under `folder`, when it stays there (only plain names, no `..`, no root).
pub fn inside(folder: &Path, relative: &Path) -> Option<PathBuf> {
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| folder.join(relative))
}
