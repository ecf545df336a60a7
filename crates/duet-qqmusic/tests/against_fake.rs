//! The QQ Music provider against the strict fake upstream: both QR logins, every endpoint,
//! the key's expiry and renewal, and the failures the service can answer with.

use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::provider::{QrCode, QrPoll};
use duet_core::{
    CredentialStore, ErrorKind, MemoryStore, Provider, ProviderId, QrMethod, Quality, SearchItems,
    SearchQuery, SearchType, Upstream,
};
use duet_fake_upstream::qq::{QqAccount, QqLoginMethod};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_qqmusic::{Config, QqProvider, Session};

const QRC_SONG: &str = "0039MnYb0qxYhV";
const LRC_ONLY: &str = "001DuetLrcOnly";
const INSTRUMENTAL: &str = "001DuetInstrmt";
const NO_FLAC: &str = "001DuetNoFlac0";
const VIP_ONLY: &str = "001DuetVipOnly";
const TRIAL_ONLY: &str = "001DuetTrial01";
const MEDIA_MID_DIFFERS: &str = "001DuetMediaMd";

async fn fake() -> FakeUpstream {
    FakeUpstream::spawn(FakeConfig::default()).await.unwrap()
}

fn provider(fake: &FakeUpstream) -> (Arc<QqProvider>, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    (
        Arc::new(QqProvider::new(config, store.clone()).unwrap()),
        store,
    )
}

/// The id the fake knows the newest pending code of `method` by.
fn pending(fake: &FakeUpstream, method: QqLoginMethod) -> String {
    fake.qq()
        .pending_qr()
        .into_iter()
        .rev()
        .find(|q| q.method == method)
        .expect("a pending code")
        .id
}

async fn log_in(fake: &FakeUpstream, provider: &QqProvider, method: QrMethod) {
    let ticket = provider.qr_start(method).await.unwrap();
    let QrCode::Image { mime, bytes } = &ticket.code else {
        panic!("QQ Music hands over a picture")
    };
    match method {
        QrMethod::Qq | QrMethod::QqMusic => {
            assert_eq!(mime, "image/png");
            assert!(bytes.starts_with(b"\x89PNG"));
        }
        _ => {
            assert_eq!(mime, "image/jpeg");
            assert!(bytes.starts_with(&[0xFF, 0xD8]));
        }
    }
    let fake_method = match method {
        QrMethod::Qq => QqLoginMethod::Qq,
        QrMethod::QqMusic => QqLoginMethod::QqMusic,
        _ => QqLoginMethod::Wechat,
    };
    let id = pending(fake, fake_method);
    assert_ne!(
        ticket.key, id,
        "the provider's key is not the service's handle"
    );
    assert_eq!(
        provider.qr_poll(&ticket.key).await.unwrap(),
        QrPoll::Waiting
    );
    assert!(fake.qq().scan(&id));
    assert!(matches!(
        poll_past_waiting(provider, &ticket.key).await.unwrap(),
        QrPoll::Scanned { .. }
    ));
    assert!(fake.qq().confirm(&id));
    assert_eq!(
        poll_past(provider, &ticket.key, |p| matches!(
            p,
            QrPoll::Scanned { .. }
        ))
        .await
        .unwrap(),
        QrPoll::Confirmed { not_kept: None }
    );
    assert!(provider.has_session().await);
    let err = provider.qr_poll(&ticket.key).await.unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::NotFound,
        "a finished login is forgotten"
    );
}

/// Polls until the answer is no longer one `still` accepts: the QQ Music app's state is pushed,
/// so it reaches the provider a moment after the fake moves (QQ and WeChat answer at once).
async fn poll_past(
    provider: &QqProvider,
    key: &str,
    still: impl Fn(&QrPoll) -> bool,
) -> duet_core::Result<QrPoll> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let answer = provider.qr_poll(key).await;
        match &answer {
            Ok(poll) if still(poll) && std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            _ => return answer,
        }
    }
}

async fn poll_past_waiting(provider: &QqProvider, key: &str) -> duet_core::Result<QrPoll> {
    poll_past(provider, key, |p| *p == QrPoll::Waiting).await
}

fn stored(store: &MemoryStore) -> Session {
    Session::from_secret(
        &store
            .load(ProviderId::Qq)
            .unwrap()
            .expect("a stored session"),
    )
    .unwrap()
}

