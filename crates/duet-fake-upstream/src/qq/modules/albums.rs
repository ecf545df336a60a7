//! Album and singer reads (`docs/qqmusic-wire.md`, "Albums and artists"). An album the service
//! does not know is refused like an unknown playlist (500003); an unknown singer answers empty
//! lists, as the references' models expect.

use serde_json::Value;

use super::{bad_param, ok, Ctx};
use crate::qq::catalog::albums;

/// The most songs or albums one page returns *(no public capture shows the limit)*.
const MAX_PAGE: i64 = 500;

/// `(begin, number)` from `begin_key`/`num_key`, checked.
fn paging(c: &Ctx<'_>, begin_key: &str, num_key: &str) -> Result<(u64, u64), Value> {
    let begin = c.int_p(begin_key)?.unwrap_or(0);
    let num = c.int_p(num_key)?.unwrap_or(10);
    if begin < 0 || num < 0 {
        return Err(bad_param());
    }
    Ok((begin as u64, num.min(MAX_PAGE) as u64))
}

/// A mid parameter that is there (a missing one is a malformed request).
fn mid_p(c: &Ctx<'_>, key: &str) -> Result<String, Value> {
    c.str_p(key).filter(|s| !s.is_empty()).ok_or_else(bad_param)
}

pub(super) fn album_detail(c: &Ctx<'_>) -> Result<Value, Value> {
    let mid = mid_p(c, "albumMId")?;
    albums::album_detail(&mid).map(ok).ok_or_else(|| {
        tracing::debug!(mid, "unknown album (500003)");
        bad_param()
    })
}

pub(super) fn album_songs(c: &Ctx<'_>) -> Result<Value, Value> {
    let mid = mid_p(c, "albumMid")?;
    let (begin, num) = paging(c, "begin", "num")?;
    albums::album_songs(&mid, begin, num)
        .map(ok)
        .ok_or_else(bad_param)
}

pub(super) fn singer_detail(c: &Ctx<'_>) -> Result<Value, Value> {
    let mids: Vec<String> = match c.p("singer_mids") {
        Value::Array(list) => list
            .iter()
            .map(|m| m.as_str().map(str::to_owned).ok_or_else(bad_param))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad_param()),
    };
    if mids.is_empty() || mids.len() > 50 {
        return Err(bad_param());
    }
    Ok(ok(albums::singer_detail(&mids)))
}

pub(super) fn singer_songs(c: &Ctx<'_>) -> Result<Value, Value> {
    let mid = mid_p(c, "singerMid")?;
    let (begin, number) = paging(c, "begin", "number")?;
    Ok(ok(albums::singer_songs(&mid, begin, number)))
}

pub(super) fn singer_albums(c: &Ctx<'_>) -> Result<Value, Value> {
    let mid = mid_p(c, "singerMid")?;
    let (begin, number) = paging(c, "begin", "number")?;
    Ok(ok(albums::singer_albums(&mid, begin, number)))
}

pub(super) fn similar_singers(c: &Ctx<'_>) -> Result<Value, Value> {
    let mid = mid_p(c, "singerMid")?;
    let number = c.int_p("number")?.unwrap_or(10);
    if number < 0 {
        return Err(bad_param());
    }
    Ok(ok(albums::similar_singers(&mid, number as u64)))
}
