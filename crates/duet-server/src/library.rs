//! The `/v1/{provider}/…` routes of likes and the account's own playlists (issue 12, items
//! 3–4): thin handlers over the [`Provider`](duet_core::Provider) writes. Each write is made
//! once per request; a refusal answers with its kind (`not_owner`, `verification_required`,
//! `rate_limited`, `not_found`, `bad_request`, …) and nothing is retried.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{patch, post, put};
use axum::{Json, Router};
use duet_core::{Error, Playlist};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{ApiError, AppState};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/{provider}/me/likes", axum::routing::get(liked_ids))
        .route(
            "/v1/{provider}/me/likes/{track_id}",
            put(like).delete(unlike),
        )
        .route("/v1/{provider}/me/playlists", post(create_playlist))
        .route(
            "/v1/{provider}/playlists/{id}",
            patch(rename_playlist).delete(delete_playlist),
        )
        .route(
            "/v1/{provider}/playlists/{id}/tracks",
            post(add_tracks).delete(remove_tracks),
        )
        .route(
            "/v1/{provider}/playlists/{id}/follow",
            put(follow).delete(unfollow),
        )
}

/// `GET me/likes`: every liked track's id, newest first.
#[derive(Debug, Serialize, Deserialize)]
pub struct LikedIds {
    pub ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameBody {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TracksBody {
    track_ids: Vec<String>,
}

fn body<T: DeserializeOwned>(bytes: &Bytes, shape: &str) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError(Error::bad_request(format!(
            "the body must be JSON like {shape}: {e}"
        )))
    })
}

async fn liked_ids(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> Result<Json<LikedIds>, ApiError> {
    let ids = state.provider(&provider)?.liked_ids().await?;
    Ok(Json(LikedIds { ids }))
}

async fn set_liked(
    state: &AppState,
    provider: &str,
    track_id: &str,
    liked: bool,
) -> Result<StatusCode, ApiError> {
    state.provider(provider)?.like(track_id, liked).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn like(
    State(state): State<Arc<AppState>>,
    Path((provider, track_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    set_liked(&state, &provider, &track_id, true).await
}

async fn unlike(
    State(state): State<Arc<AppState>>,
    Path((provider, track_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    set_liked(&state, &provider, &track_id, false).await
}

async fn create_playlist(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Playlist>), ApiError> {
    let provider = state.provider(&provider)?;
    let NameBody { name } = body(&bytes, r#"{"name": "…"}"#)?;
    let created = provider.create_playlist(&name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn rename_playlist(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    let provider = state.provider(&provider)?;
    let NameBody { name } = body(&bytes, r#"{"name": "…"}"#)?;
    provider.rename_playlist(&id, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_playlist(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.provider(&provider)?.delete_playlist(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn add_tracks(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    let provider = state.provider(&provider)?;
    let TracksBody { track_ids } = body(&bytes, r#"{"track_ids": ["…"]}"#)?;
    provider.add_to_playlist(&id, &track_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE playlists/{id}/tracks?ids=a,b` (a DELETE body is dropped by some clients, so the
/// ids go in the query).
async fn remove_tracks(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    let provider = state.provider(&provider)?;
    let ids: Vec<String> = params
        .get("ids")
        .map(|ids| ids.split(',').map(|id| id.trim().to_owned()).collect())
        .unwrap_or_default();
    if ids.is_empty() || ids.iter().any(String::is_empty) {
        return Err(ApiError(Error::bad_request(
            "name the tracks to remove as ?ids=<id>,<id>",
        )));
    }
    provider.remove_from_playlist(&id, &ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn follow(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .provider(&provider)?
        .follow_playlist(&id, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unfollow(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .provider(&provider)?
        .follow_playlist(&id, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