#[tokio::test]
async fn qq_qr_login_then_everything() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    assert_eq!(
        provider.profile().await.unwrap_err().kind,
        ErrorKind::NotLoggedIn
    );
    log_in(&fake, &provider, QrMethod::Qq).await;
    let session = stored(&store);
    assert_eq!(session.musicid, QqAccount::Qq.musicid());
    assert!(session.musickey.expose().starts_with("Q_H_L_"));

    let profile = provider.profile().await.unwrap();
    assert_eq!(profile.nickname, QqAccount::Qq.nick());
    assert!(profile.vip);
    assert_eq!(profile.user_id, "123456789");

    // Search: every kind, pages of the service's minimum and below it.
    for kind in [
        SearchType::Track,
        SearchType::Album,
        SearchType::Artist,
        SearchType::Playlist,
    ] {
        let page = provider
            .search(&SearchQuery::new("周杰伦", kind, 1, 20).unwrap())
            .await
            .unwrap();
        assert!(!page.items.is_empty(), "{kind:?}");
        assert!(page.total >= page.items.len() as u64);
    }
    let first = provider
        .search(&SearchQuery::new("晴天", SearchType::Track, 1, 10).unwrap())
        .await
        .unwrap();
    let small = provider
        .search(&SearchQuery::new("晴天", SearchType::Track, 2, 5).unwrap())
        .await
        .unwrap();
    let (SearchItems::Track(ten), SearchItems::Track(five)) = (&first.items, &small.items) else {
        panic!()
    };
    assert_eq!(ten.len(), 10);
    assert_eq!(five.len(), 5);
    assert_eq!(
        ten[5..],
        five[..],
        "page 2 of 5 is the second half of page 1 of 10"
    );
    // (The fake answers empty lists to fewer than 10 a page or a `searchid`, §5.1: the
    // five above came from a page of ten.)

    // A playlist, whole.
    let big = provider.playlist("8000002500").await.unwrap();
    assert_eq!(big.tracks.as_ref().unwrap().len(), 2500);
    assert_eq!(big.track_count, 2500);
    let mut ids: Vec<&str> = big
        .tracks
        .as_ref()
        .unwrap()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2500, "no page repeated");
    // Name and description as the service writes them (entities, `<br>`, an `[em]` code),
    // read as plain text, decoded once.
    assert_eq!(big.name, "Duet 歌单 & 好友 · 2500 首");
    assert_eq!(
        big.description.as_deref(),
        Some("Duet 假服务生成的歌单，共 2500 首。\n\"晴天\" & '雨天' 🎵 &lt;b&gt;")
    );

    // The user's playlists, liked songs first, and the liked songs themselves.
    let mine = provider.user_playlists().await.unwrap();
    assert_eq!(mine[0].id, "liked");
    assert!(mine[0].liked && mine[1..].iter().all(|p| !p.liked));
    assert!(
        mine.iter().any(|p| p.name == "Duet 歌单 & 好友 · 30 首"),
        "created playlists' names are plain text too"
    );
    fake.qq().clear_requests();
    let liked = provider.playlist("liked").await.unwrap();
    assert_eq!(
        liked.tracks.as_ref().unwrap().len() as u64,
        mine[0].track_count
    );
    // Row 6g of docs/protocol/fidelity-2026-12.md: dirid 201 through `CgiGetDiss` only.
    let diss_calls = fake
        .qq()
        .requests()
        .iter()
        .filter_map(|r| r.call.clone())
        .filter(|c| c.starts_with("music.srfDissInfo."))
        .collect::<Vec<_>>();
    assert!(!diss_calls.is_empty());
    assert!(
        diss_calls
            .iter()
            .all(|c| c == "music.srfDissInfo.DissInfo.CgiGetDiss"),
        "{diss_calls:?}"
    );

    // Lyrics with word timing, translation and romanisation; LRC only; an instrumental.
    let lyrics = provider.lyrics(QRC_SONG).await.unwrap();
    assert!(lyrics.lines.len() > 3);
    assert!(lyrics.lines.iter().any(|l| l.translation.is_some()));
    assert!(lyrics.lines.iter().any(|l| l.romanized.is_some()));
    assert!(lyrics
        .lines
        .iter()
        .any(|l| l.words.as_ref().is_some_and(|w| w.len() > 1)));
    let lrc = provider.lyrics(LRC_ONLY).await.unwrap();
    assert!(!lrc.lines.is_empty());
    assert!(lrc.lines.iter().all(|l| l.words.is_none()));
    let pure = provider.lyrics(INSTRUMENTAL).await.unwrap();
    assert!(pure.lines.is_empty());

    // Play URLs that download, by quality.
    let http = reqwest::Client::new();
    let standard = provider
        .stream_url(QRC_SONG, Quality::Standard)
        .await
        .unwrap();
    assert_eq!(standard.format, "mp3");
    assert!(standard.url.starts_with(&fake.base_url()));
    let audio = http
        .get(&standard.url)
        .header("Range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(audio.status(), 206);
    let head = audio.bytes().await.unwrap();
    assert!(head.starts_with(b"ID3") || head[0] == 0xFF, "{head:?}");
    let lossless = provider
        .stream_url(QRC_SONG, Quality::Lossless)
        .await
        .unwrap();
    assert_eq!(lossless.format, "flac");
    let flac = http
        .get(&lossless.url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(flac.starts_with(b"fLaC"));
    let no_flac = provider
        .stream_url(NO_FLAC, Quality::Lossless)
        .await
        .unwrap();
    assert_ne!(
        no_flac.format, "flac",
        "falls back to the best file there is"
    );
    let other_media = provider
        .stream_url(MEDIA_MID_DIFFERS, Quality::Standard)
        .await
        .unwrap();
    assert_eq!(
        http.get(&other_media.url).send().await.unwrap().status(),
        200,
        "the file name carries the media_mid"
    );
    let tampered = standard.url.replace("vkey=", "vkey=0");
    assert_eq!(http.get(&tampered).send().await.unwrap().status(), 403);

    // Comments: hot and newest, post, reply.
    let comments = provider.comments(QRC_SONG, 1, 10).await.unwrap();
    assert!(!comments.comments.is_empty());
    assert!(comments.has_more);
    let second = provider.comments(QRC_SONG, 2, 10).await.unwrap();
    assert_ne!(second.comments[0].id, comments.comments[0].id);
    // Comment 5 of 37 (the 33rd, newest first) as the service writes it, read as plain text.
    let fourth = provider.comments(QRC_SONG, 4, 10).await.unwrap();
    let written = &fourth.comments[2];
    assert_eq!(written.user.name, "Tom & Jerry's 听众");
    assert_eq!(
        written.content,
        "第 5 条评论：副歌一响'泪目'\n单曲循环 \"100\" 遍 &lt;3 🎵"
    );
    assert!(fourth.hot.is_empty(), "the hot list comes with page 1 only");
    assert!(
        comments.hot.iter().all(|c| !c.content.is_empty()),
        "page 1 brings the hot list"
    );
    assert!(!comments.hot.is_empty());
    let posted = provider
        .post_comment(QRC_SONG, "好听 <b>bold</b>", None)
        .await
        .unwrap();
    assert!(!posted.id.is_empty());
    assert_eq!(posted.user.name, QqAccount::Qq.nick());
    provider
        .post_comment(QRC_SONG, "同意", Some(&posted.id))
        .await
        .unwrap();
    let after = provider.comments(QRC_SONG, 1, 10).await.unwrap();
    assert_eq!(after.comments[0].content, "同意");
    assert_eq!(after.comments[1].content, "好听 <b>bold</b>");
    // Paging forward continues after the last comment seen (fidelity row 5a): a comment
    // posted meanwhile shifts the page numbers, not what page 2 starts with.
    provider
        .post_comment(QRC_SONG, "翻页时新来的评论", None)
        .await
        .unwrap();
    let next = provider.comments(QRC_SONG, 2, 10).await.unwrap();
    let seen: Vec<&str> = after.comments.iter().map(|c| c.id.as_str()).collect();
    assert!(
        next.comments.iter().all(|c| !seen.contains(&c.id.as_str())),
        "page 2 repeats none of page 1"
    );
    assert_eq!(next.comments.len(), 10);

    // The check-in button, pressed twice. Row 6l of docs/protocol/fidelity-2026-12.md: a
    // `retCode` refusal is an error, not a sign-in; "already done" comes from the summary,
    // without a second `SignIn`.
    fake.qq().close_sign_in(true);
    let refused = provider.daily_checkin().await.unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Upstream);
    assert_eq!(refused.upstream_code, Some(-1));
    fake.qq().close_sign_in(false);
    let first = provider.daily_checkin().await.unwrap();
    assert!(!first.already_done);
    fake.qq().clear_requests();
    assert!(provider.daily_checkin().await.unwrap().already_done);
    let sign_in_calls = fake
        .qq()
        .requests()
        .iter()
        .filter_map(|r| r.call.clone())
        .filter(|c| c.starts_with("music.actCenter.ActCenterSignNewSvr."))
        .collect::<Vec<_>>();
    assert_eq!(
        sign_in_calls,
        ["music.actCenter.ActCenterSignNewSvr.GetSignInSummary"]
    );

    // The listening report and the extras of the seed API.
    assert!(provider.listening_report().await.unwrap().is_object());
    // The music level comes from `userinfo`, never the VIP `identity.level` (row 6k of
    // docs/protocol/fidelity-2026-12.md).
    let credential = provider.credential().await.unwrap();
    let info = provider.api().user_info(&credential).await.unwrap();
    assert_eq!(info.music_level, Some(8));
    assert_eq!(info.vip["level"], 7);
    let ids = provider.api().convert(None, QRC_SONG).await.unwrap();
    assert_eq!(ids.id, 97773);
    let back = provider.api().convert(None, "97773").await.unwrap();
    assert_eq!(back.mid, QRC_SONG);

    // A restart restores the session.
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    let restarted = QqProvider::new(config, store.clone()).unwrap();
    assert!(restarted.restore_session().await.unwrap());
    assert_eq!(
        restarted.profile().await.unwrap().nickname,
        QqAccount::Qq.nick()
    );

    provider.logout().await.unwrap();
    assert!(store.load(ProviderId::Qq).unwrap().is_none());
    assert!(!provider.has_session().await);
}

