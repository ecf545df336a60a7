//! Music offline (`crate::offline`): the Storage settings' figures, clearing the cache, keeping
//! a playlist or album offline, downloads, and which tracks play offline.

use duet_core::{Error, Result, Track};
use tauri::State;

use crate::offline::{
    downloader, CollectionKind, CollectionRef, CollectionTracks, KeptCopy, Offline, StorageStatus,
    TrackKey,
};
use crate::playback::PLAY_QUALITY;
use crate::prefs::PrefsStore;
use crate::state::Duet;

#[tauri::command]
#[specta::specta]
pub fn storage_status(offline: State<'_, Offline>, prefs: State<'_, PrefsStore>) -> StorageStatus {
    offline.status(&prefs.get().storage)
}

/// Deletes the played tracks from the cache; kept playlists and albums stay.
#[tauri::command]
#[specta::specta]
pub fn cache_clear(
    offline: State<'_, Offline>,
    prefs: State<'_, PrefsStore>,
) -> Result<StorageStatus> {
    offline.clear_cache()?;
    Ok(offline.status(&prefs.get().storage))
}

/// Every track that can play without the services (cached or kept).
#[tauri::command]
#[specta::specta]
pub fn offline_tracks(offline: State<'_, Offline>) -> Vec<TrackKey> {
    offline.playable_offline()
}

/// The collection's name, tracks and album artist, from its service.
async fn collection_tracks(duet: &Duet, collection: CollectionRef) -> Result<CollectionTracks> {
    let provider = duet.provider(collection.provider)?;
    Ok(match collection.kind {
        CollectionKind::Playlist => {
            let result = provider.playlist(&collection.id).await;
            let playlist = duet.watch(collection.provider, result)?;
            CollectionTracks {
                collection,
                name: playlist.name,
                cover_url: playlist.cover_url,
                tracks: playlist.tracks.unwrap_or_default(),
                album_artist: None,
            }
        }
        CollectionKind::Album => {
            let result = provider.album(&collection.id).await;
            let album = duet.watch(collection.provider, result)?;
            CollectionTracks {
                collection,
                name: album.name,
                cover_url: album.cover_url,
                tracks: album.tracks.unwrap_or_default(),
                album_artist: album.artists.first().map(|a| a.name.clone()),
            }
        }
    })
}

/// Keeps a playlist or album for offline listening: its tracks are fetched into the cache in
/// the background, at a calm pace, and never evicted. Again: fetches what is still missing.
#[tauri::command]
#[specta::specta]
pub async fn offline_keep(
    duet: State<'_, Duet>,
    offline: State<'_, Offline>,
    prefs: State<'_, PrefsStore>,
    collection: CollectionRef,
) -> Result<StorageStatus> {
    let provider = duet.provider(collection.provider)?;
    let of = collection_tracks(&duet, collection).await?;
    offline.keep(provider, of, PLAY_QUALITY)?;
    Ok(offline.status(&prefs.get().storage))
}

/// A kept playlist or album as it was kept (name, cover, tracks): its page without the service.
/// One that is not kept is `not_found`.
#[tauri::command]
#[specta::specta]
pub fn offline_collection(
    offline: State<'_, Offline>,
    collection: CollectionRef,
) -> Result<KeptCopy> {
    offline.kept_copy(&collection)
}

/// Stops keeping a playlist or album: its tracks go back to being ordinary cache entries.
#[tauri::command]
#[specta::specta]
pub fn offline_unkeep(
    offline: State<'_, Offline>,
    prefs: State<'_, PrefsStore>,
    collection: CollectionRef,
) -> Result<StorageStatus> {
    offline.unkeep(&collection)?;
    Ok(offline.status(&prefs.get().storage))
}

/// Saves one track as a tagged file in the download folder; answers the file's path.
#[tauri::command]
#[specta::specta]
pub async fn download_track(
    duet: State<'_, Duet>,
    offline: State<'_, Offline>,
    prefs: State<'_, PrefsStore>,
    track: Track,
    track_no: Option<u32>,
) -> Result<String> {
    let storage = prefs.get().storage;
    let provider = duet.provider(track.provider)?;
    let cached = offline.cache().contains(track.provider, &track.id);
    if storage.offline_mode && !cached {
        return Err(Error::network(duet_player::OFFLINE_NOT_CACHED));
    }
    let job = duet_download::DownloadJob {
        track,
        context: duet_download::NameContext {
            track_no,
            album_artist: None,
        },
        quality: PLAY_QUALITY,
    };
    let done = downloader(&offline, &storage)?
        .download(provider.as_ref(), &job)
        .await?;
    Ok(done.path.display().to_string())
}

/// Saves every track of a playlist or album as files, in the background, at a calm pace.
#[tauri::command]
#[specta::specta]
pub async fn download_collection(
    duet: State<'_, Duet>,
    offline: State<'_, Offline>,
    prefs: State<'_, PrefsStore>,
    collection: CollectionRef,
) -> Result<StorageStatus> {
    let storage = prefs.get().storage;
    let downloader = downloader(&offline, &storage)?;
    let provider = duet.provider(collection.provider)?;
    let of = collection_tracks(&duet, collection).await?;
    offline.download_all(provider, downloader, of, PLAY_QUALITY);
    Ok(offline.status(&storage))
}
