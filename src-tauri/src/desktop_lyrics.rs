//! The desktop lyrics window: frameless, transparent, always on top, out of the taskbar, showing
//! the playing line over whatever else is on screen. It follows the `desktop_lyrics` section of
//! the preferences and nothing else: [`toggle`] (the player bar, the tray, a shortcut) and the
//! settings change the preferences, and [`follow`] opens, closes, locks and unlocks the window
//! to match. Its page (`ui/lyrics.html`) is fed by the events the main window hears
//! (`lyric-line`, `player-state`, `prefs-changed`); no timer of its own.
//!
//! Without accelerated compositing (Duet's default on Linux) WebKitGTK leaves what a transparent
//! page painted before on screen, so there the page draws on a plate of its own
//! ([`DesktopLyricsSupport::see_through`]).
//!
//! On Linux the window's webview is a related view of the main window's, so WebKitGTK runs both
//! pages in one web process rather than starting a second (`crate::side_window`).

use duet_core::Result;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

use crate::prefs::{DesktopLyricsPrefs, PrefsStore};

/// The window's label: its capability (`capabilities/desktop-lyrics.json`) names it.
pub const LABEL: &str = "desktop-lyrics";

/// Its page, a second entry of the UI's build.
const PAGE: &str = "lyrics.html";

/// Its size on a first opening (logical pixels); later, the size the person gave it.
const FIRST_SIZE: (f64, f64) = (760.0, 150.0);

/// Shows the window when it is hidden, hides it when it shows. The tray and the shortcuts call
/// this; the player bar through `desktop_lyrics_toggle`.
pub fn toggle<R: Runtime>(app: &AppHandle<R>) -> Result<DesktopLyricsPrefs> {
    toggle_in(&app.state::<PrefsStore>())
}

/// [`toggle`] on the preferences themselves. The window follows them ([`follow`]).
pub fn toggle_in(prefs: &PrefsStore) -> Result<DesktopLyricsPrefs> {
    prefs
        .update(|p| p.desktop_lyrics.visible = !p.desktop_lyrics.visible)
        .map(|p| p.desktop_lyrics)
}

/// Locks the window (clicks go through it to the windows below) or unlocks it (it can be moved
/// and resized).
pub fn set_locked(prefs: &PrefsStore, locked: bool) -> Result<DesktopLyricsPrefs> {
    prefs
        .update(|p| p.desktop_lyrics.locked = locked)
        .map(|p| p.desktop_lyrics)
}

/// What this desktop lets the window do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
pub struct DesktopLyricsSupport {
    /// The window stays above other windows. GNOME on Wayland ignores a window's wish to stay on
    /// top; the UI says so rather than pretend.
    pub keeps_on_top: bool,
    /// The window can be see-through. WebKitGTK without accelerated compositing (Duet's default
    /// on Linux, `crate::display`) never clears what a transparent page painted before, so
    /// every line would stay on screen under the next: the page then draws on a plate.
    pub see_through: bool,
}

impl DesktopLyricsSupport {
    /// From the session's variables (`get` reads one).
    pub fn detect(get: impl Fn(&str) -> Option<String>) -> Self {
        let wayland = get("XDG_SESSION_TYPE").is_some_and(|t| t.eq_ignore_ascii_case("wayland"))
            || get("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
        // GTK on Xwayland (GDK_BACKEND=x11, which `crate::display` may set) is an X11 client,
        // and mutter keeps those on top.
        let through_x11 = get("GDK_BACKEND").is_some_and(|b| b.trim().starts_with("x11"));
        let gnome = get("XDG_CURRENT_DESKTOP")
            .is_some_and(|desktops| desktops.split(':').any(|d| d.eq_ignore_ascii_case("gnome")));
        let software_painting =
            get("WEBKIT_DISABLE_COMPOSITING_MODE").is_some_and(|v| !v.is_empty() && v != "0");
        Self {
            keeps_on_top: !(cfg!(target_os = "linux") && wayland && gnome && !through_x11),
            see_through: !(cfg!(target_os = "linux") && software_painting),
        }
    }

    pub fn current() -> Self {
        Self::detect(|name| std::env::var(name).ok())
    }
}

/// Keeps the window as the preferences say, from now on (called once at start).
pub fn follow<R: Runtime>(app: &AppHandle<R>) {
    // The lyrics go with the main window (they open again with it at the next start): left
    // alone they would keep a windowless Duet running.
    if let Some(main) = app.get_webview_window("main") {
        let app = app.clone();
        main.on_window_event(move |event| {
            if matches!(event, tauri::WindowEvent::Destroyed) {
                if let Some(lyrics) = app.get_webview_window(LABEL) {
                    let _ = lyrics.destroy();
                }
            }
        });
    }
    let app = app.clone();
    let mut changes = app.state::<PrefsStore>().watch();
    tauri::async_runtime::spawn(async move {
        loop {
            let wanted = changes.borrow_and_update().desktop_lyrics.clone();
            if let Err(e) = apply(&app, &wanted).await {
                tracing::warn!("could not update the desktop lyrics window: {e}");
            }
            if changes.changed().await.is_err() {
                break;
            }
        }
    });
}

async fn apply<R: Runtime>(app: &AppHandle<R>, wanted: &DesktopLyricsPrefs) -> tauri::Result<()> {
    match (app.get_webview_window(LABEL), wanted.visible) {
        (Some(window), false) => window.destroy(),
        (Some(window), true) => window.set_ignore_cursor_events(wanted.locked),
        (None, true) => {
            let window = open(app).await?;
            window.set_ignore_cursor_events(wanted.locked)
        }
        (None, false) => Ok(()),
    }
}

async fn open<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    crate::side_window::build_in_main_process(app, builder).await
}

