//! Recently played (kept on this machine only; `crate::history`).

use std::sync::Arc;

use duet_core::Result;
use tauri::State;

use crate::history::{HistoryEntry, HistoryStore};

/// The recently played tracks, newest first.
#[tauri::command]
#[specta::specta]
pub fn history_list(history: State<'_, Arc<HistoryStore>>) -> Vec<HistoryEntry> {
    history.list()
}

/// Forgets the recently played tracks (on disk at once).
#[tauri::command]
#[specta::specta]
pub fn history_clear(history: State<'_, Arc<HistoryStore>>) -> Result<()> {
    history.clear()
}
