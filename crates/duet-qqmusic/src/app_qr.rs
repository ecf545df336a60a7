//! The QQ Music app's own QR login (§4.3): the code's state is not polled but pushed, over MQTT 5
//! on a WebSocket. [`watch`] subscribes in a task of its own and keeps the latest
//! [`AppEvent`]; the provider's `qr_poll` reads it. The MQTT protocol itself is `rumqttc`'s.

use std::sync::Arc;
use std::time::Duration;

use duet_core::{clock, Error, ErrorKind, Secret, Upstream};
use rumqttc::v5::mqttbytes::v5::{Packet, SubscribeProperties};
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, ConnectionError, Event, MqttOptions};
use rumqttc::{TlsConfiguration, Transport};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::errors::qq;
use crate::identity;

/// The reference's keep-alive.
const KEEP_ALIVE: Duration = Duration::from_secs(45);
/// How often a dropped connection is made again before the login is given up.
const RECONNECTS: u32 = 3;
/// A pushed message larger than this is not a login event.
const MAX_PACKET: u32 = 64 * 1024;

/// What the service last pushed about a code.
#[derive(Clone, PartialEq, Eq)]
pub enum AppEvent {
    /// Subscribed (or still connecting); nothing happened yet.
    Waiting,
    /// `scanned`: the app scanned the code, the person has not confirmed.
    Scanned,
    /// `cookies`: confirmed; the account and the one-time token of the exchange (§4.3 step 3).
    Cookies { musicid: u64, token: Secret },
    /// `canceled` in the app.
    Canceled,
    /// `timeout`: the code expired.
    Timeout,
    /// `loginFailed`: the service could not log the account in.
    LoginFailed,
    /// The connection or a message failed; the typed error says how.
    Broken(Error),
}

impl std::fmt::Debug for AppEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppEvent::Waiting => f.write_str("Waiting"),
            AppEvent::Scanned => f.write_str("Scanned"),
            AppEvent::Cookies { musicid, .. } => f
                .debug_struct("Cookies")
                .field("musicid", musicid)
                .field("token", &"<redacted>")
                .finish(),
            AppEvent::Canceled => f.write_str("Canceled"),
            AppEvent::Timeout => f.write_str("Timeout"),
            AppEvent::LoginFailed => f.write_str("LoginFailed"),
            AppEvent::Broken(e) => f.debug_tuple("Broken").field(e).finish(),
        }
    }
}

impl AppEvent {
    /// Whether nothing more comes after this event.
    pub fn is_final(&self) -> bool {
        !matches!(self, AppEvent::Waiting | AppEvent::Scanned)
    }
}

fn unreadable(why: &str) -> Error {
    qq(Error::upstream(format!(
        "QQ Music's login message could not be read ({why}); scan a new code"
    )))
}

/// One pushed message: its `type` user property and its payload → the event (§4.3 step 2).
/// `Ok(None)`: a type the login does not use (ignored, as the reference ignores it).
pub fn parse_event(kind: Option<&str>, payload: &[u8]) -> Result<Option<AppEvent>, Error> {
    Ok(Some(match kind {
        Some("scanned") => AppEvent::Scanned,
        Some("canceled") => AppEvent::Canceled,
        Some("timeout") => AppEvent::Timeout,
        Some("loginFailed") => AppEvent::LoginFailed,
        Some("cookies") => parse_cookies(payload)?,
        Some(_) => return Ok(None),
        None => return Err(unreadable("a message without a type")),
    }))
}

