//! The endpoints, by logical `/api/...` path (spec §7). Every answer is HTTP 200 JSON; the
//! business `code` tells success from failure, like the real service.

use serde_json::{json, Map, Value};

use super::catalog::{self, set, SongKind};
use super::{albums, audio, fixtures, IssuedSession, NeteaseControl, QrPoll};
use crate::http_util::{http_date, now_ms, Cookies};
use crate::journal::Transport;

/// An endpoint's answer: a JSON body and the cookies it sets.
pub(crate) struct Answer {
    pub body: Value,
    pub set_cookies: Vec<String>,
}

impl From<Value> for Answer {
    fn from(body: Value) -> Self {
        Answer {
            body,
            set_cookies: Vec::new(),
        }
    }
}

/// One decoded call.
pub(crate) struct Call<'a> {
    pub ctl: &'a NeteaseControl,
    pub transport: Transport,
    pub path: &'a str,
    pub params: &'a Map<String, Value>,
    pub cookies: &'a Cookies,
    /// Whether the request carried an anti-cheat token (`X-antiCheatToken` or `checkToken`).
    pub anti_cheat_token: bool,
}

impl Call<'_> {
    /// The `MUSIC_U` of a live session, if the caller has one.
    pub(super) fn session(&self) -> Option<&str> {
        let u = self.cookies.get("MUSIC_U")?;
        self.ctl.session_csrf(u).map(|_| u.as_str())
    }

    pub(super) fn str_param(&self, key: &str) -> Option<String> {
        match self.params.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// An integer parameter: `Ok(None)` when absent, `Err` when present but not an integer.
    pub(super) fn int_param(&self, key: &str) -> Result<Option<i64>, ()> {
        match self.params.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(()),
            Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| ()),
            Some(_) => Err(()),
        }
    }

    /// A positive id parameter (number or numeric string).
    pub(super) fn id_param(&self, key: &str) -> Option<u64> {
        match self.int_param(key) {
            Ok(Some(n)) if n > 0 => Some(n as u64),
            _ => None,
        }
    }
}

/// `{"code":400,"message":"参数错误"}`.
pub(crate) fn param_error() -> Value {
    json!({"code": 400, "message": "参数错误"})
}

pub(super) fn need_login() -> Value {
    json!({"code": 301, "msg": "需要登录"})
}

fn not_found() -> Value {
    json!({"code": 404, "message": "not found"})
}

/// The -462 answer that sends the person to a verification page (`verifyToken`, `url`).
pub(super) fn anti_cheat_demand() -> Value {
    fixtures::get().owned("error_-462.verify.json")
}

/// The -460 answer of a failed identity check.
pub(crate) fn cheating() -> Value {
    fixtures::get().owned("error_-460.v2.json")
}

/// weapi calls that change something: their `csrf_token` must equal the `__csrf` cookie.
const CSRF_PATHS: [&str; 9] = [
    super::library::LIKE,
    super::cloud::DELETE,
    super::radio::TRASH,
    super::library::CREATE,
    super::library::DELETE,
    "/api/resource/comments/add",
    "/api/resource/comments/reply",
    "/api/point/dailyTask",
    "/api/logout",
];

