//! Never a storm of requests (issue 10 item 5): the `/v1` routes draw from the same per-service
//! budget as everything else, so a flood of callers reaches the service at a person's pace, and
//! the rest are told `rate_limited` (429) at once. Counted at the fake; the one use of time is an
//! upper bound that holds however slow the machine is.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::*;
use duet_core::budget::Pace;

#[tokio::test]
async fn a_flood_of_route_calls_reaches_the_service_within_its_budget() {
    let fake = fake().await;
    let options = Options {
        human_pace: true,
        ..Options::default()
    };
    let server = Arc::new(Server::start_with(&fake, &keychain_service(), options).await);
    let searches = || {
        fake.requests()
            .iter()
            .filter(|r| r.logical_path == "/api/cloudsearch/pc")
            .count()
    };
    let callers = 100;
    let started = Instant::now();
    let calls: Vec<_> = (0..callers)
        .map(|i| {
            let server = server.clone();
            tokio::spawn(async move {
                server
                    .get(&format!("/v1/netease/search?q=song{i}&type=track"))
                    .await
            })
        })
        .collect();
    let mut answered = 0;
    let mut refused = 0;
    for call in calls {
        let (status, body) = call.await.unwrap();
        match status {
            200 => answered += 1,
            429 => {
                assert_eq!(body["error"]["kind"], "rate_limited", "{body}");
                assert_eq!(body["error"]["provider"], "netease", "{body}");
                refused += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    let elapsed = started.elapsed();
    let pace = Pace::HUMAN;
    // Every caller that was let through asked once; none that was refused reached the fake.
    assert_eq!(searches(), answered);
    // A burst at once, then one per interval, for as long as the flood lasted plus the longest
    // a caller may wait: never more.
    let most = pace.burst as usize
        + ((elapsed + pace.max_wait).as_millis() / pace.every.as_millis()) as usize
        + 1;
    assert!(answered >= pace.burst as usize, "{answered} answered");
    assert!(
        answered <= most,
        "{answered} requests in {elapsed:?}, at most {most}"
    );
    assert!(refused > 0, "{callers} callers at once: some are refused");
}
