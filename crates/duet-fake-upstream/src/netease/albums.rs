//! Albums and artists (`docs/netease-wire.md`, "Albums and artists"): `/api/v1/album/<id>`,
//! `/api/v1/artist/<id>`, `/api/artist/albums/<id>` and `/api/discovery/simiArtist`, synthesised
//! for any id from the captured search items, so every album and artist a track names has a
//! page. Special ids show what a demanding page needs: a hostile album and artist, an album of
//! 2,000 tracks, an artist of 300 albums, and ids the service does not know.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::twins;

use super::catalog::{self, set, GENERATED_TRACK_BASE, HOSTILE_NAME, HOSTILE_TRACK_BASE};
use super::fixtures;

/// An album with a hostile name, description and artist; tracks `666000001..=666000066`.
pub const HOSTILE_ALBUM_ID: u64 = 6_660_000_001;
/// An album of 2,000 tracks (`700000001..=700002000`, the generated playlists' tracks).
pub const LONG_ALBUM_ID: u64 = 6_660_002_000;
pub const LONG_ALBUM_TRACKS: u64 = 2_000;
/// An artist of 300 albums (the generated playlists' tracks are theirs).
pub const PROLIFIC_ARTIST_ID: u64 = 6_660_000_300;
pub const PROLIFIC_ARTIST_ALBUMS: u64 = 300;
/// An artist with a hostile name and description.
pub const HOSTILE_ARTIST_ID: u64 = 6_660_000_666;
/// Album and artist ids the service does not know.
pub const MISSING_IDS: RangeInclusive<u64> = 9_404_000_000..=9_404_999_999;
/// Album ids of an artist's generated albums: `ARTIST_ALBUM_BASE + artist * 1000 + n`.
const ARTIST_ALBUM_BASE: u64 = 1_000_000_000_000_000;
/// Hot songs an artist page lists (the service's 50).
const HOT_SONGS: u64 = 50;
const HOSTILE_ALBUM_TRACKS: u64 = 66;
const HOSTILE_DESCRIPTION: &str = "<b>bold</b></textarea><script>alert('album')</script>\n\
     javascript:alert(1) ${7*7} {{7*7}} \u{202e}evil\u{202c} \u{0}";

fn album_template() -> Value {
    fixtures::get().get("search_type10_albums.json")["result"]["albums"][0].clone()
}

fn artist_template() -> Value {
    fixtures::get().get("search_type100_artists.json")["result"]["artists"][0].clone()
}

/// Names of the albums and artists the captured songs name, so their pages agree with them.
fn captured_names() -> &'static (HashMap<u64, String>, HashMap<u64, String>) {
    static N: OnceLock<(HashMap<u64, String>, HashMap<u64, String>)> = OnceLock::new();
    N.get_or_init(|| {
        let f = fixtures::get();
        let (mut albums, mut artists) = (HashMap::new(), HashMap::new());
        let songs = [
            &f.get("song_detail.json")["songs"],
            &f.get("playlist_detail.json")["playlist"]["tracks"],
            &f.get("playlist_detail.liked.json")["playlist"]["tracks"],
            &f.get("cloudsearch_type1_songs.json")["result"]["songs"],
            &f.get("recommend_songs.json")["data"]["dailySongs"],
        ];
        for s in songs
            .iter()
            .flat_map(|l| l.as_array().into_iter().flatten())
        {
            if let (Some(id), Some(name)) = (s["al"]["id"].as_u64(), s["al"]["name"].as_str()) {
                albums.entry(id).or_insert_with(|| name.to_owned());
            }
            for a in s["ar"].as_array().into_iter().flatten() {
                if let (Some(id), Some(name)) = (a["id"].as_u64(), a["name"].as_str()) {
                    artists.entry(id).or_insert_with(|| name.to_owned());
                }
            }
        }
        (albums, artists)
    })
}

fn artist_name(id: u64) -> String {
    if let Some(name) = twins::artist_named(twins::Service::Netease, &id.to_string()) {
        return name.to_owned();
    }
    match id {
        HOSTILE_ARTIST_ID => HOSTILE_NAME.to_owned(),
        PROLIFIC_ARTIST_ID => "Duet 多产乐队 (300 albums)".to_owned(),
        _ => captured_names()
            .1
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Artist {id}")),
    }
}

/// Who made album `id`.
fn album_artist(id: u64) -> u64 {
    if let Some((_, tracks)) = twins::netease_album(id) {
        return tracks[0]
            .artists
            .first()
            .map_or(0, |a| twins::netease_artist_id(a));
    }
    match id {
        HOSTILE_ALBUM_ID => HOSTILE_ARTIST_ID,
        LONG_ALBUM_ID => PROLIFIC_ARTIST_ID,
        id if id > ARTIST_ALBUM_BASE => (id - ARTIST_ALBUM_BASE) / 1000,
        _ => album_template()["artist"]["id"].as_u64().unwrap_or(6472),
    }
}

