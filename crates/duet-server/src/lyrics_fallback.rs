//! `GET /v1/{provider}/tracks/{id}/lyrics?fallback=lrclib`: the service's lyrics, or, when it
//! has no lines, LRCLIB's (`duet-lrclib`), marked by `source`. Opt-in per request; LRCLIB is
//! never asked without the parameter.

use duet_core::{Error, Lyrics, Provider};

use crate::{ApiError, AppState};

/// The second sources `fallback=` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    None,
    Lrclib,
}

/// Reads `fallback=`: absent or `none` → none, `lrclib` → LRCLIB; anything else is refused.
pub fn asked(value: Option<&String>) -> Result<Fallback, ApiError> {
    match value.map(|v| v.trim()) {
        None | Some("" | "none") => Ok(Fallback::None),
        Some("lrclib") => Ok(Fallback::Lrclib),
        Some(other) => Err(ApiError(Error::bad_request(format!(
            "fallback={other:?} is not a second source of lyrics: lrclib or none"
        )))),
    }
}

/// The service's lyrics of `id`, filled in from LRCLIB when they have no lines.
pub async fn lyrics(state: &AppState, provider: &dyn Provider, id: &str) -> Result<Lyrics, Error> {
    let lrclib = match &state.lrclib {
        Ok(lrclib) => Some(lrclib),
        Err(e) => {
            tracing::info!("LRCLIB is not available: {e}");
            None
        }
    };
    duet_lrclib::lyrics_with_fallback(provider, id, lrclib).await
}
