//! Duet's own record of listening: each play (service, track, artists, album, when it started
//! and how much of it was heard) in a SQLite database in the app's data folder, summed into time
//! per day, top tracks, artists and albums, and totals, and drawn as a picture to share.
//!
//! **The record stays on this computer.** Nothing here talks to a network, and Duet never
//! reports listening to NetEase or QQ Music (nor to anyone): the services ban accounts whose
//! listening is reported by a third-party client, and the record is nobody's business but its
//! owner's. The only readers are the app's Listening screen and a `duet-server` on the same
//! machine (`/api/listenreport?format=png`).
//!
//! - [`ListeningStore`]: the database (schema [`SCHEMA_VERSION`], WAL, one connection). A file
//!   that is not a usable database is set aside as `<name>.unreadable` and a new one started.
//! - [`HeardClock`] and [`Recorder`]: the time heard from the player's position reports, and a
//!   thread of its own that writes.
//! - [`calendar`]: local days and periods at an explicit UTC offset.
//! - [`picture`]: the summary as an SVG and a PNG.

pub mod calendar;
mod heard;
pub mod picture;
mod store;

use std::path::PathBuf;

pub use calendar::{LocalDate, Period, UtcOffset};
pub use heard::{HeardClock, Recorder, MIN_HEARD_MS};
pub use store::{
    Amount, DayAmount, ListeningStore, Play, TopAlbum, TopArtist, TopTrack, Tops, Totals,
    SCHEMA_VERSION,
};

/// The desktop app's identifier (`identifier` in `tauri.conf.json`, which a test holds to
/// this): Tauri names the app's data folder after it.
pub const APP_IDENTIFIER: &str = "app.duet.player";

/// The record's file name in the app's data folder.
pub const DATABASE_FILE: &str = "listening.sqlite3";

/// The app's data folder as Tauri finds it (`app_data_dir`): the system's data folder and the
/// app's identifier (`~/.local/share/app.duet.player` on Linux, `~/Library/Application
/// Support/app.duet.player` on macOS, `%APPDATA%\app.duet.player` on Windows).
pub fn app_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join(APP_IDENTIFIER))
}

/// Where the app keeps its record: what `duet-server` reads.
pub fn app_database_path() -> Option<PathBuf> {
    app_data_dir().map(|dir| dir.join(DATABASE_FILE))
}

/// What can go wrong with the record.
#[derive(Debug, thiserror::Error)]
pub enum ListeningError {
    #[error("the listening record: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the listening record is damaged ({0})")]
    Corrupt(String),
    #[error("the listening record was written by a newer Duet (schema {found}, this one reads {SCHEMA_VERSION})")]
    NewerSchema { found: i32 },
    #[error("the listening record's folder {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0}")]
    BadRange(String),
    #[error("the picture could not be drawn: {0}")]
    Picture(String),
}

impl From<ListeningError> for duet_core::Error {
    fn from(error: ListeningError) -> Self {
        let kind = match error {
            ListeningError::BadRange(_) => duet_core::ErrorKind::BadRequest,
            _ => duet_core::ErrorKind::Storage,
        };
        duet_core::Error::new(kind, error.to_string())
    }
}

/// Everything the Listening screen shows at once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    /// The period of `tops`.
    pub period: Period,
    pub service: Option<duet_core::ProviderId>,
    pub totals: Totals,
    /// The last [`CHART_DAYS`] local days, today last.
    pub days: Vec<DayAmount>,
    pub tops: Tops,
}

/// How many days the chart of time per day shows.
pub const CHART_DAYS: i64 = 30;

/// How long each top list is.
pub const TOP_LIMIT: u32 = 10;

impl ListeningStore {
    /// The summary of `period` for `service` (both when `None`) at `now_ms`.
    pub fn summary(
        &self,
        period: Period,
        service: Option<duet_core::ProviderId>,
        now_ms: i64,
        offset: UtcOffset,
    ) -> Result<Summary, ListeningError> {
        let today = LocalDate::of(now_ms, offset);
        Ok(Summary {
            period,
            service,
            totals: self.totals(now_ms, offset, service)?,
            days: self.days(today.add_days(1 - CHART_DAYS), today, offset, service)?,
            tops: self.tops(period, now_ms, offset, service, TOP_LIMIT)?,
        })
    }
}
