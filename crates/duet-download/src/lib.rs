//! Downloads: a track saved as a tagged audio file in a folder the person chose, named by a
//! pattern (`{artist} - {title}`).
//!
//! The audio comes from the audio cache when the track is there (no request at all), else from
//! the service's URL, streamed to a temporary file in the target folder (never held in memory).
//! Then the tags go in ([`tags`]): title, artists, album, album artist, track number, the cover,
//! and the lyrics with their translation. Only then is the file renamed to its name, so a
//! half-written download never looks like a song. A VIP preview is never saved as the song.

pub mod name;
pub mod tags;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use duet_cache::AudioCache;
use duet_core::{Error, ErrorKind, Provider, Quality, Track};
use serde::Serialize;

pub use name::{FileNamePattern, NameContext, DEFAULT_PATTERN, PLACEHOLDERS};
pub use tags::{write_tags, TrackTags};

/// The largest cover embedded (larger ones are left out).
const MAX_COVER_BYTES: usize = 8 << 20;
/// How long a download may go without a byte.
const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// One download to make.
#[derive(Debug, Clone)]
pub struct DownloadJob {
    pub track: Track,
    pub context: NameContext,
    pub quality: Quality,
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Downloaded {
    pub path: PathBuf,
    /// The audio came from the cache, without a request to the service.
    pub from_cache: bool,
    pub lyrics: bool,
    pub cover: bool,
}

/// Saves tracks into `folder` as tagged files named by `pattern`.
#[derive(Debug, Clone)]
pub struct Downloader {
    pub folder: PathBuf,
    pub pattern: FileNamePattern,
    pub http: reqwest::Client,
    pub cache: Option<Arc<AudioCache>>,
}

fn storage(what: &str, error: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Storage, format!("{what}: {error}"))
}

impl Downloader {
    /// Downloads `job.track` from `provider` (which must be the track's own service).
    pub async fn download(
        &self,
        provider: &dyn Provider,
        job: &DownloadJob,
    ) -> Result<Downloaded, Error> {
        let track = &job.track;
        std::fs::create_dir_all(&self.folder)
            .map_err(|e| storage("cannot create the download folder", e))?;
        let relative = self.pattern.render(track, &job.context);
        let stem = name::inside(&self.folder, &relative).ok_or_else(|| {
            Error::bad_request("the file name pattern leads outside the download folder")
        })?;
        let parent = stem.parent().unwrap_or(&self.folder).to_owned();
        std::fs::create_dir_all(&parent)
            .map_err(|e| storage("cannot create the download folder", e))?;
        let temp = tempfile::Builder::new()
            .prefix(".duet-")
            .suffix(".part")
            .tempfile_in(&parent)
            .map_err(|e| storage("cannot write into the download folder", e))?;

        let cached = self
            .cache
            .as_ref()
            .and_then(|cache| cache.lookup(track.provider, &track.id));
        let (temp, format, from_cache) = match cached {
            Some(hit) => {
                let source = hit.path.clone();
                let temp = tokio::task::spawn_blocking(move || -> Result<_, Error> {
                    let mut temp = temp;
                    let mut from = std::fs::File::open(&source)
                        .map_err(|e| storage("cannot read the cached track", e))?;
                    std::io::copy(&mut from, temp.as_file_mut())
                        .map_err(|e| storage("cannot write the download", e))?;
                    Ok(temp)
                })
                .await
                .map_err(|e| storage("the copy stopped", e))??;
                (temp, hit.format, true)
            }
            None => {
                let url = provider.stream_url(&track.id, job.quality).await?;
                if url.trial.is_some() {
                    return Err(preview_error(track));
                }
                let temp = fetch_into(&self.http, &url.url, temp).await?;
                (temp, url.format, false)
            }
        };

        let lyrics = match provider.lyrics(&track.id).await {
            Ok(lyrics) if !lyrics.lines.is_empty() => Some(lyrics),
            Ok(_) => None,
            Err(e) => {
                tracing::info!("downloading without lyrics: {e}");
                None
            }
        };
        let cover = match track.album.cover_url.as_deref() {
            Some(url) => fetch_cover(&self.http, url).await,
            None => None,
        };
        let outcome = (lyrics.is_some(), cover.is_some());
        let tags = TrackTags {
            title: track.title.clone(),
            artists: track.artists.iter().map(|a| a.name.clone()).collect(),
            album: track.album.name.clone(),
            album_artist: job
                .context
                .album_artist
                .clone()
                .or_else(|| track.artists.first().map(|a| a.name.clone())),
            track_no: job.context.track_no,
            cover,
            lyrics,
        };
        let extension = name::safe_component(&format).to_ascii_lowercase();
        let path = tokio::task::spawn_blocking(move || -> Result<PathBuf, Error> {
            write_tags(temp.path(), &tags)?;
            place(temp, &stem, &extension)
        })
        .await
        .map_err(|e| storage("tagging stopped", e))??;
        Ok(Downloaded {
            path,
            from_cache,
            lyrics: outcome.0,
            cover: outcome.1,
        })
    }
}

