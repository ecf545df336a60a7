//! `GET /api/listenreport?format=png`: the listening report as a picture. QQ Music's own report
//! when the account has one; otherwise (QQ Music has none, or no QQ Music session) Duet's own
//! record, the one the desktop app keeps on this computer (`duet_listening::app_database_path`),
//! read without changing it. Drawn by `duet_listening::picture`, the app's own renderer.

use std::collections::HashMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use duet_core::{Error, ErrorKind};
use duet_listening::picture::{Language, Picture};
use duet_listening::{ListeningStore, Period, UtcOffset};
use serde_json::Value;

use super::bad;
use crate::api::ApiError;

/// Which picture a `format=png` call asks for.
pub(super) struct Ask {
    period: Period,
    language: Language,
}

/// `None` for the JSON answer (no `format`, or `format=json`); a bad `format`, `period` or
/// `lang` is `bad_request`.
pub(super) fn ask(params: &HashMap<String, String>) -> Result<Option<Ask>, Error> {
    match params.get("format").map(|f| f.trim()) {
        None | Some("" | "json") => return Ok(None),
        Some("png") => {}
        Some(other) => {
            return Err(bad(format!(
                "format must be json or png, got {:?}",
                other.chars().take(20).collect::<String>()
            )))
        }
    }
    let period = match params.get("period").map(|p| p.trim()) {
        None | Some("") => Period::Month,
        Some(p @ ("week" | "month" | "year")) => p.parse()?,
        Some(other) => {
            return Err(bad(format!(
                "period must be week, month or year, got {:?}",
                other.chars().take(20).collect::<String>()
            )))
        }
    };
    let language = match params.get("lang").map(|l| l.trim()) {
        None | Some("" | "en") => Language::En,
        Some("zh") => Language::Zh,
        Some(other) => {
            return Err(bad(format!(
                "lang must be en or zh, got {:?}",
                other.chars().take(20).collect::<String>()
            )))
        }
    };
    Ok(Some(Ask { period, language }))
}

/// The PNG of QQ Music's `report`, or of Duet's own record when QQ Music answered that it has
/// none (`not_found`) or that nobody is logged in (`not_logged_in`); any other failure is
/// answered as it is.
pub(super) async fn answer(ask: Ask, qq: Result<Value, ApiError>) -> Result<Response, ApiError> {
    let (source, picture) = match qq {
        Ok(report) => ("qq", Picture::of_qq_report(&report, ask.language)),
        Err(ApiError(e)) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::NotLoggedIn) => {
            tracing::debug!("no QQ Music report ({e}); drawing Duet's own record");
            ("duet", own_record(&ask).await?)
        }
        Err(e) => return Err(e),
    };
    let png = tokio::task::spawn_blocking(move || picture.to_png())
        .await
        .map_err(|e| Error::new(ErrorKind::Storage, e.to_string()))?
        .map_err(Error::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::HeaderName::from_static("x-duet-report-source"),
                source,
            ),
        ],
        png,
    )
        .into_response())
}

/// Duet's own record, summed in this machine's time zone.
async fn own_record(ask: &Ask) -> Result<Picture, ApiError> {
    let (period, language) = (ask.period, ask.language);
    let summary = tokio::task::spawn_blocking(move || {
        let path = duet_listening::app_database_path().ok_or_else(|| {
            Error::new(
                ErrorKind::Storage,
                "this system names no data folder for Duet's record",
            )
        })?;
        let store = ListeningStore::open_read_only(&path)?.ok_or_else(|| {
            Error::not_found(
                "no listening report: QQ Music has none for this account (or none is logged \
                 in), and Duet has recorded no listening on this computer yet",
            )
        })?;
        let now = i64::try_from(duet_core::clock::unix_ms()).unwrap_or(i64::MAX);
        Ok::<_, Error>(store.summary(period, None, now, UtcOffset::system_at(now))?)
    })
    .await
    .map_err(|e| Error::new(ErrorKind::Storage, e.to_string()))??;
    Ok(Picture::of_summary(&summary, language))
}
