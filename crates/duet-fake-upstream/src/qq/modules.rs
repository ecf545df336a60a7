//! The envelope items, by `module` / `method` (§4, §5; `docs/qqmusic-wire.md` "Reads" and
//! "Writes"). Every handler answers an item object `{"code":…, "data":…}`; client input never
//! panics: a missing or mistyped parameter is item `{"code":500003,"subcode":860100005}`.

use serde_json::{json, Value};

use super::catalog::{self, set, Song};
use super::envelope::{musicid_of, Auth};
use super::login::WX_APPID;
use super::{
    fixtures, lyrics, QqAccount, QqControl, QqIssuedSession, AUDIO_HOSTS, KEY_LIFETIME_SECS,
};
use crate::http_util::{civil_from_days, http_date, now_ms};

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

/// Answers one item.
pub(crate) fn dispatch(c: &Ctx<'_>) -> ItemAnswer {
    let r: Result<ItemAnswer, Value> = match (c.module, c.method) {
        ("QQConnectLogin.LoginServer", "QQLogin") => qq_login(c),
        ("music.login.LoginServer", "Login") => login(c),
        ("music.login.LoginServer", "Logout") => logout(c),
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
        (module, method) => {
            tracing::debug!(module, method, "unknown QQ Music module/method (500003)");
            Err(unknown_call())
        }
    };
    r.unwrap_or_else(ItemAnswer::from)
}

// ---- login, refresh, logout (§4.1 step 5, §4.2 step 4, §4.4, §4.5) ---------------------------

/// The login result `data` (field names of §4.1 step 5).
fn login_data(s: &QqIssuedSession) -> Value {
    let now = now_ms() / 1000;
    let refresh_in = (s.key_created_at + KEY_LIFETIME_SECS - 86_400 - now).max(0);
    json!({
        "musicid": s.musicid,
        "musickey": s.musickey,
        "str_musicid": s.musicid.to_string(),
        "encryptUin": s.encrypt_uin,
        "loginType": s.account.tme_login_type(),
        "refresh_key": s.refresh_key,
        "refresh_token": s.refresh_token,
        "access_token": s.access_token,
        "openid": s.openid,
        "unionid": s.unionid,
        "expired_at": s.expired_at,
        "musickeyCreateTime": s.key_created_at,
        "keyExpiresIn": KEY_LIFETIME_SECS,
        "first_login": 0,
        "bindAccountType": 0,
        "needRefreshKeyIn": refresh_in,
        "nick": s.account.nick(),
    })
}

/// The web login cookies (`Domain=qq.com`), alive as long as the key.
fn login_cookies(s: &QqIssuedSession) -> Vec<String> {
    let attrs = format!(
        "Domain=qq.com; Path=/; Expires={}",
        http_date(s.key_created_at + KEY_LIFETIME_SECS)
    );
    [
        ("uin", s.musicid.to_string()),
        ("qqmusic_key", s.musickey.clone()),
        ("qm_keyst", s.musickey.clone()),
        ("euin", s.encrypt_uin.clone()),
        ("tmeLoginType", s.account.tme_login_type().to_string()),
    ]
    .into_iter()
    .map(|(n, v)| format!("{n}={v}; {attrs}"))
    .collect()
}

fn logged_in(s: QqIssuedSession) -> ItemAnswer {
    ItemAnswer {
        set_cookies: login_cookies(&s),
        body: ok(login_data(&s)),
    }
}

fn qq_login(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    let code = c
        .str_p("code")
        .filter(|s| !s.is_empty())
        .ok_or_else(bad_credential)?;
    let account = c
        .ctl
        .take_code(&code, super::QqLoginMethod::Qq)
        .ok_or_else(|| {
            tracing::debug!("QQLogin: unknown or reused code (104400)");
            bad_credential()
        })?;
    Ok(logged_in(c.ctl.login(account)))
}

fn login(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    if c.int_p("loginMode").ok().flatten() == Some(2) {
        return refresh(c);
    }
    let code = c
        .str_p("code")
        .filter(|s| !s.is_empty())
        .ok_or_else(bad_credential)?;
    let method = if c.str_p("strAppid").as_deref() == Some(WX_APPID) {
        super::QqLoginMethod::Wechat
    } else {
        super::QqLoginMethod::Qq
    };
    let account = c.ctl.take_code(&code, method).ok_or_else(|| {
        tracing::debug!(?method, "Login: unknown or reused code (104400)");
        bad_credential()
    })?;
    Ok(logged_in(c.ctl.login(account)))
}

