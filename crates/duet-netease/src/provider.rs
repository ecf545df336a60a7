//! [`duet_core::Provider`] for NetEase Cloud Music: the endpoints of docs/protocol/netease.md §7.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use duet_core::cookies::{PastedCookies, WebLogin};
use duet_core::credentials::SharedStore;
use duet_core::keeper::{Change, Generation};
use duet_core::provider::{QrCode, QrPolicy, QrPoll, QrTicket};
use duet_core::{
    Album, ArtistAlbums, ArtistPage, CheckIn, Comment, CommentPage, CookieLogin, EpisodePage,
    Error, ErrorKind, Lyrics, Playlist, Podcast, Profile, Provider, ProviderId, QrMethod, Quality,
    Result, SearchPage, SearchQuery, SearchType, StreamUrl, Track,
};
use serde_json::{json, Value};
use tokio::sync::{Mutex, Semaphore};

use crate::client::{Client, Config};
use crate::endpoints;
use crate::errors::{self, netease};
use crate::session::Session;
use crate::{albums, cloud, identity, library, lyrics, parse, podcasts, radio};

/// How many ids one `/api/v3/song/detail` call may carry (§7.4: NCMA warns to keep ≤1000).
pub const SONG_DETAIL_BATCH: usize = 1000;
/// Batches fetched at the same time for a long playlist.
const SONG_DETAIL_PARALLEL: usize = 4;
/// The seed document: NetEase QR codes live about 3 minutes; poll every 2 s (docs/design.md §3).
const QR_POLICY: QrPolicy = QrPolicy {
    poll_interval: Duration::from_secs(2),
    lifetime: Duration::from_secs(180),
};
const MAX_COMMENT_CHARS: usize = 1000;
/// The code of a write the service's anti-cheat layer refused (§8).
const REFUSED: i64 = -462;

pub struct NeteaseProvider {
    client: Arc<Client>,
    /// The logged-in user's id, learnt from the profile.
    /// The logged-in user's id, learnt under the login of that generation.
    user_id: Mutex<Option<(Generation, String)>>,
}

impl std::fmt::Debug for NeteaseProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NeteaseProvider")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl NeteaseProvider {
    pub fn new(config: Config, store: SharedStore) -> Result<Self> {
        Ok(Self {
            client: Client::new(config, store)?,
            user_id: Mutex::new(None),
        })
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    async fn tracks_by_id(&self, ids: &[String]) -> Result<Vec<Track>> {
        let mut tracks = Vec::with_capacity(ids.len());
        let limit = Arc::new(Semaphore::new(SONG_DETAIL_PARALLEL));
        let mut batches = tokio::task::JoinSet::new();
        for (index, chunk) in ids.chunks(SONG_DETAIL_BATCH).enumerate() {
            let client = self.client.clone();
            let limit = limit.clone();
            let chunk = chunk.to_vec();
            batches.spawn(async move {
                let _permit = limit.acquire_owned().await;
                (index, song_detail(&client, &chunk).await)
            });
        }
        let mut results: Vec<Option<Vec<Track>>> = vec![None; batches.len()];
        while let Some(done) = batches.join_next().await {
            let (index, batch) = done.map_err(|e| {
                netease(Error::upstream(format!("a song/detail batch failed: {e}")))
            })?;
            results[index] = Some(batch?);
        }
        for batch in results.into_iter().flatten() {
            tracks.extend(batch);
        }
        Ok(tracks)
    }
}

async fn song_detail(client: &Client, ids: &[String]) -> Result<Vec<Track>> {
    let c: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "id": id.parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(id.as_str())) }))
        .collect();
    let body = client
        .call(
            &endpoints::SONG_DETAIL,
            json!({ "c": Value::Array(c).to_string() }),
        )
        .await?;
    parse::song_detail(&body)
}

