//! The `sound` preferences applied to the player as they change (`PrefsStore::watch`): the
//! device, the hand-over, the equaliser and the speed (its `SoundEffects`); and the output
//! devices the settings offer.

use std::time::Duration;

use duet_core::{Error, Result};
use duet_player::{
    DspError, EffectSettings, OutputDevice, PlaybackSpeed, Player, SoundControls, SoundEffects,
    MAX_CROSSFADE,
};

use crate::prefs::{PrefsStore, SoundPrefs};

/// Applies the `sound` section now and on every change, until the store goes. The equaliser and
/// the speed go into the player's sample path here, once; the handle returned shows what they
/// are set to.
pub fn follow(prefs: &PrefsStore, player: Player) -> SoundControls {
    let mut changes = prefs.watch();
    let first = changes.borrow_and_update().sound.clone();
    let (effects, controls) = SoundEffects::new();
    player.set_processor(Some(Box::new(effects)));
    apply(&player, &controls, &first, None);
    let following = controls.clone();
    tauri::async_runtime::spawn(async move {
        let mut last = first;
        while changes.changed().await.is_ok() {
            let next = changes.borrow_and_update().sound.clone();
            if next != last {
                apply(&player, &following, &next, Some(&last));
                last = next;
            }
        }
    });
    controls
}

impl crate::state::Duet {
    /// [`follow`] for this app's player.
    pub fn follow_sound(&self, prefs: &PrefsStore) -> SoundControls {
        follow(prefs, self.player.player().clone())
    }
}

/// Every preset a person can pick (not `custom`, which is what moving a band makes), as the
/// settings it sets: its bands and a preamp that leaves room for them.
pub fn eq_presets() -> Vec<duet_dsp::EqSettings> {
    duet_dsp::EqPreset::ALL
        .into_iter()
        .filter(|&p| p != duet_dsp::EqPreset::Custom)
        .map(duet_dsp::EqSettings::from_preset)
        .collect()
}

/// Checks the equaliser and the speed: out of range or not a number is a `bad_request`.
pub fn validate(sound: &SoundPrefs) -> Result<()> {
    effect_settings(sound).map(drop)
}

fn effect_settings(sound: &SoundPrefs) -> Result<EffectSettings> {
    sound.equalizer.validate().map_err(dsp_error)?;
    Ok(EffectSettings {
        equalizer: sound.equalizer,
        speed: PlaybackSpeed::new(sound.speed).map_err(dsp_error)?,
    })
}

fn dsp_error(error: DspError) -> Error {
    Error::bad_request(error.to_string())
}

/// Sets what changed (a device is reopened only when the device changed).
pub fn apply(
    player: &Player,
    effects: &SoundControls,
    sound: &SoundPrefs,
    before: Option<&SoundPrefs>,
) {
    // A hand-edited file may hold what the settings would refuse: those play as if off.
    let settings = effect_settings(sound).unwrap_or_else(|e| {
        tracing::warn!("sound effects left off: {}", e.message);
        EffectSettings::default()
    });
    if let Err(e) = effects.set(settings) {
        tracing::warn!("sound effects: {e}");
    }
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
pub fn devices() -> Result<Vec<OutputDevice>> {
    let forced_null =
        std::env::var(duet_player::OUTPUT_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("null"));
    if forced_null {
        return Ok(Vec::new());
    }
    duet_player::list_output_devices()
        .map_err(|e| Error::new(duet_core::ErrorKind::Unavailable, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_player::{DeviceLostAction, NullOutputFactory, Pace, PlayerOptions};
    use std::sync::Arc;

    struct NoTracks;

    #[async_trait::async_trait]
    impl duet_player::StreamResolver for NoTracks {
        async fn resolve(&self, _: &duet_core::Track) -> Result<duet_core::StreamUrl> {
            Err(Error::not_found("no tracks here"))
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
        let effects = follow(&store, player.clone());
        assert_eq!(player.crossfade(), Duration::ZERO);
        assert_eq!(effects.settings(), EffectSettings::default());
        assert_eq!(player.on_device_lost(), DeviceLostAction::MoveToDefault);
        assert!(!player.normalization());

        store
            .update(|p| {
                p.sound.crossfade_ms = 3_000;
                p.sound.on_device_lost = DeviceLostAction::Pause;
                p.sound.normalize = true;
                p.sound.equalizer =
                    duet_player::EqSettings::from_preset(duet_player::EqPreset::Jazz);
                p.sound.speed = 0.75;
            })
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while player.crossfade() != Duration::from_secs(3) {
            assert!(tokio::time::Instant::now() < deadline, "not applied");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(player.on_device_lost(), DeviceLostAction::Pause);
        assert!(player.normalization());
        while effects.settings().speed.get() != 0.75 {
            assert!(tokio::time::Instant::now() < deadline, "not applied");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            effects.settings().equalizer,
            duet_player::EqSettings::from_preset(duet_player::EqPreset::Jazz)
        );

        // More than the player takes is held to its longest crossfade, not refused.
        store.update(|p| p.sound.crossfade_ms = 60_000).unwrap();
        while player.crossfade() != MAX_CROSSFADE {
            assert!(tokio::time::Instant::now() < deadline, "not applied");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
