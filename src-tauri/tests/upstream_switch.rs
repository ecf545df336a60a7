//! `DUET_UPSTREAM` is a test switch, not a way to send accounts elsewhere: the app refuses to
//! start with one that is not on this machine, and says which variable it was.

use std::process::Command;
use std::time::Duration;

#[test]
fn the_app_refuses_a_remote_upstream() {
    for remote in [
        "http://10.1.2.3:9000",
        "https://evil.example",
        "http://0.0.0.0:9000",
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_duet"))
            .env("DUET_UPSTREAM", remote)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // It exits before opening a window; a window would mean it started.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("Duet started with DUET_UPSTREAM={remote}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("DUET_UPSTREAM"), "{stderr}");
        assert!(stderr.contains("loopback"), "{stderr}");
    }
}
