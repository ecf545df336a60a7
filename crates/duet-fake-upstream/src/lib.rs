//! `duet-fake-upstream`: a strict, offline fake of the music services Duet talks to.
//!
//! The Duet client sends every request for `https://HOST/PATH?Q` to `FAKE/HOST/PATH?Q`
//! (docs/design.md §3, `DUET_UPSTREAM`), so this server routes on `/{host}/{*path}`:
//!
//! - NetEase Cloud Music API hosts (`music.163.com`, `interface.music.163.com`,
//!   `interfacepc.music.163.com`, `interface3.music.163.com`) and its audio CDN host
//!   (`m701.music.126.net`) are played by [`netease`].
//! - QQ Music (`u.y.qq.com`, `u6.y.qq.com`, `c.y.qq.com`, `c6.y.qq.com`, `y.gtimg.cn`, the
//!   `*.stream.qqmusic.qq.com` CDN) and its logins (`ssl.ptlogin2.qq.com`,
//!   `ssl.ptlogin2.graph.qq.com`, `graph.qq.com`, `open.weixin.qq.com`,
//!   `lp.open.weixin.qq.com`) are played by [`qq`].
//! - The short-link hosts (`163cn.tv`, `c6.y.qq.com/base/fcgi-bin/u`) redirect the codes of
//!   [`share_links::SHORT_LINKS`] to their pages.
//! - LRCLIB (`lrclib.net`), the opt-in second source of lyrics, is played by [`lrclib`].
//! - The services' own web login pages, `music.163.com/login` and `y.qq.com/`, log in with a
//!   click (`web_login`), for the app's web login window.
//! - Last.fm (`ws.audioscrobbler.com`, `www.last.fm`) and ListenBrainz
//!   (`api.listenbrainz.org`) are played by [`scrobblers`].
//! - `/__fake/...` is the out-of-process control surface (see [`router`]).
//! - Anything else is a plain 404.
//!
//! In-process users (integration tests of the other crates) call [`FakeUpstream::spawn`] and
//! drive the fake through [`FakeUpstream::netease`] and [`FakeUpstream::qq`]; out-of-process
//! users run the
//! `duet-fake-upstream` binary and use the HTTP control routes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

mod audio;
mod control;
mod covers;
mod fixture_set;
mod http_util;
mod journal;
pub mod lrclib;
pub mod netease;
pub mod qq;
mod qr;
pub mod scrobblers;
pub mod share_links;
pub mod twins;
mod web_login;

pub use journal::{Fault, FaultKind, RecordedRequest, Transport};
pub use netease::{
    IssuedSession, NeteaseControl, QrKeyInfo, QrState, DEFAULT_WEAPI_TEST_SECRET,
    WEAPI_TEST_SECRETS,
};
pub use qq::{QqAccount, QqCaller, QqControl, QqIssuedSession, QqLoginMethod, QqQrInfo, QqQrState};

/// Behaviour switches of the fake.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Demo mode: a polled QR key becomes scanned `demo_scan_after` after its first poll
    /// and confirmed `demo_confirm_after` after that, with nobody touching the control API.
    pub demo: bool,
    /// How long a QR key lives after it was issued (the real service: a few minutes).
    pub qr_lifetime: Duration,
    /// Demo mode: first poll → scanned.
    pub demo_scan_after: Duration,
    /// Demo mode: scanned → confirmed.
    pub demo_confirm_after: Duration,
    /// How long the WeChat long poll (`lp.open.weixin.qq.com`) holds an answer while nothing
    /// changes (the real one: ~25 s; default 0 so tests stay quick).
    pub wx_poll_hold: Duration,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            demo: false,
            qr_lifetime: Duration::from_secs(180),
            demo_scan_after: Duration::from_secs(3),
            demo_confirm_after: Duration::from_secs(3),
            wx_poll_hold: Duration::ZERO,
        }
    }
}

/// Shared state of one fake server (cheap to clone; all clones see the same world).
#[derive(Clone)]
pub struct FakeState {
    inner: Arc<StateInner>,
}

struct StateInner {
    config: FakeConfig,
    started: Instant,
    journal: Arc<journal::Journal>,
    netease: NeteaseControl,
    qq: QqControl,
    scrobblers: scrobblers::ScrobblersControl,
}

impl FakeState {
    /// A fresh world: no sessions, no QR keys, no faults, an empty request log.
    pub fn new(config: FakeConfig) -> Self {
        let started = Instant::now();
        let journal = Arc::new(journal::Journal::new(started));
        let netease = NeteaseControl::new(config.clone(), journal.clone());
        let qq = QqControl::new(config.clone(), journal.clone());
        FakeState {
            inner: Arc::new(StateInner {
                config,
                started,
                journal,
                netease,
                qq,
                scrobblers: scrobblers::ScrobblersControl::default(),
            }),
        }
    }

    /// The configuration this world was built with.
    pub fn config(&self) -> &FakeConfig {
        &self.inner.config
    }

    /// Control handle of the NetEase fake.
    pub fn netease(&self) -> &NeteaseControl {
        &self.inner.netease
    }

    /// Control handle of the QQ Music fake.
    pub fn qq(&self) -> &QqControl {
        &self.inner.qq
    }

    /// Control handle of the Last.fm and ListenBrainz fakes.
    pub fn scrobblers(&self) -> &scrobblers::ScrobblersControl {
        &self.inner.scrobblers
    }

    /// When this world was created (request times in `/__fake/requests` are relative to it).
    pub fn started(&self) -> Instant {
        self.inner.started
    }

    pub(crate) fn journal(&self) -> &journal::Journal {
        &self.inner.journal
    }
}

