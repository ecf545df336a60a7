//! Global keyboard shortcuts (the `shortcuts` preferences): play/pause, next, previous and the
//! desktop lyrics, from any app. Off by default: a global shortcut takes its keys from every
//! other app. Accelerators are checked when the preferences are set (an unreadable one is a
//! `bad_request`); one another app already holds is reported to the UI
//! ([`shortcut_problems`](crate::commands::shortcuts::shortcut_problems)), and the others work.
//!
//! The grab itself is `tauri-plugin-global-shortcut` (X11 key grabs on Linux, which work under
//! XWayland for X11 apps only; RegisterHotKey on Windows; Carbon on macOS), added to the app the
//! first time shortcuts are turned on, so a Duet that never uses them never connects for them.

use std::collections::HashMap;
use std::sync::Mutex;

use duet_core::{Error, Result};
use global_hotkey::hotkey::HotKeyParseError;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{Code, GlobalShortcutExt, Modifiers, Shortcut, ShortcutState};
use tokio::sync::watch;

use crate::actions::{self, Action};
use crate::prefs::{PrefsStore, ShortcutPrefs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ShortcutAction {
    PlayPause,
    Next,
    Previous,
    DesktopLyrics,
}

impl ShortcutAction {
    fn action(self) -> Action {
        match self {
            Self::PlayPause => Action::PlayPause,
            Self::Next => Action::Next,
            Self::Previous => Action::Previous,
            Self::DesktopLyrics => Action::ToggleDesktopLyrics,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::PlayPause => "play/pause",
            Self::Next => "next",
            Self::Previous => "previous",
            Self::DesktopLyrics => "desktop lyrics",
        }
    }
}

/// A shortcut that is set but does not work, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ShortcutProblem {
    pub action: ShortcutAction,
    pub accelerator: String,
    /// `taken`: another app holds these keys; `failed`: the system refused for another reason.
    pub reason: ShortcutProblemReason,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ShortcutProblemReason {
    Taken,
    Failed,
}

/// The accelerators that are set, each with its action.
fn configured(prefs: &ShortcutPrefs) -> Vec<(ShortcutAction, &str)> {
    [
        (ShortcutAction::PlayPause, &prefs.play_pause),
        (ShortcutAction::Next, &prefs.next),
        (ShortcutAction::Previous, &prefs.previous),
        (ShortcutAction::DesktopLyrics, &prefs.desktop_lyrics),
    ]
    .into_iter()
    .filter_map(|(action, accelerator)| {
        let accelerator = accelerator.as_deref()?.trim();
        (!accelerator.is_empty()).then_some((action, accelerator))
    })
    .collect()
}

/// Reads an accelerator (`Ctrl+Alt+P`, `Shift+Super+Right`, `MediaPlayPause`). A plain key
/// without a modifier is refused unless it is a media or function key: it would take that key
/// from every app.
pub fn parse(accelerator: &str) -> Result<Shortcut> {
    let shortcut: Shortcut = accelerator.parse().map_err(|e| {
        Error::bad_request(match e {
            HotKeyParseError::UnsupportedKey(key) if !key.trim().is_empty() => format!(
                "“{key}” in “{accelerator}” is not a key Duet knows (for example P, 5, F5, \
                 Space, Right, MediaPlayPause)"
            ),
            _ => format!(
                "“{accelerator}” is not a shortcut: write the modifiers, then one key, joined \
                 by + (for example Ctrl+Alt+P)"
            ),
        })
    })?;
    let modifiers = Modifiers::CONTROL | Modifiers::ALT | Modifiers::SHIFT | Modifiers::SUPER;
    if !shortcut.mods.intersects(modifiers) && !stands_alone(shortcut.key) {
        return Err(Error::bad_request(format!(
            "“{accelerator}” has no modifier: add Ctrl, Alt, Shift or Super, or it takes that key \
             from every app"
        )));
    }
    Ok(shortcut)
}

/// Keys no app types with: fine as global shortcuts without a modifier.
fn stands_alone(key: Code) -> bool {
    use Code::*;
    matches!(
        key,
        MediaPlayPause
            | MediaPlay
            | MediaPause
            | MediaStop
            | MediaTrackNext
            | MediaTrackPrevious
            | F13
            | F14
            | F15
            | F16
            | F17
            | F18
            | F19
            | F20
            | F21
            | F22
            | F23
            | F24
    )
}

/// Every accelerator that is set must read, and no two actions may share one. Checked when the
/// preferences are set, enabled or not, so a bad one is refused where it is typed.
pub fn validate(prefs: &ShortcutPrefs) -> Result<Vec<(ShortcutAction, Shortcut)>> {
    let mut seen: HashMap<u32, ShortcutAction> = HashMap::new();
    configured(prefs)
        .into_iter()
        .map(|(action, accelerator)| {
            let shortcut = parse(accelerator)?;
            if let Some(other) = seen.insert(shortcut.id(), action) {
                return Err(Error::bad_request(format!(
                    "“{accelerator}” is set for both {} and {}",
                    other.describe(),
                    action.describe()
                )));
            }
            Ok((action, shortcut))
        })
        .collect()
}

/// What was last applied: for which preferences, and what did not work.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub prefs: Option<ShortcutPrefs>,
    pub problems: Vec<ShortcutProblem>,
}

