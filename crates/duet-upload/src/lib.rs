//! A file a person chose for the cloud disk, made ready to upload: its name without folders, an
//! audio extension Duet uploads, a size under [`MAX_UPLOAD_BYTES`], bytes lofty reads as audio,
//! the MD5 the services key uploads by, and the title, artist and album of its own tags.
//! Everything that is wrong with the file is a `bad_request` here, before anything is sent.

use std::io::Cursor;
use std::path::Path;

use duet_core::cloud::{UploadFile, UploadTags, AUDIO_EXTENSIONS, MAX_UPLOAD_BYTES};
use duet_core::{Error, Result};
use lofty::file::{AudioFile as _, TaggedFileExt as _};
use lofty::tag::Accessor as _;
use md5::{Digest as _, Md5};

/// Reads and checks the file at `path`; its size is checked before it is read.
pub fn from_path(path: &Path) -> Result<UploadFile> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::bad_request("the chosen file has no usable name"))?;
    checked_extension(name)?;
    let size = std::fs::metadata(path)
        .map_err(|e| Error::bad_request(format!("cannot read {name:?}: {e}")))?
        .len();
    checked_size(name, size)?;
    let bytes = std::fs::read(path)
        .map_err(|e| Error::bad_request(format!("cannot read {name:?}: {e}")))?;
    from_bytes(name, bytes)
}

/// Checks `bytes`, named `file_name` (folders are dropped).
pub fn from_bytes(file_name: &str, bytes: Vec<u8>) -> Result<UploadFile> {
    let file_name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if file_name.is_empty() || file_name.chars().count() > 255 {
        return Err(Error::bad_request(
            "an upload needs a file name of 1 to 255 characters",
        ));
    }
    let extension = checked_extension(&file_name)?;
    checked_size(&file_name, bytes.len() as u64)?;
    let tags = read_tags(&file_name, &bytes)?;
    Ok(UploadFile {
        md5_hex: hex::encode(Md5::digest(&bytes)),
        file_name,
        extension,
        bytes,
        tags,
    })
}

fn checked_extension(name: &str) -> Result<String> {
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    if AUDIO_EXTENSIONS.contains(&extension.as_str()) {
        Ok(extension)
    } else {
        Err(Error::bad_request(format!(
            "{name:?} is not an audio file the cloud disk takes ({})",
            AUDIO_EXTENSIONS.join(", ")
        )))
    }
}

fn checked_size(name: &str, size: u64) -> Result<()> {
    if size == 0 {
        return Err(Error::bad_request(format!("{name:?} is empty")));
    }
    if size > MAX_UPLOAD_BYTES {
        return Err(Error::bad_request(format!(
            "{name:?} is {} MB; the cloud disk takes files of at most {} MB",
            size.div_ceil(1024 * 1024),
            MAX_UPLOAD_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// The tags, by the file's bytes (not its name): what cannot be read as audio is refused.
fn read_tags(name: &str, bytes: &[u8]) -> Result<UploadTags> {
    let not_audio =
        |why: String| Error::bad_request(format!("{name:?} cannot be read as audio ({why})"));
    let file = lofty::probe::Probe::new(Cursor::new(bytes))
        .guess_file_type()
        .map_err(|e| not_audio(e.to_string()))?
        .read()
        .map_err(|e| not_audio(e.to_string()))?;
    let properties = file.properties();
    let tag = file.primary_tag().or_else(|| file.first_tag());
    let text = |value: Option<std::borrow::Cow<'_, str>>| {
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    };
    let duration = properties.duration().as_millis() as u64;
    Ok(UploadTags {
        title: tag.and_then(|t| text(t.title())),
        artist: tag.and_then(|t| text(t.artist())),
        album: tag.and_then(|t| text(t.album())),
        duration_ms: (duration > 0).then_some(duration),
        bitrate_kbps: properties.audio_bitrate().filter(|b| *b > 0),
    })
}
