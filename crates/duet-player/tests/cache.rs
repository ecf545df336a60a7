//! The player with an audio cache: a second play comes from disk without a URL or a download,
//! a renewed URL still hits, trial clips and cut-off downloads are never cached, and a damaged
//! entry is fetched again.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use duet_cache::AudioCache;
use duet_core::{ProviderId, TrialWindow};
use duet_player::{Capture, Pace, Player, PlayerOptions, PlayerStatus};

const WAIT: Duration = Duration::from_secs(15);

fn cached_player(resolver: Arc<TableResolver>, cache: &Arc<AudioCache>) -> (Player, Capture) {
    let capture = Capture::new();
    let player = player_with(
        resolver,
        Pace::Unlimited,
        &capture,
        PlayerOptions {
            cache: Some(cache.clone()),
            ..PlayerOptions::default()
        },
    );
    (player, capture)
}

/// Plays `id` to its end; the frames heard.
async fn play_through(player: &Player, capture: &Capture, id: &str) -> usize {
    let before = capture.frames();
    let mut events = Events::new(player);
    player.play(vec![track(id)], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert!(events.errors().is_empty(), "{:?}", events.errors());
    assert!(events.skipped().is_empty(), "{:?}", events.skipped());
    capture.frames() - before
}

/// The cache's index writes happen on the download task after the last byte: wait for them.
async fn until_cached(cache: &AudioCache, id: &str) {
    for _ in 0..1000 {
        if cache.contains(ProviderId::Netease, id) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{id} was never cached");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_play_comes_from_the_cache_without_a_url_or_a_download() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 30).unwrap();
    let server = Server::start().await;
    for (name, format) in [("tone.mp3", "mp3"), ("tone.flac", "flac")] {
        let resolver = TableResolver::new();
        let id = format!("id-{format}");
        resolver.url(
            &id,
            &server.route(&format!("/{name}?sign=1"), Route::audio(name)),
            format,
        );
        let (player, capture) = cached_player(resolver.clone(), &cache);
        let first = play_through(&player, &capture, &id).await;
        until_cached(&cache, &id).await;
        let served = server.served().len();
        let asked = resolver.asked();

        let second = play_through(&player, &capture, &id).await;
        assert_eq!(first, second, "{name}: the same audio both times");
        assert_eq!(resolver.asked(), asked, "{name}: no URL asked for");
        assert_eq!(server.served().len(), served, "{name}: nothing downloaded");
        let hit = cache.lookup(ProviderId::Netease, &id).unwrap();
        assert_eq!(hit.len, testdata(name).len() as u64);
        assert_eq!(std::fs::read(&hit.path).unwrap(), testdata(name));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_url_hits_the_cache_after_the_cache_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "7",
        &server.route("/tone.mp3?vkey=old", Route::audio("tone.mp3")),
        "mp3",
    );
    {
        let cache = AudioCache::open(dir.path(), 1 << 30).unwrap();
        let (player, capture) = cached_player(resolver.clone(), &cache);
        play_through(&player, &capture, "7").await;
        until_cached(&cache, "7").await;
    }
    // The service renewed the URL (a new signature); the app restarted.
    resolver.url(
        "7",
        &server.route("/tone.mp3?vkey=new", Route::audio("tone.mp3")),
        "mp3",
    );
    let cache = AudioCache::open(dir.path(), 1 << 30).unwrap();
    let (player, capture) = cached_player(resolver.clone(), &cache);
    let asked = resolver.asked();
    assert!(play_through(&player, &capture, "7").await > 0);
    assert_eq!(resolver.asked(), asked);
    assert!(!server.served().iter().any(|p| p.contains("vkey=new")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trial_clips_and_cut_off_downloads_are_never_cached() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 30).unwrap();
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.trial(
        "trial",
        &server.route("/trial.mp3", Route::audio("tone.mp3")),
        "mp3",
        TrialWindow {
            start_ms: 0,
            end_ms: 1000,
        },
    );
    resolver.url(
        "cut",
        &server.route("/cut.mp3", Route::audio("long.mp3").cut_off(0.5)),
        "mp3",
    );
    let (player, _capture) = cached_player(resolver.clone(), &cache);
    let mut events = Events::new(&player);
    player.play(vec![track("trial"), track("cut")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    // Give a stray commit time to land, then look.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!cache.contains(ProviderId::Netease, "trial"));
    assert!(!cache.contains(ProviderId::Netease, "cut"));
    assert_eq!(cache.usage().tracks, 0);
    assert_eq!(
        std::fs::read_dir(dir.path().join("partial"))
            .unwrap()
            .count(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_cached_file_is_dropped_and_fetched_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 30).unwrap();
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "9",
        &server.route("/tone.flac", Route::audio("tone.flac")),
        "flac",
    );
    let (player, capture) = cached_player(resolver.clone(), &cache);
    let first = play_through(&player, &capture, "9").await;
    until_cached(&cache, "9").await;
    // Same length, garbage bytes: only the decoder can tell.
    let hit = cache.lookup(ProviderId::Netease, "9").unwrap();
    std::fs::write(&hit.path, vec![0x55u8; hit.len as usize]).unwrap();
    let asked = resolver.asked();
    let second = play_through(&player, &capture, "9").await;
    assert_eq!(first, second);
    assert_eq!(resolver.asked(), asked + 1, "fetched again");
    until_cached(&cache, "9").await;
    assert_eq!(
        std::fs::read(cache.lookup(ProviderId::Netease, "9").unwrap().path).unwrap(),
        testdata("tone.flac")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_mode_plays_cached_tracks_and_says_why_the_others_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 30).unwrap();
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "here",
        &server.route("/here.mp3", Route::audio("tone.mp3")),
        "mp3",
    );
    resolver.url(
        "elsewhere",
        &server.route("/elsewhere.mp3", Route::audio("tone.mp3")),
        "mp3",
    );
    let capture = Capture::new();
    let player = player_with(
        resolver.clone(),
        Pace::Unlimited,
        &capture,
        PlayerOptions::default(),
    );
    // A cache set on a running player is used from the next track on.
    player.set_cache(Some(cache.clone()));
    play_through(&player, &capture, "here").await;
    until_cached(&cache, "here").await;

    player.set_offline(true);
    let (asked, served) = (resolver.asked(), server.served().len());
    let mut events = Events::new(&player);
    player
        .play(vec![track("elsewhere"), track("here")], 0)
        .unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    let skipped = events.skipped();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].track.id, "elsewhere");
    assert_eq!(skipped[0].kind, duet_core::ErrorKind::Network);
    assert_eq!(skipped[0].reason, duet_player::OFFLINE_NOT_CACHED);
    assert_eq!(events.played_indices(), vec![1], "the cached one played");
    assert_eq!(
        (resolver.asked(), server.served().len()),
        (asked, served),
        "nothing asked"
    );
}
