//! The seed-compatible QQ Music API (`/api/...`): every route under each of the seed's three
//! ways to pass credentials, the fall back to the server's own session, bad and expired keys,
//! the declined routes, `/api/stats`, the QR login with its cookie hand-out, hostile input, and
//! no key in the log.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one); on macOS
// and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::*;
use duet_core::{CredentialStore, ProviderId};
use duet_fake_upstream::qq::{
    QqAccount, QqLoginMethod, GENERATED_PLAYLIST_BASE, HOSTILE_PLAYLIST_ID,
};
use duet_fake_upstream::FakeUpstream;
use serde_json::{json, Value};

const SONG_MID: &str = "0039MnYb0qxYhV";
const SONG_ID: u64 = 97_773;

/// How a request carries its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `Uin` + `Qm-keyst`.
    Headers,
    /// `uin` + `qm_keyst` + `qqmusic_key`.
    Cookies,
    /// `musicid` + `musickey` in the JSON body.
    Body,
    /// Nothing.
    Bare,
}

const STYLES: [Style; 3] = [Style::Headers, Style::Cookies, Style::Body];

#[derive(Clone)]
struct Key {
    musicid: String,
    musickey: String,
}

impl Key {
    fn issued(fake: &FakeUpstream, account: QqAccount) -> Key {
        let s = fake.qq().issue_session(account);
        Key {
            musicid: s.musicid.to_string(),
            musickey: s.musickey,
        }
    }
}

/// The server under test and the calls made to it, per route, for `/api/stats`.
struct Api {
    server: Server,
    calls: BTreeMap<String, u64>,
}

impl Api {
    async fn start(fake: &FakeUpstream) -> Api {
        Api {
            server: Server::start(fake, &keychain_service()).await,
            calls: BTreeMap::new(),
        }
    }

    /// `path_and_query` goes out as it is; `style` decides where `key` goes.
    async fn call(
        &mut self,
        method: &str,
        path_and_query: &str,
        style: Style,
        key: Option<&Key>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let route = path_and_query.split('?').next().unwrap().to_owned();
        *self.calls.entry(format!("{method} {route}")).or_default() += 1;
        let url = self.server.url(path_and_query);
        let mut request = match method {
            "GET" => self.server.http.get(url),
            "POST" => self.server.http.post(url),
            other => panic!("{other}"),
        };
        let mut body = body;
        if let Some(key) = key {
            match style {
                Style::Headers => {
                    request = request
                        .header("Uin", &key.musicid)
                        .header("Qm-keyst", &key.musickey);
                }
                Style::Cookies => {
                    request = request.header(
                        "Cookie",
                        format!(
                            "uin={}; qm_keyst={}; qqmusic_key={}",
                            key.musicid, key.musickey, key.musickey
                        ),
                    );
                }
                Style::Body => {
                    let mut b = body.take().unwrap_or_else(|| json!({}));
                    b["musicid"] = json!(key.musicid);
                    b["musickey"] = json!(key.musickey);
                    body = Some(b);
                }
                Style::Bare => {}
            }
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
        assert!(
            status < 500 || status == 502 || status == 504,
            "{status} {value}"
        );
        (status, value)
    }

    async fn get(&mut self, path: &str, style: Style, key: Option<&Key>) -> (u16, Value) {
        self.call("GET", path, style, key, None).await
    }

    async fn post(
        &mut self,
        path: &str,
        style: Style,
        key: Option<&Key>,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.call("POST", path, style, key, body).await
    }

    /// `/api/stats` must agree with the calls made, every route listed.
    async fn check_stats(&mut self) {
        let (status, stats) = self.get("/api/stats", Style::Bare, None).await;
        assert_eq!(status, 200, "{stats}");
        let listed = stats["calls"].as_object().unwrap();
        assert_eq!(
            listed.len(),
            19,
            "every route of the seed is listed: {stats}"
        );
        for (route, n) in listed {
            assert_eq!(
                n.as_u64().unwrap(),
                self.calls.get(route).copied().unwrap_or(0),
                "{route} in {stats}"
            );
        }
        for route in self.calls.keys() {
            assert!(listed.contains_key(route), "{route} missing from {stats}");
        }
        assert_eq!(
            stats["total"].as_u64().unwrap(),
            self.calls.values().sum::<u64>()
        );
    }
}

fn assert_declined(status: u16, body: &Value, words: &str) {
    assert_error(status, body, 403, "declined");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(words), "{message}");
    assert_eq!(body["error"]["provider"], "qq");
}

fn tracks(playlist: &Value) -> &Vec<Value> {
    playlist["tracks"].as_array().unwrap()
}

