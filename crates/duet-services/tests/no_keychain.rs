//! Without a Secret Service the store says so: memory only when the caller accepts it (the app,
//! which then tells the person), an error otherwise (duet-server without --no-keychain).
//! Its own test binary, because it points this process's D-Bus address at nothing.

// A missing Secret Service is a Linux state; on macOS and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

use duet_services::{open_store, StoreKind};

#[test]
fn no_secret_service_means_memory_with_a_reason_or_an_error() {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/duet-test-bus",
    );
    let store = open_store("duet-test-none", true).expect("memory is accepted");
    assert_eq!(store.kind, StoreKind::Memory);
    let reason = store
        .keychain_problem
        .expect("the reason is kept for the UI");
    assert!(reason.contains("keychain"), "{reason}");
    assert!(!store.store.is_persistent());

    let refused = open_store("duet-test-none", false).unwrap_err();
    assert!(
        refused.message.contains("Secret Service"),
        "{}",
        refused.message
    );
}
