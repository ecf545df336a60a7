//! The QQ Music fake, exercised over real HTTP the way `duet-qqmusic` talks to it
//! (`docs/qqmusic-wire.md`).

use std::time::Duration;

use duet_fake_upstream::qq::{
    GENERATED_PLAYLIST_BASE, HOSTILE_PLAYLIST_ID, SONG_BROKEN_QRC, SONG_INSTRUMENTAL,
    SONG_LRC_ONLY, SONG_MEDIA_MID_DIFFERS, SONG_NO_CRYPT_FIELD, SONG_NO_FLAC, SONG_PURE_MUSIC,
    SONG_QRC_FULL, SONG_TRIAL_ONLY, SONG_VIP_ONLY,
};
use duet_fake_upstream::{
    FakeConfig, FakeUpstream, Fault, FaultKind, QqAccount, QqLoginMethod, QqQrState, Transport,
};
use duet_qqmusic::{ptui, qrc, sign, tokens};
use reqwest::header::{HeaderMap, CONTENT_TYPE, COOKIE, LOCATION, RANGE, REFERER, SET_COOKIE};
use serde_json::{json, Map, Value};

const UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const QQ_ID: u64 = 123_456_789;
const PTQRSHOW: &str = "ssl.ptlogin2.qq.com/ptqrshow?appid=716027609&e=2&l=M&s=3&d=72&v=4&t=0.5&daid=383&pt_3rd_aid=100497308";
const WX_APPID: &str = "wx48db31d50e334801";

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
                String::from_utf8_lossy(&self.bytes[..self.bytes.len().min(300)])
            )
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
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
            let (n, v) = c.split(';').next()?.split_once('=')?;
            (n == name).then(|| v.to_owned())
        })
    }

    fn location(&self) -> String {
        self.headers
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

/// A logged-in identity: what the client keeps.
#[derive(Clone, Debug)]
struct Cred {
    musicid: u64,
    key: String,
    tme: &'static str,
}

impl Cred {
    fn issued(fake: &FakeUpstream, account: QqAccount) -> Self {
        let s = fake.qq().issue_session(account);
        Cred {
            musicid: s.musicid,
            key: s.musickey,
            tme: if account == QqAccount::Qq { "2" } else { "1" },
        }
    }

    fn cookie(&self) -> String {
        format!(
            "uin={}; qqmusic_key={k}; qm_keyst={k}",
            self.musicid,
            k = self.key
        )
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
}

/// One envelope item: (key, module, method, param).
type Item<'a> = (&'a str, &'a str, &'a str, Value);

fn comm(cred: Option<&Cred>) -> Value {
    let g = tokens::g_tk(cred.map(|c| c.key.as_str()));
    let mut c = json!({
        "cv": 4_747_474, "ct": 24, "format": "json", "inCharset": "utf-8",
        "outCharset": "utf-8", "notice": 0, "platform": "yqq.json", "needNewCode": 1,
        "uin": cred.map_or(0, |c| c.musicid), "g_tk_new_20200303": g, "g_tk": g
    });
    if let Some(cr) = cred {
        c["tmeLoginType"] = json!(cr.tme);
    }
    c
}

fn envelope(comm: Value, items: &[Item<'_>]) -> Vec<u8> {
    let mut m = Map::new();
    m.insert("comm".into(), comm);
    for (k, module, method, param) in items {
        m.insert(
            (*k).into(),
            json!({"module": module, "method": method, "param": param}),
        );
    }
    serde_json::to_vec(&Value::Object(m)).unwrap()
}

impl Client {
    fn new(fake: &FakeUpstream) -> Self {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: fake.base_url(),
        }
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Resp {
        let r = rb.header("user-agent", UA).send().await.unwrap();
        Resp {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            bytes: r.bytes().await.unwrap().to_vec(),
        }
    }

    async fn get(&self, host_path: &str, cookie: Option<&str>) -> Resp {
        let mut rb = self.http.get(format!("{}/{host_path}", self.base));
        if let Some(c) = cookie {
            rb = rb.header(COOKIE, c);
        }
        self.send(rb.header(REFERER, "https://y.qq.com/")).await
    }

    async fn post(&self, host_path: &str, body: Vec<u8>, cookie: Option<&str>) -> Resp {
        let mut rb = self
            .http
            .post(format!("{}/{host_path}", self.base))
            .header(CONTENT_TYPE, "application/json")
            .header(REFERER, "https://y.qq.com/")
            .header("origin", "https://y.qq.com")
            .body(body);
        if let Some(c) = cookie {
            rb = rb.header(COOKIE, c);
        }
        self.send(rb).await
    }

    /// Signed `musics.fcg` (zzc over the exact bytes), with the login cookies of `cred`.
    async fn musics(&self, cred: Option<&Cred>, items: &[Item<'_>]) -> Value {
        let body = envelope(comm(cred), items);
        self.musics_raw(&body, &sign::zzc(&body), cred).await.json()
    }

    async fn musics_raw(&self, body: &[u8], sign: &str, cred: Option<&Cred>) -> Resp {
        let cookie = cred.map(Cred::cookie);
        self.post(
            &format!("u6.y.qq.com/cgi-bin/musics.fcg?_=1700000000000&sign={sign}"),
            body.to_vec(),
            cookie.as_deref(),
        )
        .await
    }

    /// One signed item; returns the item object.
    /// One anonymous `GetPlayLyricInfo` item.
    async fn lyric(&self, param: Value) -> Value {
        self.item(None, LYRIC.0, LYRIC.1, param).await
    }

    async fn item(&self, cred: Option<&Cred>, module: &str, method: &str, param: Value) -> Value {
        let env = self.musics(cred, &[("req_0", module, method, param)]).await;
        assert_eq!(env["code"], 0, "{env}");
        env["req_0"].clone()
    }
}

async fn fake() -> FakeUpstream {
    FakeUpstream::spawn(FakeConfig::default()).await.unwrap()
}

fn query_param(url: &str, key: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn decrypt(hex: &Value) -> String {
    qrc::decrypt_hex(hex.as_str().unwrap()).unwrap()
}

// ---- QQ QR login --------------------------------------------------------------------------

async fn ptqrlogin(c: &Client, qrsig: Option<&str>, token: u32) -> Resp {
    let path = format!(
        "ssl.ptlogin2.qq.com/ptqrlogin?u1=https%3A%2F%2Fgraph.qq.com%2Foauth2.0%2Flogin_jump&ptqrtoken={token}&ptredirect=0&h=1&t=1&g=1&from_ui=1&ptlang=2052&action=0-0-1700000000000&js_ver=20102616&js_type=1&pt_uistyle=40&aid=716027609&daid=383&pt_3rd_aid=100497308&has_onekey=1"
    );
    let cookie = qrsig.map(|q| format!("qrsig={q}"));
    c.get(&path, cookie.as_deref()).await
}

fn ptui_args(r: &Resp) -> Vec<String> {
    ptui::parse_ptui_cb(&r.text()).unwrap_or_else(|| panic!("not ptuiCB: {}", r.text()))
}

fn authorize_form(g_tk: u32, client_id: &str) -> String {
    format!(
        "response_type=code&client_id={client_id}&redirect_uri=https%3A%2F%2Fy.qq.com%2Fportal%2Fwx_redirect.html%3Flogin_type%3D1%26surl%3Dhttps%3A%2F%2Fy.qq.com%2F&scope=get_user_info%2Cget_app_friends&state=state&switch=&from_ptlogin=1&src=1&update_auth=1&openapi=1010_1030&g_tk={g_tk}&auth_time=1700000000000&ui=3F2504E0-4F89-11D3-9A0C-0305E82C3301"
    )
}

async fn authorize(c: &Client, cookie: &str, form: String) -> Resp {
    let rb = c
        .http
        .post(format!("{}/graph.qq.com/oauth2.0/authorize", c.base))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(COOKIE, cookie)
        .body(form);
    c.send(rb).await
}

#[tokio::test]
async fn qq_qr_login_chain() {
    let fake = fake().await;
    let c = Client::new(&fake);

    // Step 1: the QR image and its qrsig.
    let bad = c
        .get(
            "ssl.ptlogin2.qq.com/ptqrshow?appid=1&daid=383&pt_3rd_aid=100497308",
            None,
        )
        .await;
    assert_eq!(bad.status, 400);
    let show = c.get(PTQRSHOW, None).await;
    assert_eq!(show.status, 200);
    assert_eq!(show.headers[CONTENT_TYPE], "image/png");
    assert!(show.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let qrsig = show.cookie("qrsig").unwrap();
    assert_eq!(qrsig.len(), 64);
    assert!(qrsig
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'-'));
    assert!(show.set_cookies()[0].contains("Domain=ptlogin2.qq.com"));
    let token = tokens::ptqrtoken(&qrsig);

    // Step 2: the poll checks the cookie and the token.
    let r = ptqrlogin(&c, None, token).await;
    assert_eq!(r.status, 400);
    assert_eq!(ptui_args(&r)[0], "10006");
    assert_eq!(ptqrlogin(&c, Some(&qrsig), token ^ 1).await.status, 400);
    assert_eq!(
        ptqrlogin(&c, Some("unknown"), tokens::ptqrtoken("unknown"))
            .await
            .status,
        400
    );
    let r = ptqrlogin(&c, Some(&qrsig), token).await;
    assert_eq!((r.status, ptui_args(&r)[0].as_str()), (200, "66"));
    let pending = fake.qq().pending_qr();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].method, pending[0].id.as_str(), pending[0].state),
        (QqLoginMethod::Qq, qrsig.as_str(), QqQrState::Waiting)
    );
    assert!(fake.qq().scan(&qrsig));
    assert_eq!(
        ptui_args(&ptqrlogin(&c, Some(&qrsig), token).await)[0],
        "67"
    );
    assert!(fake.qq().confirm(&qrsig));
    let r = ptqrlogin(&c, Some(&qrsig), token).await;
    let args = ptui_args(&r);
    assert_eq!(args[0], "0");
    assert_eq!(args[4], "登录成功！");
    assert_eq!(args[5], QqAccount::Qq.nick());
    let check_sig = args[2].clone();
    let (uin, ptsigx) = ptui::check_sig_params(&check_sig).unwrap();
    assert_eq!(uin, QQ_ID.to_string());
    assert_eq!(ptsigx.len(), 128);
    assert!(check_sig.starts_with("https://ssl.ptlogin2.graph.qq.com/check_sig?pttype=1&uin="));
    assert!(check_sig.contains("pt_3rd_aid=100497308"));
    // The QR is used up.
    assert_eq!(
        ptui_args(&ptqrlogin(&c, Some(&qrsig), token).await)[0],
        "65"
    );
    assert_eq!(fake.qq().qr_state(&qrsig), Some(QqQrState::Spent));

    // Step 3: check_sig, once.
    let via_fake = check_sig.replacen("https://", "", 1);
    let r = c.get(&via_fake, None).await;
    assert_eq!(r.status, 302);
    assert_eq!(r.location(), "https://graph.qq.com/oauth2.0/login_jump");
    let names: Vec<String> = r
        .set_cookies()
        .iter()
        .map(|c| c.split('=').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "p_skey",
            "p_uin",
            "pt4_token",
            "pt_oauth_token",
            "skey",
            "uin",
            "superuin"
        ]
    );
    assert!(r
        .set_cookies()
        .iter()
        .all(|c| c.contains("Domain=qq.com; Path=/; Expires=")));
    assert_eq!(r.cookie("p_uin").unwrap(), format!("o0{QQ_ID}"));
    let p_skey = r.cookie("p_skey").unwrap();
    let jar: String = r
        .set_cookies()
        .iter()
        .map(|c| c.split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let again = c.get(&via_fake, None).await;
    assert_eq!(again.status, 200);
    assert!(again.set_cookies().is_empty());
    assert!(again.text().contains("<html>"));

    // Step 4: authorize checks p_skey's g_tk and the client id.
    let g_tk = tokens::hash33(&p_skey, 5381);
    let error_location = "https://graph.qq.com/oauth2.0/show?which=error&display=pc&error=100044";
    let r = authorize(&c, &jar, authorize_form(g_tk.wrapping_add(1), "100497308")).await;
    assert_eq!((r.status, r.location().as_str()), (302, error_location));
    let r = authorize(&c, &jar, authorize_form(g_tk, "101")).await;
    assert_eq!(r.location(), error_location);
    let r = authorize(
        &c,
        "p_skey=nope; p_uin=o0123456789",
        authorize_form(g_tk, "100497308"),
    )
    .await;
    assert_eq!(r.location(), error_location);
    let r = authorize(&c, &jar, authorize_form(g_tk, "100497308")).await;
    assert_eq!(r.status, 302);
    let loc = r.location();
    assert!(
        loc.starts_with(
            "https://y.qq.com/portal/wx_redirect.html?login_type=1&surl=https://y.qq.com/&code="
        ),
        "{loc}"
    );
    assert!(loc.ends_with("&state=state"));
    let code = loc
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();

    // Step 5: the code exchange, once.
    let body = envelope(
        json!({"g_tk": 5381, "platform": "yqq", "ct": 24, "cv": 0, "tmeLoginType": "2"}),
        &[(
            "req",
            "QQConnectLogin.LoginServer",
            "QQLogin",
            json!({"code": code}),
        )],
    );
    let r = c.musics_raw(&body, &sign::zzc(&body), None).await;
    let item = &r.json()["req"];
    assert_eq!(item["code"], 0, "{item}");
    let d = &item["data"];
    assert_eq!(d["musicid"], QQ_ID);
    assert_eq!(d["str_musicid"], QQ_ID.to_string());
    assert_eq!(d["loginType"], 2);
    assert_eq!(d["keyExpiresIn"], 259_200);
    assert_eq!(
        d["expired_at"].as_i64().unwrap() - d["musickeyCreateTime"].as_i64().unwrap(),
        7 * 86_400
    );
    let key = d["musickey"].as_str().unwrap().to_owned();
    assert!(key.starts_with("Q_H_L_"));
    assert_eq!(r.cookie("qqmusic_key").unwrap(), key);
    assert_eq!(r.cookie("qm_keyst").unwrap(), key);
    assert_eq!(r.cookie("uin").unwrap(), QQ_ID.to_string());
    assert_eq!(r.cookie("tmeLoginType").unwrap(), "2");
    assert_eq!(r.cookie("euin").unwrap(), QqAccount::Qq.encrypt_uin());
    let reused = c.musics_raw(&body, &sign::zzc(&body), None).await.json();
    assert_eq!(reused["req"]["code"], 104_400);

    // The key works.
    let cred = Cred {
        musicid: QQ_ID,
        key,
        tme: "2",
    };
    let me = c
        .item(
            Some(&cred),
            "music.UserInfo.userInfoServer",
            "GetLoginUserInfo",
            json!({}),
        )
        .await;
    assert_eq!(me["code"], 0);
    assert_eq!(me["data"]["uin"], QQ_ID);
    assert_eq!(me["data"]["nick"], QqAccount::Qq.nick());
    assert_eq!(fake.qq().live_sessions(), 1);
}

/// A QQ QR login up to the OAuth code (steps 1–4, the control API playing the phone).
async fn qq_oauth_code(fake: &FakeUpstream, c: &Client) -> String {
    let qrsig = c.get(PTQRSHOW, None).await.cookie("qrsig").unwrap();
    assert!(fake.qq().confirm(&qrsig));
    let args = ptui_args(&ptqrlogin(c, Some(&qrsig), tokens::ptqrtoken(&qrsig)).await);
    let r = c.get(&args[2].replacen("https://", "", 1), None).await;
    let jar: String = r
        .set_cookies()
        .iter()
        .map(|c| c.split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let g_tk = tokens::hash33(&r.cookie("p_skey").unwrap(), 5381);
    let loc = authorize(c, &jar, authorize_form(g_tk, "100497308"))
        .await
        .location();
    loc.split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn qq_qr_refused_and_music_login_login_also_takes_qq_codes() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let qrsig = c.get(PTQRSHOW, None).await.cookie("qrsig").unwrap();
    let token = tokens::ptqrtoken(&qrsig);
    assert!(fake.qq().refuse(&qrsig));
    assert_eq!(
        ptui_args(&ptqrlogin(&c, Some(&qrsig), token).await)[0],
        "68"
    );
    assert!(!fake.qq().confirm(&qrsig));
    let qrsig = c.get(PTQRSHOW, None).await.cookie("qrsig").unwrap();
    assert!(fake.qq().expire(&qrsig));
    let r = ptqrlogin(&c, Some(&qrsig), tokens::ptqrtoken(&qrsig)).await;
    assert_eq!(ptui_args(&r)[0], "65");
    assert_eq!(ptui_args(&r)[4], "二维码已失效。");

    // A QQ code through music.login.LoginServer / Login works; presented as a WeChat code
    // it does not (and is not used up by the attempt).
    let code = qq_oauth_code(&fake, &c).await;
    let as_wechat = c
        .item(
            None,
            "music.login.LoginServer",
            "Login",
            json!({"code": code, "strAppid": WX_APPID}),
        )
        .await;
    assert_eq!(as_wechat["code"], 104_400);
    let item = c
        .item(
            None,
            "music.login.LoginServer",
            "Login",
            json!({"code": code}),
        )
        .await;
    assert_eq!(item["code"], 0);
    assert_eq!(item["data"]["musicid"], QQ_ID);
    assert!(item["data"]["musickey"]
        .as_str()
        .unwrap()
        .starts_with("Q_H_L_"));
    // A WeChat code is not a QQ code.
    let uuid = wx_uuid(&c).await;
    assert!(fake.qq().confirm(&uuid));
    let (_, wx_code) = wx_status(&wx_poll(&c, &uuid, None).await);
    let r = c
        .item(
            None,
            "QQConnectLogin.LoginServer",
            "QQLogin",
            json!({"code": wx_code}),
        )
        .await;
    assert_eq!(r["code"], 104_400);
}

// ---- WeChat QR login ----------------------------------------------------------------------

fn qrconnect_path(appid: &str) -> String {
    format!(
        "open.weixin.qq.com/connect/qrconnect?appid={appid}&redirect_uri=https%3A%2F%2Fy.qq.com%2Fportal%2Fwx_redirect.html%3Flogin_type%3D2%26surl%3Dhttps%3A%2F%2Fy.qq.com%2F&response_type=code&scope=snsapi_login&state=STATE&href=https%3A%2F%2Fy.qq.com%2Fmediastyle%2Fmusic_v17%2Fsrc%2Fcss%2Fpopup_wechat.css#wechat_redirect"
    )
}

async fn wx_uuid(c: &Client) -> String {
    let page = c.get(&qrconnect_path(WX_APPID), None).await.text();
    let uuid = page
        .split("uuid=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    assert!(page.contains(&format!(
        "<img class=\"qrcode lightBorder\" src=\"/connect/qrcode/{uuid}\" />"
    )));
    uuid
}