/// Answers one call.
pub(crate) fn dispatch(c: &Call<'_>) -> Answer {
    if c.transport == Transport::Weapi && CSRF_PATHS.contains(&c.path) {
        let token = c.str_param("csrf_token").unwrap_or_default();
        let cookie = c.cookies.get("__csrf").map(String::as_str).unwrap_or("");
        if token.is_empty() || token != cookie {
            tracing::debug!(
                path = c.path,
                "weapi csrf_token does not match __csrf (301)"
            );
            return need_login().into();
        }
    }
    let r: Result<Answer, Value> = match c.path {
        "/api/login/qrcode/unikey" => qr_unikey(c),
        "/api/login/qrcode/client/login" => qr_check(c),
        "/api/nuser/account/get" | "/api/w/nuser/account/get" => Ok(account(c)),
        "/api/cloudsearch/pc" => search(c, false),
        "/api/search/get" | "/api/search/get/web" => search(c, true),
        "/api/v3/song/detail" => song_detail(c),
        "/api/song/enhance/player/url/v1" => song_url(c, true),
        "/api/song/enhance/player/url" => song_url(c, false),
        "/api/song/lyric" => lyric(c, false),
        "/api/song/lyric/v1" => lyric(c, true),
        "/api/v6/playlist/detail" => playlist_detail(c),
        "/api/user/playlist" => user_playlist(c),
        "/api/v3/discovery/recommend/songs" => recommend_songs(c),
        "/api/personalized/playlist" => personalized(c),
        "/api/resource/comments/add" => comment_add(c, false),
        "/api/resource/comments/reply" => comment_add(c, true),
        "/api/point/dailyTask" => daily_task(c),
        "/api/logout" => Ok(logout(c)),
        "/api/register/anonimous" => anonymous(c),
        p if super::library::PATHS.contains(&p) => Ok(super::library::dispatch(c)),
        p if super::podcasts::PATHS.contains(&p) => Ok(super::podcasts::dispatch(c)),
        p if super::radio::PATHS.contains(&p) => Ok(super::radio::dispatch(c)),
        p if super::cloud::PATHS.contains(&p) => Ok(super::cloud::dispatch(c)),
        "/api/discovery/simiArtist" => similar_artists(c),
        p => {
            if let Some(thread) = p.strip_prefix("/api/v1/resource/comments/") {
                comments(c, thread)
            } else if let Some(id) = p.strip_prefix("/api/v1/album/") {
                album(id)
            } else if let Some(id) = p.strip_prefix("/api/v1/artist/") {
                artist(id)
            } else if let Some(id) = p.strip_prefix("/api/artist/albums/") {
                artist_albums(c, id)
            } else {
                Err(not_found())
            }
        }
    };
    r.unwrap_or_else(Answer::from)
}

// ---- QR login (§7.1) ---------------------------------------------------------------------

fn qr_type_ok(c: &Call<'_>, required: bool) -> bool {
    match c.int_param("type") {
        Ok(Some(1 | 3)) => true,
        Ok(None) => !required,
        _ => false,
    }
}

fn qr_unikey(c: &Call<'_>) -> Result<Answer, Value> {
    if lacks_visitor_token(c) {
        return Err(visitor_demand());
    }
    if !qr_type_ok(c, true) {
        return Err(param_error());
    }
    let key = c.ctl.new_qr_key();
    Ok(json!({"code": 200, "unikey": key}).into())
}

fn qr_check(c: &Call<'_>) -> Result<Answer, Value> {
    if lacks_visitor_token(c) {
        return Err(visitor_demand());
    }
    let key = c.str_param("key").filter(|k| !k.is_empty());
    let Some(key) = key.filter(|_| qr_type_ok(c, false)) else {
        return Err(param_error());
    };
    let f = fixtures::get();
    Ok(match c.ctl.qr_poll(&key) {
        QrPoll::Gone => f.owned("login_qr_check_800.json").into(),
        QrPoll::Waiting => f.owned("login_qr_check_801.json").into(),
        QrPoll::Scanned => {
            let mut body = f.owned("login_qr_check_802.ncma.json");
            if let Some(m) = body.as_object_mut() {
                m.remove("cookie");
            }
            body.into()
        }
        QrPoll::Confirmed(session) => Answer {
            body: f.owned("login_qr_check_803.json"),
            set_cookies: login_cookies(&session),
        },
    })
}

