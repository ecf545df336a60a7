//! The tray icon: the current track (a label), play/pause, next, previous, show/hide and quit.
//! Its labels follow the player through [`Playback::watch_state`](crate::playback::Playback),
//! and the show/hide item the main window ([`follow_window`]): "Show Duet" while it is hidden or
//! minimised, "Hide Duet" while it is on screen.
//!
//! On Linux the icon is a StatusNotifierItem (libayatana-appindicator, loaded at run time; an
//! XEmbed icon where only an old-style tray runs). Without the library there is no icon, and
//! Duet says so in its log rather than failing; without a tray host the icon exists but nobody
//! shows it, so [`is_shown`] asks for a host each time it matters (closing the window).

use std::sync::Mutex;

use duet_player::{PlayerState, PlayerStatus};
use serde::Deserialize;
use specta::Type;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::actions::{self, Action};
use crate::prefs::PrefsStore;

const TRAY_ID: &str = "duet";
/// The longest track label, in characters; a panel menu is not the place for a whole album title.
const TRACK_LABEL_MAX: usize = 60;

/// The menu's items, and the language of their labels.
struct TrayMenu<R: Runtime> {
    track: MenuItem<R>,
    play_pause: MenuItem<R>,
    next: MenuItem<R>,
    previous: MenuItem<R>,
    show_hide: MenuItem<R>,
    desktop_lyrics: CheckMenuItem<R>,
    quit: MenuItem<R>,
    language: Mutex<TrayLanguage>,
    /// Whether the show/hide item says the window is on screen ("Hide Duet").
    window_shown: Mutex<bool>,
}

/// The menu's language: the UI's (it says so at start and on each change, `tray_language`);
/// until then, the system's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TrayLanguage {
    En,
    Zh,
}

/// Every label of the menu, in one language.
pub struct Words {
    pub nothing_playing: &'static str,
    pub play: &'static str,
    pub pause: &'static str,
    pub next: &'static str,
    pub previous: &'static str,
    pub show: &'static str,
    pub hide: &'static str,
    pub desktop_lyrics: &'static str,
    pub quit: &'static str,
}

impl TrayLanguage {
    pub fn words(self) -> &'static Words {
        match self {
            Self::En => &Words {
                nothing_playing: "Nothing playing",
                play: "Play",
                pause: "Pause",
                next: "Next",
                previous: "Previous",
                show: "Show Duet",
                hide: "Hide Duet",
                desktop_lyrics: "Desktop lyrics",
                quit: "Quit Duet",
            },
            Self::Zh => &Words {
                nothing_playing: "未在播放",
                play: "播放",
                pause: "暂停",
                next: "下一首",
                previous: "上一首",
                show: "显示 Duet",
                hide: "隐藏 Duet",
                desktop_lyrics: "桌面歌词",
                quit: "退出 Duet",
            },
        }
    }

    /// From `LC_ALL`, `LC_MESSAGES` or `LANG`, as the UI's "System" language does.
    fn of_system() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        if locale.starts_with("zh") {
            Self::Zh
        } else {
            Self::En
        }
    }
}

/// The menu item ids, one per [`Action`].
fn action_of(id: &str) -> Option<Action> {
    Some(match id {
        "play_pause" => Action::PlayPause,
        "next" => Action::Next,
        "previous" => Action::Previous,
        "show_hide" => Action::ShowHide,
        "desktop_lyrics" => Action::ToggleDesktopLyrics,
        "quit" => Action::Quit,
        _ => return None,
    })
}

/// The language the UI asks the menu to speak (`tray_language`), followed by the tray.
pub struct TrayLanguageChoice(tokio::sync::watch::Sender<TrayLanguage>);

impl TrayLanguageChoice {
    pub fn choose(&self, language: TrayLanguage) {
        self.0.send_if_modified(|current| {
            let changed = *current != language;
            *current = language;
            changed
        });
    }
}

