//! The fake's music catalogue: captured fixture objects where they exist, and objects
//! synthesised from fixture templates for every other id (songs, playlists, search results,
//! lyrics).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::fixtures;
use crate::twins::{self, Availability, Listing};

/// Inserts `k: v` when `obj` is an object (templates always are; never panics).
pub(crate) fn set(obj: &mut Value, k: &str, v: impl Into<Value>) {
    if let Some(m) = obj.as_object_mut() {
        m.insert(k.to_owned(), v.into());
    }
}

// ---------------------------------------------------------------------------------------
// Songs
// ---------------------------------------------------------------------------------------

/// What kind of item a song id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SongKind {
    /// Playable.
    Normal,
    /// No copyright: privilege `st:-200`, no URL (code -110).
    Grey,
    /// VIP song: only a preview for this account.
    Vip,
}

/// First hostile track id (tracks of the hostile playlist).
pub(crate) const HOSTILE_TRACK_BASE: u64 = 666_000_000;
/// First track id of generated playlists.
pub(crate) const GENERATED_TRACK_BASE: u64 = 700_000_000;

/// The hostile playlist (HTML/SQL/NUL/emoji in its strings).
pub(crate) const HOSTILE_PLAYLIST_ID: u64 = 9_000_000_066;
/// Id range of generated playlists: `90000NNNNN` has `NNNNN` tracks.
const GENERATED_PLAYLIST_BASE: u64 = 9_000_000_000;
const GENERATED_PLAYLIST_MAX: u64 = 9_000_099_999;

pub(crate) const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)> \"; DROP TABLE --\u{0} 🎵";
const HOSTILE_DESCRIPTION: &str = "</script><script>alert('duet')</script>\n\
     {{constructor.constructor('alert(1)')()}} ${7*7} %s%n\n\
     '; DELETE FROM playlists; --\n\
     \u{202e}txt.exe\u{202c} \u{0} \u{feff}zero-width\u{200b}joiner 👨\u{200d}👩\u{200d}👧";

fn kind_by_id(id: u64) -> SongKind {
    match id % 100 {
        13 => SongKind::Grey,
        77 => SongKind::Vip,
        _ => SongKind::Normal,
    }
}

/// Captured songs by id: (song object, privilege).
fn fixture_songs() -> &'static HashMap<u64, (Value, Value)> {
    static S: OnceLock<HashMap<u64, (Value, Value)>> = OnceLock::new();
    S.get_or_init(|| {
        let f = fixtures::get();
        let mut out: HashMap<u64, (Value, Value)> = HashMap::new();
        let mut aligned = |songs: &Value, privileges: &Value| {
            let privs = privileges.as_array().cloned().unwrap_or_default();
            for s in songs.as_array().into_iter().flatten() {
                let Some(id) = s["id"].as_u64() else { continue };
                let p = privs
                    .iter()
                    .find(|p| p["id"].as_u64() == Some(id))
                    .cloned()
                    .unwrap_or(Value::Null);
                out.entry(id).or_insert_with(|| (s.clone(), p));
            }
        };
        let sd = f.get("song_detail.json");
        aligned(&sd["songs"], &sd["privileges"]);
        for name in ["playlist_detail.json", "playlist_detail.liked.json"] {
            let pd = f.get(name);
            aligned(&pd["playlist"]["tracks"], &pd["privileges"]);
        }
        let mut inline = |songs: &Value| {
            for s in songs.as_array().into_iter().flatten() {
                let Some(id) = s["id"].as_u64() else { continue };
                let mut song = s.clone();
                let p = song
                    .as_object_mut()
                    .and_then(|m| m.remove("privilege"))
                    .unwrap_or(Value::Null);
                out.entry(id).or_insert((song, p));
            }
        };
        inline(&f.get("cloudsearch_type1_songs.json")["result"]["songs"]);
        inline(&f.get("recommend_songs.json")["data"]["dailySongs"]);
        out
    })
}

/// The kind of song `id` is: from its captured privilege when it has one, else by its last
/// two digits (`…13` grey, `…77` VIP).
pub(crate) fn song_kind(id: u64) -> SongKind {
    if let Some(l) = twins::netease(id) {
        return twin_kind(l);
    }
    match fixture_songs().get(&id) {
        Some((_, p)) => {
            if p["st"].as_i64().unwrap_or(0) < 0 {
                SongKind::Grey
            } else if matches!(p["fee"].as_i64(), Some(1 | 4)) && p["pl"].as_i64() == Some(0) {
                SongKind::Vip
            } else {
                SongKind::Normal
            }
        }
        None => kind_by_id(id),
    }
}

