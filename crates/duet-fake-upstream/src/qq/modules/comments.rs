//! Song comments: seeded threads, the posted ones on top, paging, and posting.

use serde_json::{json, Value};

use super::{bad_param, ok, Ctx};
use crate::qq::catalog::{self, set};
use crate::qq::QqControl;

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

/// Seeded comment 5, as QQ Music writes comment text; its plain form is in
/// docs/qqmusic-wire.md.
const AS_WRITTEN_COMMENT: &str =
    "第 5 条评论[em]e400846[/em]：副歌一响&#39;泪目&#39;<br>单曲循环 &quot;100&quot; 遍 &amp;lt;3 &#x1F3B5;";

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
                // Nick and text as the service writes them (entities, `<br>`, `[em]` codes).
                nick: if k == 5 {
                    "Tom &amp; Jerry&#39;s 听众".to_owned()
                } else {
                    format!("听众{k:03}")
                },
                avatar: format!("https://thirdqq.qlogo.cn/g?b=sdk&k=duetfan{k}&s=140"),
                euin: format!("oFan{k:010}**"),
                content: if k == 5 {
                    AS_WRITTEN_COMMENT.to_owned()
                } else if k == 7 {
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

/// The read parameters the references send (fidelity-2026-12.md row 5a), each required with its
/// type: `BizId` a string, `PageNum` 0-based, `LastCommentSeqNo` a string ("" on the first
/// page), plus the extras of each list. Anything missing or mistyped is 500003/860100005.
fn check_read_params(c: &Ctx<'_>, hot: bool) -> Result<(), Value> {
    let int = |key: &str| c.int_p(key)?.ok_or_else(bad_param);
    let string = |key: &str| match c.p(key) {
        Value::String(_) => Ok(()),
        _ => Err(bad_param()),
    };
    int("BizType")?;
    string("BizId")?;
    int("PageSize")?;
    int("PageNum")?;
    string("LastCommentSeqNo")?;
    int("PicEnable")?;
    if hot {
        if int("HotType")? != 1 {
            return Err(bad_param());
        }
        int("WithAirborne")?;
    } else {
        string("HashTagID")?;
        int("SelfSeeEnable")?;
        int("AudioEnable")?;
    }
    Ok(())
}

pub(super) fn comments(c: &Ctx<'_>, hot: bool) -> Result<Value, Value> {
    check_read_params(c, hot)?;
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

pub(super) fn add_comment(c: &Ctx<'_>) -> Result<Value, Value> {
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

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn seeded_threads_are_newest_first() {
        let new = seeded(97_773, false);
        assert_eq!(new.len(), 37);
        assert!(new.windows(2).all(|w| w[0].seq_no > w[1].seq_no));
        let hot = seeded(97_773, true);
        assert!(hot.windows(2).all(|w| w[0].praise > w[1].praise));
    }
}
