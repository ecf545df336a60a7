//! Likes and the account's own playlists (issue 12, items 3–4): the writes of
//! docs/netease-wire.md "Library writes", each made once because a person acted, and the read of
//! the liked ids. Refusals keep the service's reason as their kind.

use duet_core::library::{checked_playlist_name, checked_track_batch};
use duet_core::{Error, ErrorKind, Playlist, Result};
use serde_json::{json, Value};

use crate::client::{Client, Endpoint};
use crate::endpoints;
use crate::errors::{self, netease};
use crate::parse;

/// A write the anti-cheat layer refused (§8): a verification demand or a plain block.
const REFUSED: i64 = -462;
/// "无权限": the playlist is another account's. No public capture shows the body; NCMA's
/// error table names 401 for a write on what is not yours (docs/netease-wire.md).
const NOT_YOURS: i64 = 401;
/// "绑定手机号后才可操作哦": the account must bind a phone number in the app first
/// (Binaryify/NeteaseCloudMusicApi#1099, on `playlist/manipulate/tracks`).
const BIND_PHONE: i64 = 521;
/// "歌单内歌曲重复": every track added is in the playlist already. NCMA counts 502 among the
/// codes that are not failures; for an add it means nothing is left to do.
const ALREADY_THERE: i64 = 502;

/// The codes a write reads itself rather than letting the generic mapping name them.
const WRITE_CODES: [i64; 4] = [REFUSED, NOT_YOURS, BIND_PHONE, ALREADY_THERE];

/// NetEase ids are decimal numbers; anything else never reaches the service.
pub(crate) fn numeric(id: &str, what: &str) -> Result<u64> {
    let ok = !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| id.parse::<u64>().ok())
        .flatten()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            netease(Error::bad_request(format!(
                "{what} id must be a NetEase numeric id, got {:?}",
                id.chars().take(40).collect::<String>()
            )))
        })
}

fn numeric_all(ids: &[String]) -> Result<Vec<u64>> {
    checked_track_batch(ids).map_err(netease)?;
    ids.iter().map(|id| numeric(id, "track")).collect()
}

/// The web's writes echo the csrf cookie (§2.2); without it the service answers 301, which
/// would read as a dead session. A pasted bare `MUSIC_U` brings none.
fn needs_csrf(client: &Client, endpoint: &Endpoint) -> Result<()> {
    let session = client.session();
    let weapi = endpoint.transport == crate::client::Transport::Weapi;
    if weapi && session.is_logged_in() && session.csrf().is_empty() {
        return Err(netease(Error::new(
            ErrorKind::Declined,
            "this NetEase login came without its __csrf cookie, which this change needs: paste \
             the whole Cookie header of music.163.com, or log in with the QR code",
        )));
    }
    Ok(())
}

/// Makes one write and reads the codes only writes get. `already_there_is_done`: a 502 means
/// the change is made already (an add of tracks the playlist holds).
pub(crate) async fn write(
    client: &Client,
    endpoint: &Endpoint,
    params: Value,
    already_there_is_done: bool,
) -> Result<Value> {
    needs_csrf(client, endpoint)?;
    let body = client
        .call_accepting(endpoint, params, &WRITE_CODES)
        .await?;
    match errors::code_of(&body) {
        Some(REFUSED) => Err(errors::refused_write(&body)),
        Some(NOT_YOURS) => Err(netease(
            Error::new(
                ErrorKind::NotOwner,
                "this NetEase playlist belongs to another account; only its owner can change it",
            )
            .with_upstream_code(NOT_YOURS),
        )),
        Some(BIND_PHONE) => Err(netease(
            Error::new(
                ErrorKind::VerificationRequired,
                "NetEase wants a phone number bound to this account (in its app) before this \
                 change",
            )
            .with_upstream_code(BIND_PHONE),
        )),
        Some(ALREADY_THERE) if already_there_is_done => Ok(body),
        Some(ALREADY_THERE) => Err(errors::error_for_code(ALREADY_THERE, &body, true)),
        _ => Ok(body),
    }
}

pub(crate) async fn like(client: &Client, track_id: &str, liked: bool) -> Result<()> {
    let id = numeric(track_id, "track")?;
    write(
        client,
        &endpoints::LIKE,
        json!({ "alg": "itembased", "trackId": id.to_string(), "like": liked, "time": "3" }),
        false,
    )
    .await
    .map(drop)
}

