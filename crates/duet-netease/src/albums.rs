//! Album and artist pages (`docs/netease-wire.md`, "Albums and artists"): the calls and how their
//! answers become Duet's model. Songs come with their privileges inline, so the grey and VIP
//! marks are the same as a playlist's.

use duet_core::{Album, ArtistAlbums, ArtistPage, Error, ProviderId, Result};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::client::Client;
use crate::endpoints;
use crate::errors::netease;
use crate::parse::{self, from_value, missing, non_empty, RawAlbum, RawArtist};

/// How many similar artists a page shows.
const SIMILAR_SHOWN: usize = 12;

/// `/api/v1/album/<id>`: the album and all of its songs.
pub async fn album(client: &Client, id: &str) -> Result<Album> {
    let body = client
        .call(&endpoints::ALBUM.with_suffix(id), json!({}))
        .await?;
    parse_album(&body, id)
}

/// `/api/v1/artist/<id>`, then (with a login, which the service asks for it) the similar
/// artists. A failed similar-artists call leaves that list empty: the page stands without it.
pub async fn artist(client: &Client, id: &str, logged_in: bool) -> Result<ArtistPage> {
    let body = client
        .call(&endpoints::ARTIST.with_suffix(id), json!({}))
        .await?;
    let mut page = parse_artist(&body, id)?;
    if logged_in {
        match client
            .call(&endpoints::SIMILAR_ARTISTS, json!({ "artistid": id }))
            .await
        {
            Ok(body) => page.similar = parse_similar(&body)?,
            Err(e) => tracing::warn!(kind = ?e.kind, "NetEase gave no similar artists: {e}"),
        }
    }
    Ok(page)
}

/// `/api/artist/albums/<id>`, one page.
pub async fn artist_albums(client: &Client, id: &str, page: u32) -> Result<ArtistAlbums> {
    ArtistAlbums::check_page(page).map_err(netease)?;
    let body = client
        .call(
            &endpoints::ARTIST_ALBUMS.with_suffix(id),
            json!({
                "limit": ArtistAlbums::PAGE_SIZE,
                "offset": ArtistAlbums::offset(page),
                "total": true,
            }),
        )
        .await?;
    parse_artist_albums(&body, id, page)
}

fn no_such(what: &str, id: &str) -> Error {
    netease(Error::not_found(format!("NetEase has no {what} {id}")))
}

#[derive(Debug, Deserialize)]
struct RawAlbumPage {
    #[serde(flatten)]
    album: RawAlbum,
    description: Option<String>,
    #[serde(rename = "briefDesc")]
    brief_desc: Option<String>,
}

pub fn parse_album(body: &Value, id: &str) -> Result<Album> {
    let raw = match body.get("album") {
        None => return Err(missing("album", "album")),
        Some(Value::Null) => return Err(no_such("album", id)),
        Some(raw) => raw,
    };
    let raw: RawAlbumPage = from_value(raw, "album")?;
    let tracks = match body.get("songs") {
        Some(songs) if !songs.is_null() => parse::tracks_with_privileges(songs, None)?,
        _ => return Err(missing("album", "songs")),
    };
    let mut album = parse::album(raw.album);
    album.description = non_empty(raw.description).or(non_empty(raw.brief_desc));
    album.track_count = Some(album.track_count.unwrap_or(0).max(tracks.len() as u64));
    album.tracks = Some(tracks);
    Ok(album)
}

#[derive(Debug, Deserialize)]
struct RawArtistPage {
    #[serde(flatten)]
    artist: RawArtist,
    #[serde(rename = "briefDesc")]
    brief_desc: Option<String>,
}

pub fn parse_artist(body: &Value, id: &str) -> Result<ArtistPage> {
    let raw = match body.get("artist") {
        None => return Err(missing("artist", "artist")),
        Some(Value::Null) => return Err(no_such("artist", id)),
        Some(raw) => raw,
    };
    let raw: RawArtistPage = from_value(raw, "artist")?;
    let top_tracks = match body.get("hotSongs") {
        Some(songs) if !songs.is_null() => parse::tracks_with_privileges(songs, None)?,
        _ => Vec::new(),
    };
    let artist = parse::artist(raw.artist);
    Ok(ArtistPage {
        provider: ProviderId::Netease,
        id: artist.id,
        name: artist.name,
        picture_url: artist.picture_url,
        description: non_empty(raw.brief_desc),
        album_count: artist.album_count,
        top_tracks,
        similar: Vec::new(),
    })
}

pub fn parse_similar(body: &Value) -> Result<Vec<duet_core::Artist>> {
    let raw: Vec<RawArtist> = match body.get("artists") {
        Some(list) if !list.is_null() => from_value(list, "similar artist list")?,
        Some(_) => Vec::new(),
        None => return Err(missing("similar artists", "artists")),
    };
    Ok(raw
        .into_iter()
        .take(SIMILAR_SHOWN)
        .map(parse::artist)
        .collect())
}

pub fn parse_artist_albums(body: &Value, id: &str, page: u32) -> Result<ArtistAlbums> {
    let albums: Vec<RawAlbum> = match body.get("hotAlbums") {
        Some(list) if !list.is_null() => from_value(list, "album list")?,
        _ => return Err(missing("artist albums", "hotAlbums")),
    };
    let albums: Vec<Album> = albums.into_iter().map(parse::album).collect();
    let more = body.get("more").and_then(Value::as_bool).unwrap_or(false);
    let seen = ArtistAlbums::offset(page) + albums.len() as u64;
    // The count is the artist's `albumSize`; the page's `more` wins when they disagree.
    let total = body["artist"]["albumSize"]
        .as_u64()
        .unwrap_or(seen)
        .max(seen);
    Ok(ArtistAlbums {
        provider: ProviderId::Netease,
        artist_id: id.to_owned(),
        page,
        page_size: ArtistAlbums::PAGE_SIZE,
        total,
        has_more: more && !albums.is_empty(),
        albums,
    })
}
