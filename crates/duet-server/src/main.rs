use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use duet_core::{Secret, Upstream};
use duet_server::AppState;
use duet_services::Settings;

/// Duet's local HTTP API for NetEase Cloud Music and QQ Music.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// Allow a non-loopback --listen address (needs --token).
    #[arg(long)]
    allow_remote: bool,
    /// Access token clients must send as `Authorization: Bearer <token>`.
    #[arg(long, env = "DUET_SERVER_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Keep sessions in memory only (for machines without an OS keychain); they end with the
    /// process.
    #[arg(long)]
    no_keychain: bool,
    /// The keychain service name the sessions are stored under: the server's own by default,
    /// so it and the desktop app never overwrite or wipe each other's sessions.
    #[arg(long, default_value = duet_core::credentials::SERVER_KEYCHAIN_SERVICE)]
    keychain_service: String,
    /// Seconds to wait for an answer from a service.
    #[arg(long, default_value_t = 15)]
    upstream_timeout_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("duet-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let token = args.token.map(Secret::new);
    duet_server::check_bind(args.listen, args.allow_remote, token.as_ref())
        .map_err(|e| e.message)?;
    let mut settings = Settings::from_env().map_err(|e| e.message)?;
    settings.timeout = Duration::from_secs(args.upstream_timeout_secs.max(1));
    if let Upstream::Override(base) = &settings.upstream {
        tracing::info!("routing every service request to {base} (DUET_UPSTREAM)");
    }
    let store = if args.no_keychain {
        tracing::warn!("--no-keychain: sessions are kept in memory only and end with this process");
        duet_services::memory_store()
    } else {
        duet_services::open_store(&args.keychain_service, false).map_err(|e| {
            format!(
                "{}. (Or run with --no-keychain to keep sessions in memory only.)",
                e.message
            )
        })?
    };
    let services = duet_services::services(&settings, store.store.clone())
        .await
        .map_err(|e| e.message)?;
    let state = AppState::with_qq(services.providers, services.qq);
    let app = duet_server::router(state, token);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    println!("duet-server listening on http://{bound}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