/// The shortcuts in effect, managed by the app.
pub struct Shortcuts {
    applied: watch::Sender<Applied>,
    /// Which action each registered shortcut runs (by the shortcut's id).
    registered: Mutex<HashMap<u32, ShortcutAction>>,
}

impl Shortcuts {
    /// The problems of the shortcuts of `prefs`, once they are applied (at most `patience`).
    pub async fn problems_of(
        &self,
        prefs: &ShortcutPrefs,
        patience: std::time::Duration,
    ) -> Vec<ShortcutProblem> {
        let mut applied = self.applied.subscribe();
        let wait = async {
            applied
                .wait_for(|a| a.prefs.as_ref() == Some(prefs))
                .await
                .map(|a| a.problems.clone())
        };
        let problems = tokio::time::timeout(patience, wait).await;
        match problems {
            Ok(Ok(problems)) => problems,
            _ => self.applied.borrow().problems.clone(),
        }
    }
}

/// Applies the shortcut preferences now and after each change.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let Some(prefs) = app.try_state::<PrefsStore>() else {
        return;
    };
    app.manage(Shortcuts {
        applied: watch::Sender::new(Applied::default()),
        registered: Mutex::default(),
    });
    let mut changes = prefs.watch();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut current: Option<ShortcutPrefs> = None;
        loop {
            let wanted = changes.borrow_and_update().shortcuts.clone();
            if current.as_ref() != Some(&wanted) {
                // Blocking: it waits on the main thread, where the grabs are made.
                let problems = tokio::task::block_in_place(|| apply(&app, &wanted));
                for problem in &problems {
                    tracing::warn!(
                        "the {} shortcut {} does not work: {}",
                        problem.action.describe(),
                        problem.accelerator,
                        problem.message
                    );
                }
                if let Some(shortcuts) = app.try_state::<Shortcuts>() {
                    shortcuts.applied.send_replace(Applied {
                        prefs: Some(wanted.clone()),
                        problems,
                    });
                }
                current = Some(wanted);
            }
            if changes.changed().await.is_err() {
                break;
            }
        }
    });
}

fn apply<R: Runtime>(app: &AppHandle<R>, prefs: &ShortcutPrefs) -> Vec<ShortcutProblem> {
    let Some(shortcuts) = app.try_state::<Shortcuts>() else {
        return Vec::new();
    };
    let plugin_ready = app
        .try_state::<tauri_plugin_global_shortcut::GlobalShortcut<R>>()
        .is_some();
    if plugin_ready {
        if let Err(e) = app.global_shortcut().unregister_all() {
            tracing::warn!("could not release the global shortcuts: {e}");
        }
    }
    shortcuts.registered.lock().expect("poisoned").clear();
    if !prefs.enabled {
        return Vec::new();
    }
    // Preferences set through `prefs_set` were validated; a file edited by hand may not be.
    let wanted = match validate(prefs) {
        Ok(wanted) => wanted,
        Err(e) => {
            tracing::warn!("global shortcuts are off: {}", e.message);
            return Vec::new();
        }
    };
    let failed = |action: ShortcutAction, reason, message: String| ShortcutProblem {
        action,
        accelerator: configured(prefs)
            .into_iter()
            .find(|(a, _)| *a == action)
            .map(|(_, accelerator)| accelerator.to_owned())
            .unwrap_or_default(),
        reason,
        message,
    };
    if !plugin_ready {
        let plugin = tauri_plugin_global_shortcut::Builder::new()
            .with_handler(|app, shortcut, event| {
                if event.state == ShortcutState::Pressed {
                    pressed(app, shortcut.id());
                }
            })
            .build();
        if let Err(e) = install_on_main_thread(app, plugin) {
            return wanted
                .iter()
                .map(|(action, _)| {
                    failed(
                        *action,
                        ShortcutProblemReason::Failed,
                        format!("this system offers no global shortcuts ({e})"),
                    )
                })
                .collect();
        }
    }
    let mut problems = Vec::new();
    for (action, shortcut) in wanted {
        match app.global_shortcut().register(shortcut) {
            Ok(()) => {
                shortcuts
                    .registered
                    .lock()
                    .expect("poisoned")
                    .insert(shortcut.id(), action);
            }
            Err(e) => {
                let message = e.to_string();
                let taken = message.contains("already registered") || message.contains("Access");
                problems.push(if taken {
                    failed(
                        action,
                        ShortcutProblemReason::Taken,
                        "another app already uses these keys".into(),
                    )
                } else {
                    failed(action, ShortcutProblemReason::Failed, message)
                });
            }
        }
    }
    problems
}

