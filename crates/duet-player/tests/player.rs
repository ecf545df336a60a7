//! The player end to end on the null sink, against a loopback HTTP server. No network, no device.

mod common;

use std::time::{Duration, Instant};

use common::*;
use duet_core::{Error, ErrorKind, TrialWindow};
use duet_player::{
    Capture, OutputKind, Pace, PlayerEvent, PlayerOptions, PlayerStatus, Queue, Repeat, Resolved,
    SpoolOptions,
};

const WAIT: Duration = Duration::from_secs(15);

fn within(value: u64, expected: u64, tolerance: f64) -> bool {
    let diff = (value as f64 - expected as f64).abs();
    diff <= expected as f64 * tolerance
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plays_each_format_to_the_end() {
    let server = Server::start().await;
    for name in [
        "tone.mp3",
        "tagged.mp3",
        "tone.flac",
        "tone.m4a",
        "tone.wav",
    ] {
        let resolver = TableResolver::new();
        let format = name.rsplit('.').next().unwrap();
        resolver.url(
            "1",
            &server.route(&format!("/{name}"), Route::audio(name)),
            format,
        );
        let capture = Capture::new();
        let player = player(resolver, Pace::Unlimited, &capture);
        let mut events = Events::new(&player);
        let state = player.play(vec![track("1")], 0).unwrap();
        assert_eq!(state.status, PlayerStatus::Loading);
        assert_eq!(state.output, OutputKind::Null);

        let playing = events.until_status(WAIT, PlayerStatus::Playing).await;
        assert!(
            within(playing.duration_ms, 2000, 0.05),
            "{name}: {playing:?}"
        );
        let ended = events.until_status(WAIT, PlayerStatus::Ended).await;
        assert_eq!(ended.index, Some(0));
        let spec = capture.spec().unwrap();
        let heard = ms(capture.frames(), spec.sample_rate);
        assert!(within(heard, 2000, 0.05), "{name}: {heard} ms");
        let peak = capture.peak();
        assert!((0.4..0.6).contains(&peak), "{name}: peak {peak}");
        assert!(events.skipped().is_empty() && events.errors().is_empty());
    }
}

/// The answer to `play` and the states that follow carry growing revisions, so a UI that reads
/// the answer after the "playing" event (a short local file starts at once) can tell it is older.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_sent_is_newer_than_the_one_before() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "1",
        &server.route("/tone.mp3", Route::audio("tone.mp3")),
        "mp3",
    );
    let capture = Capture::new();
    let player = player(resolver, Pace::Unlimited, &capture);
    let mut events = Events::new(&player);
    let before = player.state().revision;
    let answer = player.play(vec![track("1")], 0).unwrap();
    assert_eq!(answer.status, PlayerStatus::Loading);
    assert!(answer.revision > before, "{answer:?}");
    let playing = events.until_status(WAIT, PlayerStatus::Playing).await;
    assert!(
        playing.revision > answer.revision,
        "{playing:?} after {answer:?}"
    );
    events.until_status(WAIT, PlayerStatus::Ended).await;

    let revisions: Vec<u64> = events.states().iter().map(|s| s.revision).collect();
    assert_eq!(revisions.first(), Some(&answer.revision), "{revisions:?}");
    assert!(
        revisions.windows(2).all(|w| w[0] < w[1]),
        "revisions grow: {revisions:?}"
    );
    assert_eq!(player.state().revision, *revisions.last().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playback_starts_before_the_download_completes() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    // 33 KB in 2 KB pieces every 60 ms: about a second to download.
    let url = server.route(
        "/slow.mp3",
        Route::audio("tone.mp3").slowly(2048, Duration::from_millis(60)),
    );
    resolver.url("1", &url, "mp3");
    let capture = Capture::new();
    let player = player(resolver, Pace::RealTime, &capture);
    let mut events = Events::new(&player);
    player.play(vec![track("1")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Playing).await;
    events.until_status(WAIT, PlayerStatus::Ended).await;

    let first_sample = capture.first_write_at().unwrap();
    let last_byte = server.last_byte_at("/slow.mp3").unwrap();
    assert!(
        first_sample + Duration::from_millis(300) < last_byte,
        "first samples {:?} before the last byte",
        last_byte.saturating_duration_since(first_sample)
    );
    let heard = ms(capture.frames(), capture.spec().unwrap().sample_rate);
    assert!(within(heard, 2000, 0.05), "{heard} ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeks_within_the_track() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "fast",
        &server.route("/long.mp3", Route::audio("long.mp3")),
        "mp3",
    );
    // Slow enough that a seek to 6 s lands past what has arrived.
    let slow = Route::audio("long.mp3").slowly(2048, Duration::from_millis(80));
    resolver.url("slow", &server.route("/slow-long.mp3", slow), "mp3");
    let capture = Capture::new();
    let player = player(resolver, Pace::RealTime, &capture);

    // Forward within a downloaded file.
    let mut events = Events::new(&player);
    player.play(vec![track("fast")], 0).unwrap();
    let playing = events.until_status(WAIT, PlayerStatus::Playing).await;
    assert!(within(playing.duration_ms, 8000, 0.05), "{playing:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sought = Instant::now();
    let state = player.seek(5000);
    assert_eq!(state.position_ms, 5000);
    let frames_at_seek = capture.frames();
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 5300),
        )
        .await;
    assert!(
        capture.frames() > frames_at_seek,
        "samples go on after the seek"
    );
    let position = player.state().position_ms;
    assert!((5000..6500).contains(&position), "{position}");
    events.until_status(WAIT, PlayerStatus::Ended).await;
    let rest = sought.elapsed();
    assert!(
        rest > Duration::from_millis(2200) && rest < Duration::from_millis(4500),
        "3 s were left after the seek; took {rest:?}"
    );

    // Past what has been downloaded: waits for the bytes, then plays from there.
    let mut events = Events::new(&player);
    player.play(vec![track("slow")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Playing).await;
    let sought = Instant::now();
    player.seek(6000);
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 6200),
        )
        .await;
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert!(
        sought.elapsed() < Duration::from_secs(6),
        "{:?}",
        sought.elapsed()
    );
    assert!(events.skipped().is_empty() && events.errors().is_empty());
}