fn refresh(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    let musicid = musicid_of(c.p("musicid")).or_else(|| musicid_of(c.p("str_musicid")));
    let account = musicid
        .and_then(QqAccount::by_musicid)
        .ok_or_else(bad_credential)?;
    let rk = c.str_p("refresh_key").unwrap_or_default();
    let rt = c.str_p("refresh_token").unwrap_or_default();
    let s = c.ctl.refresh(account, &rk, &rt).ok_or_else(|| {
        tracing::debug!("refresh: tokens unknown, revoked or past expired_at (104400)");
        bad_credential()
    })?;
    Ok(logged_in(s))
}

fn logout(c: &Ctx<'_>) -> Result<ItemAnswer, Value> {
    c.account()?;
    if let Some(k) = &c.auth.musickey {
        c.ctl.end_session(k);
    }
    let gone = http_date(0);
    Ok(ItemAnswer {
        body: ok(json!({})),
        set_cookies: ["qqmusic_key", "qm_keyst"]
            .iter()
            .map(|n| format!("{n}=; Domain=qq.com; Path=/; Expires={gone}"))
            .collect(),
    })
}

fn user_info(c: &Ctx<'_>) -> Result<Value, Value> {
    let a = c.account()?;
    Ok(ok(json!({
        "uin": a.musicid(),
        "nick": a.nick(),
        "headurl": a.headpic(),
        "encrypt_uin": a.encrypt_uin(),
        "tmeLoginType": a.tme_login_type(),
    })))
}

// ---- search (§5.1) ----------------------------------------------------------------------

/// The 2001 answer of an anonymous search (the captured one, `meta.curpage` = the page).
pub(crate) fn search_risk_control(param: &Value) -> Value {
    let mut item = fixtures::get()
        .get("search_desktop_not_logged_in_code2001.PARTIAL.envelope.json")["req"]
        .clone();
    let page = param["page_num"].as_u64().unwrap_or(1).max(1);
    if let Some(meta) = item["data"]["meta"].as_object_mut() {
        meta.insert("curpage".into(), json!(page));
    }
    item
}

fn search(c: &Ctx<'_>) -> Result<Value, Value> {
    if c.auth.account.is_none() {
        tracing::debug!("anonymous desktop search (2001)");
        return Ok(search_risk_control(c.param));
    }
    let query = c.str_p("query").unwrap_or_default();
    if query.trim().is_empty() || query.chars().count() > 200 {
        return Err(bad_param());
    }
    let kind = c.int_p("search_type")?.unwrap_or(0);
    let page = c.int_p("page_num")?.unwrap_or(1);
    let per_page = c.int_p("num_per_page")?.unwrap_or(10);
    if !(0..=100).contains(&kind) || !(1..=10_000).contains(&page) || per_page < 0 {
        return Err(bad_param());
    }
    // 2026 behaviour (§5.1, §9.4): `searchid` or fewer than 10 a page empties every list.
    let empty = c.param.get("searchid").is_some() || per_page < 10;
    let per_page = per_page.clamp(10, 50);
    Ok(ok(catalog::search(
        &query,
        kind as u64,
        page as u64,
        per_page as u64,
        empty,
    )))
}

// ---- songs (§5.2, §5.3) -------------------------------------------------------------------

fn song_of(c: &Ctx<'_>, mid_key: &[&str], id_key: &[&str]) -> Result<Option<Song>, Value> {
    for k in mid_key {
        if let Some(mid) = c.str_p(k).filter(|m| !m.is_empty()) {
            return Ok(catalog::song_by_mid(&mid));
        }
    }
    for k in id_key {
        if let Some(id) = c.int_p(k)? {
            return Ok(u64::try_from(id).ok().and_then(catalog::song_by_id));
        }
    }
    Err(bad_param())
}