/// Title of a synthesised song.
pub(crate) fn song_name(id: u64) -> String {
    if id > HOSTILE_TRACK_BASE && id <= HOSTILE_TRACK_BASE + 999 {
        let n = id - HOSTILE_TRACK_BASE;
        format!("<script>alert(\"track {n}\")</script> & \"Track {n}\" '; --\u{0} 🎵")
    } else {
        format!("Track {id}")
    }
}

/// Duration (ms) of song `id`.
pub(crate) fn song_duration_ms(id: u64) -> i64 {
    if let Some(l) = twins::netease(id) {
        return l.duration_ms as i64;
    }
    match fixture_songs().get(&id) {
        Some((s, _)) => s["dt"].as_i64().unwrap_or(180_000),
        None => 90_000 + (id % 240) as i64 * 1000 + (id % 997) as i64,
    }
}

/// Applies `kind` to a synthesised song and its privilege.
fn apply_kind(song: &mut Value, privilege: &mut Value, kind: SongKind) {
    let (fee, st, pl, level) = match kind {
        SongKind::Normal => (0, 0, 320_000, "exhigh"),
        SongKind::Grey => (0, -200, 0, "none"),
        SongKind::Vip => (1, 0, 0, "none"),
    };
    set(song, "fee", fee);
    for (k, v) in [
        ("fee", json!(fee)),
        ("payed", json!(0)),
        ("st", json!(st)),
        ("pl", json!(pl)),
        ("dl", json!(pl)),
        ("fl", json!(pl)),
        ("plLevel", json!(level)),
        ("dlLevel", json!(level)),
        ("flLevel", json!(level)),
        (
            "freeTrialPrivilege",
            json!({
                "resConsumable": kind == SongKind::Vip,
                "userConsumable": false,
                "listenType": null
            }),
        ),
    ] {
        set(privilege, k, v);
    }
}

fn synth_song(id: u64) -> (Value, Value) {
    let f = fixtures::get();
    let mut song = f.get("song_detail.json")["songs"][0].clone();
    let mut privilege = f.get("playlist_detail.json")["privileges"][0].clone();
    let dt = song_duration_ms(id);
    set(&mut song, "id", id);
    set(&mut song, "name", song_name(id));
    set(&mut song, "dt", dt);
    set(&mut song, "no", id % 12 + 1);
    for (q, br) in [("h", 320_000), ("m", 192_000), ("l", 128_000)] {
        set(
            &mut song,
            q,
            json!({"br": br, "fid": 0, "size": dt * br / 8000, "vd": -20000}),
        );
    }
    set(&mut privilege, "id", id);
    apply_kind(&mut song, &mut privilege, kind_by_id(id));
    if let Some((album, artist)) = super::albums::home_of(id) {
        super::albums::place(&mut song, album, artist);
    }
    (song, privilege)
}

fn twin_kind(l: &Listing) -> SongKind {
    match l.availability {
        Availability::Normal => SongKind::Normal,
        Availability::Grey => SongKind::Grey,
        Availability::Vip => SongKind::Vip,
    }
}

/// A twin-catalogue song as NetEase writes it (its own artists, album and duration).
fn twin_song(l: &Listing) -> (Value, Value) {
    let (mut song, mut privilege) = synth_song(l.id);
    set(&mut song, "name", l.title);
    let artists: Vec<Value> = l
        .artists
        .iter()
        .map(|a| json!({"id": twins::netease_artist_id(a), "name": a, "tns": [], "alias": []}))
        .collect();
    set(&mut song, "ar", artists);
    let album_id = twins::netease_album_id(l.album);
    let mut al = song["al"].clone();
    set(&mut al, "id", album_id);
    set(&mut al, "name", l.album);
    set(
        &mut al,
        "picUrl",
        format!(
            "http://p{}.music.126.net/DuetFakeTwinAlbum{album_id}==/{album_id}.jpg",
            1 + album_id % 4
        ),
    );
    set(&mut al, "tns", json!([]));
    set(&mut song, "al", al);
    set(&mut song, "alia", json!([]));
    set(&mut song, "cd", "01");
    apply_kind(&mut song, &mut privilege, twin_kind(l));
    (song, privilege)
}

