//! A locked keyring is found at start, never blocks start-up or a command forever, and works
//! again once unlocked. Each run gets its own D-Bus session and gnome-keyring (locking the
//! shared test keyring would break the tests running beside it): the test runs the `#[ignore]`d
//! body below inside `./dev with-keyring`, once with no display (the
//! unlock prompt cannot open and fails at once) and once on the display when there is one (the
//! prompt opens and waits for a password nobody types).

// gnome-keyring and D-Bus are Linux's; on macOS and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

use std::process::Command;
use std::time::{Duration, Instant};

use duet_core::{ErrorKind, ProviderId, Secret};
use duet_services::{open_keyring, KeyringStore, StoreKind};

const SERVICE: &str = "duet-test-locked";
const LOGIN_COLLECTION: &str = "/org/freedesktop/secrets/collection/login";

/// `./dev with-keyring`, the recipe every keychain test runs in (a private D-Bus session, a
/// throwaway HOME, an unlocked gnome-keyring), around the body below.
fn run_inside_a_fresh_secret_service(display: Option<&str>) {
    // One at a time: two gnome-keyrings prompting on one display at once.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut command = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../dev"));
    command
        .arg("with-keyring")
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "body_inside_a_private_secret_service",
            "--ignored",
            "--nocapture",
        ])
        .env("DUET_LOCKED_KEYCHAIN_RUN", "1");
    match display {
        Some(display) => command.env("DISPLAY", display),
        None => command.env_remove("DISPLAY"),
    };
    let output = command.output().expect("./dev runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the locked-keyring run failed:\n{log}"
    );
    assert!(log.contains("1 passed"), "the body did not run:\n{log}");
}

#[test]
fn a_locked_keyring_is_reported_and_recovers_without_a_display() {
    run_inside_a_fresh_secret_service(None);
}

#[test]
fn a_locked_keyring_is_reported_and_recovers_with_a_prompt_on_screen() {
    let display =
        std::env::var("DISPLAY").expect("no DISPLAY: run the tests under Xvfb (./dev test does)");
    run_inside_a_fresh_secret_service(Some(&display));
}

fn gnome_keyring(args: &str) {
    let status = Command::new("bash").arg("-c").arg(args).status().unwrap();
    assert!(status.success(), "{args}");
}

fn lock_the_login_keyring() {
    gnome_keyring(&format!(
        "dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
         org.freedesktop.Secret.Service.Lock array:objpath:{LOGIN_COLLECTION} >/dev/null"
    ));
}

/// gnome-keyring takes its bus name a moment after it starts; a call before that would make D-Bus
/// start a second, locked daemon. Waits for the name (asking does not start anything), as
/// `./dev with-keyring` does before the body starts.
fn wait_for_the_secret_service() {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let owned = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"));
        if owned {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "gnome-keyring never took its bus name"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// gnome-keyring unlocks only at start: a new daemon, given the password, stands for the person
/// typing it. Only this session's daemon is stopped, found by its bus name: every other
/// gnome-keyring on the machine (the test run's own, a person's) is left alone.
fn unlock_the_login_keyring() {
    let daemon = the_secret_service_pid();
    gnome_keyring(&format!("kill {daemon}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{daemon}")).exists() {
        assert!(
            Instant::now() < deadline,
            "gnome-keyring {daemon} did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    gnome_keyring("echo -n duet | gnome-keyring-daemon --unlock --components=secrets >/dev/null");
    wait_for_the_secret_service();
}

/// The process that owns `org.freedesktop.secrets` on this session's bus.
fn the_secret_service_pid() -> u32 {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .expect("dbus-send runs");
    let reply = String::from_utf8_lossy(&out.stdout);
    reply
        .split_whitespace()
        .skip_while(|word| *word != "uint32")
        .nth(1)
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("no Secret Service owner on this bus: {reply}"))
}

#[test]
#[ignore = "runs inside its own Secret Service, started by the tests above"]
fn body_inside_a_private_secret_service() {
    assert!(
        std::env::var_os("DUET_LOCKED_KEYCHAIN_RUN").is_some(),
        "run through the tests above, never against a person's keyring"
    );
    let keyring = || KeyringStore::with_service(SERVICE).with_timeout(Duration::from_secs(3));
    let store = open_keyring(keyring(), true).expect("an unlocked keyring opens");
    assert_eq!(store.kind, StoreKind::Os);
    store
        .store
        .save(ProviderId::Netease, &Secret::new("kept across the lock"))
        .unwrap();

    lock_the_login_keyring();

    let started = Instant::now();
    let mut store = open_keyring(keyring(), true).expect("the app starts with a locked keyring");
    assert_eq!(store.kind, StoreKind::Locked);
    let message = store.keychain_problem.clone().unwrap();
    assert!(message.contains("unlock"), "{message}");
    // The app's whole assembly starts without reading the locked keychain again (each read
    // would prompt again): the providers are there, logged out, at once.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let settings = duet_services::Settings {
        upstream: duet_core::Upstream::Direct,
        timeout: Duration::from_secs(5),
        pace: duet_services::Pace::HUMAN,
    };
    let providers = runtime
        .block_on(duet_services::providers(&settings, &store))
        .unwrap();
    for provider in &providers {
        assert!(!runtime.block_on(provider.has_session()));
    }
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "start-up waited {:?} on the keyring",
        started.elapsed()
    );
    // duet-server has no one to ask: it refuses to start, saying why.
    let refused = open_keyring(keyring(), false).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Keychain);
    assert!(refused.message.contains("locked"), "{}", refused.message);
    // A command under a locked keyring answers with the typed error instead of hanging.
    let failed = store.store.load(ProviderId::Netease).unwrap_err();
    assert_eq!(failed.kind, ErrorKind::Keychain);
    assert!(failed.message.contains("unlock"), "{}", failed.message);
    assert!(store.recheck().is_err(), "still locked");
    assert_eq!(store.kind, StoreKind::Locked);

    unlock_the_login_keyring();

    // "Unlocked it, look again": the same store now works, with what was kept before.
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Err(e) = store.recheck() {
        assert!(
            Instant::now() < deadline,
            "still locked after unlocking: {e}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(store.kind, StoreKind::Os);
    assert_eq!(store.keychain_problem, None);
    assert_eq!(
        store.store.load(ProviderId::Netease).unwrap(),
        Some(Secret::new("kept across the lock"))
    );
    store.store.delete(ProviderId::Netease).unwrap();
}