fn song_detail(c: &Ctx<'_>) -> Result<Value, Value> {
    let song = song_of(c, &["song_mid"], &["song_id"])?.ok_or_else(|| {
        tracing::debug!("song detail of an unknown song (500003)");
        bad_param()
    })?;
    let f = fixtures::get();
    for name in [
        "song_detail_get_song_detail_yqq.envelope.json",
        "song_detail_get_song_detail_web_musics_2023.envelope.json",
    ] {
        let item = &f.get(name)["req_0"];
        if item["data"]["track_info"]["id"].as_u64() == Some(song.id) {
            return Ok(item.clone());
        }
    }
    let mut info =
        f.get("song_detail_get_song_detail_yqq.envelope.json")["req_0"]["data"]["info"].clone();
    if let Some(m) = info.as_object_mut() {
        m.remove("intro");
        m.remove("company");
    }
    if let Some(v) = info.pointer_mut("/pub_time/content/0/value") {
        *v = song.track["time_public"].clone();
    }
    Ok(ok(json!({
        "info": info,
        "extras": {"name": song.name, "transname": "", "subtitle": "", "from": "3", "wikiurl": ""},
        "track_info": song.track,
    })))
}

fn track_info(c: &Ctx<'_>) -> Result<Value, Value> {
    let songs: Vec<Option<Song>> = match (c.p("ids"), c.p("mids")) {
        (Value::Array(ids), _) if !ids.is_empty() => ids
            .iter()
            .map(|v| match v {
                Value::Number(n) => Ok(n.as_u64().and_then(catalog::song_by_id)),
                Value::String(s) => Ok(s.trim().parse().ok().and_then(catalog::song_by_id)),
                _ => Err(bad_param()),
            })
            .collect::<Result<_, _>>()?,
        (_, Value::Array(mids)) if !mids.is_empty() => mids
            .iter()
            .map(|v| v.as_str().map(catalog::song_by_mid).ok_or_else(bad_param))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad_param()),
    };
    if songs.len() > 500 {
        return Err(bad_param());
    }
    let mut data = fixtures::get().get("trackinfo_CgiGetTrackInfo.item.json")["data"].clone();
    let tracks: Vec<Value> = songs
        .into_iter()
        .map(catalog::track_or_placeholder)
        .collect();
    set(&mut data, "tracks", tracks);
    set(
        &mut data,
        "musicid",
        c.auth.account.map_or(0, |a| a.musicid()),
    );
    Ok(ok(data))
}

// ---- vkey (§5.4, §7.6) --------------------------------------------------------------------

/// Why a file is refused, or `None` when it is granted.
fn vkey_refusal(song: &Song, filename: &str, vip: bool) -> Option<&'static str> {
    if super::cdn::audio_for(filename).is_none() {
        return Some("not a file the fake has (M500/M800/RS02 mp3, F000 flac)");
    }
    let Some((prefix, rest)) = filename.split_at_checked(4) else {
        return Some("bad file name");
    };
    if rest.get(..14) != Some(song.media_mid()) {
        return Some("file name is not <prefix><media_mid><ext>");
    }
    let size_field = match prefix {
        "M500" => "size_128mp3",
        "M800" => "size_320mp3",
        "F000" => "size_flac",
        _ => "size_try",
    };
    if song.file_size(size_field) == 0 {
        return Some("no file of this quality");
    }
    if !vip && prefix != "RS02" {
        if song.pay("pay_play") == 1 {
            return Some("trial-only song for a non-VIP");
        }
        if song.pay("pay_month") == 1 && matches!(prefix, "M800" | "F000") {
            return Some("VIP quality for a non-VIP");
        }
    }
    None
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_owned))
        .collect()
}

struct VkeyReq {
    songmids: Vec<String>,
    filenames: Vec<String>,
    guid: String,
}

