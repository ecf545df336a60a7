//! Share links of both services: reading the links their apps' "share" produce (pasted alone or
//! inside the share text, "分享…: https://163cn.tv/xxxx (来自@网易云音乐)") into a typed
//! [`ShareTarget`], building the canonical link of a page ([`share_url`]), and resolving the
//! short links (`163cn.tv/…`, `c6.y.qq.com/base/fcgi-bin/u?__=…`) with one request whose redirect
//! is read, never followed ([`ShortLinks`]).
//!
//! Recognised forms (docs/share-links.md has the list with where each comes from):
//! - NetEase: `music.163.com/song?id=`, `music.163.com/#/song?id=`, `/song/<id>/`,
//!   `y.music.163.com/m/song?id=` (and `/m/song/<id>`), the same for `album`, `playlist`,
//!   `artist`, plus `#/my/m/music/playlist?id=` and `#/discover/toplist?id=` (a playlist);
//!   short links on `163cn.tv`.
//! - QQ Music: `y.qq.com/n/ryqq/songDetail/<mid>`, `/albumDetail/<mid>`, `/playlist/<id>`,
//!   `/singer/<mid>`; the older `y.qq.com/n/yqq/song/<mid>.html` family;
//!   `i.y.qq.com/v8/playsong.html?songmid=`, `i.y.qq.com/n2/m/share/details/taoge.html?id=`,
//!   `…/album.html?albummid=`, `…/profile_v2/index.html?singermid=`; short links on
//!   `c6.y.qq.com` / `c.y.qq.com` (`/base/fcgi-bin/u?__=<code>`).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Error, ErrorKind, Result};
use crate::model::ProviderId;
use crate::upstream::Upstream;

/// What a share link shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ShareKind {
    Track,
    Album,
    Playlist,
    Artist,
}

impl ShareKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareKind::Track => "track",
            ShareKind::Album => "album",
            ShareKind::Playlist => "playlist",
            ShareKind::Artist => "artist",
        }
    }
}

/// A page of one service: the track, album, playlist or artist a share link names. `id` is the
/// id the providers use (NetEase numbers; QQ Music `songmid`, `albummid`, `singermid`, and the
/// playlist's number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShareTarget {
    pub provider: ProviderId,
    pub kind: ShareKind,
    pub id: String,
}

/// A service's short link: it names nothing until the service redirects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortLink {
    pub provider: ProviderId,
    pub url: Url,
}

/// What a pasted text is, read without any request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareLink {
    Target(ShareTarget),
    Short(ShortLink),
}

/// Why a text is not a share link Duet can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareLinkError {
    #[error("there is no web link (http:// or https://) in the text")]
    NoLink,
    #[error("{host:?} is not a NetEase Cloud Music or QQ Music link")]
    NotAMusicLink { host: String },
    #[error("this {provider} link is not a song, album, playlist or artist page")]
    UnknownPage { provider: ProviderId },
    #[error("this {provider} link does not carry a valid {kind} id")]
    BadId {
        provider: ProviderId,
        kind: &'static str,
    },
}

impl ShareLinkError {
    fn provider(&self) -> Option<ProviderId> {
        match self {
            ShareLinkError::UnknownPage { provider } | ShareLinkError::BadId { provider, .. } => {
                Some(*provider)
            }
            _ => None,
        }
    }
}

impl From<ShareLinkError> for Error {
    fn from(error: ShareLinkError) -> Self {
        let provider = error.provider();
        let error_out = Error::bad_request(error.to_string());
        match provider {
            Some(p) => error_out.with_provider(p),
            None => error_out,
        }
    }
}

/// The longest text looked at for a link (a share text is a sentence and a link).
pub const MAX_SHARE_TEXT: usize = 2_000;

const NETEASE_HOSTS: &[&str] = &["music.163.com", "www.music.163.com", "y.music.163.com"];
const NETEASE_SHORT_HOSTS: &[&str] = &["163cn.tv"];
const QQ_HOSTS: &[&str] = &["y.qq.com", "i.y.qq.com"];
const QQ_SHORT_HOSTS: &[&str] = &["c6.y.qq.com", "c.y.qq.com"];
const QQ_SHORT_PATH: &str = "/base/fcgi-bin/u";

/// Reads the first web link in `text` (a bare link or a whole share text).
pub fn parse(text: &str) -> Result<ShareLink, ShareLinkError> {
    let url = first_link(text).ok_or(ShareLinkError::NoLink)?;
    parse_url(&url)
}

