//! Share links: opening a pasted one (short links resolved through the upstream layer), the
//! canonical link of a page, and the track a song link names.

use std::time::Duration;

use duet_core::share::{share_url, ShareTarget, ShortLinks};
use duet_core::{ProviderId, Result, Track};
use tauri::State;

use crate::state::Duet;

/// How long a short link's service may take to answer its redirect.
const SHORT_LINK_TIMEOUT: Duration = Duration::from_secs(10);

/// The page a pasted link (or a whole share text) names. Bad input is `bad_request`; a short
/// link costs one request to its service, whose redirect is read and never followed.
#[tauri::command]
#[specta::specta]
pub async fn share_open(duet: State<'_, Duet>, text: String) -> Result<ShareTarget> {
    ShortLinks::new(duet.upstream.clone(), SHORT_LINK_TIMEOUT)?
        .open(&text)
        .await
}

/// The canonical link of a page, for "copy link".
#[tauri::command]
#[specta::specta]
pub fn share_link(target: ShareTarget) -> String {
    share_url(&target)
}

/// One track by id (what a song link opens).
#[tauri::command]
#[specta::specta]
pub async fn track(duet: State<'_, Duet>, provider: ProviderId, id: String) -> Result<Track> {
    let result = duet.provider(provider)?.track(&id).await;
    duet.watch(provider, result)
}
