//! A desktop notification when the track changes (off unless `window.notify_track_change`), with
//! the cover. On Linux it goes to the freedesktop notification service over the session bus
//! (`org.freedesktop.Notifications`), the cover as `image-data` pixels, so no file is written;
//! each replaces the one before, so skipping through a queue leaves one notification, not ten.
//! Other systems have no notification here yet.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use duet_core::Track;
use tokio::sync::watch;

use crate::prefs::Prefs;

/// The cover's longest side in the notification, in pixels: what notification daemons draw
/// (48–128 px), and a message of at most 64 KiB of pixels.
pub const COVER_SIZE: u32 = 128;

/// Fetches a cover's bytes, or gives up (`None`): the notification then goes without it.
pub type CoverFetcher =
    Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Option<Vec<u8>>> + Send>> + Send + Sync>;

/// What one notification says.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackNotice {
    pub summary: String,
    pub body: String,
    pub cover: Option<Cover>,
}

/// RGBA pixels, row after row.
#[derive(Clone, PartialEq)]
pub struct Cover {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Cover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cover({}×{})", self.width, self.height)
    }
}

impl TrackNotice {
    pub fn of(track: &Track, cover: Option<Cover>) -> Self {
        let artists: Vec<&str> = track.artists.iter().map(|a| a.name.as_str()).collect();
        let body = match (artists.is_empty(), track.album.name.is_empty()) {
            (false, false) => format!("{} — {}", artists.join(", "), track.album.name),
            (false, true) => artists.join(", "),
            (true, false) => track.album.name.clone(),
            (true, true) => String::new(),
        };
        Self {
            summary: track.title.clone(),
            body,
            cover,
        }
    }
}