/// `/api/song/like/get` → `ids`, newest first as the service lists them.
pub(crate) async fn liked_ids(client: &Client, uid: &str) -> Result<Vec<String>> {
    let body = client
        .call(&endpoints::LIKED_IDS, json!({ "uid": uid }))
        .await?;
    let ids = body
        .get("ids")
        .and_then(Value::as_array)
        .ok_or_else(|| netease(Error::upstream("NetEase sent no liked ids (`ids`)")))?;
    Ok(ids
        .iter()
        .filter_map(|id| match id {
            Value::Number(n) => n.as_u64().map(|n| n.to_string()),
            Value::String(s) if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() => {
                Some(s.clone())
            }
            _ => None,
        })
        .collect())
}

pub(crate) async fn create_playlist(client: &Client, name: &str) -> Result<Playlist> {
    let name = checked_playlist_name(name).map_err(netease)?;
    // privacy 0: a public playlist; type NORMAL: songs (not videos, not shared).
    let body = write(
        client,
        &endpoints::PLAYLIST_CREATE,
        json!({ "name": name, "privacy": "0", "type": "NORMAL" }),
        false,
    )
    .await?;
    let raw = body
        .get("playlist")
        .filter(|p| p.is_object())
        .ok_or_else(|| netease(Error::upstream("NetEase created no playlist (`playlist`)")))?;
    let mut playlist = parse::playlist(parse::from_value(raw, "created playlist")?);
    playlist.tracks = None;
    Ok(playlist)
}

pub(crate) async fn rename_playlist(client: &Client, id: &str, name: &str) -> Result<()> {
    let id = numeric(id, "playlist")?;
    let name = checked_playlist_name(name).map_err(netease)?;
    write(
        client,
        &endpoints::PLAYLIST_RENAME,
        json!({ "id": id.to_string(), "name": name }),
        false,
    )
    .await
    .map(drop)
}

pub(crate) async fn delete_playlist(client: &Client, id: &str) -> Result<()> {
    let id = numeric(id, "playlist")?;
    write(
        client,
        &endpoints::PLAYLIST_DELETE,
        json!({ "ids": format!("[{id}]") }),
        false,
    )
    .await
    .map(drop)
}

/// `op` add or del. NCMA answers a 512 by sending every id twice; Duet does not guess at a
/// second form of a write, so a 512 stands as the service's error.
pub(crate) async fn change_tracks(
    client: &Client,
    id: &str,
    track_ids: &[String],
    add: bool,
) -> Result<()> {
    let pid = numeric(id, "playlist")?;
    let tracks = numeric_all(track_ids)?;
    let track_list: Vec<String> = tracks.iter().map(u64::to_string).collect();
    write(
        client,
        &endpoints::PLAYLIST_TRACKS,
        json!({
            "op": if add { "add" } else { "del" },
            "pid": pid.to_string(),
            "trackIds": serde_json::to_string(&track_list).unwrap_or_default(),
            "imme": "true",
        }),
        add,
    )
    .await
    .map(drop)
}

pub(crate) async fn follow_playlist(client: &Client, id: &str, follow: bool) -> Result<()> {
    let id = numeric(id, "playlist")?;
    // NCMA adds a Yidun `checkToken` to a subscribe; Duet has none to give, and a service that
    // insists answers -462 with a verification page, which is read as such.
    let endpoint = if follow {
        &endpoints::PLAYLIST_SUBSCRIBE
    } else {
        &endpoints::PLAYLIST_UNSUBSCRIBE
    };
    write(client, endpoint, json!({ "id": id.to_string() }), false)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_before_any_request() {
        assert_eq!(numeric("347230", "track").unwrap(), 347230);
        for bad in [
            "",
            "0",
            "12a",
            "-1",
            "1 2",
            "99999999999999999999999",
            "１２",
        ] {
            assert_eq!(
                numeric(bad, "track").unwrap_err().kind,
                ErrorKind::BadRequest,
                "{bad:?}"
            );
        }
        let twice = vec!["1".to_owned(), "1".to_owned()];
        assert_eq!(numeric_all(&twice).unwrap_err().kind, ErrorKind::BadRequest);
    }
}
