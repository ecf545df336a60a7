//! Podcasts through duet-server against the fake: the subscribed list, a podcast's header, its
//! episodes paged newest first, subscribe and unsubscribe kept and read back, and the README's
//! error object for a missing login, a malformed or unknown id, a bad page and QQ Music (which
//! offers none).

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;

async fn call(server: &Server, method: Method, path: &str) -> (u16, Value) {
    let response = server
        .http
        .request(method, server.url(path))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, json_body(&response.bytes().await.unwrap()))
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn netease_podcasts_round_trip() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, body) = server.get("/v1/netease/me/podcasts").await;
    assert_error(status, &body, 401, "not_logged_in");
    let (status, body) = call(&server, Method::PUT, "/v1/netease/me/podcasts/7770000003").await;
    assert_error(status, &body, 401, "not_logged_in");
    server.login(&fake).await;

    let (status, list) = server.get("/v1/netease/me/podcasts").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(ids(&list), ["7770000001", "7770000002"]);
    assert_eq!(list[0]["episode_count"], 64);
    assert_eq!(list[0]["host"]["name"], "Ada Night");
    assert_eq!(list[0]["subscribed"], true);

    let (status, podcast) = server.get("/v1/netease/podcasts/7770000001").await;
    assert_eq!(status, 200, "{podcast}");
    assert_eq!(podcast["name"], "Duet Nightly: Code & Coffee");
    let (status, first) = server.get("/v1/netease/podcasts/7770000001/episodes").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["page"], 1);
    assert_eq!(first["total"], 64);
    assert_eq!(first["has_more"], true);
    assert_eq!(first["episodes"].as_array().unwrap().len(), 30);
    assert_eq!(first["episodes"][0]["number"], 64);
    assert!(first["episodes"][0]["track"]["id"].is_string());
    let (_, last) = server
        .get("/v1/netease/podcasts/7770000001/episodes?page=3")
        .await;
    assert_eq!(last["has_more"], false, "{last}");
    assert_eq!(last["episodes"].as_array().unwrap().len(), 4);
    assert_eq!(last["episodes"][3]["number"], 1);

    let (status, body) = call(&server, Method::PUT, "/v1/netease/me/podcasts/7770000003").await;
    assert_eq!(status, 204, "{body}");
    let (_, list) = server.get("/v1/netease/me/podcasts").await;
    assert_eq!(ids(&list)[0], "7770000003");
    let (_, podcast) = server.get("/v1/netease/podcasts/7770000003").await;
    assert_eq!(podcast["subscribed"], true);
    let (status, _) = call(
        &server,
        Method::DELETE,
        "/v1/netease/me/podcasts/7770000003",
    )
    .await;
    assert_eq!(status, 204);
    let (_, list) = server.get("/v1/netease/me/podcasts").await;
    assert_eq!(ids(&list), ["7770000001", "7770000002"]);
    assert_eq!(fake.netease().subscribed_podcast_ids().len(), 2);
}

#[tokio::test]
async fn podcast_errors_answer_the_error_object() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, body) = server.get("/v1/netease/podcasts/not-a-number").await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = server.get("/v1/netease/podcasts/7770000999").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = server.get("/v1/netease/podcasts/7770000999/episodes").await;
    assert_error(status, &body, 404, "not_found");
    for page in ["0", "2001", "x"] {
        let (status, body) = server
            .get(&format!(
                "/v1/netease/podcasts/7770000001/episodes?page={page}"
            ))
            .await;
        assert_error(status, &body, 400, "bad_request");
    }
    let (status, body) = server.get("/v1/qq/me/podcasts").await;
    assert_error(status, &body, 403, "declined");
    let (status, body) = server.get("/v1/qq/podcasts/123").await;
    assert_error(status, &body, 403, "declined");
    let (status, body) = server.get("/v1/nope/me/podcasts").await;
    assert_error(status, &body, 400, "bad_request");
}
