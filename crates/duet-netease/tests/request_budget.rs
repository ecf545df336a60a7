//! Never a storm of requests (issue 10 item 5): every call to NetEase, and every retry, spends a
//! token of one budget; what the fake receives is counted, never timed.

use std::sync::Arc;
use std::time::Duration;

use duet_core::budget::Pace;
use duet_core::retry::RetryPolicy;
use duet_core::{ErrorKind, MemoryStore, Provider, SearchQuery, SearchType, Upstream};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_netease::{Config, NeteaseProvider};

const SEARCH: &str = "/api/cloudsearch/pc";

/// A pace whose bucket never refills within a test and never waits: exactly `burst` requests
/// go, the rest are refused, whatever the machine's speed.
fn only(burst: u32) -> Pace {
    Pace {
        burst,
        every: Duration::from_secs(3600),
        max_wait: Duration::ZERO,
    }
}

/// Retries without the standard waits, so a test of their count is quick.
const QUICK_RETRIES: RetryPolicy = RetryPolicy {
    attempts: 3,
    first_delay: Duration::from_millis(1),
    growth: 2,
};

fn provider(fake: &FakeUpstream, pace: Pace) -> Arc<NeteaseProvider> {
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = pace;
    config.retry = QUICK_RETRIES;
    Arc::new(NeteaseProvider::new(config, Arc::new(MemoryStore::new())).unwrap())
}

fn query() -> SearchQuery {
    SearchQuery::new("周杰伦", SearchType::Track, 1, 10).unwrap()
}

fn received(fake: &FakeUpstream, path: &str) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.logical_path == path)
        .count()
}

#[tokio::test]
async fn a_burst_of_concurrent_calls_stays_within_the_budget() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake, only(5));
    let calls = (0..40).map(|_| {
        let provider = provider.clone();
        tokio::spawn(async move { provider.search(&query()).await })
    });
    let mut answered = 0;
    let mut refused = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => answered += 1,
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::RateLimited, "{e}");
                assert_eq!(e.provider, Some(duet_core::ProviderId::Netease));
                refused += 1;
            }
        }
    }
    assert_eq!((answered, refused), (5, 35));
    assert_eq!(received(&fake, SEARCH), 5, "the fake saw only the budget");
}

#[tokio::test]
async fn callers_within_the_pace_wait_their_turn_and_all_pass() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(
        &fake,
        Pace {
            burst: 2,
            every: Duration::from_millis(5),
            max_wait: Duration::from_secs(30),
        },
    );
    let calls: Vec<_> = (0..12)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { provider.search(&query()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(received(&fake, SEARCH), 12, "one request per call");
}

#[tokio::test]
async fn retries_on_a_500_stop_at_the_policys_bound() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake, Pace::HUMAN);
    fake.fail(
        Fault::new(FaultKind::ServerError)
            .path("cloudsearch")
            .times(100),
    );
    let error = provider.search(&query()).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream, "{error}");
    assert_eq!(received(&fake, SEARCH), QUICK_RETRIES.attempts as usize);
    // A second call is one more bounded round, not a loop.
    provider.search(&query()).await.unwrap_err();
    assert_eq!(received(&fake, SEARCH), 2 * QUICK_RETRIES.attempts as usize);
}

#[tokio::test]
async fn retries_spend_the_same_budget() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake, only(2));
    fake.fail(
        Fault::new(FaultKind::ServerError)
            .path("cloudsearch")
            .times(100),
    );
    // Three attempts allowed, two tokens left: the third attempt is refused, not sent.
    let error = provider.search(&query()).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::RateLimited, "{error}");
    assert_eq!(received(&fake, SEARCH), 2);
    // And the budget is the provider's: every other call is refused too.
    assert_eq!(
        provider.lyrics("347230").await.unwrap_err().kind,
        ErrorKind::RateLimited
    );
    assert_eq!(fake.requests().len(), 2);
}
