//! The keychain store against a real Secret Service (gnome-keyring under dbus-run-session; the
//! README's test command provides one). Without one these tests fail, on purpose: a keychain
//! that silently falls back to memory is the bug they exist to catch.

// The Secret Service runs on Linux (and ./dev test starts one); on macOS and Windows this file
// builds to nothing.
#![cfg(target_os = "linux")]

use duet_core::{CredentialStore, ProviderId, Secret};
use duet_services::KeyringStore;

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

fn secret_tool_count(service: &str, user: &str) -> usize {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", service, "username", user])
        .output()
        .expect("secret-tool (libsecret-tools)");
    // One "[/org/freedesktop/secrets/collection/…/N]" header per item (on stderr or stdout,
    // depending on the libsecret version).
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines().filter(|l| l.starts_with("[/")).count()
}

#[test]
fn the_probe_proves_a_round_trip_and_leaves_nothing_behind() {
    let service = format!("duet-test-probe-{}", std::process::id());
    KeyringStore::with_service(&service)
        .probe()
        .expect("a Secret Service must be running (run the tests through ./dev test)");
    assert_eq!(secret_tool_count(&service, "duet-probe"), 0);
    assert_eq!(secret_tool_lookup(&service, "duet-probe"), None);
}

#[test]
fn duplicate_entries_are_merged_into_the_newest() {
    let service = format!("duet-test-dup-{}", std::process::id());
    let store = KeyringStore::with_service(&service);
    store
        .save(ProviderId::Qq, &Secret::new(r#"{"musickey":"older"}"#))
        .unwrap();
    // A second item that matches the same account (what a race of two writers, or a copy in
    // another collection, leaves): same service, account and target, one more attribute.
    // The Secret Service stamps modification times in seconds.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut child = std::process::Command::new("secret-tool")
        .args([
            "store",
            "--label=duplicate",
            "service",
            &service,
            "username",
            "qq",
            "target",
            "default",
            "application",
            "rust-keyring",
            "copy",
            "2",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"musickey":"newer"}"#)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(secret_tool_count(&service, "qq"), 2);

    // Reading repairs: the newest copy is kept, alone.
    assert_eq!(
        store.load(ProviderId::Qq).unwrap(),
        Some(Secret::new(r#"{"musickey":"newer"}"#))
    );
    assert_eq!(secret_tool_count(&service, "qq"), 1);
    assert_eq!(
        store.load(ProviderId::Qq).unwrap(),
        Some(Secret::new(r#"{"musickey":"newer"}"#))
    );
    store.delete(ProviderId::Qq).unwrap();
    assert_eq!(store.load(ProviderId::Qq).unwrap(), None);
}

#[test]
fn duplicate_entries_do_not_stop_a_save_or_a_delete() {
    let service = format!("duet-test-dup2-{}", std::process::id());
    let store = KeyringStore::with_service(&service);
    for copy in ["1", "2"] {
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "echo -n stale{copy} | secret-tool store --label=dup service {service} username \
                 netease target default application rust-keyring copy {copy}"
            ))
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert_eq!(secret_tool_count(&service, "netease"), 2);
    store
        .save(ProviderId::Netease, &Secret::new("fresh"))
        .unwrap();
    assert_eq!(secret_tool_count(&service, "netease"), 1);
    assert_eq!(
        store.load(ProviderId::Netease).unwrap(),
        Some(Secret::new("fresh"))
    );
    a_delete_removes_every_copy(&store, &service);
}

fn a_delete_removes_every_copy(store: &KeyringStore, service: &str) {
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "echo -n stale | secret-tool store --label=dup service {service} username netease \
             target default application rust-keyring copy 3"
        ))
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(secret_tool_count(service, "netease"), 2);
    store.delete(ProviderId::Netease).unwrap();
    assert_eq!(secret_tool_count(service, "netease"), 0);
}
