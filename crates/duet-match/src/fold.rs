//! Text folded to the form two services' spellings of one name share: half width, simplified
//! Chinese, lower case, Latin accents dropped, punctuation and spacing reduced to single spaces.

/// A full-width form (U+FF01–FF5E, the ideographic space) as its ASCII twin; other characters
/// as they are. Brackets become ASCII here too, so `（伴奏）` reads like `(伴奏)`.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A name's spelling without the differences the two services make between spellings of it.
/// Words are separated by one space; nothing but letters and digits is kept.
pub(crate) fn fold(text: &str) -> String {
    let widths: String = text.chars().map(half_width).collect();
    // OpenCC's tables only change Han characters: other text skips the conversion.
    let simplified = if widths.chars().any(is_han) {
        hanconv::t2s(widths)
    } else {
        widths
    };
    let mut out = String::with_capacity(simplified.len());
    let mut gap = false;
    for c in simplified.chars() {
        if is_elided(c) {
            continue;
        }
        for c in c.to_lowercase() {
            let c = unaccented(c);
            if c.is_alphanumeric() {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.push(c);
            } else {
                gap = true;
            }
        }
    }
    out
}

/// [`fold`] without its spaces: the key two spellings are compared by, since the services
/// space CJK titles (and some Latin ones) differently.
pub(crate) fn key(text: &str) -> String {
    fold(text).replace(' ', "")
}

/// Marks that join a word rather than separate two: `Don't` and `Dont` are one spelling.
fn is_elided(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{B4}' | '\u{00B7}' | '\u{30FB}'
    )
}

/// The Latin letters with accents that artist and title spellings drop most often.
fn unaccented(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => c,
    }
}

/// Whether `c` is a Han character (the CJK unified ideographs and their first extension).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// The runs of ASCII letters and digits in folded text: the Latin words a marker like `live`
/// must be found as (so `alive` and `olive` are not live versions).
pub(crate) fn latin_words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// How alike two keys are, 0.0–1.0: one minus the edit distance (in characters) over the
/// longer length.
pub(crate) fn similarity(a: &str, b: &str) -> f32 {
    if a == b {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    1.0 - previous[b.len()] as f32 / longest as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_spaces_become_half_width() {
        assert_eq!(fold("ＬＯＶＥ　Ｓｔｏｒｙ"), "love story");
        assert_eq!(half_width('（'), '(');
        assert_eq!(half_width('］'), ']');
    }

    #[test]
    fn traditional_chinese_folds_to_simplified() {
        assert_eq!(fold("愛在西元前"), "爱在西元前");
        assert_eq!(fold("周杰倫"), "周杰伦");
        assert_eq!(fold("後來"), fold("后来"));
        assert_eq!(fold("說好的幸福呢"), fold("说好的幸福呢"));
    }

    #[test]
    fn case_punctuation_and_spacing_fold_away() {
        assert_eq!(fold("  Hello,   World!! "), "hello world");
        assert_eq!(fold("G.E.M.邓紫棋"), "g e m 邓紫棋");
        assert_eq!(key("G.E.M. 邓紫棋"), key("G.E.M.邓紫棋"));
        assert_eq!(key("Don't Stop"), key("Dont Stop"));
        assert_eq!(key("Don’t Stop"), key("DON'T STOP"));
        assert_eq!(key("Beyoncé"), key("Beyonce"));
        assert_eq!(key("晴 天"), key("晴天"));
    }

    #[test]
    fn similarity_is_one_for_equal_and_low_for_different_words() {
        assert_eq!(similarity("晴天", "晴天"), 1.0);
        assert_eq!(similarity("晴天", "雨天"), 0.5);
        assert!(similarity("yesterday", "yesterdays") > 0.85);
        assert!(similarity("稻香", "七里香") < 0.7);
        assert_eq!(similarity("", ""), 1.0);
    }

    #[test]
    fn latin_words_are_whole_words_only() {
        let words: Vec<&str> = latin_words("alive 现场live版 olive").collect();
        assert_eq!(words, ["alive", "live", "olive"]);
    }
}
