//! The `/v1/{provider}/…` routes of personal FM and heartbeat mode (issue 14, item 1): thin
//! handlers over the [`Provider`](duet_core::Provider) calls. The trash is a write made once per
//! request; nothing here reports listening to the service.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use duet_core::{Error, Track};

use crate::{ApiError, AppState};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/{provider}/fm", get(personal_fm))
        .route("/v1/{provider}/fm/trash/{track_id}", post(fm_trash))
        .route("/v1/{provider}/heartbeat", get(heartbeat))
}

async fn personal_fm(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> Result<Json<Vec<Track>>, ApiError> {
    Ok(Json(state.provider(&provider)?.personal_fm().await?))
}

async fn fm_trash(
    State(state): State<Arc<AppState>>,
    Path((provider, track_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.provider(&provider)?.fm_trash(&track_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn heartbeat(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Track>>, ApiError> {
    let provider = state.provider(&provider)?;
    let named = |key: &str| {
        query
            .get(key)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                ApiError(Error::bad_request(format!(
                    "heartbeat needs `{key}`: ?track=<track id>&playlist=<playlist id>"
                )))
            })
    };
    let (track, playlist) = (named("track")?, named("playlist")?);
    Ok(Json(provider.heartbeat(&track, &playlist).await?))
}
