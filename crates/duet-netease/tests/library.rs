//! Likes and the account's own playlists against the strict fake: each write lands (read back
//! through the ordinary reads), each refusal keeps the service's reason as its kind, and no
//! write is ever sent twice.

use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::{ErrorKind, MemoryStore, Playlist, Provider, Upstream};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind, Transport};
use duet_netease::{Config, NeteaseProvider};
use duet_test_support::{calls_to, netease_logged_in as logged_in};

/// The liked list of the fake's account, someone else's playlist, and one of the account's own.
const LIKED: &str = "24381616";
const SOMEONE_ELSES: &str = "131149308";
const OWN: &str = "9000000066";

fn ids(tracks: &Playlist) -> Vec<String> {
    tracks
        .tracks
        .as_ref()
        .unwrap()
        .iter()
        .map(|t| t.id.clone())
        .collect()
}

async fn mine(provider: &NeteaseProvider, id: &str) -> Option<Playlist> {
    provider
        .user_playlists()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
}

#[tokio::test]
async fn a_like_shows_in_the_liked_ids_and_the_liked_playlist() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let before = provider.liked_ids().await.unwrap();
    assert!(!before.is_empty(), "the fixture account likes songs");
    assert!(!before.contains(&"347230".to_owned()));

    provider.like("347230", true).await.unwrap();
    let after = provider.liked_ids().await.unwrap();
    assert_eq!(after[0], "347230", "newest first");
    assert_eq!(after.len(), before.len() + 1);
    let liked = provider.playlist(LIKED).await.unwrap();
    assert!(liked.liked);
    assert_eq!(ids(&liked)[0], "347230");
    assert_eq!(liked.tracks.as_ref().unwrap()[0].title, "海阔天空");
    assert_eq!(
        mine(&provider, LIKED).await.unwrap().track_count,
        after.len() as u64
    );

    provider.like("347230", true).await.unwrap();
    assert_eq!(
        provider.liked_ids().await.unwrap().len(),
        after.len(),
        "liking twice is one like"
    );
    provider.like("347230", false).await.unwrap();
    assert_eq!(provider.liked_ids().await.unwrap(), before);
    assert_eq!(fake.netease().liked_track_ids().len(), before.len());

    assert_eq!(
        calls_to(&fake, "/api/radio/like"),
        vec![(Transport::Weapi, Some(200)); 3],
        "weapi, as NCMA's like.js"
    );
    assert!(calls_to(&fake, "/api/song/like/get")
        .iter()
        .all(|(t, _)| *t == Transport::Eapi));
}

#[tokio::test]
async fn created_playlists_take_tracks_and_are_renamed_and_deleted() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;

    let created = provider.create_playlist("  Road trip  ").await.unwrap();
    assert_eq!(created.name, "Road trip");
    assert_eq!(created.track_count, 0);
    let listed = mine(&provider, &created.id).await.expect("listed as mine");
    assert_eq!(listed.name, "Road trip");

    let batch = vec![
        "347230".to_owned(),
        "700000013".to_owned(),
        "700000077".to_owned(),
    ];
    provider.add_to_playlist(&created.id, &batch).await.unwrap();
    let read = provider.playlist(&created.id).await.unwrap();
    assert_eq!(ids(&read), batch, "several at once, in the order given");
    assert_eq!(mine(&provider, &created.id).await.unwrap().track_count, 3);

    // Adding what is there already is done, not an error (the service's 502).
    provider
        .add_to_playlist(&created.id, &batch[..1])
        .await
        .unwrap();
    assert_eq!(
        calls_to(&fake, "/api/playlist/manipulate/tracks")
            .last()
            .unwrap()
            .1,
        Some(502)
    );
    assert_eq!(ids(&provider.playlist(&created.id).await.unwrap()).len(), 3);

    provider
        .remove_from_playlist(&created.id, &batch[1..2])
        .await
        .unwrap();
    assert_eq!(
        ids(&provider.playlist(&created.id).await.unwrap()),
        vec![batch[0].clone(), batch[2].clone()]
    );

    provider
        .rename_playlist(&created.id, "Night drive")
        .await
        .unwrap();
    assert_eq!(
        provider.playlist(&created.id).await.unwrap().name,
        "Night drive"
    );
    assert_eq!(
        mine(&provider, &created.id).await.unwrap().name,
        "Night drive"
    );

    provider.delete_playlist(&created.id).await.unwrap();
    assert!(mine(&provider, &created.id).await.is_none());
    let gone = provider.playlist(&created.id).await.unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound);

    for (path, transport) in [
        ("/api/playlist/create", Transport::Weapi),
        ("/api/playlist/update/name", Transport::Eapi),
        ("/api/playlist/remove", Transport::Weapi),
        ("/api/playlist/manipulate/tracks", Transport::Eapi),
    ] {
        let calls = calls_to(&fake, path);
        assert!(!calls.is_empty(), "{path}");
        assert!(
            calls.iter().all(|(t, _)| *t == transport),
            "{path}: {calls:?}"
        );
    }
}

