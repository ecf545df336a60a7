//! The twin catalogue: the same recordings listed on both NetEase and QQ Music, each written
//! the way that service writes it (traditional vs simplified, full- vs half-width brackets,
//! a "feat." credit on one side only, durations a little apart, a different album), plus near
//! misses that must never be taken for them (a live version, an instrumental, a cover, the
//! same title by another artist, a remix, and recordings with no counterpart at all).
//!
//! One table, both fakes read it: their song search puts the listings whose title or artist
//! matches the query first, and song detail, play URLs, lyrics and album fields answer for
//! these ids like for every other song (grey and VIP through the fakes' usual mechanisms).
//! Tests of other crates use it to know what the fakes hold: [`twins`], [`near_misses`],
//! [`TWINS_PLAYLIST_ID`].

/// Whether a listing can be played on its service by the fake's (non-VIP) accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Plays in full.
    Normal,
    /// No rights: NetEase privilege `st: -200` and no URL; QQ Music lists no file at all.
    Grey,
    /// VIP only: NetEase gives a non-VIP no URL (a preview at most); QQ Music a trial clip.
    Vip,
}

/// One service's listing of a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// NetEase song id, or QQ Music song id.
    pub id: u64,
    /// QQ Music `songmid` (what Duet uses as the QQ track id); empty for NetEase.
    pub mid: &'static str,
    /// The title as this service writes it.
    pub title: &'static str,
    /// The artists as this service writes them, main artist first.
    pub artists: &'static [&'static str],
    /// The album as this service names it.
    pub album: &'static str,
    /// Duration in ms (QQ Music counts whole seconds).
    pub duration_ms: u64,
    pub availability: Availability,
}

impl Listing {
    /// The id Duet's providers use for this listing: NetEase's number, QQ Music's songmid.
    pub fn track_id(&self) -> String {
        if self.mid.is_empty() {
            self.id.to_string()
        } else {
            self.mid.to_owned()
        }
    }
}

/// The same recording on both services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Twin {
    pub netease: Listing,
    pub qq: Listing,
}

/// Which service a near miss is listed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Netease,
    Qq,
}

/// Why a near miss is not the recording it resembles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// A live recording of the song.
    Live,
    /// The backing track (no vocals, no lyric).
    Instrumental,
    /// The same song sung by another artist.
    Cover,
    /// A different song that happens to share the title.
    SameTitle,
    /// A remix.
    Remix,
    /// A recording the other service does not have at all.
    NoCounterpart,
}

/// A listing on one service that must not be matched to any twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearMiss {
    pub service: Service,
    pub miss: Miss,
    pub listing: Listing,
}

/// The NetEase playlist "Duet twins", owned by the logged-in NetEase account and listed in
/// `/api/user/playlist`: [`TWINS_PLAYLIST_TRACKS`] in that order.
pub const TWINS_PLAYLIST_ID: u64 = 9_200_000_001;
/// Its name.
pub const TWINS_PLAYLIST_NAME: &str = "Duet twins";

use Availability::{Grey, Normal, Vip};

const fn ne(
    id: u64,
    title: &'static str,
    artists: &'static [&'static str],
    album: &'static str,
    duration_ms: u64,
    availability: Availability,
) -> Listing {
    Listing {
        id,
        mid: "",
        title,
        artists,
        album,
        duration_ms,
        availability,
    }
}

const fn qq(
    id: u64,
    mid: &'static str,
    title: &'static str,
    artists: &'static [&'static str],
    album: &'static str,
    duration_ms: u64,
    availability: Availability,
) -> Listing {
    Listing {
        id,
        mid,
        title,
        artists,
        album,
        duration_ms,
        availability,
    }
}

const JAY: &[&str] = &["周杰伦"];

