//! The envelope items, by `module` / `method` (§4, §5; `docs/qqmusic-wire.md` "Reads" and
//! "Writes"). Every handler answers an item object `{"code":…, "data":…}`; client input never
//! panics: a missing or mistyped parameter is item `{"code":500003,"subcode":860100005}`.
//!
//! One file per module family: `session` (login, refresh, logout), `songs` (search, details,
//! lyrics), `vkey` (play URLs), `playlists`, `account` (VIP, profile, sign-in), `comments`.

use serde_json::{json, Value};

use super::envelope::{musicid_of, Auth};
use super::{QqAccount, QqControl};

mod account;
mod albums;
mod comments;
mod library;
mod playlists;
pub mod radio;
mod session;
mod songs;
mod vkey;

use account::{profile_report, sign_in, sign_in_summary, vip};
use comments::{add_comment, comments};
use playlists::{created_playlists, fav_playlists, playlist};
use session::{create_qr_code, login, logout, qq_login, user_info};
pub(crate) use songs::search_risk_control;
use songs::{lyric, search, song_detail, track_info};
use vkey::vkey;
pub(crate) use vkey::vkey_denied_all;

pub(crate) const VKEY_MODULE: &str = "vkey.GetVkeyServer";
pub(crate) const FEEDBACK_URL: &str =
    "https://y.qq.com/wk_v17/common_login.html#/login?QQAppid=100497308";

/// One item call.
pub(crate) struct Ctx<'a> {
    pub ctl: &'a QqControl,
    pub module: &'a str,
    pub method: &'a str,
    pub param: &'a Value,
    pub comm: &'a Value,
    pub auth: &'a Auth,
}

/// An item's answer and the cookies it sets.
pub(crate) struct ItemAnswer {
    pub body: Value,
    pub set_cookies: Vec<String>,
}

impl From<Value> for ItemAnswer {
    fn from(body: Value) -> Self {
        ItemAnswer {
            body,
            set_cookies: Vec::new(),
        }
    }
}

fn ok(data: Value) -> Value {
    json!({"code": 0, "data": data})
}

fn bad_param() -> Value {
    json!({"code": 500_003, "subcode": 860_100_005})
}

fn unknown_call() -> Value {
    json!({"code": 500_003, "subcode": 860_100_001})
}

fn not_logged_in() -> Value {
    json!({"code": 1000})
}

fn bad_credential() -> Value {
    json!({"code": 104_400})
}

// ---- parameter access (never panics) ------------------------------------------------------

