//! The one trait every music service implements. Front ends (the Tauri app, `duet-server`) only
//! ever talk to `dyn Provider`; URLs, cookies and ciphers stay inside the provider crates.

use std::time::Duration;

use async_trait::async_trait;

use crate::cloud::{CloudPage, CloudTrack, ProgressSink, UploadFile};
use crate::cookies::{PastedCookies, WebLogin};
use crate::error::{Error, ErrorKind, Result};
use crate::model::*;
use crate::podcast::{EpisodePage, Podcast};

/// What the service hands out to start a QR login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrTicket {
    /// The provider's key for this login attempt; polls name it. Never a service secret.
    pub key: String,
    pub code: QrCode,
}

/// The code to put on screen.
#[derive(Clone, PartialEq, Eq)]
pub enum QrCode {
    /// What the QR encodes; Duet renders it (the phone app opens the URL).
    Url(String),
    /// The service's own picture of the code.
    Image { mime: String, bytes: Vec<u8> },
}

impl std::fmt::Debug for QrCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QrCode::Url(url) => f.debug_tuple("Url").field(url).finish(),
            QrCode::Image { mime, bytes } => write!(f, "Image({mime}, {} bytes)", bytes.len()),
        }
    }
}

/// One answer of the service to a QR poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrPoll {
    Waiting,
    /// Scanned, waiting for the tap on the phone. Some services name who scanned.
    Scanned {
        nickname: Option<String>,
    },
    /// Confirmed; the provider now holds the session, and has stored it unless `not_kept` says
    /// why not (a locked keychain: the login lasts until the app closes).
    Confirmed {
        not_kept: Option<Error>,
    },
    Expired,
}

/// How a service wants its QR polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrPolicy {
    /// The documented pace; never poll faster.
    pub poll_interval: Duration,
    /// How long the service keeps a code alive.
    pub lifetime: Duration,
}