/// A cover of its own for each album and artist (the CDN draws a picture from the path).
fn picture(kind: &str, id: u64) -> String {
    format!(
        "http://p{}.music.126.net/DuetFake{kind}{id}==/{id}.jpg",
        1 + id % 4
    )
}

fn album_name(id: u64) -> String {
    if let Some((name, _)) = twins::netease_album(id) {
        return name.to_owned();
    }
    match id {
        HOSTILE_ALBUM_ID => HOSTILE_NAME.to_owned(),
        LONG_ALBUM_ID => "两千首 (2,000 tracks)".to_owned(),
        id if id > ARTIST_ALBUM_BASE => {
            format!("{} · 专辑 {}", artist_name(album_artist(id)), id % 1000)
        }
        _ => captured_names()
            .0
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Album {id}")),
    }
}

fn album_track_ids(id: u64) -> Vec<u64> {
    if let Some((_, tracks)) = twins::netease_album(id) {
        return tracks.iter().map(|l| l.id).collect();
    }
    match id {
        HOSTILE_ALBUM_ID => (1..=HOSTILE_ALBUM_TRACKS)
            .map(|i| HOSTILE_TRACK_BASE + i)
            .collect(),
        LONG_ALBUM_ID => (1..=LONG_ALBUM_TRACKS)
            .map(|i| GENERATED_TRACK_BASE + i)
            .collect(),
        // 5 to 15 tracks; some grey (…13) and VIP (…77) among them.
        _ => {
            let first = 710_000_000 + (id % 40_000) * 25;
            (1..=5 + id % 11).map(|i| first + i).collect()
        }
    }
}

fn published_ms(id: u64) -> i64 {
    1_300_000_000_000 + (id % 400) as i64 * 30 * 86_400_000
}

fn artist_ref(id: u64) -> Value {
    let mut a = album_template()["artists"][0].clone();
    set(&mut a, "id", id);
    set(&mut a, "name", artist_name(id));
    a
}

/// An album object as album lists show it (`songs` empty).
fn album_object(id: u64) -> Value {
    let artist = album_artist(id);
    let mut a = album_template();
    set(&mut a, "id", id);
    set(&mut a, "name", album_name(id));
    set(&mut a, "size", album_track_ids(id).len());
    set(&mut a, "publishTime", published_ms(id));
    set(&mut a, "artists", json!([artist_ref(artist)]));
    set(&mut a, "artist", artist_ref(artist));
    set(&mut a, "commentThreadId", format!("R_AL_3_{id}"));
    set(&mut a, "picUrl", picture("Album", id));
    set(&mut a, "blurPicUrl", picture("Album", id));
    set(&mut a, "songs", json!([]));
    let description = if id == HOSTILE_ALBUM_ID {
        HOSTILE_DESCRIPTION.to_owned()
    } else {
        format!(
            "{} is an album made up by duet-fake-upstream.\nIts tracks are synthesised; ids \
             ending in 13 are grey, 77 VIP.",
            album_name(id)
        )
    };
    set(&mut a, "description", description.clone());
    set(&mut a, "briefDesc", description);
    a
}

/// Song `id` as album and artist pages carry it: its album and artists set, privilege inline.
fn song_on(id: u64, album: u64, artist: u64) -> Value {
    let (mut song, privilege) = catalog::song_with_privilege(id);
    // The twin catalogue's songs carry their own album and artists.
    if twins::netease(id).is_none() {
        place(&mut song, album, artist);
    }
    set(&mut song, "privilege", privilege);
    song
}

/// The album and artist of a generated or hostile song (`(album, artist)` ids), so a track row
/// of the generated playlists leads to the 300-album artist and the 2,000-track album, and a
/// hostile track to the hostile ones.
pub(crate) fn home_of(track: u64) -> Option<(u64, u64)> {
    if track > GENERATED_TRACK_BASE && track <= GENERATED_TRACK_BASE + 99_999 {
        Some((LONG_ALBUM_ID, PROLIFIC_ARTIST_ID))
    } else if track > HOSTILE_TRACK_BASE && track <= HOSTILE_TRACK_BASE + 999 {
        Some((HOSTILE_ALBUM_ID, HOSTILE_ARTIST_ID))
    } else {
        None
    }
}

/// Sets a song's `al` and `ar` to `album` and `artist`.
pub(crate) fn place(song: &mut Value, album: u64, artist: u64) {
    let mut al = song["al"].clone();
    set(&mut al, "id", album);
    set(&mut al, "name", album_name(album));
    set(&mut al, "picUrl", picture("Album", album));
    set(song, "al", al);
    set(
        song,
        "ar",
        json!([{"id": artist, "name": artist_name(artist), "tns": [], "alias": []}]),
    );
}

fn unknown(id: u64) -> bool {
    MISSING_IDS.contains(&id)
}

/// `/api/v1/album/<id>`; `None` when the service does not know it.
pub(crate) fn album(id: u64) -> Option<Value> {
    if unknown(id) || id > ARTIST_ALBUM_BASE && id.is_multiple_of(1000) {
        return None;
    }
    let artist = album_artist(id);
    let songs: Vec<Value> = album_track_ids(id)
        .into_iter()
        .map(|t| song_on(t, id, artist))
        .collect();
    Some(json!({"resourceState": true, "songs": songs, "code": 200, "album": album_object(id)}))
}

