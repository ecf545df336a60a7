//! Album and artist pages: thin calls into the provider's `album`, `artist` and
//! `artist_albums`.

use duet_core::{Album, ArtistAlbums, ArtistPage, ProviderId, Result};
use tauri::State;

use crate::state::Duet;

#[tauri::command]
#[specta::specta]
pub async fn album(duet: State<'_, Duet>, provider: ProviderId, id: String) -> Result<Album> {
    let result = duet.provider(provider)?.album(&id).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn artist(duet: State<'_, Duet>, provider: ProviderId, id: String) -> Result<ArtistPage> {
    let result = duet.provider(provider)?.artist(&id).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn artist_albums(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
    page: u32,
) -> Result<ArtistAlbums> {
    let result = duet.provider(provider)?.artist_albums(&id, page).await;
    duet.watch(provider, result)
}
