//! Personal FM and heartbeat mode (issue 14, item 1): thin calls into the provider's
//! `personal_fm`, `fm_trash` and `heartbeat`. The trash is made once, because the person
//! pressed "not interested"; nothing here reports listening to the service.

use duet_core::{ProviderId, Result, Track};
use tauri::State;

use crate::state::Duet;

/// The next batch of personal FM.
#[tauri::command]
#[specta::specta]
pub async fn fm_batch(duet: State<'_, Duet>, provider: ProviderId) -> Result<Vec<Track>> {
    let result = duet.provider(provider)?.personal_fm().await;
    duet.watch(provider, result)
}

/// "Not interested": the track leaves personal FM for good.
#[tauri::command]
#[specta::specta]
pub async fn fm_trash(duet: State<'_, Duet>, provider: ProviderId, track_id: String) -> Result<()> {
    let result = duet.provider(provider)?.fm_trash(&track_id).await;
    duet.watch(provider, result)
}

/// Heartbeat mode's queue, started from `track_id` of `playlist_id`.
#[tauri::command]
#[specta::specta]
pub async fn heartbeat(
    duet: State<'_, Duet>,
    provider: ProviderId,
    track_id: String,
    playlist_id: String,
) -> Result<Vec<Track>> {
    let result = duet
        .provider(provider)?
        .heartbeat(&track_id, &playlist_id)
        .await;
    duet.watch(provider, result)
}