async fn wx_poll(c: &Client, uuid: &str, cookie: Option<&str>) -> Resp {
    let mut rb = c
        .http
        .get(format!(
            "{}/lp.open.weixin.qq.com/connect/l/qrconnect?uuid={uuid}&_=1700000000000",
            c.base
        ))
        .header(REFERER, "https://open.weixin.qq.com/");
    if let Some(ck) = cookie {
        rb = rb.header(COOKIE, ck);
    }
    c.send(rb).await
}

fn wx_status(r: &Resp) -> (u16, String) {
    let t = r.text();
    let code = t
        .strip_prefix("window.wx_errcode=")
        .and_then(|s| s.split(';').next())
        .unwrap_or_else(|| panic!("{t}"))
        .parse()
        .unwrap();
    let wx_code = t
        .split("wx_code='")
        .nth(1)
        .unwrap()
        .trim_end_matches("';")
        .to_owned();
    (code, wx_code)
}

#[tokio::test]
async fn wechat_qr_login_chain() {
    let fake = FakeUpstream::spawn(FakeConfig {
        qr_lifetime: Duration::from_millis(1500),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let c = Client::new(&fake);
    let wrong = c.get(&qrconnect_path("wx0000"), None).await;
    assert_eq!(wrong.status, 200);
    assert!(!wrong.text().contains("uuid="));
    let uuid = wx_uuid(&c).await;
    assert_eq!(uuid.len(), 16);

    let img = c
        .get(&format!("open.weixin.qq.com/connect/qrcode/{uuid}"), None)
        .await;
    assert_eq!(
        (img.status, img.headers[CONTENT_TYPE].to_str().unwrap()),
        (200, "image/jpeg")
    );
    assert_eq!(&img.bytes[..3], &[0xFF, 0xD8, 0xFF]);
    let none = c
        .get("open.weixin.qq.com/connect/qrcode/AAAAAAAAAAAAAAAA", None)
        .await;
    assert_eq!(none.status, 404);

    assert_eq!(wx_poll(&c, &uuid, Some("a=b")).await.status, 400);
    assert_eq!(
        wx_status(&wx_poll(&c, &uuid, None).await),
        (408, String::new())
    );
    assert!(fake.qq().scan(&uuid));
    assert_eq!(wx_status(&wx_poll(&c, &uuid, None).await).0, 404);
    assert!(fake.qq().confirm(&uuid));
    let (status, code) = wx_status(&wx_poll(&c, &uuid, None).await);
    assert_eq!(status, 405);
    assert!(!code.is_empty());
    assert_eq!(wx_status(&wx_poll(&c, &uuid, None).await).0, 402);

    let login = |code: String| json!({"code": code, "strAppid": WX_APPID});
    let wx_comm = json!({"ct": 24, "cv": 4747474, "g_tk": 5381, "uin": 0, "tmeLoginType": "1"});
    let body = envelope(
        wx_comm.clone(),
        &[(
            "req_0",
            "music.login.LoginServer",
            "Login",
            login(code.clone()),
        )],
    );
    let r = c.musics_raw(&body, &sign::zzc(&body), None).await;
    let d = &r.json()["req_0"]["data"];
    assert_eq!(r.json()["req_0"]["code"], 0);
    let musicid = d["musicid"].as_u64().unwrap();
    assert_eq!(musicid, QqAccount::Wechat.musicid());
    assert_eq!(musicid.to_string().len(), 19);
    assert!(musicid.to_string().starts_with("1152921504"));
    assert!(d["musickey"].as_str().unwrap().starts_with("W_X_"));
    assert_eq!(d["loginType"], 1);
    assert_eq!(r.cookie("tmeLoginType").unwrap(), "1");
    let reused = c.musics_raw(&body, &sign::zzc(&body), None).await.json();
    assert_eq!(reused["req_0"]["code"], 104_400);

    // Refused on the phone → 403; a code left alone expires → 402.
    let refused = wx_uuid(&c).await;
    assert!(fake.qq().refuse(&refused));
    assert_eq!(wx_status(&wx_poll(&c, &refused, None).await).0, 403);
    let late = wx_uuid(&c).await;
    assert_eq!(wx_status(&wx_poll(&c, &late, None).await).0, 408);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(wx_status(&wx_poll(&c, &late, None).await).0, 402);
    assert_eq!(fake.qq().qr_state(&late), Some(QqQrState::Expired));
}

#[tokio::test]
async fn wechat_long_poll_holds_until_something_happens() {
    let fake = FakeUpstream::spawn(FakeConfig {
        wx_poll_hold: Duration::from_secs(10),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let c = Client::new(&fake);
    let uuid = wx_uuid(&c).await;
    let qq = fake.qq().clone();
    let id = uuid.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        qq.scan(&id);
    });
    let t = std::time::Instant::now();
    assert_eq!(wx_status(&wx_poll(&c, &uuid, None).await).0, 404);
    let held = t.elapsed();
    assert!(
        held >= Duration::from_millis(250) && held < Duration::from_secs(5),
        "{held:?}"
    );
}

#[tokio::test]
async fn demo_mode_confirms_both_qr_kinds_by_themselves() {
    let fake = FakeUpstream::spawn(FakeConfig {
        demo: true,
        // Scanned for 2 s: long enough for a poll to see it on a loaded machine.
        demo_scan_after: Duration::from_millis(100),
        demo_confirm_after: Duration::from_secs(2),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let c = Client::new(&fake);
    let qrsig = c.get(PTQRSHOW, None).await.cookie("qrsig").unwrap();
    let token = tokens::ptqrtoken(&qrsig);
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let code = ptui_args(&ptqrlogin(&c, Some(&qrsig), token).await)[0].clone();
        if seen.last() != Some(&code) {
            seen.push(code.clone());
        }
        if code == "0" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert_eq!(seen, ["66", "67", "0"]);

    let uuid = wx_uuid(&c).await;
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let (code, _) = wx_status(&wx_poll(&c, &uuid, None).await);
        if seen.last() != Some(&code) {
            seen.push(code);
        }
        if code == 405 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert_eq!(seen, [408, 404, 405]);
}

// ---- envelope: signs, sessions ------------------------------------------------------------

const USER_INFO: (&str, &str) = ("music.UserInfo.userInfoServer", "GetLoginUserInfo");
const DETAIL: (&str, &str) = ("music.pf_song_detail_svr", "get_song_detail_yqq");

#[tokio::test]
async fn signs_and_the_unsigned_endpoint() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let items = [
        (
            "req_0",
            DETAIL.0,
            DETAIL.1,
            json!({"song_mid": SONG_QRC_FULL}),
        ),
        ("req_1", DETAIL.0, DETAIL.1, json!({"song_id": 97773})),
    ];
    let body = envelope(comm(None), &items);

    // Good zzc, good zzb.
    for s in [sign::zzc(&body), sign::zzb(&body)] {
        let env = c.musics_raw(&body, &s, None).await.json();
        assert_eq!(env["code"], 0);
        assert_eq!(env["req_0"]["data"]["track_info"]["name"], "晴天");
        assert_eq!(env["req_1"]["data"]["track_info"]["mid"], SONG_QRC_FULL);
        assert_eq!(env["traceid"].as_str().unwrap().len(), 16);
        assert!(env["ts"].as_i64().unwrap() >= env["start_ts"].as_i64().unwrap());
    }
    // Bad or missing sign: every item 2000, the envelope 0.
    let other = sign::zzc(b"{}");
    for s in [other.as_str(), "", "zzcnope"] {
        let env = c.musics_raw(&body, s, None).await.json();
        assert_eq!(env["code"], 0);
        assert_eq!(env["req_0"], json!({"code": 2000}));
        assert_eq!(env["req_1"], json!({"code": 2000}));
    }
    // Re-serialised bytes break the sign.
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    let env = c.musics_raw(&pretty, &sign::zzc(&body), None).await.json();
    assert_eq!(env["req_0"]["code"], 2000);

    // musicu.fcg: no sign needed; the GET form too.
    let env = c
        .post("u.y.qq.com/cgi-bin/musicu.fcg", body.clone(), None)
        .await
        .json();
    assert_eq!(env["req_0"]["code"], 0);
    assert_eq!(env["req_0"]["data"]["track_info"]["id"], 97_773);
    let data: String = url::form_urlencoded::byte_serialize(&body).collect();
    let env = c
        .get(
            &format!("u.y.qq.com/cgi-bin/musicu.fcg?format=json&data={data}"),
            None,
        )
        .await
        .json();
    assert_eq!(
        env["req_1"]["data"]["track_info"]["file"]["media_mid"],
        "003Qui1q2u1Zho"
    );

    // Not JSON → 500001 for the whole batch, whatever the content type.
    for junk in [&b"not json"[..], b"[1,2]", b"", b"{\"comm\":"] {
        let r = c.musics_raw(junk, &sign::zzc(junk), None).await;
        assert_eq!((r.status, r.json()), (200, json!({"code": 500_001})));
    }

    let recorded = fake.qq().requests();
    let signed: Vec<_> = recorded
        .iter()
        .filter(|r| r.transport == Transport::Musics && r.code == Some(0))
        .collect();
    assert_eq!(signed.len(), 4);
    assert!(signed.iter().all(|r| r.call.as_deref()
        == Some("music.pf_song_detail_svr.get_song_detail_yqq")
        && r.host == "u6.y.qq.com"
        && r.logical_path == "/cgi-bin/musics.fcg"));
    assert!(recorded
        .iter()
        .any(|r| r.transport == Transport::Musicu && r.host == "u.y.qq.com"));
}

#[tokio::test]
async fn session_checks() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    let ok = c
        .item(Some(&cred), USER_INFO.0, USER_INFO.1, json!({}))
        .await;
    assert_eq!(ok["data"]["uin"], QQ_ID);

    // Wrong g_tk → 1000.
    let mut bad_comm = comm(Some(&cred));
    bad_comm["g_tk"] = json!(5381);
    let body = envelope(bad_comm, &[("req_0", USER_INFO.0, USER_INFO.1, json!({}))]);
    let env = c
        .musics_raw(&body, &sign::zzc(&body), Some(&cred))
        .await
        .json();
    assert_eq!(env["req_0"]["code"], 1000);
    // comm.uin of another account → 1000.
    let mut other_uin = comm(Some(&cred));
    other_uin["uin"] = json!(42);
    let body = envelope(other_uin, &[("req_0", USER_INFO.0, USER_INFO.1, json!({}))]);
    let env = c
        .musics_raw(&body, &sign::zzc(&body), Some(&cred))
        .await
        .json();
    assert_eq!(env["req_0"]["code"], 1000);
    // No cookie → 1000; an unknown key → 1000.
    assert_eq!(
        c.item(None, USER_INFO.0, USER_INFO.1, json!({})).await["code"],
        1000
    );
    let forged = Cred {
        key: "Q_H_L_forged".into(),
        ..cred.clone()
    };
    assert_eq!(
        c.item(Some(&forged), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        1000
    );
    // A ptlogin-style uin cookie is fine.
    let body = envelope(
        comm(Some(&cred)),
        &[("req_0", USER_INFO.0, USER_INFO.1, json!({}))],
    );
    let r = c
        .post(
            &format!("u6.y.qq.com/cgi-bin/musics.fcg?sign={}", sign::zzc(&body)),
            body,
            Some(&format!("uin=o0{QQ_ID}; qm_keyst={}", cred.key)),
        )
        .await;
    assert_eq!(r.json()["req_0"]["code"], 0);

    // Unknown module/method → 500003 / 860100001; a malformed param → 500003.
    let env = c
        .musics(
            Some(&cred),
            &[
                ("a", "music.nope.Svr", "Nope", json!({})),
                ("b", DETAIL.0, DETAIL.1, json!({"song_id": "x"})),
                ("c", DETAIL.0, DETAIL.1, json!([])),
            ],
        )
        .await;
    assert_eq!(env["a"], json!({"code": 500_003, "subcode": 860_100_001}));
    assert_eq!(env["b"]["code"], 500_003);
    assert_eq!(env["c"]["code"], 500_003);
}

#[tokio::test]
async fn expired_key_refreshes_and_revoked_tokens_do_not() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let s = fake.qq().issue_session(QqAccount::Qq);
    let cred = Cred {
        musicid: s.musicid,
        key: s.musickey.clone(),
        tme: "2",
    };
    assert_eq!(
        c.item(Some(&cred), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        0
    );
    assert_eq!(fake.qq().expire_session(QQ_ID), 1);
    assert_eq!(fake.qq().live_sessions(), 0);
    assert_eq!(
        c.item(Some(&cred), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        1000
    );

    let refresh = json!({
        "openid": s.openid, "access_token": s.access_token, "refresh_token": s.refresh_token,
        "expired_in": s.expired_at, "musicid": s.musicid, "musickey": s.musickey,
        "refresh_key": s.refresh_key, "loginMode": 2
    });
    let bad = {
        let mut r = refresh.clone();
        r["refresh_key"] = json!("wrong");
        r
    };
    assert_eq!(
        c.item(Some(&cred), "music.login.LoginServer", "Login", bad)
            .await["code"],
        104_400
    );
    let item = c
        .item(
            Some(&cred),
            "music.login.LoginServer",
            "Login",
            refresh.clone(),
        )
        .await;
    assert_eq!(item["code"], 0);
    let new_key = item["data"]["musickey"].as_str().unwrap().to_owned();
    assert_ne!(new_key, s.musickey);
    assert!(new_key.starts_with("Q_H_L_"));
    let fresh = Cred {
        key: new_key,
        ..cred.clone()
    };
    assert_eq!(
        c.item(Some(&fresh), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        0
    );
    assert_eq!(
        c.item(Some(&cred), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        1000
    );

    // Logout kills the key.
    let out = c
        .item(Some(&fresh), "music.login.LoginServer", "Logout", json!({}))
        .await;
    assert_eq!(out["code"], 0);
    assert_eq!(
        c.item(Some(&fresh), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        1000
    );

    // WeChat refresh, then revoke: refresh dies too.
    let w = fake.qq().issue_session(QqAccount::Wechat);
    let wcred = Cred {
        musicid: w.musicid,
        key: w.musickey.clone(),
        tme: "1",
    };
    let wrefresh = json!({
        "openid": w.openid, "refresh_token": w.refresh_token, "str_musicid": w.musicid.to_string(),
        "musickey": w.musickey, "unionid": w.unionid, "refresh_key": w.refresh_key, "loginMode": 2
    });
    let item = c
        .item(
            Some(&wcred),
            "music.login.LoginServer",
            "Login",
            wrefresh.clone(),
        )
        .await;
    assert!(item["data"]["musickey"]
        .as_str()
        .unwrap()
        .starts_with("W_X_"));
    fake.qq().revoke_sessions();
    assert_eq!(
        c.item(None, "music.login.LoginServer", "Login", wrefresh)
            .await["code"],
        104_400
    );
}

/// A renewal goes under the old credential (docs/protocol/fidelity-2026-12.md row 2e): without
/// it, or under one that is not the login's, the fake refuses it with 104400 and the tokens stay
/// good for the proper renewal.
#[tokio::test]
async fn a_renewal_needs_the_old_credential() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let s = fake.qq().issue_session(QqAccount::Qq);
    let cred = Cred {
        musicid: s.musicid,
        key: s.musickey.clone(),
        tme: "2",
    };
    fake.qq().expire_session(QQ_ID);
    let refresh = json!({
        "openid": s.openid, "access_token": s.access_token, "refresh_token": s.refresh_token,
        "expired_in": s.expired_at, "musicid": s.musicid, "musickey": s.musickey,
        "refresh_key": s.refresh_key, "loginMode": 2
    });
    let login = |comm: Value| {
        envelope(
            comm,
            &[("req_0", "music.login.LoginServer", "Login", refresh.clone())],
        )
    };
    let refused = |r: Resp| {
        let env = r.json();
        assert_eq!(env["req_0"]["code"], 104_400, "{env}");
    };
    // Anonymous: no cookies, comm.uin 0, g_tk 5381.
    let anonymous = c
        .item(None, "music.login.LoginServer", "Login", refresh.clone())
        .await;
    assert_eq!(anonymous["code"], 104_400, "{anonymous}");
    // The right cookies, but comm anonymous.
    let body = login(comm(None));
    refused(c.musics_raw(&body, &sign::zzc(&body), Some(&cred)).await);
    // The right comm, but no cookies.
    let body = login(comm(Some(&cred)));
    refused(c.musics_raw(&body, &sign::zzc(&body), None).await);
    // g_tk of another key.
    let mut wrong = comm(Some(&cred));
    wrong["g_tk"] = json!(tokens::hash33("Q_H_L_other", 5381));
    let body = login(wrong);
    refused(c.musics_raw(&body, &sign::zzc(&body), Some(&cred)).await);
    // The WeChat login type for a QQ login.
    let body = login(comm(Some(&Cred {
        tme: "1",
        ..cred.clone()
    })));
    refused(c.musics_raw(&body, &sign::zzc(&body), Some(&cred)).await);
    // Another live key of the same account is not this login's credential.
    let other = Cred::issued(&fake, QqAccount::Qq);
    let body = login(comm(Some(&other)));
    refused(c.musics_raw(&body, &sign::zzc(&body), Some(&other)).await);

    // The param names another key than the cookies.
    let mut other_param = refresh.clone();
    other_param["musickey"] = json!(other.key);
    let item = c
        .item(Some(&cred), "music.login.LoginServer", "Login", other_param)
        .await;
    assert_eq!(item["code"], 104_400, "{item}");

    // Under the old (expired) credential it works, once: the old key is retired.
    let renewed = c
        .item(
            Some(&cred),
            "music.login.LoginServer",
            "Login",
            refresh.clone(),
        )
        .await;
    assert_eq!(renewed["code"], 0, "{renewed}");
    assert_ne!(renewed["data"]["musickey"], json!(s.musickey));
    let again = c
        .item(Some(&cred), "music.login.LoginServer", "Login", refresh)
        .await;
    assert_eq!(again["code"], 104_400, "a retired key renews nothing");
    let seen = fake.qq().callers();
    let last = seen.last().unwrap();
    assert_eq!(last.call, "music.login.LoginServer.Login");
    assert_eq!(last.uin_cookie, Some(QQ_ID));
    assert_eq!(last.qqmusic_key.as_deref(), Some(s.musickey.as_str()));
    assert_eq!(last.comm_g_tk, Some(tokens::hash33(&s.musickey, 5381)));
    assert_eq!(last.tme_login_type.as_deref(), Some("2"));
    assert!(!format!("{last:?}").contains(&s.musickey), "{last:?}");
}

// ---- search ---------------------------------------------------------------------------------

const SEARCH: (&str, &str) = ("music.search.SearchCgiService", "DoSearchForQQMusicDesktop");

#[tokio::test]
async fn search_rules() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    let p = |q: &str, t: u64, page: u64, n: u64| json!({"query": q, "search_type": t, "page_num": page, "num_per_page": n, "grp": 1});
    let anon = c.item(None, SEARCH.0, SEARCH.1, p("晴天", 0, 1, 10)).await;
    assert_eq!(anon["code"], 2001);
    assert_eq!(
        anon["data"]["feedbackURL"],
        "https://y.qq.com/wk_v17/common_login.html#/login?QQAppid=100497308"
    );
    assert_eq!(anon["data"]["body"]["song"]["list"], json!([]));

    let r = c
        .item(Some(&cred), SEARCH.0, SEARCH.1, p("晴天", 0, 1, 10))
        .await;
    assert_eq!(r["code"], 0);
    let list = r["data"]["body"]["song"]["list"].as_array().unwrap();
    assert_eq!(list.len(), 10);
    assert_eq!(list[0]["mid"], SONG_QRC_FULL);
    assert_eq!(list[0]["file"]["media_mid"], "003Qui1q2u1Zho");
    // 137, plus the twin catalogue's three other 晴天 (live, instrumental, same title).
    assert_eq!(r["data"]["meta"]["sum"], 140);
    assert_eq!(r["data"]["meta"]["nextpage"], 2);
    let last = c
        .item(Some(&cred), SEARCH.0, SEARCH.1, p("晴天", 0, 14, 10))
        .await;
    assert_eq!(
        last["data"]["body"]["song"]["list"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    assert_eq!(last["data"]["meta"]["nextpage"], -1);

    let five = c
        .item(Some(&cred), SEARCH.0, SEARCH.1, p("晴天", 0, 1, 5))
        .await;
    assert_eq!(five["code"], 0);
    assert_eq!(five["data"]["body"]["song"]["list"], json!([]));
    let mut with_id = p("晴天", 0, 1, 10);
    with_id["searchid"] = json!("123456");
    let sid = c.item(Some(&cred), SEARCH.0, SEARCH.1, with_id).await;
    assert_eq!(sid["data"]["body"]["song"]["list"], json!([]));

    let singers = c
        .item(Some(&cred), SEARCH.0, SEARCH.1, p("李宗盛", 1, 1, 10))
        .await;
    assert_eq!(
        singers["data"]["body"]["singer"]["list"][0]["singerName"],
        "李宗盛"
    );
    let albums = c
        .item(Some(&cred), SEARCH.0, SEARCH.1, p("x", 2, 1, 10))
        .await;
    assert_eq!(
        albums["data"]["body"]["album"]["list"][0]["albumMID"],
        "001DsCdD0eHJ5W"
    );
    let lists = c
        .item(Some(&cred), SEARCH.0, SEARCH.1, p("x", 3, 2, 10))
        .await;
    let dissid: u64 = lists["data"]["body"]["songlist"]["list"][0]["dissid"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(dissid > GENERATED_PLAYLIST_BASE);
    let none = c
        .item(Some(&cred), SEARCH.0, SEARCH.1, p("__nothing__", 0, 1, 10))
        .await;
    assert_eq!(none["data"]["meta"]["sum"], 0);
}

// ---- songs, playlists ---------------------------------------------------------------------

#[tokio::test]
async fn song_detail_and_track_info() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let d = c
        .item(None, DETAIL.0, DETAIL.1, json!({"song_mid": SONG_QRC_FULL}))
        .await;
    assert_eq!(
        d["data"]["info"]["company"]["content"][0]["value"],
        "杰威尔音乐有限公司"
    );
    let d = c
        .item(None, DETAIL.0, DETAIL.1, json!({"song_mid": SONG_NO_FLAC}))
        .await;
    assert_eq!(d["data"]["track_info"]["file"]["size_flac"], 0);
    assert!(
        d["data"]["track_info"]["file"]["size_128mp3"]
            .as_u64()
            .unwrap()
            > 10_000
    );
    let d = c
        .item(
            None,
            DETAIL.0,
            DETAIL.1,
            json!({"song_mid": SONG_TRIAL_ONLY}),
        )
        .await;
    let t = &d["data"]["track_info"];
    assert_eq!(t["pay"]["pay_play"], 1);
    assert_eq!(
        (t["file"]["try_begin"].clone(), t["file"]["try_end"].clone()),
        (json!(30_000), json!(60_000))
    );
    assert!(t["file"]["size_try"].as_u64().unwrap() > 0);
    let d = c
        .item(
            None,
            DETAIL.0,
            DETAIL.1,
            json!({"song_mid": "00000000000000"}),
        )
        .await;
    assert_eq!(d["code"], 500_003);

    let ti = ("music.trackInfo.UniformRuleCtrl", "CgiGetTrackInfo");
    let by_id = c
        .item(None, ti.0, ti.1, json!({"ids": [97773, 900000006, 1], "types": [0, 0, 0], "modify_stamp": [0, 0, 0], "ctx": 0, "client": 1}))
        .await;
    let tracks = by_id["data"]["tracks"].as_array().unwrap();
    assert_eq!(tracks[0]["mid"], SONG_QRC_FULL);
    assert_eq!(tracks[1]["mid"], SONG_MEDIA_MID_DIFFERS);
    assert_eq!(tracks[1]["file"]["media_mid"], "002DuetFileMid");
    assert_eq!(tracks[2]["id"], 0);
    let by_mid = c
        .item(
            None,
            ti.0,
            ti.1,
            json!({"mids": [SONG_LRC_ONLY, "0010JX7W3lWmvS"], "types": [0, 0]}),
        )
        .await;
    assert_eq!(by_mid["data"]["tracks"][0]["id"], 900_000_001);
    assert_eq!(by_mid["data"]["tracks"][1]["name"], "彩虹下面");
}

const DISS: (&str, &str) = ("music.srfDissInfo.aiDissInfo", "uniform_get_Dissinfo");

fn diss(tid: u64, begin: u64, num: u64) -> Value {
    json!({"disstid": tid, "userinfo": 1, "tag": 1, "orderlist": 1, "song_begin": begin,
           "song_num": num, "onlysonglist": 0, "enc_host_uin": ""})
}

#[tokio::test]
async fn playlists_page_to_the_end() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let big = GENERATED_PLAYLIST_BASE + 2500;
    let mut ids = Vec::new();
    let mut begin = 0;
    loop {
        // Asking for more than 1000 gets 1000.
        let r = c.item(None, DISS.0, DISS.1, diss(big, begin, 1500)).await;
        assert_eq!(r["code"], 0);
        let d = &r["data"];
        assert_eq!(d["total_song_num"], 2500);
        assert_eq!(d["dirinfo"]["songnum"], 2500);
        assert_eq!(d["dirinfo"]["id"], big);
        let songs = d["songlist"].as_array().unwrap();
        assert!(songs.len() <= 1000);
        ids.extend(songs.iter().map(|s| s["id"].as_u64().unwrap()));
        begin += songs.len() as u64;
        if d["hasmore"] == 0 {
            break;
        }
        assert!(!songs.is_empty());
    }
    assert_eq!(ids.len(), 2500);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 2500);

    let fixture = c.item(None, DISS.0, DISS.1, diss(211_111, 0, 100)).await;
    assert_eq!(fixture["data"]["dirinfo"]["title"], "百万收藏");
    assert_eq!(fixture["data"]["songlist"][0]["mid"], "000JHYA12lx3kP");

    let hostile = c
        .item(None, DISS.0, DISS.1, diss(HOSTILE_PLAYLIST_ID, 0, 100))
        .await;
    let title = hostile["data"]["dirinfo"]["title"].as_str().unwrap();
    assert!(title.starts_with("<img src=x onerror=alert(1)>"));
    assert!(title.contains('\u{202e}'));
    assert!(title.chars().count() >= 600);
    assert_eq!(hostile["data"]["songlist"].as_array().unwrap().len(), 66);

    assert_eq!(
        c.item(None, DISS.0, DISS.1, diss(12_345, 0, 10)).await["code"],
        500_003
    );
    assert_eq!(
        c.item(None, DISS.0, DISS.1, json!({"disstid": "x"})).await["code"],
        500_003
    );

    // Liked songs need a login.
    let liked = json!({"disstid": 0, "dirid": 201, "song_begin": 0, "song_num": 100,
                       "enc_host_uin": QqAccount::Qq.encrypt_uin()});
    assert_eq!(
        c.item(None, DISS.0, DISS.1, liked.clone()).await["code"],
        1000
    );
    let cred = Cred::issued(&fake, QqAccount::Qq);
    let r = c.item(Some(&cred), DISS.0, DISS.1, liked).await;
    assert_eq!(r["data"]["dirinfo"]["dirid"], 201);
    assert_eq!(r["data"]["dirinfo"]["title"], "我喜欢");
    assert_eq!(r["data"]["songlist"][0]["mid"], SONG_QRC_FULL);
    assert_eq!(r["data"]["login_uin"], QQ_ID);

    // Row 6g of docs/protocol/fidelity-2026-12.md: the sources read dirid 201 through
    // `DissInfo/CgiGetDiss`; the fake serves it the same way, with `songlist_size` = this page.
    const CGI_DISS: (&str, &str) = ("music.srfDissInfo.DissInfo", "CgiGetDiss");
    let page = |begin: u64, num: u64| {
        json!({"disstid": 0, "dirid": 201, "tag": 1, "userinfo": 1, "orderlist": 1,
               "song_begin": begin, "song_num": num, "onlysonglist": 0,
               "enc_host_uin": QqAccount::Qq.encrypt_uin()})
    };
    assert_eq!(
        c.item(None, CGI_DISS.0, CGI_DISS.1, page(0, 2)).await["code"],
        1000
    );
    let first = c
        .item(Some(&cred), CGI_DISS.0, CGI_DISS.1, page(0, 2))
        .await;
    assert_eq!(first["code"], 0);
    assert_eq!(first["data"]["dirinfo"]["dirid"], 201);
    assert_eq!(first["data"]["dirinfo"]["title"], "我喜欢");
    assert_eq!(first["data"]["songlist"][0]["mid"], SONG_QRC_FULL);
    assert_eq!(first["data"]["songlist_size"], 2);
    let total = first["data"]["total_song_num"].as_u64().unwrap();
    assert!(total > 2, "{total}");
    let rest = c
        .item(Some(&cred), CGI_DISS.0, CGI_DISS.1, page(2, 1000))
        .await;
    assert_eq!(rest["data"]["songlist_size"], total - 2);
    assert_eq!(rest["data"]["total_song_num"], total);
    assert_eq!(rest["data"]["hasmore"], 0);
}

#[tokio::test]
async fn account_reads() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let qq = Cred::issued(&fake, QqAccount::Qq);
    let wx = Cred::issued(&fake, QqAccount::Wechat);

    let created = c
        .item(
            Some(&qq),
            "music.musicasset.PlaylistBaseRead",
            "GetPlaylistByUin",
            json!({"uin": QQ_ID.to_string()}),
        )
        .await;
    let lists = created["data"]["v_playlist"].as_array().unwrap();
    assert_eq!(lists[0]["dirId"], 201);
    assert!(lists.iter().any(|p| p["tid"] == HOSTILE_PLAYLIST_ID));
    assert!(lists
        .iter()
        .any(|p| p["tid"] == GENERATED_PLAYLIST_BASE + 2500 && p["songNum"] == 2500));
    assert_eq!(
        c.item(
            None,
            "music.musicasset.PlaylistBaseRead",
            "GetPlaylistByUin",
            json!({"uin": "1"})
        )
        .await["code"],
        1000
    );

    let fav = c
        .item(
            Some(&qq),
            "music.musicasset.PlaylistFavRead",
            "CgiGetPlaylistFavInfo",
            json!({"uin": QqAccount::Qq.encrypt_uin(), "offset": 0, "size": 2}),
        )
        .await;
    assert_eq!(fav["data"]["total"], 3);
    assert_eq!(fav["data"]["hasmore"], 1);
    assert_eq!(fav["data"]["v_list"][0]["tid"], 211_111);
    assert_eq!(fav["data"]["v_list"][0]["name"], "百万收藏");

    let vip = ("VipLogin.VipLoginInter", "vip_login_base");
    assert_eq!(
        c.item(Some(&qq), vip.0, vip.1, json!({})).await["data"]["identity"]["HugeVip"],
        1
    );
    assert_eq!(
        c.item(Some(&wx), vip.0, vip.1, json!({})).await["data"]["identity"]["HugeVip"],
        0
    );
    // Row 6k of docs/protocol/fidelity-2026-12.md: the music level sits under `userinfo`,
    // apart from the VIP membership level `identity.level`.
    let qq_vip = c.item(Some(&qq), vip.0, vip.1, json!({})).await;
    assert_eq!(qq_vip["data"]["userinfo"]["music_level"], 8);
    assert_eq!(qq_vip["data"]["identity"]["level"], 7);
    assert!(qq_vip["data"].get("music_level").is_none());
    fake.qq().set_vip(QqAccount::Wechat, true);
    assert_eq!(
        c.item(Some(&wx), vip.0, vip.1, json!({})).await["data"]["identity"]["vip"],
        1
    );

    let report = ("music.recommend.UserProfileSettingSvr", "GetProfileReport");
    let r = c
        .item(
            Some(&qq),
            report.0,
            report.1,
            json!({"VisitAccount": QqAccount::Qq.encrypt_uin()}),
        )
        .await;
    assert_eq!(
        r["data"]["ListeningReport"]["TopSongs"][0]["Mid"],
        SONG_QRC_FULL
    );
    let r = c
        .item(
            Some(&wx),
            report.0,
            report.1,
            json!({"VisitAccount": QqAccount::Wechat.encrypt_uin()}),
        )
        .await;
    assert_eq!(r["code"], 0);
    assert!(r["data"]["ListeningReport"].is_null());

    // The legacy profile page.
    let g = tokens::g_tk(Some(&qq.key));
    let path = format!(
        "c6.y.qq.com/rsc/fcgi-bin/fcg_get_profile_homepage.fcg?ct=20&cv=4747474&cid=205360838&userid={QQ_ID}&reqfrom=1&format=json&g_tk={g}&loginUin={QQ_ID}"
    );
    let p = c.get(&path, Some(&qq.cookie())).await.json();
    assert_eq!(p["code"], 0);
    assert_eq!(p["data"]["creator"]["nick"], QqAccount::Qq.nick());
    assert_eq!(
        p["data"]["creator"]["encrypt_uin"],
        QqAccount::Qq.encrypt_uin()
    );
    assert_eq!(p["data"]["mymusic"][0]["title"], "我喜欢");
    assert_eq!(p["data"]["mydiss"]["num"], 3);
    assert_eq!(c.get(&path, None).await.json()["code"], 1000);
    let wrong_gtk = path.replace(&format!("g_tk={g}"), "g_tk=5381");
    assert_eq!(
        c.get(&wrong_gtk, Some(&qq.cookie())).await.json()["code"],
        1000
    );
}

// ---- vkey and the CDN ---------------------------------------------------------------------

const VKEY: (&str, &str) = ("vkey.GetVkeyServer", "CgiGetVkey");

fn vkey_param(cred: Option<&Cred>, mids: &[&str], files: &[String]) -> Value {
    json!({"filename": files, "guid": "4551078725", "songmid": mids,
           "songtype": vec![0; mids.len()], "uin": cred.map_or(0, |c| c.musicid).to_string(),
           "loginflag": 1, "platform": "20"})
}

async fn vkey_results(
    c: &Client,
    cred: Option<&Cred>,
    pairs: &[(&str, String)],
) -> Vec<(i64, String)> {
    let mids: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    let files: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
    let r = c
        .item(cred, VKEY.0, VKEY.1, vkey_param(cred, &mids, &files))
        .await;
    assert_eq!(r["code"], 0, "{r}");
    r["data"]["midurlinfo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["result"].as_i64().unwrap(),
                m["purl"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn vkey_and_cdn_download_with_range() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    let file = "M500003Qui1q2u1Zho.mp3".to_owned();
    let r = c
        .item(
            Some(&cred),
            VKEY.0,
            VKEY.1,
            vkey_param(Some(&cred), &[SONG_QRC_FULL], std::slice::from_ref(&file)),
        )
        .await;
    let d = &r["data"];
    assert_eq!(
        d["sip"],
        json!([
            "http://ws.stream.qqmusic.qq.com/",
            "http://isure.stream.qqmusic.qq.com/"
        ])
    );
    let info = &d["midurlinfo"][0];
    assert_eq!(info["result"], 0);
    assert_eq!(info["songmid"], SONG_QRC_FULL);
    assert_eq!(info["filename"], file.as_str());
    let purl = info["purl"].as_str().unwrap();
    assert!(purl.starts_with("M500003Qui1q2u1Zho.mp3?guid=4551078725&vkey="));
    assert!(purl.ends_with(&format!("&uin={QQ_ID}&fromtag=66")));
    let vkey = query_param(purl, "vkey").unwrap();
    assert_eq!(vkey, info["vkey"].as_str().unwrap());

    // sip[1] + purl, through the override.
    let stream = format!("{}{purl}", d["sip"][1].as_str().unwrap());
    let via_fake = stream.replacen("http://", "", 1);
    let whole = c.get(&via_fake, None).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.headers[CONTENT_TYPE], "audio/mpeg");
    let len = whole.bytes.len();
    assert!(len > 10_000);
    assert!(whole.bytes[..3] == *b"ID3" || whole.bytes[0] == 0xFF);
    let part = c
        .send(
            c.http
                .get(format!("{}/{via_fake}", c.base))
                .header(RANGE, "bytes=100-199"),
        )
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.bytes, whole.bytes[100..200]);
    assert_eq!(
        part.headers["content-range"],
        format!("bytes 100-199/{len}").as_str()
    );
    // Also on the ws host.
    let ws = via_fake.replace("isure.stream", "ws.stream");
    assert_eq!(c.get(&ws, None).await.status, 200);

    // No vkey, a forged one, or one issued for another file → 403.
    assert_eq!(
        c.get("isure.stream.qqmusic.qq.com/M500003Qui1q2u1Zho.mp3", None)
            .await
            .status,
        403
    );
    let forged = via_fake.replace(&vkey, &"A".repeat(112));
    assert_eq!(c.get(&forged, None).await.status, 403);
    let flac = c
        .item(
            Some(&cred),
            VKEY.0,
            VKEY.1,
            vkey_param(
                Some(&cred),
                &[SONG_QRC_FULL],
                &["F000003Qui1q2u1Zho.flac".into()],
            ),
        )
        .await;
    let flac_purl = flac["data"]["midurlinfo"][0]["purl"]
        .as_str()
        .unwrap()
        .to_owned();
    let flac_vkey = query_param(&flac_purl, "vkey").unwrap();
    let swapped = via_fake.replace(&vkey, &flac_vkey);
    assert_eq!(c.get(&swapped, None).await.status, 403);
    let flac_body = c
        .get(&format!("isure.stream.qqmusic.qq.com/{flac_purl}"), None)
        .await;
    assert_eq!(flac_body.status, 200);
    assert_eq!(&flac_body.bytes[..4], b"fLaC");
    assert_eq!(flac_body.headers[CONTENT_TYPE], "audio/flac");
}

#[tokio::test]
async fn vkey_104003_rules() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let vip = Cred::issued(&fake, QqAccount::Qq);
    let free = Cred::issued(&fake, QqAccount::Wechat);
    let m500 = |m: &str| format!("M500{m}.mp3");
    let m800 = |m: &str| format!("M800{m}.mp3");
    let f000 = |m: &str| format!("F000{m}.flac");
    let rs02 = |m: &str| format!("RS02{m}.mp3");

    // Anonymous: 104003 even for a free song, empty purl.
    let anon = vkey_results(&c, None, &[(SONG_QRC_FULL, m500("003Qui1q2u1Zho"))]).await;
    assert_eq!(anon, [(104_003, String::new())]);
    // Wrong g_tk: like anonymous.
    let mut bad = comm(Some(&vip));
    bad["g_tk"] = json!(5381);
    let body = envelope(
        bad,
        &[(
            "req_0",
            VKEY.0,
            VKEY.1,
            vkey_param(Some(&vip), &[SONG_QRC_FULL], &[m500("003Qui1q2u1Zho")]),
        )],
    );
    let env = c
        .musics_raw(&body, &sign::zzc(&body), Some(&vip))
        .await
        .json();
    assert_eq!(env["req_0"]["data"]["midurlinfo"][0]["result"], 104_003);

    let codes = |v: Vec<(i64, String)>| v.into_iter().map(|(c, _)| c).collect::<Vec<_>>();
    // media_mid is enforced: the songmid in the file name is refused.
    assert_eq!(
        codes(
            vkey_results(
                &c,
                Some(&vip),
                &[
                    (SONG_QRC_FULL, m500(SONG_QRC_FULL)),
                    (SONG_MEDIA_MID_DIFFERS, m500(SONG_MEDIA_MID_DIFFERS)),
                    (SONG_MEDIA_MID_DIFFERS, m500("002DuetFileMid")),
                    // No FLAC for this one; no AAC at all in the fake.
                    (SONG_NO_FLAC, f000(SONG_NO_FLAC)),
                    (SONG_NO_FLAC, m800(SONG_NO_FLAC)),
                    (SONG_QRC_FULL, "C400003Qui1q2u1Zho.m4a".into()),
                ]
            )
            .await
        ),
        [104_003, 104_003, 0, 104_003, 0, 104_003]
    );
    // VIP song: 128k for everyone, 320k/FLAC for VIP only.
    assert_eq!(
        codes(
            vkey_results(
                &c,
                Some(&free),
                &[
                    (SONG_VIP_ONLY, m500(SONG_VIP_ONLY)),
                    (SONG_VIP_ONLY, m800(SONG_VIP_ONLY)),
                    (SONG_VIP_ONLY, f000(SONG_VIP_ONLY)),
                ]
            )
            .await
        ),
        [0, 104_003, 104_003]
    );
    assert_eq!(
        codes(
            vkey_results(
                &c,
                Some(&vip),
                &[
                    (SONG_VIP_ONLY, m800(SONG_VIP_ONLY)),
                    (SONG_VIP_ONLY, f000(SONG_VIP_ONLY)),
                ]
            )
            .await
        ),
        [0, 0]
    );
    // Trial-only song: non-VIP gets only the RS02 preview.
    assert_eq!(
        codes(
            vkey_results(
                &c,
                Some(&free),
                &[
                    (SONG_TRIAL_ONLY, m500(SONG_TRIAL_ONLY)),
                    (SONG_TRIAL_ONLY, rs02(SONG_TRIAL_ONLY)),
                    (SONG_QRC_FULL, rs02("003Qui1q2u1Zho")),
                ]
            )
            .await
        ),
        [104_003, 0, 0]
    );
    // VIP on → everything; VIP off again → back to the preview.
    fake.qq().set_vip(QqAccount::Wechat, true);
    assert_eq!(
        codes(vkey_results(&c, Some(&free), &[(SONG_TRIAL_ONLY, f000(SONG_TRIAL_ONLY))]).await),
        [0]
    );
    fake.qq().set_vip(QqAccount::Wechat, false);
    assert_eq!(
        codes(vkey_results(&c, Some(&free), &[(SONG_TRIAL_ONLY, f000(SONG_TRIAL_ONLY))]).await),
        [104_003]
    );
    fake.qq().set_vip(QqAccount::Qq, false);
    assert_eq!(
        codes(vkey_results(&c, Some(&vip), &[(SONG_VIP_ONLY, m800(SONG_VIP_ONLY))]).await),
        [104_003]
    );

    // Mismatched lists are a bad call.
    let r = c
        .item(
            Some(&vip),
            VKEY.0,
            VKEY.1,
            vkey_param(
                Some(&vip),
                &[SONG_QRC_FULL, SONG_NO_FLAC],
                &[m500("003Qui1q2u1Zho")],
            ),
        )
        .await;
    assert_eq!(r["code"], 500_003);
}

// ---- lyrics -------------------------------------------------------------------------------

const LYRIC: (&str, &str) = ("music.musichallSong.PlayLyricInfo", "GetPlayLyricInfo");

fn lyric_param(mid: &str, id: u64, crypt: u8) -> Value {
    json!({"songMID": mid, "songID": id, "crypt": crypt, "qrc": 1, "trans": 1, "roma": 1,
           "lrc_t": 0, "qrc_t": 0, "trans_t": 0, "roma_t": 0, "type": -1, "ct": 19, "cv": 1873})
}

#[tokio::test]
async fn lyrics_decrypt_to_qrc_with_translation() {
    use base64::Engine as _;
    let fake = fake().await;
    let c = Client::new(&fake);
    let r = c.lyric(lyric_param(SONG_QRC_FULL, 97_773, 1)).await;
    let d = &r["data"];
    assert_eq!(
        (d["crypt"].clone(), d["qrc"].clone(), d["songID"].clone()),
        (json!(1), json!(1), json!(97_773))
    );
    let lyric = d["lyric"].as_str().unwrap();
    assert!(lyric
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()));
    let xml = decrypt(&d["lyric"]);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    let content = qrc::lyric_content(&xml).unwrap();
    assert!(content.contains("[ti:晴天]"));
    assert!(content.contains("[1000,1800]雨(1000,200)后(1200,200)的(1400,200)"));
    let trans = decrypt(&d["trans"]);
    assert!(trans.contains("[00:01.00]The playground is still lit after the rain"));
    let roma = qrc::lyric_content(&decrypt(&d["roma"])).unwrap();
    assert!(roma.contains("[1000,1800]yu (1000,200)hou (1200,200)"));
    // Every translated line starts where a QRC line starts.
    for line in trans.lines().filter(|l| l.starts_with("[0")) {
        let (m, s) = line[1..9].split_once(':').unwrap();
        let ms = m.parse::<u64>().unwrap() * 60_000
            + (s.parse::<f64>().unwrap() * 1000.0).round() as u64;
        assert!(content.contains(&format!("\n[{ms},")), "{line}");
    }

    // LRC only: qrc 0 and LRC text even when QRC is asked for.
    let r = c.lyric(lyric_param(SONG_LRC_ONLY, 900_000_001, 1)).await;
    assert_eq!(r["data"]["qrc"], 0);
    let lrc = decrypt(&r["data"]["lyric"]);
    assert!(lrc.contains("[00:01.00]雨后的操场还亮着灯"));
    assert_eq!(r["data"]["trans"], "");
    assert_eq!(r["data"]["roma"], "");
    // Instrumental: nothing.
    let r = c
        .lyric(lyric_param(SONG_INSTRUMENTAL, 900_000_002, 1))
        .await;
    assert_eq!(
        (r["data"]["lyric"].clone(), r["data"]["trans"].clone()),
        (json!(""), json!(""))
    );
    // crypt=0: base64 LRC.
    let r = c.lyric(lyric_param(SONG_QRC_FULL, 97_773, 0)).await;
    let plain = base64::engine::general_purpose::STANDARD
        .decode(r["data"]["lyric"].as_str().unwrap())
        .unwrap();
    assert!(String::from_utf8(plain)
        .unwrap()
        .contains("[00:01.00]雨后的操场还亮着灯"));
    assert_eq!(r["data"]["qrc"], 0);
    // L-1124's spelling works too.
    let r = c
        .lyric(
            json!({"songMid": SONG_QRC_FULL, "songId": 97_773, "crypt": 1, "qrc": 0, "trans": 0}),
        )
        .await;
    assert!(decrypt(&r["data"]["lyric"]).starts_with("[ti:晴天]"));
    assert_eq!(r["data"]["trans"], "");
}

/// Fidelity row 4a: every reference names the song by `songID`; lx-music and MeoProject send it
/// alone, the web page with `songMID`. A mid alone is refused (500003).
#[tokio::test]
async fn lyric_requests_name_the_song_by_its_id() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let lx = json!({"format": "json", "crypt": 1, "ct": 19, "cv": 1873, "interval": 0,
                    "lrc_t": 0, "qrc": 1, "qrc_t": 0, "roma": 1, "roma_t": 0, "songID": 97_773,
                    "trans": 1, "trans_t": 0, "type": -1});
    let r = c.lyric(lx).await;
    assert_eq!(
        (r["code"].clone(), r["data"]["songID"].clone()),
        (json!(0), json!(97_773))
    );
    assert!(qrc::lyric_content(&decrypt(&r["data"]["lyric"]))
        .unwrap()
        .contains("[ti:晴天]"));
    // The id decides, whatever mid comes along.
    let mut param = lyric_param(SONG_LRC_ONLY, 97_773, 1);
    param["songMID"] = json!(SONG_LRC_ONLY);
    let r = c.lyric(param).await;
    assert_eq!(r["data"]["songID"], 97_773);
    for alone in [
        json!({"songMID": SONG_QRC_FULL, "crypt": 1, "qrc": 1}),
        json!({"songMid": SONG_QRC_FULL, "crypt": 1}),
        json!({"songMID": SONG_QRC_FULL, "songID": "", "crypt": 1}),
    ] {
        let r = c.lyric(alone.clone()).await;
        assert_eq!(
            (r["code"].clone(), r["subcode"].clone()),
            (json!(500_003), json!(860_100_005)),
            "{alone}"
        );
        assert!(r.get("data").is_none());
    }
}

/// The answers the client's fallbacks need: the plain-zlib instrumental note (row 4d), an
/// answer without `crypt` (row 4c), and a QRC that does not decrypt beside a readable LRC.
#[tokio::test]
async fn lyric_answers_of_odd_shapes() {
    use base64::Engine as _;
    let fake = fake().await;
    let c = Client::new(&fake);
    // The note: upper-case hex of zlib with no cipher, short; base64 under crypt=0.
    let r = c.lyric(lyric_param(SONG_PURE_MUSIC, 900_000_007, 1)).await;
    let note = r["data"]["lyric"].as_str().unwrap();
    assert!(note.starts_with("789C") && note.len() < 200, "{note}");
    assert!(qrc::decrypt_hex(note).is_err(), "no cipher around it");
    assert_eq!(
        qrc::inflate_hex(note).unwrap(),
        "[00:00:00]此歌曲为没有填词的纯音乐，请欣赏"
    );
    assert_eq!(
        (r["data"]["trans"].clone(), r["data"]["qrc"].clone()),
        (json!(""), json!(0))
    );
    let r = c.lyric(lyric_param(SONG_PURE_MUSIC, 900_000_007, 0)).await;
    let plain = base64::engine::general_purpose::STANDARD
        .decode(r["data"]["lyric"].as_str().unwrap())
        .unwrap();
    assert!(String::from_utf8(plain).unwrap().contains("纯音乐"));

    // No `crypt` in the answer; the fields are hex all the same.
    let r = c
        .lyric(lyric_param(SONG_NO_CRYPT_FIELD, 900_000_008, 1))
        .await;
    assert_eq!(r["code"], 0);
    assert!(r["data"].get("crypt").is_none(), "{r}");
    assert!(qrc::lyric_content(&decrypt(&r["data"]["lyric"])).is_some());
    assert!(decrypt(&r["data"]["trans"]).contains("The playground"));

    // The QRC is cut short at a block boundary; the LRC form and the translation read.
    let r = c.lyric(lyric_param(SONG_BROKEN_QRC, 900_000_009, 1)).await;
    let broken = r["data"]["lyric"].as_str().unwrap();
    assert_eq!(r["data"]["qrc"], 1);
    assert!(broken.len() % 16 == 0 && !broken.is_empty());
    assert!(matches!(
        qrc::decrypt_hex(broken),
        Err(qrc::QrcError::Inflate(_))
    ));
    assert!(decrypt(&r["data"]["trans"]).contains("The playground"));
    let mut lrc = lyric_param(SONG_BROKEN_QRC, 900_000_009, 1);
    lrc["qrc"] = json!(0);
    let r = c.lyric(lrc).await;
    assert_eq!(r["data"]["qrc"], 0);
    assert!(decrypt(&r["data"]["lyric"]).contains("[00:01.00]雨后的操场还亮着灯"));
}

// ---- comments, sign-in ----------------------------------------------------------------------

const NEW_COMMENTS: (&str, &str) = ("music.globalComment.CommentRead", "GetNewCommentList");
const ADD_COMMENT: (&str, &str) = ("music.globalComment.CommentWriteServer", "AddComment");

/// A newest-first page, with every key the references send (fidelity row 5a).
fn comment_page(page: u64, size: u64, last: &str) -> Value {
    json!({"BizType": 1, "BizId": "97773", "PageSize": size, "PageNum": page,
           "LastCommentSeqNo": last, "PicEnable": 1, "HashTagID": "", "SelfSeeEnable": 1,
           "AudioEnable": 1})
}

/// A hot-list page, with every key the references send (fidelity row 5a).
fn hot_page(page: u64, size: u64) -> Value {
    json!({"BizType": 1, "BizId": "97773", "PageSize": size, "PageNum": page,
           "LastCommentSeqNo": "", "PicEnable": 1, "HotType": 1, "WithAirborne": 0})
}

#[tokio::test]
async fn comment_reads_need_every_parameter_the_references_send() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let hot = ("music.globalComment.CommentRead", "GetHotCommentList");
    for (call, full) in [
        (NEW_COMMENTS, comment_page(0, 5, "")),
        (hot, hot_page(0, 5)),
    ] {
        let answer = c.item(None, call.0, call.1, full.clone()).await;
        assert_eq!(answer["code"], 0, "{call:?} with every key: {answer}");
        for key in full.as_object().unwrap().keys() {
            let mut without = full.clone();
            without.as_object_mut().unwrap().remove(key);
            let answer = c.item(None, call.0, call.1, without).await;
            assert_eq!(
                (answer["code"].clone(), answer["subcode"].clone()),
                (json!(500_003), json!(860_100_005)),
                "{call:?} without {key}"
            );
        }
    }
    // The song id is a string, and the hot list is asked for as `HotType` 1.
    let mut numeric = comment_page(0, 5, "");
    numeric["BizId"] = json!(97_773);
    assert_eq!(
        c.item(None, NEW_COMMENTS.0, NEW_COMMENTS.1, numeric).await["code"],
        500_003
    );
    let mut other_hot = hot_page(0, 5);
    other_hot["HotType"] = json!(2);
    assert_eq!(c.item(None, hot.0, hot.1, other_hot).await["code"], 500_003);
}

