// TypeScript mirrors of crates/duet-core/src/model.rs and docs/desktop-ipc.md.
// JSON is snake_case; optional Rust fields (`skip_serializing_if`) are optional here, and
// `Option<T>` fields that are always serialised are `T | null`.

export type Provider = 'netease' | 'qq';

export type ErrorKind =
  | 'not_logged_in'
  | 'session_expired'
  | 'risk_control'
  | 'verification_required'
  | 'rate_limited'
  | 'not_found'
  | 'unavailable'
  | 'bad_request'
  | 'upstream'
  | 'network'
  | 'declined'
  | 'keychain'
  | 'forbidden'
  | 'unsupported_media_type';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'not_logged_in',
  'session_expired',
  'risk_control',
  'verification_required',
  'rate_limited',
  'not_found',
  'unavailable',
  'bad_request',
  'upstream',
  'network',
  'declined',
  'keychain',
  'forbidden',
  'unsupported_media_type',
];

/** `duet_core::Error`: what every command rejects with. */
export interface DuetError {
  kind: ErrorKind;
  message: string;
  provider?: Provider;
  upstream_code?: number;
}

export interface ArtistRef {
  id: string;
  name: string;
}

export interface AlbumRef {
  id: string;
  name: string;
  cover_url: string | null;
}

export interface TrialWindow {
  start_ms: number;
  end_ms: number;
}

export interface Track {
  provider: Provider;
  id: string;
  title: string;
  artists: ArtistRef[];
  album: AlbumRef;
  duration_ms: number;
  playable: boolean;
  unavailable_reason?: string;
  vip: boolean;
  trial?: TrialWindow;
}

export interface UserRef {
  id: string;
  name: string;
  avatar_url?: string;
}

export interface Playlist {
  provider: Provider;
  id: string;
  name: string;
  cover_url: string | null;
  creator: UserRef;
  track_count: number;
  description?: string;
  /** The account's own liked-songs list (NetEase "…喜欢的音乐", QQ Music "我喜欢"). */
  liked?: boolean;
  /** Present on a playlist's own page (all of them), absent in lists of playlists. */
  tracks?: Track[];
}

export interface Album {
  provider: Provider;
  id: string;
  name: string;
  cover_url: string | null;
  artists: ArtistRef[];
  track_count?: number;
  published_at_ms?: number;
}

export interface Artist {
  provider: Provider;
  id: string;
  name: string;
  picture_url: string | null;
  album_count?: number;
}

export interface LyricWord {
  start_ms: number;
  duration_ms: number;
  text: string;
}

export interface LyricLine {
  start_ms: number;
  text: string;
  translation?: string;
  romanized?: string;
  words?: LyricWord[];
}

export interface Lyrics {
  provider: Provider;
  track_id: string;
  instrumental: boolean;
  lines: LyricLine[];
}

export interface Profile {
  provider: Provider;
  user_id: string;
  nickname: string;
  avatar_url: string | null;
  vip: boolean;
}

/**
 * Which phone app scans a login QR: `app` the service's own app (NetEase's only method), `qq`
 * mobile QQ and `wechat` WeChat (both for QQ Music).
 */
export type QrMethod = 'app' | 'qq' | 'wechat';

export interface QrLogin {
  provider: Provider;
  method: QrMethod;
  key: string;
  /** What the QR encodes when Duet knows it (NetEase's login URL); null for QQ and WeChat. */
  qr_url: string | null;
  /** The image as a `data:` URI: `data:image/png;…`, or `data:image/jpeg;…` (WeChat). */
  qr_png: string;
  /** Seconds until the service forgets this code. */
  expires_in_s: number;
}

export type QrState = 'waiting' | 'scanned' | 'confirmed' | 'expired' | 'failed';

/** The `login-state` event: matched to its QR by provider, method and key. */
export interface LoginState {
  provider: Provider;
  method: QrMethod;
  key: string;
  state: QrState;
  profile?: Profile;
  message?: string;
  error?: DuetError;
}

export type SearchType = 'track' | 'album' | 'artist' | 'playlist';
export const SEARCH_TYPES: readonly SearchType[] = ['track', 'album', 'artist', 'playlist'];

interface SearchPageBase {
  provider: Provider;
  query: string;
  page: number;
  page_size: number;
  /** The service's count of all matches. */
  total: number;
  has_more: boolean;
}

/** `SearchItems` is `#[serde(tag = "type", content = "items")]`, flattened into the page. */
export type SearchPage =
  | (SearchPageBase & { type: 'track'; items: Track[] })
  | (SearchPageBase & { type: 'album'; items: Album[] })
  | (SearchPageBase & { type: 'artist'; items: Artist[] })
  | (SearchPageBase & { type: 'playlist'; items: Playlist[] });

export interface Comment {
  id: string;
  user: UserRef;
  content: string;
  time_ms: number;
  liked_count: number;
  replied_to?: Comment;
}

export interface CommentPage {
  provider: Provider;
  track_id: string;
  page: number;
  total: number;
  has_more: boolean;
  /** The most liked comments; only on the first page. */
  hot: Comment[];
  comments: Comment[];
}

export interface CheckIn {
  provider: Provider;
  already_done: boolean;
  points?: number;
  message: string;
}

// ---- desktop-only shapes (docs/desktop-ipc.md) ----

export interface AppInfo {
  version: string;
  providers: Provider[];
  /** `locked`: the OS keychain is there but locked; `keychain_retry` looks again once unlocked. */
  keychain: 'os' | 'locked' | 'memory';
  keychain_message?: string;
  demo: boolean;
  /** With `demo`: the loopback test upstream every request goes to (`DUET_UPSTREAM`). */
  upstream?: string;
}

export type SessionState = 'logged_in' | 'logged_out' | 'expired' | 'unavailable';

export interface SessionStatus {
  provider: Provider;
  state: SessionState;
  profile?: Profile;
  error?: DuetError;
}

export interface CoverColors {
  background: string;
  accent: string;
  text: string;
}

export type PlayerStatus = 'idle' | 'loading' | 'playing' | 'paused' | 'ended';
export type RepeatMode = 'off' | 'all' | 'one';

export interface PlayerState {
  status: PlayerStatus;
  /** The tracks themselves: `player_queue`. */
  queue_length: number;
  index: number | null;
  track: Track | null;
  position_ms: number;
  duration_ms: number;
  volume: number;
  repeat: RepeatMode;
  shuffle: boolean;
  trial: TrialWindow | null;
  output: 'device' | 'null';
  error: DuetError | null;
  /** The song streams over plain HTTP because TLS to its CDN failed (say so). */
  http_fallback: boolean;
}

export interface PlayerPosition {
  position_ms: number;
  duration_ms: number;
}

export interface LyricLineEvent {
  track_id: string;
  index: number;
}

export interface PlayerSkipped {
  track: Track;
  reason: string;
}

/** Event names and payloads (src-tauri/src/events.rs). */
export interface EventMap {
  'login-state': LoginState;
  'session-changed': SessionStatus;
  'player-state': PlayerState;
  'player-position': PlayerPosition;
  'lyric-line': LyricLineEvent;
  'player-skipped': PlayerSkipped;
  error: DuetError;
}

export type EventName = keyof EventMap;
