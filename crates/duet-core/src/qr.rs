//! The QR login session machine: creates the code (a PNG rendered locally from the login URL by
//! the front end's [`QrRenderer`], so it works whatever the service sends), polls at the
//! service's documented pace, reports every state change, expires after the service's limit,
//! and fetches the profile once confirmed. A new session is a restart.
//!
//! A front end may [prefetch](QrLogins::prefetch) the code it is about to show, while its window
//! is still loading, so the code is on screen as soon as the page asks for it. A prefetched code
//! is not polled until it is shown: nobody can have scanned it before.

use std::sync::Arc;

use base64::Engine as _;
use tokio::sync::{oneshot, watch};
use tokio::time::Instant;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{LoginState, ProviderId, QrLogin, QrMethod, QrState};
use crate::provider::{Provider, QrCode, QrPoll};

/// Draws a login URL as the picture shown to scan: a `data:` URI (`duet_images::login_qr_png`).
/// Handed in by the front end, so the core builds without an image codec.
pub type QrRenderer = fn(&str) -> Result<String>;

/// Called on every state change, in order.
pub type StateObserver = Arc<dyn Fn(&LoginState) + Send + Sync>;

/// A running QR login. Dropping the handle does not stop it; [`QrSession::cancel`] does.
#[derive(Debug)]
pub struct QrSession {
    login: QrLogin,
    state: watch::Receiver<LoginState>,
    task: tokio::task::JoinHandle<()>,
    created: Instant,
    lifetime: std::time::Duration,
    /// Held while a prefetched code waits to be shown; sending starts the polling.
    unshown: Option<oneshot::Sender<()>>,
}

impl QrSession {
    /// Asks the provider for a new code and starts polling it.
    /// `method` `None`: the provider's default (its first method).
    pub async fn start(
        provider: Arc<dyn Provider>,
        method: Option<QrMethod>,
        observer: Option<StateObserver>,
        render: QrRenderer,
    ) -> Result<Self> {
        Self::create(provider, method, observer, render, false).await
    }

