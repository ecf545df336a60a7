//! Album and artist pages (`docs/qqmusic-wire.md`, "Albums and artists"): the `musicu` modules
//! QQMusicApi's `album.py` and `singer.py` call, and how their answers become Duet's model.
//! Tracks are the §5.2 track objects, so the VIP and grey marks are a playlist's.

use duet_core::retry::Effect;
use duet_core::{Album, ArtistAlbums, ArtistPage, ArtistRef, Error, ProviderId, Result, Track};
use serde_json::{json, Value};

use crate::api::QqApi;
use crate::client::{Comm, Item};
use crate::errors::qq;
use crate::identity;
use crate::parse::{self, number, text};
use crate::session::Credential;

const ALBUM_DETAIL: (&str, &str) = ("music.musichallAlbum.AlbumInfoServer", "GetAlbumDetail");
const ALBUM_SONGS: (&str, &str) = ("music.musichallAlbum.AlbumSongList", "GetAlbumSongList");
const SINGER_DETAIL: (&str, &str) = ("music.musichallSinger.SingerInfoInter", "GetSingerDetail");
const SINGER_SONGS: (&str, &str) = ("musichall.song_list_server", "GetSingerSongList");
const SINGER_ALBUMS: (&str, &str) = ("music.musichallAlbum.AlbumListServer", "GetAlbumList");
const SIMILAR_SINGERS: (&str, &str) = ("music.SimilarSingerSvr", "GetSimilarSingerList");

/// Songs asked per `GetAlbumSongList` page (no capture shows the service's own limit).
const ALBUM_SONG_PAGE: u64 = 100;
/// At most this many pages of one album: 50 × 100 is beyond any real album.
const ALBUM_SONG_PAGES: u64 = 50;
/// Top tracks an artist page lists.
const TOP_TRACKS: u64 = 50;
const SIMILAR_SHOWN: u64 = 12;

fn item((module, method): (&'static str, &'static str), param: Value) -> Item {
    Item::new(module, method, param)
}

fn check_mid(id: &str, what: &str) -> Result<()> {
    if identity::is_mid(id) {
        Ok(())
    } else {
        Err(qq(Error::bad_request(format!(
            "a QQ Music {what} id is a 14-character mid, got {:?}",
            id.chars().take(40).collect::<String>()
        ))))
    }
}

/// A lookup the module refuses (500003, §6) names an id it does not know.
fn unknown(error: Error, what: &str) -> Error {
    if error.upstream_code == Some(500_003) {
        qq(Error::not_found(format!("QQ Music has no such {what}")).with_upstream_code(500_003))
    } else {
        error
    }
}

impl QqApi {
    /// The album and all of its songs: the detail and the first page of songs in one request,
    /// then the other pages.
    pub async fn album(&self, credential: Option<&Credential>, mid: &str) -> Result<Album> {
        check_mid(mid, "album")?;
        let songs_page = |begin: u64| {
            item(
                ALBUM_SONGS,
                json!({ "albumMid": mid, "begin": begin, "num": ALBUM_SONG_PAGE }),
            )
        };
        let mut replies = self
            .client()
            .call(
                credential,
                Comm::Web,
                Effect::Read,
                &[
                    item(ALBUM_DETAIL, json!({ "albumMId": mid })),
                    songs_page(0),
                ],
            )
            .await?
            .into_iter();
        let had_session = credential.is_some();
        let (Some(detail), Some(first)) = (replies.next(), replies.next()) else {
            return Err(qq(Error::upstream(
                "QQ Music answered fewer items than asked",
            )));
        };
        let detail = detail
            .into_data(had_session)
            .map_err(|e| unknown(e, "album"))?;
        let first = first
            .into_data(had_session)
            .map_err(|e| unknown(e, "album"))?;
        let mut album = parse_album_detail(&detail, mid)?;
        let (mut tracks, total) = parse_album_songs(&first)?;
        let mut pages = 1;
        while (tracks.len() as u64) < total && pages < ALBUM_SONG_PAGES {
            let data = self
                .client()
                .call_one(credential, Effect::Read, songs_page(tracks.len() as u64))
                .await?;
            let (more, _) = parse_album_songs(&data)?;
            if more.is_empty() {
                break;
            }
            tracks.extend(more);
            pages += 1;
        }
        album.track_count = Some(total.max(tracks.len() as u64));
        album.tracks = Some(tracks);
        Ok(album)
    }

