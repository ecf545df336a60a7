//! [`duet_core::Provider`] for QQ Music: the QR logins by QQ and WeChat, the stored session
//! (renewed when its key runs out, §4.5), and the calls of [`QqApi`] under it.

use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use duet_core::cookies::{PastedCookies, WebLogin};
use duet_core::credentials::SharedStore;
use duet_core::keeper::{Basis, Change, Changed, Generation, SessionKeeper};
use duet_core::provider::{QrCode, QrPolicy, QrPoll, QrTicket};
use duet_core::{
    Album, ArtistAlbums, ArtistPage, CheckIn, Comment, CommentPage, CookieLogin, Error, ErrorKind,
    Lyrics, Playlist, Profile, Provider, ProviderId, QrMethod, Quality, Result, SearchPage,
    SearchQuery, Secret, StreamUrl, Track, Upstream, UserRef,
};
use std::sync::Arc;
use tokio::sync::Mutex;

use crate::api::{QqApi, UserInfo};
use crate::app_qr::{self, AppEvent, AppWatch};
use crate::client::Config;
use crate::errors::qq;
use crate::login::{self, QqPoll, WechatPoll};
use crate::session::{Credential, Session};

/// ptlogin2 codes live about two minutes; polled every 1–2 s (§4.1 step 2).
const QR_POLICY: QrPolicy = QrPolicy {
    poll_interval: Duration::from_millis(1500),
    lifetime: Duration::from_secs(120),
};
/// Renew a key this close to its end by the local clock.
const REFRESH_MARGIN_S: u64 = 3600;

/// A QR login on screen: which app scans it and the service's handle for it.
struct PendingQr {
    method: QrMethod,
    handle: Secret,
    /// The QQ Music app's code: the subscription its state is pushed to (§4.3).
    pushed: Option<AppWatch>,
    started: Instant,
}

pub struct QqProvider {
    api: QqApi,
    /// The login: one lock and a generation order login, renewal and logout.
    keeper: SessionKeeper<Session>,
    /// Our key (a random id, never the service's qrsig/uuid) → the login.
    pending: Mutex<HashMap<String, PendingQr>>,
    /// The logged-in user's name and id, for comments posted.
    /// Learnt under the login of that generation, and good for that login only.
    me: Mutex<Option<(Generation, UserRef)>>,
    /// Held while a key is renewed.
    renewing: Arc<Mutex<()>>,
    /// Whether a key that ran out is renewed ([`without_key_renewal`](Self::without_key_renewal)).
    renews_keys: bool,
}

impl QqProvider {
    pub fn new(config: Config, store: SharedStore) -> Result<Self> {
        Ok(Self {
            api: QqApi::new(&config)?,
            keeper: SessionKeeper::new(ProviderId::Qq, store, || None),
            pending: Mutex::new(HashMap::new()),
            me: Mutex::new(None),
            renewing: Arc::default(),
            renews_keys: true,
        })
    }

    /// Never renews the key, for a check that must leave the stored login as it found it
    /// (duet-doctor): the service retires a key once it hands out the next (§4.5), so a renewal
    /// whose new key is not kept where the app reads it would log the app out. A key that ran
    /// out is then reported as expired.
    pub fn without_key_renewal(mut self) -> Self {
        self.renews_keys = false;
        self
    }

    pub fn api(&self) -> &QqApi {
        &self.api
    }

    async fn current(&self) -> Result<Session> {
        self.keeper
            .session()
            .ok_or_else(|| qq(Error::not_logged_in("log in to QQ Music first")))
    }

    /// Renews the key with the stored tokens and keeps the new one.
    pub async fn refresh(&self) -> Result<Credential> {
        let key = self.current().await?.musickey;
        self.renew(&key).await
    }

