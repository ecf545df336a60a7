//! The catalogue's songs: the captured track objects, the special songs the client's tests
//! need, and generated (and hostile-titled) songs of any number, each a full track object.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::{
    set, GENERATED_PLAYLIST_MAX_TRACKS, GENERATED_SONG_BASE, HOSTILE_SONGS, HOSTILE_SONG_BASE,
    SPECIAL_SONG_BASE,
};
use crate::audio::{FLAC, MP3};
use crate::qq::fixtures;
use crate::twins::{self, Availability, Listing};

/// 晴天 (captured, id 97773): QRC word timing + translation + romanisation; its
/// `media_mid` (`003Qui1q2u1Zho`) differs from its mid.
pub const SONG_QRC_FULL: &str = "0039MnYb0qxYhV";
/// Lyric only as LRC (no word timing), id 900000001.
pub const SONG_LRC_ONLY: &str = "001DuetLrcOnly";
/// Instrumental: no lyric at all, id 900000002.
pub const SONG_INSTRUMENTAL: &str = "001DuetInstrmt";
/// No FLAC (`size_flac` 0), id 900000003.
pub const SONG_NO_FLAC: &str = "001DuetNoFlac0";
/// VIP song (`pay.pay_month` 1): 320 kbps and FLAC need VIP, id 900000004.
pub const SONG_VIP_ONLY: &str = "001DuetVipOnly";
/// Trial only for non-VIP (`pay.pay_play` 1, `size_try` > 0, preview 30 s..60 s), id 900000005.
pub const SONG_TRIAL_ONLY: &str = "001DuetTrial01";
/// `file.media_mid` (`002DuetFileMid`) differs from the mid, id 900000006.
pub const SONG_MEDIA_MID_DIFFERS: &str = "001DuetMediaMd";
/// Instrumental whose lyric is the short plain-zlib note (`789C…`, no cipher), id 900000007
/// (docs/protocol/fidelity-2026-12.md row 4d).
pub const SONG_PURE_MUSIC: &str = "001DuetPureMsc";
/// QRC with a translation, answered without a `crypt` field, id 900000008 (fidelity row 4c).
pub const SONG_NO_CRYPT_FIELD: &str = "001DuetNoCrypt";
/// QRC that does not decrypt (the cipher text cut short) when asked with `qrc:1`; its LRC (and
/// translation) read fine, id 900000009.
pub const SONG_BROKEN_QRC: &str = "001DuetBadQrc0";

/// What lyric a song has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LyricKind {
    /// Word-timed QRC, with or without a translation and a romanisation.
    Qrc { trans: bool, roma: bool },
    /// Line-timed LRC only.
    Lrc,
    /// Instrumental: every field empty.
    None,
    /// Instrumental: the short plain-zlib note in `lyric`.
    PureMusic,
    /// As `Qrc` with a translation, the answer without its `crypt` field.
    NoCryptField,
    /// As `Qrc` with a translation, the QRC cut short (it does not decrypt).
    BrokenQrc,
}

/// One song of the catalogue.
#[derive(Debug, Clone)]
pub(crate) struct Song {
    pub id: u64,
    pub name: String,
    pub singer: String,
    pub album: String,
    pub lyric: LyricKind,
    /// The full track object (§5.2).
    pub track: Value,
}

impl Song {
    pub(crate) fn media_mid(&self) -> &str {
        self.track["file"]["media_mid"].as_str().unwrap_or("")
    }

    pub(crate) fn file_size(&self, field: &str) -> u64 {
        self.track["file"][field].as_u64().unwrap_or(0)
    }

    pub(crate) fn pay(&self, field: &str) -> i64 {
        self.track["pay"][field].as_i64().unwrap_or(0)
    }

    #[cfg(test)]
    pub(crate) fn mid(&self) -> &str {
        self.track["mid"].as_str().unwrap_or("")
    }
}

