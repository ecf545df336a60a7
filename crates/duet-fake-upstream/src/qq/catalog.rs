//! The QQ Music fake's catalogue: the captured track objects, a handful of special songs for
//! the client's tests, generated songs and playlists of any size, the two accounts' playlists,
//! and synthesised search pages. Every object is built from a captured template, so field
//! names and shapes are the real ones.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::{fixtures, QqAccount};
use crate::audio::{FLAC, MP3};

/// Inserts `k: v` when `obj` is an object (templates always are; never panics).
pub(crate) fn set(obj: &mut Value, k: &str, v: impl Into<Value>) {
    if let Some(m) = obj.as_object_mut() {
        m.insert(k.to_owned(), v.into());
    }
}

// ---------------------------------------------------------------------------------------
// Songs
// ---------------------------------------------------------------------------------------

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

/// Generated playlists: `GENERATED_PLAYLIST_BASE + N` has N tracks (N ≤ 100000).
pub const GENERATED_PLAYLIST_BASE: u64 = 8_000_000_000;
const GENERATED_PLAYLIST_MAX_TRACKS: u64 = 100_000;
/// The playlist with a hostile name and description (66 hostile-titled tracks).
pub const HOSTILE_PLAYLIST_ID: u64 = 8_888_888_866;
/// The "我喜欢" directory id.
pub const LIKED_DIRID: u64 = 201;
/// The captured playlist.
pub(crate) const FIXTURE_PLAYLIST_ID: u64 = 211_111;

/// Track ids of generated playlists: `GENERATED_SONG_BASE + i` for i in 1..=N.
const GENERATED_SONG_BASE: u64 = 800_000_000;
/// Hostile-titled tracks: `HOSTILE_SONG_BASE + 1..=66`.
const HOSTILE_SONG_BASE: u64 = 800_200_000;
const HOSTILE_SONGS: u64 = 66;
const SPECIAL_SONG_BASE: u64 = 900_000_000;

pub(crate) const HOSTILE_NAME_CORE: &str = "<img src=x onerror=alert(1)>";

/// What lyric a song has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LyricKind {
    /// Word-timed QRC, with or without a translation and a romanisation.
    Qrc { trans: bool, roma: bool },
    /// Line-timed LRC only.
    Lrc,
    /// Instrumental.
    None,
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

/// Captured song ids, in the order search and liked lists show them.
const FIXTURE_SONG_IDS: [u64; 5] = [97_773, 214_982_607, 277_845_939, 443_993, 13_795];

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

