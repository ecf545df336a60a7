//! Likes and the account's own playlists (docs/netease-wire.md "Library writes"): the writes a
//! person makes, answered with the service's codes and kept, so the reads (`/api/song/like/get`,
//! `/api/user/playlist`, `/api/v6/playlist/detail`) show them afterwards.
//!
//! The account owns the liked list (`24381616`), every generated playlist (`90000NNNNN`) and
//! what it creates; the captured `131149308` is someone else's, the one to follow.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use serde_json::{json, Value};

use super::catalog::{self, set};
use super::endpoints::{anti_cheat_demand, need_login, param_error, Answer, Call};
use crate::http_util::now_ms;
use crate::journal::lock;

pub(crate) const LIKE: &str = "/api/radio/like";
const LIKED_IDS: &str = "/api/song/like/get";
pub(crate) const CREATE: &str = "/api/playlist/create";
const RENAME: &str = "/api/playlist/update/name";
pub(crate) const DELETE: &str = "/api/playlist/remove";
const TRACKS: &str = "/api/playlist/manipulate/tracks";
const SUBSCRIBE: &str = "/api/playlist/subscribe";
const UNSUBSCRIBE: &str = "/api/playlist/unsubscribe";

/// Every path this module answers.
pub(crate) const PATHS: [&str; 8] = [
    LIKE,
    LIKED_IDS,
    CREATE,
    RENAME,
    DELETE,
    TRACKS,
    SUBSCRIBE,
    UNSUBSCRIBE,
];

/// The captured liked-songs list (`playlist_detail.liked.json`).
pub(crate) const LIKED_PLAYLIST: u64 = 24_381_616;
/// Ids of created playlists start here (outside the generated range).
const FIRST_CREATED: u64 = 9_100_000_001;
/// NetEase's create form stops at 40 characters.
const NAME_MAX_CHARS: usize = 40;

fn not_yours(message: &str) -> Value {
    json!({"code": 401, "message": message, "msg": message})
}

fn no_playlist() -> Value {
    json!({"code": 404, "message": "歌单不存在"})
}

struct Created {
    name: String,
    create_time: i64,
}

#[derive(Default)]
struct State {
    /// The liked ids, newest first; `None` until the first like (then the fixture's ids).
    liked: Option<Vec<u64>>,
    created: BTreeMap<u64, Created>,
    renamed: HashMap<u64, String>,
    deleted: HashSet<u64>,
    /// The track ids of an owned playlist once a write changed them, newest first.
    tracks: HashMap<u64, Vec<u64>>,
    /// Followed playlists, newest first.
    followed: Vec<u64>,
}

#[derive(Default)]
pub(crate) struct Library {
    state: Mutex<State>,
}

/// The captured liked songs, then a few of the twin catalogue's (so moving liked songs across
/// has recordings QQ Music also has).
fn fixture_liked() -> Vec<u64> {
    let mut ids: Vec<u64> = catalog::playlist_detail(LIKED_PLAYLIST, 0)
        .and_then(|d| {
            d["playlist"]["trackIds"]
                .as_array()
                .map(|ids| ids.iter().filter_map(|t| t["id"].as_u64()).collect())
        })
        .unwrap_or_default();
    ids.extend(crate::twins::LIKED_TWINS);
    ids
}

impl State {
    fn liked(&mut self) -> &mut Vec<u64> {
        self.liked.get_or_insert_with(fixture_liked)
    }

    fn owns(&self, id: u64) -> bool {
        !self.deleted.contains(&id)
            && (id == LIKED_PLAYLIST || catalog::is_generated(id) || self.created.contains_key(&id))
    }

    fn exists(&self, id: u64) -> bool {
        !self.deleted.contains(&id)
            && (self.created.contains_key(&id) || catalog::playlist_detail(id, 0).is_some())
    }