    /// Creates the code; with `unshown`, polling waits for [`QrSession::show`].
    async fn create(
        provider: Arc<dyn Provider>,
        method: Option<QrMethod>,
        observer: Option<StateObserver>,
        render: QrRenderer,
        unshown: bool,
    ) -> Result<Self> {
        let created = Instant::now();
        let policy = provider.qr_policy();
        let method = resolve_method(provider.as_ref(), method)?;
        let ticket = provider.qr_start(method).await?;
        let (qr_url, qr_png) = match ticket.code {
            QrCode::Url(url) => (Some(url.clone()), render(&url)?),
            QrCode::Image { mime, bytes } => (
                None,
                format!(
                    "data:{mime};base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                ),
            ),
        };
        let login = QrLogin {
            provider: provider.id(),
            method,
            key: ticket.key.clone(),
            qr_png,
            qr_url,
            expires_in_s: policy.lifetime.as_secs(),
        };
        let initial = LoginState {
            provider: provider.id(),
            method,
            key: ticket.key,
            state: QrState::Waiting,
            profile: None,
            message: None,
            error: None,
        };
        if let Some(observer) = &observer {
            observer(&initial);
        }
        let (sender, state) = watch::channel(initial);
        let (unshown, shown) = if unshown {
            let (send, receive) = oneshot::channel();
            (Some(send), Some(receive))
        } else {
            (None, None)
        };
        let task = tokio::spawn(poll_until_final(provider, sender, observer, shown));
        Ok(Self {
            login,
            state,
            task,
            created,
            lifetime: policy.lifetime,
            unshown,
        })
    }

    /// The code is on screen: polling starts (for a prefetched code; a no-op otherwise).
    fn show(&mut self) {
        if let Some(shown) = self.unshown.take() {
            // The task ends only by abort or a final state, neither possible before it is shown.
            let _ = shown.send(());
        }
    }

    /// How long the code has left, as of now.
    fn remaining(&self) -> std::time::Duration {
        self.lifetime.saturating_sub(self.created.elapsed())
    }

    pub fn login(&self) -> &QrLogin {
        &self.login
    }

    pub fn current(&self) -> LoginState {
        self.state.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<LoginState> {
        self.state.clone()
    }

    /// Waits until the session reaches a final state (confirmed, expired or failed).
    pub async fn finished(&self) -> LoginState {
        let mut state = self.state.clone();
        let result = state
            .wait_for(|s| s.state.is_final())
            .await
            .map(|s| s.clone());
        result.unwrap_or_else(|_| self.current())
    }

    pub fn cancel(&self) {
        self.task.abort();
    }
}

/// The method to use: the one asked for when the provider supports it, else its default.
fn resolve_method(provider: &dyn Provider, asked: Option<QrMethod>) -> Result<QrMethod> {
    let methods = provider.qr_methods();
    match asked {
        None => methods.first().copied().ok_or_else(|| {
            Error::new(
                ErrorKind::Declined,
                format!("{} has no QR login", provider.id()),
            )
        }),
        Some(method) if methods.contains(&method) => Ok(method),
        Some(method) => Err(Error::bad_request(format!(
            "{} cannot be logged into by scanning with {method:?}",
            provider.id()
        ))
        .with_provider(provider.id())),
    }
}

impl Drop for QrSession {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn poll_until_final(
    provider: Arc<dyn Provider>,
    sender: watch::Sender<LoginState>,
    observer: Option<StateObserver>,
    shown: Option<oneshot::Receiver<()>>,
) {
    let policy = provider.qr_policy();
    let deadline = Instant::now() + policy.lifetime;
    if let Some(shown) = shown {
        if shown.await.is_err() {
            return;
        }
    }
    let key = sender.borrow().key.clone();
    let publish = |next: LoginState| {
        let changed = {
            let current = sender.borrow();
            current.state != next.state || current.message != next.message
        };
        if changed {
            if let Some(observer) = &observer {
                observer(&next);
            }
            sender.send_replace(next);
        }
    };
    let base = sender.borrow().clone();
    let mut transient_failures = 0u32;
    loop {
        tokio::time::sleep(policy.poll_interval).await;
        if Instant::now() >= deadline {
            publish(LoginState {
                state: QrState::Expired,
                message: Some("the QR code expired; start again for a new one".into()),
                ..base.clone()
            });
            return;
        }
        match provider.qr_poll(&key).await {
            Ok(QrPoll::Waiting) => transient_failures = 0,
            Ok(QrPoll::Scanned { nickname }) => {
                transient_failures = 0;
                publish(LoginState {
                    state: QrState::Scanned,
                    message: Some(match nickname {
                        Some(name) => format!("scanned by {name}; confirm on your phone"),
                        None => "scanned; confirm on your phone".into(),
                    }),
                    ..base.clone()
                });
            }
            Ok(QrPoll::Expired) => {
                publish(LoginState {
                    state: QrState::Expired,
                    message: Some("the QR code expired; start again for a new one".into()),
                    ..base.clone()
                });
                return;
            }
            Ok(QrPoll::Confirmed { not_kept }) => {
                let next = match provider.profile().await {
                    // Logged in; a keychain that would not keep the session is said, not hidden.
                    Ok(profile) => LoginState {
                        state: QrState::Confirmed,
                        profile: Some(profile),
                        message: not_kept.as_ref().map(|e| {
                            format!(
                                "logged in until Duet closes: the session was not kept ({})",
                                e.message
                            )
                        }),
                        error: not_kept,
                        ..base.clone()
                    },
                    Err(error) => failed(&base, error),
                };
                publish(next);
                return;
            }
            // A dropped connection or a slow answer is worth another try at the same pace;
            // anything the service said on purpose ends the attempt.
            Err(error) if error.kind == ErrorKind::Network && transient_failures < 3 => {
                transient_failures += 1;
                tracing::warn!(provider = %provider.id(), "QR poll failed, retrying: {error}");
            }
            Err(error) => {
                publish(failed(&base, error));
                return;
            }
        }
    }
}

fn failed(base: &LoginState, error: Error) -> LoginState {
    LoginState {
        state: QrState::Failed,
        message: Some(error.message.clone()),
        error: Some(error),
        ..base.clone()
    }
}

/// The QR logins of one front end: at most one unfinished login per provider and method
/// (starting a new one is the restart; QQ and WeChat codes for QQ Music can be on screen
/// together), and the last few finished ones kept so a late reader still sees how they ended.
#[derive(Debug)]
pub struct QrLogins {
    sessions: tokio::sync::Mutex<Vec<QrSession>>,
    /// Codes fetched ahead of the page asking for them; each slot's lock is held while its code
    /// is on its way, so a page that asks early waits for that code instead of a second one.
    prefetched: std::sync::Mutex<Vec<Prefetched>>,
    render: QrRenderer,
}

#[derive(Debug)]
struct Prefetched {
    provider: ProviderId,
    method: QrMethod,
    slot: Arc<tokio::sync::Mutex<Option<QrSession>>>,
}

impl QrLogins {
    const KEPT: usize = 16;

    /// `render` draws the codes the services hand out as URLs.
    pub fn new(render: QrRenderer) -> Self {
        Self {
            sessions: Default::default(),
            prefetched: Default::default(),
            render,
        }
    }

    /// Fetches the code [`start`](Self::start) will hand out for `provider` and `method` (its
    /// default when `None`), in the background. Call it from inside the async runtime. The
    /// code is not polled until it is asked for; a failure is logged and the page's own start
    /// asks again.
    pub fn prefetch(
        &self,
        provider: Arc<dyn Provider>,
        method: Option<QrMethod>,
        observer: Option<StateObserver>,
    ) {
        let Ok(method) = resolve_method(provider.as_ref(), method) else {
            return;
        };
        let slot = Arc::new(tokio::sync::Mutex::new(None));
        let Ok(mut fill) = slot.clone().try_lock_owned() else {
            return;
        };
        let mut prefetched = self.prefetched.lock().unwrap_or_else(|e| e.into_inner());
        prefetched.retain(|p| p.provider != provider.id() || p.method != method);
        prefetched.push(Prefetched {
            provider: provider.id(),
            method,
            slot,
        });
        let render = self.render;
        tokio::spawn(async move {
            let id = provider.id();
            match QrSession::create(provider, Some(method), observer, render, true).await {
                Ok(session) => *fill = Some(session),
                Err(error) => {
                    tracing::warn!(provider = %id, "could not prefetch the QR code: {error}");
                }
            }
        });
    }

    /// The prefetched code of `provider` and `method`, waiting for it if it is on its way;
    /// `None` when there is none or it has too little time left to be worth showing.
    async fn take_prefetched(&self, provider: ProviderId, method: QrMethod) -> Option<QrSession> {
        let slot = {
            let mut prefetched = self.prefetched.lock().unwrap_or_else(|e| e.into_inner());
            let at = prefetched
                .iter()
                .position(|p| p.provider == provider && p.method == method)?;
            prefetched.remove(at).slot
        };
        let session = slot.lock().await.take()?;
        let fresh =
            session.remaining() > session.lifetime / 2 && !session.current().state.is_final();
        fresh.then_some(session)
    }

    pub async fn start(
        &self,
        provider: Arc<dyn Provider>,
        method: Option<QrMethod>,
        observer: Option<StateObserver>,
    ) -> Result<QrLogin> {
        let id = provider.id();
        let resolved = resolve_method(provider.as_ref(), method)?;
        let session = match self.take_prefetched(id, resolved).await {
            Some(mut session) => {
                session.show();
                session.login.expires_in_s = session.remaining().as_secs();
                session
            }
            None => QrSession::start(provider, Some(resolved), observer, self.render).await?,
        };
        let login = session.login().clone();
        let mut sessions = self.sessions.lock().await;
        sessions.retain(|s| {
            let current = s.current();
            let superseded = current.provider == id
                && current.method == login.method
                && !current.state.is_final();
            if superseded {
                s.cancel();
            }
            !superseded
        });
        while sessions.len() >= Self::KEPT {
            sessions.remove(0);
        }
        sessions.push(session);
        Ok(login)
    }

    pub async fn state(&self, provider: ProviderId, key: &str) -> Option<LoginState> {
        self.sessions
            .lock()
            .await
            .iter()
            .map(QrSession::current)
            .find(|s| s.provider == provider && s.key == key)
    }

    /// Stops the unfinished logins of `provider` (of `method` only, when given).
    pub async fn cancel(&self, provider: ProviderId, method: Option<QrMethod>) {
        self.sessions.lock().await.retain(|s| {
            let current = s.current();
            let unfinished = current.provider == provider
                && method.is_none_or(|m| m == current.method)
                && !current.state.is_final();
            if unfinished {
                s.cancel();
            }
            !unfinished
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::provider::{QrPolicy, QrTicket};
    use async_trait::async_trait;
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;

    /// A provider whose QR polls answer from a script; everything else is unused here.
    struct Scripted {
        polls: Mutex<VecDeque<Result<QrPoll>>>,
        lifetime: Duration,
        /// How long the service takes to hand out a code.
        start_delay: Duration,
        codes_handed_out: AtomicU32,
        polled: AtomicU32,
    }

    #[async_trait]
    impl Provider for Scripted {
        fn id(&self) -> ProviderId {
            ProviderId::Netease
        }
        fn qr_policy(&self) -> QrPolicy {
            QrPolicy {
                poll_interval: Duration::from_millis(5),
                lifetime: self.lifetime,
            }
        }
        fn qr_methods(&self) -> &'static [QrMethod] {
            &[QrMethod::App]
        }
        fn image_hosts(&self) -> &'static [&'static str] {
            &[]
        }
        async fn qr_start(&self, _method: QrMethod) -> Result<QrTicket> {
            tokio::time::sleep(self.start_delay).await;
            let n = self.codes_handed_out.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(QrTicket {
                key: format!("k{n}"),
                code: QrCode::Url(format!("https://music.163.com/login?codekey=k{n}")),
            })
        }
        async fn qr_poll(&self, _key: &str) -> Result<QrPoll> {
            self.polled.fetch_add(1, Ordering::SeqCst);
            self.polls
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(QrPoll::Waiting))
        }
        async fn restore_session(&self) -> Result<bool> {
            Ok(false)
        }
        async fn has_session(&self) -> bool {
            false
        }
        async fn profile(&self) -> Result<Profile> {
            Ok(Profile {
                provider: ProviderId::Netease,
                user_id: "1".into(),
                nickname: "n".into(),
                avatar_url: None,
                vip: false,
            })
        }
        async fn logout(&self) -> Result<()> {
            unreachable!()
        }
        async fn search(&self, _: &SearchQuery) -> Result<SearchPage> {
            unreachable!()
        }
        async fn track(&self, _: &str) -> Result<Track> {
            unreachable!()
        }
        async fn stream_url(&self, _: &str, _: Quality) -> Result<StreamUrl> {
            unreachable!()
        }
        async fn lyrics(&self, _: &str) -> Result<Lyrics> {
            unreachable!()
        }
        async fn playlist(&self, _: &str) -> Result<Playlist> {
            unreachable!()
        }
        async fn user_playlists(&self) -> Result<Vec<Playlist>> {
            unreachable!()
        }
        async fn recommended_tracks(&self) -> Result<Vec<Track>> {
            unreachable!()
        }
        async fn comments(&self, _: &str, _: u32, _: u32) -> Result<CommentPage> {
            unreachable!()
        }
        async fn post_comment(&self, _: &str, _: &str, _: Option<&str>) -> Result<Comment> {
            unreachable!()
        }
        async fn daily_checkin(&self) -> Result<CheckIn> {
            unreachable!()
        }
        async fn album(&self, _: &str) -> Result<Album> {
            unreachable!()
        }
        async fn artist(&self, _: &str) -> Result<ArtistPage> {
            unreachable!()
        }
        async fn artist_albums(&self, _: &str, _: u32) -> Result<ArtistAlbums> {
            unreachable!()
        }
    }

    fn scripted(polls: Vec<Result<QrPoll>>, lifetime: Duration) -> Arc<dyn Provider> {
        Arc::new(service(polls, lifetime, Duration::ZERO))
    }

    fn service(polls: Vec<Result<QrPoll>>, lifetime: Duration, start_delay: Duration) -> Scripted {
        Scripted {
            polls: Mutex::new(polls.into()),
            lifetime,
            start_delay,
            codes_handed_out: AtomicU32::new(0),
            polled: AtomicU32::new(0),
        }
    }

    /// Stands in for `duet_images::login_qr_png` (tested there): a `data:` URI naming what it
    /// was asked to draw.
    fn render(url: &str) -> Result<String> {
        Ok(format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(url)
        ))
    }

    fn recorder() -> (StateObserver, Arc<Mutex<Vec<QrState>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        (
            Arc::new(move |s: &LoginState| sink.lock().unwrap().push(s.state)),
            seen,
        )
    }

    #[tokio::test]
    async fn reports_every_change_through_to_the_profile() {
        let (observer, seen) = recorder();
        let provider = scripted(
            vec![
                Ok(QrPoll::Waiting),
                Ok(QrPoll::Scanned {
                    nickname: Some("小明".into()),
                }),
                Ok(QrPoll::Scanned {
                    nickname: Some("小明".into()),
                }),
                Ok(QrPoll::Confirmed { not_kept: None }),
            ],
            Duration::from_secs(60),
        );
        let session = QrSession::start(provider, None, Some(observer), render)
            .await
            .unwrap();
        assert!(session.login().qr_png.starts_with("data:image/png;base64,"));
        assert_eq!(
            session.login().qr_png,
            render("https://music.163.com/login?codekey=k1").unwrap()
        );
        let last = session.finished().await;
        assert_eq!(last.state, QrState::Confirmed);
        assert_eq!(last.profile.unwrap().nickname, "n");
        assert_eq!(
            *seen.lock().unwrap(),
            vec![QrState::Waiting, QrState::Scanned, QrState::Confirmed]
        );
    }

    #[tokio::test]
    async fn expires_locally_when_the_service_never_does() {
        let provider = scripted(vec![], Duration::from_millis(30));
        let session = QrSession::start(provider, None, None, render)
            .await
            .unwrap();
        assert_eq!(session.finished().await.state, QrState::Expired);
    }

    #[tokio::test]
    async fn a_service_error_fails_with_its_kind_but_network_blips_are_retried() {
        let provider = scripted(
            vec![
                Err(Error::network("reset")),
                Err(Error::new(ErrorKind::VerificationRequired, "captcha").with_upstream_code(8821)),
            ],
            Duration::from_secs(60),
        );
        let session = QrSession::start(provider, None, None, render)
            .await
            .unwrap();
        let last = session.finished().await;
        assert_eq!(last.state, QrState::Failed);
        assert_eq!(last.error.unwrap().kind, ErrorKind::VerificationRequired);
    }

    #[tokio::test]
    async fn a_new_login_replaces_the_unfinished_one_of_its_provider() {
        let logins = QrLogins::new(render);
        let first = logins
            .start(scripted(vec![], Duration::from_secs(60)), None, None)
            .await
            .unwrap();
        assert_eq!(
            logins
                .state(ProviderId::Netease, &first.key)
                .await
                .unwrap()
                .state,
            QrState::Waiting
        );
        let provider = scripted(vec![Ok(QrPoll::Expired)], Duration::from_secs(60));
        logins.start(provider, None, None).await.unwrap();
        // Both scripted providers hand out the same key; only the newer session remains.
        assert_eq!(logins.sessions.lock().await.len(), 1);
        logins.cancel(ProviderId::Netease, None).await;
        assert!(logins.state(ProviderId::Qq, &first.key).await.is_none());
    }

    #[tokio::test]
    async fn a_method_the_service_lacks_is_refused_and_the_default_is_its_first() {
        let logins = QrLogins::new(render);
        let error = logins
            .start(
                scripted(vec![], Duration::from_secs(60)),
                Some(QrMethod::Wechat),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest);
        let login = logins
            .start(scripted(vec![], Duration::from_secs(60)), None, None)
            .await
            .unwrap();
        assert_eq!(login.method, QrMethod::App);
        assert_eq!(
            login.qr_url.as_deref(),
            Some("https://music.163.com/login?codekey=k1")
        );
    }

    #[tokio::test]
    async fn a_prefetched_code_is_handed_out_and_polled_only_once_shown() {
        let service = Arc::new(service(vec![], Duration::from_secs(60), Duration::ZERO));
        let logins = QrLogins::new(render);
        logins.prefetch(service.clone(), None, None);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(service.codes_handed_out.load(Ordering::SeqCst), 1);
        assert_eq!(
            service.polled.load(Ordering::SeqCst),
            0,
            "polled before shown"
        );

        let shown = logins.start(service.clone(), None, None).await.unwrap();
        assert_eq!(shown.key, "k1");
        assert_eq!(service.codes_handed_out.load(Ordering::SeqCst), 1);
        assert!(shown.expires_in_s <= 60 && shown.expires_in_s >= 59);
        for _ in 0..200 {
            if service.polled.load(Ordering::SeqCst) > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            service.polled.load(Ordering::SeqCst) > 0,
            "never polled once shown"
        );

        // Handed out once: the next start is a new code.
        let next = logins.start(service.clone(), None, None).await.unwrap();
        assert_eq!(next.key, "k2");
    }

    #[tokio::test]
    async fn a_page_asking_before_the_prefetched_code_arrives_gets_that_code() {
        let service = Arc::new(service(
            vec![],
            Duration::from_secs(60),
            Duration::from_millis(80),
        ));
        let logins = QrLogins::new(render);
        logins.prefetch(service.clone(), Some(QrMethod::App), None);
        let login = logins.start(service.clone(), None, None).await.unwrap();
        assert_eq!(login.key, "k1");
        assert_eq!(service.codes_handed_out.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_prefetched_code_past_half_its_life_is_replaced() {
        let service = Arc::new(service(vec![], Duration::from_millis(60), Duration::ZERO));
        let logins = QrLogins::new(render);
        logins.prefetch(service.clone(), None, None);
        tokio::time::sleep(Duration::from_millis(40)).await;
        let login = logins.start(service.clone(), None, None).await.unwrap();
        assert_eq!(login.key, "k2");
        assert_eq!(service.codes_handed_out.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_prefetch_leaves_the_start_to_ask_again() {
        let logins = QrLogins::new(|_| Err(Error::network("cannot draw")));
        let service = Arc::new(service(vec![], Duration::from_secs(60), Duration::ZERO));
        logins.prefetch(service.clone(), None, None);
        let error = logins.start(service.clone(), None, None).await.unwrap_err();
        assert_eq!(error.message, "cannot draw");
        assert_eq!(service.codes_handed_out.load(Ordering::SeqCst), 2);
    }
}
