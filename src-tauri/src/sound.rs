//! The `sound` preferences applied to the player as they change (`PrefsStore::watch`), and the
//! output devices the settings offer.

use std::time::Duration;

use duet_player::{OutputDevice, Player, MAX_CROSSFADE};

use crate::prefs::{PrefsStore, SoundPrefs};

/// Applies the `sound` section now and on every change, until the store goes.
pub fn follow(prefs: &PrefsStore, player: Player) {
    let mut changes = prefs.watch();
    let first = changes.borrow_and_update().sound.clone();
    apply(&player, &first, None);
    tauri::async_runtime::spawn(async move {
        let mut last = first;
        while changes.changed().await.is_ok() {
            let next = changes.borrow_and_update().sound.clone();
            if next != last {
                apply(&player, &next, Some(&last));
                last = next;
            }
        }
    });
}

/// Sets what changed (a device is reopened only when the device changed).
pub fn apply(player: &Player, sound: &SoundPrefs, before: Option<&SoundPrefs>) {
    let crossfade = Duration::from_millis(u64::from(sound.crossfade_ms)).min(MAX_CROSSFADE);
    if let Err(e) = player.set_crossfade(crossfade) {
        tracing::warn!("crossfade: {e}");
    }
    player.set_on_device_lost(sound.on_device_lost);
    player.set_normalization(sound.normalize);
    if before.is_none_or(|b| b.output_device != sound.output_device) {
        if let Err(e) = player.choose_output_device(sound.output_device.as_deref()) {
            tracing::warn!("output device: {e}");
        }
    }
}

/// The output devices, the system's default marked; none when there is no sound system (or
/// `DUET_AUDIO_OUTPUT=null` forces the null sink, as in tests).
pub fn devices() -> duet_core::Result<Vec<OutputDevice>> {
    let forced_null =
        std::env::var(duet_player::OUTPUT_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("null"));
    if forced_null {
        return Ok(Vec::new());
    }
    duet_player::list_output_devices()
        .map_err(|e| duet_core::Error::new(duet_core::ErrorKind::Unavailable, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_player::{DeviceLostAction, NullOutputFactory, Pace, PlayerOptions};
    use std::sync::Arc;

    struct NoTracks;

    #[async_trait::async_trait]
    impl duet_player::StreamResolver for NoTracks {
        async fn resolve(&self, _: &duet_core::Track) -> duet_core::Result<duet_core::StreamUrl> {
            Err(duet_core::Error::not_found("no tracks here"))
        }
    }

    #[tokio::test]
    async fn sound_prefs_reach_the_player_as_they_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = PrefsStore::open(dir.path().join(crate::prefs::FILE_NAME));
        let player = Player::new(
            Arc::new(NoTracks),
            Arc::new(NullOutputFactory::new(Pace::Unlimited)),
            PlayerOptions::default(),
        );
        follow(&store, player.clone());
        assert_eq!(player.crossfade(), Duration::ZERO);
        assert_eq!(player.on_device_lost(), DeviceLostAction::MoveToDefault);
        assert!(!player.normalization());

        store
            .update(|p| {
                p.sound.crossfade_ms = 3_000;
                p.sound.on_device_lost = DeviceLostAction::Pause;
                p.sound.normalize = true;
            })
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while player.crossfade() != Duration::from_secs(3) {
            assert!(tokio::time::Instant::now() < deadline, "not applied");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(player.on_device_lost(), DeviceLostAction::Pause);
        assert!(player.normalization());

        // More than the player takes is held to its longest crossfade, not refused.
        store.update(|p| p.sound.crossfade_ms = 60_000).unwrap();
        while player.crossfade() != MAX_CROSSFADE {
            assert!(tokio::time::Instant::now() < deadline, "not applied");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
