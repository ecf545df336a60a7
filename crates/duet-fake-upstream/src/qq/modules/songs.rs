//! Song reads: desktop search, song details, track info batches and lyrics.

use serde_json::{json, Value};

use super::{bad_param, ok, Ctx};
use crate::qq::catalog::{self, set, LyricKind, Song};
use crate::qq::{fixtures, lyrics};

// ---- search (§5.1) ----------------------------------------------------------------------

/// The 2001 answer of an anonymous search (the captured one, `meta.curpage` = the page).
pub(crate) fn search_risk_control(param: &Value) -> Value {
    let mut item = fixtures::get()
        .get("search_desktop_not_logged_in_code2001.PARTIAL.envelope.json")["req"]
        .clone();
    let page = param["page_num"].as_u64().unwrap_or(1).max(1);
    if let Some(meta) = item["data"]["meta"].as_object_mut() {
        meta.insert("curpage".into(), json!(page));
    }
    item
}

pub(super) fn search(c: &Ctx<'_>) -> Result<Value, Value> {
    if c.auth.account.is_none() {
        tracing::debug!("anonymous desktop search (2001)");
        return Ok(search_risk_control(c.param));
    }
    let query = c.str_p("query").unwrap_or_default();
    if query.trim().is_empty() || query.chars().count() > 200 {
        return Err(bad_param());
    }
    let kind = c.int_p("search_type")?.unwrap_or(0);
    let page = c.int_p("page_num")?.unwrap_or(1);
    let per_page = c.int_p("num_per_page")?.unwrap_or(10);
    if !(0..=100).contains(&kind) || !(1..=10_000).contains(&page) || per_page < 0 {
        return Err(bad_param());
    }
    // 2026 behaviour (§5.1, §9.4): `searchid` or fewer than 10 a page empties every list.
    let empty = c.param.get("searchid").is_some() || per_page < 10;
    let per_page = per_page.clamp(10, 50);
    Ok(ok(catalog::search(
        &query,
        kind as u64,
        page as u64,
        per_page as u64,
        empty,
    )))
}

// ---- songs (§5.2, §5.3) -------------------------------------------------------------------

fn song_of(c: &Ctx<'_>, mid_key: &[&str], id_key: &[&str]) -> Result<Option<Song>, Value> {
    for k in mid_key {
        if let Some(mid) = c.str_p(k).filter(|m| !m.is_empty()) {
            return Ok(catalog::song_by_mid(&mid));
        }
    }
    for k in id_key {
        if let Some(id) = c.int_p(k)? {
            return Ok(u64::try_from(id).ok().and_then(catalog::song_by_id));
        }
    }
    Err(bad_param())
}

pub(super) fn song_detail(c: &Ctx<'_>) -> Result<Value, Value> {
    let song = song_of(c, &["song_mid"], &["song_id"])?.ok_or_else(|| {
        tracing::debug!("song detail of an unknown song (500003)");
        bad_param()
    })?;
    let f = fixtures::get();
    for name in [
        "song_detail_get_song_detail_yqq.envelope.json",
        "song_detail_get_song_detail_web_musics_2023.envelope.json",
    ] {
        let item = &f.get(name)["req_0"];
        if item["data"]["track_info"]["id"].as_u64() == Some(song.id) {
            return Ok(item.clone());
        }
    }
    let mut info =
        f.get("song_detail_get_song_detail_yqq.envelope.json")["req_0"]["data"]["info"].clone();
    if let Some(m) = info.as_object_mut() {
        m.remove("intro");
        m.remove("company");
    }
    if let Some(v) = info.pointer_mut("/pub_time/content/0/value") {
        *v = song.track["time_public"].clone();
    }
    Ok(ok(json!({
        "info": info,
        "extras": {"name": song.name, "transname": "", "subtitle": "", "from": "3", "wikiurl": ""},
        "track_info": song.track,
    })))
}