/// Puts the icon in the tray, when this system can show one. Returns whether it did.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> bool {
    let choice = tokio::sync::watch::Sender::new(TrayLanguage::of_system());
    let mut chosen = choice.subscribe();
    app.manage(TrayLanguageChoice(choice));
    if !platform::can_create() {
        tracing::warn!(
            "no tray icon: libayatana-appindicator3 is not installed (closing the window quits)"
        );
        return false;
    }
    match build(app) {
        Ok(menu) => {
            app.manage(menu);
            follow_player(app);
            follow_desktop_lyrics(app);
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                while chosen.changed().await.is_ok() {
                    let language = *chosen.borrow_and_update();
                    set_language(&app, language);
                }
            });
            true
        }
        Err(e) => {
            tracing::warn!("no tray icon: {e}");
            false
        }
    }
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayMenu<R>> {
    let language = TrayLanguage::of_system();
    let words = language.words();
    let item = |id: &str, text: &str| MenuItem::with_id(app, id, text, true, None::<&str>);
    let track = MenuItem::with_id(app, "track", words.nothing_playing, false, None::<&str>)?;
    let play_pause = item("play_pause", words.play)?;
    let next = item("next", words.next)?;
    let previous = item("previous", words.previous)?;
    let window_shown = actions::main_window_shown(app);
    let show_hide = item("show_hide", show_hide_label(words, window_shown))?;
    let quit = item("quit", words.quit)?;
    let desktop_lyrics = desktop_lyrics_item(app, words)?;
    let menu = Menu::with_items(
        app,
        &[
            &track,
            &PredefinedMenuItem::separator(app)?,
            &play_pause,
            &next,
            &previous,
            &PredefinedMenuItem::separator(app)?,
            &show_hide,
            &quit,
        ],
    )?;
    // Above show/hide, with the window items.
    menu.insert(&desktop_lyrics, 6)?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Duet")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match action_of(event.id().as_ref()) {
            Some(action) => actions::run(app, action),
            None => tracing::debug!("tray: no action for {:?}", event.id()),
        })
        .on_tray_icon_event(|tray, event| {
            // Windows and macOS report clicks on the icon; Linux's indicators open the menu.
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                actions::run(tray.app_handle(), Action::ShowHide);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(TrayMenu {
        track,
        play_pause,
        next,
        previous,
        show_hide,
        desktop_lyrics,
        quit,
        language: Mutex::new(language),
        window_shown: Mutex::new(window_shown),
    })
}

/// Labels the menu in `language` (the UI's, `tray_language`).
pub fn set_language<R: Runtime>(app: &AppHandle<R>, language: TrayLanguage) {
    let Some(menu) = app.try_state::<TrayMenu<R>>() else {
        return;
    };
    *menu.language.lock().expect("poisoned") = language;
    let words = language.words();
    let state = app
        .try_state::<crate::Duet>()
        .map(|duet| duet.player.watch_state().borrow().clone());
    let set = menu
        .track
        .set_text(track_label(state.as_ref(), words))
        .and_then(|()| {
            let play_pause = state
                .as_ref()
                .map_or(words.play, |s| play_pause_label(s, words));
            menu.play_pause.set_text(play_pause)
        })
        .and_then(|()| menu.next.set_text(words.next))
        .and_then(|()| menu.previous.set_text(words.previous))
        .and_then(|()| {
            let shown = actions::main_window_shown(app);
            *menu.window_shown.lock().expect("poisoned") = shown;
            menu.show_hide.set_text(show_hide_label(words, shown))
        })
        .and_then(|()| menu.desktop_lyrics.set_text(words.desktop_lyrics))
        .and_then(|()| menu.quit.set_text(words.quit));
    if let Err(e) = set {
        tracing::warn!("tray: could not relabel the menu: {e}");
    }
}

fn words_of<R: Runtime>(menu: &TrayMenu<R>) -> &'static Words {
    menu.language.lock().expect("poisoned").words()
}

/// The menu's "Desktop lyrics" item: id `desktop_lyrics`, which runs
/// [`Action::ToggleDesktopLyrics`] (`desktop_lyrics::toggle`), checked while the window is on
/// ([`follow_desktop_lyrics`] keeps it so).
fn desktop_lyrics_item<R: Runtime>(
    app: &AppHandle<R>,
    words: &Words,
) -> tauri::Result<CheckMenuItem<R>> {
    CheckMenuItem::with_id(
        app,
        "desktop_lyrics",
        words.desktop_lyrics,
        true,
        desktop_lyrics_wanted(app),
        None::<&str>,
    )
}

/// Whether the preferences want the desktop lyrics on.
fn desktop_lyrics_wanted<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<PrefsStore>()
        .is_some_and(|prefs| prefs.get().desktop_lyrics.visible)
}

/// Checks the "Desktop lyrics" item whenever the preferences turn the window on, from wherever
/// (the player bar, a shortcut, the settings, the item itself), and unchecks it when they turn
/// it off.
fn follow_desktop_lyrics<R: Runtime>(app: &AppHandle<R>) {
    let Some(prefs) = app.try_state::<PrefsStore>() else {
        return;
    };
    let mut changes = prefs.watch();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let wanted = changes.borrow_and_update().desktop_lyrics.visible;
            let Some(menu) = app.try_state::<TrayMenu<R>>() else {
                break;
            };
            // A click has toggled the item already; set it to what the preferences say anyway.
            if let Err(e) = menu.desktop_lyrics.set_checked(wanted) {
                tracing::warn!("tray: could not update the menu: {e}");
            }
            if changes.changed().await.is_err() {
                break;
            }
        }
    });
}

