//! Streaming: an HTTP download into a shared, growing buffer, and a symphonia [`MediaSource`] that
//! reads it while it grows.
//!
//! The download runs as a task on the tokio runtime; the decoder reads on the playback thread and
//! blocks (with a stall timeout) until the bytes it asks for have arrived. Seeking is free: only a
//! read past what has arrived waits. The bytes are kept in memory up to a limit and in a
//! temporary file past it (`spool.rs`).

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use duet_cache::CacheWriter;
use duet_core::{Error, ErrorKind};
use symphonia::core::io::MediaSource;

use crate::spool::{Spool, SpoolError};
pub use crate::spool::{SpoolOptions, DEFAULT_MEMORY_LIMIT, MAX_STREAM_BYTES};

/// How a download ended, or that it has not yet.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    /// The request is out; no response headers yet.
    Connecting,
    /// Headers are in, the body is arriving.
    Receiving,
    Done,
    Failed(Error),
    /// The player no longer wants these bytes.
    Cancelled,
}

#[derive(Debug)]
struct Inner {
    data: Spool,
    /// From Content-Length when the server sent one; the real length once the download is done.
    total: Option<u64>,
    content_type: Option<String>,
    /// The response headers arrived (the download may have failed since).
    started: bool,
    /// TLS to the https URL failed; the bytes come over plain http.
    http_fallback: bool,
    progress: Progress,
}

/// The bytes of one track as they arrive. Shared by the download task (writer) and any number of
/// [`StreamSource`]s (readers).
#[derive(Debug)]
pub struct StreamBuffer {
    inner: Mutex<Inner>,
    changed: Condvar,
}

impl StreamBuffer {
    /// A buffer that keeps [`DEFAULT_MEMORY_LIMIT`] bytes in memory and the rest on disk.
    pub fn new() -> Arc<Self> {
        Self::with_spool(SpoolOptions::default())
    }

