//! Podcasts (电台; docs/netease-wire.md "Podcasts"): the subscribed list, a podcast's header,
//! its episodes a page at a time, and subscribing. An episode plays as its main song, through
//! the song URL call every track uses; nothing about listening is reported.

use duet_core::{
    AlbumRef, ArtistRef, Episode, EpisodePage, Error, Podcast, ProviderId, Result, UserRef,
};
use serde_json::{json, Value};

use crate::client::Client;
use crate::endpoints;
use crate::errors::netease;
use crate::library;
use crate::parse::{self, from_value, missing, RawSong};

/// The subscribed list comes in NCMA's pages of 30; 40 pages is far beyond any real account.
const SUBSCRIBED_PAGE: u64 = 30;
const SUBSCRIBED_MAX_PAGES: u64 = 40;

/// `/api/djradio/get/subed`, every page.
pub async fn subscribed(client: &Client) -> Result<Vec<Podcast>> {
    let mut all = Vec::new();
    for page in 0..SUBSCRIBED_MAX_PAGES {
        let body = client
            .call(
                &endpoints::PODCASTS_SUBSCRIBED,
                json!({ "limit": SUBSCRIBED_PAGE, "offset": page * SUBSCRIBED_PAGE, "total": true }),
            )
            .await?;
        let (podcasts, more) = parse_subscribed(&body)?;
        let got = podcasts.len();
        all.extend(podcasts);
        if !more || got == 0 {
            break;
        }
    }
    Ok(all)
}

/// `/api/djradio/v2/get`: one podcast's header.
pub async fn podcast(client: &Client, id: &str) -> Result<Podcast> {
    let body = client
        .call(&endpoints::PODCAST_DETAIL, json!({ "id": id }))
        .await?;
    parse_podcast(&body, id)
}

/// `/api/dj/program/byradio`, one page, newest first (`asc: false`).
pub async fn episodes(client: &Client, id: &str, page: u32) -> Result<EpisodePage> {
    EpisodePage::check_page(page).map_err(netease)?;
    let body = client
        .call(
            &endpoints::PODCAST_EPISODES,
            json!({
                "radioId": id,
                "limit": EpisodePage::PAGE_SIZE,
                "offset": EpisodePage::offset(page),
                "asc": false,
            }),
        )
        .await?;
    parse_episodes(&body, id, page)
}

/// `/api/djradio/sub` or `/api/djradio/unsub`: a write, made once because a person acted.
pub async fn subscribe(client: &Client, id: &str, subscribe: bool) -> Result<()> {
    let endpoint = if subscribe {
        &endpoints::PODCAST_SUBSCRIBE
    } else {
        &endpoints::PODCAST_UNSUBSCRIBE
    };
    library::write(client, endpoint, json!({ "id": id }), false)
        .await
        .map(drop)
}

fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => n.as_u64().filter(|n| *n > 0).map(|n| n.to_string()),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(s.clone())
        }
        _ => None,
    }
}

/// One radio object (the subscribed list's items and `v2/get`'s `data` share it).
fn radio(raw: &Value, subscribed: Option<bool>) -> Result<Podcast> {
    let id = id_text(&raw["id"]).ok_or_else(|| missing("podcast", "id"))?;
    let dj = &raw["dj"];
    let host = id_text(&dj["userId"]).map(|user_id| UserRef {
        id: user_id,
        name: text(&dj["nickname"]).unwrap_or_default(),
        avatar_url: text(&dj["avatarUrl"]),
    });
    Ok(Podcast {
        provider: ProviderId::Netease,
        id,
        name: text(&raw["name"]).unwrap_or_default(),
        host,
        cover_url: text(&raw["picUrl"]),
        description: text(&raw["desc"]),
        category: text(&raw["category"]),
        episode_count: raw["programCount"].as_u64().unwrap_or(0),
        subscriber_count: raw["subCount"].as_u64(),
        subscribed: subscribed.unwrap_or_else(|| raw["subed"].as_bool().unwrap_or(false)),
        last_episode_at_ms: raw["lastProgramCreateTime"].as_u64().filter(|t| *t > 0),
    })
}

pub fn parse_subscribed(body: &Value) -> Result<(Vec<Podcast>, bool)> {
    let list = match body.get("djRadios") {
        Some(Value::Array(list)) => list,
        Some(Value::Null) => return Ok((Vec::new(), false)),
        _ => return Err(missing("subscribed podcasts", "djRadios")),
    };
    let podcasts = list
        .iter()
        .map(|raw| radio(raw, Some(true)))
        .collect::<Result<Vec<_>>>()?;
    Ok((podcasts, body["hasMore"].as_bool().unwrap_or(false)))
}

pub fn parse_podcast(body: &Value, id: &str) -> Result<Podcast> {
    match body.get("data") {
        None => Err(missing("podcast", "data")),
        Some(Value::Null) => Err(netease(Error::not_found(format!(
            "NetEase has no podcast {id}"
        )))),
        Some(raw) => radio(raw, None),
    }
}

