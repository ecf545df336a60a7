//! Personal FM and heartbeat mode through duet-server's `/v1` against the fake: batches come,
//! a trash lands once and its song never comes back, the heartbeat queue starts from the song
//! asked, and refusals answer the README's error object. QQ Music's radio (猜你喜欢) answers
//! too; its trash and heartbeat are `declined`.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one).
#![cfg(target_os = "linux")]

mod common;

use common::*;
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{Fault, FaultKind};
use serde_json::{json, Value};

fn ids(tracks: &Value) -> Vec<String> {
    tracks
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn netease_fm_trash_and_heartbeat_round_trip() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, body) = server.get("/v1/netease/fm").await;
    assert_error(status, &body, 401, "not_logged_in");
    server.login(&fake).await;

    let (status, batch) = server.get("/v1/netease/fm").await;
    assert_eq!(status, 200, "{batch}");
    let first = ids(&batch);
    assert_eq!(first.len(), 3);
    assert_eq!(batch[0]["provider"], "netease");
    assert!(batch[0]["album"]["cover_url"].is_string(), "{batch}");

    let (status, body) = server
        .post(&format!("/v1/netease/fm/trash/{}", first[0]), None)
        .await;
    assert_eq!(status, 204, "{body}");
    let trashed = fake.netease().fm_trashed();
    assert_eq!(trashed.len(), 1);
    assert_eq!(trashed[0].song_id.to_string(), first[0]);
    for _ in 0..25 {
        let (_, batch) = server.get("/v1/netease/fm").await;
        assert!(!ids(&batch).contains(&first[0]), "{batch}");
    }

    let (status, queue) = server
        .get("/v1/netease/heartbeat?track=347230&playlist=24381616")
        .await;
    assert_eq!(status, 200, "{queue}");
    let queue = ids(&queue);
    assert_eq!(queue[0], "347230");
    assert!(queue.len() > 1);

    for bad in [
        "/v1/netease/heartbeat?track=347230",
        "/v1/netease/heartbeat?playlist=24381616",
        "/v1/netease/heartbeat?track=&playlist=24381616",
        "/v1/netease/heartbeat?track=abc&playlist=24381616",
    ] {
        let (status, body) = server.get(bad).await;
        assert_error(status, &body, 400, "bad_request");
    }
    let (status, body) = server.post("/v1/netease/fm/trash/abc", None).await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = server
        .get("/v1/netease/heartbeat?track=347230&playlist=9404000001")
        .await;
    assert_error(status, &body, 404, "not_found");

    fake.netease()
        .fail(Fault::new(FaultKind::RateLimit).path("/radio/trash/add"));
    let (status, body) = server
        .post(&format!("/v1/netease/fm/trash/{}", first[1]), None)
        .await;
    assert_error(status, &body, 429, "rate_limited");
    assert_eq!(fake.netease().fm_trashed().len(), 1, "nothing retried");
}

#[tokio::test]
async fn qq_music_offers_its_radio_but_no_trash_or_heartbeat() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (status, body) = server.get("/v1/qq/fm").await;
    assert_error(status, &body, 401, "not_logged_in");
    assert_eq!(body["error"]["provider"], "qq");
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
    let (status, batch) = server.get("/v1/qq/fm").await;
    assert_eq!(status, 200, "{batch}");
    assert_eq!(ids(&batch).len(), 5);
    assert_eq!(batch[0]["provider"], "qq");
    let (status, body) = server
        .get("/v1/qq/heartbeat?track=0039MnYb0qxYhV&playlist=liked")
        .await;
    assert_error(status, &body, 403, "declined");
    let (status, body) = server.post("/v1/qq/fm/trash/0039MnYb0qxYhV", None).await;
    assert_error(status, &body, 403, "declined");
}