fn follow_player<R: Runtime>(app: &AppHandle<R>) {
    let Some(duet) = app.try_state::<crate::Duet>() else {
        return;
    };
    let mut states = duet.player.watch_state();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown = None;
        while let Some(menu) = app.try_state::<TrayMenu<R>>() {
            let words = words_of(&menu);
            let labels = {
                let state = states.borrow_and_update();
                (
                    track_label(Some(&state), words),
                    play_pause_label(&state, words),
                )
            };
            if shown.as_ref() != Some(&labels) {
                let set = menu
                    .track
                    .set_text(&labels.0)
                    .and_then(|()| menu.play_pause.set_text(labels.1));
                if let Err(e) = set {
                    tracing::warn!("tray: could not update the menu: {e}");
                }
                if let Some(tray) = app.tray_by_id(TRAY_ID) {
                    let _ = tray.set_tooltip(Some(format!("Duet — {}", labels.0)));
                }
                shown = Some(labels);
            }
            if states.changed().await.is_err() {
                break;
            }
        }
    });
}

/// Called whenever Duet shows or hides its window, so the item offers the other one.
pub fn window_shown_changed<R: Runtime>(app: &AppHandle<R>, shown: bool) {
    let Some(menu) = app.try_state::<TrayMenu<R>>() else {
        return;
    };
    let mut labelled = menu.window_shown.lock().expect("poisoned");
    if *labelled == shown {
        return;
    }
    match menu
        .show_hide
        .set_text(show_hide_label(words_of(&menu), shown))
    {
        Ok(()) => *labelled = shown,
        Err(e) => tracing::warn!("tray: could not update the menu: {e}"),
    }
}

/// The main window's events: the window manager minimised or restored it (the system reports
/// that as a move and a resize), or it gained or lost the focus. The show/hide item is checked
/// against the window each time, since the person minimises and restores it without Duet.
pub fn follow_window<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    use tauri::WindowEvent;
    if window.label() != actions::MAIN_WINDOW {
        return;
    }
    if matches!(
        event,
        WindowEvent::Moved(_) | WindowEvent::Resized(_) | WindowEvent::Focused(_)
    ) {
        let app = window.app_handle();
        window_shown_changed(app, actions::main_window_shown(app));
    }
}

/// Whether the icon is on screen now: it was made and a tray shows it. Closing the window
/// hides it to the tray only then; otherwise the window would be lost with no way back.
pub fn is_shown<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<TrayMenu<R>>().is_some() && platform::host_present()
}

/// The close-requested handler's question: hide `window` to the tray instead of closing it?
/// Yes for the main window when the setting is on and the tray is on screen (then it is hidden
/// here); the caller then keeps the window from closing.
pub fn close_to_tray<R: Runtime>(window: &tauri::Window<R>) -> bool {
    let app = window.app_handle();
    let wanted = window.label() == actions::MAIN_WINDOW
        && app
            .try_state::<PrefsStore>()
            .is_some_and(|prefs| prefs.get().window.close_to_tray);
    if !wanted {
        return false;
    }
    if !is_shown(app) {
        tracing::info!("closing to the tray, but no tray is on screen: quitting instead");
        return false;
    }
    actions::hide_main_window(app);
    true
}

/// "Title — Artist, Artist", shortened to [`TRACK_LABEL_MAX`] characters.
pub fn track_label(state: Option<&PlayerState>, words: &Words) -> String {
    let Some(track) = state.and_then(|s| s.track.as_ref()) else {
        return words.nothing_playing.into();
    };
    let artists: Vec<&str> = track.artists.iter().map(|a| a.name.as_str()).collect();
    let label = if artists.is_empty() {
        track.title.clone()
    } else {
        format!("{} — {}", track.title, artists.join(", "))
    };
    if label.chars().count() > TRACK_LABEL_MAX {
        let mut short: String = label.chars().take(TRACK_LABEL_MAX - 1).collect();
        short.push('…');
        short
    } else {
        label
    }
}

pub fn play_pause_label(state: &PlayerState, words: &Words) -> &'static str {
    match state.status {
        PlayerStatus::Playing | PlayerStatus::Loading => words.pause,
        PlayerStatus::Idle | PlayerStatus::Paused | PlayerStatus::Ended => words.play,
    }
}

