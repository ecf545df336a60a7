//! Albums and singers (`docs/qqmusic-wire.md`, "Albums and artists"): any well-formed mid has a
//! page, synthesised from the catalogue's songs. Special mids show what a demanding page needs.

use serde_json::{json, Value};

use crate::twins;

use super::songs::{generated_album, generated_singer, song_by_id};
use super::{
    album_cover, singer_pic, GENERATED_SONG_BASE, HOSTILE_SONGS, HOSTILE_SONG_BASE,
    SPECIAL_SONG_BASE,
};

/// 2,000 tracks (the generated songs `1..=2000`).
pub const LONG_ALBUM_MID: &str = "00AlDuetLong20";
pub const LONG_ALBUM_TRACKS: u64 = 2_000;
/// A hostile name and description; the 66 hostile-titled songs.
pub const HOSTILE_ALBUM_MID: &str = "00AlDuetHostl0";
/// The album of the special songs (VIP, trial, no FLAC, …).
pub const SPECIAL_ALBUM_MID: &str = "00AlDuetSpecl0";
/// A singer of 300 albums, the first two the long and the hostile one.
pub const PROLIFIC_SINGER_MID: &str = "00SgDuetMany00";
pub const PROLIFIC_SINGER_ALBUMS: u64 = 300;
/// A singer with a hostile name and description.
pub const HOSTILE_SINGER_MID: &str = "00SgDuetHostl0";
/// Mids with this prefix are albums and singers the service does not know.
pub const UNKNOWN_MID_PREFIX: &str = "00Nx";

const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)> &amp; \"; DROP TABLE --\u{0} 🎵";
const HOSTILE_DESCRIPTION: &str =
    "</script><script>alert('qq')</script>\n{{7*7}} ${7*7} \u{202e}evil\u{202c} \u{0}";