fn vkey_req(param: &Value) -> Option<VkeyReq> {
    let songmids = string_list(&param["songmid"]).filter(|v| !v.is_empty() && v.len() <= 100)?;
    let filenames = match &param["filename"] {
        Value::Null => Vec::new(),
        v => string_list(v).filter(|f| f.len() == songmids.len())?,
    };
    let guid = match &param["guid"] {
        Value::String(s) if !s.is_empty() && s.len() <= 64 => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(VkeyReq {
        songmids,
        filenames,
        guid,
    })
}

fn midurl(template: &Value, songmid: &str, filename: &str, purl: &str, vkey: &str) -> Value {
    let mut m = template.clone();
    for (k, v) in [
        ("songmid", json!(songmid)),
        ("filename", json!(filename)),
        ("purl", json!(purl)),
        ("vkey", json!(vkey)),
        ("wifiurl", json!("")),
        ("flowurl", json!("")),
        ("result", json!(if purl.is_empty() { 104_003 } else { 0 })),
        ("errtype", json!(if purl.is_empty() { "1" } else { "" })),
    ] {
        set(&mut m, k, v);
    }
    m
}

fn vkey_answer(ctl: &QqControl, param: &Value, auth: &Auth, deny_all: bool) -> Value {
    let Some(req) = vkey_req(param) else {
        return bad_param();
    };
    let mut data = fixtures::get().get("vkey_CgiGetVkey_plus_GetCdnDispatch_2018.envelope.json")
        ["req_0"]["data"]
        .clone();
    let template = data["midurlinfo"][0].clone();
    let account = auth.account;
    let vip = account.is_some_and(|a| ctl.is_vip(a));
    let uin = account.map_or(0, |a| a.musicid());
    let infos: Vec<Value> = req
        .songmids
        .iter()
        .enumerate()
        .map(|(i, songmid)| {
            let song = catalog::song_by_mid(songmid);
            let filename = req.filenames.get(i).cloned().unwrap_or_else(|| {
                format!(
                    "C400{}.m4a",
                    song.as_ref().map_or(songmid.as_str(), |s| s.media_mid())
                )
            });
            let refusal = if deny_all {
                Some("injected fault")
            } else if account.is_none() {
                Some("no live session")
            } else {
                match &song {
                    None => Some("unknown song"),
                    Some(s) => vkey_refusal(s, &filename, vip),
                }
            };
            match refusal {
                Some(why) => {
                    tracing::debug!(songmid, filename, why, "vkey refused (104003)");
                    midurl(&template, songmid, &filename, "", "")
                }
                None => {
                    let vkey = ctl.issue_vkey(&filename);
                    let purl = format!(
                        "{filename}?guid={}&vkey={vkey}&uin={uin}&fromtag=66",
                        req.guid
                    );
                    midurl(&template, songmid, &filename, &purl, &vkey)
                }
            }
        })
        .collect();
    let sip: Vec<String> = AUDIO_HOSTS.iter().map(|h| format!("http://{h}/")).collect();
    for (k, v) in [
        ("midurlinfo", json!(infos)),
        ("sip", json!(sip)),
        ("uin", json!(uin.to_string())),
        ("testfile2g", json!("")),
        ("testfilewifi", json!("")),
        ("thirdip", json!(["", ""])),
        ("login_key", json!("")),
    ] {
        set(&mut data, k, v);
    }
    ok(data)
}

/// A vkey answer refusing every file (the `qq_no_rights` fault).
pub(crate) fn vkey_denied_all(ctl: &QqControl, param: &Value, auth: &Auth) -> Value {
    vkey_answer(ctl, param, auth, true)
}

fn vkey(c: &Ctx<'_>) -> Result<Value, Value> {
    Ok(vkey_answer(c.ctl, c.param, c.auth, false))
}

// ---- lyrics (§5.5) ------------------------------------------------------------------------

fn lyric(c: &Ctx<'_>) -> Result<Value, Value> {
    let song = song_of(c, &["songMID", "songMid"], &["songID", "songId"])?;
    let crypt = c.int_p("crypt")?.unwrap_or(0) == 1;
    let texts = song.as_ref().map(lyrics::texts).unwrap_or_default();
    let qrc = crypt && c.flag("qrc") && texts.qrc.is_some();
    let encode = |t: Option<&String>| -> String {
        match t {
            None => String::new(),
            Some(t) if crypt => duet_qqmusic::qrc::encrypt_to_hex(t),
            Some(t) => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(t.as_bytes())
            }
        }
    };
    let main = if qrc {
        texts.qrc.as_ref()
    } else {
        texts.lrc.as_ref()
    };
    let trans = texts.trans.as_ref().filter(|_| c.flag("trans"));
    let roma = if crypt {
        texts.roma_qrc.as_ref()
    } else {
        texts.roma_lrc.as_ref()
    }
    .filter(|_| c.flag("roma"));
    Ok(ok(json!({
        "songID": song.as_ref().map_or(0, |s| s.id),
        "songName": song.as_ref().map_or("", |s| s.name.as_str()),
        "crypt": i32::from(crypt),
        "lyric": encode(main),
        "trans": encode(trans),
        "roma": encode(roma),
        "qrc": i32::from(qrc),
        "lrc_t": 1_700_000_000,
        "qrc_t": if qrc { 1_700_000_000 } else { 0 },
        "trans_t": if trans.is_some() { 1_700_000_000 } else { 0 },
        "roma_t": if roma.is_some() { 1_700_000_000 } else { 0 },
        "hasContributor": 0,
        "hasTransContributor": 0,
        "hasMultiTrans": 0,
        "singingAnnotationsLyric": "",
        "singingAnnotationsTs": 0,
    })))
}

