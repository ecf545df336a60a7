//! Likes and the account's own playlists (issue 12, items 3–4): each command one write the
//! person asked for, never repeated here; a refusal reaches the UI with its kind.

use duet_core::{Playlist, ProviderId, Result};
use tauri::State;

use crate::state::Duet;

/// Every liked track's id, newest first (one read; the UI keeps the set).
#[tauri::command]
#[specta::specta]
pub async fn liked_ids(duet: State<'_, Duet>, provider: ProviderId) -> Result<Vec<String>> {
    let result = duet.provider(provider)?.liked_ids().await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn like_track(
    duet: State<'_, Duet>,
    provider: ProviderId,
    track_id: String,
    liked: bool,
) -> Result<()> {
    let result = duet.provider(provider)?.like(&track_id, liked).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_create(
    duet: State<'_, Duet>,
    provider: ProviderId,
    name: String,
) -> Result<Playlist> {
    let result = duet.provider(provider)?.create_playlist(&name).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_rename(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
    name: String,
) -> Result<()> {
    let result = duet.provider(provider)?.rename_playlist(&id, &name).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_delete(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
) -> Result<()> {
    let result = duet.provider(provider)?.delete_playlist(&id).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_add_tracks(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
    track_ids: Vec<String>,
) -> Result<()> {
    let result = duet
        .provider(provider)?
        .add_to_playlist(&id, &track_ids)
        .await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_remove_tracks(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
    track_ids: Vec<String>,
) -> Result<()> {
    let result = duet
        .provider(provider)?
        .remove_from_playlist(&id, &track_ids)
        .await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn playlist_follow(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
    follow: bool,
) -> Result<()> {
    let result = duet.provider(provider)?.follow_playlist(&id, follow).await;
    duet.watch(provider, result)
}
