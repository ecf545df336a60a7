//! What an account changed in its library (docs/qqmusic-wire.md "Library writes"): its liked
//! songs, the playlists it created, renamed, deleted or changed, and those it collected. The
//! catalogue holds each account's starting library; this holds the writes, and the reads
//! (`CgiGetDiss` dirid 201, `GetPlaylistByUin`, `CgiGetPlaylistFavInfo`, the playlist detail)
//! go through it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use super::catalog::{self, Playlist};
use super::QqAccount;
use crate::journal::lock;

/// Playlists created through the fake get `tid`s from here, outside the catalogue's ids.
const FIRST_CREATED_TID: u64 = 9_500_000_001;
/// An account's `dirId`s for created playlists start past the catalogue's (2–4) and below 201.
const FIRST_CREATED_DIRID: u64 = 10;

struct Created {
    tid: u64,
    name: String,
}

#[derive(Default)]
struct Changes {
    /// Liked song ids, newest first; `None` until the first write (then the catalogue's).
    liked: Option<Vec<u64>>,
    /// dirId → created playlist.
    created: BTreeMap<u64, Created>,
    renamed: HashMap<u64, String>,
    deleted: HashSet<u64>,
    /// tid → its songs once a write changed them.
    songs: HashMap<u64, Vec<u64>>,
    /// Collected playlists, newest first; `None` until the first write.
    collected: Option<Vec<u64>>,
}

#[derive(Default)]
pub(crate) struct Library {
    accounts: Mutex<HashMap<QqAccount, Changes>>,
    next_tid: Mutex<u64>,
}

impl Changes {
    fn liked(&mut self, a: QqAccount) -> &mut Vec<u64> {
        self.liked.get_or_insert_with(|| catalog::liked_song_ids(a))
    }

    fn collected(&mut self, a: QqAccount) -> &mut Vec<u64> {
        self.collected
            .get_or_insert_with(|| catalog::favourite_playlists(a))
    }
}

/// What a write may be refused for.
pub(crate) enum Refusal {
    /// No such directory among the account's.
    UnknownDir,
    /// No such playlist.
    UnknownPlaylist,
    /// Every song is there already (an add), or none is (a remove): item 80092.
    NothingToDo,
    /// The liked songs cannot be deleted or renamed.
    Fixed,
}

impl Library {
    fn with<T>(&self, a: QqAccount, f: impl FnOnce(&mut Changes) -> T) -> T {
        let mut all = lock(&self.accounts);
        f(all.entry(a).or_default())
    }

    pub(crate) fn liked(&self, a: QqAccount) -> Vec<u64> {
        self.with(a, |c| c.liked(a).clone())
    }

    /// The liked-songs playlist of `a`, as the writes left it.
    pub(crate) fn liked_playlist(&self, a: QqAccount) -> Playlist {
        let ids = self.liked(a);
        catalog::liked_playlist(a).with_songs(ids)
    }

    /// Playlist `tid` as the writes of every account left it.
    pub(crate) fn playlist(&self, tid: u64) -> Option<Playlist> {
        let all = lock(&self.accounts);
        for (a, c) in all.iter() {
            if c.deleted.contains(&tid) {
                return None;
            }
            if let Some((dirid, created)) = c.created.iter().find(|(_, p)| p.tid == tid) {
                let ids = c.songs.get(&tid).cloned().unwrap_or_default();
                return Some(Playlist::created(*a, tid, *dirid, &created.name, ids));
            }
        }
        let mut p = catalog::playlist(tid)?;
        if let Some(owner) = p.owner {
            if let Some(c) = all.get(&owner) {
                if p.liked {
                    if let Some(ids) = &c.liked {
                        p = p.with_songs(ids.clone());
                    }
                }
                if let Some(name) = c.renamed.get(&tid) {
                    p.title = name.clone();
                }
                if let Some(ids) = c.songs.get(&tid) {
                    p = p.with_songs(ids.clone());
                }
            }
        }
        Some(p)
    }

    /// `a`'s created playlists besides "我喜欢", as (tid, dirId), newest created first.
    pub(crate) fn created(&self, a: QqAccount) -> Vec<(u64, u64)> {
        self.with(a, |c| {
            let mut out: Vec<(u64, u64)> = c
                .created
                .iter()
                .rev()
                .map(|(dirid, p)| (p.tid, *dirid))
                .collect();
            out.extend(
                catalog::created_playlists(a)
                    .into_iter()
                    .filter(|(tid, _)| !c.deleted.contains(tid)),
            );
            out
        })
    }

