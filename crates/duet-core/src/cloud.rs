//! The cloud disk (云盘, issue 14 item 3): a person's own uploads with what the service matched
//! them to, searched here over the listing (no service offers a search call for it), and one
//! upload, a person's action, with its progress.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ImageUrls, ProviderId, Track};
use crate::provider::Provider;

/// Uploads on one page of [`Provider::cloud_tracks`].
pub const CLOUD_PAGE_SIZE: u32 = 50;
/// How many pages a search within the cloud disk reads at most (5,000 uploads; the service
/// lets an account keep far fewer songs than that in practice).
pub const CLOUD_SEARCH_MAX_PAGES: u32 = 100;
/// The largest file Duet uploads (refused before anything is sent). The whole file is read
/// into memory to be hashed and sent.
pub const MAX_UPLOAD_BYTES: u64 = 200 * 1024 * 1024;
/// The file extensions Duet uploads, lower case: what the services' clients offer in their
/// upload dialogs and lofty can read tags from.
pub const AUDIO_EXTENSIONS: [&str; 7] = ["mp3", "flac", "m4a", "ogg", "wav", "ape", "aac"];

/// One upload in the cloud disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CloudTrack {
    /// What plays: `id` is the upload's id (its stream URL is asked like any track's), title,
    /// artists and album as the service shows them (the matched track's, else the file's tags,
    /// else its name).
    pub track: Track,
    /// The file's name as it was uploaded.
    pub file_name: String,
    pub file_size: u64,
    /// The file's bitrate as the service measured it, in kbit/s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitrate_kbps: Option<u32>,
    /// When it was uploaded, ms since the epoch.
    pub uploaded_at_ms: u64,
    /// The catalogue track the service matched the file to, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<Track>,
}

/// One page of the cloud disk, newest uploads first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CloudPage {
    pub provider: ProviderId,
    /// From 1.
    pub page: u32,
    pub items: Vec<CloudTrack>,
    /// Uploads in the whole cloud disk.
    pub total: u64,
    pub has_more: bool,
    /// Bytes used and allowed, when the service says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_bytes: Option<u64>,
}

impl ImageUrls for CloudTrack {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.track.visit_image_urls(f);
        if let Some(matched) = &mut self.matched {
            matched.visit_image_urls(f);
        }
    }
}

impl ImageUrls for CloudPage {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.items.visit_image_urls(f);
    }
}

impl CloudTrack {
    /// Whether every word of `query` (case-folded) is in the title, an artist, the album or
    /// the file name.
    pub fn matches(&self, query: &str) -> bool {
        let haystack = [
            self.track.title.as_str(),
            self.track.album.name.as_str(),
            self.file_name.as_str(),
        ]
        .into_iter()
        .chain(self.track.artists.iter().map(|a| a.name.as_str()))
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("\u{1f}");
        query
            .to_lowercase()
            .split_whitespace()
            .all(|word| haystack.contains(word))
    }
}

/// The uploads whose title, artists, album or file name hold every word of `query`, newest
/// first: read page by page (at most [`CLOUD_SEARCH_MAX_PAGES`]) and filtered here, since
/// neither service has a search call for the cloud disk. An empty query is `bad_request`.
pub async fn search(provider: &dyn Provider, query: &str) -> Result<Vec<CloudTrack>> {
    let query = query.trim();
    if query.is_empty() {
        return Err(
            Error::bad_request("a search within the cloud disk needs some words")
                .with_provider(provider.id()),
        );
    }
    if query.chars().count() > 100 {
        return Err(Error::bad_request(
            "a search within the cloud disk takes at most 100 characters",
        )
        .with_provider(provider.id()));
    }
    let mut found = Vec::new();
    for page in 1..=CLOUD_SEARCH_MAX_PAGES {
        let answer = provider.cloud_tracks(page).await?;
        found.extend(answer.items.into_iter().filter(|t| t.matches(query)));
        if !answer.has_more {
            break;
        }
    }
    Ok(found)
}

/// A file a person chose to upload, read and checked (`duet-upload` makes these): never built
/// from anything but their choice.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadFile {
    /// The name as chosen, without any folder.
    pub file_name: String,
    /// Lower case, one of [`AUDIO_EXTENSIONS`].
    pub extension: String,
    /// Lower-case hex MD5 of `bytes`.
    pub md5_hex: String,
    pub bytes: Vec<u8>,
    pub tags: UploadTags,
}

impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("extension", &self.extension)
            .field("md5_hex", &self.md5_hex)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("tags", &self.tags)
            .finish()
    }
}

/// What the file's own tags say, sent with the upload for the service to match on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadTags {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub duration_ms: Option<u64>,
    pub bitrate_kbps: Option<u32>,
}

/// Where an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum UploadStage {
    /// Asking the service whether it has the file, and where to send it.
    Checking,
    /// The bytes are going up; `sent_bytes` of `total_bytes`.
    Sending,
    /// Telling the service what the file is and adding it to the cloud disk.
    Publishing,
    Done,
}

/// One report of an upload's progress, in order: `checking`, `sending` (from 0 to the whole
/// file; skipped when the service has the bytes already), `publishing`, `done`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadProgress {
    pub stage: UploadStage,
    pub sent_bytes: u64,
    pub total_bytes: u64,
}

/// Where an upload's progress goes.
pub type ProgressSink<'a> = &'a (dyn Fn(UploadProgress) + Send + Sync);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AlbumRef, ArtistRef};

    fn upload(title: &str, artist: &str, file: &str) -> CloudTrack {
        CloudTrack {
            track: Track {
                provider: ProviderId::Netease,
                id: "1".into(),
                title: title.into(),
                artists: vec![ArtistRef {
                    id: String::new(),
                    name: artist.into(),
                }],
                album: AlbumRef {
                    id: String::new(),
                    name: "Live 1999".into(),
                    cover_url: None,
                },
                duration_ms: 1,
                playable: true,
                unavailable_reason: None,
                vip: false,
                trial: None,
            },
            file_name: file.into(),
            file_size: 1,
            bitrate_kbps: None,
            uploaded_at_ms: 0,
            matched: None,
        }
    }

    #[test]
    fn a_search_matches_every_word_anywhere_in_any_case() {
        let t = upload("晴天", "Jay Chou", "demo-take3.flac");
        assert!(t.matches("jay"));
        assert!(t.matches("晴天 CHOU"));
        assert!(t.matches("take3"));
        assert!(t.matches("live 1999"));
        assert!(!t.matches("jay 七里香"));
        assert!(
            t.matches("   "),
            "no words: everything (the caller refuses it)"
        );
    }

    #[test]
    fn debug_of_a_file_names_its_size_not_its_bytes() {
        let file = UploadFile {
            file_name: "a.mp3".into(),
            extension: "mp3".into(),
            md5_hex: "00".into(),
            bytes: vec![0xAB; 3],
            tags: UploadTags::default(),
        };
        let shown = format!("{file:?}");
        assert!(
            shown.contains("<3 bytes>") && !shown.contains("171"),
            "{shown}"
        );
    }
}
