//! The NetEase fake, exercised over real HTTP the way the Duet client talks to it.

use std::time::Duration;

use duet_fake_upstream::{
    FakeConfig, FakeUpstream, Fault, FaultKind, QrState, Transport, DEFAULT_WEAPI_TEST_SECRET,
    WEAPI_TEST_SECRETS,
};
use duet_netease::crypto;
use reqwest::header::{HeaderMap, COOKIE, REFERER, SET_COOKIE, USER_AGENT};
use serde_json::{json, Value};

const APPVER: &str = "3.1.17.204416";
const DEVICE_ID: &str = "0D9A8B7C6E5F40312A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1";
const PC_UA: &str = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Safari/537.36 Chrome/91.0.4472.164 NeteaseMusicDesktop/3.1.17.204416";
const API_HOST: &str = "interface.music.163.com";

// ---- a tiny client ---------------------------------------------------------------------

struct Resp {
    status: u16,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.bytes[..self.bytes.len().min(200)])
            )
        })
    }

    fn code(&self) -> i64 {
        self.json()["code"].as_i64().expect("numeric code")
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().iter().find_map(|c| {
            let first = c.split(';').next()?;
            let (n, v) = first.split_once('=')?;
            (n == name).then(|| v.to_owned())
        })
    }
}

#[derive(Clone, Default)]
struct Session {
    music_u: Option<String>,
    csrf: Option<String>,
    /// A visitor token (`MUSIC_A`, docs/protocol/netease.md §5.2).
    visitor: Option<String>,
}

struct Client {
    http: reqwest::Client,
    base: String,
    session: Session,
    /// Overrides of the identity (for the -460 tests).
    os: &'static str,
    ua: Option<&'static str>,
    /// The web page's tracking cookies (docs/protocol/netease.md §5.1), which weapi requires.
    web_cookies: Vec<(&'static str, String)>,
}

impl Client {
    fn new(fake: &FakeUpstream) -> Self {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            base: fake.base_url(),
            session: Session::default(),
            os: "pc",
            ua: Some(PC_UA),
            web_cookies: web_cookies(),
        }
    }

    fn logged_in(fake: &FakeUpstream) -> Self {
        let s = fake.netease().issue_session();
        let mut c = Client::new(fake);
        c.session = Session {
            music_u: Some(s.music_u),
            csrf: Some(s.csrf),
            visitor: None,
        };
        c
    }

    fn cookie_header(&self) -> String {
        let mut parts = vec![
            format!("os={}", self.os),
            format!("appver={APPVER}"),
            format!("deviceId={DEVICE_ID}"),
            "osver=Microsoft-Windows-10-Professional-build-19045-64bit".to_owned(),
            "channel=netease".to_owned(),
            "NMTID=00Otest".to_owned(),
        ];
        parts.extend(self.web_cookies.iter().map(|(k, v)| format!("{k}={v}")));
        if let Some(u) = &self.session.music_u {
            parts.push(format!("MUSIC_U={u}"));
        }
        if let Some(c) = &self.session.csrf {
            parts.push(format!("__csrf={c}"));
        }
        if let Some(a) = &self.session.visitor {
            parts.push(format!("MUSIC_A={a}"));
        }
        parts.join("; ")
    }

    fn eapi_header(&self) -> Value {
        json!({
            "osver": "Microsoft-Windows-10-Professional-build-19045-64bit",
            "deviceId": DEVICE_ID,
            "os": self.os,
            "appver": APPVER,
            "versioncode": "140",
            "mobilename": "",
            "buildver": "1700000000",
            "resolution": "1920x1080",
            "__csrf": self.session.csrf.clone().unwrap_or_default(),
            "channel": "netease",
            "requestId": "1700000000000_0042",
        })
    }

    async fn post_form(&self, url: String, body: String, extra: &[(&str, &str)]) -> Resp {
        let mut rb = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header(COOKIE, self.cookie_header())
            .body(body);
        if let Some(ua) = self.ua {
            rb = rb.header(USER_AGENT, ua);
        }
        for (k, v) in extra {
            rb = rb.header(*k, *v);
        }
        let r = rb.send().await.expect("request");
        Resp {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            bytes: r.bytes().await.expect("body").to_vec(),
        }
    }

    /// eapi `path` (`/api/...`) with `params`; adds the client-info header.
    async fn eapi(&self, path: &str, params: Value) -> Resp {
        self.eapi_opts(path, params, false, &[]).await
    }

    async fn eapi_opts(
        &self,
        path: &str,
        mut params: Value,
        e_r: bool,
        extra: &[(&str, &str)],
    ) -> Resp {
        params["header"] = self.eapi_header();
        if e_r {
            params["e_r"] = json!(true);
        }
        let text = params.to_string();
        let hex = crypto::eapi_encrypt(path, &text);
        self.eapi_raw(path, &hex, extra).await
    }

    async fn eapi_raw(&self, path: &str, params_hex: &str, extra: &[(&str, &str)]) -> Resp {
        let p = path.strip_prefix("/api/").unwrap();
        self.post_form(
            format!("{}/{API_HOST}/eapi/{p}", self.base),
            format!("params={params_hex}"),
            extra,
        )
        .await
    }

    /// weapi `path` with `params` (+ `csrf_token`), encrypted with the default test secret.
    async fn weapi(&self, path: &str, mut params: Value) -> Resp {
        params["csrf_token"] = json!(self.session.csrf.clone().unwrap_or_default());
        let form = crypto::weapi_encrypt(&params.to_string(), DEFAULT_WEAPI_TEST_SECRET);
        self.weapi_raw(path, form.to_form_body(), true).await
    }

    /// weapi with extra request headers besides the Referer.
    async fn weapi_with(&self, path: &str, mut params: Value, extra: &[(&str, &str)]) -> Resp {
        params["csrf_token"] = json!(self.session.csrf.clone().unwrap_or_default());
        let form = crypto::weapi_encrypt(&params.to_string(), DEFAULT_WEAPI_TEST_SECRET);
        let p = path.strip_prefix("/api/").unwrap();
        let mut headers = vec![("referer", "https://music.163.com/")];
        headers.extend_from_slice(extra);
        self.post_form(
            format!("{}/music.163.com/weapi/{p}?csrf_token=", self.base),
            form.to_form_body(),
            &headers,
        )
        .await
    }

    async fn weapi_raw(&self, path: &str, body: String, referer: bool) -> Resp {
        let p = path.strip_prefix("/api/").unwrap();
        let extra: &[(&str, &str)] = if referer {
            &[("referer", "https://music.163.com/")]
        } else {
            &[]
        };
        self.post_form(
            format!("{}/music.163.com/weapi/{p}?csrf_token=", self.base),
            body,
            extra,
        )
        .await
    }

    /// Plain api with form parameters.
    async fn api(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.post_form(format!("{}/{API_HOST}{path}", self.base), body, &[])
            .await
    }

    async fn linuxapi(&self, path: &str, params: Value) -> Resp {
        let obj = json!({"method": "POST", "url": format!("https://music.163.com{path}"), "params": params});
        let hex = crypto::linuxapi_encrypt(&obj.to_string());
        self.post_form(
            format!("{}/music.163.com/api/linux/forward", self.base),
            format!("eparams={hex}"),
            &[],
        )
        .await
    }
}

const NUID: &str = "1ea4c0a3bf7ef4709cbd1cc9344aac391ea4c0a3bf7ef4709cbd1cc9344aac39";

fn web_cookies() -> Vec<(&'static str, String)> {
    vec![
        ("_ntes_nuid", NUID.to_owned()),
        ("_ntes_nnid", format!("{NUID}%2C1764806400000")),
        ("WNMCID", "qwerty.1764806400000.01.0".to_owned()),
        ("WEVNSM", "1.0.0".to_owned()),
    ]
}

fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn fake() -> FakeUpstream {
    FakeUpstream::spawn(FakeConfig::default()).await.unwrap()
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

// ---- transports -------------------------------------------------------------------------

#[tokio::test]
async fn every_transport_decodes_to_the_same_answer() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let e = c
        .eapi(
            "/api/song/lyric",
            json!({"id": 33894312, "lv": -1, "tv": -1}),
        )
        .await;
    let w = c
        .weapi(
            "/api/song/lyric",
            json!({"id": "33894312", "lv": -1, "tv": -1}),
        )
        .await;
    let a = c
        .api("/api/song/lyric", &[("id", "33894312"), ("lv", "-1")])
        .await;
    let l = c
        .linuxapi("/api/song/lyric", json!({"id": "33894312", "lv": -1}))
        .await;
    for r in [&e, &w, &a, &l] {
        assert_eq!(r.status, 200);
        assert_eq!(
            r.headers["content-type"].to_str().unwrap(),
            "application/json;charset=UTF-8"
        );
        assert_eq!(r.code(), 200);
    }
    assert_eq!(e.json(), w.json());
    assert_eq!(e.json(), a.json());
    assert_eq!(e.json(), l.json());
    assert!(e.json()["lrc"]["lyric"]
        .as_str()
        .unwrap()
        .contains("[00:40.68]"));

    // Plain api also answers GET with a query string.
    let g = c
        .http
        .get(format!(
            "{}/music.163.com/api/song/lyric?id=33894312",
            fake.base_url()
        ))
        .header(COOKIE, c.cookie_header())
        .header(USER_AGENT, PC_UA)
        .send()
        .await
        .unwrap();
    assert_eq!(g.json::<Value>().await.unwrap(), e.json());

    let kinds: Vec<Transport> = fake.requests().iter().map(|r| r.transport).collect();
    for t in [
        Transport::Eapi,
        Transport::Weapi,
        Transport::Api,
        Transport::Linuxapi,
    ] {
        assert!(kinds.contains(&t), "{t:?} not recorded");
    }
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.logical_path == "/api/song/lyric" && r.code == Some(200)));
}

#[tokio::test]
async fn eapi_accepts_lowercase_hex_string_header_and_other_hosts() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let mut params = json!({"id": 1, "header": c.eapi_header().to_string()});
    let hex = crypto::eapi_encrypt("/api/song/lyric", &params.to_string()).to_lowercase();
    assert_eq!(c.eapi_raw("/api/song/lyric", &hex, &[]).await.code(), 200);
    params["header"] = c.eapi_header();
    let hex = crypto::eapi_encrypt("/api/song/lyric", &params.to_string());
    for host in [
        "music.163.com",
        "interfacepc.music.163.com",
        "interface3.music.163.com",
    ] {
        let r = c
            .post_form(
                format!("{}/{host}/eapi/song/lyric", fake.base_url()),
                format!("params={hex}"),
                &[],
            )
            .await;
        assert_eq!(r.code(), 200, "{host}");
    }
}

