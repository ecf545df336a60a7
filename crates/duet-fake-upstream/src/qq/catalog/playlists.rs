//! The catalogue's playlists: the captured one, generated ones of any size, the hostile one,
//! and each account's liked, created and collected lists.

use serde_json::{json, Value};

use super::songs::song_by_id;
use super::{
    album_cover, set, FIXTURE_PLAYLIST_ID, FIXTURE_SONG_IDS, GENERATED_PLAYLIST_BASE,
    GENERATED_PLAYLIST_MAX_TRACKS, GENERATED_SONG_BASE, HOSTILE_PLAYLIST_ID, HOSTILE_SONGS,
    HOSTILE_SONG_BASE, LIKED_DIRID, SPECIAL_SONG_BASE,
};
use crate::qq::{fixtures, QqAccount};

pub(crate) const HOSTILE_NAME_CORE: &str = "<img src=x onerror=alert(1)>";

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

/// The title of generated playlist `n`, HTML-escaped as the service stores names
/// (docs/qqmusic-wire.md, "Text as the service writes it").
fn generated_title(n: u64) -> String {
    format!("Duet 歌单 &amp; 好友 · {n} 首")
}

/// The description of generated playlist `n`, with every form the service writes: `<br>`, an
/// `[em]` sticker code, named and numeric entities, and an escaped entity that must stay one.
fn generated_desc(n: u64) -> String {
    format!(
        "Duet 假服务生成的歌单，共 {n} 首。<br>[em]e400846[/em]&quot;晴天&quot; &amp; \
         &#39;雨天&#39; &#x1F3B5; &amp;lt;b&amp;gt;"
    )
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
    if let Some(found) = searched_playlist(tid) {
        return Some(found);
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
        desc: generated_desc(n),
        total: n,
        owner,
        liked: false,
        tracks: Tracks::Range {
            base: GENERATED_SONG_BASE,
        },
        creator: owner.map_or_else(Creator::official, Creator::account),
    })
}

/// A playlist of the captured search answer (every search for playlists lists them first):
/// the service has them, so the fake serves them too, with their captured name and size and
/// generated songs.
fn searched_playlist(tid: u64) -> Option<Playlist> {
    let found = fixtures::get()
        .get("search_desktop_body.songlist.list.json")
        .as_array()?
        .iter()
        .find(|p| p["dissid"].as_str().and_then(|id| id.parse().ok()) == Some(tid))?;
    Some(Playlist {
        tid,
        dirid: 0,
        title: found["dissname"].as_str().unwrap_or_default().to_owned(),
        desc: found["introduction"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        total: found["song_count"].as_u64().unwrap_or(0),
        owner: None,
        liked: false,
        tracks: Tracks::Range {
            base: GENERATED_SONG_BASE,
        },
        creator: Creator::official(),
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
    /// A playlist `a` created through the fake (`AddPlaylist`), holding `song_ids`.
    pub(crate) fn created(
        a: QqAccount,
        tid: u64,
        dirid: u64,
        title: &str,
        song_ids: Vec<u64>,
    ) -> Self {
        Playlist {
            tid,
            dirid,
            title: title.to_owned(),
            desc: String::new(),
            total: song_ids.len() as u64,
            owner: Some(a),
            liked: false,
            tracks: Tracks::List(song_ids),
            creator: Creator::account(a),
        }
    }

    /// The song ids of this playlist, in order (what a write starts from).
    pub(crate) fn song_ids(&self) -> Vec<u64> {
        match &self.tracks {
            Tracks::List(ids) => ids.clone(),
            Tracks::Range { base } => (0..self.total).map(|i| base + i + 1).collect(),
            Tracks::Fixture => self
                .tracks(0, self.total)
                .iter()
                .filter_map(|t| t["id"].as_u64())
                .collect(),
        }
    }

    /// This playlist holding `song_ids` instead (after a write).
    pub(crate) fn with_songs(mut self, song_ids: Vec<u64>) -> Self {
        self.total = song_ids.len() as u64;
        self.tracks = Tracks::List(song_ids);
        self
    }

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

#[cfg(test)]
mod tests {
    use super::*;
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
}
