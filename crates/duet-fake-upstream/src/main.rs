//! `duet-fake-upstream [--listen 127.0.0.1:9000] [--demo] [--qr-lifetime-secs N] [--wx-poll-hold-secs N]`
//!
//! Prints exactly one line, `duet-fake-upstream listening on http://ADDR`, on stdout once
//! bound; logs go to stderr (`RUST_LOG`, default `info`).

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use duet_fake_upstream::{router, FakeConfig, FakeState};

/// A faithful offline fake of the music services Duet talks to.
#[derive(Debug, Parser)]
#[command(name = "duet-fake-upstream", version)]
struct Args {
    /// Loopback address to listen on (non-loopback addresses are refused).
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: SocketAddr,
    /// Demo mode: polled QR codes scan and confirm themselves after a few seconds.
    #[arg(long)]
    demo: bool,
    /// Lifetime of a QR login key, in seconds.
    #[arg(long, default_value_t = 180)]
    qr_lifetime_secs: u64,
    /// How long the WeChat QR long poll holds an unchanged answer, in seconds (real: ~25).
    #[arg(long, default_value_t = 0)]
    wx_poll_hold_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "duet-fake-upstream: refusing to listen on {} — the fake serves loopback only",
            args.listen
        );
        return ExitCode::from(2);
    }
    let config = FakeConfig {
        demo: args.demo,
        qr_lifetime: Duration::from_secs(args.qr_lifetime_secs),
        wx_poll_hold: Duration::from_secs(args.wx_poll_hold_secs.min(60)),
        ..FakeConfig::default()
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("duet-fake-upstream: cannot bind {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("duet-fake-upstream: {e}");
            return ExitCode::FAILURE;
        }
    };
    let app = router(FakeState::new(config.clone()));
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "duet-fake-upstream listening on http://{addr}");
        let _ = out.flush();
    }
    tracing::info!(%addr, demo = config.demo, "serving");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duet-fake-upstream: {e}");
            ExitCode::FAILURE
        }
    }
}
