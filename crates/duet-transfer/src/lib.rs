//! Moves a playlist (one of yours, or anyone's) or your liked songs to the other music service:
//!
//! 1. a [`Preview`]: every track of the source searched for on the target at a calm pace
//!    ([`TransferPace::between_searches`]) and ranked by `duet_match`: `sure` (its match),
//!    `unsure` (the best and its alternatives, for the person to pick) or `missing`;
//! 2. the person's [`Adjustment`]s (take an alternative, skip, keep);
//! 3. a [`Job`]: the playlist created in the person's account on the target (or, for liked
//!    songs, each track liked there) and the chosen tracks added in batches of
//!    [`WRITE_BATCH`], with [`TransferPace::between_writes`] between writes. A write is never
//!    retried: a failing one stops the job with its typed error, and the person resumes it.
//!
//! Each job's state is a JSON file in the data directory given to [`Transfers::open`], written
//! atomically after every step, so a stop, a failure or a restart loses nothing: a resume
//! continues with the same target playlist and adds no track twice ([`job`] says how).

pub mod job;
mod preview;
mod store;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_core::budget::Pace;
use duet_core::{Error, Provider, ProviderId, Result, Track};
use duet_match::{Confidence, Scored};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

pub use job::{Job, JobStatus, JobTrack, Outcome, TrackState};

/// Tracks added to a playlist by one write. Small, as a person adding a selection would, and
/// far below what one write may carry (`duet_core::library::MAX_TRACKS_PER_WRITE`).
pub const WRITE_BATCH: usize = 20;
/// Candidates kept per track in a preview (the best and its alternatives).
pub const MAX_CANDIDATES: usize = 5;
/// Previews kept for [`Transfers::start`] (the newest ones).
const PREVIEWS_KEPT: usize = 8;

/// How fast a transfer asks the services. The one place its pace is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferPace {
    /// Between two searches of a preview (each also waits for the service's request budget).
    pub between_searches: Duration,
    /// Between two writes of a job (creating the playlist, each batch of tracks, each like).
    pub between_writes: Duration,
}

impl TransferPace {
    /// A person's pace: a preview reads about one track a second (a 300-track playlist in five
    /// minutes, never a burst of searches), and a job writes every 3 seconds — a batch of
    /// [`WRITE_BATCH`] tracks or one like — about what someone adding songs by hand does. Moving
    /// 500 liked songs takes about 25 minutes; the account is worth it.
    pub const HUMAN: TransferPace = TransferPace {
        between_searches: Duration::from_millis(800),
        between_writes: Duration::from_secs(3),
    };

    /// Tests against the fake upstream (no account to flag), chosen only through
    /// [`TransferPace::for_requests`] with [`Pace::TEST`] — itself only ever set with a
    /// loopback test upstream (`duet_services::Settings`).
    pub const TEST: TransferPace = TransferPace {
        between_searches: Duration::ZERO,
        between_writes: Duration::from_millis(5),
    };

    /// The transfer pace that goes with the providers' request pace: [`TransferPace::TEST`]
    /// only with [`Pace::TEST`], a person's otherwise.
    pub fn for_requests(pace: Pace) -> TransferPace {
        if pace == Pace::TEST {
            TransferPace::TEST
        } else {
            TransferPace::HUMAN
        }
    }
}

/// What is moved: a playlist of `provider` (its id), or the account's liked songs there
/// (`playlist` = [`Source::LIKED`]), which become likes on the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Source {
    pub provider: ProviderId,
    pub playlist: String,
}

impl Source {
    /// The `playlist` naming the account's liked songs.
    pub const LIKED: &'static str = "liked";

    pub fn is_liked(&self) -> bool {
        self.playlist == Self::LIKED
    }
}

/// Where the moved tracks go on the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Destination {
    /// A new playlist in the person's account.
    Playlist,
    /// The account's liked songs.
    Likes,
}

/// A preview's progress: `done` of `total` tracks searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewProgress {
    pub done: u32,
    pub total: u32,
}

/// Every track of the source and what the target has for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    /// Names the preview for [`Transfers::start`].
    pub id: String,
    pub source: Source,
    /// The source playlist's name (for liked songs, the service's name for them).
    pub source_name: String,
    pub target: ProviderId,
    pub destination: Destination,
    /// The name the new playlist gets unless the person gives another.
    pub suggested_name: String,
    pub items: Vec<PreviewItem>,
}

/// One source track and its candidates on the target.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewItem {
    pub track: Track,
    pub confidence: Confidence,
    /// At most [`MAX_CANDIDATES`], best first, each scoring at least `duet_match::UNSURE`.
    pub candidates: Vec<Scored>,
}

impl PreviewItem {
    /// What is moved unless the person says otherwise: a sure match; nothing for an unsure
    /// one (a person picks among its candidates) or a missing one.
    pub fn default_choice(&self) -> Option<&Track> {
        match self.confidence {
            Confidence::Sure => self.candidates.first().map(|c| &c.track),
            Confidence::Unsure | Confidence::Missing => None,
        }
    }
}

/// A person's choice for one track of a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Choice {
    /// The preview's default ([`PreviewItem::default_choice`]).
    Keep,
    /// Not moved.
    Skip,
    /// This candidate (by its id on the target).
    Take { track_id: String },
}

