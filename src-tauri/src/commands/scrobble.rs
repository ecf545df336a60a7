//! Scrobbling to Last.fm and ListenBrainz (`crate::scrobble`): the Settings section's
//! commands. Switching a service on or off is the `scrobbling` preferences (`prefs_set`).

use duet_core::Result;
use duet_scrobble::{LastfmApproval, ScrobbleService, ScrobbleStatus};
use tauri::State;

use crate::scrobble::AppScrobbler;

/// Both services' accounts, queues and last errors. When the keychain could not be read, it is
/// read again first.
#[tauri::command]
#[specta::specta]
pub async fn scrobble_status(scrobbler: State<'_, AppScrobbler>) -> Result<ScrobbleStatus> {
    if scrobbler.0.status().keychain_problem.is_some() {
        scrobbler.0.load_accounts().await?;
    }
    Ok(scrobbler.0.status())
}

/// Keeps the Last.fm API key and secret the person pasted (in the keychain).
#[tauri::command]
#[specta::specta]
pub async fn scrobble_lastfm_api_account(
    scrobbler: State<'_, AppScrobbler>,
    api_key: String,
    api_secret: String,
) -> Result<ScrobbleStatus> {
    scrobbler
        .0
        .lastfm_set_api_account(&api_key, &api_secret)
        .await?;
    Ok(scrobbler.0.status())
}

/// Connecting Last.fm, step one: opens Last.fm's approval page in the browser; answers its
/// address too, for when no browser opens.
#[tauri::command]
#[specta::specta]
pub async fn scrobble_lastfm_connect(scrobbler: State<'_, AppScrobbler>) -> Result<LastfmApproval> {
    let approval = scrobbler.0.lastfm_begin().await?;
    if let Err(e) = crate::scrobble::open_in_browser(&approval.url) {
        tracing::warn!("{e}");
    }
    Ok(approval)
}

/// Connecting Last.fm, step two ("I approved it").
#[tauri::command]
#[specta::specta]
pub async fn scrobble_lastfm_finish(scrobbler: State<'_, AppScrobbler>) -> Result<ScrobbleStatus> {
    let status = scrobbler.0.lastfm_finish().await?;
    scrobbler.0.flush().await;
    Ok(status)
}

/// Connects ListenBrainz with a pasted user token, once ListenBrainz says it is valid.
#[tauri::command]
#[specta::specta]
pub async fn scrobble_listenbrainz_connect(
    scrobbler: State<'_, AppScrobbler>,
    token: String,
) -> Result<ScrobbleStatus> {
    let status = scrobbler.0.listenbrainz_connect(&token).await?;
    scrobbler.0.flush().await;
    Ok(status)
}

/// Forgets a service's account and the plays still waiting for it.
#[tauri::command]
#[specta::specta]
pub async fn scrobble_disconnect(
    scrobbler: State<'_, AppScrobbler>,
    service: ScrobbleService,
) -> Result<ScrobbleStatus> {
    scrobbler.0.disconnect(service).await
}
