//! Album and artist pages through duet-server against the fake, for both services: the routes
//! answer the model, page an artist's albums, and answer malformed and unknown ids with the
//! README's error object and status.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;

#[tokio::test]
async fn albums_and_artists_of_both_services() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;

    let (status, album) = server.get("/v1/netease/albums/6660002000").await;
    assert_eq!(status, 200, "{album}");
    assert_eq!(album["provider"], "netease");
    assert_eq!(album["tracks"].as_array().unwrap().len(), 2000);
    assert_eq!(album["artists"][0]["id"], "6660000300");
    assert!(album["description"].is_string());

    let (status, album) = server.get("/v1/qq/albums/00AlDuetHostl0").await;
    assert_eq!(status, 200, "{album}");
    assert!(album["name"]
        .as_str()
        .unwrap()
        .starts_with("<img src=x onerror=alert(1)>"));
    assert_eq!(album["tracks"].as_array().unwrap().len(), 66);

    for (provider, id) in [("netease", "6660000300"), ("qq", "00SgDuetMany00")] {
        let (status, artist) = server.get(&format!("/v1/{provider}/artists/{id}")).await;
        assert_eq!(status, 200, "{artist}");
        assert_eq!(artist["id"], id);
        assert_eq!(artist["top_tracks"].as_array().unwrap().len(), 50);
        assert!(artist["similar"].is_array());

        let (status, first) = server
            .get(&format!("/v1/{provider}/artists/{id}/albums"))
            .await;
        assert_eq!(status, 200, "{first}");
        assert_eq!(first["page"], 1);
        assert_eq!(first["total"], 300);
        assert_eq!(first["has_more"], true);
        assert_eq!(first["albums"].as_array().unwrap().len(), 30);
        let (_, last) = server
            .get(&format!("/v1/{provider}/artists/{id}/albums?page=10"))
            .await;
        assert_eq!(last["has_more"], false, "{last}");
        assert_eq!(last["albums"].as_array().unwrap().len(), 30);
        assert_ne!(first["albums"][0]["id"], last["albums"][0]["id"]);
    }
}

#[tokio::test]
async fn malformed_and_unknown_ids_answer_the_error_object() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    for (path, status, kind) in [
        ("/v1/netease/albums/12a", 400, "bad_request"),
        ("/v1/netease/artists/%3Cscript%3E", 400, "bad_request"),
        (
            "/v1/netease/artists/6660000300/albums?page=0",
            400,
            "bad_request",
        ),
        (
            "/v1/netease/artists/6660000300/albums?page=two",
            400,
            "bad_request",
        ),
        (
            "/v1/netease/artists/6660000300/albums?page=101",
            400,
            "bad_request",
        ),
        ("/v1/qq/albums/short", 400, "bad_request"),
        (
            "/v1/qq/artists/00Sg%3Cb%3E000000/albums",
            400,
            "bad_request",
        ),
        ("/v1/netease/albums/9404000000", 404, "not_found"),
        ("/v1/netease/artists/9404000001", 404, "not_found"),
        ("/v1/netease/artists/9404000001/albums", 404, "not_found"),
        ("/v1/qq/albums/00NxNoSuchAlb0", 404, "not_found"),
        ("/v1/qq/artists/00NxNoSuchSng0", 404, "not_found"),
        ("/v1/spotify/albums/1", 400, "bad_request"),
    ] {
        let (got, body) = server.get(path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["error"]["kind"], kind, "{path}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
}