/// The captured 803 `Set-Cookie` list with this session's `MUSIC_U`/`__csrf` and fresh
/// `Expires` dates (recomputed from each `Max-Age`).
pub(crate) fn login_cookies(s: &IssuedSession) -> Vec<String> {
    let now = now_ms() / 1000;
    let list = &fixtures::get().get("login_qr_check_803.exchange.json")["response"]["set_cookie"];
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|c| {
            let mut parts: Vec<String> = c.split("; ").map(str::to_owned).collect();
            if let Some((name, _)) = parts[0].clone().split_once('=') {
                match name {
                    "MUSIC_U" => parts[0] = format!("MUSIC_U={}", s.music_u),
                    "__csrf" => parts[0] = format!("__csrf={}", s.csrf),
                    _ => {}
                }
            }
            let max_age = parts
                .iter()
                .find_map(|p| p.strip_prefix("Max-Age=")?.parse::<i64>().ok());
            if let Some(max_age) = max_age {
                for p in parts.iter_mut() {
                    if p.starts_with("Expires=") {
                        *p = format!("Expires={}", http_date(now + max_age));
                    }
                }
            }
            parts.join("; ")
        })
        .collect()
}

// ---- account (§7.2) ----------------------------------------------------------------------

fn account(c: &Call<'_>) -> Answer {
    match c.session() {
        Some(_) => fixtures::get().owned("user_account.json").into(),
        None => json!({"code": 200, "account": null, "profile": null}).into(),
    }
}

fn logout(c: &Call<'_>) -> Answer {
    if let Some(u) = c.cookies.get("MUSIC_U") {
        c.ctl.end_session(u);
    }
    let gone = http_date(0);
    Answer {
        body: json!({"code": 200}),
        set_cookies: vec![
            format!("MUSIC_U=; Max-Age=0; Expires={gone}; Path=/; Domain=.music.163.com"),
            format!("__csrf=; Max-Age=0; Expires={gone}; Path=/; Domain=.music.163.com"),
        ],
    }
}

/// The visitor registration (§5.2): `username` must be the cipher of the `deviceId` cookie
/// (either Base64 alphabet, as NCMA and chaunsin write it), else 400. Answers a new `MUSIC_A`.
fn anonymous(c: &Call<'_>) -> Result<Answer, Value> {
    let username = c.str_param("username").unwrap_or_default();
    let device = c.cookies.get("deviceId").map(String::as_str).unwrap_or("");
    let ours = !device.is_empty()
        && (username == duet_netease::crypto::anonymous_username(device)
            || username == duet_netease::crypto::anonymous_username_urlsafe(device));
    if !ours {
        tracing::debug!("visitor registration whose username is not the device's (400)");
        return Err(param_error());
    }
    let now = now_ms();
    let max_age: i64 = 2_147_483_647;
    Ok(Answer {
        body: json!({"code": 200, "userId": 8_000_000_000_i64 + now % 1_000_000, "createTime": now}),
        set_cookies: vec![format!(
            "MUSIC_A={}; Max-Age={max_age}; Expires={}; Path=/; Domain=.music.163.com; HTTPOnly",
            c.ctl.new_visitor(),
            http_date(now / 1000 + max_age)
        )],
    })
}

/// With [`NeteaseControl::demand_visitor_token`] on: a QR login call from a client with neither
/// a login nor a visitor token of this fake (fidelity row N17).
fn lacks_visitor_token(c: &Call<'_>) -> bool {
    c.ctl.demands_visitor_token()
        && c.session().is_none()
        && !c
            .cookies
            .get("MUSIC_A")
            .is_some_and(|a| c.ctl.is_visitor(a))
}

/// What such a call gets: a bare 400, the code §8 gives a logged-out call that needs a visitor
/// cookie (its body is the fake's choice: no public capture).
fn visitor_demand() -> Value {
    tracing::debug!("QR login without a visitor token (400)");
    json!({"code": 400})
}

// ---- search (§7.3) -----------------------------------------------------------------------

