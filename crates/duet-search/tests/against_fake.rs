//! One search across the real NetEase and QQ Music clients, both logged in to the strict fake:
//! the twin catalogue's 晴天 comes back once with the other service's listing under `also_on`,
//! its near misses stay items of their own, and a failing or slow service leaves the other's
//! results whole with its own error.

use std::sync::Arc;
use std::time::{Duration, Instant};

use duet_core::{ErrorKind, Provider, ProviderId, SearchQuery, SearchType};
use duet_fake_upstream::twins::{self, Miss, Service};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_search::{MergedItems, MergedPage, MergedTrack, PartState, Search};
use duet_test_support::{both_logged_in, netease_logged_in, qq_logged_out};

async fn both(fake: &FakeUpstream) -> Search {
    let (netease, qq) = both_logged_in(fake).await;
    // QQ Music first: the parts and the turns still go NetEase, QQ Music.
    Search::new([qq, netease])
}

fn songs(q: &str) -> SearchQuery {
    SearchQuery::new(q, SearchType::Track, 1, 20).unwrap()
}

fn tracks(page: &MergedPage) -> &[MergedTrack] {
    match &page.items {
        MergedItems::Track(items) => items,
        other => panic!("not songs: {other:?}"),
    }
}

/// The item holding the listing `id` of `provider`, placed or under `also_on`.
fn group_of<'a>(items: &'a [MergedTrack], provider: ProviderId, id: &str) -> &'a MergedTrack {
    items
        .iter()
        .find(|m| {
            std::iter::once(&m.track)
                .chain(&m.also_on)
                .any(|t| t.provider == provider && t.id == id)
        })
        .unwrap_or_else(|| panic!("{provider} {id} is not on the page"))
}

fn service_id(service: Service) -> ProviderId {
    match service {
        Service::Netease => ProviderId::Netease,
        Service::Qq => ProviderId::Qq,
    }
}

fn ok_total(page: &MergedPage, provider: ProviderId) -> u64 {
    match &page.part(provider).unwrap().state {
        PartState::Ok { total, .. } => *total,
        other => panic!("{provider}: {other:?}"),
    }
}

#[tokio::test]
async fn qingtian_is_listed_once_with_its_twin_and_its_near_misses_stay_apart() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let search = both(&fake).await;
    let page = search.run(&songs("晴天")).await;
    let items = tracks(&page);
    let twin = twins::twin_titled("晴天").unwrap();

    // The studio recording, once: NetEase's listing (NetEase takes the first turn) with QQ
    // Music's under also_on, and it leads the page (an exact title).
    let first = &items[0];
    assert_eq!(
        (first.track.provider, first.track.id.as_str()),
        (ProviderId::Netease, twin.netease.track_id().as_str())
    );
    let also: Vec<(ProviderId, &str)> = first
        .also_on
        .iter()
        .map(|t| (t.provider, t.id.as_str()))
        .collect();
    assert_eq!(also, [(ProviderId::Qq, twin.qq.track_id().as_str())]);
    let placed_twice = items
        .iter()
        .filter(|m| m.track.id == twin.qq.track_id() || m.track.id == twin.netease.track_id())
        .count();
    assert_eq!(placed_twice, 1, "晴天 is placed once");

    // Every near miss of 晴天 on either service is on the page, never folded into 晴天, and the
    // two live takes (different concerts, durations apart) stay two items.
    let misses: Vec<_> = twins::near_misses()
        .iter()
        .filter(|m| m.listing.title.contains("晴天"))
        .collect();
    assert!(misses.len() >= 6, "{misses:?}");
    for miss in &misses {
        let group = group_of(items, service_id(miss.service), &miss.listing.track_id());
        assert_ne!(
            group.track.id, first.track.id,
            "{:?} {} was taken for 晴天",
            miss.miss, miss.listing.title
        );
        assert!(group
            .also_on
            .iter()
            .chain([&group.track])
            .all(|t| t.id != twin.netease.track_id() && t.id != twin.qq.track_id()));
    }
    let live = |service| {
        misses
            .iter()
            .find(|m| m.service == service && m.miss == Miss::Live)
            .unwrap()
            .listing
            .track_id()
    };
    assert_ne!(
        group_of(items, ProviderId::Netease, &live(Service::Netease)),
        group_of(items, ProviderId::Qq, &live(Service::Qq)),
    );
    // The cover (林小满) and the same title by 南山南方 are exact titles too: they come in the
    // first tier, before the partial ones ("晴天 (Live)").
    let position = |provider, id: &str| {
        items
            .iter()
            .position(|m| std::ptr::eq(m, group_of(items, provider, id)))
            .unwrap()
    };
    let cover = misses.iter().find(|m| m.miss == Miss::Cover).unwrap();
    assert!(
        position(service_id(cover.service), &cover.listing.track_id())
            < position(ProviderId::Netease, &live(Service::Netease))
    );

    // Each service's part has its own total; both have more pages.
    assert!(ok_total(&page, ProviderId::Netease) > 20);
    assert!(ok_total(&page, ProviderId::Qq) > 20);
    assert!(page.has_more);
    assert_eq!(page.page, 1);
    // Every listing of both pages is on the merged page, placed or under also_on.
    let listed: usize = items.iter().map(|m| 1 + m.also_on.len()).sum();
    assert_eq!(listed, 40);
}

