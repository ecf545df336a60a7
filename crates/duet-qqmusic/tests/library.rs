//! "我喜欢" and the account's own playlists against the strict fake: each write lands (read back
//! through the ordinary reads), each refusal keeps its kind, and no write is sent twice.

use duet_core::{ErrorKind, Playlist, Provider};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind, RecordedRequest};
use duet_qqmusic::QqProvider;
use duet_test_support::qq_logged_in;

/// QQ Music logged in to `fake` with its QQ account.
async fn logged_in(fake: &FakeUpstream) -> QqProvider {
    qq_logged_in(fake, QqAccount::Qq).await
}

/// One of the account's own playlists (30 generated songs), someone else's (7 songs), and the
/// captured one the account has collected.
const OWN: &str = "8000000030";
const SOMEONE_ELSES: &str = "8000000007";
const COLLECTED: &str = "211111";

fn mids(playlist: &Playlist) -> Vec<String> {
    playlist
        .tracks
        .as_ref()
        .unwrap()
        .iter()
        .map(|t| t.id.clone())
        .collect()
}

async fn mine(provider: &QqProvider, id: &str) -> Option<Playlist> {
    provider
        .user_playlists()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
}

/// The envelope items calling `method` the fake received.
fn items(fake: &FakeUpstream, method: &str) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| {
            r.call
                .as_deref()
                .is_some_and(|c| c.ends_with(&format!(".{method}")))
        })
        .collect()
}

#[tokio::test]
async fn a_like_lands_in_the_liked_songs() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let before = provider.liked_ids().await.unwrap();
    assert!(!before.is_empty());
    // A song seen in a list: its numeric id is known, so the write costs no lookup.
    let song = mids(&provider.playlist(OWN).await.unwrap())[25].clone();
    assert!(!before.contains(&song));

    provider.like(&song, true).await.unwrap();
    let after = provider.liked_ids().await.unwrap();
    assert_eq!(after[0], song, "newest first");
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(mids(&provider.playlist("liked").await.unwrap())[0], song);
    assert_eq!(
        mine(&provider, "liked").await.unwrap().track_count,
        after.len() as u64
    );
    assert_eq!(fake.qq().liked_song_ids(QqAccount::Qq).len(), after.len());

    // Liking a liked song is done (80092), not an error; unliking puts the list back.
    provider.like(&song, true).await.unwrap();
    provider.like(&song, false).await.unwrap();
    assert_eq!(provider.liked_ids().await.unwrap(), before);
    let writes = items(&fake, "AddSonglist");
    assert_eq!(writes.len(), 2);
    assert_eq!(
        writes[1].code,
        Some(80092),
        "the second like: already there"
    );
}

#[tokio::test]
async fn created_playlists_take_tracks_and_are_renamed_and_deleted() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let created = provider.create_playlist(" 通勤 ").await.unwrap();
    assert_eq!(created.name, "通勤");
    assert_eq!(mine(&provider, &created.id).await.unwrap().name, "通勤");

    let songs: Vec<String> = mids(&provider.playlist(OWN).await.unwrap())[..3].to_vec();
    provider.add_to_playlist(&created.id, &songs).await.unwrap();
    assert_eq!(mids(&provider.playlist(&created.id).await.unwrap()), songs);
    assert_eq!(mine(&provider, &created.id).await.unwrap().track_count, 3);
    provider
        .add_to_playlist(&created.id, &songs[..1])
        .await
        .unwrap();
    provider
        .remove_from_playlist(&created.id, &songs[1..2])
        .await
        .unwrap();
    assert_eq!(
        mids(&provider.playlist(&created.id).await.unwrap()),
        vec![songs[0].clone(), songs[2].clone()]
    );

    provider.rename_playlist(&created.id, "夜路").await.unwrap();
    assert_eq!(provider.playlist(&created.id).await.unwrap().name, "夜路");
    provider.rename_playlist(OWN, "旧歌单").await.unwrap();
    assert_eq!(mine(&provider, OWN).await.unwrap().name, "旧歌单");

    provider.delete_playlist(&created.id).await.unwrap();
    assert!(mine(&provider, &created.id).await.is_none());
    assert_eq!(
        provider.playlist(&created.id).await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        provider.delete_playlist("liked").await.unwrap_err().kind,
        ErrorKind::Declined
    );
}

#[tokio::test]
async fn someone_elses_playlist_is_followed_not_changed() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    assert!(mine(&provider, SOMEONE_ELSES).await.is_none());
    provider.follow_playlist(SOMEONE_ELSES, true).await.unwrap();
    assert!(mine(&provider, SOMEONE_ELSES).await.is_some());
    provider.follow_playlist(COLLECTED, false).await.unwrap();
    assert!(mine(&provider, COLLECTED).await.is_none());
    assert_eq!(items(&fake, "FavPlaylist").len(), 1);
    assert_eq!(items(&fake, "CancelFavPlaylist").len(), 1);

    let song = mids(&provider.playlist(OWN).await.unwrap())[0].clone();
    let refused = [
        provider
            .add_to_playlist(SOMEONE_ELSES, std::slice::from_ref(&song))
            .await,
        provider
            .remove_from_playlist(SOMEONE_ELSES, std::slice::from_ref(&song))
            .await,
        provider.rename_playlist(SOMEONE_ELSES, "mine").await,
        provider.delete_playlist(SOMEONE_ELSES).await,
        provider.follow_playlist(OWN, true).await,
    ];
    for error in refused {
        assert_eq!(error.unwrap_err().kind, ErrorKind::NotOwner);
    }
    assert!(
        items(&fake, "AddSonglist").is_empty() && items(&fake, "DelPlaylist").is_empty(),
        "nothing is sent for a playlist that is not the account's"
    );
    assert_eq!(
        provider
            .add_to_playlist("8999999999999", &[song])
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        provider
            .follow_playlist("8999999999999", true)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn bad_input_never_reaches_the_service() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    fake.qq().clear_requests();
    let refused = [
        provider.like("not-a-mid", true).await.unwrap_err(),
        provider.create_playlist("").await.unwrap_err(),
        provider.create_playlist(&"x".repeat(41)).await.unwrap_err(),
        provider.rename_playlist(OWN, "\u{7}").await.unwrap_err(),
        provider.add_to_playlist(OWN, &[]).await.unwrap_err(),
        provider
            .add_to_playlist("12ab", &["0039MnYb0qxYhV".to_owned()])
            .await
            .unwrap_err(),
        provider.follow_playlist("-1", true).await.unwrap_err(),
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
    let song = mids(&provider.playlist(OWN).await.unwrap())[25].clone();
    for (fault, kind) in [
        (FaultKind::QqRateLimited, ErrorKind::RateLimited),
        (FaultKind::QqVerify, ErrorKind::VerificationRequired),
        (FaultKind::QqRiskControl, ErrorKind::RiskControl),
        (FaultKind::ServerError, ErrorKind::Upstream),
    ] {
        fake.qq().clear_requests();
        let mut injected = Fault::new(fault);
        if fault != FaultKind::ServerError {
            injected = injected.method("AddSonglist");
        } else {
            injected = injected.path("musics.fcg");
        }
        fake.qq().fail(injected);
        let error = provider.like(&song, true).await.unwrap_err();
        assert_eq!(error.kind, kind, "{fault:?}: {error:?}");
        assert_eq!(
            fake.requests().len(),
            1,
            "{fault:?}: made once, nothing else"
        );
        fake.qq().clear_faults();
    }
    assert!(!provider.liked_ids().await.unwrap().contains(&song));
}
