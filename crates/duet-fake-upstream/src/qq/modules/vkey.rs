//! Play URLs: which files a song has and who may fetch them (`vkey.GetVkeyServer`).

use serde_json::{json, Value};

use super::{bad_param, ok, Ctx};
use crate::qq::catalog::{self, set, Song};
use crate::qq::envelope::Auth;
use crate::qq::{fixtures, QqControl, AUDIO_HOSTS};

// ---- vkey (§5.4, §7.6) --------------------------------------------------------------------

/// Why a file is refused, or `None` when it is granted.
fn vkey_refusal(song: &Song, filename: &str, vip: bool) -> Option<&'static str> {
    if crate::qq::cdn::audio_for(filename).is_none() {
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

pub(super) fn vkey(c: &Ctx<'_>) -> Result<Value, Value> {
    Ok(vkey_answer(c.ctl, c.param, c.auth, false))
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
}