impl Ctx<'_> {
    fn p(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.param.get(key).unwrap_or(&NULL)
    }

    /// A string (or number) parameter.
    fn str_p(&self, key: &str) -> Option<String> {
        match self.p(key) {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// An integer parameter: `Ok(None)` when absent, `Err` when present but not an integer
    /// (booleans count as 0 / 1, §3.1).
    fn int_p(&self, key: &str) -> Result<Option<i64>, Value> {
        match self.p(key) {
            Value::Null => Ok(None),
            Value::Number(n) => n.as_i64().map(Some).ok_or_else(bad_param),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => s.trim().parse().map(Some).map_err(|_| bad_param()),
            Value::Bool(b) => Ok(Some(i64::from(*b))),
            _ => Err(bad_param()),
        }
    }

    fn flag(&self, key: &str) -> bool {
        matches!(self.int_p(key), Ok(Some(n)) if n != 0)
    }

    fn account(&self) -> Result<QqAccount, Value> {
        self.auth.account.ok_or_else(not_logged_in)
    }
}

/// An account named by `key`, as an encrypted uin or a musicid.
fn account_param(c: &Ctx<'_>, key: &str) -> Option<QqAccount> {
    let v = c.str_p(key)?;
    QqAccount::by_encrypt_uin(&v)
        .or_else(|| musicid_of(&Value::String(v)).and_then(QqAccount::by_musicid))
}

/// Whether `module` changes an account's library (which the service takes signed only).
pub(crate) fn is_library_write(module: &str) -> bool {
    matches!(
        module,
        "music.musicasset.PlaylistDetailWrite"
            | "music.musicasset.PlaylistBaseWrite"
            | "music.musicasset.PlaylistFavWrite"
    )
}

/// The library writes (`modules/library.rs`).
fn library_write(c: &Ctx<'_>, module: &str, method: &str) -> Result<Value, Value> {
    match (module, method) {
        ("music.musicasset.PlaylistDetailWrite", "AddSonglist") => library::change_songs(c, true),
        ("music.musicasset.PlaylistDetailWrite", "DelSonglist") => library::change_songs(c, false),
        ("music.musicasset.PlaylistBaseWrite", "AddPlaylist") => library::add_playlist(c),
        ("music.musicasset.PlaylistBaseWrite", "DelPlaylist") => library::del_playlist(c),
        ("music.musicasset.PlaylistBaseWrite", "EditPlaylist") => library::edit_playlist(c),
        ("music.musicasset.PlaylistFavWrite", "FavPlaylist") => library::fav_playlist(c, true),
        ("music.musicasset.PlaylistFavWrite", "CancelFavPlaylist") => {
            library::fav_playlist(c, false)
        }
        _ => Err(unknown_call()),
    }
}

/// Answers one item.
pub(crate) fn dispatch(c: &Ctx<'_>) -> ItemAnswer {
    let r: Result<ItemAnswer, Value> = match (c.module, c.method) {
        ("QQConnectLogin.LoginServer", "QQLogin") => qq_login(c),
        ("music.login.LoginServer", "Login") => login(c),
        ("music.login.LoginServer", "Logout") => logout(c),
        ("music.login.LoginServer", "CreateQRCode") => create_qr_code(c).map(Into::into),
        ("music.UserInfo.userInfoServer", "GetLoginUserInfo") => user_info(c).map(Into::into),
        ("music.search.SearchCgiService", "DoSearchForQQMusicDesktop") => search(c).map(Into::into),
        ("music.pf_song_detail_svr", "get_song_detail_yqq") => song_detail(c).map(Into::into),
        ("music.trackInfo.UniformRuleCtrl", "CgiGetTrackInfo") => track_info(c).map(Into::into),
        (VKEY_MODULE, "CgiGetVkey") => vkey(c).map(Into::into),
        ("music.musichallSong.PlayLyricInfo", "GetPlayLyricInfo") => lyric(c).map(Into::into),
        ("music.srfDissInfo.aiDissInfo", "uniform_get_Dissinfo") => {
            playlist(c, false).map(Into::into)
        }
        ("music.srfDissInfo.DissInfo", "CgiGetDiss") => playlist(c, true).map(Into::into),
        ("music.musicasset.PlaylistBaseRead", "GetPlaylistByUin") => {
            created_playlists(c).map(Into::into)
        }
        ("music.musicasset.PlaylistFavRead", "CgiGetPlaylistFavInfo") => {
            fav_playlists(c).map(Into::into)
        }
        ("VipLogin.VipLoginInter", "vip_login_base") => vip(c).map(Into::into),
        ("music.recommend.UserProfileSettingSvr", "GetProfileReport") => {
            profile_report(c).map(Into::into)
        }
        ("music.globalComment.CommentRead", "GetNewCommentList") => {
            comments(c, false).map(Into::into)
        }
        ("music.globalComment.CommentRead", "GetHotCommentList") => {
            comments(c, true).map(Into::into)
        }
        ("music.globalComment.CommentWriteServer", "AddComment") => add_comment(c).map(Into::into),
        ("music.actCenter.ActCenterSignNewSvr", "SignIn") => sign_in(c).map(Into::into),
        (module, method)
            if module.starts_with("music.musicasset.Playlist")
                && method != "GetPlaylistByUin"
                && method != "CgiGetPlaylistFavInfo" =>
        {
            library_write(c, module, method).map(Into::into)
        }
        ("music.musichallAlbum.AlbumInfoServer", "GetAlbumDetail") => {
            albums::album_detail(c).map(Into::into)
        }
        ("music.musichallAlbum.AlbumSongList", "GetAlbumSongList") => {
            albums::album_songs(c).map(Into::into)
        }
        ("music.musichallSinger.SingerInfoInter", "GetSingerDetail") => {
            albums::singer_detail(c).map(Into::into)
        }
        ("musichall.song_list_server", "GetSingerSongList") => {
            albums::singer_songs(c).map(Into::into)
        }
        ("music.musichallAlbum.AlbumListServer", "GetAlbumList") => {
            albums::singer_albums(c).map(Into::into)
        }
        ("music.SimilarSingerSvr", "GetSimilarSingerList") => {
            albums::similar_singers(c).map(Into::into)
        }
        ("music.radioProxy.MbTrackRadioSvr", "get_radio_track") => {
            radio::radio_track(c).map(Into::into)
        }
        ("music.actCenter.ActCenterSignNewSvr", "GetSignInSummary") => {
            sign_in_summary(c).map(Into::into)
        }
        (module, method) => {
            tracing::debug!(module, method, "unknown QQ Music module/method (500003)");
            Err(unknown_call())
        }
    };
    r.unwrap_or_else(ItemAnswer::from)
}