    /// The track ids of `id` now, newest first, when a write may have changed them.
    fn track_ids(&mut self, id: u64) -> Option<Vec<u64>> {
        if id == LIKED_PLAYLIST {
            return Some(self.liked().clone());
        }
        if let Some(ids) = self.tracks.get(&id) {
            return Some(ids.clone());
        }
        if self.created.contains_key(&id) {
            return Some(Vec::new());
        }
        None
    }

    fn track_ids_mut(&mut self, id: u64) -> &mut Vec<u64> {
        if id == LIKED_PLAYLIST {
            return self.liked();
        }
        self.tracks.entry(id).or_insert_with(|| {
            catalog::playlist_detail(id, 0)
                .and_then(|d| {
                    d["playlist"]["trackIds"]
                        .as_array()
                        .map(|ids| ids.iter().filter_map(|t| t["id"].as_u64()).collect())
                })
                .unwrap_or_default()
        })
    }
}

impl Library {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn liked(&self) -> Vec<u64> {
        self.state().liked().clone()
    }

    /// `/api/v6/playlist/detail` as the writes left it.
    pub(crate) fn playlist_detail(&self, id: u64, inline: usize) -> Option<Value> {
        let mut st = self.state();
        if st.deleted.contains(&id) {
            return None;
        }
        let mut out = match st.created.get(&id) {
            Some(created) => created_detail(id, created),
            None => catalog::playlist_detail(id, inline)?,
        };
        if let Some(name) = st.renamed.get(&id) {
            set(&mut out["playlist"], "name", name.clone());
        }
        let followed = st.followed.contains(&id);
        set(&mut out["playlist"], "subscribed", followed);
        if let Some(ids) = st.track_ids(id) {
            with_tracks(&mut out, &ids, inline);
        }
        Some(out)
    }

    /// `/api/user/playlist`'s items: the liked list, then created (newest first), then the
    /// catalog's, then followed ones (`subscribed: true`).
    pub(crate) fn user_playlists(&self) -> Vec<Value> {
        let mut st = self.state();
        let mut items = catalog::user_playlists();
        let template = items.first().cloned().unwrap_or(json!({}));
        let mut created: Vec<Value> = st
            .created
            .iter()
            .rev()
            .map(|(id, c)| {
                let mut p = created_detail(*id, c)["playlist"].clone();
                if let Some(obj) = p.as_object_mut() {
                    obj.remove("tracks");
                    obj.remove("trackIds");
                }
                p
            })
            .collect();
        let liked_at = items
            .iter()
            .position(|p| p["id"].as_u64() == Some(LIKED_PLAYLIST))
            .map_or(0, |i| i + 1);
        items.splice(liked_at..liked_at, created.drain(..));
        let followed: Vec<u64> = st.followed.clone();
        for id in followed {
            if let Some(detail) = catalog::playlist_detail(id, 0) {
                let mut p = template.clone();
                let d = &detail["playlist"];
                for k in [
                    "id",
                    "name",
                    "coverImgUrl",
                    "creator",
                    "userId",
                    "description",
                ] {
                    set(&mut p, k, d[k].clone());
                }
                set(&mut p, "trackCount", d["trackCount"].clone());
                set(&mut p, "specialType", 0);
                set(&mut p, "subscribed", true);
                items.push(p);
            }
        }
        let mut out = Vec::with_capacity(items.len());
        for mut p in items {
            let Some(id) = p["id"].as_u64() else { continue };
            if st.deleted.contains(&id) {
                continue;
            }
            if let Some(name) = st.renamed.get(&id) {
                set(&mut p, "name", name.clone());
            }
            if let Some(ids) = st.track_ids(id) {
                set(&mut p, "trackCount", ids.len());
            }
            out.push(p);
        }
        out
    }
}

