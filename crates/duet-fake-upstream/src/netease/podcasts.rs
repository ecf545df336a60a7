//! Podcasts (电台; docs/netease-wire.md "Podcasts"): the subscribed list, a podcast's header, its
//! episodes paged either way, and subscribing, kept so the reads show the writes.
//!
//! Three podcasts exist: `7770000001` (64 episodes, so paging is real; subscribed),
//! `7770000002` (a hostile name and hostile episode titles; subscribed) and `7770000003` (12
//! episodes; not subscribed, the one to subscribe to). Any other id is unknown (404). An
//! episode's main song is `7790000000 + podcast·100000 + n·10 + 1`: a plain song to the song
//! URL call, never grey or VIP.

use std::sync::Mutex;

use serde_json::{json, Value};

use super::endpoints::{need_login, param_error, Answer, Call};
use crate::journal::{lock, Transport};

const SUBSCRIBED: &str = "/api/djradio/get/subed";
const DETAIL: &str = "/api/djradio/v2/get";
const EPISODES: &str = "/api/dj/program/byradio";
const SUBSCRIBE: &str = "/api/djradio/sub";
const UNSUBSCRIBE: &str = "/api/djradio/unsub";

/// Every path this module answers.
pub(crate) const PATHS: [&str; 5] = [SUBSCRIBED, DETAIL, EPISODES, SUBSCRIBE, UNSUBSCRIBE];

/// The podcast with 64 episodes.
pub const LONG_PODCAST: u64 = 7_770_000_001;
/// The podcast with a hostile name.
pub const HOSTILE_PODCAST: u64 = 7_770_000_002;
/// The podcast nobody subscribes to at first.
pub const UNSUBSCRIBED_PODCAST: u64 = 7_770_000_003;

const FIRST_EPISODE_MS: u64 = 1_700_000_000_000;
const WEEK_MS: u64 = 7 * 24 * 3600 * 1000;
/// NCMA's answers never carry more than this many programs in one page.
const MAX_LIMIT: i64 = 500;

struct Show {
    id: u64,
    name: &'static str,
    host: (u64, &'static str),
    description: &'static str,
    category: &'static str,
    episodes: u64,
}

const SHOWS: [Show; 3] = [
    Show {
        id: LONG_PODCAST,
        name: "Duet Nightly: Code & Coffee",
        host: (5_550_001, "Ada Night"),
        description: "Two engineers talk about building things, one cup at a time.",
        category: "科技",
        episodes: 64,
    },
    Show {
        id: HOSTILE_PODCAST,
        name: "<img src=x onerror=alert('pod')> \"播客\" '; DROP TABLE radios;--\u{0} 🎙️",
        host: (5_550_002, "<b>host</b> & \"co\""),
        description: "<script>alert('desc')</script>",
        category: "<i>cat</i>",
        episodes: 3,
    },
    Show {
        id: UNSUBSCRIBED_PODCAST,
        name: "Slow Tuesdays",
        host: (5_550_003, "Mira Slow"),
        description: "A quiet hour of stories for the middle of the week.",
        category: "情感",
        episodes: 12,
    },
];

fn show(id: u64) -> Option<&'static Show> {
    SHOWS.iter().find(|s| s.id == id)
}

fn index(show: &Show) -> u64 {
    show.id - LONG_PODCAST + 1
}

/// The main song of episode `n` (from 1) of `show`.
pub fn main_song_id(podcast: u64, n: u64) -> u64 {
    7_790_000_000 + (podcast - LONG_PODCAST + 1) * 100_000 + n * 10 + 1
}

fn program_id(show: &Show, n: u64) -> u64 {
    7_780_000_000_000 + index(show) * 10_000 + n
}

fn episode_title(show: &Show, n: u64) -> String {
    if show.id == HOSTILE_PODCAST {
        format!("<script>alert(\"ep {n}\")</script> & 第{n}期 '; --")
    } else {
        format!("Episode {n}: {}", show.name)
    }
}

fn episode_ms(show: &Show, n: u64) -> u64 {
    FIRST_EPISODE_MS + index(show) * 3_600_000 + (n - 1) * WEEK_MS
}

fn cover(kind: &str, id: u64) -> String {
    format!(
        "http://p{}.music.126.net/DuetFakePodcast{kind}{id}==/{id}.jpg",
        1 + id % 4
    )
}

fn dj(show: &Show) -> Value {
    json!({
        "userId": show.host.0,
        "nickname": show.host.1,
        "avatarUrl": cover("Host", show.host.0),
        "djStatus": 10,
    })
}

fn radio(show: &Show, subscribed: bool) -> Value {
    json!({
        "id": show.id,
        "name": show.name,
        "picUrl": cover("Radio", show.id),
        "desc": show.description,
        "dj": dj(show),
        "programCount": show.episodes,
        "subCount": 1000 + index(show) * 7,
        "createTime": FIRST_EPISODE_MS - WEEK_MS,
        "categoryId": 2000 + index(show),
        "category": show.category,
        "radioFeeType": 0,
        "feeScope": 0,
        "buyed": false,
        "finished": false,
        "underShelf": false,
        "lastProgramCreateTime": episode_ms(show, show.episodes),
        "lastProgramName": episode_title(show, show.episodes),
        "lastProgramId": program_id(show, show.episodes),
        "subed": subscribed,
    })
}

