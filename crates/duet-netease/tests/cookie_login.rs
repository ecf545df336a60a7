//! Logging in to NetEase with a `MUSIC_U` a person pasted (or the web login page left), against
//! the strict fake: checked with the service before anything is held or stored.

use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::cookies::PastedCookies;
use duet_core::{CredentialStore, ErrorKind, MemoryStore, Provider, ProviderId, Secret, Upstream};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_netease::{Config, NeteaseProvider};

async fn provider(fake: &FakeUpstream) -> (NeteaseProvider, Arc<MemoryStore>) {
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    let store = Arc::new(MemoryStore::new());
    (NeteaseProvider::new(config, store.clone()).unwrap(), store)
}

fn pasted(text: &str) -> PastedCookies {
    PastedCookies::parse(&Secret::new(text)).unwrap()
}

fn account_checks(fake: &FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.logical_path.ends_with("/nuser/account/get"))
        .count()
}

#[tokio::test]
async fn a_pasted_cookie_header_logs_in_and_is_kept() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake).await;
    let issued = fake.netease().issue_session();
    let header = format!(
        "Cookie: _ntes_nnid=x,1; MUSIC_U={}; __csrf={}; NMTID=00Oabc",
        issued.music_u, issued.csrf
    );
    let login = provider.cookie_login(&pasted(&header)).await.unwrap();
    assert_eq!(login.provider, ProviderId::Netease);
    assert_eq!(login.profile.nickname, "大不6仙");
    assert_eq!(login.error, None, "kept");
    assert!(provider.has_session().await);
    let stored = store.load(ProviderId::Netease).unwrap().expect("stored");
    assert!(stored.expose().contains(&issued.music_u));
    assert!(
        !stored.expose().contains("_ntes_nnid=x"),
        "only the session's cookies are taken"
    );

    // The session works for reads and, with the pasted __csrf, for the web's writes.
    assert_eq!(provider.profile().await.unwrap().nickname, "大不6仙");
    assert!(!provider.user_playlists().await.unwrap().is_empty());
    provider
        .post_comment("347230", "pasted, then posted", None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_bare_value_is_the_music_u() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake).await;
    let issued = fake.netease().issue_session();
    let login = provider
        .cookie_login(&pasted(&format!("  {}\n", issued.music_u)))
        .await
        .unwrap();
    assert_eq!(
        login.profile.user_id,
        provider.profile().await.unwrap().user_id
    );
    assert!(store.load(ProviderId::Netease).unwrap().is_some());
    // Reads work; a post needs the __csrf a bare value lacks, and says so without a request
    // whose 301 would read as a dead session.
    assert!(!provider.user_playlists().await.unwrap().is_empty());
    let posts = |fake: &FakeUpstream| {
        fake.requests()
            .iter()
            .filter(|r| r.logical_path.contains("comments/add"))
            .count()
    };
    let error = provider
        .post_comment("347230", "no csrf", None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Declined, "{error}");
    assert!(error.message.contains("__csrf"));
    assert_eq!(posts(&fake), 0);
    assert!(provider.has_session().await, "still logged in");
}

#[tokio::test]
async fn an_unknown_or_revoked_cookie_is_refused_and_nothing_changes() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake).await;
    let unknown = "00".repeat(64);
    let error = provider
        .cookie_login(&pasted(&format!("MUSIC_U={unknown}")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired);
    assert_eq!(error.provider, Some(ProviderId::Netease));
    assert!(!error.message.contains(&unknown), "{}", error.message);
    assert!(!provider.has_session().await);
    assert_eq!(store.load(ProviderId::Netease).unwrap(), None);

    // A session that was good and is no more (logged out elsewhere).
    let revoked = fake.netease().issue_session();
    fake.netease().revoke_sessions();
    let error = provider
        .cookie_login(&pasted(&format!("MUSIC_U={}", revoked.music_u)))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired);
    assert_eq!(store.load(ProviderId::Netease).unwrap(), None);

    // A refused paste leaves a held session as it was.
    let good = fake.netease().issue_session();
    provider
        .cookie_login(&pasted(&format!("MUSIC_U={}", good.music_u)))
        .await
        .unwrap();
    let before = store.load(ProviderId::Netease).unwrap();
    let error = provider
        .cookie_login(&pasted(&format!("MUSIC_U={unknown}")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired);
    assert_eq!(store.load(ProviderId::Netease).unwrap(), before);
    assert_eq!(provider.profile().await.unwrap().nickname, "大不6仙");
}

#[tokio::test]
async fn a_malformed_paste_never_reaches_the_service() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake).await;
    for text in [
        "uin=123; qm_keyst=Q_H_L_abc",
        "MUSIC_U=\"00AB CD\"",
        "MUSIC_U=00AB\\CD; __csrf=ok",
        "MUSIC_U=ok; __csrf=a,b",
    ] {
        let error = provider.cookie_login(&pasted(text)).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{text:?}");
        assert_eq!(error.provider, Some(ProviderId::Netease), "{text:?}");
        assert!(
            !error.message.contains("00AB") && !error.message.contains("a,b"),
            "{}",
            error.message
        );
    }
    let long = format!("MUSIC_U={}", "A".repeat(2000));
    assert_eq!(
        provider
            .cookie_login(&pasted(&long))
            .await
            .unwrap_err()
            .kind,
        ErrorKind::BadRequest
    );
    assert_eq!(account_checks(&fake), 0, "nothing was sent");
    assert_eq!(store.load(ProviderId::Netease).unwrap(), None);
}

#[tokio::test]
async fn the_web_login_page_is_the_services_own() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, _) = provider(&fake).await;
    let page = provider.web_login().expect("NetEase has a web login");
    assert_eq!(page.page, "https://music.163.com/login");
    assert_eq!(page.taken(), ["MUSIC_U", "__csrf"]);
    assert!(page.is_complete(&pasted("MUSIC_U=00AB")));
    assert!(!page.is_complete(&pasted("__csrf=00AB; NMTID=x")));
}
