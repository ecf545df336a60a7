//! The captured QQ Music bodies of `testdata/fixtures/qqmusic/`, embedded at compile time and
//! parsed once.

use std::sync::OnceLock;

#[cfg(test)]
use serde_json::Value;

pub(crate) use crate::fixture_set::FixtureSet as Fixtures;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/fixtures/qqmusic/",
            $name
        ))
    };
}

/// Every embedded fixture as (file name, text).
pub(crate) const RAW: &[(&str, &str)] = &[
    (
        "song_detail_get_song_detail_yqq.envelope.json",
        fixture!("song_detail_get_song_detail_yqq.envelope.json"),
    ),
    (
        "song_detail_get_song_detail_web_musics_2023.envelope.json",
        fixture!("song_detail_get_song_detail_web_musics_2023.envelope.json"),
    ),
    (
        "trackinfo_CgiGetTrackInfo.item.json",
        fixture!("trackinfo_CgiGetTrackInfo.item.json"),
    ),
    (
        "playlist_uniform_get_Dissinfo.envelope.json",
        fixture!("playlist_uniform_get_Dissinfo.envelope.json"),
    ),
    (
        "search_desktop_not_logged_in_code2001.PARTIAL.envelope.json",
        fixture!("search_desktop_not_logged_in_code2001.PARTIAL.envelope.json"),
    ),
    (
        "search_desktop_album_type2.TRIMMED.envelope.json",
        fixture!("search_desktop_album_type2.TRIMMED.envelope.json"),
    ),
    (
        "search_desktop_singer_type1.TRIMMED.envelope.json",
        fixture!("search_desktop_singer_type1.TRIMMED.envelope.json"),
    ),
    (
        "search_desktop_body.singer.list.json",
        fixture!("search_desktop_body.singer.list.json"),
    ),
    (
        "search_desktop_body.songlist.list.json",
        fixture!("search_desktop_body.songlist.list.json"),
    ),
    (
        "vkey_CgiGetVkey_plus_GetCdnDispatch_2018.envelope.json",
        fixture!("vkey_CgiGetVkey_plus_GetCdnDispatch_2018.envelope.json"),
    ),
    (
        "ptlogin_ptqrlogin_bodies.json",
        fixture!("ptlogin_ptqrlogin_bodies.json"),
    ),
    (
        "wx_qrconnect_poll_bodies.json",
        fixture!("wx_qrconnect_poll_bodies.json"),
    ),
];

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
            assert!(v.is_object() || v.is_array(), "{name}");
        }
        let f = get();
        assert_eq!(
            f.get("song_detail_get_song_detail_yqq.envelope.json")["req_0"]["data"]["track_info"]
                ["mid"],
            "0039MnYb0qxYhV"
        );
        assert!(f
            .text("ptlogin_ptqrlogin_bodies.json", "waiting_66")
            .starts_with("ptuiCB('66'"));
    }
}
