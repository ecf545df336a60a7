//! The database: one file, one connection (so one writer), WAL, its schema versioned by
//! `PRAGMA user_version`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use duet_core::{AlbumRef, ArtistRef, ProviderId};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::calendar::{LocalDate, Period, UtcOffset};
use crate::ListeningError;

type Result<T> = std::result::Result<T, ListeningError>;

/// The schema this build reads and writes. Each version's step is in [`MIGRATIONS`].
pub const SCHEMA_VERSION: i32 = 1;

/// `MIGRATIONS[n]` takes a database from version `n` to `n + 1`.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // 1: one row per play. `artists` is the track's artists as JSON (`[{"id","name"}]`, in the
    // service's order), read with SQLite's json_each for the top artists. A play is known by
    // its track and the moment it started, so a play still going is written again as it grows.
    "CREATE TABLE plays (
        id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,
        track_id TEXT NOT NULL,
        title TEXT NOT NULL,
        artists TEXT NOT NULL,
        album_id TEXT NOT NULL,
        album_name TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        started_at_ms INTEGER NOT NULL,
        heard_ms INTEGER NOT NULL,
        UNIQUE (provider, track_id, started_at_ms)
    );
    CREATE INDEX plays_by_start ON plays (started_at_ms);",
];

/// One play of a track: what it was, when it started, and how much of it was heard (the
/// track's own time that played: pauses, seeks and a faster speed do not add to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Play {
    pub provider: ProviderId,
    pub track_id: String,
    pub title: String,
    pub artists: Vec<ArtistRef>,
    /// The album's id and name (`""` when the service names none).
    pub album_id: String,
    pub album_name: String,
    pub duration_ms: u64,
    /// Unix milliseconds.
    pub started_at_ms: i64,
    pub heard_ms: u64,
}

/// Time heard and plays counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Amount {
    pub heard_ms: u64,
    pub plays: u32,
}

/// One local day of [`ListeningStore::days`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayAmount {
    /// `YYYY-MM-DD`, the local day the plays started on.
    pub date: String,
    #[serde(flatten)]
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TopTrack {
    pub provider: ProviderId,
    pub id: String,
    pub title: String,
    pub artists: Vec<ArtistRef>,
    pub album: AlbumRef,
    #[serde(flatten)]
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TopArtist {
    pub provider: ProviderId,
    /// `""` when the service gave the artist no id.
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TopAlbum {
    pub provider: ProviderId,
    /// `""` when the service gave the album no id.
    pub id: String,
    pub name: String,
    pub artists: Vec<ArtistRef>,
    #[serde(flatten)]
    pub amount: Amount,
}

/// The most heard tracks, artists and albums of a period, most heard first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Tops {
    pub tracks: Vec<TopTrack>,
    pub artists: Vec<TopArtist>,
    pub albums: Vec<TopAlbum>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    pub today: Amount,
    pub week: Amount,
    pub month: Amount,
    pub all_time: Amount,
}

/// The record of listening, in a SQLite file. Every call takes the one connection in turn, so
/// there is one writer; callers keep calls off threads that must not wait (the app writes from
/// a thread of its own, `crate::Recorder`).
#[derive(Debug)]
pub struct ListeningStore {
    path: PathBuf,
    connection: Mutex<Connection>,
}

fn service_filter(service: Option<ProviderId>) -> Option<&'static str> {
    service.map(ProviderId::as_str)
}

fn provider_of(text: &str) -> rusqlite::Result<ProviderId> {
    text.parse().map_err(|e: duet_core::Error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.message.into())
    })
}

fn artists_of(json: &str) -> Vec<ArtistRef> {
    serde_json::from_str(json).unwrap_or_default()
}

fn amount(heard_ms: i64, plays: i64) -> Amount {
    Amount {
        heard_ms: heard_ms.max(0) as u64,
        plays: u32::try_from(plays.max(0)).unwrap_or(u32::MAX),
    }
}