    /// A buffer that keeps bytes as `options` say.
    pub fn with_spool(options: SpoolOptions) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(Inner {
                data: Spool::new(options),
                total: None,
                content_type: None,
                started: false,
                http_fallback: false,
                progress: Progress::Connecting,
            }),
            changed: Condvar::new(),
        })
    }

    /// A buffer that already holds a whole file (tests, local files).
    pub fn complete(bytes: Vec<u8>) -> Arc<Self> {
        let buffer = Self::new();
        {
            let mut inner = buffer.lock();
            inner.total = Some(bytes.len() as u64);
            inner.data = Spool::of(bytes);
            inner.started = true;
            inner.progress = Progress::Done;
        }
        buffer
    }

    /// A buffer over a complete file on disk (a cached track), read in place.
    pub fn from_file(file: std::fs::File, len: u64) -> Arc<Self> {
        let buffer = Self::new();
        {
            let mut inner = buffer.lock();
            inner.total = Some(len);
            inner.data = Spool::of_file(file, len);
            inner.started = true;
            inner.progress = Progress::Done;
        }
        buffer
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the data inconsistent (appends are
        // atomic with respect to readers), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update(&self, f: impl FnOnce(&mut Inner)) {
        f(&mut self.lock());
        self.changed.notify_all();
    }

    fn mark_http_fallback(&self) {
        self.update(|inner| inner.http_fallback = true);
    }

    /// Whether the bytes come over plain http because TLS to the https URL failed.
    pub fn used_http_fallback(&self) -> bool {
        self.lock().http_fallback
    }

    /// The response headers are in: `total` is the Content-Length, when known.
    pub fn start(&self, total: Option<u64>, content_type: Option<String>) {
        self.update(|inner| {
            if inner.progress == Progress::Connecting {
                inner.total = total;
                inner.content_type = content_type;
                inner.started = true;
                inner.progress = Progress::Receiving;
            }
        });
    }

    /// Appends a chunk of the body. `false`: the buffer was cancelled, stop downloading.
    pub fn append(&self, bytes: &[u8]) -> bool {
        let mut keep_going = true;
        self.update(|inner| match inner.progress {
            Progress::Cancelled | Progress::Failed(_) | Progress::Done => keep_going = false,
            Progress::Connecting | Progress::Receiving => match inner.data.append(bytes) {
                Ok(()) => inner.progress = Progress::Receiving,
                Err(e) => {
                    inner.progress = Progress::Failed(spool_error(e));
                    keep_going = false;
                }
            },
        });
        keep_going
    }

    /// The body is complete.
    pub fn finish(&self) {
        self.update(|inner| {
            if matches!(inner.progress, Progress::Connecting | Progress::Receiving) {
                inner.total = Some(inner.data.len());
                inner.progress = Progress::Done;
            }
        });
    }

    /// The download failed; readers get `error` once they reach the end of what did arrive.
    pub fn fail(&self, error: Error) {
        self.update(|inner| {
            if matches!(inner.progress, Progress::Connecting | Progress::Receiving) {
                inner.progress = Progress::Failed(error);
            }
        });
    }

    /// Wakes every blocked reader with an error and tells the downloader to stop.
    pub fn cancel(&self) {
        self.update(|inner| {
            if !matches!(inner.progress, Progress::Done | Progress::Failed(_)) {
                inner.progress = Progress::Cancelled;
            }
        });
    }

    pub fn is_cancelled(&self) -> bool {
        self.lock().progress == Progress::Cancelled
    }

    /// Bytes received so far.
    pub fn downloaded(&self) -> u64 {
        self.lock().data.len()
    }

    /// Bytes of the download held in memory (the rest is in a temporary file).
    pub fn in_memory(&self) -> usize {
        self.lock().data.in_memory()
    }

    pub fn is_complete(&self) -> bool {
        self.lock().progress == Progress::Done
    }

    /// Content-Length, or the final length once complete.
    pub fn total(&self) -> Option<u64> {
        self.lock().total
    }

    pub fn content_type(&self) -> Option<String> {
        self.lock().content_type.clone()
    }

    /// Why the download failed, if it did.
    pub fn failure(&self) -> Option<Error> {
        match &self.lock().progress {
            Progress::Failed(error) => Some(error.clone()),
            _ => None,
        }
    }

    /// Blocks until the response headers are in (or the download failed or was cancelled first).
    pub fn wait_started(&self, timeout: Duration) -> Result<(), Error> {
        let deadline = Instant::now() + timeout;
        let mut inner = self.lock();
        loop {
            if inner.started {
                return Ok(());
            }
            match &inner.progress {
                Progress::Connecting => {}
                Progress::Receiving | Progress::Done => return Ok(()),
                Progress::Failed(error) => return Err(error.clone()),
                Progress::Cancelled => return Err(cancelled_error()),
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::network(format!(
                    "the audio server did not answer within {} s",
                    timeout.as_secs()
                )));
            }
            inner = self
                .changed
                .wait_timeout(inner, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

fn cancelled_error() -> Error {
    Error::new(ErrorKind::Declined, "playback of this track was stopped")
}

fn spool_error(error: SpoolError) -> Error {
    Error::new(ErrorKind::Unavailable, error.to_string())
}

/// Reads a [`StreamBuffer`] as a seekable file, blocking until the requested bytes arrive.
#[derive(Debug)]
pub struct StreamSource {
    buffer: Arc<StreamBuffer>,
    pos: u64,
    /// How long a read may wait without a single new byte arriving.
    stall_timeout: Duration,
}

impl StreamSource {
    pub fn new(buffer: Arc<StreamBuffer>, stall_timeout: Duration) -> Self {
        Self {
            buffer,
            pos: 0,
            stall_timeout,
        }
    }

    /// Waits until `ready` holds for the buffer, the download ends, or it stalls.
    fn wait<'a>(
        &'a self,
        mut inner: MutexGuard<'a, Inner>,
        ready: impl Fn(&Inner) -> bool,
    ) -> io::Result<MutexGuard<'a, Inner>> {
        let mut seen = inner.data.len();
        let mut deadline = Instant::now() + self.stall_timeout;
        loop {
            if ready(&inner) {
                return Ok(inner);
            }
            match &inner.progress {
                Progress::Done => return Ok(inner),
                Progress::Failed(error) => return Err(io::Error::other(error.clone())),
                Progress::Cancelled => return Err(io::Error::other(cancelled_error())),
                Progress::Connecting | Progress::Receiving => {}
            }
            if inner.data.len() != seen {
                seen = inner.data.len();
                deadline = Instant::now() + self.stall_timeout;
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    Error::network(format!(
                        "the audio download stalled for {} s",
                        self.stall_timeout.as_secs()
                    )),
                ));
            }
            inner = self
                .buffer
                .changed
                .wait_timeout(inner, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl Read for StreamSource {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let pos = self.pos;
        let inner = self.wait(self.buffer.lock(), |inner| inner.data.len() > pos)?;
        // Ready, or the download is complete: past the end reads 0 (EOF).
        let n = inner.data.read_at(pos, out)?;
        drop(inner);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for StreamSource {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(delta) => self.pos.checked_add_signed(delta),
            SeekFrom::End(delta) => {
                // The length is known from Content-Length, or once the download is complete.
                let inner = self.wait(self.buffer.lock(), |inner| inner.total.is_some())?;
                let end = inner.total.unwrap_or(inner.data.len());
                end.checked_add_signed(delta)
            }
        };
        let target = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.pos = target;
        Ok(target)
    }
}

impl MediaSource for StreamSource {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        self.buffer.total()
    }
}

/// The error behind a failed read, as the player reports it: the download's own error when it
/// failed (HTTP status, network), else the one a [`StreamSource`] read carried (stall, stop).
pub fn io_failure(buffer: &StreamBuffer, error: &io::Error) -> Option<Error> {
    if let Some(failure) = buffer.failure() {
        return Some(failure);
    }
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Error>())
        .cloned()
}