pub(super) fn track_info(c: &Ctx<'_>) -> Result<Value, Value> {
    let songs: Vec<Option<Song>> = match (c.p("ids"), c.p("mids")) {
        (Value::Array(ids), _) if !ids.is_empty() => ids
            .iter()
            .map(|v| match v {
                Value::Number(n) => Ok(n.as_u64().and_then(catalog::song_by_id)),
                Value::String(s) => Ok(s.trim().parse().ok().and_then(catalog::song_by_id)),
                _ => Err(bad_param()),
            })
            .collect::<Result<_, _>>()?,
        (_, Value::Array(mids)) if !mids.is_empty() => mids
            .iter()
            .map(|v| v.as_str().map(catalog::song_by_mid).ok_or_else(bad_param))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad_param()),
    };
    if songs.len() > 500 {
        return Err(bad_param());
    }
    let mut data = fixtures::get().get("trackinfo_CgiGetTrackInfo.item.json")["data"].clone();
    let tracks: Vec<Value> = songs
        .into_iter()
        .map(catalog::track_or_placeholder)
        .collect();
    set(&mut data, "tracks", tracks);
    set(
        &mut data,
        "musicid",
        c.auth.account.map_or(0, |a| a.musicid()),
    );
    Ok(ok(data))
}

// ---- lyrics (§5.5) ------------------------------------------------------------------------

/// `GetPlayLyricInfo`. The song is named by its numeric `songID` (L-1124 spells it `songId`),
/// which every public client sends; `songMID` may come along, as the web page sends both, but
/// the id decides. A request naming the song by its mid alone, which no reference makes
/// (docs/protocol/fidelity-2026-12.md row 4a), is refused as a request missing a parameter
/// (500003): a client that forgets the id fails loudly here, not with an empty lyric.
pub(super) fn lyric(c: &Ctx<'_>) -> Result<Value, Value> {
    let Some(id) = c.int_p("songID")?.or(c.int_p("songId")?) else {
        tracing::debug!("lyric request without songID (500003)");
        return Err(bad_param());
    };
    let song = u64::try_from(id).ok().and_then(catalog::song_by_id);
    let kind = song.as_ref().map(|s| s.lyric);
    let crypt = c.int_p("crypt")?.unwrap_or(0) == 1;
    let texts = song.as_ref().map(lyrics::texts).unwrap_or_default();
    let qrc = crypt && c.flag("qrc") && texts.qrc.is_some();
    let base64 = |t: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(t.as_bytes())
    };
    let encode = |t: Option<&String>| -> String {
        match t {
            None => String::new(),
            Some(t) if crypt => duet_qqmusic::qrc::encrypt_to_hex(t),
            Some(t) => base64(t),
        }
    };
    let main = if qrc {
        texts.qrc.as_ref()
    } else {
        texts.lrc.as_ref()
    };
    let mut lyric = encode(main);
    if let Some(note) = &texts.instrumental_note {
        // The note carries no cipher even under `crypt=1` (fidelity row 4d).
        lyric = if crypt {
            plain_zlib_hex(note)
        } else {
            base64(note)
        };
    }
    if qrc && kind == Some(LyricKind::BrokenQrc) {
        // Cut short at a block boundary: valid hex whose zlib stream never ends.
        lyric.truncate(lyric.len() / 32 * 16);
    }
    let trans = texts.trans.as_ref().filter(|_| c.flag("trans"));
    let roma = if crypt {
        texts.roma_qrc.as_ref()
    } else {
        texts.roma_lrc.as_ref()
    }
    .filter(|_| c.flag("roma"));
    let mut data = json!({
        "songID": song.as_ref().map_or(0, |s| s.id),
        "songName": song.as_ref().map_or("", |s| s.name.as_str()),
        "crypt": i32::from(crypt),
        "lyric": lyric,
        "trans": encode(trans),
        "roma": encode(roma),
        "qrc": i32::from(qrc),
        "lrc_t": 1_700_000_000,
        "qrc_t": if qrc { 1_700_000_000 } else { 0 },
        "trans_t": if trans.is_some() { 1_700_000_000 } else { 0 },
        "roma_t": if roma.is_some() { 1_700_000_000 } else { 0 },
        "hasContributor": 0,
        "hasTransContributor": 0,
        "hasMultiTrans": 0,
        "singingAnnotationsLyric": "",
        "singingAnnotationsTs": 0,
    });
    if kind == Some(LyricKind::NoCryptField) {
        if let Some(map) = data.as_object_mut() {
            map.remove("crypt");
        }
    }
    Ok(ok(data))
}

/// `text` as zlib (level 6, header `789C`) in upper-case hex, with no cipher around it.
fn plain_zlib_hex(text: &str) -> String {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing into a Vec cannot fail.
    let bytes = encoder
        .write_all(text.as_bytes())
        .and_then(|()| encoder.finish())
        .unwrap_or_default();
    bytes.iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02X}");
        hex
    })
}
