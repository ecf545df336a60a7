//! An answer that never ends (a broken or hostile upstream) ends the call with a typed
//! `upstream` error once it passes 16 MiB, without the process holding more than that. Alone in
//! its test binary so the process's peak memory is this test's own.

use std::time::{Duration, Instant};

use duet_core::http::MAX_API_ANSWER;
use duet_core::{ErrorKind, MemoryStore, Provider, SearchQuery, SearchType, Upstream};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_netease::{Config, NeteaseProvider};

/// The process's resident size in bytes, after resetting its peak (`VmHWM`) to it (Linux only).
fn reset_peak_memory() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    memory_line("VmRSS:")
}

fn memory_line(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix(name))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[tokio::test]
async fn an_endless_answer_ends_typed_and_memory_stays_bounded() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    let provider = NeteaseProvider::new(config, std::sync::Arc::new(MemoryStore::new())).unwrap();
    let query = SearchQuery::new("海阔天空", SearchType::Track, 1, 10).unwrap();
    provider.search(&query).await.unwrap();

    let before = reset_peak_memory();
    fake.fail(Fault::new(FaultKind::Oversized).path("/cloudsearch"));
    let started = Instant::now();
    let error = tokio::time::timeout(Duration::from_secs(60), provider.search(&query))
        .await
        .expect("an endless answer must not hang the call")
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream, "{error}");
    assert!(error.message.contains("larger than 16 MiB"), "{error}");
    assert_eq!(error.provider, Some(duet_core::ProviderId::Netease));
    let took = started.elapsed();

    if let (Some(before), Some(peak)) = (before, memory_line("VmHWM:")) {
        let grown = peak.saturating_sub(before);
        // The 16 MiB read so far, plus the HTTP stack's buffers; not the endless rest.
        assert!(
            grown < 3 * MAX_API_ANSWER as u64,
            "the process grew by {} MiB reading a capped answer",
            grown >> 20
        );
    }
    // Not retried: a second read would only stream the same 16 MiB again.
    let searches = fake
        .requests()
        .iter()
        .filter(|r| r.logical_path.contains("/cloudsearch"))
        .count();
    assert_eq!(
        searches, 2,
        "one good search, one oversized (took {took:?})"
    );

    // The client is fine afterwards.
    provider.search(&query).await.unwrap();
}
