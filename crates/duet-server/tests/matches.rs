//! `GET /v1/{provider}/tracks/{id}/matches?on=…` through duet-server against the fake: the QQ
//! fixture's 晴天 looked for on NetEase once NetEase is logged in (found among the twin
//! catalogue's near misses), and each of the route's typed errors.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use duet_fake_upstream::twins::{near_misses, twin_titled, Service};
use duet_fake_upstream::Transport;

/// QQ Music's 晴天 in the fixtures.
const QQ_SUNNY_DAY: &str = "0039MnYb0qxYhV";

#[tokio::test]
async fn a_qq_track_is_looked_for_on_netease() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let path = format!("/v1/qq/tracks/{QQ_SUNNY_DAY}/matches?on=netease");

    let (status, body) = server.get(&path).await;
    assert_error(status, &body, 401, "not_logged_in");
    assert_eq!(body["error"]["provider"], "netease", "{body}");

    server.login(&fake).await;
    let searches_before = netease_searches(&fake);
    let (status, body) = server.get(&path).await;
    assert_eq!(status, 200, "{body}");
    let matches = body.as_array().expect("a list of matches");
    assert_eq!(
        netease_searches(&fake),
        searches_before + 1,
        "one search on NetEase, its first page"
    );
    // The twin catalogue lists 晴天 on NetEase too, beside its live take, its backing track and
    // a cover by another singer: the studio recording is the sure best, the others never come.
    let twin = twin_titled("晴天").expect("晴天 is a twin");
    let best = matches.first().expect("NetEase has 晴天");
    assert_eq!(best["track"]["id"], twin.netease.track_id(), "{body}");
    assert!(
        best["score"].as_f64().unwrap() >= f64::from(duet_match::SURE),
        "{best}"
    );
    for miss in near_misses()
        .iter()
        .filter(|m| m.service == Service::Netease && m.listing.title.contains("晴天"))
    {
        assert!(
            matches
                .iter()
                .all(|m| m["track"]["id"] != miss.listing.track_id()),
            "{:?} must not be offered: {body}",
            miss.miss
        );
    }
    for scored in matches {
        assert_eq!(scored["track"]["provider"], "netease", "{scored}");
        let score = scored["score"].as_f64().unwrap();
        assert!(
            (f64::from(duet_match::UNSURE)..=1.0).contains(&score),
            "{scored}"
        );
    }
    let scores: Vec<f64> = matches
        .iter()
        .map(|m| m["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[tokio::test]
async fn bad_requests_answer_the_error_object() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    server.login(&fake).await;
    for (path, status, kind) in [
        (
            format!("/v1/qq/tracks/{QQ_SUNNY_DAY}/matches"),
            400,
            "bad_request",
        ),
        (
            format!("/v1/qq/tracks/{QQ_SUNNY_DAY}/matches?on="),
            400,
            "bad_request",
        ),
        (
            format!("/v1/qq/tracks/{QQ_SUNNY_DAY}/matches?on=spotify"),
            400,
            "bad_request",
        ),
        (
            format!("/v1/qq/tracks/{QQ_SUNNY_DAY}/matches?on=qq"),
            400,
            "bad_request",
        ),
        (
            "/v1/spotify/tracks/1/matches?on=netease".to_owned(),
            400,
            "bad_request",
        ),
        (
            "/v1/qq/tracks/short/matches?on=netease".to_owned(),
            400,
            "bad_request",
        ),
        (
            "/v1/netease/tracks/12a/matches?on=qq".to_owned(),
            401,
            "not_logged_in",
        ),
    ] {
        let (got, body) = server.get(&path).await;
        assert_error(got, &body, status, kind);
    }
}

fn netease_searches(fake: &duet_fake_upstream::FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.transport == Transport::Eapi && r.logical_path == "/api/cloudsearch/pc")
        .count()
}