fn created_detail(id: u64, created: &Created) -> Value {
    let f = super::fixtures::get();
    let mut out = f.owned("playlist_detail.json");
    let pl = &mut out["playlist"];
    let creator = catalog::owner_creator(&pl["creator"]);
    let owner = catalog::account_profile()["userId"].clone();
    set(pl, "id", id);
    set(pl, "name", created.name.clone());
    set(pl, "description", Value::Null);
    set(pl, "creator", creator);
    set(pl, "userId", owner);
    set(pl, "createTime", created.create_time);
    set(pl, "updateTime", created.create_time);
    set(pl, "specialType", 0);
    set(pl, "privacy", 0);
    set(pl, "subscribed", false);
    set(pl, "subscribedCount", 0);
    set(pl, "subscribers", json!([]));
    set(pl, "playCount", 0);
    set(pl, "tags", json!([]));
    set(pl, "commentThreadId", format!("A_PL_0_{id}"));
    with_tracks(&mut out, &[], 0);
    out
}

/// Sets a detail's `trackIds`, `trackCount`, inlined `tracks` and `privileges` to `ids`.
fn with_tracks(out: &mut Value, ids: &[u64], inline: usize) {
    let owner = catalog::account_profile()["userId"].clone();
    let track_ids: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "v": 1, "t": 0, "at": now_ms(), "uid": owner, "alg": null}))
        .collect();
    let mut tracks = Vec::new();
    let mut privileges = Vec::new();
    for id in ids.iter().take(inline) {
        let (s, p) = catalog::song_with_privilege(*id);
        tracks.push(s);
        privileges.push(p);
    }
    let pl = &mut out["playlist"];
    set(pl, "trackIds", track_ids);
    set(pl, "trackCount", ids.len());
    set(pl, "tracks", tracks);
    set(out, "privileges", privileges);
}

/// A JSON array of positive ids sent as a string (`"[1,2]"`), or numbers/strings in an array.
fn id_list(raw: Option<&Value>) -> Option<Vec<u64>> {
    let parsed: Value = match raw? {
        Value::String(s) => serde_json::from_str(s).ok()?,
        Value::Array(a) => Value::Array(a.clone()),
        _ => return None,
    };
    let ids: Option<Vec<u64>> = parsed
        .as_array()?
        .iter()
        .map(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .map(|id| id.filter(|n| *n > 0))
        .collect();
    ids.filter(|ids| !ids.is_empty())
}

fn checked_name(c: &Call<'_>) -> Result<String, Value> {
    let name = c.str_param("name").unwrap_or_default();
    let len = name.trim().chars().count();
    if len == 0 || len > NAME_MAX_CHARS {
        return Err(param_error());
    }
    Ok(name.trim().to_owned())
}

/// Answers one library call; every one of them needs a login.
pub(crate) fn dispatch(c: &Call<'_>) -> Answer {
    let answered = match c.session() {
        None => Err(need_login()),
        Some(_) => match c.path {
            LIKE => like(c),
            LIKED_IDS => liked_ids(c),
            CREATE => create(c),
            RENAME => rename(c),
            DELETE => delete(c),
            TRACKS => tracks(c),
            SUBSCRIBE => subscribe(c, true),
            UNSUBSCRIBE => subscribe(c, false),
            _ => Err(param_error()),
        },
    };
    answered.unwrap_or_else(Answer::from)
}

fn like(c: &Call<'_>) -> Result<Answer, Value> {
    let id = c.id_param("trackId").ok_or_else(param_error)?;
    let liked = match c.params.get("like") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
        _ => return Err(param_error()),
    };
    let mut st = c.ctl.library().state();
    let list = st.liked();
    list.retain(|t| *t != id);
    if liked {
        list.insert(0, id);
    }
    Ok(json!({"songs": [], "playlistId": LIKED_PLAYLIST, "code": 200}).into())
}

fn liked_ids(c: &Call<'_>) -> Result<Answer, Value> {
    let uid = c.id_param("uid").ok_or_else(param_error)?;
    let mine = catalog::account_profile()["userId"].as_u64() == Some(uid);
    let ids = if mine {
        c.ctl.library().liked()
    } else {
        Vec::new()
    };
    Ok(json!({"ids": ids, "checkPoint": now_ms(), "code": 200}).into())
}

