//! `DUET_UPSTREAM` is a test switch, not a way to send accounts elsewhere: the app refuses to
//! start with one that is not on this machine, and says which variable it was. So is
//! `DUET_TEST_PACE`: without a test upstream the app refuses to start rather than ask the real
//! services faster than a person would.

use std::process::Command;
use std::time::Duration;

/// Starts the app with `env` (and nothing else of Duet's set) and waits for it to give up
/// before any window: its exit code and what it said.
fn refused_start(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_duet"));
    command
        .env_remove("DUET_UPSTREAM")
        .env_remove(duet_services::TEST_PACE_ENV)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    // It exits before opening a window; a window would mean it started.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("Duet started with {env:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code(), stderr)
}

#[test]
fn the_app_refuses_a_remote_upstream() {
    for remote in [
        "http://10.1.2.3:9000",
        "https://evil.example",
        "http://0.0.0.0:9000",
    ] {
        let (code, stderr) = refused_start(&[("DUET_UPSTREAM", remote)]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("DUET_UPSTREAM"), "{stderr}");
        assert!(stderr.contains("loopback"), "{stderr}");
    }
}

#[test]
fn the_app_refuses_the_test_pace_with_the_real_services() {
    let (code, stderr) = refused_start(&[(duet_services::TEST_PACE_ENV, "fast")]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("DUET_TEST_PACE=fast"), "{stderr}");
    assert!(stderr.contains("DUET_UPSTREAM"), "{stderr}");
    assert!(stderr.contains("a person's pace"), "{stderr}");
}
