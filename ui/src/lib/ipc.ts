// The one place that talks to the Rust side: the generated commands and events of ./bindings.ts
// (src-tauri/src/bindings.rs) under the names the components use. Every rejection comes out as
// a `DuetError`.

import { Channel } from '@tauri-apps/api/core';
import { commands, events, ERROR_KINDS } from './bindings';
import type {
  DuetError,
  ErrorKind,
  MergedPage,
  Prefs,
  Provider,
  QrMethod,
  RepeatMode,
  SearchType,
  Track,
} from './types';
import type { UploadProgress } from './bindings';

function isKind(v: unknown): v is ErrorKind {
  return typeof v === 'string' && (ERROR_KINDS as readonly string[]).includes(v);
}

/** Turns whatever a rejection carries into the `{kind, message, provider?, upstream_code?}` object. */
export function normalizeError(raw: unknown): DuetError {
  if (raw && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    if ('error' in o && o.error && typeof o.error === 'object' && !('kind' in o)) {
      return normalizeError(o.error);
    }
    if (isKind(o.kind)) {
      const e: DuetError = {
        kind: o.kind,
        message: typeof o.message === 'string' ? o.message : '',
      };
      if (o.provider === 'netease' || o.provider === 'qq') e.provider = o.provider;
      if (typeof o.upstream_code === 'number') e.upstream_code = o.upstream_code;
      return e;
    }
    if (raw instanceof Error) {
      return { kind: 'upstream', message: raw.message };
    }
    if (typeof o.message === 'string') return { kind: 'upstream', message: o.message };
  }
  if (typeof raw === 'string') {
    // Tauri's own failures (bad arguments, unknown command) arrive as plain strings.
    const kind: ErrorKind = /invalid args|missing required|invalid type/i.test(raw)
      ? 'bad_request'
      : 'upstream';
    return { kind, message: raw };
  }
  return { kind: 'upstream', message: String(raw) };
}

type ExpiredHook = (error: DuetError) => void;
const expiredHooks: ExpiredHook[] = [];

/** Called whenever any command rejects with `session_expired`. */
export function onSessionExpired(hook: ExpiredHook): () => void {
  expiredHooks.push(hook);
  return () => {
    const i = expiredHooks.indexOf(hook);
    if (i >= 0) expiredHooks.splice(i, 1);
  };
}

/**
 * Tells the app a session died as a rejected command does: for a failure that arrives inside an
 * answer (a service's part of a merged search).
 */
export function reportSessionExpired(error: DuetError): void {
  if (error.kind !== 'session_expired') return;
  for (const hook of [...expiredHooks]) hook(error);
}

async function call<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (raw) {
    const error = normalizeError(raw);
    reportSessionExpired(error);
    throw error;
  }
}

type Commands = typeof commands;

/**
 * Every generated command under its Rust name, rejecting with a `DuetError`. A command added in
 * Rust is callable here (`ipc.its_name(…)`) as soon as the bindings are regenerated, with nothing
 * written by hand; `api` below gives the common ones the names and defaults the components use.
 */
export const ipc = Object.fromEntries(
  Object.entries(commands).map(([name, command]) => [
    name,
    (...args: unknown[]) => call((command as (...args: unknown[]) => Promise<unknown>)(...args)),
  ]),
) as { [K in keyof Commands]: (...args: Parameters<Commands[K]>) => ReturnType<Commands[K]> };

