//! A track title taken apart: the song's name, the notes the services hang on it (in brackets of
//! every kind, or after a spaced dash), the guest artists it credits, and the kind of recording
//! those notes say it is (live, instrumental, remix, cover, altered speed, demo).

use crate::fold::{fold, half_width, is_han, key, latin_words};

/// Kinds of recording that are never the same recording as a plain studio take: a match needs
/// both sides to be the same kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Kinds(u8);

impl Kinds {
    pub(crate) const LIVE: Kinds = Kinds(1);
    pub(crate) const INSTRUMENTAL: Kinds = Kinds(1 << 1);
    pub(crate) const REMIX: Kinds = Kinds(1 << 2);
    pub(crate) const COVER: Kinds = Kinds(1 << 3);
    pub(crate) const ALTERED: Kinds = Kinds(1 << 4);
    pub(crate) const DEMO: Kinds = Kinds(1 << 5);

    pub(crate) fn contains(self, other: Kinds) -> bool {
        self.0 & other.0 == other.0
    }

    pub(crate) fn insert(&mut self, other: Kinds) {
        self.0 |= other.0;
    }
}

/// What a title says once taken apart. Every string is folded (see [`crate::fold`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Title {
    /// The song's own name, without brackets, notes or credits, as a [`key`].
    pub core: String,
    /// Notes that name a version of the song without being one of the [`Kinds`]
    /// ("taylor s version", "粤语版"), sorted: two sides that differ here are unsure.
    pub versions: Vec<String>,
    /// Guest artists credited in the title ("feat. X", "ft. X", "(with X)").
    pub featured: Vec<String>,
    pub kinds: Kinds,
}

/// The same title as written, without its notes and credits: what to search for.
pub(crate) fn plain(raw: &str) -> String {
    let (core, _) = split_notes(raw);
    let (core, _) = split_credit(&core);
    core.trim().to_owned()
}

pub(crate) fn parse(raw: &str) -> Title {
    let (core, notes) = split_notes(raw);
    let (core, credit) = split_credit(&core);
    let mut featured: Vec<String> = credit
        .map(|c| crate::artists::split(&c))
        .unwrap_or_default();
    let folded_core = fold(&core);
    let mut kinds = core_kinds(&folded_core);
    let mut versions = Vec::new();
    for note in notes {
        if let Some(names) = credit_names(&note) {
            featured.extend(crate::artists::split(&names));
            continue;
        }
        let folded = fold(&note);
        let note_kinds = kinds_of(&folded);
        kinds.insert(note_kinds);
        if note_kinds == Kinds::default()
            && !folded.is_empty()
            && !is_neutral(&folded)
            && !is_translation(&folded, &folded_core)
        {
            versions.push(folded);
        }
    }
    versions.sort();
    versions.dedup();
    Title {
        core: key(&core),
        versions,
        featured: featured
            .iter()
            .map(|name| key(name))
            .filter(|k| !k.is_empty())
            .collect(),
        kinds,
    }
}

/// The title without its bracketed notes and its dash suffix, and those notes.
fn split_notes(raw: &str) -> (String, Vec<String>) {
    let text: String = raw.chars().map(half_width).collect();
    let mut core = String::new();
    let mut notes = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(close) = closer(c) else {
            core.push(c);
            continue;
        };
        // A note runs to its matching closer; nested brackets stay inside it, and a note
        // nobody closed runs to the end.
        let mut note = String::new();
        let mut open = vec![close];
        for c in chars.by_ref() {
            if Some(&c) == open.last() {
                open.pop();
                if open.is_empty() {
                    break;
                }
            } else if let Some(inner) = closer(c) {
                open.push(inner);
            }
            note.push(c);
        }
        notes.push(note);
    }
    if let Some((head, tail)) = split_dash(&core) {
        notes.push(tail);
        core = head;
    }
    // A title that is nothing but a note ("(伴奏)") keeps it as its name.
    if fold(&core).is_empty() {
        if let Some(first) = notes.first() {
            core = first.clone();
        }
    }
    (core, notes)
}

fn closer(open: char) -> Option<char> {
    Some(match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        '【' => '】',
        '〔' => '〕',
        '〖' => '〗',
        '〈' => '〉',
        _ => return None,
    })
}

/// `Song - Live at Wembley`: the name before the first dash that has a space beside it (or a
/// Chinese double dash), and what follows it.
fn split_dash(core: &str) -> Option<(String, String)> {
    let dashes = ['-', '–', '—', '―', '~', '～'];
    let chars: Vec<(usize, char)> = core.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !dashes.contains(&c) {
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j].1);
        let after = chars.get(i + 1).map(|&(_, c)| c);
        let spaced =
            before.is_some_and(char::is_whitespace) || after.is_some_and(char::is_whitespace);
        let doubled = after == Some(c) && c != '-';
        if !(spaced || doubled) {
            continue;
        }
        let head = core[..at].trim();
        let tail = core[at..].trim_start_matches(dashes).trim();
        if fold(head).is_empty() || fold(tail).is_empty() {
            continue;
        }
        return Some((head.to_owned(), tail.to_owned()));
    }
    None
}

