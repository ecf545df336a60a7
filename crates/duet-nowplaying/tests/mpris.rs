//! MPRIS as a desktop widget or `playerctl` sees it: a zbus client on a private session bus reads
//! Duet's properties, calls its methods and listens to its signals.

#![cfg(all(unix, not(target_os = "macos")))]

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{identity, playing, track, PrivateBus};
use duet_nowplaying::{MediaCommand, NowPlaying, PlaybackStatus, Repeat};
use futures_util::StreamExt;
use zbus::fdo::PropertiesProxy;
use zbus::message::Type as MessageType;
use zbus::names::InterfaceName;
use zbus::zvariant::{ObjectPath, OwnedValue};
use zbus::{Connection, MatchRule, MessageStream};

const PATH: &str = "/org/mpris/MediaPlayer2";
const ROOT: &str = "org.mpris.MediaPlayer2";
const PLAYER: &str = "org.mpris.MediaPlayer2.Player";

struct Client {
    connection: Connection,
    properties: PropertiesProxy<'static>,
    destination: String,
}

impl Client {
    async fn new(destination: &str) -> Self {
        let connection = Connection::session().await.unwrap();
        let properties = PropertiesProxy::builder(&connection)
            .destination(destination.to_owned())
            .unwrap()
            .path(PATH)
            .unwrap()
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await
            .unwrap();
        Self {
            connection,
            properties,
            destination: destination.into(),
        }
    }

    async fn get(&self, interface: &'static str, name: &str) -> OwnedValue {
        self.properties
            .get(InterfaceName::from_static_str(interface).unwrap(), name)
            .await
            .unwrap_or_else(|e| panic!("{interface}.{name}: {e}"))
    }

    async fn string(&self, interface: &'static str, name: &str) -> String {
        String::try_from(self.get(interface, name).await).unwrap()
    }

    async fn boolean(&self, name: &str) -> bool {
        bool::try_from(self.get(PLAYER, name).await).unwrap()
    }

    async fn position_us(&self) -> i64 {
        i64::try_from(self.get(PLAYER, "Position").await).unwrap()
    }

    async fn metadata(&self) -> HashMap<String, OwnedValue> {
        HashMap::try_from(self.get(PLAYER, "Metadata").await).unwrap()
    }

    async fn call<B>(&self, method: &str, body: &B)
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        self.connection
            .call_method(
                Some(self.destination.as_str()),
                PATH,
                Some(PLAYER),
                method,
                body,
            )
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
    }

    async fn set<'v>(&self, name: &str, value: impl Into<zbus::zvariant::Value<'v>>) {
        self.connection
            .call_method(
                Some(self.destination.as_str()),
                PATH,
                Some("org.freedesktop.DBus.Properties"),
                "Set",
                &(PLAYER, name, value.into()),
            )
            .await
            .unwrap_or_else(|e| panic!("setting {name}: {e}"));
    }

    /// Every signal from the player's object from now on.
    async fn signals(&self) -> MessageStream {
        let rule = MatchRule::builder()
            .msg_type(MessageType::Signal)
            .path(PATH)
            .unwrap()
            .build();
        MessageStream::for_match_rule(rule, &self.connection, Some(64))
            .await
            .unwrap()
    }
}

/// The signals received within `within`, as (member, the changed properties' names or the
/// seek's position in µs).
async fn drain(signals: &mut MessageStream, within: Duration) -> Vec<(String, Vec<String>)> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, signals.next()).await {
        let header = message.header();
        let member = header.member().map(|m| m.to_string()).unwrap_or_default();
        let changed = if member == "PropertiesChanged" {
            let (_, changed, _): (String, HashMap<String, OwnedValue>, Vec<String>) =
                message.body().deserialize().unwrap();
            let mut names: Vec<String> = changed.into_keys().collect();
            names.sort();
            names
        } else if member == "Seeked" {
            let position_us: i64 = message.body().deserialize().unwrap();
            vec![position_us.to_string()]
        } else {
            Vec::new()
        };
        seen.push((member, changed));
    }
    seen
}