fn builder<R: Runtime>(app: &AppHandle<R>) -> WebviewWindowBuilder<'_, R, AppHandle<R>> {
    let (width, height) = FIRST_SIZE;
    let builder = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App(PAGE.into()))
        .title("Duet lyrics")
        .decorations(false)
        .transparent(true)
        .shadow(false)
        .always_on_top(true)
        .visible_on_all_workspaces(true)
        .skip_taskbar(true)
        .resizable(true)
        .focused(false)
        .inner_size(width, height)
        .min_inner_size(240.0, 56.0)
        // Shown once its page is there: no empty frame first.
        .visible(false)
        .on_page_load(|window, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                if let Err(e) = window.show() {
                    tracing::warn!("could not show the desktop lyrics: {e}");
                }
            }
        });
    match first_place(app, width, height) {
        // The window-state plugin puts it back where it was, when it was open before.
        Some((x, y)) => builder.position(x, y),
        None => builder,
    }
}

/// Low in the middle of the primary screen, where subtitles are.
fn first_place<R: Runtime>(app: &AppHandle<R>, width: f64, height: f64) -> Option<(f64, f64)> {
    let monitor = app.primary_monitor().ok()??;
    let size = monitor.size().to_logical::<f64>(monitor.scale_factor());
    let origin = monitor.position().to_logical::<f64>(monitor.scale_factor());
    Some((
        origin.x + ((size.width - width) / 2.0).max(0.0),
        origin.y + (size.height - height - 96.0).max(0.0),
    ))
}

// What the detection decides is Linux's (elsewhere the window is always on top and see-through).
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn support(env: &[(&str, &str)]) -> bool {
        DesktopLyricsSupport::detect(|name| {
            env.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .keeps_on_top
    }

    #[test]
    fn gnome_on_wayland_cannot_keep_the_window_on_top() {
        let gnome_wayland = [
            ("XDG_SESSION_TYPE", "wayland"),
            ("XDG_CURRENT_DESKTOP", "ubuntu:GNOME"),
        ];
        assert!(!support(&gnome_wayland));
        assert!(!support(&[
            ("WAYLAND_DISPLAY", "wayland-0"),
            ("XDG_CURRENT_DESKTOP", "GNOME"),
        ]));
        // Through Xwayland it can.
        assert!(support(&[
            ("GDK_BACKEND", "x11"),
            gnome_wayland[0],
            gnome_wayland[1]
        ]));
        // Elsewhere it can: KDE on Wayland, GNOME on X11, an X server alone (Xvfb).
        assert!(support(&[
            ("XDG_SESSION_TYPE", "wayland"),
            ("XDG_CURRENT_DESKTOP", "KDE"),
        ]));
        assert!(support(&[
            ("XDG_SESSION_TYPE", "x11"),
            ("XDG_CURRENT_DESKTOP", "GNOME"),
        ]));
        assert!(support(&[("DISPLAY", ":99")]));
    }

    #[test]
    fn without_accelerated_compositing_the_page_draws_on_a_plate() {
        let see_through = |env: &[(&str, &str)]| {
            DesktopLyricsSupport::detect(|name| {
                env.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            })
            .see_through
        };
        assert!(!see_through(&[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")]));
        assert!(see_through(&[("WEBKIT_DISABLE_COMPOSITING_MODE", "0")]));
        assert!(see_through(&[]));
    }
}