/// Every credentialed route under one credential style, as `account`; `first_sign_in` says
/// whether today's sign-in of that account is still to do.
async fn every_route(
    api: &mut Api,
    style: Style,
    key: &Key,
    account: QqAccount,
    first_sign_in: bool,
) {
    let k = Some(key);
    let is_get_style = style != Style::Body;

    // GET routes: headers and cookies work; a body is no credential on GET.
    let gets: Vec<String> = vec![
        "/api/search?query=%E6%99%B4%E5%A4%A9&page=1&page_size=15".into(),
        format!("/api/playlist?id={}&num=5", GENERATED_PLAYLIST_BASE + 100),
        "/api/user".into(),
        format!("/api/musicurl?songmid={SONG_MID}&fileType=128"),
        format!("/api/lyric?mid={SONG_MID}"),
        format!("/api/convert?id={SONG_ID}"),
        "/api/listenreport".into(),
        "/api/accelerate/userinfo".into(),
    ];
    if !is_get_style {
        for path in &gets {
            let (status, body) = api.call("GET", path, Style::Body, k, Some(json!({}))).await;
            assert_error(status, &body, 401, "not_logged_in");
            assert!(body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Qm-keyst"));
        }
    } else {
        let (status, page) = api.get(&gets[0], style, k).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(
            (page["provider"].as_str(), page["type"].as_str()),
            (Some("qq"), Some("track"))
        );
        assert_eq!(page["page_size"], 15);
        let found = page["items"].as_array().unwrap();
        assert_eq!(found.len(), 15, "{page}");
        assert!(found
            .iter()
            .all(|t| t["provider"] == "qq" && t["id"].as_str().unwrap().len() == 14));

        let (status, playlist) = api.get(&gets[1], style, k).await;
        assert_eq!(status, 200, "{playlist}");
        assert_eq!(playlist["track_count"], 100);
        assert_eq!(tracks(&playlist).len(), 5, "num=5");

        let (status, user) = api.get(&gets[2], style, k).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!(user["profile"]["nickname"], account.nick());
        assert_eq!(user["profile"]["user_id"], account.musicid().to_string());
        assert_eq!(user["profile"]["vip"], account == QqAccount::Qq);
        assert_eq!(user["encrypt_uin"], account.encrypt_uin());

        let (status, url) = api.get(&gets[3], style, k).await;
        assert_eq!(status, 200, "{url}");
        assert_eq!(
            (url["track_id"].as_str(), url["quality"].as_str()),
            (Some(SONG_MID), Some("standard"))
        );
        assert_eq!(url["format"], "mp3");
        let audio = reqwest::get(url["url"].as_str().unwrap()).await.unwrap();
        assert_eq!(audio.status(), 200, "the fake CDN serves the URL");

        let (status, lyrics) = api.get(&gets[4], style, k).await;
        assert_eq!(status, 200, "{lyrics}");
        assert_eq!(lyrics["track_id"], SONG_MID);
        assert!(!lyrics["lines"].as_array().unwrap().is_empty());

        let (status, ids) = api.get(&gets[5], style, k).await;
        assert_eq!(status, 200, "{ids}");
        assert_eq!(
            (ids["id"].as_u64(), ids["mid"].as_str()),
            (Some(SONG_ID), Some(SONG_MID))
        );

        let (status, report) = api.get(&gets[6], style, k).await;
        match account {
            QqAccount::Qq => {
                assert_eq!(status, 200, "{report}");
                assert_eq!(report["user_id"], account.musicid().to_string());
                assert_eq!(report["report"]["ListenMinutes"], 12_873);
            }
            QqAccount::Wechat => {
                assert_error(status, &report, 404, "not_found");
                assert!(report["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("no listening report"));
            }
        }

        let (status, info) = api.get(&gets[7], style, k).await;
        assert_eq!(status, 200, "{info}");
        assert_eq!(info["nickname"], account.nick());
        assert_eq!(info["vip"], account == QqAccount::Qq);
        assert!(info["avatar_url"].as_str().unwrap().starts_with("http"));
        assert!(info.get("level").is_some(), "{info}");
        // Row 6k of docs/protocol/fidelity-2026-12.md: the music level, not the VIP level.
        let (music_level, vip_level) = if account == QqAccount::Qq {
            (8, 7)
        } else {
            (2, 0)
        };
        assert_eq!(info["level"], music_level, "{info}");
        assert_eq!(info["vip_identity"]["level"], vip_level, "{info}");
    }

    // POST routes: all three styles.
    let (status, signed) = api
        .post("/api/sign", style, k, Some(json!({"type": "continue"})))
        .await;
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed["provider"], "qq");
    assert_eq!(signed["already_done"], !first_sign_in, "{signed}");

    let content = format!("{style:?} 来评论 <b>{account:?}</b>");
    let (status, comment) = api
        .post(
            "/api/addcomment",
            style,
            k,
            Some(json!({"content": content, "bizid": SONG_ID.to_string(), "biztype": 1, "repliedcmid": null})),
        )
        .await;
    assert_eq!(status, 201, "{comment}");
    assert_eq!(comment["content"], content);
    assert_eq!(comment["user"]["name"], account.nick());
    let first = comment["id"].as_str().unwrap().to_owned();
    assert!(!first.is_empty());
    // A reply, the song named by its mid and the type as a string.
    let (status, reply) = api
        .post(
            "/api/addcomment",
            style,
            k,
            Some(
                json!({"content": "同意", "bizid": SONG_MID, "biztype": "1", "repliedcmid": first}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    assert_ne!(reply["id"], comment["id"]);

    // A bare key has no refresh tokens.
    let (status, body) = api.post("/api/accelerate/refreshkey", style, k, None).await;
    assert_error(status, &body, 400, "bad_request");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("refresh_key"));

    // Declined whoever asks.
    let (status, body) = api
        .post(
            "/api/accelerate/song",
            style,
            k,
            Some(json!({"songInfo": {"songId": "97773"}})),
        )
        .await;
    assert_declined(status, &body, "listening time");
    let (status, body) = api.post("/api/coin/task", style, k, None).await;
    assert_declined(status, &body, "banned");
    let (status, body) = api
        .post(
            "/api/login/qrcode",
            style,
            k,
            Some(json!({"base64": "data:image/png;base64,AAAA"})),
        )
        .await;
    assert_declined(status, &body, "do not show how");
    if is_get_style {
        let (status, body) = api
            .get("/api/accelerate/songlist?dirid=202&num=300", style, k)
            .await;
        assert_declined(status, &body, "listening time");
        let (status, body) = api.get("/api/coin/task/check?taskId=1", style, k).await;
        assert_declined(status, &body, "banned");
    }
}

#[tokio::test]
async fn every_route_under_headers_cookies_and_body_and_stats_count_them() {
    let fake = fake().await;
    let mut api = Api::start(&fake).await;
    let qq = Key::issued(&fake, QqAccount::Qq);
    let wechat = Key::issued(&fake, QqAccount::Wechat);

    // The server holds no session: only the request's credential can make these work.
    let (status, body) = api.get("/api/user", Style::Bare, None).await;
    assert_error(status, &body, 401, "not_logged_in");
    let (status, body) = api.post("/api/sign", Style::Bare, None, None).await;
    assert_error(status, &body, 401, "not_logged_in");

    every_route(&mut api, Style::Headers, &qq, QqAccount::Qq, true).await;
    every_route(&mut api, Style::Cookies, &wechat, QqAccount::Wechat, true).await;
    every_route(&mut api, Style::Body, &qq, QqAccount::Qq, false).await;
    every_route(&mut api, Style::Cookies, &qq, QqAccount::Qq, false).await;
    every_route(&mut api, Style::Headers, &wechat, QqAccount::Wechat, false).await;

    // Headers win over cookies, cookies over the body; qqmusic_key alone works as the key.
    let url = api.server.url("/api/user");
    let response = api
        .server
        .http
        .get(&url)
        .header("Uin", &wechat.musicid)
        .header("Qm-keyst", &wechat.musickey)
        .header(
            "Cookie",
            format!("uin={}; qm_keyst={}", qq.musicid, qq.musickey),
        )
        .send()
        .await
        .unwrap();
    *api.calls.entry("GET /api/user".into()).or_default() += 1;
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["profile"]["nickname"], QqAccount::Wechat.nick());
    let response = api
        .server
        .http
        .post(api.server.url("/api/sign"))
        .header(
            "Cookie",
            format!("uin=o0{}; qqmusic_key={}", qq.musicid, qq.musickey),
        )
        .json(&json!({"musicid": wechat.musicid, "musickey": wechat.musickey}))
        .send()
        .await
        .unwrap();
    *api.calls.entry("POST /api/sign".into()).or_default() += 1;
    assert_eq!(response.status(), 200);
    let signed: Value = response.json().await.unwrap();
    assert_eq!(
        signed["already_done"], true,
        "the QQ account (from the cookie) signed in already"
    );

    // num: absent or 0 = 30.
    for path in [
        format!("/api/playlist?id={}", GENERATED_PLAYLIST_BASE + 100),
        format!("/api/playlist?id={}&num=0", GENERATED_PLAYLIST_BASE + 100),
    ] {
        let (status, playlist) = api.get(&path, Style::Headers, Some(&qq)).await;
        assert_eq!(status, 200, "{playlist}");
        assert_eq!(tracks(&playlist).len(), 30, "{path}");
    }
    // The liked songs ("我喜欢") of the credential's account.
    let (status, liked) = api
        .get("/api/playlist?id=liked&num=3", Style::Cookies, Some(&qq))
        .await;
    assert_eq!(status, 200, "{liked}");
    assert_eq!(liked["name"], "我喜欢");
    assert!(liked["track_count"].as_u64().unwrap() > 3, "{liked}");
    assert_eq!(tracks(&liked).len(), 3);
    // A numeric id for the lyric; the other way for convert; 320 and flac.
    let (status, lyrics) = api
        .get(
            &format!("/api/lyric?mid={SONG_ID}"),
            Style::Headers,
            Some(&qq),
        )
        .await;
    assert_eq!(
        (status, lyrics["track_id"].as_str()),
        (200, Some(SONG_MID)),
        "{lyrics}"
    );
    let (status, ids) = api
        .get(
            &format!("/api/convert?id={SONG_MID}"),
            Style::Cookies,
            Some(&qq),
        )
        .await;
    assert_eq!((status, ids["id"].as_u64()), (200, Some(SONG_ID)), "{ids}");
    let (status, url) = api
        .get(
            &format!("/api/musicurl?songmid={SONG_MID}&fileType=320"),
            Style::Headers,
            Some(&qq),
        )
        .await;
    assert_eq!(
        (status, url["quality"].as_str()),
        (200, Some("high")),
        "{url}"
    );
    let (status, url) = api
        .get(
            &format!("/api/musicurl?songmid={SONG_MID}&fileType=flac"),
            Style::Headers,
            Some(&qq),
        )
        .await;
    assert_eq!(
        (status, url["quality"].as_str(), url["format"].as_str()),
        (200, Some("lossless"), Some("flac")),
        "{url}"
    );
    let (status, body) = api
        .get(
            &format!("/api/musicurl?songmid={SONG_MID}&fileType=ape"),
            Style::Headers,
            Some(&qq),
        )
        .await;
    assert_error(status, &body, 400, "bad_request");

    // Unknown /api routes are typed 404s and not counted.
    let (status, body) = api.server.get("/api/no/such/route").await;
    assert_error(status, &body, 404, "not_found");
    assert_eq!(body["error"]["provider"], "qq");

    api.check_stats().await;
    // Stats count themselves.
    api.check_stats().await;
    api.server.stop().await;
}

async fn wait_for_check(api: &Api, key: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = api.server.get(&format!("/api/login/check?key={key}")).await;
        assert_eq!(status, 200, "{body}");
        if body["state"] == state {
            return body;
        }
        assert!(Instant::now() < deadline, "still {}: {body}", body["state"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `GET /api/login/qrcode`, the phone scans and confirms, `/api/login/check` hands out the
/// cookies; returns them.
async fn qr_login(api: &Api, fake: &FakeUpstream) -> Value {
    let (status, qr) = api.server.get("/api/login/qrcode").await;
    assert_eq!(status, 200, "{qr}");
    assert_eq!(
        (qr["provider"].as_str(), qr["method"].as_str()),
        (Some("qq"), Some("qq"))
    );
    assert!(qr["qrcode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    assert_eq!(qr["qrcode"], qr["qr_png"]);
    assert!(qr["expires_in_s"].as_u64().unwrap() >= 60);
    let key = qr["key"].as_str().unwrap().to_owned();
    let id = fake
        .qq()
        .pending_qr()
        .into_iter()
        .rev()
        .find(|q| q.method == QqLoginMethod::Qq)
        .expect("the fake issued a code")
        .id;
    let waiting = wait_for_check(api, &key, "waiting").await;
    assert!(waiting.get("musickey").is_none() && waiting.get("cookie").is_none());
    assert!(fake.qq().scan(&id));
    let scanned = wait_for_check(api, &key, "scanned").await;
    assert!(scanned.get("cookie").is_none());
    assert!(fake.qq().confirm(&id));
    wait_for_check(api, &key, "confirmed").await
}

/// `type=qqmusic`: the QQ Music app's own QR (docs/protocol/qqmusic.md §4.3) through the seed's
/// routes, its cookies handed out like any other login's.
#[tokio::test]
async fn the_seed_logs_in_by_the_qq_music_app() {
    let fake = fake().await;
    let service = keychain_service();
    let api = Api {
        server: Server::start(&fake, &service).await,
        calls: BTreeMap::new(),
    };
    let (status, body) = api.server.get("/api/login/qrcode?type=fax").await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("qqmusic"));
    let (status, qr) = api.server.get("/api/login/qrcode?type=qqmusic").await;
    assert_eq!(status, 200, "{qr}");
    assert_eq!(qr["method"], "qqmusic");
    assert!(qr["qrcode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let key = qr["key"].as_str().unwrap().to_owned();
    let id = fake
        .qq()
        .pending_qr()
        .into_iter()
        .rev()
        .find(|q| q.method == QqLoginMethod::QqMusic)
        .expect("the fake issued an app code")
        .id;
    wait_for_check(&api, &key, "waiting").await;
    assert!(fake.qq().confirm(&id));
    let confirmed = wait_for_check(&api, &key, "confirmed").await;
    assert_eq!(confirmed["uin"], QqAccount::Qq.musicid().to_string());
    assert!(confirmed["musickey"]
        .as_str()
        .unwrap()
        .starts_with("Q_H_L_"));
    api.server.stop().await;
}

#[tokio::test]
async fn qr_login_hands_out_the_cookies_and_the_held_session_serves_bare_calls() {
    let fake = fake().await;
    let service = keychain_service();
    let mut api = Api {
        server: Server::start(&fake, &service).await,
        calls: BTreeMap::new(),
    };
    let confirmed = qr_login(&api, &fake).await;
    assert_eq!(confirmed["profile"]["nickname"], QqAccount::Qq.nick());
    let uin = confirmed["uin"].as_str().unwrap().to_owned();
    let musickey = confirmed["musickey"].as_str().unwrap().to_owned();
    assert_eq!(uin, QqAccount::Qq.musicid().to_string());
    assert!(musickey.starts_with("Q_H_L_"), "{confirmed}");
    assert_eq!(
        confirmed["cookie"],
        format!("uin={uin}; qqmusic_key={musickey}; qm_keyst={musickey}")
    );
    let stored = keychain(&service).load(ProviderId::Qq).unwrap().unwrap();
    assert!(
        stored.expose().contains(&musickey),
        "the same key the keychain holds"
    );

    // The handed-out key works as a credential.
    let handed = Key {
        musicid: uin.clone(),
        musickey: musickey.clone(),
    };
    let (status, user) = api.get("/api/user", Style::Headers, Some(&handed)).await;
    assert_eq!(
        (status, user["profile"]["nickname"].as_str()),
        (200, Some(QqAccount::Qq.nick()))
    );

    // Without credentials every route runs under the server's own session.
    let (status, page) = api.get("/api/search?query=duet", Style::Bare, None).await;
    assert_eq!(
        (status, page["items"].as_array().map(Vec::len)),
        (200, Some(15)),
        "{page}"
    );
    let (status, playlist) = api
        .get(
            &format!("/api/playlist?id={}&num=7", GENERATED_PLAYLIST_BASE + 100),
            Style::Bare,
            None,
        )
        .await;
    assert_eq!((status, tracks(&playlist).len()), (200, 7));
    let (status, user) = api.get("/api/user", Style::Bare, None).await;
    assert_eq!(
        (status, user["profile"]["nickname"].as_str()),
        (200, Some(QqAccount::Qq.nick()))
    );
    let (status, url) = api
        .get(
            &format!("/api/musicurl?songmid={SONG_MID}"),
            Style::Bare,
            None,
        )
        .await;
    assert_eq!(status, 200, "{url}");
    let (status, lyrics) = api
        .get(&format!("/api/lyric?mid={SONG_ID}"), Style::Bare, None)
        .await;
    assert_eq!(status, 200, "{lyrics}");
    let (status, ids) = api
        .get(&format!("/api/convert?id={SONG_ID}"), Style::Bare, None)
        .await;
    assert_eq!((status, ids["mid"].as_str()), (200, Some(SONG_MID)));
    let (status, report) = api.get("/api/listenreport", Style::Bare, None).await;
    assert_eq!(
        (status, report["report"]["ListenSongs"].as_u64()),
        (200, Some(1460)),
        "{report}"
    );
    let (status, info) = api.get("/api/accelerate/userinfo", Style::Bare, None).await;
    assert_eq!((status, info["vip"].as_bool()), (200, Some(true)));
    let (status, signed) = api.post("/api/sign", Style::Bare, None, None).await;
    assert_eq!(
        (status, signed["already_done"].as_bool()),
        (200, Some(false)),
        "{signed}"
    );
    let (status, comment) = api
        .post(
            "/api/addcomment",
            Style::Bare,
            None,
            Some(json!({"content": "held", "bizid": SONG_ID})),
        )
        .await;
    assert_eq!(
        (status, comment["user"]["name"].as_str()),
        (201, Some(QqAccount::Qq.nick())),
        "{comment}"
    );

    // A request's own credential wins over the held session.
    let wechat = Key::issued(&fake, QqAccount::Wechat);
    let (status, user) = api.get("/api/user", Style::Cookies, Some(&wechat)).await;
    assert_eq!(
        (status, user["profile"]["nickname"].as_str()),
        (200, Some(QqAccount::Wechat.nick()))
    );

    // The held session renews itself when its key runs out (it has the refresh tokens).
    assert_eq!(fake.qq().expire_session(QqAccount::Qq.musicid()), 1);
    let (status, user) = api.get("/api/user", Style::Bare, None).await;
    assert_eq!(status, 200, "{user}");
    let renewed = keychain(&service).load(ProviderId::Qq).unwrap().unwrap();
    assert!(
        !renewed.expose().contains(&musickey),
        "a new key was stored"
    );
    // The key handed out before died with the renewal.
    let (status, body) = api.get("/api/user", Style::Headers, Some(&handed)).await;
    assert_error(status, &body, 401, "session_expired");

    // refreshkey: without a credential, the held session is renewed and no key is shown.
    let (status, refreshed) = api
        .post("/api/accelerate/refreshkey", Style::Bare, None, None)
        .await;
    assert_eq!(status, 200, "{refreshed}");
    assert_eq!(refreshed["refreshed"], true);
    assert_eq!(refreshed["uin"], uin);
    assert!(refreshed.get("musickey").is_none(), "{refreshed}");
    assert!(refreshed["key_expires_at"].as_u64().unwrap() > 1_700_000_000);
    // login/check handed the key out once: later checks say so and show none, renewed or not.
    let (status, check) = api
        .server
        .get(&format!(
            "/api/login/check?key={}",
            confirmed["key"].as_str().unwrap()
        ))
        .await;
    assert_eq!((status, check["state"].as_str()), (200, Some("confirmed")));
    assert_no_key(&check);
    // With the held session's key as the credential (any style), the new key comes back.
    let stored: Value = serde_json::from_str(
        keychain(&service)
            .load(ProviderId::Qq)
            .unwrap()
            .unwrap()
            .expose(),
    )
    .unwrap();
    let mut current = Key {
        musicid: uin.clone(),
        musickey: stored["musickey"].as_str().unwrap().to_owned(),
    };
    assert_ne!(current.musickey, musickey, "the renewed key");
    for style in STYLES {
        let (status, refreshed) = api
            .post("/api/accelerate/refreshkey", style, Some(&current), None)
            .await;
        assert_eq!(status, 200, "{style:?} {refreshed}");
        let fresh = refreshed["musickey"].as_str().unwrap().to_owned();
        assert_ne!(fresh, current.musickey);
        assert_eq!(
            refreshed["cookie"],
            format!("uin={uin}; qqmusic_key={fresh}; qm_keyst={fresh}")
        );
        let (status, body) = api.get("/api/user", Style::Headers, Some(&current)).await;
        assert_error(status, &body, 401, "session_expired");
        current.musickey = fresh;
        let (status, _) = api.get("/api/user", Style::Headers, Some(&current)).await;
        assert_eq!(status, 200);
    }

    // Revoked: the held session can no longer be renewed.
    fake.qq().revoke_sessions();
    let (status, body) = api.get("/api/user", Style::Bare, None).await;
    assert_error(status, &body, 401, "session_expired");
    let (status, body) = api
        .post("/api/accelerate/refreshkey", Style::Bare, None, None)
        .await;
    assert_error(status, &body, 401, "session_expired");

    // WeChat QR too.
    let (status, qr) = api.server.get("/api/login/qrcode?type=wechat").await;
    assert_eq!(
        (status, qr["method"].as_str()),
        (200, Some("wechat")),
        "{qr}"
    );
    assert!(qr["qrcode"].as_str().unwrap().starts_with("data:image/"));
    let (status, body) = api.server.get("/api/login/qrcode?type=alipay").await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = api.server.get("/api/login/check?key=no-such-key").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = api.server.get("/api/login/check").await;
    assert_error(status, &body, 400, "bad_request");

    let (code, _) = api.server.post("/v1/qq/logout", None).await;
    assert_eq!(code, 204);
    let (status, body) = api.get("/api/user", Style::Bare, None).await;
    assert_error(status, &body, 401, "not_logged_in");
    api.server.stop().await;
}

/// A `confirmed` check that shows no key material and says why.
fn assert_no_key(check: &Value) {
    for field in ["uin", "musickey", "cookie"] {
        assert!(check.get(field).is_none(), "{field} shown again: {check}");
    }
    assert!(
        check["message"]
            .as_str()
            .is_some_and(|m| m.contains("handed out once")),
        "{check}"
    );
}

/// `/api/login/check` hands the key to the first check after the confirmation only, and
/// forgets the login after the window (shortened here with the test knob).
#[tokio::test]
async fn login_check_hands_the_key_out_once_then_forgets_the_login() {
    let fake = fake().await;
    // Long enough for the checks below on a loaded machine.
    let window = Duration::from_secs(8);
    let api = Api {
        server: Server::start_with(
            &fake,
            &keychain_service(),
            Options {
                extra_args: vec![
                    "--login-key-window-secs".into(),
                    window.as_secs().to_string(),
                ],
                ..Options::default()
            },
        )
        .await,
        calls: BTreeMap::new(),
    };
    let (status, qr) = api.server.get("/api/login/qrcode").await;
    assert_eq!(status, 200, "{qr}");
    let key = qr["key"].as_str().unwrap().to_owned();
    let check_path = format!("/api/login/check?key={key}");
    let id = fake.qq().pending_qr().last().expect("a code").id.clone();
    assert!(fake.qq().scan(&id) && fake.qq().confirm(&id));
    // Eight clients poll at once until they see `confirmed`: the key goes to exactly one.
    let checks = concurrent_checks(&api.server, &check_path, 8).await;
    let seen = Instant::now();
    let (given, others): (Vec<_>, Vec<_>) =
        checks.iter().partition(|c| c.get("musickey").is_some());
    assert_eq!(given.len(), 1, "the key went out {} times", given.len());
    assert!(given[0]["musickey"].as_str().unwrap().starts_with("Q_H_L_"));
    assert!(given[0]["cookie"].as_str().is_some());
    for check in others {
        assert_no_key(check);
    }
    let (status, check) = api.server.get(&check_path).await;
    assert_eq!((status, check["state"].as_str()), (200, Some("confirmed")));
    assert_no_key(&check);
    // The session itself goes on serving bare calls.
    let (status, user) = api.server.get("/api/user").await;
    assert_eq!(status, 200, "{user}");

    tokio::time::sleep(window.saturating_sub(seen.elapsed()) + Duration::from_millis(300)).await;
    let (status, body) = api.server.get(&check_path).await;
    assert_error(status, &body, 404, "not_found");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("8 s"),
        "{body}"
    );
    assert_eq!(body["error"]["provider"], "qq");
    // The /v1 state of the login, which never carries a key, is still there.
    let (status, state) = api.server.get(&format!("/v1/qq/login/qr/{key}")).await;
    assert_eq!((status, state["state"].as_str()), (200, Some("confirmed")));
    api.server.stop().await;
}

/// `n` clients polling `path` at the same time until each sees `confirmed`; their last answers.
async fn concurrent_checks(server: &Server, path: &str, n: usize) -> Vec<Value> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (http, url) = (server.http.clone(), server.url(path));
        tasks.spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let response = http.get(&url).send().await.unwrap();
                assert_eq!(response.status(), 200);
                let check: Value = response.json().await.unwrap();
                if check["state"] == "confirmed" {
                    return check;
                }
                assert!(Instant::now() < deadline, "{check}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn bad_and_expired_credentials_are_typed() {
    let fake = fake().await;
    let mut api = Api::start(&fake).await;
    let bad = Key {
        musicid: "not-a-number".into(),
        musickey: "Q_H_L_whatever".into(),
    };
    let spaced = Key {
        musicid: "123456789".into(),
        musickey: "has a space".into(),
    };
    for style in STYLES {
        for key in [&bad, &spaced] {
            let (status, body) = api.post("/api/sign", style, Some(key), None).await;
            assert_error(status, &body, 400, "bad_request");
            assert_eq!(body["error"]["provider"], "qq");
            if style != Style::Body {
                let (status, body) = api.get("/api/user", style, Some(key)).await;
                assert_error(status, &body, 400, "bad_request");
            }
        }
    }
    // Half a credential is not silently replaced by another.
    for headers in [
        vec![("Uin", "123456789")],
        vec![("Qm-keyst", "Q_H_L_x")],
        vec![("Cookie", "uin=123456789")],
        vec![("Cookie", "qm_keyst=Q_H_L_x")],
    ] {
        let mut request = api.server.http.get(api.server.url("/api/user"));
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        *api.calls.entry("GET /api/user".into()).or_default() += 1;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_error(status, &body, 400, "bad_request");
    }
    let (status, body) = api
        .post(
            "/api/sign",
            Style::Bare,
            None,
            Some(json!({"musicid": "123456789"})),
        )
        .await;
    assert_error(status, &body, 400, "bad_request");

    // A key the service issued, then let expire, then revoked: session_expired either way.
    let key = Key::issued(&fake, QqAccount::Qq);
    let (status, _) = api.get("/api/user", Style::Headers, Some(&key)).await;
    assert_eq!(status, 200);
    assert_eq!(fake.qq().expire_session(QqAccount::Qq.musicid()), 1);
    for style in STYLES {
        let (status, body) = api.post("/api/sign", style, Some(&key), None).await;
        assert_error(status, &body, 401, "session_expired");
        assert_eq!(body["error"]["upstream_code"], 1000);
        let (status, body) = api
            .post(
                "/api/addcomment",
                style,
                Some(&key),
                Some(json!({"content": "x", "bizid": SONG_ID})),
            )
            .await;
        assert_error(status, &body, 401, "session_expired");
        if style != Style::Body {
            for path in ["/api/user", "/api/accelerate/userinfo", "/api/listenreport"] {
                let (status, body) = api.get(path, style, Some(&key)).await;
                assert_error(status, &body, 401, "session_expired");
            }
        }
    }
    let key = Key::issued(&fake, QqAccount::Wechat);
    fake.qq().revoke_sessions();
    let (status, body) = api
        .get("/api/accelerate/userinfo", Style::Cookies, Some(&key))
        .await;
    assert_error(status, &body, 401, "session_expired");
    // A key the service never issued.
    let forged = Key {
        musicid: "123456789".into(),
        musickey: "Q_H_L_forged".into(),
    };
    let (status, body) = api.get("/api/user", Style::Headers, Some(&forged)).await;
    assert_error(status, &body, 401, "session_expired");
    api.check_stats().await;
    api.server.stop().await;
}

#[tokio::test]
async fn hostile_input_gets_a_typed_error_or_an_intact_string() {
    let fake = fake().await;
    let mut api = Api::start(&fake).await;
    let key = Key::issued(&fake, QqAccount::Qq);
    let k = Some(&key);
    let long = "周".repeat(300);
    let bad_requests = [
        format!("/api/search?query={long}"),
        "/api/search?query=".to_owned(),
        "/api/search?query=x&page=0".to_owned(),
        "/api/search?query=x&page_size=-1".to_owned(),
        "/api/search?query=x&page=99999999999".to_owned(),
        "/api/playlist?id=abc".to_owned(),
        "/api/playlist?id=1%20OR%201=1".to_owned(),
        "/api/playlist".to_owned(),
        "/api/playlist?id=211111&num=lots".to_owned(),
        "/api/convert?id=%3Cscript%3E".to_owned(),
        "/api/convert?id=99999999999999999999999".to_owned(),
        "/api/lyric?mid=..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/api/lyric?mid=".to_owned(),
        "/api/musicurl?songmid=%00%01".to_owned(),
        "/api/musicurl".to_owned(),
    ];
    for path in &bad_requests {
        let (status, body) = api.get(path, Style::Headers, k).await;
        assert_error(status, &body, 400, "bad_request");
        assert_eq!(body["error"]["provider"], "qq", "{path}");
    }
    // Well-formed ids the service does not know: the service's refusal, typed.
    for (path, status_wanted, kind) in [
        ("/api/convert?id=1", 404, "not_found"),
        ("/api/lyric?mid=1", 404, "not_found"),
        ("/api/convert?id=00000000000000", 404, "not_found"),
        ("/api/playlist?id=424242", 404, "not_found"),
    ] {
        let (status, body) = api.get(path, Style::Headers, k).await;
        assert_error(status, &body, status_wanted, kind);
        assert_eq!(body["error"]["provider"], "qq", "{path}");
    }
    // Bodies: not JSON, not an object, wrong fields.
    for (path, body) in [
        ("/api/sign", "{not json"),
        ("/api/sign", "[1,2]"),
        ("/api/addcomment", "\"text\""),
    ] {
        let response = api
            .server
            .http
            .post(api.server.url(path))
            .header("Uin", &key.musicid)
            .header("Qm-keyst", &key.musickey)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        *api.calls.entry(format!("POST {path}")).or_default() += 1;
        let status = response.status().as_u16();
        let value: Value = response.json().await.unwrap();
        assert_error(status, &value, 400, "bad_request");
    }
    for body in [json!({"type": "steal"})] {
        let (status, value) = api.post("/api/sign", Style::Headers, k, Some(body)).await;
        assert_error(status, &value, 400, "bad_request");
    }
    for body in [
        json!({"bizid": SONG_ID, "biztype": 1}),
        json!({"content": "", "bizid": SONG_ID}),
        json!({"content": "x", "bizid": SONG_ID, "biztype": 9}),
        json!({"content": "x", "bizid": "1; DROP", "biztype": 1}),
        json!({"content": "x", "bizid": SONG_MID, "biztype": 2}),
        json!({"content": "x"}),
        json!({"content": "长".repeat(301), "bizid": SONG_ID}),
        json!({"content": "x", "bizid": SONG_ID, "repliedcmid": "<script>"}),
        json!({"content": ["x"], "bizid": SONG_ID}),
    ] {
        let (status, value) = api
            .post("/api/addcomment", Style::Headers, k, Some(body.clone()))
            .await;
        assert_error(status, &value, 400, "bad_request");
        assert!(
            !value["error"]["message"].as_str().unwrap().is_empty(),
            "{body}"
        );
    }
    // A hostile comment is posted intact.
    let hostile =
        "</script><script>alert(1)</script> \u{202e}evil\u{202c} ${7*7} 👨\u{200d}👩\u{200d}👧";
    let (status, comment) = api
        .post(
            "/api/addcomment",
            Style::Headers,
            k,
            Some(json!({"content": hostile, "bizid": SONG_ID})),
        )
        .await;
    assert_eq!(
        (status, comment["content"].as_str()),
        (201, Some(hostile)),
        "{comment}"
    );

    // The hostile playlist from the fake: name and titles intact, as /v1 shows them.
    let (status, playlist) = api
        .get(
            &format!("/api/playlist?id={HOSTILE_PLAYLIST_ID}&num=100"),
            Style::Cookies,
            k,
        )
        .await;
    assert_eq!(status, 200, "{playlist}");
    let name = playlist["name"].as_str().unwrap();
    assert!(name.starts_with("<img src=x onerror=alert(1)>"), "{name}");
    assert!(name.contains("\u{202e}tsilyalp\u{202c}"));
    assert!(name.chars().count() >= 600);
    assert_eq!(tracks(&playlist).len(), 66);
    let (status, v1) = api
        .server
        .get(&format!("/v1/qq/playlists/{HOSTILE_PLAYLIST_ID}"))
        .await;
    assert_eq!(status, 200, "{v1}");
    assert_eq!(v1["name"], playlist["name"]);
    assert_eq!(v1["description"], playlist["description"]);
    assert_eq!(v1["tracks"], playlist["tracks"]);

    // Methods the route does not take.
    let (status, body) = api.server.get("/api/sign").await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = api.server.post("/api/user", None).await;
    assert_error(status, &body, 400, "bad_request");
    api.check_stats().await;
    api.server.stop().await;
}

/// No musickey or cookie value reaches the log, at trace level, whichever way it came in or
/// went out (`/api/login/check` and refreshkey hand keys out in their bodies, by design).
#[tokio::test]
async fn no_key_in_the_log() {
    let fake = fake().await;
    let mut api = Api::start(&fake).await;
    let qq = Key::issued(&fake, QqAccount::Qq);
    let wechat = Key::issued(&fake, QqAccount::Wechat);
    let mut keys = vec![qq.musickey.clone(), wechat.musickey.clone()];
    for style in STYLES {
        for key in [&qq, &wechat] {
            api.post("/api/sign", style, Some(key), None).await;
            api.post(
                "/api/addcomment",
                style,
                Some(key),
                Some(json!({"content": "x", "bizid": SONG_ID})),
            )
            .await;
            api.post("/api/accelerate/refreshkey", style, Some(key), None)
                .await;
            if style != Style::Body {
                api.get("/api/user", style, Some(key)).await;
                api.get(
                    &format!("/api/musicurl?songmid={SONG_MID}"),
                    style,
                    Some(key),
                )
                .await;
                api.get("/api/search?query=x", style, Some(key)).await;
            }
        }
    }
    let confirmed = qr_login(&api, &fake).await;
    keys.push(confirmed["musickey"].as_str().unwrap().to_owned());
    let held = Key {
        musicid: confirmed["uin"].as_str().unwrap().to_owned(),
        musickey: confirmed["musickey"].as_str().unwrap().to_owned(),
    };
    let (status, refreshed) = api
        .post(
            "/api/accelerate/refreshkey",
            Style::Headers,
            Some(&held),
            None,
        )
        .await;
    assert_eq!(status, 200, "{refreshed}");
    keys.push(refreshed["musickey"].as_str().unwrap().to_owned());
    fake.qq().expire_session(QqAccount::Qq.musicid());
    api.get("/api/user", Style::Bare, None).await;
    api.get("/api/user", Style::Headers, Some(&qq)).await;
    fake.qq().revoke_sessions();
    api.get("/api/user", Style::Bare, None).await;
    api.get("/api/user", Style::Cookies, Some(&wechat)).await;

    let log = api.server.stop().await;
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "the log ran at trace level"
    );
    for key in &keys {
        assert!(key.len() > 20);
        assert!(!log.contains(key.as_str()), "a musickey in the server log");
        assert!(
            !log.contains(&key[6..26]),
            "part of a musickey in the server log"
        );
    }
    assert!(!log.contains("qm_keyst="), "a cookie in the server log");
    assert!(!log.contains("qqmusic_key="), "a cookie in the server log");
}
