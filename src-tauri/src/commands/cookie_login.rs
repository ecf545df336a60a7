//! The two ways in for when a QR login is refused: a pasted session cookie, and the service's
//! own web login page in a window of its own (`crate::web_login`).

use duet_core::cookies::PastedCookies;
use duet_core::{CookieLogin, ProviderId, Result, Secret};
use tauri::State;

use crate::state::Duet;

/// Logs in with the cookies the person pasted, checked with the service before they are kept.
/// The answer is the one report of this login (as a QR's `login-state` is of its own).
#[tauri::command]
#[specta::specta]
pub async fn login_cookie(
    duet: State<'_, Duet>,
    provider: ProviderId,
    cookie: Secret,
) -> Result<CookieLogin> {
    let service = duet.provider(provider)?;
    let cookies = PastedCookies::parse(&cookie).map_err(|e| e.with_provider(provider))?;
    service.cookie_login(&cookies).await
}

/// Opens the service's own web login page in a window of its own; its progress comes as
/// `web-login` events.
#[tauri::command]
#[specta::specta]
pub async fn login_web_open(duet: State<'_, Duet>, provider: ProviderId) -> Result<()> {
    let service = duet.provider(provider)?;
    duet.web_logins
        .open(service, &duet.upstream, duet.events.clone())
}

/// Closes the web login window, if it is open.
#[tauri::command]
#[specta::specta]
pub async fn login_web_close(duet: State<'_, Duet>, provider: ProviderId) -> Result<()> {
    duet.web_logins.close(provider)
}