/// Whether a `Content-Type` says the body cannot be audio (an error page, a JSON error).
fn is_not_audio(content_type: &str) -> Option<&'static str> {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "text/html" || mime == "application/xhtml+xml" {
        Some("an HTML page")
    } else if mime == "application/json" || mime.ends_with("+json") {
        Some("a JSON document")
    } else if mime.starts_with("text/") {
        Some("a text document")
    } else {
        None
    }
}

/// The kind and wording for an HTTP error status of the audio server.
fn status_error(status: reqwest::StatusCode) -> Error {
    let kind = match status.as_u16() {
        404 | 410 => ErrorKind::NotFound,
        401 | 403 | 451 => ErrorKind::Unavailable,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Upstream,
    };
    Error::new(kind, format!("the audio server answered HTTP {status}"))
}

/// Whether a request failed in the TLS handshake (a certificate refused, a server or middlebox
/// that does not speak TLS), as opposed to DNS, TCP or a timeout. rustls reports those wrapped
/// in `io::Error`s, whose `source()` skips the wrapped error itself, hence `get_ref`.
fn is_tls_failure(error: &reqwest::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        if e.is::<rustls::Error>() {
            return true;
        }
        next = match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    false
}

/// Sends the GET of `url`; the error says whether TLS was what failed.
async fn send(
    client: &reqwest::Client,
    url: &str,
    stall_timeout: Duration,
) -> Result<reqwest::Response, (Error, bool)> {
    match tokio::time::timeout(stall_timeout, client.get(url).send()).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err((
            Error::network(format!(
                "could not download the audio: {}",
                describe_reqwest(&e)
            )),
            is_tls_failure(&e),
        )),
        Err(_) => Err((
            Error::network(format!(
                "the audio server did not answer within {} s",
                stall_timeout.as_secs()
            )),
            false,
        )),
    }
}

