//! The QQ Music app QR in the fake (docs/protocol/qqmusic.md §4.3, `docs/qqmusic-wire.md`):
//! `CreateQRCode`, the MQTT 5 broker on the WebSocket that pushes the code's events, and the
//! strict `Login` exchange with `tmeLoginType` 6. Driven by a real MQTT client (rumqttc).

use std::time::Duration;

use duet_fake_upstream::{FakeConfig, FakeUpstream, QqLoginMethod};
use duet_qqmusic::sign;
use rumqttc::v5::mqttbytes::v5::{
    ConnectReturnCode, Packet, SubscribeProperties, SubscribeReasonCode,
};
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, ConnectionError, Event, EventLoop, MqttOptions};
use rumqttc::Transport;
use serde_json::{json, Value};

const QQ_ID: u64 = 123_456_789;

async fn fake() -> FakeUpstream {
    FakeUpstream::spawn(FakeConfig::default()).await.unwrap()
}

/// One signed anonymous item, `comm.tmeLoginType` set when given.
async fn item(fake: &FakeUpstream, tme: Option<&str>, method: &str, param: Value) -> Value {
    let mut comm = json!({"ct": 23, "cv": 0, "uin": 0, "g_tk": 5381, "format": "json"});
    if let Some(tme) = tme {
        comm["tmeLoginType"] = json!(tme);
    }
    let body = serde_json::to_vec(&json!({
        "comm": comm,
        "req_0": {"module": "music.login.LoginServer", "method": method, "param": param},
    }))
    .unwrap();
    let url = format!(
        "{}/u6.y.qq.com/cgi-bin/musics.fcg?_=1700000000000&sign={}",
        fake.base_url(),
        sign::zzc(&body)
    );
    let answer: Value = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("referer", "https://y.qq.com/")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 0, "{answer}");
    answer["req_0"].clone()
}

async fn new_code(fake: &FakeUpstream) -> String {
    let made = item(
        fake,
        None,
        "CreateQRCode",
        json!({"tmeAppID": "qqmusic", "ct": 11, "cv": 13020508}),
    )
    .await;
    assert_eq!(made["code"], 0, "{made}");
    let picture = made["data"]["qrcode"].as_str().unwrap();
    assert!(
        picture.starts_with("data:image/png;base64,iVBOR"),
        "{picture:.40}"
    );
    made["data"]["qrcodeID"].as_str().unwrap().to_owned()
}

/// The reference's CONNECT for `qrcode_id`, with or without the web page's Origin.
fn options(fake: &FakeUpstream, qrcode_id: &str, auth: &str, origin: bool) -> MqttOptions {
    let url = format!(
        "{}/mu.y.qq.com/ws/handshake",
        fake.base_url().replacen("http", "ws", 1)
    );
    let mut o = MqttOptions::new("17000000000001234", url, 80);
    o.set_transport(Transport::Ws)
        .set_authentication_method(Some(auth.into()))
        .set_user_properties(vec![
            ("tmeAppID".into(), "qqmusic".into()),
            ("business".into(), "management".into()),
            ("hashTag".into(), qrcode_id.into()),
            ("clientTag".into(), "management.user".into()),
            ("userID".into(), qrcode_id.into()),
        ]);
    if origin {
        o.set_request_modifier(|mut r| async move {
            r.headers_mut()
                .insert("Origin", "https://y.qq.com".parse().unwrap());
            r
        });
    }
    o
}

fn sub_properties() -> SubscribeProperties {
    SubscribeProperties {
        id: None,
        user_properties: vec![
            ("authorization".into(), "tmelogin".into()),
            ("pubsub".into(), "unicast".into()),
        ],
    }
}

/// The next packet from the broker, or the connection's error.
async fn next(events: &mut EventLoop) -> Result<Packet, ConnectionError> {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.poll())
            .await
            .expect("the broker answers")?;
        if let Event::Incoming(packet) = event {
            return Ok(packet);
        }
    }
}

/// Connects and subscribes to `topic`; the SUBACK's reason.
async fn subscribe(
    fake: &FakeUpstream,
    qrcode_id: &str,
    topic: &str,
) -> (AsyncClient, EventLoop, SubscribeReasonCode) {
    let (client, mut events) = AsyncClient::new(options(fake, qrcode_id, "pass", true), 10);
    assert!(matches!(
        next(&mut events).await.unwrap(),
        Packet::ConnAck(_)
    ));
    client
        .subscribe_with_properties(topic, QoS::AtMostOnce, sub_properties())
        .await
        .unwrap();
    let Packet::SubAck(ack) = next(&mut events).await.unwrap() else {
        panic!("a SUBACK")
    };
    (client, events, ack.return_codes[0])
}

/// The next pushed event: its `type` and payload.
async fn pushed(events: &mut EventLoop) -> (String, Vec<u8>) {
    loop {
        if let Packet::Publish(p) = next(events).await.unwrap() {
            let kind = p
                .properties
                .unwrap()
                .user_properties
                .into_iter()
                .find(|(k, _)| k == "type")
                .unwrap()
                .1;
            return (kind, p.payload.to_vec());
        }
    }
}