// ---- playlists (§5.6, §5.7) ---------------------------------------------------------------

/// Most tracks one playlist call returns.
const MAX_SONG_NUM: i64 = 1000;

fn playlist(c: &Ctx<'_>, diss: bool) -> Result<Value, Value> {
    let tid = c.int_p("disstid")?.unwrap_or(0);
    let dirid = c.int_p("dirid")?.unwrap_or(0);
    let begin = c.int_p("song_begin")?.unwrap_or(0);
    let num = c.int_p("song_num")?.unwrap_or(MAX_SONG_NUM);
    if tid < 0 || begin < 0 || num < 0 {
        return Err(bad_param());
    }
    let num = num.min(MAX_SONG_NUM) as u64;
    let p = if tid == 0 && dirid == catalog::LIKED_DIRID as i64 {
        let me = c.account()?;
        let owner = match c.str_p("enc_host_uin").unwrap_or_default().as_str() {
            "" => me,
            euin => QqAccount::by_encrypt_uin(euin).ok_or_else(bad_param)?,
        };
        catalog::liked_playlist(owner)
    } else {
        let p = catalog::playlist(tid as u64).ok_or_else(|| {
            tracing::debug!(tid, "unknown playlist (500003)");
            bad_param()
        })?;
        if p.liked {
            c.account()?;
        }
        p
    };
    let songs = p.tracks(begin as u64, num);
    let end = begin as u64 + songs.len() as u64;
    let mut data =
        fixtures::get().get("playlist_uniform_get_Dissinfo.envelope.json")["req"]["data"].clone();
    let me = c.auth.account;
    let fixture = p.tid == catalog::FIXTURE_PLAYLIST_ID;
    for (k, v) in [
        ("dirinfo", p.dirinfo()),
        ("songlist", json!(songs)),
        ("total_song_num", json!(p.total)),
        ("hasmore", json!(i32::from(end < p.total))),
        ("login_uin", json!(me.map_or(0, |a| a.musicid()))),
        ("encrypt_login", json!(me.map_or("", |a| a.encrypt_uin()))),
        ("ct", c.comm["ct"].clone()),
        ("cv", c.comm["cv"].clone()),
    ] {
        set(&mut data, k, v);
    }
    if !fixture {
        for k in ["songtag", "quickListenVid", "orderlist"] {
            set(&mut data, k, json!([]));
        }
        set(&mut data, "aiExt", Value::Null);
    }
    if diss {
        set(
            &mut data,
            "songlist_size",
            json!(end - (begin as u64).min(end)),
        );
    }
    Ok(ok(data))
}

fn account_param(c: &Ctx<'_>, key: &str) -> Option<QqAccount> {
    let v = c.str_p(key)?;
    QqAccount::by_encrypt_uin(&v)
        .or_else(|| musicid_of(&Value::String(v)).and_then(QqAccount::by_musicid))
}

fn created_playlists(c: &Ctx<'_>) -> Result<Value, Value> {
    c.account()?;
    let owner = account_param(c, "uin");
    let mut list = Vec::new();
    if let Some(a) = owner {
        let liked = catalog::liked_playlist(a);
        let entry = |p: &catalog::Playlist| {
            json!({
                "tid": p.tid, "dirId": p.dirid, "dirName": p.title, "songNum": p.total,
                "picUrl": p.picurl(), "bigpicUrl": p.picurl(),
                "createTime": 1_700_000_000 + p.total, "updateTime": 1_710_000_000 + p.total,
                "dirShow": 1, "uin": a.musicid(), "encrypt_uin": a.encrypt_uin(),
            })
        };
        list.push(entry(&liked));
        for (tid, _) in catalog::created_playlists(a) {
            if let Some(p) = catalog::playlist(tid) {
                list.push(entry(&p));
            }
        }
    }
    Ok(ok(json!({
        "v_playlist": list,
        "v_delTid": [],
        "bFinish": 1,
        "totalNum": list.len(),
    })))
}

