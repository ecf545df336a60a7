//! Duet, the desktop app: a thin Tauri 2 adapter over `duet-core`. Commands (one file per domain
//! under `commands/`) call the providers; events (`events.rs`) carry login, session, playback
//! and lyric changes back to the UI. No URL, cookie or cipher lives here.

pub mod actions;
pub mod bindings;
pub mod commands;
pub mod desktop_lyrics;
pub mod display;
pub mod events;
pub mod history;
pub mod instance;
pub mod listening;
pub mod lyric_offset;
pub mod lyrics_source;
pub mod mini_player;
pub mod notify;
pub mod now_playing;
pub mod offline;
pub mod playback;
pub mod podcast_positions;
pub mod prefs;
pub mod scrobble;
pub mod shortcuts;
pub mod side_window;
pub mod sound;
pub mod state;
pub mod transfer;
pub mod tray;
pub mod web_login;

use std::sync::Arc;

use tauri::Manager;

pub use state::Duet;

/// Saves the window's size and place half a second after it stops changing. The plugin saves
/// on a clean exit only; a crash, a kill or a session logout would lose the size otherwise.
fn save_window_state_soon<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::AppHandleExt;
    static LATEST: AtomicU64 = AtomicU64::new(0);
    let mine = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if LATEST.load(Ordering::SeqCst) == mine {
            if let Err(e) = app.save_window_state(window_state_flags()) {
                tracing::warn!("could not save the window's size: {e}");
            }
        }
    });
}

/// What the window-state plugin keeps and restores: everything but visibility, which is Duet's
/// to decide (`show_when_painted`).
fn window_state_flags() -> tauri_plugin_window_state::StateFlags {
    use tauri_plugin_window_state::StateFlags;
    StateFlags::all() - StateFlags::VISIBLE
}

/// The main window is created hidden (tauri.conf.json) and shown once its page has loaded.
/// A window shown before its web process has a page makes WebKitGTK's UI thread wait up to
/// 500 ms for a first frame that cannot come yet (the page load waits on that same thread), and
/// a saved size restored onto a shown window costs the same wait again; hidden, neither happens,
/// and the first thing on screen is Duet's page rather than an empty grey window. If the page
/// never loads, the window is shown anyway after `SHOW_AT_THE_LATEST`.
fn show_when_painted<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SHOW_AT_THE_LATEST).await;
        show_main_window(&app);
    });
}

const SHOW_AT_THE_LATEST: std::time::Duration = std::time::Duration::from_secs(3);

fn show_main_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        if !window.is_visible().unwrap_or(true) {
            if let Err(e) = window.show() {
                tracing::warn!("could not show the window: {e}");
            }
            tray::window_shown_changed(app, true);
        }
    }
}

/// Lets the page show pictures from the test upstream. The CSP of tauri.conf.json allows images
/// from the services' image hosts over https only; with `DUET_UPSTREAM` set, every picture comes
/// from the override's origin instead (a loopback `http://127.0.0.1:PORT` in the demo and the
/// tests), so that origin is added to `img-src` before the app starts.
pub fn allow_upstream_images(config: &mut tauri::Config, upstream: &duet_core::Upstream) {
    use tauri::utils::config::{Csp, CspDirectiveSources};
    let duet_core::Upstream::Override(base) = upstream else {
        return;
    };
    let Some(csp) = config.app.security.csp.take() else {
        return;
    };
    let mut directives: std::collections::HashMap<String, CspDirectiveSources> = csp.into();
    directives
        .entry("img-src".into())
        .or_insert_with(|| CspDirectiveSources::List(vec!["'self'".into()]))
        .push(base.origin().ascii_serialization());
    config.app.security.csp = Some(Csp::DirectiveMap(directives));
}

