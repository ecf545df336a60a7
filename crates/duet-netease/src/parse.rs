//! NetEase answers → Duet's model. The raw shapes follow docs/protocol/netease.md §7; every field that
//! real answers sometimes omit or null is optional here, so a missing detail degrades one field,
//! never the whole list.

use std::collections::HashMap;

use duet_core::{
    clock, Album, AlbumRef, Artist, ArtistRef, CheckIn, Comment, CommentPage, Error, ErrorKind,
    Loudness, Playlist, Profile, ProviderId, Quality, Result, StreamUrl, Track, TrialWindow,
    UserRef,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::errors::netease;

const NETEASE: ProviderId = ProviderId::Netease;

/// NetEase ids are numbers (sometimes strings, sometimes above 2^53): keep them as text.
fn id<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) => Ok(s),
        Value::Null => Ok(String::new()),
        other => Err(serde::de::Error::custom(format!("unexpected id {other}"))),
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

pub(crate) fn from_value<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T> {
    T::deserialize(value).map_err(|e| {
        netease(Error::upstream(format!(
            "NetEase sent an unexpected {what}: {e}"
        )))
    })
}

pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawArtist {
    #[serde(deserialize_with = "id", default)]
    id: String,
    #[serde(deserialize_with = "text", default)]
    name: String,
    #[serde(rename = "picUrl")]
    pic_url: Option<String>,
    #[serde(rename = "img1v1Url")]
    img1v1_url: Option<String>,
    #[serde(rename = "albumSize")]
    album_size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct RawAlbumRef {
    #[serde(deserialize_with = "id", default)]
    id: String,
    #[serde(deserialize_with = "text", default)]
    name: String,
    #[serde(rename = "picUrl")]
    pic_url: Option<String>,
}

/// The `privilege` of a song: what this account may do with it (§7.4).
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct RawPrivilege {
    #[serde(deserialize_with = "id", default)]
    pub id: String,
    /// < 0: unavailable (-200: no copyright).
    #[serde(default)]
    pub st: i64,
    /// Max playable bitrate; 0 = cannot play in full.
    #[serde(default)]
    pub pl: i64,
    #[serde(default)]
    pub fee: i64,
}

/// A song in the compact schema (cloudsearch, song/detail, playlists, recommendations) or the
/// legacy one (`/api/search/get`: artists/album/duration).
#[derive(Debug, Deserialize)]
pub(crate) struct RawSong {
    #[serde(deserialize_with = "id")]
    id: String,
    #[serde(deserialize_with = "text", default)]
    name: String,
    #[serde(alias = "artists", default)]
    ar: Option<Vec<RawArtist>>,
    #[serde(alias = "album", default)]
    al: Option<RawAlbumRef>,
    #[serde(alias = "duration", default)]
    dt: Option<u64>,
    #[serde(default)]
    fee: i64,
    privilege: Option<RawPrivilege>,
    /// Set on songs that cannot be played, with a suggestion; its presence is a grey mark.
    #[serde(rename = "noCopyrightRcmd")]
    no_copyright_rcmd: Option<Value>,
}

/// Song fee codes that make a track VIP-only (§7.4): 1 VIP song, 4 album purchase.
fn is_vip_fee(fee: i64) -> bool {
    matches!(fee, 1 | 4)
}

pub(crate) fn track(raw: RawSong, privilege: Option<&RawPrivilege>) -> Track {
    let privilege = privilege.or(raw.privilege.as_ref());
    let fee = privilege.map_or(raw.fee, |p| if p.fee != 0 { p.fee } else { raw.fee });
    let vip = is_vip_fee(fee);
    let (playable, unavailable_reason) = match privilege {
        Some(p) if p.st < 0 => (
            false,
            Some("no copyright on NetEase (greyed out in the official app)".to_owned()),
        ),
        // VIP songs still play a preview for everyone else (the trial window of the URL).
        Some(p) if p.pl <= 0 && !vip => (
            false,
            Some("this account may not play this track".to_owned()),
        ),
        None if raw.no_copyright_rcmd.as_ref().is_some_and(|v| !v.is_null()) => (
            false,
            Some("no copyright on NetEase (greyed out in the official app)".to_owned()),
        ),
        _ => (true, None),
    };
    let album = raw.al.unwrap_or(RawAlbumRef {
        id: String::new(),
        name: String::new(),
        pic_url: None,
    });
    Track {
        provider: NETEASE,
        id: raw.id,
        title: raw.name,
        artists: raw
            .ar
            .unwrap_or_default()
            .into_iter()
            .map(|a| ArtistRef {
                id: a.id,
                name: a.name,
            })
            .collect(),
        album: AlbumRef {
            id: album.id,
            name: album.name,
            cover_url: non_empty(album.pic_url),
        },
        duration_ms: raw.dt.unwrap_or(0),
        playable,
        unavailable_reason,
        vip,
        trial: None,
    }
}

/// Songs plus their (separately listed) privileges, joined by id (§7.4: aligned in practice,
/// but join by id).
pub(crate) fn tracks_with_privileges(
    songs: &Value,
    privileges: Option<&Value>,
) -> Result<Vec<Track>> {
    let songs: Vec<RawSong> = from_value(songs, "song list")?;
    let privileges: Vec<RawPrivilege> = match privileges {
        Some(p) if !p.is_null() => from_value(p, "privilege list")?,
        _ => Vec::new(),
    };
    let by_id: HashMap<&str, &RawPrivilege> =
        privileges.iter().map(|p| (p.id.as_str(), p)).collect();
    Ok(songs
        .into_iter()
        .map(|song| {
            let privilege = by_id.get(song.id.as_str()).copied();
            track(song, privilege)
        })
        .collect())
}

/// `/api/v3/song/detail`.
pub fn song_detail(body: &Value) -> Result<Vec<Track>> {
    tracks_with_privileges(
        body.get("songs").unwrap_or(&Value::Null),
        body.get("privileges"),
    )
}

#[derive(Debug, Deserialize)]
struct RawUser {
    #[serde(rename = "userId", deserialize_with = "id", default)]
    user_id: String,
    #[serde(deserialize_with = "text", default)]
    nickname: String,
    #[serde(rename = "avatarUrl")]
    avatar_url: Option<String>,
}

impl From<RawUser> for UserRef {
    fn from(u: RawUser) -> Self {
        UserRef {
            id: u.user_id,
            name: u.nickname,
            avatar_url: non_empty(u.avatar_url),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawPlaylist {
    #[serde(deserialize_with = "id")]
    id: String,
    #[serde(deserialize_with = "text", default)]
    name: String,
    #[serde(rename = "coverImgUrl", alias = "picUrl")]
    cover_img_url: Option<String>,
    creator: Option<RawUser>,
    #[serde(rename = "userId", deserialize_with = "id", default)]
    user_id: String,
    #[serde(rename = "trackCount", default)]
    track_count: u64,
    description: Option<String>,
    /// 5: the account's liked songs.
    #[serde(rename = "specialType", default)]
    special_type: i64,
}

pub(crate) fn playlist(raw: RawPlaylist) -> Playlist {
    let creator = raw.creator.map(UserRef::from).unwrap_or(UserRef {
        id: raw.user_id,
        name: String::new(),
        avatar_url: None,
    });
    Playlist {
        provider: NETEASE,
        id: raw.id,
        name: raw.name,
        cover_url: non_empty(raw.cover_img_url),
        creator,
        track_count: raw.track_count,
        description: non_empty(raw.description),
        liked: raw.special_type == 5,
        tracks: None,
    }
}

/// The parts of `/api/v6/playlist/detail` that matter: the playlist, the tracks it inlined, and
/// every track id in order (§7.7).
pub struct PlaylistDetail {
    pub playlist: Playlist,
    pub inline_tracks: Vec<Track>,
    pub track_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawTrackId {
    #[serde(deserialize_with = "id")]
    id: String,
}

/// An answer that says it succeeded but lacks a field the service always sends: the shape of
/// the answer changed (the fields each answer carries: §7), which is no empty result.
pub(crate) fn missing(answer: &str, field: &str) -> Error {
    netease(Error::upstream(format!(
        "NetEase's {answer} answer has no `{field}`: its shape changed"
    )))
}

/// `/api/v6/playlist/detail` (§7.7). A missing `playlist` is a changed shape; a null one, a
/// playlist the service does not show (a real unknown id answers code 404 before this).
pub fn playlist_detail(body: &Value) -> Result<PlaylistDetail> {
    let raw = body
        .get("playlist")
        .ok_or_else(|| missing("playlist", "playlist"))?;
    let raw = Some(raw)
        .filter(|p| p.is_object())
        .ok_or_else(|| netease(Error::not_found("NetEase has no such playlist")))?;
    let track_ids: Vec<RawTrackId> = match raw.get("trackIds") {
        Some(ids) if !ids.is_null() => from_value(ids, "track id list")?,
        _ => Vec::new(),
    };
    let inline_tracks = match raw.get("tracks") {
        Some(tracks) if !tracks.is_null() => {
            tracks_with_privileges(tracks, body.get("privileges"))?
        }
        _ => Vec::new(),
    };
    let mut track_ids: Vec<String> = track_ids.into_iter().map(|t| t.id).collect();
    if track_ids.is_empty() {
        track_ids = inline_tracks.iter().map(|t| t.id.clone()).collect();
    }
    Ok(PlaylistDetail {
        playlist: playlist(from_value(raw, "playlist")?),
        inline_tracks,
        track_ids,
    })
}

/// `/api/user/playlist`: the playlists and whether more pages follow.
pub fn user_playlists(body: &Value) -> Result<(Vec<Playlist>, bool)> {
    let raw: Vec<RawPlaylist> = from_value(
        body.get("playlist").unwrap_or(&Value::Null),
        "playlist list",
    )?;
    let more = body.get("more").and_then(Value::as_bool).unwrap_or(false);
    Ok((raw.into_iter().map(playlist).collect(), more))
}

/// `/api/v3/discovery/recommend/songs` (§7.10).
pub fn recommended(body: &Value) -> Result<Vec<Track>> {
    let songs = body
        .pointer("/data/dailySongs")
        .ok_or_else(|| netease(Error::upstream("NetEase sent no daily songs")))?;
    tracks_with_privileges(songs, body.pointer("/data/privileges"))
}

#[derive(Debug, Deserialize)]
struct RawAccount {
    #[serde(rename = "vipType", default)]
    vip_type: i64,
}

#[derive(Debug, Deserialize)]
struct RawProfile {
    #[serde(rename = "userId", deserialize_with = "id")]
    user_id: String,
    #[serde(deserialize_with = "text", default)]
    nickname: String,
    #[serde(rename = "avatarUrl")]
    avatar_url: Option<String>,
    #[serde(rename = "vipType", default)]
    vip_type: i64,
}

/// `/api/nuser/account/get`. `None` when the answer carries no profile: code 200 with
/// `profile: null` means not logged in (§7.2). Without the `profile` field at all the shape
/// changed, which says nothing about the session.
pub fn profile(body: &Value) -> Result<Option<Profile>> {
    let raw = body
        .get("profile")
        .ok_or_else(|| missing("account", "profile"))?;
    if raw.is_null() {
        return Ok(None);
    }
    let raw: RawProfile = from_value(raw, "profile")?;
    let account_vip = body
        .get("account")
        .filter(|a| !a.is_null())
        .map(|a| from_value::<RawAccount>(a, "account"))
        .transpose()?
        .map_or(0, |a| a.vip_type);
    Ok(Some(Profile {
        provider: NETEASE,
        user_id: raw.user_id,
        nickname: raw.nickname,
        avatar_url: non_empty(raw.avatar_url),
        vip: raw.vip_type > 0 || account_vip > 0,
    }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawAlbum {
    #[serde(deserialize_with = "id")]
    id: String,
    #[serde(deserialize_with = "text", default)]
    name: String,
    #[serde(rename = "picUrl")]
    pic_url: Option<String>,
    artist: Option<RawArtist>,
    #[serde(default)]
    artists: Vec<RawArtist>,
    size: Option<u64>,
    #[serde(rename = "publishTime")]
    publish_time: Option<i64>,
}

pub(crate) fn album(raw: RawAlbum) -> Album {
    let mut artists: Vec<ArtistRef> = raw
        .artists
        .into_iter()
        .map(|a| ArtistRef {
            id: a.id,
            name: a.name,
        })
        .collect();
    if artists.is_empty() {
        if let Some(a) = raw.artist {
            artists.push(ArtistRef {
                id: a.id,
                name: a.name,
            });
        }
    }
    Album {
        provider: NETEASE,
        id: raw.id,
        name: raw.name,
        cover_url: non_empty(raw.pic_url),
        artists,
        track_count: raw.size,
        published_at_ms: raw.publish_time,
        description: None,
        tracks: None,
    }
}

pub(crate) fn artist(raw: RawArtist) -> Artist {
    Artist {
        provider: NETEASE,
        id: raw.id,
        name: raw.name,
        picture_url: non_empty(raw.pic_url).or(non_empty(raw.img1v1_url)),
        album_count: raw.album_size,
    }
}

/// One page of search results (§7.3), whatever the container.
pub struct SearchResult {
    pub items: duet_core::SearchItems,
    pub total: u64,
}

pub fn search(body: &Value, kind: duet_core::SearchType) -> Result<SearchResult> {
    use duet_core::{SearchItems, SearchType};
    // Every search answer carries `result` (§7.3); without it the shape changed.
    let result = body
        .get("result")
        .filter(|r| r.is_object())
        .ok_or_else(|| missing("search", "result"))?;
    let count = |key: &str| result.get(key).and_then(Value::as_u64);
    // A container may be absent or null when nothing matched, and then its count is 0 or
    // absent too; a list missing beside a count above 0 is a changed shape.
    fn list<'a>(result: &'a Value, key: &str, count_key: &str) -> Result<Option<&'a Value>> {
        match result.get(key).filter(|v| !v.is_null()) {
            Some(v) => Ok(Some(v)),
            None if result.get(count_key).and_then(Value::as_u64).unwrap_or(0) > 0 => {
                Err(missing("search", key))
            }
            None => Ok(None),
        }
    }
    fn converted<R: DeserializeOwned, T>(
        result: &Value,
        key: &str,
        count_key: &str,
        convert: fn(R) -> T,
    ) -> Result<Vec<T>> {
        match list(result, key, count_key)? {
            Some(v) => Ok(from_value::<Vec<R>>(v, key)?
                .into_iter()
                .map(convert)
                .collect()),
            None => Ok(Vec::new()),
        }
    }
    let (items, count_key) = match kind {
        SearchType::Track => (
            SearchItems::Track(match list(result, "songs", "songCount")? {
                Some(songs) => tracks_with_privileges(songs, None)?,
                None => Vec::new(),
            }),
            "songCount",
        ),
        SearchType::Album => (
            SearchItems::Album(converted(result, "albums", "albumCount", album)?),
            "albumCount",
        ),
        SearchType::Artist => (
            SearchItems::Artist(converted(result, "artists", "artistCount", artist)?),
            "artistCount",
        ),
        SearchType::Playlist => (
            SearchItems::Playlist(converted(result, "playlists", "playlistCount", playlist)?),
            "playlistCount",
        ),
    };
    Ok(SearchResult {
        items,
        total: count(count_key).unwrap_or(0),
    })
}

#[derive(Debug, Deserialize)]
struct RawComment {
    #[serde(rename = "commentId", deserialize_with = "id", default)]
    comment_id: String,
    user: Option<RawUser>,
    #[serde(deserialize_with = "text", default)]
    content: String,
    #[serde(default)]
    time: i64,
    #[serde(rename = "likedCount", default)]
    liked_count: u64,
    #[serde(rename = "beReplied", default)]
    be_replied: Option<Vec<RawComment>>,
}

fn comment(raw: RawComment) -> Comment {
    Comment {
        id: raw.comment_id,
        user: raw.user.map(UserRef::from).unwrap_or(UserRef {
            id: String::new(),
            name: String::new(),
            avatar_url: None,
        }),
        content: raw.content,
        time_ms: raw.time,
        liked_count: raw.liked_count,
        replied_to: raw
            .be_replied
            .and_then(|r| r.into_iter().next())
            .map(|r| Box::new(comment(r))),
    }
}

/// `/api/v1/resource/comments/R_SO_4_<id>` (§7.12). Every page carries `comments`, empty
/// when there are none; without it the shape changed.
pub fn comments(body: &Value, track_id: &str, page: u32) -> Result<CommentPage> {
    if body.get("comments").is_none() {
        return Err(missing("comment", "comments"));
    }
    let list = |key: &str| -> Result<Vec<Comment>> {
        match body.get(key).filter(|v| !v.is_null()) {
            Some(v) => Ok(from_value::<Vec<RawComment>>(v, "comment list")?
                .into_iter()
                .map(comment)
                .collect()),
            None => Ok(Vec::new()),
        }
    };
    Ok(CommentPage {
        provider: NETEASE,
        track_id: track_id.to_owned(),
        page,
        total: body.get("total").and_then(Value::as_u64).unwrap_or(0),
        has_more: body.get("more").and_then(Value::as_bool).unwrap_or(false),
        hot: list("hotComments")?,
        comments: list("comments")?,
    })
}

/// `/api/resource/comments/add`.
pub fn posted_comment(body: &Value) -> Result<Comment> {
    let raw = body
        .get("comment")
        .filter(|c| c.is_object())
        .ok_or_else(|| netease(Error::upstream("NetEase did not return the posted comment")))?;
    Ok(comment(from_value(raw, "comment")?))
}

/// `/api/point/dailyTask` (§7.9); code -2 means today's check-in was already counted.
pub fn checkin(body: &Value) -> CheckIn {
    let already = crate::errors::code_of(body) == Some(-2);
    let points = body.get("point").and_then(Value::as_i64);
    CheckIn {
        provider: NETEASE,
        already_done: already,
        points,
        message: if already {
            "already checked in today".to_owned()
        } else {
            match points {
                Some(p) => format!("checked in: +{p} points"),
                None => "checked in".to_owned(),
            }
        },
    }
}

/// `freeTrialInfo` field names and unit are unverified (§7.5): captured answers carry seconds,
/// the fake milliseconds; anything below an hour is taken as seconds.
fn trial_window(info: &Value) -> Option<TrialWindow> {
    let start = info.get("start")?.as_u64()?;
    let end = info.get("end")?.as_u64()?;
    let to_ms = |v: u64| {
        if end < 3600 {
            v.saturating_mul(1000)
        } else {
            v
        }
    };
    (end > start).then(|| TrialWindow {
        start_ms: to_ms(start),
        end_ms: to_ms(end),
    })
}

/// `/api/song/enhance/player/url/v1` (§7.5). The URL is the service's; callers route it.
pub fn stream_url(body: &Value, id: &str, quality: Quality) -> Result<StreamUrl> {
    let items = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| netease(Error::upstream("NetEase sent no song URL list")))?;
    // Items may come back in another order (§7.5): match by id.
    let item = items
        .iter()
        .find(|item| {
            item.get("id")
                .map(|v| v.to_string().trim_matches('"') == id)
                == Some(true)
        })
        .ok_or_else(|| {
            netease(Error::not_found(format!(
                "NetEase sent no URL for track {id}"
            )))
        })?;
    let url = item
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty());
    let Some(url) = url else {
        let code = item.get("code").and_then(Value::as_i64).unwrap_or(-110);
        let fee = item.get("fee").and_then(Value::as_i64).unwrap_or(0);
        let reason = if is_vip_fee(fee) {
            "this track is for VIP members or must be bought"
        } else {
            "NetEase has no playable source for this track (no copyright)"
        };
        return Err(netease(
            Error::new(ErrorKind::Unavailable, reason).with_upstream_code(code),
        ));
    };
    let format = item
        .get("encodeType")
        .or_else(|| item.get("type"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("mp3")
        .to_ascii_lowercase();
    Ok(StreamUrl {
        provider: ProviderId::Netease,
        track_id: id.to_owned(),
        url: url.to_owned(),
        quality,
        format,
        bitrate: item.get("br").and_then(Value::as_u64),
        size: item.get("size").and_then(Value::as_u64),
        expires_at: item
            .get("expi")
            .and_then(Value::as_u64)
            .map(|s| clock::unix_s().saturating_add(s)),
        trial: item.get("freeTrialInfo").and_then(trial_window),
        http_fallback_url: None,
        loudness: loudness(item),
    })
}

/// `gain` (dB) and `peak` of a song/url/v1 item; a peak of 0 means NetEase did not measure it.
fn loudness(item: &Value) -> Option<Loudness> {
    let gain = item.get("gain").and_then(Value::as_f64)?;
    let peak = item.get("peak").and_then(Value::as_f64)?;
    Loudness::new(gain as f32, peak as f32)
}

/// `/api/login/qrcode/unikey` (§7.1); NCMA wraps it in `data`, accepted too.
pub fn qr_key(body: &Value) -> Result<String> {
    body.get("unikey")
        .or_else(|| body.pointer("/data/unikey"))
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .map(str::to_owned)
        .ok_or_else(|| netease(Error::upstream("NetEase sent no QR key")))
}

/// What a QR poll answer says (§7.1): 800 expired, 801 waiting, 802 scanned, 803 confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrAnswer {
    Expired,
    Waiting,
    Scanned { nickname: Option<String> },
    Confirmed,
}

pub fn qr_answer(body: &Value) -> Result<QrAnswer> {
    match crate::errors::code_of(body) {
        Some(800) => Ok(QrAnswer::Expired),
        Some(801) => Ok(QrAnswer::Waiting),
        Some(802) => Ok(QrAnswer::Scanned {
            nickname: body
                .get("nickname")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
        }),
        Some(803) => Ok(QrAnswer::Confirmed),
        other => Err(netease(Error::upstream(format!(
            "NetEase sent an unknown QR state {other:?}"
        )))),
    }
}

/// `/api/personalized/playlist` (§7.11): recommended playlists, covers under `picUrl`.
pub fn personalized(body: &Value) -> Result<Vec<Playlist>> {
    let raw: Vec<RawPlaylist> = from_value(
        body.get("result").unwrap_or(&Value::Null),
        "personalized playlist list",
    )?;
    Ok(raw.into_iter().map(playlist).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::{SearchItems, SearchType};
    use serde_json::json;

    fn upstream_naming(result: Result<impl Sized>, field: &str) {
        let Err(error) = result else {
            panic!("a reshaped answer was read");
        };
        assert_eq!(error.kind, ErrorKind::Upstream);
        assert!(
            error.message.contains(&format!("`{field}`")),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_search_answer_in_another_shape_is_upstream() {
        let reshaped = json!({"code": 200, "result_v2": {"songs_v2": [], "songCount_v2": 3}});
        upstream_naming(search(&reshaped, SearchType::Track).map(|_| ()), "result");
        // The list gone while the count says there are songs.
        let listless = json!({"code": 200, "result": {"songCount": 3, "tracks": []}});
        upstream_naming(search(&listless, SearchType::Track).map(|_| ()), "songs");
        let albumless = json!({"code": 200, "result": {"albumCount": 1}});
        upstream_naming(search(&albumless, SearchType::Album).map(|_| ()), "albums");
    }

    #[test]
    fn a_search_that_matched_nothing_is_empty() {
        for body in [
            json!({"code": 200, "result": {"songCount": 0}}),
            json!({"code": 200, "result": {"songs": null, "songCount": 0}}),
            json!({"code": 200, "result": {}}),
        ] {
            let page = search(&body, SearchType::Track).unwrap();
            assert!(matches!(page.items, SearchItems::Track(ref t) if t.is_empty()));
            assert_eq!(page.total, 0);
        }
        let page = search(
            &json!({"code": 200, "result": {"playlistCount": 0}}),
            SearchType::Playlist,
        );
        assert!(matches!(page.unwrap().items, SearchItems::Playlist(p) if p.is_empty()));
    }

    #[test]
    fn an_account_answer_without_profile_is_upstream_a_null_one_logged_out() {
        upstream_naming(
            profile(&json!({"code": 200, "account_v2": null, "profile_v2": null})),
            "profile",
        );
        let logged_out = json!({"code": 200, "account": null, "profile": null});
        assert!(profile(&logged_out).unwrap().is_none());
    }

    #[test]
    fn a_comment_page_without_comments_is_upstream_an_empty_one_empty() {
        let reshaped = json!({"code": 200, "comments_v2": [], "total_v2": 3, "more_v2": false});
        upstream_naming(comments(&reshaped, "1", 1), "comments");
        let none = json!({"code": 200, "comments": [], "total": 0, "more": false});
        let page = comments(&none, "1", 1).unwrap();
        assert!(page.comments.is_empty() && page.hot.is_empty());
    }

    #[test]
    fn a_playlist_answer_without_playlist_is_upstream_a_null_one_not_found() {
        upstream_naming(
            playlist_detail(&json!({"code": 200, "playlist_v2": {"id_v2": 1}})).map(|_| ()),
            "playlist",
        );
        let Err(error) = playlist_detail(&json!({"code": 200, "playlist": null})) else {
            panic!("a null playlist was read");
        };
        assert_eq!(error.kind, ErrorKind::NotFound);
    }

    #[test]
    fn trial_window_in_seconds_or_ms() {
        assert_eq!(
            trial_window(&json!({"start": 30, "end": 60})),
            Some(TrialWindow {
                start_ms: 30_000,
                end_ms: 60_000
            })
        );
        assert_eq!(
            trial_window(&json!({"start": 30000, "end": 60000})),
            Some(TrialWindow {
                start_ms: 30_000,
                end_ms: 60_000
            })
        );
        assert_eq!(trial_window(&json!({"start": 5})), None);
        assert_eq!(trial_window(&Value::Null), None);
    }
}