#[tokio::test]
async fn wechat_qr_login_and_what_a_non_vip_gets() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Wechat).await;
    let session = stored(&store);
    assert_eq!(session.musicid, QqAccount::Wechat.musicid());
    assert!(session.musickey.expose().starts_with("W_X_"));
    let profile = provider.profile().await.unwrap();
    assert_eq!(profile.nickname, QqAccount::Wechat.nick());
    assert!(!profile.vip);

    let vip_song = provider
        .stream_url(VIP_ONLY, Quality::Lossless)
        .await
        .unwrap();
    assert_eq!(
        vip_song.quality,
        Quality::Standard,
        "VIP qualities fall back"
    );
    let trial = provider
        .stream_url(TRIAL_ONLY, Quality::High)
        .await
        .unwrap();
    let window = trial.trial.expect("only the preview");
    assert!(window.end_ms > window.start_ms);
    let error = provider.listening_report().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert!(error.message.contains("no listening report"));
}

#[tokio::test]
async fn both_codes_at_once_and_the_refusals() {
    let fake = fake().await;
    let (provider, _) = provider(&fake);
    let qq = provider.qr_start(QrMethod::Qq).await.unwrap();
    let wechat = provider.qr_start(QrMethod::Wechat).await.unwrap();
    assert_ne!(qq.key, wechat.key);
    let qq_id = pending(&fake, QqLoginMethod::Qq);
    let wx_id = pending(&fake, QqLoginMethod::Wechat);
    assert!(fake.qq().refuse(&qq_id));
    let refused = provider.qr_poll(&qq.key).await.unwrap_err();
    assert_eq!(refused.kind, ErrorKind::NotLoggedIn);
    assert!(refused.message.contains("refused"));
    assert!(fake.qq().expire(&wx_id));
    assert_eq!(
        provider.qr_poll(&wechat.key).await.unwrap(),
        QrPoll::Expired
    );
    assert_eq!(
        provider.qr_start(QrMethod::App).await.unwrap_err().kind,
        ErrorKind::BadRequest
    );
    assert_eq!(
        provider.qr_poll("nope").await.unwrap_err().kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn an_expired_key_is_renewed_and_a_dead_one_reported() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Qq).await;
    let before = stored(&store).musickey;
    assert_eq!(fake.qq().expire_session(QqAccount::Qq.musicid()), 1);
    // The service says 1000; the provider renews the key and the call goes through.
    provider.probe().await.unwrap();
    let after = stored(&store).musickey;
    assert_ne!(before, after, "the renewed key is stored");
    provider.profile().await.unwrap();
    // A dead key makes search look anonymous (2001) and play URLs look forbidden (104003):
    // the provider asks whether the key died, renews it and goes on.
    fake.qq().expire_session(QqAccount::Qq.musicid());
    let search = SearchQuery::new("晴天", SearchType::Track, 1, 10).unwrap();
    assert!(!provider.search(&search).await.unwrap().items.is_empty());
    assert_ne!(stored(&store).musickey, after);
    let renewed = stored(&store).musickey;
    fake.qq().expire_session(QqAccount::Qq.musicid());
    provider
        .stream_url(QRC_SONG, Quality::Standard)
        .await
        .unwrap();
    assert_ne!(stored(&store).musickey, renewed);

    // Calls that find the key dead at the same time renew it once.
    fake.qq().expire_session(QqAccount::Qq.musicid());
    fake.qq().clear_requests();
    let (a, b, c) = tokio::join!(provider.probe(), provider.probe(), provider.probe());
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let renewals = fake
        .qq()
        .requests()
        .iter()
        .filter(|r| r.call.as_deref() == Some("music.login.LoginServer.Login"))
        .count();
    assert_eq!(renewals, 1);

    fake.qq().revoke_sessions();
    let error = provider.profile().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired);
    assert_eq!(error.provider, Some(ProviderId::Qq));
    assert!(error.message.contains("scan"));
    let error = provider.probe().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired);
    let error = provider.search(&search).await.unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::SessionExpired,
        "not risk control: {error}"
    );
    assert_eq!(
        provider.track("001DuetNoSuch1").await.unwrap_err().kind,
        ErrorKind::NotFound
    );
}