/// The system's media controls announce a seek (MPRIS `Seeked`) from the player's word, not
/// from guessing at jumps: every seek says so once, however small, and neither the clock nor a
/// new track starting does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seek_is_marked_and_nothing_else_is() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route("/long.mp3", Route::audio("long.mp3"));
    resolver.url("a", &url, "mp3");
    resolver.url("b", &url, "mp3");
    let player = player(resolver, Pace::RealTime, &Capture::new());
    let mut events = Events::new(&player);
    player.play(vec![track("a"), track("b")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Playing).await;
    tokio::time::sleep(Duration::from_millis(400)).await;

    // A small step forward, well within what playing on for a moment would explain.
    let from = player.state().position_ms;
    player.seek(from + 300);
    player.seek(5000);
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if !p.seeked && p.position_ms >= 5200),
        )
        .await;
    // More than 3 s in, `previous` starts the track again: a seek to 0.
    player.previous();
    player.next();
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::State(s) if s.index == Some(1) && s.status == PlayerStatus::Playing),
        )
        .await;
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 500),
        )
        .await;

    let seeks: Vec<u64> = events
        .seen
        .iter()
        .filter_map(|(_, e)| match e {
            PlayerEvent::Position(p) if p.seeked => Some(p.position_ms),
            _ => None,
        })
        .collect();
    assert_eq!(seeks, [from + 300, 5000, 0]);
    let ticks = events.positions().len() - seeks.len();
    assert!(ticks >= 4, "the clock ticked too ({ticks} updates)");
}