/// Whether an error means the file is not a database Duet can use (set it aside), rather than
/// that the disk or the folder failed (report it).
fn unusable(error: &ListeningError) -> bool {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match error {
        ListeningError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
            matches!(e.code, DatabaseCorrupt | NotADatabase)
        }
        ListeningError::Corrupt(_) | ListeningError::NewerSchema { .. } => true,
        _ => false,
    }
}

impl ListeningStore {
    /// Opens (or creates) the record at `path` for reading and writing. A file that is not a
    /// usable database (corrupt, not SQLite, or from a newer Duet) is set aside as
    /// `<name>.unreadable` and a new record started; nothing panics.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| ListeningError::Io(dir.to_owned(), e))?;
        }
        let connection = match Self::connect(path) {
            Ok(connection) => connection,
            Err(e) if unusable(&e) => {
                tracing::warn!(
                    "{} could not be read ({e}); set aside, starting a new record",
                    path.display()
                );
                set_aside(path)?;
                Self::connect(path)?
            }
            Err(e) => return Err(e),
        };
        Ok(Self {
            path: path.to_owned(),
            connection: Mutex::new(connection),
        })
    }

    /// Opens the record at `path` to read it only, leaving the file as it is whatever its
    /// state (another program, the app, owns it): `None` when there is no record yet.
    pub fn open_read_only(path: &Path) -> Result<Option<Self>> {
        if !path.exists() {
            return Ok(None);
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(std::time::Duration::from_secs(2))?;
        let version: i32 = connection.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != SCHEMA_VERSION {
            return Err(if version > SCHEMA_VERSION {
                ListeningError::NewerSchema { found: version }
            } else {
                ListeningError::Corrupt(format!("schema version {version}"))
            });
        }
        Ok(Some(Self {
            path: path.to_owned(),
            connection: Mutex::new(connection),
        }))
    }

    fn connect(path: &Path) -> Result<Connection> {
        let mut connection = Connection::open(path)?;
        connection.busy_timeout(std::time::Duration::from_secs(2))?;
        // Reading the journal mode reads the header: a file that is not SQLite fails here.
        let _: String =
            connection.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        let check: String = connection.pragma_query_value(None, "quick_check", |r| r.get(0))?;
        if check != "ok" {
            return Err(ListeningError::Corrupt(check));
        }
        migrate(&mut connection)?;
        Ok(connection)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        f(&connection)
    }

    /// Writes `play`, or, when the same play (track and start) is already there, the time
    /// heard so far: a play still going is written again as it grows, never counted twice.
    pub fn record(&self, play: &Play) -> Result<()> {
        let artists = serde_json::to_string(&play.artists).unwrap_or_else(|_| "[]".into());
        self.with(|c| {
            c.execute(
                "INSERT INTO plays (provider, track_id, title, artists, album_id, album_name,
                    duration_ms, started_at_ms, heard_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (provider, track_id, started_at_ms)
                 DO UPDATE SET heard_ms = max(heard_ms, excluded.heard_ms)",
                params![
                    play.provider.as_str(),
                    play.track_id,
                    play.title,
                    artists,
                    play.album_id,
                    play.album_name,
                    i64::try_from(play.duration_ms).unwrap_or(i64::MAX),
                    play.started_at_ms,
                    i64::try_from(play.heard_ms).unwrap_or(i64::MAX),
                ],
            )?;
            Ok(())
        })
    }

    /// Forgets every play.
    pub fn clear(&self) -> Result<()> {
        self.with(|c| {
            c.execute("DELETE FROM plays", [])?;
            Ok(())
        })
    }

    /// Time heard on each local day from `first` to `last` (both included, at most 400 days),
    /// days without a play included as zero. A play counts on the day it started.
    pub fn days(
        &self,
        first: LocalDate,
        last: LocalDate,
        offset: UtcOffset,
        service: Option<ProviderId>,
    ) -> Result<Vec<DayAmount>> {
        let count = last.day_number() - first.day_number() + 1;
        if !(1..=400).contains(&count) {
            return Err(ListeningError::BadRange(format!(
                "from {first} to {last}: ask for 1 to 400 days"
            )));
        }
        let mut days: Vec<DayAmount> = (0..count)
            .map(|i| DayAmount {
                date: first.add_days(i).to_string(),
                amount: Amount::default(),
            })
            .collect();
        self.with(|c| {
            let mut statement = c.prepare_cached(
                "SELECT (started_at_ms + ?1) / 86400000 - ?4 AS day, sum(heard_ms), count(*)
                 FROM plays
                 WHERE started_at_ms >= ?2 AND started_at_ms < ?3
                   AND (?5 IS NULL OR provider = ?5)
                 GROUP BY day",
            )?;
            let rows = statement.query_map(
                params![
                    i64::from(offset.seconds()) * 1000,
                    first.start_ms(offset),
                    last.add_days(1).start_ms(offset),
                    first.day_number(),
                    service_filter(service),
                ],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )?;
            for row in rows {
                let (index, heard, plays) = row?;
                if let Some(day) = usize::try_from(index).ok().and_then(|i| days.get_mut(i)) {
                    day.amount = amount(heard, plays);
                }
            }
            Ok(())
        })?;
        Ok(days)
    }

    /// The `limit` most heard tracks, artists and albums of `period` at `now_ms`. An artist
    /// gets the whole time of each play they are credited on; an album without a name is left
    /// out of the albums.
    pub fn tops(
        &self,
        period: Period,
        now_ms: i64,
        offset: UtcOffset,
        service: Option<ProviderId>,
        limit: u32,
    ) -> Result<Tops> {
        let (from, until) = period.range_ms(now_ms, offset);
        let range = params![from, until, service_filter(service), limit];
        self.with(|c| {
            // A bare column beside max() comes from the row holding the max: the latest names.
            let tracks = c
                .prepare_cached(
                    "SELECT provider, track_id, title, artists, album_id, album_name,
                        sum(heard_ms) AS heard, count(*), max(started_at_ms)
                     FROM plays
                     WHERE started_at_ms >= ?1 AND started_at_ms < ?2
                       AND (?3 IS NULL OR provider = ?3)
                     GROUP BY provider, track_id
                     ORDER BY heard DESC, count(*) DESC, max(started_at_ms) DESC
                     LIMIT ?4",
                )?
                .query_map(range, |r| {
                    Ok(TopTrack {
                        provider: provider_of(&r.get::<_, String>(0)?)?,
                        id: r.get(1)?,
                        title: r.get(2)?,
                        artists: artists_of(&r.get::<_, String>(3)?),
                        album: AlbumRef {
                            id: r.get(4)?,
                            name: r.get(5)?,
                            cover_url: None,
                        },
                        amount: amount(r.get(6)?, r.get(7)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let artists = c
                .prepare_cached(
                    "SELECT provider, coalesce(json_extract(a.value, '$.id'), '') AS artist_id,
                        json_extract(a.value, '$.name') AS name,
                        sum(heard_ms) AS heard, count(*), max(started_at_ms)
                     FROM plays, json_each(plays.artists) AS a
                     WHERE started_at_ms >= ?1 AND started_at_ms < ?2
                       AND (?3 IS NULL OR provider = ?3)
                       AND coalesce(json_extract(a.value, '$.name'), '') <> ''
                     GROUP BY provider, CASE WHEN artist_id = '' THEN 'name:' || name
                                             ELSE 'id:' || artist_id END
                     ORDER BY heard DESC, count(*) DESC, max(started_at_ms) DESC, name
                     LIMIT ?4",
                )?
                .query_map(range, |r| {
                    Ok(TopArtist {
                        provider: provider_of(&r.get::<_, String>(0)?)?,
                        id: r.get(1)?,
                        name: r.get(2)?,
                        amount: amount(r.get(3)?, r.get(4)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let albums = c
                .prepare_cached(
                    "SELECT provider, album_id, album_name, artists,
                        sum(heard_ms) AS heard, count(*), max(started_at_ms)
                     FROM plays
                     WHERE started_at_ms >= ?1 AND started_at_ms < ?2
                       AND (?3 IS NULL OR provider = ?3) AND album_name <> ''
                     GROUP BY provider, CASE WHEN album_id = '' THEN 'name:' || album_name
                                             ELSE 'id:' || album_id END
                     ORDER BY heard DESC, count(*) DESC, max(started_at_ms) DESC
                     LIMIT ?4",
                )?
                .query_map(range, |r| {
                    Ok(TopAlbum {
                        provider: provider_of(&r.get::<_, String>(0)?)?,
                        id: r.get(1)?,
                        name: r.get(2)?,
                        artists: artists_of(&r.get::<_, String>(3)?),
                        amount: amount(r.get(4)?, r.get(5)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Tops {
                tracks,
                artists,
                albums,
            })
        })
    }

    /// Time heard and plays of `period` at `now_ms`.
    pub fn amount(
        &self,
        period: Period,
        now_ms: i64,
        offset: UtcOffset,
        service: Option<ProviderId>,
    ) -> Result<Amount> {
        let (from, until) = period.range_ms(now_ms, offset);
        self.with(|c| {
            let (heard, plays) = c
                .prepare_cached(
                    "SELECT coalesce(sum(heard_ms), 0), count(*) FROM plays
                     WHERE started_at_ms >= ?1 AND started_at_ms < ?2
                       AND (?3 IS NULL OR provider = ?3)",
                )?
                .query_row(params![from, until, service_filter(service)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })?;
            Ok(amount(heard, plays))
        })
    }

    /// Today, this week, this month and all time (everything, including plays dated after
    /// now by a clock that was put back).
    pub fn totals(
        &self,
        now_ms: i64,
        offset: UtcOffset,
        service: Option<ProviderId>,
    ) -> Result<Totals> {
        let all_time = self.with(|c| {
            let (heard, plays) = c
                .prepare_cached(
                    "SELECT coalesce(sum(heard_ms), 0), count(*) FROM plays
                     WHERE (?1 IS NULL OR provider = ?1)",
                )?
                .query_row(params![service_filter(service)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })?;
            Ok(amount(heard, plays))
        })?;
        Ok(Totals {
            today: self.amount(Period::Today, now_ms, offset, service)?,
            week: self.amount(Period::Week, now_ms, offset, service)?,
            month: self.amount(Period::Month, now_ms, offset, service)?,
            all_time,
        })
    }

    /// The play of `provider`/`track_id` that started at `started_at_ms`, if recorded.
    pub fn play(
        &self,
        provider: ProviderId,
        track_id: &str,
        started_at_ms: i64,
    ) -> Result<Option<Play>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT title, artists, album_id, album_name, duration_ms, heard_ms FROM plays
                 WHERE provider = ?1 AND track_id = ?2 AND started_at_ms = ?3",
                params![provider.as_str(), track_id, started_at_ms],
                |r| {
                    Ok(Play {
                        provider,
                        track_id: track_id.to_owned(),
                        title: r.get(0)?,
                        artists: artists_of(&r.get::<_, String>(1)?),
                        album_id: r.get(2)?,
                        album_name: r.get(3)?,
                        duration_ms: r.get::<_, i64>(4)?.max(0) as u64,
                        started_at_ms,
                        heard_ms: r.get::<_, i64>(5)?.max(0) as u64,
                    })
                },
            )
            .optional()?)
        })
    }
}

fn migrate(connection: &mut Connection) -> Result<()> {
    let version: i32 = connection.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(ListeningError::NewerSchema { found: version });
    }
    if version < 0 {
        return Err(ListeningError::Corrupt(format!("schema version {version}")));
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = connection.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", step as i32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Renames the file (and its WAL and shared-memory files) to `<name>.unreadable`.
fn set_aside(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut from = path.as_os_str().to_os_string();
        from.push(suffix);
        let mut to = path.as_os_str().to_os_string();
        to.push(".unreadable");
        to.push(suffix);
        match std::fs::rename(&from, &to) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ListeningError::Io(PathBuf::from(from), e)),
        }
    }
    Ok(())
}
