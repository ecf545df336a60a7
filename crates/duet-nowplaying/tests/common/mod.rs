//! A private D-Bus session bus for the tests of this binary, and the test's track.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use duet_nowplaying::{Capabilities, Identity, PlaybackStatus, PlayerInfo, Repeat, TrackInfo};

/// A `dbus-daemon` of the test's own, never the desktop's session bus; stopped when dropped.
/// Its address becomes `DBUS_SESSION_BUS_ADDRESS` (one bus per test binary: start it once, in
/// the binary's only test, before any connection).
pub struct PrivateBus(Child);

impl PrivateBus {
    pub fn start() -> Self {
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-daemon (Debian package dbus) must be installed");
        let mut address = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        assert!(address.starts_with("unix:"), "{address}");
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

pub fn identity(bus_name: &str) -> Identity {
    Identity {
        name: "Duet".into(),
        bus_name: bus_name.into(),
        desktop_entry: "Duet".into(),
        rates: 0.5..=2.0,
    }
}

pub fn track(id: &str, title: &str) -> TrackInfo {
    TrackInfo {
        id: id.into(),
        title: title.into(),
        artists: vec!["周杰伦".into(), "费玉清".into()],
        album: Some("叶惠美".into()),
        art_url: Some("https://p1.music.126.net/cover.jpg".into()),
        length_ms: 240_000,
    }
}

pub fn playing(track: TrackInfo) -> PlayerInfo {
    PlayerInfo {
        track: Some(track),
        status: PlaybackStatus::Playing,
        volume: 0.8,
        repeat: Repeat::Off,
        shuffle: false,
        capabilities: Capabilities {
            can_play: true,
            can_pause: true,
            can_go_next: true,
            can_go_previous: true,
            can_seek: true,
        },
    }
}
