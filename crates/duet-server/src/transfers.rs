//! `/v1/transfers…`: moving a playlist (or the liked songs) to the other service, thin over
//! `duet_transfer`. A preview is answered whole (it searches every track at a calm pace: about
//! a second a track); a job runs in the server and is followed with `GET /v1/transfers/{id}`.
//! Jobs are kept in `<data dir>/transfers/` and survive a restart, stopped, to be resumed.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use duet_core::{Error, ProviderId};
use duet_transfer::{Job, Preview, Source, StartRequest, Transfers};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::api::{ApiError, ApiResult};
use crate::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/transfers/preview", post(preview))
        .route("/v1/transfers", post(start).get(list))
        .route("/v1/transfers/{id}", get(job))
        .route("/v1/transfers/{id}/stop", post(stop))
        .route("/v1/transfers/{id}/resume", post(resume))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewBody {
    source: Source,
    target: ProviderId,
}

const PREVIEW_SHAPE: &str =
    r#"{"source": {"provider": "netease", "playlist": "<id> or liked"}, "target": "qq"}"#;
const START_SHAPE: &str = r#"{"preview_id": "…", "name": "…", "adjustments": [{"index": 0, "choice": {"action": "keep" | "skip" | "take", "track_id": "…"}}]}"#;

fn body<T: DeserializeOwned>(bytes: &Bytes, shape: &str) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError(Error::bad_request(format!(
            "the body must be JSON like {shape}: {e}"
        )))
    })
}

fn transfers(state: &AppState) -> Result<&Transfers, ApiError> {
    state.transfers.get().ok_or_else(|| {
        ApiError(Error::declined(
            "moving playlists needs a data directory to keep its jobs in (--data-dir)",
        ))
    })
}

/// `POST /v1/transfers/preview`: every track of the source and its match on the target.
async fn preview(State(state): State<Arc<AppState>>, bytes: Bytes) -> ApiResult<Preview> {
    let PreviewBody { source, target } = body(&bytes, PREVIEW_SHAPE)?;
    let preview = transfers(&state)?
        .preview(source, target, |progress| {
            tracing::debug!("transfer preview: {} of {}", progress.done, progress.total);
        })
        .await?;
    Ok(Json(preview))
}

/// `POST /v1/transfers`: starts a job from a preview and the person's choices → 202 and the job.
async fn start(
    State(state): State<Arc<AppState>>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let request: StartRequest = body(&bytes, START_SHAPE)?;
    let job = transfers(&state)?.start(request)?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

async fn list(State(state): State<Arc<AppState>>) -> ApiResult<Vec<Job>> {
    Ok(Json(transfers(&state)?.list()))
}

async fn job(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> ApiResult<Job> {
    Ok(Json(transfers(&state)?.get(&id)?))
}

async fn stop(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> ApiResult<Job> {
    Ok(Json(transfers(&state)?.stop(&id)?))
}

async fn resume(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> ApiResult<Job> {
    Ok(Json(transfers(&state)?.resume(&id)?))
}
