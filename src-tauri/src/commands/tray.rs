//! The tray menu (`crate::tray`): its labels follow the UI's language.

use tauri::State;

use crate::tray::{TrayLanguage, TrayLanguageChoice};

/// Labels the tray menu in the UI's language (at start and on each change); without a tray it
/// is remembered and nothing else happens.
#[tauri::command]
#[specta::specta]
pub fn tray_language(choice: State<'_, TrayLanguageChoice>, language: TrayLanguage) {
    choice.choose(language);
}