/// The system's media controls and the now-playing feed, following their preferences; the
/// controls' "raise" brings the main window forward.
fn now_playing_start<R: tauri::Runtime>(
    duet: &Duet,
    prefs: tokio::sync::watch::Receiver<prefs::Prefs>,
    app: &tauri::AppHandle<R>,
) {
    let window = app.get_webview_window("main");
    #[cfg(windows)]
    let handle = window
        .as_ref()
        .and_then(|w| w.hwnd().ok())
        .map(|hwnd| hwnd.0 as isize);
    #[cfg(not(windows))]
    let handle = None;
    let raise = Arc::new(move || {
        if let Some(window) = &window {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    });
    let announcer = app.clone();
    let tell = Arc::new(move |status: &now_playing::NowPlayingStatus| {
        use tauri_specta::Event;
        if let Err(e) = status.emit(&announcer) {
            tracing::warn!("could not announce the now-playing status: {e}");
        }
    });
    let speed_app = app.clone();
    let set_speed = Arc::new(move |speed: f32| {
        let prefs = speed_app.state::<prefs::PrefsStore>();
        if let Err(e) = prefs.update(|p| p.sound.speed = speed) {
            tracing::warn!("could not set the speed the media controls asked for: {e}");
        }
    });
    duet.start_now_playing(
        prefs,
        handle,
        now_playing::NowPlayingHooks {
            raise,
            set_speed,
            tell,
        },
    );
}

/// The keychain service name the app (and duet-server) keep sessions under.
pub const KEYCHAIN_SERVICE: &str = duet_services::KEYCHAIN_SERVICE;

pub fn run() {
    let launched = std::time::Instant::now();
    display::apply();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    display::log();
    // Before any window: a DUET_UPSTREAM that is not on this machine is refused, with its name.
    let settings = match duet_services::Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("duet: {}", e.message);
            std::process::exit(2);
        }
    };
    if let Some(base) = settings.upstream.override_base() {
        tracing::warn!("test upstream: every service request goes to {base} (DUET_UPSTREAM)");
    }
    if settings.pace != duet_services::Pace::HUMAN {
        tracing::warn!("DUET_TEST_PACE: requests to the test upstream go at a test's pace");
    }
    let transfer_pace = settings.pace;
    let mut context = tauri::generate_context!("../tauri.conf.json");
    allow_upstream_images(context.config_mut(), &settings.upstream);
    let identifier = context.config().identifier.clone();
    commands::register(tauri::Builder::default())
        // First, so that a second launch exits before it builds anything.
        .plugin(instance::plugin(&identifier, &settings.upstream))
        .plugin(tauri_plugin_dialog::init())
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(window_state_flags())
                .build(),
        )
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished
                && webview.label() == "main"
            {
                show_main_window(webview.app_handle());
            }
        })
        .on_window_event(|window, event| {
            tray::follow_window(window, event);
            match event {
                tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_) => {
                    save_window_state_soon(window.app_handle().clone());
                }
                tauri::WindowEvent::CloseRequested { api, .. } if tray::close_to_tray(window) => {
                    api.prevent_close();
                }
                _ => {}
            }
        })
        .setup(move |app| {
            // The typed events (`prefs-changed`, `now-playing-status`) are emitted through
            // tauri-specta, which looks their names up in a registry kept in the app's state.
            bindings::builder().mount_events(app);
            app.manage(commands::cloud::FilePicker::native(app.handle().clone()));
            let config_dir = app.path().app_config_dir()?;
            let prefs = prefs::PrefsStore::open(config_dir.join(prefs::FILE_NAME));
            prefs::announce(&prefs, app.handle().clone());
            let prefs_changes = prefs.watch();
            app.manage(prefs);
            // No keychain: keep sessions in memory and let the UI say so (app_info).
            let store = duet_services::open_store(KEYCHAIN_SERVICE, true)?;
            let scrobble_accounts = store.accounts();
            let upstream = settings.upstream.clone();
            let events = events::to_webview(app.handle().clone());
            let duet = tauri::async_runtime::block_on(async {
                let duet = Duet::new(settings, store, events).await?;
                duet.prefetch_login_codes().await;
                Ok::<_, duet_core::Error>(duet)
            })?;
            duet.web_logins
                .set_windows(Arc::new(web_login::TauriWindows(app.handle().clone())));
            let _effects = duet.follow_sound(&app.state::<prefs::PrefsStore>());
            duet.follow_playback(&app.state::<prefs::PrefsStore>());
            duet.follow_lyrics_source(&app.state::<prefs::PrefsStore>());
            now_playing_start(&duet, prefs_changes, app.handle());
            duet.player
                .offsets()
                .open(config_dir.join(lyric_offset::FILE_NAME));
            let pictures = app
                .path()
                .picture_dir()
                .or_else(|_| app.path().download_dir())
                .or_else(|_| app.path().home_dir().map(|home| home.join("Pictures")));
            let (recently, listening) =
                history::start_recording(&duet, &app.path().app_data_dir()?, pictures.ok());
            app.manage(recently);
            app.manage(podcast_positions::start(&duet, &app.path().app_data_dir()?));
            app.manage(listening);
            app.manage(offline::start(app.handle(), &duet)?);
            app.manage(transfer::open(
                &duet,
                &app.path().app_data_dir()?,
                transfer_pace,
                transfer::to_webview(app.handle().clone()),
            )?);
            app.manage(scrobble::start(
                app.handle(),
                &duet,
                &app.path().app_data_dir()?,
                scrobble_accounts,
                upstream,
                if transfer_pace == duet_services::Pace::TEST {
                    std::time::Duration::from_secs(1)
                } else {
                    scrobble::RETRY_EVERY
                },
            )?);
            app.manage(commands::playlist_tools::ExportFolder(
                app.path().download_dir().ok(),
            ));
            app.manage(duet);
            desktop_lyrics::follow(app.handle());
            app.manage(mini_player::MiniPlayer::new(app.handle().clone()));
            tray::install(app.handle());
            notify::start(app.handle());
            shortcuts::start(app.handle());
            show_when_painted(app.handle());
            tracing::info!("ready {} ms after launch", launched.elapsed().as_millis());
            Ok(())
        })
        .run(context)
        .expect("Duet failed to start");
}
