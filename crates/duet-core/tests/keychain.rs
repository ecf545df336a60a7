//! The keychain store against a real Secret Service (gnome-keyring under dbus-run-session; the
//! README's test command provides one). Without one these tests fail, on purpose: a keychain
//! that silently falls back to memory is the bug they exist to catch.

// The Secret Service runs on Linux (and ./dev test starts one); on macOS and Windows this file
// builds to nothing.
#![cfg(target_os = "linux")]

use duet_core::{CredentialStore, KeyringStore, ProviderId, Secret};

fn store() -> KeyringStore {
    KeyringStore::with_service(format!("duet-test-{}", std::process::id()))
}

fn secret_tool_lookup(service: &str, user: &str) -> Option<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .expect("secret-tool (libsecret-tools) is needed to inspect the Secret Service");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn entries_live_in_the_secret_service() {
    let store = store();
    let service = format!("duet-test-{}", std::process::id());
    store
        .probe()
        .expect("a Secret Service must be running (run the tests through ./dev test)");
    store.delete(ProviderId::Netease).unwrap();
    assert_eq!(store.load(ProviderId::Netease).unwrap(), None);

    let value = r#"{"device_id":"X","cookies":{"MUSIC_U":"00DEADBEEF"}}"#;
    store
        .save(ProviderId::Netease, &Secret::new(value))
        .unwrap();
    assert_eq!(
        store.load(ProviderId::Netease).unwrap(),
        Some(Secret::new(value))
    );
    // Another program sees the same entry: it is in the Secret Service, not in this process.
    assert_eq!(
        secret_tool_lookup(&service, "netease").as_deref(),
        Some(value)
    );
    assert_eq!(store.load(ProviderId::Qq).unwrap(), None);

    store.delete(ProviderId::Netease).unwrap();
    assert_eq!(store.load(ProviderId::Netease).unwrap(), None);
    assert_eq!(secret_tool_lookup(&service, "netease"), None);
    assert!(store.is_persistent());
}
