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
        // The music level lives under `userinfo`; `identity.level` is the VIP level
        // (docs/protocol/fidelity-2026-12.md row 6k).
        "userinfo": {"music_level": if v { 8 } else { 2 }},
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
//
// Both calls answer as docs/protocol/fidelity-2026-12.md row 6l cites: `data.retCode` (0 = the
// call worked) and `data.Info.IsSignIn`. The summary only reads; `SignIn` records the day. An
// activity other than Duet's (`identity::SIGN_IN_ACT_ID`), or `SignIn` while the test closed
// the activity (`QqControl::close_sign_in`), answers `retCode` -1 with `IsSignIn` 0, so a
// client that ignores `retCode` fails a test.

/// China-time day number now (the day turns at midnight UTC+8).
fn china_day() -> i64 {
    (now_ms() / 1000 + 8 * 3600).div_euclid(86_400)
}

/// How many of `days` fall in the month of `day`.
fn in_month(days: &[i64], day: i64) -> usize {
    let (y, m, _) = civil_from_days(day);
    days.iter()
        .filter(|d| {
            let (dy, dm, _) = civil_from_days(**d);
            (dy, dm) == (y, m)
        })
        .count()
}

/// The activity the item asks about: `Ok(true)` for Duet's, `Ok(false)` for another one.
fn our_activity(c: &Ctx<'_>) -> Result<bool, Value> {
    match c.str_p("ActID") {
        None => Err(bad_param()),
        Some(a) if a.is_empty() => Err(bad_param()),
        Some(a) => Ok(a == duet_qqmusic::identity::SIGN_IN_ACT_ID),
    }
}

fn unknown_activity() -> Value {
    ok(json!({"retCode": -1, "Msg": "activity not found", "Info": {"IsSignIn": 0}}))
}

pub(super) fn sign_in_summary(c: &Ctx<'_>) -> Result<Value, Value> {
    let account = c.account()?;
    if !our_activity(c)? {
        return Ok(unknown_activity());
    }
    let day = china_day();
    let days = c.ctl.signed_days(account);
    Ok(ok(json!({
        "retCode": 0,
        "Info": {
            "IsSignIn": i32::from(days.contains(&day)),
            "MonthSignInCount": in_month(&days, day),
        },
    })))
}

pub(super) fn sign_in(c: &Ctx<'_>) -> Result<Value, Value> {
    let account = c.account()?;
    if !our_activity(c)? || c.ctl.sign_in_closed() {
        return Ok(unknown_activity());
    }
    let day = china_day();
    let (fresh, days) = c.ctl.sign_in(account, day);
    let data = json!({
        "retCode": 0,
        "Info": {"IsSignIn": 1, "MonthSignInCount": in_month(&days, day)},
    });
    Ok(if fresh {
        ok(data)
    } else {
        // Only the 2020 `DoSignIn` is documented with 200002 (row 6l); the summary is how a
        // client learns "already done", and this answer is what a repeat press gets.
        json!({"code": 200_002, "data": data})
    })
}
