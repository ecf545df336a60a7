//! Browsing: playlists, search, recommendations, lyrics, comments, the check-in button, cover
//! colours.

use duet_core::http::{read_capped, MAX_IMAGE};
use duet_core::{
    CheckIn, Comment, CommentPage, Error, Lyrics, Playlist, ProviderId, Result, SearchPage,
    SearchQuery, SearchType, Track,
};
use duet_images::{cover_colors as colors_of, CoverColors};
use tauri::State;

use crate::state::Duet;

#[tauri::command]
#[specta::specta]
pub async fn user_playlists(duet: State<'_, Duet>, provider: ProviderId) -> Result<Vec<Playlist>> {
    let result = duet.provider(provider)?.user_playlists().await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn playlist(duet: State<'_, Duet>, provider: ProviderId, id: String) -> Result<Playlist> {
    let result = duet.provider(provider)?.playlist(&id).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn search(
    duet: State<'_, Duet>,
    provider: ProviderId,
    q: String,
    r#type: SearchType,
    page: u32,
    page_size: u32,
) -> Result<SearchPage> {
    let query = SearchQuery::new(&q, r#type, page, page_size)?;
    let result = duet.provider(provider)?.search(&query).await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn recommended_tracks(duet: State<'_, Duet>, provider: ProviderId) -> Result<Vec<Track>> {
    let result = duet.provider(provider)?.recommended_tracks().await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn lyrics(
    duet: State<'_, Duet>,
    provider: ProviderId,
    track_id: String,
) -> Result<Lyrics> {
    let service = duet.provider(provider)?;
    let result = duet
        .player
        .second_source
        .lyrics_of(service.as_ref(), &track_id)
        .await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn comments(
    duet: State<'_, Duet>,
    provider: ProviderId,
    track_id: String,
    page: u32,
    page_size: u32,
) -> Result<CommentPage> {
    let result = duet
        .provider(provider)?
        .comments(&track_id, page, page_size)
        .await;
    duet.watch(provider, result)
}

#[tauri::command]
#[specta::specta]
pub async fn post_comment(
    duet: State<'_, Duet>,
    provider: ProviderId,
    track_id: String,
    content: String,
    reply_to: Option<String>,
) -> Result<Comment> {
    let result = duet
        .provider(provider)?
        .post_comment(&track_id, &content, reply_to.as_deref())
        .await;
    duet.watch(provider, result)
}

/// The daily check-in (签到): only ever because a person pressed the button.
#[tauri::command]
#[specta::specta]
pub async fn daily_checkin(duet: State<'_, Duet>, provider: ProviderId) -> Result<CheckIn> {
    let result = duet.provider(provider)?.daily_checkin().await;
    duet.watch(provider, result)
}

/// A cover URL longer than this is not one (and would bloat the cache).
const MAX_COVER_URL: usize = 2048;

/// Colours for a cover, computed once per URL and kept for the covers used last. Only the
/// services' own pictures are fetched (or the test upstream's), at most 8 MiB each.
#[tauri::command]
#[specta::specta]
pub async fn cover_colors(duet: State<'_, Duet>, url: String) -> Result<CoverColors> {
    if url.len() > MAX_COVER_URL || !duet.is_service_image(&url) {
        return Err(Error::bad_request(
            "covers are only fetched from the music services' image hosts",
        ));
    }
    if let Some(colors) = duet.covers.lock().expect("poisoned").get(&url) {
        return Ok(colors);
    }
    // Image URLs reach the UI already routed (`Upstream::image_url`): fetch them as they are.
    let response = duet
        .covers_http
        .get(&url)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| Error::network(format!("cannot fetch the cover: {}", e.without_url())))?;
    let bytes = read_capped(response, MAX_IMAGE).await.map_err(|e| {
        e.into_error(|e| {
            Error::network(format!("the cover download broke off: {}", e.without_url()))
        })
    })?;
    let colors = tokio::task::spawn_blocking(move || colors_of(&bytes))
        .await
        .map_err(|e| Error::upstream(format!("cover analysis failed: {e}")))??;
    duet.covers
        .lock()
        .expect("poisoned")
        .insert(url, colors.clone());
    Ok(colors)
}
