//! The album and artist routes of `/v1/{provider}/...`: thin over the provider's `album`,
//! `artist` and `artist_albums`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use duet_core::{Album, ArtistAlbums, ArtistPage, Error};

use crate::api::ApiError;
use crate::AppState;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/{provider}/albums/{id}", get(album))
        .route("/v1/{provider}/artists/{id}", get(artist))
        .route("/v1/{provider}/artists/{id}/albums", get(artist_albums))
}

/// `GET albums/{id}`: the album with all its tracks.
async fn album(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> ApiResult<Album> {
    Ok(Json(state.provider(&provider)?.album(&id).await?))
}

/// `GET artists/{id}`: picture, description, top tracks, similar artists.
async fn artist(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> ApiResult<ArtistPage> {
    Ok(Json(state.provider(&provider)?.artist(&id).await?))
}

#[derive(serde::Deserialize)]
struct PageParam {
    page: Option<String>,
}

/// `GET artists/{id}/albums?page=N` (from 1; 1 when absent).
async fn artist_albums(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Query<PageParam>,
) -> ApiResult<ArtistAlbums> {
    let provider = state.provider(&provider)?;
    let page = match params.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(p) => p.parse().map_err(|_| {
            Error::bad_request(format!(
                "page must be a whole number from 1, got {:?}",
                p.chars().take(20).collect::<String>()
            ))
            .with_provider(provider.id())
        })?,
    };
    Ok(Json(provider.artist_albums(&id, page).await?))
}
