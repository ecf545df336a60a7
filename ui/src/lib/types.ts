// The model and the IPC payloads, as the UI names them. Every shape is generated from the Rust
// types into ./bindings.ts (see src-tauri/src/bindings.rs); this file only gives a few of them
// the UI's names and adds what is the UI's own.

import type { ProviderId, Repeat, SearchType } from './bindings';

export type {
  Album,
  AlbumRef,
  AppInfo,
  Artist,
  ArtistAlbums,
  ArtistPage,
  ArtistRef,
  CheckIn,
  Comment,
  CommentPage,
  CookieLogin,
  CoverColors,
  DeviceLost,
  DeviceLostAction,
  DesktopLyricsPrefs,
  DesktopLyricsSupport,
  EqPreset,
  EqSettings,
  DuetError,
  Episode,
  EpisodePage,
  EpisodeProgress,
  ErrorKind,
  LoginState,
  LyricLine,
  LyricLineChanged,
  LyricWord,
  Lyrics,
  MergedItems,
  MergedPage,
  MergedTrack,
  OutputDevice,
  Part,
  NowPlayingPrefs,
  PlaybackPrefs,
  NowPlayingStatus,
  PlayerPosition,
  PlayerSkipped,
  PlayerState,
  PlayerStatus,
  Playlist,
  Podcast,
  Prefs,
  Profile,
  QrLogin,
  QrMethod,
  QrState,
  SearchPage,
  SearchType,
  SessionState,
  SessionStatus,
  SoundPrefs,
  StoreKind,
  Track,
  TrialWindow,
  UserRef,
  WebLoginChanged,
  WebLoginState,
} from './bindings';
export {
  EQ_BAND_DB,
  EQ_BAND_LABELS,
  EQ_PREAMP_DB,
  EQ_PRESETS,
  ERROR_KINDS,
  SPEED_RANGE,
} from './bindings';

export type Provider = ProviderId;
export type RepeatMode = Repeat;

/** The search tabs, in the order the UI shows them. */
export const SEARCH_TYPES: readonly SearchType[] = ['track', 'album', 'artist', 'playlist'];
