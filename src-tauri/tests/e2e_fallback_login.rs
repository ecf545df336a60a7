//! The ways in for when the QR is refused, in the real app in a real window (tauri-driver,
//! WebKitWebDriver, Xvfb) against the fake, with a real Secret Service: a NetEase QR refused with
//! risk control (-462) offers them; each service logs in through its own web login page in the
//! app's second window (the fake's page, its button pressed), then, in a new start, each by a
//! pasted cookie. One test, in phases: it shares the keychain entries with `e2e.rs` (its own
//! test binary, so the two never run side by side).

#![cfg(target_os = "linux")]

mod common;

use std::time::{Duration, Instant};

use common::{
    attr, clean_start, click, eventually, forget_sessions, scratch_screenshot, stored, testid,
    try_xdotool, wait_for, x_window_named, x_windows_named, TauriDriver,
};
use duet_core::ProviderId;
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{Fault, FaultKind};
use fantoccini::Client;

/// Logs `provider` in through its web login window: opens it from the login screen's other ways
/// in, presses the page's first button, and waits for Duet to take the session, check it, keep
/// it and close the window.
async fn log_in_through_the_web_page(app: &Client, provider: &str, title: &str) {
    click(app, &testid(&format!("web-login-{provider}"))).await;
    let state = testid(&format!("web-login-state-{provider}"));
    eventually("the web login to wait", || async {
        attr(app, &state, "data-state").await.as_deref() == Some("waiting")
    })
    .await;
    // The window is private (an ephemeral web context), which WebKitWebDriver cannot drive: a
    // person's keys go to it through the X server instead (xdotool), as they would.
    let window = x_window_named(title).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // Focus the window, then Tab to the page's first button and press it.
        let _ = try_xdotool(&["windowfocus", "--sync", &window]);
        let _ = try_xdotool(&["key", "--clearmodifiers", "Tab", "Return"]);
        let moved = async {
            for _ in 0..15 {
                if attr(app, &state, "data-state").await.as_deref() != Some("waiting") {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            false
        };
        if moved.await {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the page's button was never pressed"
        );
    }
    wait_for(app, &testid("library-screen")).await;
    eventually("the login window to close", || async {
        x_windows_named(title).is_empty()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_through_the_services_web_pages_and_by_pasted_cookies() {
    let fake = clean_start().await;
    // The service refuses the QR login with risk control (-462) at its first poll.
    fake.fail(Fault::new(FaultKind::RiskControl).path("/login/qrcode/client/login"));
    let driver = TauriDriver::start(&fake.base_url());
    let app = driver.launch_app().await;
    wait_for(&app, &testid("login-screen")).await;

    // The refusal opens the other ways in, by itself.
    let refused = testid("other-ways-refused-netease");
    eventually("the refused QR to offer the other ways in", || async {
        attr(&app, &refused, "data-kind").await.as_deref() == Some("risk_control")
    })
    .await;
    assert_eq!(
        attr(&app, &testid("qr-state-netease"), "data-state")
            .await
            .as_deref(),
        Some("failed")
    );
    scratch_screenshot(&app, "qr-refused-other-ways").await;

    // NetEase: its web login, in a window of its own.
    log_in_through_the_web_page(&app, "netease", "Log in to NetEase Cloud Music").await;
    let kept = stored(ProviderId::Netease).expect("NetEase's session is in the keychain");
    assert!(kept.contains("MUSIC_U"));
    for other in ["MUSIC_A_T", "MUSIC_R_T"] {
        assert!(!kept.contains(other), "only the session's cookies: {other}");
    }
    scratch_screenshot(&app, "web-login-library").await;

    // QQ Music: its web login too, from the add-account button (the link, not a refusal).
    click(&app, &testid("sidebar-add-account")).await;
    wait_for(&app, &testid("login-screen")).await;
    click(&app, &testid("other-ways-link-qq")).await;
    log_in_through_the_web_page(&app, "qq", "Log in to QQ Music").await;
    let kept = stored(ProviderId::Qq).expect("QQ Music's session is in the keychain");
    let kept: serde_json::Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(
        kept["musicid"].as_u64(),
        Some(QqAccount::Qq.musicid()),
        "the page's QQ login (its first button) is the one kept"
    );
    assert!(
        kept["musickey"]
            .as_str()
            .is_some_and(|k| k.starts_with(QqAccount::Qq.key_prefix())),
        "with the key the page set"
    );
    assert!(
        stored(ProviderId::Netease).is_some(),
        "NetEase stays signed in"
    );
    app.close().await.unwrap();

    // A new start with nothing stored: both by a pasted cookie.
    forget_sessions();
    let app = driver.launch_app().await;
    wait_for(&app, &testid("login-screen")).await;

    // NetEase: a cookie the service does not know is explained, the one it issued logs in.
    click(&app, &testid("other-ways-link-netease")).await;
    let input = wait_for(&app, &testid("cookie-input-netease")).await;
    input
        .send_keys(&format!("MUSIC_U={}", "0".repeat(128)))
        .await
        .unwrap();
    click(&app, &testid("cookie-submit-netease")).await;
    eventually("an unknown session explained", || async {
        attr(&app, &testid("cookie-error-netease"), "data-kind")
            .await
            .as_deref()
            == Some("session_expired")
    })
    .await;
    assert!(
        stored(ProviderId::Netease).is_none(),
        "nothing kept for a refused cookie"
    );
    let issued = fake.netease().issue_session();
    let input = wait_for(&app, &testid("cookie-input-netease")).await;
    input.clear().await.unwrap();
    input
        .send_keys(&format!(
            "MUSIC_U={}; __csrf={}",
            issued.music_u, issued.csrf
        ))
        .await
        .unwrap();
    click(&app, &testid("cookie-submit-netease")).await;
    wait_for(&app, &testid("library-screen")).await;
    let kept = stored(ProviderId::Netease).expect("NetEase's session is in the keychain");
    assert!(kept.contains(&issued.music_u));

    // QQ Music: a pasted cookie, from the add-account button.
    click(&app, &testid("sidebar-add-account")).await;
    wait_for(&app, &testid("login-screen")).await;
    click(&app, &testid("other-ways-link-qq")).await;
    let input = wait_for(&app, &testid("cookie-input-qq")).await;
    input.send_keys("uin=123456789").await.unwrap();
    click(&app, &testid("cookie-submit-qq")).await;
    eventually("a half cookie explained", || async {
        attr(&app, &testid("cookie-error-qq"), "data-kind")
            .await
            .as_deref()
            == Some("bad_request")
    })
    .await;
    let issued = fake.qq().issue_session(QqAccount::Qq);
    let input = wait_for(&app, &testid("cookie-input-qq")).await;
    input
        .send_keys(&format!(
            "Cookie: uin=o0{}; qm_keyst={}",
            issued.musicid, issued.musickey
        ))
        .await
        .unwrap();
    scratch_screenshot(&app, "cookie-paste").await;
    click(&app, &testid("cookie-submit-qq")).await;
    wait_for(&app, &testid("library-screen")).await;
    let kept = stored(ProviderId::Qq).expect("QQ Music's session is in the keychain");
    assert!(kept.contains(&issued.musickey));
    assert!(
        stored(ProviderId::Netease).is_some(),
        "NetEase stays signed in"
    );

    app.close().await.unwrap();
    forget_sessions();
}
