//! Library writes (docs/qqmusic-wire.md "Library writes"): "我喜欢" and the account's own
//! playlists through `music.musicasset.*Write`, as L-1124's `modules/songlist.py` and
//! `user.py` send them. Each needs a login; each is kept by [`crate::qq::library`].

use serde_json::{json, Value};

use super::{bad_param, ok, Ctx};
use crate::qq::catalog;
use crate::qq::library::Refusal;

/// "这首歌已经在歌单里 / 不在歌单里": the item code of an add or remove with nothing to do.
const NOTHING_TO_DO: i64 = 80_092;
/// The longest directory name the service takes (the app stops at 40 characters).
const NAME_MAX_CHARS: usize = 40;

fn refused(refusal: Refusal) -> Value {
    match refusal {
        // No capture shows a write on a directory the account lacks: the fake answers as the
        // module answers a parameter it rejects.
        Refusal::UnknownDir | Refusal::UnknownPlaylist | Refusal::Fixed => bad_param(),
        Refusal::NothingToDo => json!({"code": NOTHING_TO_DO, "data": {"retCode": NOTHING_TO_DO}}),
    }
}

fn dir_id(c: &Ctx<'_>) -> Result<u64, Value> {
    match c.int_p("dirId")? {
        Some(d) if d > 0 => Ok(d as u64),
        _ => Err(bad_param()),
    }
}

fn name(c: &Ctx<'_>, key: &str) -> Result<String, Value> {
    let name = c.str_p(key).unwrap_or_default();
    let n = name.trim().chars().count();
    if n == 0 || n > NAME_MAX_CHARS {
        return Err(bad_param());
    }
    Ok(name.trim().to_owned())
}

/// `PlaylistDetailWrite` `AddSonglist` / `DelSonglist`: `{dirId, v_songInfo:[{songId,
/// songType:0}]}`.
pub(super) fn change_songs(c: &Ctx<'_>, add: bool) -> Result<Value, Value> {
    let a = c.account()?;
    let dirid = dir_id(c)?;
    let songs = c.p("v_songInfo").as_array().ok_or_else(bad_param)?;
    let ids: Option<Vec<u64>> = songs
        .iter()
        .map(|s| {
            let id = s["songId"].as_u64().filter(|id| *id > 0)?;
            matches!(s["songType"].as_i64(), None | Some(0)).then_some(id)
        })
        .collect();
    let ids = ids.filter(|ids| !ids.is_empty()).ok_or_else(bad_param)?;
    if ids.iter().any(|id| catalog::song_by_id(*id).is_none()) {
        return Err(bad_param());
    }
    c.ctl
        .library()
        .change_songs(a, dirid, &ids, add)
        .map_err(refused)?;
    Ok(ok(json!({"retCode": 0, "msg": ""})))
}

/// `PlaylistBaseWrite` `AddPlaylist {dirName}` → `data.result{tid, dirId, dirName}`.
pub(super) fn add_playlist(c: &Ctx<'_>) -> Result<Value, Value> {
    let a = c.account()?;
    let name = name(c, "dirName")?;
    let (tid, dirid) = c.ctl.library().create(a, &name);
    Ok(ok(json!({
        "retCode": 0,
        "result": {"tid": tid, "dirId": dirid, "dirName": name},
    })))
}

/// `PlaylistBaseWrite` `DelPlaylist {dirId}`.
pub(super) fn del_playlist(c: &Ctx<'_>) -> Result<Value, Value> {
    let a = c.account()?;
    let dirid = dir_id(c)?;
    c.ctl.library().delete(a, dirid).map_err(refused)?;
    Ok(ok(json!({"retCode": 0})))
}

/// `PlaylistBaseWrite` `EditPlaylist {dirId, mask:1, dirNewName}` (mask 1: the name only).
pub(super) fn edit_playlist(c: &Ctx<'_>) -> Result<Value, Value> {
    let a = c.account()?;
    let dirid = dir_id(c)?;
    if c.int_p("mask")? != Some(1) {
        return Err(bad_param());
    }
    let name = name(c, "dirNewName")?;
    c.ctl.library().rename(a, dirid, &name).map_err(refused)?;
    Ok(ok(json!({"retCode": 0})))
}

/// `PlaylistFavWrite` `FavPlaylist` / `CancelFavPlaylist`: `{uin, v_playlistId:[tid]}`.
pub(super) fn fav_playlist(c: &Ctx<'_>, collect: bool) -> Result<Value, Value> {
    let a = c.account()?;
    let tids: Option<Vec<u64>> = c
        .p("v_playlistId")
        .as_array()
        .ok_or_else(bad_param)?
        .iter()
        .map(|t| t.as_u64().filter(|t| *t > 0))
        .collect();
    let tids = tids.filter(|t| !t.is_empty()).ok_or_else(bad_param)?;
    for tid in tids {
        c.ctl.library().collect(a, tid, collect).map_err(refused)?;
    }
    Ok(ok(json!({"retCode": 0})))
}
