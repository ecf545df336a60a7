//! Login, logout, session restore and the profile.

use duet_core::{Profile, ProviderId, QrLogin, QrMethod, Result};
use tauri::State;

use crate::events::{AppEvent, SessionState, SessionStatus};
use crate::state::{AppInfo, Duet};

#[tauri::command]
#[specta::specta]
pub fn app_info(duet: State<'_, Duet>) -> AppInfo {
    duet.info()
}

/// The keychain was locked at start; the person unlocked it: look again, and read the sessions
/// it keeps (the UI then calls `session_restore`).
#[tauri::command]
#[specta::specta]
pub async fn keychain_retry(duet: State<'_, Duet>) -> Result<AppInfo> {
    duet.recheck_keychain().await
}

/// Checks every stored session with its service; called once when the UI starts.
#[tauri::command]
#[specta::specta]
pub async fn session_restore(duet: State<'_, Duet>) -> Result<Vec<SessionStatus>> {
    let mut statuses = Vec::new();
    for provider in duet.providers() {
        statuses.push(duet.session_status(provider).await);
    }
    Ok(statuses)
}

#[tauri::command]
#[specta::specta]
pub async fn login_qr_start(
    duet: State<'_, Duet>,
    provider: ProviderId,
    method: Option<QrMethod>,
) -> Result<QrLogin> {
    let service = duet.provider(provider)?;
    duet.logins
        .start(service, method, Some(duet.login_observer()))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn login_qr_cancel(
    duet: State<'_, Duet>,
    provider: ProviderId,
    method: Option<QrMethod>,
) -> Result<()> {
    duet.logins.cancel(provider, method).await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn logout(duet: State<'_, Duet>, provider: ProviderId) -> Result<()> {
    duet.provider(provider)?.logout().await?;
    duet.emit(AppEvent::SessionChanged(SessionStatus {
        provider,
        state: SessionState::LoggedOut,
        profile: None,
        error: None,
    }));
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn profile(duet: State<'_, Duet>, provider: ProviderId) -> Result<Profile> {
    let result = duet.provider(provider)?.profile().await;
    duet.watch(provider, result)
}
