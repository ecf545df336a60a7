//! The QQ Music fake's catalogue, built from captured templates so field names and shapes are
//! the real ones: the songs (`songs`), the playlists and the two accounts' lists
//! (`playlists`), synthesised search pages (`search`), and here the id spaces they share.

use serde_json::Value;

pub mod albums;
mod playlists;
mod search;
mod songs;

pub(crate) use playlists::{
    created_playlists, favourite_playlists, liked_playlist, liked_song_ids, playlist, Playlist,
};
pub(crate) use search::search;
pub(crate) use songs::{song_by_id, song_by_mid, track_or_placeholder, LyricKind, Song};
pub use songs::{
    SONG_BROKEN_QRC, SONG_INSTRUMENTAL, SONG_LRC_ONLY, SONG_MEDIA_MID_DIFFERS, SONG_NO_CRYPT_FIELD,
    SONG_NO_FLAC, SONG_PURE_MUSIC, SONG_QRC_FULL, SONG_TRIAL_ONLY, SONG_VIP_ONLY,
};

/// Inserts `k: v` when `obj` is an object (templates always are; never panics).
pub(crate) fn set(obj: &mut Value, k: &str, v: impl Into<Value>) {
    if let Some(m) = obj.as_object_mut() {
        m.insert(k.to_owned(), v.into());
    }
}

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

/// Captured song ids, in the order search and liked lists show them.
const FIXTURE_SONG_IDS: [u64; 5] = [97_773, 214_982_607, 277_845_939, 443_993, 13_795];

/// `https://y.gtimg.cn/music/photo_new/T002R{n}x{n}M000{albummid}.jpg`.
pub(crate) fn album_cover(album_mid: &str, n: u32) -> String {
    format!("https://y.gtimg.cn/music/photo_new/T002R{n}x{n}M000{album_mid}.jpg")
}

/// `https://y.gtimg.cn/music/photo_new/T001R{n}x{n}M000{singermid}.jpg`.
pub(crate) fn singer_pic(singer_mid: &str, n: u32) -> String {
    format!("https://y.gtimg.cn/music/photo_new/T001R{n}x{n}M000{singer_mid}.jpg")
}

/// How many seeded comments song `id` has: (new, hot).
pub(crate) fn seeded_comment_counts(id: u64) -> (u64, u64) {
    if id == 97_773 {
        (37, 12)
    } else {
        (3, 1)
    }
}
