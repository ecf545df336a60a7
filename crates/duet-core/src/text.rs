//! Text as the services write it in names, descriptions and comments, turned into plain text.
//!
//! QQ Music (and the web pages it shares data with) stores these fields HTML-escaped, with `<br>`
//! for line breaks and `[em]e400846[/em]` for its own sticker emoji
//! (`docs/protocol/fidelity-2026-12.md` row 5b). Duet shows plain text: the UI escapes whatever
//! it renders, so the result stays inert however hostile the input.
//!
//! Choices: an `[em]…[/em]` code is removed (the codes name QQ's own sticker images; no public
//! table maps them to Unicode emoji, and a wrong emoji is worse than none). `<br>` (any case,
//! `<br/>`, `<br />`) becomes a newline. Entities are decoded in one pass, so `&amp;lt;` becomes
//! `&lt;` and never `<`. An entity that is unknown, unterminated or names an invalid code point
//! stays as written. Other tags are left as text.

/// Plain text from a service-written name, description or comment.
pub fn service_text(raw: &str) -> String {
    if !raw.contains(['&', '<', '[']) {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find(['&', '<', '[']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // What the form at `rest` reads as, and the bytes it spans.
        let read: Option<(Option<char>, usize)> = match rest.as_bytes()[0] {
            b'&' => entity(rest).map(|(c, len)| (Some(c), len)),
            b'<' => line_break(rest).map(|len| (Some('\n'), len)),
            _ => emoji_code(rest).map(|len| (None, len)),
        };
        let len = match read {
            Some((replacement, len)) => {
                out.extend(replacement);
                len
            }
            // Not a form this reads: the character (ASCII) stays as written.
            None => {
                out.push_str(&rest[..1]);
                1
            }
        };
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// `&name;`, `&#NNN;` or `&#xHH;` at the start of `s`: the character and the bytes it spans.
fn entity(s: &str) -> Option<(char, usize)> {
    // The longest form read here, `&#x10FFFF;`, has 8 bytes between `&` and `;`.
    let semicolon = s.bytes().take(10).position(|b| b == b';')?;
    let name = &s[1..semicolon];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let digits = name.strip_prefix('#')?;
            let code = match digits.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => digits.parse::<u32>().ok()?,
            };
            if code == 0 {
                return None;
            }
            char::from_u32(code)?
        }
    };
    Some((c, semicolon + 1))
}

/// `<br>`, `<br/>`, `<br />` (any case) at the start of `s`: the bytes it spans.
fn line_break(s: &str) -> Option<usize> {
    let head = s.get(..3)?;
    if !head.eq_ignore_ascii_case("<br") {
        return None;
    }
    let tail = &s[3..];
    let trimmed = tail.trim_start_matches(' ');
    let trimmed = trimmed.strip_prefix('/').unwrap_or(trimmed);
    let after = trimmed.strip_prefix('>')?;
    Some(s.len() - after.len())
}

/// `[em]e400846[/em]` at the start of `s`: the bytes it spans.
fn emoji_code(s: &str) -> Option<usize> {
    let body = s.strip_prefix("[em]")?;
    let end = body.find("[/em]")?;
    let code = &body[..end];
    let well_formed =
        (1..=16).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric());
    well_formed.then_some(4 + end + 5)
}

#[cfg(test)]
mod tests {
    use super::service_text;
    use proptest::prelude::*;

    /// The escaping a web page applies to text it stores.
    fn html_escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    }

    proptest! {
        #[test]
        fn never_panics_and_never_grows(raw in r"(\PC|&#?[xX]?[0-9a-zA-Z]{0,9};?|<[bB][rR] ?/?>|\[/?em\]){0,40}") {
            let text = service_text(&raw);
            prop_assert!(text.len() <= raw.len());
        }

        #[test]
        fn escaped_text_comes_back_exactly(plain in r"[^\[]{0,80}") {
            prop_assert_eq!(service_text(&html_escape(&plain)), plain);
        }
    }

    #[test]
    fn plain_text_is_returned_as_is() {
        assert_eq!(service_text("晴天 - 周杰伦"), "晴天 - 周杰伦");
        assert_eq!(service_text(""), "");
    }

    #[test]
    fn named_and_numeric_entities_are_decoded() {
        assert_eq!(
            service_text("Rock &amp; Roll &#39;n&#39; &quot;Blues&quot; &lt;3 &gt; &apos;"),
            "Rock & Roll 'n' \"Blues\" <3 > '"
        );
        assert_eq!(service_text("&#20013;&#x6587;&#X41;"), "中文A");
        assert_eq!(service_text("a&nbsp;b"), "a\u{a0}b");
    }

    #[test]
    fn decoding_happens_once() {
        assert_eq!(service_text("&amp;lt;script&amp;gt;"), "&lt;script&gt;");
        assert_eq!(service_text("&amp;#39;"), "&#39;");
        assert_eq!(service_text("&amp;amp;"), "&amp;");
    }

    #[test]
    fn unknown_broken_or_invalid_entities_stay_as_written() {
        for raw in [
            "&bogus;",
            "&amp",
            "a & b",
            "&#;",
            "&#x;",
            "&#0;",
            "&#xD800;",
            "&#1114112;",
            "&#99999999999;",
            "&#x110000;",
            "&;",
            "&",
        ] {
            assert_eq!(service_text(raw), raw, "{raw}");
        }
    }

    #[test]
    fn line_breaks_become_newlines() {
        assert_eq!(
            service_text("一<br>二<BR/>三<br />四<Br>"),
            "一\n二\n三\n四\n"
        );
        assert_eq!(service_text("<bro>"), "<bro>");
        assert_eq!(service_text("<br"), "<br");
        assert_eq!(
            service_text("&lt;br&gt;"),
            "<br>",
            "an escaped tag is text, not a break"
        );
    }

    #[test]
    fn emoji_codes_are_removed() {
        assert_eq!(service_text("好听[em]e400846[/em][em]e100[/em]!"), "好听!");
        assert_eq!(service_text("[em]e400846"), "[em]e400846");
        assert_eq!(service_text("[em][/em]"), "[em][/em]");
        assert_eq!(service_text("[em]<b>[/em]"), "[em]<b>[/em]");
        assert_eq!(service_text("[副歌]"), "[副歌]");
    }

    #[test]
    fn hostile_markup_stays_text() {
        assert_eq!(
            service_text("<b>不要渲染我</b> &amp; <script>alert(1)</script>"),
            "<b>不要渲染我</b> & <script>alert(1)</script>"
        );
        assert_eq!(
            service_text("&lt;img src=x onerror=alert(1)&gt;"),
            "<img src=x onerror=alert(1)>"
        );
    }

    #[test]
    fn multibyte_text_around_every_form_survives() {
        assert_eq!(
            service_text("é&amp;中[em]e1[/em]🎵<br>&#128512;"),
            "é&中🎵\n😀"
        );
    }
}