/// The key is renewed under the credential it renews, as every reference sends it
/// (docs/protocol/fidelity-2026-12.md rows 2d, 2e): the login cookies, `comm.uin` = musicid,
/// `g_tk` of the old key and the login's `tmeLoginType`; for a QQ and a WeChat login alike.
#[tokio::test]
async fn a_key_is_renewed_under_the_old_credential() {
    for (method, account, tme) in [
        (QrMethod::Qq, QqAccount::Qq, "2"),
        (QrMethod::Wechat, QqAccount::Wechat, "1"),
        (QrMethod::QqMusic, QqAccount::Qq, "6"),
    ] {
        let fake = fake().await;
        let (provider, store) = provider(&fake);
        log_in(&fake, &provider, method).await;
        let old = stored(&store);
        fake.qq().expire_session(account.musicid());
        fake.qq().clear_requests();
        provider.refresh().await.unwrap();
        assert_ne!(stored(&store).musickey, old.musickey, "{tme}");
        let renewals: Vec<_> = fake
            .qq()
            .callers()
            .into_iter()
            .filter(|c| c.call == "music.login.LoginServer.Login")
            .collect();
        assert_eq!(renewals.len(), 1, "{renewals:?}");
        let sent = &renewals[0];
        let key = old.musickey.expose();
        assert_eq!(sent.uin_cookie, Some(account.musicid()));
        assert_eq!(sent.qqmusic_key.as_deref(), Some(key));
        assert_eq!(sent.qm_keyst.as_deref(), Some(key));
        assert_eq!(sent.comm_uin, Some(account.musicid()));
        assert_eq!(
            sent.comm_g_tk,
            Some(duet_qqmusic::tokens::hash33(key, 5381))
        );
        assert_eq!(sent.tme_login_type.as_deref(), Some(tme));
        // The renewed key works.
        provider.probe().await.unwrap();
    }
}

