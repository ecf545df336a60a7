//! The data model of docs/design.md §2: the same JSON shapes in Tauri commands, events and `/v1`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ProviderId {
    Netease,
    Qq,
}

impl ProviderId {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderId::Netease => "netease",
            ProviderId::Qq => "qq",
        }
    }
}

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProviderId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "netease" => Ok(ProviderId::Netease),
            "qq" => Ok(ProviderId::Qq),
            other => Err(Error::bad_request(format!(
                "unknown provider {other:?}: expected \"netease\" or \"qq\""
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArtistRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AlbumRef {
    pub id: String,
    pub name: String,
    pub cover_url: Option<String>,
}

/// The part of a VIP track a non-VIP account may hear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrialWindow {
    pub start_ms: u64,
    pub end_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Track {
    pub provider: ProviderId,
    /// NetEase numeric id, QQ `songmid`; always a string.
    pub id: String,
    pub title: String,
    pub artists: Vec<ArtistRef>,
    pub album: AlbumRef,
    pub duration_ms: u64,
    pub playable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable_reason: Option<String>,
    pub vip: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial: Option<TrialWindow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserRef {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Playlist {
    pub provider: ProviderId,
    pub id: String,
    pub name: String,
    pub cover_url: Option<String>,
    pub creator: UserRef,
    pub track_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The account's own liked-songs list (NetEase "…喜欢的音乐", QQ Music "我喜欢").
    #[serde(default)]
    pub liked: bool,
    /// Present on a playlist's own page (all of them), absent in lists of playlists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracks: Option<Vec<Track>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Album {
    pub provider: ProviderId,
    pub id: String,
    pub name: String,
    pub cover_url: Option<String>,
    pub artists: Vec<ArtistRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at_ms: Option<i64>,
    /// The service's text about the album; only on the album's own page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Present on the album's own page (all of them, with the grey/VIP marks of playlists),
    /// absent in lists of albums.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracks: Option<Vec<Track>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Artist {
    pub provider: ProviderId,
    pub id: String,
    pub name: String,
    pub picture_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub album_count: Option<u64>,
}

/// An artist's own page: who they are, their most played tracks and, where the service has
/// them, artists like them. Their albums come a page at a time ([`ArtistAlbums`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArtistPage {
    pub provider: ProviderId,
    pub id: String,
    pub name: String,
    pub picture_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub album_count: Option<u64>,
    pub top_tracks: Vec<Track>,
    /// Empty when the service names none (or has no such list).
    pub similar: Vec<Artist>,
}

/// One page of an artist's albums, newest first. Pages start at 1 and hold
/// [`ArtistAlbums::PAGE_SIZE`] albums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArtistAlbums {
    pub provider: ProviderId,
    pub artist_id: String,
    pub page: u32,
    pub page_size: u32,
    /// The service's count of all the artist's albums.
    pub total: u64,
    pub has_more: bool,
    pub albums: Vec<Album>,
}

impl ArtistAlbums {
    pub const PAGE_SIZE: u32 = 30;
    /// Pages past this are refused: 100 pages of 30 is beyond any discography.
    pub const MAX_PAGE: u32 = 100;

    /// Checks a requested page number before anything is asked of a service.
    pub fn check_page(page: u32) -> Result<()> {
        if page == 0 || page > Self::MAX_PAGE {
            return Err(Error::bad_request(format!(
                "pages of an artist's albums go from 1 to {}",
                Self::MAX_PAGE
            )));
        }
        Ok(())
    }

    /// The offset of the first album of `page` (checked).
    pub fn offset(page: u32) -> u64 {
        u64::from(page.saturating_sub(1)) * u64::from(Self::PAGE_SIZE)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LyricWord {
    pub start_ms: u64,
    pub duration_ms: u64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LyricLine {
    pub start_ms: u64,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub romanized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<LyricWord>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Lyrics {
    pub provider: ProviderId,
    pub track_id: String,
    pub instrumental: bool,
    pub lines: Vec<LyricLine>,
    /// Where the lines came from when not from the service itself (LRCLIB, asked because the
    /// service had none); absent for the service's own lyrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::lyrics::LyricsSource>,
    /// Set when the service had no lines and the second source, asked for them, failed
    /// (unreachable, a bad answer): the page says so rather than only "no lyrics". A failure is
    /// not remembered, so the next ask tries again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_source_error: Option<Error>,
}

impl Lyrics {
    /// The index of the line being sung at `position_ms` (the last line that started), or `None`
    /// before the first, and always for untimed lines (plain lyrics from a second source).
    /// Lines are sorted by start.
    pub fn line_at(&self, position_ms: u64) -> Option<usize> {
        if self.source.is_some_and(|source| !source.synced) {
            return None;
        }
        self.lines
            .partition_point(|line| line.start_ms <= position_ms)
            .checked_sub(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Profile {
    pub provider: ProviderId,
    pub user_id: String,
    pub nickname: String,
    pub avatar_url: Option<String>,
    pub vip: bool,
}

/// A login by session cookies the service accepted (pasted, or from its web login page): who is
/// logged in, and, when the session could not be kept in the keychain, why (kind `keychain`:
/// it is held until the app closes, as a QR login's would be).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CookieLogin {
    pub provider: ProviderId,
    pub profile: Profile,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QrLogin {
    pub provider: ProviderId,
    pub method: QrMethod,
    pub key: String,
    /// What the QR encodes, when Duet knows it (NetEase's login URL); `None` when the service
    /// hands over an image (QQ, WeChat).
    pub qr_url: Option<String>,
    /// The image as a `data:` URI (`image/png`, or `image/jpeg` as WeChat serves it).
    pub qr_png: String,
    /// Seconds until the service forgets this code.
    pub expires_in_s: u64,
}

/// Which phone app scans the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum QrMethod {
    /// The service's own app (NetEase Cloud Music).
    App,
    /// Mobile QQ, for QQ Music.
    Qq,
    /// WeChat, for QQ Music.
    Wechat,
    /// The QQ Music app's own scanner, for QQ Music.
    #[serde(rename = "qqmusic")]
    QqMusic,
}

impl std::str::FromStr for QrMethod {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "app" => Ok(QrMethod::App),
            "qq" => Ok(QrMethod::Qq),
            "wechat" => Ok(QrMethod::Wechat),
            "qqmusic" => Ok(QrMethod::QqMusic),
            other => Err(Error::bad_request(format!(
                "unknown QR login method {other:?}: expected app, qq, wechat or qqmusic"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum QrState {
    Waiting,
    Scanned,
    Confirmed,
    Expired,
    Failed,
}

impl QrState {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            QrState::Confirmed | QrState::Expired | QrState::Failed
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoginState {
    pub provider: ProviderId,
    pub method: QrMethod,
    pub key: String,
    pub state: QrState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The typed error behind a `failed` state; on `confirmed`, why the session was not kept in
    /// the keychain (kind `keychain`: the login lasts until the app closes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// 128 kbps.
    Standard,
    /// 320 kbps.
    High,
    Lossless,
    Hires,
}

impl std::str::FromStr for Quality {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "standard" => Ok(Quality::Standard),
            "high" => Ok(Quality::High),
            "lossless" => Ok(Quality::Lossless),
            "hires" => Ok(Quality::Hires),
            other => Err(Error::bad_request(format!(
                "unknown quality {other:?}: expected standard, high, lossless or hires"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamUrl {
    pub provider: ProviderId,
    pub track_id: String,
    pub url: String,
    pub quality: Quality,
    /// `mp3`, `flac`, `m4a`, …
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitrate: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Unix seconds after which the URL stops working.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial: Option<TrialWindow>,
    /// The same file over plain http, for when TLS to `url` fails: set when Duet upgraded the
    /// service's http URL of a known audio CDN to https. Never use it otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_fallback_url: Option<String>,
    /// How loud the service measured the track, for volume normalisation (NetEase's `gain` and
    /// `peak`); `None` when the service did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loudness: Option<Loudness>,
}

/// A track's loudness as its service measured it: the gain (in dB, ReplayGain-style) that brings
/// it to the service's reference loudness, and its sample peak (1.0 = full scale).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Loudness {
    gain_db: f32,
    peak: f32,
}

// Both values are finite: `new` refuses anything else, and JSON cannot carry NaN.
impl Eq for Loudness {}

impl Loudness {
    /// `None` unless both are plausible: a gain within ±30 dB, a peak above 0 (services send a
    /// peak of 0 for tracks they have not measured) and at most 4 (+12 dBFS).
    pub fn new(gain_db: f32, peak: f32) -> Option<Self> {
        let plausible = gain_db.is_finite()
            && gain_db.abs() <= 30.0
            && peak.is_finite()
            && peak > 0.0
            && peak <= 4.0;
        plausible.then_some(Self { gain_db, peak })
    }

    pub fn gain_db(&self) -> f32 {
        self.gain_db
    }

    pub fn peak(&self) -> f32 {
        self.peak
    }

    /// The linear factor that normalises the track, held down so its peak does not clip.
    pub fn factor(&self) -> f32 {
        let factor = 10f32.powf(self.gain_db / 20.0);
        factor.min(1.0 / self.peak)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum SearchType {
    Track,
    Album,
    Artist,
    Playlist,
}

impl std::str::FromStr for SearchType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "track" => Ok(SearchType::Track),
            "album" => Ok(SearchType::Album),
            "artist" => Ok(SearchType::Artist),
            "playlist" => Ok(SearchType::Playlist),
            other => Err(Error::bad_request(format!(
                "unknown search type {other:?}: expected track, album, artist or playlist"
            ))),
        }
    }
}

/// A validated search request. Pages start at 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub q: String,
    #[serde(rename = "type")]
    pub kind: SearchType,
    pub page: u32,
    pub page_size: u32,
}

impl SearchQuery {
    pub const MAX_PAGE_SIZE: u32 = 100;
    /// The longest query (in characters) a search takes.
    pub const MAX_QUERY_CHARS: usize = 200;

    pub fn new(q: &str, kind: SearchType, page: u32, page_size: u32) -> Result<Self> {
        let q = q.trim();
        if q.is_empty() {
            return Err(Error::bad_request("the search query is empty"));
        }
        if q.chars().count() > Self::MAX_QUERY_CHARS {
            return Err(Error::bad_request(format!(
                "the search query is longer than {} characters",
                Self::MAX_QUERY_CHARS
            )));
        }
        if page == 0 {
            return Err(Error::bad_request("pages start at 1"));
        }
        if page_size == 0 || page_size > Self::MAX_PAGE_SIZE {
            return Err(Error::bad_request(format!(
                "page_size must be between 1 and {}",
                Self::MAX_PAGE_SIZE
            )));
        }
        Ok(Self {
            q: q.to_owned(),
            kind,
            page,
            page_size,
        })
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "items", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum SearchItems {
    Track(Vec<Track>),
    Album(Vec<Album>),
    Artist(Vec<Artist>),
    Playlist(Vec<Playlist>),
}

impl SearchItems {
    pub fn len(&self) -> usize {
        match self {
            SearchItems::Track(v) => v.len(),
            SearchItems::Album(v) => v.len(),
            SearchItems::Artist(v) => v.len(),
            SearchItems::Playlist(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchPage {
    pub provider: ProviderId,
    pub query: String,
    pub page: u32,
    pub page_size: u32,
    /// The service's count of all matches.
    pub total: u64,
    pub has_more: bool,
    #[serde(flatten)]
    pub items: SearchItems,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Comment {
    pub id: String,
    pub user: UserRef,
    pub content: String,
    pub time_ms: i64,
    pub liked_count: u64,
    /// The comment this one answers, quoted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replied_to: Option<Box<Comment>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommentPage {
    pub provider: ProviderId,
    pub track_id: String,
    pub page: u32,
    pub total: u64,
    pub has_more: bool,
    /// The most liked comments; only on the first page.
    pub hot: Vec<Comment>,
    pub comments: Vec<Comment>,
}

/// The result of pressing the daily check-in (签到) button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckIn {
    pub provider: ProviderId,
    /// The service already counted today's check-in.
    pub already_done: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    pub message: String,
}

/// Visits every image URL (covers, avatars, artist pictures) a value carries, so a provider can
/// route them (`DUET_UPSTREAM`) or upgrade them to https in one place.
pub trait ImageUrls {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String));
}

fn visit_option(url: &mut Option<String>, f: &mut dyn FnMut(&mut String)) {
    if let Some(url) = url {
        f(url);
    }
}

impl<T: ImageUrls> ImageUrls for Vec<T> {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        for item in self {
            item.visit_image_urls(f);
        }
    }
}

impl<T: ImageUrls> ImageUrls for Option<T> {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let Some(item) = self {
            item.visit_image_urls(f);
        }
    }
}

impl ImageUrls for Track {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        visit_option(&mut self.album.cover_url, f);
    }
}

impl ImageUrls for UserRef {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        visit_option(&mut self.avatar_url, f);
    }
}

impl ImageUrls for Playlist {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        visit_option(&mut self.cover_url, f);
        self.creator.visit_image_urls(f);
        self.tracks.visit_image_urls(f);
    }
}

impl ImageUrls for Album {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        visit_option(&mut self.cover_url, f);
        self.tracks.visit_image_urls(f);
    }
}

impl ImageUrls for ArtistPage {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        visit_option(&mut self.picture_url, f);
        self.top_tracks.visit_image_urls(f);
        self.similar.visit_image_urls(f);
    }
}

impl ImageUrls for ArtistAlbums {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.albums.visit_image_urls(f);
    }
}

impl ImageUrls for Artist {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        visit_option(&mut self.picture_url, f);
    }
}

impl ImageUrls for Profile {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        visit_option(&mut self.avatar_url, f);
    }
}

impl ImageUrls for Comment {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.user.visit_image_urls(f);
        if let Some(parent) = &mut self.replied_to {
            parent.visit_image_urls(f);
        }
    }
}

impl ImageUrls for CommentPage {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.hot.visit_image_urls(f);
        self.comments.visit_image_urls(f);
    }
}

impl ImageUrls for SearchPage {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        match &mut self.items {
            SearchItems::Track(v) => v.visit_image_urls(f),
            SearchItems::Album(v) => v.visit_image_urls(f),
            SearchItems::Artist(v) => v.visit_image_urls(f),
            SearchItems::Playlist(v) => v.visit_image_urls(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loudness_is_plausible_or_none_and_its_factor_never_clips() {
        let quiet = Loudness::new(-6.0, 1.0).unwrap();
        assert!((quiet.factor() - 0.501_187).abs() < 1e-5);
        // +6 dB would lift a peak of 0.8 to 1.6: held at 1/0.8.
        assert_eq!(Loudness::new(6.0, 0.8).unwrap().factor(), 1.25);
        for (gain, peak) in [
            (-0.0002, 0.0),
            (f32::NAN, 1.0),
            (-6.0, f32::INFINITY),
            (45.0, 1.0),
            (-6.0, -1.0),
        ] {
            assert_eq!(Loudness::new(gain, peak), None, "{gain} {peak}");
        }
    }

    #[test]
    fn search_query_rejects_bad_input() {
        assert_eq!(
            SearchQuery::new("   ", SearchType::Track, 1, 30)
                .unwrap_err()
                .kind,
            crate::ErrorKind::BadRequest
        );
        assert!(SearchQuery::new("x", SearchType::Track, 0, 30).is_err());
        assert!(SearchQuery::new("x", SearchType::Track, 1, 0).is_err());
        assert!(SearchQuery::new("x", SearchType::Track, 1, 101).is_err());
        let q = SearchQuery::new(" 周杰伦 ", SearchType::Album, 3, 20).unwrap();
        assert_eq!(q.q, "周杰伦");
        assert_eq!(q.offset(), 40);
    }

    #[test]
    fn search_page_json_shape() {
        let page = SearchPage {
            provider: ProviderId::Netease,
            query: "a".into(),
            page: 1,
            page_size: 10,
            total: 0,
            has_more: false,
            items: SearchItems::Artist(vec![]),
        };
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(json["type"], "artist");
        assert_eq!(json["items"], serde_json::json!([]));
        assert_eq!(json["provider"], "netease");
    }

    #[test]
    fn artist_album_pages_are_checked() {
        assert_eq!(
            ArtistAlbums::check_page(0).unwrap_err().kind,
            crate::ErrorKind::BadRequest
        );
        assert!(ArtistAlbums::check_page(ArtistAlbums::MAX_PAGE + 1).is_err());
        assert!(ArtistAlbums::check_page(1).is_ok());
        assert_eq!(ArtistAlbums::offset(1), 0);
        assert_eq!(ArtistAlbums::offset(3), 60);
    }

    #[test]
    fn the_current_lyric_line() {
        let line = |start_ms| LyricLine {
            start_ms,
            text: String::new(),
            translation: None,
            romanized: None,
            words: None,
        };
        let lyrics = Lyrics {
            provider: ProviderId::Netease,
            track_id: "1".into(),
            instrumental: false,
            lines: vec![line(1000), line(2000), line(2000), line(5000)],
            source: None,
            second_source_error: None,
        };
        assert_eq!(lyrics.line_at(0), None);
        assert_eq!(lyrics.line_at(1000), Some(0));
        assert_eq!(lyrics.line_at(2500), Some(2));
        assert_eq!(lyrics.line_at(u64::MAX), Some(3));
        let site = crate::lyrics::LyricsSite::Lrclib;
        let timed = Lyrics {
            source: Some(crate::lyrics::LyricsSource { site, synced: true }),
            ..lyrics.clone()
        };
        assert_eq!(timed.line_at(2500), Some(2));
        let untimed = Lyrics {
            source: Some(crate::lyrics::LyricsSource {
                site,
                synced: false,
            }),
            ..lyrics
        };
        assert_eq!(untimed.line_at(2500), None, "plain lines are not followed");
    }

    #[test]
    fn enums_parse_from_query_strings() {
        assert_eq!("hires".parse::<Quality>().unwrap(), Quality::Hires);
        assert!("ultra".parse::<Quality>().is_err());
        assert_eq!("qq".parse::<ProviderId>().unwrap(), ProviderId::Qq);
        assert!("spotify".parse::<ProviderId>().is_err());
        assert_eq!(
            "playlist".parse::<SearchType>().unwrap(),
            SearchType::Playlist
        );
    }
}
