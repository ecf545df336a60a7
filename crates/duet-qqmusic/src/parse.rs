//! QQ Music's answers → the model of docs/design.md §2 (shapes: docs/protocol/qqmusic.md §5 and
//! docs/qqmusic-wire.md). Lenient on what is optional, never panicking on what is hostile: a
//! missing field becomes empty, a wrong type is skipped, a missing list is an error.

use duet_core::{
    Album, AlbumRef, Artist, ArtistRef, Comment, Error, Playlist, Profile, ProviderId, SearchItems,
    SearchType, Track, UserRef,
};
use serde_json::Value;

use crate::errors::qq;
use crate::identity;

/// A string field, also when the service sent a number.
pub fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A name, description or comment as the service writes it (entities, `<br>`, `[em]` codes;
/// docs/qqmusic-wire.md), as plain text.
fn prose(v: &Value, key: &str) -> String {
    duet_core::text::service_text(&text(v, key))
}

/// [`prose`] of the first non-empty of several spellings.
fn prose_of(v: &Value, keys: &[&str]) -> String {
    duet_core::text::service_text(&text_of(v, keys))
}

/// The first non-empty of several spellings.
fn text_of(v: &Value, keys: &[&str]) -> String {
    keys.iter()
        .map(|k| text(v, k))
        .find(|s| !s.is_empty())
        .unwrap_or_default()
}

/// A number field, also when the service sent a string.
pub fn number(v: &Value, key: &str) -> Option<u64> {
    match v.get(key) {
        Some(Value::Number(n)) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(Value::Bool(b)) => Some(u64::from(*b)),
        _ => None,
    }
}

fn number_of(v: &Value, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|k| number(v, k))
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn missing(what: &str) -> Error {
    qq(Error::upstream(format!("QQ Music's answer has no {what}")))
}

/// A successful `answer` without `field`, which the service always sends: its shape changed,
/// which is neither an empty result nor a refusal (§3.3: the item's `data`).
pub(crate) fn shape_changed(answer: &str, field: &str) -> Error {
    qq(Error::upstream(format!(
        "QQ Music's {answer} answer has no `{field}`: its shape changed"
    )))
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// What a track's files allow (§5.2 `file`, `pay`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackFiles {
    pub songid: u64,
    pub songmid: String,
    pub media_mid: String,
    pub size_128mp3: u64,
    pub size_320mp3: u64,
    pub size_flac: u64,
    pub size_hires: u64,
    pub size_try: u64,
    pub try_begin_ms: u64,
    pub try_end_ms: u64,
    /// `pay.pay_play`: playing needs a subscription (beyond the trial).
    pub pay_play: bool,
}

impl TrackFiles {
    pub fn of(track: &Value) -> Self {
        let file = track.get("file").unwrap_or(&Value::Null);
        let pay = track.get("pay").unwrap_or(&Value::Null);
        let songmid = text(track, "mid");
        let media_mid = non_empty(text(file, "media_mid")).unwrap_or_else(|| songmid.clone());
        Self {
            songid: number(track, "id").unwrap_or(0),
            songmid,
            media_mid,
            size_128mp3: number(file, "size_128mp3").unwrap_or(0),
            size_320mp3: number(file, "size_320mp3").unwrap_or(0),
            size_flac: number(file, "size_flac").unwrap_or(0),
            size_hires: number(file, "size_hires").unwrap_or(0),
            size_try: number(file, "size_try").unwrap_or(0),
            try_begin_ms: number(file, "try_begin").unwrap_or(0),
            try_end_ms: number(file, "try_end").unwrap_or(0),
            pay_play: number(pay, "pay_play").unwrap_or(0) == 1,
        }
    }

    pub fn any_audio(&self) -> bool {
        [
            self.size_128mp3,
            self.size_320mp3,
            self.size_flac,
            self.size_hires,
            self.size_try,
        ]
        .iter()
        .any(|&size| size > 0)
    }
}

fn artist_ref(singer: &Value) -> ArtistRef {
    ArtistRef {
        id: text_of(singer, &["mid", "singerMID", "id"]),
        name: prose_of(singer, &["name", "title", "singerName"]),
    }
}

/// A track object (§5.2 `track_info`, search `song.list`, playlist `songlist`).
pub fn track(v: &Value) -> Option<Track> {
    let mid = text(v, "mid");
    if !identity::is_mid(&mid) {
        return None;
    }
    let album = v.get("album").unwrap_or(&Value::Null);
    let album_mid = text(album, "mid");
    let files = TrackFiles::of(v);
    let playable = files.any_audio();
    Some(Track {
        provider: ProviderId::Qq,
        id: mid,
        title: prose_of(v, &["title", "name"]),
        artists: array(v, "singer").iter().map(artist_ref).collect(),
        album: AlbumRef {
            id: album_mid.clone(),
            name: prose_of(album, &["name", "title"]),
            cover_url: identity::album_cover_url(&album_mid),
        },
        duration_ms: number(v, "interval").unwrap_or(0).saturating_mul(1000),
        playable,
        unavailable_reason: (!playable).then(|| "QQ Music has no audio for this song".to_owned()),
        vip: files.pay_play,
        trial: None,
    })
}

/// The `track_info` of a `get_song_detail_yqq` answer (§5.2). An unknown song is refused
/// (500003) or answers a track without a mid; an answer without `track_info` changed shape.
pub fn track_info(data: &Value) -> Result<&Value, Error> {
    let info = data
        .get("track_info")
        .ok_or_else(|| shape_changed("song detail", "track_info"))?;
    if text(info, "mid").is_empty() {
        return Err(qq(Error::not_found("QQ Music has no such song")));
    }
    Ok(info)
}

pub fn tracks(list: &[Value]) -> Vec<Track> {
    list.iter().filter_map(track).collect()
}

/// The search `search_type` of a kind (§5.1).
pub fn search_type(kind: SearchType) -> u32 {
    match kind {
        SearchType::Track => 0,
        SearchType::Artist => 1,
        SearchType::Album => 2,
        SearchType::Playlist => 3,
    }
}

fn album(v: &Value) -> Option<Album> {
    let mid = text_of(v, &["albumMID", "mid"]);
    if mid.is_empty() {
        return None;
    }
    let mut artists: Vec<ArtistRef> = array(v, "singer_list").iter().map(artist_ref).collect();
    if artists.is_empty() {
        let name = prose(v, "singerName");
        if !name.is_empty() {
            artists.push(ArtistRef {
                id: text(v, "singerMID"),
                name,
            });
        }
    }
    Some(Album {
        provider: ProviderId::Qq,
        cover_url: non_empty(text(v, "albumPic")).or_else(|| identity::album_cover_url(&mid)),
        id: mid,
        name: prose_of(v, &["albumName", "name"]),
        artists,
        track_count: number(v, "song_count"),
        published_at_ms: None,
        description: None,
        tracks: None,
    })
}

fn artist(v: &Value) -> Option<Artist> {
    let mid = text_of(v, &["singerMID", "mid"]);
    if mid.is_empty() {
        return None;
    }
    Some(Artist {
        provider: ProviderId::Qq,
        picture_url: non_empty(text(v, "singerPic")).or_else(|| identity::singer_picture_url(&mid)),
        id: mid,
        name: prose_of(v, &["singerName", "name"]),
        album_count: number(v, "albumNum"),
    })
}

fn searched_playlist(v: &Value) -> Option<Playlist> {
    let id = text_of(v, &["dissid", "tid"]);
    if id.is_empty() {
        return None;
    }
    let creator = v.get("creator").unwrap_or(&Value::Null);
    Some(Playlist {
        provider: ProviderId::Qq,
        id,
        name: prose_of(v, &["dissname", "title"]),
        cover_url: non_empty(text(v, "imgurl")),
        creator: UserRef {
            id: text_of(creator, &["encrypt_uin", "creator_uin", "qq"]),
            name: prose(creator, "name"),
            avatar_url: None,
        },
        track_count: number_of(v, &["song_count", "songnum"]).unwrap_or(0),
        description: non_empty(prose(v, "introduction")),
        liked: false,
        tracks: None,
    })
}

/// One page of search results: the items, the service's total, and whether more follow.
pub fn search(data: &Value, kind: SearchType) -> Result<(SearchItems, u64, bool), Error> {
    let body = data.get("body").ok_or_else(|| missing("search body"))?;
    let list = |key: &str| -> Result<&[Value], Error> {
        body.get(key)
            .and_then(|b| b.get("list"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .ok_or_else(|| missing("search result list"))
    };
    let items = match kind {
        SearchType::Track => SearchItems::Track(tracks(list("song")?)),
        SearchType::Album => SearchItems::Album(list("album")?.iter().filter_map(album).collect()),
        SearchType::Artist => {
            SearchItems::Artist(list("singer")?.iter().filter_map(artist).collect())
        }
        SearchType::Playlist => SearchItems::Playlist(
            list("songlist")?
                .iter()
                .filter_map(searched_playlist)
                .collect(),
        ),
    };
    let meta = data.get("meta").unwrap_or(&Value::Null);
    let total = number_of(meta, &["sum", "estimate_sum"]).unwrap_or(items.len() as u64);
    let has_more = match meta.get("nextpage").and_then(Value::as_i64) {
        Some(next) => next > 0,
        None => false,
    };
    Ok((items, total, has_more))
}

/// A playlist page (`uniform_get_Dissinfo`, or `CgiGetDiss` for the liked songs, §5.6): the
/// playlist without tracks, this page's tracks, the service's track count, and whether more
/// follow. An answer without `hasmore` leaves that to the count (`total_song_num`; the
/// `songlist_size` of `CgiGetDiss` is only this page's).
pub struct PlaylistPage {
    pub playlist: Playlist,
    pub tracks: Vec<Track>,
    pub raw_count: usize,
    pub total: u64,
    pub has_more: bool,
}

pub fn playlist_page(data: &Value, id: &str) -> Result<PlaylistPage, Error> {
    let info = data.get("dirinfo").ok_or_else(|| missing("playlist"))?;
    let songs = data
        .get("songlist")
        .and_then(Value::as_array)
        .ok_or_else(|| missing("playlist track list"))?;
    let creator = info.get("creator").unwrap_or(&Value::Null);
    let total = number(data, "total_song_num")
        .or_else(|| number(info, "songnum"))
        .unwrap_or(songs.len() as u64);
    let playlist = Playlist {
        provider: ProviderId::Qq,
        id: id.to_owned(),
        name: prose(info, "title"),
        cover_url: non_empty(text_of(info, &["picurl", "picurl2"])),
        creator: UserRef {
            id: text_of(creator, &["encrypt_uin", "musicid"]),
            name: prose_of(creator, &["nick"])
                .chars()
                .take(200)
                .collect::<String>(),
            avatar_url: non_empty(text(creator, "headurl")),
        }
        .with_fallback_name(&prose(info, "host_nick")),
        track_count: total,
        description: non_empty(prose(info, "desc")),
        liked: id == LIKED_PLAYLIST_ID,
        tracks: None,
    };
    Ok(PlaylistPage {
        playlist,
        raw_count: songs.len(),
        tracks: tracks(songs),
        total,
        has_more: number(data, "hasmore").is_none_or(|more| more == 1),
    })
}

trait FallbackName {
    fn with_fallback_name(self, name: &str) -> Self;
}

impl FallbackName for UserRef {
    fn with_fallback_name(mut self, name: &str) -> Self {
        if self.name.is_empty() {
            self.name = name.to_owned();
        }
        self
    }
}

/// The id Duet gives the liked-songs playlist (`dirid` 201, §0); it has no public `disstid`.
pub const LIKED_PLAYLIST_ID: &str = "liked";
pub const LIKED_DIRID: u64 = 201;

/// `GetPlaylistByUin` (§5.7) → the user's own playlists, liked songs first.
pub fn created_playlists(data: &Value, owner: &UserRef) -> Result<Vec<Playlist>, Error> {
    let list = data
        .get("v_playlist")
        .and_then(Value::as_array)
        .ok_or_else(|| missing("playlist list"))?;
    let mut out: Vec<Playlist> = list
        .iter()
        .filter_map(|v| {
            let dirid = number_of(v, &["dirId", "dirid"]).unwrap_or(0);
            let id = if dirid == LIKED_DIRID {
                LIKED_PLAYLIST_ID.to_owned()
            } else {
                text_of(v, &["tid", "dissid"])
            };
            if id.is_empty() || id == "0" {
                return None;
            }
            Some(Playlist {
                provider: ProviderId::Qq,
                liked: id == LIKED_PLAYLIST_ID,
                id,
                name: prose_of(v, &["dirName", "diss_name", "title"]),
                cover_url: non_empty(text_of(v, &["picUrl", "bigpicUrl", "diss_cover"])),
                creator: owner.clone(),
                track_count: number_of(v, &["songNum", "song_cnt"]).unwrap_or(0),
                description: None,
                tracks: None,
            })
        })
        .collect();
    out.sort_by_key(|p| p.id != LIKED_PLAYLIST_ID);
    Ok(out)
}

/// `CgiGetPlaylistFavInfo` (§5.7) → playlists the user collected. The id, name and cover are
/// read under every name L-1124's model accepts (`tid|dissid|id`, `name|dissname|title|dirName`,
/// `logo|picurl|picUrl`; docs/protocol/fidelity-2026-12.md row 6i).
pub fn collected_playlists(data: &Value) -> Result<Vec<Playlist>, Error> {
    let list = data
        .get("v_list")
        .and_then(Value::as_array)
        .ok_or_else(|| missing("collected playlist list"))?;
    Ok(list
        .iter()
        .filter_map(|v| {
            let id = text_of(v, &["tid", "dissid", "id"]);
            if id.is_empty() || id == "0" {
                return None;
            }
            Some(Playlist {
                provider: ProviderId::Qq,
                id,
                name: prose_of(v, &["name", "dissname", "dirName", "title"]),
                cover_url: non_empty(text_of(v, &["logo", "picurl", "picUrl"])),
                creator: UserRef {
                    id: text_of(v, &["encrypt_uin", "uin"]),
                    name: prose_of(v, &["nickname", "nick"]),
                    avatar_url: None,
                },
                track_count: number_of(v, &["songnum", "songNum"]).unwrap_or(0),
                description: None,
                liked: false,
                tracks: None,
            })
        })
        .collect())
}

/// The profile page (`fcg_get_profile_homepage`, §5.8) and the VIP identity (`vip_login_base`).
pub fn profile(page: &Value, vip: Option<&Value>, musicid: u64) -> Result<Profile, Error> {
    let creator = page
        .pointer("/data/creator")
        .ok_or_else(|| missing("profile"))?;
    Ok(Profile {
        provider: ProviderId::Qq,
        user_id: musicid.to_string(),
        nickname: prose(creator, "nick"),
        avatar_url: non_empty(text(creator, "headpic")),
        vip: vip.is_some_and(is_vip),
    })
}

/// What `GetSignInSummary` and `SignIn` say (§5.9, docs/protocol/fidelity-2026-12.md row 6l).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInState {
    pub signed_in: bool,
    pub month_days: Option<u64>,
}

/// A sign-in item's `data`: `retCode` other than 0 is a refusal (typed `upstream`, with the
/// code); otherwise `Info.IsSignIn` and `Info.MonthSignInCount`. `what` names the call.
pub fn sign_in_answer(data: Value, what: &str) -> Result<SignInState, Error> {
    let code = data.get("retCode").and_then(|c| match c {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    match code {
        Some(0) => {}
        Some(code) => {
            return Err(qq(Error::upstream(format!(
                "QQ Music refused the {what} (retCode {code})"
            ))
            .with_upstream_code(code)))
        }
        None => {
            return Err(qq(Error::upstream(format!(
                "QQ Music sent a {what} answer without retCode"
            ))))
        }
    }
    let info = data.get("Info").unwrap_or(&Value::Null);
    Ok(SignInState {
        signed_in: number(info, "IsSignIn").is_some_and(|n| n != 0),
        month_days: number(info, "MonthSignInCount"),
    })
}

/// `vip_login_base` `userinfo.music_level`, the "音乐等级" (§5.8). `identity.level` is the VIP
/// membership level and never stands in for it (docs/protocol/fidelity-2026-12.md row 6k).
pub fn music_level(vip: &Value) -> Option<u64> {
    vip.get("userinfo").and_then(|u| number(u, "music_level"))
}

/// `vip_login_base` `identity`: any of the paid tiers (§5.8: HugeVip = SVIP, LMFlag = green
/// diamond, vip).
pub fn is_vip(data: &Value) -> bool {
    let identity = data.get("identity").unwrap_or(data);
    ["HugeVip", "LMFlag", "vip", "yearflag"]
        .iter()
        .any(|k| number(identity, k).unwrap_or(0) > 0)
}

/// The user's own encrypted id, from the profile page.
pub fn encrypt_uin(page: &Value) -> String {
    page.pointer("/data/creator")
        .map(|c| text(c, "encrypt_uin"))
        .unwrap_or_default()
}

/// One comment (§5.10, docs/qqmusic-wire.md).
pub fn comment(v: &Value) -> Option<Comment> {
    let id = text(v, "CmId");
    if id.is_empty() {
        return None;
    }
    Some(Comment {
        id,
        user: UserRef {
            id: text(v, "EncryptUin"),
            name: prose(v, "Nick"),
            avatar_url: non_empty(text(v, "Avatar")),
        },
        content: prose(v, "Content"),
        time_ms: i64::try_from(number(v, "PubTime").unwrap_or(0).saturating_mul(1000))
            .unwrap_or(i64::MAX),
        liked_count: number(v, "PraiseNum").unwrap_or(0),
        replied_to: None,
    })
}

/// A comment list: its comments, total and whether more follow.
pub fn comment_list(data: &Value) -> Result<(Vec<Comment>, u64, bool), Error> {
    let list = data
        .get("CommentList")
        .ok_or_else(|| missing("comment list"))?;
    let comments: Vec<Comment> = array(list, "Comments").iter().filter_map(comment).collect();
    let total = number(list, "Total").unwrap_or(comments.len() as u64);
    let has_more = number(list, "HasMore").unwrap_or(0) == 1;
    Ok((comments, total, has_more))
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::ErrorKind;
    use serde_json::json;

    #[test]
    fn collected_playlists_are_read_under_each_name_of_their_fields() {
        let data = json!({"v_list": [
            {"tid": 11, "name": "A", "logo": "https://y.qq.com/a.jpg", "songnum": 3},
            {"dissid": "12", "dissname": "B", "picurl": "https://y.qq.com/b.jpg"},
            {"id": 13, "title": "C &amp; D", "picUrl": "https://y.qq.com/c.jpg", "songNum": "4"},
            {"id": 0, "name": "no id"},
            {"name": "no id either"}
        ]});
        let read: Vec<(String, String, Option<String>, u64)> = collected_playlists(&data)
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.name, p.cover_url, p.track_count))
            .collect();
        assert_eq!(
            read,
            [
                (
                    "11".into(),
                    "A".into(),
                    Some("https://y.qq.com/a.jpg".into()),
                    3
                ),
                (
                    "12".into(),
                    "B".into(),
                    Some("https://y.qq.com/b.jpg".into()),
                    0
                ),
                (
                    "13".into(),
                    "C & D".into(),
                    Some("https://y.qq.com/c.jpg".into()),
                    4
                ),
            ]
        );
        assert!(collected_playlists(&json!({})).is_err());
    }

    #[test]
    fn a_sign_in_answer_is_read_from_ret_code_and_is_sign_in() {
        // docs/protocol/fidelity-2026-12.md row 6l.
        let done = json!({"retCode": 0, "Info": {"IsSignIn": 1, "MonthSignInCount": 3}});
        assert_eq!(
            sign_in_answer(done, "sign-in").unwrap(),
            SignInState {
                signed_in: true,
                month_days: Some(3)
            }
        );
        let not_yet = json!({"retCode": "0", "Info": {"IsSignIn": 0}});
        assert!(
            !sign_in_answer(not_yet, "sign-in summary")
                .unwrap()
                .signed_in
        );
        let refused = json!({"retCode": 40001, "Info": {"IsSignIn": 1}});
        let error = sign_in_answer(refused, "sign-in").unwrap_err();
        assert_eq!(error.kind, ErrorKind::Upstream);
        assert_eq!(error.upstream_code, Some(40001));
        assert_eq!(error.provider, Some(ProviderId::Qq));
        let legacy = json!({"Retcode": 0, "Info": {"IsSignIn": 1}});
        assert!(sign_in_answer(legacy, "sign-in").is_err());
    }

    #[test]
    fn a_playlist_page_without_hasmore_leaves_it_to_the_count() {
        // `CgiGetDiss` for the liked songs (docs/protocol/fidelity-2026-12.md row 6g).
        let page = |extra: Value| {
            let mut data = json!({"dirinfo": {"title": "我喜欢"}, "songlist": [],
                                  "total_song_num": 1500, "songlist_size": 0});
            data.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            playlist_page(&data, LIKED_PLAYLIST_ID).unwrap()
        };
        assert!(page(json!({})).has_more);
        assert!(!page(json!({"hasmore": 0})).has_more);
        assert!(page(json!({"hasmore": 1})).has_more);
        assert_eq!(page(json!({})).total, 1500);
    }

    #[test]
    fn the_music_level_is_never_the_vip_level() {
        // docs/protocol/fidelity-2026-12.md row 6k.
        let vip = json!({"identity": {"level": 7}, "userinfo": {"music_level": "8"}});
        assert_eq!(music_level(&vip), Some(8));
        let vip_only = json!({"identity": {"level": 7}, "music_level": 3});
        assert_eq!(music_level(&vip_only), None);
    }

    #[test]
    fn a_song_detail_without_track_info_changed_shape() {
        let reshaped = json!({"track_info_v2": {"mid_v2": "0039MnYb0qxYhV"}, "info_v2": {}});
        let error = track_info(&reshaped).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Upstream);
        assert!(error.message.contains("`track_info`"), "{}", error.message);
        // A track without a mid is a song the service does not have.
        for unknown in [json!({"track_info": {}}), json!({"track_info": null})] {
            assert_eq!(track_info(&unknown).unwrap_err().kind, ErrorKind::NotFound);
        }
        let known = json!({"track_info": {"mid": "0039MnYb0qxYhV"}});
        assert_eq!(text(track_info(&known).unwrap(), "mid"), "0039MnYb0qxYhV");
    }

    #[test]
    fn wrong_types_are_skipped_not_fatal() {
        let weird = json!({"mid": "0039MnYb0qxYhV", "name": 5, "singer": "x", "album": [],
                            "interval": "269", "file": {"size_128mp3": "12"}});
        let t = track(&weird).unwrap();
        assert_eq!(t.title, "5");
        assert!(t.artists.is_empty());
        assert_eq!(t.duration_ms, 269_000);
        assert!(t.playable);
        assert!(track(&json!({"mid": "../../etc"})).is_none());
        assert!(search(&json!({}), SearchType::Track).is_err());
        assert!(playlist_page(&json!({"dirinfo": {}}), "1").is_err());
    }

    #[test]
    fn numbers_at_the_end_of_u64_saturate() {
        let max = u64::MAX;
        let t = track(&json!({"mid": "0039MnYb0qxYhV", "name": "x", "interval": max})).unwrap();
        assert_eq!(t.duration_ms, max);
        let c = comment(&json!({"CmId": "1", "Content": "x", "PubTime": max, "PraiseNum": max}))
            .unwrap();
        assert_eq!(c.time_ms, i64::MAX, "not a negative time");
        assert_eq!(c.liked_count, max);
    }
}