/// Every `http(s)://host/path` written in the captured fixtures of `service` (`netease`,
/// `qqmusic`): the real hosts the services hand out, for tests that check lists of hosts.
pub fn fixture_urls(service: &str) -> Vec<url::Url> {
    let dir = format!(
        "{}/../../testdata/fixtures/{service}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut urls = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.expect("a fixture").path();
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (at, _) in text.match_indices("http") {
            let end = text[at..]
                .find(['"', ' ', '\\', '\n'])
                .map_or(text.len(), |n| at + n);
            if let Ok(url) = url::Url::parse(&text[at..end]) {
                urls.push(url);
            }
        }
    }
    urls
}

/// The whole fake as an axum router: the upstream hosts plus the `/__fake` control routes.
///
/// Control routes (all JSON):
/// - `POST /__fake/netease/qr/{key}/scan|confirm|expire` — drive the QR machine (404 if unknown key)
/// - `GET  /__fake/netease/qr` — `[{"key","state","polls","age_ms"}]`
/// - `POST /__fake/netease/sessions/revoke` — kill every live session; `GET /__fake/netease/sessions`
/// - `POST /__fake/netease/sessions` — issue a live session without the QR dance
/// - `GET  /__fake/qq/qr` — `[{"method":"qq"|"wechat"|"qqmusic","id","state","polls","age_ms"}]`
/// - `POST /__fake/qq/qr/{id}/scan|confirm|refuse|expire` — drive a QQ / WeChat / QQ Music app
///   QR code; `fail|garble` — a QQ Music app code pushes `loginFailed` / an unreadable `cookies`
/// - `GET  /__fake/qq/sessions` — `{"live":n}`; `POST /__fake/qq/sessions` with
///   `{"account":"qq"|"wechat"}` — log in without a QR; `POST /__fake/qq/sessions/revoke`;
///   `POST /__fake/qq/sessions/{musicid}/expire` — the key dies, refresh still works
/// - `GET  /__fake/qq/vip`, `POST /__fake/qq/vip` with `{"account":"wechat","vip":true}`
/// - `GET  /__fake/qq/callers` — `[{"call","uin_cookie","qqmusic_key","qm_keyst","comm_uin",
///   "comm_g_tk","tme_login_type"}]`: the credential of each envelope item (cleared with the log)
/// - `POST /__fake/fail` — body `{"kind":"rate_limit","path_contains":"/cloudsearch","times":1,"delay_ms":…}`
///   (QQ Music faults may add `"module"` / `"method"`); `DELETE /__fake/fail` clears pending faults
/// - `GET  /__fake/requests` — the request log; `DELETE /__fake/requests` clears it
/// - `GET  /__fake/scrobblers/{lastfm|listenbrainz}`, `POST …/mode`, `POST …/revoke`,
///   `GET /__fake/lastfm/tokens`, `POST /__fake/lastfm/tokens/{token}/approve` — the scrobbling
///   fakes (see [`scrobblers`])
pub fn router(state: FakeState) -> Router {
    control::routes()
        .merge(scrobblers::control_routes())
        .route(
            &format!("/{}/ws/handshake", qq::APP_LOGIN_HOST),
            axum::routing::get(qq::app_login_handshake),
        )
        .fallback(upstream)
        .with_state(state)
}

async fn upstream(
    axum::extract::State(state): axum::extract::State<FakeState>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let path = uri.path().trim_start_matches('/');
    let (host, rest) = path.split_once('/').unwrap_or((path, ""));
    if let Some(redirect) = share_links::answer(host, rest, uri.query()) {
        return redirect;
    }
    if qq::handles_host(host) {
        return qq::handle(state.qq(), host, rest, &method, uri.query(), &headers, body).await;
    }
    if host == lrclib::HOST {
        return lrclib::handle(state.journal(), rest, &method, uri.query(), &headers).await;
    }
    if netease::handles_host(host) {
        return netease::handle(
            state.netease(),
            host,
            rest,
            &method,
            uri.query(),
            &headers,
            body,
        )
        .await;
    }
    if scrobblers::handles_host(host) {
        let query = uri.query();
        return scrobblers::handle(
            state.scrobblers(),
            host,
            rest,
            &method,
            query,
            &headers,
            body,
        );
    }
    tracing::debug!(host, "unknown upstream host");
    http_util::plain_404()
}

/// A running fake server on loopback. Dropping it stops the server.
pub struct FakeUpstream {
    state: FakeState,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl FakeUpstream {
    /// Binds `127.0.0.1:0` and serves in a tokio task.
    pub async fn spawn(config: FakeConfig) -> std::io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Binds `addr` and serves in a tokio task.
    pub async fn bind(addr: SocketAddr, config: FakeConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = FakeState::new(config);
        let app = router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "fake upstream stopped");
            }
        });
        Ok(FakeUpstream {
            state,
            addr,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:PORT` — the value for `DUET_UPSTREAM`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (e.g. to mount [`router`] elsewhere).
    pub fn state(&self) -> &FakeState {
        &self.state
    }

    /// Control handle of the NetEase fake.
    pub fn netease(&self) -> &NeteaseControl {
        self.state.netease()
    }

    /// Control handle of the QQ Music fake.
    pub fn qq(&self) -> &QqControl {
        self.state.qq()
    }

    /// Control handle of the Last.fm and ListenBrainz fakes.
    pub fn scrobblers(&self) -> &scrobblers::ScrobblersControl {
        self.state.scrobblers()
    }

    /// Queues a fault (shorthand for `netease().fail(..)`; faults apply to every service).
    pub fn fail(&self, fault: Fault) {
        self.state.journal().fail(fault);
    }

    /// Everything the fake received on its upstream hosts, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.journal().requests()
    }
}

impl Drop for FakeUpstream {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
