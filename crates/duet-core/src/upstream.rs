//! The `DUET_UPSTREAM` switch (docs/design.md §3): when set, every request for `https://HOST/PATH?Q`
//! goes to `DUET_UPSTREAM/HOST/PATH?Q` instead, for all hosts of all services. Tests, the demo and
//! offline checks rely on it; it is the only switch they need. It is a test switch, not a way to
//! send accounts elsewhere: only a loopback address is accepted (every cookie, key and login of
//! both services would travel to it).

use url::Url;

use crate::error::{Error, Result};
use crate::model::ImageUrls;

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

impl Upstream {
    /// Where a WebSocket for `url` (`wss://HOST/PATH`) really goes: the same routing as
    /// [`route`](Self::route), with the override's `http`/`https` turned into `ws`/`wss`.
    pub fn route_websocket(&self, url: &str) -> Result<Url> {
        let (secure, rest) = match url.split_once("://") {
            Some(("wss", rest)) => (true, rest),
            Some(("ws", rest)) => (false, rest),
            _ => {
                return Err(Error::upstream(format!(
                    "not a WebSocket service URL: {url:?}"
                )))
            }
        };
        let routed = self.route(&format!(
            "{}://{rest}",
            if secure { "https" } else { "http" }
        ))?;
        let scheme = if routed.scheme() == "https" {
            "wss"
        } else {
            "ws"
        };
        let (_, routed_rest) = routed.as_str().split_once("://").unwrap_or_default();
        Url::parse(&format!("{scheme}://{routed_rest}"))
            .map_err(|e| Error::upstream(format!("bad WebSocket URL {url:?}: {e}")))
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
    fn websockets_are_routed_too() {
        let direct = Upstream::Direct
            .route_websocket("wss://mu.y.qq.com/ws/handshake")
            .unwrap();
        assert_eq!(direct.as_str(), "wss://mu.y.qq.com/ws/handshake");
        let fake = Upstream::parse_override("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            fake.route_websocket("wss://mu.y.qq.com/ws/handshake")
                .unwrap()
                .as_str(),
            "ws://127.0.0.1:9000/mu.y.qq.com/ws/handshake"
        );
        assert!(fake.route_websocket("https://mu.y.qq.com/").is_err());
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

    /// `value` with every image URL in it (covers, avatars, pictures) turned into the one the
    /// webview loads ([`image_url`](Self::image_url)): what each provider does to a model
    /// before handing it out.
    pub fn route_images<T: ImageUrls>(&self, mut value: T) -> T {
        value.visit_image_urls(&mut |url| *url = self.image_url(url));
        value
    }
}

impl Upstream {
    /// Whether `url`, as the UI got it from [`image_url`](Self::image_url), is a picture of
    /// one of `image_hosts`: https on such a host, or, through the override, a URL of the
    /// override's own origin and path routed to such a host. Nothing else is fetched for the UI.
    pub fn is_service_image(&self, url: &str, image_hosts: &[&str]) -> bool {
        let Ok(url) = Url::parse(url) else {
            return false;
        };
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        match self {
            Upstream::Direct => {
                url.scheme() == "https"
                    && url
                        .host_str()
                        .is_some_and(|host| crate::hosts::matches(host, image_hosts))
            }
            Upstream::Override(base) => {
                let base_path = base.path().trim_end_matches('/');
                url.origin() == base.origin()
                    && url
                        .path()
                        .strip_prefix(base_path)
                        .and_then(|rest| rest.strip_prefix('/'))
                        .and_then(|rest| rest.split('/').next())
                        .is_some_and(|host| crate::hosts::matches(host, image_hosts))
            }
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

    #[test]
    fn every_image_of_a_model_is_routed() {
        let user = |avatar: Option<&str>| crate::model::UserRef {
            id: "1".into(),
            name: "周杰伦".into(),
            avatar_url: avatar.map(str::to_owned),
        };
        let users = vec![
            user(Some("http://p1.music.126.net/a==/1.jpg")),
            user(None),
            user(Some("https://y.gtimg.cn/music/photo_new/T001.jpg")),
        ];
        let direct = Upstream::Direct.route_images(users.clone());
        assert_eq!(
            direct[0].avatar_url.as_deref(),
            Some("https://p1.music.126.net/a==/1.jpg")
        );
        assert_eq!(direct[1].avatar_url, None);
        assert_eq!(direct[2].avatar_url, users[2].avatar_url);
        let fake = Upstream::parse_override("http://127.0.0.1:9").unwrap();
        let routed = fake.route_images(users);
        assert_eq!(
            routed[0].avatar_url.as_deref(),
            Some("http://127.0.0.1:9/p1.music.126.net/a==/1.jpg")
        );
        assert_eq!(
            routed[2].avatar_url.as_deref(),
            Some("http://127.0.0.1:9/y.gtimg.cn/music/photo_new/T001.jpg")
        );
        assert_eq!(routed[1].name, "周杰伦", "nothing else changes");
    }

    #[test]
    fn service_images_are_told_from_anything_else() {
        let hosts = ["*.music.126.net", "y.gtimg.cn"];
        let direct = Upstream::Direct;
        assert!(direct.is_service_image("https://p1.music.126.net/a==/1.jpg?param=80y80", &hosts));
        assert!(direct.is_service_image("https://y.gtimg.cn/music/photo_new/T002.jpg", &hosts));
        for refused in [
            "http://p1.music.126.net/a==/1.jpg",
            "https://example.com/a.jpg",
            "https://p1.music.126.net.example.com/a.jpg",
            "https://user:pw@p1.music.126.net/a.jpg",
            "file:///etc/passwd",
            "data:image/png;base64,AAAA",
            "https://127.0.0.1:9/p1.music.126.net/a.jpg",
            "not a url",
            "",
        ] {
            assert!(!direct.is_service_image(refused, &hosts), "{refused}");
        }

        let fake = Upstream::parse_override("http://127.0.0.1:9").unwrap();
        assert!(fake.is_service_image("http://127.0.0.1:9/p1.music.126.net/a==/1.jpg", &hosts));
        assert!(fake.is_service_image(
            "http://127.0.0.1:9/y.gtimg.cn/music/photo_new/x.jpg",
            &hosts
        ));
        for refused in [
            "https://p1.music.126.net/a==/1.jpg",
            "http://127.0.0.1:9/example.com/a.jpg",
            "http://127.0.0.1:9/interface.music.163.com/eapi/x",
            "http://127.0.0.1:10/p1.music.126.net/a.jpg",
            "http://localhost:9/p1.music.126.net/a.jpg",
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9/__fake/requests",
        ] {
            assert!(!fake.is_service_image(refused, &hosts), "{refused}");
        }
        let with_path = Upstream::parse_override("http://127.0.0.1:9/fake").unwrap();
        assert!(with_path.is_service_image("http://127.0.0.1:9/fake/y.gtimg.cn/x.jpg", &hosts));
        assert!(!with_path.is_service_image("http://127.0.0.1:9/fakey.gtimg.cn/x.jpg", &hosts));
        assert!(!with_path.is_service_image("http://127.0.0.1:9/y.gtimg.cn/x.jpg", &hosts));
    }
}

/// Where to fetch one of a service's audio files from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamLocation {
    pub url: String,
    /// The same file over plain http, to be used only when TLS to `url` fails: set when `url`
    /// is the https upgrade of an http URL the service handed out.
    pub http_fallback: Option<String>,
}

impl Upstream {
    /// Where to fetch a stream URL the service handed out. Through the override when set (as
    /// it is, plain http to the fake). Otherwise an `http` URL on one of `cdn_hosts` (the
    /// provider's audio CDNs, which serve both) is upgraded to `https`, with the original kept
    /// as the fallback for when TLS fails; never less secure than what the service gave.
    pub fn stream_location(&self, url: &str, cdn_hosts: &[&str]) -> Result<StreamLocation> {
        let parsed = self.route(url)?;
        if self.is_override() || parsed.scheme() != "http" {
            return Ok(StreamLocation {
                url: parsed.into(),
                http_fallback: None,
            });
        }
        let on_cdn = parsed
            .host_str()
            .is_some_and(|host| crate::hosts::matches(host, cdn_hosts));
        if !on_cdn {
            return Ok(StreamLocation {
                url: parsed.into(),
                http_fallback: None,
            });
        }
        let mut secure = parsed.clone();
        // An explicit :80 was dropped when parsing (the default of http); any other port stays.
        secure
            .set_scheme("https")
            .map_err(|()| Error::upstream(format!("cannot use https for {url:?}")))?;
        Ok(StreamLocation {
            url: secure.into(),
            http_fallback: Some(parsed.into()),
        })
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    const CDNS: &[&str] = &["*.music.126.net", "*.stream.qqmusic.qq.com"];

    #[test]
    fn cdn_streams_go_https_with_the_http_url_as_fallback() {
        let url = "http://m701.music.126.net/20230316/55d1/jdymusic/obj/a.mp3?x=1";
        let location = Upstream::Direct.stream_location(url, CDNS).unwrap();
        assert_eq!(
            location.url,
            "https://m701.music.126.net/20230316/55d1/jdymusic/obj/a.mp3?x=1"
        );
        assert_eq!(location.http_fallback.as_deref(), Some(url));
        let qq = "http://ws.stream.qqmusic.qq.com:80/C400x.m4a?vkey=K&guid=1";
        let location = Upstream::Direct.stream_location(qq, CDNS).unwrap();
        assert_eq!(
            location.url,
            "https://ws.stream.qqmusic.qq.com/C400x.m4a?vkey=K&guid=1"
        );
        assert_eq!(
            location.http_fallback.as_deref(),
            Some("http://ws.stream.qqmusic.qq.com/C400x.m4a?vkey=K&guid=1")
        );
    }

    #[test]
    fn https_stays_https_and_other_hosts_stay_as_they_are() {
        let https = "https://isure.stream.qqmusic.qq.com/C400x.m4a?vkey=K";
        assert_eq!(
            Upstream::Direct.stream_location(https, CDNS).unwrap(),
            StreamLocation {
                url: https.into(),
                http_fallback: None
            }
        );
        let elsewhere = "http://cdn.example.com/a.mp3";
        assert_eq!(
            Upstream::Direct.stream_location(elsewhere, CDNS).unwrap(),
            StreamLocation {
                url: elsewhere.into(),
                http_fallback: None
            }
        );
        assert!(Upstream::Direct.stream_location("not a url", CDNS).is_err());
    }

    #[test]
    fn the_override_routes_streams_over_plain_http_without_fallback() {
        let fake = Upstream::parse_override("http://127.0.0.1:9").unwrap();
        let location = fake
            .stream_location("http://m701.music.126.net/fake/1.mp3", CDNS)
            .unwrap();
        assert_eq!(
            location,
            StreamLocation {
                url: "http://127.0.0.1:9/m701.music.126.net/fake/1.mp3".into(),
                http_fallback: None
            }
        );
    }
}