/// Downloads `url` into `buffer`. When TLS to `url` fails and there is an `http_fallback` (the
/// service's own plain-http URL of the file), downloads that instead and marks the buffer
/// ([`StreamBuffer::used_http_fallback`]). Never panics; every failure ends up in
/// [`StreamBuffer::fail`]. Returns early when the buffer is cancelled. With a `cache` writer, the
/// bytes also go into the audio cache, committed only when the whole file arrived.
pub async fn download(
    client: reqwest::Client,
    url: String,
    http_fallback: Option<String>,
    buffer: Arc<StreamBuffer>,
    stall_timeout: Duration,
    mut cache: Option<CacheWriter>,
) {
    let response = match send(&client, &url, stall_timeout).await {
        Ok(response) => response,
        Err((error, true)) if http_fallback.is_some() => {
            let host = reqwest::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_default();
            tracing::warn!(
                host,
                "TLS to the audio CDN failed, so over plain http: {error}"
            );
            buffer.mark_http_fallback();
            let fallback = http_fallback.unwrap_or_default();
            match send(&client, &fallback, stall_timeout).await {
                Ok(response) => response,
                Err((error, _)) => {
                    buffer.fail(error);
                    return;
                }
            }
        }
        Err((error, _)) => {
            buffer.fail(error);
            return;
        }
    };
    let status = response.status();
    if !status.is_success() {
        buffer.fail(status_error(status));
        return;
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(what) = content_type.as_deref().and_then(is_not_audio) {
        buffer.fail(Error::upstream(format!(
            "the audio server sent {what} ({}) instead of audio",
            content_type.as_deref().unwrap_or_default()
        )));
        return;
    }
    let total = response.content_length();
    if total.is_some_and(|n| n > MAX_STREAM_BYTES) {
        buffer.fail(spool_error(SpoolError::TooLarge));
        return;
    }
    buffer.start(total, content_type);
    let mut response = response;
    loop {
        match tokio::time::timeout(stall_timeout, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                if !buffer.append(&chunk) {
                    return;
                }
                if let Some(writer) = &mut cache {
                    if let Err(e) = writer.write_all(&chunk) {
                        tracing::warn!("cannot write to the audio cache: {e}");
                        cache = None;
                    }
                }
            }
            Ok(Ok(None)) => {
                let got = buffer.downloaded();
                match total {
                    Some(expected) if got < expected => buffer.fail(Error::network(format!(
                        "the audio download was cut off after {got} of {expected} bytes"
                    ))),
                    _ => {
                        buffer.finish();
                        if let Some(writer) = cache {
                            if let Err(e) = writer.commit(Some(total.unwrap_or(got))) {
                                tracing::warn!("the track was not cached: {e}");
                            }
                        }
                    }
                }
                return;
            }
            Ok(Err(e)) => {
                buffer.fail(Error::network(format!(
                    "the audio download was interrupted after {} bytes: {}",
                    buffer.downloaded(),
                    describe_reqwest(&e)
                )));
                return;
            }
            Err(_) => {
                buffer.fail(Error::network(format!(
                    "the audio download stalled for {} s",
                    stall_timeout.as_secs()
                )));
                return;
            }
        }
    }
}