export const api = {
  appInfo: () => ipc.app_info(),
  sessionRestore: () => ipc.session_restore(),
  /** The person unlocked the keychain: look again (then `sessionRestore`). */
  keychainRetry: () => ipc.keychain_retry(),
  /** The UI always names the method (`app` for NetEase; `qq` or `wechat` for QQ Music). */
  loginQrStart: (provider: Provider, method: QrMethod) => ipc.login_qr_start(provider, method),
  /** Without `method`: every unfinished login of `provider`. */
  loginQrCancel: (provider: Provider, method?: QrMethod) =>
    ipc.login_qr_cancel(provider, method ?? null),
  /** A session cookie the person pasted, checked with the service before it is kept. */
  loginCookie: (provider: Provider, cookie: string) => ipc.login_cookie(provider, cookie),
  /** The service's own web login page, in a window of its own (`web_login` events follow). */
  loginWebOpen: (provider: Provider) => ipc.login_web_open(provider),
  loginWebClose: (provider: Provider) => ipc.login_web_close(provider),
  logout: (provider: Provider) => ipc.logout(provider),
  profile: (provider: Provider) => ipc.profile(provider),
  userPlaylists: (provider: Provider) => ipc.user_playlists(provider),
  playlist: (provider: Provider, id: string) => ipc.playlist(provider, id),
  search: (provider: Provider, q: string, type: SearchType, page: number, pageSize: number) =>
    ipc.search(provider, q, type, page, pageSize),
  /**
   * One search across `services` (those signed in), merged in Rust: `onUpdate` gets the merged
   * page so far each time a service answers (the fast one's results first); the promise, the last.
   */
  searchAll: (
    services: Provider[],
    q: string,
    type: SearchType,
    page: number,
    pageSize: number,
    onUpdate: (page: MergedPage) => void,
  ) => {
    const channel = new Channel<MergedPage>();
    channel.onmessage = onUpdate;
    return ipc.search_all(services, q, type, page, pageSize, channel);
  },
  recommendedTracks: (provider: Provider) => ipc.recommended_tracks(provider),
  lyrics: (provider: Provider, trackId: string) => ipc.lyrics(provider, trackId),
  comments: (provider: Provider, trackId: string, page: number, pageSize: number) =>
    ipc.comments(provider, trackId, page, pageSize),
  /** `replyTo`: the id of the comment this one answers (only for a reply). */
  postComment: (provider: Provider, trackId: string, content: string, replyTo?: string) =>
    ipc.post_comment(provider, trackId, content, replyTo ?? null),
  dailyCheckin: (provider: Provider) => ipc.daily_checkin(provider),
  coverColors: (url: string) => ipc.cover_colors(url),
  // Likes and the account's own playlists: writes, each because the person acted.
  likedIds: (provider: Provider) => ipc.liked_ids(provider),
  likeTrack: (provider: Provider, trackId: string, liked: boolean) =>
    ipc.like_track(provider, trackId, liked),
  playlistCreate: (provider: Provider, name: string) => ipc.playlist_create(provider, name),
  playlistRename: (provider: Provider, id: string, name: string) =>
    ipc.playlist_rename(provider, id, name),
  playlistDelete: (provider: Provider, id: string) => ipc.playlist_delete(provider, id),
  playlistAddTracks: (provider: Provider, id: string, trackIds: string[]) =>
    ipc.playlist_add_tracks(provider, id, trackIds),
  playlistRemoveTracks: (provider: Provider, id: string, trackIds: string[]) =>
    ipc.playlist_remove_tracks(provider, id, trackIds),
  playlistFollow: (provider: Provider, id: string, follow: boolean) =>
    ipc.playlist_follow(provider, id, follow),

  // The cloud disk (云盘): the upload is the person's choice of a file in the native dialog.
  cloudTracks: (provider: Provider, page: number) => ipc.cloud_tracks(provider, page),
  cloudSearch: (provider: Provider, q: string) => ipc.cloud_search(provider, q),
  cloudDelete: (provider: Provider, trackId: string) => ipc.cloud_delete(provider, trackId),
  /** Opens the file dialog and uploads the chosen file; `null` when none was chosen. */
  cloudUpload: (provider: Provider, onProgress: (p: UploadProgress) => void) => {
    const channel = new Channel<UploadProgress>();
    channel.onmessage = onProgress;
    return ipc.cloud_upload(provider, channel);
  },

  playerPlay: (tracks: Track[], startIndex: number) => ipc.player_play(tracks, startIndex),
  playerEnqueue: (tracks: Track[]) => ipc.player_enqueue(tracks),
  playerToggle: () => ipc.player_toggle(),
  playerNext: () => ipc.player_next(),
  playerPrevious: () => ipc.player_previous(),
  playerJump: (index: number) => ipc.player_jump(index),
  playerPlayNext: (tracks: Track[]) => ipc.player_play_next(tracks),
  playerRemove: (index: number) => ipc.player_remove(index),
  playerMove: (from: number, to: number) => ipc.player_move(from, to),
  playerClearQueue: () => ipc.player_clear_queue(),
  playerSeek: (positionMs: number) => ipc.player_seek(Math.max(0, Math.round(positionMs))),
  playerSetVolume: (volume: number) => ipc.player_set_volume(Math.min(1, Math.max(0, volume))),
  playerSetMode: (repeat: RepeatMode, shuffle: boolean) => ipc.player_set_mode(repeat, shuffle),
  playerState: () => ipc.player_state(),
  playerKeepOriginal: () => ipc.player_keep_original(),
  /** The queue itself, in queue order (states carry only `queue_length`). */
  playerQueue: () => ipc.player_queue(),
  /** The desktop preferences the Rust side acts on (src-tauri/src/prefs.rs). */
  prefsGet: () => ipc.prefs_get(),
  prefsSet: (next: Prefs) => ipc.prefs_set(next),
  /** The output devices for the sound settings, the system's default marked. */
  soundDevices: () => ipc.sound_devices(),
  /** The media controls and the now-playing feed: what runs, the feed's URL, what failed. */
  nowPlayingStatus: () => ipc.now_playing_status(),
};

/** The events of ./bindings.ts, by their accessor (`login_state` for `login-state`, …). */
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = Parameters<
  Parameters<(typeof events)[E]['listen']>[0]
>[0]['payload'];

/** Subscribes to one of the generated events; resolves to the unsubscribe function. */
export async function on<E extends EventName>(
  name: E,
  handler: (payload: EventPayload<E>) => void,
): Promise<() => void> {
  const listen = events[name].listen as (
    cb: (event: { payload: EventPayload<E> }) => void,
  ) => Promise<() => void>;
  const unlisten = await listen((event) => handler(event.payload));
  return () => {
    void unlisten();
  };
}