#[tokio::test]
async fn comment_text_is_served_as_the_service_writes_it() {
    let fake = fake().await;
    let c = Client::new(&fake);
    // Comment 5 of 37, newest first, is the 33rd.
    let page = c
        .item(None, NEW_COMMENTS.0, NEW_COMMENTS.1, comment_page(6, 5, ""))
        .await;
    let fifth = &page["data"]["CommentList"]["Comments"][2];
    assert_eq!(fifth["Nick"], "Tom &amp; Jerry&#39;s 听众");
    let content = fifth["Content"].as_str().unwrap();
    for form in [
        "[em]e400846[/em]",
        "&#39;",
        "<br>",
        "&quot;",
        "&amp;lt;",
        "&#x1F3B5;",
    ] {
        assert!(content.contains(form), "{form} in {content}");
    }
}

#[tokio::test]
async fn comments_post_then_read() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let p0 = c
        .item(
            None,
            NEW_COMMENTS.0,
            NEW_COMMENTS.1,
            comment_page(0, 15, ""),
        )
        .await;
    let list = &p0["data"]["CommentList"];
    assert_eq!(
        (list["Total"].clone(), list["HasMore"].clone()),
        (json!(37), json!(1))
    );
    let first = list["Comments"].as_array().unwrap();
    assert_eq!(first.len(), 15);
    let last_seq = first[14]["SeqNo"].as_str().unwrap().to_owned();
    // Next page by cursor, then by page number: the same comments.
    let p1 = c
        .item(
            None,
            NEW_COMMENTS.0,
            NEW_COMMENTS.1,
            comment_page(1, 15, &last_seq),
        )
        .await;
    let p1b = c
        .item(
            None,
            NEW_COMMENTS.0,
            NEW_COMMENTS.1,
            comment_page(1, 15, ""),
        )
        .await;
    assert_eq!(
        p1["data"]["CommentList"]["Comments"],
        p1b["data"]["CommentList"]["Comments"]
    );
    assert_ne!(
        p1["data"]["CommentList"]["Comments"][0]["CmId"],
        first[0]["CmId"]
    );
    let p2 = c
        .item(
            None,
            NEW_COMMENTS.0,
            NEW_COMMENTS.1,
            comment_page(2, 15, ""),
        )
        .await;
    assert_eq!(
        p2["data"]["CommentList"]["Comments"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    assert_eq!(p2["data"]["CommentList"]["HasMore"], 0);
    let hot = c
        .item(
            None,
            "music.globalComment.CommentRead",
            "GetHotCommentList",
            hot_page(0, 5),
        )
        .await;
    assert_eq!(hot["data"]["CommentList"]["Total"], 12);
    assert_eq!(hot["data"]["CommentList"]["Comments"][0]["PraiseNum"], 9500);

    let post = json!({"Content": "下雨天听这首刚好", "BizType": 1, "BizId": "97773"});
    assert_eq!(
        c.item(None, ADD_COMMENT.0, ADD_COMMENT.1, post.clone())
            .await["code"],
        1000
    );
    let cred = Cred::issued(&fake, QqAccount::Wechat);
    let added = c
        .item(Some(&cred), ADD_COMMENT.0, ADD_COMMENT.1, post)
        .await;
    assert_eq!(added["data"]["SubCode"], 0);
    assert_eq!(added["data"]["VerifyUrl"], "");
    let cm_id = added["data"]["AddedCmId"].as_str().unwrap().to_owned();
    assert!(!cm_id.is_empty());
    let reply = json!({"Content": "同感", "BizType": 1, "BizId": "97773", "RepliedCmId": cm_id});
    let r = c
        .item(Some(&cred), ADD_COMMENT.0, ADD_COMMENT.1, reply)
        .await;
    assert_eq!(r["data"]["SubCode"], 0);
    assert_eq!(r["data"]["ParentCmId"], cm_id.as_str());

    let now = c
        .item(
            None,
            NEW_COMMENTS.0,
            NEW_COMMENTS.1,
            comment_page(0, 15, ""),
        )
        .await;
    let list = &now["data"]["CommentList"];
    assert_eq!(list["Total"], 39);
    assert_eq!(list["Comments"][0]["Content"], "同感");
    assert_eq!(list["Comments"][0]["RepliedCmId"], cm_id.as_str());
    assert_eq!(list["Comments"][1]["CmId"], cm_id.as_str());
    assert_eq!(list["Comments"][1]["Content"], "下雨天听这首刚好");
    assert_eq!(list["Comments"][1]["Nick"], QqAccount::Wechat.nick());

    // Rejections carry a SubCode.
    for bad in [
        json!({"Content": "  ", "BizType": 1, "BizId": "97773"}),
        json!({"Content": "x", "BizType": 1, "BizId": "1"}),
        json!({"Content": "x", "BizType": 1, "BizId": "97773", "RepliedCmId": "nope"}),
        json!({"Content": "长".repeat(301), "BizType": 1, "BizId": "97773"}),
    ] {
        let r = c.item(Some(&cred), ADD_COMMENT.0, ADD_COMMENT.1, bad).await;
        assert_eq!(r["code"], 0);
        assert_ne!(r["data"]["SubCode"], 0);
    }
}

#[tokio::test]
async fn sign_in_once_a_day() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    let sign_in = ("music.actCenter.ActCenterSignNewSvr", "SignIn");
    let summary = ("music.actCenter.ActCenterSignNewSvr", "GetSignInSummary");
    let act = duet_qqmusic::identity::SIGN_IN_ACT_ID;
    let p = json!({"ActID": act, "ScenesID": "3"});
    let asked = json!({"ActID": act});
    assert_eq!(
        c.item(None, sign_in.0, sign_in.1, p.clone()).await["code"],
        1000
    );
    // Row 6l of docs/protocol/fidelity-2026-12.md: the summary reads, `retCode` 0.
    let before = c
        .item(Some(&cred), summary.0, summary.1, asked.clone())
        .await;
    assert_eq!(before["code"], 0);
    assert_eq!(before["data"]["retCode"], 0);
    assert_eq!(before["data"]["Info"]["IsSignIn"], 0);
    // A closed activity refuses in `retCode` and records nothing.
    fake.qq().close_sign_in(true);
    let refused = c.item(Some(&cred), sign_in.0, sign_in.1, p.clone()).await;
    assert_eq!(refused["code"], 0);
    assert_eq!(refused["data"]["retCode"], -1);
    assert_eq!(refused["data"]["Info"]["IsSignIn"], 0);
    fake.qq().close_sign_in(false);
    let other = json!({"ActID": "someOther", "ScenesID": "3"});
    let elsewhere = c.item(Some(&cred), sign_in.0, sign_in.1, other).await;
    assert_eq!(elsewhere["data"]["retCode"], -1);

    let first = c.item(Some(&cred), sign_in.0, sign_in.1, p.clone()).await;
    assert_eq!(first["code"], 0);
    assert_eq!(first["data"]["retCode"], 0);
    assert_eq!(
        first["data"]["Info"],
        json!({"IsSignIn": 1, "MonthSignInCount": 1})
    );
    let after = c.item(Some(&cred), summary.0, summary.1, asked).await;
    assert_eq!(after["data"]["retCode"], 0);
    assert_eq!(after["data"]["Info"]["IsSignIn"], 1);
    assert_eq!(after["data"]["Info"]["MonthSignInCount"], 1);
    let second = c.item(Some(&cred), sign_in.0, sign_in.1, p).await;
    assert_eq!(second["code"], 200_002);
}