const SPECIALS: [Special; 6] = [
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

fn generated_singer(n: u64) -> (u64, String, String) {
    let k = n % 17;
    let id = 5_000_000 + k;
    (id, format!("00Sg{id:010}"), format!("Duet 歌手 {k}"))
}

fn generated_album(n: u64) -> (u64, String, String) {
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

// ---------------------------------------------------------------------------------------
// Playlists
// ---------------------------------------------------------------------------------------

/// Who made a playlist.
struct Creator {
    musicid: u64,
    nick: String,
    encrypt_uin: String,
    headurl: String,
}

impl Creator {
    fn official() -> Self {
        Creator {
            musicid: 2_783_429_033,
            nick: "Duet 官方歌单".into(),
            encrypt_uin: "oooooooooooooo**".into(),
            headurl: "https://thirdqq.qlogo.cn/g?b=sdk&k=duetfake&s=140".into(),
        }
    }

    fn account(a: QqAccount) -> Self {
        Creator {
            musicid: a.musicid(),
            nick: a.nick().into(),
            encrypt_uin: a.encrypt_uin().into(),
            headurl: a.headpic(),
        }
    }
}

/// The liked songs ("我喜欢") of an account.
pub(crate) fn liked_song_ids(a: QqAccount) -> Vec<u64> {
    match a {
        QqAccount::Qq => {
            let mut v = vec![97_773];
            v.extend((1..=6).map(|n| SPECIAL_SONG_BASE + n));
            v.extend_from_slice(&FIXTURE_SONG_IDS[1..]);
            v.extend((1..=20).map(|n| GENERATED_SONG_BASE + n));
            v
        }
        QqAccount::Wechat => {
            let mut v = vec![97_773, SPECIAL_SONG_BASE + 5];
            v.extend((101..=108).map(|n| GENERATED_SONG_BASE + n));
            v
        }
    }
}

/// The `tid` of an account's liked-songs playlist.
pub(crate) fn liked_tid(a: QqAccount) -> u64 {
    match a {
        QqAccount::Qq => 7_000_000_201,
        QqAccount::Wechat => 7_000_000_202,
    }
}

/// The playlists an account created (besides "我喜欢"), as (tid, dirid).
pub(crate) fn created_playlists(a: QqAccount) -> Vec<(u64, u64)> {
    match a {
        QqAccount::Qq => vec![
            (GENERATED_PLAYLIST_BASE + 30, 2),
            (HOSTILE_PLAYLIST_ID, 3),
            (GENERATED_PLAYLIST_BASE + 2500, 4),
        ],
        QqAccount::Wechat => vec![(GENERATED_PLAYLIST_BASE + 5, 2)],
    }
}

/// The playlists an account collected.
pub(crate) fn favourite_playlists(a: QqAccount) -> Vec<u64> {
    match a {
        QqAccount::Qq => vec![
            FIXTURE_PLAYLIST_ID,
            GENERATED_PLAYLIST_BASE + 100,
            GENERATED_PLAYLIST_BASE + 12,
        ],
        QqAccount::Wechat => vec![FIXTURE_PLAYLIST_ID],
    }
}

fn hostile_playlist_name() -> String {
    let mut s = format!("{HOSTILE_NAME_CORE} \u{202e}tsilyalp\u{202c} \"; DROP TABLE dirs; -- ");
    while s.chars().count() < 600 {
        s.push_str("很长的歌单名 very long playlist name ");
    }
    s
}

const HOSTILE_DESC: &str = "</script><script>alert('duet')</script>\n\
     {{constructor.constructor('alert(1)')()}} ${7*7} %s%n\n\
     \u{202e}txt.exe\u{202c} \u{0} \u{feff}zero-width\u{200b}joiner 👨\u{200d}👩\u{200d}👧";

/// One playlist: its header facts and how to list its tracks.
pub(crate) struct Playlist {
    pub tid: u64,
    pub dirid: u64,
    pub title: String,
    pub desc: String,
    pub total: u64,
    pub owner: Option<QqAccount>,
    pub liked: bool,
    tracks: Tracks,
    creator: Creator,
}

enum Tracks {
    Fixture,
    Range { base: u64 },
    List(Vec<u64>),
}

/// The title of generated playlist `n`.
fn generated_title(n: u64) -> String {
    format!("Duet 歌单 · {n} 首")
}

fn owner_of_generated(tid: u64) -> Option<QqAccount> {
    QqAccount::ALL
        .into_iter()
        .find(|a| created_playlists(*a).iter().any(|(t, _)| *t == tid))
}

/// Playlist `tid` (not the liked ones: see [`liked_playlist`]).
pub(crate) fn playlist(tid: u64) -> Option<Playlist> {
    if tid == FIXTURE_PLAYLIST_ID {
        let d = &fixtures::get().get("playlist_uniform_get_Dissinfo.envelope.json")["req"]["data"];
        return Some(Playlist {
            tid,
            dirid: 0,
            title: d["dirinfo"]["title"].as_str().unwrap_or("").to_owned(),
            desc: d["dirinfo"]["desc"].as_str().unwrap_or("").to_owned(),
            total: d["total_song_num"].as_u64().unwrap_or(0),
            owner: None,
            liked: false,
            tracks: Tracks::Fixture,
            creator: Creator::official(),
        });
    }
    if tid == HOSTILE_PLAYLIST_ID {
        return Some(Playlist {
            tid,
            dirid: 3,
            title: hostile_playlist_name(),
            desc: HOSTILE_DESC.to_owned(),
            total: HOSTILE_SONGS,
            owner: Some(QqAccount::Qq),
            liked: false,
            tracks: Tracks::Range {
                base: HOSTILE_SONG_BASE,
            },
            creator: Creator::account(QqAccount::Qq),
        });
    }
    if let Some(a) = QqAccount::ALL.into_iter().find(|a| liked_tid(*a) == tid) {
        return Some(liked_playlist(a));
    }
    let n = tid.checked_sub(GENERATED_PLAYLIST_BASE)?;
    if n > GENERATED_PLAYLIST_MAX_TRACKS {
        return None;
    }
    let owner = owner_of_generated(tid);
    let dirid = owner
        .and_then(|a| created_playlists(a).into_iter().find(|(t, _)| *t == tid))
        .map_or(0, |(_, d)| d);
    Some(Playlist {
        tid,
        dirid,
        title: generated_title(n),
        desc: format!("Duet 假服务生成的歌单，共 {n} 首。"),
        total: n,
        owner,
        liked: false,
        tracks: Tracks::Range {
            base: GENERATED_SONG_BASE,
        },
        creator: owner.map_or_else(Creator::official, Creator::account),
    })
}

/// The liked-songs playlist of `a`.
pub(crate) fn liked_playlist(a: QqAccount) -> Playlist {
    let ids = liked_song_ids(a);
    Playlist {
        tid: liked_tid(a),
        dirid: LIKED_DIRID,
        title: "我喜欢".into(),
        desc: String::new(),
        total: ids.len() as u64,
        owner: Some(a),
        liked: true,
        tracks: Tracks::List(ids),
        creator: Creator::account(a),
    }
}

impl Playlist {
    /// Tracks `begin..begin+num` (clipped to the list).
    pub(crate) fn tracks(&self, begin: u64, num: u64) -> Vec<Value> {
        let end = self.total.min(begin.saturating_add(num));
        if begin >= end {
            return Vec::new();
        }
        match &self.tracks {
            Tracks::Fixture => fixtures::get().get("playlist_uniform_get_Dissinfo.envelope.json")
                ["req"]["data"]["songlist"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .skip(begin as usize)
                        .take((end - begin) as usize)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
            Tracks::Range { base } => (begin..end)
                .filter_map(|i| song_by_id(base + i + 1).map(|s| s.track))
                .collect(),
            Tracks::List(ids) => ids[begin as usize..end as usize]
                .iter()
                .filter_map(|id| song_by_id(*id).map(|s| s.track))
                .collect(),
        }
    }

    /// The cover: the first track's album picture.
    pub(crate) fn picurl(&self) -> String {
        if let Tracks::Fixture = self.tracks {
            return fixtures::get().get("playlist_uniform_get_Dissinfo.envelope.json")["req"]
                ["data"]["dirinfo"]["picurl"]
                .as_str()
                .unwrap_or("")
                .to_owned();
        }
        let album = self
            .tracks(0, 1)
            .first()
            .and_then(|t| t["album"]["mid"].as_str().map(str::to_owned))
            .unwrap_or_default();
        album_cover(&album, 300)
    }

    /// The `dirinfo` object (§5.6), from the captured one.
    pub(crate) fn dirinfo(&self) -> Value {
        let mut d = fixtures::get().get("playlist_uniform_get_Dissinfo.envelope.json")["req"]
            ["data"]["dirinfo"]
            .clone();
        if let Tracks::Fixture = self.tracks {
            return d;
        }
        let c = &self.creator;
        for (k, v) in [
            ("id", json!(self.tid)),
            ("dirid", json!(self.dirid)),
            ("host_uin", json!(c.musicid)),
            ("host_nick", json!(c.nick)),
            ("title", json!(self.title)),
            ("desc", json!(self.desc)),
            ("picurl", json!(self.picurl())),
            ("picurl2", json!(self.picurl())),
            ("songnum", json!(self.total)),
            ("listennum", json!(self.total * 37 + 1000)),
            ("ordernum", json!(self.total * 3)),
            ("ctime", json!(1_700_000_000 + self.total)),
            ("mtime", json!(1_710_000_000 + self.total)),
            ("encrypt_uin", json!(c.encrypt_uin)),
            ("headurl", json!(c.headurl)),
            ("disstype", json!(if self.owner.is_some() { 0 } else { 3 })),
            ("owndir", json!(i32::from(self.owner.is_some()))),
            ("layer_url", json!("")),
            ("ext1", json!("")),
        ] {
            set(&mut d, k, v);
        }
        set(
            &mut d,
            "creator",
            json!({
                "musicid": c.musicid, "type": 0, "singerid": 0, "nick": c.nick,
                "headurl": c.headurl, "ifpicurl": "", "encrypt_uin": c.encrypt_uin,
                "isVip": 0, "ai_uin": 0, "encrypt_ai_uin": "", "ext": null
            }),
        );
        d
    }
}

/// `https://y.gtimg.cn/music/photo_new/T002R{n}x{n}M000{albummid}.jpg`.
pub(crate) fn album_cover(album_mid: &str, n: u32) -> String {
    format!("https://y.gtimg.cn/music/photo_new/T002R{n}x{n}M000{album_mid}.jpg")
}

/// `https://y.gtimg.cn/music/photo_new/T001R{n}x{n}M000{singermid}.jpg`.
pub(crate) fn singer_pic(singer_mid: &str, n: u32) -> String {
    format!("https://y.gtimg.cn/music/photo_new/T001R{n}x{n}M000{singer_mid}.jpg")
}

// ---------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------

/// Results per query and type (any query but `__nothing__`).
const SEARCH_TOTALS: [u64; 4] = [137, 23, 41, 58];

/// The n-th (0-based) song result: 晴天, the specials, the other captured songs, then
/// generated ones.
fn search_song(i: u64) -> Option<Song> {
    let fixed: Vec<u64> = std::iter::once(97_773)
        .chain((1..=6).map(|n| SPECIAL_SONG_BASE + n))
        .chain(FIXTURE_SONG_IDS[1..].iter().copied())
        .collect();
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
            let s = search_song(i)?;
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

// ---------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------

/// How many seeded comments song `id` has: (new, hot).
pub(crate) fn seeded_comment_counts(id: u64) -> (u64, u64) {
    if id == 97_773 {
        (37, 12)
    } else {
        (3, 1)
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

    #[test]
    fn playlists_page() {
        let p = playlist(GENERATED_PLAYLIST_BASE + 2500).unwrap();
        assert_eq!(p.total, 2500);
        assert_eq!(p.tracks(2400, 1000).len(), 100);
        assert_eq!(p.tracks(2500, 10).len(), 0);
        assert_eq!(p.owner, Some(QqAccount::Qq));
        let h = playlist(HOSTILE_PLAYLIST_ID).unwrap();
        assert!(h.title.starts_with(HOSTILE_NAME_CORE) && h.title.chars().count() >= 600);
        assert_eq!(h.tracks(0, 100).len(), 66);
        assert_eq!(
            playlist(FIXTURE_PLAYLIST_ID).unwrap().tracks(0, 10).len(),
            1
        );
        assert!(playlist(GENERATED_PLAYLIST_BASE + GENERATED_PLAYLIST_MAX_TRACKS + 1).is_none());
        assert_eq!(
            liked_playlist(QqAccount::Qq).tracks(0, 1000).len(),
            liked_song_ids(QqAccount::Qq).len()
        );
    }

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
    }
}