fn template_track() -> &'static Value {
    &fixtures::get().get("song_detail_get_song_detail_yqq.envelope.json")["req_0"]["data"]
        ["track_info"]
}

/// The captured track objects by id.
fn fixture_tracks() -> &'static HashMap<u64, Value> {
    static T: OnceLock<HashMap<u64, Value>> = OnceLock::new();
    T.get_or_init(|| {
        let f = fixtures::get();
        let mut out = HashMap::new();
        let mut add = |t: &Value| {
            if let Some(id) = t["id"].as_u64() {
                out.entry(id).or_insert_with(|| t.clone());
            }
        };
        add(template_track());
        add(
            &f.get("song_detail_get_song_detail_web_musics_2023.envelope.json")["req_0"]["data"]
                ["track_info"],
        );
        for t in f.get("trackinfo_CgiGetTrackInfo.item.json")["data"]["tracks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            add(t);
        }
        for t in f.get("playlist_uniform_get_Dissinfo.envelope.json")["req"]["data"]["songlist"]
            .as_array()
            .into_iter()
            .flatten()
        {
            add(t);
        }
        out
    })
}

struct Special {
    n: u64,
    mid: &'static str,
    media_mid: &'static str,
    name: &'static str,
    lyric: LyricKind,
    flac: bool,
    pay_month: i64,
    pay_play: i64,
}

const SPECIALS: [Special; 9] = [
    Special {
        n: 1,
        mid: SONG_LRC_ONLY,
        media_mid: SONG_LRC_ONLY,
        name: "只有逐行歌词",
        lyric: LyricKind::Lrc,
        flac: true,
        pay_month: 0,
        pay_play: 0,
    },
    Special {
        n: 2,
        mid: SONG_INSTRUMENTAL,
        media_mid: SONG_INSTRUMENTAL,
        name: "纯音乐（无歌词）",
        lyric: LyricKind::None,
        flac: true,
        pay_month: 0,
        pay_play: 0,
    },
    Special {
        n: 3,
        mid: SONG_NO_FLAC,
        media_mid: SONG_NO_FLAC,
        name: "没有无损",
        lyric: LyricKind::Qrc {
            trans: false,
            roma: false,
        },
        flac: false,
        pay_month: 0,
        pay_play: 0,
    },
    Special {
        n: 4,
        mid: SONG_VIP_ONLY,
        media_mid: SONG_VIP_ONLY,
        name: "会员高品质",
        lyric: LyricKind::Qrc {
            trans: true,
            roma: false,
        },
        flac: true,
        pay_month: 1,
        pay_play: 0,
    },
    Special {
        n: 5,
        mid: SONG_TRIAL_ONLY,
        media_mid: SONG_TRIAL_ONLY,
        name: "只能试听",
        lyric: LyricKind::Qrc {
            trans: false,
            roma: false,
        },
        flac: true,
        pay_month: 1,
        pay_play: 1,
    },
    Special {
        n: 6,
        mid: SONG_MEDIA_MID_DIFFERS,
        media_mid: "002DuetFileMid",
        name: "文件另有编号",
        lyric: LyricKind::Lrc,
        flac: true,
        pay_month: 0,
        pay_play: 0,
    },
    Special {
        n: 7,
        mid: SONG_PURE_MUSIC,
        media_mid: SONG_PURE_MUSIC,
        name: "纯音乐（短注记）",
        lyric: LyricKind::PureMusic,
        flac: true,
        pay_month: 0,
        pay_play: 0,
    },
    Special {
        n: 8,
        mid: SONG_NO_CRYPT_FIELD,
        media_mid: SONG_NO_CRYPT_FIELD,
        name: "答复没有 crypt",
        lyric: LyricKind::NoCryptField,
        flac: true,
        pay_month: 0,
        pay_play: 0,
    },
    Special {
        n: 9,
        mid: SONG_BROKEN_QRC,
        media_mid: SONG_BROKEN_QRC,
        name: "逐字歌词损坏",
        lyric: LyricKind::BrokenQrc,
        flac: true,
        pay_month: 0,
        pay_play: 0,
    },
];