fn episode(raw: &Value, podcast_id: &str, podcast_name: Option<&str>) -> Result<Episode> {
    let id = id_text(&raw["id"]).ok_or_else(|| missing("episode", "id"))?;
    let song: RawSong = match raw.get("mainSong") {
        Some(song) if song.is_object() => from_value(song, "episode's main song")?,
        _ => return Err(missing("episode", "mainSong")),
    };
    let mut track = parse::track(song, None);
    let title = text(&raw["name"]).unwrap_or_else(|| track.title.clone());
    let cover_url = text(&raw["coverUrl"]);
    // The main song names a placeholder album ("[DJ节目]…") and artists without ids: the
    // player shows the episode as the podcast's instead.
    track.title = title.clone();
    track.album = AlbumRef {
        id: String::new(),
        name: podcast_name
            .map(str::to_owned)
            .or_else(|| text(&raw["radio"]["name"]))
            .unwrap_or_else(|| track.album.name.clone()),
        cover_url: cover_url.clone().or(track.album.cover_url.take()),
    };
    track.artists = track
        .artists
        .into_iter()
        .map(|a| ArtistRef {
            id: if a.id == "0" { String::new() } else { a.id },
            name: a.name,
        })
        .collect();
    let duration_ms = raw["duration"].as_u64().unwrap_or(track.duration_ms);
    if track.duration_ms == 0 {
        track.duration_ms = duration_ms;
    }
    Ok(Episode {
        provider: ProviderId::Netease,
        id,
        podcast_id: podcast_id.to_owned(),
        title,
        description: text(&raw["description"]),
        cover_url,
        duration_ms,
        published_at_ms: raw["createTime"].as_u64().filter(|t| *t > 0),
        number: raw["serialNum"].as_u64().filter(|n| *n > 0),
        listen_count: raw["listenerCount"].as_u64(),
        track,
    })
}

pub fn parse_episodes(body: &Value, podcast_id: &str, page: u32) -> Result<EpisodePage> {
    let list = match body.get("programs") {
        Some(Value::Array(list)) => list.as_slice(),
        Some(Value::Null) => &[],
        _ => return Err(missing("podcast episodes", "programs")),
    };
    let episodes = list
        .iter()
        .map(|raw| episode(raw, podcast_id, None))
        .collect::<Result<Vec<_>>>()?;
    let seen = EpisodePage::offset(page) + episodes.len() as u64;
    let has_more = body["more"].as_bool().unwrap_or(false);
    let total = body["count"].as_u64().unwrap_or(seen).max(seen);
    Ok(EpisodePage {
        provider: ProviderId::Netease,
        podcast_id: podcast_id.to_owned(),
        page,
        page_size: EpisodePage::PAGE_SIZE,
        total,
        has_more,
        episodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::ErrorKind;

    fn program() -> Value {
        json!({
            "id": 2059743782u64, "name": "第 3 期", "description": "notes",
            "coverUrl": "http://p1.music.126.net/c.jpg", "createTime": 1551188233994u64,
            "duration": 3626266, "listenerCount": 42, "serialNum": 3,
            "radio": {"id": 526625593, "name": "Radio"},
            "mainSong": {"id": 530692704, "name": "main", "duration": 3626266,
                "artists": [{"id": 0, "name": "Radio"}],
                "album": {"id": 0, "name": "[DJ节目]Radio的DJ节目 第3期", "picUrl": null}}
        })
    }

    #[test]
    fn an_episode_plays_as_its_main_song_shown_as_the_podcasts() {
        let page = parse_episodes(
            &json!({"programs": [program()], "count": 57, "more": true, "code": 200}),
            "526625593",
            1,
        )
        .unwrap();
        assert_eq!((page.total, page.has_more), (57, true));
        let e = &page.episodes[0];
        assert_eq!(e.track.id, "530692704");
        assert_eq!(e.track.title, "第 3 期");
        assert_eq!(e.track.album.name, "Radio");
        assert_eq!(e.track.artists[0].id, "");
        assert_eq!(e.number, Some(3));
        assert_eq!(e.listen_count, Some(42));
        assert_eq!(
            e.track.album.cover_url.as_deref(),
            Some("http://p1.music.126.net/c.jpg")
        );
    }

    #[test]
    fn changed_shapes_are_upstream_and_null_data_is_not_found() {
        assert_eq!(
            parse_episodes(&json!({"code": 200}), "1", 1)
                .unwrap_err()
                .kind,
            ErrorKind::Upstream
        );
        assert_eq!(
            parse_episodes(&json!({"programs": [{"id": 1}], "code": 200}), "1", 1)
                .unwrap_err()
                .kind,
            ErrorKind::Upstream
        );
        assert_eq!(
            parse_podcast(&json!({"data": null, "code": 200}), "5")
                .unwrap_err()
                .kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            parse_subscribed(&json!({"code": 200})).unwrap_err().kind,
            ErrorKind::Upstream
        );
    }
}
