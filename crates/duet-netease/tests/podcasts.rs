//! Podcasts against the strict fake: the subscribed list, a podcast's header, every page of a
//! 64-episode podcast newest first, playing an episode through the song URL call, and the
//! subscribe write kept and read back, made once, with the service's refusals as their kinds.

use duet_core::{EpisodePage, ErrorKind, Provider, Quality};
use duet_fake_upstream::netease::podcasts::{
    main_song_id, HOSTILE_PODCAST, LONG_PODCAST, UNSUBSCRIBED_PODCAST,
};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind, Transport};
use duet_test_support::{calls_to, netease_logged_in as logged_in, netease_logged_out as provider};

#[tokio::test]
async fn the_subscribed_podcasts_come_with_their_hosts_and_counts() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let podcasts = provider.subscribed_podcasts().await.unwrap();
    let ids: Vec<&str> = podcasts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, [LONG_PODCAST.to_string(), HOSTILE_PODCAST.to_string()]);
    let long = &podcasts[0];
    assert_eq!(long.name, "Duet Nightly: Code & Coffee");
    assert_eq!(long.episode_count, 64);
    assert!(long.subscribed);
    assert_eq!(long.host.as_ref().unwrap().name, "Ada Night");
    assert!(long
        .cover_url
        .as_deref()
        .unwrap()
        .starts_with(&fake.base_url()));
    // The hostile name arrives as text, byte for byte.
    assert!(podcasts[1]
        .name
        .starts_with("<img src=x onerror=alert('pod')>"));
    assert_eq!(
        calls_to(&fake, "/api/djradio/get/subed"),
        [(Transport::Weapi, Some(200))]
    );
}

#[tokio::test]
async fn without_a_login_the_subscribed_list_is_not_logged_in_and_nothing_is_asked() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake);
    let error = provider.subscribed_podcasts().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn);
    assert!(calls_to(&fake, "/api/djradio/get/subed").is_empty());
}

#[tokio::test]
async fn a_podcasts_episodes_page_newest_first_to_the_last() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake);
    let id = LONG_PODCAST.to_string();
    let podcast = provider.podcast(&id).await.unwrap();
    assert_eq!(podcast.episode_count, 64);
    assert!(!podcast.subscribed, "a visitor subscribes to nothing");

    let mut numbers = Vec::new();
    let mut page = 1;
    loop {
        let episodes = provider.podcast_episodes(&id, page).await.unwrap();
        assert_eq!(episodes.total, 64);
        assert_eq!(episodes.page_size, EpisodePage::PAGE_SIZE);
        numbers.extend(episodes.episodes.iter().map(|e| e.number.unwrap()));
        for pair in episodes.episodes.windows(2) {
            assert!(pair[0].published_at_ms > pair[1].published_at_ms);
        }
        if !episodes.has_more {
            break;
        }
        page += 1;
    }
    assert_eq!(page, 3, "30 + 30 + 4");
    assert_eq!(numbers, (1..=64).rev().collect::<Vec<u64>>());
    let calls = calls_to(&fake, "/api/dj/program/byradio");
    assert_eq!(calls.len(), 3, "one request a page");
    assert!(calls.iter().all(|c| *c == (Transport::Weapi, Some(200))));
}

#[tokio::test]
async fn an_episode_plays_as_its_main_song() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake);
    let page = provider
        .podcast_episodes(&LONG_PODCAST.to_string(), 1)
        .await
        .unwrap();
    let newest = &page.episodes[0];
    assert_eq!(newest.number, Some(64));
    assert_eq!(newest.track.id, main_song_id(LONG_PODCAST, 64).to_string());
    assert_eq!(newest.track.title, newest.title);
    assert_eq!(newest.track.album.name, "Duet Nightly: Code & Coffee");
    assert!(newest.track.playable);
    assert_eq!(newest.duration_ms, 664_000);
    let url = provider
        .stream_url(&newest.track.id, Quality::Standard)
        .await
        .unwrap();
    assert_eq!(url.track_id, newest.track.id);
    let audio = reqwest::get(&url.url).await.unwrap();
    assert!(audio.status().is_success());
}

#[tokio::test]
async fn bad_and_unknown_ids_and_pages_are_typed() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    for bad in ["", "abc", "1; drop", "123456789012345678901234"] {
        assert_eq!(
            provider.podcast(bad).await.unwrap_err().kind,
            ErrorKind::BadRequest
        );
        assert_eq!(
            provider
                .subscribe_podcast(bad, true)
                .await
                .unwrap_err()
                .kind,
            ErrorKind::BadRequest
        );
    }
    let id = LONG_PODCAST.to_string();
    for page in [0, EpisodePage::MAX_PAGE + 1] {
        assert_eq!(
            provider.podcast_episodes(&id, page).await.unwrap_err().kind,
            ErrorKind::BadRequest
        );
    }
    assert!(fake
        .requests()
        .iter()
        .all(|r| !r.logical_path.contains("dj")));

    let unknown = "7770000999";
    let error = provider.podcast(unknown).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(error.upstream_code, Some(404));
    assert_eq!(
        provider
            .podcast_episodes(unknown, 1)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        provider
            .subscribe_podcast(unknown, true)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_subscription_is_kept_and_read_back_and_made_once() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let id = UNSUBSCRIBED_PODCAST.to_string();
    assert!(!provider.podcast(&id).await.unwrap().subscribed);

    provider.subscribe_podcast(&id, true).await.unwrap();
    assert_eq!(
        fake.netease().subscribed_podcast_ids()[0],
        UNSUBSCRIBED_PODCAST
    );
    assert!(provider.podcast(&id).await.unwrap().subscribed);
    let list = provider.subscribed_podcasts().await.unwrap();
    assert_eq!(list[0].id, id, "newest subscription first");
    assert_eq!(list.len(), 3);

    provider.subscribe_podcast(&id, false).await.unwrap();
    assert!(!provider.podcast(&id).await.unwrap().subscribed);
    assert!(provider
        .subscribed_podcasts()
        .await
        .unwrap()
        .iter()
        .all(|p| p.id != id));
    assert_eq!(
        calls_to(&fake, "/api/djradio/sub"),
        [(Transport::Weapi, Some(200))]
    );
    assert_eq!(
        calls_to(&fake, "/api/djradio/unsub"),
        [(Transport::Weapi, Some(200))]
    );

    for (fault, kind) in [
        (FaultKind::ServerError, ErrorKind::Upstream),
        (FaultKind::RateLimit, ErrorKind::RateLimited),
        (FaultKind::RiskControl, ErrorKind::RiskControl),
    ] {
        fake.netease().clear_requests();
        fake.netease().fail(Fault::new(fault).path("/djradio/sub"));
        let error = provider.subscribe_podcast(&id, true).await.unwrap_err();
        assert_eq!(error.kind, kind, "{fault:?}");
        assert_eq!(
            calls_to(&fake, "/api/djradio/sub").len(),
            1,
            "{fault:?}: a write is made once"
        );
    }
}

#[tokio::test]
async fn writes_without_a_login_are_refused_by_the_service_as_not_logged_in() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake);
    let error = provider
        .subscribe_podcast(&UNSUBSCRIBED_PODCAST.to_string(), true)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn);
    assert_eq!(error.upstream_code, Some(301));
    assert_eq!(
        fake.netease().subscribed_podcast_ids(),
        [LONG_PODCAST, HOSTILE_PODCAST]
    );
}
