//! `GET /v1/{provider}/tracks/{id}/matches?on={other}`: the same recording on the other service
//! ("play anywhere"), thin over `duet_match::find_on`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use duet_core::Error;
use duet_match::Scored;

use crate::api::{ApiError, ApiResult, Params};
use crate::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/v1/{provider}/tracks/{id}/matches", get(matches))
}

/// The track `id` of `provider` found on `on`: `[{track, score}]`, best first, only candidates
/// scoring at least `duet_match::UNSURE`; an empty list when `on` has nothing close.
async fn matches(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<Vec<Scored>> {
    let provider = state.provider(&provider)?;
    let on = match params.get("on").map(|on| on.trim()) {
        None | Some("") => {
            return Err(ApiError(Error::bad_request(
                "the query parameter on is missing: the service to look on, netease or qq",
            )))
        }
        Some(on) => state.provider(on)?,
    };
    if on.id() == provider.id() {
        return Err(ApiError(
            Error::bad_request(format!(
                "on={} is the track's own service: name the other one",
                on.id()
            ))
            .with_provider(on.id()),
        ));
    }
    if !on.has_session().await {
        return Err(ApiError(
            Error::not_logged_in(format!(
                "log in to {} first: matches are looked for in your account there",
                on.id()
            ))
            .with_provider(on.id()),
        ));
    }
    let wanted = provider.track(&id).await?;
    Ok(Json(duet_match::find_on(on.as_ref(), &wanted).await?))
}
