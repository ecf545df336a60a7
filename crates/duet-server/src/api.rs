//! The `/v1/{provider}/...` routes of docs/design.md §5: thin handlers that parse input, call
//! `duet-core`, and answer with the model of docs/design.md §2 or the error object.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use duet_core::{Error, ErrorKind, QrMethod, Quality, SearchQuery, SearchType};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;

/// The error object at the HTTP boundary: `{"error": {kind, message, provider?, upstream_code?}}`
/// with the status of its kind.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.kind.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if self.0.kind == ErrorKind::Upstream || self.0.kind == ErrorKind::Network {
            tracing::warn!("{}", self.0);
        }
        (status, Json(self.0.to_body())).into_response()
    }
}

pub(crate) type ApiResult<T> = Result<Json<T>, ApiError>;
pub(crate) type Params = Query<HashMap<String, String>>;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/{provider}/login/qr", post(start_qr))
        .route("/v1/{provider}/login/qr/{key}", get(qr_state))
        .route("/v1/{provider}/login/cookie", post(cookie_login))
        .route("/v1/{provider}/logout", post(logout))
        .route("/v1/{provider}/me", get(me))
        .route("/v1/{provider}/me/playlists", get(my_playlists))
        .route("/v1/{provider}/search", get(search))
        .route("/v1/{provider}/tracks/{id}", get(track))
        .route("/v1/{provider}/tracks/{id}/url", get(stream_url))
        .route("/v1/{provider}/tracks/{id}/lyrics", get(lyrics))
        .route(
            "/v1/{provider}/tracks/{id}/comments",
            get(comments).post(post_comment),
        )
        .route("/v1/{provider}/playlists/{id}", get(playlist))
        .route("/v1/{provider}/recommend/tracks", get(recommended))
        .route("/v1/{provider}/checkin", post(checkin))
        .route("/v1/status", get(status))
}

/// The query parameter `name` as a whole number, `default` when absent or empty.
pub(crate) fn number(
    params: &HashMap<String, String>,
    name: &str,
    default: u32,
) -> Result<u32, ApiError> {
    match params.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(default),
        Some(v) => v.parse().map_err(|_| {
            ApiError(Error::bad_request(format!(
                "{name} must be a whole number, got {:?}",
                v.chars().take(20).collect::<String>()
            )))
        }),
    }
}

/// `POST login/qr[?method=app|qq|wechat|qqmusic]`; without a method, the service's default.
async fn start_qr(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
    Query(params): Params,
) -> ApiResult<duet_core::QrLogin> {
    let provider = state.provider(&provider)?;
    let method = match params.get("method").map(|m| m.trim()) {
        None | Some("") => None,
        Some(m) => Some(m.parse::<QrMethod>()?),
    };
    Ok(Json(state.start_qr_login(provider, method).await?))
}

async fn qr_state(
    State(state): State<Arc<AppState>>,
    Path((provider, key)): Path<(String, String)>,
) -> ApiResult<duet_core::LoginState> {
    let provider = state.provider(&provider)?;
    state
        .qr_logins
        .state(provider.id(), &key)
        .await
        .map(Json)
        .ok_or_else(|| {
            ApiError(Error::not_found(
                "no QR login with this key; start one with POST login/qr",
            ))
        })
}

/// The body of `POST login/cookie`: the cookies as the person has them.
#[derive(Deserialize)]
struct PastedBody {
    cookie: duet_core::Secret,
}

/// `POST login/cookie` with `{"cookie": "…"}`: checked with the service, then kept in the
/// keychain, as a confirmed QR login is.
async fn cookie_login(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
    body: Bytes,
) -> ApiResult<duet_core::CookieLogin> {
    let provider = state.provider(&provider)?;
    // serde's message could quote the body, which holds the cookie: a fixed one instead.
    let pasted: PastedBody = serde_json::from_slice(&body).map_err(|_| {
        ApiError(
            Error::bad_request(
                "the body must be JSON like {\"cookie\": \"MUSIC_U=…\"} (a string: the value, \
                 NAME=value pairs or a whole Cookie header)",
            )
            .with_provider(provider.id()),
        )
    })?;
    let cookies = duet_core::cookies::PastedCookies::parse(&pasted.cookie)
        .map_err(|e| e.with_provider(provider.id()))?;
    Ok(Json(provider.cookie_login(&cookies).await?))
}

