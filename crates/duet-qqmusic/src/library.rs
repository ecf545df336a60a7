//! Likes ("我喜欢") and the account's own playlists (issue 12, items 3–4), through
//! `music.musicasset.*Write` as L-1124's `modules/songlist.py` and `user.py` send them
//! (docs/qqmusic-wire.md "Library writes"). Each write is one signed envelope made because a
//! person acted (`Effect::Write`: never retried). Playlists are named by their `tid` (the id
//! Duet shows, `"liked"` for 我喜欢); the writes name a directory (`dirId`), learnt from the
//! account's own list.

use duet_core::library::{checked_playlist_name, checked_track_batch};
use duet_core::retry::Effect;
use duet_core::{Error, ErrorKind, Result};
use serde_json::{json, Value};

use crate::api::QqApi;
use crate::client::Item;
use crate::errors::qq;
use crate::parse;
use crate::session::Credential;

const BASE_WRITE: &str = "music.musicasset.PlaylistBaseWrite";
const DETAIL_WRITE: &str = "music.musicasset.PlaylistDetailWrite";
const FAV_WRITE: &str = "music.musicasset.PlaylistFavWrite";
/// "这首歌已经在歌单里 / 不在歌单里": an add or remove with nothing left to do (§5.7).
const NOTHING_TO_DO: i64 = 80_092;
/// What the module answers a parameter it rejects; for a write, a directory or playlist the
/// account does not have.
const REJECTED: i64 = 500_003;

/// A playlist the account owns: the id Duet shows and the directory the writes name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnDir {
    pub tid: String,
    pub dir_id: u64,
}

/// A song's numeric id as the writes name it (`songId`), from the songmid Duet shows.
pub(crate) fn song_item(songid: u64) -> Value {
    json!({"songId": songid, "songType": 0})
}

/// A write's answer: an item code 0 with `data.retCode` 0 (or absent). 80092 is done already;
/// 500003 is an unknown directory or playlist.
fn written(answer: Result<Value>, nothing_to_do_is_done: bool) -> Result<Value> {
    match answer {
        Ok(data) => match data.get("retCode").and_then(Value::as_i64) {
            None | Some(0) => Ok(data),
            Some(NOTHING_TO_DO) if nothing_to_do_is_done => Ok(data),
            Some(code) => Err(qq(Error::upstream(format!(
                "QQ Music did not make the change (retCode {code})"
            ))
            .with_upstream_code(code))),
        },
        Err(e) if e.upstream_code == Some(NOTHING_TO_DO) && nothing_to_do_is_done => {
            Ok(Value::Null)
        }
        Err(e) if e.upstream_code == Some(REJECTED) => Err(qq(Error::not_found(
            "QQ Music has no such playlist among this account's",
        )
        .with_upstream_code(REJECTED))),
        Err(e) => Err(e),
    }
}

fn not_yours() -> Error {
    qq(Error::new(
        ErrorKind::NotOwner,
        "this QQ Music playlist belongs to another account; only its owner can change it",
    ))
}

impl QqApi {
    async fn write(
        &self,
        credential: &Credential,
        module: &'static str,
        method: &'static str,
        param: Value,
    ) -> Result<Value> {
        self.client()
            .call_one(
                Some(credential),
                Effect::Write,
                Item::new(module, method, param),
            )
            .await
    }

