//! Music offline for the app: the audio cache the player plays from (`duet-cache`), playlists
//! and albums kept for offline listening, downloads as tagged files (`duet-download`), and
//! offline mode, all following the `storage` preferences.
//!
//! Kept collections are listed in `offline.json` in the app's data directory (which tracks each
//! keeps); their tracks are pinned in the cache under the collection's tag
//! (`netease:playlist:123`). Keeping and downloading a collection run as background jobs, one
//! track at a time with a pause between service requests; the UI reads their progress from
//! [`Offline::status`]. A job stops at the first sign the service minds (risk control, rate
//! limit, a lost session) rather than walking on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_cache::AudioCache;
use duet_core::{Error, ErrorKind, Provider, ProviderId, Result, Track};
use duet_download::{DownloadJob, Downloader, FileNamePattern, NameContext};
use duet_player::Player;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::prefs::{write_atomically, Prefs, StoragePrefs};

/// The cache's folder in the app's cache directory.
pub const CACHE_DIR: &str = "audio";
/// The kept collections, in the app's data directory.
pub const KEPT_FILE: &str = "offline.json";
/// The pause after each track a job fetched from a service.
pub const FETCH_PACE: Duration = Duration::from_millis(1500);
/// The largest cap the settings accept: 1 TiB.
pub const MAX_CACHE_CAP_MB: u32 = 1 << 20;
/// The download folder's name inside the system's music folder, when none is chosen.
pub const DEFAULT_DOWNLOAD_SUBDIR: &str = "Duet";

const MIB: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CollectionKind {
    Playlist,
    Album,
}

/// A playlist or album of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CollectionRef {
    pub provider: ProviderId,
    pub kind: CollectionKind,
    pub id: String,
}

impl CollectionRef {
    /// The cache's pin for the collection's tracks.
    pub fn tag(&self) -> String {
        let kind = match self.kind {
            CollectionKind::Playlist => "playlist",
            CollectionKind::Album => "album",
        };
        format!("{}:{kind}:{}", self.provider.as_str(), self.id)
    }
}

/// A collection with its tracks, as its service answered.
#[derive(Debug, Clone)]
pub struct CollectionTracks {
    pub collection: CollectionRef,
    pub name: String,
    pub cover_url: Option<String>,
    pub tracks: Vec<Track>,
    /// An album's artist (for the tags and names of its downloads).
    pub album_artist: Option<String>,
}

/// A kept collection as `offline.json` holds it: with its tracks, so its page opens without
/// the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct KeptCopy {
    pub collection: CollectionRef,
    pub name: String,
    #[serde(default)]
    pub cover_url: Option<String>,
    pub tracks: Vec<Track>,
}

/// A kept collection, and how much of it is on this computer.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct KeptCollection {
    pub collection: CollectionRef,
    pub name: String,
    pub total: u32,
    /// Its tracks that can play offline.
    pub kept: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Fetching a collection's tracks into the cache.
    Keep,
    /// Saving a collection's tracks as files in the download folder.
    Download,
}

/// A background job's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct OfflineJob {
    pub kind: JobKind,
    pub collection: CollectionRef,
    pub name: String,
    pub total: u32,
    pub done: u32,
    pub failed: u32,
    pub running: bool,
    /// Why the last track failed, or why the job stopped.
    pub last_error: Option<Error>,
}

/// What the Storage settings and the offline buttons show.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct StorageStatus {
    /// Played tracks in the cache (not counting kept ones), against the cap.
    pub cache_bytes: u64,
    pub cache_tracks: u32,
    pub cap_bytes: u64,
    /// Tracks kept for offline listening.
    pub kept_bytes: u64,
    pub kept_tracks: u32,
    pub cache_dir: String,
    /// Where downloads go (the chosen folder, else the default); `None` when there is neither.
    pub download_dir: Option<String>,
    pub offline_mode: bool,
    pub kept: Vec<KeptCollection>,
    pub jobs: Vec<OfflineJob>,
}

/// A track that can play offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct TrackKey {
    pub provider: ProviderId,
    pub id: String,
}

struct Job {
    status: OfflineJob,
    cancel: Arc<AtomicBool>,
}

struct Inner {
    cache: Arc<AudioCache>,
    kept_path: PathBuf,
    kept: Mutex<BTreeMap<String, KeptCopy>>,
    jobs: Mutex<BTreeMap<(String, u8), Job>>,
    default_download_dir: Option<PathBuf>,
    http: reqwest::Client,
    offline_mode: AtomicBool,
    /// The pause after each track a job fetched ([`FETCH_PACE`] in the app).
    fetch_pace: Duration,
}

