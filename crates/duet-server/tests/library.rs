//! Browsing through duet-server against the fake: search, playlists whole however long,
//! lyrics, stream URLs whose audio downloads, comments, recommendations, the check-in button.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn search_every_type_and_page() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;

    let (status, first) = server
        .get("/v1/netease/search?q=hello&type=track&page=1&page_size=10")
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["type"], "track");
    assert_eq!(first["items"].as_array().unwrap().len(), 10);
    assert!(first["total"].as_u64().unwrap() > 10);
    assert_eq!(first["has_more"], true);
    let (_, second) = server
        .get("/v1/netease/search?q=hello&page=2&page_size=10")
        .await;
    let first_ids: Vec<&serde_json::Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert!(second["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| !first_ids.contains(&&t["id"])));

    let total = first["total"].as_u64().unwrap();
    let last_page = total.div_ceil(10);
    let (_, last) = server
        .get(&format!(
            "/v1/netease/search?q=hello&page={last_page}&page_size=10"
        ))
        .await;
    assert_eq!(last["has_more"], false, "{last}");

    for (kind, field) in [
        ("album", "name"),
        ("artist", "name"),
        ("playlist", "track_count"),
    ] {
        let (status, page) = server
            .get(&format!("/v1/netease/search?q=%E5%91%A8&type={kind}"))
            .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["type"], kind);
        let items = page["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{kind}");
        assert!(items.iter().all(|i| !i[field].is_null()), "{kind}: {page}");
    }

    let (status, none) = server.get("/v1/netease/search?q=__nothing__").await;
    assert_eq!(status, 200);
    assert_eq!(
        (none["total"].as_u64(), none["has_more"].as_bool()),
        (Some(0), Some(false))
    );
    assert_eq!(none["items"], json!([]));
    server.stop().await;
}

#[tokio::test]
async fn a_playlist_of_over_a_thousand_tracks_comes_back_whole_and_in_order() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    for count in [1200usize, 10_000] {
        let id = format!("90000{count:05}");
        let (status, playlist) = server.get(&format!("/v1/netease/playlists/{id}")).await;
        assert_eq!(status, 200, "{playlist}");
        let tracks = playlist["tracks"].as_array().unwrap();
        assert_eq!(tracks.len(), count);
        assert_eq!(playlist["track_count"], count);
        let ids: Vec<u64> = tracks
            .iter()
            .map(|t| t["id"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "in the playlist's order"
        );
        assert!(tracks
            .iter()
            .all(|t| !t["title"].as_str().unwrap().is_empty()));
        // The grey and VIP tracks are marked.
        let grey = tracks
            .iter()
            .find(|t| t["id"].as_str().unwrap().ends_with("13"))
            .unwrap();
        assert_eq!(grey["playable"], false);
        assert!(grey["unavailable_reason"]
            .as_str()
            .unwrap()
            .contains("copyright"));
        let vip = tracks
            .iter()
            .find(|t| t["id"].as_str().unwrap().ends_with("77"))
            .unwrap();
        assert_eq!(vip["vip"], true);
    }
    let batches = fake
        .requests()
        .iter()
        .filter(|r| r.logical_path == "/api/v3/song/detail")
        .count();
    assert!(
        batches >= 2 + 10,
        "the rest of the ids were fetched in batches: {batches}"
    );

    // A fixture playlist: 135 ids, two inline tracks.
    let (status, playlist) = server.get("/v1/netease/playlists/2829883282").await;
    if status == 200 {
        assert_eq!(
            playlist["tracks"].as_array().unwrap().len(),
            playlist["track_count"].as_u64().unwrap() as usize
        );
    }

    // Hostile strings come back as data, verbatim.
    let (status, hostile) = server.get("/v1/netease/playlists/9000000066").await;
    assert_eq!(status, 200, "{hostile}");
    assert!(hostile["name"]
        .as_str()
        .unwrap()
        .contains("<img src=x onerror=alert(1)>"));

    let (status, body) = server.get("/v1/netease/playlists/1").await;
    assert_error(status, &body, 404, "not_found");
    server.stop().await;
}

#[tokio::test]
async fn lyrics_with_translation_and_romanisation() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, lyrics) = server.get("/v1/netease/tracks/347230/lyrics").await;
    assert_eq!(status, 200, "{lyrics}");
    assert_eq!(lyrics["instrumental"], false);
    let lines = lyrics["lines"].as_array().unwrap();
    let translated = lines
        .iter()
        .filter(|l| l["translation"].is_string())
        .count();
    assert!(
        translated > 20,
        "{translated} of {} lines translated",
        lines.len()
    );
    assert!(lines.iter().any(|l| l["romanized"].is_string()));
    assert!(
        lines.iter().any(|l| l["words"].is_array()),
        "yrc word timing where present"
    );

    let (status, instrumental) = server.get("/v1/netease/tracks/100099/lyrics").await;
    assert_eq!(status, 200);
    assert_eq!(instrumental["instrumental"], true);
    server.stop().await;
}