/// NetEase ids of twins are `555_000_0NN`, QQ ids `910_000_0NN` (晴天 reuses the QQ fake's
/// captured song 97773).
const TWINS: [Twin; 16] = [
    Twin {
        netease: ne(555_000_001, "晴天", JAY, "叶惠美", 268_853, Normal),
        qq: qq(
            97_773,
            "0039MnYb0qxYhV",
            "晴天",
            JAY,
            "叶惠美",
            269_000,
            Normal,
        ),
    },
    // Grey on NetEase, plays on QQ Music: the "play anywhere" case.
    Twin {
        netease: ne(555_000_002, "稻香", JAY, "魔杰座", 223_240, Grey),
        qq: qq(
            910_000_002,
            "004DuetTwin002",
            "稻香",
            JAY,
            "魔杰座",
            223_000,
            Normal,
        ),
    },
    // VIP on NetEase, plays on QQ Music.
    Twin {
        netease: ne(555_000_003, "七里香", JAY, "七里香", 299_960, Vip),
        qq: qq(
            910_000_003,
            "004DuetTwin003",
            "七里香",
            JAY,
            "七里香",
            300_000,
            Normal,
        ),
    },
    // Traditional characters on QQ Music.
    Twin {
        netease: ne(555_000_004, "后来", &["刘若英"], "我等你", 341_160, Normal),
        qq: qq(
            910_000_004,
            "004DuetTwin004",
            "後來",
            &["劉若英"],
            "我等你",
            341_000,
            Normal,
        ),
    },
    // Grey on QQ Music, plays on NetEase.
    Twin {
        netease: ne(
            555_000_005,
            "告白气球",
            JAY,
            "周杰伦的床边故事",
            215_146,
            Normal,
        ),
        qq: qq(
            910_000_005,
            "004DuetTwin005",
            "告白气球",
            JAY,
            "周杰伦的床边故事",
            215_000,
            Grey,
        ),
    },
    // A different album on each side (the single, and the later album).
    Twin {
        netease: ne(
            555_000_006,
            "平凡之路",
            &["朴树"],
            "平凡之路",
            301_373,
            Normal,
        ),
        qq: qq(
            910_000_006,
            "004DuetTwin006",
            "平凡之路",
            &["朴树"],
            "猎户星座",
            302_000,
            Normal,
        ),
    },
    Twin {
        netease: ne(
            555_000_007,
            "光年之外",
            &["G.E.M.邓紫棋"],
            "光年之外",
            235_505,
            Normal,
        ),
        qq: qq(
            910_000_007,
            "004DuetTwin007",
            "光年之外",
            &["G.E.M. 邓紫棋"],
            "光年之外",
            235_000,
            Normal,
        ),
    },
    Twin {
        netease: ne(
            555_000_008,
            "Shape of You",
            &["Ed Sheeran"],
            "÷ (Deluxe)",
            233_712,
            Normal,
        ),
        qq: qq(
            910_000_008,
            "004DuetTwin008",
            "Shape of You",
            &["Ed Sheeran"],
            "÷ (Deluxe)",
            234_000,
            Normal,
        ),
    },
    Twin {
        netease: ne(
            555_000_009,
            "Someone Like You",
            &["Adele"],
            "21",
            285_240,
            Normal,
        ),
        qq: qq(
            910_000_009,
            "004DuetTwin009",
            "Someone Like You",
            &["Adele"],
            "21",
            285_000,
            Normal,
        ),
    },
    // The durations furthest apart (1.65 s).
    Twin {
        netease: ne(555_000_010, "夜曲", JAY, "十一月的萧邦", 226_346, Normal),
        qq: qq(
            910_000_010,
            "004DuetTwin010",
            "夜曲",
            JAY,
            "十一月的萧邦",
            228_000,
            Normal,
        ),
    },
    // The featured artist credited as an artist on NetEase, in the title on QQ Music.
    Twin {
        netease: ne(
            555_000_011,
            "Let Me Love You",
            &["DJ Snake", "Justin Bieber"],
            "Encore",
            205_946,
            Normal,
        ),
        qq: qq(
            910_000_011,
            "004DuetTwin011",
            "Let Me Love You (feat. Justin Bieber)",
            &["DJ Snake"],
            "Encore",
            206_000,
            Normal,
        ),
    },
    // Full-width brackets on QQ Music, half-width on NetEase.
    Twin {
        netease: ne(
            555_000_012,
            "说好不哭 (with 五月天阿信)",
            JAY,
            "说好不哭",
            221_893,
            Normal,
        ),
        qq: qq(
            910_000_012,
            "004DuetTwin012",
            "说好不哭（with 五月天阿信）",
            JAY,
            "说好不哭",
            222_000,
            Normal,
        ),
    },
    // VIP on QQ Music, plays on NetEase.
    Twin {
        netease: ne(555_000_014, "演员", &["薛之谦"], "绅士", 261_277, Normal),
        qq: qq(
            910_000_014,
            "004DuetTwin014",
            "演员",
            &["薛之谦"],
            "绅士",
            261_000,
            Vip,
        ),
    },
    Twin {
        netease: ne(
            555_000_015,
            "小幸运",
            &["田馥甄"],
            "我的少女时代 电影原声带",
            265_720,
            Normal,
        ),
        qq: qq(
            910_000_015,
            "004DuetTwin015",
            "小幸运",
            &["田馥甄"],
            "我的少女时代 电影原声带",
            265_000,
            Normal,
        ),
    },
    Twin {
        netease: ne(
            555_000_016,
            "倒数",
            &["G.E.M.邓紫棋"],
            "摩天动物园",
            231_526,
            Normal,
        ),
        qq: qq(
            910_000_016,
            "004DuetTwin016",
            "倒数",
            &["G.E.M. 邓紫棋"],
            "摩天动物园",
            232_000,
            Normal,
        ),
    },
    Twin {
        netease: ne(
            555_000_017,
            "起风了",
            &["买辣椒也用券"],
            "起风了",
            325_459,
            Normal,
        ),
        qq: qq(
            910_000_017,
            "004DuetTwin017",
            "起风了",
            &["买辣椒也用券"],
            "起风了",
            325_000,
            Normal,
        ),
    },
];

