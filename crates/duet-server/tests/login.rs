//! QR login end to end into a real Secret Service, session restore across a restart, logout,
//! an expired session, and proof that no session material leaks.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::time::Duration;

use common::*;
use duet_images::render_qr_png;

#[tokio::test]
async fn qr_login_lands_in_the_keychain_survives_a_restart_and_logout_wipes_it() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;

    let (status, body) = server.get("/v1/netease/me").await;
    assert_error(status, &body, 401, "not_logged_in");

    let (status, qr) = server.post("/v1/netease/login/qr", None).await;
    assert_eq!(status, 200, "{qr}");
    let key = qr["key"].as_str().unwrap().to_owned();
    assert_eq!(qr["provider"], "netease");
    assert_eq!(
        qr["qr_url"],
        format!("https://music.163.com/login?codekey={key}")
    );
    assert_eq!(
        qr["qr_png"],
        render_qr_png(qr["qr_url"].as_str().unwrap(), 8).unwrap(),
        "the QR is rendered locally from the login URL"
    );
    assert!(qr["expires_in_s"].as_u64().unwrap() >= 60);

    let waiting = wait_for_state(&server, &key, "waiting").await;
    assert!(waiting.get("profile").is_none());
    assert!(fake.netease().scan(&key));
    let scanned = wait_for_state(&server, &key, "scanned").await;
    assert!(scanned["message"].as_str().unwrap().contains("confirm"));
    assert!(fake.netease().confirm(&key));
    let confirmed = wait_for_state(&server, &key, "confirmed").await;
    assert_eq!(confirmed["profile"]["nickname"], "大不6仙");
    assert_eq!(confirmed["profile"]["vip"], true);

    // Polled at the documented pace, never faster.
    let polls = fake.netease().poll_times(&key);
    assert!(polls.len() >= 2, "{polls:?}");
    for pair in polls.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(1900),
            "{polls:?}"
        );
    }

    let stored = stored_session(&service).expect("the session is in the keychain");
    assert!(
        stored.contains("MUSIC_U"),
        "the login cookie is what is stored"
    );

    let (status, me) = server.get("/v1/netease/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user_id"], "125279114");

    // A restart finds the session in the keychain.
    server.stop().await;
    let server = Server::start(&fake, &service).await;
    let (_, state) = server.get("/v1/status").await;
    assert_eq!(state["providers"]["netease"]["has_session"], true);
    let (status, me) = server.get("/v1/netease/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["nickname"], "大不6仙");

    let live_before = fake.netease().live_sessions();
    let (status, _) = server.post("/v1/netease/logout", None).await;
    assert_eq!(status, 204);
    assert_eq!(
        stored_session(&service),
        None,
        "logout wipes the keychain entry"
    );
    assert_eq!(
        fake.netease().live_sessions(),
        live_before - 1,
        "the service was told"
    );
    let (status, body) = server.get("/v1/netease/me").await;
    assert_error(status, &body, 401, "not_logged_in");

    server.stop().await;
    let server = Server::start(&fake, &service).await;
    let (status, body) = server.get("/v1/netease/me").await;
    assert_error(status, &body, 401, "not_logged_in");
    server.stop().await;
}

#[tokio::test]
async fn an_expired_qr_says_so_and_a_new_one_can_be_started() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (_, qr) = server.post("/v1/netease/login/qr", None).await;
    let key = qr["key"].as_str().unwrap().to_owned();
    assert!(fake.netease().expire(&key));
    let expired = wait_for_state(&server, &key, "expired").await;
    assert!(expired["message"].as_str().unwrap().contains("expired"));

    let (status, again) = server.post("/v1/netease/login/qr", None).await;
    assert_eq!(status, 200);
    assert_ne!(again["key"], qr["key"]);
    wait_for_state(&server, again["key"].as_str().unwrap(), "waiting").await;
    // The old key's final state is still readable.
    let (status, old) = server.get(&format!("/v1/netease/login/qr/{key}")).await;
    assert_eq!((status, old["state"].as_str()), (200, Some("expired")));

    let (status, body) = server.get("/v1/netease/login/qr/no-such-key").await;
    assert_error(status, &body, 404, "not_found");
    server.stop().await;
}

#[tokio::test]
async fn a_captcha_during_login_fails_the_qr_with_its_kind() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let (_, qr) = server.post("/v1/netease/login/qr", None).await;
    let key = qr["key"].as_str().unwrap();
    fake.fail(
        duet_fake_upstream::Fault::new(duet_fake_upstream::FaultKind::Verification)
            .path("/login/qrcode/client/login"),
    );
    let failed = wait_for_state(&server, key, "failed").await;
    assert_eq!(failed["error"]["kind"], "verification_required");
    assert_eq!(failed["error"]["upstream_code"], 8821);
    server.stop().await;
}

#[tokio::test]
async fn a_revoked_session_reads_as_expired_not_as_never_logged_in() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;
    server.login(&fake).await;
    fake.netease().revoke_sessions();
    let (status, body) = server.get("/v1/netease/me").await;
    assert_error(status, &body, 401, "session_expired");
    let (status, body) = server.get("/v1/netease/recommend/tracks").await;
    assert_error(status, &body, 401, "session_expired");
    assert_eq!(body["error"]["upstream_code"], 301);
    server.post("/v1/netease/logout", None).await;
    server.stop().await;
}

/// Cookie values must not appear in logs (at trace level), error bodies or answers.
#[tokio::test]
async fn session_material_never_leaks() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;
    server.login(&fake).await;
    let stored: serde_json::Value =
        serde_json::from_str(&stored_session(&service).unwrap()).unwrap();
    let music_u = stored["cookies"]["MUSIC_U"].as_str().unwrap().to_owned();
    let csrf = stored["cookies"]["__csrf"].as_str().unwrap().to_owned();
    assert_eq!(music_u.len(), 128);

    let mut answers = String::new();
    for path in [
        "/v1/netease/me",
        "/v1/netease/me/playlists",
        "/v1/netease/tracks/347230/url",
        "/v1/netease/tracks/not-a-number",
        "/v1/netease/search?q=leak",
    ] {
        answers.push_str(&server.get(path).await.1.to_string());
    }
    fake.fail(duet_fake_upstream::Fault::new(
        duet_fake_upstream::FaultKind::RiskControl,
    ));
    answers.push_str(&server.get("/v1/netease/me").await.1.to_string());
    fake.netease().revoke_sessions();
    answers.push_str(&server.get("/v1/netease/me").await.1.to_string());
    answers.push_str(&server.post("/v1/netease/checkin", None).await.1.to_string());
    server.post("/v1/netease/logout", None).await;

    let log = server.stop().await;
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "the log ran at trace level"
    );
    for (name, value) in [("MUSIC_U", &music_u), ("__csrf", &csrf)] {
        assert!(
            !log.contains(value.as_str()),
            "{name} value in the server log"
        );
        assert!(
            !answers.contains(value.as_str()),
            "{name} value in an answer"
        );
    }
}
