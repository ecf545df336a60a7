//! Moving a playlist (or the liked songs) to the other service: thin over `duet_transfer`
//! ([`crate::transfer`]). Progress reaches the UI as `transfer-preview` and `transfer-changed`
//! events.

use duet_core::{ProviderId, Result};
use duet_transfer::{Job, Preview, Source, StartRequest};
use tauri::State;

use crate::state::Duet;
use crate::transfer::{AppTransfers, TransferEvent, TransferPreviewProgress};

/// Every track of `source` and its match on `target`, at a calm pace (events on the way).
#[tauri::command]
#[specta::specta]
pub async fn transfer_preview(
    duet: State<'_, Duet>,
    moves: State<'_, AppTransfers>,
    source: Source,
    target: ProviderId,
) -> Result<Preview> {
    let (from, events) = (source.clone(), moves.events.clone());
    let result = moves
        .transfers
        .preview(source, target, move |progress| {
            events(TransferEvent::Preview(TransferPreviewProgress {
                source: from.clone(),
                target,
                progress,
            }));
        })
        .await;
    match &result {
        Err(e) => duet.watch(e.provider.unwrap_or(target), result),
        Ok(_) => result,
    }
}

/// Stops the preview of `source` on `target` under way (the person left its screen); whether
/// one was.
#[tauri::command]
#[specta::specta]
pub fn transfer_preview_cancel(
    moves: State<'_, AppTransfers>,
    source: Source,
    target: ProviderId,
) -> bool {
    moves.transfers.cancel_preview(&source, target)
}

/// Starts moving the preview's tracks as the person chose. (Async: the job runs on the async
/// runtime, which a synchronous command's thread is not in.)
#[tauri::command]
#[specta::specta]
pub async fn transfer_start(moves: State<'_, AppTransfers>, request: StartRequest) -> Result<Job> {
    let job = moves.transfers.start(request)?;
    moves.follow(&job.id);
    Ok(job)
}

/// Every move kept, newest first.
#[tauri::command]
#[specta::specta]
pub fn transfer_list(moves: State<'_, AppTransfers>) -> Vec<Job> {
    moves.transfers.list()
}

#[tauri::command]
#[specta::specta]
pub fn transfer_get(moves: State<'_, AppTransfers>, id: String) -> Result<Job> {
    moves.transfers.get(&id)
}

#[tauri::command]
#[specta::specta]
pub fn transfer_stop(moves: State<'_, AppTransfers>, id: String) -> Result<Job> {
    moves.transfers.stop(&id)
}

/// Async for the same reason as [`transfer_start`].
#[tauri::command]
#[specta::specta]
pub async fn transfer_resume(moves: State<'_, AppTransfers>, id: String) -> Result<Job> {
    let job = moves.transfers.resume(&id)?;
    moves.follow(&job.id);
    Ok(job)
}
