//! The app's small windows beside the main one (the desktop lyrics, the mini player): built in
//! the main window's web process. On Linux each webview is a WebKitGTK related view of the main
//! window's, created on the main thread inside its webview callback, so WebKitGTK starts no
//! second web process for it (about 41 MB PSS each; README, Performance).

#[cfg(target_os = "linux")]
use tauri::Manager;
use tauri::{AppHandle, Runtime, WebviewWindow, WebviewWindowBuilder};

/// Builds the window `builder` describes, in the main window's web process where the system
/// allows it (Linux); elsewhere, or without a main window, as a window of its own.
pub async fn build_in_main_process<R, F>(
    app: &AppHandle<R>,
    builder: F,
) -> tauri::Result<WebviewWindow<R>>
where
    R: Runtime,
    F: for<'a> Fn(&'a AppHandle<R>) -> WebviewWindowBuilder<'a, R, AppHandle<R>> + Send + 'static,
{
    #[cfg(target_os = "linux")]
    if let Some(main) = app.get_webview_window("main") {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let handle = app.clone();
        main.with_webview(move |webview| {
            let built = builder(&handle).with_related_view(webview.inner()).build();
            let _ = sender.send(built);
        })?;
        return receiver
            .await
            .map_err(|_| tauri::Error::FailedToReceiveMessage)?;
    }
    builder(app).build()
}