fn well_formed(mid: &str) -> bool {
    mid.len() == 14 && mid.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether the service knows `mid` (a well-formed mid not of the unknown kind).
pub(crate) fn known(mid: &str) -> bool {
    well_formed(mid) && !mid.starts_with(UNKNOWN_MID_PREFIX)
}

fn small_hash(s: &str) -> u64 {
    s.bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
}

/// The index `k` of a generated album or singer mid (`00Al…`/`00Sg…` + id), if it is one.
fn generated_index(mid: &str, prefix: &str, base: u64) -> Option<u64> {
    let id: u64 = mid.strip_prefix(prefix)?.parse().ok()?;
    id.checked_sub(base)
}

fn album_song_ids(mid: &str) -> Vec<u64> {
    if let Some((_, tracks)) = twins::qq_album_of(mid) {
        return tracks.iter().map(|l| l.id).collect();
    }
    match mid {
        LONG_ALBUM_MID => (1..=LONG_ALBUM_TRACKS)
            .map(|n| GENERATED_SONG_BASE + n)
            .collect(),
        HOSTILE_ALBUM_MID => (1..=HOSTILE_SONGS).map(|n| HOSTILE_SONG_BASE + n).collect(),
        SPECIAL_ALBUM_MID => (1..=9).map(|n| SPECIAL_SONG_BASE + n).collect(),
        _ => match generated_index(mid, "00Al", 6_000_000) {
            // The generated songs whose album this is (`generated_album`: n / 12).
            Some(k) if k < 10_000 => (12 * k..12 * k + 12)
                .filter(|n| *n >= 1)
                .map(|n| GENERATED_SONG_BASE + n)
                .collect(),
            _ => {
                let first = small_hash(mid) % 5_000 * 8;
                (1..=8).map(|i| GENERATED_SONG_BASE + first + i).collect()
            }
        },
    }
}

fn album_name(mid: &str) -> String {
    if let Some((name, _)) = twins::qq_album_of(mid) {
        return name.to_owned();
    }
    match mid {
        LONG_ALBUM_MID => "两千首 (2,000 tracks)".to_owned(),
        HOSTILE_ALBUM_MID => HOSTILE_NAME.to_owned(),
        SPECIAL_ALBUM_MID => "Duet 特别专辑".to_owned(),
        _ => match generated_index(mid, "00Al", 6_000_000) {
            Some(k) if k < 10_000 => generated_album(12 * k).2,
            _ => format!("专辑 {mid}"),
        },
    }
}

/// (mid, name) of the singer of album `mid`.
fn album_singer(mid: &str) -> (String, String) {
    if let Some(name) = twins::qq_album_of(mid).and_then(|(_, t)| t[0].artists.first().copied()) {
        return (twins::qq_singer(name).1, name.to_owned());
    }
    match mid {
        LONG_ALBUM_MID => (PROLIFIC_SINGER_MID.into(), singer_name(PROLIFIC_SINGER_MID)),
        HOSTILE_ALBUM_MID => (HOSTILE_SINGER_MID.into(), singer_name(HOSTILE_SINGER_MID)),
        SPECIAL_ALBUM_MID => ("00SgDuetSpecl0".into(), "Duet 测试乐队".into()),
        _ => {
            let (_, smid, sname) = generated_singer(small_hash(mid));
            (smid, sname)
        }
    }
}

fn singer_name(mid: &str) -> String {
    if let Some(name) = twins::artist_named(twins::Service::Qq, mid) {
        return name.to_owned();
    }
    match mid {
        PROLIFIC_SINGER_MID => "Duet 多产乐队 (300 albums)".to_owned(),
        HOSTILE_SINGER_MID => HOSTILE_NAME.to_owned(),
        _ => match generated_index(mid, "00Sg", 5_000_000) {
            Some(k) if k < 17 => generated_singer(k).2,
            _ => format!("歌手 {mid}"),
        },
    }
}

fn publish_date(mid: &str) -> String {
    let h = small_hash(mid);
    format!("{}-{:02}-{:02}", 1995 + h % 30, 1 + h % 12, 1 + h % 28)
}

fn album_description(mid: &str) -> String {
    if mid == HOSTILE_ALBUM_MID {
        HOSTILE_DESCRIPTION.to_owned()
    } else {
        format!(
            "{} 是 duet-fake-upstream 编的专辑。<br>Its songs are synthesised.",
            album_name(mid)
        )
    }
}

/// `GetAlbumDetail` data; `None` when unknown.
pub(crate) fn album_detail(mid: &str) -> Option<Value> {
    if !known(mid) {
        return None;
    }
    let (smid, sname) = album_singer(mid);
    Some(json!({
        "basicInfo": {
            "albumID": 6_500_000 + small_hash(mid) % 100_000,
            "albumMid": mid,
            "albumName": album_name(mid),
            "albumType": "录音室专辑",
            "publishDate": publish_date(mid),
            "desc": album_description(mid),
            "pmid": format!("{mid}_1"),
            "genre": "Pop",
            "language": "国语",
        },
        "company": {"ID": 1, "name": "Duet Records"},
        "singer": {"singerList": [{
            "mid": smid, "name": sname, "pmid": format!("{smid}_1"), "singerType": 0,
        }]},
    }))
}

fn song_entries(ids: impl Iterator<Item = u64>) -> Vec<Value> {
    ids.filter_map(song_by_id)
        .map(|s| json!({"songInfo": s.track, "listenCount": 0}))
        .collect()
}

/// `GetAlbumSongList` data for `num` songs from `begin`; `None` when unknown.
pub(crate) fn album_songs(mid: &str, begin: u64, num: u64) -> Option<Value> {
    if !known(mid) {
        return None;
    }
    let all = album_song_ids(mid);
    let total = all.len() as u64;
    let page = all.into_iter().skip(begin as usize).take(num as usize);
    Some(json!({"albumMid": mid, "totalNum": total, "songList": song_entries(page)}))
}

fn album_count(singer: &str) -> u64 {
    match singer {
        PROLIFIC_SINGER_MID => PROLIFIC_SINGER_ALBUMS,
        HOSTILE_SINGER_MID => 1,
        _ => 3 + small_hash(singer) % 7,
    }
}

/// The `n`-th (0-based, newest first) album of `singer`.
fn singer_album_mid(singer: &str, n: u64) -> String {
    match (singer, n) {
        (PROLIFIC_SINGER_MID, 0) => LONG_ALBUM_MID.to_owned(),
        (PROLIFIC_SINGER_MID, 1) | (HOSTILE_SINGER_MID, 0) => HOSTILE_ALBUM_MID.to_owned(),
        _ => format!("0S{:06}{:06}", small_hash(singer) % 1_000_000, n),
    }
}

/// `GetSingerDetail` data: `singer_list` empty for an unknown singer.
pub(crate) fn singer_detail(mids: &[String]) -> Value {
    let list: Vec<Value> = mids
        .iter()
        .filter(|m| known(m))
        .map(|mid| {
            let desc = if mid == HOSTILE_SINGER_MID {
                HOSTILE_DESCRIPTION.to_owned()
            } else {
                format!(
                    "{} 是 duet-fake-upstream 编的歌手，有 {} 张专辑。",
                    singer_name(mid),
                    album_count(mid)
                )
            };
            json!({
                "basic_info": {
                    "singer_id": 5_500_000 + small_hash(mid) % 100_000, "singer_mid": mid,
                    "name": singer_name(mid), "type": 0, "singer_pmid": format!("{mid}_1"),
                    "has_photo": 0, "wikiurl": "",
                },
                "ex_info": {"desc": desc, "area": "", "genre": "", "foreign_name": "",
                            "birthday": "", "tag": "", "identity": "", "instrument": ""},
                "wiki": "",
                "group_list": [],
                "pic": {"pic": singer_pic(mid, 300), "big_black": "", "big_white": ""},
                "photos": [],
            })
        })
        .collect();
    json!({"singer_list": list})
}

fn singer_song_ids(mid: &str) -> Vec<u64> {
    match mid {
        PROLIFIC_SINGER_MID => (1..=50).map(|n| GENERATED_SONG_BASE + n).collect(),
        HOSTILE_SINGER_MID => (1..=HOSTILE_SONGS).map(|n| HOSTILE_SONG_BASE + n).collect(),
        _ => match generated_index(mid, "00Sg", 5_000_000) {
            // The generated songs this singer sings (`generated_singer`: n % 17).
            Some(k) if k < 17 => (0..60)
                .map(|j| k + 17 * j)
                .filter(|n| *n >= 1)
                .map(|n| GENERATED_SONG_BASE + n)
                .collect(),
            _ => {
                let first = small_hash(mid) % 5_000 * 8;
                (1..=20).map(|i| GENERATED_SONG_BASE + first + i).collect()
            }
        },
    }
}

/// `GetSingerSongList` data.
pub(crate) fn singer_songs(mid: &str, begin: u64, number: u64) -> Value {
    let all = if known(mid) {
        singer_song_ids(mid)
    } else {
        Vec::new()
    };
    let total = all.len();
    let page = all.into_iter().skip(begin as usize).take(number as usize);
    json!({"singerMid": mid, "totalNum": total, "songList": song_entries(page)})
}

/// `GetAlbumList` data.
pub(crate) fn singer_albums(mid: &str, begin: u64, number: u64) -> Value {
    let total = if known(mid) { album_count(mid) } else { 0 };
    let end = total.min(begin.saturating_add(number));
    let list: Vec<Value> = (begin..end)
        .map(|n| {
            let album = singer_album_mid(mid, n);
            json!({
                "albumID": 6_500_000 + small_hash(&album) % 100_000,
                "albumMid": album,
                "albumName": album_name(&album),
                "albumTranName": "",
                "publishDate": publish_date(&album),
                "totalNum": album_song_ids(&album).len(),
                "albumType": "录音室专辑",
                "singerName": singer_name(mid),
                "pic": album_cover(&album, 300),
            })
        })
        .collect();
    json!({"singerMid": mid, "total": total, "albumList": list})
}

/// `GetSimilarSingerList` data: the hostile singer among the prolific one's.
pub(crate) fn similar_singers(mid: &str, number: u64) -> Value {
    let list: Vec<Value> = if known(mid) {
        let mut mids: Vec<String> = (0..number.min(10))
            .map(|k| generated_singer(small_hash(mid) + k).1)
            .filter(|m| m != mid)
            .collect();
        if mid == PROLIFIC_SINGER_MID && !mids.is_empty() {
            mids[0] = HOSTILE_SINGER_MID.to_owned();
        }
        mids.iter()
            .map(|m| {
                json!({"singerId": 5_500_000 + small_hash(m) % 100_000, "singerMid": m,
                       "singerName": singer_name(m), "singerPic": singer_pic(m, 150),
                       "pic_mid": "", "trace": "", "abt": "", "tf": ""})
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({"singerlist": list, "code": 0, "errMsg": ""})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_albums_and_singers() {
        assert_eq!(
            album_songs(LONG_ALBUM_MID, 0, 5000).unwrap()["totalNum"],
            2000
        );
        assert_eq!(
            album_songs(LONG_ALBUM_MID, 1990, 100).unwrap()["songList"]
                .as_array()
                .unwrap()
                .len(),
            10
        );
        assert!(album_detail("00NxNoSuchAlb0").is_none());
        assert!(album_detail("short").is_none());
        assert_eq!(singer_albums(PROLIFIC_SINGER_MID, 0, 30)["total"], 300);
        assert_eq!(
            singer_albums(PROLIFIC_SINGER_MID, 0, 30)["albumList"][1]["albumMid"],
            HOSTILE_ALBUM_MID
        );
        // A generated album holds the songs that name it.
        let (_, amid, aname) = generated_album(25);
        let songs = album_songs(&amid, 0, 100).unwrap();
        assert_eq!(songs["songList"][0]["songInfo"]["album"]["name"], aname);
        assert_eq!(
            singer_detail(&["00NxNoSuchSng0".into()])["singer_list"],
            json!([])
        );
    }
}
