//! A transfer job: its state (the file `<id>.json` in the transfers directory, the same shape
//! front ends read), and the task that runs it.
//!
//! Nothing is ever written twice:
//! - the job is saved before each write and after it, so the file always says which tracks are
//!   `done`, and the target playlist's id once it exists;
//! - before creating the playlist the job records `create_requested` and the account's
//!   playlists of that name already there (`preexisting`); a resume that finds it set without
//!   an id (the process ended between the write and the save) adopts the account's new playlist
//!   of that name instead of creating a second one, and never one of `preexisting`;
//! - a resume into an existing playlist first reads it back, and tracks already in it count
//!   as `done` (a batch whose answer was lost is not sent again);
//! - two source tracks matched to one target track move once (the second is `duplicate`).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use duet_core::library::checked_playlist_name;
use duet_core::{Error, ErrorKind, Provider, ProviderId, Result, Track};
use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Notify};

use crate::{
    lock, store, Adjustment, Choice, Destination, Preview, Source, TransferPace, WRITE_BATCH,
};

/// The version of the job file's shape.
pub const JOB_FILE_VERSION: u32 = 1;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum JobStatus {
    Running,
    /// Stopped by the person, or by the end of the process while running: resumable.
    Stopped,
    /// A write failed (`error` says why): resumable once the cause is dealt with.
    Failed,
    /// Every chosen track was added (or liked).
    Finished,
}

/// One track's part in a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum TrackState {
    /// Chosen, not written yet.
    Pending,
    /// Added to the target playlist (or liked there).
    Done,
    /// Not moved: the person skipped it, or the target has no match.
    Skipped,
    /// Its match is an earlier track's as well: moved once, with that one.
    Duplicate,
    /// In the write that failed; pending again on a resume.
    Failed,
}

/// A source track, its chosen counterpart on the target, and how far it got.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobTrack {
    pub source: Track,
    pub target: Option<Track>,
    pub state: TrackState,
}

/// The counts of a job's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Outcome {
    pub total: u32,
    pub added: u32,
    pub skipped: u32,
    pub failed: u32,
    pub pending: u32,
}

/// A job: what front ends show, and what its file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Job {
    pub version: u32,
    pub id: String,
    /// Unix milliseconds.
    pub created_at_ms: f64,
    pub source: Source,
    pub source_name: String,
    pub target: ProviderId,
    pub destination: Destination,
    /// The target playlist's name (the source's for liked songs).
    pub name: String,
    /// The target playlist, once created.
    pub playlist_id: Option<String>,
    /// Set just before the playlist is created (see the module's documentation).
    pub create_requested: bool,
    /// The account's playlists named like this one before it was created: never adopted.
    pub preexisting: Vec<String>,
    pub status: JobStatus,
    /// Why the job stopped, when a write failed (or its file could not be written).
    pub error: Option<Error>,
    pub tracks: Vec<JobTrack>,
    /// Counted from `tracks` each time the job changes.
    pub outcome: Outcome,
}

impl Job {
    fn recount(&mut self) {
        let mut o = Outcome {
            total: self.tracks.len() as u32,
            ..Outcome::default()
        };
        for t in &self.tracks {
            match t.state {
                TrackState::Done => o.added += 1,
                TrackState::Skipped | TrackState::Duplicate => o.skipped += 1,
                TrackState::Failed => o.failed += 1,
                TrackState::Pending => o.pending += 1,
            }
        }
        self.outcome = o;
    }
}

/// The job a preview and the person's choices make (not started, not saved).
pub(crate) fn plan(
    preview: &Preview,
    name: Option<&str>,
    adjustments: &[Adjustment],
) -> Result<Job> {
    let name = match preview.destination {
        Destination::Playlist => {
            checked_playlist_name(name.unwrap_or(&preview.suggested_name))?.to_owned()
        }
        Destination::Likes => preview.source_name.clone(),
    };
    let mut chosen: Vec<Option<Track>> = preview
        .items
        .iter()
        .map(|item| item.default_choice().cloned())
        .collect();
    for adjustment in adjustments {
        let index = adjustment.index as usize;
        let item = preview.items.get(index).ok_or_else(|| {
            Error::bad_request(format!(
                "the preview has {} tracks: there is no track {index}",
                preview.items.len()
            ))
        })?;
        chosen[index] = match &adjustment.choice {
            Choice::Keep => item.default_choice().cloned(),
            Choice::Skip => None,
            Choice::Take { track_id } => Some(
                item.candidates
                    .iter()
                    .find(|c| &c.track.id == track_id)
                    .map(|c| c.track.clone())
                    .ok_or_else(|| {
                        Error::bad_request(format!(
                            "track {index} has no candidate {:?}: take one of its candidates",
                            track_id.chars().take(40).collect::<String>()
                        ))
                    })?,
            ),
        };
    }
    let mut seen = HashSet::new();
    let tracks = preview
        .items
        .iter()
        .zip(chosen)
        .map(|(item, target)| {
            let state = match &target {
                None => TrackState::Skipped,
                Some(t) if !seen.insert(t.id.clone()) => TrackState::Duplicate,
                Some(_) => TrackState::Pending,
            };
            JobTrack {
                source: item.track.clone(),
                target,
                state,
            }
        })
        .collect();
    let mut job = Job {
        version: JOB_FILE_VERSION,
        id: uuid::Uuid::new_v4().simple().to_string(),
        created_at_ms: now_ms(),
        source: preview.source.clone(),
        source_name: preview.source_name.clone(),
        target: preview.target,
        destination: preview.destination,
        name,
        playlist_id: None,
        create_requested: false,
        preexisting: Vec::new(),
        status: JobStatus::Running,
        error: None,
        tracks,
        outcome: Outcome::default(),
    };
    job.recount();
    Ok(job)
}

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// One job held in memory: its state (the watch channel's value) and its stop switch.
pub(crate) struct Handle {
    state: watch::Sender<Job>,
    stop_requested: AtomicBool,
    stopped: Notify,
}

