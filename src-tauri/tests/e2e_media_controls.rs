//! End to end: the real app in a real window (Xvfb, tauri-driver), playing on the null sink
//! against the fake upstream, driven through MPRIS on the test's D-Bus session as the keyboard's
//! media keys, a desktop widget or `playerctl` would; the window follows. `./dev test` provides
//! the display, the session bus with a Secret Service, and tauri-driver.

#![cfg(target_os = "linux")]

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{eventually, testid, wait_for, TauriDriver};
use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::{FakeConfig, FakeUpstream, QrState};
use duet_services::KeyringStore;
use fantoccini::Client;
use serde_json::json;
use zbus::fdo::PropertiesProxy;
use zbus::names::InterfaceName;
use zbus::zvariant::{ObjectPath, OwnedValue};
use zbus::Connection;

const BUS_NAME: &str = "org.mpris.MediaPlayer2.duet";
const PATH: &str = "/org/mpris/MediaPlayer2";
const PLAYER: &str = "org.mpris.MediaPlayer2.Player";

/// Read in the page (the player bar re-renders every tick; WebDriver elements go stale).
async fn attr(client: &Client, css: &str, name: &str) -> Option<String> {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(css), json!(name)],
        )
        .await
        .unwrap()
        .as_str()
        .map(str::to_owned)
}

async fn text(client: &Client, css: &str) -> String {
    client
        .execute(
            "return document.querySelector(arguments[0])?.textContent?.trim() ?? '';",
            vec![json!(css)],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn position_ms(client: &Client) -> u64 {
    attr(client, &testid("player-position"), "data-ms")
        .await
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

struct Mpris {
    connection: Connection,
    properties: PropertiesProxy<'static>,
}

impl Mpris {
    async fn connect() -> Self {
        let connection = Connection::session().await.unwrap();
        let properties = PropertiesProxy::builder(&connection)
            .destination(BUS_NAME)
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
        }
    }

    async fn get(&self, name: &str) -> Option<OwnedValue> {
        self.properties
            .get(InterfaceName::from_static_str(PLAYER).unwrap(), name)
            .await
            .ok()
    }

    async fn status(&self) -> String {
        self.get("PlaybackStatus")
            .await
            .and_then(|v| String::try_from(v).ok())
            .unwrap_or_default()
    }

    async fn metadata(&self) -> HashMap<String, OwnedValue> {
        self.get("Metadata")
            .await
            .and_then(|v| HashMap::try_from(v).ok())
            .unwrap_or_default()
    }

    async fn title(&self) -> String {
        self.metadata()
            .await
            .get("xesam:title")
            .and_then(|t| String::try_from(t.clone()).ok())
            .unwrap_or_default()
    }

    async fn call<B>(&self, method: &str, body: &B)
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        self.connection
            .call_method(Some(BUS_NAME), PATH, Some(PLAYER), method, body)
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktops_media_controls_drive_the_window() {
    let fake = FakeUpstream::spawn(FakeConfig {
        qr_lifetime: Duration::from_secs(600),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    KeyringStore::new().delete(ProviderId::Netease).unwrap();
    KeyringStore::new().delete(ProviderId::Qq).unwrap();
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;

    // Log in as the phone would, then play the long playlist.
    wait_for(&app, &testid("qr-image-netease")).await;
    let mut scanned = Vec::new();
    eventually("a QR code waiting", || {
        scanned = fake
            .netease()
            .qr_keys()
            .into_iter()
            .filter(|k| fake.netease().qr_state(k) == Some(QrState::Waiting))
            .collect();
        let any = !scanned.is_empty();
        async move { any }
    })
    .await;
    for key in &scanned {
        fake.netease().scan(key);
        fake.netease().confirm(key);
    }
    wait_for(&app, &testid("library-screen")).await;
    eventually("the 1200-track playlist", || async {
        app.execute(
            r#"const card = [...document.querySelectorAll('[data-testid="playlist-card"]')]
                 .find(c => c.textContent.includes('Fake playlist of 1200 tracks'));
               if (card) card.click();
               return !!card;"#,
            vec![],
        )
        .await
        .unwrap()
            == json!(true)
    })
    .await;
    wait_for(&app, &testid("play-all"))
        .await
        .click()
        .await
        .unwrap();
    eventually("the position to pass 1 s", || async {
        position_ms(&app).await >= 1000
    })
    .await;

    // The desktop sees what the window shows.
    let mpris = Mpris::connect().await;
    eventually("MPRIS to say Playing", || async {
        mpris.status().await == "Playing"
    })
    .await;
    let first = text(&app, &testid("player-title")).await;
    assert!(!first.is_empty());
    assert_eq!(mpris.title().await, first);

    // The media key: the window's button turns to "play", and back.
    mpris.call("PlayPause", &()).await;
    eventually("the window to pause", || async {
        attr(&app, &testid("player-toggle"), "data-playing")
            .await
            .as_deref()
            == Some("false")
    })
    .await;
    assert_eq!(mpris.status().await, "Paused");
    mpris.call("PlayPause", &()).await;
    eventually("the window to play again", || async {
        attr(&app, &testid("player-toggle"), "data-playing")
            .await
            .as_deref()
            == Some("true")
    })
    .await;

    // A widget's seek bar: the window's position jumps there.
    let trackid = ObjectPath::try_from(mpris.metadata().await["mpris:trackid"].clone()).unwrap();
    mpris
        .call("SetPosition", &(trackid.clone(), 12_000_000i64))
        .await;
    eventually("the window's position to reach 12 s", || async {
        position_ms(&app).await >= 12_000
    })
    .await;

    // Next: the window and the desktop agree on the new track.
    mpris.call("Next", &()).await;
    eventually("the next track in the window and on the bus", || async {
        let shown = text(&app, &testid("player-title")).await;
        !shown.is_empty() && shown != first && mpris.title().await == shown
    })
    .await;
}
