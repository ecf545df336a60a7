//! `find_on` against the real QQ Music client and the strict fake: the NetEase listing of 晴天
//! is found on QQ Music as the same recording; its live take, and the same title by another
//! artist, are not; the search's own errors come back typed.

use duet_core::{AlbumRef, ArtistRef, ErrorKind, Provider, ProviderId, Track};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_match::{confidence, find_on, Confidence, SURE};
use duet_qqmusic::QqProvider;
use duet_test_support::{qq_logged_in, qq_logged_out as client};

/// QQ Music logged in to `fake` with its QQ account.
async fn logged_in(fake: &FakeUpstream) -> QqProvider {
    qq_logged_in(fake, QqAccount::Qq).await
}

/// QQ Music's 晴天 in the fake's catalogue (the fixture's song).
const QQ_SUNNY_DAY: &str = "0039MnYb0qxYhV";

/// A NetEase track as NetEase lists it.
fn netease(title: &str, artist: &str, ms: u64, album: &str) -> Track {
    Track {
        provider: ProviderId::Netease,
        id: "186016".into(),
        title: title.into(),
        artists: vec![ArtistRef {
            id: "6452".into(),
            name: artist.into(),
        }],
        album: AlbumRef {
            id: "18905".into(),
            name: album.into(),
            cover_url: None,
        },
        duration_ms: ms,
        playable: false,
        unavailable_reason: Some("no rights".into()),
        vip: false,
        trial: None,
    }
}

#[tokio::test]
async fn the_same_recording_is_found_and_near_misses_are_not() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let qq = logged_in(&fake).await;

    let ranked = find_on(&qq, &netease("晴天", "周杰伦", 269_000, "叶惠美"))
        .await
        .unwrap();
    let best = ranked.first().expect("晴天 is on QQ Music");
    assert_eq!(best.track.id, QQ_SUNNY_DAY);
    assert_eq!(best.track.provider, ProviderId::Qq);
    assert!(best.score >= SURE, "{}", best.score);
    assert_eq!(confidence(&ranked), Confidence::Sure);
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));

    // The traditional-script listing of the same song finds it too.
    let ranked = find_on(&qq, &netease("晴天", "周杰倫", 269_000, "葉惠美"))
        .await
        .unwrap();
    assert_eq!(
        ranked.first().map(|s| s.track.id.as_str()),
        Some(QQ_SUNNY_DAY)
    );

    let live = find_on(
        &qq,
        &netease("晴天 (Live)", "周杰伦", 299_000, "地表最强演唱会"),
    )
    .await
    .unwrap();
    assert!(
        live.iter().all(|s| s.track.id != QQ_SUNNY_DAY),
        "the studio take is never offered for a live one: {live:?}"
    );
    assert_ne!(confidence(&live), Confidence::Sure);

    let other = find_on(&qq, &netease("晴天", "林俊杰", 269_000, ""))
        .await
        .unwrap();
    assert_eq!(confidence(&other), Confidence::Missing, "{other:?}");
}

#[tokio::test]
async fn errors_come_back_typed() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let qq = logged_in(&fake).await;
    let mut own = netease("晴天", "周杰伦", 269_000, "叶惠美");
    own.provider = ProviderId::Qq;
    let error = find_on(&qq, &own).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadRequest, "{error}");

    let anonymous = client(&fake);
    let error = find_on(&anonymous, &netease("晴天", "周杰伦", 269_000, "叶惠美"))
        .await
        .unwrap_err();
    // Without a session the client does not ask (QQ Music would answer its risk-control 2001).
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error}");
    assert_eq!(error.provider, Some(ProviderId::Qq), "{error}");
    assert!(!anonymous.has_session().await);
}