fn show_hide_label(words: &Words, shown: bool) -> &'static str {
    if shown {
        words.hide
    } else {
        words.show
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use std::path::{Path, PathBuf};

    /// The names libappindicator-sys loads, in its order. It panics when none loads, so Duet
    /// looks for them first, where the dynamic loader would.
    const LIBRARIES: [&str; 4] = [
        "libayatana-appindicator3.so.1",
        "libappindicator3.so.1",
        "libayatana-appindicator3.so",
        "libappindicator3.so",
    ];

    pub fn can_create() -> bool {
        let dirs = loader_dirs();
        LIBRARIES
            .iter()
            .any(|name| dirs.iter().any(|dir| dir.join(name).exists()))
    }

    /// `LD_LIBRARY_PATH`, the folders of `/etc/ld.so.conf` (and its includes), and the
    /// loader's defaults.
    fn loader_dirs() -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
            .map(|paths| std::env::split_paths(&paths).collect())
            .unwrap_or_default();
        read_ld_conf(Path::new("/etc/ld.so.conf"), &mut dirs, 0);
        dirs.extend(
            ["/lib", "/usr/lib", "/lib64", "/usr/lib64"]
                .into_iter()
                .map(PathBuf::from),
        );
        dirs
    }

    fn read_ld_conf(file: &Path, dirs: &mut Vec<PathBuf>, depth: u8) {
        let Ok(text) = std::fs::read_to_string(file) else {
            return;
        };
        for line in text.lines().map(str::trim) {
            if let Some(pattern) = line.strip_prefix("include ") {
                // `include /etc/ld.so.conf.d/*.conf`, the one form distributions use.
                let pattern = Path::new(pattern.trim());
                let (Some(dir), Some(name)) = (pattern.parent(), pattern.file_name()) else {
                    continue;
                };
                let suffix = name.to_string_lossy().trim_start_matches('*').to_owned();
                let Ok(entries) = std::fs::read_dir(dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if depth < 4 && path.to_string_lossy().ends_with(&suffix) {
                        read_ld_conf(&path, dirs, depth + 1);
                    }
                }
            } else if line.starts_with('/') {
                dirs.push(PathBuf::from(line));
            }
        }
    }

    /// A StatusNotifier host on the session bus (GNOME's AppIndicator extension, KDE, most
    /// panels), or an XEmbed tray on the X screen (the old-style trays the library falls back to).
    pub fn host_present() -> bool {
        status_notifier_watcher() || xembed_tray()
    }

    fn status_notifier_watcher() -> bool {
        let ask = || -> zbus::Result<bool> {
            let bus = zbus::blocking::Connection::session()?;
            let dbus = zbus::blocking::fdo::DBusProxy::new(&bus)?;
            Ok(dbus.name_has_owner("org.kde.StatusNotifierWatcher".try_into()?)?)
        };
        ask().unwrap_or(false)
    }

    /// The owner of `_NET_SYSTEM_TRAY_S<screen>`, the selection an XEmbed tray holds.
    fn xembed_tray() -> bool {
        use x11rb::protocol::xproto::ConnectionExt;
        let ask = || -> Option<bool> {
            let (x, screen) = x11rb::connect(None).ok()?;
            let name = format!("_NET_SYSTEM_TRAY_S{screen}");
            let atom = x
                .intern_atom(false, name.as_bytes())
                .ok()?
                .reply()
                .ok()?
                .atom;
            let owner = x.get_selection_owner(atom).ok()?.reply().ok()?.owner;
            Some(owner != x11rb::NONE)
        };
        ask().unwrap_or(false)
    }

    #[cfg(test)]
    #[test]
    fn the_library_is_found_where_the_loader_looks() {
        // The test machines install libayatana-appindicator3-1 (./dev).
        assert!(can_create(), "looked in {:?}", loader_dirs());
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    /// Windows' notification area and macOS's menu bar are always there.
    pub fn can_create() -> bool {
        true
    }

    pub fn host_present() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_menu_id() {
        for id in [
            "play_pause",
            "next",
            "previous",
            "show_hide",
            "desktop_lyrics",
            "quit",
        ] {
            assert!(action_of(id).is_some(), "{id}");
        }
        assert_eq!(action_of("track"), None, "the track label does nothing");
    }

    #[test]
    fn the_menu_speaks_both_languages_and_follows_the_last_choice() {
        let (en, zh) = (TrayLanguage::En.words(), TrayLanguage::Zh.words());
        assert_eq!(track_label(None, en), "Nothing playing");
        assert_eq!(track_label(None, zh), "未在播放");
        assert_eq!(
            (show_hide_label(zh, true), show_hide_label(zh, false)),
            ("隐藏 Duet", "显示 Duet")
        );
        let choice = TrayLanguageChoice(tokio::sync::watch::Sender::new(TrayLanguage::En));
        let mut chosen = choice.0.subscribe();
        choice.choose(TrayLanguage::En);
        assert!(
            !chosen.has_changed().unwrap(),
            "the same language again changes nothing"
        );
        choice.choose(TrayLanguage::Zh);
        assert!(chosen.has_changed().unwrap());
        assert_eq!(*chosen.borrow_and_update(), TrayLanguage::Zh);
    }
}