async fn logout(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.provider(&provider)?.logout().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> ApiResult<duet_core::Profile> {
    Ok(Json(state.provider(&provider)?.profile().await?))
}

async fn my_playlists(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> ApiResult<Vec<duet_core::Playlist>> {
    Ok(Json(state.provider(&provider)?.user_playlists().await?))
}

async fn search(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
    Query(params): Params,
) -> ApiResult<duet_core::SearchPage> {
    let provider = state.provider(&provider)?;
    let query = search_query(&params)?;
    Ok(Json(provider.search(&query).await?))
}

/// The search of `?q=&type=&page=&page_size=` (a service's own, and `/v1/search` across them).
pub(crate) fn search_query(params: &HashMap<String, String>) -> Result<SearchQuery, ApiError> {
    let q = params
        .get("q")
        .ok_or_else(|| ApiError(Error::bad_request("the query parameter q is missing")))?;
    let kind: SearchType = params
        .get("type")
        .map(|t| t.parse())
        .transpose()?
        .unwrap_or(SearchType::Track);
    Ok(SearchQuery::new(
        q,
        kind,
        number(params, "page", 1)?,
        number(params, "page_size", 30)?,
    )?)
}

async fn track(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> ApiResult<duet_core::Track> {
    Ok(Json(state.provider(&provider)?.track(&id).await?))
}

async fn stream_url(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<crate::anywhere::PlayUrl> {
    let provider = state.provider(&provider)?;
    let quality: Quality = params
        .get("quality")
        .map(|q| q.parse())
        .transpose()?
        .unwrap_or(Quality::High);
    if crate::anywhere::asked(params.get("anywhere"))? {
        return Ok(Json(
            crate::anywhere::stream_url(&state, provider.as_ref(), &id, quality).await?,
        ));
    }
    Ok(Json(crate::anywhere::PlayUrl {
        url: provider.stream_url(&id, quality).await?,
        substitute: None,
    }))
}

async fn lyrics(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<duet_core::Lyrics> {
    let provider = state.provider(&provider)?;
    Ok(Json(
        match crate::lyrics_fallback::asked(params.get("fallback"))? {
            crate::lyrics_fallback::Fallback::None => provider.lyrics(&id).await?,
            crate::lyrics_fallback::Fallback::Lrclib => {
                crate::lyrics_fallback::lyrics(&state, provider.as_ref(), &id).await?
            }
        },
    ))
}

async fn comments(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<duet_core::CommentPage> {
    let provider = state.provider(&provider)?;
    let page = number(&params, "page", 1)?;
    let page_size = number(&params, "page_size", 20)?;
    Ok(Json(provider.comments(&id, page, page_size).await?))
}

#[derive(Deserialize)]
struct NewComment {
    content: String,
    /// The id of the comment answered.
    #[serde(default)]
    reply_to: Option<String>,
}

async fn post_comment(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<duet_core::Comment>), ApiError> {
    let provider = state.provider(&provider)?;
    let comment: NewComment = serde_json::from_slice(&body).map_err(|e| {
        ApiError(Error::bad_request(format!(
            "the body must be JSON like {{\"content\": \"…\"}}: {e}"
        )))
    })?;
    let posted = provider
        .post_comment(&id, &comment.content, comment.reply_to.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(posted)))
}

async fn playlist(
    State(state): State<Arc<AppState>>,
    Path((provider, id)): Path<(String, String)>,
) -> ApiResult<duet_core::Playlist> {
    Ok(Json(state.provider(&provider)?.playlist(&id).await?))
}

async fn recommended(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> ApiResult<Vec<duet_core::Track>> {
    Ok(Json(state.provider(&provider)?.recommended_tracks().await?))
}

async fn checkin(
    State(state): State<Arc<AppState>>,
    Path(provider): Path<String>,
) -> ApiResult<duet_core::CheckIn> {
    Ok(Json(state.provider(&provider)?.daily_checkin().await?))
}

/// Which providers this server has and whether each holds a session (without asking the
/// service).
async fn status(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let mut providers = serde_json::Map::new();
    for (id, provider) in &state.providers {
        providers.insert(
            id.to_string(),
            json!({ "has_session": provider.has_session().await }),
        );
    }
    Json(json!({ "version": env!("CARGO_PKG_VERSION"), "providers": providers }))
}

pub async fn not_found() -> ApiError {
    ApiError(Error::not_found(
        "no such route; see the README for the /v1 and /api APIs",
    ))
}
