//! Playlist exports and duplicates, and share links (short ones resolved through the fake's
//! short-link hosts), through duet-server.

#![cfg(target_os = "linux")]

mod common;

use common::*;

async fn get_text(server: &Server, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let response = server.http.get(server.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap(), headers)
}

#[tokio::test]
async fn a_playlist_exports_as_m3u_and_csv_with_hostile_names_kept_in_their_place() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (_, playlist) = server.get("/v1/netease/playlists/9000000066").await;
    let tracks = playlist["tracks"].as_array().unwrap();
    assert!(!tracks.is_empty());

    let (status, m3u, headers) = get_text(
        &server,
        "/v1/netease/playlists/9000000066/export?format=m3u",
    )
    .await;
    assert_eq!(status, 200, "{m3u}");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("audio/x-mpegurl"));
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"playlist.m3u\"; filename*=UTF-8''"));
    assert!(
        !disposition.contains('<') && !disposition.contains('\n'),
        "{disposition}"
    );
    let lines: Vec<&str> = m3u.lines().collect();
    assert_eq!(lines[0], "#EXTM3U");
    assert!(lines[1].starts_with("#PLAYLIST:"));
    // Three lines per track, whatever the names hold.
    assert_eq!(lines.len(), 2 + 3 * tracks.len(), "{m3u}");
    for (entry, track) in lines[2..].chunks(3).zip(tracks) {
        assert!(entry[0].starts_with("#EXTINF:"), "{entry:?}");
        assert!(entry[1].starts_with("#EXTALB:"), "{entry:?}");
        assert_eq!(
            entry[2],
            format!(
                "https://music.163.com/song?id={}",
                track["id"].as_str().unwrap()
            )
        );
    }

    let (status, csv, headers) = get_text(
        &server,
        "/v1/netease/playlists/9000000066/export?format=csv&sort=duration&order=desc",
    )
    .await;
    assert_eq!(status, 200, "{csv}");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.starts_with("service,id,title,artists,album,duration_ms,duration,link\r\n"));
    let durations: Vec<u64> = csv
        .split("\r\n")
        .skip(1)
        .filter(|row| !row.is_empty())
        .map(|row| {
            // duration_ms is the third field from the end (the last two never hold commas).
            let fields: Vec<&str> = row.rsplitn(4, ',').collect();
            fields[2].parse().unwrap()
        })
        .collect();
    assert_eq!(durations.len(), tracks.len());
    assert!(durations.windows(2).all(|w| w[0] >= w[1]), "{durations:?}");

    for (query, kind) in [
        ("", "bad_request"),
        ("?format=pdf", "bad_request"),
        ("?format=csv&sort=rating", "bad_request"),
        ("?format=csv&order=up", "bad_request"),
    ] {
        let (status, body) = server
            .get(&format!("/v1/netease/playlists/9000000066/export{query}"))
            .await;
        assert_error(status, &body, 400, kind);
    }
    let (status, body) = server
        .get("/v1/netease/playlists/1/export?format=m3u")
        .await;
    assert_error(status, &body, 404, "not_found");
    server.stop().await;
}

#[tokio::test]
async fn duplicates_are_groups_of_indices() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, groups) = server
        .get("/v1/netease/playlists/9000001200/duplicates")
        .await;
    assert_eq!(status, 200, "{groups}");
    for group in groups.as_array().unwrap() {
        assert!(["same_id", "same_song"].contains(&group["reason"].as_str().unwrap()));
        assert!(group["indices"].as_array().unwrap().len() >= 2);
    }
    let (status, body) = server.get("/v1/qq/playlists/1/duplicates").await;
    assert!(status >= 400, "{body}");
    assert!(body["error"]["kind"].is_string());
    server.stop().await;
}

#[tokio::test]
async fn share_links_open_their_page_and_short_ones_are_resolved_by_the_service() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let open = |link: &str| {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("link", link)
            .finish();
        format!("/v1/share?{query}")
    };
    let cases = [
        (
            "https://music.163.com/#/playlist?id=131149308",
            ("netease", "playlist", "131149308"),
            "https://music.163.com/playlist?id=131149308",
        ),
        (
            "分享歌单: http://163cn.tv/duetList (来自@网易云音乐)",
            ("netease", "playlist", "131149308"),
            "https://music.163.com/playlist?id=131149308",
        ),
        (
            "https://163cn.tv/duetSong",
            ("netease", "track", "551816010"),
            "https://music.163.com/song?id=551816010",
        ),
        (
            "https://163cn.tv/duetAlbum",
            ("netease", "album", "34930257"),
            "https://music.163.com/album?id=34930257",
        ),
        (
            "https://163cn.tv/duetArtist",
            ("netease", "artist", "6731"),
            "https://music.163.com/artist?id=6731",
        ),
        (
            "https://c6.y.qq.com/base/fcgi-bin/u?__=duetList",
            ("qq", "playlist", "211111"),
            "https://y.qq.com/n/ryqq/playlist/211111",
        ),
        (
            "《晴天》https://c6.y.qq.com/base/fcgi-bin/u?__=duetSong @QQ音乐",
            ("qq", "track", "000JHYA12lx3kP"),
            "https://y.qq.com/n/ryqq/songDetail/000JHYA12lx3kP",
        ),
        (
            "https://c6.y.qq.com/base/fcgi-bin/u?__=duetAlbum",
            ("qq", "album", "002MAeob3zLXwZ"),
            "https://y.qq.com/n/ryqq/albumDetail/002MAeob3zLXwZ",
        ),
        (
            "https://c6.y.qq.com/base/fcgi-bin/u?__=duetArtist",
            ("qq", "artist", "0025NhlN2yWrP4"),
            "https://y.qq.com/n/ryqq/singer/0025NhlN2yWrP4",
        ),
    ];
    for (link, (provider, kind, id), canonical) in cases {
        let (status, page) = server.get(&open(link)).await;
        assert_eq!(status, 200, "{link}: {page}");
        assert_eq!(
            (&page["provider"], &page["kind"], &page["id"], &page["url"]),
            (
                &serde_json::json!(provider),
                &serde_json::json!(kind),
                &serde_json::json!(id),
                &serde_json::json!(canonical)
            ),
            "{link}"
        );
    }

    // A code the service does not know, a short link to a page Duet has not, and bad input.
    let (status, body) = server.get(&open("https://163cn.tv/nope")).await;
    assert_error(status, &body, 404, "not_found");
    assert_eq!(body["error"]["provider"], "netease");
    let (status, body) = server.get(&open("https://163cn.tv/duetDj")).await;
    assert_error(status, &body, 451, "unavailable");
    let (status, body) = server
        .get(&open("https://c6.y.qq.com/base/fcgi-bin/u?__=nope"))
        .await;
    assert_error(status, &body, 404, "not_found");
    assert_eq!(body["error"]["provider"], "qq");
    for bad in [
        "周杰伦 晴天",
        "https://evil.example/song?id=1",
        "https://music.163.com/song?id=abc",
        "https://y.qq.com/n/ryqq/mv/abc",
    ] {
        let (status, body) = server.get(&open(bad)).await;
        assert_error(status, &body, 400, "bad_request");
    }
    let (status, body) = server.get("/v1/share").await;
    assert_error(status, &body, 400, "bad_request");
    server.stop().await;
}
