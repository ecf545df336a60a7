//! Every NetEase endpoint Duet calls, with the transport it goes over and whether it may be
//! repeated: the one place a transport is chosen (`docs/netease-wire.md`). Moving an endpoint to
//! another transport is a change of one line here, plus the fake's answer if it differs.
//!
//! An endpoint moved to the form the references send may keep the form it had before as a
//! fallback (the `*_BEFORE` constants): asked once, only when the service refuses the first form
//! the way it refuses a form ([`refuses_the_form`]), never after any other failure.

use duet_core::retry::Effect::{Read, Write};
use duet_core::{Error, ErrorKind};

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
/// Over weapi as the references ask it (fidelity row N10, §7.10).
pub const DAILY_SONGS: Endpoint = Endpoint::new("/api/v3/discovery/recommend/songs", Weapi, Read);
/// The eapi form Duet used before row N10: the fallback of [`DAILY_SONGS`].
pub const DAILY_SONGS_BEFORE: Endpoint =
    Endpoint::new("/api/v3/discovery/recommend/songs", Eapi, Read);
/// The thread id (`R_SO_4_<song id>`) follows the path. Over weapi with `rid` and `threadId`
/// (fidelity row N11, §7.12).
pub const COMMENTS: Endpoint = Endpoint::new("/api/v1/resource/comments/", Weapi, Read);
/// The eapi form (`rid` = the thread id) Duet used before row N11: the fallback of [`COMMENTS`].
pub const COMMENTS_BEFORE: Endpoint = Endpoint::new("/api/v1/resource/comments/", Eapi, Read);
/// The visitor token (`MUSIC_A`) asked before a QR login (fidelity row N17, §5.2): weapi, as
/// NCMA-4.25 and pyncm send it (NCMA-HEAD moved it to xeapi, which Duet does not speak, §6).
/// Made once: a visitor that is not registered still logs in.
pub const REGISTER_VISITOR: Endpoint = Endpoint::new("/api/register/anonimous", Weapi, Write);
/// NCMA ≤4.25 posts comments through weapi with the csrf token (§7.12).
pub const COMMENT_ADD: Endpoint = Endpoint::new("/api/resource/comments/add", Weapi, Write);
pub const COMMENT_REPLY: Endpoint = Endpoint::new("/api/resource/comments/reply", Weapi, Write);
pub const DAILY_TASK: Endpoint = Endpoint::new("/api/point/dailyTask", Eapi, Write);
/// The album id follows the path; the album and all its songs, privileges inline (NCMA
/// `album.js`).
pub const ALBUM: Endpoint = Endpoint::new("/api/v1/album/", Weapi, Read);
/// The artist id follows the path; the artist and their 50 hot songs (NCMA `artists.js`).
pub const ARTIST: Endpoint = Endpoint::new("/api/v1/artist/", Weapi, Read);
/// The artist id follows the path; a page of albums (NCMA `artist_album.js`).
pub const ARTIST_ALBUMS: Endpoint = Endpoint::new("/api/artist/albums/", Weapi, Read);
/// Artists like one artist; a login's (NCMA `simi_artist.js`).
pub const SIMILAR_ARTISTS: Endpoint = Endpoint::new("/api/discovery/simiArtist", Weapi, Read);

// Likes and your own playlists (issue 12; docs/netease-wire.md "Library writes"), each as
// NCMA-Enhanced's module sends it.
/// `module/like.js`: weapi.
pub const LIKE: Endpoint = Endpoint::new("/api/radio/like", Weapi, Write);
/// `module/likelist.js`: NCMA's default transport, eapi.
pub const LIKED_IDS: Endpoint = Endpoint::new("/api/song/like/get", Eapi, Read);
/// `module/playlist_create.js`: weapi.
pub const PLAYLIST_CREATE: Endpoint = Endpoint::new("/api/playlist/create", Weapi, Write);
/// `module/playlist_name_update.js`: the default transport, eapi.
pub const PLAYLIST_RENAME: Endpoint = Endpoint::new("/api/playlist/update/name", Eapi, Write);
/// `module/playlist_delete.js`: weapi.
pub const PLAYLIST_DELETE: Endpoint = Endpoint::new("/api/playlist/remove", Weapi, Write);
/// `module/playlist_tracks.js` (`op` add | del): the default transport, eapi.
pub const PLAYLIST_TRACKS: Endpoint = Endpoint::new("/api/playlist/manipulate/tracks", Eapi, Write);
/// `module/playlist_subscribe.js` (`t=1`): eapi.
pub const PLAYLIST_SUBSCRIBE: Endpoint = Endpoint::new("/api/playlist/subscribe", Eapi, Write);
/// `module/playlist_subscribe.js` (`t≠1`): eapi.
pub const PLAYLIST_UNSUBSCRIBE: Endpoint = Endpoint::new("/api/playlist/unsubscribe", Eapi, Write);

