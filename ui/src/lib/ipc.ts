// The one place that talks to the Rust side: typed wrappers over the commands and events of
// docs/desktop-ipc.md. Every rejection comes out as a `DuetError`.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import {
  ERROR_KINDS,
  type AppInfo,
  type CheckIn,
  type Comment,
  type CommentPage,
  type CoverColors,
  type DuetError,
  type ErrorKind,
  type EventMap,
  type EventName,
  type Lyrics,
  type PlayerState,
  type Playlist,
  type Profile,
  type Provider,
  type QrLogin,
  type QrMethod,
  type RepeatMode,
  type SearchPage,
  type SearchType,
  type SessionStatus,
  type Track,
} from './types';

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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (raw) {
    const error = normalizeError(raw);
    if (error.kind === 'session_expired') {
      for (const hook of [...expiredHooks]) hook(error);
    }
    throw error;
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  sessionRestore: () => call<SessionStatus[]>('session_restore'),
  /** The person unlocked the keychain: look again (then `sessionRestore`). */
  keychainRetry: () => call<AppInfo>('keychain_retry'),
  /** The UI always names the method (`app` for NetEase; `qq` or `wechat` for QQ Music). */
  loginQrStart: (provider: Provider, method: QrMethod) =>
    call<QrLogin>('login_qr_start', { provider, method }),
  /** Without `method`: every unfinished login of `provider`. */
  loginQrCancel: (provider: Provider, method?: QrMethod) =>
    call<null>('login_qr_cancel', method ? { provider, method } : { provider }),
  logout: (provider: Provider) => call<null>('logout', { provider }),
  profile: (provider: Provider) => call<Profile>('profile', { provider }),
  userPlaylists: (provider: Provider) => call<Playlist[]>('user_playlists', { provider }),
  playlist: (provider: Provider, id: string) => call<Playlist>('playlist', { provider, id }),
  search: (provider: Provider, q: string, type: SearchType, page: number, page_size: number) =>
    call<SearchPage>('search', { provider, q, type, page, page_size }),
  recommendedTracks: (provider: Provider) => call<Track[]>('recommended_tracks', { provider }),
  lyrics: (provider: Provider, track_id: string) => call<Lyrics>('lyrics', { provider, track_id }),
  comments: (provider: Provider, track_id: string, page: number, page_size: number) =>
    call<CommentPage>('comments', { provider, track_id, page, page_size }),
  /** `reply_to`: the id of the comment this one answers (sent only for a reply). */
  postComment: (provider: Provider, track_id: string, content: string, reply_to?: string) =>
    call<Comment>(
      'post_comment',
      reply_to ? { provider, track_id, content, reply_to } : { provider, track_id, content },
    ),
  dailyCheckin: (provider: Provider) => call<CheckIn>('daily_checkin', { provider }),
  coverColors: (url: string) => call<CoverColors>('cover_colors', { url }),

  playerPlay: (tracks: Track[], start_index: number) =>
    call<PlayerState>('player_play', { tracks, start_index }),
  playerEnqueue: (tracks: Track[]) => call<PlayerState>('player_enqueue', { tracks }),
  playerToggle: () => call<PlayerState>('player_toggle'),
  playerNext: () => call<PlayerState>('player_next'),
  playerPrevious: () => call<PlayerState>('player_previous'),
  playerJump: (index: number) => call<PlayerState>('player_jump', { index }),
  playerSeek: (position_ms: number) =>
    call<PlayerState>('player_seek', { position_ms: Math.max(0, Math.round(position_ms)) }),
  playerSetVolume: (volume: number) =>
    call<PlayerState>('player_set_volume', { volume: Math.min(1, Math.max(0, volume)) }),
  playerSetMode: (repeat: RepeatMode, shuffle: boolean) =>
    call<PlayerState>('player_set_mode', { repeat, shuffle }),
  playerState: () => call<PlayerState>('player_state'),
  /** The queue itself, in queue order (states carry only `queue_length`). */
  playerQueue: () => call<Track[]>('player_queue'),
};

/** Subscribes to one of the contract's events; resolves to the unsubscribe function. */
export async function on<E extends EventName>(
  name: E,
  handler: (payload: EventMap[E]) => void,
): Promise<() => void> {
  const unlisten = await listen<EventMap[E]>(name, (event) => handler(event.payload));
  return () => {
    void unlisten();
  };
}
