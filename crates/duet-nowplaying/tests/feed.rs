//! The now-playing feed as OBS or a widget sees it: a WebSocket client on loopback.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{playing, track};
use duet_nowplaying::{LyricLine, NowPlaying, NowPlayingError, FEED_POSITION_INTERVAL};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

fn hub() -> NowPlaying {
    NowPlaying::new(common::identity("duet")).0
}

async fn connect(addr: SocketAddr) -> Socket {
    tokio_tungstenite::connect_async(format!("ws://{addr}/"))
        .await
        .unwrap()
        .0
}

/// The next message, within `within`.
async fn next(socket: &mut Socket, within: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(within, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(_))) => continue,
            Ok(other) => panic!("the feed closed: {other:?}"),
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn a_client_gets_the_track_then_each_change_and_the_position_once_a_second() {
    let hub = hub();
    assert_eq!(hub.feed_addr(), None, "off until started");
    let addr = hub.start_feed(loopback()).await.unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let mut socket = connect(addr).await;

    let first = next(&mut socket, Duration::from_secs(2)).await.unwrap();
    assert_eq!(first["type"], "now_playing");
    assert_eq!(first["track"], Value::Null);
    assert_eq!(first["status"], "stopped");
    assert_eq!(first["rate"], 1.0);

    hub.set_info(playing(track("netease:186016", "晴天")));
    let message = next(&mut socket, Duration::from_secs(2)).await.unwrap();
    assert_eq!(message["status"], "playing");
    assert_eq!(message["track"]["id"], "netease:186016");
    assert_eq!(message["track"]["title"], "晴天");
    assert_eq!(message["track"]["artists"][1], "费玉清");
    assert_eq!(message["track"]["album"], "叶惠美");
    assert_eq!(message["track"]["length_ms"], 240_000);

    // A new speed goes out at once (widgets count the position on at it).
    hub.set_rate(1.5);
    let message = next(&mut socket, Duration::from_millis(500)).await.unwrap();
    assert_eq!(message["rate"], 1.5);

    // A lyric line goes out at once, with its translation.
    hub.set_lyric(Some(LyricLine {
        track_id: "netease:186016".into(),
        index: 3,
        text: "故事的小黄花".into(),
        translation: Some("The little yellow flower of the story".into()),
    }));
    let message = next(&mut socket, Duration::from_millis(500)).await.unwrap();
    assert_eq!(message["lyric"]["index"], 3);
    assert_eq!(message["lyric"]["text"], "故事的小黄花");
    assert_eq!(
        message["lyric"]["translation"],
        "The little yellow flower of the story"
    );

    // Positions four times a second for three seconds: about one message a second, and the
    // last position arrives.
    let started = tokio::time::Instant::now();
    for tick in 1..=12u64 {
        tokio::time::sleep_until(started + Duration::from_millis(tick * 250)).await;
        hub.set_position(tick * 250, false);
    }
    let mut positions = Vec::new();
    while let Some(message) = next(
        &mut socket,
        FEED_POSITION_INTERVAL + Duration::from_millis(300),
    )
    .await
    {
        positions.push(message["position_ms"].as_u64().unwrap());
    }
    assert!(
        (2..=4).contains(&positions.len()),
        "12 ticks over 3 s made {positions:?}"
    );
    assert_eq!(positions.last(), Some(&3_000), "{positions:?}");

    // Read-only: what a client sends changes nothing and does not close the feed.
    socket
        .send(Message::text(r#"{"command":"next"}"#))
        .await
        .unwrap();
    hub.set_position(120_000, true);
    let message = next(&mut socket, Duration::from_millis(500)).await.unwrap();
    assert_eq!(message["position_ms"], 120_000, "a seek goes out at once");
    assert_eq!(message["track"]["id"], "netease:186016");

    hub.stop_feed().await;
    assert_eq!(hub.feed_addr(), None);
    let closed = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(_)) = socket.next().await {}
    })
    .await;
    assert!(closed.is_ok(), "stopping the feed closes its connections");
    assert!(TcpStream::connect(addr).await.is_err(), "and its port");
    // On again at once, on the same port (the settings' switch flicked off and on).
    assert_eq!(hub.start_feed(addr).await.unwrap(), addr);
    hub.stop_feed().await;
    assert_eq!(hub.start_feed(addr).await.unwrap(), addr);
}

#[tokio::test]
async fn the_feed_refuses_other_computers_a_taken_port_and_foreign_pages() {
    let hub = hub();
    let outside: SocketAddr = "0.0.0.0:0".parse().unwrap();
    assert!(matches!(
        hub.start_feed(outside).await,
        Err(NowPlayingError::NotLoopback(_))
    ));
    assert_eq!(hub.feed_addr(), None);

    let taken = std::net::TcpListener::bind(loopback()).unwrap();
    let error = hub
        .start_feed(taken.local_addr().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(error, NowPlayingError::Bind { .. }), "{error:?}");
    assert!(error
        .to_string()
        .contains(&taken.local_addr().unwrap().to_string()));

    let addr = hub.start_feed(loopback()).await.unwrap();
    let mut foreign = format!("ws://{addr}/").into_client_request().unwrap();
    foreign
        .headers_mut()
        .insert("Origin", "https://example.com".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(foreign).await.unwrap_err();
    assert!(refused.to_string().contains("403"), "{refused}");

    let mut local_page = format!("ws://{addr}/").into_client_request().unwrap();
    local_page
        .headers_mut()
        .insert("Origin", "http://localhost:8080".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(local_page).await.unwrap();
    assert!(next(&mut socket, Duration::from_secs(2)).await.is_some());
}