#[tokio::test]
async fn stream_urls_download_real_audio_and_carry_trial_and_grey_reasons() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let http = reqwest::Client::new();

    for (quality, magic, format) in [
        ("standard", &b"ID3"[..], "mp3"),
        ("high", &b"ID3"[..], "mp3"),
        ("lossless", &b"fLaC"[..], "flac"),
        ("hires", &b"fLaC"[..], "flac"),
    ] {
        let (status, stream) = server
            .get(&format!("/v1/netease/tracks/347230/url?quality={quality}"))
            .await;
        assert_eq!(status, 200, "{stream}");
        assert_eq!(stream["format"], format);
        assert_eq!(stream["quality"], quality);
        let url = stream["url"].as_str().unwrap();
        assert!(
            url.starts_with(&fake.base_url()),
            "routed through DUET_UPSTREAM: {url}"
        );
        let audio = http.get(url).send().await.unwrap().bytes().await.unwrap();
        assert!(
            audio.starts_with(magic) || (format == "mp3" && audio[0] == 0xFF),
            "{quality}"
        );
        assert_eq!(audio.len() as u64, stream["size"].as_u64().unwrap());
    }

    let (status, vip) = server.get("/v1/netease/tracks/100077/url").await;
    assert_eq!(status, 200, "{vip}");
    assert_eq!(vip["trial"], json!({"start_ms": 30000, "end_ms": 60000}));

    let (status, grey) = server.get("/v1/netease/tracks/100013/url").await;
    assert_error(status, &grey, 451, "unavailable");
    assert_eq!(grey["error"]["upstream_code"], -110);

    let (status, bad) = server
        .get("/v1/netease/tracks/347230/url?quality=ultra")
        .await;
    assert_error(status, &bad, 400, "bad_request");
    server.stop().await;
}

#[tokio::test]
async fn library_comments_recommendations_and_the_checkin_button() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;

    let (status, body) = server.get("/v1/netease/me/playlists").await;
    assert_error(status, &body, 401, "not_logged_in");
    let (status, body) = server.get("/v1/netease/recommend/tracks").await;
    assert_error(status, &body, 401, "not_logged_in");
    let (status, body) = server.post("/v1/netease/checkin", None).await;
    assert_error(status, &body, 401, "not_logged_in");

    server.login(&fake).await;
    let (status, playlists) = server.get("/v1/netease/me/playlists").await;
    assert_eq!(status, 200, "{playlists}");
    let playlists = playlists.as_array().unwrap();
    assert!(playlists.len() >= 3);
    assert!(playlists.iter().all(|p| p.get("tracks").is_none()));

    let (status, daily) = server.get("/v1/netease/recommend/tracks").await;
    assert_eq!(status, 200, "{daily}");
    assert!(!daily.as_array().unwrap().is_empty());

    let (status, track) = server.get("/v1/netease/tracks/347230").await;
    assert_eq!(status, 200, "{track}");
    assert_eq!(track["title"], "海阔天空");

    let (status, page) = server.get("/v1/netease/tracks/347230/comments").await;
    assert_eq!(status, 200, "{page}");
    assert!(!page["hot"].as_array().unwrap().is_empty());
    let before = page["comments"].as_array().unwrap().len();
    assert!(before > 0);

    let text = "好听 <b>\"quoted\"</b> 🎵";
    let (status, posted) = server
        .post(
            "/v1/netease/tracks/347230/comments",
            Some(json!({ "content": text })),
        )
        .await;
    assert_eq!(status, 201, "{posted}");
    assert_eq!(posted["content"], text);
    let (_, page) = server.get("/v1/netease/tracks/347230/comments").await;
    assert_eq!(page["comments"][0]["content"], text);

    let (status, body) = server
        .post(
            "/v1/netease/tracks/347230/comments",
            Some(json!({ "content": "   " })),
        )
        .await;
    assert_error(status, &body, 400, "bad_request");

    let (status, first) = server.post("/v1/netease/checkin", None).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["already_done"], false);
    let (_, second) = server.post("/v1/netease/checkin", None).await;
    assert_eq!(second["already_done"], true);
    let checkins = fake
        .requests()
        .iter()
        .filter(|r| r.logical_path == "/api/point/dailyTask")
        .count();
    assert_eq!(
        checkins, 3,
        "the check-in reaches the service only when asked: once logged out, twice logged in"
    );

    server.post("/v1/netease/logout", None).await;
    server.stop().await;
}