fn fav_playlists(c: &Ctx<'_>) -> Result<Value, Value> {
    c.account()?;
    let offset = c.int_p("offset")?.unwrap_or(0);
    let size = c.int_p("size")?.unwrap_or(100);
    if offset < 0 || size < 0 {
        return Err(bad_param());
    }
    let all: Vec<u64> = account_param(c, "uin")
        .map(catalog::favourite_playlists)
        .unwrap_or_default();
    let end = all.len().min(offset as usize + size.min(500) as usize);
    let page: Vec<Value> = all
        .get(offset as usize..end)
        .unwrap_or_default()
        .iter()
        .filter_map(|tid| catalog::playlist(*tid))
        .map(|p| {
            let d = p.dirinfo();
            json!({
                "tid": p.tid, "dirid": 0, "name": p.title, "logo": p.picurl(),
                "songnum": p.total, "listennum": d["listennum"], "nick": d["host_nick"],
                "uin": d["host_uin"], "encrypt_uin": d["encrypt_uin"],
                "createtime": d["ctime"], "dirtype": 0,
            })
        })
        .collect();
    Ok(ok(json!({
        "v_list": page,
        "total": all.len(),
        "hasmore": i32::from(end < all.len()),
    })))
}

// ---- account (§5.8) -----------------------------------------------------------------------

fn vip(c: &Ctx<'_>) -> Result<Value, Value> {
    let a = c.account()?;
    let v = c.ctl.is_vip(a);
    let n = i32::from(v);
    let (start, end) = if v {
        (1_704_067_200, 1_861_920_000)
    } else {
        (0, 0)
    };
    Ok(ok(json!({
        "identity": {
            "HugeVip": n, "HugeVipStart": start, "HugeVipEnd": end,
            "LMFlag": n, "LMStart": start, "LMEnd": end,
            "vip": n, "yearflag": n, "level": if v { 7 } else { 0 },
            "nextlevel": if v { 8 } else { 1 }, "score": if v { 32_000 } else { 0 },
        },
        "music_level": if v { 8 } else { 2 },
        "buy_url": "https://y.qq.com/portal/vipportal/",
        "max_dir_num": if v { 1000 } else { 200 },
        "max_song_num": if v { 10_000 } else { 5_000 },
        "uin": a.musicid(),
    })))
}

fn profile_report(c: &Ctx<'_>) -> Result<Value, Value> {
    c.account()?;
    let visited = account_param(c, "VisitAccount");
    let report = match visited {
        Some(QqAccount::Qq) => json!({
            "Year": 2025,
            "ListenMinutes": 12_873,
            "ListenSongs": 1_460,
            "ListenDays": 311,
            "TopSingers": [
                {"Name": "周杰伦", "Mid": "0025NhlN2yWrP4", "Minutes": 2_210},
                {"Name": "Duet 测试乐队", "Mid": "00SgDuetSpecl0", "Minutes": 640}
            ],
            "TopSongs": [
                {"Name": "晴天", "Mid": catalog::SONG_QRC_FULL, "Count": 321},
                {"Name": "只有逐行歌词", "Mid": catalog::SONG_LRC_ONLY, "Count": 88}
            ],
            "LateNight": {"Date": "2025-03-14", "Time": "02:37", "Song": "晴天"},
            "Genres": [{"Name": "流行", "Percent": 61}, {"Name": "摇滚", "Percent": 17}]
        }),
        _ => Value::Null,
    };
    let card = visited.map_or(Value::Null, |a| {
        json!({"Nick": a.nick(), "Avatar": a.headpic(), "EncryptUin": a.encrypt_uin(),
               "Gene": ["华语流行", "校园民谣"]})
    });
    Ok(ok(json!({"ListeningReport": report, "UserInfoCard": card})))
}

// ---- comments (§5.10) ---------------------------------------------------------------------

struct Comment {
    cm_id: String,
    seq_no: u64,
    nick: String,
    avatar: String,
    euin: String,
    content: String,
    pub_time: i64,
    praise: u64,
    replied: Option<String>,
}