/// The WeChat long poll has its own timeout (docs/protocol/fidelity-2026-12.md row 2b): a poll
/// the service holds past the client's ordinary timeout still gets its answer, and one held past
/// the long poll's own timeout reads as "still waiting", not as an error.
#[tokio::test]
async fn the_wechat_long_poll_outlasts_the_ordinary_timeout() {
    use std::time::{Duration, Instant};
    let fake = FakeUpstream::spawn(FakeConfig {
        wx_poll_hold: Duration::from_secs(3),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let provider_with = |long_poll_timeout: Duration| {
        let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
        config.pace = Pace::TEST;
        config.timeout = Duration::from_millis(300);
        config.long_poll_timeout = long_poll_timeout;
        QqProvider::new(config, Arc::new(MemoryStore::new())).unwrap()
    };
    assert!(duet_qqmusic::LONG_POLL_TIMEOUT >= Duration::from_secs(30));

    // Held past the ordinary 300 ms, answered when the code is scanned at 800 ms.
    let provider = provider_with(duet_qqmusic::LONG_POLL_TIMEOUT);
    let ticket = provider.qr_start(QrMethod::Wechat).await.unwrap();
    let id = pending(&fake, QqLoginMethod::Wechat);
    let scanner = tokio::spawn({
        let qq = fake.qq().clone();
        async move {
            tokio::time::sleep(Duration::from_millis(800)).await;
            assert!(qq.scan(&id));
        }
    });
    let started = Instant::now();
    let poll = provider.qr_poll(&ticket.key).await.unwrap();
    assert!(matches!(poll, QrPoll::Scanned { .. }), "{poll:?}");
    assert!(started.elapsed() >= Duration::from_millis(700));
    scanner.await.unwrap();

    // Held past the long poll's own timeout: still waiting, and asked again as usual.
    let provider = provider_with(Duration::from_millis(500));
    let ticket = provider.qr_start(QrMethod::Wechat).await.unwrap();
    let started = Instant::now();
    assert_eq!(
        provider.qr_poll(&ticket.key).await.unwrap(),
        QrPoll::Waiting
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
}

/// The first exchange of a login code goes anonymously, as L-1124 sends it
/// (docs/protocol/fidelity-2026-12.md row 1e): no login cookies, `comm.uin` 0, `g_tk` 5381,
/// only the `tmeLoginType` of the login; the code alone is the credential.
#[tokio::test]
async fn the_first_code_exchange_is_anonymous() {
    for (method, call, tme) in [
        (QrMethod::Qq, "QQConnectLogin.LoginServer.QQLogin", "2"),
        (QrMethod::Wechat, "music.login.LoginServer.Login", "1"),
    ] {
        let fake = fake().await;
        let (provider, _) = provider(&fake);
        log_in(&fake, &provider, method).await;
        let exchanges: Vec<_> = fake
            .qq()
            .callers()
            .into_iter()
            .filter(|c| c.call == call)
            .collect();
        assert_eq!(exchanges.len(), 1, "{exchanges:?}");
        let sent = &exchanges[0];
        assert_eq!(
            (sent.uin_cookie, &sent.qqmusic_key, &sent.qm_keyst),
            (None, &None, &None),
            "{call}"
        );
        assert_eq!(sent.comm_uin.unwrap_or(0), 0, "{call}");
        assert_eq!(sent.comm_g_tk, Some(5381), "{call}");
        assert_eq!(sent.tme_login_type.as_deref(), Some(tme), "{call}");
    }
}

/// A `1000` from `GetLoginUserInfo` is checked with the profile page before the key is called
/// dead (docs/protocol/fidelity-2026-12.md row 3): a key the page still serves is kept, not
/// renewed; a key both call dead is renewed as before.
#[tokio::test]
async fn a_probe_saying_1000_is_checked_with_the_profile_page() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Qq).await;
    let key = stored(&store).musickey;
    let count = |fake: &FakeUpstream, what: &str| {
        fake.qq()
            .requests()
            .iter()
            .filter(|r| r.call.as_deref() == Some(what) || r.logical_path.contains(what))
            .count()
    };
    const RENEW: &str = "music.login.LoginServer.Login";
    const PAGE: &str = "fcg_get_profile_homepage";
    fake.qq().clear_requests();
    fake.qq().fail(
        Fault::new(FaultKind::QqNotLoggedIn)
            .module("music.UserInfo.userInfoServer")
            .method("GetLoginUserInfo"),
    );
    provider.probe().await.unwrap();
    assert_eq!(count(&fake, PAGE), 1, "the page was asked");
    assert_eq!(count(&fake, RENEW), 0, "a live key is not renewed");
    assert_eq!(stored(&store).musickey, key);

    fake.qq().expire_session(QqAccount::Qq.musicid());
    fake.qq().clear_requests();
    provider.probe().await.unwrap();
    assert_eq!(count(&fake, PAGE), 1);
    assert_eq!(count(&fake, RENEW), 1, "a dead key is renewed");
    assert_ne!(stored(&store).musickey, key);
}

/// A refused file (104003) is normal for a non-VIP: a run of them sends at most one probe per
/// key, and renews nothing (docs/protocol/fidelity-2026-12.md row 3); a new key gets its own.
#[tokio::test]
async fn refusals_in_a_row_probe_the_key_once() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Wechat).await;
    let key = stored(&store).musickey;
    let calls = |fake: &FakeUpstream, call: &str| {
        fake.qq()
            .requests()
            .iter()
            .filter(|r| r.call.as_deref() == Some(call))
            .count()
    };
    const PROBE: &str = "music.UserInfo.userInfoServer.GetLoginUserInfo";
    const RENEW: &str = "music.login.LoginServer.Login";
    fake.qq().clear_requests();
    fake.qq()
        .fail(Fault::new(FaultKind::QqNoRights).times(1000));
    for _ in 0..4 {
        let error = provider
            .stream_url(VIP_ONLY, Quality::Lossless)
            .await
            .unwrap_err();
        assert_eq!(
            (error.kind, error.upstream_code),
            (ErrorKind::Unavailable, Some(104003))
        );
    }
    assert!(calls(&fake, "vkey.GetVkeyServer.CgiGetVkey") >= 4);
    assert_eq!(calls(&fake, PROBE), 1, "one probe for four refusals");
    assert_eq!(calls(&fake, RENEW), 0);
    assert_eq!(stored(&store).musickey, key, "the key is not churned");

    // A new key is asked about afresh.
    provider.refresh().await.unwrap();
    fake.qq().clear_requests();
    let error = provider
        .stream_url(VIP_ONLY, Quality::Lossless)
        .await
        .unwrap_err();
    assert_eq!(error.upstream_code, Some(104003));
    assert_eq!(calls(&fake, PROBE), 1);
    fake.qq().clear_faults();
}