/// Song `id` and its privilege, as `/api/v3/song/detail` answers them.
pub(crate) fn song_with_privilege(id: u64) -> (Value, Value) {
    if let Some(l) = twins::netease(id) {
        return twin_song(l);
    }
    match fixture_songs().get(&id) {
        Some((s, p)) => {
            let mut p = p.clone();
            if p.is_null() {
                p = synth_song(id).1;
            }
            (s.clone(), p)
        }
        None => synth_song(id),
    }
}

// ---------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------

/// The `profile` of the account every session logs into.
pub(crate) fn account_profile() -> &'static Value {
    &fixtures::get().get("user_account.json")["profile"]
}

pub(crate) fn owner_creator(template: &Value) -> Value {
    let p = account_profile();
    let mut c = template.clone();
    for k in ["userId", "nickname", "avatarUrl", "signature", "vipType"] {
        set(&mut c, k, p[k].clone());
    }
    c
}

// ---------------------------------------------------------------------------------------
// Playlists
// ---------------------------------------------------------------------------------------

/// Track count of a generated playlist id, or `None`.
pub(crate) fn generated_len(id: u64) -> Option<u64> {
    (GENERATED_PLAYLIST_BASE..=GENERATED_PLAYLIST_MAX)
        .contains(&id)
        .then(|| id - GENERATED_PLAYLIST_BASE)
}

/// The id of the generated playlist with `n` tracks.
pub(crate) fn generated_id(n: u64) -> u64 {
    GENERATED_PLAYLIST_BASE + n.min(GENERATED_PLAYLIST_MAX - GENERATED_PLAYLIST_BASE)
}

/// The generated playlists every user has (appended to `/api/user/playlist`), and the twin
/// catalogue's "Duet twins".
pub(crate) const USER_GENERATED_PLAYLISTS: [u64; 4] = [
    9_000_001_200,
    9_000_010_000,
    HOSTILE_PLAYLIST_ID,
    twins::TWINS_PLAYLIST_ID,
];

/// The track ids of a generated playlist (or of "Duet twins"), or `None`.
fn generated_tracks(id: u64) -> Option<Vec<u64>> {
    if id == twins::TWINS_PLAYLIST_ID {
        return Some(twins::TWINS_PLAYLIST_TRACKS.to_vec());
    }
    let n = generated_len(id)?;
    Some((1..=n).map(|i| generated_track_id(id, i)).collect())
}

/// Whether `id` is a playlist the catalog makes up for the account (it owns them).
pub(crate) fn is_generated(id: u64) -> bool {
    generated_len(id).is_some() || id == twins::TWINS_PLAYLIST_ID
}

fn generated_track_id(playlist: u64, i: u64) -> u64 {
    if playlist == HOSTILE_PLAYLIST_ID {
        HOSTILE_TRACK_BASE + i
    } else {
        GENERATED_TRACK_BASE + i
    }
}

fn generated_name(id: u64, n: u64) -> String {
    if id == HOSTILE_PLAYLIST_ID {
        HOSTILE_NAME.to_owned()
    } else if id == twins::TWINS_PLAYLIST_ID {
        twins::TWINS_PLAYLIST_NAME.to_owned()
    } else {
        format!("Fake playlist of {n} tracks")
    }
}

fn generated_description(id: u64, n: u64) -> String {
    if id == HOSTILE_PLAYLIST_ID {
        HOSTILE_DESCRIPTION.to_owned()
    } else if id == twins::TWINS_PLAYLIST_ID {
        "Recordings QQ Music also has, a live version and one it does not have.".to_owned()
    } else {
        format!(
            "Generated by duet-fake-upstream: {n} tracks. Ids ending in 13 are grey, 77 are VIP."
        )
    }
}