/// Episode `n` as `/api/dj/program/byradio` lists it, its main song in the legacy schema.
fn program(show: &Show, n: u64) -> Value {
    let duration = 600_000 + n * 1_000;
    let song_id = main_song_id(show.id, n);
    json!({
        "id": program_id(show, n),
        "name": episode_title(show, n),
        "description": format!("Notes for episode {n}."),
        "coverUrl": cover("Episode", program_id(show, n)),
        "createTime": episode_ms(show, n),
        "scheduledPublishTime": episode_ms(show, n),
        "duration": duration,
        "listenerCount": 1_000 + n * 37,
        "serialNum": n,
        "mainTrackId": song_id,
        "subscribedCount": 0,
        "buyed": false,
        "programFeeType": 0,
        "radio": {"id": show.id, "name": show.name, "picUrl": cover("Radio", show.id)},
        "dj": dj(show),
        "mainSong": {
            "id": song_id,
            "name": episode_title(show, n),
            "duration": duration,
            "fee": 0,
            "status": 0,
            "artists": [{"id": 0, "name": show.name}],
            "album": {"id": 0, "name": format!("[DJ节目]{}的DJ节目 第{n}期", show.host.1),
                      "picUrl": Value::Null},
        },
    })
}

/// Subscriptions, newest first.
pub(crate) struct Podcasts {
    subscribed: Mutex<Vec<u64>>,
}

impl Default for Podcasts {
    fn default() -> Self {
        Podcasts {
            subscribed: Mutex::new(vec![LONG_PODCAST, HOSTILE_PODCAST]),
        }
    }
}

impl Podcasts {
    pub(crate) fn subscribed(&self) -> Vec<u64> {
        lock(&self.subscribed).clone()
    }
}

fn no_podcast() -> Value {
    json!({"code": 404, "message": "电台不存在"})
}

/// Answers one call on a podcast path.
pub(crate) fn dispatch(c: &Call<'_>) -> Answer {
    // NCMA sends each of these over weapi; another form is one the service does not know.
    if c.transport != Transport::Weapi {
        return param_error().into();
    }
    let answered = match c.path {
        SUBSCRIBED => subscribed(c),
        DETAIL => detail(c),
        EPISODES => episodes(c),
        SUBSCRIBE => subscribe(c, true),
        UNSUBSCRIBE => subscribe(c, false),
        _ => Err(param_error()),
    };
    answered.unwrap_or_else(Answer::from)
}

fn page_param(c: &Call<'_>, key: &str, default: i64) -> Result<u64, Value> {
    match c.int_param(key) {
        Ok(None) => Ok(default as u64),
        Ok(Some(n)) if n >= 0 => Ok(n as u64),
        _ => Err(param_error()),
    }
}

fn subscribed(c: &Call<'_>) -> Result<Answer, Value> {
    c.session().ok_or_else(need_login)?;
    let limit = page_param(c, "limit", 30)?;
    let offset = page_param(c, "offset", 0)?;
    if limit == 0 || limit as i64 > MAX_LIMIT {
        return Err(param_error());
    }
    let ids = c.ctl.podcasts().subscribed();
    let radios: Vec<Value> = ids
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .filter_map(|id| show(*id).map(|s| radio(s, true)))
        .collect();
    let more = (offset + limit) < ids.len() as u64;
    Ok(json!({
        "djRadios": radios,
        "time": crate::http_util::now_ms(),
        "hasMore": more,
        "count": ids.len(),
        "code": 200,
    })
    .into())
}

fn detail(c: &Call<'_>) -> Result<Answer, Value> {
    let id = c.id_param("id").ok_or_else(param_error)?;
    let show = show(id).ok_or_else(no_podcast)?;
    let subscribed = c.session().is_some() && c.ctl.podcasts().subscribed().contains(&id);
    Ok(json!({"data": radio(show, subscribed), "code": 200}).into())
}

fn episodes(c: &Call<'_>) -> Result<Answer, Value> {
    let id = c.id_param("radioId").ok_or_else(param_error)?;
    let limit = page_param(c, "limit", 30)?;
    let offset = page_param(c, "offset", 0)?;
    if limit == 0 || limit as i64 > MAX_LIMIT {
        return Err(param_error());
    }
    let asc = match c.params.get("asc") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(param_error()),
    };
    let show = show(id).ok_or_else(no_podcast)?;
    let numbers: Vec<u64> = if asc {
        (1..=show.episodes).collect()
    } else {
        (1..=show.episodes).rev().collect()
    };
    let programs: Vec<Value> = numbers
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|n| program(show, *n))
        .collect();
    Ok(json!({
        "count": show.episodes,
        "programs": programs,
        "more": offset + limit < show.episodes,
        "code": 200,
    })
    .into())
}

fn subscribe(c: &Call<'_>, on: bool) -> Result<Answer, Value> {
    c.session().ok_or_else(need_login)?;
    // A weapi write echoes the __csrf cookie as csrf_token (§2.2), else the service answers 301.
    let token = c.str_param("csrf_token").unwrap_or_default();
    let cookie = c.cookies.get("__csrf").map(String::as_str).unwrap_or("");
    if token.is_empty() || token != cookie {
        return Err(need_login());
    }
    let id = c.id_param("id").ok_or_else(param_error)?;
    show(id).ok_or_else(no_podcast)?;
    let mut list = lock(&c.ctl.podcasts().subscribed);
    list.retain(|s| *s != id);
    if on {
        list.insert(0, id);
    }
    Ok(json!({"code": 200}).into())
}
