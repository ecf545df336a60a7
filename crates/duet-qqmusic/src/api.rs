//! The QQ Music calls, each taking the credential it runs under. [`QqProvider`] calls them
//! with the stored session; `duet-server`'s seed-compatible routes with the credential each
//! request carries.
//!
//! [`QqProvider`]: crate::QqProvider

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use duet_core::{
    clock, CheckIn, Comment, CommentPage, Error, ErrorKind, Lyrics, Playlist, Profile, ProviderId,
    Quality, SearchPage, SearchQuery, StreamUrl, Track, TrialWindow, UserRef,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::client::{Client, Comm, Config, Item};
use crate::errors::qq;
use crate::identity;
use crate::lyrics;
use crate::parse::{self, TrackFiles};
use crate::session::Credential;
use crate::vkey::{FileChoice, Grant};
use duet_core::retry::Effect;

/// The largest page `uniform_get_Dissinfo` is asked for.
const PLAYLIST_PAGE: usize = 1000;
/// `DoSearchForQQMusicDesktop` answers nothing below 10 a page (§5.1, 2026).
const MIN_SEARCH_PAGE: u32 = 10;
const MAX_COMMENT_CHARS: usize = 300;
/// A refusal that may mean a dead key sends at most one probe per key in this long: a non-VIP
/// asking for a VIP file gets 104003 every time, and that is no reason to ask again
/// (docs/protocol/fidelity-2026-12.md row 3).
const PROBE_EVERY: Duration = Duration::from_secs(5 * 60);
/// How many songmid → songid pairs [`QqApi`] keeps.
const SONG_ID_CACHE_MAX: usize = 20_000;

/// A song's two ids (§5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SongIds {
    pub id: u64,
    pub mid: String,
}

/// What `/api/user` and the profile menu show: the profile, VIP identity and music level.
#[derive(Debug, Clone, Serialize)]
pub struct UserInfo {
    pub profile: Profile,
    pub encrypt_uin: String,
    /// `vip_login_base` `identity` as QQ Music sent it (tiers, dates, level).
    pub vip: Value,
    /// "音乐等级", from `data.userinfo.music_level` (§5.8). Not `identity.level`: that is the VIP
    /// membership level (会员等级), docs/protocol/fidelity-2026-12.md row 6k.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub music_level: Option<u64>,
}

fn validate_mid(id: &str) -> Result<(), Error> {
    if identity::is_mid(id) {
        Ok(())
    } else {
        Err(qq(Error::bad_request(format!(
            "a QQ Music song id is a 14-character songmid, got {:?}",
            id.chars().take(40).collect::<String>()
        ))))
    }
}

/// A positive number of at most 20 digits, else a `bad_request` saying what was `expected`.
fn numeric_id(input: &str, expected: &str) -> Result<u64, Error> {
    input
        .parse()
        .ok()
        .filter(|n| *n > 0 && input.len() <= 20)
        .ok_or_else(|| {
            qq(Error::bad_request(format!(
                "expected {expected}, got {:?}",
                input.chars().take(40).collect::<String>()
            )))
        })
}

/// A lookup the module rejects (500003, §6) names an id it does not know.
fn unknown_id(error: Error, what: &str) -> Error {
    if error.upstream_code == Some(500003) {
        qq(Error::not_found(format!("QQ Music has no such {what}")).with_upstream_code(500003))
    } else {
        error
    }
}

/// A comment's text, trimmed, or why it cannot be posted.
pub(crate) fn checked_comment(content: &str) -> Result<&str, Error> {
    let content = content.trim();
    if content.is_empty() {
        return Err(qq(Error::bad_request("the comment is empty")));
    }
    if content.chars().count() > MAX_COMMENT_CHARS {
        return Err(qq(Error::bad_request(format!(
            "comments are at most {MAX_COMMENT_CHARS} characters"
        ))));
    }
    Ok(content)
}

/// Which playlist `uniform_get_Dissinfo` is asked for: a numeric one, or the liked songs of
/// the account `euin` (§5.6).
fn playlist_param(id: &str, euin: Option<&str>) -> Result<Value, Error> {
    if id == parse::LIKED_PLAYLIST_ID {
        let euin = euin
            .filter(|e| !e.is_empty())
            .ok_or_else(|| need_login("see your liked songs"))?;
        Ok(json!({"disstid": 0, "dirid": parse::LIKED_DIRID, "enc_host_uin": euin}))
    } else {
        let disstid = numeric_id(id, "a numeric QQ Music playlist id (or \"liked\")")?;
        Ok(json!({"disstid": disstid, "enc_host_uin": ""}))
    }
}

