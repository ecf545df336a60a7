//! Play anywhere against the fake with both services logged in: the other service's recording
//! plays when a track cannot play on its own, only when the matcher is sure, and the other
//! service is never searched when it must not be (checked in the fake's request journal).

use duet_anywhere::{Anywhere, Plays, Setting};
use duet_core::{Error, ErrorKind, Provider, ProviderId, Quality, Result, StreamUrl, Track};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins::{self, Availability, Miss, Service};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_fake_upstream::{Fault, FaultKind, RecordedRequest};
use duet_netease::NeteaseProvider;
use duet_qqmusic::QqProvider;
use duet_test_support::{netease_logged_in, qq_logged_in, qq_logged_out};

/// QQ Music logged in with the fake's non-VIP account.
async fn qq(fake: &FakeUpstream) -> QqProvider {
    fake.qq().set_vip(QqAccount::Qq, false);
    qq_logged_in(fake, QqAccount::Qq).await
}

struct Both {
    fake: FakeUpstream,
    ne: NeteaseProvider,
    qq: QqProvider,
}

async fn both() -> Both {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (ne, qq) = (netease_logged_in(&fake).await, qq(&fake).await);
    Both { fake, ne, qq }
}

fn is_search(r: &RecordedRequest) -> bool {
    r.logical_path.contains("search")
        || r.call
            .as_deref()
            .is_some_and(|c| c.contains("SearchCgiService"))
}

/// How many searches the fake has seen so far.
fn searches(fake: &FakeUpstream) -> usize {
    fake.requests().iter().filter(|r| is_search(r)).count()
}

/// A NetEase track's own outcome as the app's player gets it: no URL asked for a track its
/// service lists as unplayable.
async fn own_outcome(ne: &NeteaseProvider, track: &Track) -> Result<StreamUrl> {
    if track.playable {
        ne.stream_url(&track.id, Quality::High).await
    } else {
        Err(Error::new(
            ErrorKind::Unavailable,
            track.unavailable_reason.clone().unwrap_or_default(),
        )
        .with_provider(ProviderId::Netease))
    }
}

async fn resolve(
    both: &Both,
    anywhere: &Anywhere,
    track: &Track,
    setting: Setting,
) -> Result<Plays> {
    let original = own_outcome(&both.ne, track).await;
    anywhere
        .resolve(track, original, Some(&both.qq), Quality::High, setting)
        .await
}

fn twin(netease: Availability, qq: Availability) -> &'static twins::Twin {
    twins::twins()
        .iter()
        .find(|t| t.netease.availability == netease && t.qq.availability == qq)
        .unwrap()
}

fn unavailable() -> Result<StreamUrl> {
    Err(
        Error::new(ErrorKind::Unavailable, "no rights in your region")
            .with_provider(ProviderId::Netease),
    )
}

#[tokio::test]
async fn a_grey_netease_track_plays_from_qq_music_and_is_searched_once() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let daoxiang = twins::twin_titled("稻香").unwrap();
    let grey = both.ne.track(&daoxiang.netease.track_id()).await.unwrap();
    assert!(!grey.playable, "{grey:?}");

    let plays = resolve(&both, &anywhere, &grey, Setting::On).await.unwrap();
    let Plays::Substitute { track, url } = &plays else {
        panic!("not substituted: {plays:?}")
    };
    assert_eq!(track.provider, ProviderId::Qq);
    assert_eq!(track.id, daoxiang.qq.track_id());
    assert_eq!(track.title, "稻香");
    assert_eq!(
        (url.provider, url.track_id.as_str()),
        (ProviderId::Qq, "004DuetTwin002")
    );
    assert!(url.trial.is_none(), "{url:?}");
    assert_eq!(searches(&both.fake), 1);

    // The queue loops: the match is remembered, only the URL is asked for again.
    let again = resolve(&both, &anywhere, &grey, Setting::On).await.unwrap();
    assert_eq!(
        again.substitute().map(|t| t.id.as_str()),
        Some("004DuetTwin002")
    );
    assert_eq!(searches(&both.fake), 1, "searched again");
    assert_eq!(anywhere.found(&grey).unwrap().unwrap().id, "004DuetTwin002");
}

#[tokio::test]
async fn a_vip_only_netease_track_plays_in_full_from_qq_music() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let qilixiang = twin(Availability::Vip, Availability::Normal);
    let vip = both.ne.track(&qilixiang.netease.track_id()).await.unwrap();
    assert!(vip.vip && vip.playable, "{vip:?}");
    let own = own_outcome(&both.ne, &vip).await;
    assert!(
        own.as_ref()
            .map_or_else(|e| e.kind == ErrorKind::Unavailable, |u| u.trial.is_some()),
        "NetEase gives a non-VIP no whole song: {own:?}"
    );

    let plays = resolve(&both, &anywhere, &vip, Setting::On).await.unwrap();
    let substitute = plays.substitute().expect("plays from QQ Music");
    assert_eq!(substitute.id, qilixiang.qq.track_id());
    assert_eq!(substitute.title, "七里香");
    assert!(plays.url().trial.is_none());
}

