//! The service's side of the ciphers (`service-side`: decrypt requests, encrypt answers) is for
//! the fake and the tests: the shipped binaries resolve `duet-netease` without it.

use std::process::Command;

/// `cargo tree` of how `packages` reach `duet-netease` and with which features, as a build of
/// just those packages (no dev-dependencies) would resolve it.
fn netease_features_seen_by(packages: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--locked",
        "--offline",
        "-e",
        "normal,features",
    ]);
    for package in packages {
        cmd.args(["-p", package]);
    }
    let out = cmd
        .args(["-i", "duet-netease"])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("cargo tree prints UTF-8")
}

#[test]
fn shipped_binaries_do_not_enable_the_service_side() {
    let tree = netease_features_seen_by(&["duet-app", "duet-server"]);
    assert!(
        tree.contains("duet-services"),
        "the app reaches duet-netease:\n{tree}"
    );
    assert!(!tree.contains("\"service-side\""), "{tree}");
}

#[test]
fn the_fake_enables_the_service_side() {
    // The same query sees the feature where it is on, so the test above can fail.
    let tree = netease_features_seen_by(&["duet-fake-upstream"]);
    assert!(
        tree.contains("duet-netease feature \"service-side\""),
        "{tree}"
    );
}
