//! The mini player: a small always-on-top window with the cover, the title, the controls and the
//! playing lyric line, for when the main window is out of the way. Its page (`ui/mini.html`)
//! follows the same events as every window; its webview, like the desktop lyrics', is related
//! to the main window's, so it runs in the same web process.

use duet_core::{Error, ErrorKind, Result};
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// The window's label: its capability (`capabilities/mini-player.json`) names it.
pub const LABEL: &str = "mini-player";

const PAGE: &str = "mini.html";
const SIZE: (f64, f64) = (380.0, 112.0);

/// Opens the mini player, or closes it when it is open. Commands reach it through
/// [`MiniPlayer`] (managed state), which needs no runtime type.
pub async fn toggle<R: Runtime>(app: &AppHandle<R>) -> Result<bool> {
    if let Some(window) = app.get_webview_window(LABEL) {
        window.destroy().map_err(window_error)?;
        return Ok(false);
    }
    open(app).await.map_err(window_error)?;
    Ok(true)
}

fn window_error(e: tauri::Error) -> Error {
    Error::new(
        ErrorKind::Unavailable,
        format!("the mini player window could not open: {e}"),
    )
}

/// What the `mini_player_toggle` command calls: [`toggle`] on the app it was made for.
pub struct MiniPlayer(
    Box<dyn Fn() -> tauri::async_runtime::JoinHandle<Result<bool>> + Send + Sync>,
);

impl MiniPlayer {
    /// Also closes the mini player with the main window: left alone it would keep a Duet with
    /// no main window running.
    pub fn new<R: Runtime>(app: AppHandle<R>) -> Self {
        if let Some(main) = app.get_webview_window("main") {
            let app = app.clone();
            main.on_window_event(move |event| {
                if matches!(event, tauri::WindowEvent::Destroyed) {
                    if let Some(mini) = app.get_webview_window(LABEL) {
                        let _ = mini.destroy();
                    }
                }
            });
        }
        Self(Box::new(move || {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { toggle(&app).await })
        }))
    }

    pub async fn toggle(&self) -> Result<bool> {
        (self.0)().await.map_err(|e| {
            Error::new(
                ErrorKind::Unavailable,
                format!("the mini player failed: {e}"),
            )
        })?
    }
}

async fn open<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    crate::side_window::build_in_main_process(app, builder).await
}

fn builder<R: Runtime>(app: &AppHandle<R>) -> WebviewWindowBuilder<'_, R, AppHandle<R>> {
    let (width, height) = SIZE;
    WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App(PAGE.into()))
        .title("Duet mini player")
        .decorations(false)
        .always_on_top(true)
        .resizable(false)
        .inner_size(width, height)
        .visible(false)
        .on_page_load(|window, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                if let Err(e) = window.show() {
                    tracing::warn!("could not show the mini player: {e}");
                }
            }
        })
}