/// The module and method that read playlist `id`. The liked songs ("我喜欢", dirid 201) go
/// through `DissInfo/CgiGetDiss`, the call every source uses for them; no source sends dirid
/// 201 to `uniform_get_Dissinfo` (docs/protocol/fidelity-2026-12.md row 6g). A switch, not a
/// fallback: a call that answers an empty list cannot be told from an empty liked list.
fn playlist_call(id: &str) -> (&'static str, &'static str) {
    if id == parse::LIKED_PLAYLIST_ID {
        ("music.srfDissInfo.DissInfo", "CgiGetDiss")
    } else {
        ("music.srfDissInfo.aiDissInfo", "uniform_get_Dissinfo")
    }
}

/// The param of one page of `which`: `count` songs from `begin`, with the playlist's details.
fn playlist_page_param(which: &Value, begin: usize, count: usize) -> Value {
    let mut param = which.clone();
    if let Some(map) = param.as_object_mut() {
        for (k, v) in [
            ("userinfo", json!(1)),
            ("tag", json!(1)),
            ("orderlist", json!(1)),
            ("song_begin", json!(begin)),
            ("song_num", json!(count)),
            ("onlysonglist", json!(0)),
        ] {
            map.insert(k.into(), v);
        }
    }
    param
}

/// The id of a comment replied to, or why it cannot be one.
fn checked_comment_id(id: &str) -> Result<&str, Error> {
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if well_formed {
        Ok(id)
    } else {
        Err(qq(Error::bad_request(
            "the comment replied to has a malformed id",
        )))
    }
}

/// The new comment's id from `AddComment`'s answer, or why it was not posted: a captcha
/// wanted, or a refusal with its `SubCode` (§5.10).
fn posted_comment_id(data: &Value) -> Result<String, Error> {
    if !parse::text(data, "VerifyUrl").is_empty() {
        return Err(qq(Error::new(
            ErrorKind::VerificationRequired,
            "QQ Music wants a captcha before this comment; post it from QQ Music once",
        )));
    }
    let sub_code = parse::number(data, "SubCode").unwrap_or(0);
    if sub_code != 0 {
        let message = parse::text(data, "Msg");
        return Err(qq(Error::new(
            ErrorKind::Unavailable,
            format!("QQ Music refused the comment: {message}"),
        )
        .with_upstream_code(sub_code as i64)));
    }
    Ok(parse::text(data, "AddedCmId"))
}

fn need_login(what: &str) -> Error {
    qq(Error::not_logged_in(format!(
        "log in to QQ Music to {what}"
    )))
}

/// What the last probe of a key found, and when.
struct Probed {
    at: Instant,
    /// The key's expiry, if the probe found it dead.
    expired: Option<Error>,
}

pub struct QqApi {
    client: Client,
    /// songmid → songid, learnt from details (lx-music caches the same way, §5.3).
    song_ids: Mutex<HashMap<String, u64>>,
    /// The key's fingerprint → its last probe by [`blame_the_key`](Self::blame_the_key); held
    /// across a probe so refusals at the same time share it.
    probed: tokio::sync::Mutex<HashMap<u64, Probed>>,
    /// (songid, page size, page) → the `SeqNo` that page continues after: the last comment of
    /// the page before, as the references page forward (fidelity-2026-12.md row 5a).
    comment_cursors: Mutex<HashMap<(u64, u32, u32), String>>,
}

/// How many comment pages' cursors are kept (the map starts over when full).
const COMMENT_CURSORS_MAX: usize = 256;

/// A key's fingerprint, so the probe memory holds no key.
fn fingerprint(credential: &Credential) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    credential.musicid.hash(&mut hasher);
    credential.musickey.expose().hash(&mut hasher);
    hasher.finish()
}