#[tokio::test]
async fn listings_written_differently_fold_and_paging_asks_each_service_its_page() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let search = both(&fake).await;
    // The guest credited as an artist on NetEase, in the title on QQ Music; full-width brackets
    // on QQ Music, half-width on NetEase.
    for (title, qq_title) in [
        ("Let Me Love You", "Let Me Love You (feat. Justin Bieber)"),
        ("说好不哭 (with 五月天阿信)", "说好不哭（with 五月天阿信）"),
    ] {
        let twin = twins::twin_titled(title).unwrap();
        let page = search.run(&songs(title)).await;
        let group = group_of(tracks(&page), ProviderId::Netease, &twin.netease.track_id());
        assert_eq!(group.track.title, title);
        assert_eq!(
            group
                .also_on
                .iter()
                .map(|t| t.title.as_str())
                .collect::<Vec<_>>(),
            [qq_title],
            "the same recording on QQ Music"
        );
    }

    // QQ Music's cover of 后来 by 林小满 is nobody's twin.
    let page = search.run(&songs("后来")).await;
    let cover = group_of(tracks(&page), ProviderId::Qq, "004DuetMiss004");
    assert!(cover.also_on.is_empty() && cover.track.provider == ProviderId::Qq);

    let second = search
        .run(&SearchQuery::new("后来", SearchType::Track, 2, 20).unwrap())
        .await;
    assert_eq!(second.page, 2);
    let first_ids: Vec<&str> = tracks(&page).iter().map(|m| m.track.id.as_str()).collect();
    assert!(!tracks(&second).is_empty());
    for item in tracks(&second) {
        assert!(
            !first_ids.contains(&item.track.id.as_str()),
            "page 2 repeats {}",
            item.track.id
        );
    }
}