    /// Renews the key `spent`, once however many calls found it spent at the same time: a call
    /// that waited for another's renewal gets the new key. A refresh the service refuses is not
    /// tried again for this login. The service retires a key once it hands out the next, so the
    /// renewal runs to its end (the new key kept) even when the caller goes away; a logout or a
    /// new login meanwhile wins over it.
    async fn renew(&self, spent: &Secret) -> Result<Credential> {
        if !self.renews_keys {
            return Err(qq(Error::new(
                ErrorKind::SessionExpired,
                "the QQ Music key ran out and this check does not renew it; open Duet to renew it",
            )));
        }
        let renewing = self.renewing.clone();
        let keeper = self.keeper.clone();
        let client = self.api.client().clone();
        let spent = spent.clone();
        tokio::spawn(async move {
            let _one_at_a_time = renewing.lock().await;
            let (session, generation) = keeper.current();
            let session =
                session.ok_or_else(|| qq(Error::not_logged_in("log in to QQ Music first")))?;
            if session.musickey != spent {
                return Ok(session.credential());
            }
            if !session.can_refresh() {
                return Err(qq(Error::new(
                    ErrorKind::SessionExpired,
                    "the QQ Music login ran out and cannot be renewed; scan the QR code again",
                )));
            }
            match login::refresh(&client, &session).await {
                Ok(renewed) => {
                    tracing::info!("renewed the QQ Music key");
                    let credential = renewed.credential();
                    match keeper
                        .keep(generation, move |_| Change::Update(renewed))
                        .await
                    {
                        Ok(Changed::Superseded) => Err(qq(Error::not_logged_in(
                            "the QQ Music login ended while its key was being renewed",
                        ))),
                        // Not in the keychain (the keeper logged why), but held in memory:
                        // this run goes on with it.
                        Ok(Changed::Applied(_) | Changed::Unchanged) | Err(_) => Ok(credential),
                    }
                }
                Err(refused) => {
                    if refused.kind == ErrorKind::SessionExpired {
                        let _ = keeper
                            .keep(generation, |held| match held {
                                Some(held) => {
                                    let mut held = held.clone();
                                    held.refresh_key = Secret::default();
                                    Change::Update(held)
                                }
                                None => Change::Keep,
                            })
                            .await;
                    }
                    Err(refused)
                }
            }
        })
        .await
        .map_err(|e| {
            qq(Error::upstream(format!(
                "the QQ Music key renewal failed: {e}"
            )))
        })?
    }

    /// Runs `call` under `given` as it is (a caller's bare credential has no refresh tokens,
    /// §4.5), or without one under the held session, renewed as [`QqProvider`] renews it.
    pub async fn run<T, F, Fut>(&self, given: Option<Credential>, call: F) -> Result<T>
    where
        F: Fn(Credential) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        match given {
            Some(credential) => call(credential).await,
            None => self.authed(call).await,
        }
    }

    /// The held session (its tokens included), if any.
    pub async fn session(&self) -> Option<Session> {
        self.keeper.session()
    }

    /// Runs `call` under the session: renews a key that ran out by the clock first, and once
    /// more when the service calls it expired; otherwise says it expired.
    async fn authed<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(Credential) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let session = self.current().await?;
        let mut credential = session.credential();
        let mut refreshed = false;
        if session.key_is_stale(REFRESH_MARGIN_S) && session.can_refresh() {
            if let Ok(renewed) = self.renew(&session.musickey).await {
                credential = renewed;
                refreshed = true;
            }
        }
        let used = credential.musickey.clone();
        match call(credential).await {
            Err(e) if e.kind == ErrorKind::SessionExpired && !refreshed => {
                match self.renew(&used).await {
                    Ok(renewed) => call(renewed).await,
                    Err(refresh_error) => {
                        tracing::info!("QQ Music key expired and was not renewed: {refresh_error}");
                        Err(e)
                    }
                }
            }
            result => result,
        }
    }

    /// The credential of the held session, if any.
    pub async fn credential(&self) -> Option<Credential> {
        self.keeper.session().as_ref().map(Session::credential)
    }

    async fn euin(&self) -> Result<String> {
        if let Some(session) = self.keeper.session() {
            if !session.encrypt_uin.is_empty() {
                return Ok(session.encrypt_uin);
            }
        }
        Ok(self.user_info().await?.encrypt_uin)
    }

    /// Profile, VIP identity and level; learns the user's encrypted id.
    pub async fn user_info(&self) -> Result<UserInfo> {
        // The login asked about: what is learnt goes to that login only, not to one made since.
        let (_, generation) = self.keeper.current();
        let info = self
            .authed(|c| async move { self.api.user_info(&c).await })
            .await?;
        let encrypt_uin = info.encrypt_uin.clone();
        // Not kept in the keychain is no failure of this call (the keeper logged why).
        let _ = self
            .keeper
            .keep(generation, move |held| match held {
                Some(held) if held.encrypt_uin.is_empty() && !encrypt_uin.is_empty() => {
                    let mut held = held.clone();
                    held.encrypt_uin = encrypt_uin;
                    Change::Update(held)
                }
                _ => Change::Keep,
            })
            .await;
        *self.me.lock().await = Some((
            generation,
            UserRef {
                id: info.encrypt_uin.clone(),
                name: info.profile.nickname.clone(),
                avatar_url: info.profile.avatar_url.clone(),
            },
        ));
        Ok(info)
    }

    pub async fn listening_report(&self) -> Result<serde_json::Value> {
        let euin = self.euin().await?;
        self.authed(|c| {
            let euin = euin.clone();
            async move { self.api.listening_report(&c, &euin).await }
        })
        .await
    }

    /// Whether the stored key still works, renewing it when it can (§4.4).
    pub async fn probe(&self) -> Result<()> {
        self.authed(|c| async move { self.api.probe(&c).await })
            .await
    }

    /// The logged-in user (learnt once per login).
    async fn me(&self) -> Result<UserRef> {
        if let Some((learnt_under, me)) = self.me.lock().await.clone() {
            if learnt_under == self.keeper.current().1 {
                return Ok(me);
            }
        }
        let info = self.user_info().await?;
        Ok(UserRef {
            id: info.encrypt_uin,
            name: info.profile.nickname,
            avatar_url: info.profile.avatar_url,
        })
    }

    /// Where requests go (`DUET_UPSTREAM`, or the service), for routing image URLs.
    pub fn upstream(&self) -> &Upstream {
        self.api.client().upstream()
    }
}