/// NetEase ids are decimal numbers; anything else never reaches the service.
pub(crate) fn check_id(id: &str, what: &str) -> Result<()> {
    if !id.is_empty()
        && id.len() <= 20
        && id.bytes().all(|b| b.is_ascii_digit())
        && id.parse::<u64>().is_ok()
    {
        Ok(())
    } else {
        Err(netease(Error::bad_request(format!(
            "{what} id must be a NetEase numeric id, got {:?}",
            truncate(id, 40)
        ))))
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max_chars).collect::<String>())
    }
}

/// Duet's quality names → NetEase `level` (§7.5).
fn level(quality: Quality) -> &'static str {
    match quality {
        Quality::Standard => "standard",
        Quality::High => "exhigh",
        Quality::Lossless => "lossless",
        Quality::Hires => "hires",
    }
}

fn search_type_code(kind: SearchType) -> u32 {
    match kind {
        SearchType::Track => 1,
        SearchType::Album => 10,
        SearchType::Artist => 100,
        SearchType::Playlist => 1000,
    }
}

impl NeteaseProvider {
    pub(crate) async fn current_user_id(&self) -> Result<String> {
        if let Some((learnt_under, id)) = self.user_id.lock().await.clone() {
            if learnt_under == self.client.generation() {
                return Ok(id);
            }
        }
        Ok(self.profile().await?.user_id)
    }
}

#[async_trait]
impl Provider for NeteaseProvider {
    fn id(&self) -> ProviderId {
        ProviderId::Netease
    }

    fn qr_policy(&self) -> QrPolicy {
        QR_POLICY
    }

