//! The NetEase provider against the strict fake upstream, through each transport: eapi (the
//! default, responses encrypted), weapi (csrf on writes) and the plain api.

use duet_test_support::calls_to;
use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::provider::{QrCode, QrPoll};
use duet_core::{
    CredentialStore, ErrorKind, MemoryStore, Provider, ProviderId, QrMethod, Quality, SearchItems,
    SearchQuery, SearchType, Upstream,
};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_netease::{Config, NeteaseProvider, Transport};

async fn provider(
    fake: &FakeUpstream,
    transport: Option<Transport>,
) -> (NeteaseProvider, Arc<MemoryStore>) {
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    config.transport_override = transport;
    let store = Arc::new(MemoryStore::new());
    (NeteaseProvider::new(config, store.clone()).unwrap(), store)
}

async fn log_in(fake: &FakeUpstream, provider: &NeteaseProvider) {
    let ticket = provider.qr_start(QrMethod::App).await.unwrap();
    assert!(matches!(&ticket.code, QrCode::Url(url) if url.ends_with(&ticket.key)));
    assert_eq!(
        provider.qr_poll(&ticket.key).await.unwrap(),
        QrPoll::Waiting
    );
    fake.netease().scan(&ticket.key);
    assert!(matches!(
        provider.qr_poll(&ticket.key).await.unwrap(),
        QrPoll::Scanned { nickname: Some(_) }
    ));
    fake.netease().confirm(&ticket.key);
    assert_eq!(
        provider.qr_poll(&ticket.key).await.unwrap(),
        QrPoll::Confirmed { not_kept: None }
    );
    assert_eq!(
        provider.qr_poll(&ticket.key).await.unwrap(),
        QrPoll::Expired,
        "a key is spent"
    );
}

async fn everything_works_through(transport: Option<Transport>) {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    // The client registers a visitor before its QR login (fidelity row N17), so the login works
    // with the fake demanding one.
    fake.netease().demand_visitor_token(true);
    let (provider, store) = provider(&fake, transport).await;
    assert_eq!(
        provider.profile().await.unwrap_err().kind,
        ErrorKind::NotLoggedIn
    );
    log_in(&fake, &provider).await;
    assert_eq!(fake.netease().visitors(), 1);
    assert!(
        store.load(ProviderId::Netease).unwrap().is_some(),
        "stored on confirm"
    );
    let me = provider.profile().await.unwrap();
    assert_eq!(me.nickname, "大不6仙");

    let query = SearchQuery::new("周杰伦", SearchType::Track, 2, 7).unwrap();
    let page = provider.search(&query).await.unwrap();
    let SearchItems::Track(tracks) = &page.items else {
        panic!()
    };
    assert_eq!(tracks.len(), 7);

    let playlist = provider.playlist("9000001200").await.unwrap();
    assert_eq!(playlist.tracks.unwrap().len(), 1200);
    assert!(provider.user_playlists().await.unwrap().len() >= 3);
    assert!(!provider.recommended_tracks().await.unwrap().is_empty());
    assert_eq!(provider.track("347230").await.unwrap().title, "海阔天空");
    let lyrics = provider.lyrics("347230").await.unwrap();
    assert!(lyrics.lines.iter().any(|l| l.translation.is_some()));
    for instrumental in ["700000099", "700000098"] {
        let lyrics = provider.lyrics(instrumental).await.unwrap();
        assert!(lyrics.instrumental, "{instrumental}");
        assert!(
            lyrics.lines.is_empty(),
            "{instrumental}: {:?}",
            lyrics.lines
        );
    }
    let stream = provider
        .stream_url("347230", Quality::Lossless)
        .await
        .unwrap();
    assert_eq!(stream.format, "flac");
    assert!(stream.url.starts_with(&fake.base_url()));

    let posted = provider.post_comment("347230", "nice", None).await.unwrap();
    assert_eq!(posted.content, "nice");
    let reply = provider
        .post_comment("347230", "agreed", Some(&posted.id))
        .await
        .unwrap();
    assert_eq!(reply.content, "agreed");
    let comments = provider.comments("347230", 1, 20).await.unwrap();
    assert_eq!(comments.comments[0].content, "agreed");
    assert_eq!(
        comments.comments[0]
            .replied_to
            .as_ref()
            .map(|parent| parent.content.as_str()),
        Some("nice")
    );
    assert_eq!(comments.comments[1].content, "nice");
    provider
        .post_comment("347230", "x", Some("not-a-comment"))
        .await
        .unwrap_err();
    assert!(!provider.daily_checkin().await.unwrap().already_done);
    assert!(provider.daily_checkin().await.unwrap().already_done);

    provider.logout().await.unwrap();
    assert_eq!(store.load(ProviderId::Netease).unwrap(), None);
    assert!(!provider.has_session().await);
    assert_eq!(fake.netease().live_sessions(), 0);
}

