//! Tags written into a downloaded file with lofty: title, artists, album, album artist, track
//! number, the cover, and the lyrics with their translation: as unsynchronised lyrics in LRC form
//! (every format), and for MP3 also as ID3v2 synchronised lyrics (SYLT), original and translation.

use std::path::Path;

use duet_core::{Error, ErrorKind, Lyrics};
use lofty::config::WriteOptions;
use lofty::file::TaggedFileExt;
use lofty::id3::v2::{
    BinaryFrame, Frame, FrameId, Id3v2Tag, SyncTextContentType, SynchronizedTextFrame,
    TimestampFormat,
};
use lofty::picture::{MimeType, Picture, PictureType};
use lofty::tag::{Accessor, ItemKey, ItemValue, Tag, TagExt, TagItem, TagType};
use lofty::TextEncoding;

/// The description of the SYLT frame that holds the translation (the original's is empty).
pub const TRANSLATION_DESCRIPTION: &str = "translation";

/// What goes into the file's tags.
#[derive(Debug, Clone, Default)]
pub struct TrackTags {
    pub title: String,
    pub artists: Vec<String>,
    pub album: String,
    pub album_artist: Option<String>,
    pub track_no: Option<u32>,
    /// JPEG or PNG bytes.
    pub cover: Option<Vec<u8>>,
    pub lyrics: Option<Lyrics>,
}

/// The lyrics as LRC text, each translated line followed by its translation at the same time
/// (how players that read LRC show a translation).
pub fn lrc_text(lyrics: &Lyrics) -> String {
    let mut out = String::new();
    for line in &lyrics.lines {
        let stamp = lrc_stamp(line.start_ms);
        out.push_str(&format!("{stamp}{}\n", line.text));
        if let Some(translation) = line.translation.as_deref().filter(|t| !t.trim().is_empty()) {
            out.push_str(&format!("{stamp}{translation}\n"));
        }
    }
    out
}

fn lrc_stamp(ms: u64) -> String {
    format!(
        "[{:02}:{:02}.{:02}]",
        ms / 60_000,
        ms / 1000 % 60,
        ms % 1000 / 10
    )
}

fn tag_error(what: &str, error: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Storage,
        format!("cannot {what} the downloaded file's tags: {error}"),
    )
}

/// Writes `tags` into the audio file at `path` (its format read from its bytes), replacing the
/// tags it had.
pub fn write_tags(path: &Path, tags: &TrackTags) -> Result<(), Error> {
    // By its bytes, not its name: a download is tagged under a temporary name.
    let file = lofty::probe::Probe::open(path)
        .and_then(|probe| Ok(probe.guess_file_type()?))
        .and_then(|probe| probe.read())
        .map_err(|e| tag_error("read", e))?;
    let tag_type = file.primary_tag_type();
    let mut tag = Tag::new(tag_type);
    tag.set_title(tags.title.clone());
    for artist in &tags.artists {
        tag.push(TagItem::new(
            ItemKey::TrackArtist,
            ItemValue::Text(artist.clone()),
        ));
    }
    tag.set_album(tags.album.clone());
    if let Some(album_artist) = &tags.album_artist {
        tag.insert_text(ItemKey::AlbumArtist, album_artist.clone());
    }
    if let Some(n) = tags.track_no {
        tag.set_track(n);
    }
    if let Some(cover) = &tags.cover {
        let mime = if cover.starts_with(b"\x89PNG") {
            MimeType::Png
        } else {
            MimeType::Jpeg
        };
        tag.push_picture(
            Picture::unchecked(cover.clone())
                .pic_type(PictureType::CoverFront)
                .mime_type(mime)
                .build(),
        );
    }
    let lyrics = tags.lyrics.as_ref().filter(|l| !l.lines.is_empty());
    if let Some(lyrics) = lyrics {
        let key = if tag_type == TagType::Id3v2 {
            ItemKey::UnsyncLyrics
        } else {
            ItemKey::Lyrics
        };
        tag.insert_text(key, lrc_text(lyrics));
    }
    let options = WriteOptions::default();
    if tag_type == TagType::Id3v2 {
        let mut id3: Id3v2Tag = tag.into();
        if let Some(lyrics) = lyrics {
            insert_synced(&mut id3, lyrics)?;
        }
        id3.save_to_path(path, options)
            .map_err(|e| tag_error("write", e))
    } else {
        tag.save_to_path(path, options)
            .map_err(|e| tag_error("write", e))
    }
}

/// ID3v2 SYLT frames: the original lines, and the translation when there is one.
fn insert_synced(id3: &mut Id3v2Tag, lyrics: &Lyrics) -> Result<(), Error> {
    let original: Vec<(u32, String)> = lyrics
        .lines
        .iter()
        .map(|l| (ms_u32(l.start_ms), l.text.clone()))
        .collect();
    let translation: Vec<(u32, String)> = lyrics
        .lines
        .iter()
        .filter_map(|l| {
            let t = l.translation.as_deref()?.trim();
            (!t.is_empty()).then(|| (ms_u32(l.start_ms), t.to_owned()))
        })
        .collect();
    let frames = [
        (None, original),
        (Some(TRANSLATION_DESCRIPTION), translation),
    ];
    for (description, content) in frames {
        if content.is_empty() {
            continue;
        }
        let frame = SynchronizedTextFrame::new(
            TextEncoding::UTF8,
            *b"und",
            TimestampFormat::MS,
            SyncTextContentType::Lyrics,
            description.map(str::to_owned),
            content,
        );
        let bytes = frame
            .as_bytes(WriteOptions::default())
            .map_err(|e| tag_error("encode", e))?;
        // lofty keeps SYLT frames as raw bytes; two with different descriptions may coexist.
        id3.insert(Frame::Binary(BinaryFrame::new(
            FrameId::Valid("SYLT".into()),
            bytes,
        )));
    }
    Ok(())
}

fn ms_u32(ms: u64) -> u32 {
    u32::try_from(ms).unwrap_or(u32::MAX)
}