struct Spec<'a> {
    id: u64,
    mid: &'a str,
    media_mid: &'a str,
    name: &'a str,
    singer: (u64, String, String),
    album: (u64, String, String),
    interval: u64,
    flac: bool,
    trial: Option<(u64, u64)>,
    pay_month: i64,
    pay_play: i64,
    index_album: u64,
}

fn make_track(s: &Spec<'_>) -> Value {
    let mut t = template_track().clone();
    let (sid, smid, sname) = &s.singer;
    let (aid, amid, aname) = &s.album;
    for (k, v) in [
        ("id", json!(s.id)),
        ("mid", json!(s.mid)),
        ("name", json!(s.name)),
        ("title", json!(s.name)),
        ("subtitle", json!("")),
        (
            "singer",
            json!([{"id": sid, "mid": smid, "name": sname, "title": sname, "type": 0, "uin": 0}]),
        ),
        (
            "album",
            json!({
                "id": aid, "mid": amid, "name": aname, "title": aname, "subtitle": "",
                "time_public": "2024-05-20", "pmid": format!("{amid}_1")
            }),
        ),
        (
            "mv",
            json!({"id": 0, "vid": "", "name": "", "title": "", "vt": 0}),
        ),
        ("interval", json!(s.interval)),
        ("index_album", json!(s.index_album)),
        ("time_public", json!("2024-05-20")),
        ("ksong", json!({"id": 0, "mid": ""})),
        ("vs", json!([])),
        ("trace", json!("")),
    ] {
        set(&mut t, k, v);
    }
    let mp3 = MP3.bytes.len() as u64;
    let (size_try, try_begin, try_end) = match s.trial {
        Some((b, e)) => (mp3, b, e),
        None => (0, 0, 0),
    };
    let mut file = t["file"].clone();
    if let Some(m) = file.as_object_mut() {
        for (k, v) in m.iter_mut() {
            if k.starts_with("size_") {
                *v = if v.is_array() { json!([]) } else { json!(0) };
            }
        }
    }
    for (k, v) in [
        ("media_mid", json!(s.media_mid)),
        ("size_128mp3", json!(mp3)),
        ("size_320mp3", json!(mp3)),
        (
            "size_flac",
            json!(if s.flac { FLAC.bytes.len() as u64 } else { 0 }),
        ),
        ("size_try", json!(size_try)),
        ("try_begin", json!(try_begin)),
        ("try_end", json!(try_end)),
        ("b_30s", json!(0)),
        ("e_30s", json!(0)),
        ("size_new", json!([0, 0, 0, 0, 0, 0])),
    ] {
        set(&mut file, k, v);
    }
    set(&mut t, "file", file);
    set(
        &mut t,
        "pay",
        json!({
            "pay_month": s.pay_month, "price_track": if s.pay_month == 1 { 200 } else { 0 },
            "price_album": 0, "pay_play": s.pay_play, "pay_down": s.pay_month,
            "pay_status": 0, "time_free": 0
        }),
    );
    t
}

pub(super) fn generated_singer(n: u64) -> (u64, String, String) {
    let k = n % 17;
    let id = 5_000_000 + k;
    (id, format!("00Sg{id:010}"), format!("Duet 歌手 {k}"))
}

pub(super) fn generated_album(n: u64) -> (u64, String, String) {
    let k = n / 12;
    let id = 6_000_000 + k;
    (id, format!("00Al{id:010}"), format!("Duet 专辑 {k}"))
}

/// The title of hostile track `n` (1..=66).
fn hostile_title(n: u64) -> String {
    format!("<script>alert(\"track {n}\")</script> & \"Track {n}\" '; --\u{0} \u{202e}🎵")
}

/// The mid of a generated song id.
pub(crate) fn generated_mid(id: u64) -> String {
    format!("00Dt{id:010}")
}

