//! The now-playing feed: a WebSocket on loopback for OBS, Rainmeter, panel widgets and lyric
//! tools. Read-only: whatever a client sends is ignored. Each connection gets the whole picture
//! ([`FeedMessage`]) at once and again on every change; a change of the position alone goes out
//! at most once per [`FEED_POSITION_INTERVAL`]. A slow client gets the latest picture, never a
//! backlog.
//!
//! Web pages from other sites must not learn what someone listens to: a browser always sends its
//! page's `Origin`, and only local pages (`file:`, `null`, `http://localhost`,
//! `http://127.0.0.1`) are let in; a `Host` other than this computer's (DNS rebinding) is refused.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message;

use crate::{LyricLine, NowPlayingError, PlaybackStatus, Published, TrackInfo};

/// A position-only change is sent at most this often.
pub const FEED_POSITION_INTERVAL: Duration = Duration::from_secs(1);

/// What each message of the feed carries (JSON; see the README).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedMessage {
    /// Always `"now_playing"`, so later kinds can be told apart.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub track: Option<TrackInfo>,
    pub status: PlaybackStatus,
    pub position_ms: u64,
    /// How fast the position moves on (1.0: normal speed), for widgets that count on between
    /// messages.
    pub rate: f64,
    pub volume: f64,
    pub lyric: Option<LyricLine>,
}

impl FeedMessage {
    pub fn from_published(published: &Published) -> Self {
        Self {
            kind: "now_playing",
            track: published.info.track.clone(),
            status: published.info.status,
            position_ms: published.position_ms,
            rate: published.rate,
            volume: published.info.volume,
            lyric: published.lyric.clone(),
        }
    }
}

/// A running feed: dropping it closes the listener and every connection.
pub struct Feed {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Feed {
    pub async fn start(
        addr: SocketAddr,
        published: watch::Receiver<Published>,
    ) -> Result<Self, NowPlayingError> {
        if !addr.ip().is_loopback() {
            return Err(NowPlayingError::NotLoopback(addr));
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| NowPlayingError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| NowPlayingError::Bind { addr, source })?;
        tracing::info!("now-playing feed on ws://{addr}/");
        let task = tokio::spawn(serve(listener, published));
        Ok(Self { addr, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops it and waits until its port is free again (a new feed may want it at once).
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

async fn serve(listener: TcpListener, published: watch::Receiver<Published>) {
    let (messages, _) = watch::channel(encode(&published.borrow()));
    let mut composing = std::pin::pin!(compose(published, messages.clone()));
    loop {
        tokio::select! {
            () = &mut composing => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tokio::spawn(client(stream, peer, messages.subscribe()));
                }
                Err(e) => {
                    tracing::debug!("now-playing feed: a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
}

fn encode(published: &Published) -> Arc<str> {
    serde_json::to_string(&FeedMessage::from_published(published))
        .unwrap_or_default()
        .into()
}

/// Turns the hub's changes into messages: at once for anything but the position, else at most
/// once per interval (the last position of a burst still goes out when the interval ends).
async fn compose(mut published: watch::Receiver<Published>, messages: watch::Sender<Arc<str>>) {
    let mut sent = published.borrow_and_update().clone();
    let mut sent_at = Instant::now();
    let mut pending = false;
    loop {
        let wait_until = sent_at + FEED_POSITION_INTERVAL;
        tokio::select! {
            changed = published.changed() => {
                if changed.is_err() {
                    return;
                }
                let now = published.borrow_and_update().clone();
                let position_only = now.info == sent.info
                    && now.lyric == sent.lyric
                    && now.rate == sent.rate
                    && now.seeks == sent.seeks;
                if position_only && Instant::now() < wait_until {
                    pending = now.position_ms != sent.position_ms;
                    continue;
                }
                if now != sent {
                    messages.send_replace(encode(&now));
                    sent = now;
                    sent_at = Instant::now();
                }
                pending = false;
            }
            () = tokio::time::sleep_until(wait_until), if pending => {
                let now = published.borrow().clone();
                messages.send_replace(encode(&now));
                sent = now;
                sent_at = Instant::now();
                pending = false;
            }
        }
    }
}

/// Web pages of this computer only (see the module's comment).
fn origin_allowed(origin: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    if origin == "null" || origin.starts_with("file://") {
        return true;
    }
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    is_this_computer(authority)
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_this_computer(authority: &str) -> bool {
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "[::1]"
    )
}

#[allow(clippy::result_large_err)] // tungstenite's callback signature
fn check_request(request: &Request, response: Response) -> Result<Response, ErrorResponse> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let host_ok = header("host").is_some_and(|h| is_this_computer(&h));
    if host_ok && origin_allowed(header("origin").as_deref()) {
        return Ok(response);
    }
    let mut refusal = ErrorResponse::new(Some(
        "the now-playing feed answers pages of this computer only".into(),
    ));
    *refusal.status_mut() = StatusCode::FORBIDDEN;
    Err(refusal)
}

async fn client(stream: TcpStream, peer: SocketAddr, mut messages: watch::Receiver<Arc<str>>) {
    let socket = match tokio_tungstenite::accept_hdr_async(stream, check_request).await {
        Ok(socket) => socket,
        Err(e) => {
            tracing::debug!("now-playing feed: {peer} refused: {e}");
            return;
        }
    };
    let (mut outgoing, mut incoming) = socket.split();
    let first = messages.borrow_and_update().clone();
    if outgoing.send(Message::text(&*first)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            changed = messages.changed() => {
                if changed.is_err() {
                    let _ = outgoing.close().await;
                    return;
                }
                let message = messages.borrow_and_update().clone();
                if outgoing.send(Message::text(&*message)).await.is_err() {
                    return;
                }
            }
            // Read-only: what a client says is not acted on; reading it answers pings and
            // notices a close.
            received = incoming.next() => match received {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_computers_pages_are_let_in() {
        for allowed in [
            None,
            Some("null"),
            Some("file://"),
            Some("http://localhost:8080"),
            Some("http://127.0.0.1"),
            Some("https://[::1]:3000"),
        ] {
            assert!(origin_allowed(allowed), "{allowed:?}");
        }
        for refused in [
            "https://example.com",
            "http://localhost.example.com",
            "http://127.0.0.1.evil.test",
            "chrome-extension://abc",
        ] {
            assert!(!origin_allowed(Some(refused)), "{refused}");
        }
    }
}
