//! Likes and the account's own playlists through duet-server's `/v1` against the fake: each
//! route writes once and the write reads back through the ordinary routes; each refusal answers
//! with its kind and status.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one).
#![cfg(target_os = "linux")]

mod common;

use common::*;
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{Fault, FaultKind};
use reqwest::Method;
use serde_json::{json, Value};

async fn call(server: &Server, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = server.http.request(method, server.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, json_body(&response.bytes().await.unwrap()))
}

fn ids(playlist: &Value) -> Vec<String> {
    playlist["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn in_library(server: &Server, provider: &str, id: &str) -> Option<Value> {
    let (status, mine) = server.get(&format!("/v1/{provider}/me/playlists")).await;
    assert_eq!(status, 200, "{mine}");
    mine.as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
}

#[tokio::test]
async fn netease_likes_and_playlists_round_trip() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, body) = call(&server, Method::PUT, "/v1/netease/me/likes/347230", None).await;
    assert_error(status, &body, 401, "not_logged_in");
    server.login(&fake).await;

    // Like: the id set and the liked-songs playlist both show it at once.
    let (status, before) = server.get("/v1/netease/me/likes").await;
    assert_eq!(status, 200, "{before}");
    let before = before["ids"].as_array().unwrap().len();
    let (status, body) = call(&server, Method::PUT, "/v1/netease/me/likes/347230", None).await;
    assert_eq!(status, 204, "{body}");
    let (_, likes) = server.get("/v1/netease/me/likes").await;
    assert_eq!(likes["ids"][0], "347230");
    assert_eq!(likes["ids"].as_array().unwrap().len(), before + 1);
    let (_, liked) = server.get("/v1/netease/playlists/24381616").await;
    assert_eq!(liked["liked"], true);
    assert_eq!(ids(&liked)[0], "347230");
    let (status, _) = call(&server, Method::DELETE, "/v1/netease/me/likes/347230", None).await;
    assert_eq!(status, 204);
    let (_, likes) = server.get("/v1/netease/me/likes").await;
    assert_eq!(likes["ids"].as_array().unwrap().len(), before);

    // Create, add several at once, remove one, rename, delete.
    let (status, created) = server
        .post(
            "/v1/netease/me/playlists",
            Some(json!({"name": "Road trip"})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "Road trip");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(in_library(&server, "netease", &id).await.is_some());
    let tracks = json!({"track_ids": ["347230", "700000001", "700000002"]});
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/v1/netease/playlists/{id}/tracks"),
        Some(tracks),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("/v1/netease/playlists/{id}/tracks?ids=700000001"),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, read) = server.get(&format!("/v1/netease/playlists/{id}")).await;
    assert_eq!(ids(&read), ["347230", "700000002"]);
    let (status, body) = call(
        &server,
        Method::PATCH,
        &format!("/v1/netease/playlists/{id}"),
        Some(json!({"name": "Night drive"})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(
        in_library(&server, "netease", &id).await.unwrap()["name"],
        "Night drive"
    );
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/v1/netease/playlists/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert!(in_library(&server, "netease", &id).await.is_none());

    // Follow someone else's playlist; changing it is not_owner.
    let other = "131149308";
    let path = format!("/v1/netease/playlists/{other}/follow");
    let (status, body) = call(&server, Method::PUT, &path, None).await;
    assert_eq!(status, 204, "{body}");
    assert!(in_library(&server, "netease", other).await.is_some());
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/v1/netease/playlists/{other}/tracks"),
        Some(json!({"track_ids": ["347230"]})),
    )
    .await;
    assert_error(status, &body, 403, "not_owner");
    let (status, _) = call(&server, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    assert!(in_library(&server, "netease", other).await.is_none());
}

#[tokio::test]
async fn refusals_answer_with_their_kind_and_are_not_retried() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    server.login(&fake).await;

    fake.netease().clear_requests();
    fake.netease()
        .fail(Fault::new(FaultKind::RateLimit).path("/radio/like"));
    let (status, body) = call(&server, Method::PUT, "/v1/netease/me/likes/347230", None).await;
    assert_error(status, &body, 429, "rate_limited");
    let likes = fake
        .requests()
        .iter()
        .filter(|r| r.logical_path == "/api/radio/like")
        .count();
    assert_eq!(likes, 1, "a refused write is made once");

    fake.netease()
        .fail(Fault::new(FaultKind::RiskControlVerify).path("/playlist/create"));
    let (status, body) = server
        .post("/v1/netease/me/playlists", Some(json!({"name": "x"})))
        .await;
    assert_error(status, &body, 403, "verification_required");

    for (method, path, body) in [
        (Method::PUT, "/v1/netease/me/likes/abc", None),
        (
            Method::POST,
            "/v1/netease/me/playlists",
            Some(json!({"name": "  "})),
        ),
        (
            Method::POST,
            "/v1/netease/me/playlists",
            Some(json!({"title": "x"})),
        ),
        (
            Method::PATCH,
            "/v1/netease/playlists/9000000066",
            Some(json!({"name": "a\u{0}"})),
        ),
        (
            Method::POST,
            "/v1/netease/playlists/9000000066/tracks",
            Some(json!({"track_ids": []})),
        ),
        (
            Method::DELETE,
            "/v1/netease/playlists/9000000066/tracks",
            None,
        ),
        (Method::PUT, "/v1/netease/playlists/<b>/follow", None),
    ] {
        let (status, answer) = call(&server, method, path, body).await;
        assert_error(status, &answer, 400, "bad_request");
    }
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/netease/playlists/8000000001/tracks",
        Some(json!({"track_ids": ["347230"]})),
    )
    .await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/netease/playlists/9000000066/follow",
        None,
    )
    .await;
    assert_error(status, &body, 403, "not_owner");
}

#[tokio::test]
async fn qq_likes_and_playlists_round_trip() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let issued = fake.qq().issue_session(QqAccount::Qq);
    let cookie = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    let (status, body) = server
        .post("/v1/qq/login/cookie", Some(json!({ "cookie": cookie })))
        .await;
    assert_eq!(status, 200, "{body}");

    let (_, own) = server.get("/v1/qq/playlists/8000000030").await;
    let song = ids(&own)[25].clone();
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/v1/qq/me/likes/{song}"),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, likes) = server.get("/v1/qq/me/likes").await;
    assert_eq!(likes["ids"][0], song.as_str());
    let (_, liked) = server.get("/v1/qq/playlists/liked").await;
    assert_eq!(ids(&liked)[0], song);
    assert_eq!(
        fake.qq().liked_song_ids(QqAccount::Qq).len(),
        likes["ids"].as_array().unwrap().len()
    );

    let (status, created) = server
        .post("/v1/qq/me/playlists", Some(json!({"name": "通勤"})))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/v1/qq/playlists/{id}/tracks"),
        Some(json!({ "track_ids": [song] })),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, read) = server.get(&format!("/v1/qq/playlists/{id}")).await;
    assert_eq!(ids(&read), [song]);

    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/qq/playlists/8000000007/follow",
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert!(in_library(&server, "qq", "8000000007").await.is_some());
    let (status, body) = call(&server, Method::DELETE, "/v1/qq/playlists/8000000007", None).await;
    assert_error(status, &body, 403, "not_owner");
    let (status, body) = call(&server, Method::DELETE, "/v1/qq/playlists/liked", None).await;
    assert_error(status, &body, 403, "declined");
}
