//! QQ Music's personal radio (猜你喜欢) against the strict fake: batches of whole tracks that
//! keep coming, asked as the reference asks them; a login's; no "not interested" and no
//! heartbeat mode (the references show none), each `declined` without a request.

use duet_core::{ErrorKind, Provider};
use duet_fake_upstream::qq::{radio_catalogue, QqAccount};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_qqmusic::radio::RADIO_BATCH;
use duet_qqmusic::QqProvider;
use duet_test_support::{qq_logged_in, qq_logged_out as provider};

/// QQ Music logged in to `fake` with its QQ account.
async fn logged_in(fake: &FakeUpstream) -> QqProvider {
    qq_logged_in(fake, QqAccount::Qq).await
}

fn radio_calls(fake: &FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| {
            r.call
                .as_deref()
                .is_some_and(|c| c == "music.radioProxy.MbTrackRadioSvr.get_radio_track")
        })
        .count()
}

#[tokio::test]
async fn the_radio_hands_out_whole_tracks_batch_after_batch() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let first = provider.personal_fm().await.unwrap();
    let second = provider.personal_fm().await.unwrap();
    assert_eq!(first.len(), RADIO_BATCH as usize);
    assert_eq!(second.len(), RADIO_BATCH as usize);
    assert_ne!(
        first[0].id, second[0].id,
        "the next songs, not the same ones"
    );
    for track in first.iter().chain(&second) {
        assert_eq!(track.provider, duet_core::ProviderId::Qq);
        assert_eq!(track.id.len(), 14, "a songmid: {track:?}");
        assert!(!track.title.is_empty() && !track.artists.is_empty());
        assert!(track.duration_ms > 0);
    }
    assert!(!radio_catalogue().is_empty());
    assert_eq!(radio_calls(&fake), 2);
}

#[tokio::test]
async fn the_radio_needs_a_login_and_keeps_refusals_as_kinds() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let error = provider(&fake).personal_fm().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");

    let provider = logged_in(&fake).await;
    fake.qq().fail(
        Fault::new(FaultKind::QqRiskControl)
            .module("music.radioProxy.MbTrackRadioSvr")
            .method("get_radio_track"),
    );
    let error = provider.personal_fm().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::RiskControl, "{error:?}");
    fake.qq()
        .fail(Fault::new(FaultKind::Reshaped).module("music.radioProxy.MbTrackRadioSvr"));
    let error = provider.personal_fm().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream, "{error:?}");
}

#[tokio::test]
async fn no_trash_and_no_heartbeat_and_nothing_asked_for_them() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    fake.qq().clear_requests();
    let error = provider.fm_trash("0039MnYb0qxYhV").await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Declined, "{error:?}");
    assert!(error.message.contains("not interested"), "{error}");
    let error = provider
        .heartbeat("0039MnYb0qxYhV", "liked")
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Declined, "{error:?}");
    assert!(fake.requests().is_empty());
}
