//! Host patterns, as the providers list their CDNs (`identity.rs` of each): `*.music.126.net`
//! matches every subdomain of `music.126.net` (not the name itself); a bare name matches only
//! itself. Names compare without regard to case.

/// Whether `host` is one of `patterns`.
pub fn matches(host: &str, patterns: &[&str]) -> bool {
    let host = host.trim_end_matches('.');
    patterns
        .iter()
        .any(|pattern| match pattern.strip_prefix("*.") {
            Some(domain) => host
                .len()
                .checked_sub(domain.len() + 1)
                .filter(|&dot| host.as_bytes()[dot] == b'.' && dot > 0)
                .is_some_and(|dot| host[dot + 1..].eq_ignore_ascii_case(domain)),
            None => host.eq_ignore_ascii_case(pattern),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_subdomains_only() {
        let cdns = ["*.music.126.net", "aqqmusic.tc.qq.com"];
        assert!(matches("m701.music.126.net", &cdns));
        assert!(matches("M8.Music.126.NET", &cdns));
        assert!(matches("a.b.music.126.net", &cdns));
        assert!(
            matches("m8.music.126.net.", &cdns),
            "a fully qualified name"
        );
        assert!(matches("aqqmusic.tc.qq.com", &cdns));
        assert!(!matches("music.126.net", &cdns));
        assert!(!matches(".music.126.net", &cdns));
        assert!(!matches("evilmusic.126.net", &cdns));
        assert!(!matches("m8.music.126.net.evil.example", &cdns));
        assert!(!matches("x.aqqmusic.tc.qq.com", &cdns));
        assert!(!matches("", &cdns));
        assert!(!matches("m8.music.126.net", &[]));
        // Multi-byte names are compared byte-safely.
        assert!(!matches("ü126.net", &["*.126.net"]));
        assert!(matches("ü.126.net", &["*.126.net"]));
    }
}
