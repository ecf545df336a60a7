//! The QQ Music app QR's pushed state (§4.3 step 2): an MQTT 5 broker on a WebSocket at
//! `mu.y.qq.com/ws/handshake`, for one topic per code. It checks the handshake, the CONNECT and
//! the SUBSCRIBE as the reference sends them, then pushes `scanned`, `cookies`, `canceled`,
//! `timeout` and `loginFailed` as the code's state moves (the control API's `scan`, `confirm`,
//! `refuse`, `expire`, `fail`, or the demo's own walk). Packets are rumqttc's codec.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use rumqttc::v5::mqttbytes::v5::{
    ConnAck, ConnectReturnCode, Packet, PingResp, Publish, PublishProperties, SubAck,
    SubscribeReasonCode,
};
use rumqttc::v5::mqttbytes::QoS;
use serde_json::json;

use super::{AppPush, QqControl, QqLoginMethod};
use crate::FakeState;

/// The topic of a code: this prefix and its `qrcodeID`.
const TOPIC_PREFIX: &str = "management.qrcode_login/";
/// Nothing the client sends is larger.
const MAX_PACKET: u32 = 16 * 1024;
/// How often the code's state is looked at.
const TICK: Duration = Duration::from_millis(50);

/// `GET /mu.y.qq.com/ws/handshake`: the WebSocket upgrade, with the `mqtt` subprotocol and the
/// web page's `Origin` (anything else: 403).
pub(crate) async fn handshake(
    State(state): State<FakeState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let origin_ok = headers.get("origin").and_then(|v| v.to_str().ok()) == Some("https://y.qq.com");
    let mqtt_ok = headers
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|p| p.trim() == "mqtt"));
    if !origin_ok || !mqtt_ok {
        tracing::debug!(origin_ok, mqtt_ok, "app login handshake refused (403)");
        return StatusCode::FORBIDDEN.into_response();
    }
    let ctl = state.qq().clone();
    upgrade
        .protocols(["mqtt"])
        .on_upgrade(move |socket| async move {
            if let Err(why) = serve(ctl, socket).await {
                tracing::debug!("app login connection ended: {why}");
            }
        })
}

/// The MQTT side of one connection.
struct Conn {
    socket: WebSocket,
    buffer: BytesMut,
}

impl Conn {
    async fn next_packet(&mut self) -> Result<Packet, String> {
        loop {
            match Packet::read(&mut self.buffer, Some(MAX_PACKET)) {
                Ok(packet) => return Ok(packet),
                Err(rumqttc::v5::mqttbytes::Error::InsufficientBytes(_)) => {}
                Err(e) => return Err(format!("malformed packet: {e}")),
            }
            match self.socket.recv().await {
                Some(Ok(Message::Binary(bytes))) => self.buffer.extend_from_slice(&bytes),
                Some(Ok(Message::Close(_))) | None => return Err("closed".into()),
                Some(Ok(_)) => return Err("a message that is not binary".into()),
                Some(Err(e)) => return Err(e.to_string()),
            }
        }
    }

    async fn send(&mut self, packet: Packet) -> Result<(), String> {
        let mut out = BytesMut::new();
        packet.write(&mut out, None).map_err(|e| e.to_string())?;
        self.socket
            .send(Message::Binary(out.freeze()))
            .await
            .map_err(|e| e.to_string())
    }

    async fn refuse(&mut self, code: ConnectReturnCode) -> Result<(), String> {
        self.send(Packet::ConnAck(ConnAck {
            session_present: false,
            code,
            properties: None,
        }))
        .await?;
        Err(format!("CONNECT refused: {code:?}"))
    }
}

