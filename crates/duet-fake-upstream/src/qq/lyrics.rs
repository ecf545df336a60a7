//! Lyric texts of the catalogue (§5.5): word-timed QRC in its XML wrapper, line-timed LRC, an
//! English translation (LRC, same line starts) and a pinyin romanisation (QRC, same line and
//! word starts). The lines are the fake's own verse, not any real song's lyric.

use super::catalog::{LyricKind, Song};

/// (line, translation, pinyin syllables — one per character of the line).
const VERSE: [(&str, &str, &str); 8] = [
    (
        "雨后的操场还亮着灯",
        "The playground is still lit after the rain",
        "yu hou de cao chang hai liang zhe deng",
    ),
    (
        "我数着落叶等你经过",
        "I count the leaves, waiting for you to pass",
        "wo shu zhe luo ye deng ni jing guo",
    ),
    (
        "风把纸飞机吹向远方",
        "The wind carries the paper plane far away",
        "feng ba zhi fei ji chui xiang yuan fang",
    ),
    (
        "那年夏天没说出口",
        "That summer the words stayed unsaid",
        "na nian xia tian mei shuo chu kou",
    ),
    (
        "晴天的影子很长很长",
        "Sunny-day shadows stretch so long",
        "qing tian de ying zi hen chang hen chang",
    ),
    (
        "你回头时我在微笑",
        "When you turned around I was smiling",
        "ni hui tou shi wo zai wei xiao",
    ),
    (
        "旧单车停在老地方",
        "The old bike waits in the same old place",
        "jiu dan che ting zai lao di fang",
    ),
    (
        "故事还没写到结尾",
        "The story has not reached its end",
        "gu shi hai mei xie dao jie wei",
    ),
];

const WORD_MS: u64 = 200;
const FIRST_LINE_MS: u64 = 1_000;
/// Lines follow each other this fast so that all of them pass within the fake's 20 s of audio
/// (whatever length the song claims): the demo's and the end-to-end test's lyrics move.
const LINE_STEP_MS: u64 = 2_300;

/// The texts of one song's lyric; `None` fields are absent (served as `""`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Texts {
    /// QRC XML wrapper (word timing).
    pub qrc: Option<String>,
    pub lrc: Option<String>,
    /// LRC translation.
    pub trans: Option<String>,
    /// Romanisation as QRC XML.
    pub roma_qrc: Option<String>,
    /// Romanisation as LRC (for `crypt=0`).
    pub roma_lrc: Option<String>,
    /// The instrumental note, sent as plain zlib in hex even under `crypt=1` (fidelity row 4d).
    pub instrumental_note: Option<String>,
}

/// What QQ Music writes for an instrumental, in the LRC of its note.
pub(crate) const INSTRUMENTAL_NOTE: &str = "[00:00:00]此歌曲为没有填词的纯音乐，请欣赏";

fn clean_tag(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == ']' { ')' } else { c })
        .collect()
}

fn header(song: &Song) -> String {
    format!(
        "[ti:{}]\n[ar:{}]\n[al:{}]\n[by:duet-fake-upstream]\n[offset:0]\n",
        clean_tag(&song.name),
        clean_tag(&song.singer),
        clean_tag(&song.album)
    )
}

fn lrc_time(ms: u64) -> String {
    format!(
        "[{:02}:{:02}.{:02}]",
        ms / 60_000,
        ms / 1000 % 60,
        ms % 1000 / 10
    )
}

/// Start of line `i`.
fn line_start(i: usize) -> u64 {
    FIRST_LINE_MS + i as u64 * LINE_STEP_MS
}