/// A [`Choice`] for the preview's item `index`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Adjustment {
    pub index: u32,
    pub choice: Choice,
}

/// What a person starts: a preview, the new playlist's name (the suggestion when absent; not
/// used for liked songs) and their adjustments.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StartRequest {
    pub preview_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
}

/// The transfers of one front end: previews, jobs and their files.
pub struct Transfers {
    shared: Arc<job::Shared>,
    previews: Mutex<Vec<Preview>>,
    /// The previews under way, each with its cancel switch.
    previewing: Previewing,
}

impl Transfers {
    /// Over `providers`, keeping jobs in `dir` (created when missing). Jobs found there are
    /// loaded; one that was running when the process ended is stopped, to be resumed by the
    /// person.
    pub fn open(
        dir: impl Into<PathBuf>,
        providers: Vec<Arc<dyn Provider>>,
        pace: TransferPace,
    ) -> Result<Transfers> {
        let dir = dir.into();
        let jobs = store::load_all(&dir)?;
        let providers: HashMap<ProviderId, Arc<dyn Provider>> =
            providers.into_iter().map(|p| (p.id(), p)).collect();
        Ok(Transfers {
            shared: Arc::new(job::Shared::new(dir, providers, pace, jobs)),
            previews: Mutex::new(Vec::new()),
            previewing: Mutex::new(Vec::new()),
        })
    }

    pub fn pace(&self) -> TransferPace {
        self.shared.pace
    }

    /// Reads `source` and looks for each of its tracks on `target`, calling `progress` after
    /// each. Both services must be logged in and differ; an unknown playlist is `not_found`; a
    /// search that fails (rate limited, session expired, …) ends the preview with its error.
    pub async fn preview(
        &self,
        source: Source,
        target: ProviderId,
        progress: impl Fn(PreviewProgress) + Send + Sync,
    ) -> Result<Preview> {
        // A new preview of the same move supersedes one still under way.
        self.cancel_preview(&source, target);
        let cancelled = Arc::new(AtomicBool::new(false));
        lock(&self.previewing).push((source.clone(), target, cancelled.clone()));
        // Forgotten however the preview ends, also when its caller drops it half-way.
        let _registered = Registered {
            previewing: &self.previewing,
            flag: cancelled.clone(),
        };
        let preview = preview::build(&self.shared, source, target, &progress, &cancelled).await?;
        let mut previews = lock(&self.previews);
        previews.push(preview.clone());
        let excess = previews.len().saturating_sub(PREVIEWS_KEPT);
        previews.drain(..excess);
        Ok(preview)
    }

    /// Stops the preview of `source` on `target` under way (the person left its screen): no
    /// search follows, and it ends with `declined`. Whether one was under way.
    pub fn cancel_preview(&self, source: &Source, target: ProviderId) -> bool {
        let mut cancelled = false;
        for (s, t, flag) in lock(&self.previewing).iter() {
            if s == source && *t == target {
                flag.store(true, Ordering::SeqCst);
                cancelled = true;
            }
        }
        cancelled
    }

    /// Starts a job from a preview and the person's choices: validates everything (the name,
    /// each adjustment), writes the job's file, then runs it in the background.
    pub fn start(&self, request: StartRequest) -> Result<Job> {
        let preview = lock(&self.previews)
            .iter()
            .find(|p| p.id == request.preview_id)
            .cloned()
            .ok_or_else(|| {
                Error::not_found(
                    "no such preview (previews last until the app or server restarts): \
                     preview the playlist again",
                )
            })?;
        let job = job::plan(&preview, request.name.as_deref(), &request.adjustments)?;
        self.shared.start(job)
    }

    /// The job `id` as it stands.
    pub fn get(&self, id: &str) -> Result<Job> {
        Ok(self.shared.handle(id)?.current())
    }

    /// Every job known, newest first.
    pub fn list(&self) -> Vec<Job> {
        self.shared.list()
    }

    /// Follows the job `id`: the receiver sees each change.
    pub fn subscribe(&self, id: &str) -> Result<watch::Receiver<Job>> {
        Ok(self.shared.handle(id)?.subscribe())
    }

    /// Asks the job `id` to stop: a write under way finishes (its result is kept), none
    /// follows. Stopping a job that is not running changes nothing.
    pub fn stop(&self, id: &str) -> Result<Job> {
        self.shared.stop(id)
    }

    /// Continues a stopped or failed job where it left off: the same target playlist, the
    /// tracks not yet added. Resuming a running or finished job changes nothing.
    pub fn resume(&self, id: &str) -> Result<Job> {
        self.shared.resume(id)
    }

    /// Waits until the job `id` is no longer running (tests, and front ends shutting down).
    pub async fn settled(&self, id: &str) -> Result<Job> {
        let mut rx = self.subscribe(id)?;
        let job = rx
            .wait_for(|job| job.status != JobStatus::Running)
            .await
            .map_err(|_| Error::not_found("the job is gone"))?;
        Ok(job.clone())
    }
}

type Previewing = Mutex<Vec<(Source, ProviderId, Arc<AtomicBool>)>>;

/// A preview under way, listed in [`Transfers`]'s `previewing` until dropped.
struct Registered<'a> {
    previewing: &'a Previewing,
    flag: Arc<AtomicBool>,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        lock(self.previewing).retain(|(_, _, c)| !Arc::ptr_eq(c, &self.flag));
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