impl QqApi {
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Self {
            client: Client::new(config)?,
            song_ids: Mutex::new(HashMap::new()),
            probed: tokio::sync::Mutex::default(),
            comment_cursors: Mutex::default(),
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn remember(&self, ids: &SongIds) {
        self.learn(std::iter::once((ids.mid.clone(), ids.id)));
    }

    /// Keeps songmid → songid pairs (bounded: the map starts over when full).
    fn learn(&self, pairs: impl IntoIterator<Item = (String, u64)>) {
        if let Ok(mut cache) = self.song_ids.lock() {
            for (mid, id) in pairs.into_iter().filter(|(_, id)| *id > 0) {
                if cache.len() >= SONG_ID_CACHE_MAX {
                    cache.clear();
                }
                cache.insert(mid, id);
            }
        }
    }

    /// The ids of every track object of a list the service sent (search, playlist), so that
    /// the lyric of a song the user has seen needs no detail call.
    fn learn_track_ids(&self, list: Option<&Value>) {
        let tracks = list.and_then(Value::as_array).map(Vec::as_slice);
        self.learn(tracks.unwrap_or_default().iter().filter_map(|track| {
            let mid = parse::text(track, "mid");
            let id = parse::number(track, "id")?;
            identity::is_mid(&mid).then_some((mid, id))
        }));
    }

    /// `get_song_detail_yqq` (§5.2): the track object of a mid or a numeric id.
    async fn detail(&self, credential: Option<&Credential>, param: Value) -> Result<Value, Error> {
        let data = self
            .client
            .call_one(
                credential,
                Effect::Read,
                Item::new("music.pf_song_detail_svr", "get_song_detail_yqq", param),
            )
            .await
            .map_err(|e| unknown_id(e, "song"))?;
        let info = parse::track_info(&data)?.clone();
        let files = TrackFiles::of(&info);
        self.remember(&SongIds {
            id: files.songid,
            mid: files.songmid.clone(),
        });
        Ok(info)
    }

    pub async fn track(&self, credential: Option<&Credential>, mid: &str) -> Result<Track, Error> {
        validate_mid(mid)?;
        let info = self.detail(credential, json!({ "song_mid": mid })).await?;
        parse::track(&info).ok_or_else(|| qq(Error::upstream("QQ Music sent a song without a mid")))
    }

    /// songmid ↔ songid, whichever `id_or_mid` is (§5.3).
    pub async fn convert(
        &self,
        credential: Option<&Credential>,
        id_or_mid: &str,
    ) -> Result<SongIds, Error> {
        let input = id_or_mid.trim();
        if identity::is_mid(input) {
            if let Some(id) = self
                .song_ids
                .lock()
                .ok()
                .and_then(|c| c.get(input).copied())
            {
                return Ok(SongIds {
                    id,
                    mid: input.to_owned(),
                });
            }
            let info = self
                .detail(credential, json!({ "song_mid": input }))
                .await?;
            let files = TrackFiles::of(&info);
            return Ok(SongIds {
                id: files.songid,
                mid: files.songmid,
            });
        }
        let id = numeric_id(input, "a songid (digits) or a 14-character songmid")?;
        let data = self
            .client
            .call_one(
                credential,
                Effect::Read,
                Item::new(
                    "music.trackInfo.UniformRuleCtrl",
                    "CgiGetTrackInfo",
                    json!({"ids": [id], "types": [0], "modify_stamp": [0], "ctx": 0, "client": 1}),
                ),
            )
            .await?;
        let track = data
            .get("tracks")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .filter(|t| identity::is_mid(&parse::text(t, "mid")))
            .ok_or_else(|| qq(Error::not_found("QQ Music has no song with this id")))?;
        let ids = SongIds {
            id,
            mid: parse::text(track, "mid"),
        };
        self.remember(&ids);
        Ok(ids)
    }

    pub async fn search(
        &self,
        credential: Option<&Credential>,
        query: &SearchQuery,
    ) -> Result<SearchPage, Error> {
        let credential = credential.ok_or_else(|| need_login("search"))?;
        // The service's pages are at least 10; a smaller page is cut out of the larger ones
        // around it.
        let per_page = query.page_size.max(MIN_SEARCH_PAGE);
        let offset = query.offset();
        let first_page = (offset / u64::from(per_page)) as u32 + 1;
        let skip = (offset % u64::from(per_page)) as usize;
        let pages = if skip + query.page_size as usize > per_page as usize {
            2
        } else {
            1
        };
        let items: Vec<Item> = (0..pages)
            .map(|i| {
                Item::new(
                    "music.search.SearchCgiService",
                    "DoSearchForQQMusicDesktop",
                    json!({
                        "query": query.q, "search_type": parse::search_type(query.kind),
                        "page_num": first_page + i, "num_per_page": per_page, "grp": 1,
                    }),
                )
            })
            .collect();
        let replies = self
            .client
            .call(Some(credential), Comm::Web, Effect::Read, &items)
            .await?;
        let mut merged: Option<(duet_core::SearchItems, u64, bool)> = None;
        for reply in replies {
            let data = match reply.into_data(true) {
                Ok(data) => data,
                Err(e) => return Err(self.blame_the_key(credential, e).await),
            };
            self.learn_track_ids(data.pointer("/body/song/list"));
            let (items, total, more) = parse::search(&data, query.kind)?;
            merged = Some(match merged {
                None => (items, total, more),
                Some((mut all, _, _)) => {
                    append(&mut all, items);
                    (all, total, more)
                }
            });
        }
        let (mut items, total, more) =
            merged.ok_or_else(|| qq(Error::upstream("QQ Music sent no search answer")))?;
        slice(&mut items, skip, query.page_size as usize);
        let has_more = more || offset + (items.len() as u64) < total;
        Ok(SearchPage {
            provider: ProviderId::Qq,
            query: query.q.clone(),
            page: query.page,
            page_size: query.page_size,
            total,
            has_more: has_more && !items.is_empty(),
            items,
        })
    }

    /// The lyric of `mid`, asked by its numeric id as well (fidelity row 4a: every public client
    /// sends `songID`; the id comes from the lists the song was seen in, else from its detail).
    /// A QRC that cannot be read is asked again in its LRC form (row 4d).
    pub async fn lyrics(
        &self,
        credential: Option<&Credential>,
        mid: &str,
    ) -> Result<Lyrics, Error> {
        validate_mid(mid)?;
        let ids = self.convert(credential, mid).await?;
        if ids.id == 0 {
            return Err(qq(Error::upstream(
                "QQ Music sent this song without its numeric id",
            )));
        }
        let answer = self.lyric_answer(credential, &ids, true).await?;
        match lyrics::read(&answer, mid, lyrics::Asked::Hex) {
            // A changed shape (no `lyric` at all) is not asked again: the LRC form would
            // come back in it too.
            Err(unreadable)
                if parse::number(&answer, "qrc") != Some(0)
                    && answer.get("lyric").is_some_and(|l| !l.is_null()) =>
            {
                tracing::warn!(mid, error = %unreadable, "unreadable QRC lyric; asking for the LRC");
                let answer = self.lyric_answer(credential, &ids, false).await?;
                lyrics::read(&answer, mid, lyrics::Asked::Hex)
            }
            read => read,
        }
    }

    /// `GetPlayLyricInfo` of a song, as the web page asks it (`songMID` and `songID`) with the
    /// fields lx-music and MeoProject send (fidelity row 4a); `crypt:1`, so every field is hex.
    async fn lyric_answer(
        &self,
        credential: Option<&Credential>,
        ids: &SongIds,
        qrc: bool,
    ) -> Result<Value, Error> {
        self.client
            .call_one(
                credential,
                Effect::Read,
                Item::new(
                    "music.musichallSong.PlayLyricInfo",
                    "GetPlayLyricInfo",
                    json!({
                        "songMID": ids.mid, "songID": ids.id, "format": "json", "crypt": 1,
                        "qrc": i32::from(qrc), "trans": 1, "roma": 1, "lrc_t": 0, "qrc_t": 0,
                        "trans_t": 0, "roma_t": 0, "type": -1, "interval": 0,
                        "ct": 19, "cv": 1873,
                    }),
                ),
            )
            .await
    }

    /// The play URL of the best file up to `quality` this account may have; a non-VIP gets
    /// the preview clip of a VIP song, with its window (§5.4).
    pub async fn stream_url(
        &self,
        credential: Option<&Credential>,
        mid: &str,
        quality: Quality,
    ) -> Result<StreamUrl, Error> {
        validate_mid(mid)?;
        let credential = credential.ok_or_else(|| need_login("play songs"))?;
        let info = self
            .detail(Some(credential), json!({ "song_mid": mid }))
            .await?;
        let files = TrackFiles::of(&info);
        let choices = FileChoice::up_to(quality, &files);
        if choices.is_empty() {
            return Err(qq(Error::new(
                ErrorKind::Unavailable,
                "QQ Music has no audio file for this song",
            )));
        }
        let guid = identity::new_guid();
        let requests: Vec<Item> = choices
            .iter()
            .map(|choice| choice.request(&files, mid, &guid, credential))
            .collect();
        let replies = self
            .client
            .call(Some(credential), Comm::Web, Effect::Read, &requests)
            .await?;
        let mut refusal = None;
        for (choice, reply) in choices.iter().zip(replies) {
            match Grant::of(reply)? {
                Grant::Url { url, expires_in_s } => {
                    return self.granted(mid, choice, &files, &url, expires_in_s)
                }
                Grant::Refused(result) => refusal = result,
            }
        }
        let refused = crate::errors::error_for_code(refusal.map_or(104003, |r| r as i64), true);
        Err(self.blame_the_key(credential, refused).await)
    }

    /// The stream of a granted file, routed like every request (and upgraded to https on the
    /// audio CDNs).
    fn granted(
        &self,
        mid: &str,
        choice: &FileChoice,
        files: &TrackFiles,
        url: &str,
        expires_in_s: u64,
    ) -> Result<StreamUrl, Error> {
        let location = self
            .client
            .upstream()
            .stream_location(url, identity::STREAM_HOSTS)
            .map_err(qq)?;
        Ok(StreamUrl {
            provider: ProviderId::Qq,
            track_id: mid.to_owned(),
            url: location.url,
            http_fallback_url: location.http_fallback,
            quality: choice.quality,
            format: choice.ext.to_owned(),
            bitrate: choice.bitrate,
            size: Some(choice.size),
            expires_at: Some(clock::unix_s().saturating_add(expires_in_s)),
            trial: choice.trial.then_some(TrialWindow {
                start_ms: files.try_begin_ms,
                end_ms: files.try_end_ms.max(files.try_begin_ms),
            }),
            // QQ Music's loudness (`volume.gain/peak/lra`) comes with the song's details, not
            // with its URL.
            loudness: None,
        })
    }

    /// A playlist with all its tracks; `"liked"` is the user's liked songs (needs `euin`).
    pub async fn playlist(
        &self,
        credential: Option<&Credential>,
        id: &str,
        euin: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Playlist, Error> {
        let which = playlist_param(id, euin)?;
        let limit = limit.unwrap_or(usize::MAX);
        let mut playlist: Option<Playlist> = None;
        let mut tracks: Vec<Track> = Vec::new();
        let mut begin = 0usize;
        loop {
            let wanted = PLAYLIST_PAGE.min(limit - tracks.len().min(limit)).max(1);
            let param = playlist_page_param(&which, begin, wanted);
            let (module, method) = playlist_call(id);
            let data = self
                .client
                .call_one(credential, Effect::Read, Item::new(module, method, param))
                .await
                .map_err(|e| unknown_id(e, "playlist"))?;
            self.learn_track_ids(data.get("songlist"));
            let page = parse::playlist_page(&data, id)?;
            if page.playlist.name.is_empty() && page.raw_count == 0 && begin == 0 {
                return Err(qq(Error::not_found("QQ Music has no such playlist")));
            }
            begin += page.raw_count;
            tracks.extend(page.tracks);
            let total = page.total;
            playlist.get_or_insert(page.playlist);
            let done = !page.has_more
                || page.raw_count == 0
                || begin as u64 >= total
                || tracks.len() >= limit;
            if done {
                break;
            }
        }
        let mut playlist =
            playlist.ok_or_else(|| qq(Error::upstream("QQ Music sent no playlist")))?;
        tracks.truncate(limit);
        if begin as u64 != playlist.track_count && limit == usize::MAX {
            tracing::warn!(
                playlist = id,
                got = begin,
                expected = playlist.track_count,
                "QQ Music returned a different number of tracks than it counts"
            );
        }
        if id == parse::LIKED_PLAYLIST_ID && playlist.name.is_empty() {
            playlist.name = "我喜欢".to_owned();
        }
        playlist.tracks = Some(tracks);
        Ok(playlist)
    }

    /// The profile page and VIP identity (§5.8).
    /// The profile page (`fcg_get_profile_homepage`, §5.8) of the credential's account.
    async fn profile_page(&self, credential: &Credential) -> Result<Value, Error> {
        let query = [
            ("ct", "20".to_owned()),
            ("cv", identity::WEB_CV.to_string()),
            ("cid", "205360838".to_owned()),
            ("userid", credential.musicid.to_string()),
            ("reqfrom", "1".to_owned()),
            ("format", "json".to_owned()),
            ("g_tk", credential.g_tk().to_string()),
            ("loginUin", credential.musicid.to_string()),
        ];
        self.client
            .legacy_get(identity::PROFILE_URL, &query, Some(credential))
            .await
    }

    pub async fn user_info(&self, credential: &Credential) -> Result<UserInfo, Error> {
        let page = self.profile_page(credential);
        let vip = self.client.call_one(
            Some(credential),
            Effect::Read,
            Item::new("VipLogin.VipLoginInter", "vip_login_base", json!({})),
        );
        let (page, vip) = tokio::join!(page, vip);
        let page = page?;
        let vip = vip?;
        let profile = parse::profile(&page, Some(&vip), credential.musicid)?;
        Ok(UserInfo {
            encrypt_uin: parse::encrypt_uin(&page),
            music_level: parse::music_level(&vip),
            vip: vip.get("identity").cloned().unwrap_or(vip),
            profile,
        })
    }

    /// A call refused the way an anonymous one is (search 2001, vkey 104003) while a key was
    /// sent: asks the service whether the key still works, so a dead key reads as expired (and
    /// gets renewed) instead of as risk control or missing rights. At most once per key per
    /// [`PROBE_EVERY`]: within it, the verdict of the last probe stands (a non-VIP asking for a
    /// VIP file is refused every time, and a probe each time would churn the service,
    /// docs/protocol/fidelity-2026-12.md row 3).
    async fn blame_the_key(&self, credential: &Credential, error: Error) -> Error {
        if !matches!(error.upstream_code, Some(2001 | 104003)) {
            return error;
        }
        let key = fingerprint(credential);
        let mut probed = self.probed.lock().await;
        if let Some(last) = probed.get(&key).filter(|p| p.at.elapsed() < PROBE_EVERY) {
            return last.expired.clone().unwrap_or(error);
        }
        let expired = match self.probe(credential).await {
            Err(expired) if expired.kind == ErrorKind::SessionExpired => Some(expired),
            _ => None,
        };
        probed.retain(|_, p| p.at.elapsed() < PROBE_EVERY);
        probed.insert(
            key,
            Probed {
                at: Instant::now(),
                expired: expired.clone(),
            },
        );
        expired.unwrap_or(error)
    }

    /// Whether the key still works (§4.4): `GetLoginUserInfo`. A `1000` from it is checked with
    /// the profile page (§5.8) before the key is called dead, and the page's `code` 0 wins:
    /// L-1124 left `GetLoginUserInfo` for that page on the web profile because the call "always
    /// returned expired" (docs/protocol/fidelity-2026-12.md row 3), and a live key taken for a
    /// dead one would be renewed for nothing.
    pub async fn probe(&self, credential: &Credential) -> Result<(), Error> {
        let said = self
            .client
            .call_one(
                Some(credential),
                Effect::Read,
                Item::new(
                    "music.UserInfo.userInfoServer",
                    "GetLoginUserInfo",
                    json!({}),
                ),
            )
            .await;
        match said {
            Err(expired) if expired.upstream_code == Some(1000) => {
                match self.profile_page(credential).await {
                    Ok(_) => {
                        tracing::info!(
                            "QQ Music's GetLoginUserInfo said 1000, the profile page answers: the key works"
                        );
                        Ok(())
                    }
                    Err(_) => Err(expired),
                }
            }
            said => said.map(|_| ()),
        }
    }

    /// Created (liked songs first) and collected playlists (§5.7).
    pub async fn user_playlists(
        &self,
        credential: &Credential,
        owner: &UserRef,
    ) -> Result<Vec<Playlist>, Error> {
        let items = [
            Item::new(
                "music.musicasset.PlaylistBaseRead",
                "GetPlaylistByUin",
                json!({ "uin": credential.musicid.to_string() }),
            ),
            Item::new(
                "music.musicasset.PlaylistFavRead",
                "CgiGetPlaylistFavInfo",
                json!({ "uin": owner.id, "offset": 0, "size": 100 }),
            ),
        ];
        let mut replies = self
            .client
            .call(Some(credential), Comm::Web, Effect::Read, &items)
            .await?
            .into_iter();
        let created = replies
            .next()
            .ok_or_else(|| qq(Error::upstream("no playlists")))?;
        let collected = replies
            .next()
            .ok_or_else(|| qq(Error::upstream("no playlists")))?;
        let mut playlists = parse::created_playlists(&created.into_data(true)?, owner)?;
        playlists.extend(parse::collected_playlists(&collected.into_data(true)?)?);
        Ok(playlists)
    }

    /// The listening report of the profile (§5.8 `GetProfileReport`); `not_found` when the
    /// service has none for this account.
    pub async fn listening_report(
        &self,
        credential: &Credential,
        euin: &str,
    ) -> Result<Value, Error> {
        let data = self
            .client
            .call_one(
                Some(credential),
                Effect::Read,
                Item::new(
                    "music.recommend.UserProfileSettingSvr",
                    "GetProfileReport",
                    json!({ "VisitAccount": euin }),
                ),
            )
            .await?;
        match data.get("ListeningReport") {
            Some(report) if !report.is_null() && report != &json!({}) => Ok(report.clone()),
            _ => Err(qq(Error::not_found(
                "QQ Music has no listening report for this account",
            ))),
        }
    }

    pub async fn comments(
        &self,
        credential: Option<&Credential>,
        mid: &str,
        page: u32,
        page_size: u32,
    ) -> Result<CommentPage, Error> {
        validate_mid(mid)?;
        if page == 0 || page_size == 0 || page_size > 50 {
            return Err(qq(Error::bad_request(
                "pages start at 1 and hold 1 to 50 comments",
            )));
        }
        let ids = self.convert(credential, mid).await?;
        // The keys the references send (fidelity-2026-12.md row 5a), the extras of each list
        // included; `PageNum` is 0-based.
        let cursor = self
            .comment_cursors
            .lock()
            .ok()
            .and_then(|cursors| cursors.get(&(ids.id, page_size, page)).cloned())
            .unwrap_or_default();
        let param = |size: u32, number: u32, cursor: &str, extras: Value| {
            let mut param = json!({"BizType": 1, "BizId": ids.id.to_string(), "PageSize": size,
                   "PageNum": number, "LastCommentSeqNo": cursor, "PicEnable": 1});
            if let (Some(map), Value::Object(extras)) = (param.as_object_mut(), extras) {
                map.extend(extras);
            }
            param
        };
        let mut items = vec![Item::new(
            "music.globalComment.CommentRead",
            "GetNewCommentList",
            param(
                page_size,
                page - 1,
                &cursor,
                json!({"HashTagID": "", "SelfSeeEnable": 1, "AudioEnable": 1}),
            ),
        )];
        if page == 1 {
            items.push(Item::new(
                "music.globalComment.CommentRead",
                "GetHotCommentList",
                param(10, 0, "", json!({"HotType": 1, "WithAirborne": 0})),
            ));
        }
        let mut replies = self
            .client
            .call(credential, Comm::Web, Effect::Read, &items)
            .await?
            .into_iter();
        let had = credential.is_some();
        let newest = replies
            .next()
            .ok_or_else(|| qq(Error::upstream("no comments")))?;
        let newest = newest.into_data(had)?;
        let (comments, total, has_more) = parse::comment_list(&newest)?;
        if has_more {
            self.remember_comment_cursor((ids.id, page_size, page + 1), &newest);
        }
        let hot = match replies.next() {
            Some(reply) => parse::comment_list(&reply.into_data(had)?)?.0,
            None => Vec::new(),
        };
        Ok(CommentPage {
            provider: ProviderId::Qq,
            track_id: mid.to_owned(),
            page,
            total,
            has_more,
            hot,
            comments,
        })
    }

    /// Keeps the `SeqNo` of a page's last comment as the cursor of the page after it.
    fn remember_comment_cursor(&self, next: (u64, u32, u32), list: &Value) {
        let last = list
            .pointer("/CommentList/Comments")
            .and_then(Value::as_array)
            .and_then(|comments| comments.last())
            .map(|comment| parse::text(comment, "SeqNo"))
            .filter(|seq| !seq.is_empty());
        if let (Some(last), Ok(mut cursors)) = (last, self.comment_cursors.lock()) {
            if cursors.len() >= COMMENT_CURSORS_MAX {
                cursors.clear();
            }
            cursors.insert(next, last);
        }
    }

    /// Posts on a song (`biz_type` 1), an album (2) or a playlist (3), as a reply when
    /// `reply_to` is given (§5.10).
    pub async fn post_comment(
        &self,
        credential: &Credential,
        biz_type: u8,
        biz_id: &str,
        content: &str,
        reply_to: Option<&str>,
        author: UserRef,
    ) -> Result<Comment, Error> {
        let content = checked_comment(content)?;
        if !(1..=3).contains(&biz_type) {
            return Err(qq(Error::bad_request(
                "biztype is 1 (song), 2 (album) or 3 (playlist)",
            )));
        }
        let mut param = json!({"Content": content, "BizType": biz_type, "BizId": biz_id});
        if let (Some(parent), Some(map)) = (reply_to, param.as_object_mut()) {
            map.insert("RepliedCmId".into(), json!(checked_comment_id(parent)?));
        }
        let data = self
            .client
            .call_one(
                Some(credential),
                Effect::Write,
                Item::new(
                    "music.globalComment.CommentWriteServer",
                    "AddComment",
                    param,
                ),
            )
            .await?;
        Ok(Comment {
            id: posted_comment_id(&data)?,
            user: author,
            content: content.to_owned(),
            time_ms: clock::unix_ms() as i64,
            liked_count: 0,
            replied_to: None,
        })
    }

    /// The day's sign-in (签到), because a person pressed the button (§5.9); never called on
    /// its own. As docs/protocol/fidelity-2026-12.md row 6l cites: `GetSignInSummary` first
    /// (its `Info.IsSignIn` says "already done"), then `SignIn`, whose success is
    /// `data.retCode == 0` and `data.Info.IsSignIn`.
    pub async fn check_in(&self, credential: &Credential) -> Result<CheckIn, Error> {
        let summary = self
            .sign_in_call(
                credential,
                Effect::Read,
                "GetSignInSummary",
                json!({"ActID": identity::SIGN_IN_ACT_ID}),
            )
            .await?;
        let summary = parse::sign_in_answer(summary.into_data(true)?, "sign-in summary")?;
        if summary.signed_in {
            return Ok(already_signed_in());
        }
        let reply = self
            .sign_in_call(
                credential,
                Effect::Write,
                "SignIn",
                json!({"ActID": identity::SIGN_IN_ACT_ID, "ScenesID": identity::SIGN_IN_SCENES_ID}),
            )
            .await?;
        // A press racing another device's: the item code the 2020 `DoSignIn` used (row 6l).
        if reply.code == 200002 {
            return Ok(already_signed_in());
        }
        let signed = parse::sign_in_answer(reply.into_data(true)?, "sign-in")?;
        if !signed.signed_in {
            return Err(qq(Error::upstream(
                "QQ Music answered the sign-in without recording it",
            )));
        }
        Ok(CheckIn {
            provider: ProviderId::Qq,
            already_done: false,
            points: None,
            message: match signed.month_days {
                Some(days) => format!("signed in; {days} days this month"),
                None => "signed in".to_owned(),
            },
        })
    }

    /// One `music.actCenter.ActCenterSignNewSvr` item under the h5 comm (§5.9).
    async fn sign_in_call(
        &self,
        credential: &Credential,
        effect: Effect,
        method: &'static str,
        param: Value,
    ) -> Result<crate::client::ItemReply, Error> {
        let item = Item::new("music.actCenter.ActCenterSignNewSvr", method, param);
        self.client
            .call(
                Some(credential),
                Comm::H5,
                effect,
                std::slice::from_ref(&item),
            )
            .await?
            .pop()
            .ok_or_else(|| qq(Error::upstream(format!("QQ Music sent no {method} answer"))))
    }
}

fn already_signed_in() -> CheckIn {
    CheckIn {
        provider: ProviderId::Qq,
        already_done: true,
        points: None,
        message: "already signed in today".to_owned(),
    }
}

fn append(all: &mut duet_core::SearchItems, more: duet_core::SearchItems) {
    use duet_core::SearchItems::*;
    match (all, more) {
        (Track(a), Track(b)) => a.extend(b),
        (Album(a), Album(b)) => a.extend(b),
        (Artist(a), Artist(b)) => a.extend(b),
        (Playlist(a), Playlist(b)) => a.extend(b),
        _ => {}
    }
}

fn slice(items: &mut duet_core::SearchItems, skip: usize, take: usize) {
    fn cut<T>(v: &mut Vec<T>, skip: usize, take: usize) {
        let skip = skip.min(v.len());
        v.drain(..skip);
        v.truncate(take);
    }
    use duet_core::SearchItems::*;
    match items {
        Track(v) => cut(v, skip, take),
        Album(v) => cut(v, skip, take),
        Artist(v) => cut(v, skip, take),
        Playlist(v) => cut(v, skip, take),
    }
}
