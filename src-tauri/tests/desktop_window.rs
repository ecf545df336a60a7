//! The window on the desktop, with the real binary: one instance (a second launch exits at once
//! and brings the first window forward), closing to the tray only where a tray is on screen, and
//! the tray menu's show/hide item following the window (read over D-Bus, as a panel reads it).
//!
//! Each test runs its own X server (Xvfb) and, where it needs one, a real XEmbed tray
//! (`trayer`), so what one test puts on screen cannot satisfy another. The window is found,
//! focused and closed as a window manager would: by its X window, `WM_DELETE_WINDOW`, input focus.
//! Needs a D-Bus session (the single-instance lock lives there): `./dev test` provides it.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use duet_fake_upstream::{FakeConfig, FakeUpstream};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt, CreateWindowAux, EventMask, GrabMode, InputFocus,
    MapState, ModMask, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;

const PATIENCE: Duration = Duration::from_secs(40);

/// A child process stopped (SIGTERM, then waited for) when the test ends, however it ends.
struct Process(Child);

impl Process {
    fn exited_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            if self.exited_within(Duration::from_secs(10)).is_none() {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
    }
}

/// An X server of the test's own.
struct Screen {
    name: String,
    x: RustConnection,
    root: Window,
    _server: Process,
}

impl Screen {
    fn start() -> Self {
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb must be installed (./dev setup test)");
        let mut number = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut number)
            .unwrap();
        let name = format!(":{}", number.trim());
        let (x, screen) = x11rb::connect(Some(&name)).expect("the test's X server");
        let root = x.setup().roots[screen].root;
        Self {
            name,
            x,
            root,
            _server: Process(server),
        }
    }

    /// An XEmbed tray on this screen (`trayer`), once it holds the tray selection.
    fn start_tray(&self) -> Process {
        let tray = Process(
            Command::new("trayer")
                .args([
                    "--edge",
                    "top",
                    "--align",
                    "right",
                    "--widthtype",
                    "request",
                ])
                .args(["--height", "32", "--iconspacing", "4"])
                .env("DISPLAY", &self.name)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("trayer must be installed (./dev setup test)"),
        );
        let selection = self.atom("_NET_SYSTEM_TRAY_S0");
        self.wait_until("trayer holds the tray selection", || {
            self.x
                .get_selection_owner(selection)
                .unwrap()
                .reply()
                .unwrap()
                .owner
                != x11rb::NONE
        });
        tray
    }

    fn atom(&self, name: &str) -> u32 {
        self.x
            .intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    }

    fn wait_until(&self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The top-level windows titled `title`.
    fn windows_titled(&self, title: &str) -> Vec<Window> {
        let net_wm_name = self.atom("_NET_WM_NAME");
        let utf8 = self.atom("UTF8_STRING");
        let tree = self.x.query_tree(self.root).unwrap().reply().unwrap();
        tree.children
            .into_iter()
            .filter(|&w| {
                [
                    (net_wm_name, utf8),
                    (AtomEnum::WM_NAME.into(), AtomEnum::STRING.into()),
                ]
                .into_iter()
                .any(|(property, kind)| {
                    self.x
                        .get_property(false, w, property, kind, 0, 256)
                        .ok()
                        .and_then(|c| c.reply().ok())
                        .is_some_and(|p| p.value == title.as_bytes())
                })
            })
            .collect()
    }

    fn viewable(&self, window: Window) -> bool {
        self.x
            .get_window_attributes(window)
            .unwrap()
            .reply()
            .is_ok_and(|a| a.map_state == MapState::VIEWABLE)
    }

    /// Duet's main window, once it is on screen.
    fn duet_window(&self) -> Window {
        let mut found = None;
        self.wait_until("Duet's window is on screen", || {
            found = self
                .windows_titled("Duet")
                .into_iter()
                .find(|&w| self.viewable(w));
            found.is_some()
        });
        found.unwrap()
    }

    /// The top-level window that has the keyboard focus (focus may sit in a child of it).
    fn focused_toplevel(&self) -> Option<Window> {
        let mut window = self.x.get_input_focus().unwrap().reply().unwrap().focus;
        loop {
            if window == x11rb::NONE || window == self.root || window == 1 {
                return None;
            }
            let parent = self.x.query_tree(window).ok()?.reply().ok()?.parent;
            if parent == self.root {
                return Some(window);
            }
            window = parent;
        }
    }

    /// The `_NET_WM_PID` of a window, where it says.
    fn pid_of(&self, window: Window) -> Option<u32> {
        let reply = self
            .x
            .get_property(
                false,
                window,
                self.atom("_NET_WM_PID"),
                AtomEnum::CARDINAL,
                0,
                1,
            )
            .ok()?
            .reply()
            .ok()?;
        let pid = reply.value32()?.next();
        pid
    }

    /// Whether a window of process `client` sits inside a window of process `host` (an icon
    /// docked in a tray: XEmbed reparents it into the tray's window).
    fn docked(&self, client: u32, host: u32) -> bool {
        let mut stack = vec![(self.root, false)];
        while let Some((window, inside_host)) = stack.pop() {
            let pid = self.pid_of(window);
            if inside_host && pid == Some(client) {
                return true;
            }
            let inside = inside_host || pid == Some(host);
            if let Some(tree) = self.x.query_tree(window).ok().and_then(|c| c.reply().ok()) {
                stack.extend(tree.children.into_iter().map(|child| (child, inside)));
            }
        }
        false
    }

    /// Another app's window, mapped and focused.
    fn focus_another_window(&self) -> Window {
        let window = self.x.generate_id().unwrap();
        let screen = &self.x.setup().roots[0];
        self.x
            .create_window(
                screen.root_depth,
                window,
                self.root,
                0,
                0,
                300,
                200,
                0,
                WindowClass::INPUT_OUTPUT,
                screen.root_visual,
                &CreateWindowAux::new(),
            )
            .unwrap();
        self.x.map_window(window).unwrap();
        self.x.flush().unwrap();
        self.wait_until("the other window is mapped", || self.viewable(window));
        self.x
            .set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME)
            .unwrap();
        self.x.flush().unwrap();
        self.wait_until("the other window has the focus", || {
            self.focused_toplevel() == Some(window)
        });
        window
    }

    /// Holds Ctrl+Alt+`key` (a letter) for this connection, as another app's global shortcut.
    fn hold_ctrl_alt(&self, key: char) {
        let setup = self.x.setup();
        let (first, count) = (setup.min_keycode, setup.max_keycode - setup.min_keycode + 1);
        let map = self
            .x
            .get_keyboard_mapping(first, count)
            .unwrap()
            .reply()
            .unwrap();
        let per = map.keysyms_per_keycode as usize;
        let index = map
            .keysyms
            .chunks(per)
            .position(|syms| syms.contains(&(key as u32)))
            .expect("the key is on the test keyboard");
        self.x
            .grab_key(
                false,
                self.root,
                ModMask::CONTROL | ModMask::M1,
                first + index as u8,
                GrabMode::ASYNC,
                GrabMode::ASYNC,
            )
            .unwrap()
            .check()
            .unwrap();
    }

    /// What a window manager sends when the person clicks the window's close button.
    fn ask_to_close(&self, window: Window) {
        let event = ClientMessageEvent::new(
            32,
            window,
            self.atom("WM_PROTOCOLS"),
            [self.atom("WM_DELETE_WINDOW"), x11rb::CURRENT_TIME, 0, 0, 0],
        );
        self.x
            .send_event(false, window, EventMask::NO_EVENT, event)
            .unwrap();
        self.x.flush().unwrap();
    }
}

