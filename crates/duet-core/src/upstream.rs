//! The `DUET_UPSTREAM` switch (DESIGN.md §3): when set, every request for `https://HOST/PATH?Q`
//! goes to `DUET_UPSTREAM/HOST/PATH?Q` instead, for all hosts of all services. Tests, the demo and
//! offline checks rely on it; it is the only switch they need.

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
        Ok(Upstream::Override(url))
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
