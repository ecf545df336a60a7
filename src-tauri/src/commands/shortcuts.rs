//! The global shortcuts' state (`crate::shortcuts`): which of those set do not work, and why.

use std::time::Duration;

use duet_core::Result;
use tauri::State;

use crate::prefs::PrefsStore;
use crate::shortcuts::{ShortcutProblem, Shortcuts};

/// How long to wait for a change just set to be applied.
const PATIENCE: Duration = Duration::from_secs(3);

/// The shortcuts of the current preferences that do not work (another app holds the keys, or
/// the system refused), once they are applied; empty when all work or they are off.
#[tauri::command]
#[specta::specta]
pub async fn shortcut_problems(
    prefs: State<'_, PrefsStore>,
    shortcuts: State<'_, Shortcuts>,
) -> Result<Vec<ShortcutProblem>> {
    Ok(shortcuts
        .problems_of(&prefs.get().shortcuts, PATIENCE)
        .await)
}