/// The canonical link of a page, as the service's web player opens it.
pub fn share_url(target: &ShareTarget) -> String {
    match target.provider {
        ProviderId::Netease => {
            let page = match target.kind {
                ShareKind::Track => "song",
                ShareKind::Album => "album",
                ShareKind::Playlist => "playlist",
                ShareKind::Artist => "artist",
            };
            format!("https://music.163.com/{page}?id={}", url_encode(&target.id))
        }
        ProviderId::Qq => {
            let page = match target.kind {
                ShareKind::Track => "songDetail",
                ShareKind::Album => "albumDetail",
                ShareKind::Playlist => "playlist",
                ShareKind::Artist => "singer",
            };
            format!("https://y.qq.com/n/ryqq/{page}/{}", url_encode(&target.id))
        }
    }
}

fn url_encode(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

fn first_link(text: &str) -> Option<Url> {
    let text = match text.char_indices().nth(MAX_SHARE_TEXT) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let lower = text.to_ascii_lowercase();
    let start = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| lower.find(scheme))
        .min()?;
    // A link ends at whitespace, at the quotes and brackets around it, or at the first
    // non-ASCII character (share texts run straight on in Chinese: "…u?__=x，快来听").
    let end = text[start..]
        .find(|c: char| {
            c.is_whitespace() || !c.is_ascii() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')')
        })
        .map_or(text.len(), |n| start + n);
    Url::parse(&text[start..end]).ok()
}

fn parse_url(url: &Url) -> Result<ShareLink, ShareLinkError> {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let is = |hosts: &[&str]| hosts.contains(&host.as_str());
    if is(NETEASE_SHORT_HOSTS) {
        return short(ProviderId::Netease, url, url.path().len() > 1);
    }
    if is(QQ_SHORT_HOSTS) {
        let has_code = url.path() == QQ_SHORT_PATH && query(url, "__").is_some();
        return short(ProviderId::Qq, url, has_code);
    }
    if is(NETEASE_HOSTS) {
        return netease(url).map(ShareLink::Target);
    }
    if is(QQ_HOSTS) {
        return qq(url).map(ShareLink::Target);
    }
    Err(ShareLinkError::NotAMusicLink { host })
}

fn short(provider: ProviderId, url: &Url, has_code: bool) -> Result<ShareLink, ShareLinkError> {
    if !has_code {
        return Err(ShareLinkError::UnknownPage { provider });
    }
    let mut url = url.clone();
    // The short link as the service hands it out: https, no credentials, no port, no fragment.
    let _ = url.set_scheme("https");
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let _ = url.set_port(None);
    url.set_fragment(None);
    Ok(ShareLink::Short(ShortLink { provider, url }))
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

fn netease(url: &Url) -> Result<ShareTarget, ShareLinkError> {
    let provider = ProviderId::Netease;
    // `music.163.com/#/song?id=1`: the page is in the fragment.
    let page = match url.fragment() {
        Some(fragment) if fragment.starts_with('/') => Url::parse("https://music.163.com")
            .and_then(|base| base.join(fragment))
            .map_err(|_| ShareLinkError::UnknownPage { provider })?,
        _ => url.clone(),
    };
    let segments: Vec<&str> = page
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let segments = match segments.as_slice() {
        ["m", rest @ ..] | ["my", "m", "music", rest @ ..] => rest,
        rest => rest,
    };
    let (kind, from_path) = match segments {
        ["song", rest @ ..] => (ShareKind::Track, rest.first()),
        ["album", rest @ ..] => (ShareKind::Album, rest.first()),
        ["playlist", rest @ ..] => (ShareKind::Playlist, rest.first()),
        ["discover", "toplist"] => (ShareKind::Playlist, None),
        ["artist", rest @ ..] => (ShareKind::Artist, rest.first()),
        _ => return Err(ShareLinkError::UnknownPage { provider }),
    };
    let id = query(&page, "id")
        .or_else(|| from_path.map(|s| (*s).to_owned()))
        .ok_or(ShareLinkError::BadId {
            provider,
            kind: kind.as_str(),
        })?;
    let valid = !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return Err(ShareLinkError::BadId {
            provider,
            kind: kind.as_str(),
        });
    }
    Ok(ShareTarget { provider, kind, id })
}