#[tokio::test]
async fn a_track_that_plays_on_its_own_service_never_searches() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let qingtian = twins::twin_titled("晴天").unwrap();
    let free = both.ne.track(&qingtian.netease.track_id()).await.unwrap();
    let plays = resolve(&both, &anywhere, &free, Setting::On).await.unwrap();
    assert!(matches!(&plays, Plays::Original(url) if url.provider == ProviderId::Netease));
    assert_eq!(searches(&both.fake), 0);
}

#[tokio::test]
async fn a_track_without_a_counterpart_keeps_its_own_error() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let lonely = twins::near_misses()
        .iter()
        .find(|m| m.service == Service::Netease && m.miss == Miss::NoCounterpart)
        .unwrap();
    let track = both.ne.track(&lonely.listing.track_id()).await.unwrap();

    let error = anywhere
        .resolve(
            &track,
            unavailable(),
            Some(&both.qq),
            Quality::High,
            Setting::On,
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert_eq!(error.message, "no rights in your region");
    assert_eq!(error.provider, Some(ProviderId::Netease));
    assert_eq!(searches(&both.fake), 1);
    // "Nothing there" is remembered too.
    assert_eq!(anywhere.found(&track), Some(None));
    anywhere
        .resolve(
            &track,
            unavailable(),
            Some(&both.qq),
            Quality::High,
            Setting::On,
        )
        .await
        .unwrap_err();
    assert_eq!(searches(&both.fake), 1, "searched again");
}

#[tokio::test]
async fn near_misses_are_never_played_for_a_song() {
    let both = both().await;
    let anywhere = Anywhere::new();
    // Studio songs whose other-side search also finds a live take, an instrumental, a cover, a
    // same-titled song or a remix: only the very recording plays.
    for title in ["晴天", "Shape of You", "稻香", "七里香"] {
        let twin = twins::twin_titled(title).unwrap();
        let track = both.ne.track(&twin.netease.track_id()).await.unwrap();
        let plays = anywhere
            .resolve(
                &track,
                unavailable(),
                Some(&both.qq),
                Quality::High,
                Setting::On,
            )
            .await
            .unwrap_or_else(|e| panic!("{title}: {e:?}"));
        assert_eq!(
            plays.substitute().map(|t| t.id.clone()),
            Some(twin.qq.track_id()),
            "{title}"
        );
    }
    // A live take, a cover, a remix, a song QQ Music does not have: nothing sure on QQ Music
    // (its live 晴天 is another concert, its remix another remixer), so the own error stays.
    let qq_studio: Vec<String> = twins::twins().iter().map(|t| t.qq.track_id()).collect();
    for miss in twins::near_misses()
        .iter()
        .filter(|m| m.service == Service::Netease)
    {
        let track = both.ne.track(&miss.listing.track_id()).await.unwrap();
        let plays = anywhere
            .resolve(
                &track,
                unavailable(),
                Some(&both.qq),
                Quality::High,
                Setting::On,
            )
            .await;
        match (miss.miss, &plays) {
            (Miss::Instrumental, Ok(Plays::Substitute { track, .. })) => {
                // The backing track only ever for the backing track.
                assert!(!qq_studio.contains(&track.id), "{miss:?} → {track:?}");
                assert!(twins::is_instrumental(
                    Service::Qq,
                    twins::qq_by_mid(&track.id).unwrap().id
                ));
            }
            (_, Err(e)) => assert_eq!(e.message, "no rights in your region", "{miss:?}"),
            (_, Ok(other)) => panic!("{miss:?} played {other:?}"),
        }
    }
}

#[tokio::test]
async fn with_the_setting_off_the_other_service_is_never_searched() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let daoxiang = twins::twin_titled("稻香").unwrap();
    let grey = both.ne.track(&daoxiang.netease.track_id()).await.unwrap();
    let before = both.fake.requests().len();

    let error = resolve(&both, &anywhere, &grey, Setting::Off)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert_eq!(error.provider, Some(ProviderId::Netease));
    // Not a single request: no search, no URL, not even a session check on QQ Music.
    let asked: Vec<RecordedRequest> = both.fake.requests()[before..].to_vec();
    assert!(asked.is_empty(), "{asked:?}");
    assert_eq!(anywhere.found(&grey), None);
}