    /// The account's own playlists: (tid, dirId), "我喜欢" as `"liked"` / 201 (§5.7).
    pub async fn own_dirs(&self, credential: &Credential) -> Result<Vec<OwnDir>> {
        let data = self
            .client()
            .call_one(
                Some(credential),
                Effect::Read,
                Item::new(
                    "music.musicasset.PlaylistBaseRead",
                    "GetPlaylistByUin",
                    json!({ "uin": credential.musicid.to_string() }),
                ),
            )
            .await?;
        let list = data
            .get("v_playlist")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                qq(Error::upstream(
                    "QQ Music sent no playlist list (v_playlist)",
                ))
            })?;
        Ok(list
            .iter()
            .filter_map(|v| {
                let dir_id = parse::number(v, "dirId").or_else(|| parse::number(v, "dirid"))?;
                let tid = if dir_id == parse::LIKED_DIRID {
                    parse::LIKED_PLAYLIST_ID.to_owned()
                } else {
                    parse::text(v, "tid")
                };
                (!tid.is_empty() && tid != "0").then_some(OwnDir { tid, dir_id })
            })
            .collect())
    }

    /// The directory of playlist `id` when it is the account's; else `not_owner` (it exists)
    /// or `not_found` (it does not), so the person learns which.
    pub async fn own_dir(&self, credential: &Credential, id: &str) -> Result<u64> {
        if id == parse::LIKED_PLAYLIST_ID {
            return Ok(parse::LIKED_DIRID);
        }
        check_tid(id)?;
        if let Some(own) = self
            .own_dirs(credential)
            .await?
            .into_iter()
            .find(|d| d.tid == id)
        {
            return Ok(own.dir_id);
        }
        self.playlist(Some(credential), id, None, Some(1)).await?;
        Err(not_yours())
    }

    /// The numeric ids of songmids, in order (learnt from lists seen; else one detail read).
    pub async fn song_ids(&self, credential: &Credential, mids: &[String]) -> Result<Vec<u64>> {
        checked_track_batch(mids).map_err(qq)?;
        if let Some(bad) = mids.iter().find(|m| !crate::identity::is_mid(m)) {
            return Err(qq(Error::bad_request(format!(
                "a QQ Music song id is a 14-character songmid, got {:?}",
                bad.chars().take(40).collect::<String>()
            ))));
        }
        let mut ids = Vec::with_capacity(mids.len());
        for mid in mids {
            ids.push(self.convert(Some(credential), mid).await?.id);
        }
        Ok(ids)
    }

    /// Adds (`add`) or removes songs in directory `dir_id` (201: "我喜欢"); a change already
    /// made (80092) is done.
    pub async fn change_songs(
        &self,
        credential: &Credential,
        dir_id: u64,
        songids: &[u64],
        add: bool,
    ) -> Result<()> {
        let method = if add { "AddSonglist" } else { "DelSonglist" };
        let songs: Vec<Value> = songids.iter().copied().map(song_item).collect();
        let answer = self
            .write(
                credential,
                DETAIL_WRITE,
                method,
                json!({"dirId": dir_id, "v_songInfo": songs}),
            )
            .await;
        written(answer, true).map(drop)
    }

    /// The liked songs' mids, newest first: one read of "我喜欢" (`CgiGetDiss` dirid 201).
    pub async fn liked_mids(&self, credential: &Credential, euin: &str) -> Result<Vec<String>> {
        let liked = self
            .playlist(Some(credential), parse::LIKED_PLAYLIST_ID, Some(euin), None)
            .await?;
        Ok(liked
            .tracks
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.id)
            .collect())
    }

    /// `AddPlaylist {dirName}` → the new playlist's `tid` and name.
    pub async fn create_playlist(
        &self,
        credential: &Credential,
        name: &str,
    ) -> Result<(String, String)> {
        let name = checked_playlist_name(name).map_err(qq)?;
        let data = written(
            self.write(
                credential,
                BASE_WRITE,
                "AddPlaylist",
                json!({"dirName": name}),
            )
            .await,
            false,
        )?;
        let result = data.get("result").unwrap_or(&Value::Null);
        let tid = parse::text(result, "tid");
        if tid.is_empty() || tid == "0" {
            return Err(qq(Error::upstream(
                "QQ Music created no playlist (result.tid)",
            )));
        }
        let named = parse::text(result, "dirName");
        Ok((
            tid,
            if named.is_empty() {
                name.to_owned()
            } else {
                named
            },
        ))
    }

    /// `EditPlaylist {dirId, mask:1, dirNewName}`: the name only (mask 1).
    pub async fn rename_playlist(
        &self,
        credential: &Credential,
        dir_id: u64,
        name: &str,
    ) -> Result<()> {
        let name = checked_playlist_name(name).map_err(qq)?;
        let param = json!({"dirId": dir_id, "mask": 1, "dirNewName": name});
        written(
            self.write(credential, BASE_WRITE, "EditPlaylist", param)
                .await,
            false,
        )
        .map(drop)
    }

    /// `DelPlaylist {dirId}`.
    pub async fn delete_playlist(&self, credential: &Credential, dir_id: u64) -> Result<()> {
        let param = json!({"dirId": dir_id});
        written(
            self.write(credential, BASE_WRITE, "DelPlaylist", param)
                .await,
            false,
        )
        .map(drop)
    }

    /// `FavPlaylist` / `CancelFavPlaylist {uin, v_playlistId:[tid]}`.
    pub async fn collect_playlist(
        &self,
        credential: &Credential,
        tid: u64,
        collect: bool,
    ) -> Result<()> {
        let method = if collect {
            "FavPlaylist"
        } else {
            "CancelFavPlaylist"
        };
        let param = json!({"uin": credential.musicid.to_string(), "v_playlistId": [tid]});
        written(
            self.write(credential, FAV_WRITE, method, param).await,
            false,
        )
        .map(drop)
    }
}

/// A playlist `tid`: digits only (the liked songs are `"liked"`).
pub fn check_tid(id: &str) -> Result<u64> {
    id.parse::<u64>()
        .ok()
        .filter(|n| *n > 0 && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            qq(Error::bad_request(format!(
                "expected a numeric QQ Music playlist id (or \"liked\"), got {:?}",
                id.chars().take(40).collect::<String>()
            )))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_their_meaning() {
        let done = Err(Error::upstream("x").with_upstream_code(NOTHING_TO_DO));
        assert!(written(done.clone(), true).is_ok());
        assert!(written(done, false).is_err());
        let unknown = written(
            Err(Error::upstream("x").with_upstream_code(REJECTED)),
            false,
        );
        assert_eq!(unknown.unwrap_err().kind, ErrorKind::NotFound);
        let ret = written(Ok(json!({"retCode": 7})), true).unwrap_err();
        assert_eq!(ret.upstream_code, Some(7));
        for bad in ["", "0", "liked2", "-3", "1e3"] {
            assert_eq!(
                check_tid(bad).unwrap_err().kind,
                ErrorKind::BadRequest,
                "{bad:?}"
            );
        }
    }
}
