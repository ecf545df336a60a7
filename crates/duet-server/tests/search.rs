//! `GET /v1/search` through duet-server against the fake: one merged page across the logged-in
//! services (晴天 once, with QQ Music's listing under also_on), a service not logged in listed as
//! such, a failing service's error in its own part, and the same 400s as `/v1/{provider}/search`.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins;
use duet_fake_upstream::{Fault, FaultKind};
use serde_json::{json, Value};

fn part<'a>(body: &'a Value, provider: &str) -> &'a Value {
    body["parts"]
        .as_array()
        .unwrap_or_else(|| panic!("no parts: {body}"))
        .iter()
        .find(|p| p["provider"] == provider)
        .unwrap_or_else(|| panic!("no {provider} part: {body}"))
}

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().unwrap_or_else(|| panic!("{body}"))
}

#[tokio::test]
async fn one_page_across_both_services_with_each_part_s_state() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let twin = twins::twin_titled("晴天").unwrap();
    let path = "/v1/search?q=%E6%99%B4%E5%A4%A9&type=track&page=1&page_size=10";

    // Neither logged in: nothing asked, each listed as such, not an error of the request.
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        part(&body, "netease"),
        &json!({"provider": "netease", "status": "not_logged_in"})
    );
    assert_eq!(
        part(&body, "qq"),
        &json!({"provider": "qq", "status": "not_logged_in"})
    );
    assert_eq!(body["type"], "track");
    assert!(items(&body).is_empty());
    assert_eq!(body["has_more"], false);

    server.login(&fake).await;
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(part(&body, "netease")["status"], "ok", "{body}");
    assert_eq!(part(&body, "qq")["status"], "not_logged_in");
    assert!(items(&body)
        .iter()
        .all(|m| m["track"]["provider"] == "netease" && m["also_on"] == json!([])));

    let issued = fake.qq().issue_session(QqAccount::Qq);
    let cookie = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    let (status, login) = server
        .post("/v1/qq/login/cookie", Some(json!({ "cookie": cookie })))
        .await;
    assert_eq!(status, 200, "{login}");

    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["query"], "晴天");
    assert_eq!(
        (body["page"].as_u64(), body["page_size"].as_u64()),
        (Some(1), Some(10))
    );
    for provider in ["netease", "qq"] {
        let part = part(&body, provider);
        assert_eq!(part["status"], "ok", "{part}");
        assert!(part["total"].as_u64().unwrap() > 10, "{part}");
        assert_eq!(part["has_more"], true);
        assert_eq!(part["count"], 10);
    }
    assert_eq!(body["has_more"], true);
    let first = &items(&body)[0];
    assert_eq!(first["track"]["provider"], "netease");
    assert_eq!(first["track"]["id"], twin.netease.track_id());
    assert_eq!(first["also_on"].as_array().unwrap().len(), 1, "{first}");
    assert_eq!(first["also_on"][0]["provider"], "qq");
    assert_eq!(first["also_on"][0]["id"], twin.qq.track_id());
    let placed = items(&body)
        .iter()
        .filter(|m| m["track"]["id"] == twin.qq.track_id())
        .count();
    assert_eq!(placed, 0, "QQ Music's 晴天 is not placed a second time");

    // NetEase failing: its part carries its error, QQ Music's results are whole.
    fake.fail(
        Fault::new(FaultKind::ServerError)
            .path("/api/cloudsearch/pc")
            .times(10),
    );
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{body}");
    let netease = part(&body, "netease");
    assert_eq!(netease["status"], "error", "{netease}");
    assert_eq!(netease["error"]["kind"], "upstream");
    assert_eq!(netease["error"]["provider"], "netease");
    assert_eq!(part(&body, "qq")["status"], "ok");
    assert_eq!(items(&body).len(), 10);
    assert!(items(&body).iter().all(|m| m["track"]["provider"] == "qq"));
}

#[tokio::test]
async fn albums_interleave_and_bad_input_is_the_per_service_route_s_400() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    server.login(&fake).await;

    let (status, body) = server.get("/v1/search?q=jay&type=album&page_size=5").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], "album");
    assert_eq!(items(&body).len(), 5);
    assert!(items(&body)
        .iter()
        .all(|a| a["provider"] == "netease" && a["name"].is_string()));

    for query in [
        "q=jay&type=song",
        "type=track",
        "q=%20&type=track",
        "q=jay&page_size=0",
        "q=jay&page_size=101",
        "q=jay&page=0",
        "q=jay&page=two",
    ] {
        let (status, body) = server.get(&format!("/v1/search?{query}")).await;
        assert_error(status, &body, 400, "bad_request");
        let (_, own) = server.get(&format!("/v1/netease/search?{query}")).await;
        assert_eq!(
            body, own,
            "{query}: the same error as a service's own search"
        );
    }
}