/// `{"cookies": {"qqmusic_uin": {"value": …}, "qqmusic_key": {"value": …}, …}}`; a cookie may
/// also be the bare value.
fn parse_cookies(payload: &[u8]) -> Result<AppEvent, Error> {
    let value: Value = serde_json::from_slice(payload)
        .map_err(|_| unreadable("a cookies event that is not JSON"))?;
    let cookies = value
        .get("cookies")
        .and_then(Value::as_object)
        .ok_or_else(|| unreadable("a cookies event without cookies"))?;
    let cookie = |name: &str| -> Option<String> {
        let v = cookies.get(name)?;
        let v = v.get("value").unwrap_or(v);
        match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let musicid = cookie("qqmusic_uin")
        .map(|u| u.trim_start_matches('o').trim_start_matches('0').to_owned())
        .and_then(|u| u.parse::<u64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| unreadable("no account in the cookies event"))?;
    let token = cookie("qqmusic_key")
        .filter(|k| !k.is_empty() && k.len() <= 1024 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| unreadable("no key in the cookies event"))?;
    Ok(AppEvent::Cookies {
        musicid,
        token: Secret::new(token),
    })
}

/// A code's subscription: the latest event, and the task that keeps it (stopped when the last
/// clone is dropped, which is when the provider forgets the login).
#[derive(Clone)]
pub struct AppWatch {
    latest: watch::Receiver<AppEvent>,
    _task: Arc<AbortOnDrop>,
}

impl AppWatch {
    /// What the service last pushed.
    pub fn latest(&self) -> AppEvent {
        self.latest.borrow().clone()
    }
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Subscribes to the code `qrcode_id` (§4.3 step 2) in a task of its own, for at most
/// `lifetime` (then the code counts as timed out, whatever the service said): a code nobody
/// polls any more must not keep a connection open.
pub fn watch(
    upstream: &Upstream,
    qrcode_id: &Secret,
    lifetime: Duration,
) -> Result<AppWatch, Error> {
    let url = upstream
        .route_websocket(identity::APP_QR_HANDSHAKE_URL)
        .map_err(qq)?;
    let options = options(url, qrcode_id.expose())?;
    let (sender, latest) = watch::channel(AppEvent::Waiting);
    let topic = format!("{}{}", identity::APP_QR_TOPIC_PREFIX, qrcode_id.expose());
    let task = tokio::spawn(async move {
        let last = tokio::time::timeout(lifetime, run(options, topic, &sender))
            .await
            .unwrap_or(AppEvent::Timeout);
        sender.send_replace(last);
    });
    Ok(AppWatch {
        latest,
        _task: Arc::new(AbortOnDrop(task)),
    })
}

/// The client's options: the reference's client id, keep-alive, CONNECT properties and
/// handshake headers (§4.3 step 2).
fn options(url: url::Url, qrcode_id: &str) -> Result<MqttOptions, Error> {
    let client_id = format!(
        "{}{}",
        clock::unix_ms(),
        rand::random::<u16>() % 9000 + 1000
    );
    let secure = url.scheme() == "wss";
    let mut options = MqttOptions::new(client_id, url.as_str(), 443);
    options
        .set_transport(if secure {
            Transport::Wss(tls()?)
        } else {
            Transport::Ws
        })
        .set_keep_alive(KEEP_ALIVE)
        .set_clean_start(true)
        .set_connection_timeout(10)
        // Not in the reference's CONNECT, but rumqttc's only way above its 10 KiB default.
        .set_max_packet_size(Some(MAX_PACKET))
        .set_authentication_method(Some("pass".into()))
        .set_user_properties(vec![
            ("tmeAppID".into(), identity::QQMUSIC_APP_ID.into()),
            ("business".into(), "management".into()),
            ("hashTag".into(), qrcode_id.into()),
            ("clientTag".into(), "management.user".into()),
            ("userID".into(), qrcode_id.into()),
        ])
        .set_request_modifier(|mut request| async move {
            let headers = request.headers_mut();
            for (name, value) in [
                ("Origin", identity::ORIGIN),
                ("Referer", identity::REFERER),
                ("User-Agent", identity::USER_AGENT),
            ] {
                if let Ok(value) = value.parse() {
                    headers.insert(name, value);
                }
            }
            request
        });
    Ok(options)
}

/// rustls with the web's roots, as the HTTP client has them.
fn tls() -> Result<TlsConfiguration, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            qq(Error::network(format!(
                "TLS for the QQ Music app login: {e}"
            )))
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConfiguration::Rustls(Arc::new(config)))
}