fn song_from_track(track: Value, lyric: LyricKind) -> Option<Song> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    Some(Song {
        id: track["id"].as_u64()?,
        name: s(&track["name"]),
        singer: s(&track["singer"][0]["name"]),
        album: s(&track["album"]["name"]),
        lyric,
        track,
    })
}

/// A twin-catalogue song as QQ Music writes it: grey has no file at all, VIP is a trial clip
/// for a non-VIP (as [`SONG_TRIAL_ONLY`]), an instrumental has the "pure music" note.
fn twin_song(l: &Listing) -> Option<Song> {
    let singers: Vec<(u64, String, String)> = l
        .artists
        .iter()
        .map(|a| {
            let (id, mid) = twins::qq_singer(a);
            (id, mid, (*a).to_owned())
        })
        .collect();
    let (album_id, album_mid) = twins::qq_album(l.album);
    let vip = l.availability == Availability::Vip;
    let mut track = make_track(&Spec {
        id: l.id,
        mid: l.mid,
        media_mid: l.mid,
        name: l.title,
        singer: singers.first()?.clone(),
        album: (album_id, album_mid, l.album.to_owned()),
        interval: l.duration_ms / 1000,
        flac: true,
        trial: vip.then_some((30_000, 60_000)),
        pay_month: i64::from(vip),
        pay_play: i64::from(vip),
        index_album: 1,
    });
    let singer: Vec<Value> = singers
        .iter()
        .map(|(id, mid, name)| {
            json!({"id": id, "mid": mid, "name": name, "title": name, "type": 0, "uin": 0})
        })
        .collect();
    set(&mut track, "singer", singer);
    if l.availability == Availability::Grey {
        if let Some(file) = track["file"].as_object_mut() {
            for (k, v) in file.iter_mut() {
                if k.starts_with("size_") && v.is_u64() {
                    *v = json!(0);
                }
            }
        }
    }
    // QQ Music marks a backing track with the short "pure music" note.
    let lyric = if twins::is_instrumental(twins::Service::Qq, l.id) {
        LyricKind::PureMusic
    } else {
        LyricKind::Qrc {
            trans: false,
            roma: false,
        }
    };
    song_from_track(track, lyric)
}

/// Song `id`, if the catalogue has it.
pub(crate) fn song_by_id(id: u64) -> Option<Song> {
    if let Some(t) = fixture_tracks().get(&id) {
        let lyric = if id == 97_773 {
            LyricKind::Qrc {
                trans: true,
                roma: true,
            }
        } else {
            LyricKind::Qrc {
                trans: true,
                roma: false,
            }
        };
        return song_from_track(t.clone(), lyric);
    }
    if let Some(sp) = SPECIALS.iter().find(|s| SPECIAL_SONG_BASE + s.n == id) {
        let track = make_track(&Spec {
            id,
            mid: sp.mid,
            media_mid: sp.media_mid,
            name: sp.name,
            singer: (5_100_000, "00SgDuetSpecl0".into(), "Duet 测试乐队".into()),
            album: (6_100_000, "00AlDuetSpecl0".into(), "Duet 特别专辑".into()),
            interval: 200 + sp.n,
            flac: sp.flac,
            trial: (sp.pay_play == 1).then_some((30_000, 60_000)),
            pay_month: sp.pay_month,
            pay_play: sp.pay_play,
            index_album: sp.n,
        });
        return song_from_track(track, sp.lyric);
    }
    if let Some(l) = twins::qq_by_id(id) {
        return twin_song(l);
    }
    let (n, name) = if id > HOSTILE_SONG_BASE && id <= HOSTILE_SONG_BASE + HOSTILE_SONGS {
        let n = id - HOSTILE_SONG_BASE;
        (n, hostile_title(n))
    } else if id > GENERATED_SONG_BASE && id <= GENERATED_SONG_BASE + GENERATED_PLAYLIST_MAX_TRACKS
    {
        let n = id - GENERATED_SONG_BASE;
        (n, format!("Track {n}"))
    } else {
        return None;
    };
    let mid = generated_mid(id);
    let track = make_track(&Spec {
        id,
        mid: &mid,
        media_mid: &mid,
        name: &name,
        singer: generated_singer(n),
        album: generated_album(n),
        interval: 90 + n % 240,
        flac: true,
        trial: None,
        pay_month: 0,
        pay_play: 0,
        index_album: n % 12 + 1,
    });
    song_from_track(
        track,
        LyricKind::Qrc {
            trans: false,
            roma: false,
        },
    )
}