fn qq(url: &Url) -> Result<ShareTarget, ShareLinkError> {
    let provider = ProviderId::Qq;
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let strip_html = |s: &&str| s.strip_suffix(".html").unwrap_or(s).to_owned();
    let (kind, id) = match segments.as_slice() {
        ["n", "ryqq" | "ryqq_v2", page, id, ..] => match *page {
            "songDetail" => (ShareKind::Track, Some((*id).to_owned())),
            "albumDetail" => (ShareKind::Album, Some((*id).to_owned())),
            "playlist" => (ShareKind::Playlist, Some((*id).to_owned())),
            "singer" => (ShareKind::Artist, Some((*id).to_owned())),
            _ => return Err(ShareLinkError::UnknownPage { provider }),
        },
        ["n", "yqq", page, id, ..] => match *page {
            "song" => (ShareKind::Track, Some(strip_html(id))),
            "album" => (ShareKind::Album, Some(strip_html(id))),
            "playlist" => (ShareKind::Playlist, Some(strip_html(id))),
            "singer" => (ShareKind::Artist, Some(strip_html(id))),
            _ => return Err(ShareLinkError::UnknownPage { provider }),
        },
        ["v8", "playsong.html"] => (ShareKind::Track, query(url, "songmid")),
        ["n2", "m", "share", "details", "taoge.html"]
        | ["n", "m", "detail", "taoge", "index.html"]
        | ["w", "taoge.html"] => (ShareKind::Playlist, query(url, "id")),
        ["n2", "m", "share", "details", "album.html"] => (ShareKind::Album, query(url, "albummid")),
        ["n2", "m", "share", "details", "singer.html"]
        | ["n2", "m", "share", "profile_v2", "index.html"] => {
            (ShareKind::Artist, query(url, "singermid"))
        }
        _ => return Err(ShareLinkError::UnknownPage { provider }),
    };
    let bad = ShareLinkError::BadId {
        provider,
        kind: kind.as_str(),
    };
    let id = id.ok_or(bad.clone())?;
    let valid = match kind {
        // Playlists are numbers (disstid); songs, albums and singers are mids.
        ShareKind::Playlist => {
            !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
        }
        _ => (8..=24).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()),
    };
    if !valid {
        return Err(bad);
    }
    Ok(ShareTarget { provider, kind, id })
}

/// Resolves short links: one request through the upstream layer (so `DUET_UPSTREAM` reaches the
/// fake), its redirect read and parsed as a share link, never followed.
#[derive(Debug, Clone)]
pub struct ShortLinks {
    http: reqwest::Client,
    upstream: Upstream,
}