/// Where one Duet keeps its files (its own preferences), and the upstream it talks to.
struct Home {
    dir: tempfile::TempDir,
    upstream: String,
    /// A session bus of the test's own instead of the one the test runs in.
    bus: Option<String>,
}

impl Home {
    fn new(upstream: &FakeUpstream, close_to_tray: bool) -> Self {
        Self::with_prefs(
            upstream,
            serde_json::json!({ "window": { "close_to_tray": close_to_tray } }),
        )
    }

    fn with_prefs(upstream: &FakeUpstream, prefs_json: serde_json::Value) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let prefs = dir.path().join("config/app.duet.player/prefs.json");
        std::fs::create_dir_all(prefs.parent().unwrap()).unwrap();
        std::fs::write(&prefs, prefs_json.to_string()).unwrap();
        Self {
            dir,
            upstream: upstream.base_url(),
            bus: None,
        }
    }

    fn launch(&self, screen: &Screen) -> Process {
        self.launch_with_log(screen, Stdio::inherit())
    }

    /// Launches Duet with its log (stderr) kept in the returned text, as it comes.
    fn launch_logged(&self, screen: &Screen) -> (Process, Arc<Mutex<String>>) {
        let mut duet = self.launch_with_log(screen, Stdio::piped());
        let log: Arc<Mutex<String>> = Arc::default();
        let into = log.clone();
        let stderr = duet.0.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = into.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        (duet, log)
    }

    fn launch_with_log(&self, screen: &Screen, stderr: Stdio) -> Process {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session: run this test under ./dev with-keyring (./dev test does)"
        );
        let at = |dir: &str| self.dir.path().join(dir);
        let mut command = Command::new(env!("CARGO_BIN_EXE_duet"));
        if let Some(bus) = &self.bus {
            command.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        Process(
            command
                .env("DISPLAY", &screen.name)
                .env_remove("WAYLAND_DISPLAY")
                .env("XDG_CONFIG_HOME", at("config"))
                .env("XDG_DATA_HOME", at("data"))
                .env("XDG_CACHE_HOME", at("cache"))
                .env("DUET_UPSTREAM", &self.upstream)
                .env(duet_services::TEST_PACE_ENV, "fast")
                .env("DUET_AUDIO_OUTPUT", "null")
                .env("RUST_LOG", "info")
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .unwrap(),
        )
    }
}