/// `[start,dur]w(start,dur)w(start,dur)…` for `words`, each followed by `sep`.
fn qrc_line(start: u64, words: &[&str], sep: &str) -> String {
    let dur = words.len() as u64 * WORD_MS;
    let mut line = format!("[{start},{dur}]");
    for (k, w) in words.iter().enumerate() {
        line.push_str(&format!(
            "{w}{sep}({},{WORD_MS})",
            start + k as u64 * WORD_MS
        ));
    }
    line
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The QRC XML wrapper around `content` (the shape of `vectors.json › qrc_lyric_cipher`).
pub(crate) fn qrc_xml(content: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<QrcInfos>\n<QrcHeadInfo SaveTime=\"0\" Version=\"100\"/>\n<LyricInfo LyricCount=\"1\">\n<Lyric_1 LyricType=\"1\" LyricContent=\"{}\"/>\n</LyricInfo>\n</QrcInfos>",
        xml_escape(content)
    )
}

/// The lyric texts of `song`.
pub(crate) fn texts(song: &Song) -> Texts {
    let (qrc, trans, roma) = match song.lyric {
        LyricKind::None => return Texts::default(),
        LyricKind::PureMusic => {
            return Texts {
                instrumental_note: Some(INSTRUMENTAL_NOTE.to_owned()),
                ..Texts::default()
            }
        }
        LyricKind::Lrc => (false, false, false),
        LyricKind::Qrc { trans, roma } => (true, trans, roma),
        LyricKind::NoCryptField | LyricKind::BrokenQrc => (true, true, false),
    };
    let head = header(song);
    let (mut q, mut l, mut t, mut rq, mut rl) =
        (head.clone(), head.clone(), head.clone(), head.clone(), head);
    for (i, (line, en, pinyin)) in VERSE.iter().enumerate() {
        let start = line_start(i);
        let chars: Vec<String> = line.chars().map(String::from).collect();
        let chars: Vec<&str> = chars.iter().map(String::as_str).collect();
        let syllables: Vec<&str> = pinyin.split(' ').collect();
        q.push_str(&qrc_line(start, &chars, ""));
        q.push('\n');
        rq.push_str(&qrc_line(start, &syllables, " "));
        rq.push('\n');
        let at = lrc_time(start);
        l.push_str(&format!("{at}{line}\n"));
        t.push_str(&format!("{at}{en}\n"));
        rl.push_str(&format!("{at}{pinyin}\n"));
    }
    Texts {
        qrc: qrc.then(|| qrc_xml(&q)),
        lrc: Some(l),
        trans: trans.then_some(t),
        roma_qrc: roma.then(|| qrc_xml(&rq)),
        roma_lrc: roma.then_some(rl),
        instrumental_note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qq::catalog::{song_by_mid, SONG_INSTRUMENTAL, SONG_LRC_ONLY, SONG_QRC_FULL};

    #[test]
    fn verse_lines_have_one_syllable_per_character() {
        for (line, _, pinyin) in VERSE {
            assert_eq!(line.chars().count(), pinyin.split(' ').count(), "{line}");
        }
    }

    #[test]
    fn qrc_song_has_everything() {
        let t = texts(&song_by_mid(SONG_QRC_FULL).unwrap());
        let qrc = t.qrc.unwrap();
        assert!(qrc.contains("LyricContent=\"[ti:晴天]"));
        assert!(qrc.contains("[1000,1800]雨(1000,200)后(1200,200)"));
        assert!(t.trans.unwrap().contains("[00:01.00]The playground"));
        assert!(t
            .roma_qrc
            .unwrap()
            .contains("[1000,1800]yu (1000,200)hou (1200,200)"));
        assert!(t.lrc.unwrap().contains("[00:01.00]雨后的操场还亮着灯"));
    }

    #[test]
    fn lrc_only_and_instrumental() {
        let t = texts(&song_by_mid(SONG_LRC_ONLY).unwrap());
        assert!(t.qrc.is_none() && t.trans.is_none() && t.roma_qrc.is_none());
        assert!(t.lrc.is_some());
        assert_eq!(
            texts(&song_by_mid(SONG_INSTRUMENTAL).unwrap()),
            Texts::default()
        );
        assert_eq!(lrc_time(84_346), "[01:24.34]");
    }
}
