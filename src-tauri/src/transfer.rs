//! Moving a playlist across in the app (`duet_transfer`): the jobs kept in the app's data
//! folder (`transfers/`), and their progress told to the UI as events.

use std::path::Path;
use std::sync::Arc;

use duet_core::{ProviderId, Result};
use duet_transfer::{Job, JobStatus, PreviewProgress, Source, TransferPace, Transfers};
use serde::Serialize;
use specta::Type;
use tauri_specta::Event;

/// The folder of the app's data directory the jobs are kept in.
pub const DIR: &str = "transfers";

/// A preview's progress: `done` of `total` tracks of `source` searched on `target`.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "transfer-preview")]
pub struct TransferPreviewProgress {
    pub source: Source,
    pub target: ProviderId,
    pub progress: PreviewProgress,
}

/// A job changed: a track was written, it stopped, failed or finished.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[tauri_specta(event_name = "transfer-changed")]
pub struct TransferChanged(pub Job);

/// What the moves tell the UI.
#[derive(Debug, Clone)]
pub enum TransferEvent {
    Preview(TransferPreviewProgress),
    /// Boxed: a job (every track of it) is far larger than a preview's progress.
    Changed(Box<TransferChanged>),
}

/// Where the events go: the webview in the app ([`to_webview`]), a recorder in tests.
pub type TransferEvents = Arc<dyn Fn(TransferEvent) + Send + Sync>;

/// Emits by name, so it works whether or not tauri-specta's event registry is mounted.
pub fn to_webview<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> TransferEvents {
    use tauri::Emitter;
    Arc::new(move |event| {
        let sent = match event {
            TransferEvent::Preview(e) => app.emit(TransferPreviewProgress::NAME, e),
            TransferEvent::Changed(e) => app.emit(TransferChanged::NAME, *e),
        };
        if let Err(e) = sent {
            tracing::warn!("could not tell the UI about a transfer: {e}");
        }
    })
}

/// The app's moves: the jobs and where their events go.
pub struct AppTransfers {
    pub transfers: Transfers,
    pub events: TransferEvents,
}

/// The jobs over the app's providers in `<data_dir>/transfers`, at the pace that goes with the
/// providers' own.
pub fn open(
    duet: &crate::state::Duet,
    data_dir: &Path,
    pace: duet_services::Pace,
    events: TransferEvents,
) -> Result<AppTransfers> {
    Ok(AppTransfers {
        transfers: Transfers::open(
            data_dir.join(DIR),
            duet.providers().cloned().collect(),
            TransferPace::for_requests(pace),
        )?,
        events,
    })
}

impl AppTransfers {
    /// Tells the UI every change of the job `id` until it no longer runs.
    pub fn follow(&self, id: &str) {
        let Ok(mut changes) = self.transfers.subscribe(id) else {
            return;
        };
        let events = self.events.clone();
        tauri::async_runtime::spawn(async move {
            loop {
                let job = changes.borrow_and_update().clone();
                let running = job.status == JobStatus::Running;
                events(TransferEvent::Changed(Box::new(TransferChanged(job))));
                if !running || changes.changed().await.is_err() {
                    break;
                }
            }
        });
    }
}
