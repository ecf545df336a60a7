//! Podcasts (issue 14, item 2): thin calls into the provider's podcast block, and playing
//! episodes where they were left (`crate::podcast_positions`).

use std::sync::Arc;

use duet_core::{Episode, EpisodePage, Podcast, ProviderId, Result};
use duet_player::PlayerState;
use tauri::State;

use crate::podcast_positions::{self, EpisodeProgress, PositionStore};
use crate::state::Duet;

/// The podcasts the account subscribes to, newest subscription first.
#[tauri::command]
#[specta::specta]
pub async fn podcasts_subscribed(
    duet: State<'_, Duet>,
    provider: ProviderId,
) -> Result<Vec<Podcast>> {
    let result = duet.provider(provider)?.subscribed_podcasts().await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn podcast(duet: State<'_, Duet>, provider: ProviderId, id: String) -> Result<Podcast> {
    let result = duet.provider(provider)?.podcast(&id).await;
    duet.watch(provider, result)
}

/// One page (from 1) of a podcast's episodes, newest first.
#[tauri::command]
#[specta::specta]
pub async fn podcast_episodes(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
    page: u32,
) -> Result<EpisodePage> {
    let result = duet.provider(provider)?.podcast_episodes(&id, page).await;
    duet.watch(provider, result)
}

/// Subscribes to or unsubscribes from a podcast: once, because the person pressed the button.
#[tauri::command]
#[specta::specta]
pub async fn podcast_subscribe(
    duet: State<'_, Duet>,
    provider: ProviderId,
    id: String,
    subscribe: bool,
) -> Result<()> {
    let result = duet
        .provider(provider)?
        .subscribe_podcast(&id, subscribe)
        .await;
    duet.watch(provider, result)
}

/// Plays `episodes` as the queue from `start_index`, that episode where it was left.
#[tauri::command]
#[specta::specta]
pub fn podcast_play(
    duet: State<'_, Duet>,
    positions: State<'_, Arc<PositionStore>>,
    episodes: Vec<Episode>,
    start_index: usize,
) -> Result<PlayerState> {
    podcast_positions::play(duet.player.player(), &positions, &episodes, start_index)
}

/// Where the heard episodes of a podcast were left, most recently heard first.
#[tauri::command]
#[specta::specta]
pub fn podcast_progress(
    positions: State<'_, Arc<PositionStore>>,
    provider: ProviderId,
    podcast_id: String,
) -> Vec<EpisodeProgress> {
    positions.of_podcast(provider, &podcast_id)
}
