//! The services' short-link hosts: `163cn.tv/<code>` (NetEase Cloud Music) and
//! `c6.y.qq.com/base/fcgi-bin/u?__=<code>` (QQ Music; `c.y.qq.com` too) answer a `302` whose
//! `Location` is the page the link was made for, as the real hosts do. The fake knows the codes
//! of [`SHORT_LINKS`]; any other code is a `404`.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::Response;

/// `(host, code, where it redirects)`: one song, playlist, album and artist per service, the
/// playlists being ones the fake serves (NetEase's captured `131149308`, QQ's fixture `211111`).
pub const SHORT_LINKS: &[(&str, &str, &str)] = &[
    (
        NETEASE_SHORT_HOST,
        "duetSong",
        "https://y.music.163.com/m/song?id=551816010&uct2=U2FsdGVkX1&dlt=0846&app_version=9.1.0",
    ),
    (
        NETEASE_SHORT_HOST,
        "duetList",
        "https://y.music.163.com/m/playlist?id=131149308&userid=1&creatorId=1",
    ),
    (
        NETEASE_SHORT_HOST,
        "duetAlbum",
        "https://y.music.163.com/m/album?id=34930257&userid=1",
    ),
    (
        NETEASE_SHORT_HOST,
        "duetArtist",
        "https://y.music.163.com/m/artist?id=6731&userid=1",
    ),
    (
        NETEASE_SHORT_HOST,
        "duetDj",
        "https://y.music.163.com/m/dj?id=1&userid=1",
    ),
    (
        QQ_SHORT_HOST,
        "duetSong",
        "https://i.y.qq.com/v8/playsong.html?ADTAG=ryqq.songDetail&songmid=000JHYA12lx3kP&songid=0&songtype=0",
    ),
    (
        QQ_SHORT_HOST,
        "duetList",
        "https://i.y.qq.com/n2/m/share/details/taoge.html?platform=11&appshare=android_qq&appversion=13020008&hosteuin=oKnlNenz7i-s7c**&id=211111&ADTAG=qfshare",
    ),
    (
        QQ_SHORT_HOST,
        "duetAlbum",
        "https://i.y.qq.com/n2/m/share/details/album.html?albummid=002MAeob3zLXwZ&ADTAG=qfshare",
    ),
    (
        QQ_SHORT_HOST,
        "duetArtist",
        "https://i.y.qq.com/n2/m/share/profile_v2/index.html?singermid=0025NhlN2yWrP4&ADTAG=qfshare",
    ),
];

pub const NETEASE_SHORT_HOST: &str = "163cn.tv";
pub const QQ_SHORT_HOST: &str = "c6.y.qq.com";
const QQ_SHORT_HOSTS: [&str; 2] = [QQ_SHORT_HOST, "c.y.qq.com"];
const QQ_SHORT_PATH: &str = "base/fcgi-bin/u";

/// The answer for a short link, or `None` when the request is not one (it goes on to the
/// service's other routes).
pub(crate) fn answer(host: &str, rest: &str, query: Option<&str>) -> Option<Response> {
    let (host, code) = if host == NETEASE_SHORT_HOST {
        (NETEASE_SHORT_HOST, rest.trim_end_matches('/').to_owned())
    } else if QQ_SHORT_HOSTS.contains(&host) && rest == QQ_SHORT_PATH {
        let code = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .find(|(k, _)| k == "__")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        (QQ_SHORT_HOST, code)
    } else {
        return None;
    };
    let target = SHORT_LINKS
        .iter()
        .find(|(h, c, _)| *h == host && *c == code)
        .map(|(_, _, target)| *target);
    let response = match target {
        Some(target) => Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, target)
            .body(Body::empty()),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from("<html><body>404 Not Found</body></html>")),
    };
    Some(response.expect("a static response"))
}