/// Renames the finished file to `stem.extension`, or `stem (2).extension` and on when that is
/// taken (an existing file is never overwritten).
fn place(temp: tempfile::NamedTempFile, stem: &Path, extension: &str) -> Result<PathBuf, Error> {
    let base = stem
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = temp;
    for n in 1..=99 {
        let file = if n == 1 {
            format!("{base}.{extension}")
        } else {
            format!("{base} ({n}).{extension}")
        };
        let path = stem.with_file_name(file);
        match temp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(storage("cannot name the downloaded file", e.error)),
        }
    }
    Err(storage(
        "cannot name the downloaded file",
        "99 files of that name are already there",
    ))
}

/// Streams `url` into `temp`, checking the length the server announced.
async fn fetch_into(
    http: &reqwest::Client,
    url: &str,
    mut temp: tempfile::NamedTempFile,
) -> Result<tempfile::NamedTempFile, Error> {
    let mut writer = std::io::BufWriter::with_capacity(64 * 1024, temp.as_file_mut());
    stream_to(http, url, &mut writer).await?;
    writer
        .flush()
        .map_err(|e| storage("cannot write the download", e))?;
    drop(writer);
    Ok(temp)
}

/// Fetches a track's whole file from `url` into the audio cache, pinned under `pin` (a kept
/// playlist or album). A VIP preview is refused: it is not the song.
pub async fn fetch_to_cache(
    http: &reqwest::Client,
    cache: &Arc<AudioCache>,
    track: &Track,
    url: &duet_core::StreamUrl,
    pin: &str,
) -> Result<(), Error> {
    if url.trial.is_some() {
        return Err(preview_error(track));
    }
    let key = duet_cache::CacheKey::new(track.provider, track.id.clone(), url.quality);
    let mut writer = cache.writer(key, &url.format)?;
    writer.pin(pin);
    writer.set_loudness(url.loudness);
    let got = stream_to(http, &url.url, &mut writer).await?;
    writer.commit(Some(got))?;
    Ok(())
}

fn preview_error(track: &Track) -> Error {
    Error::new(
        ErrorKind::Unavailable,
        "only a preview of this track is available to this account; Duet does not save \
         previews as songs",
    )
    .with_provider(track.provider)
}

/// Streams the body of `url` into `out` chunk by chunk; the bytes written. Fails when nothing
/// came or less than the announced length.
async fn stream_to(http: &reqwest::Client, url: &str, out: &mut impl Write) -> Result<u64, Error> {
    let network =
        |e: reqwest::Error| Error::network(format!("the download failed: {}", e.without_url()));
    let mut response = tokio::time::timeout(STALL_TIMEOUT, http.get(url).send())
        .await
        .map_err(|_| Error::network("the audio server did not answer"))?
        .and_then(|r| r.error_for_status())
        .map_err(network)?;
    let expected = response.content_length();
    let mut got: u64 = 0;
    loop {
        let chunk = tokio::time::timeout(STALL_TIMEOUT, response.chunk())
            .await
            .map_err(|_| Error::network("the download stalled"))?
            .map_err(network)?;
        let Some(chunk) = chunk else { break };
        out.write_all(&chunk)
            .map_err(|e| storage("cannot write the download", e))?;
        got += chunk.len() as u64;
    }
    if got == 0 || expected.is_some_and(|n| n != got) {
        return Err(Error::network(format!(
            "the download was cut off after {got} bytes"
        )));
    }
    Ok(got)
}

/// The cover's bytes, when they can be had within the stall timeout (a download goes on
/// without one).
async fn fetch_cover(http: &reqwest::Client, url: &str) -> Option<Vec<u8>> {
    let fetch = async {
        let response = http.get(url).send().await.ok()?.error_for_status().ok()?;
        duet_core::http::read_capped(response, MAX_COVER_BYTES)
            .await
            .ok()
    };
    let Some(bytes) = tokio::time::timeout(STALL_TIMEOUT, fetch)
        .await
        .ok()
        .flatten()
    else {
        tracing::info!("the cover could not be fetched; downloading without it");
        return None;
    };
    if bytes.starts_with(b"\xff\xd8") || bytes.starts_with(b"\x89PNG") {
        Some(bytes)
    } else {
        tracing::info!("the cover is not a JPEG or PNG; downloading without it");
        None
    }
}