/// `Song feat. X` outside brackets: the song and the credited names. The markers are ASCII, so
/// an ASCII-only lowercasing keeps every byte offset of the title.
fn split_credit(core: &str) -> (String, Option<String>) {
    let lower = core.to_ascii_lowercase();
    let found = [
        " feat. ",
        " feat.",
        " feat ",
        " ft. ",
        " ft ",
        " featuring ",
    ]
    .iter()
    .filter_map(|marker| lower.find(marker).map(|at| (at, marker.len())))
    .min();
    match found {
        Some((at, len)) => {
            let names = core[at + len..].trim();
            let names = (!names.is_empty()).then(|| names.to_owned());
            (core[..at].to_owned(), names)
        }
        None => (core.to_owned(), None),
    }
}

/// The names in a credit note: `feat. X`, `ft. X`, `featuring X`, `with X`.
fn credit_names(note: &str) -> Option<String> {
    let trimmed = note.trim();
    let lower = trimmed.to_ascii_lowercase();
    [
        "featuring ",
        "feat. ",
        "feat.",
        "feat ",
        "ft. ",
        "ft.",
        "with ",
    ]
    .iter()
    .find(|marker| lower.starts_with(**marker))
    .map(|marker| trimmed[marker.len()..].trim())
    .filter(|names| !names.is_empty())
    .map(str::to_owned)
}

/// Kinds a note names. Latin markers must be whole words; Chinese ones are substrings.
pub(crate) fn kinds_of(folded: &str) -> Kinds {
    let mut kinds = Kinds::default();
    let words: Vec<&str> = latin_words(folded).collect();
    let has_word = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let has_han = |list: &[&str]| list.iter().any(|m| folded.contains(m));
    let has_phrase = |list: &[&str]| {
        let spaced = format!(" {} ", words.join(" "));
        list.iter().any(|p| spaced.contains(&format!(" {p} ")))
    };

    if has_word(&["live", "concert", "unplugged"])
        || has_han(&["现场", "演唱会", "音乐会", "巡演", "巡回", "livehouse"])
    {
        kinds.insert(Kinds::LIVE);
    }
    if has_word(&["instrumental", "inst", "karaoke", "ktv", "offvocal", "mmr"])
        || has_phrase(&[
            "off vocal",
            "backing track",
            "minus one",
            "no vocal",
            "without vocals",
        ])
        || has_han(&[
            "伴奏",
            "纯音乐",
            "伴唱",
            "消音",
            "卡拉ok",
            "无人声",
            "纯享版伴奏",
        ])
    {
        kinds.insert(Kinds::INSTRUMENTAL);
    }
    if has_word(&["remix", "rmx", "dj", "bootleg", "mashup", "remixed", "vip"])
        || (has_word(&["mix", "edit", "rework", "flip"])
            && !has_phrase(&["original mix", "radio edit", "single edit", "album edit"]))
        || has_han(&["混音", "串烧", "重混", "dj版", "慢摇", "电音版", "嗨曲"])
    {
        kinds.insert(Kinds::REMIX);
    }
    if has_word(&["cover", "covered", "tribute"]) || has_han(&["翻唱", "翻自", "原唱"]) {
        kinds.insert(Kinds::COVER);
    }
    if has_word(&[
        "sped",
        "spedup",
        "slowed",
        "nightcore",
        "reverb",
        "8d",
        "daycore",
    ]) || has_phrase(&["speed up", "sped up", "pitch up", "pitched up"])
        || words.iter().any(|w| is_speed_factor(w))
        || has_han(&[
            "加速", "减速", "降调", "升调", "变速", "倍速", "慢速", "抖音", "环绕",
        ])
    {
        kinds.insert(Kinds::ALTERED);
    }
    if has_word(&["demo"]) || has_han(&["小样", "试唱"]) {
        kinds.insert(Kinds::DEMO);
    }
    kinds
}

