//! The playlist page's tools over `duet_core::playlist_tools`: duplicates, and exports saved to
//! the Downloads folder.

use std::path::{Path, PathBuf};

use duet_core::playlist_tools::{
    export, export_file_name, find_duplicates, sorted_indices, DuplicateGroup, ExportFormat,
    SortKey, SortOrder,
};
use duet_core::{Error, ErrorKind, Playlist, Result, Track};
use tauri::State;

/// Where exports are saved: the system's Downloads folder, when it has one.
pub struct ExportFolder(pub Option<PathBuf>);

/// Groups of indices into `tracks` that are the same track or the same song.
#[tauri::command]
#[specta::specta]
pub fn playlist_duplicates(tracks: Vec<Track>) -> Vec<DuplicateGroup> {
    find_duplicates(&tracks)
}

/// Writes `playlist` (with its tracks), sorted as its view is, as M3U or CSV into the Downloads
/// folder (`name.m3u`, `name (2).m3u`, … never over an existing file), and answers the path.
#[tauri::command]
#[specta::specta]
pub fn playlist_export(
    folder: State<'_, ExportFolder>,
    playlist: Playlist,
    format: ExportFormat,
    sort: SortKey,
    order: SortOrder,
) -> Result<String> {
    let order = playlist
        .tracks
        .as_deref()
        .map(|tracks| sorted_indices(tracks, sort, order));
    let text = export(&playlist, format, order.as_deref())?;
    let folder = folder.0.as_deref().ok_or_else(|| {
        Error::new(
            ErrorKind::Storage,
            "this system names no Downloads folder to save the export into",
        )
    })?;
    let path = save_new(
        folder,
        &export_file_name(&playlist, format),
        text.as_bytes(),
    )?;
    Ok(path.display().to_string())
}

/// Writes `bytes` to a file of `folder` named `name`, or `name (2)`, `(3)`… when taken.
pub fn save_new(folder: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    use std::io::Write as _;
    let storage = |e: std::io::Error| {
        Error::new(
            ErrorKind::Storage,
            format!("the export could not be saved in {}: {e}", folder.display()),
        )
    };
    std::fs::create_dir_all(folder).map_err(storage)?;
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..1000 {
        let candidate = match n {
            1 => folder.join(name),
            n => folder.join(format!("{stem} ({n}).{extension}")),
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut file) => {
                file.write_all(bytes).map_err(storage)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(storage(e)),
        }
    }
    Err(Error::new(
        ErrorKind::Storage,
        format!("{} has too many files named {name:?}", folder.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_new(dir.path(), "晴天.m3u", b"1").unwrap();
        let second = save_new(dir.path(), "晴天.m3u", b"2").unwrap();
        assert_eq!(first, dir.path().join("晴天.m3u"));
        assert_eq!(second, dir.path().join("晴天 (2).m3u"));
        assert_eq!(std::fs::read(first).unwrap(), b"1");
        assert_eq!(std::fs::read(second).unwrap(), b"2");
    }
}
