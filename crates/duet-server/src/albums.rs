//! The album and artist routes of `/v1/{provider}/...`: thin over the provider's `album`,
//! `artist` and `artist_albums`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use duet_core::{Album, ArtistAlbums, ArtistPage};

use crate::api::{number, ApiError, ApiResult, Params};
use crate::AppState;

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

/// `GET artists/{id}/albums?page=N` (from 1; 1 when absent).
async fn artist_albums(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<ArtistAlbums> {
    let provider = state.provider(&provider)?;
    let page = number(&params, "page", 1)
        .map_err(|ApiError(e)| ApiError(e.with_provider(provider.id())))?;
    Ok(Json(provider.artist_albums(&id, page).await?))
}
