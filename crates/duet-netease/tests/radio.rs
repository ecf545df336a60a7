//! Personal FM and heartbeat mode against the strict fake: batches keep coming and never bring
//! a trashed song back, the trash lands once with the fields NCMA sends, the heartbeat queue
//! starts from the song asked, and the service's refusals keep their kinds.

use std::collections::HashSet;

use duet_core::{ErrorKind, Provider};
use duet_fake_upstream::netease::radio::{fm_catalogue, FM_BATCH, HEARTBEAT_TRACK_BASE};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind, Transport};
use duet_test_support::{calls_to, netease_logged_in as logged_in, netease_logged_out as provider};

const LIKED: &str = "24381616";

#[tokio::test]
async fn fm_batches_keep_coming_over_weapi_as_whole_tracks() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let mut seen = HashSet::new();
    let catalogue = fm_catalogue();
    for _ in 0..4 {
        let batch = provider.personal_fm().await.unwrap();
        assert_eq!(batch.len(), FM_BATCH);
        for track in &batch {
            let id: u64 = track.id.parse().unwrap();
            assert!(catalogue.contains(&id), "{id}");
            assert!(seen.insert(id), "a fresh song in each batch: {id}");
            // The legacy schema (artists/album/duration) read as a whole track.
            assert!(!track.title.is_empty());
            assert!(!track.artists.is_empty(), "{track:?}");
            assert!(track.album.cover_url.is_some(), "{track:?}");
            assert!(track.duration_ms > 0);
            assert!(track.playable);
        }
    }
    let calls = calls_to(&fake, "/api/v1/radio/get");
    assert_eq!(calls.len(), 4);
    assert!(calls
        .iter()
        .all(|(t, code)| *t == Transport::Weapi && *code == Some(200)));
}

#[tokio::test]
async fn a_trashed_song_is_sent_once_and_never_comes_back() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let first = provider.personal_fm().await.unwrap();
    let trashed = first[1].id.clone();
    provider.fm_trash(&trashed).await.unwrap();

    let records = fake.netease().fm_trashed();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].song_id.to_string(), trashed);
    assert_eq!(records[0].alg, "RT");
    assert_eq!(
        records[0].time, 25,
        "a fixed value, never the time listened"
    );
    assert_eq!(
        calls_to(&fake, "/api/radio/trash/add"),
        vec![(Transport::Weapi, Some(200))]
    );

    // Round the whole catalogue twice: the trashed one never returns.
    for _ in 0..(2 * fm_catalogue().len() / FM_BATCH + 1) {
        let batch = provider.personal_fm().await.unwrap();
        assert!(batch.iter().all(|t| t.id != trashed), "{batch:?}");
    }
}

#[tokio::test]
async fn a_refused_trash_keeps_its_reason_and_is_not_sent_again() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let song = provider.personal_fm().await.unwrap()[0].id.clone();
    let cases = [
        (FaultKind::RateLimit, ErrorKind::RateLimited),
        (FaultKind::RiskControl, ErrorKind::RiskControl),
        (FaultKind::NotLoggedIn, ErrorKind::SessionExpired),
        (FaultKind::ServerError, ErrorKind::Upstream),
    ];
    for (fault, kind) in cases {
        fake.netease().clear_requests();
        fake.netease()
            .fail(Fault::new(fault).path("/radio/trash/add"));
        let error = provider.fm_trash(&song).await.unwrap_err();
        assert_eq!(error.kind, kind, "{fault:?}: {error:?}");
        assert_eq!(
            calls_to(&fake, "/api/radio/trash/add").len(),
            1,
            "{fault:?}: a write is made once"
        );
        if kind == ErrorKind::SessionExpired {
            break;
        }
    }
    assert!(fake.netease().fm_trashed().is_empty());
}

#[tokio::test]
async fn the_heartbeat_queue_starts_from_the_song_asked() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let liked = provider.liked_ids().await.unwrap();
    let start = liked[2].clone();
    let queue = provider.heartbeat(&start, LIKED).await.unwrap();
    assert_eq!(queue[0].id, start, "the song asked plays first");
    assert_eq!(queue.len(), duet_netease::radio::HEARTBEAT_COUNT as usize);
    let recommended = queue
        .iter()
        .filter(|t| t.id.parse::<u64>().unwrap() > HEARTBEAT_TRACK_BASE)
        .count();
    let own = queue[1..].iter().filter(|t| liked.contains(&t.id)).count();
    assert!(recommended > 0 && own > 0, "{recommended} + {own}");
    assert!(queue
        .iter()
        .all(|t| !t.title.is_empty() && !t.artists.is_empty()));
    assert_eq!(
        calls_to(&fake, "/api/playmode/intelligence/list"),
        vec![(Transport::Eapi, Some(200))]
    );
}

#[tokio::test]
async fn bad_ids_never_reach_the_service_and_unknown_playlists_are_not_found() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    fake.netease().clear_requests();
    for bad in ["", "abc", "-1", "0", "1; drop"] {
        let error = provider.fm_trash(bad).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{bad:?}");
        let error = provider.heartbeat(bad, LIKED).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{bad:?}");
        let error = provider.heartbeat("347230", bad).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{bad:?}");
    }
    assert!(fake.requests().is_empty(), "nothing was sent");
    let error = provider
        .heartbeat("347230", "9404000001")
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound, "{error:?}");
}

#[tokio::test]
async fn fm_and_heartbeat_need_a_login() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider(&fake);
    let error = provider.personal_fm().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");
    let error = provider.heartbeat("347230", LIKED).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");
    assert!(provider.fm_trash("347230").await.is_err());
    assert!(fake.netease().fm_trashed().is_empty());
}

#[tokio::test]
async fn an_fm_answer_in_another_shape_is_upstream() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    fake.netease()
        .fail(Fault::new(FaultKind::Reshaped).path("/v1/radio/get"));
    let error = provider.personal_fm().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream, "{error:?}");
}
