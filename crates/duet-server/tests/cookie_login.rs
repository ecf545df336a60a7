//! `POST /v1/{provider}/login/cookie`: a pasted session checked with the service, kept in a real
//! Secret Service, used after a restart; bad ones answered with their kind, storing nothing; and
//! the pasted values in no log line or answer.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use duet_fake_upstream::qq::QqAccount;
use serde_json::json;

#[tokio::test]
async fn a_pasted_cookie_lands_in_the_keychain_and_survives_a_restart() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;
    let issued = fake.netease().issue_session();
    let (status, login) = server
        .post(
            "/v1/netease/login/cookie",
            Some(json!({"cookie": format!("Cookie: MUSIC_U={}; __csrf={}", issued.music_u, issued.csrf)})),
        )
        .await;
    assert_eq!(status, 200, "{login}");
    assert_eq!(login["provider"], "netease");
    assert_eq!(login["profile"]["nickname"], "大不6仙");
    assert!(login.get("error").is_none(), "kept: {login}");
    let stored = stored_session(&service).expect("in the keychain");
    assert!(stored.contains(&issued.music_u));

    let qq = fake.qq().issue_session(QqAccount::Qq);
    let (status, login) = server
        .post(
            "/v1/qq/login/cookie",
            Some(json!({"cookie": format!("uin=o0{}; qm_keyst={}", qq.musicid, qq.musickey)})),
        )
        .await;
    assert_eq!(status, 200, "{login}");
    assert_eq!(login["profile"]["nickname"], QqAccount::Qq.nick());

    server.stop().await;
    let server = Server::start(&fake, &service).await;
    let (status, me) = server.get("/v1/netease/me").await;
    assert_eq!((status, &me["nickname"]), (200, &json!("大不6仙")));
    let (status, me) = server.get("/v1/qq/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["nickname"], QqAccount::Qq.nick());
    server.post("/v1/netease/logout", None).await;
    server.post("/v1/qq/logout", None).await;
    assert_eq!(stored_session(&service), None);
    server.stop().await;
}

#[tokio::test]
async fn bad_cookies_get_their_kind_and_store_nothing() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;
    let cases = [
        (
            "netease",
            json!({"cookie": "MUSIC_U=".to_owned() + &"0".repeat(128)}),
            401,
            "session_expired",
        ),
        (
            "qq",
            json!({"cookie": "uin=123456789; qm_keyst=Q_H_L_notakey"}),
            401,
            "session_expired",
        ),
        (
            "netease",
            json!({"cookie": "uin=1; qm_keyst=Q_H_L_x"}),
            400,
            "bad_request",
        ),
        ("qq", json!({"cookie": "uin=123456789"}), 400, "bad_request"),
        ("qq", json!({"cookie": "   "}), 400, "bad_request"),
        ("netease", json!({"cookie": 42}), 400, "bad_request"),
        (
            "netease",
            json!({"cookies": "MUSIC_U=00"}),
            400,
            "bad_request",
        ),
    ];
    for (provider, body, want_status, kind) in cases {
        let (status, answer) = server
            .post(&format!("/v1/{provider}/login/cookie"), Some(body.clone()))
            .await;
        assert_error(status, &answer, want_status, kind);
        assert_eq!(answer["error"]["provider"], provider, "{body}: {answer}");
    }
    let (status, answer) = server
        .post("/v1/spotify/login/cookie", Some(json!({"cookie": "a=b"})))
        .await;
    assert_eq!(status, 400, "{answer}");
    let (status, _) = server.get("/v1/netease/me").await;
    assert_eq!(status, 401);
    assert_eq!(stored_session(&service), None);
    server.stop().await;
}

/// Pasted values must not appear in logs (at trace level) or answers, even when refused.
#[tokio::test]
async fn pasted_cookies_never_leak() {
    let fake = fake().await;
    let service = keychain_service();
    let server = Server::start(&fake, &service).await;
    let good = fake.netease().issue_session();
    let refused = "FEED".repeat(32);
    let malformed = "tOpSeCrEt; with spaces";
    let mut answers = String::new();
    for body in [
        json!({"cookie": format!("MUSIC_U={}; __csrf={}", good.music_u, good.csrf)}),
        json!({"cookie": format!("MUSIC_U={refused}")}),
        json!({"cookie": format!("MUSIC_U=\"{malformed}\"")}),
        json!({"cookie": [format!("MUSIC_U={refused}")]}),
    ] {
        answers.push_str(
            &server
                .post("/v1/netease/login/cookie", Some(body))
                .await
                .1
                .to_string(),
        );
    }
    answers.push_str(&server.get("/v1/netease/me").await.1.to_string());
    let log = server.stop().await;
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "the log ran at trace level"
    );
    for value in [good.music_u.as_str(), &good.csrf, &refused, "tOpSeCrEt"] {
        assert!(!log.contains(value), "a pasted value in the server log");
        assert!(
            !answers.contains(value),
            "a pasted value in an answer: {answers}"
        );
    }
}
