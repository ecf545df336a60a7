//! Personal FM (私人FM) and heartbeat mode (心动模式), issue 14 item 1: the calls of
//! docs/netease-wire.md "Personal FM and heartbeat mode", as NCMA-Enhanced's `personal_fm.js`,
//! `fm_trash.js` and `playmode_intelligence_list.js` send them. Nothing here reports listening:
//! the trash call is made once, because a person pressed "not interested".

use duet_core::{Error, Result, Track};
use serde_json::{json, Value};

use crate::client::Client;
use crate::errors::netease;
use crate::parse::{self, RawSong};
use crate::{endpoints, library};

/// NCMA's `alg` for a trash ("RT"): the only value any reference sends.
const TRASH_ALG: &str = "RT";
/// NCMA's default `time` for a trash (seconds). Duet sends this fixed value rather than how
/// long the person listened: no listening time ever leaves Duet.
const TRASH_TIME: u32 = 25;
/// How many tracks a heartbeat queue asks for. NCMA defaults to 1 (the service answers more
/// anyway, no public capture says how many); Duet asks for a queue's worth.
pub const HEARTBEAT_COUNT: u32 = 20;
/// The heartbeat `type` NCMA sends: the queue starts from one song.
const HEARTBEAT_FROM: &str = "fromPlayOne";

/// `/api/v1/radio/get` → `data[]`: songs in the legacy schema (artists/album/duration), each
/// with its `privilege` inline when the service sends one.
pub(crate) async fn personal_fm(client: &Client) -> Result<Vec<Track>> {
    let body = client.call(&endpoints::PERSONAL_FM, json!({})).await?;
    fm_batch(&body)
}

/// Reads an FM answer; an answer without `data` changed shape.
pub fn fm_batch(body: &Value) -> Result<Vec<Track>> {
    let data = body
        .get("data")
        .filter(|d| d.is_array())
        .ok_or_else(|| parse::missing("personal FM", "data"))?;
    let songs: Vec<RawSong> = parse::from_value(data, "personal FM songs")?;
    Ok(songs.into_iter().map(|s| parse::track(s, None)).collect())
}

pub(crate) async fn fm_trash(client: &Client, track_id: &str) -> Result<()> {
    let id = library::numeric(track_id, "track")?;
    library::write(
        client,
        &endpoints::FM_TRASH,
        json!({ "songId": id.to_string(), "alg": TRASH_ALG, "time": TRASH_TIME }),
        false,
    )
    .await
    .map(drop)
}

pub(crate) async fn heartbeat(
    client: &Client,
    track_id: &str,
    playlist_id: &str,
) -> Result<Vec<Track>> {
    let song = library::numeric(track_id, "track")?;
    let playlist = library::numeric(playlist_id, "playlist")?;
    let body = client
        .call(
            &endpoints::HEARTBEAT,
            json!({
                "songId": song.to_string(),
                "type": HEARTBEAT_FROM,
                "playlistId": playlist.to_string(),
                "startMusicId": song.to_string(),
                "count": HEARTBEAT_COUNT,
            }),
        )
        .await?;
    heartbeat_list(&body)
}

/// Reads an intelligence list: `data[]` of `{id, alg, songInfo:{compact song, privilege}}`.
/// Items without a `songInfo` (the service's placeholders) are left out.
pub fn heartbeat_list(body: &Value) -> Result<Vec<Track>> {
    let data = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| parse::missing("heartbeat list", "data"))?;
    let mut tracks = Vec::with_capacity(data.len());
    for item in data {
        let Some(info) = item.get("songInfo").filter(|s| s.is_object()) else {
            continue;
        };
        let song: RawSong = parse::from_value(info, "heartbeat song")?;
        tracks.push(parse::track(song, None));
    }
    if tracks.is_empty() && !data.is_empty() {
        return Err(netease(Error::upstream(
            "NetEase sent a heartbeat list without any song (`songInfo`)",
        )));
    }
    Ok(tracks)
}