#[tokio::test]
async fn eapi_default() {
    everything_works_through(None).await;
    everything_works_through(Some(Transport::Eapi)).await;
}

#[tokio::test]
async fn weapi() {
    everything_works_through(Some(Transport::Weapi)).await;
}

#[tokio::test]
async fn plain_api() {
    everything_works_through(Some(Transport::Api)).await;
}

#[tokio::test]
async fn the_default_transport_is_eapi_as_the_pc_client() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, _) = provider(&fake, None).await;
    provider
        .search(&SearchQuery::new("x", SearchType::Track, 1, 10).unwrap())
        .await
        .unwrap();
    provider
        .post_comment("347230", "hi", None)
        .await
        .unwrap_err();
    let requests = fake.requests();
    let search = requests
        .iter()
        .find(|r| r.logical_path == "/api/cloudsearch/pc")
        .unwrap();
    assert_eq!(search.transport, duet_fake_upstream::Transport::Eapi);
    // The PC client's eapi host today (fidelity row N15), from its one constant.
    assert_eq!(search.host, "interfacepc.music.163.com");
    assert_eq!(search.host, duet_netease::identity::EAPI_HOST);
    let comment = requests
        .iter()
        .find(|r| r.logical_path == "/api/resource/comments/add")
        .unwrap();
    assert_eq!(comment.transport, duet_fake_upstream::Transport::Weapi);
}

/// Daily songs and comment reads go over weapi with the references' parameters (fidelity rows
/// N10, N11); when the service refuses that form the way it refuses a form (-460, 400), the
/// eapi form Duet sent before is asked once; any other refusal stands as it is.
#[tokio::test]
async fn daily_songs_and_comment_reads_go_over_weapi_and_fall_back_to_eapi() {
    use duet_fake_upstream::{Fault, FaultKind, Transport::Eapi as E, Transport::Weapi as W};
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, _) = provider(&fake, None).await;
    log_in(&fake, &provider).await;
    let daily = "/api/v3/discovery/recommend/songs";
    let thread = "/api/v1/resource/comments/R_SO_4_347230";

    let first = provider.recommended_tracks().await.unwrap();
    assert!(!first.is_empty());
    let comments = provider.comments("347230", 1, 20).await.unwrap();
    assert!(!comments.comments.is_empty());
    assert_eq!(calls_to(&fake, daily), [(W, Some(200))]);
    assert_eq!(calls_to(&fake, thread), [(W, Some(200))]);
    let weapi = fake
        .requests()
        .into_iter()
        .find(|r| r.logical_path == daily)
        .unwrap();
    assert_eq!(weapi.host, duet_netease::identity::WEB_HOST);

    for (kind, path) in [
        (FaultKind::Cheating, "/discovery/recommend/songs"),
        (FaultKind::Cheating, "/R_SO_4_347230"),
    ] {
        fake.netease().fail(Fault::new(kind).path(path));
    }
    assert_eq!(provider.recommended_tracks().await.unwrap(), first);
    assert_eq!(
        provider.comments("347230", 1, 20).await.unwrap().comments,
        comments.comments
    );
    let fell_back = [(W, Some(200)), (W, Some(-460)), (E, Some(200))];
    assert_eq!(calls_to(&fake, daily), fell_back);
    assert_eq!(calls_to(&fake, thread), fell_back);

    // A refusal that is not about the form: no second form.
    fake.netease().clear_requests();
    fake.netease()
        .fail(Fault::new(FaultKind::RateLimit).path("/discovery/recommend/songs"));
    let limited = provider.recommended_tracks().await.unwrap_err();
    assert_eq!(limited.kind, ErrorKind::RateLimited);
    fake.netease()
        .fail(Fault::new(FaultKind::RiskControl).path("/R_SO_4_347230"));
    let blocked = provider.comments("347230", 1, 20).await.unwrap_err();
    assert_eq!(blocked.kind, ErrorKind::RiskControl);
    assert_eq!(blocked.upstream_code, Some(-462));
    assert_eq!(calls_to(&fake, daily), [(W, Some(405))]);
    assert_eq!(calls_to(&fake, thread), [(W, Some(-462))]);

    // Both forms refused: the second refusal is the answer.
    fake.netease().fail(
        Fault::new(FaultKind::Cheating)
            .path("/discovery/recommend/songs")
            .times(2),
    );
    let refused = provider.recommended_tracks().await.unwrap_err();
    assert_eq!(refused.upstream_code, Some(-460));
    assert_eq!(calls_to(&fake, daily).len(), 3, "each form once");
}