/// `/api/v6/playlist/detail` for `id`, with at most `inline` full tracks; `None` if unknown.
pub(crate) fn playlist_detail(id: u64, inline: usize) -> Option<Value> {
    let f = fixtures::get();
    for name in ["playlist_detail.json", "playlist_detail.liked.json"] {
        let fx = f.get(name);
        if fx["playlist"]["id"].as_u64() == Some(id) {
            let mut out = fx.clone();
            if let Some(tracks) = out["playlist"]["tracks"].as_array_mut() {
                tracks.truncate(inline);
            }
            let kept: Vec<u64> = out["playlist"]["tracks"]
                .as_array()
                .map(|t| t.iter().filter_map(|s| s["id"].as_u64()).collect())
                .unwrap_or_default();
            if let Some(privs) = out["privileges"].as_array_mut() {
                privs.retain(|p| p["id"].as_u64().is_some_and(|i| kept.contains(&i)));
            }
            return Some(out);
        }
    }
    let ids = generated_tracks(id)?;
    let n = ids.len() as u64;
    let mut out = f.owned("playlist_detail.json");
    let owner = account_profile()["userId"].as_u64().unwrap_or(0);
    let track_ids: Vec<Value> = (1..=n)
        .zip(&ids)
        .map(|(i, track)| {
            json!({
                "id": track,
                "v": 1,
                "t": 0,
                "at": 1_700_000_000_000_i64 + i as i64 * 1000,
                "alg": null,
                "uid": owner,
                "rcmdReason": "",
                "sc": null,
                "f": null,
                "sr": null
            })
        })
        .collect();
    let mut tracks = Vec::new();
    let mut privileges = Vec::new();
    for track in ids.iter().take(inline) {
        let (s, p) = song_with_privilege(*track);
        tracks.push(s);
        privileges.push(p);
    }
    let pl = &mut out["playlist"];
    let creator = owner_creator(&pl["creator"]);
    set(pl, "id", id);
    set(pl, "name", generated_name(id, n));
    set(pl, "description", generated_description(id, n));
    set(pl, "trackCount", n);
    set(pl, "trackIds", track_ids);
    set(pl, "tracks", tracks);
    set(pl, "creator", creator);
    set(pl, "userId", owner);
    set(pl, "commentThreadId", format!("A_PL_0_{id}"));
    set(pl, "subscribers", json!([]));
    set(pl, "subscribedCount", 0);
    set(pl, "subscribed", false);
    set(pl, "specialType", 0);
    set(pl, "playCount", n * 7);
    set(pl, "shareCount", 0);
    set(pl, "commentCount", 0);
    set(pl, "coverImgId_str", json!(null));
    set(
        pl,
        "tags",
        if id == HOSTILE_PLAYLIST_ID {
            json!(["<b>bold</b>", "\u{0}", "🎵"])
        } else {
            json!(["Fake"])
        },
    );
    set(&mut out, "privileges", privileges);
    Some(out)
}

/// The items of `/api/user/playlist`: the captured ones plus the generated ones.
pub(crate) fn user_playlists() -> Vec<Value> {
    let f = fixtures::get();
    let up = f.get("user_playlist.json");
    let mut items: Vec<Value> = up["playlist"].as_array().cloned().unwrap_or_default();
    let template = items.get(1).or(items.first()).cloned().unwrap_or(json!({}));
    let owner = account_profile()["userId"].as_u64().unwrap_or(0);
    for id in USER_GENERATED_PLAYLISTS {
        let n = generated_tracks(id).map_or(0, |t| t.len() as u64);
        let mut p = template.clone();
        let creator = owner_creator(&p["creator"]);
        set(&mut p, "id", id);
        set(&mut p, "name", generated_name(id, n));
        set(&mut p, "description", generated_description(id, n));
        set(&mut p, "trackCount", n);
        set(&mut p, "creator", creator);
        set(&mut p, "userId", owner);
        set(&mut p, "specialType", 0);
        set(&mut p, "subscribed", false);
        set(&mut p, "commentThreadId", format!("A_PL_0_{id}"));
        items.push(p);
    }
    items
}

// ---------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------

/// Total hits of any query but [`NOTHING_QUERY`].
pub(crate) const SEARCH_TOTAL: usize = 137;
/// The query with no hits.
pub(crate) const NOTHING_QUERY: &str = "__nothing__";

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Search result `n` (1-based) of `query` for a given type base.
fn hit_id(base: u64, query: &str, n: usize) -> u64 {
    base + (fnv1a(query) % 90_000 + 10_000) * 1000 + n as u64
}

