//! The cloud disk (云盘): thin calls into the provider's `cloud_tracks` and `cloud_upload`, the
//! search within it (`duet_core::cloud::search`), and the upload's file dialog. The file is
//! chosen in the native dialog, opened here, so its path never comes from the web view; its
//! progress goes to the UI over a channel, like `search_all`'s pages.

use std::path::PathBuf;

use duet_core::cloud::{self, CloudPage, CloudTrack, UploadProgress, AUDIO_EXTENSIONS};
use duet_core::{Error, ErrorKind, ProviderId, Result};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::{DialogExt, FilePath};
use tokio::sync::oneshot;

use crate::state::Duet;

/// With a test upstream (`DUET_UPSTREAM`) only: the file the Upload button picks without
/// showing the dialog, since WebDriver cannot drive a native one. Ignored otherwise.
pub const TEST_PICKED_FILE_ENV: &str = "DUET_TEST_PICKED_FILE";

/// One page (from 1) of the account's cloud disk, newest first.
#[tauri::command]
#[specta::specta]
pub async fn cloud_tracks(
    duet: State<'_, Duet>,
    provider: ProviderId,
    page: u32,
) -> Result<CloudPage> {
    let result = duet.provider(provider)?.cloud_tracks(page).await;
    duet.watch(provider, result)
}

/// Deletes the upload `track_id` from the cloud disk (the person confirmed it).
#[tauri::command]
#[specta::specta]
pub async fn cloud_delete(
    duet: State<'_, Duet>,
    provider: ProviderId,
    track_id: String,
) -> Result<()> {
    let result = duet.provider(provider)?.cloud_delete(&track_id).await;
    duet.watch(provider, result)
}

/// Every upload whose title, artists, album or file name holds each word of `q`.
#[tauri::command]
#[specta::specta]
pub async fn cloud_search(
    duet: State<'_, Duet>,
    provider: ProviderId,
    q: String,
) -> Result<Vec<CloudTrack>> {
    let provider_arc = duet.provider(provider)?;
    let result = cloud::search(provider_arc.as_ref(), &q).await;
    duet.watch(provider, result)
}

/// The native "open file" dialog for audio, kept in the app's state so the command need not be
/// generic over the runtime.
pub struct FilePicker {
    open: Box<dyn Fn(oneshot::Sender<Option<FilePath>>) + Send + Sync>,
}

impl FilePicker {
    pub fn native<R: Runtime>(app: AppHandle<R>) -> Self {
        Self {
            open: Box::new(move |answer| {
                app.dialog()
                    .file()
                    .set_title("Upload to the cloud disk")
                    .add_filter("Audio", &AUDIO_EXTENSIONS)
                    .pick_file(move |picked| {
                        let _ = answer.send(picked);
                    });
            }),
        }
    }
}

/// Asks the person for an audio file and uploads it, reporting to `on_progress` as it goes.
/// `None`: they closed the dialog without choosing. Made once, never retried.
#[tauri::command]
#[specta::specta]
pub async fn cloud_upload(
    picker: State<'_, FilePicker>,
    duet: State<'_, Duet>,
    provider: ProviderId,
    on_progress: Channel<UploadProgress>,
) -> Result<Option<CloudTrack>> {
    let provider_arc = duet.provider(provider)?;
    let Some(path) = pick_file(&picker, &duet).await? else {
        return Ok(None);
    };
    let file = tauri::async_runtime::spawn_blocking(move || duet_upload::from_path(&path))
        .await
        .map_err(|e| Error::new(ErrorKind::Storage, e.to_string()))?
        .map_err(|e| e.with_provider(provider))?;
    let progress = move |p: UploadProgress| {
        // The screen may be gone: the upload goes on all the same.
        let _ = on_progress.send(p);
    };
    let result = provider_arc.cloud_upload(&file, &progress).await;
    duet.watch(provider, result).map(Some)
}

async fn pick_file(picker: &FilePicker, duet: &Duet) -> Result<Option<PathBuf>> {
    if duet.upstream.is_override() {
        if let Some(path) = std::env::var_os(TEST_PICKED_FILE_ENV) {
            tracing::warn!("{TEST_PICKED_FILE_ENV}: the upload takes its file without a dialog");
            return Ok(Some(PathBuf::from(path)));
        }
    }
    let (sender, receiver) = oneshot::channel();
    (picker.open)(sender);
    let picked = receiver.await.unwrap_or(None);
    picked
        .map(|file| {
            file.into_path().map_err(|_| {
                Error::bad_request("the chosen file is not on this computer's file system")
            })
        })
        .transpose()
}