/// Before a QR login the client registers this device as a visitor, once, and keeps the token
/// with the session's other cookies (fidelity row N17); a refused registration does not stop
/// the login.
#[tokio::test]
async fn a_qr_login_registers_a_visitor_first_and_keeps_its_token() {
    use duet_fake_upstream::{Fault, FaultKind};
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake, None).await;
    fake.netease()
        .fail(Fault::new(FaultKind::Cheating).path("/register/anonimous"));
    provider.qr_start(QrMethod::App).await.unwrap();
    assert_eq!(
        fake.netease().visitors(),
        0,
        "refused, and the QR code still came"
    );

    fake.netease().demand_visitor_token(true);
    fake.netease().clear_requests();
    log_in(&fake, &provider).await;
    provider.qr_start(QrMethod::App).await.unwrap();
    let paths: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.logical_path.clone())
        .filter(|p| p.contains("register") || p.contains("unikey"))
        .collect();
    assert_eq!(
        paths,
        [
            "/api/register/anonimous",
            "/api/login/qrcode/unikey",
            "/api/login/qrcode/unikey"
        ],
        "registered once, before the first key"
    );
    assert_eq!(fake.netease().visitors(), 1);

    let stored = store.load(ProviderId::Netease).unwrap().unwrap();
    let session = duet_netease::session::Session::from_secret(&stored).unwrap();
    let token = session.cookie("MUSIC_A").expect("kept with the login");
    assert!(fake.netease().is_visitor(token));
    let shown = format!("{provider:?} {session:?} {stored:?}");
    assert!(!shown.contains(token), "{shown}");
}

/// A comment post that meets the service's anti-cheat demand asks the person for the
/// verification and is made once (fidelity row N12), whichever way the service says it.
#[tokio::test]
async fn a_comment_post_meeting_an_anti_cheat_demand_asks_for_verification_once() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, _) = provider(&fake, None).await;
    log_in(&fake, &provider).await;
    let posts = || {
        fake.requests()
            .iter()
            .filter(|r| r.logical_path.starts_with("/api/resource/comments/"))
            .count()
    };

    fake.netease().demand_anti_cheat_token(true);
    let refused = provider
        .post_comment("347230", "nice", None)
        .await
        .unwrap_err();
    assert_eq!(refused.kind, ErrorKind::VerificationRequired, "{refused:?}");
    assert_eq!(refused.upstream_code, Some(-462));
    assert!(
        refused.message.contains("https://st.music.163.com/"),
        "{refused:?}"
    );
    let reply = provider
        .post_comment("347230", "nice", Some("6000000001"))
        .await;
    assert_eq!(reply.unwrap_err().kind, ErrorKind::VerificationRequired);
    assert_eq!(posts(), 2, "each post made once");

    fake.netease().demand_anti_cheat_token(false);
    fake.netease().fail(
        duet_fake_upstream::Fault::new(duet_fake_upstream::FaultKind::Verification)
            .path("/resource/comments/add"),
    );
    let captcha = provider
        .post_comment("347230", "nice", None)
        .await
        .unwrap_err();
    assert_eq!(captcha.kind, ErrorKind::VerificationRequired);
    assert_eq!(captcha.upstream_code, Some(8821));
    fake.netease().fail(
        duet_fake_upstream::Fault::new(duet_fake_upstream::FaultKind::RiskControl)
            .path("/resource/comments/add"),
    );
    let blocked = provider
        .post_comment("347230", "nice", None)
        .await
        .unwrap_err();
    assert_eq!(
        blocked.kind,
        ErrorKind::RiskControl,
        "a block is not a demand"
    );
    assert_eq!(posts(), 4, "each post made once");
    assert_eq!(
        provider
            .post_comment("347230", "nice", None)
            .await
            .unwrap()
            .content,
        "nice"
    );
}

#[tokio::test]
async fn a_restored_session_is_used_and_a_corrupt_one_reported() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (first, store) = provider(&fake, None).await;
    log_in(&fake, &first).await;
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    config.transport_override = None;
    let second = NeteaseProvider::new(config.clone(), store.clone()).unwrap();
    assert!(second.restore_session().await.unwrap());
    assert_eq!(second.profile().await.unwrap().user_id, "125279114");

    store
        .save(ProviderId::Netease, &duet_core::Secret::new("not json"))
        .unwrap();
    let third = NeteaseProvider::new(config, store).unwrap();
    assert_eq!(
        third.restore_session().await.unwrap_err().kind,
        ErrorKind::SessionExpired
    );
}

