//! One search across every logged-in service (`duet-search`). The merged page is sent over a
//! channel each time a service answers, so the fast service's results show before the slow
//! one's; the merging itself happens once, in `duet-search`, never in the UI.

use duet_core::{ProviderId, Result, SearchQuery, SearchType};
use duet_search::{MergedPage, PartState, Search};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::Duet;

/// Searches each of `services` that holds a session (the UI names the ones it shows signed in)
/// for page `page` of `q`. `on_update` receives the merged page so far: first with every asked
/// service pending, then after each service's answer (or its deadline); the last update is also
/// the answer. Only bad input rejects: a service's failure is its part's error.
#[tauri::command]
#[specta::specta]
pub async fn search_all(
    duet: State<'_, Duet>,
    services: Vec<ProviderId>,
    q: String,
    r#type: SearchType,
    page: u32,
    page_size: u32,
    on_update: Channel<MergedPage>,
) -> Result<MergedPage> {
    let query = SearchQuery::new(&q, r#type, page, page_size)?;
    let merged = Search::new(duet.providers().cloned())
        .asking_only(&services)
        .run_with_updates(&query, |page| {
            // The page is gone from screen when the UI has dropped the channel: nothing to do.
            let _ = on_update.send(page.clone());
        })
        .await;
    for part in &merged.parts {
        if let PartState::Error { error } = &part.state {
            watch_part(&duet, part.provider, error);
        }
    }
    Ok(merged)
}

/// A part's error told like any command's (an expired session is noticed by the whole app).
fn watch_part(duet: &Duet, provider: ProviderId, error: &duet_core::Error) {
    let _ = duet.watch::<()>(provider, Err(error.clone()));
}
