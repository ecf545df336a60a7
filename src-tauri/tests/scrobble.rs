//! Scrobbling through the app (Tauri's mock runtime, the real commands, config and
//! capabilities) against the offline fakes of Last.fm and ListenBrainz: connecting with the
//! Settings section's commands, "now playing" when the real player starts a track, and plays
//! counted while the services are offline arriving in order once they are back.
//!
//! The fake CDN's audio is 20 s long, and a track of 30 s or less never counts, so the counted
//! plays are fed to the app's follower as the player's events of long tracks (the rule itself
//! is proven in duet-scrobble); the "now playing" test plays for real.

mod mock_app;

use std::sync::Arc;
use std::time::{Duration, Instant};

use duet_app::prefs::PrefsStore;
use duet_app::{scrobble, Duet};
use duet_fake_upstream::scrobblers::{
    ScrobblerMode, FAKE_LASTFM_API_KEY, FAKE_LASTFM_API_SECRET, FAKE_LISTENBRAINZ_TOKEN,
};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_player::{PlayerEvent, PlayerState, PlayerStatus, PositionUpdate};
use mock_app::{free_tracks, invoke, recorder, runtime};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    fake: FakeUpstream,
    _data: tempfile::TempDir,
}

impl App {
    fn ok(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn until(&self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn received(&self, service: &str) -> duet_fake_upstream::scrobblers::Received {
        self.fake.scrobblers().received(service).unwrap()
    }

    /// Connects both services through the Settings section's commands and switches them on.
    fn connect_both(&self) {
        self.ok(
            "scrobble_lastfm_api_account",
            json!({ "apiKey": FAKE_LASTFM_API_KEY, "apiSecret": FAKE_LASTFM_API_SECRET }),
        );
        let approval = self.ok("scrobble_lastfm_connect", json!({}));
        let (token, approved) = self.fake.scrobblers().tokens().pop().unwrap();
        assert!(!approved);
        assert!(approval["url"].as_str().unwrap().contains(&token));
        let early = invoke(&self.window, "scrobble_lastfm_finish", json!({})).unwrap_err();
        assert_eq!(early["kind"], "not_logged_in", "{early}");
        // The person approves in the browser (the fake's control route stands in).
        assert!(self.fake.scrobblers().approve(&token));
        let status = self.ok("scrobble_lastfm_finish", json!({}));
        assert_eq!(status["lastfm"]["user_name"], "duet-listener");
        let status = self.ok(
            "scrobble_listenbrainz_connect",
            json!({ "token": FAKE_LISTENBRAINZ_TOKEN }),
        );
        assert_eq!(status["listenbrainz"]["connected"], true);
        assert_eq!(status["lastfm"]["enabled"], false, "off by default");
        let mut prefs = self.ok("prefs_get", json!({}));
        assert_eq!(
            prefs["scrobbling"],
            json!({ "lastfm": false, "listenbrainz": false })
        );
        prefs["scrobbling"] = json!({ "lastfm": true, "listenbrainz": true });
        self.ok("prefs_set", json!({ "next": prefs }));
        self.until("both switched on", || {
            let status = self.ok("scrobble_status", json!({}));
            status["lastfm"]["enabled"] == true && status["listenbrainz"]["enabled"] == true
        });
    }
}

/// The app as `run` sets it up, with the scrobbler following `events` (the real player's when
/// `None`).
fn start(events: Option<duet_player::EventReceiver>) -> App {
    std::env::set_var(scrobble::OPEN_BROWSER_ENV, "0");
    let rt = runtime();
    let fake = rt
        .block_on(FakeUpstream::spawn(FakeConfig::default()))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let (_events, sink) = recorder();
    let settings = mock_app::settings(&fake);
    let upstream = settings.upstream.clone();
    let duet = rt
        .block_on(async { Duet::new(settings, duet_services::memory_store(), sink).await })
        .unwrap();
    let context = tauri::generate_context!("../tauri.conf.json");
    let app = duet_app::commands::register(mock_builder())
        .build(context)
        .unwrap();
    app.manage(PrefsStore::open(data.path().join("prefs.json")));
    let accounts = Arc::new(duet_services::MemoryAccounts::default());
    let every = Duration::from_millis(200);
    let scrobbler = rt.block_on(async {
        match events {
            Some(events) => {
                let scrobbler = scrobble::open(data.path(), accounts, upstream).unwrap();
                scrobble::follow(app.handle(), &scrobbler, events, every);
                scrobble::AppScrobbler(scrobbler)
            }
            None => scrobble::start(app.handle(), &duet, data.path(), accounts, upstream, every)
                .unwrap(),
        }
    });
    app.manage(scrobbler);
    app.manage(duet);
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    App {
        _app: app,
        window,
        fake,
        _data: data,
    }
}

#[test]
fn plays_counted_while_offline_arrive_in_order_when_the_services_are_back() {
    let (player, events) = tokio::sync::mpsc::unbounded_channel();
    let app = start(Some(events));
    app.connect_both();
    let fakes = app.fake.scrobblers();
    fakes.set_mode("lastfm", ScrobblerMode::Offline);
    fakes.set_mode("listenbrainz", ScrobblerMode::ServerError);

    let playlist = app.ok(
        "playlist",
        json!({ "provider": "netease", "id": "131149308" }),
    );
    let tracks = free_tracks(&playlist, 3);
    let idle: PlayerState = serde_json::from_value(app.ok("player_state", json!({}))).unwrap();
    // Each track heard for half of its three minutes, a second a tick.
    for track in &tracks {
        let state = PlayerState {
            status: PlayerStatus::Playing,
            track: Some(serde_json::from_value(track.clone()).unwrap()),
            position_ms: 0,
            duration_ms: 180_000,
            ..idle.clone()
        };
        player.send(PlayerEvent::State(state)).unwrap();
        for second in 1..=91 {
            let tick = PositionUpdate {
                position_ms: second * 1000,
                duration_ms: 180_000,
                seeked: false,
            };
            player.send(PlayerEvent::Position(tick)).unwrap();
        }
    }
    app.until("three plays queued for each service", || {
        let status = app.ok("scrobble_status", json!({}));
        status["lastfm"]["queued"] == 3 && status["listenbrainz"]["queued"] == 3
    });
    let status = app.ok("scrobble_status", json!({}));
    assert!(status["lastfm"]["last_error"].is_string(), "{status}");
    assert_eq!(status["lastfm"]["needs_reconnect"], false);
    assert!(app.received("lastfm").scrobbles.is_empty());
    assert!(app.received("listenbrainz").scrobbles.is_empty());

    // Back online: the next try sends them, oldest first.
    fakes.set_mode("lastfm", ScrobblerMode::Online);
    fakes.set_mode("listenbrainz", ScrobblerMode::Online);
    let titles: Vec<String> = tracks
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect();
    for service in ["lastfm", "listenbrainz"] {
        app.until(service, || app.received(service).scrobbles.len() == 3);
        let got = app.received(service);
        let sent: Vec<String> = got.scrobbles.iter().map(|p| p.title.clone()).collect();
        assert_eq!(sent, titles, "{service}");
        let stamps: Vec<i64> = got.scrobbles.iter().filter_map(|p| p.timestamp).collect();
        assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "{stamps:?}");
        assert_eq!(got.batches, [3], "{service}: one batch after the spell");
    }
    let status = app.ok("scrobble_status", json!({}));
    assert_eq!(status["lastfm"]["queued"], 0);
    assert_eq!(status["listenbrainz"]["queued"], 0);
    assert!(status["lastfm"]["last_error"].is_null(), "{status}");

    // Disconnecting forgets the account; switched off, nothing more is queued.
    let status = app.ok("scrobble_disconnect", json!({ "service": "listenbrainz" }));
    assert_eq!(status["listenbrainz"]["connected"], false);
}

#[test]
fn a_track_the_real_player_starts_is_told_as_now_playing() {
    let app = start(None);
    app.connect_both();
    let playlist = app.ok(
        "playlist",
        json!({ "provider": "netease", "id": "131149308" }),
    );
    let tracks = free_tracks(&playlist, 1);
    app.ok("player_play", json!({ "tracks": tracks, "startIndex": 0 }));
    for service in ["lastfm", "listenbrainz"] {
        app.until(service, || !app.received(service).now_playing.is_empty());
        let got = app.received(service);
        assert_eq!(
            got.now_playing[0].title,
            tracks[0]["title"].as_str().unwrap()
        );
        assert!(got.scrobbles.is_empty(), "{service}: never queued");
    }
    let status = app.ok("scrobble_status", json!({}));
    assert_eq!(status["lastfm"]["queued"], 0);
    // Nothing about listening reached the music services.
    let reports: Vec<String> = app
        .fake
        .requests()
        .into_iter()
        .map(|r| format!("{r:?}"))
        .filter(|r| r.contains("weblog") || r.contains("scrobble") || r.contains("feedback"))
        .collect();
    assert!(reports.is_empty(), "{reports:?}");
}
