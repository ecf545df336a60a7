use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use duet_core::{Secret, Upstream};
use duet_server::{Access, AllowedOrigin, AppState};
use duet_services::Settings;

/// Duet's local HTTP API for NetEase Cloud Music and QQ Music.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// Serve any Host name and allow a non-loopback --listen address (needs an access token).
    #[arg(long)]
    allow_remote: bool,
    /// A web front-end of your own that may call this server (exactly scheme://host[:port]);
    /// it gets CORS headers. Repeat for several. Every other web page is refused.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<AllowedOrigin>,
    /// Access token clients must send as `Authorization: Bearer <token>` (visible to `ps`:
    /// prefer --token-file).
    #[arg(long, env = "DUET_SERVER_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Read the access token from this file (one line, private to you: chmod 600).
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// Keep sessions in memory only (for machines without an OS keychain); they end with the
    /// process.
    #[arg(long)]
    no_keychain: bool,
    /// The keychain service name the sessions are stored under: the server's own by default,
    /// so it and the desktop app never overwrite or wipe each other's sessions.
    #[arg(long, default_value = duet_services::SERVER_KEYCHAIN_SERVICE)]
    keychain_service: String,
    /// Seconds to wait for an answer from a service.
    #[arg(long, default_value_t = 15)]
    upstream_timeout_secs: u64,
    /// A test knob: seconds after a QR login's confirmation during which `/api/login/check`
    /// may hand out its key (once).
    #[arg(long, hide = true, default_value_t = duet_server::LOGIN_KEY_WINDOW.as_secs())]
    login_key_window_secs: u64,
    /// Where the server keeps what it must not lose (the jobs of `/v1/transfers`): the
    /// system's data directory for duet-server by default (on Linux
    /// `$XDG_DATA_HOME/duet-server`, else `~/.local/share/duet-server`).
    #[arg(long, env = "DUET_SERVER_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check what works on this machine (keychain, audio, fonts, WebKitGTK) and which read
    /// endpoint of each service answers, with the stored sessions; read-only. Exits 1 when
    /// something failed.
    Doctor {
        /// The keychain service name whose sessions are read: the desktop app's by default
        /// (`duet-server` for this server's own).
        #[arg(long, default_value = duet_services::KEYCHAIN_SERVICE)]
        keychain_service: String,
        /// What to search for; the first track and playlist found are read further.
        #[arg(long, default_value = "晴天")]
        query: String,
        /// Seconds to wait for each answer from a service.
        #[arg(long, default_value_t = 15)]
        timeout_secs: u64,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // The doctor's report is its output: only warnings go to the log.
    let level = if args.command.is_some() {
        "warn"
    } else {
        "info"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| level.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    if let Some(Command::Doctor {
        keychain_service,
        query,
        timeout_secs,
    }) = &args.command
    {
        return doctor(keychain_service, query, *timeout_secs).await;
    }
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("duet-server: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `duet-server doctor`: the report on stdout; exit status 0 when nothing failed.
async fn doctor(keychain_service: &str, query: &str, timeout_secs: u64) -> ExitCode {
    let upstream = match Upstream::from_env() {
        Ok(upstream) => upstream,
        Err(e) => {
            eprintln!("duet-server doctor: {}", e.message);
            return ExitCode::from(2);
        }
    };
    let options = duet_doctor::Options {
        keychain_service: keychain_service.to_owned(),
        query: query.to_owned(),
        timeout: Duration::from_secs(timeout_secs.max(1)),
        upstream,
    };
    match duet_doctor::run(&options).await {
        Ok(report) => {
            print!("{}", report.render());
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("duet-server doctor: {}", e.message);
            ExitCode::from(2)
        }
    }
}

/// The system's data directory for duet-server, when the environment names one.
fn default_data_dir() -> Option<PathBuf> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|home| home.join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|home| home.join(".local/share")))
    };
    base.map(|base| base.join("duet-server"))
}

/// The access token from `--token-file`, or `--token` / `DUET_SERVER_TOKEN`; never both.
fn access_token(args: &Args) -> Result<Option<Secret>, String> {
    let token = match (&args.token, &args.token_file) {
        (Some(_), Some(_)) => {
            return Err("give the access token one way: --token-file, or --token / \
                        DUET_SERVER_TOKEN, not both"
                .into())
        }
        (Some(token), None) => Secret::new(token.as_str()),
        (None, Some(path)) => duet_server::token_from_file(path).map_err(|e| e.message)?,
        (None, None) => return Ok(None),
    };
    duet_server::check_token(&token).map_err(|e| e.message)?;
    Ok(Some(token))
}

async fn run(args: Args) -> Result<(), String> {
    let token = access_token(&args)?;
    duet_server::check_bind(args.listen, args.allow_remote, token.as_ref())
        .map_err(|e| e.message)?;
    let mut settings = Settings::from_env().map_err(|e| e.message)?;
    settings.timeout = Duration::from_secs(args.upstream_timeout_secs.max(1));
    if let Upstream::Override(base) = &settings.upstream {
        tracing::info!("routing every service request to {base} (DUET_UPSTREAM)");
    }
    if settings.pace != duet_services::Pace::HUMAN {
        tracing::warn!("DUET_TEST_PACE: requests to the test upstream go at a test's pace");
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
    let services = duet_services::services(&settings, &store)
        .await
        .map_err(|e| e.message)?;
    let state = AppState::with_qq(
        services.providers,
        services.qq,
        Duration::from_secs(args.login_key_window_secs),
    );
    match args.data_dir.clone().or_else(default_data_dir) {
        Some(dir) => state
            .keep_transfers_in(&dir.join("transfers"), settings.pace)
            .map_err(|e| e.message)?,
        None => tracing::warn!("no data directory (give --data-dir): /v1/transfers is off"),
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    if args.allow_remote {
        tracing::warn!("--allow-remote: serving any Host name; every request needs the token");
    }
    for origin in &args.allow_origins {
        tracing::info!("allowing the web front-end at {origin} (CORS)");
    }
    let app = duet_server::router(
        state,
        Access {
            bound,
            allow_remote: args.allow_remote,
            allowed_origins: args.allow_origins,
            token,
        },
    );
    println!("duet-server listening on http://{bound}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