#[tokio::test]
async fn someone_elses_playlist_is_followed_not_changed() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    assert!(mine(&provider, SOMEONE_ELSES).await.is_none());

    provider.follow_playlist(SOMEONE_ELSES, true).await.unwrap();
    let followed = mine(&provider, SOMEONE_ELSES).await.expect("followed");
    assert_ne!(
        followed.creator.id,
        provider.profile().await.unwrap().user_id
    );
    provider
        .follow_playlist(SOMEONE_ELSES, false)
        .await
        .unwrap();
    assert!(mine(&provider, SOMEONE_ELSES).await.is_none());

    let track = vec!["347230".to_owned()];
    for refused in [
        provider.add_to_playlist(SOMEONE_ELSES, &track).await,
        provider.remove_from_playlist(SOMEONE_ELSES, &track).await,
        provider.rename_playlist(SOMEONE_ELSES, "mine now").await,
        provider.delete_playlist(SOMEONE_ELSES).await,
        provider.follow_playlist(OWN, true).await,
    ] {
        let error = refused.unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotOwner, "{error:?}");
        assert_eq!(error.upstream_code, Some(401));
    }
    let unknown = provider
        .add_to_playlist("8000000001", &track)
        .await
        .unwrap_err();
    assert_eq!(unknown.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn bad_input_never_reaches_the_service() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    fake.netease().clear_requests();
    let forty_one = "歌".repeat(41);
    let refused = [
        provider.like("12a", true).await.unwrap_err(),
        provider.create_playlist("   ").await.unwrap_err(),
        provider.create_playlist(&forty_one).await.unwrap_err(),
        provider.rename_playlist(OWN, "a\nb").await.unwrap_err(),
        provider.add_to_playlist(OWN, &[]).await.unwrap_err(),
        provider
            .add_to_playlist(OWN, &["1".to_owned(), "1".to_owned()])
            .await
            .unwrap_err(),
        provider
            .remove_from_playlist("<script>", &["1".to_owned()])
            .await
            .unwrap_err(),
        provider.follow_playlist("", true).await.unwrap_err(),
    ];
    for error in refused {
        assert_eq!(error.kind, ErrorKind::BadRequest, "{error:?}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_refused_write_keeps_its_reason_and_is_never_sent_again() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let track = vec!["347230".to_owned()];
    let cases = [
        (FaultKind::RateLimit, ErrorKind::RateLimited),
        (FaultKind::Verification, ErrorKind::VerificationRequired),
        (
            FaultKind::RiskControlVerify,
            ErrorKind::VerificationRequired,
        ),
        (FaultKind::RiskControl, ErrorKind::RiskControl),
        (FaultKind::ServerError, ErrorKind::Upstream),
    ];
    for (fault, kind) in cases {
        fake.netease().clear_requests();
        fake.netease()
            .fail(Fault::new(fault).path("/playlist/manipulate/tracks"));
        let error = provider.add_to_playlist(OWN, &track).await.unwrap_err();
        assert_eq!(error.kind, kind, "{fault:?}: {error:?}");
        assert_eq!(
            calls_to(&fake, "/api/playlist/manipulate/tracks").len(),
            1,
            "{fault:?}: a write is made once"
        );

        fake.netease().clear_requests();
        fake.netease().fail(Fault::new(fault).path("/radio/like"));
        let error = provider.like("347230", true).await.unwrap_err();
        assert_eq!(error.kind, kind, "{fault:?}: {error:?}");
        assert_eq!(calls_to(&fake, "/api/radio/like").len(), 1, "{fault:?}");
    }
    assert!(!provider
        .liked_ids()
        .await
        .unwrap()
        .contains(&"347230".to_owned()));

    // A follow without the anti-cheat token, where the service demands one, asks for the
    // verification rather than trying again.
    fake.netease().clear_requests();
    fake.netease().demand_anti_cheat_token(true);
    let demand = provider
        .follow_playlist(SOMEONE_ELSES, true)
        .await
        .unwrap_err();
    assert_eq!(demand.kind, ErrorKind::VerificationRequired);
    assert_eq!(calls_to(&fake, "/api/playlist/subscribe").len(), 1);
}

#[tokio::test]
async fn writes_need_a_login() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    let provider = NeteaseProvider::new(config, Arc::new(MemoryStore::new())).unwrap();
    let error = provider.like("347230", true).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");
    let error = provider.create_playlist("x").await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");
    assert!(provider.liked_ids().await.is_err());
}