impl ShortLinks {
    pub fn new(upstream: Upstream, timeout: Duration) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::network(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { http, upstream })
    }

    /// The page a pasted text names: read directly, or, for a short link, from where the
    /// service redirects it. Bad input is `bad_request`; a short link the service does not
    /// know is `not_found`.
    pub async fn open(&self, text: &str) -> Result<ShareTarget> {
        match parse(text)? {
            ShareLink::Target(target) => Ok(target),
            ShareLink::Short(short) => self.resolve(&short).await,
        }
    }

    async fn resolve(&self, short: &ShortLink) -> Result<ShareTarget> {
        let provider = short.provider;
        let routed = self.upstream.route(short.url.as_str())?;
        let response = self.http.get(routed).send().await.map_err(|e| {
            Error::network(format!(
                "the short link could not be opened: {}",
                e.without_url()
            ))
            .with_provider(provider)
        })?;
        let status = response.status();
        if !status.is_redirection() {
            let error = if status == reqwest::StatusCode::NOT_FOUND {
                Error::not_found("the service does not know this short link")
            } else {
                Error::upstream(format!(
                    "the service answered the short link with {status}, not a redirect"
                ))
            };
            return Err(error.with_provider(provider));
        }
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| short.url.join(v).ok())
            .ok_or_else(|| {
                Error::upstream("the short link's redirect has no usable Location")
                    .with_provider(provider)
            })?;
        match parse_url(&location) {
            Ok(ShareLink::Target(target)) if target.provider == provider => Ok(target),
            _ => Err(Error::new(
                ErrorKind::Unavailable,
                "the short link leads to a page Duet cannot open (not a song, album, playlist \
                 or artist)",
            )
            .with_provider(provider)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> ShareTarget {
        match parse(text) {
            Ok(ShareLink::Target(t)) => t,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn t(provider: ProviderId, kind: ShareKind, id: &str) -> ShareTarget {
        ShareTarget {
            provider,
            kind,
            id: id.into(),
        }
    }

    #[test]
    fn netease_forms() {
        use ProviderId::Netease as N;
        let cases = [
            (
                "https://music.163.com/song?id=1901371647",
                ShareKind::Track,
                "1901371647",
            ),
            (
                "https://music.163.com/#/song?id=186016",
                ShareKind::Track,
                "186016",
            ),
            (
                "http://music.163.com/song/186016/?userid=32953014",
                ShareKind::Track,
                "186016",
            ),
            (
                "https://y.music.163.com/m/song?id=186016&uct2=U2FsdGVk&dlt=0846",
                ShareKind::Track,
                "186016",
            ),
            (
                "https://y.music.163.com/m/song/186016",
                ShareKind::Track,
                "186016",
            ),
            (
                "https://music.163.com/#/album?id=18893",
                ShareKind::Album,
                "18893",
            ),
            (
                "https://y.music.163.com/m/album?id=18893&userid=1",
                ShareKind::Album,
                "18893",
            ),
            (
                "https://music.163.com/playlist?id=131149308&userid=1",
                ShareKind::Playlist,
                "131149308",
            ),
            (
                "https://music.163.com/#/my/m/music/playlist?id=24381616",
                ShareKind::Playlist,
                "24381616",
            ),
            (
                "https://music.163.com/#/discover/toplist?id=3778678",
                ShareKind::Playlist,
                "3778678",
            ),
            (
                "https://y.music.163.com/m/playlist?id=131149308&creatorId=1",
                ShareKind::Playlist,
                "131149308",
            ),
            (
                "https://music.163.com/#/artist?id=6452",
                ShareKind::Artist,
                "6452",
            ),
            (
                "https://www.music.163.com/artist?id=6452",
                ShareKind::Artist,
                "6452",
            ),
            ("HTTPS://MUSIC.163.COM/song?id=5", ShareKind::Track, "5"),
        ];
        for (link, kind, id) in cases {
            assert_eq!(target(link), t(N, kind, id), "{link}");
        }
    }

    #[test]
    fn qq_forms() {
        use ProviderId::Qq as Q;
        let cases = [
            ("https://y.qq.com/n/ryqq/songDetail/0039MnYb0qxYhV", ShareKind::Track, "0039MnYb0qxYhV"),
            ("https://y.qq.com/n/ryqq/songDetail/000XjcLg0fbRjv?songtype=0", ShareKind::Track, "000XjcLg0fbRjv"),
            ("https://y.qq.com/n/ryqq/albumDetail/000MkMni19ClKG", ShareKind::Album, "000MkMni19ClKG"),
            ("https://y.qq.com/n/ryqq/playlist/9661641626", ShareKind::Playlist, "9661641626"),
            ("https://y.qq.com/n/ryqq_v2/playlist/9350658112?ADTAG=x", ShareKind::Playlist, "9350658112"),
            ("https://y.qq.com/w/taoge.html?from=share&id=43#share", ShareKind::Playlist, "43"),
            ("https://i.y.qq.com/n/m/detail/taoge/index.html?share=1&id=44", ShareKind::Playlist, "44"),
            ("https://y.qq.com/n/ryqq/singer/0025NhlN2yWrP4", ShareKind::Artist, "0025NhlN2yWrP4"),
            ("https://y.qq.com/n/yqq/song/001s47AV2pyfEy.html", ShareKind::Track, "001s47AV2pyfEy"),
            ("https://y.qq.com/n/yqq/album/000MkMni19ClKG.html", ShareKind::Album, "000MkMni19ClKG"),
            ("https://y.qq.com/n/yqq/playlist/7256912512.html", ShareKind::Playlist, "7256912512"),
            ("https://y.qq.com/n/yqq/singer/0025NhlN2yWrP4.html", ShareKind::Artist, "0025NhlN2yWrP4"),
            ("https://i.y.qq.com/v8/playsong.html?ADTAG=ryqq.songDetail&songmid=0039MnYb0qxYhV&songid=0", ShareKind::Track, "0039MnYb0qxYhV"),
            ("https://i.y.qq.com/n2/m/share/details/taoge.html?platform=11&appshare=android_qq&id=7256912512", ShareKind::Playlist, "7256912512"),
            ("https://i.y.qq.com/n2/m/share/details/album.html?albummid=000MkMni19ClKG&ADTAG=x", ShareKind::Album, "000MkMni19ClKG"),
            ("https://i.y.qq.com/n2/m/share/profile_v2/index.html?singermid=0025NhlN2yWrP4", ShareKind::Artist, "0025NhlN2yWrP4"),
        ];
        for (link, kind, id) in cases {
            assert_eq!(target(link), t(Q, kind, id), "{link}");
        }
    }

    #[test]
    fn links_are_found_inside_share_texts() {
        assert_eq!(
            target("分享Taylor Swift的单曲《Love Story》: https://y.music.163.com/m/song?id=19292984&userid=1 (来自@网易云音乐)"),
            t(ProviderId::Netease, ShareKind::Track, "19292984")
        );
        assert_eq!(
            target("  https://y.qq.com/n/ryqq/playlist/9661641626\n"),
            t(ProviderId::Qq, ShareKind::Playlist, "9661641626")
        );
        assert_eq!(
            target("《晴天》https://y.qq.com/n/ryqq/songDetail/0039MnYb0qxYhV，快来听"),
            t(ProviderId::Qq, ShareKind::Track, "0039MnYb0qxYhV")
        );
    }

    #[test]
    fn short_links_are_told_apart() {
        let ShareLink::Short(s) =
            parse("分享单曲: http://163cn.tv/zZ8lB2 (来自@网易云音乐)").unwrap()
        else {
            panic!()
        };
        assert_eq!(s.provider, ProviderId::Netease);
        assert_eq!(s.url.as_str(), "https://163cn.tv/zZ8lB2");
        let ShareLink::Short(s) =
            parse("https://c6.y.qq.com/base/fcgi-bin/u?__=e8l9kTx9ItPu @QQ音乐").unwrap()
        else {
            panic!()
        };
        assert_eq!(s.provider, ProviderId::Qq);
        assert_eq!(
            s.url.as_str(),
            "https://c6.y.qq.com/base/fcgi-bin/u?__=e8l9kTx9ItPu"
        );
        assert_eq!(
            parse("https://163cn.tv/"),
            Err(ShareLinkError::UnknownPage {
                provider: ProviderId::Netease
            })
        );
        assert_eq!(
            parse("https://c6.y.qq.com/base/fcgi-bin/u"),
            Err(ShareLinkError::UnknownPage {
                provider: ProviderId::Qq
            })
        );
    }

    #[test]
    fn unknown_and_hostile_links_get_typed_errors() {
        assert_eq!(parse("周杰伦 晴天"), Err(ShareLinkError::NoLink));
        assert_eq!(parse(""), Err(ShareLinkError::NoLink));
        assert_eq!(parse("javascript:alert(1)"), Err(ShareLinkError::NoLink));
        assert!(matches!(
            parse("https://music.163.com.evil.example/song?id=1"),
            Err(ShareLinkError::NotAMusicLink { .. })
        ));
        assert!(matches!(
            parse("https://evil.example/?u=https://music.163.com/song?id=1"),
            Err(ShareLinkError::NotAMusicLink { .. })
        ));
        assert_eq!(
            parse("https://music.163.com/#/dj?id=1"),
            Err(ShareLinkError::UnknownPage {
                provider: ProviderId::Netease
            })
        );
        for bad in [
            "https://music.163.com/song?id=abc",
            "https://music.163.com/song?id=1%27%3B--",
            "https://music.163.com/song",
            "https://music.163.com/song?id=123456789012345678901234",
            "https://y.qq.com/n/ryqq/songDetail/%3Cimg%3E",
            "https://y.qq.com/n/ryqq/playlist/abc",
            "https://i.y.qq.com/v8/playsong.html?songid=12345",
        ] {
            assert!(
                matches!(parse(bad), Err(ShareLinkError::BadId { .. })),
                "{bad}: {:?}",
                parse(bad)
            );
        }
        let error: Error = parse("https://music.163.com/song?id=x").unwrap_err().into();
        assert_eq!(error.kind, ErrorKind::BadRequest);
        assert_eq!(error.provider, Some(ProviderId::Netease));
        // A huge paste is cut, never scanned whole.
        let long = format!("{}https://music.163.com/song?id=1", "x".repeat(5_000));
        assert_eq!(parse(&long), Err(ShareLinkError::NoLink));
    }

    #[test]
    fn canonical_links_read_back_as_the_same_target() {
        for provider in [ProviderId::Netease, ProviderId::Qq] {
            for kind in [
                ShareKind::Track,
                ShareKind::Album,
                ShareKind::Playlist,
                ShareKind::Artist,
            ] {
                let id = match (provider, kind) {
                    (ProviderId::Qq, k) if k != ShareKind::Playlist => "0039MnYb0qxYhV",
                    _ => "131149308",
                };
                let original = t(provider, kind, id);
                let link = share_url(&original);
                assert_eq!(target(&link), original, "{link}");
            }
        }
        assert_eq!(
            share_url(&t(ProviderId::Netease, ShareKind::Track, "186016")),
            "https://music.163.com/song?id=186016"
        );
        assert_eq!(
            share_url(&t(ProviderId::Qq, ShareKind::Album, "000MkMni19ClKG")),
            "https://y.qq.com/n/ryqq/albumDetail/000MkMni19ClKG"
        );
        // An id is never able to change the link's shape.
        assert_eq!(
            share_url(&t(ProviderId::Qq, ShareKind::Track, "a/../b?c#d")),
            "https://y.qq.com/n/ryqq/songDetail/a%2F..%2Fb%3Fc%23d"
        );
    }
}