fn create(c: &Call<'_>) -> Result<Answer, Value> {
    let name = checked_name(c)?;
    if !matches!(c.str_param("privacy").as_deref(), None | Some("0" | "10")) {
        return Err(param_error());
    }
    if !matches!(c.str_param("type").as_deref(), None | Some("NORMAL")) {
        return Err(param_error());
    }
    let mut st = c.ctl.library().state();
    let id = st
        .created
        .keys()
        .next_back()
        .map_or(FIRST_CREATED, |last| last + 1);
    let created = Created {
        name,
        create_time: now_ms(),
    };
    let mut playlist = created_detail(id, &created)["playlist"].clone();
    if let Some(obj) = playlist.as_object_mut() {
        obj.remove("tracks");
        obj.remove("trackIds");
    }
    st.created.insert(id, created);
    Ok(json!({"code": 200, "playlist": playlist, "id": id}).into())
}

fn rename(c: &Call<'_>) -> Result<Answer, Value> {
    let id = c.id_param("id").ok_or_else(param_error)?;
    let name = checked_name(c)?;
    let mut st = c.ctl.library().state();
    if !st.exists(id) {
        return Err(no_playlist());
    }
    if !st.owns(id) {
        return Err(not_yours("无权限"));
    }
    match st.created.get_mut(&id) {
        Some(created) => created.name = name,
        None => {
            st.renamed.insert(id, name);
        }
    }
    Ok(json!({"code": 200}).into())
}

fn delete(c: &Call<'_>) -> Result<Answer, Value> {
    let ids = id_list(c.params.get("ids")).ok_or_else(param_error)?;
    let mut st = c.ctl.library().state();
    for id in &ids {
        if !st.exists(*id) {
            return Err(no_playlist());
        }
        if !st.owns(*id) || *id == LIKED_PLAYLIST {
            return Err(not_yours("无权限"));
        }
    }
    for id in ids {
        st.created.remove(&id);
        st.tracks.remove(&id);
        st.deleted.insert(id);
    }
    Ok(json!({"code": 200}).into())
}

fn tracks(c: &Call<'_>) -> Result<Answer, Value> {
    let add = match c.str_param("op").as_deref() {
        Some("add") => true,
        Some("del") => false,
        _ => return Err(param_error()),
    };
    let pid = c.id_param("pid").ok_or_else(param_error)?;
    let ids = id_list(c.params.get("trackIds")).ok_or_else(param_error)?;
    let mut st = c.ctl.library().state();
    if !st.exists(pid) {
        return Err(no_playlist());
    }
    if !st.owns(pid) {
        return Err(not_yours("无权限"));
    }
    let list = st.track_ids_mut(pid);
    if add {
        let new: Vec<u64> = ids
            .iter()
            .filter(|id| !list.contains(id))
            .copied()
            .collect();
        if new.is_empty() {
            return Err(json!({"code": 502, "message": "歌单内歌曲重复", "msg": "歌单内歌曲重复"}));
        }
        for id in new.iter().rev() {
            list.insert(0, *id);
        }
        let count = list.len();
        Ok(json!({
            "code": 200,
            "trackIds": serde_json::to_string(&new).unwrap_or_default(),
            "count": count,
            "cloudCount": 0
        })
        .into())
    } else {
        list.retain(|id| !ids.contains(id));
        let count = list.len();
        Ok(json!({"code": 200, "count": count}).into())
    }
}

fn subscribe(c: &Call<'_>, follow: bool) -> Result<Answer, Value> {
    let id = c.id_param("id").ok_or_else(param_error)?;
    if follow && c.ctl.demands_anti_cheat_token() && !c.anti_cheat_token {
        return Err(anti_cheat_demand());
    }
    let mut st = c.ctl.library().state();
    if !st.exists(id) {
        return Err(no_playlist());
    }
    if st.owns(id) {
        return Err(not_yours("不能收藏自己的歌单"));
    }
    st.followed.retain(|f| *f != id);
    if follow {
        st.followed.insert(0, id);
    }
    Ok(json!({"code": 200}).into())
}
