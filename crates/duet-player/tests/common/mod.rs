//! Test fixtures: a tiny loopback HTTP server for audio files (optionally slow, truncated or
//! failing), a resolver over a table, tracks, and an event recorder.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use duet_core::{AlbumRef, ArtistRef, Error, ProviderId, Quality, StreamUrl, Track, TrialWindow};
use duet_player::{
    Capture, NullOutputFactory, Pace, Player, PlayerEvent, PlayerOptions, PlayerState,
    PlayerStatus, SkippedTrack, StreamResolver,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub fn testdata(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// How the server answers one path.
#[derive(Debug, Clone)]
pub struct Route {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// Send the body in pieces of this size with this pause before each.
    pub chunks: Option<(usize, Duration)>,
    /// Declare this Content-Length (more than the body: a download cut off).
    pub declared_len: Option<usize>,
}

impl Route {
    pub fn audio(name: &str) -> Self {
        let content_type = match name.rsplit('.').next() {
            Some("mp3") => "audio/mpeg",
            Some("flac") => "audio/flac",
            Some("m4a") => "audio/mp4",
            Some("wav") => "audio/wav",
            _ => "application/octet-stream",
        };
        Self {
            status: 200,
            content_type: content_type.into(),
            body: testdata(name),
            chunks: None,
            declared_len: None,
        }
    }

    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            body: body.into(),
            chunks: None,
            declared_len: None,
        }
    }

    pub fn slowly(mut self, chunk: usize, pause: Duration) -> Self {
        self.chunks = Some((chunk, pause));
        self
    }

    /// Declares the full length but sends only the first `fraction` of the body.
    pub fn cut_off(mut self, fraction: f64) -> Self {
        self.declared_len = Some(self.body.len());
        let keep = (self.body.len() as f64 * fraction) as usize;
        self.body.truncate(keep);
        self
    }
}

#[derive(Default)]
struct ServerState {
    routes: HashMap<String, Route>,
    last_byte_at: HashMap<String, Instant>,
    /// Requests answered, in order (their paths).
    served: Vec<String>,
}

/// A loopback HTTP/1.1 server, one response per connection.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    state: Arc<Mutex<ServerState>>,
}

impl Server {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(ServerState::default()));
        let server = Self { addr, state };
        let accepting = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = accepting.clone();
                tokio::spawn(async move {
                    let _ = server.serve(stream).await;
                });
            }
        });
        server
    }

    pub fn route(&self, path: &str, route: Route) -> String {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(path.to_owned(), route);
        self.url(path)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `path` on this server as an https URL: TLS to it fails (the server speaks plain HTTP).
    pub fn https_url(&self, path: &str) -> String {
        format!("https://{}{path}", self.addr)
    }

    /// The paths of the requests answered so far, in order.
    pub fn served(&self) -> Vec<String> {
        self.state.lock().unwrap().served.clone()
    }

    /// When the last byte of `path` went out.
    pub fn last_byte_at(&self, path: &str) -> Option<Instant> {
        self.state.lock().unwrap().last_byte_at.get(path).copied()
    }

    async fn serve(&self, mut stream: TcpStream) -> std::io::Result<()> {
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            request.extend_from_slice(&buf[..n]);
            // A TLS handshake (record type 22) on this plain-HTTP port: answer as a web server
            // does to something that is not HTTP, so the client's TLS fails at once.
            if request[0] == 0x16 {
                stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
                    .await?;
                return stream.shutdown().await;
            }
        }
        let text = String::from_utf8_lossy(&request);
        let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let route = {
            let mut state = self.state.lock().unwrap();
            state.served.push(path.clone());
            state.routes.get(&path).cloned()
        };
        let route = route.unwrap_or_else(|| Route::body(404, "text/plain", "no such file"));
        let reason = match route.status {
            200 => "OK",
            404 => "Not Found",
            403 => "Forbidden",
            _ => "Status",
        };
        let head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            route.status,
            route.content_type,
            route.declared_len.unwrap_or(route.body.len())
        );
        stream.write_all(head.as_bytes()).await?;
        match route.chunks {
            None => stream.write_all(&route.body).await?,
            Some((size, pause)) => {
                for piece in route.body.chunks(size.max(1)) {
                    tokio::time::sleep(pause).await;
                    stream.write_all(piece).await?;
                    stream.flush().await?;
                }
            }
        }
        stream.flush().await?;
        self.state
            .lock()
            .unwrap()
            .last_byte_at
            .insert(path, Instant::now());
        stream.shutdown().await?;
        Ok(())
    }
}

