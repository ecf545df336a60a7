//! `duet doctor` (`duet-server doctor`, `./dev doctor`): what works on this machine, for a
//! person whose Duet misbehaves and for a maintainer chasing a protocol change.
//!
//! - [`local`]: the keychain, the audio output device, a CJK font, WebKitGTK.
//! - [`endpoints`]: each read endpoint of each service, under the stored session (anonymous
//!   where there is none): answered? parsed? how long?
//!
//! Read-only by construction: the keychain is looked at without a write
//! ([`duet_services::inspect_keychain`]); the providers read its sessions through a view that
//! keeps every change in this process, and QQ Music's key is never renewed
//! ([`duet_services::read_only_services`]); and only the
//! read methods of [`duet_core::Provider`] are called (`profile`, `search`, `track`, `lyrics`,
//! `playlist`, `stream_url`): never a login, a comment, a check-in or a logout. What is printed
//! is the model's names and counts and the typed errors' messages, which never carry session
//! material; stream URLs (they carry the service's access key) are not printed.

pub mod endpoints;
pub mod local;
mod render;

use std::time::Duration;

use duet_core::{Error, ProviderId, Upstream};

pub use endpoints::{EndpointRow, Probe};
pub use local::LocalCheck;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Ok,
    /// Not run (nothing to check it with, e.g. no login).
    Skipped,
    /// Duet works, less well (no sound device: the null sink; no keychain: memory only).
    Warn,
    Fail,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Skipped => "skip",
            Outcome::Warn => "warn",
            Outcome::Fail => "FAIL",
        }
    }
}

/// What to check with.
#[derive(Debug, Clone)]
pub struct Options {
    /// The keychain service name the sessions are read from (the app's, or duet-server's).
    pub keychain_service: String,
    /// What to search for; the first track and playlist found are read further.
    pub query: String,
    /// Per request.
    pub timeout: Duration,
    pub upstream: Upstream,
}

/// Everything the doctor found.
#[derive(Debug, Clone)]
pub struct Report {
    pub upstream: Upstream,
    pub keychain_service: String,
    pub local: Vec<LocalCheck>,
    pub endpoints: Vec<EndpointRow>,
}

impl Report {
    /// Whether nothing failed (warnings and skipped checks do not count).
    pub fn passed(&self) -> bool {
        self.local.iter().all(|c| c.outcome != Outcome::Fail)
            && self.endpoints.iter().all(|r| r.outcome() != Outcome::Fail)
    }

    /// The report as a person reads it: the machine's checks, then one table row per endpoint.
    pub fn render(&self) -> String {
        render::render(self)
    }
}

/// Runs every check: the machine's, then both services' read endpoints (the two services at
/// the same time, each service's endpoints one after the other).
pub async fn run(options: &Options) -> Result<Report, Error> {
    let (local, keychain) = local::run().await;
    let settings = duet_services::Settings {
        upstream: options.upstream.clone(),
        timeout: options.timeout,
        pace: duet_services::Pace::HUMAN,
    };
    let services = duet_services::read_only_services(
        &settings,
        &options.keychain_service,
        keychain == local::KeychainUse::Readable,
    )
    .await?;
    let mut endpoints = endpoints::run(&services.providers, &options.query).await;
    // QQ Music's key lives three days and is renewed by the app: when it runs out is the first
    // thing to know about a QQ Music login that stopped working.
    if let Some(session) = services.qq.session().await {
        let expires_at = session.key_expires_at();
        let now = duet_core::clock::unix_s();
        let when = if expires_at > now {
            format!("its key runs out in {}", endpoints::span(expires_at - now))
        } else {
            format!("its key ran out {} ago", endpoints::span(now - expires_at))
        };
        let renewal = if session.can_refresh() {
            "the app can renew it"
        } else {
            "it cannot be renewed: log in again"
        };
        for row in &mut endpoints {
            if (row.provider, row.probe) == (ProviderId::Qq, Probe::Session) {
                row.note = Some(format!("{when} by this clock, and {renewal}"));
            }
        }
    }
    Ok(Report {
        upstream: options.upstream.clone(),
        keychain_service: options.keychain_service.clone(),
        local,
        endpoints,
    })
}