impl Comment {
    fn json(&self) -> Value {
        let mut v = json!({
            "CmId": self.cm_id, "SeqNo": self.seq_no.to_string(), "Nick": self.nick,
            "Avatar": self.avatar, "EncryptUin": self.euin, "Content": self.content,
            "PubTime": self.pub_time, "PraiseNum": self.praise,
        });
        if let Some(r) = &self.replied {
            set(&mut v, "RepliedCmId", r.as_str());
        }
        v
    }
}

fn seeded(songid: u64, hot: bool) -> Vec<Comment> {
    let (new_n, hot_n) = catalog::seeded_comment_counts(songid);
    if hot {
        (1..=hot_n)
            .map(|h| Comment {
                cm_id: format!("{:08x}{:016x}", songid & 0xffff_ffff, 1000 + h),
                seq_no: 900_000 + h,
                nick: format!("热评听众{h:02}"),
                avatar: format!("https://thirdqq.qlogo.cn/g?b=sdk&k=duethot{h}&s=140"),
                euin: format!("oHot{h:010}**"),
                content: format!("热评 {h}：每次听到前奏，都像回到了那个下过雨的操场。"),
                pub_time: 1_690_000_000 + h as i64 * 86_400,
                praise: 10_000 - h * 500,
                replied: None,
            })
            .collect()
    } else {
        (1..=new_n)
            .rev()
            .map(|k| Comment {
                cm_id: format!("{:08x}{:016x}", songid & 0xffff_ffff, k),
                seq_no: 1_000_000 + k,
                nick: format!("听众{k:03}"),
                avatar: format!("https://thirdqq.qlogo.cn/g?b=sdk&k=duetfan{k}&s=140"),
                euin: format!("oFan{k:010}**"),
                content: if k == 7 {
                    "<b>不要渲染我</b> &amp; <script>alert(1)</script>".to_owned()
                } else {
                    format!("第 {k} 条评论：这首歌陪我走过很多个晴天。")
                },
                pub_time: 1_700_000_000 + k as i64 * 3600,
                praise: (k * 37) % 500,
                replied: None,
            })
            .collect()
    }
}

fn thread(ctl: &QqControl, songid: u64, hot: bool) -> Vec<Comment> {
    let mut list: Vec<Comment> = if hot {
        Vec::new()
    } else {
        ctl.posted_comments(songid)
            .into_iter()
            .rev()
            .map(|p| Comment {
                cm_id: p.cm_id,
                seq_no: p.seq_no,
                nick: p.account.nick().to_owned(),
                avatar: p.account.headpic(),
                euin: p.account.encrypt_uin().to_owned(),
                content: p.content,
                pub_time: p.pub_time,
                praise: 0,
                replied: p.replied,
            })
            .collect()
    };
    list.extend(seeded(songid, hot));
    list
}

fn song_of_biz(c: &Ctx<'_>) -> Result<Option<u64>, Value> {
    let biz_type = c.int_p("BizType")?.unwrap_or(1);
    let id = match c.p("BizId") {
        Value::String(s) => s.trim().parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        Value::Null => return Err(bad_param()),
        _ => return Err(bad_param()),
    };
    Ok(id.filter(|id| biz_type == 1 && catalog::song_by_id(*id).is_some()))
}