/// reqwest's Display hides the cause ("error sending request"); add it, and leave out the URL
/// (it may carry tokens).
fn describe_reqwest(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(&format!(" for url ({url})"), "");
        text = text.replace(url.as_str(), "<url>");
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn reads_block_until_bytes_arrive() {
        let buffer = StreamBuffer::new();
        buffer.start(Some(6), None);
        let mut source = StreamSource::new(buffer.clone(), Duration::from_secs(5));
        let writer = {
            let buffer = buffer.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                buffer.append(b"abc");
                thread::sleep(Duration::from_millis(50));
                buffer.append(b"def");
                buffer.finish();
            })
        };
        let mut all = Vec::new();
        source.read_to_end(&mut all).unwrap();
        writer.join().unwrap();
        assert_eq!(all, b"abcdef");
        assert_eq!(source.byte_len(), Some(6));
    }

    #[test]
    fn seeking_past_the_download_waits_for_it() {
        let buffer = StreamBuffer::new();
        buffer.start(Some(8), None);
        buffer.append(b"0123");
        let mut source = StreamSource::new(buffer.clone(), Duration::from_secs(5));
        assert_eq!(source.seek(SeekFrom::End(-2)).unwrap(), 6);
        let writer = {
            let buffer = buffer.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                buffer.append(b"4567");
                buffer.finish();
            })
        };
        let mut two = [0u8; 2];
        source.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"67");
        writer.join().unwrap();
        assert_eq!(source.read(&mut two).unwrap(), 0, "EOF after the end");
    }

    /// Open descriptors of this process on files in `dir` (Linux; `None` elsewhere).
    fn open_files_in(dir: &std::path::Path) -> Option<usize> {
        let fds = std::fs::read_dir("/proc/self/fd").ok()?;
        Some(
            fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
                .filter(|target| target.starts_with(dir))
                .count(),
        )
    }

    #[test]
    fn a_stream_past_the_memory_limit_spills_to_a_file_that_goes_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let limit = 64 * 1024;
        let buffer = StreamBuffer::with_spool(SpoolOptions {
            memory_limit: limit,
            dir: Some(dir.path().to_owned()),
        });
        let data: Vec<u8> = (0..1_000_003u32).map(|i| (i % 253) as u8).collect();
        buffer.start(Some(data.len() as u64), Some("audio/flac".into()));
        let mut source = StreamSource::new(buffer.clone(), Duration::from_secs(5));
        let writer = {
            let buffer = buffer.clone();
            let data = data.clone();
            thread::spawn(move || {
                for piece in data.chunks(16 * 1024 + 5) {
                    assert!(buffer.append(piece));
                    assert!(buffer.in_memory() <= limit, "{}", buffer.in_memory());
                }
                buffer.finish();
            })
        };
        // Read while it downloads, across the boundary, in odd sizes.
        let mut all = Vec::new();
        let mut chunk = [0u8; 7919];
        loop {
            let n = source.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            all.extend_from_slice(&chunk[..n]);
        }
        writer.join().unwrap();
        assert!(all == data, "read back byte-exact");
        assert_eq!(buffer.in_memory(), limit);

        // Seeks back and forth across the boundary.
        for (at, len) in [
            (limit as u64 - 10, 20),
            (0, 5),
            (900_000, 100_003),
            (limit as u64, 1),
            (3, limit + 9),
        ] {
            let mut got = vec![0u8; len];
            source.seek(SeekFrom::Start(at)).unwrap();
            source.read_exact(&mut got).unwrap();
            assert!(got == data[at as usize..at as usize + len], "at {at}");
        }
        assert_eq!(
            source.seek(SeekFrom::End(-1)).unwrap(),
            data.len() as u64 - 1
        );
        let mut last = [0u8; 1];
        source.read_exact(&mut last).unwrap();
        assert_eq!(last[0], data[data.len() - 1]);

        // The file never has a name; it is open while the buffer lives, and closed with it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        if let Some(open) = open_files_in(dir.path()) {
            assert_eq!(open, 1, "the spill file is open");
            drop(source);
            drop(buffer);
            assert_eq!(open_files_in(dir.path()), Some(0), "and closed afterwards");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn a_stream_announced_larger_than_the_cap_is_refused_before_any_byte() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/huge.flac", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let _ = socket.read(&mut [0u8; 1024]).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: audio/flac\r\nContent-Length: {}\r\n\r\n",
                MAX_STREAM_BYTES + 1
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&[0u8; 4096]).await;
        });
        let buffer = StreamBuffer::new();
        download(
            reqwest::Client::new(),
            url,
            None,
            buffer.clone(),
            Duration::from_secs(5),
            None,
        )
        .await;
        let failure = buffer.failure().expect("refused");
        assert_eq!(failure.kind, ErrorKind::Unavailable);
        assert_eq!(failure.message, "the audio file is larger than 2 GiB");
        assert_eq!(buffer.downloaded(), 0);
        server.abort();
    }

    #[test]
    fn a_cached_file_is_read_in_place_with_nothing_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cached.flac");
        let data: Vec<u8> = (0..3_000_017u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let buffer =
            StreamBuffer::from_file(std::fs::File::open(&path).unwrap(), data.len() as u64);
        assert!(buffer.is_complete());
        assert_eq!(buffer.total(), Some(data.len() as u64));
        let mut source = StreamSource::new(buffer.clone(), Duration::from_secs(1));
        let mut chunk = [0u8; 4096];
        let mut pos = 0usize;
        loop {
            let n = source.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            assert!(chunk[..n] == data[pos..pos + n], "at {pos}");
            pos += n;
            // The bytes stream from the file: nothing of it is held in memory.
            assert_eq!(buffer.in_memory(), 0);
        }
        assert_eq!(pos, data.len());
        source.seek(SeekFrom::Start(1_234_567)).unwrap();
        source.read_exact(&mut chunk[..10]).unwrap();
        assert_eq!(chunk[..10], data[1_234_567..1_234_577]);
    }

    #[test]
    fn a_stalled_download_times_out() {
        let buffer = StreamBuffer::new();
        buffer.start(None, None);
        let mut source = StreamSource::new(buffer, Duration::from_millis(100));
        let started = Instant::now();
        let err = source.read(&mut [0u8; 4]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(100));
    }

    #[test]
    fn failure_and_cancel_wake_readers_with_the_reason() {
        let buffer = StreamBuffer::new();
        buffer.start(None, None);
        buffer.append(b"xy");
        let mut source = StreamSource::new(buffer.clone(), Duration::from_secs(5));
        let failer = {
            let buffer = buffer.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(30));
                buffer.fail(Error::network("cut off"));
            })
        };
        let mut all = Vec::new();
        let err = source.read_to_end(&mut all).unwrap_err();
        failer.join().unwrap();
        assert_eq!(all, b"xy", "what arrived is still readable");
        assert_eq!(io_failure(&buffer, &err).unwrap().message, "cut off");

        let buffer = StreamBuffer::new();
        let mut source = StreamSource::new(buffer.clone(), Duration::from_secs(5));
        let canceller = thread::spawn(move || {
            thread::sleep(Duration::from_millis(30));
            buffer.cancel();
        });
        assert!(source.read(&mut [0u8; 1]).is_err());
        canceller.join().unwrap();
    }

    #[test]
    fn a_download_that_started_counts_as_started_even_if_it_failed_since() {
        let buffer = StreamBuffer::new();
        buffer.start(Some(10), Some("audio/mpeg".into()));
        buffer.append(b"abc");
        buffer.fail(Error::network("cut off"));
        assert!(buffer.wait_started(Duration::from_millis(10)).is_ok());
        assert_eq!(buffer.content_type().as_deref(), Some("audio/mpeg"));

        let refused = StreamBuffer::new();
        refused.fail(Error::not_found("HTTP 404"));
        assert_eq!(
            refused
                .wait_started(Duration::from_secs(1))
                .unwrap_err()
                .kind,
            ErrorKind::NotFound
        );
        let silent = StreamBuffer::new();
        assert_eq!(
            silent
                .wait_started(Duration::from_millis(20))
                .unwrap_err()
                .kind,
            ErrorKind::Network
        );
    }

    #[test]
    fn error_pages_are_not_audio() {
        assert!(is_not_audio("text/html; charset=utf-8").is_some());
        assert!(is_not_audio("application/json").is_some());
        assert!(is_not_audio("audio/mpeg").is_none());
        assert!(is_not_audio("application/octet-stream").is_none());
    }
}
