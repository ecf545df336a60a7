//! The system's media controls and the now-playing feed, end to end below the window: the app
//! (Tauri's mock runtime, the real commands and capabilities) plays on the null sink against the
//! fake upstream, and a D-Bus client on a private session bus, as `playerctl` or a desktop widget
//! would, reads Duet's MPRIS properties and drives it; the events the UI listens to follow. The
//! feed is switched on through `prefs_set`, as the settings menu does, and read by a WebSocket
//! client.

#![cfg(target_os = "linux")]

mod mock_app;
mod mpris_client;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use duet_app::now_playing::{NowPlayingHooks, NowPlayingStatus};
use duet_app::prefs::PrefsStore;
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use futures_util::StreamExt;
use mock_app::{invoke, recorder, runtime, Recorded};
use mpris_client::{Mpris, BUS_NAME, PATH, PLAYER};
use serde_json::{json, Value};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{Manager, WebviewWindow};
use zbus::zvariant::{ObjectPath, OwnedValue};
use zbus::{Connection, MatchRule, MessageStream};

/// A session bus of this test's own (never the desktop's); stopped when dropped.
struct PrivateBus(Child);

impl PrivateBus {
    fn start() -> Self {
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (Debian package dbus) must be installed");
        let mut address = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address.trim());
        Self(child)
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Recorded,
    statuses: Arc<Mutex<Vec<NowPlayingStatus>>>,
    raised: Arc<Mutex<u32>>,
    _fake: FakeUpstream,
    _config: tempfile::TempDir,
}

