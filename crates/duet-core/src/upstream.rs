//! The `DUET_UPSTREAM` switch (DESIGN.md §3): when set, every request for `https://HOST/PATH?Q`
//! goes to `DUET_UPSTREAM/HOST/PATH?Q` instead, for all hosts of all services. Tests, the demo and
//! offline checks rely on it; it is the only switch they need. It is a test switch, not a way to
//! send accounts elsewhere: only a loopback address is accepted (every cookie, key and login of
//! both services would travel to it).

use url::Url;

use crate::error::{Error, Result};

pub const UPSTREAM_ENV: &str = "DUET_UPSTREAM";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Upstream {
    /// Talk to the real services.
    #[default]
    Direct,
    /// Route every request through this base URL (`http://127.0.0.1:9000`).
    Override(Url),
}

impl Upstream {
    /// Reads `DUET_UPSTREAM`; unset or empty means [`Upstream::Direct`].
    pub fn from_env() -> Result<Self> {
        match std::env::var(UPSTREAM_ENV) {
            Ok(value) if !value.trim().is_empty() => Self::parse_override(value.trim()),
            _ => Ok(Upstream::Direct),
        }
    }

    pub fn parse_override(base: &str) -> Result<Self> {
        let url = Url::parse(base).map_err(|e| {
            Error::bad_request(format!("{UPSTREAM_ENV}={base:?} is not a URL: {e}"))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::bad_request(format!(
                "{UPSTREAM_ENV}={base:?} must be an http(s) URL with a host"
            )));
        }
        if !is_loopback(&url) {
            return Err(Error::bad_request(format!(
                "{UPSTREAM_ENV}={base:?} is not on this machine: it is a switch for tests and the \
                 offline demo, and only accepts a loopback address (127.0.0.1, [::1] or \
                 localhost), since every login and cookie would be sent there"
            )));
        }
        Ok(Upstream::Override(url))
    }

    /// The override's base URL, when set (shown by the app's "test upstream" badge).
    pub fn override_base(&self) -> Option<&Url> {
        match self {
            Upstream::Direct => None,
            Upstream::Override(base) => Some(base),
        }
    }

    pub fn is_override(&self) -> bool {
        matches!(self, Upstream::Override(_))
    }

    /// Where a request for `url` really goes.
    pub fn route(&self, url: &str) -> Result<Url> {
        let parsed = Url::parse(url)
            .map_err(|e| Error::upstream(format!("bad service URL {url:?}: {e}")))?;
        match self {
            Upstream::Direct => Ok(parsed),
            Upstream::Override(base) => {
                let host = parsed
                    .host_str()
                    .ok_or_else(|| Error::upstream(format!("service URL without host: {url:?}")))?;
                let mut routed = base.clone();
                let base_path = base.path().trim_end_matches('/');
                routed.set_path(&format!("{base_path}/{host}{}", parsed.path()));
                routed.set_query(parsed.query());
                Ok(routed)
            }
        }
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_keeps_the_url() {
        let url = Upstream::Direct
            .route("https://interface.music.163.com/eapi/song/url?x=1")
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://interface.music.163.com/eapi/song/url?x=1"
        );
    }

    #[test]
    fn override_puts_the_host_into_the_path() {
        let upstream = Upstream::parse_override("http://127.0.0.1:9000").unwrap();
        let url = upstream
            .route("https://interface.music.163.com/eapi/song/url?x=1&y=%20")
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9000/interface.music.163.com/eapi/song/url?x=1&y=%20"
        );
        let with_base_path = Upstream::parse_override("http://127.0.0.1:9000/fake/").unwrap();
        assert_eq!(
            with_base_path
                .route("http://m701.music.126.net/a/b.mp3")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9000/fake/m701.music.126.net/a/b.mp3"
        );
    }

    #[test]
    fn rejects_nonsense() {
        assert!(Upstream::parse_override("not a url").is_err());
        assert!(Upstream::parse_override("ftp://x").is_err());
    }

    #[test]
    fn only_loopback_is_accepted() {
        for ok in [
            "http://127.0.0.1:9000",
            "http://127.8.9.10",
            "http://[::1]:9000/fake",
            "http://localhost:9000",
            "https://LOCALHOST",
        ] {
            assert!(Upstream::parse_override(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://10.0.0.1:9000",
            "http://192.168.1.2",
            "https://evil.example",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://[::ffff:10.0.0.1]",
            "http://0.0.0.0:9000",
        ] {
            let error = Upstream::parse_override(refused).unwrap_err();
            assert!(error.message.contains(UPSTREAM_ENV), "{}", error.message);
            assert!(error.message.contains("loopback"), "{}", error.message);
        }
    }
}

impl Upstream {
    /// Where the webview should load a service image from: through the override when set;
    /// otherwise the service's own URL, upgraded to https when it is plain http (the image CDNs
    /// serve both, and a secure page must not load insecure images).
    pub fn image_url(&self, url: &str) -> String {
        match self {
            Upstream::Direct => match url.strip_prefix("http://") {
                Some(rest) => format!("https://{rest}"),
                None => url.to_owned(),
            },
            Upstream::Override(_) => self
                .route(url)
                .map(|u| u.to_string())
                .unwrap_or_else(|_| url.to_owned()),
        }
    }
}

#[cfg(test)]
mod image_tests {
    use super::*;

    #[test]
    fn images_go_https_or_through_the_override() {
        let url = "http://p1.music.126.net/a==/1.jpg";
        assert_eq!(
            Upstream::Direct.image_url(url),
            "https://p1.music.126.net/a==/1.jpg"
        );
        let fake = Upstream::parse_override("http://127.0.0.1:9").unwrap();
        assert_eq!(
            fake.image_url(url),
            "http://127.0.0.1:9/p1.music.126.net/a==/1.jpg"
        );
        assert_eq!(fake.image_url("not a url"), "not a url");
    }
}