// ---- faults ---------------------------------------------------------------------------------

#[tokio::test]
async fn every_qq_fault_kind() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    let both = [
        ("req_0", USER_INFO.0, USER_INFO.1, json!({})),
        (
            "req_1",
            DETAIL.0,
            DETAIL.1,
            json!({"song_mid": SONG_QRC_FULL}),
        ),
    ];

    // Item codes, by method: only the matching item, once.
    for (kind, code) in [
        (FaultKind::QqNotLoggedIn, 1000),
        (FaultKind::QqBadCredential, 104_400),
        (FaultKind::QqBadSign, 2000),
        (FaultKind::QqRiskControl, 2001),
        (FaultKind::QqModuleError, 500_003),
    ] {
        fake.qq()
            .fail(Fault::new(kind).method("get_song_detail_yqq"));
        let env = c.musics(Some(&cred), &both).await;
        assert_eq!(env["req_0"]["code"], 0, "{kind:?}");
        assert_eq!(env["req_1"]["code"], code, "{kind:?}");
        let again = c.musics(Some(&cred), &both).await;
        assert_eq!(again["req_1"]["code"], 0, "{kind:?} is used up");
    }
    // Risk control on search carries feedbackURL.
    fake.qq()
        .fail(Fault::new(FaultKind::QqRiskControl).module(SEARCH.0));
    let s = c
        .item(
            Some(&cred),
            SEARCH.0,
            SEARCH.1,
            json!({"query": "a", "search_type": 0, "page_num": 1, "num_per_page": 10}),
        )
        .await;
    assert_eq!(s["code"], 2001);
    assert!(s["data"]["feedbackURL"]
        .as_str()
        .unwrap()
        .starts_with("https://y.qq.com/"));
    // vkey 104003: only vkey items take it, even without a filter.
    fake.qq().fail(Fault::new(FaultKind::QqNoRights));
    let env = c
        .musics(
            Some(&cred),
            &[
                ("a", DETAIL.0, DETAIL.1, json!({"song_mid": SONG_QRC_FULL})),
                (
                    "b",
                    VKEY.0,
                    VKEY.1,
                    vkey_param(
                        Some(&cred),
                        &[SONG_QRC_FULL],
                        &["M500003Qui1q2u1Zho.mp3".into()],
                    ),
                ),
            ],
        )
        .await;
    assert_eq!(env["a"]["code"], 0);
    assert_eq!(env["b"]["code"], 0);
    assert_eq!(env["b"]["data"]["midurlinfo"][0]["result"], 104_003);
    assert_eq!(env["b"]["data"]["midurlinfo"][0]["purl"], "");
    assert!(fake.qq().pending_faults().is_empty());

    // HTTP 500 by module: a batch without that module is untouched.
    fake.fail(Fault::new(FaultKind::ServerError).module(VKEY.0));
    assert_eq!(c.musics(Some(&cred), &both).await["req_1"]["code"], 0);
    let body = envelope(
        comm(Some(&cred)),
        &[(
            "req_0",
            VKEY.0,
            VKEY.1,
            vkey_param(
                Some(&cred),
                &[SONG_QRC_FULL],
                &["M500003Qui1q2u1Zho.mp3".into()],
            ),
        )],
    );
    let r = c.musics_raw(&body, &sign::zzc(&body), Some(&cred)).await;
    assert_eq!(r.status, 500);
    assert!(r.text().contains("nginx"));
    // Truncated by path.
    let body = envelope(comm(Some(&cred)), &both);
    let whole = c.musics_raw(&body, &sign::zzc(&body), Some(&cred)).await;
    fake.fail(Fault::new(FaultKind::Truncated).path("/cgi-bin/musics.fcg"));
    let cut = c.musics_raw(&body, &sign::zzc(&body), Some(&cred)).await;
    assert_eq!(cut.status, 200);
    assert!(serde_json::from_slice::<Value>(&cut.bytes).is_err());
    assert!(cut.bytes.len() <= whole.bytes.len() / 2 + 40);
    // Slow.
    fake.fail(
        Fault::new(FaultKind::Slow)
            .delay(Duration::from_millis(300))
            .method(USER_INFO.1),
    );
    let t = std::time::Instant::now();
    assert_eq!(c.musics(Some(&cred), &both).await["req_0"]["code"], 0);
    assert!(t.elapsed() >= Duration::from_millis(300));
    // On the login endpoints too.
    fake.fail(Fault::new(FaultKind::ServerError).path("/ptqrshow"));
    assert_eq!(c.get(PTQRSHOW, None).await.status, 500);
    assert_eq!(c.get(PTQRSHOW, None).await.status, 200);
    // NetEase faults never hit QQ Music.
    fake.fail(Fault::new(FaultKind::RateLimit));
    assert_eq!(c.musics(Some(&cred), &both).await["req_1"]["code"], 0);
    assert_eq!(fake.qq().pending_faults().len(), 1);
    fake.qq().clear_faults();
    // The CDN takes faults that name its path.
    let url = c
        .item(
            Some(&cred),
            VKEY.0,
            VKEY.1,
            vkey_param(
                Some(&cred),
                &[SONG_QRC_FULL],
                &["M500003Qui1q2u1Zho.mp3".into()],
            ),
        )
        .await["data"]["midurlinfo"][0]["purl"]
        .as_str()
        .unwrap()
        .to_owned();
    fake.fail(Fault::new(FaultKind::ServerError).path("/M500003Qui1q2u1Zho.mp3"));
    assert_eq!(
        c.get(&format!("isure.stream.qqmusic.qq.com/{url}"), None)
            .await
            .status,
        500
    );
    assert_eq!(
        c.get(&format!("isure.stream.qqmusic.qq.com/{url}"), None)
            .await
            .status,
        200
    );

    let log = fake.requests();
    assert!(log.iter().any(|r| r.call.as_deref()
        == Some("music.pf_song_detail_svr.get_song_detail_yqq")
        && r.code == Some(104_400)));
    assert!(log.iter().any(|r| r.transport == Transport::Web
        && r.logical_path == "/ptqrshow"
        && r.status == 500));
    assert!(log.iter().any(|r| r.transport == Transport::Audio
        && r.host == "isure.stream.qqmusic.qq.com"
        && r.status == 200));
}

