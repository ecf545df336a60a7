//! A client of Duet's MPRIS player on the session bus, as `playerctl` or a desktop widget is:
//! shared by the test below the window (`media_controls.rs`) and the end-to-end one.

#![allow(dead_code)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use zbus::fdo::PropertiesProxy;
use zbus::names::InterfaceName;
use zbus::zvariant::OwnedValue;
use zbus::Connection;

pub const BUS_NAME: &str = "org.mpris.MediaPlayer2.duet";
pub const PATH: &str = "/org/mpris/MediaPlayer2";
pub const PLAYER: &str = "org.mpris.MediaPlayer2.Player";

pub struct Mpris {
    pub connection: Connection,
    properties: PropertiesProxy<'static>,
}

impl Mpris {
    /// On the session bus of `DBUS_SESSION_BUS_ADDRESS`; properties are asked each time.
    pub async fn connect() -> Self {
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

    /// A property of the Player interface; `None` while Duet is not (yet) on the bus.
    pub async fn try_get(&self, name: &str) -> Option<OwnedValue> {
        self.properties
            .get(InterfaceName::from_static_str(PLAYER).unwrap(), name)
            .await
            .ok()
    }

    /// [`try_get`](Self::try_get) where Duet must answer.
    pub async fn get(&self, name: &str) -> OwnedValue {
        self.properties
            .get(InterfaceName::from_static_str(PLAYER).unwrap(), name)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// `PlaybackStatus`, empty when there is none.
    pub async fn status(&self) -> String {
        self.try_get("PlaybackStatus")
            .await
            .and_then(|v| String::try_from(v).ok())
            .unwrap_or_default()
    }

    pub async fn metadata(&self) -> HashMap<String, OwnedValue> {
        self.try_get("Metadata")
            .await
            .and_then(|v| HashMap::try_from(v).ok())
            .unwrap_or_default()
    }

    /// `xesam:title`, empty when there is none.
    pub async fn title(&self) -> String {
        self.metadata()
            .await
            .get("xesam:title")
            .and_then(|t| String::try_from(t.clone()).ok())
            .unwrap_or_default()
    }

    /// Calls a method of the Player interface.
    pub async fn call<B>(&self, method: &str, body: &B)
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        self.connection
            .call_method(Some(BUS_NAME), PATH, Some(PLAYER), method, body)
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
    }

    /// Sets a property of the Player interface, as a widget's slider or toggle does.
    pub async fn set(&self, name: &str, value: zbus::zvariant::Value<'_>) {
        self.connection
            .call_method(
                Some(BUS_NAME),
                PATH,
                Some("org.freedesktop.DBus.Properties"),
                "Set",
                &(PLAYER, name, value),
            )
            .await
            .unwrap_or_else(|e| panic!("setting {name}: {e}"));
    }

    /// The position the moment it moves on (it is updated a few times a second), and when.
    pub async fn fresh_position(&self) -> (i64, Instant) {
        let before = i64::try_from(self.get("Position").await).unwrap();
        loop {
            let now = i64::try_from(self.get("Position").await).unwrap();
            if now != before {
                return (now, Instant::now());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Polls a property until `pred` holds (the player acts a moment after the call returns).
    pub async fn until<T: TryFrom<OwnedValue>>(&self, name: &str, pred: impl Fn(&T) -> bool) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(value) = T::try_from(self.get(name).await) {
                if pred(&value) {
                    return value;
                }
            }
            assert!(Instant::now() < deadline, "{name} never got there");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