/// NetEase ids `555_100_0NN`, QQ ids `910_100_0NN`.
const NEAR_MISSES: [NearMiss; 11] = [
    NearMiss {
        service: Service::Netease,
        miss: Miss::Live,
        listing: ne(
            555_100_001,
            "晴天 (Live)",
            JAY,
            "2004无与伦比演唱会",
            295_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Netease,
        miss: Miss::Instrumental,
        listing: ne(555_100_002, "晴天 (伴奏)", JAY, "叶惠美", 269_100, Normal),
    },
    NearMiss {
        service: Service::Netease,
        miss: Miss::Cover,
        listing: ne(555_100_003, "晴天", &["林小满"], "翻唱集", 270_500, Normal),
    },
    NearMiss {
        service: Service::Netease,
        miss: Miss::Remix,
        listing: ne(
            555_100_004,
            "Shape of You (Galantis Remix)",
            &["Ed Sheeran", "Galantis"],
            "Shape of You (Galantis Remix)",
            227_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Netease,
        miss: Miss::NoCounterpart,
        listing: ne(
            555_100_005,
            "云端独白",
            &["Duet 独立乐队"],
            "云上",
            200_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Qq,
        miss: Miss::Live,
        listing: qq(
            910_100_001,
            "004DuetMiss001",
            "晴天 (Live)",
            JAY,
            "地表最强世界巡回演唱会",
            310_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Qq,
        miss: Miss::Instrumental,
        listing: qq(
            910_100_002,
            "004DuetMiss002",
            "晴天 (Instrumental)",
            JAY,
            "叶惠美",
            269_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Qq,
        miss: Miss::SameTitle,
        listing: qq(
            910_100_003,
            "004DuetMiss003",
            "晴天",
            &["南山南方"],
            "晴天",
            198_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Qq,
        miss: Miss::Cover,
        listing: qq(
            910_100_004,
            "004DuetMiss004",
            "后来",
            &["林小满"],
            "翻唱集",
            340_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Qq,
        miss: Miss::Remix,
        listing: qq(
            910_100_005,
            "004DuetMiss005",
            "Shape of You (Stormzy Remix)",
            &["Ed Sheeran", "Stormzy"],
            "Shape of You (Stormzy Remix)",
            263_000,
            Normal,
        ),
    },
    NearMiss {
        service: Service::Qq,
        miss: Miss::NoCounterpart,
        listing: qq(
            910_100_006,
            "004DuetMiss006",
            "企鹅岛的夏天",
            &["Duet 独立乐队"],
            "岛屿",
            210_000,
            Normal,
        ),
    },
];

/// The NetEase ids of "Duet twins", in order: six twins (稻香 grey, 七里香 VIP, the feat.
/// and full-width ones among them), a live near miss and a recording QQ Music does not have.
pub const TWINS_PLAYLIST_TRACKS: [u64; 8] = [
    555_000_001,
    555_000_002,
    555_000_003,
    555_000_004,
    555_000_011,
    555_000_012,
    555_100_001,
    555_100_005,
];

/// NetEase ids of twins added to the front of the NetEase account's liked songs.
pub const LIKED_TWINS: [u64; 3] = [555_000_001, 555_000_007, 555_000_008];

/// Every twin.
pub fn twins() -> &'static [Twin] {
    &TWINS
}

/// Every near miss, on either service.
pub fn near_misses() -> &'static [NearMiss] {
    &NEAR_MISSES
}

/// The twin with this title on NetEase (a test's handle on the table).
pub fn twin_titled(netease_title: &str) -> Option<&'static Twin> {
    TWINS.iter().find(|t| t.netease.title == netease_title)
}

fn listings(service: Service) -> impl Iterator<Item = (&'static Listing, Option<Miss>)> {
    let twins = TWINS.iter().map(move |t| match service {
        Service::Netease => (&t.netease, None),
        Service::Qq => (&t.qq, None),
    });
    let misses = NEAR_MISSES
        .iter()
        .filter(move |m| m.service == service)
        .map(|m| (&m.listing, Some(m.miss)));
    twins.chain(misses)
}

/// The NetEase listing with song id `id`.
pub fn netease(id: u64) -> Option<&'static Listing> {
    listings(Service::Netease)
        .map(|(l, _)| l)
        .find(|l| l.id == id)
}

/// The QQ Music listing with song id `id`.
pub fn qq_by_id(id: u64) -> Option<&'static Listing> {
    listings(Service::Qq).map(|(l, _)| l).find(|l| l.id == id)
}

/// The QQ Music listing with songmid `mid`.
pub fn qq_by_mid(mid: &str) -> Option<&'static Listing> {
    listings(Service::Qq).map(|(l, _)| l).find(|l| l.mid == mid)
}

/// Whether the listing with `id` on `service` is an instrumental (it has no lyric).
pub fn is_instrumental(service: Service, id: u64) -> bool {
    listings(service).any(|(l, m)| l.id == id && m == Some(Miss::Instrumental))
}

/// The traditional characters the table writes, and their simplified forms: both services'
/// searches find a traditional title from its simplified spelling (and back), so the fakes'
/// do too.
const TRADITIONAL: [(char, char); 3] = [('後', '后'), ('來', '来'), ('劉', '刘')];

/// Lower case, full-width ASCII folded to half-width, the table's traditional characters
/// simplified ([`TRADITIONAL`]), no whitespace.
fn normalise(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => TRADITIONAL
                .iter()
                .find(|(t, _)| *t == c)
                .map_or(c, |(_, simplified)| *simplified),
        })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect()
}