fn paging(c: &Call<'_>, default_limit: i64, max_limit: i64) -> Result<(usize, usize), Value> {
    let limit = c.int_param("limit").map_err(|_| param_error())?;
    let offset = c.int_param("offset").map_err(|_| param_error())?;
    let limit = limit.unwrap_or(default_limit);
    let offset = offset.unwrap_or(0);
    if limit < 0 || offset < 0 {
        return Err(param_error());
    }
    Ok((
        limit.min(max_limit) as usize,
        offset.min(1_000_000) as usize,
    ))
}

fn search(c: &Call<'_>, legacy: bool) -> Result<Answer, Value> {
    let query = c.str_param("s").unwrap_or_default();
    // An empty query is a bad parameter; an absurdly long one would only make the fake
    // synthesise megabytes of names.
    if query.trim().is_empty() || query.chars().count() > 1000 {
        return Err(param_error());
    }
    let kind = c.int_param("type").map_err(|_| param_error())?.unwrap_or(1);
    let (limit, offset) = paging(c, 30, 100)?;
    catalog::search(&query, kind, limit, offset, legacy)
        .map(Answer::from)
        .ok_or_else(param_error)
}

// ---- songs (§7.4, §7.5) ------------------------------------------------------------------

/// A positive integer id from a JSON number or numeric string.
fn id_of(v: &Value) -> Option<u64> {
    let n = match v {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse::<u64>().ok()?,
        _ => return None,
    };
    (n > 0).then_some(n)
}

/// Parses the string parameter `key` holding a JSON array.
fn json_array_param(c: &Call<'_>, key: &str) -> Result<Vec<Value>, Value> {
    let Some(Value::String(s)) = c.params.get(key) else {
        return Err(param_error());
    };
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Array(a)) => Ok(a),
        _ => Err(param_error()),
    }
}

fn song_detail(c: &Call<'_>) -> Result<Answer, Value> {
    let items = json_array_param(c, "c")?;
    if items.len() > 1000 {
        return Err(json!({"code": 400, "message": "too many ids"}));
    }
    let ids = items
        .iter()
        .map(|it| id_of(&it["id"]))
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(param_error)?;
    let (songs, privileges): (Vec<Value>, Vec<Value>) = ids
        .iter()
        .map(|id| catalog::song_with_privilege(*id))
        .unzip();
    Ok(json!({"songs": songs, "privileges": privileges, "code": 200}).into())
}

/// (extension, bitrate, level echoed) for a requested level.
fn quality_for_level(level: &str) -> (&'static str, i64, &'static str) {
    match level {
        "standard" => ("mp3", 128_000, "standard"),
        "higher" => ("mp3", 192_000, "higher"),
        "exhigh" => ("mp3", 320_000, "exhigh"),
        "lossless" => ("flac", 900_000, "lossless"),
        "hires" => ("flac", 900_000, "hires"),
        _ => ("mp3", 320_000, "exhigh"),
    }
}

fn quality_for_br(br: i64) -> (&'static str, i64, &'static str) {
    match br {
        b if b >= 999_000 => quality_for_level("lossless"),
        b if b >= 320_000 => quality_for_level("exhigh"),
        b if b >= 192_000 => quality_for_level("higher"),
        _ => quality_for_level("standard"),
    }
}

