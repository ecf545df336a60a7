//! Session cookies a person brings instead of scanning a QR code: pasted from a browser, or read
//! from the service's own web login page in a window of the app. [`PastedCookies`] reads what
//! people actually paste (a bare value, `NAME=value`, a whole `Cookie:` header, `document.cookie`,
//! the rows of a browser's cookie table, a `cookies.txt` or a JSON export); which names make a
//! session is the provider's to say ([`WebLogin`]). The values are [`Secret`]s from the start:
//! `Debug` names the cookies, never their values.

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The most text a paste may hold; a real cookie header is a few kilobytes.
pub const MAX_PASTE_BYTES: usize = 64 * 1024;
/// The most cookies read from one paste.
const MAX_COOKIES: usize = 200;

/// Cookies as a person pasted them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PastedCookies {
    pairs: Vec<(String, Secret)>,
    /// The whole paste, when it is one value with no name (`MUSIC_U`'s value alone).
    bare: Option<Secret>,
}

impl std::fmt::Debug for PastedCookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PastedCookies")
            .field("names", &self.names().collect::<Vec<_>>())
            .field("bare", &self.bare.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl PastedCookies {
    /// Reads a paste. `bad_request` when it is empty, too long, or holds no cookie at all.
    pub fn parse(text: &Secret) -> Result<Self> {
        let text = text.expose().trim().trim_start_matches('\u{feff}');
        if text.is_empty() {
            return Err(Error::bad_request("nothing was pasted"));
        }
        if text.len() > MAX_PASTE_BYTES {
            return Err(Error::bad_request(format!(
                "the pasted text is longer than {} KiB; paste only the cookies",
                MAX_PASTE_BYTES / 1024
            )));
        }
        let mut pasted = Self::default();
        if let Some(json) = json_export(text) {
            pasted.pairs = json;
        } else if is_one_value(text) {
            pasted.bare = Some(Secret::new(unquote(text)));
        } else {
            for line in text.lines() {
                pasted.read_line(line);
            }
        }
        pasted.pairs.truncate(MAX_COOKIES);
        if pasted.pairs.is_empty() && pasted.bare.is_none() {
            return Err(Error::bad_request(
                "no cookie found in the pasted text; paste NAME=value pairs or a Cookie header",
            ));
        }
        Ok(pasted)
    }

    /// Cookies from `(name, value)` pairs (a webview's cookie store).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, Secret)>) -> Self {
        Self {
            pairs: pairs.into_iter().take(MAX_COOKIES).collect(),
            bare: None,
        }
    }

    fn read_line(&mut self, line: &str) {
        let line = line.trim();
        let line = strip_header_name(line);
        if line.is_empty() || line.starts_with('#') && !line.starts_with("#HttpOnly_") {
            return;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        if fields.len() >= 7 && matches!(fields[1], "TRUE" | "FALSE") {
            // Netscape cookies.txt: domain, subdomains, path, secure, expiry, name, value.
            self.push(fields[5], fields[6]);
        } else if fields.len() >= 2 && !fields[0].contains('=') {
            // A row copied from a browser's cookie table: name, value, domain, path, ….
            self.push(fields[0], fields[1]);
        } else {
            for pair in line.split(';') {
                if let Some((name, value)) = pair.split_once('=') {
                    self.push(name, value);
                }
            }
        }
    }

    fn push(&mut self, name: &str, value: &str) {
        let name = name.trim();
        let value = unquote(value.trim());
        if is_cookie_name(name) && !value.is_empty() {
            self.pairs.push((name.to_owned(), Secret::new(value)));
        }
    }

    /// The value of the cookie `name` (the last one pasted, as a browser sends the most
    /// specific last), if any.
    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The first of `names` that was pasted.
    pub fn first_of(&self, names: &[&str]) -> Option<&Secret> {
        names.iter().find_map(|name| self.get(name))
    }

    /// The paste itself, when it was a single value with no name.
    pub fn bare(&self) -> Option<&Secret> {
        self.bare.as_ref()
    }

    /// The names pasted, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(n, _)| n.as_str())
    }

    /// Only the cookies named in `names`: what Duet takes from a web login page.
    pub fn only(&self, names: &[&str]) -> Self {
        Self::from_pairs(
            self.pairs
                .iter()
                .filter(|(n, _)| names.contains(&n.as_str()))
                .cloned(),
        )
    }
}

/// How a service's own web login page is used: where it is, whose cookies make a session, and
/// which of them Duet takes (no others are read into the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebLogin {
    /// The page that logs in (the service's official web login).
    pub page: &'static str,
    /// The address whose cookies are read once the person has logged in.
    pub cookie_url: &'static str,
    /// What a session needs: one name of each group.
    pub needed: &'static [&'static [&'static str]],
    /// Taken as well when present, never waited for.
    pub also: &'static [&'static str],
}

impl WebLogin {
    /// Every cookie name Duet takes from the page.
    pub fn taken(&self) -> Vec<&'static str> {
        self.needed
            .iter()
            .flat_map(|g| g.iter().copied())
            .chain(self.also.iter().copied())
            .collect()
    }

    /// Whether `cookies` hold a session by this page's rule.
    pub fn is_complete(&self, cookies: &PastedCookies) -> bool {
        self.needed
            .iter()
            .all(|group| cookies.first_of(group).is_some())
    }
}