    fn qr_methods(&self) -> &'static [QrMethod] {
        &[QrMethod::App]
    }

    fn image_hosts(&self) -> &'static [&'static str] {
        identity::IMAGE_HOSTS
    }

    async fn qr_start(&self, method: QrMethod) -> Result<QrTicket> {
        if method != QrMethod::App {
            return Err(netease(Error::bad_request(
                "NetEase codes are scanned with the NetEase Cloud Music app",
            )));
        }
        self.client.register_visitor().await;
        let body = self
            .client
            .call(&endpoints::QR_KEY, json!({ "type": identity::QR_TYPE }))
            .await?;
        let key = parse::qr_key(&body)?;
        Ok(QrTicket {
            code: QrCode::Url(format!("{}{key}", identity::QR_LOGIN_URL_PREFIX)),
            key,
        })
    }

    async fn qr_poll(&self, key: &str) -> Result<QrPoll> {
        if key.is_empty()
            || key.len() > 128
            || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(netease(Error::bad_request("malformed QR key")));
        }
        let body = self
            .client
            .call_accepting(
                &endpoints::QR_POLL,
                json!({ "key": key, "type": identity::QR_TYPE }),
                &[800, 801, 802, 803],
            )
            .await?;
        match parse::qr_answer(&body)? {
            parse::QrAnswer::Waiting => Ok(QrPoll::Waiting),
            parse::QrAnswer::Scanned { nickname } => Ok(QrPoll::Scanned { nickname }),
            parse::QrAnswer::Expired => Ok(QrPoll::Expired),
            // The session arrives only as Set-Cookie (§5.5), which the client has kept.
            parse::QrAnswer::Confirmed if self.client.is_logged_in().await => {
                *self.user_id.lock().await = None;
                Ok(QrPoll::Confirmed {
                    not_kept: self.client.take_not_kept(),
                })
            }
            parse::QrAnswer::Confirmed => Err(netease(Error::upstream(
                "NetEase confirmed the QR login but sent no session cookie",
            ))),
        }
    }

    fn web_login(&self) -> Option<WebLogin> {
        Some(identity::WEB_LOGIN)
    }

    async fn cookie_login(&self, cookies: &PastedCookies) -> Result<CookieLogin> {
        let session = self.client.session().with_login_cookies(cookies)?;
        // Checked under the cookies brought, not the session held: nothing changes until the
        // service names the account (§7.2: a session it does not know has no profile).
        let (body, set) = self
            .client
            .call_as(&session, &endpoints::ACCOUNT, json!({}))
            .await?;
        let Some(profile) = parse::profile(&body)? else {
            return Err(netease(Error::new(
                ErrorKind::SessionExpired,
                "NetEase does not know this MUSIC_U: it has expired, was logged out, or was \
                 copied incompletely",
            )));
        };
        let session = match Session::change_by(Some(&session), &set) {
            Change::Login(s) | Change::Update(s) => s,
            Change::Keep => session,
        };
        let not_kept = self.client.log_in(session).await;
        *self.user_id.lock().await = Some((self.client.generation(), profile.user_id.clone()));
        Ok(CookieLogin {
            provider: ProviderId::Netease,
            profile: self.client.upstream().route_images(profile),
            error: not_kept,
        })
    }

    async fn restore_session(&self) -> Result<bool> {
        self.client.restore().await
    }

    async fn has_session(&self) -> bool {
        self.client.is_logged_in().await
    }

    async fn profile(&self) -> Result<Profile> {
        let had_session = self.client.is_logged_in().await;
        let generation = self.client.generation();
        let body = self.client.call(&endpoints::ACCOUNT, json!({})).await?;
        match parse::profile(&body)? {
            Some(profile) => {
                *self.user_id.lock().await = Some((generation, profile.user_id.clone()));
                Ok(self.client.upstream().route_images(profile))
            }
            None if had_session => Err(netease(Error::new(
                ErrorKind::SessionExpired,
                "the NetEase session has expired or was revoked; log in again",
            ))),
            None => Err(netease(Error::not_logged_in("log in to NetEase first"))),
        }
    }

    async fn logout(&self) -> Result<()> {
        *self.user_id.lock().await = None;
        // The service's logout needs the session's cookies, so it goes first; the whole logout
        // runs to its end even when the caller goes away (a dropped HTTP request), and the local
        // session goes whatever the service says.
        let client = self.client.clone();
        tokio::spawn(async move {
            if client.is_logged_in().await {
                let ended = client.call(&endpoints::LOGOUT, json!({})).await;
                if let Err(e) = ended {
                    tracing::warn!(
                        "NetEase logout call failed, wiping the local session anyway: {e}"
                    );
                }
            }
            client.forget().await
        })
        .await
        .map_err(|e| netease(Error::upstream(format!("the NetEase logout failed: {e}"))))?
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        let body = self
            .client
            .call(
                &endpoints::SEARCH,
                json!({
                    "s": query.q,
                    "type": search_type_code(query.kind),
                    "limit": query.page_size,
                    "offset": query.offset(),
                    "total": true,
                }),
            )
            .await?;
        let result = parse::search(&body, query.kind)?;
        let seen = query.offset() + result.items.len() as u64;
        Ok(self.client.upstream().route_images(SearchPage {
            provider: ProviderId::Netease,
            query: query.q.clone(),
            page: query.page,
            page_size: query.page_size,
            total: result.total,
            has_more: !result.items.is_empty() && seen < result.total,
            items: result.items,
        }))
    }

    async fn track(&self, id: &str) -> Result<Track> {
        check_id(id, "track")?;
        song_detail(&self.client, &[id.to_owned()])
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .map(|t| self.client.upstream().route_images(t))
            .ok_or_else(|| netease(Error::not_found(format!("NetEase has no track {id}"))))
    }

    async fn stream_url(&self, id: &str, quality: Quality) -> Result<StreamUrl> {
        check_id(id, "track")?;
        let body = self
            .client
            .call(
                &endpoints::SONG_URL,
                json!({
                    "ids": format!("[{id}]"),
                    "level": level(quality),
                    "encodeType": "flac",
                }),
            )
            .await?;
        let mut stream = parse::stream_url(&body, id, quality)?;
        let location = self
            .client
            .upstream()
            .stream_location(&stream.url, identity::STREAM_HOSTS)
            .map_err(netease)?;
        stream.url = location.url;
        stream.http_fallback_url = location.http_fallback;
        Ok(stream)
    }

    async fn lyrics(&self, id: &str) -> Result<Lyrics> {
        check_id(id, "track")?;
        let body = self
            .client
            .call(
                &endpoints::LYRIC,
                json!({
                    "id": id, "cp": false, "tv": 0, "lv": 0, "rv": 0, "kv": 0,
                    "yv": 0, "ytv": 0, "yrv": 0,
                }),
            )
            .await?;
        lyrics::lyrics(&body, id)
    }

    async fn playlist(&self, id: &str) -> Result<Playlist> {
        check_id(id, "playlist")?;
        let body = self
            .client
            .call(
                &endpoints::PLAYLIST_DETAIL,
                json!({ "id": id, "n": 100000, "s": 8 }),
            )
            .await?;
        let detail = parse::playlist_detail(&body)?;
        let mut playlist = detail.playlist;
        let mut known: std::collections::HashMap<String, Track> = detail
            .inline_tracks
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        let missing: Vec<String> = detail
            .track_ids
            .iter()
            .filter(|id| !known.contains_key(*id))
            .cloned()
            .collect();
        for track in self.tracks_by_id(&missing).await? {
            known.insert(track.id.clone(), track);
        }
        let tracks: Vec<Track> = detail
            .track_ids
            .iter()
            .filter_map(|id| known.remove(id))
            .collect();
        if tracks.len() < detail.track_ids.len() {
            tracks_missing_warning(id, detail.track_ids.len() - tracks.len());
        }
        playlist.track_count = playlist.track_count.max(tracks.len() as u64);
        playlist.tracks = Some(tracks);
        Ok(self.client.upstream().route_images(playlist))
    }

    async fn user_playlists(&self) -> Result<Vec<Playlist>> {
        let uid = self.current_user_id().await?;
        let mut all = Vec::new();
        let page_size = 100u64;
        // Bounded: 50 pages of 100 is far beyond any real library.
        for page in 0..50u64 {
            let body = self
                .client
                .call(
                    &endpoints::USER_PLAYLISTS,
                    json!({ "uid": uid, "limit": page_size, "offset": page * page_size, "includeVideo": true }),
                )
                .await?;
            let (playlists, more) = parse::user_playlists(&body)?;
            let got = playlists.len();
            all.extend(playlists);
            if !more || got == 0 {
                break;
            }
        }
        Ok(self.client.upstream().route_images(all))
    }

    async fn recommended_tracks(&self) -> Result<Vec<Track>> {
        // `afresh` (a new set for the day) is NCMA's switch, left out unless asked (§7.10); Duet
        // never asks.
        let body = self
            .client
            .call_or_before(
                (&endpoints::DAILY_SONGS, json!({})),
                (&endpoints::DAILY_SONGS_BEFORE, json!({})),
            )
            .await?;
        parse::recommended(&body).map(|t| self.client.upstream().route_images(t))
    }

    async fn comments(&self, track_id: &str, page: u32, page_size: u32) -> Result<CommentPage> {
        check_id(track_id, "track")?;
        if page == 0 || page_size == 0 || page_size > 100 {
            return Err(netease(Error::bad_request(
                "page starts at 1 and page_size is 1 to 100",
            )));
        }
        let thread = format!("R_SO_4_{track_id}");
        let offset = u64::from(page - 1) * u64::from(page_size);
        // weapi with NCMA's `rid` (the song id) and the `threadId` of chaunsin's capture (fidelity
        // row N11); the eapi form before it named the thread in `rid`.
        let body = self
            .client
            .call_or_before(
                (
                    &endpoints::COMMENTS.with_suffix(&thread),
                    json!({
                        "rid": track_id,
                        "threadId": thread,
                        "limit": page_size,
                        "offset": offset,
                        "beforeTime": 0,
                    }),
                ),
                (
                    &endpoints::COMMENTS_BEFORE.with_suffix(&thread),
                    json!({
                        "rid": thread,
                        "limit": page_size,
                        "offset": offset,
                        "beforeTime": 0,
                    }),
                ),
            )
            .await?;
        parse::comments(&body, track_id, page).map(|c| self.client.upstream().route_images(c))
    }

    async fn post_comment(
        &self,
        track_id: &str,
        content: &str,
        reply_to: Option<&str>,
    ) -> Result<Comment> {
        check_id(track_id, "track")?;
        if let Some(parent) = reply_to {
            check_id(parent, "comment")?;
        }
        let content = content.trim();
        if content.is_empty() {
            return Err(netease(Error::bad_request("the comment is empty")));
        }
        if content.chars().count() > MAX_COMMENT_CHARS {
            return Err(netease(Error::bad_request(format!(
                "comments are at most {MAX_COMMENT_CHARS} characters"
            ))));
        }
        let session = self.client.session();
        if session.is_logged_in() && session.csrf().is_empty() {
            // The web's writes echo the csrf cookie (§2.2); without it the service answers 301,
            // which would read as a dead session. A pasted bare MUSIC_U brings none.
            return Err(netease(Error::new(
                ErrorKind::Declined,
                "this NetEase login came without its __csrf cookie, which posting needs: paste \
                 the whole Cookie header of music.163.com, or log in with the QR code",
            )));
        }
        let thread = format!("R_SO_4_{track_id}");
        let (endpoint, params) = match reply_to {
            None => (
                &endpoints::COMMENT_ADD,
                json!({ "threadId": thread, "content": content }),
            ),
            Some(parent) => (
                &endpoints::COMMENT_REPLY,
                json!({ "threadId": thread, "content": content, "commentId": parent }),
            ),
        };
        // An anti-cheat demand is met with a verification, never a retry (fidelity row N12): the
        // endpoint is a write, made once, and -462 is read here to tell a demand from a block.
        let body = self
            .client
            .call_accepting(endpoint, params, &[REFUSED])
            .await?;
        if errors::code_of(&body) == Some(REFUSED) {
            return Err(errors::refused_write(&body));
        }
        parse::posted_comment(&body).map(|c| self.client.upstream().route_images(c))
    }

    async fn daily_checkin(&self) -> Result<CheckIn> {
        // type 1: the PC/web check-in (§7.9).
        let body = self
            .client
            .call_accepting(&endpoints::DAILY_TASK, json!({ "type": 1 }), &[-2])
            .await?;
        Ok(parse::checkin(&body))
    }

    // ---- Likes and your own playlists (crate::library) ------------------------------------

    async fn like(&self, track_id: &str, liked: bool) -> Result<()> {
        library::like(&self.client, track_id, liked).await
    }

    async fn liked_ids(&self) -> Result<Vec<String>> {
        let uid = self.current_user_id().await?;
        library::liked_ids(&self.client, &uid).await
    }

    async fn create_playlist(&self, name: &str) -> Result<Playlist> {
        library::create_playlist(&self.client, name)
            .await
            .map(|p| self.client.upstream().route_images(p))
    }

    async fn rename_playlist(&self, playlist_id: &str, name: &str) -> Result<()> {
        library::rename_playlist(&self.client, playlist_id, name).await
    }

    async fn delete_playlist(&self, playlist_id: &str) -> Result<()> {
        library::delete_playlist(&self.client, playlist_id).await
    }

    async fn add_to_playlist(&self, playlist_id: &str, track_ids: &[String]) -> Result<()> {
        library::change_tracks(&self.client, playlist_id, track_ids, true).await
    }

    async fn remove_from_playlist(&self, playlist_id: &str, track_ids: &[String]) -> Result<()> {
        library::change_tracks(&self.client, playlist_id, track_ids, false).await
    }

    async fn follow_playlist(&self, playlist_id: &str, follow: bool) -> Result<()> {
        library::follow_playlist(&self.client, playlist_id, follow).await
    }

    async fn album(&self, id: &str) -> Result<Album> {
        check_id(id, "album")?;
        let album = albums::album(&self.client, id).await?;
        Ok(self.client.upstream().route_images(album))
    }

    async fn artist(&self, id: &str) -> Result<ArtistPage> {
        check_id(id, "artist")?;
        let logged_in = self.client.is_logged_in().await;
        let page = albums::artist(&self.client, id, logged_in).await?;
        Ok(self.client.upstream().route_images(page))
    }

    async fn artist_albums(&self, id: &str, page: u32) -> Result<ArtistAlbums> {
        check_id(id, "artist")?;
        let albums = albums::artist_albums(&self.client, id, page).await?;
        Ok(self.client.upstream().route_images(albums))
    }

    // ---- podcasts (crate::podcasts) --------------------------------------------------------

    async fn subscribed_podcasts(&self) -> Result<Vec<Podcast>> {
        if !self.client.is_logged_in().await {
            return Err(netease(Error::not_logged_in(
                "log in to NetEase to see the podcasts you subscribe to",
            )));
        }
        let podcasts = podcasts::subscribed(&self.client).await?;
        Ok(self.client.upstream().route_images(podcasts))
    }

    async fn podcast(&self, id: &str) -> Result<Podcast> {
        check_id(id, "podcast")?;
        let podcast = podcasts::podcast(&self.client, id).await?;
        Ok(self.client.upstream().route_images(podcast))
    }

    async fn podcast_episodes(&self, id: &str, page: u32) -> Result<EpisodePage> {
        check_id(id, "podcast")?;
        let episodes = podcasts::episodes(&self.client, id, page).await?;
        Ok(self.client.upstream().route_images(episodes))
    }

    async fn subscribe_podcast(&self, id: &str, subscribe: bool) -> Result<()> {
        check_id(id, "podcast")?;
        podcasts::subscribe(&self.client, id, subscribe).await
    }

    // ---- Personal FM and heartbeat mode (crate::radio) -------------------------------------

    async fn personal_fm(&self) -> Result<Vec<Track>> {
        let tracks = radio::personal_fm(&self.client).await?;
        Ok(self.client.upstream().route_images(tracks))
    }

    async fn fm_trash(&self, track_id: &str) -> Result<()> {
        radio::fm_trash(&self.client, track_id).await
    }

    async fn heartbeat(&self, track_id: &str, playlist_id: &str) -> Result<Vec<Track>> {
        let tracks = radio::heartbeat(&self.client, track_id, playlist_id).await?;
        Ok(self.client.upstream().route_images(tracks))
    }

    async fn cloud_tracks(&self, page: u32) -> Result<duet_core::cloud::CloudPage> {
        let page = cloud::tracks(&self.client, page).await?;
        Ok(self.client.upstream().route_images(page))
    }

    async fn cloud_upload(
        &self,
        file: &duet_core::cloud::UploadFile,
        progress: duet_core::cloud::ProgressSink<'_>,
    ) -> Result<duet_core::cloud::CloudTrack> {
        let track = cloud::upload(&self.client, file, progress).await?;
        Ok(self.client.upstream().route_images(track))
    }

    async fn cloud_delete(&self, song_id: &str) -> Result<()> {
        cloud::delete(&self.client, song_id).await
    }
}

fn tracks_missing_warning(playlist: &str, missing: usize) {
    tracing::warn!(
        playlist,
        missing,
        "NetEase returned no detail for some playlist tracks"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_before_any_request() {
        assert!(check_id("347230", "track").is_ok());
        for bad in ["", "12a", "-1", "1 2", "99999999999999999999999", "１２"] {
            let error = check_id(bad, "track").unwrap_err();
            assert_eq!(error.kind, ErrorKind::BadRequest, "{bad:?}");
        }
        let long = "<script>".repeat(100);
        assert!(
            check_id(&long, "track")
                .unwrap_err()
                .message
                .chars()
                .count()
                < 120
        );
    }
}
