//! Logging in to QQ Music with the `uin` and `qm_keyst`/`qqmusic_key` cookies a person pasted
//! (or y.qq.com's own login page left), against the strict fake: checked with the service before
//! anything is held or stored.

use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::cookies::PastedCookies;
use duet_core::{
    CredentialStore, ErrorKind, MemoryStore, Provider, ProviderId, QrMethod, Secret, Upstream,
};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_qqmusic::{Config, QqProvider, Session};

fn provider(fake: &FakeUpstream) -> (Arc<QqProvider>, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    (
        Arc::new(QqProvider::new(config, store.clone()).unwrap()),
        store,
    )
}

fn pasted(text: &str) -> PastedCookies {
    PastedCookies::parse(&Secret::new(text)).unwrap()
}

fn stored(store: &MemoryStore) -> Option<Session> {
    store
        .load(ProviderId::Qq)
        .unwrap()
        .map(|s| Session::from_secret(&s).unwrap())
}

#[tokio::test]
async fn a_browsers_cookie_string_logs_in_and_is_kept() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake);
    let issued = fake.qq().issue_session(QqAccount::Qq);
    // As document.cookie on y.qq.com shows it: ptlogin's uin form, both key cookies, others.
    let text = format!(
        "pgv_pvid=123; uin=o0{}; qqmusic_key={key}; qm_keyst={key}; euin=x; ts_uid=9",
        issued.musicid,
        key = issued.musickey
    );
    let login = provider.cookie_login(&pasted(&text)).await.unwrap();
    assert_eq!(login.provider, ProviderId::Qq);
    assert_eq!(login.profile.nickname, QqAccount::Qq.nick());
    assert_eq!(login.error, None);
    let session = stored(&store).expect("kept");
    assert_eq!(session.musicid, issued.musicid);
    assert_eq!(session.musickey.expose(), issued.musickey);
    assert_eq!(session.encrypt_uin, QqAccount::Qq.encrypt_uin());
    assert!(!session.can_refresh(), "cookies carry no refresh tokens");
    assert!(!session.key_is_stale(0), "no lifetime is claimed");
    assert_eq!(
        provider.profile().await.unwrap().nickname,
        QqAccount::Qq.nick()
    );
    assert!(!provider.user_playlists().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_wechat_login_by_its_own_cookie_names() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake);
    let issued = fake.qq().issue_session(QqAccount::Wechat);
    let text = format!(
        "Cookie: wxuin=o{}; qqmusic_key={}",
        issued.musicid, issued.musickey
    );
    let login = provider.cookie_login(&pasted(&text)).await.unwrap();
    assert_eq!(login.profile.nickname, QqAccount::Wechat.nick());
    let session = stored(&store).unwrap();
    assert_eq!(session.credential().musicid, issued.musicid);
    assert_eq!(session.kind.tme_login_type(), "1", "a W_X_ key is WeChat's");
}

#[tokio::test]
async fn an_expired_or_unknown_key_is_refused_and_nothing_changes() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake);
    let unknown = "Q_H_L_63k3Nnot-a-key-the-service-gave";
    let error = provider
        .cookie_login(&pasted(&format!("uin=123456789; qm_keyst={unknown}")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired, "{error}");
    assert_eq!(error.provider, Some(ProviderId::Qq));
    assert!(!error.message.contains(unknown));
    assert!(!provider.has_session().await);
    assert!(stored(&store).is_none());

    // A key that was good and ran out.
    let old = fake.qq().issue_session(QqAccount::Qq);
    fake.qq().expire_session(old.musicid);
    let error = provider
        .cookie_login(&pasted(&format!(
            "uin={}; qm_keyst={}",
            old.musicid, old.musickey
        )))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired);
    assert!(stored(&store).is_none());

    // A refused paste leaves a held login as it was.
    let held = fake.qq().issue_session(QqAccount::Wechat);
    provider
        .cookie_login(&pasted(&format!(
            "uin={}; qm_keyst={}",
            held.musicid, held.musickey
        )))
        .await
        .unwrap();
    let error = provider
        .cookie_login(&pasted(&format!("uin=123456789; qm_keyst={unknown}")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::SessionExpired);
    assert_eq!(stored(&store).unwrap().musickey.expose(), held.musickey);
    assert_eq!(
        provider.profile().await.unwrap().nickname,
        QqAccount::Wechat.nick()
    );
}

#[tokio::test]
async fn half_a_login_or_a_malformed_one_never_reaches_the_service() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake);
    for (text, names) in [
        ("Q_H_L_abc", "one value"),
        ("uin=123456789", "qm_keyst"),
        ("qm_keyst=Q_H_L_abc", "uin cookie"),
        ("MUSIC_U=00AB", "both uin"),
        ("uin=abc; qm_keyst=Q_H_L_abc", "digits"),
        ("uin=123; qm_keyst=\"Q_H L\"", "malformed"),
    ] {
        let error = provider.cookie_login(&pasted(text)).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{text:?}");
        assert_eq!(error.provider, Some(ProviderId::Qq), "{text:?}");
        assert!(error.message.contains(names), "{text:?}: {}", error.message);
        assert!(!error.message.contains("Q_H"), "{}", error.message);
    }
    assert!(fake.requests().is_empty(), "nothing was sent");
    assert!(stored(&store).is_none());
}

#[tokio::test]
async fn a_qr_login_can_be_replaced_by_cookies() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (provider, store) = provider(&fake);
    let issued = fake.qq().issue_session(QqAccount::Wechat);
    assert_eq!(
        provider.qr_methods(),
        [QrMethod::QqMusic, QrMethod::Qq, QrMethod::Wechat]
    );
    provider
        .cookie_login(&pasted(&format!(
            "uin={}; qqmusic_key={}",
            issued.musicid, issued.musickey
        )))
        .await
        .unwrap();
    let page = provider.web_login().unwrap();
    assert_eq!(page.page, "https://y.qq.com/");
    assert_eq!(
        page.taken(),
        ["uin", "qqmusic_uin", "wxuin", "qm_keyst", "qqmusic_key"]
    );
    provider.logout().await.unwrap();
    assert!(stored(&store).is_none());
}
