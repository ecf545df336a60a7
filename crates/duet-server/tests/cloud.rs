//! The cloud disk through duet-server against the fake: the listing and the search within it,
//! an upload of a real file (octet-stream body) that then lists, plays and is deleted, and every
//! refusal with the README's status and kind.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use serde_json::Value;

fn tone() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../duet-fake-upstream/audio/tone.mp3"
    ))
    .unwrap()
}

async fn upload(server: &Server, query: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(server.url(&format!("/v1/netease/me/cloud{query}")))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, json_body(&answer.bytes().await.unwrap()))
}

#[tokio::test]
async fn the_cloud_disk_lists_searches_uploads_and_plays() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;

    let (status, body) = server.get("/v1/netease/me/cloud").await;
    assert_error(status, &body, 401, "not_logged_in");
    let (status, body) = upload(&server, "?name=a.mp3", "application/octet-stream", tone()).await;
    assert_error(status, &body, 401, "not_logged_in");

    server.login(&fake).await;
    let (status, page) = server.get("/v1/netease/me/cloud?page=1").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["provider"], "netease");
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"][1]["track"]["title"], "rehearsal 2019-03-02");
    assert_eq!(page["items"][2]["matched"]["id"], "347230");
    assert!(page["capacity_bytes"].as_u64().unwrap() > 0);

    let (status, found) = server.get("/v1/netease/me/cloud?q=Beyond").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["track"]["id"], "347230");
    for bad in ["?page=0", "?page=two", "?q=%20"] {
        let (status, body) = server.get(&format!("/v1/netease/me/cloud{bad}")).await;
        assert_error(status, &body, 400, "bad_request");
    }

    let (status, uploaded) = upload(
        &server,
        "?name=%E6%88%91%E7%9A%84%20demo.mp3",
        "application/octet-stream",
        tone(),
    )
    .await;
    assert_eq!(status, 201, "{uploaded}");
    assert_eq!(uploaded["file_name"], "我的 demo.mp3");
    assert_eq!(uploaded["file_size"], tone().len());
    let id = uploaded["track"]["id"].as_str().unwrap().to_owned();
    let (_, page) = server.get("/v1/netease/me/cloud").await;
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"][0]["track"]["id"], id);
    let (status, url) = server.get(&format!("/v1/netease/tracks/{id}/url")).await;
    assert_eq!(status, 200, "{url}");
    let audio = reqwest::get(url["url"].as_str().unwrap()).await.unwrap();
    assert!(audio.status().is_success());

    let (status, body) = upload(
        &server,
        "?name=again.mp3",
        "application/octet-stream",
        tone(),
    )
    .await;
    assert_error(status, &body, 409, "already_exists");

    // Deleted: once, and gone from the listing; a second time the service has no such upload.
    let (status, body) = server.delete(&format!("/v1/netease/me/cloud/{id}")).await;
    assert_eq!(status, 204, "{body}");
    let (_, page) = server.get("/v1/netease/me/cloud").await;
    assert_eq!(page["total"], 3);
    let (status, body) = server.delete(&format!("/v1/netease/me/cloud/{id}")).await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = server.delete("/v1/netease/me/cloud/abc").await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = server.delete("/v1/qq/me/cloud/1").await;
    assert_error(status, &body, 403, "declined");
    let deletes = fake
        .requests()
        .iter()
        .filter(|r| r.logical_path == "/api/cloud/del")
        .count();
    assert_eq!(deletes, 2, "the bad id and QQ Music sent nothing");
}

#[tokio::test]
async fn refused_uploads_say_why() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    server.login(&fake).await;
    let octets = "application/octet-stream";
    let cases = [
        (
            "?name=notes.txt",
            octets,
            b"hello".to_vec(),
            400,
            "bad_request",
        ),
        (
            "?name=fake.mp3",
            octets,
            b"<html>".repeat(50),
            400,
            "bad_request",
        ),
        ("", octets, tone(), 400, "bad_request"),
        ("?name=a.mp3", octets, Vec::new(), 400, "bad_request"),
        (
            "?name=a.mp3",
            "text/plain",
            tone(),
            415,
            "unsupported_media_type",
        ),
        (
            "?name=a.mp3",
            "multipart/form-data; boundary=x",
            tone(),
            415,
            "unsupported_media_type",
        ),
    ];
    for (query, content_type, body, want, kind) in cases {
        let (status, answer) = upload(&server, query, content_type, body).await;
        assert_error(status, &answer, want, kind);
    }
    let (_, page) = server.get("/v1/netease/me/cloud").await;
    assert_eq!(page["total"], 3, "nothing was added");
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.logical_path.contains("/cloud/upload")),
        "nothing reached the service"
    );

    // QQ Music has no cloud disk Duet can reach.
    let (status, body) = server.get("/v1/qq/me/cloud").await;
    assert_error(status, &body, 403, "declined");
    let answer = reqwest::Client::new()
        .post(server.url("/v1/qq/me/cloud?name=a.mp3"))
        .header("Content-Type", octets)
        .body(tone())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    assert_error(
        status,
        &json_body(&answer.bytes().await.unwrap()),
        403,
        "declined",
    );
}