// ---- control over HTTP, covers, robustness ---------------------------------------------------

#[tokio::test]
async fn http_control_routes() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let base = fake.base_url();
    let http = reqwest::Client::new();
    let qrsig = c.get(PTQRSHOW, None).await.cookie("qrsig").unwrap();
    let uuid = wx_uuid(&c).await;
    let list: Value = http
        .get(format!("{base}/__fake/qq/qr"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["method"], "qq");
    assert_eq!(list[0]["id"], qrsig.as_str());
    assert_eq!(list[1]["method"], "wechat");
    assert_eq!(list[1]["id"], uuid.as_str());
    assert_eq!(list[1]["state"], "waiting");
    for (action, state) in [("scan", "scanned"), ("refuse", "refused")] {
        let r: Value = http
            .post(format!("{base}/__fake/qq/qr/{uuid}/{action}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["state"], state);
    }
    let r = http
        .post(format!("{base}/__fake/qq/qr/{uuid}/confirm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = http
        .post(format!("{base}/__fake/qq/qr/{qrsig}/confirm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .post(format!("{base}/__fake/qq/qr/nope/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let issued: Value = http
        .post(format!("{base}/__fake/qq/sessions"))
        .body(r#"{"account":"wechat"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issued["musicid"], QqAccount::Wechat.musicid());
    let cred = Cred {
        musicid: issued["musicid"].as_u64().unwrap(),
        key: issued["musickey"].as_str().unwrap().to_owned(),
        tme: "1",
    };
    assert_eq!(
        c.item(Some(&cred), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        0
    );
    let live: Value = http
        .get(format!("{base}/__fake/qq/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(live["live"], 1);
    let callers: Value = http
        .get(format!("{base}/__fake/qq/callers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = callers.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last,
        json!({"call": "music.UserInfo.userInfoServer.GetLoginUserInfo",
               "uin_cookie": cred.musicid, "qqmusic_key": cred.key, "qm_keyst": cred.key,
               "comm_uin": cred.musicid, "comm_g_tk": tokens::hash33(&cred.key, 5381),
               "tme_login_type": "1"})
    );
    let r: Value = http
        .post(format!("{base}/__fake/qq/sessions/{}/expire", cred.musicid))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["expired"], 1);
    assert_eq!(
        c.item(Some(&cred), USER_INFO.0, USER_INFO.1, json!({}))
            .await["code"],
        1000
    );
    http.post(format!("{base}/__fake/qq/sessions/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(fake.qq().live_sessions(), 0);

    let vip: Value = http
        .post(format!("{base}/__fake/qq/vip"))
        .body(r#"{"account":"wechat","vip":true}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(vip, json!({"qq": true, "wechat": true}));
    assert!(fake.qq().is_vip(QqAccount::Wechat));
    let r = http
        .post(format!("{base}/__fake/qq/vip"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = http
        .post(format!("{base}/__fake/fail"))
        .body(r#"{"kind":"qq_no_rights","module":"vkey.GetVkeyServer","method":"CgiGetVkey","times":2}"#)
        .send().await.unwrap();
    assert_eq!(r.status(), 200);
    let pending: Value = http
        .get(format!("{base}/__fake/fail"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pending[0]["module"], "vkey.GetVkeyServer");
    assert_eq!(pending[0]["times"], 2);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    for _ in 0..2 {
        let r = vkey_results(
            &c,
            Some(&cred),
            &[(SONG_QRC_FULL, "M500003Qui1q2u1Zho.mp3".into())],
        )
        .await;
        assert_eq!(r[0].0, 104_003);
    }
    let r = vkey_results(
        &c,
        Some(&cred),
        &[(SONG_QRC_FULL, "M500003Qui1q2u1Zho.mp3".into())],
    )
    .await;
    assert_eq!(r[0].0, 0);

    let reqs: Value = http
        .get(format!("{base}/__fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(reqs
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["call"] == "vkey.GetVkeyServer.CgiGetVkey"
            && r["transport"] == "musics"
            && r["code"] == 0));
    assert!(reqs
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["host"] == "ssl.ptlogin2.qq.com" && r["transport"] == "web"));
}

#[tokio::test]
async fn covers_are_jpegs() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let a = c
        .get(
            "y.gtimg.cn/music/photo_new/T002R300x300M000000MkMni19ClKG.jpg",
            None,
        )
        .await;
    let b = c
        .get(
            "y.gtimg.cn/music/photo_new/T001R150x150M0000025NhlN2yWrP4.jpg",
            None,
        )
        .await;
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.headers[CONTENT_TYPE], "image/jpeg");
    assert_eq!(&a.bytes[..3], &[0xFF, 0xD8, 0xFF]);
    assert_ne!(a.bytes, b.bytes);
    assert_eq!(c.get("y.gtimg.cn/elsewhere.jpg", None).await.status, 404);
    assert_eq!(
        c.get("y.gtimg.cn/music/photo_new/../x.jpg", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn garbage_never_gets_a_500() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    let params = [
        json!(null),
        json!([]),
        json!("x"),
        json!({"song_mid": 1, "song_id": "abc", "ids": {}, "mids": [1, null]}),
        json!({"songmid": "x", "filename": 5, "guid": []}),
        json!({"songmid": ["a"], "filename": ["M500\u{1f3b5}abcdefghij.mp3"], "guid": "1"}),
        json!({"disstid": -1, "song_begin": 1e300, "song_num": "many"}),
        json!({"disstid": 8_000_000_010u64, "song_begin": 99_999_999_999u64, "song_num": 1000}),
        json!({"query": "\u{0}", "search_type": 999, "page_num": -1, "num_per_page": 1e10}),
        json!({"query": "a", "page_num": 99_999_999_999u64}),
        json!({"BizId": {}, "PageSize": -5, "PageNum": "x", "LastCommentSeqNo": 7}),
        json!({"BizId": "97773", "PageSize": 99999, "PageNum": 99_999_999_999u64}),
        json!({"code": 123, "loginMode": "2", "musicid": "o0", "refresh_key": null}),
        json!({"songMID": "", "songID": -1, "crypt": "x"}),
        json!({"uin": [], "offset": -1, "size": 1e300}),
        json!({"Content": 5, "BizId": 97773, "RepliedCmId": []}),
        json!({"ActID": 0}),
        json!({"VisitAccount": null}),
    ];
    let calls = [
        DETAIL,
        ("music.trackInfo.UniformRuleCtrl", "CgiGetTrackInfo"),
        VKEY,
        LYRIC,
        DISS,
        ("music.srfDissInfo.DissInfo", "CgiGetDiss"),
        SEARCH,
        NEW_COMMENTS,
        ADD_COMMENT,
        ("music.login.LoginServer", "Login"),
        ("QQConnectLogin.LoginServer", "QQLogin"),
        ("music.musicasset.PlaylistBaseRead", "GetPlaylistByUin"),
        ("music.musicasset.PlaylistFavRead", "CgiGetPlaylistFavInfo"),
        ("music.recommend.UserProfileSettingSvr", "GetProfileReport"),
        ("music.actCenter.ActCenterSignNewSvr", "SignIn"),
        ("music.actCenter.ActCenterSignNewSvr", "GetSignInSummary"),
    ];
    let mut sent = 0;
    for (module, method) in calls {
        let items: Vec<Item<'_>> = params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    [
                        "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "ka", "kb",
                        "kc", "kd", "ke", "kf", "kg", "kh",
                    ][i],
                    module,
                    method,
                    p.clone(),
                )
            })
            .collect();
        let env = c.musics(Some(&cred), &items).await;
        assert_eq!(env["code"], 0);
        for (k, ..) in &items {
            assert!(
                env[*k]["code"].is_i64(),
                "{module}.{method} {k}: {}",
                env[*k]
            );
        }
        sent += items.len();
    }
    assert!(sent > 200);
    // Hostile envelopes and comms.
    for body in [
        r#"{"comm":5,"req":{"module":"a"}}"#,
        r#"{"comm":{"uin":"o","g_tk":"x"},"req":{"module":1,"method":[]},"x":7}"#,
        r#"{"req_0":{"module":"music.UserInfo.userInfoServer","method":"GetLoginUserInfo"}}"#,
    ] {
        let r = c
            .musics_raw(body.as_bytes(), &sign::zzc(body.as_bytes()), Some(&cred))
            .await;
        assert_eq!(r.status, 200, "{body}");
        assert_eq!(r.json()["code"], 0);
    }
    // Every web endpoint with junk.
    for path in [
        "ssl.ptlogin2.qq.com/ptqrshow",
        "ssl.ptlogin2.qq.com/ptqrlogin?ptqrtoken=%FF%FE",
        "ssl.ptlogin2.graph.qq.com/check_sig?ptsigx=",
        "open.weixin.qq.com/connect/qrconnect?appid=%00",
        "open.weixin.qq.com/connect/qrcode/",
        "lp.open.weixin.qq.com/connect/l/qrconnect?uuid=%E2%80%AE",
        "c6.y.qq.com/rsc/fcgi-bin/fcg_get_profile_homepage.fcg?userid=abc&g_tk=-1",
        "isure.stream.qqmusic.qq.com/%E2%80%AE.mp3?vkey=1",
        "u6.y.qq.com/cgi-bin/musics.fcg",
        "u.y.qq.com/cgi-bin/unknown.fcg",
    ] {
        let r = c.get(path, Some("qrsig=; uin=o; qqmusic_key=")).await;
        assert!(r.status < 500, "{path}: {}", r.status);
    }
    let r = authorize(&c, "p_skey", "g_tk=%%%&client_id".into()).await;
    assert_eq!(r.status, 302);
}

/// Library writes (docs/qqmusic-wire.md "Library writes"): signed only, with a login, the
/// parameters checked, each kept and read back; an add with nothing to do is 80092.
#[tokio::test]
async fn library_writes_are_signed_checked_and_kept() {
    let fake = fake().await;
    let c = Client::new(&fake);
    let cred = Cred::issued(&fake, QqAccount::Qq);
    const BASE: &str = "music.musicasset.PlaylistBaseWrite";
    const DETAIL_WRITE: &str = "music.musicasset.PlaylistDetailWrite";

    let created = c
        .item(Some(&cred), BASE, "AddPlaylist", json!({"dirName": "通勤"}))
        .await;
    assert_eq!(created["code"], 0, "{created}");
    let dir = created["data"]["result"]["dirId"].as_u64().unwrap();
    let tid = created["data"]["result"]["tid"].as_u64().unwrap();

    let add = json!({"dirId": dir, "v_songInfo": [{"songId": 97773, "songType": 0}]});
    let added = c
        .item(Some(&cred), DETAIL_WRITE, "AddSonglist", add.clone())
        .await;
    assert_eq!(added["code"], 0, "{added}");
    let again = c
        .item(Some(&cred), DETAIL_WRITE, "AddSonglist", add.clone())
        .await;
    assert_eq!(again["code"], 80_092, "nothing to do");

    let mine = c
        .item(
            Some(&cred),
            "music.musicasset.PlaylistBaseRead",
            "GetPlaylistByUin",
            json!({"uin": QQ_ID.to_string()}),
        )
        .await;
    let entry = mine["data"]["v_playlist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["tid"] == tid)
        .cloned()
        .expect("listed");
    assert_eq!(
        (entry["dirName"].clone(), entry["songNum"].clone()),
        (json!("通勤"), json!(1))
    );

    // Unsigned musicu.fcg, no login, bad parameters, a directory the account lacks.
    let body = envelope(
        comm(Some(&cred)),
        &[("req_0", DETAIL_WRITE, "AddSonglist", add.clone())],
    );
    let unsigned = c
        .post("u.y.qq.com/cgi-bin/musicu.fcg", body, Some(&cred.cookie()))
        .await
        .json();
    assert_eq!(unsigned["req_0"]["code"], 500_026);
    let anonymous = c
        .item(None, BASE, "AddPlaylist", json!({"dirName": "x"}))
        .await;
    assert_eq!(anonymous["code"], 1000);
    for (method, param) in [
        ("AddPlaylist", json!({"dirName": ""})),
        ("AddPlaylist", json!({"dirName": "x".repeat(41)})),
        ("DelPlaylist", json!({"dirId": 999})),
        (
            "EditPlaylist",
            json!({"dirId": dir, "dirNewName": "no mask"}),
        ),
    ] {
        let refused = c.item(Some(&cred), BASE, method, param).await;
        assert_eq!(refused["code"], 500_003, "{method}: {refused}");
    }
    let deleted = c
        .item(Some(&cred), BASE, "DelPlaylist", json!({"dirId": dir}))
        .await;
    assert_eq!(deleted["code"], 0);
    let gone = c
        .item(
            None,
            "music.srfDissInfo.aiDissInfo",
            "uniform_get_Dissinfo",
            json!({"disstid": tid}),
        )
        .await;
    assert_eq!(gone["code"], 500_003, "deleted");
}