fn url_item(id: u64, (ext, br, level): (&'static str, i64, &'static str)) -> Value {
    let mut item = fixtures::get().get("song_url_v1.json")["data"][0].clone();
    set(&mut item, "id", id);
    set(&mut item, "payed", 0);
    set(&mut item, "flag", 0);
    set(&mut item, "urlSource", 0);
    match catalog::song_kind(id) {
        SongKind::Grey => {
            for (k, v) in [
                ("url", Value::Null),
                ("br", json!(0)),
                ("size", json!(0)),
                ("md5", Value::Null),
                ("code", json!(-110)),
                ("expi", json!(0)),
                ("type", Value::Null),
                ("gain", json!(0.0)),
                ("peak", json!(0)),
                ("fee", json!(0)),
                ("level", Value::Null),
                ("encodeType", Value::Null),
                ("freeTrialInfo", Value::Null),
                ("time", json!(0)),
            ] {
                set(&mut item, k, v);
            }
        }
        kind => {
            let file = audio::file(ext);
            let vip = kind == SongKind::Vip;
            for (k, v) in [
                (
                    "url",
                    json!(format!("http://{}/fake/{id}.{ext}", super::AUDIO_HOST)),
                ),
                ("br", json!(br)),
                ("size", json!(file.bytes.len())),
                ("md5", json!(file.md5_hex())),
                ("code", json!(200)),
                ("expi", json!(1200)),
                ("type", json!(ext)),
                ("encodeType", json!(ext)),
                ("level", json!(level)),
                ("fee", json!(if vip { 1 } else { 0 })),
                (
                    // The captured preview item (song_url_v1.json, id 405998841) gives the
                    // trial window in seconds: {"start":0,"end":30} with time 30040 ms.
                    "freeTrialInfo",
                    if vip {
                        json!({"start": 30, "end": 60})
                    } else {
                        Value::Null
                    },
                ),
                (
                    "freeTrialPrivilege",
                    json!({
                        "resConsumable": vip,
                        "userConsumable": false,
                        "listenType": null,
                        "cannotListenReason": null
                    }),
                ),
                (
                    "time",
                    json!(if vip {
                        30_000
                    } else {
                        catalog::song_duration_ms(id)
                    }),
                ),
            ] {
                set(&mut item, k, v);
            }
        }
    }
    item
}

fn song_url(c: &Call<'_>, v1: bool) -> Result<Answer, Value> {
    let items = json_array_param(c, "ids")?;
    if items.len() > 1000 {
        return Err(param_error());
    }
    let ids = items
        .iter()
        .map(id_of)
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(param_error)?;
    let quality = if v1 {
        quality_for_level(&c.str_param("level").unwrap_or_else(|| "standard".into()))
    } else {
        let br = c.int_param("br").map_err(|_| param_error())?;
        quality_for_br(br.unwrap_or(999_000))
    };
    let data: Vec<Value> = ids.iter().map(|id| url_item(*id, quality)).collect();
    Ok(json!({"data": data, "code": 200}).into())
}

// ---- lyrics (§7.6) -----------------------------------------------------------------------

fn lyric(c: &Call<'_>, v1: bool) -> Result<Answer, Value> {
    let id = c.id_param("id").ok_or_else(param_error)?;
    Ok(if catalog::instrumental(id) {
        catalog::no_lyric().into()
    } else if catalog::pure_music(id) {
        catalog::pure_music_lyric().into()
    } else {
        catalog::lyric(v1).into()
    })
}

// ---- albums and artists (docs/netease-wire.md "Albums and artists") -----------------------

/// The id in a path (`/api/v1/album/<id>`): a positive decimal number, else a bad request.
fn path_id(id: &str) -> Result<u64, Value> {
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(param_error());
    }
    id.parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(param_error)
}

/// The body the fake answers for an album or artist it does not know *(no public capture)*.
fn no_such(what: &str) -> Value {
    json!({"code": 404, "msg": format!("{what}不存在")})
}

fn album(id: &str) -> Result<Answer, Value> {
    albums::album(path_id(id)?)
        .map(Answer::from)
        .ok_or_else(|| no_such("专辑"))
}

fn artist(id: &str) -> Result<Answer, Value> {
    albums::artist(path_id(id)?)
        .map(Answer::from)
        .ok_or_else(|| no_such("歌手"))
}

fn artist_albums(c: &Call<'_>, id: &str) -> Result<Answer, Value> {
    let id = path_id(id)?;
    let (limit, offset) = paging(c, 30, 100)?;
    albums::artist_albums(id, limit, offset)
        .map(Answer::from)
        .ok_or_else(|| no_such("歌手"))
}

