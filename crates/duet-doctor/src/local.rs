//! The machine's checks: the keychain (read-only, no prompt), the audio output device (without
//! opening a stream), a CJK font (fontconfig) and WebKitGTK (Linux: the desktop app's webview).

use std::process::Command;
use std::time::Duration;

use duet_services::{KeychainReport, KeychainState};

use crate::Outcome;

/// One line of the machine's checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCheck {
    pub name: &'static str,
    pub outcome: Outcome,
    pub detail: String,
}

/// Whether the stored sessions can be read without a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainUse {
    Readable,
    /// Locked or missing: the sessions are not read (the services are checked anonymously).
    Unreadable,
}

/// A D-Bus or sound server that hangs must not hang the doctor.
const LOCAL_CHECK_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn run() -> (Vec<LocalCheck>, KeychainUse) {
    let keychain = blocking(duet_services::inspect_keychain).await;
    let (keychain_check, keychain_use) = match keychain {
        Some(report) => keychain_check(&report),
        None => (
            LocalCheck {
                name: "keychain",
                outcome: Outcome::Fail,
                detail: "the keychain did not answer within 10 s".into(),
            },
            KeychainUse::Unreadable,
        ),
    };
    let audio = match blocking(duet_player::output::describe_default_device).await {
        Some(Ok(device)) => check("audio", Outcome::Ok, device),
        Some(Err(e)) => check(
            "audio",
            Outcome::Warn,
            format!(
                "{}; Duet plays into the null sink (silent)",
                e.detail().trim_end_matches('.')
            ),
        ),
        None => check(
            "audio",
            Outcome::Warn,
            "the sound system did not answer within 10 s",
        ),
    };
    let checks = vec![keychain_check, audio, cjk_font(), webkitgtk()];
    (checks, keychain_use)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::time::timeout(LOCAL_CHECK_TIMEOUT, tokio::task::spawn_blocking(f))
        .await
        .ok()?
        .ok()
}

fn check(name: &'static str, outcome: Outcome, detail: impl Into<String>) -> LocalCheck {
    LocalCheck {
        name,
        outcome,
        detail: detail.into(),
    }
}

/// Sessions need a keychain that keeps them and is unlocked; without one Duet still works,
/// keeping sessions in memory (the app asks first).
pub fn keychain_check(report: &KeychainReport) -> (LocalCheck, KeychainUse) {
    let store = &report.store;
    match &report.state {
        KeychainState::Unlocked if report.persistent => (
            check(
                "keychain",
                Outcome::Ok,
                format!("{store}: persistent, unlocked"),
            ),
            KeychainUse::Readable,
        ),
        KeychainState::Unlocked => (
            check(
                "keychain",
                Outcome::Warn,
                format!("{store}: unlocked, but kept in memory only (sessions end at logout)"),
            ),
            KeychainUse::Readable,
        ),
        KeychainState::Locked => (
            check(
                "keychain",
                Outcome::Warn,
                format!(
                    "{store}: locked; the stored sessions were not read (unlock it and run \
                     this again)"
                ),
            ),
            KeychainUse::Unreadable,
        ),
        KeychainState::Unavailable(why) => (
            check(
                "keychain",
                Outcome::Warn,
                format!("{why}; sessions can be kept in memory only"),
            ),
            KeychainUse::Unreadable,
        ),
    }
}

/// The output of `program args`, when it ran and succeeded.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Chinese titles, names and lyrics show as boxes without a font that has their glyphs.
fn cjk_font() -> LocalCheck {
    if !cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd"
    )) {
        return check("CJK font", Outcome::Skipped, "the system's own fonts");
    }
    match output_of("fc-list", &[":lang=zh", "family"]) {
        None => check(
            "CJK font",
            Outcome::Warn,
            "fontconfig's fc-list did not run: cannot tell",
        ),
        Some(list) => {
            let mut families: Vec<&str> = list
                .lines()
                .filter_map(|line| line.split(',').next())
                .map(str::trim)
                .filter(|family| !family.is_empty())
                .collect();
            families.sort_unstable();
            families.dedup();
            match families.first() {
                Some(first) => check(
                    "CJK font",
                    Outcome::Ok,
                    format!("{first} ({} families with Chinese glyphs)", families.len()),
                ),
                None => check(
                    "CJK font",
                    Outcome::Warn,
                    "none: Chinese shows as boxes (Debian/Ubuntu: apt install fonts-noto-cjk)",
                ),
            }
        }
    }
}

/// The desktop app's webview on Linux (duet-server does not need it).
fn webkitgtk() -> LocalCheck {
    if !cfg!(target_os = "linux") {
        return check("WebKitGTK", Outcome::Skipped, "not used on this system");
    }
    const PACKAGES: [(&str, &[&str]); 3] = [
        ("pkg-config", &["--modversion", "webkit2gtk-4.1"]),
        (
            "dpkg-query",
            &["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"],
        ),
        ("rpm", &["-q", "--qf", "%{VERSION}", "webkit2gtk4.1"]),
    ];
    for (program, args) in PACKAGES {
        if let Some(version) = output_of(program, args).filter(|v| !v.is_empty()) {
            return check(
                "WebKitGTK",
                Outcome::Ok,
                format!("4.1 API, version {version} ({program})"),
            );
        }
    }
    let loadable = output_of("ldconfig", &["-p"])
        .or_else(|| output_of("/sbin/ldconfig", &["-p"]))
        .is_some_and(|libs| libs.contains("libwebkit2gtk-4.1.so.0"));
    if loadable {
        check(
            "WebKitGTK",
            Outcome::Ok,
            "libwebkit2gtk-4.1.so.0 (its version is not recorded)",
        )
    } else {
        check(
            "WebKitGTK",
            Outcome::Fail,
            "libwebkit2gtk-4.1.so.0 not found: the desktop app cannot start \
             (Debian/Ubuntu: apt install libwebkit2gtk-4.1-0)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(persistent: bool, state: KeychainState) -> KeychainReport {
        KeychainReport {
            store: "Secret Service".into(),
            persistent,
            state,
        }
    }

    #[test]
    fn only_an_unlocked_keychain_is_read_and_only_a_persistent_one_is_ok() {
        let cases = [
            (
                report(true, KeychainState::Unlocked),
                Outcome::Ok,
                KeychainUse::Readable,
            ),
            (
                report(false, KeychainState::Unlocked),
                Outcome::Warn,
                KeychainUse::Readable,
            ),
            (
                report(true, KeychainState::Locked),
                Outcome::Warn,
                KeychainUse::Unreadable,
            ),
            (
                report(
                    false,
                    KeychainState::Unavailable("no Secret Service".into()),
                ),
                Outcome::Warn,
                KeychainUse::Unreadable,
            ),
        ];
        for (report, outcome, usable) in cases {
            let (check, read) = keychain_check(&report);
            assert_eq!((check.outcome, read), (outcome, usable), "{report:?}");
        }
        let (locked, _) = keychain_check(&report(true, KeychainState::Locked));
        assert!(locked.detail.contains("unlock it"), "{}", locked.detail);
    }
}
