//! Building a [`Preview`]: the source's tracks, each searched for on the target at the
//! transfer's pace and ranked by `duet_match`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use duet_core::library::PLAYLIST_NAME_MAX_CHARS;
use duet_core::{Error, ErrorKind, Provider, ProviderId, Result, Track};

use crate::job::Shared;
use crate::{Destination, Preview, PreviewItem, PreviewProgress, Source, MAX_CANDIDATES};

pub(crate) async fn build(
    shared: &Shared,
    source: Source,
    target: ProviderId,
    progress: &(dyn Fn(PreviewProgress) + Send + Sync),
    cancelled: &AtomicBool,
) -> Result<Preview> {
    let from = shared.provider(source.provider)?;
    let to = shared.provider(target)?;
    if source.provider == target {
        return Err(Error::bad_request(format!(
            "the source is already on {target}: move it to the other service"
        ))
        .with_provider(target));
    }
    for side in [&from, &to] {
        logged_in(side).await?;
    }
    let (source_name, tracks) = read_source(from.as_ref(), &source).await?;
    let total = tracks.len() as u32;
    progress(PreviewProgress { done: 0, total });
    let mut items = Vec::with_capacity(tracks.len());
    for (i, track) in tracks.into_iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(shared.pace.between_searches).await;
        }
        if cancelled.load(Ordering::SeqCst) {
            return Err(Error::declined("the preview was cancelled"));
        }
        let mut candidates = duet_match::find_on(to.as_ref(), &track).await?;
        candidates.truncate(MAX_CANDIDATES);
        items.push(PreviewItem {
            confidence: duet_match::confidence(&candidates),
            track,
            candidates,
        });
        progress(PreviewProgress {
            done: items.len() as u32,
            total,
        });
    }
    let destination = if source.is_liked() {
        Destination::Likes
    } else {
        Destination::Playlist
    };
    Ok(Preview {
        id: uuid::Uuid::new_v4().simple().to_string(),
        suggested_name: source_name.chars().take(PLAYLIST_NAME_MAX_CHARS).collect(),
        source,
        source_name,
        target,
        destination,
        items,
    })
}

async fn logged_in(provider: &Arc<dyn Provider>) -> Result<()> {
    if provider.has_session().await {
        return Ok(());
    }
    let id = provider.id();
    Err(Error::not_logged_in(format!(
        "log in to {id} first: moving a playlist reads and writes your account on both services"
    ))
    .with_provider(id))
}

/// The source's name and tracks: the playlist, or the account's liked-songs playlist.
async fn read_source(provider: &dyn Provider, source: &Source) -> Result<(String, Vec<Track>)> {
    let id = if source.is_liked() {
        provider
            .user_playlists()
            .await?
            .into_iter()
            .find(|p| p.liked)
            .map(|p| p.id)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("{} lists no liked songs for this account", provider.id()),
                )
                .with_provider(provider.id())
            })?
    } else {
        let id = source.playlist.trim();
        if id.is_empty() {
            return Err(Error::bad_request("name the playlist to move, or liked"));
        }
        id.to_owned()
    };
    let playlist = provider.playlist(&id).await?;
    Ok((playlist.name, playlist.tracks.unwrap_or_default()))
}
