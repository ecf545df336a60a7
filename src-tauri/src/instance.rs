//! One Duet at a time: launching it again brings the running window forward, and the second
//! process exits at once (`tauri-plugin-single-instance`: a D-Bus name on Linux, a named mutex
//! on Windows, a socket on macOS).

use tauri::{plugin::TauriPlugin, Runtime};

/// `identifier`: the app's (tauri.conf.json), which names the lock.
pub fn plugin<R: Runtime>(identifier: &str, upstream: &duet_core::Upstream) -> TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(lock_name(identifier, upstream))
        .callback(|app, _argv, _cwd| {
            tracing::info!("Duet was launched again: showing this window");
            crate::actions::bring_forward(app);
        })
        .build()
}

/// The lock's name. A Duet routed to a test upstream (`DUET_UPSTREAM`: the demo, the tests)
/// is its own instance per upstream, so it neither meets the person's Duet nor one left by a
/// previous test against another fake; launched twice against the same upstream, the second
/// still finds the first.
pub fn lock_name(identifier: &str, upstream: &duet_core::Upstream) -> String {
    match upstream.override_base() {
        None => identifier.to_owned(),
        Some(base) => {
            let place: String = format!(
                "{}_{}",
                base.host_str().unwrap_or(""),
                base.port_or_known_default().unwrap_or(0)
            )
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
            format!("{identifier}.upstream_{place}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_persons_duet_and_each_test_upstream_lock_apart() {
        assert_eq!(
            lock_name("app.duet.player", &duet_core::Upstream::Direct),
            "app.duet.player"
        );
        let test = |url: &str| {
            lock_name(
                "app.duet.player",
                &duet_core::Upstream::Override(url.parse().unwrap()),
            )
        };
        assert_eq!(
            test("http://127.0.0.1:9000"),
            "app.duet.player.upstream_127_0_0_1_9000"
        );
        assert_ne!(test("http://127.0.0.1:9000"), test("http://127.0.0.1:9001"));
        // A D-Bus name element: letters, digits and underscores, not starting with a digit.
        for part in test("http://[::1]:80/x").split('.') {
            assert!(
                part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{part}"
            );
            assert!(!part.starts_with(|c: char| c.is_ascii_digit()), "{part}");
        }
    }
}
