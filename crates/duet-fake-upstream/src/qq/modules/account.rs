//! The account's own reads and the one write a person asks for: VIP status, the listening
//! report, and the daily sign-in.

use serde_json::{json, Value};

use super::{account_param, bad_param, ok, Ctx};
use crate::http_util::{civil_from_days, now_ms};
use crate::qq::catalog;
use crate::qq::QqAccount;

// ---- account (§5.8) -----------------------------------------------------------------------

pub(super) fn vip(c: &Ctx<'_>) -> Result<Value, Value> {
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

pub(super) fn profile_report(c: &Ctx<'_>) -> Result<Value, Value> {
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

// ---- sign-in (§5.9) -----------------------------------------------------------------------

pub(super) fn sign_in(c: &Ctx<'_>) -> Result<Value, Value> {
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