impl Handle {
    fn new(job: Job) -> Arc<Handle> {
        Arc::new(Handle {
            state: watch::Sender::new(job),
            stop_requested: AtomicBool::new(false),
            stopped: Notify::new(),
        })
    }

    pub(crate) fn current(&self) -> Job {
        self.state.borrow().clone()
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Job> {
        self.state.subscribe()
    }

    fn update(&self, change: impl FnOnce(&mut Job)) -> Job {
        self.state.send_modify(|job| {
            change(job);
            job.recount();
        });
        self.current()
    }
}

/// What the jobs share: the providers, the directory, the pace, every job.
pub(crate) struct Shared {
    pub(crate) dir: PathBuf,
    providers: HashMap<ProviderId, Arc<dyn Provider>>,
    pub(crate) pace: TransferPace,
    jobs: Mutex<HashMap<String, Arc<Handle>>>,
}

impl Shared {
    pub(crate) fn new(
        dir: PathBuf,
        providers: HashMap<ProviderId, Arc<dyn Provider>>,
        pace: TransferPace,
        loaded: Vec<Job>,
    ) -> Shared {
        let jobs = loaded
            .into_iter()
            .map(|mut job| {
                if job.status == JobStatus::Running {
                    job.status = JobStatus::Stopped;
                }
                (job.id.clone(), Handle::new(job))
            })
            .collect();
        Shared {
            dir,
            providers,
            pace,
            jobs: Mutex::new(jobs),
        }
    }

    pub(crate) fn provider(&self, id: ProviderId) -> Result<Arc<dyn Provider>> {
        self.providers
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("{id} is not available here")))
    }

    pub(crate) fn handle(&self, id: &str) -> Result<Arc<Handle>> {
        lock(&self.jobs)
            .get(id)
            .cloned()
            .ok_or_else(|| Error::not_found("no transfer with this id"))
    }

    pub(crate) fn list(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = lock(&self.jobs).values().map(|h| h.current()).collect();
        jobs.sort_by(|a, b| b.created_at_ms.total_cmp(&a.created_at_ms));
        jobs
    }

    pub(crate) fn start(self: &Arc<Self>, job: Job) -> Result<Job> {
        store::save(&self.dir, &job)?;
        let handle = Handle::new(job);
        let current = handle.current();
        lock(&self.jobs).insert(current.id.clone(), handle.clone());
        tokio::spawn(run(self.clone(), handle));
        Ok(current)
    }

    pub(crate) fn stop(&self, id: &str) -> Result<Job> {
        let handle = self.handle(id)?;
        if handle.current().status == JobStatus::Running {
            handle.stop_requested.store(true, Ordering::SeqCst);
            handle.stopped.notify_waiters();
        }
        Ok(handle.current())
    }

    pub(crate) fn resume(self: &Arc<Self>, id: &str) -> Result<Job> {
        let handle = self.handle(id)?;
        let mut start = false;
        handle.state.send_if_modified(|job| {
            if matches!(job.status, JobStatus::Stopped | JobStatus::Failed) {
                job.status = JobStatus::Running;
                job.error = None;
                for t in &mut job.tracks {
                    if t.state == TrackState::Failed {
                        t.state = TrackState::Pending;
                    }
                }
                job.recount();
                start = true;
            }
            start
        });
        if start {
            handle.stop_requested.store(false, Ordering::SeqCst);
            tokio::spawn(run(self.clone(), handle.clone()));
        }
        Ok(handle.current())
    }
}

/// Runs a job until it finishes, is stopped, or a write fails; saves it after every step.
async fn run(shared: Arc<Shared>, handle: Arc<Handle>) {
    let outcome = steps(&shared, &handle).await;
    let job = handle.update(|job| match outcome {
        Ok(Step::Finished) => job.status = JobStatus::Finished,
        Ok(Step::Stopped) => job.status = JobStatus::Stopped,
        Err(error) => {
            job.status = JobStatus::Failed;
            job.error = Some(error);
        }
    });
    if let Err(e) = store::save(&shared.dir, &job) {
        tracing::warn!("the transfer {} could not be saved: {e}", job.id);
        handle.update(|job| {
            job.status = JobStatus::Failed;
            job.error = Some(e);
        });
    }
    tracing::info!(
        "transfer {}: {:?}, {} added, {} skipped, {} failed, {} pending",
        job.id,
        job.status,
        job.outcome.added,
        job.outcome.skipped,
        job.outcome.failed,
        job.outcome.pending
    );
}

