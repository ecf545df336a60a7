//! Playback commands: each returns the player's new state.

use duet_core::{Result, Track};
use duet_player::{PlayerState, Repeat};
use tauri::State;

use crate::state::Duet;

#[tauri::command]
#[specta::specta]
pub fn player_play(
    duet: State<'_, Duet>,
    tracks: Vec<Track>,
    start_index: usize,
) -> Result<PlayerState> {
    duet.player.player().play(tracks, start_index)
}

#[tauri::command]
#[specta::specta]
pub fn player_enqueue(duet: State<'_, Duet>, tracks: Vec<Track>) -> PlayerState {
    duet.player.player().enqueue(tracks)
}

#[tauri::command]
#[specta::specta]
pub fn player_play_next(duet: State<'_, Duet>, tracks: Vec<Track>) -> PlayerState {
    duet.player.player().play_next(tracks)
}

#[tauri::command]
#[specta::specta]
pub fn player_remove(duet: State<'_, Duet>, index: usize) -> Result<PlayerState> {
    duet.player.player().remove(index)
}

#[tauri::command]
#[specta::specta]
pub fn player_move(duet: State<'_, Duet>, from: usize, to: usize) -> Result<PlayerState> {
    duet.player.player().move_track(from, to)
}

#[tauri::command]
#[specta::specta]
pub fn player_clear_queue(duet: State<'_, Duet>) -> PlayerState {
    duet.player.player().clear_queue()
}

#[tauri::command]
#[specta::specta]
pub fn player_toggle(duet: State<'_, Duet>) -> PlayerState {
    duet.player.player().toggle()
}

#[tauri::command]
#[specta::specta]
pub fn player_next(duet: State<'_, Duet>) -> PlayerState {
    duet.player.player().next()
}

#[tauri::command]
#[specta::specta]
pub fn player_previous(duet: State<'_, Duet>) -> PlayerState {
    duet.player.player().previous()
}

#[tauri::command]
#[specta::specta]
pub fn player_jump(duet: State<'_, Duet>, index: usize) -> Result<PlayerState> {
    duet.player.player().jump(index)
}

#[tauri::command]
#[specta::specta]
pub fn player_seek(duet: State<'_, Duet>, position_ms: u64) -> PlayerState {
    duet.player.player().seek(position_ms)
}

#[tauri::command]
#[specta::specta]
pub fn player_set_volume(duet: State<'_, Duet>, volume: f32) -> Result<PlayerState> {
    duet.player.player().set_volume(volume)
}

#[tauri::command]
#[specta::specta]
pub fn player_set_mode(duet: State<'_, Duet>, repeat: Repeat, shuffle: bool) -> PlayerState {
    duet.player.player().set_mode(repeat, shuffle)
}

#[tauri::command]
#[specta::specta]
pub fn player_state(duet: State<'_, Duet>) -> PlayerState {
    duet.player.player().state()
}

/// The queued tracks (states carry only `queue_length`).
#[tauri::command]
#[specta::specta]
pub fn player_queue(duet: State<'_, Duet>) -> Vec<Track> {
    duet.player.player().queue()
}

/// The way back from play anywhere: the current track plays again from its own service only
/// (its trial clip, or its own error), for the rest of the session; the queue is unchanged.
#[tauri::command]
#[specta::specta]
pub fn player_keep_original(duet: State<'_, Duet>) -> Result<PlayerState> {
    duet.player.keep_original()
}
