//! Play URLs (docs/protocol/qqmusic.md §5.4): which of a song's files to ask for up to a quality,
//! the `CgiGetVkey` item that asks for each, and what its answer grants.

use duet_core::{Error, ErrorKind, Quality};
use serde_json::{json, Value};

use crate::client::{Item, ItemReply};
use crate::parse::{self, TrackFiles};
use crate::session::Credential;

/// Where a granted file is fetched when the answer names no CDN.
const DEFAULT_SIP: &str = "https://isure.stream.qqmusic.qq.com/";
/// How long a play URL lives when the answer does not say (seconds).
const DEFAULT_EXPIRATION_S: u64 = 80_400;

/// One file of a song a play URL can be asked for (§5.4 table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileChoice {
    pub quality: Quality,
    pub prefix: &'static str,
    pub ext: &'static str,
    pub size: u64,
    pub bitrate: Option<u64>,
    /// The preview clip a non-VIP gets of a VIP song.
    pub trial: bool,
}

impl FileChoice {
    /// The song's files up to `quality` that exist, best first; the preview clip last.
    pub fn up_to(quality: Quality, files: &TrackFiles) -> Vec<FileChoice> {
        let file = |quality, prefix, ext, size, bitrate, trial| FileChoice {
            quality,
            prefix,
            ext,
            size,
            bitrate,
            trial,
        };
        [
            file(
                Quality::Hires,
                "RS01",
                "flac",
                files.size_hires,
                None,
                false,
            ),
            file(
                Quality::Lossless,
                "F000",
                "flac",
                files.size_flac,
                None,
                false,
            ),
            file(
                Quality::High,
                "M800",
                "mp3",
                files.size_320mp3,
                Some(320_000),
                false,
            ),
            file(
                Quality::Standard,
                "M500",
                "mp3",
                files.size_128mp3,
                Some(128_000),
                false,
            ),
            file(Quality::Standard, "RS02", "mp3", files.size_try, None, true),
        ]
        .into_iter()
        .filter(|c| c.size > 0 && rank(c.quality) <= rank(quality))
        .collect()
    }

    /// The `CgiGetVkey` item asking for this file of `mid` under `credential`.
    pub fn request(
        &self,
        files: &TrackFiles,
        mid: &str,
        guid: &str,
        credential: &Credential,
    ) -> Item {
        Item::new(
            "vkey.GetVkeyServer",
            "CgiGetVkey",
            json!({
                "filename": [format!("{}{}.{}", self.prefix, files.media_mid, self.ext)],
                "guid": guid, "songmid": [mid], "songtype": [0],
                "uin": credential.musicid.to_string(), "loginflag": 1, "platform": "20",
            }),
        )
    }
}

fn rank(quality: Quality) -> u8 {
    match quality {
        Quality::Hires => 3,
        Quality::Lossless => 2,
        Quality::High => 1,
        Quality::Standard => 0,
    }
}

/// What one vkey answer says about its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Playable: the service's URL (`sip` + `purl`) and how long it lives, in seconds.
    Url { url: String, expires_in_s: u64 },
    /// Not for this account; the service's `result` code when it gave one.
    Refused(Option<u64>),
}

impl Grant {
    /// Reads one item's answer: its own code, then `midurlinfo` and the CDN list. Errors other
    /// than "no rights to this file" are the call's.
    pub fn of(reply: ItemReply) -> Result<Grant, Error> {
        let code = reply.code;
        let data = match reply.into_data(true) {
            Ok(data) => data,
            // No rights to this file (an item-level 104003): the next quality may do.
            Err(e) if e.kind == ErrorKind::Unavailable => {
                return Ok(Grant::Refused(Some(code as u64)))
            }
            Err(e) => return Err(e),
        };
        // Every answer carries `midurlinfo`, granted or not (§5.4): without it the shape
        // changed, which is no refusal.
        let info = data
            .get("midurlinfo")
            .and_then(Value::as_array)
            .ok_or_else(|| parse::shape_changed("play URL", "midurlinfo"))?
            .first()
            .cloned()
            .unwrap_or(Value::Null);
        let purl = parse::text(&info, "purl");
        if purl.is_empty() {
            return Ok(Grant::Refused(parse::number(&info, "result")));
        }
        Ok(Grant::Url {
            url: format!("{}{purl}", cdn(&data)),
            expires_in_s: parse::number(&data, "expiration").unwrap_or(DEFAULT_EXPIRATION_S),
        })
    }
}

/// jsososo's choice of the answer's CDNs: the first that is not `ws` (§5.4).
fn cdn(data: &Value) -> String {
    let sips: Vec<&str> = data
        .get("sip")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    sips.iter()
        .find(|s| !s.starts_with("http://ws"))
        .or(sips.first())
        .copied()
        .unwrap_or(DEFAULT_SIP)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> TrackFiles {
        TrackFiles::of(&json!({
            "mid": "0039MnYb0qxYhV",
            "file": {"media_mid": "M1", "size_128mp3": 1, "size_320mp3": 2, "size_flac": 3,
                     "size_hires": 0, "size_try": 4},
        }))
    }

    #[test]
    fn choices_are_the_files_up_to_the_quality_best_first() {
        let prefixes = |quality| {
            FileChoice::up_to(quality, &files())
                .iter()
                .map(|c| c.prefix)
                .collect::<Vec<_>>()
        };
        assert_eq!(prefixes(Quality::Hires), ["F000", "M800", "M500", "RS02"]);
        assert_eq!(prefixes(Quality::High), ["M800", "M500", "RS02"]);
        assert_eq!(prefixes(Quality::Standard), ["M500", "RS02"]);
        assert!(FileChoice::up_to(Quality::Hires, &TrackFiles::of(&json!({}))).is_empty());
    }

    #[test]
    fn a_grant_is_read_from_the_answer() {
        let reply = |code, data| ItemReply { code, data };
        let granted = Grant::of(reply(
            0,
            json!({"midurlinfo": [{"purl": "M500x.mp3?vkey=K"}],
                   "sip": ["http://ws.stream.qqmusic.qq.com/", "http://isure.stream.qqmusic.qq.com/"],
                   "expiration": 600}),
        ))
        .unwrap();
        assert_eq!(
            granted,
            Grant::Url {
                url: "http://isure.stream.qqmusic.qq.com/M500x.mp3?vkey=K".into(),
                expires_in_s: 600
            }
        );
        assert_eq!(
            Grant::of(reply(0, json!({"midurlinfo": [{"purl": "a.mp3"}]}))).unwrap(),
            Grant::Url {
                url: format!("{DEFAULT_SIP}a.mp3"),
                expires_in_s: DEFAULT_EXPIRATION_S
            }
        );
        assert_eq!(
            Grant::of(reply(
                0,
                json!({"midurlinfo": [{"purl": "", "result": 104003}]})
            ))
            .unwrap(),
            Grant::Refused(Some(104003))
        );
        assert_eq!(
            Grant::of(reply(104003, Value::Null)).unwrap(),
            Grant::Refused(Some(104003))
        );
        assert_eq!(
            Grant::of(reply(1000, Value::Null)).unwrap_err().kind,
            ErrorKind::SessionExpired
        );
    }

    #[test]
    fn an_answer_without_midurlinfo_changed_shape_and_is_no_refusal() {
        let reshaped = ItemReply {
            code: 0,
            data: json!({"midurlinfo_v2": [{"purl_v2": "", "result_v2": 0}], "sip_v2": []}),
        };
        let error = Grant::of(reshaped).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Upstream);
        assert!(error.message.contains("`midurlinfo`"), "{}", error.message);
    }
}
