//! Bad input and every injected upstream failure produce their typed error, never a panic.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::time::Duration;

use common::*;
use duet_fake_upstream::{Fault, FaultKind};

#[tokio::test]
async fn each_injected_failure_has_its_kind() {
    let fake = fake().await;
    let server = Server::start_with(
        &fake,
        &keychain_service(),
        Options {
            upstream_timeout_secs: 1,
            ..Options::default()
        },
    )
    .await;
    let cases = [
        (FaultKind::RiskControl, 1, 403, "risk_control", Some(-462)),
        (
            FaultKind::RiskControlVerify,
            1,
            403,
            "risk_control",
            Some(-462),
        ),
        (FaultKind::Cheating, 1, 403, "risk_control", Some(-460)),
        (
            FaultKind::Verification,
            1,
            403,
            "verification_required",
            Some(8821),
        ),
        (FaultKind::RateLimit, 1, 429, "rate_limited", Some(405)),
        (FaultKind::NotLoggedIn, 1, 401, "not_logged_in", Some(301)),
        // Reads are retried twice; a persistent failure still ends typed.
        (FaultKind::ServerError, 3, 502, "upstream", None),
        (FaultKind::Truncated, 1, 502, "upstream", None),
        (FaultKind::Slow, 3, 504, "network", None),
    ];
    for (kind, times, status_wanted, kind_wanted, code) in cases {
        let mut fault = Fault::new(kind).path("/cloudsearch").times(times);
        if kind == FaultKind::Slow {
            fault = fault.delay(Duration::from_secs(3));
        }
        fake.fail(fault);
        let (status, body) = server.get("/v1/netease/search?q=x").await;
        assert_error(status, &body, status_wanted, kind_wanted);
        assert_eq!(body["error"]["provider"], "netease", "{kind:?}");
        assert_eq!(
            body["error"]["upstream_code"].as_i64(),
            code,
            "{kind:?}: {body}"
        );
        // Nothing is lost: the next call works.
        let (status, body) = server.get("/v1/netease/search?q=x").await;
        assert_eq!(status, 200, "after {kind:?}: {body}");
    }
    // A single 500 is absorbed by the retry of an idempotent read.
    fake.fail(Fault::new(FaultKind::ServerError).path("/cloudsearch"));
    let (status, _) = server.get("/v1/netease/search?q=x").await;
    assert_eq!(status, 200);
    server.stop().await;
}

#[tokio::test]
async fn bad_input_gets_a_4xx_with_the_error_object() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let before = fake.requests().len();
    for (path, status, kind) in [
        ("/v1/netease/tracks/abc", 400, "bad_request"),
        ("/v1/netease/tracks/12%2034/lyrics", 400, "bad_request"),
        (
            "/v1/netease/tracks/99999999999999999999999999/url",
            400,
            "bad_request",
        ),
        ("/v1/netease/playlists/%3Cscript%3E", 400, "bad_request"),
        ("/v1/netease/search", 400, "bad_request"),
        ("/v1/netease/search?q=%20%20", 400, "bad_request"),
        ("/v1/netease/search?q=a&type=video", 400, "bad_request"),
        ("/v1/netease/search?q=a&page=0", 400, "bad_request"),
        ("/v1/netease/search?q=a&page=-1", 400, "bad_request"),
        ("/v1/netease/search?q=a&page_size=1000", 400, "bad_request"),
        ("/v1/netease/tracks/1/comments?page=x", 400, "bad_request"),
        ("/v1/spotify/me", 400, "bad_request"),
        ("/v1/qq/me", 401, "not_logged_in"),
        ("/v1/qq/tracks/not-a-mid", 400, "bad_request"),
        (
            "/v1/qq/tracks/0039MnYb0qxYhV/url?quality=ultra",
            400,
            "bad_request",
        ),
        ("/v1/qq/playlists/%3Cscript%3E", 400, "bad_request"),
        ("/v1/qq/search?q=a", 401, "not_logged_in"),
        ("/v1/netease/nope", 404, "not_found"),
        ("/nope", 404, "not_found"),
    ] {
        let (got, body) = server.get(path).await;
        assert_error(got, &body, status, kind);
    }
    let (status, body) = server
        .post("/v1/netease/tracks/347230/comments", None)
        .await;
    assert_error(status, &body, 400, "bad_request");
    let response = server
        .http
        .post(server.url("/v1/netease/tracks/347230/comments"))
        .header("content-type", "application/json")
        .body("{\"content\": 12")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let (status, body) = server.post("/v1/netease/me", None).await;
    assert_error(status, &body, 400, "bad_request");
    assert_eq!(
        fake.requests().len(),
        before,
        "bad input never reaches the service"
    );
    server.stop().await;
}

#[tokio::test]
async fn off_loopback_needs_the_flag_and_a_token() {
    let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_duet-server"))
        .args(["--listen", "0.0.0.0:0", "--no-keychain"])
        .env_remove("DUET_SERVER_TOKEN")
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-remote"));

    let fake = fake().await;
    let token = "a-long-enough-access-token";
    let server = Server::start_with(
        &fake,
        &keychain_service(),
        Options {
            token: Some(token.into()),
            ..Options::default()
        },
    )
    .await;
    let (status, body) = server.get("/v1/status").await;
    assert_error(status, &body, 401, "not_logged_in");
    let ok = server
        .http
        .get(server.url("/v1/status"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn a_remote_upstream_is_refused_at_start() {
    for remote in ["http://192.168.1.20:9000", "https://example.com"] {
        let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_duet-server"))
            .args(["--listen", "127.0.0.1:0", "--no-keychain"])
            .env("DUET_UPSTREAM", remote)
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "started with {remote}");
        assert!(stderr.contains("DUET_UPSTREAM"), "{stderr}");
        assert!(stderr.contains("loopback"), "{stderr}");
        assert!(refused.stdout.is_empty(), "it never listened");
    }
}

#[tokio::test]
async fn the_test_pace_is_refused_without_a_test_upstream() {
    let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_duet-server"))
        .args(["--listen", "127.0.0.1:0", "--no-keychain"])
        .env_remove("DUET_UPSTREAM")
        .env(duet_services::TEST_PACE_ENV, "fast")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "started at a test's pace");
    assert!(stderr.contains("DUET_TEST_PACE=fast"), "{stderr}");
    assert!(stderr.contains("a person's pace"), "{stderr}");
    assert!(refused.stdout.is_empty(), "it never listened");
}
