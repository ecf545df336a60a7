//! The desktop app's preferences (`crate::prefs`): read them, change them.

use crate::prefs::{Prefs, PrefsStore};
use duet_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub fn prefs_get(prefs: State<'_, PrefsStore>) -> Prefs {
    prefs.get()
}

/// Replaces the preferences and writes them. Every window hears of it (`prefs-changed`, from
/// [`crate::prefs::announce`]); the Rust parts that act on them follow [`PrefsStore::watch`].
/// Shortcuts that do not read are refused (`bad_request`), and nothing is changed.
#[tauri::command]
#[specta::specta]
pub fn prefs_set(prefs: State<'_, PrefsStore>, next: Prefs) -> Result<Prefs> {
    crate::shortcuts::validate(&next.shortcuts)?;
    prefs.set(next)
}