#[tokio::test]
async fn a_recording_only_one_service_has_is_listed_without_also_on() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let search = both(&fake).await;
    let only_netease = twins::near_misses()
        .iter()
        .find(|m| m.service == Service::Netease && m.miss == Miss::NoCounterpart)
        .unwrap();
    let page = search.run(&songs(only_netease.listing.title)).await;
    let items = tracks(&page);
    assert_eq!(items[0].track.id, only_netease.listing.track_id());
    assert!(items[0].also_on.is_empty(), "{:?}", items[0].also_on);
    assert!(items.iter().any(|m| m.track.provider == ProviderId::Qq));

    // With QQ Music logged out, its part says so and it is not asked.
    let netease: Arc<dyn Provider> = Arc::new(netease_logged_in(&fake).await);
    let netease_only = Search::new([netease, Arc::new(qq_logged_out(&fake))]);
    let asked_before = qq_searches(&fake);
    let page = netease_only.run(&songs("晴天")).await;
    assert_eq!(
        page.part(ProviderId::Qq).unwrap().state,
        PartState::NotLoggedIn
    );
    assert_eq!(qq_searches(&fake), asked_before);
    let items = tracks(&page);
    assert_eq!(items.len(), 20);
    assert!(items
        .iter()
        .all(|m| m.track.provider == ProviderId::Netease && m.also_on.is_empty()));

    // A session the front end no longer counts (expired) is not asked either.
    let page = both(&fake)
        .await
        .asking_only(&[ProviderId::Netease])
        .run(&songs("晴天"))
        .await;
    assert_eq!(
        page.part(ProviderId::Qq).unwrap().state,
        PartState::NotLoggedIn
    );
    assert_eq!(qq_searches(&fake), asked_before);
    assert!(matches!(
        page.part(ProviderId::Netease).unwrap().state,
        PartState::Ok { .. }
    ));
}

#[tokio::test]
async fn a_failing_service_leaves_the_others_results_with_its_own_error() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let search = both(&fake).await;
    fake.fail(
        Fault::new(FaultKind::ServerError)
            .path("/api/cloudsearch/pc")
            .times(10),
    );
    let page = search.run(&songs("晴天")).await;
    let PartState::Error { error } = &page.part(ProviderId::Netease).unwrap().state else {
        panic!("{:?}", page.parts)
    };
    assert_eq!(error.kind, ErrorKind::Upstream, "{error}");
    assert_eq!(error.provider, Some(ProviderId::Netease));
    assert!(ok_total(&page, ProviderId::Qq) > 0);
    let items = tracks(&page);
    assert_eq!(items.len(), 20);
    assert!(items.iter().all(|m| m.track.provider == ProviderId::Qq));
    assert_eq!(
        items[0].track.id,
        twins::twin_titled("晴天").unwrap().qq.mid
    );
}

#[tokio::test]
async fn a_slow_service_runs_out_of_time_while_the_other_s_results_arrive_first() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let search = both(&fake).await.with_deadline(Duration::from_millis(1500));
    fake.fail(
        Fault::new(FaultKind::Slow)
            .module("music.search.SearchCgiService")
            .delay(Duration::from_secs(20)),
    );
    let started = Instant::now();
    let mut updates = Vec::new();
    let page = search
        .run_with_updates(&songs("晴天"), |page| updates.push(page.clone()))
        .await;
    assert!(started.elapsed() < Duration::from_secs(10), "not held back");

    // First everything pending, then NetEase's results with QQ Music still pending, then QQ
    // Music's part given up.
    let states = |page: &MergedPage| {
        page.parts
            .iter()
            .map(|p| match p.state {
                PartState::Pending => "pending",
                PartState::Ok { .. } => "ok",
                PartState::Error { .. } => "error",
                PartState::NotLoggedIn => "not_logged_in",
            })
            .collect::<Vec<_>>()
    };
    let seen: Vec<_> = updates.iter().map(states).collect();
    assert_eq!(
        seen,
        [["pending", "pending"], ["ok", "pending"], ["ok", "error"]]
    );
    assert_eq!(tracks(&updates[1]).len(), 20);
    assert_eq!(updates.last(), Some(&page));
    let PartState::Error { error } = &page.part(ProviderId::Qq).unwrap().state else {
        unreachable!()
    };
    assert_eq!(error.kind, ErrorKind::Network, "{error}");
    assert_eq!(error.provider, Some(ProviderId::Qq));
    assert!(tracks(&page)
        .iter()
        .all(|m| m.track.provider == ProviderId::Netease));
}

fn qq_searches(fake: &FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| {
            r.call
                .as_deref()
                .is_some_and(|c| c.starts_with("music.search.SearchCgiService"))
        })
        .count()
}
