//! Synthesised desktop search pages (§5.1): songs, singers, albums and playlists for any
//! query, built from the captured result items.

use serde_json::{json, Value};

use super::playlists::playlist;
use super::songs::{generated_album, generated_singer, song_by_id, Song};
use super::{
    album_cover, set, singer_pic, FIXTURE_SONG_IDS, GENERATED_PLAYLIST_BASE, GENERATED_SONG_BASE,
    SPECIAL_SONG_BASE,
};
use crate::qq::fixtures;
use crate::twins;

/// Results per query and type (any query but `__nothing__`).
const SEARCH_TOTALS: [u64; 4] = [137, 23, 41, 58];

/// The song ids a search for `query` lists before the generated ones: the twin catalogue's
/// listings the query finds, then 晴天, the specials and the other captured songs (each once).
fn leading_song_ids(query: &str) -> Vec<u64> {
    let mut ids: Vec<u64> = twins::search(twins::Service::Qq, query)
        .iter()
        .map(|l| l.id)
        .collect();
    for id in std::iter::once(97_773)
        .chain((1..=6).map(|n| SPECIAL_SONG_BASE + n))
        .chain(FIXTURE_SONG_IDS[1..].iter().copied())
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// How many leading songs the fixed list has beyond the plain one (twins the query found).
fn extra_songs(query: &str) -> u64 {
    leading_song_ids(query).len() as u64 - leading_song_ids("").len() as u64
}

/// The n-th (0-based) song result of `query`: its leading songs, then generated ones.
fn search_song(i: u64, query: &str) -> Option<Song> {
    let fixed = leading_song_ids(query);
    match fixed.get(i as usize) {
        Some(id) => song_by_id(*id),
        None => song_by_id(GENERATED_SONG_BASE + 1 + i - fixed.len() as u64),
    }
}

fn hilight(name: &str, query: &str) -> String {
    if !query.is_empty() && name.contains(query) {
        name.replace(query, &format!("<em>{query}</em>"))
    } else {
        name.to_owned()
    }
}

fn search_item(kind: u64, i: u64, query: &str) -> Option<Value> {
    let f = fixtures::get();
    match kind {
        0 => {
            let s = search_song(i, query)?;
            let mut t = s.track.clone();
            set(&mut t, "title_hilight", hilight(&s.name, query));
            set(&mut t, "lyric", "");
            set(&mut t, "lyric_hilight", "");
            set(
                &mut t,
                "docid",
                format!("{}", 9_000_000_000_000_000_000u64 + s.id),
            );
            set(&mut t, "grp", json!([]));
            Some(t)
        }
        1 => {
            let fixed = f.get("search_desktop_body.singer.list.json").as_array()?;
            if let Some(v) = fixed.get(i as usize) {
                return Some(v.clone());
            }
            let (id, mid, name) = generated_singer(i);
            let mut v = fixed.first()?.clone();
            for (k, val) in [
                ("singerID", json!(id)),
                ("singerMID", json!(mid)),
                ("singerName", json!(name)),
                ("singerName_hilight", json!(hilight(&name, query))),
                ("singerPic", json!(singer_pic(&mid, 150))),
                ("albumNum", json!(3)),
                ("songNum", json!(36)),
                ("mvNum", json!(0)),
                (
                    "docid",
                    json!(format!("{}", 7_000_000_000_000_000_000u64 + id)),
                ),
            ] {
                set(&mut v, k, val);
            }
            Some(v)
        }
        2 => {
            let mut v = f.get("search_desktop_album_type2.TRIMMED.envelope.json")["req"]["data"]
                ["body"]["album"]["list"][0]
                .clone();
            if i == 0 {
                return Some(v);
            }
            let (id, mid, name) = generated_album(i * 12);
            let (sid, smid, sname) = generated_singer(i);
            for (k, val) in [
                ("albumID", json!(id)),
                ("albumMID", json!(mid)),
                ("albumName", json!(name)),
                ("albumName_hilight", json!(hilight(&name, query))),
                (
                    "albumPic",
                    json!(album_cover(&mid, 180).replace("https:", "http:")),
                ),
                (
                    "docid",
                    json!(format!("{}", 3_000_000_000_000_000_000u64 + id)),
                ),
                ("publicTime", json!("2024-05-20")),
                ("singerID", json!(sid)),
                ("singerMID", json!(smid)),
                ("singerName", json!(sname)),
                ("singerName_hilight", json!(sname)),
                (
                    "singer_list",
                    json!([{"id": sid, "mid": smid, "name": sname, "pmid": "", "title": sname, "type": 0, "uin": 0}]),
                ),
                ("song_count", json!(12)),
            ] {
                set(&mut v, k, val);
            }
            Some(v)
        }
        3 => {
            let fixed = f.get("search_desktop_body.songlist.list.json").as_array()?;
            if let Some(v) = fixed.get(i as usize) {
                return Some(v.clone());
            }
            let n = 10 + (i * 7) % 300;
            let tid = GENERATED_PLAYLIST_BASE + n;
            let p = playlist(tid)?;
            let mut v = fixed.first()?.clone();
            for (k, val) in [
                ("dissid", json!(tid.to_string())),
                ("docid", json!(tid.to_string())),
                ("dissname", json!(p.title)),
                ("imgurl", json!(p.picurl())),
                ("introduction", json!(p.desc)),
                ("listennum", json!(n * 37 + 1000)),
                ("song_count", json!(n)),
                ("createtime", json!("2024-05-20")),
                ("modifytime", json!("2024-06-01")),
                (
                    "creator",
                    json!({
                        "avatarUrl": "", "creator_uin": "2783429033", "encrypt_uin": "oooooooooooooo**",
                        "followflag": 0, "isVip": 0, "name": "Duet 官方歌单", "qq": 2_783_429_033u64,
                        "singerid": 0, "singermid": "", "type": 0
                    }),
                ),
            ] {
                set(&mut v, k, val);
            }
            Some(v)
        }
        _ => None,
    }
}

/// The empty `body` of a search answer (every list empty).
pub(crate) fn empty_search_body() -> Value {
    json!({
        "album": {"list": []}, "gedantip": {"tab": 0, "tip": ""}, "mv": {"list": []}, "qc": [],
        "singer": {"list": []}, "song": {"list": []}, "songlist": {"list": []},
        "user": {"list": []}, "zhida": {"list": []}
    })
}

/// `data` of a logged-in desktop search (§5.1). `per_page` is already clamped to 10..=50;
/// `empty` gives the 2026 behaviour for `searchid` / `num_per_page` < 10.
pub(crate) fn search(query: &str, kind: u64, page: u64, per_page: u64, empty: bool) -> Value {
    let total = if query.trim() == "__nothing__" || empty {
        0
    } else if kind == 0 {
        SEARCH_TOTALS[0] + extra_songs(query)
    } else {
        SEARCH_TOTALS.get(kind as usize).copied().unwrap_or(0)
    };
    let begin = (page - 1).saturating_mul(per_page);
    let end = total.min(begin.saturating_add(per_page));
    let list: Vec<Value> = (begin..end)
        .filter_map(|i| search_item(kind, i, query))
        .collect();
    let mut body = empty_search_body();
    let slot = match kind {
        0 => "song",
        1 => "singer",
        2 => "album",
        3 => "songlist",
        4 => "mv",
        8 => "user",
        _ => "song",
    };
    set(&mut body, slot, json!({"list": list}));
    json!({
        "body": body,
        "code": 0,
        "feedbackURL": "",
        "meta": {
            "cid": "", "curpage": page, "dir": "", "display_order": [], "ein": end,
            "estimate_sum": total, "expid": "", "is_filter": 0,
            "nextpage": if end < total { json!(page + 1) } else { json!(-1) },
            "perpage": per_page, "query": query, "sum": total, "uid": "", "v_cache": []
        },
        "ver": 0
    })
}

#[cfg(test)]
mod tests {
    use super::super::SONG_QRC_FULL;
    use super::*;
    #[test]
    fn search_pages() {
        let d = search("晴天", 0, 1, 10, false);
        assert_eq!(d["body"]["song"]["list"].as_array().unwrap().len(), 10);
        assert_eq!(d["body"]["song"]["list"][0]["mid"], SONG_QRC_FULL);
        assert_eq!(
            d["body"]["song"]["list"][0]["title_hilight"],
            "<em>晴天</em>"
        );
        let last = search("x", 0, 14, 10, false);
        assert_eq!(last["body"]["song"]["list"].as_array().unwrap().len(), 7);
        assert_eq!(last["meta"]["nextpage"], -1);
        for kind in 1..=3 {
            let d = search("x", kind, 1, 50, false);
            let slot = ["", "singer", "album", "songlist"][kind as usize];
            assert_eq!(
                d["body"][slot]["list"].as_array().unwrap().len() as u64,
                SEARCH_TOTALS[kind as usize].min(50)
            );
        }
        assert_eq!(search("__nothing__", 0, 1, 10, false)["meta"]["sum"], 0);
        // The twin catalogue's songs lead, each listed once; a query it lacks changes nothing.
        let d = search("Shape of You", 0, 1, 10, false);
        let list = d["body"]["song"]["list"].as_array().unwrap();
        assert_eq!(list[0]["mid"], "004DuetTwin008");
        assert_eq!(list[1]["title"], "Shape of You (Stormzy Remix)");
        assert_eq!(list[2]["mid"], SONG_QRC_FULL);
        assert_eq!(d["meta"]["sum"], SEARCH_TOTALS[0] + 2);
        let d = search("晴天", 0, 1, 50, false);
        let list = d["body"]["song"]["list"].as_array().unwrap();
        let plain = list.iter().filter(|t| t["mid"] == SONG_QRC_FULL).count();
        assert_eq!(plain, 1);
        assert_eq!(
            search("x", 0, 1, 10, false)["meta"]["sum"],
            SEARCH_TOTALS[0]
        );
    }
}