enum Step {
    Finished,
    Stopped,
}

async fn steps(shared: &Shared, handle: &Handle) -> Result<Step> {
    let job = handle.current();
    let target = shared.provider(job.target)?;
    let mut wrote = false;
    if job.destination == Destination::Playlist {
        match job.playlist_id.clone() {
            Some(id) => reconcile(shared, handle, target.as_ref(), &id).await?,
            None => {
                if let Some(id) = adopt(target.as_ref(), &job).await? {
                    save(shared, handle, |job| job.playlist_id = Some(id.clone()))?;
                    reconcile(shared, handle, target.as_ref(), &id).await?;
                } else {
                    let before = same_named(target.as_ref(), &job.name).await?;
                    save(shared, handle, |job| {
                        job.create_requested = true;
                        job.preexisting = before;
                    })?;
                    let created = match target.create_playlist(&job.name).await {
                        Ok(created) => created,
                        // The service answered no: nothing was created, so a resume creates it
                        // rather than adopting a playlist of the same name the person already
                        // had. (No answer at all may still have created it: that one stays.)
                        Err(e) if e.kind != ErrorKind::Network => {
                            save(shared, handle, |job| job.create_requested = false)?;
                            return Err(e);
                        }
                        Err(e) => return Err(e),
                    };
                    save(shared, handle, |job| job.playlist_id = Some(created.id))?;
                    wrote = true;
                }
            }
        }
    }
    loop {
        if handle.stop_requested.load(Ordering::SeqCst) {
            return Ok(Step::Stopped);
        }
        let job = handle.current();
        let size = match job.destination {
            Destination::Playlist => WRITE_BATCH,
            Destination::Likes => 1,
        };
        let batch: Vec<usize> = job
            .tracks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.state == TrackState::Pending)
            .map(|(i, _)| i)
            .take(size)
            .collect();
        if batch.is_empty() {
            return Ok(Step::Finished);
        }
        if wrote && pause(shared, handle).await {
            return Ok(Step::Stopped);
        }
        let ids: Vec<String> = batch
            .iter()
            .filter_map(|&i| job.tracks[i].target.as_ref().map(|t| t.id.clone()))
            .collect();
        let written = match (&job.destination, &job.playlist_id) {
            (Destination::Playlist, Some(playlist)) => target.add_to_playlist(playlist, &ids).await,
            (Destination::Likes, _) => target.like(&ids[0], true).await,
            (Destination::Playlist, None) => {
                Err(Error::bad_request("the target playlist was never created"))
            }
        };
        wrote = true;
        let state = if written.is_ok() {
            TrackState::Done
        } else {
            TrackState::Failed
        };
        save(shared, handle, |job| {
            for &i in &batch {
                job.tracks[i].state = state;
            }
        })?;
        written?;
    }
}

/// Waits the pace between writes; `true` when a stop came meanwhile.
async fn pause(shared: &Shared, handle: &Handle) -> bool {
    tokio::select! {
        () = tokio::time::sleep(shared.pace.between_writes) => {
            handle.stop_requested.load(Ordering::SeqCst)
        }
        () = handle.stopped.notified() => true,
    }
}

fn save(shared: &Shared, handle: &Handle, change: impl FnOnce(&mut Job)) -> Result<()> {
    let job = handle.update(change);
    store::save(&shared.dir, &job)
}

/// The account's own playlists named `name` (not the liked songs), as the service lists them.
async fn same_named(target: &dyn Provider, name: &str) -> Result<Vec<String>> {
    // Services name a playlist's creator by one id and the profile by another (QQ Music's
    // encrypted uin and musicid): either the id or the nickname says it is the account's.
    let me = target.profile().await?;
    Ok(target
        .user_playlists()
        .await?
        .into_iter()
        .filter(|p| {
            let mine = p.creator.id == me.user_id || p.creator.name == me.nickname;
            !p.liked && p.name == name && mine
        })
        .map(|p| p.id)
        .collect())
}

/// After an interrupted create: the account's playlist named like the job that was not there
/// before it, if there is one.
async fn adopt(target: &dyn Provider, job: &Job) -> Result<Option<String>> {
    if !job.create_requested {
        return Ok(None);
    }
    Ok(same_named(target, &job.name)
        .await?
        .into_iter()
        .find(|id| !job.preexisting.contains(id)))
}

/// Reads the target playlist back: pending tracks already in it are done.
async fn reconcile(
    shared: &Shared,
    handle: &Handle,
    target: &dyn Provider,
    playlist_id: &str,
) -> Result<()> {
    let there: HashSet<String> = target
        .playlist(playlist_id)
        .await?
        .tracks
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.id)
        .collect();
    save(shared, handle, |job| {
        for t in &mut job.tracks {
            let in_it = t.target.as_ref().is_some_and(|t| there.contains(&t.id));
            if t.state == TrackState::Pending && in_it {
                t.state = TrackState::Done;
            }
        }
    })
}