    pub(crate) fn collected(&self, a: QqAccount) -> Vec<u64> {
        self.with(a, |c| c.collected(a).clone())
    }

    /// The tid of `a`'s directory `dirid` (201: the liked songs).
    fn tid_of_dir(&self, a: QqAccount, dirid: u64) -> Option<u64> {
        if dirid == catalog::LIKED_DIRID {
            return Some(catalog::liked_playlist(a).tid);
        }
        self.created(a)
            .into_iter()
            .find(|(_, d)| *d == dirid)
            .map(|(tid, _)| tid)
    }

    /// Adds (`add`) or removes `song_ids` in `a`'s directory `dirid`.
    pub(crate) fn change_songs(
        &self,
        a: QqAccount,
        dirid: u64,
        song_ids: &[u64],
        add: bool,
    ) -> Result<(), Refusal> {
        let tid = self.tid_of_dir(a, dirid).ok_or(Refusal::UnknownDir)?;
        let current = if dirid == catalog::LIKED_DIRID {
            self.liked(a)
        } else {
            self.playlist(tid).ok_or(Refusal::UnknownDir)?.song_ids()
        };
        let mut next = current.clone();
        if add {
            let new: Vec<u64> = song_ids
                .iter()
                .filter(|id| !current.contains(id))
                .copied()
                .collect();
            if new.is_empty() {
                return Err(Refusal::NothingToDo);
            }
            next.splice(0..0, new);
        } else {
            if !song_ids.iter().any(|id| current.contains(id)) {
                return Err(Refusal::NothingToDo);
            }
            next.retain(|id| !song_ids.contains(id));
        }
        self.with(a, |c| {
            if dirid == catalog::LIKED_DIRID {
                c.liked = Some(next);
            } else {
                c.songs.insert(tid, next);
            }
        });
        Ok(())
    }

    /// Creates `name` for `a`: its (tid, dirId).
    pub(crate) fn create(&self, a: QqAccount, name: &str) -> (u64, u64) {
        let tid = {
            let mut next = lock(&self.next_tid);
            if *next == 0 {
                *next = FIRST_CREATED_TID;
            }
            *next += 1;
            *next - 1
        };
        self.with(a, |c| {
            let dirid = c
                .created
                .keys()
                .next_back()
                .map_or(FIRST_CREATED_DIRID, |last| last + 1);
            c.created.insert(
                dirid,
                Created {
                    tid,
                    name: name.to_owned(),
                },
            );
            (tid, dirid)
        })
    }

    pub(crate) fn delete(&self, a: QqAccount, dirid: u64) -> Result<(), Refusal> {
        if dirid == catalog::LIKED_DIRID {
            return Err(Refusal::Fixed);
        }
        let tid = self.tid_of_dir(a, dirid).ok_or(Refusal::UnknownDir)?;
        self.with(a, |c| {
            c.created.remove(&dirid);
            c.songs.remove(&tid);
            c.deleted.insert(tid);
        });
        Ok(())
    }

    pub(crate) fn rename(&self, a: QqAccount, dirid: u64, name: &str) -> Result<(), Refusal> {
        if dirid == catalog::LIKED_DIRID {
            return Err(Refusal::Fixed);
        }
        let tid = self.tid_of_dir(a, dirid).ok_or(Refusal::UnknownDir)?;
        self.with(a, |c| match c.created.get_mut(&dirid) {
            Some(created) => created.name = name.to_owned(),
            None => {
                c.renamed.insert(tid, name.to_owned());
            }
        });
        Ok(())
    }

    /// Collects (`collect`) or lets go of playlist `tid` for `a`.
    pub(crate) fn collect(&self, a: QqAccount, tid: u64, collect: bool) -> Result<(), Refusal> {
        if collect && self.playlist(tid).is_none() {
            return Err(Refusal::UnknownPlaylist);
        }
        self.with(a, |c| {
            let list = c.collected(a);
            list.retain(|t| *t != tid);
            if collect {
                list.insert(0, tid);
            }
        });
        Ok(())
    }
}