/// The listings on `service` a song search for `query` finds, best first: those whose title
/// is the query or in it, then those whose title holds the query, then those by an artist the
/// query names (or whose name holds it); table order within each. Matching folds case and
/// full-width letters and ignores spaces; a one-character query only finds whole titles and
/// names.
pub fn search(service: Service, query: &str) -> Vec<&'static Listing> {
    let q = normalise(query);
    if q.is_empty() {
        return Vec::new();
    }
    // A one-letter query ("a") would be inside half the table: only whole names count then.
    let partial = q.chars().count() >= 2;
    let rank = |l: &Listing| -> Option<u8> {
        let title = normalise(l.title);
        let by_artist = l
            .artists
            .iter()
            .map(|a| normalise(a))
            .any(|a| q.contains(a.as_str()) || (partial && a.contains(q.as_str())));
        if q.contains(title.as_str()) {
            Some(0)
        } else if partial && title.contains(q.as_str()) {
            Some(1)
        } else if by_artist {
            Some(2)
        } else {
            None
        }
    };
    let mut found: Vec<(u8, &'static Listing)> = listings(service)
        .filter_map(|(l, _)| rank(l).map(|r| (r, l)))
        .collect();
    found.sort_by_key(|(r, _)| *r);
    found.into_iter().map(|(_, l)| l).collect()
}

/// NetEase's id of the artist `name` of a listing.
pub(crate) fn netease_artist_id(name: &str) -> u64 {
    12_000_000 + name_number(name)
}

/// NetEase's id of the album `name` of a listing.
pub(crate) fn netease_album_id(name: &str) -> u64 {
    13_000_000 + name_number(name)
}

