//! `GET /v1/search?q=&type=&page=&page_size=`: one search across every logged-in service, thin
//! over `duet_search`. A service without a session is listed as such and a service's failure is
//! its part's error: neither fails the whole request. Bad input is the same 400 as
//! `/v1/{provider}/search`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use duet_search::{MergedPage, Search};

use crate::api::{search_query, ApiResult, Params};
use crate::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/v1/search", get(search))
}

async fn search(
    State(state): State<Arc<AppState>>,
    Query(params): Params,
) -> ApiResult<MergedPage> {
    let query = search_query(&params)?;
    let search = Search::new(state.all_providers());
    Ok(Json(search.run(&query).await))
}