/// Connects, subscribes and follows the pushed events until a final one; returns it.
async fn run(options: MqttOptions, topic: String, sender: &watch::Sender<AppEvent>) -> AppEvent {
    let (client, mut events) = AsyncClient::new(options, 10);
    let properties = SubscribeProperties {
        id: None,
        user_properties: vec![
            ("authorization".into(), "tmelogin".into()),
            ("pubsub".into(), "unicast".into()),
        ],
    };
    let mut failures = 0;
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                // A fresh session each time (clean start): subscribe again.
                if let Err(e) = client
                    .subscribe_with_properties(topic.clone(), QoS::AtMostOnce, properties.clone())
                    .await
                {
                    return AppEvent::Broken(qq(Error::network(format!(
                        "the QQ Music app login could not subscribe: {e}"
                    ))));
                }
            }
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                if ack.return_codes.iter().any(|c| !is_granted(*c)) {
                    return AppEvent::Broken(qq(Error::upstream(
                        "QQ Music refused to follow this login code; scan a new code",
                    )));
                }
                failures = 0;
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let kind = publish.properties.as_ref().and_then(|p| {
                    p.user_properties
                        .iter()
                        .find(|(k, _)| k == "type")
                        .map(|(_, v)| v.as_str())
                });
                match parse_event(kind, &publish.payload) {
                    Ok(None) => {}
                    Ok(Some(event)) if event.is_final() => {
                        let _ = client.try_disconnect();
                        return event;
                    }
                    Ok(Some(event)) => {
                        sender.send_replace(event);
                    }
                    Err(e) => {
                        let _ = client.try_disconnect();
                        return AppEvent::Broken(e);
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                failures += 1;
                if failures > RECONNECTS || is_refusal(&e) {
                    return AppEvent::Broken(connection_error(&e));
                }
                tracing::debug!(failures, "QQ Music app login: connection dropped, again");
                tokio::time::sleep(Duration::from_millis(500 * u64::from(failures))).await;
            }
        }
    }
}

fn is_granted(code: rumqttc::v5::mqttbytes::v5::SubscribeReasonCode) -> bool {
    use rumqttc::v5::mqttbytes::v5::SubscribeReasonCode as Code;
    matches!(code, Code::Success(_))
}

fn is_refusal(e: &ConnectionError) -> bool {
    matches!(e, ConnectionError::ConnectionRefused(_))
}

fn connection_error(e: &ConnectionError) -> Error {
    match e {
        ConnectionError::ConnectionRefused(code) => qq(Error::new(
            ErrorKind::Upstream,
            format!("QQ Music refused the app login's connection ({code:?}); scan a new code"),
        )),
        other => qq(Error::network(format!(
            "the QQ Music app login lost its connection: {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_as_the_reference_reads_them() {
        assert_eq!(
            parse_event(Some("scanned"), b"").unwrap(),
            Some(AppEvent::Scanned)
        );
        assert_eq!(
            parse_event(Some("canceled"), b"{}").unwrap(),
            Some(AppEvent::Canceled)
        );
        assert_eq!(
            parse_event(Some("timeout"), b"").unwrap(),
            Some(AppEvent::Timeout)
        );
        assert_eq!(
            parse_event(Some("loginFailed"), b"").unwrap(),
            Some(AppEvent::LoginFailed)
        );
        assert_eq!(parse_event(Some("heartbeat"), b"").unwrap(), None);
        let cookies = br#"{"cookies":{"qqmusic_uin":{"value":"o0123456789"},"qqmusic_key":{"value":"Q_H_L_abc"}}}"#;
        let event = parse_event(Some("cookies"), cookies).unwrap().unwrap();
        assert_eq!(
            event,
            AppEvent::Cookies {
                musicid: 123456789,
                token: Secret::new("Q_H_L_abc")
            }
        );
        let debug = format!("{event:?}");
        assert!(!debug.contains("Q_H_L_abc"), "{debug}");
        let bare = br#"{"cookies":{"qqmusic_uin":42,"qqmusic_key":"k"}}"#;
        assert!(matches!(
            parse_event(Some("cookies"), bare).unwrap(),
            Some(AppEvent::Cookies { musicid: 42, .. })
        ));
    }

    #[test]
    fn malformed_messages_are_typed_errors() {
        for (kind, payload) in [
            (Some("cookies"), &b"not json"[..]),
            (Some("cookies"), br#"{"cookies":[]}"#),
            (Some("cookies"), br#"{"cookies":{"qqmusic_key":"k"}}"#),
            (
                Some("cookies"),
                br#"{"cookies":{"qqmusic_uin":"12","qqmusic_key":""}}"#,
            ),
            (None, b"{}"),
        ] {
            let error = parse_event(kind, payload).unwrap_err();
            assert_eq!(error.kind, ErrorKind::Upstream, "{payload:?}");
            assert!(
                error.message.contains("could not be read"),
                "{}",
                error.message
            );
        }
    }
}
