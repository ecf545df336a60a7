//! `search_all` through Tauri's mock runtime (the real config and capabilities) against the fake
//! upstream: one merged page across the services the UI names, 晴天 once with QQ Music's listing
//! under `also_on`, a service not named (or not logged in) listed as such, and bad input typed.

mod mock_app;

use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins;
use mock_app::MockApp;
use serde_json::{json, Value};

fn ask(services: Value, page_size: u32) -> Value {
    json!({
        "services": services,
        "q": "晴天",
        "type": "track",
        "page": 1,
        "pageSize": page_size,
        // What the UI's `new Channel()` sends in its place.
        "onUpdate": "__CHANNEL__:7",
    })
}

fn status(page: &Value, provider: &str) -> String {
    page["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == provider)
        .unwrap_or_else(|| panic!("no {provider} part: {page}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn one_search_across_the_services_the_ui_names() {
    let h = MockApp::start();
    let page = h.ok("search_all", ask(json!(["netease", "qq"]), 10));
    assert_eq!(status(&page, "netease"), "not_logged_in");
    assert_eq!(status(&page, "qq"), "not_logged_in");
    assert_eq!(page["items"], json!([]));

    h.log_in_netease();
    let issued = h.fake.qq().issue_session(QqAccount::Qq);
    h.ok(
        "login_cookie",
        json!({
            "provider": "qq",
            "cookie": format!("uin=o0{}; qm_keyst={}", issued.musicid, issued.musickey),
        }),
    );

    let twin = twins::twin_titled("晴天").unwrap();
    let page = h.ok("search_all", ask(json!(["netease", "qq"]), 10));
    assert_eq!(status(&page, "netease"), "ok", "{page}");
    assert_eq!(status(&page, "qq"), "ok", "{page}");
    let first = &page["items"][0];
    assert_eq!(first["track"]["id"], twin.netease.track_id());
    assert_eq!(first["also_on"][0]["provider"], "qq");
    assert_eq!(first["also_on"][0]["id"], twin.qq.track_id());

    // A service the UI does not name (it saw its session expire) is not asked.
    let page = h.ok("search_all", ask(json!(["qq"]), 10));
    assert_eq!(status(&page, "netease"), "not_logged_in");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    assert!(items.iter().all(|m| m["track"]["provider"] == "qq"));

    let error = h.error("search_all", ask(json!(["netease", "qq"]), 0));
    assert_eq!(error["kind"], "bad_request", "{error}");
}