/// QQ Music's (id, mid) of the singer `name` of a listing.
pub(crate) fn qq_singer(name: &str) -> (u64, String) {
    let id = 5_200_000 + name_number(name);
    (id, format!("00Sg{id:010}"))
}

/// QQ Music's (id, mid) of the album `name` of a listing.
pub(crate) fn qq_album(name: &str) -> (u64, String) {
    let id = 6_200_000 + name_number(name);
    (id, format!("00Al{id:010}"))
}

/// The NetEase album `id` of listings: its name and tracks.
pub(crate) fn netease_album(id: u64) -> Option<(&'static str, Vec<&'static Listing>)> {
    album_of(Service::Netease, |l| netease_album_id(l.album) == id)
}

/// The QQ Music album `mid` of listings: its name and tracks. QQ's 晴天 keeps the captured
/// album it came with.
pub(crate) fn qq_album_of(mid: &str) -> Option<(&'static str, Vec<&'static Listing>)> {
    album_of(Service::Qq, |l| {
        l.id != 97_773 && qq_album(l.album).1 == mid
    })
}

fn album_of(
    service: Service,
    on: impl Fn(&Listing) -> bool,
) -> Option<(&'static str, Vec<&'static Listing>)> {
    let tracks: Vec<&'static Listing> = listings(service)
        .map(|(l, _)| l)
        .filter(|l| on(l))
        .collect();
    Some((tracks.first()?.album, tracks))
}

/// The name of the artist with this id on `service` (`id` for NetEase, the mid for QQ).
pub(crate) fn artist_named(service: Service, id: &str) -> Option<&'static str> {
    listings(service)
        .flat_map(|(l, _)| l.artists.iter().copied())
        .find(|a| match service {
            Service::Netease => netease_artist_id(a).to_string() == id,
            Service::Qq => qq_singer(a).1 == id,
        })
}

/// A stable number for a name (artist and album ids of the listings).
fn name_number(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % 90_000 + 10_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_is_consistent() {
        let mut ne_ids = HashSet::new();
        let mut qq_ids = HashSet::new();
        let mut mids = HashSet::new();
        let all = TWINS
            .iter()
            .flat_map(|t| [t.netease, t.qq])
            .chain(NEAR_MISSES.iter().map(|m| m.listing));
        for l in all {
            if l.mid.is_empty() {
                assert!(ne_ids.insert(l.id), "duplicate NetEase id {}", l.id);
            } else {
                assert!(qq_ids.insert(l.id), "duplicate QQ id {}", l.id);
                assert!(mids.insert(l.mid), "duplicate mid {}", l.mid);
                assert!(duet_qqmusic::identity::is_mid(l.mid), "{}", l.mid);
                assert_eq!(l.duration_ms % 1000, 0, "QQ counts whole seconds");
            }
            assert!(!l.artists.is_empty());
        }
        for t in twins() {
            assert!(t.netease.mid.is_empty() && !t.qq.mid.is_empty());
            let apart = t.netease.duration_ms.abs_diff(t.qq.duration_ms);
            assert!(apart <= 2000, "{} is {apart} ms apart", t.netease.title);
        }
        let kinds = |ne: Availability, q: Availability| {
            twins()
                .iter()
                .any(|t| t.netease.availability == ne && t.qq.availability == q)
        };
        assert!(kinds(Grey, Normal) && kinds(Vip, Normal) && kinds(Normal, Grey));
        for id in TWINS_PLAYLIST_TRACKS.iter().chain(&LIKED_TWINS) {
            assert!(netease(*id).is_some(), "{id}");
        }
    }

    #[test]
    fn search_puts_the_exact_title_first() {
        let hits = search(Service::Netease, "晴天");
        assert_eq!(hits[0].id, 555_000_001);
        let titles: Vec<&str> = hits.iter().map(|l| l.title).collect();
        assert!(titles.contains(&"晴天 (Live)") && titles.contains(&"晴天 (伴奏)"));
        let hits = search(Service::Qq, "  晴天 ");
        assert_eq!(hits[0].mid, "0039MnYb0qxYhV");
        assert_eq!(
            search(Service::Qq, "ＳＨＡＰＥ  of you")[0].title,
            "Shape of You"
        );
        assert!(search(Service::Netease, "周杰伦").len() >= 8);
        assert!(search(Service::Qq, "nothing like this").is_empty());
        assert!(search(Service::Qq, " ").is_empty());
    }
}
