//! The ptlogin2 poll reply `ptuiCB('…','…',…)` and its `check_sig` URL (spec §4.1).

/// The quoted arguments of a `ptuiCB(…)` call, backslash escapes resolved.
///
/// Accepts any number of arguments (a 7th trailing `''` occurs), whitespace around them, and a
/// trailing `;`. Returns `None` when `body` is not such a call or has no arguments.
pub fn parse_ptui_cb(body: &str) -> Option<Vec<String>> {
    let rest = body.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let mut rest = rest
        .strip_prefix("ptuiCB")?
        .trim_start()
        .strip_prefix('(')?;
    let mut args = Vec::new();
    loop {
        rest = rest.trim_start();
        if args.is_empty() && rest.starts_with(')') {
            return None;
        }
        let (arg, after) = take_quoted(rest)?;
        args.push(arg);
        rest = after.trim_start();
        if let Some(after_comma) = rest.strip_prefix(',') {
            rest = after_comma;
        } else {
            rest = rest.strip_prefix(')')?;
            break;
        }
    }
    let trailer = rest.trim();
    (trailer.is_empty() || trailer == ";").then_some(args)
}

/// Splits a leading `'…'` or `"…"` JS string literal off `input`: (its value, the rest).
fn take_quoted(input: &str) -> Option<(String, &str)> {
    let mut chars = input.char_indices();
    let (_, quote) = chars.next()?;
    if quote != '\'' && quote != '"' {
        return None;
    }
    let mut value = String::new();
    while let Some((index, c)) = chars.next() {
        match c {
            c if c == quote => return Some((value, &input[index + c.len_utf8()..])),
            '\\' => {
                let (_, escaped) = chars.next()?;
                match escaped {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'u' | 'x' => {
                        let digits = if escaped == 'u' { 4 } else { 2 };
                        match hex_escape(&input[index + 2..], digits) {
                            Some(decoded) => {
                                value.push(decoded);
                                chars.nth(digits - 1);
                            }
                            // Not a well-formed escape: keep the letter, like `\q` → `q`.
                            None => value.push(escaped),
                        }
                    }
                    other => value.push(other),
                }
            }
            c => value.push(c),
        }
    }
    None
}

/// The character of the `digits` hex digits that start `text`; lone surrogates become U+FFFD.
fn hex_escape(text: &str, digits: usize) -> Option<char> {
    let hex = text.get(..digits)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let code = u32::from_str_radix(hex, 16).ok()?;
    Some(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
}

/// `(uin, ptsigx)` of a `check_sig` URL, taken like the regexes `[?&]uin=(.+?)&service` and
/// `[?&]ptsigx=(.+?)&s_url`. Anchored on `?`/`&` so that `ptuin=` does not match (spec §4.1).
pub fn check_sig_params(url: &str) -> Option<(String, String)> {
    let uin = lazy_capture(url, "uin=", "&service")?;
    let ptsigx = lazy_capture(url, "ptsigx=", "&s_url")?;
    Some((uin.to_owned(), ptsigx.to_owned()))
}

/// The regex `[?&]<name>(.+?)<terminator>`: leftmost start, shortest non-empty capture,
/// no line breaks inside (`.` does not match them).
fn lazy_capture<'a>(haystack: &'a str, name: &str, terminator: &str) -> Option<&'a str> {
    let bytes = haystack.as_bytes();
    let mut search_from = 0;
    while let Some(offset) = haystack.get(search_from..)?.find(name) {
        let name_start = search_from + offset;
        search_from = name_start + 1;
        if name_start == 0 || !matches!(bytes[name_start - 1], b'?' | b'&') {
            continue;
        }
        let value_start = name_start + name.len();
        let Some(tail) = haystack.get(value_start..) else {
            continue;
        };
        let line = &tail[..tail.find(['\n', '\r']).unwrap_or(tail.len())];
        // `.+?` needs at least one character, so the terminator is searched after the first one.
        let first_len = line.chars().next().map_or(0, char::len_utf8);
        if first_len == 0 {
            continue;
        }
        if let Some(end) = line[first_len..].find(terminator) {
            return Some(&tail[..first_len + end]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_seventh_argument() {
        let args =
            parse_ptui_cb(r"ptuiCB('0','0','a\'b\\c','0','\u4e2d', 'n', '');").unwrap_or_default();
        assert_eq!(args, ["0", "0", "a'b\\c", "0", "中", "n", ""]);
    }

    #[test]
    fn rejects_non_calls() {
        assert_eq!(parse_ptui_cb("ptuiCB()"), None);
        assert_eq!(parse_ptui_cb("ptuiCB('66'"), None);
        assert_eq!(parse_ptui_cb("foo('66')"), None);
        assert_eq!(parse_ptui_cb("ptuiCB('66') trailing"), None);
    }

    #[test]
    fn anchored_uin() {
        let url = "https://x/check_sig?ptuin=1&service=a&uin=42&service=b&ptsigx=S&s_url=u";
        assert_eq!(
            check_sig_params(url),
            Some(("42".to_owned(), "S".to_owned()))
        );
        assert_eq!(
            check_sig_params("https://x/?uin=&service&ptsigx=S&s_url="),
            None
        );
    }
}