// Podcasts (issue 14; docs/netease-wire.md "Podcasts"), each as NCMA-Enhanced's `module/(dj)/`
// sends it: weapi throughout.
/// `dj_sublist.js`: the subscribed podcasts, `{limit, offset, total}`.
pub const PODCASTS_SUBSCRIBED: Endpoint = Endpoint::new("/api/djradio/get/subed", Weapi, Read);
/// `dj_detail.js`: one podcast, `{id}`.
pub const PODCAST_DETAIL: Endpoint = Endpoint::new("/api/djradio/v2/get", Weapi, Read);
/// `dj_program.js`: a page of episodes, `{radioId, limit, offset, asc}`.
pub const PODCAST_EPISODES: Endpoint = Endpoint::new("/api/dj/program/byradio", Weapi, Read);
/// `dj_sub.js` (`t=1`): subscribe, `{id}`.
pub const PODCAST_SUBSCRIBE: Endpoint = Endpoint::new("/api/djradio/sub", Weapi, Write);
/// `dj_sub.js` (`t≠1`): unsubscribe, `{id}`.
pub const PODCAST_UNSUBSCRIBE: Endpoint = Endpoint::new("/api/djradio/unsub", Weapi, Write);

// Personal FM and heartbeat mode (issue 14; docs/netease-wire.md "Personal FM and heartbeat
// mode"), as NCMA-Enhanced's modules send them.
/// `module/personal_fm.js`: weapi, no parameters.
pub const PERSONAL_FM: Endpoint = Endpoint::new("/api/v1/radio/get", Weapi, Read);
/// `module/fm_trash.js`: weapi.
pub const FM_TRASH: Endpoint = Endpoint::new("/api/radio/trash/add", Weapi, Write);
/// `module/playmode_intelligence_list.js`: the default transport, eapi.
pub const HEARTBEAT: Endpoint = Endpoint::new("/api/playmode/intelligence/list", Eapi, Read);

// The cloud disk (issue 14; docs/netease-wire.md "Cloud disk"), as NCMA-Enhanced's modules send
// it. The upload's steps are writes: made once, never repeated.
/// `module/user_cloud.js`: weapi.
pub const CLOUD_LIST: Endpoint = Endpoint::new("/api/v1/cloud/get", Weapi, Read);
/// `module/user_cloud_detail.js`: weapi.
pub const CLOUD_BY_IDS: Endpoint = Endpoint::new("/api/v1/cloud/get/byids", Weapi, Read);
/// `module/cloud.js`: the default transport, eapi.
pub const CLOUD_UPLOAD_CHECK: Endpoint = Endpoint::new("/api/cloud/upload/check", Eapi, Write);
/// `module/cloud.js` (eapi; `plugins/songUpload.js` asks again over weapi, Duet asks once).
pub const NOS_TOKEN: Endpoint = Endpoint::new("/api/nos/token/alloc", Eapi, Write);
/// `module/cloud.js`: eapi.
pub const CLOUD_UPLOAD_INFO: Endpoint = Endpoint::new("/api/upload/cloud/info/v2", Eapi, Write);
/// `module/cloud.js`: eapi.
pub const CLOUD_PUBLISH: Endpoint = Endpoint::new("/api/cloud/pub/v2", Eapi, Write);
/// `module/user_cloud_del.js`: weapi.
pub const CLOUD_DELETE: Endpoint = Endpoint::new("/api/cloud/del", Weapi, Write);

/// The whole table, for the tests that hold the wire note to it.
pub const ALL: [&Endpoint; 45] = [
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
    &DAILY_SONGS_BEFORE,
    &COMMENTS,
    &COMMENTS_BEFORE,
    &REGISTER_VISITOR,
    &COMMENT_ADD,
    &COMMENT_REPLY,
    &DAILY_TASK,
    &LIKE,
    &LIKED_IDS,
    &PLAYLIST_CREATE,
    &PLAYLIST_RENAME,
    &PLAYLIST_DELETE,
    &PLAYLIST_TRACKS,
    &PLAYLIST_SUBSCRIBE,
    &PLAYLIST_UNSUBSCRIBE,
    &ALBUM,
    &ARTIST,
    &ARTIST_ALBUMS,
    &SIMILAR_ARTISTS,
    &PODCASTS_SUBSCRIBED,
    &PODCAST_DETAIL,
    &PODCAST_EPISODES,
    &PODCAST_SUBSCRIBE,
    &PODCAST_UNSUBSCRIBE,
    &PERSONAL_FM,
    &FM_TRASH,
    &HEARTBEAT,
    &CLOUD_LIST,
    &CLOUD_BY_IDS,
    &CLOUD_UPLOAD_CHECK,
    &NOS_TOKEN,
    &CLOUD_UPLOAD_INFO,
    &CLOUD_PUBLISH,
    &CLOUD_DELETE,
];

/// Whether `error` is the service refusing a request's form (its transport or parameters) rather
/// than anything else: a bad request (400 "参数错误", what an undecodable or unknown form gets)
/// or the anti-abuse answer to a client it does not believe (-460 Cheating, 250; §8). Only
/// then is a `*_BEFORE` form asked; a session, rate-limit, verification or network failure would
/// meet the other form the same way.
pub fn refuses_the_form(error: &Error) -> bool {
    matches!(error.kind, ErrorKind::BadRequest)
        || (error.kind == ErrorKind::RiskControl && matches!(error.upstream_code, Some(-460 | 250)))
}