/// `Cookie: a=b` (and `Set-Cookie:`, which people paste from a network panel) without its name.
fn strip_header_name(line: &str) -> &str {
    for prefix in ["cookie:", "set-cookie:"] {
        if line.len() >= prefix.len()
            && line.is_char_boundary(prefix.len())
            && line[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            return line[prefix.len()..].trim_start();
        }
    }
    line
}

/// One token, no pair: a value with no name. Base64 padding (`…==`) is a value, not a pair.
fn is_one_value(text: &str) -> bool {
    let text = strip_header_name(text);
    !text.contains([';', '\n', '\t', ' '])
        && text
            .split_once('=')
            .is_none_or(|(name, rest)| name.is_empty() || rest.bytes().all(|b| b == b'='))
}

/// RFC 6265's token: printable ASCII without separators.
fn is_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// A browser extension's JSON export: `[{"name": …, "value": …}, …]`.
fn json_export(text: &str) -> Option<Vec<(String, Secret)>> {
    if !text.starts_with(['[', '{']) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => return None,
    };
    let pairs = items
        .iter()
        .filter_map(|item| {
            let name = item.get("name")?.as_str()?.trim();
            let value = item.get("value")?.as_str()?.trim();
            (is_cookie_name(name) && !value.is_empty())
                .then(|| (name.to_owned(), Secret::new(value)))
        })
        .collect();
    Some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn parse(text: &str) -> PastedCookies {
        PastedCookies::parse(&Secret::new(text)).unwrap()
    }

    fn value<'a>(cookies: &'a PastedCookies, name: &str) -> Option<&'a str> {
        cookies.get(name).map(Secret::expose)
    }

    #[test]
    fn what_people_paste() {
        let bare = parse("  00AB12CD  ");
        assert_eq!(bare.bare().map(Secret::expose), Some("00AB12CD"));
        assert_eq!(bare.names().count(), 0);
        assert_eq!(
            parse("QUJDRA==").bare().map(Secret::expose),
            Some("QUJDRA==")
        );

        for text in [
            "MUSIC_U=00AB12CD",
            "Cookie: NMTID=x; MUSIC_U=00AB12CD; __csrf=c0ffee",
            "cookie:MUSIC_U=\"00AB12CD\"",
            "NMTID=x;MUSIC_U=00AB12CD\n__csrf=c0ffee",
            "MUSIC_U\t00AB12CD\t.music.163.com\t/\t2027-06-01T00:00:00.000Z\t360\t✓\t✓",
            ".music.163.com\tTRUE\t/\tFALSE\t1811000000\tMUSIC_U\t00AB12CD",
            "#HttpOnly_.music.163.com\tTRUE\t/\tFALSE\t1811000000\tMUSIC_U\t00AB12CD",
            r#"[{"domain":".music.163.com","name":"MUSIC_U","value":"00AB12CD"}]"#,
        ] {
            let cookies = parse(text);
            assert_eq!(value(&cookies, "MUSIC_U"), Some("00AB12CD"), "{text:?}");
            assert!(cookies.bare().is_none(), "{text:?}");
        }

        let qq = parse("uin=o0123456789; qm_keyst=Q_H_L_abc==; qqmusic_key=Q_H_L_abc==");
        assert_eq!(value(&qq, "uin"), Some("o0123456789"));
        assert_eq!(value(&qq, "qm_keyst"), Some("Q_H_L_abc=="), "'=' in values");
        assert_eq!(
            qq.first_of(&["x", "qqmusic_key"]).map(Secret::expose),
            Some("Q_H_L_abc==")
        );
    }

    #[test]
    fn nothing_usable_is_a_bad_request() {
        for text in [
            "",
            "   ",
            "; ;",
            "=value; =x",
            "\u{feff}",
            "[1, 2]",
            "#comment\n#x",
        ] {
            let error = PastedCookies::parse(&Secret::new(text)).unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest, "{text:?}");
        }
        let long = Secret::new("a=".to_owned() + &"b".repeat(MAX_PASTE_BYTES));
        let error = PastedCookies::parse(&long).unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest);
        assert!(!error.message.contains("bbbb"), "{}", error.message);
    }

    #[test]
    fn debug_names_cookies_never_values() {
        let cookies = parse("MUSIC_U=topsecret00; __csrf=csrfsecret");
        let bare = parse("baresecret00");
        let shown = format!("{cookies:?} {bare:?} {:#?}", cookies.only(&["MUSIC_U"]));
        for secret in ["topsecret00", "csrfsecret", "baresecret00"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("MUSIC_U") && shown.contains("__csrf"),
            "{shown}"
        );
    }

    #[test]
    fn a_web_login_takes_only_its_cookies() {
        const PAGE: WebLogin = WebLogin {
            page: "https://y.qq.com/",
            cookie_url: "https://y.qq.com/",
            needed: &[&["uin", "wxuin"], &["qm_keyst", "qqmusic_key"]],
            also: &["euin"],
        };
        let all = parse("pgv_pvid=1; uin=o1; ptcz=secret; qqmusic_key=k; euin=e");
        assert!(PAGE.is_complete(&all));
        let taken = all.only(&PAGE.taken());
        assert_eq!(
            taken.names().collect::<Vec<_>>(),
            ["uin", "qqmusic_key", "euin"]
        );
        assert!(!PAGE.is_complete(&parse("uin=o1; ptcz=secret")));
    }
}
