//! Where the bytes of a stream are kept while it plays: the first part in memory, the rest (past
//! a modest limit) in an anonymous temporary file, so a long lossless track does not sit in RAM
//! whole. The file has no name from the start where the system allows it (`O_TMPFILE` on Linux;
//! created and unlinked at once elsewhere; delete-on-close on Windows), so nothing is left
//! behind when the spool is dropped, nor after a crash.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// How much of a stream stays in memory by default: 32 MiB, a whole 320 kbps track of 13
/// minutes, or the first minutes of a lossless one.
pub const DEFAULT_MEMORY_LIMIT: usize = 32 << 20;

/// A stream larger than this (memory and disk together) is refused: 2 GiB, several times the
/// largest hi-res track the services sell.
pub const MAX_STREAM_BYTES: u64 = 2 << 30;

/// Where a stream's bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoolOptions {
    /// Bytes kept in memory; the rest goes to a temporary file.
    pub memory_limit: usize,
    /// Where the temporary file is made ([`default_dir`] when `None`).
    pub dir: Option<PathBuf>,
}

impl Default for SpoolOptions {
    fn default() -> Self {
        Self {
            memory_limit: DEFAULT_MEMORY_LIMIT,
            dir: None,
        }
    }
}

/// Where spilled streams go by default: the user's cache directory on Linux and the BSDs, where
/// `/tmp` is often a RAM disk (tmpfs) and spilling there would keep the bytes in memory after
/// all; the system's temporary directory elsewhere (`None`).
pub fn default_dir() -> Option<PathBuf> {
    if !cfg!(unix) || cfg!(target_os = "macos") {
        return None;
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    let dir = base.join("duet");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// Why bytes could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("the audio file is larger than {} GiB", MAX_STREAM_BYTES >> 30)]
    TooLarge,
    #[error("cannot keep the audio in a temporary file: {0}")]
    Disk(#[from] io::Error),
}

/// An append-only byte store readable at any offset below its length.
#[derive(Debug)]
pub(crate) struct Spool {
    options: SpoolOptions,
    /// The first `min(len, memory_limit)` bytes; its capacity never exceeds the limit.
    head: Vec<u8>,
    /// The bytes past the head, once there are any.
    file: Option<File>,
    len: u64,
}

impl Spool {
    pub(crate) fn new(options: SpoolOptions) -> Self {
        Self {
            options,
            head: Vec::new(),
            file: None,
            len: 0,
        }
    }

    /// A spool that holds `bytes` in memory, whatever their size (tests, local files).
    pub(crate) fn of(bytes: Vec<u8>) -> Self {
        Self {
            options: SpoolOptions {
                memory_limit: bytes.len().max(DEFAULT_MEMORY_LIMIT),
                dir: None,
            },
            len: bytes.len() as u64,
            head: bytes,
            file: None,
        }
    }

    /// A spool over a complete file on disk (a cached track): read in place, nothing in memory.
    pub(crate) fn of_file(file: File, len: u64) -> Self {
        Self {
            options: SpoolOptions {
                memory_limit: 0,
                dir: None,
            },
            head: Vec::new(),
            file: Some(file),
            len,
        }
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Bytes held in memory (allocated, not only used).
    pub(crate) fn in_memory(&self) -> usize {
        self.head.capacity()
    }

    pub(crate) fn append(&mut self, mut bytes: &[u8]) -> Result<(), SpoolError> {
        if self.len.saturating_add(bytes.len() as u64) > MAX_STREAM_BYTES {
            return Err(SpoolError::TooLarge);
        }
        let limit = self.options.memory_limit;
        if self.file.is_none() && self.head.len() < limit {
            let n = bytes.len().min(limit - self.head.len());
            self.grow_head(n);
            self.head.extend_from_slice(&bytes[..n]);
            self.len += n as u64;
            bytes = &bytes[n..];
        }
        if bytes.is_empty() {
            return Ok(());
        }
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(match &self.options.dir {
                Some(dir) => tempfile::tempfile_in(dir)?,
                None => match default_dir() {
                    Some(dir) => tempfile::tempfile_in(dir).or_else(|_| tempfile::tempfile())?,
                    None => tempfile::tempfile()?,
                },
            }),
        };
        file.seek(SeekFrom::End(0))?;
        file.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Room for `extra` more bytes in the head: doubling as a `Vec` would, but never past the
    /// memory limit.
    fn grow_head(&mut self, extra: usize) {
        let needed = self.head.len() + extra;
        if needed <= self.head.capacity() {
            return;
        }
        let target = needed
            .max(self.head.capacity().saturating_mul(2))
            .min(self.options.memory_limit);
        self.head.reserve_exact(target - self.head.len());
    }

    /// Copies bytes from `pos` into `out`; 0 at or past the end.
    pub(crate) fn read_at(&self, pos: u64, out: &mut [u8]) -> io::Result<usize> {
        if pos >= self.len || out.is_empty() {
            return Ok(0);
        }
        let head_len = self.head.len() as u64;
        if pos < head_len {
            let start = pos as usize;
            let n = out.len().min(self.head.len() - start);
            out[..n].copy_from_slice(&self.head[start..start + n]);
            return Ok(n);
        }
        let Some(mut file) = self.file.as_ref() else {
            return Ok(0);
        };
        let want = (self.len - pos).min(out.len() as u64) as usize;
        file.seek(SeekFrom::Start(pos - head_len))?;
        file.read(&mut out[..want])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    fn read_all(spool: &Spool, from: u64, chunk: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pos = from;
        let mut buf = vec![0; chunk];
        loop {
            let n = spool.read_at(pos, &mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
            pos += n as u64;
        }
    }

    #[test]
    fn memory_then_disk_reads_back_byte_exact() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new(SpoolOptions {
            memory_limit: 1000,
            dir: Some(dir.path().to_owned()),
        });
        let data = pattern(10_000);
        for piece in data.chunks(333) {
            spool.append(piece).unwrap();
            assert!(spool.in_memory() <= 1000, "{} in memory", spool.in_memory());
        }
        assert_eq!(spool.len(), 10_000);
        assert_eq!(spool.in_memory(), 1000);
        assert!(spool.file.is_some());
        assert_eq!(read_all(&spool, 0, 4096), data);
        // Reads that start in memory stop at its end; the next one continues from the file.
        assert_eq!(read_all(&spool, 990, 7), data[990..]);
        assert_eq!(read_all(&spool, 9_999, 64), data[9_999..]);
        assert_eq!(spool.read_at(10_000, &mut [0; 4]).unwrap(), 0);
        assert_eq!(spool.read_at(u64::MAX, &mut [0; 4]).unwrap(), 0);
        // The file has no name in its directory, ever.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_small_stream_never_touches_the_disk() {
        let mut spool = Spool::new(SpoolOptions {
            memory_limit: 1 << 20,
            dir: Some("/nonexistent/duet".into()),
        });
        spool.append(&pattern(5000)).unwrap();
        assert!(spool.file.is_none());
        assert_eq!(read_all(&spool, 0, 100), pattern(5000));
    }

    #[test]
    fn no_room_on_disk_is_a_typed_error() {
        let mut spool = Spool::new(SpoolOptions {
            memory_limit: 4,
            dir: Some("/nonexistent/duet".into()),
        });
        spool.append(b"abcd").unwrap();
        assert!(matches!(spool.append(b"e"), Err(SpoolError::Disk(_))));
        assert_eq!(spool.len(), 4);
    }

    #[test]
    fn more_than_the_cap_is_refused() {
        let mut spool = Spool::new(SpoolOptions::default());
        spool.len = MAX_STREAM_BYTES - 2;
        assert!(matches!(spool.append(b"abc"), Err(SpoolError::TooLarge)));
        assert_eq!(
            SpoolError::TooLarge.to_string(),
            "the audio file is larger than 2 GiB"
        );
    }
}