fn album_count(artist: u64) -> u64 {
    match artist {
        PROLIFIC_ARTIST_ID => PROLIFIC_ARTIST_ALBUMS,
        HOSTILE_ARTIST_ID => 1,
        a => 3 + a % 9,
    }
}

fn artist_object(id: u64) -> Value {
    let mut a = artist_template();
    set(&mut a, "id", id);
    set(&mut a, "name", artist_name(id));
    set(&mut a, "albumSize", album_count(id));
    set(&mut a, "musicSize", album_count(id) * 10);
    set(&mut a, "picUrl", picture("Artist", id));
    set(&mut a, "img1v1Url", picture("Artist", id));
    let brief = if id == HOSTILE_ARTIST_ID {
        HOSTILE_DESCRIPTION.to_owned()
    } else {
        format!(
            "{} is an artist made up by duet-fake-upstream, with {} albums.",
            artist_name(id),
            album_count(id)
        )
    };
    set(&mut a, "briefDesc", brief);
    a
}

/// The `n`-th (0-based, newest first) album of `artist`.
fn artist_album_id(artist: u64, n: u64) -> u64 {
    match (artist, n) {
        (PROLIFIC_ARTIST_ID, 0) => LONG_ALBUM_ID,
        (HOSTILE_ARTIST_ID, 0) => HOSTILE_ALBUM_ID,
        _ => ARTIST_ALBUM_BASE + artist * 1000 + n + 1,
    }
}

/// `/api/v1/artist/<id>`: the artist and their hot songs; `None` when unknown.
pub(crate) fn artist(id: u64) -> Option<Value> {
    if unknown(id) || id >= ARTIST_ALBUM_BASE / 1000 {
        return None;
    }
    let first = match id {
        PROLIFIC_ARTIST_ID => GENERATED_TRACK_BASE,
        HOSTILE_ARTIST_ID => HOSTILE_TRACK_BASE,
        _ => 720_000_000 + (id % 100_000) * 60,
    };
    let songs: Vec<Value> = (1..=HOT_SONGS)
        .map(|i| song_on(first + i, artist_album_id(id, i % album_count(id)), id))
        .collect();
    Some(json!({"artist": artist_object(id), "hotSongs": songs, "more": true, "code": 200}))
}

/// `/api/artist/albums/<id>`, `limit` albums from `offset`; `None` when unknown.
pub(crate) fn artist_albums(id: u64, limit: usize, offset: usize) -> Option<Value> {
    let artist = artist(id)?;
    let total = album_count(id);
    let end = total.min(offset as u64 + limit as u64);
    let albums: Vec<Value> = (offset as u64..end)
        .map(|n| album_object(artist_album_id(id, n)))
        .collect();
    Some(json!({
        "artist": artist["artist"],
        "hotAlbums": albums,
        "more": end < total,
        "code": 200
    }))
}

/// `/api/discovery/simiArtist`: six artists near `id` (the hostile one among the prolific
/// artist's); `None` when unknown.
pub(crate) fn similar(id: u64) -> Option<Value> {
    artist(id)?;
    let mut ids: Vec<u64> = (1..=6).map(|k| id + k * 7).collect();
    if id == PROLIFIC_ARTIST_ID {
        ids[0] = HOSTILE_ARTIST_ID;
    }
    let artists: Vec<Value> = ids.into_iter().map(artist_object).collect();
    Some(json!({"artists": artists, "code": 200}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_albums_and_artists() {
        let long = album(LONG_ALBUM_ID).unwrap();
        assert_eq!(long["songs"].as_array().unwrap().len(), 2000);
        assert_eq!(long["album"]["artist"]["id"], PROLIFIC_ARTIST_ID);
        let hostile = album(HOSTILE_ALBUM_ID).unwrap();
        assert!(hostile["album"]["name"].as_str().unwrap().contains("<img"));
        assert!(album(*MISSING_IDS.start()).is_none());
        let page = artist_albums(PROLIFIC_ARTIST_ID, 30, 270).unwrap();
        assert_eq!(page["hotAlbums"].as_array().unwrap().len(), 30);
        assert_eq!(page["more"], false);
        let first = artist_albums(PROLIFIC_ARTIST_ID, 30, 0).unwrap();
        assert_eq!(first["hotAlbums"][0]["id"], LONG_ALBUM_ID);
        // An artist's generated album names that artist back.
        let other = first["hotAlbums"][1]["id"].as_u64().unwrap();
        assert_eq!(
            album(other).unwrap()["album"]["artist"]["id"],
            PROLIFIC_ARTIST_ID
        );
        assert!(artist(*MISSING_IDS.end()).is_none());
        assert_eq!(
            similar(PROLIFIC_ARTIST_ID).unwrap()["artists"][0]["id"],
            HOSTILE_ARTIST_ID
        );
    }
}