/// A login's: without a live `MUSIC_U` the service answers 301 (NCMA sends a visitor token).
fn similar_artists(c: &Call<'_>) -> Result<Answer, Value> {
    c.session().ok_or_else(need_login)?;
    let id = c.id_param("artistid").ok_or_else(param_error)?;
    albums::similar(id)
        .map(Answer::from)
        .ok_or_else(|| no_such("歌手"))
}

// ---- playlists (§7.7, §7.8, §7.11) -------------------------------------------------------

fn playlist_detail(c: &Call<'_>) -> Result<Answer, Value> {
    let id = c.id_param("id").ok_or_else(param_error)?;
    let n = c.int_param("n").map_err(|_| param_error())?;
    let inline = n.map_or(20, |n| n.clamp(0, 20) as usize);
    c.ctl
        .library()
        .playlist_detail(id, inline)
        .map(Answer::from)
        .ok_or_else(|| json!({"code": 404, "message": "歌单不存在"}))
}

fn user_playlist(c: &Call<'_>) -> Result<Answer, Value> {
    c.id_param("uid").ok_or_else(param_error)?;
    let (limit, offset) = paging(c, 30, 1000)?;
    let all = c.ctl.library().user_playlists();
    let end = all.len().min(offset.saturating_add(limit));
    let page: Vec<Value> = all
        .get(offset..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    Ok(json!({
        "version": now_ms().to_string(),
        "more": end < all.len(),
        "playlist": page,
        "code": 200
    })
    .into())
}

/// Login required; `afresh`, NCMA's "a new set for today" switch (fidelity row N10, §7.10), is
/// optional and a boolean when sent.
fn recommend_songs(c: &Call<'_>) -> Result<Answer, Value> {
    c.session().ok_or_else(need_login)?;
    match c.params.get("afresh") {
        None | Some(Value::Bool(_)) => {}
        Some(Value::String(s)) if s == "true" || s == "false" => {}
        Some(_) => return Err(param_error()),
    }
    Ok(fixtures::get().owned("recommend_songs.json").into())
}

fn personalized(c: &Call<'_>) -> Result<Answer, Value> {
    let limit = c.int_param("limit").map_err(|_| param_error())?;
    let mut body = fixtures::get().owned("personalized.json");
    if let (Some(limit), Some(items)) = (limit, body["result"].as_array_mut()) {
        items.truncate(limit.max(0) as usize);
    }
    Ok(body.into())
}

// ---- comments (§7.12) --------------------------------------------------------------------

/// The thread is the one the path names. The references name it in the parameters too, each its
/// own way (fidelity row N11, §7.12): NCMA's `rid` is the resource id, chaunsin's `threadId` the
/// thread; Duet's eapi form before them put the thread in `rid`. Whichever is sent must agree
/// with the path.
fn comments(c: &Call<'_>, thread: &str) -> Result<Answer, Value> {
    if !catalog::is_thread_id(thread) {
        return Err(not_found());
    }
    let resource = thread.rsplit('_').next().unwrap_or_default();
    let names_it = |key: &str, also: Option<&str>| {
        c.str_param(key)
            .is_none_or(|v| v == thread || also.is_some_and(|a| v == a))
    };
    if !names_it("threadId", None) || !names_it("rid", Some(resource)) {
        tracing::debug!(thread, "comment read naming another thread (400)");
        return Err(param_error());
    }
    c.int_param("beforeTime").map_err(|_| param_error())?;
    let (limit, offset) = paging(c, 20, 100)?;
    let mut body = fixtures::get().owned("comment_music.json");
    let posted = c.ctl.comments(thread);
    let mut all = posted.clone();
    all.extend(body["comments"].as_array().cloned().unwrap_or_default());
    let end = all.len().min(offset.saturating_add(limit));
    let page: Vec<Value> = all
        .get(offset..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let total = body["total"].as_u64().unwrap_or(0) + posted.len() as u64;
    set(&mut body, "comments", page);
    set(&mut body, "total", total);
    // Only what the fake can actually serve counts as "more".
    set(&mut body, "more", end < all.len());
    if offset > 0 {
        if let Some(m) = body.as_object_mut() {
            m.remove("hotComments");
        }
    }
    if c.session().is_some() {
        set(
            &mut body,
            "userId",
            catalog::account_profile()["userId"].clone(),
        );
    }
    set(&mut body, "code", 200);
    Ok(body.into())
}

/// `comments/add`, or `comments/reply` (with the `commentId` answered, §7.12).
fn comment_add(c: &Call<'_>, reply: bool) -> Result<Answer, Value> {
    c.session().ok_or_else(need_login)?;
    if c.ctl.demands_anti_cheat_token() && !c.anti_cheat_token {
        tracing::debug!(
            path = c.path,
            "comment post without an anti-cheat token (-462)"
        );
        return Err(anti_cheat_demand());
    }
    let thread = c.str_param("threadId").unwrap_or_default();
    if !catalog::is_thread_id(&thread) {
        return Err(param_error());
    }
    let be_replied = if reply {
        let parent = c
            .str_param("commentId")
            .and_then(|id| id.parse::<u64>().ok())
            .ok_or_else(param_error)?;
        let quoted = c
            .ctl
            .comments(&thread)
            .into_iter()
            .find(|posted| posted["commentId"].as_u64() == Some(parent));
        json!([{
            "beRepliedCommentId": parent,
            "content": quoted.as_ref().map_or(Value::Null, |q| q["content"].clone()),
            "user": quoted.as_ref().map_or(Value::Null, |q| q["user"].clone()),
        }])
    } else {
        json!([])
    };
    let content = c.str_param("content").unwrap_or_default();
    let len = content.chars().count();
    if content.trim().is_empty() || len > 1000 {
        return Err(json!({"code": 400}));
    }
    let p = catalog::account_profile();
    let id = c.ctl.next_comment_id();
    let time = now_ms();
    let user = json!({
        "userId": p["userId"],
        "nickname": p["nickname"],
        "avatarUrl": p["avatarUrl"],
    });
    let mut full_user = user.clone();
    for (k, v) in [
        ("locationInfo", Value::Null),
        ("expertTags", Value::Null),
        ("authStatus", json!(0)),
        ("remarkName", Value::Null),
        ("experts", Value::Null),
        ("userType", json!(0)),
        ("vipType", p["vipType"].clone()),
    ] {
        set(&mut full_user, k, v);
    }
    c.ctl.add_comment(
        &thread,
        json!({
            "user": full_user,
            "beReplied": be_replied,
            "pendantData": null,
            "expressionUrl": null,
            "time": time,
            "commentId": id,
            "likedCount": 0,
            "liked": false,
            "content": content,
            "isRemoveHotComment": false
        }),
    );
    Ok(json!({
        "code": 200,
        "comment": {"commentId": id, "content": content, "time": time, "user": user}
    })
    .into())
}

// ---- daily sign-in (§7.9) ----------------------------------------------------------------

fn daily_task(c: &Call<'_>) -> Result<Answer, Value> {
    let u = c.session().ok_or_else(need_login)?.to_owned();
    let kind = match c.int_param("type") {
        Ok(None) => 0,
        Ok(Some(k @ (0 | 1))) => k,
        _ => return Err(param_error()),
    };
    // The service's day turns at midnight China time (UTC+8).
    let day = (now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    let f = fixtures::get();
    Ok(match c.ctl.sign_in(&u, day, kind) {
        Some(true) if kind == 0 => f.owned("daily_signin.ok.json").into(),
        Some(true) => json!({"point": 2, "code": 200}).into(),
        Some(false) => f.owned("daily_signin.repeat.json").into(),
        None => need_login().into(),
    })
}