fn alive(process: &mut Process) -> bool {
    process.0.try_wait().unwrap().is_none()
}

async fn fake_upstream() -> FakeUpstream {
    FakeUpstream::spawn(FakeConfig::default()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_exits_at_once_and_brings_the_first_window_forward() {
    let fake = fake_upstream().await;
    let screen = Screen::start();
    let home = Home::new(&fake, false);
    let mut first = home.launch(&screen);
    let window = screen.duet_window();
    let other = screen.focus_another_window();
    assert_eq!(screen.focused_toplevel(), Some(other));

    let started = Instant::now();
    let mut second = home.launch(&screen);
    let status = second
        .exited_within(Duration::from_secs(15))
        .expect("the second Duet exits by itself");
    assert!(status.success(), "the second Duet exits cleanly: {status}");
    eprintln!("the second launch exited after {:?}", started.elapsed());
    screen.wait_until("the first window has the focus", || {
        screen.focused_toplevel() == Some(window)
    });
    assert!(screen.viewable(window));
    assert_eq!(screen.windows_titled("Duet").len(), 1, "still one window");
    assert!(alive(&mut first), "the first Duet runs on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_hides_to_the_tray_when_asked_and_a_launch_shows_it_again() {
    let fake = fake_upstream().await;
    let screen = Screen::start();
    let tray = screen.start_tray();
    let home = Home::new(&fake, true);
    let mut duet = home.launch(&screen);
    let window = screen.duet_window();
    screen.wait_until("Duet's icon is docked in the tray", || {
        screen.docked(duet.0.id(), tray.0.id())
    });

    screen.ask_to_close(window);
    screen.wait_until("the window is hidden", || !screen.viewable(window));
    std::thread::sleep(Duration::from_secs(1));
    assert!(alive(&mut duet), "Duet runs on in the tray");

    // Launching Duet again is one way back (the tray's "Show Duet" the other).
    let mut again = home.launch(&screen);
    let status = again.exited_within(Duration::from_secs(15)).unwrap();
    assert!(status.success(), "{status}");
    screen.wait_until("the window is back", || screen.viewable(window));
    screen.wait_until("the window has the focus", || {
        screen.focused_toplevel() == Some(window)
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_quits_when_no_tray_is_on_screen_even_if_asked_to_hide() {
    let fake = fake_upstream().await;
    let screen = Screen::start();
    let home = Home::new(&fake, true);
    let mut duet = home.launch(&screen);
    let window = screen.duet_window();
    screen.ask_to_close(window);
    let status = duet
        .exited_within(PATIENCE)
        .expect("with no tray to go back to, closing quits");
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_quits_by_default_even_with_a_tray() {
    let fake = fake_upstream().await;
    let screen = Screen::start();
    let _tray = screen.start_tray();
    let home = Home::new(&fake, false);
    let mut duet = home.launch(&screen);
    let window = screen.duet_window();
    screen.ask_to_close(window);
    let status = duet.exited_within(PATIENCE).expect("closing quits");
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_shortcut_reaches_duet_and_one_another_app_holds_is_reported() {
    let fake = fake_upstream().await;
    let screen = Screen::start();
    screen.hold_ctrl_alt('n');
    let home = Home::with_prefs(
        &fake,
        serde_json::json!({ "shortcuts": {
            "enabled": true, "play_pause": "Ctrl+Alt+P", "next": "Ctrl+Alt+N"
        }}),
    );
    let (_duet, log) = home.launch_logged(&screen);
    screen.duet_window();
    let logged = |text: &str| log.lock().unwrap().contains(text);
    let wait_logged = |text: &str| {
        let deadline = Instant::now() + PATIENCE;
        while !logged(text) {
            assert!(
                Instant::now() < deadline,
                "Duet never logged “{text}”; its log:\n{}",
                log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    // Another app's keys: reported, not a panic.
    wait_logged("the next shortcut Ctrl+Alt+N does not work: another app already uses these keys");
    assert!(!logged("global shortcut: play/pause"));
    let pressed = Command::new("xdotool")
        .args(["key", "ctrl+alt+p"])
        .env("DISPLAY", &screen.name)
        .status()
        .expect("xdotool must be installed (./dev setup test)");
    assert!(pressed.success());
    // Heard from outside Duet's window (the X server's focus is nowhere in particular).
    wait_logged("global shortcut: play/pause");
    assert!(!logged("play/pause shortcut Ctrl+Alt+P does not work"));
}

// --- The tray menu as a panel sees it.
//
// Panels (GNOME's AppIndicator extension, KDE) find Duet's icon through a StatusNotifierWatcher
// on the session bus and read its menu over D-Bus (`com.canonical.dbusmenu`). The test plays
// that panel on a bus of its own, so the labels it reads are the ones a person would see.

/// A session bus of the test's own, and its address. The services it starts on demand (Duet
/// asks it for a Secret Service, so it starts a gnome-keyring) get a home of their own: in the
/// test run's home, that second gnome-keyring would share the run's keyring files and control
/// socket with the run's own.
fn private_bus() -> (Process, String, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let mut daemon = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("GNOME_KEYRING_CONTROL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon (Debian package dbus) must be installed");
    let mut address = String::new();
    BufReader::new(daemon.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    (Process(daemon), address.trim().to_owned(), home)
}

/// The items that registered with the watcher: (their bus name, what they registered).
type Registered = Arc<Mutex<Vec<(String, String)>>>;

struct Watcher(Registered);

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        self.0.lock().unwrap().push((sender, service.to_owned()));
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, s)| s.clone())
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// A `com.canonical.dbusmenu` layout node: `(id, properties, children)`.
type MenuNode = (
    i32,
    std::collections::HashMap<String, zbus::zvariant::OwnedValue>,
    Vec<zbus::zvariant::OwnedValue>,
);

/// Every item's id and label in a layout node and below it.
fn labels((id, properties, children): &MenuNode, into: &mut Vec<(i32, String)>) {
    if let Some(label) = properties.get("label") {
        if let Ok(label) = String::try_from(label.try_clone().unwrap()) {
            into.push((*id, label));
        }
    }
    for child in children {
        if let Ok(node) = MenuNode::try_from(child.try_clone().unwrap()) {
            labels(&node, into);
        }
    }
}

/// Whether the item labelled `label` is a check item and checked (dbusmenu's `toggle-type`
/// `checkmark` with `toggle-state` 1), as a panel draws it.
fn checked((_, properties, children): &MenuNode, label: &str) -> Option<bool> {
    let text = |key: &str| {
        properties
            .get(key)
            .and_then(|v| String::try_from(v.try_clone().unwrap()).ok())
    };
    if text("label").as_deref() == Some(label) {
        let state = properties
            .get("toggle-state")
            .and_then(|v| i32::try_from(v.try_clone().unwrap()).ok());
        return Some(text("toggle-type").as_deref() == Some("checkmark") && state == Some(1));
    }
    children.iter().find_map(|child| {
        MenuNode::try_from(child.try_clone().unwrap())
            .ok()
            .and_then(|node| checked(&node, label))
    })
}

/// Duet's tray menu as it is now: its items' ids and labels, and where the menu lives.
async fn menu_labels(
    bus: &zbus::Connection,
    registered: &Registered,
) -> (Vec<(i32, String)>, Option<(String, String)>) {
    let Some((layout, menu)) = menu_layout(bus, registered).await else {
        return (Vec::new(), None);
    };
    let mut found = Vec::new();
    labels(&layout, &mut found);
    (found, Some(menu))
}

/// Duet's tray menu as it is now, and where it lives (owner, path).
async fn menu_layout(
    bus: &zbus::Connection,
    registered: &Registered,
) -> Option<(MenuNode, (String, String))> {
    use zbus::zvariant::OwnedObjectPath;
    let (sender, service) = registered.lock().unwrap().first().cloned()?;
    let item_path = if service.starts_with('/') {
        service
    } else {
        "/StatusNotifierItem".to_owned()
    };
    let item = zbus::fdo::PropertiesProxy::builder(bus)
        .destination(sender.clone())
        .unwrap()
        .path(item_path)
        .unwrap()
        .build()
        .await
        .unwrap();
    let menu = item
        .get(
            zbus::names::InterfaceName::from_static_str("org.kde.StatusNotifierItem").unwrap(),
            "Menu",
        )
        .await
        .ok()?;
    let menu = OwnedObjectPath::try_from(menu).unwrap();
    let reply = bus
        .call_method(
            Some(sender.as_str()),
            menu.as_str(),
            Some("com.canonical.dbusmenu"),
            "GetLayout",
            &(0i32, -1i32, vec!["label", "toggle-type", "toggle-state"]),
        )
        .await
        .ok()?;
    let (_revision, layout): (u32, MenuNode) = reply.body().deserialize().unwrap();
    Some((layout, (sender, menu.to_string())))
}

/// Waits until the item labelled `label` is checked (`true`) or not.
async fn wait_for_check(bus: &zbus::Connection, registered: &Registered, label: &str, on: bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let now = menu_layout(bus, registered)
            .await
            .and_then(|(layout, _)| checked(&layout, label));
        if now == Some(on) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{label:?} never became checked={on}: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the menu has an item labelled `label`; clicks it when asked to, as a person
/// does in the panel.
async fn wait_for_label(bus: &zbus::Connection, registered: &Registered, label: &str, click: bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (now, menu) = menu_labels(bus, registered).await;
        if let (Some((id, _)), Some((owner, path))) = (now.iter().find(|(_, l)| l == label), menu) {
            if click {
                let nothing = zbus::zvariant::Value::from(0i32);
                bus.call_method(
                    Some(owner.as_str()),
                    path.as_str(),
                    Some("com.canonical.dbusmenu"),
                    "Event",
                    &(*id, "clicked", nothing, 0u32),
                )
                .await
                .unwrap();
            }
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the menu never said {label:?}: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_offers_to_show_the_window_while_it_is_minimised_or_hidden() {
    let fake = fake_upstream().await;
    let screen = Screen::start();
    let (_daemon, address, _bus_home) = private_bus();
    let registered = Registered::default();
    let panel = zbus::connection::Builder::address(address.as_str())
        .unwrap()
        .name("org.kde.StatusNotifierWatcher")
        .unwrap()
        .serve_at("/StatusNotifierWatcher", Watcher(registered.clone()))
        .unwrap()
        .build()
        .await
        .unwrap();
    let mut home = Home::new(&fake, false);
    home.bus = Some(address);
    let _duet = home.launch(&screen);
    let window = screen.duet_window();
    wait_for_label(&panel, &registered, "Hide Duet", false).await;

    // Minimised, as a window manager without _NET_WM_STATE_HIDDEN does it (the window unmapped
    // by someone else): the item offers the window back. Restored: it offers to hide it.
    screen.x.unmap_window(window).unwrap();
    screen.x.flush().unwrap();
    wait_for_label(&panel, &registered, "Show Duet", false).await;
    screen.x.map_window(window).unwrap();
    screen.x.flush().unwrap();
    wait_for_label(&panel, &registered, "Hide Duet", false).await;

    // The item itself hides the window and brings it back, and says the other thing each time.
    wait_for_label(&panel, &registered, "Hide Duet", true).await;
    screen.wait_until("the window is hidden", || !screen.viewable(window));
    wait_for_label(&panel, &registered, "Show Duet", true).await;
    screen.wait_until("the window is back", || screen.viewable(window));
    wait_for_label(&panel, &registered, "Hide Duet", false).await;

    // "Desktop lyrics" is a check item: checked while the lyrics window is on screen.
    wait_for_check(&panel, &registered, "Desktop lyrics", false).await;
    wait_for_label(&panel, &registered, "Desktop lyrics", true).await;
    screen.wait_until("the desktop lyrics open", || {
        !screen.windows_titled("Duet lyrics").is_empty()
    });
    wait_for_check(&panel, &registered, "Desktop lyrics", true).await;
    wait_for_label(&panel, &registered, "Desktop lyrics", true).await;
    screen.wait_until("the desktop lyrics close", || {
        screen.windows_titled("Duet lyrics").is_empty()
    });
    wait_for_check(&panel, &registered, "Desktop lyrics", false).await;
}