/// A search answer, or `None` for an unsupported `type`.
/// `legacy`: the `/api/search/get` shapes (artists/album/duration songs, `hasMore`).
pub(crate) fn search(
    query: &str,
    kind: i64,
    limit: usize,
    offset: usize,
    legacy: bool,
) -> Option<Value> {
    let f = fixtures::get();
    let (list_key, count_key, templates): (&str, &str, Vec<Value>) = match kind {
        1 if legacy => (
            "songs",
            "songCount",
            arr(&f.get("search_type1_songs_legacy.json")["result"]["songs"]),
        ),
        1 => (
            "songs",
            "songCount",
            arr(&f.get("cloudsearch_type1_songs.json")["result"]["songs"]),
        ),
        10 => (
            "albums",
            "albumCount",
            arr(&f.get("search_type10_albums.json")["result"]["albums"]),
        ),
        100 => (
            "artists",
            "artistCount",
            arr(&f.get("search_type100_artists.json")["result"]["artists"]),
        ),
        1000 => (
            "playlists",
            "playlistCount",
            arr(&f.get("search_type1000_playlists.json")["result"]["playlists"]),
        ),
        _ => return None,
    };
    let twins: Vec<&Listing> = if kind == 1 && query != NOTHING_QUERY {
        twins::search(twins::Service::Netease, query)
    } else {
        Vec::new()
    };
    let total = if query == NOTHING_QUERY || templates.is_empty() {
        0
    } else {
        SEARCH_TOTAL + twins.len()
    };
    let mut result = Map::new();
    if kind == 1 && !legacy {
        result.insert("searchQcReminder".into(), Value::Null);
    }
    if total > 0 {
        let end = total.min(offset.saturating_add(limit));
        let items: Vec<Value> = (offset..end)
            .map(|i| {
                let mut item = templates[i % templates.len()].clone();
                if let Some(twin) = twins.get(i) {
                    return twin_search_item(item, twin, legacy);
                }
                let n = i - twins.len() + 1;
                let name = format!("{query} #{n}");
                match kind {
                    1 => {
                        let id = hit_id(1_000_000_000, query, n);
                        set(&mut item, "id", id);
                        set(&mut item, "name", name);
                        let dt = song_duration_ms(id);
                        if legacy {
                            set(&mut item, "duration", dt);
                            set(&mut item, "fee", i64::from(kind_by_id(id) == SongKind::Vip));
                        } else {
                            set(&mut item, "dt", dt);
                            let mut inline = item["privilege"].clone();
                            set(&mut inline, "id", id);
                            apply_kind(&mut item, &mut inline, kind_by_id(id));
                            set(&mut item, "privilege", inline);
                        }
                    }
                    10 => {
                        set(&mut item, "id", hit_id(2_000_000_000, query, n));
                        set(&mut item, "name", name);
                        set(
                            &mut item,
                            "commentThreadId",
                            format!("R_AL_3_{}", hit_id(2_000_000_000, query, n)),
                        );
                    }
                    100 => {
                        set(&mut item, "id", hit_id(3_000_000_000, query, n));
                        set(&mut item, "name", name);
                    }
                    _ => {
                        let tracks = 10 + n as u64;
                        set(&mut item, "id", generated_id(tracks));
                        set(&mut item, "name", name);
                        set(&mut item, "trackCount", tracks);
                    }
                }
                item
            })
            .collect();
        result.insert(list_key.into(), Value::Array(items));
        if legacy || kind != 1 {
            result.insert("hasMore".into(), Value::Bool(end < total));
        }
    }
    result.insert(count_key.into(), json!(total));
    Some(json!({"result": result, "code": 200}))
}

