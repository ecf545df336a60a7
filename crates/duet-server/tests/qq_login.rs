//! QQ Music's two QR logins through `/v1/qq` into a real Secret Service, both services logged
//! in at once, and a restart that restores both.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::time::{Duration, Instant};

use common::*;
use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::qq::{QqAccount, QqLoginMethod};
use serde_json::Value;

async fn wait_for(server: &Server, key: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = server.get(&format!("/v1/qq/login/qr/{key}")).await;
        assert_eq!(status, 200, "{body}");
        if body["state"] == state {
            return body;
        }
        assert!(Instant::now() < deadline, "still {}: {body}", body["state"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts a QR login of `method` and returns (our key, the fake's id of the code).
async fn start(
    server: &Server,
    fake: &duet_fake_upstream::FakeUpstream,
    method: &str,
) -> (String, String) {
    let (status, qr) = server
        .post(&format!("/v1/qq/login/qr?method={method}"), None)
        .await;
    assert_eq!(status, 200, "{qr}");
    assert_eq!(qr["provider"], "qq");
    assert_eq!(qr["method"], method);
    assert_eq!(
        qr["qr_url"],
        Value::Null,
        "the service draws the code itself"
    );
    let mime = if method == "wechat" {
        "image/jpeg"
    } else {
        "image/png"
    };
    assert!(
        qr["qr_png"]
            .as_str()
            .unwrap()
            .starts_with(&format!("data:{mime};base64,")),
        "{}",
        &qr["qr_png"].as_str().unwrap()[..40]
    );
    let fake_method = match method {
        "qq" => QqLoginMethod::Qq,
        "qqmusic" => QqLoginMethod::QqMusic,
        _ => QqLoginMethod::Wechat,
    };
    let id = fake
        .qq()
        .pending_qr()
        .into_iter()
        .rev()
        .find(|q| q.method == fake_method)
        .expect("the fake issued a code")
        .id;
    (qr["key"].as_str().unwrap().to_owned(), id)
}

fn stored_qq(service: &str) -> Option<String> {
    keychain(service)
        .load(ProviderId::Qq)
        .expect("a Secret Service must be running (./dev test starts one)")
        .map(|s| s.expose().to_owned())
}

#[tokio::test]
async fn qq_and_wechat_logins_land_in_the_keychain_beside_netease_and_survive_a_restart() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;

    // NetEase first, then QQ Music by QQ while a WeChat code is on screen too.
    server.login(&fake).await;
    let (qq_key, qq_id) = start(&server, &fake, "qq").await;
    let (wx_key, _wx_id) = start(&server, &fake, "wechat").await;
    wait_for(&server, &qq_key, "waiting").await;
    wait_for(&server, &wx_key, "waiting").await;
    assert!(fake.qq().scan(&qq_id));
    wait_for(&server, &qq_key, "scanned").await;
    assert!(fake.qq().confirm(&qq_id));
    let confirmed = wait_for(&server, &qq_key, "confirmed").await;
    assert_eq!(confirmed["profile"]["nickname"], QqAccount::Qq.nick());
    assert_eq!(confirmed["method"], "qq");

    let stored = stored_qq(&service).expect("the QQ session is in the keychain");
    assert!(stored.contains("Q_H_L_"), "the musickey is what is stored");
    assert!(
        stored_session(&service).is_some(),
        "NetEase's entry is untouched"
    );

    let (status, me) = server.get("/v1/qq/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user_id"], QqAccount::Qq.musicid().to_string());

    // A restart restores both services.
    server.stop().await;
    let server = Server::start(&fake, &service).await;
    let (_, status) = server.get("/v1/status").await;
    assert_eq!(
        status["providers"]["netease"]["has_session"], true,
        "{status}"
    );
    assert_eq!(status["providers"]["qq"]["has_session"], true, "{status}");
    let (code, me) = server.get("/v1/qq/me").await;
    assert_eq!(
        (code, me["nickname"].as_str()),
        (200, Some(QqAccount::Qq.nick()))
    );
    let (code, me) = server.get("/v1/netease/me").await;
    assert_eq!(code, 200, "{me}");

    // Search, a whole playlist, lyrics with translation, a play URL whose audio downloads.
    let (code, found) = server
        .get("/v1/qq/search?q=%E6%99%B4%E5%A4%A9&type=track&page=1&page_size=10")
        .await;
    assert_eq!(code, 200, "{found}");
    assert_eq!(found["items"].as_array().unwrap().len(), 10);
    let (code, playlist) = server.get("/v1/qq/playlists/8000001500").await;
    assert_eq!(code, 200);
    assert_eq!(playlist["tracks"].as_array().unwrap().len(), 1500);
    let (code, lyrics) = server.get("/v1/qq/tracks/0039MnYb0qxYhV/lyrics").await;
    assert_eq!(code, 200);
    assert!(lyrics["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["translation"].is_string()));
    let (code, url) = server
        .get("/v1/qq/tracks/0039MnYb0qxYhV/url?quality=high")
        .await;
    assert_eq!(code, 200, "{url}");
    let audio = reqwest::get(url["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(audio.status(), 200);
    assert!(audio.bytes().await.unwrap().len() > 1000);

    // WeChat logs in the same service as another account: it replaces the QQ login.
    let (wx_key, wx_id) = start(&server, &fake, "wechat").await;
    assert!(fake.qq().confirm(&wx_id));
    let confirmed = wait_for(&server, &wx_key, "confirmed").await;
    assert_eq!(confirmed["profile"]["nickname"], QqAccount::Wechat.nick());
    assert!(stored_qq(&service).unwrap().contains("W_X_"));

    // An expired key that cannot be renewed reads as expired.
    fake.qq().revoke_sessions();
    let (code, body) = server.get("/v1/qq/me").await;
    assert_error(code, &body, 401, "session_expired");
    assert_eq!(body["error"]["provider"], "qq");

    let (code, _) = server.post("/v1/qq/logout", None).await;
    assert_eq!(code, 204);
    assert_eq!(stored_qq(&service), None);
    assert!(
        stored_session(&service).is_some(),
        "NetEase stays logged in"
    );
    let log = server.stop().await;
    assert!(!log.contains("Q_H_L_"), "no musickey in the log");
    assert!(!log.contains("W_X_"), "no musickey in the log");
}

/// The QQ Music app's own QR (docs/protocol/qqmusic.md §4.3): `method=qqmusic`, and the default
/// when no method is named (the first card of the login screen).
#[tokio::test]
async fn the_qq_music_app_qr_logs_in_and_is_the_default() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;
    let (status, default) = server.post("/v1/qq/login/qr", None).await;
    assert_eq!(status, 200, "{default}");
    assert_eq!(default["method"], "qqmusic");

    let (key, id) = start(&server, &fake, "qqmusic").await;
    wait_for(&server, &key, "waiting").await;
    assert!(fake.qq().scan(&id));
    wait_for(&server, &key, "scanned").await;
    assert!(fake.qq().confirm(&id));
    let confirmed = wait_for(&server, &key, "confirmed").await;
    assert_eq!(confirmed["method"], "qqmusic");
    assert_eq!(confirmed["profile"]["nickname"], QqAccount::Qq.nick());
    let stored = stored_qq(&service).expect("the session is in the keychain");
    assert!(
        stored.contains("\"qqmusic\""),
        "an app login is stored as one"
    );
    let (status, me) = server.get("/v1/qq/me").await;
    assert_eq!(status, 200, "{me}");

    // Cancelled in the app: a failed login with a typed error.
    let (key, id) = start(&server, &fake, "qqmusic").await;
    wait_for(&server, &key, "waiting").await;
    assert!(fake.qq().refuse(&id));
    let failed = wait_for(&server, &key, "failed").await;
    assert_eq!(failed["error"]["kind"], "not_logged_in", "{failed}");
    server.stop().await;
}

#[tokio::test]
async fn a_method_the_service_lacks_is_a_bad_request() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (code, body) = server
        .post("/v1/netease/login/qr?method=wechat", None)
        .await;
    assert_error(code, &body, 400, "bad_request");
    let (code, body) = server.post("/v1/qq/login/qr?method=app", None).await;
    assert_error(code, &body, 400, "bad_request");
    let (code, body) = server.post("/v1/qq/login/qr?method=fax", None).await;
    assert_error(code, &body, 400, "bad_request");
    server.stop().await;
}
