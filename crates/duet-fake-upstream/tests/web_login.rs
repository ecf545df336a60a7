//! The services' web login pages: a click sets the session cookies a QR login of the account
//! would give (under `/{host}` of the fake's origin), and the account endpoints take them.

use std::sync::Arc;

use duet_core::cookies::PastedCookies;
use duet_core::{MemoryStore, Provider, Secret, Upstream};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{FakeConfig, FakeUpstream};

/// Presses the button `id` of the page at `path`: the `Set-Cookie` headers of the answer.
async fn press(fake: &FakeUpstream, path: &str, id: &str) -> Vec<String> {
    let url = format!("{}/{path}", fake.base_url());
    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("id=\"{id}\"")), "{html}");
    let answer = reqwest::Client::new()
        .post(&url)
        .form(&[("as", id)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// What a browser keeps of them: the name=value pairs.
fn jar(set_cookies: &[String]) -> PastedCookies {
    PastedCookies::from_pairs(set_cookies.iter().filter_map(|c| {
        let pair = c.split(';').next()?;
        let (name, value) = pair.split_once('=')?;
        (!value.is_empty()).then(|| (name.to_owned(), Secret::new(value)))
    }))
}

fn upstream(fake: &FakeUpstream) -> Upstream {
    Upstream::parse_override(&fake.base_url()).unwrap()
}

#[tokio::test]
async fn the_netease_page_logs_in_with_a_click() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let set = press(&fake, "music.163.com/login", "login").await;
    let music_u = set.iter().find(|c| c.starts_with("MUSIC_U=")).unwrap();
    assert!(music_u.ends_with("; Path=/music.163.com"), "{music_u}");
    assert!(set.iter().all(|c| !c.contains("Domain=")), "{set:?}");
    assert_eq!(fake.netease().live_sessions(), 1);

    let provider = duet_netease::NeteaseProvider::new(
        duet_netease::Config::new(upstream(&fake)),
        Arc::new(MemoryStore::new()),
    )
    .unwrap();
    let page = provider.web_login().unwrap();
    let taken = jar(&set).only(&page.taken());
    assert!(page.is_complete(&taken));
    let login = provider.cookie_login(&taken).await.unwrap();
    assert_eq!(login.profile.nickname, "大不6仙");
}

#[tokio::test]
async fn the_qq_page_logs_in_by_qq_or_wechat() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = duet_qqmusic::QqProvider::new(
        duet_qqmusic::Config::new(upstream(&fake)),
        Arc::new(MemoryStore::new()),
    )
    .unwrap();
    let page = provider.web_login().unwrap();
    for (button, account) in [
        ("login", QqAccount::Qq),
        ("login-wechat", QqAccount::Wechat),
    ] {
        let set = press(&fake, "y.qq.com/", button).await;
        assert!(set.iter().all(|c| c.ends_with("Path=/y.qq.com")), "{set:?}");
        let all = jar(&set);
        assert!(all.get("psrf_qqrefresh_token").is_some());
        let taken = all.only(&page.taken());
        assert!(taken.get("psrf_qqrefresh_token").is_none(), "not taken");
        assert!(page.is_complete(&taken), "{button}");
        let login = provider.cookie_login(&taken).await.unwrap();
        assert_eq!(login.profile.nickname, account.nick(), "{button}");
    }
}

#[tokio::test]
async fn a_post_without_a_button_logs_nobody_in() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let http = reqwest::Client::new();
    for path in ["music.163.com/login", "y.qq.com/"] {
        let url = format!("{}/{path}", fake.base_url());
        let answer = http
            .post(&url)
            .form(&[("as", "nobody")])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{path}");
        assert!(answer.headers().get("set-cookie").is_none(), "{path}");
        let answer = http.put(&url).send().await.unwrap();
        assert_eq!(answer.status(), 405, "{path}");
    }
    assert_eq!(fake.netease().live_sessions(), 0);
    assert_eq!(fake.qq().live_sessions(), 0);
    let other = reqwest::get(format!("{}/y.qq.com/n/ryqq/player", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}
