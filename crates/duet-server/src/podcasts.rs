//! The podcast routes of `/v1/{provider}/...` (issue 14, item 2): thin over the provider's
//! `subscribed_podcasts`, `podcast`, `podcast_episodes` and `subscribe_podcast`. A subscribe is
//! made once per request; nothing about listening is ever sent.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use duet_core::{EpisodePage, Podcast};

use crate::api::{number, ApiError, ApiResult, Params};
use crate::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/{provider}/me/podcasts", get(subscribed))
        .route(
            "/v1/{provider}/me/podcasts/{id}",
            put(subscribe).delete(unsubscribe),
        )
        .route("/v1/{provider}/podcasts/{id}", get(podcast))
        .route("/v1/{provider}/podcasts/{id}/episodes", get(episodes))
}

/// `GET me/podcasts`: the subscribed podcasts, newest subscription first.
async fn subscribed(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> ApiResult<Vec<Podcast>> {
    Ok(Json(
        state.provider(&provider)?.subscribed_podcasts().await?,
    ))
}

/// `GET podcasts/{id}`: the podcast's header.
async fn podcast(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> ApiResult<Podcast> {
    Ok(Json(state.provider(&provider)?.podcast(&id).await?))
}

/// `GET podcasts/{id}/episodes?page=N` (from 1; 1 when absent), newest first.
async fn episodes(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<EpisodePage> {
    let provider = state.provider(&provider)?;
    let page = number(&params, "page", 1)
        .map_err(|ApiError(e)| ApiError(e.with_provider(provider.id())))?;
    Ok(Json(provider.podcast_episodes(&id, page).await?))
}

async fn set_subscribed(
    state: &AppState,
    provider: &str,
    id: &str,
    subscribe: bool,
) -> Result<StatusCode, ApiError> {
    state
        .provider(provider)?
        .subscribe_podcast(id, subscribe)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT me/podcasts/{id}`: subscribe.
async fn subscribe(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    set_subscribed(&state, &provider, &id, true).await
}

/// `DELETE me/podcasts/{id}`: unsubscribe.
async fn unsubscribe(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    set_subscribed(&state, &provider, &id, false).await
}
