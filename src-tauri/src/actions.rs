//! What the desktop's own controls do (the tray menu and the global shortcuts): the same few
//! actions, each run in one place, whichever control asked.

use tauri::{AppHandle, Manager, Runtime};

use crate::state::Duet;

/// The main window's label (tauri.conf.json).
pub const MAIN_WINDOW: &str = "main";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    PlayPause,
    Next,
    Previous,
    /// Shows the window if it is hidden or minimised, else hides it.
    ShowHide,
    ToggleDesktopLyrics,
    Quit,
}

pub fn run<R: Runtime>(app: &AppHandle<R>, action: Action) {
    let player = |act: fn(&duet_player::Player)| match app.try_state::<Duet>() {
        Some(duet) => act(duet.player.player()),
        None => tracing::debug!("{action:?} before the player exists: ignored"),
    };
    match action {
        Action::PlayPause => player(|p| {
            p.toggle();
        }),
        Action::Next => player(|p| {
            p.next();
        }),
        Action::Previous => player(|p| {
            p.previous();
        }),
        Action::ShowHide => {
            if main_window_shown(app) {
                hide_main_window(app);
            } else {
                bring_forward(app);
            }
        }
        Action::ToggleDesktopLyrics => toggle_desktop_lyrics(app),
        Action::Quit => app.exit(0),
    }
}

/// Shows the desktop lyrics window, or hides it (the tray's item and the shortcut).
pub fn toggle_desktop_lyrics<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = crate::desktop_lyrics::toggle(app) {
        tracing::warn!("could not toggle the desktop lyrics: {e}");
    }
}

/// On screen: visible and not minimised.
pub fn main_window_shown<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN_WINDOW)
        .is_some_and(|w| w.is_visible().unwrap_or(false) && !w.is_minimized().unwrap_or(false))
}

/// Shows the main window, unminimised and focused (the tray, a second launch of Duet).
pub fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    for (what, result) in [
        ("show", window.show()),
        ("unminimise", window.unminimize()),
        ("focus", window.set_focus()),
    ] {
        if let Err(e) = result {
            tracing::warn!("could not {what} the window: {e}");
        }
    }
    crate::tray::window_shown_changed(app, true);
}

pub fn hide_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        if let Err(e) = window.hide() {
            tracing::warn!("could not hide the window: {e}");
        }
    }
    crate::tray::window_shown_changed(app, false);
}
