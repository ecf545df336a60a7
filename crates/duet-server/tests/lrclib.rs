//! `GET /v1/{provider}/tracks/{id}/lyrics?fallback=lrclib` through the real binary: a NetEase
//! song without lyrics (`nolyric`) gets LRCLIB's, marked as such; without the parameter LRCLIB
//! is never asked; a song with lyrics never reaches LRCLIB; LRCLIB failing leaves "no lyrics", saying why.

mod common;

use common::*;
use duet_fake_upstream::lrclib::NETEASE_NOLYRIC_SONG;
use duet_fake_upstream::{FakeUpstream, Fault, FaultKind};
use serde_json::json;

fn lrclib_requests(fake: &FakeUpstream) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.host == "lrclib.net")
        .map(|r| format!("{} {}", r.logical_path, r.status))
        .collect()
}

#[tokio::test]
async fn a_song_without_lyrics_gets_lrclibs_only_when_asked() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let path = format!("/v1/netease/tracks/{NETEASE_NOLYRIC_SONG}/lyrics");

    let (status, own) = server.get(&path).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["instrumental"], true);
    assert!(own.get("source").is_none(), "{own}");
    assert!(
        lrclib_requests(&fake).is_empty(),
        "not asked without the parameter"
    );

    let (status, found) = server.get(&format!("{path}?fallback=lrclib")).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["source"], json!({"site": "lrclib", "synced": true}));
    assert_eq!(found["instrumental"], false);
    assert_eq!(found["track_id"], NETEASE_NOLYRIC_SONG.to_string());
    assert_eq!(
        found["lines"],
        json!([
            {"start_ms": 1000, "text": format!("LRCLIB's words for Track {NETEASE_NOLYRIC_SONG}")},
            {"start_ms": 3000, "text": "A second line from LRCLIB"},
        ])
    );
    assert_eq!(lrclib_requests(&fake), ["/api/get 200"]);

    // Kept for the server's life: asked once.
    let (_, again) = server.get(&format!("{path}?fallback=lrclib")).await;
    assert_eq!(again, found);
    assert_eq!(lrclib_requests(&fake), ["/api/get 200"]);
    server.stop().await;
}

#[tokio::test]
async fn a_song_with_lyrics_never_reaches_lrclib_and_a_bad_fallback_is_refused() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, own) = server
        .get("/v1/netease/tracks/347230/lyrics?fallback=lrclib")
        .await;
    assert_eq!(status, 200, "{own}");
    assert!(own["lines"].as_array().unwrap().len() > 20);
    assert!(own.get("source").is_none());
    assert!(lrclib_requests(&fake).is_empty());

    let (status, body) = server
        .get("/v1/netease/tracks/347230/lyrics?fallback=genius")
        .await;
    assert_error(status, &body, 400, "bad_request");
    server.stop().await;
}

#[tokio::test]
async fn lrclib_failing_leaves_no_lyrics_not_an_error() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    fake.fail(Fault::new(FaultKind::ServerError).path("lrclib.net"));
    let (status, own) = server
        .get(&format!(
            "/v1/netease/tracks/{NETEASE_NOLYRIC_SONG}/lyrics?fallback=lrclib"
        ))
        .await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["instrumental"], true);
    assert!(own.get("source").is_none(), "{own}");
    assert_eq!(own["second_source_error"]["kind"], "upstream", "{own}");
    assert_eq!(lrclib_requests(&fake), ["/api/get 500"]);

    fake.fail(Fault::new(FaultKind::Truncated).path("lrclib.net"));
    let (status, own) = server
        .get(&format!(
            "/v1/netease/tracks/{NETEASE_NOLYRIC_SONG}/lyrics?fallback=lrclib"
        ))
        .await;
    assert_eq!(status, 200, "{own}");
    assert!(own.get("source").is_none(), "{own}");
    assert_eq!(own["second_source_error"]["kind"], "upstream", "{own}");
    // Up again: asked again (a failure is not remembered), and nothing is said of it.
    let (_, lrclib) = server
        .get(&format!(
            "/v1/netease/tracks/{NETEASE_NOLYRIC_SONG}/lyrics?fallback=lrclib"
        ))
        .await;
    assert_eq!(lrclib["source"]["site"], "lrclib", "{lrclib}");
    assert!(lrclib.get("second_source_error").is_none(), "{lrclib}");
    server.stop().await;
}