#[tokio::test]
async fn a_logged_out_other_service_is_never_searched() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let ne = netease_logged_in(&fake).await;
    let qq = qq_logged_out(&fake);
    let anywhere = Anywhere::new();
    let daoxiang = twins::twin_titled("稻香").unwrap();
    let grey = ne.track(&daoxiang.netease.track_id()).await.unwrap();
    let error = anywhere
        .resolve(
            &grey,
            own_outcome(&ne, &grey).await,
            Some(&qq),
            Quality::High,
            Setting::On,
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert_eq!(searches(&fake), 0);
    // And without a second service at all.
    let error = anywhere
        .resolve(
            &grey,
            own_outcome(&ne, &grey).await,
            None,
            Quality::High,
            Setting::On,
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unavailable);
}

#[tokio::test]
async fn a_failing_search_leaves_the_original_error_and_is_tried_again_later() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let daoxiang = twins::twin_titled("稻香").unwrap();
    let grey = both.ne.track(&daoxiang.netease.track_id()).await.unwrap();
    // Every try of the search (the client retries a read) answers a server error.
    both.fake.fail(
        Fault::new(FaultKind::ServerError)
            .method("DoSearchForQQMusicDesktop")
            .times(100),
    );

    let error = resolve(&both, &anywhere, &grey, Setting::On)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert_eq!(error.provider, Some(ProviderId::Netease));
    assert_eq!(anywhere.found(&grey), None, "a failure is not remembered");

    both.fake.qq().clear_faults();

    let plays = resolve(&both, &anywhere, &grey, Setting::On).await.unwrap();
    assert_eq!(
        plays.substitute().map(|t| t.id.as_str()),
        Some("004DuetTwin002")
    );
}

#[tokio::test]
async fn a_kept_track_plays_from_its_own_service_only() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let qilixiang = twin(Availability::Vip, Availability::Normal);
    let vip = both.ne.track(&qilixiang.netease.track_id()).await.unwrap();
    assert!(resolve(&both, &anywhere, &vip, Setting::On)
        .await
        .unwrap()
        .substitute()
        .is_some());
    let searched = searches(&both.fake);

    anywhere.keep_original(&vip);
    assert!(anywhere.is_kept(&vip));
    let own = resolve(&both, &anywhere, &vip, Setting::On).await;
    match own {
        Ok(Plays::Original(url)) => assert!(url.trial.is_some()),
        Err(e) => assert_eq!(e.kind, ErrorKind::Unavailable),
        Ok(other) => panic!("{other:?}"),
    }
    assert_eq!(searches(&both.fake), searched);
}

#[tokio::test]
async fn a_grey_qq_track_plays_from_netease() {
    let both = both().await;
    let anywhere = Anywhere::new();
    let gaobai = twin(Availability::Normal, Availability::Grey);
    let grey = both.qq.track(&gaobai.qq.track_id()).await.unwrap();
    assert!(!grey.playable);
    let original: Result<StreamUrl> =
        Err(Error::new(ErrorKind::Unavailable, "grey").with_provider(ProviderId::Qq));
    let plays = anywhere
        .resolve(&grey, original, Some(&both.ne), Quality::High, Setting::On)
        .await
        .unwrap();
    let substitute = plays.substitute().expect("plays from NetEase");
    assert_eq!(substitute.provider, ProviderId::Netease);
    assert_eq!(substitute.id, gaobai.netease.track_id());
    assert_eq!(plays.url().provider, ProviderId::Netease);
}

#[tokio::test]
async fn a_trial_clip_is_kept_when_the_other_service_has_only_a_trial_too() {
    // 演员: VIP on QQ Music (a trial for this account); when its NetEase twin gives only a
    // trial as well, the own trial plays rather than the other's.
    let both = both().await;
    let anywhere = Anywhere::new();
    let yanyuan = twin(Availability::Normal, Availability::Vip);
    let on_qq = both.qq.track(&yanyuan.qq.track_id()).await.unwrap();
    let own = both.qq.stream_url(&on_qq.id, Quality::High).await;
    let plays = anywhere
        .resolve(
            &on_qq,
            own.clone(),
            Some(&both.ne),
            Quality::High,
            Setting::On,
        )
        .await;
    match own {
        // QQ Music gave a trial: NetEase's whole song plays instead.
        Ok(url) if url.trial.is_some() => {
            let plays = plays.unwrap();
            assert_eq!(
                plays.substitute().map(|t| t.id.clone()),
                Some(yanyuan.netease.track_id())
            );
            assert!(plays.url().trial.is_none());
        }
        Ok(url) => assert_eq!(plays.unwrap(), Plays::Original(url)),
        Err(e) => assert_eq!(
            plays.unwrap().substitute().map(|t| t.id.clone()),
            Some(yanyuan.netease.track_id()),
            "{e:?}"
        ),
    }
}