fn comments(c: &Ctx<'_>, hot: bool) -> Result<Value, Value> {
    let songid = song_of_biz(c)?;
    let size = c.int_p("PageSize")?.unwrap_or(15);
    let page = c.int_p("PageNum")?.unwrap_or(0);
    if size < 0 || page < 0 {
        return Err(bad_param());
    }
    let size = if size == 0 { 15 } else { size.min(50) } as usize;
    let all = songid.map(|id| thread(c.ctl, id, hot)).unwrap_or_default();
    let cursor = c.str_p("LastCommentSeqNo").unwrap_or_default();
    // The cursor wins over the page number: continue after the comment it names.
    let start = all
        .iter()
        .position(|cm| !cursor.is_empty() && cm.seq_no.to_string() == cursor)
        .map(|i| i + 1)
        .unwrap_or_else(|| (page as usize).saturating_mul(size));
    let end = all.len().min(start.saturating_add(size));
    let page_items: Vec<Value> = all
        .get(start.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(Comment::json)
        .collect();
    Ok(ok(json!({
        "CommentList": {
            "Total": all.len(),
            "HasMore": i32::from(end < all.len()),
            "Comments": page_items,
        },
        "BizType": 1,
        "BizId": songid.map(|s| s.to_string()).unwrap_or_default(),
    })))
}

fn add_comment(c: &Ctx<'_>) -> Result<Value, Value> {
    let account = c.account()?;
    let rejected = |sub: i64, msg: &str| {
        ok(json!({"SubCode": sub, "Msg": msg, "AddedCmId": "", "ParentCmId": "", "VerifyUrl": ""}))
    };
    let Some(songid) = song_of_biz(c)? else {
        return Ok(rejected(10_002, "评论对象不存在"));
    };
    let content = c.str_p("Content").unwrap_or_default();
    if content.trim().is_empty() || content.chars().count() > 300 {
        return Ok(rejected(10_009, "评论内容为空或过长"));
    }
    let replied = c.str_p("RepliedCmId").filter(|r| !r.is_empty());
    if let Some(r) = &replied {
        let exists = thread(c.ctl, songid, false)
            .iter()
            .chain(seeded(songid, true).iter())
            .any(|cm| &cm.cm_id == r);
        if !exists {
            return Ok(rejected(10_011, "回复的评论不存在"));
        }
    }
    let posted = c
        .ctl
        .add_comment(songid, account, &content, replied.clone());
    let floor = thread(c.ctl, songid, false).len();
    Ok(ok(json!({
        "SubCode": 0,
        "Msg": "",
        "AddedCmId": posted.cm_id,
        "ParentCmId": replied.unwrap_or_default(),
        "Floor": {"Num": floor},
        "VerifyUrl": "",
    })))
}

// ---- sign-in (§5.9) -----------------------------------------------------------------------

fn sign_in(c: &Ctx<'_>) -> Result<Value, Value> {
    let account = c.account()?;
    if c.str_p("ActID").is_none_or(|a| a.is_empty()) {
        return Err(bad_param());
    }
    // The day turns at midnight China time (UTC+8).
    let day = (now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    let (fresh, days) = c.ctl.sign_in(account, day);
    let (y, m, _) = civil_from_days(day);
    let month = days
        .iter()
        .filter(|d| {
            let (dy, dm, _) = civil_from_days(**d);
            (dy, dm) == (y, m)
        })
        .count();
    let data = json!({"Info": {"IsSignIn": 1, "MonthSignInCount": month}, "Retcode": 0});
    Ok(if fresh {
        ok(data)
    } else {
        json!({"code": 200_002, "data": data})
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vkey_rules() {
        let full = catalog::song_by_mid(catalog::SONG_QRC_FULL).unwrap();
        assert_eq!(vkey_refusal(&full, "M500003Qui1q2u1Zho.mp3", false), None);
        assert!(vkey_refusal(&full, "M5000039MnYb0qxYhV.mp3", false).is_some());
        let vip = catalog::song_by_mid(catalog::SONG_VIP_ONLY).unwrap();
        assert_eq!(vkey_refusal(&vip, "M500001DuetVipOnly.mp3", false), None);
        assert!(vkey_refusal(&vip, "M800001DuetVipOnly.mp3", false).is_some());
        assert_eq!(vkey_refusal(&vip, "F000001DuetVipOnly.flac", true), None);
        let trial = catalog::song_by_mid(catalog::SONG_TRIAL_ONLY).unwrap();
        assert!(vkey_refusal(&trial, "M500001DuetTrial01.mp3", false).is_some());
        assert_eq!(vkey_refusal(&trial, "RS02001DuetTrial01.mp3", false), None);
        let no_flac = catalog::song_by_mid(catalog::SONG_NO_FLAC).unwrap();
        assert!(vkey_refusal(&no_flac, "F000001DuetNoFlac0.flac", true).is_some());
        assert!(vkey_refusal(&no_flac, "RS02001DuetNoFlac0.mp3", true).is_some());
    }

    #[test]
    fn seeded_threads_are_newest_first() {
        let new = seeded(97_773, false);
        assert_eq!(new.len(), 37);
        assert!(new.windows(2).all(|w| w[0].seq_no > w[1].seq_no));
        let hot = seeded(97_773, true);
        assert!(hot.windows(2).all(|w| w[0].praise > w[1].praise));
    }
}
