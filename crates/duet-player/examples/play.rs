//! Plays audio URLs through the player, printing its events: a manual check of the sound
//! device path (`DUET_AUDIO_OUTPUT=null` for the null sink).
//!
//! ```sh
//! cargo run -p duet-player --example play -- http://127.0.0.1:8000/tone.mp3 [more URLs…]
//! ```

use std::sync::Arc;

use async_trait::async_trait;
use duet_core::{AlbumRef, ProviderId, Quality, StreamUrl, Track};
use duet_player::{
    output_from_env, Player, PlayerEvent, PlayerOptions, PlayerStatus, StreamResolver,
};

/// The track id is the URL.
struct UrlResolver;

#[async_trait]
impl StreamResolver for UrlResolver {
    async fn resolve(&self, track: &Track) -> duet_core::Result<StreamUrl> {
        let format = track.id.rsplit('.').next().unwrap_or("mp3").to_owned();
        Ok(StreamUrl {
            provider: track.provider,
            track_id: track.id.clone(),
            url: track.id.clone(),
            quality: Quality::Standard,
            format,
            bitrate: None,
            size: None,
            expires_at: None,
            trial: None,
            http_fallback_url: None,
            loudness: None,
        })
    }
}

#[tokio::main]
async fn main() {
    let urls: Vec<String> = std::env::args().skip(1).collect();
    if urls.is_empty() {
        eprintln!("usage: play URL [URL…]");
        std::process::exit(2);
    }
    let tracks = urls
        .iter()
        .map(|url| Track {
            provider: ProviderId::Netease,
            id: url.clone(),
            title: url.clone(),
            artists: vec![],
            album: AlbumRef {
                id: String::new(),
                name: String::new(),
                cover_url: None,
            },
            duration_ms: 0,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        })
        .collect();
    let player = Player::new(
        Arc::new(UrlResolver),
        output_from_env(),
        PlayerOptions::default(),
    );
    let mut events = player.subscribe();
    let started = std::time::Instant::now();
    let t = move || started.elapsed().as_millis();
    let state = player.play(tracks, 0).expect("play");
    println!("output: {:?}", state.output);
    while let Some(event) = events.recv().await {
        match event {
            PlayerEvent::State(s) => {
                println!(
                    "{:?} #{:?} {} ms, output {:?}",
                    s.status, s.index, s.duration_ms, s.output
                );
                if matches!(s.status, PlayerStatus::Ended | PlayerStatus::Idle) {
                    break;
                }
            }
            PlayerEvent::Position(p) => {
                println!("[{:5}]   {} / {} ms", t(), p.position_ms, p.duration_ms);
            }
            PlayerEvent::Skipped(s) => println!("skipped {}: {}", s.track.id, s.reason),
            PlayerEvent::Error(e) => println!("error: {e}"),
            PlayerEvent::DeviceLost(lost) => println!("device lost: {lost:?}"),
        }
    }
}