/// The cover, scaled to fit [`COVER_SIZE`]; `None` for bytes that are not a picture.
pub fn cover_from(bytes: &[u8]) -> Option<Cover> {
    let picture = image::load_from_memory(bytes).ok()?;
    let rgba = picture.thumbnail(COVER_SIZE, COVER_SIZE).into_rgba8();
    Some(Cover {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// Sends one notification per change of track while the setting is on, until `tracks` closes.
/// The first track seen (the one playing when this starts) is not announced.
pub async fn follow<S>(
    mut tracks: watch::Receiver<Option<Track>>,
    prefs: watch::Receiver<Prefs>,
    covers: CoverFetcher,
    notifier: S,
) where
    S: Notifier,
{
    let mut last = tracks.borrow_and_update().as_ref().map(key);
    let mut replaces = 0;
    while tracks.changed().await.is_ok() {
        let Some(track) = tracks.borrow_and_update().clone() else {
            last = None;
            continue;
        };
        if last.as_ref() == Some(&key(&track)) {
            continue;
        }
        last = Some(key(&track));
        if !prefs.borrow().window.notify_track_change {
            continue;
        }
        let cover = match &track.album.cover_url {
            Some(url) if !url.is_empty() => covers(url.clone()).await.and_then(|b| {
                // Decoding a large JPEG takes milliseconds: not on the runtime's threads.
                tokio::task::block_in_place(|| cover_from(&b))
            }),
            _ => None,
        };
        match notifier
            .show(&TrackNotice::of(&track, cover), replaces)
            .await
        {
            Ok(id) => replaces = id,
            Err(e) => tracing::info!("no track notification: {e}"),
        }
    }
}

fn key(track: &Track) -> (duet_core::ProviderId, String) {
    (track.provider, track.id.clone())
}

/// Shows a notification, replacing `replaces` (0: none); returns its id.
pub trait Notifier: Send + Sync {
    fn show(
        &self,
        notice: &TrackNotice,
        replaces: u32,
    ) -> impl Future<Output = Result<u32, String>> + Send;
}

#[cfg(target_os = "linux")]
pub use linux::FreedesktopNotifier;

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;

    use zbus::zvariant::Value;

    use super::{Notifier, TrackNotice};

    const SERVICE: &str = "org.freedesktop.Notifications";
    const PATH: &str = "/org/freedesktop/Notifications";
    /// `packaging/linux/duet.desktop`, so the desktop groups and styles them as Duet's.
    const DESKTOP_ENTRY: &str = "duet";

    /// The freedesktop notification service on a bus (the session's, in the app).
    pub struct FreedesktopNotifier {
        bus: zbus::Connection,
    }

    impl FreedesktopNotifier {
        pub fn new(bus: zbus::Connection) -> Self {
            Self { bus }
        }
    }

    impl Notifier for FreedesktopNotifier {
        async fn show(&self, notice: &TrackNotice, replaces: u32) -> Result<u32, String> {
            let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
            hints.insert("desktop-entry", Value::from(DESKTOP_ENTRY));
            // Low urgency: a new song is news, not an alarm.
            hints.insert("urgency", Value::from(0u8));
            if let Some(cover) = &notice.cover {
                let (width, height) = (cover.width as i32, cover.height as i32);
                hints.insert(
                    "image-data",
                    Value::from((
                        width,
                        height,
                        width * 4,
                        true,
                        8i32,
                        4i32,
                        cover.rgba.clone(),
                    )),
                );
            }
            let reply = self
                .bus
                .call_method(
                    Some(SERVICE),
                    PATH,
                    Some(SERVICE),
                    "Notify",
                    &(
                        "Duet",
                        replaces,
                        "",
                        notice.summary.as_str(),
                        notice.body.as_str(),
                        Vec::<&str>::new(),
                        hints,
                        -1i32,
                    ),
                )
                .await
                .map_err(|e| e.to_string())?;
            reply.body().deserialize::<u32>().map_err(|e| e.to_string())
        }
    }
}

/// Starts following the player for notifications (Linux; elsewhere nothing yet).
pub fn start<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    #[cfg(target_os = "linux")]
    {
        use tauri::Manager;
        let (Some(duet), Some(prefs)) = (
            app.try_state::<crate::Duet>(),
            app.try_state::<crate::prefs::PrefsStore>(),
        ) else {
            return;
        };
        let tracks = tracks_of(duet.player.watch_state());
        let prefs = prefs.watch();
        let covers = cover_fetcher(app.clone());
        tauri::async_runtime::spawn(async move {
            match zbus::Connection::session().await {
                Ok(bus) => follow(tracks, prefs, covers, FreedesktopNotifier::new(bus)).await,
                Err(e) => tracing::info!("no session bus, so no track notifications: {e}"),
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// The current track out of the player's states.
#[cfg(target_os = "linux")]
fn tracks_of(
    mut states: watch::Receiver<duet_player::PlayerState>,
) -> watch::Receiver<Option<Track>> {
    let (send, receive) = watch::channel(states.borrow_and_update().track.clone());
    tauri::async_runtime::spawn(async move {
        while states.changed().await.is_ok() {
            let track = states.borrow_and_update().track.clone();
            send.send_if_modified(|current| {
                let changed = *current != track;
                *current = track;
                changed
            });
            if send.is_closed() {
                break;
            }
        }
    });
    receive
}

/// The services' covers (or the test upstream's), through the app's cover client.
#[cfg(target_os = "linux")]
fn cover_fetcher<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> CoverFetcher {
    use tauri::Manager;
    Arc::new(move |url: String| {
        let app = app.clone();
        Box::pin(async move {
            let duet = app.try_state::<crate::Duet>()?;
            if !duet.is_service_image(&url) {
                return None;
            }
            let response = duet.covers_http.get(&url).send().await.ok()?;
            let response = response.error_for_status().ok()?;
            let bytes = duet_core::http::read_capped(response, duet_core::http::MAX_IMAGE)
                .await
                .ok()?;
            Some(bytes)
        })
    })
}

/// Against a fake notification service on a private bus of the test's own (`dbus-daemon`):
/// what arrives there is what a desktop's notification daemon would get.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::sync::Mutex;
    use std::time::Duration;

    use zbus::zvariant::OwnedValue;

    use super::*;

    /// `image-data`: width, height, row stride, alpha, bits per sample, channels, pixels.
    type ImageData = (i32, i32, i32, bool, i32, i32, Vec<u8>);

    #[derive(Debug, Clone)]
    struct Received {
        app_name: String,
        replaces: u32,
        summary: String,
        body: String,
        image: Option<ImageData>,
    }

    #[derive(Default)]
    struct FakeNotifications {
        received: Arc<Mutex<Vec<Received>>>,
    }

    #[zbus::interface(name = "org.freedesktop.Notifications")]
    impl FakeNotifications {
        #[allow(clippy::too_many_arguments)]
        fn notify(
            &self,
            app_name: String,
            replaces_id: u32,
            _app_icon: String,
            summary: String,
            body: String,
            _actions: Vec<String>,
            hints: HashMap<String, OwnedValue>,
            _expire_timeout: i32,
        ) -> u32 {
            let image = hints
                .get("image-data")
                .map(|v| v.try_clone().unwrap().try_into().unwrap());
            let mut received = self.received.lock().unwrap();
            received.push(Received {
                app_name,
                replaces: replaces_id,
                summary,
                body,
                image,
            });
            received.len() as u32 + 100
        }

        fn get_capabilities(&self) -> Vec<String> {
            vec!["body".into(), "icon-static".into()]
        }
    }

    /// A bus of the test's own, stopped when dropped.
    struct PrivateBus {
        daemon: Child,
        address: String,
    }

    impl PrivateBus {
        fn start() -> Self {
            let mut daemon = Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("dbus-daemon (./dev setup test installs dbus)");
            let mut address = String::new();
            BufReader::new(daemon.stdout.take().unwrap())
                .read_line(&mut address)
                .unwrap();
            Self {
                daemon,
                address: address.trim().to_owned(),
            }
        }

        async fn connect(&self) -> zbus::connection::Builder<'static> {
            zbus::connection::Builder::address(self.address.as_str()).unwrap()
        }
    }

    impl Drop for PrivateBus {
        fn drop(&mut self) {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
    }

    fn track(id: &str, title: &str, cover: Option<&str>) -> Track {
        serde_json::from_value(serde_json::json!({
            "provider": "netease", "id": id, "title": title,
            "artists": [{"id": "1", "name": "陈绮贞"}, {"id": "2", "name": "Guest"}],
            "album": {"id": "9", "name": "华丽的冒险", "cover_url": cover},
            "duration_ms": 200000, "playable": true, "vip": false
        }))
        .unwrap()
    }

    /// A 300×150 PNG, half red, half blue.
    fn cover_png() -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(300, 150, |x, _| {
            if x < 150 {
                image::Rgba([255, 0, 0, 255])
            } else {
                image::Rgba([0, 0, 255, 255])
            }
        });
        let mut png = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    struct Setup {
        _bus: PrivateBus,
        received: Arc<Mutex<Vec<Received>>>,
        tracks: watch::Sender<Option<Track>>,
        prefs: watch::Sender<Prefs>,
        fetched: Arc<Mutex<Vec<String>>>,
        following: tokio::task::JoinHandle<()>,
    }

    async fn setup(enabled: bool) -> Setup {
        let bus = PrivateBus::start();
        let fake = FakeNotifications::default();
        let received = fake.received.clone();
        let server = bus
            .connect()
            .await
            .name("org.freedesktop.Notifications")
            .unwrap()
            .serve_at("/org/freedesktop/Notifications", fake)
            .unwrap()
            .build()
            .await
            .unwrap();
        let client = bus.connect().await.build().await.unwrap();
        let (tracks, tracks_rx) = watch::channel(None);
        let mut start = Prefs::default();
        start.window.notify_track_change = enabled;
        let (prefs, prefs_rx) = watch::channel(start);
        let fetched: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = fetched.clone();
        let covers: CoverFetcher = Arc::new(move |url| {
            log.lock().unwrap().push(url);
            Box::pin(async { Some(cover_png()) })
        });
        let following = tokio::spawn(async move {
            let _server = server;
            follow(
                tracks_rx,
                prefs_rx,
                covers,
                FreedesktopNotifier::new(client),
            )
            .await;
        });
        // Started (it takes what plays then as already announced).
        settle().await;
        Setup {
            _bus: bus,
            received,
            tracks,
            prefs,
            fetched,
            following,
        }
    }

    async fn settle() {
        tokio::time::sleep(Duration::from_millis(400)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn enabled_one_notification_per_track_change_with_the_cover() {
        let s = setup(true).await;
        s.tracks
            .send_replace(Some(track("1", "旅行的意义", Some("http://covers/1.jpg"))));
        settle().await;
        // The same track again (a pause, a seek): no second notification.
        s.tracks
            .send_replace(Some(track("1", "旅行的意义", Some("http://covers/1.jpg"))));
        settle().await;
        s.tracks
            .send_replace(Some(track("2", "Sentimental Kills", None)));
        settle().await;
        drop(s.tracks);
        s.following.await.unwrap();

        let received = s.received.lock().unwrap().clone();
        assert_eq!(received.len(), 2, "{received:?}");
        let first = &received[0];
        assert_eq!(first.app_name, "Duet");
        assert_eq!(first.summary, "旅行的意义");
        assert_eq!(first.body, "陈绮贞, Guest — 华丽的冒险");
        assert_eq!(first.replaces, 0);
        let (width, height, stride, alpha, bits, channels, pixels) = first
            .image
            .clone()
            .expect("the cover arrives as image-data");
        assert_eq!((width, height), (128, 64), "scaled to fit 128 px");
        assert_eq!((stride, alpha, bits, channels), (128 * 4, true, 8, 4));
        assert_eq!(pixels.len(), 128 * 64 * 4);
        assert_eq!(&pixels[..4], &[255, 0, 0, 255], "left half red");
        assert_eq!(
            &pixels[pixels.len() - 4..],
            &[0, 0, 255, 255],
            "right half blue"
        );
        assert_eq!(*s.fetched.lock().unwrap(), ["http://covers/1.jpg"]);

        let second = &received[1];
        assert_eq!(second.summary, "Sentimental Kills");
        assert!(second.image.is_none(), "no cover, no image");
        assert_eq!(second.replaces, 101, "replaces the previous one");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn disabled_sends_none_and_turning_it_on_takes_effect_at_the_next_track() {
        let s = setup(false).await;
        s.tracks
            .send_replace(Some(track("1", "A", Some("http://covers/1.jpg"))));
        settle().await;
        s.tracks.send_replace(Some(track("2", "B", None)));
        settle().await;
        assert!(s.received.lock().unwrap().is_empty());
        assert!(
            s.fetched.lock().unwrap().is_empty(),
            "no cover fetched either"
        );

        s.prefs.send_modify(|p| p.window.notify_track_change = true);
        s.tracks.send_replace(Some(track("3", "C", None)));
        settle().await;
        let received = s.received.lock().unwrap().clone();
        assert_eq!(received.len(), 1, "{received:?}");
        assert_eq!(received[0].summary, "C");
    }

    #[test]
    fn what_is_not_a_picture_is_no_cover() {
        assert_eq!(cover_from(b"<html>not found</html>"), None);
    }
}