#[tokio::test]
async fn the_app_code_is_pushed_and_exchanged_once() {
    let fake = fake().await;
    let refused = item(&fake, None, "CreateQRCode", json!({"tmeAppID": "wechat"})).await;
    assert_eq!(refused["code"], 500_003);
    let id = new_code(&fake).await;
    let info = fake.qq().qr_info();
    assert_eq!(info.last().unwrap().method, QqLoginMethod::QqMusic);

    let topic = format!("management.qrcode_login/{id}");
    let (_client, mut events, granted) = subscribe(&fake, &id, &topic).await;
    assert_eq!(granted, SubscribeReasonCode::Success(QoS::AtMostOnce));
    assert!(fake.qq().scan(&id));
    assert_eq!(pushed(&mut events).await.0, "scanned");
    assert!(fake.qq().confirm(&id));
    let (kind, payload) = pushed(&mut events).await;
    assert_eq!(kind, "cookies");
    let cookies: Value = serde_json::from_slice(&payload).unwrap();
    let uin = cookies["cookies"]["qqmusic_uin"]["value"].as_str().unwrap();
    let token = cookies["cookies"]["qqmusic_key"]["value"].as_str().unwrap();
    assert_eq!(uin, QQ_ID.to_string());

    let exchange = |tme: &'static str, qrcode_id: String| {
        let fake = &fake;
        let token = token.to_owned();
        async move {
            item(
                fake,
                Some(tme),
                "Login",
                json!({"musicid": QQ_ID, "qrCodeID": qrcode_id, "token": token}),
            )
            .await
        }
    };
    // Strict: tmeLoginType 6, the code the token was pushed for; neither attempt spends it.
    assert_eq!(exchange("2", id.clone()).await["code"], 104_400);
    assert_eq!(exchange("6", "0".repeat(32)).await["code"], 104_400);
    let login = exchange("6", id.clone()).await;
    assert_eq!(login["code"], 0, "{login}");
    assert_eq!(login["data"]["musicid"], QQ_ID);
    assert_eq!(login["data"]["loginType"], 6);
    assert!(login["data"]["musickey"]
        .as_str()
        .unwrap()
        .starts_with("Q_H_L_"));
    assert_eq!(
        exchange("6", id).await["code"],
        104_400,
        "a token is good once"
    );
}

#[tokio::test]
async fn the_broker_refuses_what_the_reference_does_not_send() {
    let fake = fake().await;
    let id = new_code(&fake).await;

    // The web page's Origin, the Authentication Method `pass`, a code the service made.
    let (_c, mut events) = AsyncClient::new(options(&fake, &id, "pass", false), 10);
    assert!(next(&mut events).await.is_err(), "no Origin: 403");
    let (_c, mut events) = AsyncClient::new(options(&fake, &id, "token", true), 10);
    assert!(matches!(
        next(&mut events).await,
        Err(ConnectionError::ConnectionRefused(
            ConnectReturnCode::BadAuthenticationMethod
        ))
    ));
    let (_c, mut events) = AsyncClient::new(options(&fake, "unknown", "pass", true), 10);
    assert!(matches!(
        next(&mut events).await,
        Err(ConnectionError::ConnectionRefused(
            ConnectReturnCode::NotAuthorized
        ))
    ));
    // Only the code's own topic.
    let other = new_code(&fake).await;
    let (_c, _e, reason) = subscribe(&fake, &id, &format!("management.qrcode_login/{other}")).await;
    assert_eq!(reason, SubscribeReasonCode::NotAuthorized);
}

#[tokio::test]
async fn canceled_timeout_login_failed_and_an_unreadable_event_are_pushed() {
    let fake = fake().await;
    type Drive = fn(&FakeUpstream, &str) -> bool;
    let cases: [(&str, Drive); 4] = [
        ("canceled", |f, id| f.qq().refuse(id)),
        ("timeout", |f, id| f.qq().expire(id)),
        ("loginFailed", |f, id| f.qq().fail_app_login(id)),
        ("cookies", |f, id| f.qq().garble_app_login(id)),
    ];
    for (event, drive) in cases {
        let id = new_code(&fake).await;
        let topic = format!("management.qrcode_login/{id}");
        let (_client, mut events, _) = subscribe(&fake, &id, &topic).await;
        assert!(drive(&fake, &id), "{event}");
        let (kind, payload) = pushed(&mut events).await;
        assert_eq!(kind, event);
        if event == "cookies" {
            assert!(serde_json::from_slice::<Value>(&payload).is_err());
        }
    }
}

#[tokio::test]
async fn demo_mode_walks_an_app_code_from_its_subscription() {
    let fake = FakeUpstream::spawn(FakeConfig {
        demo: true,
        demo_scan_after: Duration::from_millis(100),
        demo_confirm_after: Duration::from_millis(100),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let id = new_code(&fake).await;
    let topic = format!("management.qrcode_login/{id}");
    let (_client, mut events, _) = subscribe(&fake, &id, &topic).await;
    assert_eq!(pushed(&mut events).await.0, "scanned");
    assert_eq!(pushed(&mut events).await.0, "cookies");
}