async fn next_command(commands: &mut duet_nowplaying::CommandReceiver) -> MediaCommand {
    tokio::time::timeout(Duration::from_secs(5), commands.recv())
        .await
        .expect("a command within 5 s")
        .expect("the hub is alive")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mpris_publishes_the_player_and_brings_its_requests() {
    let _bus = PrivateBus::start();
    let (hub, mut commands) = NowPlaying::new(identity("duet"));
    hub.set_info(playing(track("netease:186016", "晴天")));
    hub.set_position(1_000, false);
    hub.enable_system_controls(None).await.unwrap();
    assert!(hub.system_controls_enabled().await);
    let client = Client::new("org.mpris.MediaPlayer2.duet").await;

    // What a widget shows.
    assert_eq!(client.string(ROOT, "Identity").await, "Duet");
    assert_eq!(client.string(ROOT, "DesktopEntry").await, "Duet");
    assert_eq!(client.string(PLAYER, "PlaybackStatus").await, "Playing");
    let metadata = client.metadata().await;
    let trackid = ObjectPath::try_from(metadata["mpris:trackid"].clone()).unwrap();
    assert_eq!(trackid.as_str(), "/app/duet/track/netease_3a186016");
    assert_eq!(
        String::try_from(metadata["xesam:title"].clone()).unwrap(),
        "晴天"
    );
    assert_eq!(
        Vec::<String>::try_from(metadata["xesam:artist"].clone()).unwrap(),
        ["周杰伦", "费玉清"]
    );
    assert_eq!(
        String::try_from(metadata["xesam:album"].clone()).unwrap(),
        "叶惠美"
    );
    assert_eq!(
        String::try_from(metadata["mpris:artUrl"].clone()).unwrap(),
        "https://p1.music.126.net/cover.jpg"
    );
    assert_eq!(
        i64::try_from(metadata["mpris:length"].clone()).unwrap(),
        240_000_000,
        "microseconds"
    );
    assert_eq!(
        f64::try_from(client.get(PLAYER, "Volume").await).unwrap(),
        0.8
    );
    for capability in [
        "CanGoNext",
        "CanGoPrevious",
        "CanPlay",
        "CanPause",
        "CanSeek",
    ] {
        assert!(client.boolean(capability).await, "{capability}");
    }
    assert_eq!(client.position_us().await, 1_000_000);

    // What a widget asks.
    client.call("PlayPause", &()).await;
    assert_eq!(next_command(&mut commands).await, MediaCommand::PlayPause);
    client.call("Next", &()).await;
    assert_eq!(next_command(&mut commands).await, MediaCommand::Next);
    client.call("Previous", &()).await;
    assert_eq!(next_command(&mut commands).await, MediaCommand::Previous);
    client.call("Seek", &(5_000_000i64,)).await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::Seek { offset_ms: 5_000 }
    );
    // SetPosition for another track, or past the end, is ignored (the specification's rule);
    // for this one it goes through.
    let other = ObjectPath::try_from("/app/duet/track/netease_3a1").unwrap();
    client.call("SetPosition", &(other, 30_000_000i64)).await;
    client
        .call("SetPosition", &(trackid.clone(), 999_000_000i64))
        .await;
    client
        .call("SetPosition", &(trackid.clone(), 30_000_000i64))
        .await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::SetPosition {
            track_id: Some("netease:186016".into()),
            position_ms: 30_000
        }
    );
    client.set("Volume", 0.5f64).await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::SetVolume(0.5)
    );

    // The rate is the player's speed, within its range; 0 means pause, as the specification
    // asks, and what lies outside the range is held to it.
    let rate = |name: &'static str| {
        let client = &client;
        async move { f64::try_from(client.get(PLAYER, name).await).unwrap() }
    };
    assert_eq!(rate("Rate").await, 1.0);
    assert_eq!(rate("MinimumRate").await, 0.5);
    assert_eq!(rate("MaximumRate").await, 2.0);
    client.set("Rate", 1.5f64).await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::SetRate(1.5)
    );
    client.set("Rate", 8.0f64).await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::SetRate(2.0)
    );
    client.set("Rate", 0.1f64).await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::SetRate(0.5)
    );
    client.set("Rate", 0.0f64).await;
    assert_eq!(next_command(&mut commands).await, MediaCommand::Pause);
    let mut signals = client.signals().await;
    hub.set_rate(1.25);
    let changed = drain(&mut signals, Duration::from_millis(500)).await;
    assert_eq!(
        changed,
        [("PropertiesChanged".to_owned(), vec!["Rate".to_owned()])]
    );
    assert_eq!(rate("Rate").await, 1.25);
    hub.set_rate(1.0);
    drain(&mut signals, Duration::from_millis(300)).await;
    assert_eq!(client.string(PLAYER, "LoopStatus").await, "None");
    assert!(!client.boolean("Shuffle").await);
    client.set("LoopStatus", "Playlist").await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::SetRepeat(Repeat::All)
    );
    client.set("Shuffle", true).await;
    assert_eq!(
        next_command(&mut commands).await,
        MediaCommand::SetShuffle(true)
    );
    assert!(commands.try_recv().is_err(), "nothing else was asked");

    // The position ticking is no signal; it is answered when asked.
    let mut signals = client.signals().await;
    let start = tokio::time::Instant::now();
    for tick in 1..=8u64 {
        tokio::time::sleep_until(start + Duration::from_millis(tick * 250)).await;
        hub.set_position(1_000 + tick * 250, false);
    }
    let quiet = drain(&mut signals, Duration::from_millis(300)).await;
    assert!(quiet.is_empty(), "ticks made signals: {quiet:?}");
    assert_eq!(client.position_us().await, 3_000_000);

    // A seek is one Seeked with the new position, and no PropertiesChanged.
    hub.set_position(120_000, true);
    let seeked = drain(&mut signals, Duration::from_millis(500)).await;
    assert_eq!(
        seeked,
        [("Seeked".to_owned(), vec!["120000000".to_owned()])]
    );
    // However small: the player says it sought, so it is one (no guessing from the step).
    hub.set_position(120_200, true);
    let seeked = drain(&mut signals, Duration::from_millis(500)).await;
    assert_eq!(
        seeked,
        [("Seeked".to_owned(), vec!["120200000".to_owned()])]
    );
    // And a big step the player does not call a seek (it caught up after buffering) is none.
    hub.set_position(125_000, false);
    let quiet = drain(&mut signals, Duration::from_millis(300)).await;
    assert!(quiet.is_empty(), "a step was taken for a seek: {quiet:?}");

    // A pause is one PropertiesChanged, with the status alone.
    let mut paused = playing(track("netease:186016", "晴天"));
    paused.status = PlaybackStatus::Paused;
    hub.set_info(paused.clone());
    hub.set_info(paused);
    let changed = drain(&mut signals, Duration::from_millis(500)).await;
    assert_eq!(
        changed,
        [(
            "PropertiesChanged".to_owned(),
            vec!["PlaybackStatus".to_owned()]
        )]
    );
    assert_eq!(client.string(PLAYER, "PlaybackStatus").await, "Paused");

    // A new track: its metadata, announced; its start is no seek.
    let mut next = playing(track("qq:0039MnYb0qxYhV", "稻香"));
    next.capabilities.can_go_next = false;
    hub.set_info(next);
    hub.set_position(0, false);
    let changed = drain(&mut signals, Duration::from_millis(500)).await;
    assert_eq!(
        changed,
        [(
            "PropertiesChanged".to_owned(),
            vec![
                "CanGoNext".to_owned(),
                "Metadata".to_owned(),
                "PlaybackStatus".to_owned()
            ]
        )]
    );
    let metadata = client.metadata().await;
    assert_eq!(
        String::try_from(metadata["xesam:title"].clone()).unwrap(),
        "稻香"
    );
    assert!(!client.boolean("CanGoNext").await);

    // Repeat and shuffle changed in the window: both announced, in one signal.
    let mut modes = playing(track("qq:0039MnYb0qxYhV", "稻香"));
    modes.capabilities.can_go_next = false;
    modes.repeat = Repeat::Track;
    modes.shuffle = true;
    hub.set_info(modes);
    let changed = drain(&mut signals, Duration::from_millis(500)).await;
    assert_eq!(
        changed,
        [(
            "PropertiesChanged".to_owned(),
            vec!["LoopStatus".to_owned(), "Shuffle".to_owned()]
        )]
    );
    assert_eq!(client.string(PLAYER, "LoopStatus").await, "Track");
    assert!(client.boolean("Shuffle").await);

    // Off: the name leaves the bus.
    hub.disable_system_controls().await;
    let dbus = zbus::fdo::DBusProxy::new(&client.connection).await.unwrap();
    let name = zbus::names::BusName::try_from("org.mpris.MediaPlayer2.duet").unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while dbus.name_has_owner(name.clone()).await.unwrap() {
        assert!(tokio::time::Instant::now() < deadline, "the name stayed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