/// Adds the plugin from the main thread: on Windows its hidden window must belong to the thread
/// that pumps messages, or no hotkey ever arrives.
fn install_on_main_thread<R: Runtime>(
    app: &AppHandle<R>,
    plugin: tauri::plugin::TauriPlugin<R>,
) -> std::result::Result<(), String> {
    let (done, result) = std::sync::mpsc::channel();
    let handle = app.clone();
    app.run_on_main_thread(move || {
        let _ = done.send(handle.plugin(plugin).map_err(|e| e.to_string()));
    })
    .map_err(|e| e.to_string())?;
    result
        .recv_timeout(std::time::Duration::from_secs(10))
        .map_err(|_| "the main thread did not answer".to_owned())?
}

fn pressed<R: Runtime>(app: &AppHandle<R>, id: u32) {
    let action = app
        .try_state::<Shortcuts>()
        .and_then(|s| s.registered.lock().expect("poisoned").get(&id).copied());
    if let Some(action) = action {
        tracing::info!("global shortcut: {}", action.describe());
        actions::run(app, action.action());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::ErrorKind;

    fn prefs(play_pause: &str, next: &str) -> ShortcutPrefs {
        ShortcutPrefs {
            enabled: true,
            play_pause: Some(play_pause.into()),
            next: Some(next.into()),
            previous: None,
            desktop_lyrics: Some("  ".into()),
        }
    }

    #[test]
    fn accelerators_read_as_people_write_them() {
        let shortcut = parse("Ctrl+Alt+P").unwrap();
        assert_eq!(shortcut.key, Code::KeyP);
        assert_eq!(shortcut.mods, Modifiers::CONTROL | Modifiers::ALT);
        assert_eq!(
            parse("shift + super + right").unwrap().key,
            Code::ArrowRight
        );
        assert_eq!(
            parse("MediaPlayPause").unwrap().key,
            Code::MediaPlayPause,
            "a media key needs no modifier"
        );
        assert!(ShortcutPrefs::default()
            .play_pause
            .as_deref()
            .map(parse)
            .unwrap()
            .is_ok());
    }

    #[test]
    fn what_does_not_read_is_a_bad_request_that_says_why() {
        for (accelerator, says) in [
            (
                "Ctrl+Alt+Banana",
                "“Banana” in “Ctrl+Alt+Banana” is not a key",
            ),
            ("Ctrl++P", "write the modifiers, then one key"),
            ("", "write the modifiers, then one key"),
            ("P", "has no modifier"),
            ("Space", "has no modifier"),
        ] {
            let error = parse(accelerator).unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest, "{accelerator}");
            assert!(
                error.message.contains(says),
                "{accelerator}: {}",
                error.message
            );
            assert!(!error.message.contains("github"), "{}", error.message);
        }
    }

    #[test]
    fn the_defaults_validate_and_blank_or_unset_ones_are_skipped() {
        let defaults = validate(&ShortcutPrefs::default()).unwrap();
        assert_eq!(defaults.len(), 4);
        let some = validate(&prefs("Ctrl+Alt+P", "Ctrl+Alt+N")).unwrap();
        let actions: Vec<_> = some.iter().map(|(a, _)| *a).collect();
        assert_eq!(actions, [ShortcutAction::PlayPause, ShortcutAction::Next]);
    }

    #[test]
    fn two_actions_cannot_share_keys_however_they_are_written() {
        let error = validate(&prefs("Ctrl+Alt+P", "alt+ctrl+p")).unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest);
        assert!(
            error.message.contains("both play/pause and next"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_bad_accelerator_is_refused_even_while_shortcuts_are_off() {
        let mut off = prefs("Ctrl+Alt+", "Ctrl+Alt+N");
        off.enabled = false;
        assert_eq!(validate(&off).unwrap_err().kind, ErrorKind::BadRequest);
    }
}