    /// The singer's detail, top songs and similar singers, in one request. Similar singers
    /// that fail leave that list empty: the page stands without it.
    pub async fn artist(&self, credential: Option<&Credential>, mid: &str) -> Result<ArtistPage> {
        check_mid(mid, "singer")?;
        let replies = self
            .client()
            .call(
                credential,
                Comm::Web,
                Effect::Read,
                &[
                    item(
                        SINGER_DETAIL,
                        json!({ "singer_mids": [mid], "groups": 1, "wikis": 1 }),
                    ),
                    item(
                        SINGER_SONGS,
                        json!({ "singerMid": mid, "order": 1, "number": TOP_TRACKS, "begin": 0 }),
                    ),
                    item(
                        SIMILAR_SINGERS,
                        json!({ "singerMid": mid, "number": SIMILAR_SHOWN }),
                    ),
                ],
            )
            .await?;
        let had_session = credential.is_some();
        let mut replies = replies.into_iter();
        let (Some(detail), Some(songs), Some(similar)) =
            (replies.next(), replies.next(), replies.next())
        else {
            return Err(qq(Error::upstream(
                "QQ Music answered fewer items than asked",
            )));
        };
        let detail = detail
            .into_data(had_session)
            .map_err(|e| unknown(e, "singer"))?;
        let mut page = parse_singer_detail(&detail, mid)?;
        let songs = songs
            .into_data(had_session)
            .map_err(|e| unknown(e, "singer"))?;
        page.top_tracks = parse_singer_songs(&songs)?;
        match similar.into_data(had_session) {
            Ok(data) => page.similar = parse_similar(&data),
            Err(e) => tracing::warn!(kind = ?e.kind, "QQ Music gave no similar singers: {e}"),
        }
        Ok(page)
    }

    /// One page of the singer's albums, newest first.
    pub async fn artist_albums(
        &self,
        credential: Option<&Credential>,
        mid: &str,
        page: u32,
    ) -> Result<ArtistAlbums> {
        check_mid(mid, "singer")?;
        ArtistAlbums::check_page(page).map_err(qq)?;
        let data = self
            .client()
            .call_one(
                credential,
                Effect::Read,
                item(
                    SINGER_ALBUMS,
                    json!({
                        "singerMid": mid,
                        "order": 1,
                        "number": ArtistAlbums::PAGE_SIZE,
                        "begin": ArtistAlbums::offset(page),
                    }),
                ),
            )
            .await
            .map_err(|e| unknown(e, "singer"))?;
        parse_singer_albums(&data, mid, page)
    }
}

/// `"2024-05-20"` → Unix milliseconds (UTC midnight); `None` for anything else.
pub fn date_ms(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.get(..2)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2200).contains(&y) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400_000)
}

fn prose(v: &Value, key: &str) -> String {
    duet_core::text::service_text(&text(v, key))
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

/// `GetAlbumDetail`: `basicInfo` and `singer.singerList`. An album it does not know answers
/// without a name.
pub fn parse_album_detail(data: &Value, mid: &str) -> Result<Album> {
    let basic = data
        .get("basicInfo")
        .ok_or_else(|| parse::shape_changed("album detail", "basicInfo"))?;
    let name = prose(basic, "albumName");
    if name.is_empty() {
        return Err(qq(Error::not_found("QQ Music has no such album")));
    }
    let artists = data["singer"]["singerList"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|s| ArtistRef {
            id: text(s, "mid"),
            name: prose(s, "name"),
        })
        .collect();
    Ok(Album {
        provider: ProviderId::Qq,
        id: mid.to_owned(),
        name,
        cover_url: identity::album_cover_url(mid),
        artists,
        track_count: None,
        published_at_ms: date_ms(&text(basic, "publishDate")),
        description: non_empty(prose(basic, "desc")),
        tracks: None,
    })
}

/// `GetAlbumSongList` / `GetSingerSongList`: `songList[].songInfo`, and the count of all.
fn song_list(data: &Value, answer: &str) -> Result<(Vec<Track>, u64)> {
    let list = data
        .get("songList")
        .ok_or_else(|| parse::shape_changed(answer, "songList"))?;
    let infos: Vec<Value> = list
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|entry| entry.get("songInfo").unwrap_or(entry).clone())
        .collect();
    let tracks = parse::tracks(&infos);
    let total = number(data, "totalNum").unwrap_or(tracks.len() as u64);
    Ok((tracks, total))
}