pub fn track(id: &str) -> Track {
    Track {
        provider: ProviderId::Netease,
        id: id.into(),
        title: format!("Track {id}"),
        artists: vec![ArtistRef {
            id: "1".into(),
            name: "Artist".into(),
        }],
        album: AlbumRef {
            id: "2".into(),
            name: "Album".into(),
            cover_url: None,
        },
        duration_ms: 2000,
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

pub fn stream_url(id: &str, url: &str, format: &str) -> StreamUrl {
    StreamUrl {
        provider: ProviderId::Netease,
        track_id: id.into(),
        url: url.into(),
        quality: Quality::Standard,
        format: format.into(),
        bitrate: None,
        size: None,
        expires_at: None,
        trial: None,
        http_fallback_url: None,
        loudness: None,
    }
}

/// Answers from a table of track id → URL or error.
#[derive(Default)]
pub struct TableResolver {
    table: Mutex<HashMap<String, Result<StreamUrl, Error>>>,
    /// How many URLs the player asked for.
    asked: AtomicUsize,
}

impl TableResolver {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn url(&self, id: &str, url: &str, format: &str) {
        self.set(id, Ok(stream_url(id, url, format)));
    }

    /// `url` with `fallback` as its plain-http fallback.
    pub fn url_with_fallback(&self, id: &str, url: &str, fallback: &str, format: &str) {
        let mut stream = stream_url(id, url, format);
        stream.http_fallback_url = Some(fallback.into());
        self.set(id, Ok(stream));
    }

    pub fn trial(&self, id: &str, url: &str, format: &str, trial: TrialWindow) {
        let mut stream = stream_url(id, url, format);
        stream.trial = Some(trial);
        self.set(id, Ok(stream));
    }

    pub fn set(&self, id: &str, answer: Result<StreamUrl, Error>) {
        self.table.lock().unwrap().insert(id.into(), answer);
    }

    /// How many URLs the player has asked for so far.
    pub fn asked(&self) -> usize {
        self.asked.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl StreamResolver for TableResolver {
    async fn resolve(&self, track: &Track) -> duet_core::Result<StreamUrl> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let answer = self.table.lock().unwrap().get(&track.id).cloned();
        answer.unwrap_or_else(|| Err(Error::not_found(format!("no URL for {}", track.id))))
    }
}

/// A player on the null sink, recording what it plays into `capture`.
pub fn player(resolver: Arc<TableResolver>, pace: Pace, capture: &Capture) -> Player {
    player_with(resolver, pace, capture, PlayerOptions::default())
}

/// [`player`] with `options` (its timeouts and shuffle seed set for tests).
pub fn player_with(
    resolver: Arc<dyn StreamResolver>,
    pace: Pace,
    capture: &Capture,
    options: PlayerOptions,
) -> Player {
    Player::new(
        resolver,
        Arc::new(NullOutputFactory::new(pace).with_capture(capture.clone())),
        PlayerOptions {
            shuffle_seed: Some(7),
            stall_timeout: Duration::from_secs(5),
            resolve_timeout: Duration::from_secs(5),
            ..options
        },
    )
}

/// Records a player's events and waits for the interesting ones.
pub struct Events {
    rx: duet_player::EventReceiver,
    pub seen: Vec<(Instant, PlayerEvent)>,
}

impl Events {
    pub fn new(player: &Player) -> Self {
        Self {
            rx: player.subscribe(),
            seen: Vec::new(),
        }
    }

    /// Waits for an event matching `pred` (panics with what was seen after `within`).
    pub async fn until(
        &mut self,
        within: Duration,
        mut pred: impl FnMut(&PlayerEvent) -> bool,
    ) -> PlayerEvent {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(event)) => {
                    self.seen.push((Instant::now(), event.clone()));
                    if pred(&event) {
                        return event;
                    }
                }
                Ok(None) => panic!("the player went away"),
                Err(_) => panic!(
                    "timed out after {within:?}; seen: {:#?}",
                    self.seen
                        .iter()
                        .map(|(_, e)| summary(e))
                        .collect::<Vec<_>>()
                ),
            }
        }
    }

    pub async fn until_status(&mut self, within: Duration, status: PlayerStatus) -> PlayerState {
        match self
            .until(
                within,
                |e| matches!(e, PlayerEvent::State(s) if s.status == status),
            )
            .await
        {
            PlayerEvent::State(state) => state,
            _ => unreachable!(),
        }
    }

    /// Takes whatever arrives within `within`.
    pub async fn drain_for(&mut self, within: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + within;
        let mut n = 0;
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            self.seen.push((Instant::now(), event));
            n += 1;
        }
        n
    }

    pub fn states(&self) -> Vec<&PlayerState> {
        self.seen
            .iter()
            .filter_map(|(_, e)| match e {
                PlayerEvent::State(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    /// The queue index of every `playing` state, in order (one per playback).
    pub fn played_indices(&self) -> Vec<usize> {
        let mut indices = Vec::new();
        for state in self.states() {
            if state.status == PlayerStatus::Playing {
                indices.push(state.index.unwrap());
            }
        }
        indices
    }

    pub fn skipped(&self) -> Vec<&SkippedTrack> {
        self.seen
            .iter()
            .filter_map(|(_, e)| match e {
                PlayerEvent::Skipped(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    pub fn errors(&self) -> Vec<&Error> {
        self.seen
            .iter()
            .filter_map(|(_, e)| match e {
                PlayerEvent::Error(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    pub fn positions(&self) -> Vec<(Instant, u64)> {
        self.seen
            .iter()
            .filter_map(|(at, e)| match e {
                PlayerEvent::Position(p) => Some((*at, p.position_ms)),
                _ => None,
            })
            .collect()
    }
}

fn summary(event: &PlayerEvent) -> String {
    match event {
        PlayerEvent::State(s) => format!(
            "state {:?} index {:?} pos {} dur {} err {:?}",
            s.status,
            s.index,
            s.position_ms,
            s.duration_ms,
            s.error.as_ref().map(|e| &e.message)
        ),
        PlayerEvent::Position(p) => format!("position {}", p.position_ms),
        PlayerEvent::Skipped(s) => format!("skipped {}: {}", s.track.id, s.reason),
        PlayerEvent::Error(e) => format!("error {e}"),
        PlayerEvent::DeviceLost(lost) => format!("device lost {lost:?}"),
    }
}

/// Milliseconds of audio in `frames` frames at `rate`.
pub fn ms(frames: usize, rate: u32) -> u64 {
    frames as u64 * 1000 / u64::from(rate)
}