#[async_trait]
impl Provider for QqProvider {
    fn id(&self) -> ProviderId {
        ProviderId::Qq
    }

    fn qr_policy(&self) -> QrPolicy {
        QR_POLICY
    }

    fn qr_methods(&self) -> &'static [QrMethod] {
        &[QrMethod::QqMusic, QrMethod::Qq, QrMethod::Wechat]
    }

    fn image_hosts(&self) -> &'static [&'static str] {
        crate::identity::IMAGE_HOSTS
    }

    async fn qr_start(&self, method: QrMethod) -> Result<QrTicket> {
        let mut pushed = None;
        let (handle, code) = match method {
            QrMethod::QqMusic => {
                let qr = login::app_qr_start(self.api.client()).await?;
                pushed = Some(app_qr::watch(
                    self.upstream(),
                    &qr.qrcode_id,
                    QR_POLICY.lifetime,
                )?);
                (
                    qr.qrcode_id,
                    QrCode::Image {
                        mime: "image/png".into(),
                        bytes: qr.png,
                    },
                )
            }
            QrMethod::Qq => {
                let qr = login::qq_qr_start(self.api.client()).await?;
                (
                    qr.qrsig,
                    QrCode::Image {
                        mime: "image/png".into(),
                        bytes: qr.png,
                    },
                )
            }
            QrMethod::Wechat => {
                let qr = login::wechat_qr_start(self.api.client()).await?;
                (
                    qr.uuid,
                    QrCode::Image {
                        mime: qr.mime,
                        bytes: qr.image,
                    },
                )
            }
            QrMethod::App => {
                return Err(qq(Error::bad_request(
                    "QQ Music codes are scanned with the QQ Music app, QQ or WeChat",
                )))
            }
        };
        let key = uuid::Uuid::new_v4().simple().to_string();
        let mut pending = self.pending.lock().await;
        pending.retain(|_, p| p.started.elapsed() < QR_POLICY.lifetime * 2);
        pending.insert(
            key.clone(),
            PendingQr {
                method,
                handle,
                pushed,
                started: Instant::now(),
            },
        );
        Ok(QrTicket { key, code })
    }

    async fn qr_poll(&self, key: &str) -> Result<QrPoll> {
        let (method, handle, pushed) = {
            let pending = self.pending.lock().await;
            let entry = pending.get(key).ok_or_else(|| {
                qq(Error::not_found(
                    "no QQ Music QR login with this key; start a new one",
                ))
            })?;
            (entry.method, entry.handle.clone(), entry.pushed.clone())
        };
        let client = self.api.client();
        let session =
            match method {
                QrMethod::QqMusic => {
                    let event = pushed.as_ref().map_or(AppEvent::Waiting, AppWatch::latest);
                    let ended = |why: Error| async move {
                        self.pending.lock().await.remove(key);
                        Err(qq(why))
                    };
                    match event {
                        AppEvent::Waiting => return Ok(QrPoll::Waiting),
                        AppEvent::Scanned => return Ok(QrPoll::Scanned { nickname: None }),
                        AppEvent::Timeout => return Ok(QrPoll::Expired),
                        AppEvent::Canceled => {
                            return ended(Error::not_logged_in(
                                "the login was cancelled in the QQ Music app",
                            ))
                            .await
                        }
                        AppEvent::LoginFailed => return ended(Error::upstream(
                            "QQ Music could not log this account in from its app; scan a new code",
                        ))
                        .await,
                        AppEvent::Broken(error) => return ended(error).await,
                        AppEvent::Cookies { musicid, token } => {
                            // The token is good once: whatever the exchange says, this code is done.
                            self.pending.lock().await.remove(key);
                            login::app_qr_finish(client, &handle, musicid, &token).await?
                        }
                    }
                }
                QrMethod::Wechat => match login::wechat_qr_poll(client, &handle).await? {
                    WechatPoll::Waiting => return Ok(QrPoll::Waiting),
                    WechatPoll::Scanned => return Ok(QrPoll::Scanned { nickname: None }),
                    WechatPoll::Expired => return Ok(QrPoll::Expired),
                    WechatPoll::Cancelled => {
                        self.pending.lock().await.remove(key);
                        return Err(qq(Error::not_logged_in(
                            "the login was cancelled in WeChat",
                        )));
                    }
                    WechatPoll::Confirmed { code } => login::wechat_finish(client, &code).await?,
                },
                _ => match login::qq_qr_poll(client, &handle).await? {
                    QqPoll::Waiting => return Ok(QrPoll::Waiting),
                    QqPoll::Scanned => return Ok(QrPoll::Scanned { nickname: None }),
                    QqPoll::Expired => return Ok(QrPoll::Expired),
                    QqPoll::Refused => {
                        self.pending.lock().await.remove(key);
                        return Err(qq(Error::not_logged_in(
                            "the login was refused on the phone",
                        )));
                    }
                    QqPoll::Confirmed { check_sig_url, .. } => {
                        login::qq_qr_finish(client, check_sig_url.expose()).await?
                    }
                },
            };
        self.pending.lock().await.remove(key);
        *self.me.lock().await = None;
        // A login the keychain refused is still a login, held for this run: confirmed, with
        // the reason it was not kept. That reason is this keep's own result; the keeper's memory
        // of it (which NetEase reads, its logins being kept while an answer is read) is spent.
        let kept = self
            .keeper
            .keep(Basis::NewLogin, |_| Change::Login(session))
            .await;
        self.keeper.take_not_kept();
        Ok(QrPoll::Confirmed {
            not_kept: kept.err(),
        })
    }

    fn web_login(&self) -> Option<WebLogin> {
        Some(crate::identity::WEB_LOGIN)
    }

    async fn cookie_login(&self, cookies: &PastedCookies) -> Result<CookieLogin> {
        let credential = Credential::from_cookies(cookies)?;
        // Asked under the cookies brought, not the session held (§4.4): a key the service does
        // not accept is `session_expired`, and nothing here changes.
        let info = self.api.user_info(&credential).await?;
        let session = Session::from_cookies(credential, info.encrypt_uin.clone());
        let kept = self
            .keeper
            .keep(Basis::NewLogin, |_| Change::Login(session))
            .await;
        self.keeper.take_not_kept();
        *self.me.lock().await = Some((
            self.keeper.current().1,
            UserRef {
                id: info.encrypt_uin,
                name: info.profile.nickname.clone(),
                avatar_url: info.profile.avatar_url.clone(),
            },
        ));
        Ok(CookieLogin {
            provider: ProviderId::Qq,
            profile: self.upstream().route_images(info.profile),
            error: kept.err(),
        })
    }

    async fn restore_session(&self) -> Result<bool> {
        self.keeper.restore().await
    }

    async fn has_session(&self) -> bool {
        self.keeper.session().is_some()
    }

    async fn profile(&self) -> Result<Profile> {
        Ok(self
            .upstream()
            .route_images(self.user_info().await?.profile))
    }

    async fn logout(&self) -> Result<()> {
        let session = self.keeper.session();
        *self.me.lock().await = None;
        // Here first (memory, then the keychain), whatever the service says after.
        let ended = self.keeper.end().await;
        if let Some(session) = session {
            if let Err(e) = login::logout(self.api.client(), &session).await {
                tracing::info!("QQ Music logout call failed (the key is dropped anyway): {e}");
            }
        }
        ended
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        let page = self
            .authed(|c| async move { self.api.search(Some(&c), query).await })
            .await?;
        Ok(self.upstream().route_images(page))
    }

    async fn track(&self, id: &str) -> Result<Track> {
        let credential = self.credential().await;
        Ok(self
            .upstream()
            .route_images(self.api.track(credential.as_ref(), id).await?))
    }

    async fn stream_url(&self, id: &str, quality: Quality) -> Result<StreamUrl> {
        self.authed(|c| async move { self.api.stream_url(Some(&c), id, quality).await })
            .await
    }

    async fn lyrics(&self, id: &str) -> Result<Lyrics> {
        let credential = self.credential().await;
        self.api.lyrics(credential.as_ref(), id).await
    }

    async fn playlist(&self, id: &str) -> Result<Playlist> {
        let euin = if id == crate::parse::LIKED_PLAYLIST_ID {
            Some(self.euin().await?)
        } else {
            None
        };
        let playlist = match self.credential().await {
            Some(_) => {
                self.authed(|c| {
                    let euin = euin.clone();
                    async move { self.api.playlist(Some(&c), id, euin.as_deref(), None).await }
                })
                .await?
            }
            None => self.api.playlist(None, id, None, None).await?,
        };
        Ok(self.upstream().route_images(playlist))
    }

    async fn user_playlists(&self) -> Result<Vec<Playlist>> {
        let owner = self.me().await?;
        let playlists = self
            .authed(|c| {
                let owner = owner.clone();
                async move { self.api.user_playlists(&c, &owner).await }
            })
            .await?;
        Ok(self.upstream().route_images(playlists))
    }

    async fn recommended_tracks(&self) -> Result<Vec<Track>> {
        Err(qq(Error::declined(
            "QQ Music's daily picks have no documented web call; Duet does not guess one",
        )))
    }

    async fn comments(&self, track_id: &str, page: u32, page_size: u32) -> Result<CommentPage> {
        let credential = self.credential().await;
        let comments = self
            .api
            .comments(credential.as_ref(), track_id, page, page_size)
            .await?;
        Ok(self.upstream().route_images(comments))
    }

    async fn post_comment(
        &self,
        track_id: &str,
        content: &str,
        reply_to: Option<&str>,
    ) -> Result<Comment> {
        if !crate::identity::is_mid(track_id) {
            return Err(qq(Error::bad_request("a QQ Music song id is its songmid")));
        }
        crate::api::checked_comment(content)?;
        let credential = self
            .credential()
            .await
            .ok_or_else(|| qq(Error::not_logged_in("log in to QQ Music to comment")))?;
        let ids = self.api.convert(Some(&credential), track_id).await?;
        let author = self.me().await?;
        let songid = ids.id.to_string();
        let comment = self
            .authed(|c| {
                let author = author.clone();
                let songid = songid.clone();
                async move {
                    self.api
                        .post_comment(&c, 1, &songid, content, reply_to, author)
                        .await
                }
            })
            .await?;
        Ok(self.upstream().route_images(comment))
    }

    async fn daily_checkin(&self) -> Result<CheckIn> {
        self.authed(|c| async move { self.api.check_in(&c).await })
            .await
    }

    // ---- Likes and your own playlists (crate::library) ------------------------------------

    async fn like(&self, track_id: &str, liked: bool) -> Result<()> {
        let mids = [track_id.to_owned()];
        self.authed(|c| {
            let mids = mids.clone();
            async move {
                let ids = self.api.song_ids(&c, &mids).await?;
                let dir = crate::parse::LIKED_DIRID;
                self.api.change_songs(&c, dir, &ids, liked).await
            }
        })
        .await
    }

    async fn liked_ids(&self) -> Result<Vec<String>> {
        let euin = self.euin().await?;
        self.authed(|c| {
            let euin = euin.clone();
            async move { self.api.liked_mids(&c, &euin).await }
        })
        .await
    }

    async fn create_playlist(&self, name: &str) -> Result<Playlist> {
        duet_core::library::checked_playlist_name(name).map_err(qq)?;
        let owner = self.me().await?;
        let (id, name) = self
            .authed(|c| async move { self.api.create_playlist(&c, name).await })
            .await?;
        Ok(Playlist {
            provider: ProviderId::Qq,
            id,
            name,
            cover_url: None,
            creator: owner,
            track_count: 0,
            description: None,
            liked: false,
            tracks: None,
        })
    }

    async fn rename_playlist(&self, playlist_id: &str, name: &str) -> Result<()> {
        duet_core::library::checked_playlist_name(name).map_err(qq)?;
        if playlist_id == crate::parse::LIKED_PLAYLIST_ID {
            return Err(qq(Error::declined("QQ Music's 我喜欢 keeps its name")));
        }
        self.authed(|c| async move {
            let dir = self.api.own_dir(&c, playlist_id).await?;
            self.api.rename_playlist(&c, dir, name).await
        })
        .await
    }

    async fn delete_playlist(&self, playlist_id: &str) -> Result<()> {
        if playlist_id == crate::parse::LIKED_PLAYLIST_ID {
            return Err(qq(Error::declined("QQ Music's 我喜欢 cannot be deleted")));
        }
        self.authed(|c| async move {
            let dir = self.api.own_dir(&c, playlist_id).await?;
            self.api.delete_playlist(&c, dir).await
        })
        .await
    }

    async fn add_to_playlist(&self, playlist_id: &str, track_ids: &[String]) -> Result<()> {
        self.change_playlist(playlist_id, track_ids, true).await
    }

    async fn remove_from_playlist(&self, playlist_id: &str, track_ids: &[String]) -> Result<()> {
        self.change_playlist(playlist_id, track_ids, false).await
    }

    async fn follow_playlist(&self, playlist_id: &str, follow: bool) -> Result<()> {
        if playlist_id == crate::parse::LIKED_PLAYLIST_ID {
            return Err(qq(Error::new(
                ErrorKind::NotOwner,
                "this is the account's own 我喜欢",
            )));
        }
        let tid = crate::library::check_tid(playlist_id)?;
        self.authed(|c| async move {
            let own = self.api.own_dirs(&c).await?;
            if own.iter().any(|d| d.tid == playlist_id) {
                return Err(qq(Error::new(
                    ErrorKind::NotOwner,
                    "this playlist is the account's own; it is in the library already",
                )));
            }
            self.api.collect_playlist(&c, tid, follow).await
        })
        .await
    }

    async fn album(&self, id: &str) -> Result<Album> {
        let credential = self.credential().await;
        let album = self.api.album(credential.as_ref(), id).await?;
        Ok(self.upstream().route_images(album))
    }

    async fn artist(&self, id: &str) -> Result<ArtistPage> {
        let credential = self.credential().await;
        let page = self.api.artist(credential.as_ref(), id).await?;
        Ok(self.upstream().route_images(page))
    }

    async fn artist_albums(&self, id: &str, page: u32) -> Result<ArtistAlbums> {
        let credential = self.credential().await;
        let albums = self
            .api
            .artist_albums(credential.as_ref(), id, page)
            .await?;
        Ok(self.upstream().route_images(albums))
    }

    // ---- Personal radio (crate::radio) ------------------------------------------------------

    async fn personal_fm(&self) -> Result<Vec<Track>> {
        let tracks = self
            .authed(|c| async move { crate::radio::guess_radio(self.api.client(), &c).await })
            .await?;
        Ok(self.upstream().route_images(tracks))
    }

    async fn fm_trash(&self, track_id: &str) -> Result<()> {
        let _ = track_id;
        Err(qq(Error::declined(
            "QQ Music's radio has no \"not interested\" call in the maintained references; Duet \
             does not guess one",
        )))
    }
}

impl QqProvider {
    async fn change_playlist(
        &self,
        playlist_id: &str,
        track_ids: &[String],
        add: bool,
    ) -> Result<()> {
        duet_core::library::checked_track_batch(track_ids).map_err(qq)?;
        if playlist_id != crate::parse::LIKED_PLAYLIST_ID {
            crate::library::check_tid(playlist_id)?;
        }
        self.authed(|c| async move {
            let dir = self.api.own_dir(&c, playlist_id).await?;
            let ids = self.api.song_ids(&c, track_ids).await?;
            self.api.change_songs(&c, dir, &ids, add).await
        })
        .await
    }
}