/// A twin as a song search hit: the `cloudsearch` item (a song object with its `privilege`),
/// or the legacy `/api/search/get` one (`artists`, `album`, `duration`).
fn twin_search_item(mut item: Value, twin: &Listing, legacy: bool) -> Value {
    let (song, _) = twin_song(twin);
    if legacy {
        set(&mut item, "id", twin.id);
        set(&mut item, "name", twin.title);
        set(&mut item, "duration", twin.duration_ms);
        set(&mut item, "alias", json!([]));
        set(
            &mut item,
            "fee",
            i64::from(twin.availability == Availability::Vip),
        );
        let template = item["artists"][0].clone();
        let artists: Vec<Value> = arr(&song["ar"])
            .into_iter()
            .map(|a| {
                let mut artist = template.clone();
                set(&mut artist, "id", a["id"].clone());
                set(&mut artist, "name", a["name"].clone());
                artist
            })
            .collect();
        set(&mut item, "artists", artists);
        let mut album = item["album"].clone();
        set(&mut album, "id", song["al"]["id"].clone());
        set(&mut album, "name", song["al"]["name"].clone());
        set(&mut item, "album", album);
        return item;
    }
    if let (Some(fields), Some(out)) = (song.as_object(), item.as_object_mut()) {
        for (k, v) in fields {
            if out.contains_key(k) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    let mut inline = item["privilege"].clone();
    set(&mut inline, "id", twin.id);
    apply_kind(&mut item, &mut inline, twin_kind(twin));
    set(&mut item, "privilege", inline);
    item
}

fn arr(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Lyrics
// ---------------------------------------------------------------------------------------

/// Whether song `id` is instrumental (no lyric).
pub(crate) fn instrumental(id: u64) -> bool {
    id % 100 == 99 || twins::is_instrumental(twins::Service::Netease, id)
}

/// `/api/song/lyric` (and with `v1`, `/api/song/lyric/v1`) for a non-instrumental song.
pub(crate) fn lyric(v1: bool) -> Value {
    let mut out = fixtures::get().owned("lyric.json");
    if v1 {
        set(&mut out, "yrc", json!({"version": 3, "lyric": yrc()}));
        set(&mut out, "ytlrc", json!({"version": 0, "lyric": ""}));
        set(&mut out, "yromalrc", json!({"version": 0, "lyric": ""}));
    }
    set(&mut out, "code", 200);
    out
}

/// The instrumental answer.
pub(crate) fn no_lyric() -> Value {
    json!({"sgc": false, "sfy": false, "qfy": false, "nolyric": true, "code": 200})
}

/// Whether song `id` is the other kind of instrumental: `pureMusic` with a placeholder line.
pub(crate) fn pure_music(id: u64) -> bool {
    id % 100 == 98
}

/// The `pureMusic` answer, as public clients quote it (fidelity row N6): the flag, and an
/// `lrc` holding only "纯音乐，请欣赏" ("pure music, please enjoy").
pub(crate) fn pure_music_lyric() -> Value {
    json!({
        "sgc": false, "sfy": false, "qfy": false, "needDesc": true, "pureMusic": true,
        "lrc": {"version": 1, "lyric": "[00:05.00]纯音乐，请欣赏\n"},
        "code": 200, "briefDesc": null
    })
}

/// A well-formed yrc: the excerpt's whole credit lines, then one word-timed line per timed LRC
/// line of `lyric.json` (each character a word, spread evenly over the line).
fn yrc() -> String {
    let mut out = String::new();
    for line in fixtures::YRC_EXCERPT.lines() {
        let line = line.trim_end();
        // The excerpt's last line is cut off with "..." — keep only whole lines.
        if line.is_empty() || line.ends_with("...") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    let lrc = fixtures::get().get("lyric.json")["lrc"]["lyric"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let timed: Vec<(i64, String)> = lrc.lines().filter_map(parse_lrc_line).collect();
    for (i, (start, text)) in timed.iter().enumerate() {
        let text = text.trim();
        if text.is_empty() || text.contains(" : ") {
            continue;
        }
        let next = timed.get(i + 1).map(|(t, _)| *t).unwrap_or(start + 5000);
        let dur = (next - start).clamp(500, 8000);
        let chars: Vec<char> = text.chars().collect();
        let per = (dur / chars.len() as i64).max(1);
        out.push_str(&format!("[{start},{dur}]"));
        for (k, c) in chars.iter().enumerate() {
            out.push_str(&format!("({},{},0){}", start + per * k as i64, per, c));
        }
        out.push('\n');
    }
    out
}

/// `[mm:ss.xx]text` → (ms, text).
fn parse_lrc_line(line: &str) -> Option<(i64, String)> {
    let rest = line.strip_prefix('[')?;
    let (ts, text) = rest.split_once(']')?;
    let (m, s) = ts.split_once(':')?;
    let m: i64 = m.parse().ok()?;
    let (sec, frac) = s.split_once('.').unwrap_or((s, "0"));
    let sec: i64 = sec.parse().ok()?;
    let frac_ms = match frac.len() {
        1 => frac.parse::<i64>().ok()? * 100,
        2 => frac.parse::<i64>().ok()? * 10,
        _ => frac.get(..3)?.parse::<i64>().ok()?,
    };
    Some((m * 60_000 + sec * 1000 + frac_ms, text.to_owned()))
}

// ---------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------

/// Whether `thread` is a comment thread id (`R_SO_4_<id>`, `A_PL_0_<id>`, …).
pub(crate) fn is_thread_id(thread: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "R_SO_4_", "R_MV_5_", "A_PL_0_", "R_AL_3_", "A_DJ_1_", "R_VI_62_", "A_EV_2_", "A_DR_14_",
    ];
    PREFIXES.iter().any(|p| {
        thread.strip_prefix(p).is_some_and(|id| {
            !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_ids() {
        assert_eq!(song_kind(700_000_013), SongKind::Grey);
        assert_eq!(song_kind(700_000_077), SongKind::Vip);
        assert_eq!(song_kind(700_000_001), SongKind::Normal);
        // A captured VIP song keeps its captured privilege.
        assert_eq!(song_kind(347_230), SongKind::Vip);
        let (s, p) = song_with_privilege(700_000_013);
        assert_eq!(s["name"], "Track 700000013");
        assert_eq!(p["st"], -200);
        assert_eq!(p["pl"], 0);
        let (s, p) = song_with_privilege(700_000_077);
        assert_eq!(s["fee"], 1);
        assert_eq!(p["freeTrialPrivilege"]["resConsumable"], true);
        assert_eq!(generated_len(9_000_001_200), Some(1200));
        assert_eq!(generated_len(8_999_999_999), None);
        assert!(song_name(666_000_001).contains("<script>"));
    }

    #[test]
    fn twins_lead_both_song_search_shapes() {
        let twin = twins::twin_titled("晴天").unwrap().netease;
        for legacy in [false, true] {
            let r = search("晴天", 1, 5, 0, legacy).unwrap();
            let songs = r["result"]["songs"].as_array().unwrap();
            assert_eq!(r["result"]["songCount"], SEARCH_TOTAL + 4);
            assert_eq!(songs[0]["id"], twin.id);
            assert_eq!(songs[0]["name"], "晴天");
            let (artists, album, duration) = if legacy {
                ("artists", "album", "duration")
            } else {
                ("ar", "al", "dt")
            };
            assert_eq!(songs[0][artists][0]["name"], "周杰伦");
            assert_eq!(songs[0][album]["name"], "叶惠美");
            assert_eq!(songs[0][duration], twin.duration_ms);
            // The cover shares the exact title; the live version and the backing track follow.
            assert_eq!(songs[1][artists][0]["name"], "林小满");
            assert_eq!(songs[2]["name"], "晴天 (Live)");
            assert_eq!(songs[4]["name"], "晴天 #1");
        }
        // The grey twin is grey in the hit's inline privilege too.
        let r = search("稻香", 1, 1, 0, false).unwrap();
        assert_eq!(r["result"]["songs"][0]["privilege"]["st"], -200);
        // Paging past the twins reaches the synthesised hits.
        let r = search("晴天", 1, 2, 4, false).unwrap();
        assert_eq!(r["result"]["songs"][0]["name"], "晴天 #1");
    }

    #[test]
    fn yrc_is_well_formed() {
        let y = yrc();
        assert!(!y.contains("..."));
        let lines: Vec<&str> = y.lines().collect();
        assert_eq!(lines.iter().filter(|l| l.starts_with('{')).count(), 3);
        for l in lines.iter().filter(|l| l.starts_with('[')) {
            let (head, words) = l.split_once(']').unwrap();
            let (a, b) = head[1..].split_once(',').unwrap();
            a.parse::<i64>().unwrap();
            b.parse::<i64>().unwrap();
            assert!(words.starts_with('('));
        }
        assert!(lines.len() > 10);
        for l in lines.iter().filter(|l| l.starts_with('{')) {
            serde_json::from_str::<Value>(l).unwrap();
        }
    }

    #[test]
    fn thread_ids() {
        assert!(is_thread_id("R_SO_4_33894312"));
        assert!(is_thread_id("A_PL_0_1"));
        assert!(!is_thread_id("R_SO_4_"));
        assert!(!is_thread_id("R_SO_4_12a"));
        assert!(!is_thread_id("X_1"));
    }
}