#[tokio::test]
async fn tampered_or_malformed_requests_get_400() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let text = json!({"id": 1, "header": c.eapi_header()}).to_string();
    let sep = crypto::EAPI_SEPARATOR;

    // Digest mismatch.
    let plain = format!("/api/song/lyric{sep}{text}{sep}00000000000000000000000000000000");
    let hex = hex::encode_upper(crypto::eapi_encrypt_response(plain.as_bytes()));
    let r = c.eapi_raw("/api/song/lyric", &hex, &[]).await;
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"code": 400, "message": "参数错误"}))
    );

    // Encrypted path differs from the URL.
    let hex = crypto::eapi_encrypt("/api/song/lyric", &text);
    let r = c.eapi_raw("/api/v3/song/detail", &hex, &[]).await;
    assert_eq!(r.code(), 400);

    // Not hex, bad padding, not JSON, no params.
    for params in ["zz", "ABC", "00112233445566778899AABBCCDDEEFF", ""] {
        assert_eq!(
            c.eapi_raw("/api/song/lyric", params, &[]).await.code(),
            400,
            "{params}"
        );
    }
    let hex = crypto::eapi_encrypt("/api/song/lyric", "not json");
    assert_eq!(c.eapi_raw("/api/song/lyric", &hex, &[]).await.code(), 400);

    // weapi with an encSecKey of an unknown secret.
    let form = crypto::weapi_encrypt(r#"{"id":1}"#, b"QQQQQQQQQQQQQQQQ");
    let r = c
        .weapi_raw("/api/song/lyric", form.to_form_body(), true)
        .await;
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"code": 400, "message": "参数错误"}))
    );
    // weapi with a known key but a params of another secret.
    let mut form = crypto::weapi_encrypt(r#"{"id":1}"#, b"aaaaaaaaaaaaaaaa");
    form.enc_sec_key = crypto::weapi_enc_sec_key(DEFAULT_WEAPI_TEST_SECRET);
    let r = c
        .weapi_raw("/api/song/lyric", form.to_form_body(), true)
        .await;
    assert_eq!(r.code(), 400);

    // eapi and weapi need POST.
    let r = c
        .http
        .get(format!("{}/{API_HOST}/eapi/song/lyric", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn every_known_weapi_secret_decrypts() {
    let fake = fake().await;
    let c = Client::new(&fake);
    for secret in WEAPI_TEST_SECRETS {
        let form = crypto::weapi_encrypt(r#"{"id":"5","csrf_token":""}"#, secret);
        let r = c
            .weapi_raw("/api/song/lyric", form.to_form_body(), true)
            .await;
        assert_eq!(r.code(), 200, "{}", String::from_utf8_lossy(secret));
    }
    // The list is exactly the secrets of the shared vectors.
    let vectors: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/netease.json"
    )))
    .unwrap();
    let mut from_vectors: Vec<String> = ["weapi", "weapi_encSecKey_only"]
        .iter()
        .flat_map(|s| vectors[s].as_array().unwrap().clone())
        .map(|v| v["secret_key"].as_str().unwrap().to_owned())
        .collect();
    from_vectors.sort();
    from_vectors.dedup();
    let mut ours: Vec<String> = WEAPI_TEST_SECRETS
        .iter()
        .map(|s| String::from_utf8(s.to_vec()).unwrap())
        .collect();
    ours.sort();
    assert_eq!(ours, from_vectors);
}

// ---- identity ---------------------------------------------------------------------------

#[tokio::test]
async fn non_pc_clients_are_cheating() {
    let fake = fake().await;
    let cheating = json!({"msg": "Cheating", "code": -460, "message": "Cheating"});
    let path = "/api/song/lyric";

    let mut c = Client::new(&fake);
    c.os = "iPhone OS";
    assert_eq!(c.eapi(path, json!({"id": 1})).await.json(), cheating);
    assert_eq!(c.weapi(path, json!({"id": 1})).await.json(), cheating);
    assert_eq!(c.api(path, &[("id", "1")]).await.json(), cheating);

    let mut c = Client::new(&fake);
    c.ua = None;
    assert_eq!(c.eapi(path, json!({"id": 1})).await.code(), -460);
    assert_eq!(c.weapi(path, json!({"id": 1})).await.code(), -460);
    assert_eq!(c.api(path, &[("id", "1")]).await.code(), -460);
    c.ua = Some("Mozilla/5.0 NeteaseMusicDesktop/2.10.2.200154");
    assert_eq!(
        c.eapi(path, json!({"id": 1})).await.code(),
        -460,
        "UA appver differs"
    );

    let c = Client::new(&fake);
    // eapi: header map missing, or not matching the cookies.
    let hex = crypto::eapi_encrypt(path, r#"{"id":1}"#);
    assert_eq!(c.eapi_raw(path, &hex, &[]).await.code(), -460);
    let mut h = c.eapi_header();
    h["deviceId"] = json!("someone-else");
    let hex = crypto::eapi_encrypt(path, &json!({"id": 1, "header": h}).to_string());
    assert_eq!(c.eapi_raw(path, &hex, &[]).await.code(), -460);
    let mut h = c.eapi_header();
    h.as_object_mut().unwrap().remove("requestId");
    let hex = crypto::eapi_encrypt(path, &json!({"id": 1, "header": h}).to_string());
    assert_eq!(c.eapi_raw(path, &hex, &[]).await.code(), -460);

    // weapi without Referer.
    let form = crypto::weapi_encrypt(r#"{"id":1}"#, DEFAULT_WEAPI_TEST_SECRET);
    assert_eq!(
        c.weapi_raw(path, form.to_form_body(), false).await.code(),
        -460
    );

    // weapi without the web page's tracking cookies, or with one misshapen
    // (docs/protocol/netease.md §5.1).
    for (name, bad) in [
        ("_ntes_nuid", None),
        ("_ntes_nuid", Some("1EA4C0A3")),
        ("_ntes_nnid", None),
        (
            "_ntes_nnid",
            Some("0123456789abcdef0123456789abcdef,1764806400000"),
        ),
        ("_ntes_nnid", Some(&format!("{NUID},17648"))),
        ("WNMCID", None),
        ("WNMCID", Some("qwerty.1764806400000")),
        ("WNMCID", Some("QWERTY.1764806400000.01.0")),
        ("WEVNSM", None),
        ("WEVNSM", Some("2.0.0")),
    ] {
        let mut c = Client::new(&fake);
        c.web_cookies.retain(|(n, _)| *n != name);
        if let Some(bad) = bad {
            c.web_cookies.push((name, bad.to_owned()));
        }
        assert_eq!(
            c.weapi(path, json!({"id": 1})).await.code(),
            -460,
            "{name} {bad:?}"
        );
        assert_eq!(
            c.eapi(path, json!({"id": 1})).await.code(),
            200,
            "eapi does not need them"
        );
    }
    let mut browser = Client::new(&fake);
    browser.web_cookies[0].1 = NUID[..32].to_owned();
    browser.web_cookies[1].1 = format!("{},1764806400000", &NUID[..32]);
    assert_eq!(
        browser.weapi(path, json!({"id": 1})).await.code(),
        200,
        "a browser's nuid"
    );

    // A bare request without any cookie.
    let r = c
        .http
        .post(format!("{}/{API_HOST}/api/song/lyric", fake.base_url()))
        .header(USER_AGENT, PC_UA)
        .body("id=1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["code"], -460);
}

// ---- cookies ----------------------------------------------------------------------------

#[tokio::test]
async fn a_cookieless_client_gets_nmtid() {
    let fake = fake().await;
    let r = reqwest::Client::new()
        .post(format!("{}/{API_HOST}/api/song/lyric", fake.base_url()))
        .body("id=1")
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].starts_with("NMTID=00O"), "{}", cookies[0]);
    assert!(cookies[0].ends_with("; Max-Age=315360000; Path=/"));
    // A client that has one gets none.
    let c = Client::new(&fake);
    assert!(c
        .eapi("/api/song/lyric", json!({"id": 1}))
        .await
        .set_cookies()
        .is_empty());
}

// ---- QR login ---------------------------------------------------------------------------

async fn poll(c: &Client, key: &str) -> Resp {
    c.eapi(
        "/api/login/qrcode/client/login",
        json!({"key": key, "type": 3}),
    )
    .await
}

#[tokio::test]
async fn qr_login_walks_801_802_803_then_800() {
    let fake = fake().await;
    let mut c = Client::new(&fake);
    let r = c.eapi("/api/login/qrcode/unikey", json!({"type": 3})).await;
    assert_eq!(r.code(), 200);
    let key = r.json()["unikey"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 36);
    assert_eq!(fake.netease().qr_keys(), vec![key.clone()]);
    let r = poll(&c, &key).await;
    assert_eq!(r.json(), json!({"code": 801, "message": "等待扫码"}));
    assert!(fake.netease().scan(&key));
    let r = poll(&c, &key).await;
    assert_eq!(r.code(), 802);
    assert_eq!(r.json()["nickname"], "elhim");
    assert!(r.json()["avatarUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(r.json().get("cookie").is_none());
    assert!(fake.netease().confirm(&key));
    assert_eq!(fake.netease().live_sessions(), 0);

    let r = poll(&c, &key).await;
    assert_eq!(r.json(), json!({"code": 803, "message": "授权登陆成功"}));
    let set = r.set_cookies();
    assert_eq!(set.len(), 25, "{set:#?}");
    let music_u = r.cookie("MUSIC_U").unwrap();
    let csrf = r.cookie("__csrf").unwrap();
    assert!(is_hex(&music_u, 128), "{music_u}");
    assert!(is_hex(&csrf, 32), "{csrf}");
    let mu_line = set.iter().find(|s| s.starts_with("MUSIC_U=")).unwrap();
    assert!(mu_line.contains("Max-Age=15552000") && mu_line.contains("HTTPOnly"));
    assert!(
        !mu_line.contains("2022"),
        "Expires is recomputed: {mu_line}"
    );
    assert!(set.iter().any(|s| s.starts_with("MUSIC_SNS=; Max-Age=0")));
    assert_eq!(
        set.iter().filter(|s| s.starts_with("MUSIC_A_T=")).count(),
        11
    );
    assert_eq!(fake.netease().live_sessions(), 1);
    assert_eq!(fake.netease().qr_state(&key), Some(QrState::Spent));

    // The key is spent.
    assert_eq!(poll(&c, &key).await.code(), 800);
    assert_eq!(fake.netease().poll_times(&key).len(), 4);
    // Unknown key.
    assert_eq!(poll(&c, "nope").await.code(), 800);

    // The session works.
    c.session = Session {
        music_u: Some(music_u),
        csrf: Some(csrf),
        visitor: None,
    };
    let acct = c.weapi("/api/nuser/account/get", json!({})).await.json();
    assert_eq!(acct["profile"]["nickname"], "大不6仙");
}

#[tokio::test]
async fn qr_keys_expire() {
    let fake = FakeUpstream::spawn(FakeConfig {
        qr_lifetime: Duration::from_millis(300),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let c = Client::new(&fake);
    let key = c
        .weapi("/api/login/qrcode/unikey", json!({"type": 1}))
        .await
        .json()["unikey"]
        .as_str()
        .unwrap()
        .to_owned();
    let check = json!({"key": key, "type": 1});
    assert_eq!(
        c.weapi("/api/login/qrcode/client/login", check.clone())
            .await
            .code(),
        801
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = c
        .weapi("/api/login/qrcode/client/login", check.clone())
        .await;
    assert_eq!(
        r.json(),
        json!({"code": 800, "message": "二维码不存在或已过期"})
    );
    assert!(
        !fake.netease().confirm(&key),
        "an expired key cannot be confirmed"
    );

    // Control expiry.
    let key2 = c
        .api("/api/login/qrcode/unikey", &[("type", "1")])
        .await
        .json()["unikey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(fake.netease().expire(&key2));
    let r = c
        .api(
            "/api/login/qrcode/client/login",
            &[("key", &key2), ("type", "1")],
        )
        .await;
    assert_eq!(r.code(), 800);
    // Bad type.
    assert_eq!(
        c.api("/api/login/qrcode/unikey", &[("type", "2")])
            .await
            .code(),
        400
    );
}

#[tokio::test]
async fn demo_mode_confirms_by_itself() {
    let fake = FakeUpstream::spawn(FakeConfig {
        demo: true,
        demo_scan_after: Duration::from_millis(150),
        demo_confirm_after: Duration::from_millis(150),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let c = Client::new(&fake);
    let key = c
        .eapi("/api/login/qrcode/unikey", json!({"type": 3}))
        .await
        .json()["unikey"]
        .as_str()
        .unwrap()
        .to_owned();
    // Nothing happens before the first poll.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(fake.netease().qr_state(&key), Some(QrState::Waiting));
    let mut codes = Vec::new();
    for _ in 0..40 {
        let r = c
            .eapi(
                "/api/login/qrcode/client/login",
                json!({"key": key, "type": 3}),
            )
            .await;
        let code = r.code();
        if codes.last() != Some(&code) {
            codes.push(code);
        }
        if code == 803 {
            assert!(is_hex(&r.cookie("MUSIC_U").unwrap(), 128));
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(codes, vec![801, 802, 803]);
    let times = fake.netease().poll_times(&key);
    assert!(times.len() >= 3);
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

// ---- login-required endpoints, sessions, csrf --------------------------------------------

#[tokio::test]
async fn login_required_endpoints() {
    let fake = fake().await;
    let anon = Client::new(&fake);
    let user = Client::logged_in(&fake);
    let path = "/api/v3/discovery/recommend/songs";
    assert_eq!(
        anon.weapi(path, json!({})).await.json(),
        json!({"code": 301, "msg": "需要登录"})
    );
    let r = user.weapi(path, json!({})).await;
    assert_eq!(r.code(), 200);
    assert!(r.json()["data"]["dailySongs"].as_array().unwrap().len() >= 2);

    let acct = anon.eapi("/api/nuser/account/get", json!({})).await.json();
    assert_eq!(acct, json!({"code": 200, "account": null, "profile": null}));
    let acct = user
        .eapi("/api/w/nuser/account/get", json!({}))
        .await
        .json();
    assert_eq!(acct["account"]["id"], 125279114);

    // Revocation: the old MUSIC_U is now logged out.
    fake.netease().revoke_sessions();
    assert_eq!(fake.netease().live_sessions(), 0);
    assert_eq!(user.eapi(path, json!({})).await.code(), 301);
    let acct = user.eapi("/api/nuser/account/get", json!({})).await.json();
    assert!(acct["profile"].is_null());
}

/// Daily songs over weapi as the references ask (docs/protocol/fidelity-2026-12.md row N10):
/// `afresh` is optional and a boolean; the eapi form Duet falls back to still answers.
#[tokio::test]
async fn daily_songs_take_an_optional_afresh() {
    let fake = fake().await;
    let user = Client::logged_in(&fake);
    let path = "/api/v3/discovery/recommend/songs";
    for params in [
        json!({}),
        json!({"afresh": true}),
        json!({"afresh": "false"}),
    ] {
        let r = user.weapi(path, params.clone()).await;
        assert_eq!(r.code(), 200, "{params}");
    }
    assert_eq!(
        user.eapi(path, json!({})).await.code(),
        200,
        "the form before"
    );
    for params in [json!({"afresh": 1}), json!({"afresh": "yes"})] {
        assert_eq!(
            user.weapi(path, params.clone()).await.code(),
            400,
            "{params}"
        );
    }
}

/// The visitor registration (docs/protocol/netease.md §5.2): the username must be the cipher of
/// the device id the client sends, and the token it answers is what the QR login demands when
/// the visitor demand is on (fidelity row N17).
#[tokio::test]
async fn visitors_register_with_their_device_and_the_qr_login_can_demand_it() {
    let fake = fake().await;
    let mut c = Client::new(&fake);
    let register = "/api/register/anonimous";
    for username in [
        String::new(),
        crypto::anonymous_username("ANOTHERDEVICE"),
        DEVICE_ID.to_owned(),
    ] {
        let r = c.weapi(register, json!({"username": username})).await;
        assert_eq!(r.code(), 400, "{username:?}");
        assert_eq!(r.cookie("MUSIC_A"), None);
    }
    assert_eq!(fake.netease().visitors(), 0);
    let url_safe = crypto::anonymous_username_urlsafe(DEVICE_ID);
    assert_eq!(
        c.eapi(register, json!({"username": url_safe})).await.code(),
        200,
        "chaunsin's alphabet"
    );
    let r = c
        .weapi(
            register,
            json!({"username": crypto::anonymous_username(DEVICE_ID)}),
        )
        .await;
    assert_eq!(r.code(), 200);
    let line = r
        .set_cookies()
        .into_iter()
        .find(|l| l.starts_with("MUSIC_A="))
        .unwrap();
    assert!(
        line.contains("Domain=.music.163.com") && line.contains("HTTPOnly"),
        "{line}"
    );
    let token = r.cookie("MUSIC_A").unwrap();
    assert!(is_hex(&token, 128));
    assert!(fake.netease().is_visitor(&token));
    assert_eq!(fake.netease().visitors(), 2);

    let unikey = "/api/login/qrcode/unikey";
    assert_eq!(
        c.eapi(unikey, json!({"type": 3})).await.code(),
        200,
        "off by default"
    );
    fake.netease().demand_visitor_token(true);
    assert_eq!(
        c.eapi(unikey, json!({"type": 3})).await.json(),
        json!({"code": 400})
    );
    assert_eq!(c.weapi(unikey, json!({"type": 1})).await.code(), 400);
    c.session.visitor = Some("f".repeat(128));
    assert_eq!(
        c.eapi(unikey, json!({"type": 3})).await.code(),
        400,
        "not issued"
    );
    c.session.visitor = Some(token);
    let key = c.eapi(unikey, json!({"type": 3})).await.json()["unikey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(poll(&c, &key).await.code(), 801);
    c.session.visitor = None;
    assert_eq!(poll(&c, &key).await.code(), 400);
    let user = Client::logged_in(&fake);
    assert_eq!(poll(&user, &key).await.code(), 801, "a login will do");
}

#[tokio::test]
async fn daily_sign_in_checks_csrf_and_repeats() {
    let fake = fake().await;
    let user = Client::logged_in(&fake);
    let path = "/api/point/dailyTask";
    // Wrong csrf_token → 301 even with a live session.
    let mut forged = json!({"type": 1});
    forged["csrf_token"] = json!("0123");
    let form = crypto::weapi_encrypt(&forged.to_string(), DEFAULT_WEAPI_TEST_SECRET);
    let r = user.weapi_raw(path, form.to_form_body(), true).await;
    assert_eq!(r.code(), 301);

    assert_eq!(
        user.weapi(path, json!({"type": 0})).await.json(),
        json!({"point": 3, "code": 200})
    );
    assert_eq!(
        user.weapi(path, json!({"type": 0})).await.json(),
        json!({"code": -2, "msg": "重复签到"})
    );
    assert_eq!(
        user.eapi(path, json!({"type": 1})).await.json(),
        json!({"point": 2, "code": 200})
    );
    assert_eq!(
        Client::new(&fake)
            .eapi(path, json!({"type": 1}))
            .await
            .code(),
        301
    );
}

#[tokio::test]
async fn logout_kills_the_session() {
    let fake = fake().await;
    let user = Client::logged_in(&fake);
    assert_eq!(fake.netease().live_sessions(), 1);
    let r = user.weapi("/api/logout", json!({})).await;
    assert_eq!(r.json(), json!({"code": 200}));
    assert!(r
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("MUSIC_U=; Max-Age=0")));
    assert_eq!(fake.netease().live_sessions(), 0);
    assert_eq!(
        user.eapi("/api/v3/discovery/recommend/songs", json!({}))
            .await
            .code(),
        301
    );
}

// ---- catalogue ----------------------------------------------------------------------------

#[tokio::test]
async fn song_detail_batches_and_special_ids() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let ids = |n: u64| {
        let v: Vec<Value> = (1..=n).map(|i| json!({"id": 700_000_000 + i})).collect();
        Value::Array(v).to_string()
    };
    let r = c.eapi("/api/v3/song/detail", json!({"c": ids(1001)})).await;
    assert_eq!(r.json(), json!({"code": 400, "message": "too many ids"}));
    let r = c
        .weapi("/api/v3/song/detail", json!({"c": ids(1000)}))
        .await
        .json();
    assert_eq!(r["songs"].as_array().unwrap().len(), 1000);
    assert_eq!(r["privileges"].as_array().unwrap().len(), 1000);
    for (s, p) in r["songs"]
        .as_array()
        .unwrap()
        .iter()
        .zip(r["privileges"].as_array().unwrap())
    {
        assert_eq!(s["id"], p["id"]);
    }
    let grey = &r["privileges"][12];
    assert_eq!(
        (
            grey["id"].as_u64(),
            grey["st"].as_i64(),
            grey["pl"].as_i64()
        ),
        (Some(700_000_013), Some(-200), Some(0))
    );
    let vip_song = &r["songs"][76];
    assert_eq!(vip_song["fee"], 1);
    assert_eq!(r["privileges"][76]["pl"], 0);
    assert_eq!(
        r["privileges"][76]["freeTrialPrivilege"]["resConsumable"],
        true
    );
    assert_eq!(r["songs"][0]["name"], "Track 700000001");
    assert_ne!(r["songs"][0]["dt"], r["songs"][1]["dt"]);

    // Fixture ids answer their captured objects; string ids work; order is kept.
    let r = c
        .api(
            "/api/v3/song/detail",
            &[("c", r#"[{"id":"1455767549"},{"id":347230}]"#)],
        )
        .await
        .json();
    assert_eq!(r["songs"][0]["name"], "Candycan");
    assert_eq!(r["songs"][1]["name"], "海阔天空");
    assert_eq!(r["privileges"][1]["id"], 347230);

    for bad in [
        r#"[{"id":"abc"}]"#,
        r#"[{"id":-1}]"#,
        "not json",
        r#"{"id":1}"#,
    ] {
        assert_eq!(
            c.api("/api/v3/song/detail", &[("c", bad)]).await.code(),
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn song_urls_point_at_served_audio() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let r = c
        .eapi(
            "/api/song/enhance/player/url/v1",
            json!({"ids": "[700000001,700000013,700000077]", "level": "lossless", "encodeType": "flac"}),
        )
        .await
        .json();
    assert_eq!(r["code"], 200);
    let d = r["data"].as_array().unwrap();
    assert_eq!(d[0]["url"], "http://m701.music.126.net/fake/700000001.flac");
    assert_eq!(
        (d[0]["type"].as_str(), d[0]["level"].as_str()),
        (Some("flac"), Some("lossless"))
    );
    assert!(d[0]["br"].as_i64().unwrap() >= 800_000);
    assert_eq!(d[0]["expi"], 1200);
    assert!(d[1]["url"].is_null());
    assert_eq!(d[1]["code"], -110);
    assert_eq!(d[2]["fee"], 1);
    assert_eq!(d[2]["code"], 200);
    assert!(d[2]["url"]
        .as_str()
        .unwrap()
        .ends_with("/fake/700000077.flac"));
    assert!(d[2]["freeTrialInfo"].is_object());

    // The URL (through the upstream override) serves exactly `size` bytes.
    let url = d[0]["url"]
        .as_str()
        .unwrap()
        .replace("http://", &format!("{}/", fake.base_url()));
    let audio = reqwest::get(&url).await.unwrap();
    assert_eq!(audio.status(), 200);
    assert_eq!(audio.headers()["content-type"], "audio/flac");
    let bytes = audio.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, d[0]["size"].as_u64().unwrap());
    assert_eq!(&bytes[..4], b"fLaC");

    // Legacy endpoint and mp3 levels.
    let r = c
        .weapi(
            "/api/song/enhance/player/url",
            json!({"ids": "[\"5\"]", "br": 320000}),
        )
        .await
        .json();
    assert_eq!(r["data"][0]["url"], "http://m701.music.126.net/fake/5.mp3");
    assert_eq!(r["data"][0]["br"], 320000);
    let r = c
        .api(
            "/api/song/enhance/player/url/v1",
            &[("ids", "[5]"), ("level", "standard")],
        )
        .await
        .json();
    assert_eq!(
        (
            r["data"][0]["br"].as_i64(),
            r["data"][0]["encodeType"].as_str()
        ),
        (Some(128000), Some("mp3"))
    );
    assert_eq!(
        c.api("/api/song/enhance/player/url/v1", &[("ids", "[x]")])
            .await
            .code(),
        400
    );
}

#[tokio::test]
async fn audio_supports_ranges() {
    let fake = fake().await;
    let http = reqwest::Client::new();
    let url = format!("{}/m701.music.126.net/fake/42.mp3", fake.base_url());
    let full = http.get(&url).send().await.unwrap();
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    let len: usize = full.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let all = full.bytes().await.unwrap();
    assert_eq!(all.len(), len);

    let part = http
        .get(&url)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{len}").as_str()
    );
    assert_eq!(part.headers()["content-length"], "100");
    assert_eq!(part.bytes().await.unwrap(), all.slice(100..200));

    let tail = http
        .get(&url)
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap(), all.slice(len - 10..));
    let open = http
        .get(&url)
        .header("range", format!("bytes={}-", len - 5))
        .send()
        .await
        .unwrap();
    assert_eq!(open.bytes().await.unwrap(), all.slice(len - 5..));

    let bad = http
        .get(&url)
        .header("range", format!("bytes={len}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 416);
    assert_eq!(
        bad.headers()["content-range"],
        format!("bytes */{len}").as_str()
    );

    for missing in ["fake/abc.mp3", "fake/1.wav", "other/1.mp3", ""] {
        let r = http
            .get(format!("{}/m701.music.126.net/{missing}", fake.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{missing}");
    }
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.transport == Transport::Audio && r.status == 206));
}

#[tokio::test]
async fn playlists_inline_twenty_tracks_and_list_every_id() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let r = c
        .eapi(
            "/api/v6/playlist/detail",
            json!({"id": 9000001200_u64, "n": 100000, "s": 8}),
        )
        .await
        .json();
    let pl = &r["playlist"];
    assert_eq!(pl["trackCount"], 1200);
    assert_eq!(pl["name"], "Fake playlist of 1200 tracks");
    let ids = pl["trackIds"].as_array().unwrap();
    assert_eq!(ids.len(), 1200);
    assert_eq!(ids[0]["id"], 700000001);
    assert_eq!(ids[1199]["id"], 700001200);
    assert_eq!(pl["tracks"].as_array().unwrap().len(), 20);
    assert_eq!(r["privileges"].as_array().unwrap().len(), 20);
    assert_eq!(pl["creator"]["userId"], 125279114);

    let r = c
        .api("/api/v6/playlist/detail", &[("id", "9000010000")])
        .await
        .json();
    assert_eq!(r["playlist"]["trackIds"].as_array().unwrap().len(), 10000);

    let r = c
        .weapi("/api/v6/playlist/detail", json!({"id": "9000000066"}))
        .await
        .json();
    let name = r["playlist"]["name"].as_str().unwrap();
    assert!(
        name.contains("<img src=x onerror=alert(1)>") && name.contains('\0') && name.contains('🎵')
    );
    assert!(r["playlist"]["tracks"][0]["name"]
        .as_str()
        .unwrap()
        .contains("<script>"));

    let r = c
        .eapi("/api/v6/playlist/detail", json!({"id": 131149308}))
        .await
        .json();
    assert_eq!(r["playlist"]["trackIds"].as_array().unwrap().len(), 135);
    assert!(r["playlist"]["tracks"].as_array().unwrap().len() <= 20);

    let r = c
        .eapi("/api/v6/playlist/detail", json!({"id": 123}))
        .await
        .json();
    assert_eq!(r, json!({"code": 404, "message": "歌单不存在"}));
}

#[tokio::test]
async fn user_playlists_page() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let p1 = c
        .weapi(
            "/api/user/playlist",
            json!({"uid": 125279114, "limit": 4, "offset": 0, "includeVideo": true}),
        )
        .await
        .json();
    assert_eq!(p1["playlist"].as_array().unwrap().len(), 4);
    assert_eq!(p1["more"], true);
    let p2 = c
        .weapi(
            "/api/user/playlist",
            json!({"uid": 125279114, "limit": 4, "offset": 4}),
        )
        .await
        .json();
    assert_eq!(p2["more"], false);
    let ids: Vec<u64> = p1["playlist"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2["playlist"].as_array().unwrap())
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![24381616, 3143833470, 2586609624, 9000001200, 9000010000, 9000000066, 9200000001]
    );
    assert_eq!(
        c.weapi("/api/user/playlist", json!({"limit": 4}))
            .await
            .code(),
        400
    );
}

#[tokio::test]
async fn search_synthesises_pages() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let r = c
        .eapi(
            "/api/cloudsearch/pc",
            json!({"s": "hello", "type": 1, "limit": 30, "offset": 0, "total": true}),
        )
        .await
        .json();
    let songs = r["result"]["songs"].as_array().unwrap();
    assert_eq!(songs.len(), 30);
    assert_eq!(r["result"]["songCount"], 137);
    assert_eq!(songs[0]["name"], "hello #1");
    assert_eq!(songs[0]["privilege"]["id"], songs[0]["id"]);
    assert_eq!(songs[12]["privilege"]["st"], -200, "#13 is grey");
    let mut ids: Vec<u64> = songs.iter().map(|s| s["id"].as_u64().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 30);

    let last = c
        .eapi(
            "/api/cloudsearch/pc",
            json!({"s": "hello", "type": 1, "limit": 30, "offset": 120}),
        )
        .await
        .json();
    assert_eq!(last["result"]["songs"].as_array().unwrap().len(), 17);
    assert_eq!(last["result"]["songs"][16]["name"], "hello #137");
    let past = c
        .eapi(
            "/api/cloudsearch/pc",
            json!({"s": "hello", "type": 1, "limit": 30, "offset": 150}),
        )
        .await
        .json();
    assert_eq!(past["result"]["songs"].as_array().unwrap().len(), 0);

    let none = c
        .eapi(
            "/api/cloudsearch/pc",
            json!({"s": "__nothing__", "type": 1}),
        )
        .await
        .json();
    assert_eq!(none["result"]["songCount"], 0);

    for (t, list, count) in [
        (10, "albums", "albumCount"),
        (100, "artists", "artistCount"),
        (1000, "playlists", "playlistCount"),
    ] {
        let r = c
            .api(
                "/api/cloudsearch/pc",
                &[("s", "周杰伦"), ("type", &t.to_string()), ("limit", "5")],
            )
            .await
            .json();
        assert_eq!(r["result"][count], 137, "{t}");
        let items = r["result"][list].as_array().unwrap();
        assert_eq!(items.len(), 5);
        assert_eq!(items[4]["name"], "周杰伦 #5");
    }
    // A searched playlist opens.
    let r = c
        .api(
            "/api/cloudsearch/pc",
            &[("s", "x"), ("type", "1000"), ("limit", "1")],
        )
        .await
        .json();
    let pid = r["result"]["playlists"][0]["id"].as_u64().unwrap();
    let d = c
        .eapi("/api/v6/playlist/detail", json!({"id": pid}))
        .await
        .json();
    assert_eq!(
        d["playlist"]["trackCount"],
        r["result"]["playlists"][0]["trackCount"]
    );

    // Legacy search shape.
    let r = c
        .weapi(
            "/api/search/get",
            json!({"s": "hello", "type": 1, "limit": 2}),
        )
        .await
        .json();
    assert!(r["result"]["songs"][0]["artists"].is_array());
    assert_eq!(r["result"]["hasMore"], true);
    assert_eq!(
        c.eapi("/api/cloudsearch/pc", json!({"type": 1}))
            .await
            .code(),
        400
    );
}

#[tokio::test]
async fn lyrics_and_instrumentals() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let r = c
        .eapi(
            "/api/song/lyric/v1",
            json!({"id": "123", "cp": false, "yv": 0}),
        )
        .await
        .json();
    let yrc = r["yrc"]["lyric"].as_str().unwrap();
    assert!(!yrc.contains("..."));
    assert!(yrc.lines().any(|l| l.starts_with('[') && l.contains("(")));
    assert_eq!(r["ytlrc"]["lyric"], "");
    assert!(r["tlyric"]["lyric"].as_str().unwrap().len() > 10);
    let r = c
        .eapi("/api/song/lyric", json!({"id": 700000099}))
        .await
        .json();
    assert_eq!(r["nolyric"], true);
    assert_eq!(r["code"], 200);
    assert!(r.get("lrc").is_none());
    // The other instrumental: `pureMusic` and a placeholder line (fidelity row N6).
    let r = c
        .eapi("/api/song/lyric/v1", json!({"id": 700000098}))
        .await
        .json();
    assert_eq!(r["pureMusic"], true);
    assert_eq!(r["code"], 200);
    assert_eq!(r["lrc"]["lyric"], "[00:05.00]纯音乐，请欣赏\n");
    assert!(r.get("yrc").is_none() && r.get("nolyric").is_none());
    assert_eq!(
        c.eapi("/api/song/lyric", json!({"id": "abc"})).await.code(),
        400
    );
}

/// With the anti-cheat demand on, a comment post without a token gets the -462 verification
/// answer (fidelity row N12); a token in the header or the body passes.
#[tokio::test]
async fn comment_posts_can_demand_an_anti_cheat_token() {
    let fake = fake().await;
    let user = Client::logged_in(&fake);
    let add = "/api/resource/comments/add";
    let post = json!({"threadId": "R_SO_4_33894312", "content": "hi"});
    assert_eq!(
        user.weapi(add, post.clone()).await.code(),
        200,
        "off by default"
    );

    fake.netease().demand_anti_cheat_token(true);
    let refused = user.weapi(add, post.clone()).await.json();
    assert_eq!(refused["code"], -462);
    assert!(refused["data"]["verifyToken"].is_string());
    assert!(refused["data"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://st.music.163.com/encrypt-pages?"));
    let reply = json!({"threadId": "R_SO_4_33894312", "content": "yes", "commentId": "1"});
    assert_eq!(
        user.weapi("/api/resource/comments/reply", reply)
            .await
            .code(),
        -462
    );
    let anon = Client::new(&fake);
    assert_eq!(
        anon.weapi(add, post.clone()).await.code(),
        301,
        "login first"
    );

    let token = [("X-antiCheatToken", "9ca17ae2e6ffcda170e2e6ee")];
    assert_eq!(user.weapi_with(add, post.clone(), &token).await.code(), 200);
    let mut in_body = post.clone();
    in_body["checkToken"] = json!("9ca17ae2e6ffcda170e2e6ee");
    assert_eq!(user.weapi(add, in_body).await.code(), 200);
    assert_eq!(
        user.weapi_with(add, post, &[("X-antiCheatToken", "")])
            .await
            .code(),
        -462
    );
}

#[tokio::test]
async fn comments_post_and_read() {
    let fake = fake().await;
    let user = Client::logged_in(&fake);
    let anon = Client::new(&fake);
    let path = "/api/v1/resource/comments/R_SO_4_33894312";
    let before = anon
        .weapi(
            path,
            json!({"rid": "R_SO_4_33894312", "limit": 20, "offset": 0}),
        )
        .await
        .json();
    assert_eq!(before["code"], 200);
    assert_eq!(before["hotComments"].as_array().unwrap().len(), 2);

    let add = "/api/resource/comments/add";
    assert_eq!(
        anon.weapi(add, json!({"threadId": "R_SO_4_33894312", "content": "hi"}))
            .await
            .code(),
        301
    );
    assert_eq!(
        user.weapi(add, json!({"threadId": "R_SO_4_33894312", "content": ""}))
            .await
            .json(),
        json!({"code": 400})
    );
    let long = "长".repeat(1001);
    assert_eq!(
        user.weapi(add, json!({"threadId": "R_SO_4_33894312", "content": long}))
            .await
            .code(),
        400
    );
    let r1 = user
        .weapi(
            add,
            json!({"threadId": "R_SO_4_33894312", "content": "first <b>"}),
        )
        .await
        .json();
    assert_eq!(r1["code"], 200);
    assert_eq!(r1["comment"]["user"]["nickname"], "大不6仙");
    let r2 = user
        .eapi(
            add,
            json!({"threadId": "R_SO_4_33894312", "content": "second"}),
        )
        .await
        .json();
    assert!(r2["comment"]["commentId"].as_u64() > r1["comment"]["commentId"].as_u64());

    let page = anon
        .eapi(path, json!({"limit": 3, "offset": 0}))
        .await
        .json();
    let cs = page["comments"].as_array().unwrap();
    assert_eq!(cs.len(), 3);
    assert_eq!(cs[0]["content"], "second");
    assert_eq!(cs[1]["content"], "first <b>");
    assert_eq!(
        page["total"].as_u64(),
        before["total"].as_u64().map(|t| t + 2)
    );
    let page2 = anon
        .eapi(path, json!({"limit": 3, "offset": 3}))
        .await
        .json();
    assert!(page2.get("hotComments").is_none());
    assert_eq!(page2["comments"].as_array().unwrap().len(), 1);
    assert_eq!(page2["more"], false);
    // Other songs' threads are untouched.
    let other = anon
        .eapi("/api/v1/resource/comments/R_SO_4_1", json!({}))
        .await
        .json();
    assert_eq!(other["comments"].as_array().unwrap().len(), 2);
}

/// Comment reads name their thread in the path and, each reference its own way, in the
/// parameters (fidelity row N11): NCMA's `rid` (the song id), chaunsin's `threadId`, and Duet's
/// eapi form before them (`rid` = the thread). Whatever is named must be the path's thread.
#[tokio::test]
async fn comment_reads_name_the_thread_of_their_path() {
    let fake = fake().await;
    let anon = Client::new(&fake);
    let path = "/api/v1/resource/comments/R_SO_4_33894312";
    let ok = [
        json!({"rid": "33894312", "threadId": "R_SO_4_33894312", "limit": 20, "offset": 0, "beforeTime": 0}),
        json!({"rid": 33894312, "limit": 20, "offset": 0}),
        json!({"threadId": "R_SO_4_33894312", "limit": "20", "offset": "0", "beforeTime": "0"}),
    ];
    for params in ok {
        assert_eq!(
            anon.weapi(path, params.clone()).await.code(),
            200,
            "{params}"
        );
    }
    let before = json!({"rid": "R_SO_4_33894312", "limit": 20, "offset": 0, "beforeTime": 0});
    assert_eq!(
        anon.eapi(path, before).await.code(),
        200,
        "the eapi form before"
    );
    let refused = [
        json!({"rid": "33894313"}),
        json!({"threadId": "R_SO_4_1"}),
        json!({"rid": "R_SO_4_1", "threadId": "R_SO_4_33894312"}),
        json!({"threadId": "R_SO_4_33894312", "beforeTime": "yesterday"}),
    ];
    for params in refused {
        assert_eq!(
            anon.weapi(path, params.clone()).await.code(),
            400,
            "{params}"
        );
    }
}

#[tokio::test]
async fn unknown_endpoints_and_hosts() {
    let fake = fake().await;
    let c = Client::new(&fake);
    assert_eq!(
        c.eapi("/api/no/such/thing", json!({})).await.json(),
        json!({"code": 404, "message": "not found"})
    );
    let r = reqwest::get(format!("{}/example.com/api/x", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = reqwest::get(format!("{}/music.163.com/index.html", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .eapi(
            "/api/personalized/playlist",
            json!({"limit": 30, "total": true, "n": 1000}),
        )
        .await;
    assert_eq!(r.json()["result"].as_array().unwrap().len(), 3);
}

// ---- e_r --------------------------------------------------------------------------------

#[tokio::test]
async fn e_r_answers_are_encrypted() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let plain = c.eapi("/api/song/lyric", json!({"id": 1})).await.json();
    let r = c
        .eapi_opts("/api/song/lyric", json!({"id": 1}), true, &[])
        .await;
    assert_eq!(r.headers["content-type"], "application/json;charset=UTF-8");
    assert!(serde_json::from_slice::<Value>(&r.bytes).is_err());
    let dec = crypto::eapi_decrypt_response(&r.bytes, false).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&dec).unwrap(), plain);

    let r = c
        .eapi_opts(
            "/api/song/lyric",
            json!({"id": 1}),
            true,
            &[("x-aeapi", "true")],
        )
        .await;
    let dec = crypto::eapi_decrypt_response(&r.bytes, true).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&dec).unwrap(), plain);

    // Faults are encrypted too.
    fake.fail(Fault::new(FaultKind::RateLimit));
    let r = c
        .eapi_opts("/api/song/lyric", json!({"id": 1}), true, &[])
        .await;
    let dec = crypto::eapi_decrypt_response(&r.bytes, false).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&dec).unwrap()["code"], 405);
}

// ---- faults -----------------------------------------------------------------------------

#[tokio::test]
async fn every_fault_kind() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let path = "/api/song/lyric";
    let call = || c.eapi(path, json!({"id": 1}));
    for (kind, code) in [
        (FaultKind::RiskControl, -462),
        (FaultKind::RiskControlVerify, -462),
        (FaultKind::Verification, 8821),
        (FaultKind::RateLimit, 405),
        (FaultKind::Cheating, -460),
        (FaultKind::NotLoggedIn, 301),
    ] {
        fake.netease().fail(Fault::new(kind).path("/song/lyric"));
        let r = call().await;
        assert_eq!((r.status, r.code()), (200, code), "{kind:?}");
        assert_eq!(call().await.code(), 200, "{kind:?} is used up");
    }
    let verify = {
        fake.fail(Fault::new(FaultKind::RiskControlVerify));
        call().await.json()
    };
    assert!(verify["data"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://st.music.163.com"));

    fake.fail(Fault::new(FaultKind::ServerError).times(2));
    for _ in 0..2 {
        let r = call().await;
        assert_eq!(r.status, 500);
        assert!(r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(String::from_utf8_lossy(&r.bytes).contains("nginx"));
    }
    assert_eq!(call().await.status, 200);

    let whole = call().await.bytes;
    fake.fail(Fault::new(FaultKind::Truncated));
    let r = call().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.bytes, whole[..whole.len() / 2]);
    assert!(serde_json::from_slice::<Value>(&r.bytes).is_err());

    fake.fail(Fault::new(FaultKind::Slow).delay(Duration::from_millis(300)));
    let t = std::time::Instant::now();
    assert_eq!(call().await.code(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300));

    // A filter that does not match leaves the request alone.
    fake.fail(Fault::new(FaultKind::RateLimit).path("/cloudsearch"));
    assert_eq!(call().await.code(), 200);
    assert_eq!(fake.netease().pending_faults().len(), 1);
    assert_eq!(
        c.eapi("/api/cloudsearch/pc", json!({"s": "a"}))
            .await
            .code(),
        405
    );

    // Truncated audio.
    fake.fail(Fault::new(FaultKind::Truncated).path("/fake/"));
    let r = reqwest::get(format!("{}/m701.music.126.net/fake/1.mp3", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let full = reqwest::get(format!("{}/m701.music.126.net/fake/1.mp3", fake.base_url()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    assert!(r.bytes().await.unwrap().len() <= full / 2 + 1);
}

// ---- robustness ---------------------------------------------------------------------------

#[tokio::test]
async fn garbage_never_gets_a_500() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let junk_bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"params=".to_vec(),
        b"params=%ZZ".to_vec(),
        b"params=0".to_vec(),
        b"params=GG".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x80],
        b"params=AAAA&encSecKey=".to_vec(),
        b"params=====&encSecKey=zz".to_vec(),
        b"eparams=00".to_vec(),
        b"eparams=&params=&&&=&=".to_vec(),
        b"c=%5B%7B%22id%22%3A1e400%7D%5D".to_vec(),
        b"ids=%5B1e400%5D&id=-0&limit=99999999999999999999&offset=-5".to_vec(),
        "s=\u{0}&type=1000000&c=[[[[".as_bytes().to_vec(),
        vec![b'a'; 100_000],
    ];
    // Valid ciphertexts of hostile plaintexts.
    let hostile = [
        "",
        "null",
        "[]",
        "\"str\"",
        r#"{"header":5,"e_r":"yes"}"#,
        r#"{"c":123,"ids":{},"id":1e300,"limit":-1,"s":null}"#,
    ];
    let paths = [
        "eapi/song/lyric",
        "eapi/v3/song/detail",
        "weapi/song/enhance/player/url/v1",
        "api/linux/forward",
        "api/v3/song/detail",
        "api/cloudsearch/pc",
        "api/v1/resource/comments/R_SO_4_x",
        "api/login/qrcode/client/login",
        "eapi/",
        "weapi",
        "api//x",
    ];
    let mut sent = 0;
    for host in ["music.163.com", API_HOST, "m701.music.126.net"] {
        for p in paths {
            for body in &junk_bodies {
                let r = c
                    .http
                    .post(format!("{}/{host}/{p}", fake.base_url()))
                    .header(COOKIE, c.cookie_header())
                    .header(USER_AGENT, PC_UA)
                    .header(REFERER, "https://music.163.com/")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().as_u16() < 500, "{host}/{p}: {}", r.status());
                sent += 1;
            }
        }
    }
    for text in hostile {
        for path in [
            "/api/song/lyric",
            "/api/v3/song/detail",
            "/api/cloudsearch/pc",
            "/api/song/enhance/player/url/v1",
            "/api/user/playlist",
        ] {
            let hex = crypto::eapi_encrypt(path, text);
            let r = c.eapi_raw(path, &hex, &[]).await;
            assert!(r.status < 500);
            let form = crypto::weapi_encrypt(text, DEFAULT_WEAPI_TEST_SECRET);
            let r = c.weapi_raw(path, form.to_form_body(), true).await;
            assert!(r.status < 500);
            // And with a valid identity but hostile params.
            if let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(text) {
                m.insert("header".into(), c.eapi_header());
                let r = c.eapi(path, Value::Object(m)).await;
                assert_eq!(r.status, 200);
                assert!(matches!(r.code(), 200 | 400), "{path} {text}: {}", r.code());
            }
            sent += 2;
        }
    }
    assert!(sent > 400);
    // Control routes reject junk with 4xx too.
    let r = c
        .http
        .post(format!("{}/__fake/fail", fake.base_url()))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .http
        .post(format!("{}/__fake/fail", fake.base_url()))
        .body(r#"{"kind":"explode"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

// ---- control over HTTP --------------------------------------------------------------------

#[tokio::test]
async fn http_control_routes() {
    let fake = fake().await;
    let base = fake.base_url();
    let http = reqwest::Client::new();
    let c = Client::new(&fake);
    let key = c
        .eapi("/api/login/qrcode/unikey", json!({"type": 3}))
        .await
        .json()["unikey"]
        .as_str()
        .unwrap()
        .to_owned();

    let list: Value = http
        .get(format!("{base}/__fake/netease/qr"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["key"], key.as_str());
    assert_eq!(list[0]["state"], "waiting");
    for (action, state) in [("scan", "scanned"), ("confirm", "confirmed")] {
        let r: Value = http
            .post(format!("{base}/__fake/netease/qr/{key}/{action}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["state"], state);
    }
    let r = http
        .post(format!("{base}/__fake/netease/qr/nope/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .eapi(
            "/api/login/qrcode/client/login",
            json!({"key": key, "type": 3}),
        )
        .await;
    assert_eq!(r.code(), 803);
    let r = http
        .post(format!("{base}/__fake/netease/qr/{key}/expire"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let live: Value = http
        .get(format!("{base}/__fake/netease/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(live["live"], 1);
    let issued: Value = http
        .post(format!("{base}/__fake/netease/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issued["MUSIC_U"].as_str().unwrap().len(), 128);
    http.post(format!("{base}/__fake/netease/sessions/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(fake.netease().live_sessions(), 0);

    let r = http
        .post(format!("{base}/__fake/fail"))
        .body(r#"{"kind":"rate_limit","path_contains":"/cloudsearch","times":2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    for _ in 0..2 {
        assert_eq!(
            c.eapi("/api/cloudsearch/pc", json!({"s": "a"}))
                .await
                .code(),
            405
        );
    }
    assert_eq!(
        c.eapi("/api/cloudsearch/pc", json!({"s": "a"}))
            .await
            .code(),
        200
    );
    http.post(format!("{base}/__fake/fail"))
        .body(r#"{"kind":"slow","delay_ms":200}"#)
        .send()
        .await
        .unwrap();
    let pending: Value = http
        .get(format!("{base}/__fake/fail"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pending[0]["delay_ms"], 200);
    http.delete(format!("{base}/__fake/fail"))
        .send()
        .await
        .unwrap();
    assert!(fake.netease().pending_faults().is_empty());

    let reqs: Value = http
        .get(format!("{base}/__fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reqs = reqs.as_array().unwrap();
    assert!(reqs
        .iter()
        .any(|r| r["logical_path"] == "/api/cloudsearch/pc"
            && r["code"] == 405
            && r["transport"] == "eapi"));
    assert!(reqs.iter().all(|r| r["host"] == API_HOST));
    http.delete(format!("{base}/__fake/requests"))
        .send()
        .await
        .unwrap();
    assert!(fake.requests().is_empty());
}
