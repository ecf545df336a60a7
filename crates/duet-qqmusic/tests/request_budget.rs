//! Never a storm of requests (issue 10 item 5): every call to QQ Music, and every retry, spends a
//! token of one budget; what the fake receives is counted, never timed.

use std::sync::Arc;
use std::time::Duration;

use duet_core::budget::Pace;
use duet_core::retry::RetryPolicy;
use duet_core::{ErrorKind, MemoryStore, Provider, ProviderId, Track, Upstream};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_qqmusic::{Config, QqProvider};

/// A pace whose bucket never refills within a test and never waits: exactly `burst` requests
/// go, the rest are refused, whatever the machine's speed.
fn only(burst: u32) -> Pace {
    Pace {
        burst,
        every: Duration::from_secs(3600),
        max_wait: Duration::ZERO,
    }
}

/// QQ Music's bound (two attempts) without the standard wait, so a test of the count is quick.
const QUICK_RETRIES: RetryPolicy = RetryPolicy {
    attempts: 2,
    first_delay: Duration::from_millis(1),
    growth: 2,
};

fn provider(fake: &FakeUpstream, pace: Pace) -> Arc<QqProvider> {
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = pace;
    config.retry = QUICK_RETRIES;
    Arc::new(QqProvider::new(config, Arc::new(MemoryStore::new())).unwrap())
}

/// A song whose details need no login (晴天).
const SONG: &str = "0039MnYb0qxYhV";

/// A read that needs no login: one envelope of one item.
async fn read(provider: &QqProvider) -> duet_core::Result<Track> {
    provider.track(SONG).await
}

/// Signed envelopes the fake received (one record per item; a detail is one item).
fn envelopes(fake: &FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.transport == duet_fake_upstream::Transport::Musics)
        .count()
}

#[tokio::test]
async fn a_burst_of_concurrent_calls_stays_within_the_budget() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake, only(6));
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { read(&provider).await })
        })
        .collect();
    let mut answered = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => answered += 1,
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::RateLimited, "{e}");
                assert_eq!(e.provider, Some(ProviderId::Qq));
            }
        }
    }
    assert_eq!(answered, 6);
    assert_eq!(envelopes(&fake), 6, "the fake saw only the budget");
}

#[tokio::test]
async fn retries_on_a_500_stop_at_the_policys_bound() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake, Pace::HUMAN);
    fake.fail(
        Fault::new(FaultKind::ServerError)
            .path("musics.fcg")
            .times(100),
    );
    let error = read(&provider).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream, "{error}");
    assert_eq!(envelopes(&fake), QUICK_RETRIES.attempts as usize);
}

#[tokio::test]
async fn retries_and_the_login_chain_spend_the_same_budget() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake, only(1));
    fake.fail(
        Fault::new(FaultKind::ServerError)
            .path("musics.fcg")
            .times(100),
    );
    // Two attempts allowed, one token: the retry is refused, not sent.
    let error = read(&provider).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::RateLimited, "{error}");
    assert_eq!(fake.requests().len(), 1);
    // The QR login's requests (ptlogin2, not the envelope) come out of it too.
    let error = provider
        .qr_start(duet_core::QrMethod::Qq)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::RateLimited, "{error}");
    assert_eq!(fake.requests().len(), 1, "nothing more was sent");
}
