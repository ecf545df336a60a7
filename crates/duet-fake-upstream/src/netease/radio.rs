//! Personal FM and heartbeat mode (docs/netease-wire.md "Personal FM and heartbeat mode"):
//! `/api/v1/radio/get` answers batches of three from a catalogue of its own that keeps coming
//! round (never a trashed song again), `/api/radio/trash/add` keeps what it was told so tests
//! can read it back, and `/api/playmode/intelligence/list` answers a queue started from one
//! song of a playlist. Every call needs a login (301).

use std::sync::Mutex;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::catalog::{self, set, SongKind};
use super::endpoints::{need_login, param_error, Answer, Call};
use crate::journal::lock;

pub(crate) const PERSONAL_FM: &str = "/api/v1/radio/get";
pub(crate) const TRASH: &str = "/api/radio/trash/add";
const HEARTBEAT: &str = "/api/playmode/intelligence/list";

/// Every path this module answers.
pub(crate) const PATHS: [&str; 3] = [PERSONAL_FM, TRASH, HEARTBEAT];

/// The FM catalogue goes on after the twin recordings with songs `FM_TRACK_BASE + 1 ..=
/// FM_TRACK_BASE + FM_CATALOGUE_LEN` (the playable ones; ids ending in 13 or 77 are grey or VIP
/// and never offered).
pub const FM_TRACK_BASE: u64 = 730_000_000;
const FM_CATALOGUE_LEN: u64 = 60;
/// How many songs one FM batch holds.
pub const FM_BATCH: usize = 3;
/// Songs a heartbeat queue recommends (beyond the playlist's own) start here.
pub const HEARTBEAT_TRACK_BASE: u64 = 740_000_000;
/// The most a heartbeat list answers, whatever `count` asks.
const HEARTBEAT_MAX: usize = 50;

/// One "not interested" the fake was told, as it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrashRecord {
    pub song_id: u64,
    pub alg: String,
    pub time: i64,
}

#[derive(Default)]
struct State {
    /// Index into the catalogue of the next song offered.
    cursor: u64,
    trashed: Vec<TrashRecord>,
}

#[derive(Default)]
pub(crate) struct Radio {
    state: Mutex<State>,
}

impl Radio {
    pub(crate) fn trashed(&self) -> Vec<TrashRecord> {
        lock(&self.state).trashed.clone()
    }
}

/// Every song personal FM offers, in the order it offers them (coming round again at the end):
/// the playable twin recordings (real titles, also on QQ Music), then generated songs.
pub fn fm_catalogue() -> Vec<u64> {
    crate::twins::twins()
        .iter()
        .map(|t| t.netease.id)
        .chain((1..=FM_CATALOGUE_LEN).map(|n| FM_TRACK_BASE + n))
        .filter(|id| catalog::song_kind(*id) == SongKind::Normal)
        .collect()
}

/// Answers one radio call.
pub(crate) fn dispatch(c: &Call<'_>) -> Answer {
    let answered = match c.session() {
        None => Err(need_login()),
        Some(_) => match c.path {
            PERSONAL_FM => personal_fm(c),
            TRASH => trash(c),
            HEARTBEAT => heartbeat(c),
            _ => Err(param_error()),
        },
    };
    answered.unwrap_or_else(Answer::from)
}

/// Only what the transport itself adds may come with a call that takes no parameters.
fn takes_nothing(params: &Map<String, Value>) -> bool {
    params
        .keys()
        .all(|k| k == "csrf_token" || k == "header" || k == "e_r")
}

/// A song in the legacy schema FM answers in: `artists`, `album`, `duration`, its privilege
/// inline.
fn legacy_song(id: u64, alg: &str) -> Value {
    let (song, privilege) = catalog::song_with_privilege(id);
    json!({
        "id": id,
        "name": song["name"],
        "artists": song["ar"],
        "album": song["al"],
        "duration": song["dt"],
        "fee": song["fee"],
        "position": 0,
        "status": 0,
        "copyrightId": 0,
        "mvid": 0,
        "alg": alg,
        "privilege": privilege,
    })
}

fn personal_fm(c: &Call<'_>) -> Result<Answer, Value> {
    if !takes_nothing(c.params) {
        return Err(param_error());
    }
    let mut st = lock(&c.ctl.radio().state);
    let songs = fm_catalogue();
    let trashed: Vec<u64> = st.trashed.iter().map(|t| t.song_id).collect();
    let mut batch = Vec::with_capacity(FM_BATCH);
    // One round of the catalogue at most: a catalogue trashed whole answers an empty batch.
    for _ in 0..songs.len() {
        if batch.len() == FM_BATCH {
            break;
        }
        let id = songs[(st.cursor % songs.len() as u64) as usize];
        st.cursor += 1;
        if !trashed.contains(&id) {
            batch.push(legacy_song(id, "itembased"));
        }
    }
    Ok(json!({"popAdjust": false, "data": batch, "code": 200}).into())
}

fn trash(c: &Call<'_>) -> Result<Answer, Value> {
    let song_id = c.id_param("songId").ok_or_else(param_error)?;
    let alg = c
        .str_param("alg")
        .filter(|a| !a.is_empty())
        .ok_or_else(param_error)?;
    let time = match c.int_param("time") {
        Ok(Some(t)) if t >= 0 => t,
        _ => return Err(param_error()),
    };
    let known = catalog::song_kind(song_id) == SongKind::Normal;
    if !known {
        return Err(param_error());
    }
    lock(&c.ctl.radio().state)
        .trashed
        .push(TrashRecord { song_id, alg, time });
    Ok(json!({"code": 200, "data": true}).into())
}

fn heartbeat(c: &Call<'_>) -> Result<Answer, Value> {
    let song = c.id_param("songId").ok_or_else(param_error)?;
    let playlist = c.id_param("playlistId").ok_or_else(param_error)?;
    let start = c.id_param("startMusicId").ok_or_else(param_error)?;
    if c.str_param("type").as_deref() != Some("fromPlayOne") || start != song {
        return Err(param_error());
    }
    let count = match c.int_param("count") {
        Ok(None) => 1,
        Ok(Some(n)) if n >= 1 => (n as usize).min(HEARTBEAT_MAX),
        _ => return Err(param_error()),
    };
    let Some(detail) = c.ctl.library().playlist_detail(playlist, 0) else {
        return Err(json!({"code": 404, "message": "歌单不存在"}));
    };
    let own: Vec<u64> = detail["playlist"]["trackIds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_u64())
        .filter(|id| *id != song)
        .collect();
    let item = |id: u64, recommended: bool| {
        let (mut info, privilege) = catalog::song_with_privilege(id);
        set(&mut info, "privilege", privilege);
        json!({
            "id": id,
            "alg": if recommended { "hb_fake" } else { "" },
            "recommended": recommended,
            "songInfo": info,
        })
    };
    let mut data = vec![item(song, false)];
    let mut own = own.into_iter();
    let mut n = 0;
    while data.len() < count.max(1) {
        // Every other song is a recommendation; the rest come from the playlist.
        let next = if data.len() % 2 == 1 {
            n += 1;
            Some((HEARTBEAT_TRACK_BASE + song % 1000 * 100 + n, true))
        } else {
            own.next().map(|id| (id, false))
        };
        match next {
            Some((id, recommended)) => data.push(item(id, recommended)),
            None => {
                n += 1;
                data.push(item(HEARTBEAT_TRACK_BASE + song % 1000 * 100 + n, true));
            }
        }
    }
    Ok(json!({"code": 200, "message": "SUCCESS", "data": data}).into())
}
