//! The job files: `<dir>/<job id>.json`, each written whole to a temporary file, flushed to disk
//! and renamed over the old one, so a crash leaves the previous state or the new one, never
//! half of either. A file that cannot be read is set aside (`<name>.unreadable`) with a warning.

use std::io::Write;
use std::path::Path;

use duet_core::{Error, ErrorKind, Result};

use crate::job::{Job, JOB_FILE_VERSION};

fn storage(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Storage,
        format!("could not {what} {}: {e}", path.display()),
    )
}

pub(crate) fn save(dir: &Path, job: &Job) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| storage("create", dir, e))?;
    let path = dir.join(format!("{}.json", job.id));
    let partial = dir.join(format!(".{}.json.partial", job.id));
    let bytes = serde_json::to_vec_pretty(job).map_err(|e| storage("encode", &path, e))?;
    let mut file = std::fs::File::create(&partial).map_err(|e| storage("write", &partial, e))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| storage("write", &partial, e))?;
    std::fs::rename(&partial, &path).map_err(|e| storage("replace", &path, e))
}

/// Every job in `dir` (none when it does not exist yet).
pub(crate) fn load_all(dir: &Path) -> Result<Vec<Job>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(storage("read", dir, e)),
    };
    let mut jobs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        let read = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| serde_json::from_slice::<Job>(&bytes).map_err(|e| e.to_string()))
            .and_then(|job| {
                if job.version == JOB_FILE_VERSION && name == format!("{}.json", job.id) {
                    Ok(job)
                } else {
                    Err(format!("not a version {JOB_FILE_VERSION} job file"))
                }
            });
        match read {
            Ok(job) => jobs.push(job),
            Err(e) => {
                tracing::warn!("{} could not be read ({e}); set aside", path.display());
                let _ = std::fs::rename(&path, path.with_extension("json.unreadable"));
            }
        }
    }
    Ok(jobs)
}
