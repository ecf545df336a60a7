//! The desktop app and `duet-server` on one machine at once: each keeps its sessions under its
//! own keychain entries (the app `duet`, the server `duet-server`), so one logging out, or
//! starting, never touches the other's session.

// the tests' Secret Service is Linux's; on macOS and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use duet_core::qr::QrLogins;
use duet_core::{Provider, ProviderId, QrState, Upstream};
use duet_fake_upstream::FakeUpstream;
use duet_services::{KEYCHAIN_SERVICE, SERVER_KEYCHAIN_SERVICE};

/// Logs the app's NetEase in the way the app does (its QR login machine), the phone played by
/// the fake.
async fn app_login(fake: &FakeUpstream, netease: Arc<dyn Provider>) {
    let logins = QrLogins::new(duet_images::login_qr_png);
    let login = logins.start(netease, None, None).await.unwrap();
    assert!(fake.netease().scan(&login.key));
    assert!(fake.netease().confirm(&login.key));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = logins.state(ProviderId::Netease, &login.key).await.unwrap();
        if state.state == QrState::Confirmed {
            return;
        }
        assert!(!state.state.is_final(), "{state:?}");
        assert!(Instant::now() < deadline, "the app's login never confirmed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_app_and_the_server_keep_their_own_sessions() {
    assert!(
        std::env::var_os("DUET_REAL_HOME").is_some(),
        "this test uses the app's and the server's real keychain entries: run it through \
         ./dev test, which gives it a private Secret Service"
    );
    let fake = fake().await;
    // The app, assembled as the desktop app assembles it, over its keychain entries.
    let store = duet_services::open_store(KEYCHAIN_SERVICE, false).unwrap();
    let settings = duet_services::Settings {
        upstream: Upstream::parse_override(&fake.base_url()).unwrap(),
        timeout: Duration::from_secs(5),
        pace: duet_services::Pace::TEST,
    };
    let app = duet_services::providers(&settings, &store).await.unwrap();
    let app_netease = app
        .iter()
        .find(|p| p.id() == ProviderId::Netease)
        .unwrap()
        .clone();
    app_login(&fake, app_netease.clone()).await;

    // The server, with its default entries, logs in beside it.
    let server_options = || Options {
        default_keychain: true,
        ..Options::default()
    };
    let server = Server::start_with(&fake, SERVER_KEYCHAIN_SERVICE, server_options()).await;
    server.login(&fake).await;
    let app_session = stored_session(KEYCHAIN_SERVICE).expect("the app's session is kept");
    let server_session =
        stored_session(SERVER_KEYCHAIN_SERVICE).expect("the server's session is kept");
    assert_ne!(app_session, server_session, "two logins, two entries");

    // The server logs out: the app's session is untouched, here and at the service.
    let (status, body) = server.post("/v1/netease/logout", None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(stored_session(SERVER_KEYCHAIN_SERVICE), None);
    assert_eq!(
        stored_session(KEYCHAIN_SERVICE).as_deref(),
        Some(app_session.as_str())
    );
    app_netease.profile().await.unwrap();

    // A server starting does not pick up the app's session.
    server.stop().await;
    let server = Server::start_with(&fake, SERVER_KEYCHAIN_SERVICE, server_options()).await;
    let (_, status) = server.get("/v1/status").await;
    assert_eq!(status["providers"]["netease"]["has_session"], false);

    // The server logs in again; the app logs out: the server's session stays.
    server.login(&fake).await;
    app_netease.logout().await.unwrap();
    assert_eq!(stored_session(KEYCHAIN_SERVICE), None);
    assert!(stored_session(SERVER_KEYCHAIN_SERVICE).is_some());
    let (status, me) = server.get("/v1/netease/me").await;
    assert_eq!(status, 200, "{me}");

    let (status, _) = server.post("/v1/netease/logout", None).await;
    assert_eq!(status, 204);
    server.stop().await;
}
