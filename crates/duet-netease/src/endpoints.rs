//! Every NetEase endpoint Duet calls, with the transport it goes over and whether it may be
//! repeated: the one place a transport is chosen (`docs/netease-wire.md`). Moving an endpoint to
//! another transport is a change of one line here, plus the fake's answer if it differs.

use duet_core::retry::Effect::{Read, Write};

use crate::client::Endpoint;
use crate::client::Transport::{Eapi, Weapi};

pub const QR_KEY: Endpoint = Endpoint::new("/api/login/qrcode/unikey", Eapi, Read);
pub const QR_POLL: Endpoint = Endpoint::new("/api/login/qrcode/client/login", Eapi, Read);
pub const ACCOUNT: Endpoint = Endpoint::new("/api/nuser/account/get", Eapi, Read);
pub const LOGOUT: Endpoint = Endpoint::new("/api/logout", Eapi, Write);
pub const SEARCH: Endpoint = Endpoint::new("/api/cloudsearch/pc", Eapi, Read);
pub const SONG_DETAIL: Endpoint = Endpoint::new("/api/v3/song/detail", Eapi, Read);
pub const SONG_URL: Endpoint = Endpoint::new("/api/song/enhance/player/url/v1", Eapi, Read);
pub const LYRIC: Endpoint = Endpoint::new("/api/song/lyric/v1", Eapi, Read);
pub const PLAYLIST_DETAIL: Endpoint = Endpoint::new("/api/v6/playlist/detail", Eapi, Read);
pub const USER_PLAYLISTS: Endpoint = Endpoint::new("/api/user/playlist", Eapi, Read);
pub const DAILY_SONGS: Endpoint = Endpoint::new("/api/v3/discovery/recommend/songs", Eapi, Read);
/// The thread id (`R_SO_4_<song id>`) follows the path.
pub const COMMENTS: Endpoint = Endpoint::new("/api/v1/resource/comments/", Eapi, Read);
/// NCMA ≤4.25 posts comments through weapi with the csrf token (§7.12).
pub const COMMENT_ADD: Endpoint = Endpoint::new("/api/resource/comments/add", Weapi, Write);
pub const COMMENT_REPLY: Endpoint = Endpoint::new("/api/resource/comments/reply", Weapi, Write);
pub const DAILY_TASK: Endpoint = Endpoint::new("/api/point/dailyTask", Eapi, Write);

/// The whole table, for the tests that hold the wire note to it.
pub const ALL: [&Endpoint; 15] = [
    &QR_KEY,
    &QR_POLL,
    &ACCOUNT,
    &LOGOUT,
    &SEARCH,
    &SONG_DETAIL,
    &SONG_URL,
    &LYRIC,
    &PLAYLIST_DETAIL,
    &USER_PLAYLISTS,
    &DAILY_SONGS,
    &COMMENTS,
    &COMMENT_ADD,
    &COMMENT_REPLY,
    &DAILY_TASK,
];