#[tokio::test]
async fn what_the_service_refuses_arrives_typed() {
    let fake = fake().await;
    let (provider, _) = provider(&fake);
    // Without a login: search is refused by the service's risk control unless logged in; Duet
    // does not even ask.
    let error = provider
        .search(&SearchQuery::new("晴天", SearchType::Track, 1, 10).unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn);
    assert_eq!(
        provider
            .stream_url(QRC_SONG, Quality::Standard)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NotLoggedIn
    );
    // Reads that need no login work.
    assert_eq!(provider.track(QRC_SONG).await.unwrap().title, "晴天");
    assert!(provider.playlist("211111").await.unwrap().tracks.is_some());

    log_in(&fake, &provider, QrMethod::Qq).await;
    let search = SearchQuery::new("晴天", SearchType::Track, 1, 10).unwrap();

    fake.qq().fail(Fault::new(FaultKind::QqBadSign));
    let error = provider.search(&search).await.unwrap_err();
    assert_eq!(error.upstream_code, Some(2000));
    assert_eq!(error.kind, ErrorKind::Upstream);
    assert!(error.message.contains("sign"));

    fake.qq().fail(Fault::new(FaultKind::QqRiskControl));
    let error = provider.search(&search).await.unwrap_err();
    assert_eq!(
        (error.kind, error.upstream_code),
        (ErrorKind::RiskControl, Some(2001))
    );

    fake.qq().fail(Fault::new(FaultKind::QqModuleError));
    let error = provider.search(&search).await.unwrap_err();
    assert_eq!(error.upstream_code, Some(500003));

    fake.qq().fail(
        Fault::new(FaultKind::QqNoRights)
            .module("vkey.GetVkeyServer")
            .times(10),
    );
    let error = provider
        .stream_url(NO_FLAC, Quality::Standard)
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.upstream_code),
        (ErrorKind::Unavailable, Some(104003))
    );
    fake.qq().clear_faults();

    // One 500 is retried; two are an error. A cut-off answer is an error, never a panic, and
    // final (an answer that cannot be read is not asked for again, as with NetEase).
    fake.qq()
        .fail(Fault::new(FaultKind::ServerError).path("musics.fcg"));
    provider.search(&search).await.unwrap();
    fake.qq().fail(
        Fault::new(FaultKind::ServerError)
            .path("musics.fcg")
            .times(2),
    );
    assert_eq!(
        provider.search(&search).await.unwrap_err().kind,
        ErrorKind::Upstream
    );
    fake.qq()
        .fail(Fault::new(FaultKind::Truncated).path("musics.fcg"));
    let error = provider.search(&search).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream);
    assert!(error.message.contains("could not be understood"));

    // Malformed input never reaches the service.
    for bad in [
        "",
        "123",
        "../../etc/passwd",
        "0039MnYb0qxYhV0",
        "晴天晴天晴天晴天晴天晴天晴天",
    ] {
        assert_eq!(
            provider.lyrics(bad).await.unwrap_err().kind,
            ErrorKind::BadRequest,
            "{bad:?}"
        );
    }
    assert_eq!(
        provider.playlist("12ab").await.unwrap_err().kind,
        ErrorKind::BadRequest
    );
    assert_eq!(
        provider
            .post_comment(QRC_SONG, "  ", None)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::BadRequest
    );

    // A hostile playlist name arrives intact, as text.
    let hostile = provider.playlist("8888888866").await.unwrap();
    assert!(hostile.name.contains("<img src=x onerror=alert(1)>"));
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Qq).await;
    let session = stored(&store);
    let key = session.musickey.expose().to_owned();
    let debug = format!("{session:?} {:?}", session.credential());
    assert!(!debug.contains(&key));
    fake.qq().revoke_sessions();
    let error = provider.profile().await.unwrap_err();
    let shown = format!(
        "{error} {error:?} {}",
        serde_json::to_string(&error).unwrap()
    );
    assert!(!shown.contains(&key), "{shown}");
    assert!(!shown.contains(session.refresh_key.expose()));
}

#[tokio::test]
async fn answers_that_never_end_are_cut_at_the_cap_and_typed() {
    let fake = fake().await;
    let (provider, _store) = provider(&fake);
    let too_large = |error: duet_core::Error, what: &str| {
        assert_eq!(error.kind, ErrorKind::Upstream, "{what}: {error}");
        assert!(
            error.message.contains("larger than 16 MiB"),
            "{what}: {error}"
        );
        assert_eq!(error.provider, Some(ProviderId::Qq), "{what}");
    };
    let bounded = std::time::Duration::from_secs(60);

    // A login page (ptlogin2's QR picture, read raw).
    fake.qq()
        .fail(Fault::new(FaultKind::Oversized).path("/ptqrshow"));
    let error = tokio::time::timeout(bounded, provider.qr_start(QrMethod::Qq))
        .await
        .expect("the QR start ends")
        .unwrap_err();
    too_large(error, "ptqrshow");

    log_in(&fake, &provider, QrMethod::Qq).await;
    // The legacy profile page (JSONP).
    fake.qq()
        .fail(Fault::new(FaultKind::Oversized).path("fcg_get_profile_homepage"));
    let error = tokio::time::timeout(bounded, provider.profile())
        .await
        .expect("the profile call ends")
        .unwrap_err();
    too_large(error, "profile page");
    // The profile page is an idempotent read like the rest: one 500 is asked again.
    let profile_pages = |fake: &FakeUpstream| {
        fake.qq()
            .requests()
            .iter()
            .filter(|r| r.logical_path.contains("fcg_get_profile_homepage"))
            .map(|r| r.status)
            .collect::<Vec<_>>()
    };
    let before = profile_pages(&fake).len();
    fake.qq()
        .fail(Fault::new(FaultKind::ServerError).path("fcg_get_profile_homepage"));
    provider.profile().await.unwrap();
    assert_eq!(profile_pages(&fake)[before..], [500, 200]);

    // A signed envelope; not asked again (another read would stream another 16 MiB).
    fake.qq().clear_requests();
    fake.qq()
        .fail(Fault::new(FaultKind::Oversized).path("musics.fcg"));
    let search = SearchQuery::new("晴天", SearchType::Track, 1, 10).unwrap();
    let error = tokio::time::timeout(bounded, provider.search(&search))
        .await
        .expect("the search ends")
        .unwrap_err();
    too_large(error, "musics.fcg");
    assert_eq!(
        fake.qq()
            .requests()
            .iter()
            .filter(|r| r.logical_path.contains("musics.fcg"))
            .count(),
        1
    );
    provider.search(&search).await.unwrap();
}

fn slow_renewals(fake: &FakeUpstream) {
    fake.qq().fail(
        Fault::new(FaultKind::Slow)
            .module("music.login.LoginServer")
            .method("Login")
            .delay(std::time::Duration::from_millis(3000)),
    );
}

/// A logout while the key is being renewed wins: the renewed key does not bring the session
/// back, here or in the keychain.
#[tokio::test]
async fn a_renewal_in_flight_loses_to_a_logout() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Qq).await;
    fake.qq().expire_session(QqAccount::Qq.musicid());
    slow_renewals(&fake);
    let probe = tokio::spawn({
        let provider = provider.clone();
        async move { provider.probe().await }
    });
    // The renewal is out (the fake holds its answer 3 s) when the person logs out.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    provider.logout().await.unwrap();
    assert!(probe.await.unwrap().is_err());
    assert!(!provider.has_session().await);
    assert_eq!(store.load(ProviderId::Qq).unwrap(), None);
}

