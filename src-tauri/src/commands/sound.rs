//! The sound settings' commands (the settings themselves are the `sound` preferences).

use duet_core::Result;
use duet_player::OutputDevice;

/// The output devices to choose from, the system's default marked.
#[tauri::command]
#[specta::specta]
pub fn sound_devices() -> Result<Vec<OutputDevice>> {
    crate::sound::devices()
}
