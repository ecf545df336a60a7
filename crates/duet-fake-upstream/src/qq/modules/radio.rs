//! QQ Music's personal radio, 猜你喜欢 (`music.radioProxy.MbTrackRadioSvr` /
//! `get_radio_track`, as L-1124/QQMusicApi's `recommend.get_guess_recommend` asks it; see
//! `docs/qqmusic-wire.md` "Personal radio"): radio `id` 99 only, `num` songs from the playable
//! twin recordings, coming round again; a login's (code 1000 without one).

use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use super::{bad_param, ok, Ctx};
use crate::qq::catalog;
use crate::twins::{self, Availability};

/// The one radio the references name: 猜你喜欢.
pub const GUESS_RADIO_ID: i64 = 99;
/// The most songs one answer holds, whatever `num` asks.
const MOST: i64 = 20;

/// Every song the radio offers, in the order it offers them (songids).
pub fn radio_catalogue() -> Vec<u64> {
    twins::twins()
        .iter()
        .filter(|t| t.qq.availability == Availability::Normal)
        .map(|t| t.qq.id)
        .collect()
}

pub(super) fn radio_track(c: &Ctx<'_>) -> Result<Value, Value> {
    c.account()?;
    if c.int_p("id")? != Some(GUESS_RADIO_ID) {
        return Err(bad_param());
    }
    let num = match c.int_p("num")? {
        Some(n) if (1..=MOST).contains(&n) => n as usize,
        _ => return Err(bad_param()),
    };
    for key in ["from", "scene"] {
        c.int_p(key)?.ok_or_else(bad_param)?;
    }
    if !c.p("song_ids").is_array() {
        return Err(bad_param());
    }
    let songs = radio_catalogue();
    let start = c
        .ctl
        .radio_cursor()
        .fetch_add(num as u64, Ordering::Relaxed) as usize;
    let tracks: Vec<Value> = (start..start + num)
        .filter_map(|i| catalog::song_by_id(songs[i % songs.len()]))
        .map(|s| s.track)
        .collect();
    Ok(ok(
        json!({"tracks": tracks, "id": GUESS_RADIO_ID, "msg": ""}),
    ))
}