/// The service retires a key once it hands out the next: a renewal runs to its end and keeps the
/// new key even when the call that started it goes away (a dropped HTTP request).
#[tokio::test]
async fn a_renewal_is_kept_when_its_caller_goes_away() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Qq).await;
    let before = stored(&store).musickey;
    fake.qq().expire_session(QqAccount::Qq.musicid());
    slow_renewals(&fake);
    let gave_up =
        tokio::time::timeout(std::time::Duration::from_millis(1000), provider.probe()).await;
    assert!(gave_up.is_err(), "the caller went away mid-renewal");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while stored(&store).musickey == before {
        assert!(std::time::Instant::now() < deadline, "the renewal was lost");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let renewed = stored(&store).musickey;
    assert_eq!(provider.credential().await.unwrap().musickey, renewed);
    provider.profile().await.unwrap();
}

/// docs/protocol/fidelity-2026-12.md rows 4a–4d through the provider: the lyric is asked by
/// `songID` (the fake refuses a mid alone), the id known from a list costs no detail call, and
/// the odd answers still give a lyric: the plain-zlib note, no `crypt` field, a QRC that does
/// not decrypt.
#[tokio::test]
async fn lyrics_by_id_read_as_asked_with_their_fallbacks() {
    const LYRIC: &str = "music.musichallSong.PlayLyricInfo.GetPlayLyricInfo";
    const DETAIL: &str = "music.pf_song_detail_svr.get_song_detail_yqq";
    let fake = fake().await;
    let (provider, _) = provider(&fake);
    let calls = |call: &str| {
        fake.qq()
            .requests()
            .iter()
            .filter(|r| r.call.as_deref() == Some(call))
            .count()
    };

    // A song seen for the first time: its id from its detail, once.
    fake.qq().clear_requests();
    let lyrics = provider.lyrics(QRC_SONG).await.unwrap();
    assert!(lyrics.lines.iter().any(|l| l.words.is_some()));
    provider.lyrics(QRC_SONG).await.unwrap();
    assert_eq!((calls(DETAIL), calls(LYRIC)), (1, 2));

    // A song seen in a playlist: its id from there.
    let playlist = provider.playlist("8000000003").await.unwrap();
    let seen = playlist.tracks.unwrap()[2].id.clone();
    fake.qq().clear_requests();
    let lyrics = provider.lyrics(&seen).await.unwrap();
    assert!(!lyrics.lines.is_empty());
    assert_eq!((calls(DETAIL), calls(LYRIC)), (0, 1));

    // The short plain-zlib note: an instrumental, not an error.
    let pure = provider.lyrics("001DuetPureMsc").await.unwrap();
    assert!(pure.instrumental);
    assert!(pure.lines.is_empty());

    // No `crypt` in the answer: read as asked (hex), with word timing and translation.
    let lyrics = provider.lyrics("001DuetNoCrypt").await.unwrap();
    assert_eq!(lyrics.lines.len(), 8);
    assert!(lyrics.lines.iter().all(|l| l.words.is_some()));
    assert!(lyrics.lines.iter().all(|l| l.translation.is_some()));

    // A QRC that does not decrypt: the LRC form, asked once more, with its translation.
    fake.qq().clear_requests();
    let lyrics = provider.lyrics("001DuetBadQrc0").await.unwrap();
    assert!(!lyrics.instrumental);
    assert_eq!(lyrics.lines.len(), 8);
    assert_eq!(lyrics.lines[0].text, "雨后的操场还亮着灯");
    assert!(lyrics.lines.iter().all(|l| l.words.is_none()));
    assert!(lyrics.lines.iter().all(|l| l.translation.is_some()));
    assert_eq!(calls(LYRIC), 2);
}

/// The QQ Music app's own QR (docs/protocol/qqmusic.md §4.3): `CreateQRCode`, the state pushed
/// over MQTT on the fake's WebSocket, and the `cookies` event exchanged with `tmeLoginType` 6.
#[tokio::test]
async fn qqmusic_app_qr_login_then_the_library() {
    let fake = fake().await;
    let (provider, store) = provider(&fake);
    assert_eq!(
        provider.qr_methods()[0],
        QrMethod::QqMusic,
        "the first card"
    );
    log_in(&fake, &provider, QrMethod::QqMusic).await;
    let session = stored(&store);
    assert_eq!(session.kind, duet_qqmusic::LoginKind::QqMusic);
    assert_eq!(session.musicid, QqAccount::Qq.musicid());
    let profile = provider.profile().await.unwrap();
    assert_eq!(profile.nickname, QqAccount::Qq.nick());
    assert!(!provider.user_playlists().await.unwrap().is_empty());
    let exchange: Vec<_> = fake
        .qq()
        .callers()
        .into_iter()
        .filter(|c| c.call == "music.login.LoginServer.Login")
        .collect();
    assert_eq!(exchange.len(), 1, "{exchange:?}");
    assert_eq!(exchange[0].tme_login_type.as_deref(), Some("6"));
    assert_eq!(
        exchange[0].qqmusic_key, None,
        "a first login goes without a key"
    );
}