/// The app's offline state; cheap to clone.
#[derive(Clone)]
pub struct Offline(Arc<Inner>);

/// Checks the storage preferences: a cap in range, a pattern that parses, an absolute folder.
pub fn validate(storage: &StoragePrefs) -> Result<()> {
    if storage.cache_cap_mb > MAX_CACHE_CAP_MB {
        return Err(Error::bad_request(format!(
            "the cache can be at most {MAX_CACHE_CAP_MB} MB"
        )));
    }
    FileNamePattern::parse(&storage.file_name_pattern)?;
    if let Some(dir) = &storage.download_dir {
        if !Path::new(dir).is_absolute() {
            return Err(Error::bad_request(format!(
                "the download folder {dir:?} is not a full path"
            )));
        }
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Offline {
    /// Opens the cache in `cache_root/audio` (or, if that folder cannot be used, one in the
    /// system's temporary folder that keeps nothing, so the app still starts) and the list of
    /// kept collections in `data_dir`. Jobs pause `fetch_pace` after each track they fetched.
    /// Fails (`storage`) only when neither folder can be used.
    pub fn open(
        cache_root: &Path,
        data_dir: &Path,
        default_download_dir: Option<PathBuf>,
        storage: &StoragePrefs,
        fetch_pace: Duration,
    ) -> Result<Self> {
        let cap = u64::from(storage.cache_cap_mb) * MIB;
        let cache = match AudioCache::open(cache_root.join(CACHE_DIR), cap) {
            Ok(cache) => cache,
            Err(e) => {
                tracing::warn!("the audio cache cannot be used, so nothing is cached: {e}");
                AudioCache::open(std::env::temp_dir().join("duet-audio"), 0)?
            }
        };
        let kept_path = data_dir.join(KEPT_FILE);
        let kept: Vec<KeptCopy> = match std::fs::read(&kept_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(
                    "{} cannot be read ({e}); no collection is kept",
                    kept_path.display()
                );
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        let kept: BTreeMap<String, KeptCopy> =
            kept.into_iter().map(|k| (k.collection.tag(), k)).collect();
        // A pin whose collection is no longer kept (a fetch that landed after an unkeep, a
        // list lost with its file) would hold its tracks forever: let them go.
        for tag in cache.pin_tags() {
            if !kept.contains_key(&tag) {
                if let Err(e) = cache.unpin(&tag) {
                    tracing::warn!("cannot release the tracks of a collection no longer kept: {e}");
                }
            }
        }
        Ok(Self(Arc::new(Inner {
            cache,
            kept_path,
            kept: Mutex::new(kept),
            jobs: Mutex::new(BTreeMap::new()),
            default_download_dir,
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            offline_mode: AtomicBool::new(storage.offline_mode),
            fetch_pace,
        })))
    }

    pub fn cache(&self) -> Arc<AudioCache> {
        self.0.cache.clone()
    }

    /// Hands the cache to `player` and applies the storage preferences now and on every change.
    pub fn follow(&self, player: Player, mut prefs: tokio::sync::watch::Receiver<Prefs>) {
        player.set_cache(Some(self.cache()));
        let storage = prefs.borrow_and_update().storage.clone();
        self.apply(&player, &storage);
        let offline = self.clone();
        tauri::async_runtime::spawn(async move {
            while prefs.changed().await.is_ok() {
                let storage = prefs.borrow_and_update().storage.clone();
                offline.apply(&player, &storage);
            }
        });
    }

    /// Sets the cap and offline mode from `storage`.
    pub fn apply(&self, player: &Player, storage: &StoragePrefs) {
        let cap = u64::from(storage.cache_cap_mb.min(MAX_CACHE_CAP_MB)) * MIB;
        if let Err(e) = self.0.cache.set_cap(cap) {
            tracing::warn!("the cache's cap: {e}");
        }
        self.0
            .offline_mode
            .store(storage.offline_mode, Ordering::SeqCst);
        player.set_offline(storage.offline_mode);
    }

    pub fn download_dir(&self, storage: &StoragePrefs) -> Option<PathBuf> {
        storage
            .download_dir
            .as_ref()
            .map(PathBuf::from)
            .or_else(|| self.0.default_download_dir.clone())
    }

    pub fn status(&self, storage: &StoragePrefs) -> StorageStatus {
        let usage = self.0.cache.usage();
        let kept = lock(&self.0.kept)
            .values()
            .map(|k| {
                let pinned = self.0.cache.pinned(&k.collection.tag());
                KeptCollection {
                    collection: k.collection.clone(),
                    name: k.name.clone(),
                    total: k.tracks.len() as u32,
                    kept: k
                        .tracks
                        .iter()
                        .filter(|t| pinned.contains(&(t.provider, t.id.clone())))
                        .count() as u32,
                }
            })
            .collect();
        let jobs = lock(&self.0.jobs)
            .values()
            .map(|j| j.status.clone())
            .collect();
        StorageStatus {
            cache_bytes: usage.bytes - usage.pinned_bytes,
            cache_tracks: (usage.tracks - usage.pinned_tracks) as u32,
            cap_bytes: usage.cap_bytes,
            kept_bytes: usage.pinned_bytes,
            kept_tracks: usage.pinned_tracks as u32,
            cache_dir: self.0.cache.dir().display().to_string(),
            download_dir: self.download_dir(storage).map(|d| d.display().to_string()),
            offline_mode: self.0.offline_mode.load(Ordering::SeqCst),
            kept,
            jobs,
        }
    }

    /// Every track that can play offline.
    pub fn playable_offline(&self) -> Vec<TrackKey> {
        self.0
            .cache
            .tracks()
            .into_iter()
            .map(|(provider, id)| TrackKey { provider, id })
            .collect()
    }

    /// Deletes the played tracks from the cache (kept ones stay).
    pub fn clear_cache(&self) -> Result<()> {
        Ok(self.0.cache.clear()?)
    }

    fn save_kept(&self) -> Result<()> {
        let kept: Vec<KeptCopy> = lock(&self.0.kept).values().cloned().collect();
        write_atomically(&self.0.kept_path, &kept)
    }

    /// Keeps `tracks` of `collection` offline: pins those already cached and fetches the rest
    /// in the background. Keeping it again fetches what is still missing.
    pub fn keep(
        &self,
        provider: Arc<dyn Provider>,
        of: CollectionTracks,
        quality: duet_core::Quality,
    ) -> Result<()> {
        let CollectionTracks {
            collection,
            name,
            cover_url,
            tracks,
            ..
        } = of;
        let tag = collection.tag();
        lock(&self.0.kept).insert(
            tag.clone(),
            KeptCopy {
                collection: collection.clone(),
                name: name.clone(),
                cover_url,
                tracks: tracks.clone(),
            },
        );
        self.save_kept()?;
        let cache = self.0.cache.clone();
        let http = self.0.http.clone();
        let offline = self.clone();
        self.run_job(JobKind::Keep, collection, name, tracks, move |track, _| {
            let (cache, http, provider, tag) =
                (cache.clone(), http.clone(), provider.clone(), tag.clone());
            let offline_mode = offline.0.offline_mode.load(Ordering::SeqCst);
            let offline = offline.clone();
            async move {
                let fetched = if cache.pin(track.provider, &track.id, &tag)? {
                    false
                } else if offline_mode {
                    return Err(Error::network(duet_player::OFFLINE_NOT_CACHED));
                } else {
                    playable(&track)?;
                    let url = provider.stream_url(&track.id, quality).await?;
                    duet_download::fetch_to_cache(&http, &cache, &track, &url, &tag).await?;
                    true
                };
                // Un-kept while this track was on its way: it is not kept either.
                if !lock(&offline.0.kept).contains_key(&tag) {
                    cache.unpin(&tag)?;
                }
                Ok(fetched)
            }
        });
        Ok(())
    }

    /// The copy kept with a kept collection (its page, without the service).
    pub fn kept_copy(&self, collection: &CollectionRef) -> Result<KeptCopy> {
        lock(&self.0.kept)
            .get(&collection.tag())
            .cloned()
            .ok_or_else(|| Error::not_found("this playlist or album is not kept offline"))
    }

    /// Stops keeping `collection`: its job stops, its tracks go back under the cap.
    pub fn unkeep(&self, collection: &CollectionRef) -> Result<()> {
        let tag = collection.tag();
        if let Some(job) = lock(&self.0.jobs).remove(&(tag.clone(), JobKind::Keep as u8)) {
            job.cancel.store(true, Ordering::SeqCst);
        }
        lock(&self.0.kept).remove(&tag);
        self.save_kept()?;
        Ok(self.0.cache.unpin(&tag)?)
    }

    /// Saves `tracks` of `collection` as files with `downloader`, in the background.
    pub fn download_all(
        &self,
        provider: Arc<dyn Provider>,
        downloader: Downloader,
        of: CollectionTracks,
        quality: duet_core::Quality,
    ) {
        let CollectionTracks {
            collection,
            name,
            tracks,
            album_artist,
            ..
        } = of;
        let is_album = collection.kind == CollectionKind::Album;
        let offline = self.clone();
        self.run_job(
            JobKind::Download,
            collection,
            name,
            tracks,
            move |track, index| {
                let (provider, downloader) = (provider.clone(), downloader.clone());
                let album_artist = album_artist.clone();
                let offline_mode = offline.0.offline_mode.load(Ordering::SeqCst);
                async move {
                    let cached = downloader
                        .cache
                        .as_ref()
                        .is_some_and(|c| c.contains(track.provider, &track.id));
                    if offline_mode && !cached {
                        return Err(Error::network(duet_player::OFFLINE_NOT_CACHED));
                    }
                    if !cached {
                        playable(&track)?;
                    }
                    let job = DownloadJob {
                        track,
                        context: NameContext {
                            track_no: is_album.then_some(index as u32 + 1),
                            album_artist,
                        },
                        quality,
                    };
                    let done = downloader.download(provider.as_ref(), &job).await?;
                    Ok(!done.from_cache)
                }
            },
        );
    }

    /// Runs `step` over `tracks` one at a time in the background, pausing the fetch pace after
    /// each that asked the service (`step` answers whether it did). A job of the same kind for
    /// the same collection is replaced.
    fn run_job<F, Fut>(
        &self,
        kind: JobKind,
        collection: CollectionRef,
        name: String,
        tracks: Vec<Track>,
        step: F,
    ) where
        F: Fn(Track, usize) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<bool>> + Send,
    {
        let key = (collection.tag(), kind as u8);
        let cancel = Arc::new(AtomicBool::new(false));
        let job = Job {
            status: OfflineJob {
                kind,
                collection,
                name,
                total: tracks.len() as u32,
                done: 0,
                failed: 0,
                running: true,
                last_error: None,
            },
            cancel: cancel.clone(),
        };
        if let Some(old) = lock(&self.0.jobs).insert(key.clone(), job) {
            old.cancel.store(true, Ordering::SeqCst);
        }
        let offline = self.clone();
        let pace = self.0.fetch_pace;
        tauri::async_runtime::spawn(async move {
            let update = |f: &dyn Fn(&mut OfflineJob)| {
                if let Some(job) = lock(&offline.0.jobs).get_mut(&key) {
                    if Arc::ptr_eq(&job.cancel, &cancel) {
                        f(&mut job.status);
                    }
                }
            };
            for (index, track) in tracks.into_iter().enumerate() {
                if cancel.load(Ordering::SeqCst) {
                    return;
                }
                match step(track, index).await {
                    Ok(asked) => {
                        update(&|s| s.done += 1);
                        if asked {
                            tokio::time::sleep(pace).await;
                        }
                    }
                    Err(error) => {
                        let stop = stops_a_job(error.kind);
                        update(&|s| {
                            s.failed += 1;
                            s.last_error = Some(error.clone());
                        });
                        if stop {
                            tracing::warn!("an offline job stopped: {}", error.message);
                            break;
                        }
                        if error.kind != ErrorKind::Unavailable
                            && error.message != duet_player::OFFLINE_NOT_CACHED
                        {
                            tokio::time::sleep(pace).await;
                        }
                    }
                }
            }
            update(&|s| s.running = false);
        });
    }
}

/// Errors after which a job does not go on to the next track: the service minds, or the
/// session is gone, or the disk is.
fn stops_a_job(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::RiskControl
            | ErrorKind::VerificationRequired
            | ErrorKind::RateLimited
            | ErrorKind::SessionExpired
            | ErrorKind::NotLoggedIn
            | ErrorKind::Storage
    )
}

/// A grey track is not asked for.
fn playable(track: &Track) -> Result<()> {
    if track.playable {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Unavailable,
        track
            .unavailable_reason
            .clone()
            .unwrap_or_else(|| "this track is not available".into()),
    )
    .with_provider(track.provider))
}

/// A downloader for the storage preferences.
pub fn downloader(offline: &Offline, storage: &StoragePrefs) -> Result<Downloader> {
    let folder = offline.download_dir(storage).ok_or_else(|| {
        Error::new(
            ErrorKind::Storage,
            "choose a download folder in Settings → Storage (this system names no music folder)",
        )
    })?;
    Ok(Downloader {
        folder,
        pattern: FileNamePattern::parse(&storage.file_name_pattern)?,
        http: offline.0.http.clone(),
        cache: Some(offline.cache()),
    })
}

/// Opens the offline state in the app's folders and hands the cache to the player.
pub fn start<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    duet: &crate::state::Duet,
) -> std::result::Result<Offline, Box<dyn std::error::Error>> {
    use tauri::Manager;
    let prefs = app.state::<crate::prefs::PrefsStore>();
    let music = app
        .path()
        .audio_dir()
        .ok()
        .map(|dir| dir.join(DEFAULT_DOWNLOAD_SUBDIR));
    let offline = Offline::open(
        &app.path().app_cache_dir()?,
        &app.path().app_data_dir()?,
        music,
        &prefs.get().storage,
        FETCH_PACE,
    )?;
    offline.attach(duet, &prefs);
    Ok(offline)
}