impl App {
    fn start() -> Self {
        let rt = runtime();
        let fake = rt
            .block_on(FakeUpstream::spawn(FakeConfig::default()))
            .unwrap();
        let (events, sink) = recorder();
        let duet = rt.block_on(mock_app::duet(&fake, sink));
        let config = tempfile::tempdir().unwrap();
        let prefs = PrefsStore::open(config.path().join(duet_app::prefs::FILE_NAME));
        let statuses: Arc<Mutex<Vec<NowPlayingStatus>>> = Arc::default();
        let raised: Arc<Mutex<u32>> = Arc::default();
        let context = tauri::generate_context!("../tauri.conf.json");
        let app = duet_app::commands::register(mock_builder())
            .build(context)
            .unwrap();
        // The sound preferences reach the player, as in the app (the speed among them).
        duet.follow_sound(&prefs);
        app.manage(prefs);
        {
            let statuses = statuses.clone();
            let raised = raised.clone();
            let handle = app.handle().clone();
            duet.start_now_playing(
                app.state::<PrefsStore>().watch(),
                None,
                NowPlayingHooks {
                    raise: Arc::new(move || *raised.lock().unwrap() += 1),
                    set_speed: Arc::new(move |speed| {
                        handle
                            .state::<PrefsStore>()
                            .update(|p| p.sound.speed = speed)
                            .unwrap();
                    }),
                    tell: Arc::new(move |status: &NowPlayingStatus| {
                        statuses.lock().unwrap().push(status.clone());
                    }),
                },
            );
        }
        app.manage(duet);
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Self {
            _app: app,
            window,
            events,
            statuses,
            raised,
            _fake: fake,
            _config: config,
        }
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn wait_event(&self, since: usize, name: &str, pred: impl Fn(&Value) -> bool) -> Value {
        mock_app::wait_event(&self.events, since, name, pred)
    }

    fn seen(&self) -> usize {
        mock_app::seen(&self.events)
    }

    fn wait_status(&self, pred: impl Fn(&NowPlayingStatus) -> bool) -> NowPlayingStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.statuses.lock().unwrap().iter().rev().find(|s| pred(s)) {
                return status.clone();
            }
            assert!(Instant::now() < deadline, "no such status");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn media_controls_drive_the_app_and_the_feed_follows_it() {
    let _bus = PrivateBus::start();
    let app = App::start();
    let status = app.wait_status(|s| s.media_controls);
    assert_eq!(status.feed_url, None, "the feed is off by default");
    assert_eq!(status.media_controls_error, None);
    assert_eq!(
        app.ok("now_playing_status", json!({}))["media_controls"],
        true
    );

    let playlist = app.ok(
        "playlist",
        json!({ "provider": "netease", "id": "9000001200" }),
    );
    let free = mock_app::free_tracks(&playlist, 2);
    let since = app.seen();
    app.ok("player_play", json!({ "tracks": free, "startIndex": 0 }));
    app.wait_event(since, "player-state", |s| s["status"] == "playing");

    runtime().block_on(async {
        let mpris = Mpris::connect().await;
        assert_eq!(mpris.status().await, "Playing");
        let first_title = free[0]["title"].as_str().unwrap().to_owned();
        assert_eq!(mpris.title().await, first_title);
        let metadata = mpris.metadata().await;
        let trackid = ObjectPath::try_from(metadata["mpris:trackid"].clone()).unwrap();
        assert_eq!(
            trackid.as_str(),
            format!(
                "/app/duet/track/netease_3a{}",
                free[0]["id"].as_str().unwrap()
            )
        );
        assert!(i64::try_from(metadata["mpris:length"].clone()).unwrap() > 1_000_000);
        assert!(bool::try_from(mpris.get("CanGoNext").await).unwrap());

        // PlayPause from the desktop: the UI hears the pause, MPRIS says so.
        let since = app.seen();
        mpris.call("PlayPause", &()).await;
        app.wait_event(since, "player-state", |s| s["status"] == "paused");
        assert_eq!(mpris.status().await, "Paused");
        let since = app.seen();
        mpris.call("PlayPause", &()).await;
        app.wait_event(since, "player-state", |s| s["status"] == "playing");
        mpris
            .until::<String>("PlaybackStatus", |s| s == "Playing")
            .await;

        // SetPosition: the UI's position moves there, and the desktop hears one Seeked.
        let rule = MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(PLAYER)
            .unwrap()
            .member("Seeked")
            .unwrap()
            .build();
        let mut seeked = MessageStream::for_match_rule(rule, &mpris.connection, Some(16))
            .await
            .unwrap();
        let since = app.seen();
        mpris
            .call("SetPosition", &(trackid.clone(), 8_000_000i64))
            .await;
        app.wait_event(since, "player-position", |p| {
            p["position_ms"].as_u64().unwrap() >= 8_000
        });
        let signal = tokio::time::timeout(Duration::from_secs(5), seeked.next())
            .await
            .expect("a Seeked signal")
            .unwrap()
            .unwrap();
        let position_us: i64 = signal.body().deserialize().unwrap();
        assert!(
            (8_000_000..9_000_000).contains(&position_us),
            "{position_us}"
        );
        let position: i64 = mpris.until("Position", |p: &i64| *p >= 8_000_000).await;
        assert!(position < 12_000_000, "{position}");
        // Seek is relative: 4 s on from where it plays.
        let since = app.seen();
        mpris.call("Seek", &(4_000_000i64,)).await;
        app.wait_event(since, "player-position", |p| {
            p["position_ms"].as_u64().unwrap() >= 12_000
        });
        tokio::time::timeout(Duration::from_secs(5), seeked.next())
            .await
            .expect("a Seeked signal for Seek too");
        // Playing on: no more Seeked for the ticks.
        let more = tokio::time::timeout(Duration::from_millis(1500), seeked.next()).await;
        assert!(more.is_err(), "a tick was announced as a seek");
        // The person's own seek in the window, however small a step, is one Seeked too: the
        // player says it sought, nothing is guessed from the size of the jump.
        let position_ms = app.ok("player_state", json!({}))["position_ms"]
            .as_u64()
            .unwrap();
        app.ok("player_seek", json!({ "positionMs": position_ms + 200 }));
        let signal = tokio::time::timeout(Duration::from_secs(5), seeked.next())
            .await
            .expect("a Seeked signal for the window's seek")
            .unwrap()
            .unwrap();
        let position_us: i64 = signal.body().deserialize().unwrap();
        let sought_us = (position_ms as i64 + 200) * 1000;
        assert!(
            (sought_us..sought_us + 300_000).contains(&position_us),
            "{position_us} for a seek to {sought_us}"
        );

        // Next: the second track plays, the UI and the desktop see it.
        let since = app.seen();
        mpris.call("Next", &()).await;
        let second = free[1]["id"].clone();
        app.wait_event(since, "player-state", |s| {
            s["status"] == "playing" && s["track"]["id"] == second
        });
        let second_title = free[1]["title"].as_str().unwrap().to_owned();
        mpris
            .until::<HashMap<String, OwnedValue>>("Metadata", |m| {
                m.get("xesam:title")
                    .and_then(|t| String::try_from(t.clone()).ok())
                    .is_some_and(|t| t == second_title)
            })
            .await;
        // A new track starting from its beginning is no seek.
        let more = tokio::time::timeout(Duration::from_millis(1000), seeked.next()).await;
        assert!(more.is_err(), "the track change was announced as a seek");

        // Rate: the speeds the settings allow; a widget's 1.5 is the settings' speed, and the
        // position moves on half again as fast as the clock (the track's time, which is what
        // clients extrapolate with Rate).
        assert_eq!(f64::try_from(mpris.get("Rate").await).unwrap(), 1.0);
        assert_eq!(f64::try_from(mpris.get("MinimumRate").await).unwrap(), 0.5);
        assert_eq!(f64::try_from(mpris.get("MaximumRate").await).unwrap(), 2.0);
        mpris.set("Rate", 1.5f64.into()).await;
        mpris.until::<f64>("Rate", |r| *r == 1.5).await;
        assert_eq!(app.ok("prefs_get", json!({}))["sound"]["speed"], 1.5);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (from_us, from) = mpris.fresh_position().await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (to_us, to) = mpris.fresh_position().await;
        let ratio = (to_us - from_us) as f64 / (to - from).as_micros() as f64;
        assert!((1.4..1.6).contains(&ratio), "played at {ratio}× at 1.5×");
        // The settings' own change reaches the desktop; past the range is held to it; 0 pauses.
        let mut prefs = app.ok("prefs_get", json!({}));
        prefs["sound"]["speed"] = json!(1.0);
        app.ok("prefs_set", json!({ "next": prefs }));
        mpris.until::<f64>("Rate", |r| *r == 1.0).await;
        mpris.set("Rate", 5.0f64.into()).await;
        mpris.until::<f64>("Rate", |r| *r == 2.0).await;
        mpris.set("Rate", 1.0f64.into()).await;
        mpris.until::<f64>("Rate", |r| *r == 1.0).await;
        let since = app.seen();
        mpris.set("Rate", 0.0f64.into()).await;
        app.wait_event(since, "player-state", |s| s["status"] == "paused");
        assert_eq!(f64::try_from(mpris.get("Rate").await).unwrap(), 1.0);
        let since = app.seen();
        mpris.call("Play", &()).await;
        app.wait_event(since, "player-state", |s| s["status"] == "playing");

        // Repeat and shuffle from a widget: the UI's modes follow.
        let since = app.seen();
        mpris.set("LoopStatus", "Playlist".into()).await;
        app.wait_event(since, "player-state", |s| s["repeat"] == "all");
        mpris
            .until::<String>("LoopStatus", |s| s == "Playlist")
            .await;

        // Raise asks for the window.
        mpris
            .connection
            .call_method(
                Some(BUS_NAME),
                PATH,
                Some("org.mpris.MediaPlayer2"),
                "Raise",
                &(),
            )
            .await
            .unwrap();
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while *app.raised.lock().unwrap() == 0 {
        assert!(Instant::now() < deadline, "Raise did not reach the window");
        std::thread::sleep(Duration::from_millis(20));
    }

    // The settings switch the feed on (port 0: any free one) and the controls off.
    let mut prefs = app.ok("prefs_get", json!({}));
    prefs["now_playing"]["feed_enabled"] = json!(true);
    prefs["now_playing"]["feed_port"] = json!(0);
    prefs["now_playing"]["media_controls"] = json!(false);
    app.ok("prefs_set", json!({ "next": prefs }));
    let status = app.wait_status(|s| s.feed_url.is_some() && !s.media_controls);
    let url = status.feed_url.unwrap();
    assert!(url.starts_with("ws://127.0.0.1:"), "{url}");
    assert_eq!(app.ok("now_playing_status", json!({}))["feed_url"], url);
    runtime().block_on(async {
        let (mut feed, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap();
        let message = tokio::time::timeout(Duration::from_secs(5), feed.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        assert_eq!(message["type"], "now_playing");
        assert_eq!(
            message["track"]["id"],
            format!("netease:{}", free[1]["id"].as_str().unwrap())
        );
        assert_eq!(message["status"], "playing");
        // The lyric line as the track plays, with its text (lyric-line carries it now).
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let lyric = loop {
            let message = tokio::time::timeout_at(deadline, feed.next())
                .await
                .expect("a lyric line within 20 s")
                .unwrap()
                .unwrap();
            let message: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
            if !message["lyric"].is_null() {
                break message["lyric"].clone();
            }
        };
        assert!(!lyric["text"].as_str().unwrap().is_empty(), "{lyric}");
        assert_eq!(
            lyric["track_id"],
            format!("netease:{}", free[1]["id"].as_str().unwrap())
        );

        let connection = Connection::session().await.unwrap();
        let dbus = zbus::fdo::DBusProxy::new(&connection).await.unwrap();
        let name = zbus::names::BusName::try_from(BUS_NAME).unwrap();
        assert!(
            !dbus.name_has_owner(name).await.unwrap(),
            "media controls off: Duet leaves the bus"
        );
    });

    // A port another program holds: the settings get the reason, nothing panics.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut prefs = app.ok("prefs_get", json!({}));
    prefs["now_playing"]["feed_port"] = json!(port);
    app.ok("prefs_set", json!({ "next": prefs }));
    let status = app.wait_status(|s| s.feed_error.is_some());
    assert_eq!(status.feed_url, None);
    let error = status.feed_error.unwrap();
    assert_eq!(error.kind, duet_core::ErrorKind::Unavailable);
    assert!(
        error.message.contains(&port.to_string()),
        "{}",
        error.message
    );
    assert_eq!(
        app.ok("now_playing_status", json!({}))["feed_error"]["kind"],
        "unavailable"
    );
}
