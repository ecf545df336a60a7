//! Account secrets that are not a music service's (the scrobbling services' keys and tokens)
//! in a real Secret Service: entries of their own beside the sessions, seen by other programs
//! under their own names, never under a provider's.

#![cfg(target_os = "linux")]

use duet_core::{CredentialStore, ProviderId, Secret};
use duet_services::{AccountSecrets, KeyringStore};

#[test]
fn scrobbling_entries_live_beside_the_sessions_in_the_secret_service() {
    let service = format!("duet-test-accounts-{}", std::process::id());
    let store = KeyringStore::with_service(&service);
    store
        .probe()
        .expect("a Secret Service must be running (./dev with-keyring)");
    let value = r#"{"token":"0b1c2d3e","user_name":"someone"}"#;
    AccountSecrets::save(&store, "scrobble-listenbrainz", &Secret::new(value)).unwrap();
    assert_eq!(
        AccountSecrets::load(&store, "scrobble-listenbrainz").unwrap(),
        Some(Secret::new(value))
    );
    let seen = std::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            &service,
            "username",
            "scrobble-listenbrainz",
        ])
        .output()
        .expect("secret-tool (libsecret-tools)");
    assert_eq!(String::from_utf8_lossy(&seen.stdout), value);
    // Not a provider's entry.
    assert_eq!(
        CredentialStore::load(&store, ProviderId::Netease).unwrap(),
        None
    );
    AccountSecrets::delete(&store, "scrobble-listenbrainz").unwrap();
    AccountSecrets::delete(&store, "scrobble-listenbrainz").unwrap();
    assert_eq!(
        AccountSecrets::load(&store, "scrobble-listenbrainz").unwrap(),
        None
    );
}
