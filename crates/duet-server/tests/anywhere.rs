//! `GET /v1/{provider}/tracks/{id}/url?anywhere=true` through duet-server against the fake: a
//! NetEase song that is grey there answers QQ Music's URL of the same recording once QQ Music is
//! logged in, searched once for the server's life; without the switch, or with QQ Music logged
//! out, the song's own error as before.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins;
use serde_json::json;

fn qq_searches(fake: &duet_fake_upstream::FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| {
            r.call
                .as_deref()
                .is_some_and(|c| c.contains("SearchCgiService"))
        })
        .count()
}

#[tokio::test]
async fn a_grey_netease_song_answers_qq_musics_url_when_asked() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    server.login(&fake).await;
    let daoxiang = twins::twin_titled("稻香").unwrap();
    let path = format!("/v1/netease/tracks/{}/url", daoxiang.netease.track_id());

    // QQ Music logged out: nothing to look on, the song's own error, no search.
    let (status, body) = server.get(&format!("{path}?anywhere=true")).await;
    assert_error(status, &body, 451, "unavailable");
    assert_eq!(body["error"]["provider"], "netease", "{body}");
    assert_eq!(qq_searches(&fake), 0);

    fake.qq().set_vip(QqAccount::Qq, false);
    let issued = fake.qq().issue_session(QqAccount::Qq);
    let cookie = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    let (status, body) = server
        .post("/v1/qq/login/cookie", Some(json!({ "cookie": cookie })))
        .await;
    assert_eq!(status, 200, "{body}");

    // Without the switch: as before, and nothing searched.
    let (status, body) = server.get(&path).await;
    assert_error(status, &body, 451, "unavailable");
    assert!(body.get("substitute").is_none());
    assert_eq!(qq_searches(&fake), 0);

    for _ in 0..2 {
        let (status, body) = server
            .get(&format!("{path}?anywhere=true&quality=standard"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["provider"], "qq", "{body}");
        assert_eq!(body["track_id"], daoxiang.qq.track_id());
        assert!(body["url"].as_str().unwrap().starts_with("http"), "{body}");
        assert!(body.get("trial").is_none(), "the whole song: {body}");
        assert_eq!(body["substitute"]["provider"], "qq");
        assert_eq!(body["substitute"]["id"], daoxiang.qq.track_id());
        assert_eq!(body["substitute"]["title"], "稻香");
    }
    assert_eq!(qq_searches(&fake), 1, "searched once, then remembered");

    // A song NetEase plays in full is its own URL, with no substitute and no search.
    let qingtian = twins::twin_titled("晴天").unwrap();
    let (status, body) = server
        .get(&format!(
            "/v1/netease/tracks/{}/url?anywhere=true",
            qingtian.netease.track_id()
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["provider"], "netease");
    assert!(body.get("substitute").is_none(), "{body}");
    assert_eq!(qq_searches(&fake), 1);

    let (status, body) = server.get(&format!("{path}?anywhere=maybe")).await;
    assert_error(status, &body, 400, "bad_request");
}
