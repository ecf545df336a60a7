//! `Debug` output of everything that holds a session shows no cookie value.

use std::sync::Arc;

use duet_core::credentials::SharedStore;
use duet_core::{CredentialStore, MemoryStore, Provider, ProviderId, Upstream};
use duet_netease::session::Session;
use duet_netease::{Config, NeteaseProvider};

#[tokio::test]
async fn provider_client_session_and_store_hide_cookie_values() {
    let music_u = "MUSICUVALUE0123456789abcdefSECRET";
    let csrf = "CSRFVALUE0123456789";
    let visitor = "MUSICAVISITORTOKEN0123456789";
    let mut session = Session::new();
    session.apply_set_cookie(&format!("MUSIC_U={music_u}; Path=/"));
    session.apply_set_cookie(&format!("__csrf={csrf}; Path=/"));
    session.apply_set_cookie(&format!("MUSIC_A={visitor}; Path=/"));

    let store = Arc::new(MemoryStore::new());
    store
        .save(ProviderId::Netease, &session.to_secret())
        .unwrap();
    let shared: SharedStore = store.clone();
    let provider = NeteaseProvider::new(Config::new(Upstream::Direct), shared).unwrap();
    assert!(provider.restore_session().await.unwrap());
    assert!(provider.has_session().await);

    let shown = format!(
        "{provider:?} {:?} {session:?} {store:?} {:#?}",
        provider.client(),
        session.to_secret()
    );
    assert!(shown.contains("redacted"), "{shown}");
    for value in [music_u, csrf, visitor] {
        assert!(!shown.contains(value), "{value} shown in {shown}");
    }
    // Nor the web page's tracking ids sent with weapi (docs/protocol/netease.md §5.1).
    for (name, value) in session.web.cookies() {
        if name != "WEVNSM" {
            assert!(!shown.contains(value.as_str()), "{name} shown in {shown}");
        }
    }
}
