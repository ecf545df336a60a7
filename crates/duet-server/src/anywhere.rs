//! `GET /v1/{provider}/tracks/{id}/url?anywhere=true`: play anywhere for scripts and other
//! players, thin over `duet_anywhere` (the same choice the app's player makes): when the track
//! cannot be played on its service, the URL of the same recording on the other logged-in one.

use duet_anywhere::{Plays, Setting};
use duet_core::{Error, Provider, Quality, StreamUrl, Track};
use serde::Serialize;

use crate::api::ApiError;
use crate::AppState;

/// What the URL route answers: the `StreamUrl` as always, and with `anywhere=true` the track
/// it belongs to when that is the other service's.
#[derive(Debug, Serialize)]
pub struct PlayUrl {
    #[serde(flatten)]
    pub url: StreamUrl,
    /// Set: the asked track could not be played on its service; `url` (whose `provider` and
    /// `track_id` say so too) plays this same recording from the other one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substitute: Option<Track>,
}

/// Reads `anywhere` (`true`/`false`, `1`/`0`; absent: false).
pub fn asked(value: Option<&String>) -> Result<bool, ApiError> {
    match value.map(|v| v.trim()) {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(ApiError(Error::bad_request(format!(
            "anywhere={other:?} is not a switch: true or false"
        )))),
    }
}

/// Track `id` of `provider`, from the other service when `provider` cannot play it.
pub async fn stream_url(
    state: &AppState,
    provider: &dyn Provider,
    id: &str,
    quality: Quality,
) -> Result<PlayUrl, ApiError> {
    let track = provider.track(id).await?;
    let original = provider.stream_url(id, quality).await;
    let other = state.other_provider(provider.id());
    let plays = state
        .anywhere
        .resolve(&track, original, other.as_deref(), quality, Setting::On)
        .await?;
    Ok(match plays {
        Plays::Original(url) => PlayUrl {
            url,
            substitute: None,
        },
        Plays::Substitute { track, url } => PlayUrl {
            url,
            substitute: Some(*track),
        },
    })
}