/// `1 2x` or `08x`: a playback-speed factor as folding leaves `1.2x` / `0.8x`.
fn is_speed_factor(word: &str) -> bool {
    word.len() >= 2
        && word.ends_with('x')
        && word[..word.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// Kinds named in the song's own name: only unambiguous Chinese "…版" versions and
/// 伴奏 (a Latin `Live` in a name is as likely "Live Forever" as a live take).
fn core_kinds(folded: &str) -> Kinds {
    let mut kinds = Kinds::default();
    let han_tail: String = folded
        .chars()
        .rev()
        .take_while(|c| is_han(*c) || c.is_ascii_alphanumeric())
        .collect();
    let tail: String = han_tail.chars().rev().collect();
    if tail.ends_with('版') || tail.ends_with("伴奏") || tail.ends_with("纯音乐") {
        kinds.insert(kinds_of(&tail));
    }
    kinds
}

/// Words that make a note name a version of the song, whatever its script ("Piano Version",
/// "粤语版", "Korean Ver.", "Acoustic").
fn names_a_version(folded: &str) -> bool {
    const WORDS: &[&str] = &[
        "version",
        "ver",
        "acoustic",
        "piano",
        "orchestral",
        "acapella",
        "cappella",
        "extended",
        "short",
        "tv",
        "size",
        "full",
        "english",
        "korean",
        "japanese",
        "chinese",
        "cantonese",
        "mandarin",
        "female",
        "male",
        "duet",
        "solo",
        "ballad",
        "rock",
        "jazz",
        "reprise",
    ];
    const HAN: &[&str] = &[
        "版", "语", "女声", "男声", "合唱", "独唱", "钢琴", "吉他", "清唱", "纯享",
    ];
    latin_words(folded).any(|w| WORDS.contains(&w)) || HAN.iter().any(|m| folded.contains(m))
}

/// The scripts a folded text is written in: Han, Latin, Hangul, kana.
fn scripts(folded: &str) -> [bool; 4] {
    let mut found = [false; 4];
    for c in folded.chars() {
        match c {
            _ if is_han(c) => found[0] = true,
            'a'..='z' => found[1] = true,
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                found[2] = true;
            }
            '\u{3040}'..='\u{30FF}' => found[3] = true,
            _ => {}
        }
    }
    found
}

/// A note that gives the name in another script: QQ Music's Chinese translation beside a
/// Korean or English title ("하루만 (就一天)"), NetEase's English alias of a Chinese one. The
/// other service often leaves it out, and it says nothing about the recording.
fn is_translation(note: &str, core: &str) -> bool {
    if names_a_version(note) {
        return false;
    }
    let (in_note, in_core) = (scripts(note), scripts(core));
    in_note.iter().any(|s| *s)
        && in_core.iter().any(|s| *s)
        && !in_note.iter().zip(in_core.iter()).any(|(n, c)| *n && *c)
}

/// Notes that say where a song is from or how it was mastered, not which recording it is.
fn is_neutral(folded: &str) -> bool {
    const HAN: &[&str] = &[
        "主题曲",
        "插曲",
        "片尾曲",
        "片头曲",
        "推广曲",
        "宣传曲",
        "原声",
        "电视剧",
        "电影",
        "动画",
        "游戏",
        "综艺",
        "重制",
        "修复",
        "数码",
        "纪念",
        "单曲",
        "片尾",
        "片头",
        "主题歌",
        "网剧",
        "印象曲",
        "概念曲",
        "应援曲",
        "贺岁",
        "广告曲",
        "角色歌",
        "母带",
    ];
    const WORDS: &[&str] = &[
        "remaster",
        "remastered",
        "ost",
        "soundtrack",
        "from",
        "explicit",
        "clean",
        "mono",
        "stereo",
        "theme",
        "original",
        "bonus",
        "track",
        "anniversary",
        "edition",
        "deluxe",
        "hi",
        "res",
        "prod",
        "produced",
        "radio",
        "album",
        "single",
        "official",
    ];
    HAN.iter().any(|m| folded.contains(m))
        || latin_words(folded).any(|w| WORDS.contains(&w) || w.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(raw: &str) -> Kinds {
        parse(raw).kinds
    }

    #[test]
    fn brackets_of_every_kind_come_off_the_name() {
        for raw in [
            "晴天 (Live)",
            "晴天（Live）",
            "晴天 [Live]",
            "晴天【Live】",
            "晴天 - Live at 台北",
        ] {
            let title = parse(raw);
            assert_eq!(title.core, "晴天", "{raw}");
            assert!(title.kinds.contains(Kinds::LIVE), "{raw}");
        }
        assert_eq!(parse("七里香 (电视剧《xx》插曲)").core, "七里香");
        assert_eq!(
            parse("七里香 (电视剧《xx》插曲)").versions,
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_dash_inside_a_word_is_part_of_the_name() {
        assert_eq!(parse("A-Lin").core, "alin");
        assert_eq!(parse("Re-Wind").kinds, Kinds::default());
        assert_eq!(parse("Yesterday - Remastered 2009").core, "yesterday");
        assert_eq!(
            parse("Yesterday - Remastered 2009").versions,
            Vec::<String>::new()
        );
        assert_eq!(parse("送别——李叔同").core, "送别");
    }

    #[test]
    fn feat_credits_move_out_of_the_title_into_the_artists() {
        let t = parse("Stay (feat. Justin Bieber)");
        assert_eq!(t.core, "stay");
        assert_eq!(t.featured, ["justinbieber"]);
        let t = parse("Señorita ft. Camila Cabello");
        assert_eq!(t.core, "senorita");
        assert_eq!(t.featured, ["camilacabello"]);
        let t = parse("Peaches (with Daniel Caesar & Giveon)");
        assert_eq!(t.core, "peaches");
        assert_eq!(t.featured, ["danielcaesar", "giveon"]);
        let t = parse("Without Me");
        assert_eq!(t.core, "withoutme");
        assert!(t.featured.is_empty());
        let t = parse("ÉTÉ Feat. Zaz");
        assert_eq!(t.core, "ete");
        assert_eq!(t.featured, ["zaz"]);
        let t = parse("说好不哭（with 五月天阿信）");
        assert_eq!(t.core, "说好不哭");
        assert_eq!(t.featured, ["五月天阿信"]);
    }

    #[test]
    fn live_is_a_whole_word_or_a_chinese_marker() {
        assert!(kinds("晴天 (现场版)").contains(Kinds::LIVE));
        assert!(kinds("晴天 (Live版)").contains(Kinds::LIVE));
        assert!(kinds("十年 (2004演唱会)").contains(Kinds::LIVE));
        assert_eq!(kinds("Alive"), Kinds::default());
        assert_eq!(kinds("Live Forever"), Kinds::default());
        assert!(!kinds("Stayin' Alive (Olive Mix)").contains(Kinds::LIVE));
    }

    #[test]
    fn instrumentals_karaoke_and_accompaniment_are_one_kind() {
        for raw in [
            "晴天 (伴奏)",
            "晴天（伴奏版）",
            "晴天 [Instrumental]",
            "Lemon (Off Vocal)",
            "Song (Karaoke)",
            "晴天伴奏",
            "晴天 - inst.",
        ] {
            assert!(kinds(raw).contains(Kinds::INSTRUMENTAL), "{raw}");
        }
        assert_eq!(kinds("晴天"), Kinds::default());
    }

    #[test]
    fn remixes_djs_covers_and_altered_speeds_are_kinds() {
        assert!(kinds("晴天 (DJ版)").contains(Kinds::REMIX));
        assert!(kinds("Faded (Remix)").contains(Kinds::REMIX));
        assert!(kinds("Faded (Alan Walker Extended Mix)").contains(Kinds::REMIX));
        assert!(kinds("晴天 (翻自 周杰伦)").contains(Kinds::COVER));
        assert!(kinds("晴天 (Cover: 周杰伦)").contains(Kinds::COVER));
        assert!(kinds("晴天 (加速版)").contains(Kinds::ALTERED));
        assert!(kinds("晴天 (sped up)").contains(Kinds::ALTERED));
        assert!(kinds("晴天 (0.8x)").contains(Kinds::ALTERED));
        assert!(kinds("晴天 (8D环绕)").contains(Kinds::ALTERED));
        assert!(kinds("Song (Demo)").contains(Kinds::DEMO));
        assert_eq!(kinds("Levels (Original Mix)"), Kinds::default());
        assert_eq!(kinds("Song (Radio Edit)"), Kinds::default());
    }

    #[test]
    fn unknown_notes_are_versions_and_known_ones_are_neutral() {
        assert_eq!(
            parse("Love Story (Taylor's Version)").versions,
            ["taylors version"]
        );
        assert_eq!(parse("富士山下 (粤语版)").versions, ["粤语版"]);
        assert!(parse("Let It Be (Remastered 2009)").versions.is_empty());
        assert!(parse("光年之外 (电影《太空旅客》中国区主题曲)")
            .versions
            .is_empty());
    }

    #[test]
    fn a_name_in_another_script_is_a_translation_not_a_version() {
        assert!(parse("하루만 (就一天)").versions.is_empty());
        assert!(parse("So Sorry (真的对不起)").versions.is_empty());
        assert!(parse("重启人生（Re-Life）").versions.is_empty());
        assert_eq!(parse("晴天 (Piano Version)").versions, ["piano version"]);
        assert_eq!(parse("童话镇 (Acoustic)").versions, ["acoustic"]);
        assert_eq!(
            parse("짧은 치마 (短裙) (Korean Ver.)").versions,
            ["korean ver"]
        );
        assert_eq!(parse("BINGBIAN病变（原版）").versions, ["原版"]);
        assert_eq!(
            parse("Love Story (Taylor's Version)").versions,
            ["taylors version"]
        );
    }

    #[test]
    fn plain_keeps_the_written_name_for_searching() {
        assert_eq!(plain("晴天 (Live)"), "晴天");
        assert_eq!(plain("Stay (feat. Justin Bieber)"), "Stay");
        assert_eq!(plain("愛在西元前"), "愛在西元前");
    }
}