/// The session only changes in order: an answer that was in flight when the person logged out
/// (here the QR confirmation carrying a session cookie) cannot log them back in.
#[tokio::test]
async fn an_answer_in_flight_cannot_undo_a_logout() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake, None).await;
    let provider = Arc::new(provider);
    let ticket = provider.qr_start(QrMethod::App).await.unwrap();
    fake.netease().scan(&ticket.key);
    fake.netease().confirm(&ticket.key);
    fake.netease().fail(
        duet_fake_upstream::Fault::new(duet_fake_upstream::FaultKind::Slow)
            .path("/login/qrcode/client/login")
            .delay(std::time::Duration::from_millis(3000)),
    );
    let poll = tokio::spawn({
        let provider = provider.clone();
        async move { provider.qr_poll(&ticket.key).await }
    });
    // The poll is out (the fake holds its answer 3 s) when the person logs out.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    provider.logout().await.unwrap();
    let late = poll.await.unwrap();
    assert!(
        late.is_err(),
        "the late confirmation is not a login: {late:?}"
    );
    assert!(!provider.has_session().await);
    assert_eq!(store.load(ProviderId::Netease).unwrap(), None);
    assert_eq!(
        provider.profile().await.unwrap_err().kind,
        ErrorKind::NotLoggedIn
    );
}

/// A logout runs to its end even when the caller goes away (a dropped HTTP request) while the
/// service's logout call is out: the session goes, here and in the keychain.
#[tokio::test]
async fn a_logout_finishes_when_its_caller_goes_away() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake, None).await;
    log_in(&fake, &provider).await;
    fake.netease().fail(
        duet_fake_upstream::Fault::new(duet_fake_upstream::FaultKind::Slow)
            .path("/logout")
            .delay(std::time::Duration::from_millis(2000)),
    );
    let gave_up =
        tokio::time::timeout(std::time::Duration::from_millis(500), provider.logout()).await;
    assert!(gave_up.is_err(), "the caller went away mid-logout");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while store.load(ProviderId::Netease).unwrap().is_some() {
        assert!(std::time::Instant::now() < deadline, "the logout was lost");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!provider.has_session().await);
}

/// An answer that keeps its success code but whose fields were all renamed (the fake's
/// `reshaped`, a protocol change as the client sees it) is a typed `upstream` naming the
/// missing field, never an empty search, a song without lyrics, an unknown playlist, a logout
/// or a song nobody commented on; the same calls answered as usual read as before, a real
/// unknown playlist stays `not_found` and an anonymous account answer `not_logged_in`.
#[tokio::test]
async fn an_answer_in_another_shape_is_upstream_not_an_empty_result() {
    use duet_fake_upstream::{Fault, FaultKind};
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, _store) = provider(&fake, None).await;
    let reshape = |path: &str| {
        fake.netease()
            .fail(Fault::new(FaultKind::Reshaped).path(path));
    };
    let query = SearchQuery::new("周杰伦", SearchType::Track, 1, 7).unwrap();

    reshape("/cloudsearch/pc");
    let search = provider.search(&query).await.unwrap_err();
    reshape("/song/lyric");
    let lyrics = provider.lyrics("347230").await.unwrap_err();
    reshape("/playlist/detail");
    let playlist = provider.playlist("9000001200").await.unwrap_err();
    // Not "logged out": a changed shape says nothing about the session.
    reshape("/nuser/account/get");
    let account = provider.profile().await.unwrap_err();
    reshape("/R_SO_4_347230");
    let comments = provider.comments("347230", 1, 20).await.unwrap_err();
    for (error, field) in [
        (&search, "`result`"),
        (&lyrics, "`lrc`"),
        (&playlist, "`playlist`"),
        (&account, "`profile`"),
        (&comments, "`comments`"),
    ] {
        assert_eq!(error.kind, ErrorKind::Upstream, "{error:?}");
        assert!(error.message.contains(field), "{}", error.message);
        assert!(error.message.contains("shape changed"), "{}", error.message);
    }

    assert!(!provider.search(&query).await.unwrap().items.is_empty());
    assert!(!provider.lyrics("347230").await.unwrap().lines.is_empty());
    assert!(provider.lyrics("700000099").await.unwrap().instrumental);
    assert!(provider.playlist("9000001200").await.is_ok());
    assert!(provider.comments("347230", 1, 20).await.is_ok());
    assert_eq!(
        provider.playlist("1").await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        provider.profile().await.unwrap_err().kind,
        ErrorKind::NotLoggedIn
    );
}