/// A player over `n` copies of the short WAV tone, on an unlimited-speed sink.
async fn quick_queue(n: usize) -> (Server, duet_player::Player, Vec<duet_core::Track>) {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route("/tone.wav", Route::audio("tone.wav"));
    let tracks: Vec<_> = (0..n).map(|i| track(&i.to_string())).collect();
    for t in &tracks {
        resolver.url(&t.id, &url, "wav");
    }
    let player = player(resolver, Pace::Unlimited, &Capture::new());
    (server, player, tracks)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_order_under_repeat_modes() {
    let (_server, player, tracks) = quick_queue(3).await;

    // Off: once through, then ended.
    let mut events = Events::new(&player);
    player.play(tracks.clone(), 0).unwrap();
    let ended = events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(events.played_indices(), [0, 1, 2]);
    assert_eq!(ended.index, Some(2));
    assert!(ended.error.is_none());

    // Toggle after the end plays the queue again from the top.
    let mut events = Events::new(&player);
    player.toggle();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(events.played_indices(), [0, 1, 2]);

    // All: wraps around.
    let state = player.set_mode(Repeat::All, false);
    assert_eq!(state.repeat, Repeat::All);
    let mut events = Events::new(&player);
    player.play(tracks.clone(), 1).unwrap();
    let mut playing = 0;
    events
        .until(WAIT, |e| {
            if matches!(e, PlayerEvent::State(s) if s.status == PlayerStatus::Playing) {
                playing += 1;
            }
            playing == 5
        })
        .await;
    player.stop();
    assert_eq!(events.played_indices(), [1, 2, 0, 1, 2]);

    // One: the same track again and again, until next.
    player.set_mode(Repeat::One, false);
    let mut events = Events::new(&player);
    player.play(tracks.clone(), 2).unwrap();
    let mut playing = 0;
    events
        .until(WAIT, |e| {
            if matches!(e, PlayerEvent::State(s) if s.status == PlayerStatus::Playing) {
                playing += 1;
            }
            playing == 3
        })
        .await;
    let state = player.next();
    assert_eq!(state.index, Some(0), "next wraps under repeat one");
    events
        .until(WAIT, |e| {
            matches!(e, PlayerEvent::State(s) if s.status == PlayerStatus::Playing && s.index == Some(0))
        })
        .await;
    player.stop();
    assert_eq!(&events.played_indices()[..4], [2, 2, 2, 0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shuffle_plays_a_reproducible_order_that_starts_with_the_chosen_track() {
    let (_server, player, tracks) = quick_queue(6).await;
    let state = player.set_mode(Repeat::Off, true);
    assert!(state.shuffle);
    let mut events = Events::new(&player);
    player.play(tracks.clone(), 3).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;

    // The same seed, the same steps, the same order.
    let mut expected: Queue<usize> = Queue::new(Some(7));
    expected.set_mode(Repeat::Off, true);
    expected.replace((0..6).collect(), 3);
    assert_eq!(player.play_order(), expected.order());
    let played = events.played_indices();
    assert_eq!(played, expected.order());
    assert_eq!(played[0], 3);
    let mut sorted = played.clone();
    sorted.sort();
    assert_eq!(sorted, [0, 1, 2, 3, 4, 5]);
    assert_ne!(played, [3, 4, 5, 0, 1, 2], "shuffled");

    // Turning shuffle off continues in queue order from the current track.
    let state = player.set_mode(Repeat::Off, false);
    assert!(!state.shuffle);
    assert_eq!(player.play_order(), [0, 1, 2, 3, 4, 5]);
}

fn plays(id: &'static str) -> impl FnMut(&PlayerEvent) -> bool {
    move |e| matches!(e, PlayerEvent::State(s) if s.status == PlayerStatus::Playing && s.track.as_ref().is_some_and(|t| t.id == id))
}

fn is_playing(index: usize) -> impl FnMut(&PlayerEvent) -> bool {
    move |e| matches!(e, PlayerEvent::State(s) if s.status == PlayerStatus::Playing && s.index == Some(index))
}

/// The queue changes while it plays: "play next" plays after the current track, removing the
/// current track moves on to what followed (playing, or waiting there when paused), a move keeps
/// the current track playing, and clearing keeps only it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_changes_while_it_plays() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route("/long.mp3", Route::audio("long.mp3"));
    let tracks: Vec<_> = ["a", "b", "c", "d", "n"]
        .iter()
        .map(|id| track(id))
        .collect();
    for t in &tracks {
        resolver.url(&t.id, &url, "mp3");
    }
    let player = player(resolver, Pace::RealTime, &Capture::new());
    let mut events = Events::new(&player);
    let ids = |p: &duet_player::Player| p.queue().iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    player.play(tracks[..4].to_vec(), 0).unwrap();
    events.until(WAIT, is_playing(0)).await;

    let state = player.play_next(vec![tracks[4].clone()]);
    assert_eq!(ids(&player), ["a", "n", "b", "c", "d"]);
    assert_eq!((state.index, state.queue_length), (Some(0), 5));
    assert_eq!(player.next().track.unwrap().id, "n", "played next");
    events.until(WAIT, is_playing(1)).await;

    // The current track removed while playing: what followed plays.
    let state = player.remove(1).unwrap();
    assert_eq!(ids(&player), ["a", "b", "c", "d"]);
    assert_eq!(state.track.as_ref().unwrap().id, "b");
    events.until(WAIT, is_playing(1)).await;
    // Another track removed: the current one plays on, its index follows.
    let state = player.remove(0).unwrap();
    assert_eq!(
        (state.index, state.status),
        (Some(0), PlayerStatus::Playing)
    );
    assert_eq!(state.track.unwrap().id, "b");
    assert_eq!(player.remove(9).unwrap_err().kind, ErrorKind::BadRequest);

    // A move of the current track: it plays on at its new place; the length is the same, the
    // queue's revision is not.
    let before = player.state().queue_revision;
    let state = player.move_track(0, 2).unwrap();
    assert!(state.queue_revision > before);
    assert_eq!(ids(&player), ["c", "d", "b"]);
    assert_eq!(
        (state.index, state.status),
        (Some(2), PlayerStatus::Playing)
    );
    assert_eq!(
        player.move_track(0, 3).unwrap_err().kind,
        ErrorKind::BadRequest
    );

    // Paused, the current track removed: the next waits, paused at its start, until resumed.
    player.jump(0).unwrap();
    events.until(WAIT, plays("c")).await;
    assert_eq!(player.pause().status, PlayerStatus::Paused);
    let state = player.remove(0).unwrap();
    assert_eq!(state.status, PlayerStatus::Paused);
    assert_eq!(
        (state.track.unwrap().id, state.position_ms),
        ("d".into(), 0)
    );
    assert_eq!(player.resume().status, PlayerStatus::Loading);
    events.until(WAIT, plays("d")).await;

    // Clearing keeps the current track playing, alone.
    let state = player.clear_queue();
    assert_eq!(ids(&player), ["d"]);
    assert_eq!(
        (state.index, state.status),
        (Some(0), PlayerStatus::Playing)
    );
    // The last track removed: nothing left, nothing plays.
    let state = player.remove(0).unwrap();
    assert_eq!((state.status, state.queue_length), (PlayerStatus::Idle, 0));
    assert!(state.track.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_previous_and_jump() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route("/long.mp3", Route::audio("long.mp3"));
    let tracks: Vec<_> = ["a", "b", "c"].iter().map(|id| track(id)).collect();
    for t in &tracks {
        resolver.url(&t.id, &url, "mp3");
    }
    let player = player(resolver, Pace::RealTime, &Capture::new());
    let mut events = Events::new(&player);
    player.play(tracks.clone(), 0).unwrap();
    events.until(WAIT, is_playing(0)).await;
    assert_eq!(player.next().index, Some(1));
    events.until(WAIT, is_playing(1)).await;
    // Less than 3 s in: the track before.
    assert_eq!(player.previous().index, Some(0));
    events.until(WAIT, is_playing(0)).await;
    // At the first track with repeat off, previous restarts it.
    assert_eq!(player.previous().index, Some(0));
    events.until(WAIT, is_playing(0)).await;

    let state = player.jump(2).unwrap();
    assert_eq!(state.index, Some(2));
    assert_eq!(state.track.as_ref().unwrap().id, "c");
    events.until(WAIT, is_playing(2)).await;
    assert_eq!(player.jump(3).unwrap_err().kind, ErrorKind::BadRequest);

    // More than 3 s in: previous restarts the same track.
    player.seek(3500);
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 3600),
        )
        .await;
    let state = player.previous();
    assert_eq!(state.index, Some(2));
    assert_eq!(state.position_ms, 0);
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms > 0 && p.position_ms < 1000),
        )
        .await;

    // Pause and resume through toggle.
    assert_eq!(player.toggle().status, PlayerStatus::Paused);
    assert_eq!(player.toggle().status, PlayerStatus::Playing);

    // Next on the last track with repeat off: the end.
    let state = player.next();
    assert_eq!(state.status, PlayerStatus::Ended);
    assert_eq!(state.index, Some(2));
    assert!(events.skipped().is_empty() && events.errors().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unplayable_tracks_are_skipped_with_their_reasons() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let mut no_rights = track("no-rights");
    no_rights.playable = false;
    no_rights.unavailable_reason = Some("No copyright in your region".into());
    resolver.set(
        "vip",
        Err(Error::new(ErrorKind::Unavailable, "VIP only")
            .with_provider(duet_core::ProviderId::Netease)),
    );
    resolver.url("missing", &server.url("/gone.mp3"), "mp3");
    let garbage: Vec<u8> = (0..30_000u32)
        .map(|i| (i.wrapping_mul(7919) % 251) as u8)
        .collect();
    resolver.url(
        "garbage",
        &server.route("/garbage.mp3", Route::body(200, "audio/mpeg", garbage)),
        "mp3",
    );
    resolver.url(
        "html",
        &server.route(
            "/error-page.mp3",
            Route::body(
                200,
                "text/html; charset=utf-8",
                "<html><body>Access denied</body></html>",
            ),
        ),
        "mp3",
    );
    resolver.url(
        "good",
        &server.route("/tone.wav", Route::audio("tone.wav")),
        "wav",
    );
    // The good track in the middle: five failures in a row would reach the skip limit.
    let tracks = vec![
        no_rights,
        track("vip"),
        track("missing"),
        track("good"),
        track("garbage"),
        track("html"),
    ];
    let capture = Capture::new();
    let player = player(resolver, Pace::Unlimited, &capture);
    let mut events = Events::new(&player);
    player.play(tracks, 0).unwrap();
    let ended = events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(ended.index, Some(5));
    assert!(ended.error.is_none(), "one track played: {:?}", ended.error);
    assert_eq!(ended.stopped_after_failures, None);
    assert_eq!(events.played_indices(), [3]);

    let skipped = events.skipped();
    let ids: Vec<&str> = skipped.iter().map(|s| s.track.id.as_str()).collect();
    assert_eq!(ids, ["no-rights", "vip", "missing", "garbage", "html"]);
    let expect = [
        (ErrorKind::Unavailable, "No copyright in your region"),
        (ErrorKind::Unavailable, "VIP only"),
        (ErrorKind::NotFound, "404"),
        (ErrorKind::Upstream, "not a playable audio file"),
        (ErrorKind::Upstream, "HTML page"),
    ];
    for (skip, (kind, text)) in skipped.iter().zip(expect) {
        assert_eq!(skip.kind, kind, "{}: {}", skip.track.id, skip.reason);
        assert!(
            skip.reason.contains(text),
            "{}: {:?}",
            skip.track.id,
            skip.reason
        );
    }
    assert!(events.errors().is_empty());
    assert!(within(ms(capture.frames(), 8000), 2000, 0.05));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_cut_off_mid_track_is_an_error_and_playback_goes_on() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "cut",
        &server.route("/cut.mp3", Route::audio("tone.mp3").cut_off(0.5)),
        "mp3",
    );
    resolver.url(
        "good",
        &server.route("/tone.wav", Route::audio("tone.wav")),
        "wav",
    );
    let player = player(resolver, Pace::Unlimited, &Capture::new());
    let mut events = Events::new(&player);
    player.play(vec![track("cut"), track("good")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    let errors = events.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, ErrorKind::Network);
    assert!(errors[0].message.contains("cut off") || errors[0].message.contains("interrupted"));
    assert_eq!(events.played_indices(), [0, 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_tls_handshake_falls_back_to_the_http_url_and_says_so() {
    let server = Server::start().await;
    let http = server.route("/tone.mp3", Route::audio("tone.mp3"));
    let https = server.https_url("/tone.mp3");
    let resolver = TableResolver::new();
    // TLS fails, the service's http URL is there: it plays, and the state says how.
    resolver.url_with_fallback("fallback", &https, &http, "mp3");
    // TLS fails and there is no fallback (the service gave https itself): no downgrade.
    resolver.url("no-fallback", &https, "mp3");
    // Not a TLS failure (nothing listens): the fallback is not used either.
    let refused = format!("https://127.0.0.1:{}/tone.mp3", closed_port().await);
    resolver.url_with_fallback("refused", &refused, &http, "mp3");
    // Plain http from the start (the test upstream): not a fallback.
    resolver.url("plain", &http, "mp3");

    let player = player(resolver, Pace::Unlimited, &Capture::new());
    let mut events = Events::new(&player);
    let state = player
        .play(
            vec![
                track("fallback"),
                track("no-fallback"),
                track("refused"),
                track("plain"),
            ],
            0,
        )
        .unwrap();
    assert!(!state.http_fallback);
    let playing = events.until_status(WAIT, PlayerStatus::Playing).await;
    assert_eq!(playing.index, Some(0));
    assert!(playing.http_fallback, "{playing:?}");
    events.until_status(WAIT, PlayerStatus::Ended).await;

    assert_eq!(events.played_indices(), [0, 3]);
    let skipped = events.skipped();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0].track.id, "no-fallback");
    assert_eq!(skipped[0].kind, ErrorKind::Network);
    assert_eq!(skipped[1].track.id, "refused");
    assert_eq!(skipped[1].kind, ErrorKind::Network);
    let plain = events
        .states()
        .into_iter()
        .find(|s| s.index == Some(3) && s.status == PlayerStatus::Playing)
        .cloned()
        .unwrap();
    assert!(!plain.http_fallback, "plain http is not a fallback");
}

/// A loopback port nothing listens on.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracks_past_the_memory_limit_play_from_disk_the_same() {
    let server = Server::start().await;
    let spill = tempfile::tempdir().unwrap();
    // 4 KiB in memory: almost all of each file is read back from the temporary file.
    let on_disk = PlayerOptions {
        spool: SpoolOptions {
            memory_limit: 4096,
            dir: Some(spill.path().to_owned()),
        },
        ..PlayerOptions::default()
    };
    for name in ["tone.mp3", "tone.flac", "tone.m4a", "tone.wav"] {
        let format = name.rsplit('.').next().unwrap();
        let url = server.route(&format!("/{name}"), Route::audio(name));
        let mut heard = Vec::new();
        for options in [PlayerOptions::default(), on_disk.clone()] {
            let resolver = TableResolver::new();
            resolver.url("1", &url, format);
            let capture = Capture::new();
            let player = player_with(resolver, Pace::Unlimited, &capture, options);
            let mut events = Events::new(&player);
            player.play(vec![track("1")], 0).unwrap();
            events.until_status(WAIT, PlayerStatus::Ended).await;
            assert!(events.skipped().is_empty() && events.errors().is_empty());
            heard.push(capture.samples());
        }
        assert!(heard[0].len() > 10_000, "{name}");
        assert!(heard[0] == heard[1], "{name}: the same samples from disk");
    }

    // The players above close their spill files on their own threads as they wind down: wait
    // for that, so the count below is of the next playback's file alone.
    let closing = Instant::now();
    while open_files_in(spill.path()).is_some_and(|open| open > 0)
        && closing.elapsed() < Duration::from_secs(5)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Seeking into the part on disk.
    let resolver = TableResolver::new();
    resolver.url(
        "long",
        &server.route("/long.mp3", Route::audio("long.mp3")),
        "mp3",
    );
    let capture = Capture::new();
    let player = player_with(resolver, Pace::RealTime, &capture, on_disk);
    let mut events = Events::new(&player);
    player.play(vec![track("long")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Playing).await;
    if let Some(open) = open_files_in(spill.path()) {
        assert_eq!(open, 1, "the spill file is open while the track plays");
    }
    player.seek(6000);
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 6300),
        )
        .await;
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert!(events.errors().is_empty());

    // Nothing is left behind: no name in the directory, ever, and no open file once done.
    assert_eq!(std::fs::read_dir(spill.path()).unwrap().count(), 0);
    if open_files_in(spill.path()).is_some() {
        let deadline = Instant::now() + Duration::from_secs(5);
        while open_files_in(spill.path()) != Some(0) {
            assert!(Instant::now() < deadline, "the spill file was not closed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_where_every_track_fails_stops() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let mut unplayable = track("unplayable");
    unplayable.playable = false;
    resolver.url("missing", &server.url("/gone.mp3"), "mp3");
    resolver.url(
        "garbage",
        &server.route(
            "/garbage.flac",
            Route::body(200, "audio/flac", vec![0x42u8; 5000]),
        ),
        "flac",
    );
    let player = player(resolver, Pace::Unlimited, &Capture::new());
    player.set_mode(Repeat::All, false);
    let mut events = Events::new(&player);
    player
        .play(vec![unplayable, track("missing"), track("garbage")], 0)
        .unwrap();
    let stopped = events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::State(s) if s.error.is_some()),
        )
        .await;
    let PlayerEvent::State(stopped) = stopped else {
        unreachable!()
    };
    assert_eq!(stopped.status, PlayerStatus::Idle);
    assert_eq!(stopped.stopped_after_failures, Some(3));
    let error = stopped.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert!(
        error.message.contains("None of the 3 tracks"),
        "{}",
        error.message
    );
    // No loop: nothing more happens.
    events.drain_for(Duration::from_millis(500)).await;
    assert_eq!(events.skipped().len(), 3);
    assert_eq!(player.state().status, PlayerStatus::Idle);

    // Repeat off, starting in the middle: the end of the queue, with the error.
    player.set_mode(Repeat::Off, false);
    let mut events = Events::new(&player);
    player.jump(1).unwrap();
    let ended = events.until_status(WAIT, PlayerStatus::Ended).await;
    assert!(ended.error.is_some());
    assert_eq!(events.skipped().len(), 2);
}

/// A long queue of tracks that cannot be played (grey ones, and ones whose URL the service
/// refuses) stops after the skip limit, with that reason, having asked for at most that many
/// URLs; a person's next choice starts a new run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_run_of_unplayable_tracks_stops_at_the_skip_limit() {
    let resolver = TableResolver::new();
    let limit = duet_player::SKIP_LIMIT as usize;
    // 10,000 tracks: every third grey (known before any request), the rest refused.
    let tracks: Vec<_> = (0..10_000)
        .map(|i| {
            let mut t = track(&format!("refused-{i}"));
            if i % 3 == 0 {
                t.playable = false;
                t.unavailable_reason = Some("No copyright".into());
            }
            t
        })
        .collect();
    for t in tracks.iter().filter(|t| t.playable) {
        resolver.set(
            &t.id,
            Err(
                Error::new(ErrorKind::Unavailable, "no rights to this track")
                    .with_provider(duet_core::ProviderId::Netease),
            ),
        );
    }
    let player = player(resolver.clone(), Pace::Unlimited, &Capture::new());
    player.set_mode(Repeat::All, false);
    let mut events = Events::new(&player);
    player.play(tracks, 0).unwrap();
    let stopped = events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::State(s) if s.stopped_after_failures.is_some()),
        )
        .await;
    let PlayerEvent::State(stopped) = stopped else {
        unreachable!()
    };
    assert_eq!(stopped.status, PlayerStatus::Idle);
    assert_eq!(
        stopped.stopped_after_failures,
        Some(duet_player::SKIP_LIMIT)
    );
    let error = stopped.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert!(
        error
            .message
            .starts_with(&format!("Stopped after {limit} tracks in a row")),
        "{}",
        error.message
    );
    // Nothing more: no walk on through the queue.
    events.drain_for(Duration::from_millis(500)).await;
    assert_eq!(events.skipped().len(), limit);
    // Tracks 0 to 4, of which 0 and 3 are grey: three URL requests.
    assert_eq!(resolver.asked(), 3, "grey tracks cost no request");
    assert_eq!(player.state().status, PlayerStatus::Idle);

    // The person's next choice is a new run, bounded the same way.
    let asked = resolver.asked();
    let mut events = Events::new(&player);
    let state = player.next();
    assert_eq!(state.stopped_after_failures, None, "cleared by a new run");
    assert!(state.error.is_none());
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::State(s) if s.stopped_after_failures.is_some()),
        )
        .await;
    events.drain_for(Duration::from_millis(300)).await;
    assert_eq!(events.skipped().len(), limit);
    assert!(resolver.asked() - asked <= limit);
    let last = events.skipped().last().unwrap().track.id.clone();
    assert_eq!(last, "refused-9");

    // Play goes on after the track it gave up on, not back to it.
    let mut events = Events::new(&player);
    player.resume();
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::State(s) if s.stopped_after_failures.is_some()),
        )
        .await;
    assert_eq!(events.skipped()[0].track.id, "refused-10");
}

