//! The Listening screen: Duet's own record of listening (`crate::listening`), summed and drawn.
//! Read on a blocking thread, never on the async runtime's workers.

use duet_core::{Error, ErrorKind, ProviderId, Result};
use duet_listening::picture::{Language, Picture};
use duet_listening::{LocalDate, Period, Summary, UtcOffset};
use tauri::State;

use crate::commands::playlist_tools::save_new;
use crate::listening::ListeningRecord;

async fn summary_of(
    record: &ListeningRecord,
    period: Period,
    service: Option<ProviderId>,
    utc_offset_minutes: i32,
) -> Result<(Summary, i64, UtcOffset)> {
    let offset = UtcOffset::from_minutes(utc_offset_minutes)?;
    let store = record.store()?;
    let now = i64::try_from(duet_core::clock::unix_ms()).unwrap_or(i64::MAX);
    let summary =
        tauri::async_runtime::spawn_blocking(move || store.summary(period, service, now, offset))
            .await
            .map_err(|e| Error::new(ErrorKind::Storage, e.to_string()))??;
    Ok((summary, now, offset))
}

/// Totals, time per day over the last 30 days and the top tracks, artists and albums of
/// `period`, for `service` (both when absent), in local days at `utc_offset_minutes` (the
/// window's zone: east positive).
#[tauri::command]
#[specta::specta]
pub async fn listening_summary(
    record: State<'_, ListeningRecord>,
    period: Period,
    service: Option<ProviderId>,
    utc_offset_minutes: i32,
) -> Result<Summary> {
    Ok(summary_of(&record, period, service, utc_offset_minutes)
        .await?
        .0)
}

/// Draws the summary as a PNG and saves it in the Pictures folder (else Downloads), never over
/// a file; answers the path.
#[tauri::command]
#[specta::specta]
pub async fn listening_save_image(
    record: State<'_, ListeningRecord>,
    period: Period,
    service: Option<ProviderId>,
    utc_offset_minutes: i32,
    language: Language,
) -> Result<String> {
    let (summary, now, offset) = summary_of(&record, period, service, utc_offset_minutes).await?;
    let folder = record.pictures.clone().ok_or_else(|| {
        Error::new(
            ErrorKind::Storage,
            "this system names no Pictures or Downloads folder to save the image into",
        )
    })?;
    let name = format!("duet-listening-{}.png", LocalDate::of(now, offset));
    let path = tauri::async_runtime::spawn_blocking(move || {
        let png = Picture::of_summary(&summary, language).to_png()?;
        save_new(&folder, &name, &png)
    })
    .await
    .map_err(|e| Error::new(ErrorKind::Storage, e.to_string()))??;
    Ok(path.display().to_string())
}