fn property<'a>(properties: &'a [(String, String)], name: &str) -> Option<&'a str> {
    properties
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn serve(ctl: QqControl, socket: WebSocket) -> Result<(), String> {
    let mut conn = Conn {
        socket,
        buffer: BytesMut::new(),
    };
    // CONNECT, as the reference sends it.
    let Packet::Connect(connect, _, _) = conn.next_packet().await? else {
        return Err("the first packet is not CONNECT".into());
    };
    let props = connect.properties.unwrap_or_default();
    let users = &props.user_properties;
    let qrcode_id = property(users, "hashTag").unwrap_or_default().to_owned();
    let client_id_ok =
        connect.client_id.len() >= 17 && connect.client_id.bytes().all(|b| b.is_ascii_digit());
    if props.authentication_method.as_deref() != Some("pass") {
        return conn
            .refuse(ConnectReturnCode::BadAuthenticationMethod)
            .await;
    }
    if !client_id_ok {
        return conn
            .refuse(ConnectReturnCode::ClientIdentifierNotValid)
            .await;
    }
    let known = ctl.qr_known(&qrcode_id, QqLoginMethod::QqMusic);
    if property(users, "tmeAppID") != Some("qqmusic")
        || property(users, "business") != Some("management")
        || property(users, "clientTag") != Some("management.user")
        || property(users, "userID") != Some(qrcode_id.as_str())
        || !known
    {
        return conn.refuse(ConnectReturnCode::NotAuthorized).await;
    }
    conn.send(Packet::ConnAck(ConnAck {
        session_present: false,
        code: ConnectReturnCode::Success,
        properties: None,
    }))
    .await?;

    // SUBSCRIBE to this code's topic only.
    let topic = format!("{TOPIC_PREFIX}{qrcode_id}");
    let subscribe = loop {
        match conn.next_packet().await? {
            Packet::Subscribe(s) => break s,
            Packet::PingReq(_) => conn.send(Packet::PingResp(PingResp)).await?,
            other => return Err(format!("expected SUBSCRIBE, got {other:?}")),
        }
    };
    let sub_users = subscribe
        .properties
        .as_ref()
        .map(|p| p.user_properties.as_slice())
        .unwrap_or_default();
    let granted = subscribe.filters.len() == 1
        && subscribe.filters[0].path == topic
        && property(sub_users, "authorization") == Some("tmelogin")
        && property(sub_users, "pubsub") == Some("unicast");
    conn.send(Packet::SubAck(SubAck {
        pkid: subscribe.pkid,
        return_codes: vec![if granted {
            SubscribeReasonCode::Success(QoS::AtMostOnce)
        } else {
            SubscribeReasonCode::NotAuthorized
        }],
        properties: None,
    }))
    .await?;
    if !granted {
        // The connection stays; nothing is pushed on it.
        loop {
            match conn.next_packet().await? {
                Packet::PingReq(_) => conn.send(Packet::PingResp(PingResp)).await?,
                Packet::Disconnect(_) => return Ok(()),
                other => return Err(format!("unexpected {other:?}")),
            }
        }
    }

    // Push what happens to the code, once each.
    let mut last = ctl.app_push(&qrcode_id, true);
    if let Some(event) = publish_for(&topic, &last) {
        conn.send(event).await?;
    }
    let mut tick = tokio::time::interval(TICK);
    loop {
        tokio::select! {
            packet = conn.next_packet() => match packet? {
                Packet::PingReq(_) => conn.send(Packet::PingResp(PingResp)).await?,
                Packet::Disconnect(_) => return Ok(()),
                other => return Err(format!("unexpected {other:?}")),
            },
            _ = tick.tick() => {
                if is_final(&last) {
                    continue;
                }
                let now = ctl.app_push(&qrcode_id, false);
                if now != last {
                    if let Some(event) = publish_for(&topic, &now) {
                        conn.send(event).await?;
                    }
                    last = now;
                }
            }
        }
    }
}

fn is_final(push: &AppPush) -> bool {
    !matches!(push, AppPush::Waiting | AppPush::Scanned)
}

/// The PUBLISH of an event: its name in the `type` user property, its JSON payload.
fn publish_for(topic: &str, push: &AppPush) -> Option<Packet> {
    let (kind, payload): (&str, Vec<u8>) = match push {
        AppPush::Unknown | AppPush::Waiting => return None,
        AppPush::Scanned => ("scanned", b"{}".to_vec()),
        AppPush::Canceled => ("canceled", b"{}".to_vec()),
        AppPush::Timeout => ("timeout", b"{}".to_vec()),
        AppPush::LoginFailed => ("loginFailed", b"{}".to_vec()),
        AppPush::Garbled => ("cookies", b"{\"cookies\":".to_vec()),
        AppPush::Cookies { musicid, token } => (
            "cookies",
            json!({"cookies": {
                "qqmusic_uin": {"value": musicid.to_string()},
                "qqmusic_key": {"value": token},
            }})
            .to_string()
            .into_bytes(),
        ),
    };
    Some(Packet::Publish(Publish::new(
        topic,
        QoS::AtMostOnce,
        payload,
        Some(PublishProperties {
            user_properties: vec![("type".into(), kind.into())],
            ..PublishProperties::default()
        }),
    )))
}
