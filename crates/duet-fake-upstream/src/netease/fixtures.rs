//! The captured NetEase bodies of `testdata/fixtures/netease/`, embedded at compile time and
//! parsed once.

use std::sync::OnceLock;

#[cfg(test)]
use serde_json::Value;

pub(crate) use crate::fixture_set::FixtureSet as Fixtures;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/fixtures/netease/",
            $name
        ))
    };
}

/// Every embedded fixture as (file name, text), for the parse test and for [`get`].
pub(crate) const RAW: &[(&str, &str)] = &[
    (
        "cloudsearch_type1_songs.json",
        fixture!("cloudsearch_type1_songs.json"),
    ),
    ("comment_music.json", fixture!("comment_music.json")),
    ("daily_signin.ok.json", fixture!("daily_signin.ok.json")),
    (
        "daily_signin.repeat.json",
        fixture!("daily_signin.repeat.json"),
    ),
    ("error_-460.json", fixture!("error_-460.json")),
    ("error_-460.v2.json", fixture!("error_-460.v2.json")),
    ("error_-462.json", fixture!("error_-462.json")),
    ("error_-462.verify.json", fixture!("error_-462.verify.json")),
    ("error_301.json", fixture!("error_301.json")),
    ("error_405.json", fixture!("error_405.json")),
    ("error_8821.json", fixture!("error_8821.json")),
    (
        "login_qr_check_800.json",
        fixture!("login_qr_check_800.json"),
    ),
    (
        "login_qr_check_801.json",
        fixture!("login_qr_check_801.json"),
    ),
    (
        "login_qr_check_802.ncma.json",
        fixture!("login_qr_check_802.ncma.json"),
    ),
    (
        "login_qr_check_803.json",
        fixture!("login_qr_check_803.json"),
    ),
    (
        "login_qr_check_803.exchange.json",
        fixture!("login_qr_check_803.exchange.json"),
    ),
    ("lyric.json", fixture!("lyric.json")),
    ("personalized.json", fixture!("personalized.json")),
    ("playlist_detail.json", fixture!("playlist_detail.json")),
    (
        "playlist_detail.liked.json",
        fixture!("playlist_detail.liked.json"),
    ),
    ("recommend_songs.json", fixture!("recommend_songs.json")),
    (
        "search_type1000_playlists.json",
        fixture!("search_type1000_playlists.json"),
    ),
    (
        "search_type100_artists.json",
        fixture!("search_type100_artists.json"),
    ),
    (
        "search_type10_albums.json",
        fixture!("search_type10_albums.json"),
    ),
    (
        "search_type1_songs_legacy.json",
        fixture!("search_type1_songs_legacy.json"),
    ),
    ("song_detail.json", fixture!("song_detail.json")),
    ("song_url_v1.json", fixture!("song_url_v1.json")),
    ("user_account.json", fixture!("user_account.json")),
    ("user_playlist.json", fixture!("user_playlist.json")),
];

/// The word-timed lyric excerpt (not JSON).
pub(crate) const YRC_EXCERPT: &str = fixture!("lyric_new.yrc_excerpt.txt");

/// Parsed on first use.
pub(crate) fn get() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| Fixtures::parse(RAW))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_parse() {
        for (name, text) in RAW {
            let v: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("fixture {name} is not JSON: {e}"));
            assert!(v.is_object(), "{name} is not an object");
        }
        assert!(YRC_EXCERPT.lines().count() >= 3);
    }
}