/// Song `mid`, if the catalogue has it.
pub(crate) fn song_by_mid(mid: &str) -> Option<Song> {
    if let Some((id, _)) = fixture_tracks()
        .iter()
        .find(|(_, t)| t["mid"].as_str() == Some(mid))
    {
        return song_by_id(*id);
    }
    if let Some(sp) = SPECIALS.iter().find(|s| s.mid == mid) {
        return song_by_id(SPECIAL_SONG_BASE + sp.n);
    }
    if let Some(l) = twins::qq_by_mid(mid) {
        return song_by_id(l.id);
    }
    let id: u64 = mid.strip_prefix("00Dt")?.parse().ok()?;
    let generated = (GENERATED_SONG_BASE + 1..=GENERATED_SONG_BASE + GENERATED_PLAYLIST_MAX_TRACKS)
        .contains(&id)
        || (HOSTILE_SONG_BASE + 1..=HOSTILE_SONG_BASE + HOSTILE_SONGS).contains(&id);
    if !generated || generated_mid(id) != mid {
        return None;
    }
    song_by_id(id)
}

/// The track object of `id`, or the placeholder the fake answers for an unknown song in a
/// batch (`id` 0, empty strings) so the list stays aligned.
pub(crate) fn track_or_placeholder(song: Option<Song>) -> Value {
    match song {
        Some(s) => s.track,
        None => json!({
            "id": 0, "type": 0, "mid": "", "name": "", "title": "", "subtitle": "",
            "singer": [], "album": {"id": 0, "mid": "", "name": "", "title": "", "pmid": ""},
            "interval": 0, "file": {"media_mid": ""}, "pay": {}, "status": 0
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn songs_resolve_both_ways() {
        for mid in [
            SONG_QRC_FULL,
            SONG_LRC_ONLY,
            SONG_INSTRUMENTAL,
            SONG_NO_FLAC,
            SONG_VIP_ONLY,
            SONG_TRIAL_ONLY,
            SONG_MEDIA_MID_DIFFERS,
            "000JHYA12lx3kP",
        ] {
            let s = song_by_mid(mid).unwrap_or_else(|| panic!("{mid}"));
            assert_eq!(song_by_id(s.id).unwrap().mid(), mid);
            assert_eq!(s.mid().len(), 14);
        }
        let g = song_by_id(GENERATED_SONG_BASE + 7).unwrap();
        assert_eq!(g.mid(), "00Dt0800000007");
        assert_eq!(song_by_mid(g.mid()).unwrap().id, g.id);
        assert_eq!(
            song_by_mid("0039MnYb0qxYhV").unwrap().media_mid(),
            "003Qui1q2u1Zho"
        );
        assert_eq!(
            song_by_mid(SONG_MEDIA_MID_DIFFERS).unwrap().media_mid(),
            "002DuetFileMid"
        );
        assert_eq!(song_by_mid(SONG_NO_FLAC).unwrap().file_size("size_flac"), 0);
        assert!(song_by_mid("00Dt0900000001").is_none());
        assert!(song_by_mid("00Dtabc").is_none());
        assert!(song_by_id(GENERATED_SONG_BASE + GENERATED_PLAYLIST_MAX_TRACKS + 1).is_none());
    }
}
