//! The cloud-disk routes of `/v1/{provider}/me/cloud`: thin over the provider's `cloud_tracks`,
//! `cloud_upload` and `cloud_delete`, the search within it (`duet_core::cloud::search`) and the file checks of
//! `duet-upload`. An upload's body is the file itself (`application/octet-stream`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use duet_core::cloud::{self, CloudPage, CloudTrack, UploadProgress, MAX_UPLOAD_BYTES};
use duet_core::Error;

use crate::api::{number, ApiError, ApiResult, Params};
use crate::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/v1/{provider}/me/cloud",
            get(list)
                .post(upload)
                // One byte more than Duet uploads, so a bigger file is refused by duet-upload's
                // check with its own words rather than cut off.
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES as usize + 1)),
        )
        .route("/v1/{provider}/me/cloud/{id}", delete(remove))
}

/// `GET me/cloud?page=N` (from 1): one page, newest first; `?q=words`: every upload whose title,
/// artists, album or file name holds each word, as one page.
async fn list(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
    Query(params): Params,
) -> ApiResult<CloudPage> {
    let provider = state.provider(&provider)?;
    let with_provider = |ApiError(e): ApiError| ApiError(e.with_provider(provider.id()));
    if let Some(query) = params.get("q") {
        let items = cloud::search(provider.as_ref(), query).await?;
        return Ok(Json(CloudPage {
            provider: provider.id(),
            page: 1,
            total: items.len() as u64,
            has_more: false,
            used_bytes: None,
            capacity_bytes: None,
            items,
        }));
    }
    let page = number(&params, "page", 1).map_err(with_provider)?;
    Ok(Json(provider.cloud_tracks(page).await?))
}

/// `POST me/cloud?name=<file name>` with the file as the body → 201 and the upload.
async fn upload(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
    Query(params): Params,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<CloudTrack>), ApiError> {
    let provider = state.provider(&provider)?;
    let refused = |e: Error| ApiError(e.with_provider(provider.id()));
    let name = params
        .get("name")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            refused(Error::bad_request(
                "an upload needs ?name=<the file's name>",
            ))
        })?;
    let body = body.map_err(|_| {
        refused(Error::bad_request(format!(
            "the file is too big: the cloud disk takes files of at most {} MB",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        )))
    })?;
    let file = duet_upload::from_bytes(name, body.to_vec()).map_err(refused)?;
    let progress = |p: UploadProgress| {
        tracing::debug!(stage = ?p.stage, sent = p.sent_bytes, total = p.total_bytes, "upload");
    };
    let uploaded = provider.cloud_upload(&file, &progress).await?;
    Ok((StatusCode::CREATED, Json(uploaded)))
}

/// `DELETE me/cloud/{id}` → 204: the upload leaves the cloud disk.
async fn remove(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let provider = state.provider(&provider)?;
    provider.cloud_delete(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