#[tokio::test]
async fn qqmusic_app_qr_canceled_timeout_and_login_failed() {
    let fake = fake().await;
    let (provider, _) = provider(&fake);

    let canceled = provider.qr_start(QrMethod::QqMusic).await.unwrap();
    let id = pending(&fake, QqLoginMethod::QqMusic);
    assert!(fake.qq().scan(&id));
    poll_past_waiting(&provider, &canceled.key).await.unwrap();
    assert!(fake.qq().refuse(&id));
    let error = poll_past(&provider, &canceled.key, |p| {
        matches!(p, QrPoll::Scanned { .. })
    })
    .await
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn);
    assert!(
        error.message.contains("cancelled in the QQ Music app"),
        "{}",
        error.message
    );
    assert_eq!(
        provider.qr_poll(&canceled.key).await.unwrap_err().kind,
        ErrorKind::NotFound,
        "a cancelled login is forgotten"
    );

    let expired = provider.qr_start(QrMethod::QqMusic).await.unwrap();
    let id = pending(&fake, QqLoginMethod::QqMusic);
    assert_eq!(
        provider.qr_poll(&expired.key).await.unwrap(),
        QrPoll::Waiting
    );
    assert!(fake.qq().expire(&id));
    assert_eq!(
        poll_past_waiting(&provider, &expired.key).await.unwrap(),
        QrPoll::Expired
    );

    let failed = provider.qr_start(QrMethod::QqMusic).await.unwrap();
    let id = pending(&fake, QqLoginMethod::QqMusic);
    assert!(fake.qq().fail_app_login(&id));
    let error = poll_past_waiting(&provider, &failed.key).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream);
    assert!(
        error.message.contains("could not log this account in"),
        "{}",
        error.message
    );
    assert!(!provider.has_session().await);
}

#[tokio::test]
async fn qqmusic_app_qr_malformed_message_is_a_typed_error_without_secrets() {
    let fake = fake().await;
    let (provider, _) = provider(&fake);
    let ticket = provider.qr_start(QrMethod::QqMusic).await.unwrap();
    let id = pending(&fake, QqLoginMethod::QqMusic);
    let debug = format!("{ticket:?}");
    assert!(
        !debug.contains(&id),
        "the code's id stays out of Debug: {debug}"
    );
    assert!(fake.qq().garble_app_login(&id));
    let error = poll_past_waiting(&provider, &ticket.key).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream);
    assert_eq!(error.provider, Some(ProviderId::Qq));
    assert!(
        error.message.contains("could not be read"),
        "{}",
        error.message
    );
    assert!(!format!("{error:?}").contains(&id));
    assert!(!provider.has_session().await);
}

/// A code nobody finishes does not keep its connection: past its lifetime the subscription ends
/// as timed out, whatever the service (here: nothing) pushed.
#[tokio::test]
async fn qqmusic_app_qr_subscription_ends_with_the_codes_lifetime() {
    use duet_qqmusic::app_qr::{self, AppEvent};
    let fake = fake().await;
    let (provider, _) = provider(&fake);
    provider.qr_start(QrMethod::QqMusic).await.unwrap();
    let id = pending(&fake, QqLoginMethod::QqMusic);
    let upstream = Upstream::parse_override(&fake.base_url()).unwrap();
    let watch = app_qr::watch(
        &upstream,
        &duet_core::Secret::new(id),
        std::time::Duration::from_millis(400),
    )
    .unwrap();
    assert_eq!(watch.latest(), AppEvent::Waiting);
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    assert_eq!(watch.latest(), AppEvent::Timeout);
}

/// An item answered with its success code but every field renamed (the fake's `reshaped`, a
/// protocol change as the client sees it) is a typed `upstream` naming the missing field:
/// never a song without lyrics, an unknown song, or a file this account may not play. The same
/// calls answered as usual read as before, and a real refusal keeps its kind.
#[tokio::test]
async fn an_item_in_another_shape_is_upstream_not_a_refusal() {
    let fake = fake().await;
    let (provider, _) = provider(&fake);
    log_in(&fake, &provider, QrMethod::Qq).await;
    let reshape = |module: &str, method: &str| {
        fake.qq().fail(
            Fault::new(FaultKind::Reshaped)
                .module(module)
                .method(method)
                .times(10),
        );
    };

    reshape("music.musichallSong.PlayLyricInfo", "GetPlayLyricInfo");
    let lyrics = provider.lyrics(QRC_SONG).await.unwrap_err();
    fake.qq().clear_faults();
    reshape("music.pf_song_detail_svr", "get_song_detail_yqq");
    let track = provider.track(LRC_ONLY).await.unwrap_err();
    fake.qq().clear_faults();
    reshape("vkey.GetVkeyServer", "CgiGetVkey");
    let stream = provider
        .stream_url(QRC_SONG, Quality::Standard)
        .await
        .unwrap_err();
    fake.qq().clear_faults();
    for (error, field) in [
        (&lyrics, "`lyric`"),
        (&track, "`track_info`"),
        (&stream, "`midurlinfo`"),
    ] {
        assert_eq!(error.kind, ErrorKind::Upstream, "{error:?}");
        assert!(error.message.contains(field), "{}", error.message);
        assert!(error.message.contains("shape changed"), "{}", error.message);
    }
    let lyric_asks = fake
        .qq()
        .requests()
        .iter()
        .filter(|r| r.call.as_deref() == Some("music.musichallSong.PlayLyricInfo.GetPlayLyricInfo"))
        .count();
    assert_eq!(lyric_asks, 1, "a changed shape is not asked for again");

    assert!(!provider.lyrics(QRC_SONG).await.unwrap().lines.is_empty());
    assert!(provider
        .lyrics(INSTRUMENTAL)
        .await
        .unwrap()
        .lines
        .is_empty());
    assert_eq!(provider.track(LRC_ONLY).await.unwrap().id, LRC_ONLY);
    assert!(provider
        .stream_url(QRC_SONG, Quality::Standard)
        .await
        .is_ok());
    assert_eq!(
        provider.track("001DuetNoSuch0").await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    fake.qq()
        .fail(Fault::new(FaultKind::QqNoRights).module("vkey.GetVkeyServer"));
    assert_eq!(
        provider
            .stream_url(NO_FLAC, Quality::Standard)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::Unavailable
    );
}
