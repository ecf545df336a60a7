//! Playlist reads: one playlist's tracks, an account's created and collected playlists.

use serde_json::{json, Value};

use super::{account_param, bad_param, ok, Ctx};
use crate::qq::catalog::{self, set};
use crate::qq::{fixtures, QqAccount};

// ---- playlists (§5.6, §5.7) ---------------------------------------------------------------

/// Most tracks one playlist call returns.
const MAX_SONG_NUM: i64 = 1000;

pub(super) fn playlist(c: &Ctx<'_>, diss: bool) -> Result<Value, Value> {
    let tid = c.int_p("disstid")?.unwrap_or(0);
    let dirid = c.int_p("dirid")?.unwrap_or(0);
    let begin = c.int_p("song_begin")?.unwrap_or(0);
    let num = c.int_p("song_num")?.unwrap_or(MAX_SONG_NUM);
    if tid < 0 || begin < 0 || num < 0 {
        return Err(bad_param());
    }
    let num = num.min(MAX_SONG_NUM) as u64;
    let p = if tid == 0 && dirid == catalog::LIKED_DIRID as i64 {
        let me = c.account()?;
        let owner = match c.str_p("enc_host_uin").unwrap_or_default().as_str() {
            "" => me,
            euin => QqAccount::by_encrypt_uin(euin).ok_or_else(bad_param)?,
        };
        c.ctl.library().liked_playlist(owner)
    } else {
        let p = c.ctl.library().playlist(tid as u64).ok_or_else(|| {
            tracing::debug!(tid, "unknown playlist (500003)");
            bad_param()
        })?;
        if p.liked {
            c.account()?;
        }
        p
    };
    let songs = p.tracks(begin as u64, num);
    let end = begin as u64 + songs.len() as u64;
    let mut data =
        fixtures::get().get("playlist_uniform_get_Dissinfo.envelope.json")["req"]["data"].clone();
    let me = c.auth.account;
    let fixture = p.tid == catalog::FIXTURE_PLAYLIST_ID;
    for (k, v) in [
        ("dirinfo", p.dirinfo()),
        ("songlist", json!(songs)),
        ("total_song_num", json!(p.total)),
        ("hasmore", json!(i32::from(end < p.total))),
        ("login_uin", json!(me.map_or(0, |a| a.musicid()))),
        ("encrypt_login", json!(me.map_or("", |a| a.encrypt_uin()))),
        ("ct", c.comm["ct"].clone()),
        ("cv", c.comm["cv"].clone()),
    ] {
        set(&mut data, k, v);
    }
    if !fixture {
        for k in ["songtag", "quickListenVid", "orderlist"] {
            set(&mut data, k, json!([]));
        }
        set(&mut data, "aiExt", Value::Null);
    }
    if diss {
        set(
            &mut data,
            "songlist_size",
            json!(end - (begin as u64).min(end)),
        );
    }
    Ok(ok(data))
}

pub(super) fn created_playlists(c: &Ctx<'_>) -> Result<Value, Value> {
    c.account()?;
    let owner = account_param(c, "uin");
    let mut list = Vec::new();
    if let Some(a) = owner {
        let liked = c.ctl.library().liked_playlist(a);
        let entry = |p: &catalog::Playlist| {
            json!({
                "tid": p.tid, "dirId": p.dirid, "dirName": p.title, "songNum": p.total,
                "picUrl": p.picurl(), "bigpicUrl": p.picurl(),
                "createTime": 1_700_000_000 + p.total, "updateTime": 1_710_000_000 + p.total,
                "dirShow": 1, "uin": a.musicid(), "encrypt_uin": a.encrypt_uin(),
            })
        };
        list.push(entry(&liked));
        for (tid, _) in c.ctl.library().created(a) {
            if let Some(p) = c.ctl.library().playlist(tid) {
                list.push(entry(&p));
            }
        }
    }
    Ok(ok(json!({
        "v_playlist": list,
        "v_delTid": [],
        "bFinish": 1,
        "totalNum": list.len(),
    })))
}

pub(super) fn fav_playlists(c: &Ctx<'_>) -> Result<Value, Value> {
    c.account()?;
    let offset = c.int_p("offset")?.unwrap_or(0);
    let size = c.int_p("size")?.unwrap_or(100);
    if offset < 0 || size < 0 {
        return Err(bad_param());
    }
    let all: Vec<u64> = account_param(c, "uin")
        .map(|a| c.ctl.library().collected(a))
        .unwrap_or_default();
    let end = all.len().min(offset as usize + size.min(500) as usize);
    let page: Vec<Value> = all
        .get(offset as usize..end)
        .unwrap_or_default()
        .iter()
        .filter_map(|tid| c.ctl.library().playlist(*tid))
        .map(|p| {
            let d = p.dirinfo();
            json!({
                "tid": p.tid, "dirid": 0, "name": p.title, "logo": p.picurl(),
                "songnum": p.total, "listennum": d["listennum"], "nick": d["host_nick"],
                "uin": d["host_uin"], "encrypt_uin": d["encrypt_uin"],
                "createtime": d["ctime"], "dirtype": 0,
            })
        })
        .collect();
    Ok(ok(json!({
        "v_list": page,
        "total": all.len(),
        "hasmore": i32::from(end < all.len()),
    })))
}