impl Offline {
    /// Hands the cache to Duet's player and follows the storage preferences of `prefs`.
    pub fn attach(&self, duet: &crate::state::Duet, prefs: &crate::prefs::PrefsStore) {
        self.follow(duet.player.player().clone(), prefs.watch());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn put(cache: &Arc<AudioCache>, id: &str, pin: Option<&str>) {
        let key = duet_cache::CacheKey::new(ProviderId::Netease, id, duet_core::Quality::High);
        let mut writer = cache.writer(key, "mp3").unwrap();
        if let Some(tag) = pin {
            writer.pin(tag);
        }
        writer.write_all(&[1u8; 100]).unwrap();
        writer.commit(Some(100)).unwrap();
    }

    fn track(id: &str) -> Track {
        Track {
            provider: ProviderId::Netease,
            id: id.into(),
            title: format!("Track {id}"),
            artists: Vec::new(),
            album: duet_core::AlbumRef {
                id: "1".into(),
                name: "Album".into(),
                cover_url: None,
            },
            duration_ms: 1000,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        }
    }

    #[test]
    fn pins_of_collections_no_longer_kept_are_released_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let kept = CollectionRef {
            provider: ProviderId::Netease,
            kind: CollectionKind::Album,
            id: "1".into(),
        };
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(
            dir.path().join("data").join(KEPT_FILE),
            serde_json::to_vec(&[KeptCopy {
                collection: kept.clone(),
                name: "kept".into(),
                cover_url: None,
                tracks: vec![track("a")],
            }])
            .unwrap(),
        )
        .unwrap();
        {
            let cache = AudioCache::open(dir.path().join("cache").join(CACHE_DIR), 0).unwrap();
            put(&cache, "a", Some(&kept.tag()));
            put(&cache, "b", Some("netease:playlist:gone"));
        }
        let offline = Offline::open(
            &dir.path().join("cache"),
            &dir.path().join("data"),
            None,
            &StoragePrefs {
                cache_cap_mb: 0,
                ..StoragePrefs::default()
            },
            FETCH_PACE,
        )
        .unwrap();
        let cache = offline.cache();
        assert_eq!(
            cache.pin_tags().into_iter().collect::<Vec<_>>(),
            [kept.tag()]
        );
        assert!(cache.contains(ProviderId::Netease, "a"));
        assert!(
            !cache.contains(ProviderId::Netease, "b"),
            "released and over the cap of 0"
        );
        let status = offline.status(&StoragePrefs::default());
        assert_eq!(status.kept.len(), 1);
        assert_eq!((status.kept[0].kept, status.kept[0].total), (1, 1));
        assert_eq!(status.download_dir, None);
        // Its page opens from the copy kept with it.
        let copy = offline.kept_copy(&kept).unwrap();
        assert_eq!(copy.tracks, [track("a")]);
        let gone = CollectionRef {
            id: "2".into(),
            ..kept
        };
        assert_eq!(
            offline.kept_copy(&gone).unwrap_err().kind,
            ErrorKind::NotFound
        );
    }

    #[test]
    fn storage_preferences_are_checked() {
        let good = StoragePrefs::default();
        assert!(validate(&good).is_ok());
        for bad in [
            StoragePrefs {
                cache_cap_mb: MAX_CACHE_CAP_MB + 1,
                ..good.clone()
            },
            StoragePrefs {
                file_name_pattern: "{nope}".into(),
                ..good.clone()
            },
            StoragePrefs {
                download_dir: Some("music".into()),
                ..good.clone()
            },
        ] {
            assert_eq!(validate(&bad).unwrap_err().kind, ErrorKind::BadRequest);
        }
    }
}
