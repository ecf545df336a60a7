//! `/v1` routes over the playlist tools and share links of `duet_core` (`playlist_tools`,
//! `share`): a playlist's export and duplicates, and opening a pasted share link.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use duet_core::playlist_tools::{
    export, export_file_name, find_duplicates, sorted_indices, DuplicateGroup, ExportFormat,
    SortKey, SortOrder,
};
use duet_core::share::{share_url, ShareTarget};
use duet_core::Error;
use serde::Serialize;

use crate::api::Params;
use crate::{ApiError, AppState};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/{provider}/playlists/{id}/export", get(export_playlist))
        .route("/v1/{provider}/playlists/{id}/duplicates", get(duplicates))
        .route("/v1/share", get(open_share_link))
}

fn param<T: std::str::FromStr<Err = Error>>(
    params: &HashMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match params.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => Ok(Some(v.parse()?)),
    }
}

/// `GET playlists/{id}/export?format=m3u|csv[&sort=…&order=asc|desc]`: the whole playlist as a
/// file (an attachment named after the playlist).
async fn export_playlist(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let provider = state.provider(&provider)?;
    let format: ExportFormat = param(&params, "format")?.ok_or_else(|| {
        ApiError(Error::bad_request(
            "the query parameter format is missing: m3u or csv",
        ))
    })?;
    let sort: SortKey = param(&params, "sort")?.unwrap_or_default();
    let order: SortOrder = param(&params, "order")?.unwrap_or_default();
    let playlist = provider.playlist(&id).await?;
    let order = playlist
        .tracks
        .as_deref()
        .map(|tracks| sorted_indices(tracks, sort, order));
    let body = export(&playlist, format, order.as_deref())?;
    let name = export_file_name(&playlist, format);
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let disposition = format!(
        "attachment; filename=\"playlist.{}\"; filename*=UTF-8''{encoded}",
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// `GET playlists/{id}/duplicates`: groups of indices into the playlist's tracks.
async fn duplicates(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> Result<Json<Vec<DuplicateGroup>>, ApiError> {
    let playlist = state.provider(&provider)?.playlist(&id).await?;
    Ok(Json(find_duplicates(
        playlist.tracks.as_deref().unwrap_or_default(),
    )))
}

#[derive(Serialize)]
struct SharedPage {
    #[serde(flatten)]
    target: ShareTarget,
    /// The canonical link of the page.
    url: String,
}

/// `GET /v1/share?link=…`: the page a share link (or a whole share text) names; a short link
/// is resolved with one request to its service, whose redirect is read, not followed.
async fn open_share_link(
    State(state): State<Arc<AppState>>,
    Query(params): Params,
) -> Result<Json<SharedPage>, ApiError> {
    let link = params
        .get("link")
        .ok_or_else(|| ApiError(Error::bad_request("the query parameter link is missing")))?;
    let short_links = state
        .short_links
        .as_ref()
        .map_err(|e| ApiError(e.clone()))?;
    let target = short_links.open(link).await?;
    let url = share_url(&target);
    Ok(Json(SharedPage { target, url }))
}