/// Edits after the player stopped by itself: removing the track it gave up on leaves the next
/// one to play (not skipped past as "the one after the last tried"), and "play next" after the
/// end of the queue is what the next resume plays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_edits_after_the_player_stopped_play_what_they_say() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let limit = duet_player::SKIP_LIMIT as usize;
    let url = server.route("/tone.wav", Route::audio("tone.wav"));
    let mut tracks: Vec<_> = (0..limit).map(|i| track(&format!("refused-{i}"))).collect();
    for t in &tracks {
        resolver.set(
            &t.id,
            Err(Error::new(
                ErrorKind::Unavailable,
                "no rights to this track",
            )),
        );
    }
    tracks.extend([track("good"), track("after-good"), track("next")]);
    for id in ["good", "after-good", "next"] {
        resolver.url(id, &url, "wav");
    }
    let player = player(resolver, Pace::Unlimited, &Capture::new());
    let mut events = Events::new(&player);
    player.play(tracks[..limit + 2].to_vec(), 0).unwrap();
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::State(s) if s.stopped_after_failures.is_some()),
        )
        .await;
    let state = player.remove(limit - 1).unwrap();
    assert_eq!(state.track.as_ref().unwrap().id, "good");
    assert_eq!(state.stopped_after_failures, None);
    assert!(state.error.is_none(), "{state:?}");
    player.resume();
    events.until(WAIT, plays("good")).await;

    events.until_status(WAIT, PlayerStatus::Ended).await;
    let before = player.state().queue_revision;
    let state = player.play_next(vec![tracks[limit + 2].clone()]);
    assert_eq!(state.track.as_ref().unwrap().id, "next");
    assert_eq!(state.status, PlayerStatus::Idle);
    assert!(state.queue_revision > before);
    player.resume();
    events.until(WAIT, plays("next")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vip_preview_stops_at_the_end_of_its_window() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let window = TrialWindow {
        start_ms: 0,
        end_ms: 1000,
    };
    // The server hands out the full 2 s file; only the first second may play.
    resolver.trial(
        "vip",
        &server.route("/tone.mp3", Route::audio("tone.mp3")),
        "mp3",
        window,
    );
    resolver.url(
        "free",
        &server.route("/tone.wav", Route::audio("tone.wav")),
        "wav",
    );
    let capture = Capture::new();
    let player = player(resolver, Pace::Unlimited, &capture);

    let mut events = Events::new(&player);
    player.play(vec![track("vip")], 0).unwrap();
    let playing = events.until_status(WAIT, PlayerStatus::Playing).await;
    assert_eq!(playing.trial, Some(window));
    assert_eq!(playing.duration_ms, 1000);
    events.until_status(WAIT, PlayerStatus::Ended).await;
    let heard = ms(capture.frames(), 44_100);
    assert!(within(heard, 1000, 0.05), "{heard} ms of a 1 s preview");

    // Then on to the next track like any end.
    let mut events = Events::new(&player);
    player.play(vec![track("vip"), track("free")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(events.played_indices(), [0, 1]);
    let trials: Vec<_> = events
        .states()
        .into_iter()
        .filter(|s| s.status == PlayerStatus::Playing)
        .map(|s| s.trial)
        .collect();
    assert_eq!(trials, [Some(window), None]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volume_scales_the_samples() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "1",
        &server.route("/tone.wav", Route::audio("tone.wav")),
        "wav",
    );
    let capture = Capture::new();
    let player = player(resolver, Pace::Unlimited, &capture);

    let mut events = Events::new(&player);
    player.play(vec![track("1")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    let full = capture.peak();
    assert!((0.45..0.55).contains(&full), "{full}");

    capture.clear();
    let state = player.set_volume(0.25).unwrap();
    assert_eq!(state.volume, 0.25);
    let mut events = Events::new(&player);
    player.play(vec![track("1")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    let quiet = capture.peak();
    assert!((quiet / full - 0.25).abs() < 0.01, "{quiet} vs {full}");

    assert_eq!(
        player.set_volume(f32::NAN).unwrap_err().kind,
        ErrorKind::BadRequest
    );
    assert_eq!(player.set_volume(3.0).unwrap().volume, 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn position_advances_in_real_time_and_holds_while_paused() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    resolver.url(
        "1",
        &server.route("/long.mp3", Route::audio("long.mp3")),
        "mp3",
    );
    let player = player(resolver, Pace::RealTime, &Capture::new());
    let mut events = Events::new(&player);
    player.play(vec![track("1")], 0).unwrap();
    events.until_status(WAIT, PlayerStatus::Playing).await;
    events.drain_for(Duration::from_millis(1200)).await;
    let positions = events.positions();
    assert!(positions.len() >= 3, "{positions:?}");
    let last = positions.last().unwrap().1;
    assert!((800..=1700).contains(&last), "after 1.2 s: {last} ms");
    assert!(positions.windows(2).all(|w| w[0].1 <= w[1].1), "monotonic");

    let paused = player.pause();
    assert_eq!(paused.status, PlayerStatus::Paused);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let held = player.state().position_ms;
    events.drain_for(Duration::from_millis(400)).await;
    assert_eq!(player.state().position_ms, held, "no progress while paused");
    assert_eq!(player.resume().status, PlayerStatus::Playing);
    events.drain_for(Duration::from_millis(600)).await;
    let now = player.state().position_ms;
    assert!(now >= held + 300, "{held} → {now}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_and_bad_input() {
    let (_server, player, tracks) = quick_queue(2).await;
    assert_eq!(
        player.play(vec![], 0).unwrap_err().kind,
        ErrorKind::BadRequest
    );
    assert_eq!(
        player.play(tracks.clone(), 2).unwrap_err().kind,
        ErrorKind::BadRequest
    );
    let state = player.enqueue(tracks.clone());
    assert_eq!(state.queue_length, 2);
    assert_eq!(state.status, PlayerStatus::Idle);
    assert_eq!(state.index, None);
    // Nothing loaded: seek is ignored, toggle starts the queue.
    assert_eq!(player.seek(1000).position_ms, 0);
    let mut events = Events::new(&player);
    player.toggle();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    assert_eq!(events.played_indices(), [0, 1]);
    let state = player.enqueue(vec![track("x")]);
    assert_eq!(state.queue_length, 3);
    assert_eq!(state.status, PlayerStatus::Ended);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_queue_waits_paused_and_resumes_where_it_was() {
    let server = Server::start().await;
    let resolver = TableResolver::new();
    let url = server.route("/long.mp3", Route::audio("long.mp3"));
    let mut tracks = Vec::new();
    for id in ["a", "b", "c"] {
        resolver.url(id, &url, "mp3");
        let mut t = track(id);
        t.duration_ms = 8000;
        tracks.push(t);
    }
    let capture = Capture::new();
    let player = player(resolver.clone(), Pace::RealTime, &capture);

    assert!(player.restore(Vec::new(), 0, 0).is_err());
    assert!(player.restore(tracks.clone(), 3, 0).is_err());
    let state = player.restore(tracks.clone(), 1, 4000).unwrap();
    assert_eq!(state.status, PlayerStatus::Paused);
    assert_eq!((state.index, state.position_ms), (Some(1), 4000));
    assert_eq!(state.track.as_ref().map(|t| t.id.as_str()), Some("b"));
    assert_eq!(state.queue_length, 3);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        resolver.asked(),
        0,
        "nothing is fetched before the person plays"
    );
    assert_eq!(capture.frames(), 0);

    // A seek before playing moves the start; clamped to the track.
    assert_eq!(player.seek(5000).position_ms, 5000);
    assert_eq!(player.seek(99_000).position_ms, 8000);
    player.seek(5000);

    let mut events = Events::new(&player);
    player.toggle();
    events.until_status(WAIT, PlayerStatus::Playing).await;
    events
        .until(
            WAIT,
            |e| matches!(e, PlayerEvent::Position(p) if p.position_ms >= 5200),
        )
        .await;
    let position = player.state().position_ms;
    assert!((5000..6800).contains(&position), "{position}");
    assert_eq!(player.state().index, Some(1));

    // Choosing a track afterwards starts it from its beginning.
    let mut events = Events::new(&player);
    player.jump(2).unwrap();
    events.until_status(WAIT, PlayerStatus::Playing).await;
    assert!(player.state().position_ms < 2000, "{:?}", player.state());
}

/// A resolver that plays one unplayable track from another service ("play anywhere"), over a
/// table for the rest.
struct Substituting {
    table: std::sync::Arc<TableResolver>,
    grey: String,
    stand_in: duet_core::Track,
}

#[async_trait::async_trait]
impl duet_player::StreamResolver for Substituting {
    async fn resolve(&self, track: &duet_core::Track) -> duet_core::Result<duet_core::StreamUrl> {
        self.table.resolve(track).await
    }

    async fn resolve_play(&self, track: &duet_core::Track) -> duet_core::Result<Resolved> {
        if track.id == self.grey {
            return Ok(Resolved {
                url: self.table.resolve(&self.stand_in).await?,
                substitute: Some(self.stand_in.clone()),
            });
        }
        if !track.playable {
            return Err(duet_player::unplayable(track));
        }
        Ok(Resolved {
            url: self.table.resolve(track).await?,
            substitute: None,
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_substitute_plays_in_place_of_an_unplayable_track_and_the_state_names_it() {
    let server = Server::start().await;
    let table = TableResolver::new();
    let mut stand_in = track("qq-twin");
    stand_in.provider = duet_core::ProviderId::Qq;
    table.url(
        "qq-twin",
        &server.route("/twin.wav", Route::audio("tone.wav")),
        "wav",
    );
    table.url(
        "free",
        &server.route("/tone.wav", Route::audio("tone.wav")),
        "wav",
    );
    let resolver = std::sync::Arc::new(Substituting {
        table,
        grey: "grey".into(),
        stand_in: stand_in.clone(),
    });
    let mut grey = track("grey");
    grey.playable = false;
    grey.unavailable_reason = Some("No copyright".into());
    let mut other_grey = track("other-grey");
    other_grey.playable = false;

    let capture = Capture::new();
    let player = player_with(
        resolver,
        Pace::Unlimited,
        &capture,
        PlayerOptions::default(),
    );
    let mut events = Events::new(&player);
    player
        .play(vec![grey.clone(), other_grey, track("free")], 0)
        .unwrap();
    events.until_status(WAIT, PlayerStatus::Ended).await;
    // The grey track played (from its stand-in), the other grey one was skipped with its reason.
    assert_eq!(events.played_indices(), [0, 2]);
    let skipped: Vec<String> = events
        .skipped()
        .into_iter()
        .map(|s| s.track.id.clone())
        .collect();
    assert_eq!(skipped, ["other-grey"]);
    let playing: Vec<_> = events
        .states()
        .into_iter()
        .filter(|s| s.status == PlayerStatus::Playing)
        .map(|s| {
            (
                s.track.as_ref().unwrap().id.clone(),
                s.substitute.as_ref().map(|t| t.id.clone()),
            )
        })
        .collect();
    assert_eq!(
        playing,
        [
            ("grey".to_owned(), Some("qq-twin".to_owned())),
            ("free".to_owned(), None)
        ]
    );
    // The queue keeps the track that was chosen.
    assert_eq!(player.queue()[0], grey);
}