#[async_trait]
pub trait Provider: Send + Sync + 'static {
    fn id(&self) -> ProviderId;

    fn qr_policy(&self) -> QrPolicy;
    /// The phone apps that can scan this service's codes; the first is the default.
    fn qr_methods(&self) -> &'static [QrMethod];
    /// The hosts the service's pictures (covers, avatars) come from, as
    /// [`hosts::matches`](crate::hosts::matches) patterns. The app fetches covers from these
    /// only, and its CSP names the same.
    fn image_hosts(&self) -> &'static [&'static str];
    /// Starts a QR login scanned with `method` (one of [`qr_methods`]).
    ///
    /// [`qr_methods`]: Provider::qr_methods
    async fn qr_start(&self, method: QrMethod) -> Result<QrTicket>;
    async fn qr_poll(&self, key: &str) -> Result<QrPoll>;

    /// The service's own web login page, when it has one Duet can read the session from.
    fn web_login(&self) -> Option<WebLogin> {
        None
    }
    /// Logs in with session cookies a person brought (pasted, or taken from [`web_login`]'s
    /// page): checked with the service first, and only then held and kept in the credential
    /// store, the way a confirmed QR login is. A paste without the session's cookies is
    /// `bad_request`; cookies the service does not accept are `session_expired`, and leave the
    /// session held before untouched.
    ///
    /// [`web_login`]: Provider::web_login
    async fn cookie_login(&self, cookies: &PastedCookies) -> Result<CookieLogin> {
        let _ = cookies;
        Err(Error::new(
            ErrorKind::Declined,
            format!("{} has no cookie login", self.id()),
        )
        .with_provider(self.id()))
    }

    /// Loads a stored session from the credential store. `Ok(false)`: there was none.
    async fn restore_session(&self) -> Result<bool>;
    /// Whether a session is held (not whether the service still accepts it: ask [`profile`]).
    ///
    /// [`profile`]: Provider::profile
    async fn has_session(&self) -> bool;
    /// The logged-in user; `not_logged_in` / `session_expired` when there is none.
    async fn profile(&self) -> Result<Profile>;
    /// Ends the session with the service (best effort) and wipes the stored credentials.
    async fn logout(&self) -> Result<()>;

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage>;
    async fn track(&self, id: &str) -> Result<Track>;
    async fn stream_url(&self, id: &str, quality: Quality) -> Result<StreamUrl>;
    async fn lyrics(&self, id: &str) -> Result<Lyrics>;
    /// A playlist with all of its tracks, however many.
    async fn playlist(&self, id: &str) -> Result<Playlist>;
    /// The logged-in user's playlists, created and subscribed, without tracks.
    async fn user_playlists(&self) -> Result<Vec<Playlist>>;
    async fn recommended_tracks(&self) -> Result<Vec<Track>>;
    /// `page` starts at 1.
    async fn comments(&self, track_id: &str, page: u32, page_size: u32) -> Result<CommentPage>;
    /// Posts `content` on the track, as a reply to the comment `reply_to` when given.
    async fn post_comment(
        &self,
        track_id: &str,
        content: &str,
        reply_to: Option<&str>,
    ) -> Result<Comment>;
    /// The daily check-in (签到). Only ever called because a person pressed a button.
    async fn daily_checkin(&self) -> Result<CheckIn>;

    // ---- Likes and your own playlists (issue 12, items 3–4) --------------------------------
    // Writes, each made once because a person acted: never retried, never called on a timer.
    // A refusal keeps the service's reason as its kind (`verification_required`,
    // `rate_limited`, `not_owner`, `not_found`, `risk_control`).

    /// Likes (`liked = true`) or unlikes the track `track_id`: NetEase's like list, QQ Music's
    /// "我喜欢". Liking a liked track (or unliking one that is not) is not an error.
    async fn like(&self, track_id: &str, liked: bool) -> Result<()> {
        let _ = (track_id, liked);
        Err(not_offered(self.id(), "likes"))
    }
    /// The ids of every track the account likes (the ids [`Track::id`] carries), newest first:
    /// one read for the whole set, so a list of tracks knows its hearts without a request per
    /// row.
    async fn liked_ids(&self) -> Result<Vec<String>> {
        Err(not_offered(self.id(), "likes"))
    }
    /// Creates a playlist named `name` (trimmed; see [`library::checked_playlist_name`]) and
    /// returns it, empty and without tracks.
    ///
    /// [`library::checked_playlist_name`]: crate::library::checked_playlist_name
    async fn create_playlist(&self, name: &str) -> Result<Playlist> {
        let _ = name;
        Err(not_offered(self.id(), "playlist writes"))
    }
    /// Renames one of the account's own playlists; someone else's is `not_owner`.
    async fn rename_playlist(&self, playlist_id: &str, name: &str) -> Result<()> {
        let _ = (playlist_id, name);
        Err(not_offered(self.id(), "playlist writes"))
    }
    /// Deletes one of the account's own playlists (not the liked songs); someone else's is
    /// `not_owner` (unfollow it instead).
    async fn delete_playlist(&self, playlist_id: &str) -> Result<()> {
        let _ = playlist_id;
        Err(not_offered(self.id(), "playlist writes"))
    }
    /// Adds `track_ids` (1 to [`library::MAX_TRACKS_PER_WRITE`], in one request) to one of the
    /// account's own playlists. Tracks already there are not added twice.
    ///
    /// [`library::MAX_TRACKS_PER_WRITE`]: crate::library::MAX_TRACKS_PER_WRITE
    async fn add_to_playlist(&self, playlist_id: &str, track_ids: &[String]) -> Result<()> {
        let _ = (playlist_id, track_ids);
        Err(not_offered(self.id(), "playlist writes"))
    }
    /// Removes `track_ids` (1 to [`library::MAX_TRACKS_PER_WRITE`]) from one of the account's
    /// own playlists.
    ///
    /// [`library::MAX_TRACKS_PER_WRITE`]: crate::library::MAX_TRACKS_PER_WRITE
    async fn remove_from_playlist(&self, playlist_id: &str, track_ids: &[String]) -> Result<()> {
        let _ = (playlist_id, track_ids);
        Err(not_offered(self.id(), "playlist writes"))
    }
    /// Follows (`true`, NetEase 收藏 / QQ Music 收藏歌单) or unfollows someone else's playlist;
    /// it then appears in (or leaves) [`user_playlists`]. The account's own is `not_owner`.
    ///
    /// [`user_playlists`]: Provider::user_playlists
    async fn follow_playlist(&self, playlist_id: &str, follow: bool) -> Result<()> {
        let _ = (playlist_id, follow);
        Err(not_offered(self.id(), "following playlists"))
    }

    // ---- albums and artists (issue 12, items 1–2) -------------------------------------------

    /// An album with its description and all of its tracks. A malformed id is `bad_request`
    /// (nothing is asked of the service); an id the service does not know is `not_found`.
    async fn album(&self, id: &str) -> Result<Album>;
    /// An artist's page: picture, description, top tracks and similar artists where the service
    /// has them. `bad_request` / `not_found` as for [`album`](Provider::album).
    async fn artist(&self, id: &str) -> Result<ArtistPage>;
    /// One page (from 1, [`ArtistAlbums::PAGE_SIZE`] albums) of an artist's albums.
    async fn artist_albums(&self, id: &str, page: u32) -> Result<ArtistAlbums>;

    // ---- podcasts (issue 14, item 2) ---------------------------------------------------------
    // Reads, and the subscribe write made once because a person acted. Nothing about listening
    // is ever reported to the service.

    /// The podcasts the account subscribes to, newest subscription first.
    async fn subscribed_podcasts(&self) -> Result<Vec<Podcast>> {
        Err(not_offered(self.id(), "podcasts"))
    }
    /// A podcast's page header. A malformed id is `bad_request` (nothing is asked of the
    /// service); an id the service does not know is `not_found`.
    async fn podcast(&self, id: &str) -> Result<Podcast> {
        let _ = id;
        Err(not_offered(self.id(), "podcasts"))
    }
    /// One page (from 1, [`EpisodePage::PAGE_SIZE`] episodes) of a podcast's episodes, newest
    /// first. `bad_request` / `not_found` as for [`podcast`](Provider::podcast).
    async fn podcast_episodes(&self, id: &str, page: u32) -> Result<EpisodePage> {
        let _ = (id, page);
        Err(not_offered(self.id(), "podcasts"))
    }
    /// Subscribes to (`true`) or unsubscribes from a podcast. Subscribing twice is not an error.
    async fn subscribe_podcast(&self, id: &str, subscribe: bool) -> Result<()> {
        let _ = (id, subscribe);
        Err(not_offered(self.id(), "podcasts"))
    }

    // ---- personal FM and heartbeat mode (issue 14, item 1) ----------------------------------
    // Reads, plus one write (`fm_trash`) made once because a person pressed "not interested".
    // Nothing here reports listening to the service.

    /// The next batch of the account's personal FM (NetEase 私人FM): a few tracks the service
    /// picks; ask again for more. Needs a login.
    async fn personal_fm(&self) -> Result<Vec<Track>> {
        Err(not_offered(self.id(), "personal FM"))
    }
    /// "Not interested": the service drops `track_id` from the personal FM for good. Made once,
    /// because a person pressed it.
    async fn fm_trash(&self, track_id: &str) -> Result<()> {
        let _ = track_id;
        Err(not_offered(self.id(), "personal FM"))
    }
    /// Heartbeat mode (NetEase 心动模式): the service's intelligence queue started from
    /// `track_id` of the playlist `playlist_id` (the liked songs): that track first, then
    /// songs like it mixed with the playlist's.
    async fn heartbeat(&self, track_id: &str, playlist_id: &str) -> Result<Vec<Track>> {
        let _ = (track_id, playlist_id);
        Err(not_offered(self.id(), "heartbeat mode"))
    }

    // ---- the cloud disk (issue 14, item 3) ----------------------------------------------------

    /// One page (from 1, [`CLOUD_PAGE_SIZE`](crate::cloud::CLOUD_PAGE_SIZE) uploads) of the account's cloud disk, newest
    /// first. Its tracks play through [`stream_url`](Provider::stream_url) like any other.
    async fn cloud_tracks(&self, page: u32) -> Result<CloudPage> {
        let _ = page;
        Err(not_offered(self.id(), "cloud disk"))
    }
    /// Uploads `file` to the cloud disk, reporting to `progress` as it goes, and returns the
    /// upload. Made once because a person chose the file, never retried: a file the cloud disk
    /// holds already is `already_exists`.
    async fn cloud_upload(
        &self,
        file: &UploadFile,
        progress: ProgressSink<'_>,
    ) -> Result<CloudTrack> {
        let _ = (file, progress);
        Err(not_offered(self.id(), "cloud disk"))
    }
    /// Deletes the upload `song_id` from the cloud disk, once, because a person asked (an id the
    /// cloud disk does not hold is the service's error).
    async fn cloud_delete(&self, song_id: &str) -> Result<()> {
        let _ = song_id;
        Err(not_offered(self.id(), "cloud disk"))
    }
}

fn not_offered(provider: ProviderId, what: &str) -> Error {
    Error::declined(format!("{provider} offers no {what} in Duet")).with_provider(provider)
}