pub fn parse_album_songs(data: &Value) -> Result<(Vec<Track>, u64)> {
    song_list(data, "album song list")
}

pub fn parse_singer_songs(data: &Value) -> Result<Vec<Track>> {
    song_list(data, "singer song list").map(|(tracks, _)| tracks)
}

/// `GetSingerDetail`: `singer_list[0]` with `basic_info`, `ex_info.desc` and `pic`. An unknown
/// singer answers an empty list.
pub fn parse_singer_detail(data: &Value, mid: &str) -> Result<ArtistPage> {
    let list = data
        .get("singer_list")
        .ok_or_else(|| parse::shape_changed("singer detail", "singer_list"))?;
    let Some(singer) = list.as_array().and_then(|l| l.first()) else {
        return Err(qq(Error::not_found("QQ Music has no such singer")));
    };
    let basic = &singer["basic_info"];
    let picture = non_empty(text(&singer["pic"], "pic"))
        .or_else(|| non_empty(text(&singer["pic"], "big_black")))
        .or_else(|| identity::singer_picture_url(mid));
    Ok(ArtistPage {
        provider: ProviderId::Qq,
        id: mid.to_owned(),
        name: prose(basic, "name"),
        picture_url: picture,
        description: non_empty(prose(&singer["ex_info"], "desc")),
        album_count: None,
        top_tracks: Vec::new(),
        similar: Vec::new(),
    })
}

/// `GetSimilarSingerList`: `singerlist[{singerMid, singerName, singerPic}]`.
pub fn parse_similar(data: &Value) -> Vec<duet_core::Artist> {
    data["singerlist"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            let mid = text(s, "singerMid");
            identity::is_mid(&mid).then(|| duet_core::Artist {
                provider: ProviderId::Qq,
                picture_url: non_empty(text(s, "singerPic"))
                    .or_else(|| identity::singer_picture_url(&mid)),
                name: prose(s, "singerName"),
                id: mid,
                album_count: None,
            })
        })
        .collect()
}

/// `GetAlbumList`: `albumList[{albumMid, albumName, publishDate, totalNum, singerName}]`,
/// `total`.
pub fn parse_singer_albums(data: &Value, mid: &str, page: u32) -> Result<ArtistAlbums> {
    let list = data
        .get("albumList")
        .ok_or_else(|| parse::shape_changed("singer album list", "albumList"))?;
    let albums: Vec<Album> = list
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| {
            let album_mid = text(a, "albumMid");
            identity::is_mid(&album_mid).then(|| Album {
                provider: ProviderId::Qq,
                cover_url: identity::album_cover_url(&album_mid),
                name: prose(a, "albumName"),
                artists: vec![ArtistRef {
                    id: mid.to_owned(),
                    name: prose(a, "singerName"),
                }],
                track_count: number(a, "totalNum"),
                published_at_ms: date_ms(&text(a, "publishDate")),
                description: None,
                tracks: None,
                id: album_mid,
            })
        })
        .collect();
    let seen = ArtistAlbums::offset(page) + albums.len() as u64;
    let total = number(data, "total").unwrap_or(seen).max(seen);
    Ok(ArtistAlbums {
        provider: ProviderId::Qq,
        artist_id: mid.to_owned(),
        page,
        page_size: ArtistAlbums::PAGE_SIZE,
        total,
        has_more: !albums.is_empty() && seen < total,
        albums,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_dates() {
        assert_eq!(date_ms("1970-01-01"), Some(0));
        assert_eq!(date_ms("2024-05-20"), Some(1_716_163_200_000));
        for bad in ["", "2024", "2024-13-01", "x-y-z", "0000-00-00"] {
            assert_eq!(date_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_unknown_singer_or_album_is_not_found() {
        let e = parse_singer_detail(&json!({"singer_list": []}), "0025NhlN2yWrP4").unwrap_err();
        assert_eq!(e.kind, duet_core::ErrorKind::NotFound);
        let e = parse_album_detail(&json!({"basicInfo": {}}), "000MkMni19ClKG").unwrap_err();
        assert_eq!(e.kind, duet_core::ErrorKind::NotFound);
        let e = parse_album_detail(&json!({}), "000MkMni19ClKG").unwrap_err();
        assert_eq!(e.kind, duet_core::ErrorKind::Upstream);
    }
}
