// The in-page fake of the Rust side: answers every command of the generated bindings
// (src/lib/bindings.ts) through the real `@tauri-apps/api/mocks` (mockIPC with event mocking),
// records every call, and lets a test make commands fail, hang until released, or emit events.
// Its answers and the events it sends itself are typed against the bindings: a field renamed in
// Rust fails `npm run check` here.
//
// Configure before the app starts with `window.__DUET_MOCK__ = {...}` (see tests/helpers.mjs);
// drive it afterwards through `window.__duet`.

import { mockIPC } from '@tauri-apps/api/mocks';
import {
  events,
  type AppInfo,
  type CollectionRef,
  type commands,
  type Comment,
  type DesktopLyricsPrefs,
  type Lyrics,
  type DuetError,
  type DuplicateGroup,
  type EpisodeProgress,
  type HistoryEntry,
  type KeptCollection,
  type OfflineJob,
  type Job,
  type Preview,
  type PreviewItem,
  type ShareTarget,
  type LoginState,
  type OutputDevice,
  type NowPlayingStatus,
  type PlayerState,
  type Playlist,
  type Prefs,
  type Profile,
  type ProviderId,
  type QrLogin,
  type QrMethod,
  type QrState,
  type SearchPage,
  type SearchType,
  type SessionState,
  type SessionStatus,
  type StorageStatus,
  type StartRequest,
  type StoreKind,
  type Track,
  type WebLoginState,
} from '../../src/lib/bindings';
import { mockAlbum, mockArtist, mockArtistAlbums } from './albums';
import { cloudHandlers, type MockCloud } from './cloud';
import { mockSummary, type MockPlay } from './listening';
import {
  mockEpisodes,
  mockPodcast,
  mockSubscribe,
  mockSubscribed,
  progress as podcastProgress,
  startAt,
} from './podcasts';
import { scrobbleMock, type MockScrobble } from './scrobble';
import { searchAll } from './search';
import { DECLINED, fmBatch, fmTrash, heartbeat, qqRadioBatch, radio } from './radio';
import {
  art,
  colorsByUrl,
  fixtureLyrics,
  hotComments,
  makeTracks,
  moreComments,
  playlists as defaultPlaylists,
  profile,
  qqHotComments,
  qqLyrics,
  qqPlaylists,
  qqProfile,
  qqRecentComments,
  qqSearchItems,
  qqTracks,
  realTracks,
  recentComments,
  searchItems,
  wordLyrics,
} from './data';

/** What a test sets in `window.__DUET_MOCK__` before the app starts (tests/helpers.mjs). */
interface MockConfig {
  /** The desktop preferences the app starts with (prefs.json). */
  prefs?: Prefs;
  /** The output devices `sound_devices` lists (default: a sound card and a USB DAC). */
  soundDevices?: OutputDevice[];
  /** The now-playing feed cannot listen (its port is taken by another program). */
  feedPortTaken?: boolean;
  /** Global shortcuts another app holds (the app reports them through `shortcut_problems`). */
  takenShortcuts?: string[];
  providers?: ProviderId[];
  playlists?: Playlist[] | 'empty';
  qqPlaylists?: Playlist[] | 'empty';
  playlistOverrides?: Record<string, Partial<Playlist>>;
  session?: SessionState;
  qqSession?: SessionState;
  output?: PlayerState['output'];
  playing?: boolean | 'words' | 'mixed' | 'qq';
  queueSize?: number;
  player?: Partial<MockPlayer>;
  fail?: Record<string, Failure>;
  hold?: string[];
  lyricsMode?: Record<string, LyricsMode>;
  searchTotal?: number;
  keychain?: StoreKind;
  keychain_message?: string;
  unlockAfterRetries?: number;
  unlockedSession?: Partial<Record<ProviderId, SessionState>>;
  upstream?: string;
  checkinAlready?: boolean;
  /** `desktop_lyrics_support`: false as on GNOME under Wayland. */
  keepsOnTop?: boolean;
  /** `desktop_lyrics_support`: false as WebKitGTK without accelerated compositing. */
  seeThrough?: boolean;
  /** Recently played as history.json holds it at start (newest first). */
  history?: HistoryEntry[];
  /**
   * Play anywhere: the other service's recording of a track (by `provider:id`), played when the
   * track cannot play on its own service and `prefs.playback.play_anywhere` is not off.
   */
  twins?: Record<string, Track>;
  /** Tracks in the audio cache at start (`offline_tracks`). */
  offlineTracks?: { provider: ProviderId; id: string }[];
  /** Playlists and albums kept offline at start (offline.json), their playable tracks here. */
  kept?: CollectionRef[];
  /** The listening record's plays (tests/mock/listening.ts). */
  listening?: MockPlay[];
  /** The scrobbling accounts (tests/mock/scrobble.ts). */
  scrobble?: MockScrobble;
  /** Between two writes of a mock transfer job (default 120 ms). */
  transferStepMs?: number;
  /** The transfer write (counted from 1 over the page's life) that is refused, and how. */
  transferFail?: { write: number; error: Failure };
  /** Moves the app kept from an earlier run (`transfer_list` answers them). */
  transfers?: Job[];
  /** Where podcast episodes were left at start (podcast-positions.json). */
  podcastProgress?: EpisodeProgress[];
  /** The cloud disk's file dialog and upload (tests/mock/cloud.ts). */
  cloud?: MockCloud;
}

/** A rejection a test asks for: the error object, less what the mock fills in. */
type Failure = Omit<DuetError, 'message'> & { message?: string };
/** `lrclib` / `lrclib_plain`: the service has none, LRCLIB has synced / plain lines (given
 * only while `prefs.lyrics.lrclib` is on, as src-tauri/src/lyrics_source.rs does). */
type LyricsMode =
  'qq' | 'instrumental' | 'none' | 'words' | 'plain' | 'fixture' | 'lrclib' | 'lrclib_plain';
/** The player's state with the queue itself (the app sends only its length). */
type MockPlayer = Omit<PlayerState, 'queue_length'> & { queue: Track[] };
/** A QR code on screen, as the mock remembers it. */
type ShownQr = QrLogin & { done?: boolean; cancelled?: boolean };
/** How tests name a QR: the provider for its own app, else the app. */
type Card = 'netease' | 'qqmusic' | 'qq' | 'wechat';
type LoginStateExtra = Pick<LoginState, 'profile' | 'message' | 'error'>;

type Commands = typeof commands;
/** What the app's command `K` answers (the generated function's promised value). */
type Answer<K extends keyof Commands> = Awaited<ReturnType<Commands[K]>>;
/** The arguments as they arrive over IPC: an object keyed by the parameters' camelCase names. */
type IpcArgs = Record<string, unknown>;
/**
 * Each command answered with the generated function's own parameters and result, so neither the
 * argument names nor the shapes are spelled here: a command whose arguments or answer change in
 * Rust fails `npm run check` until the mock follows. A new command needs a handler only once a
 * UI test calls it (until then the mock rejects it, naming it).
 */
type Handlers = {
  [K in keyof Commands]?: (...args: Parameters<Commands[K]>) => Answer<K> | Promise<Answer<K>>;
};

declare global {
  interface Window {
    __DUET_MOCK__?: MockConfig;
    __duet: typeof duet;
    // Tauri's private bridge, which the mock stands in for; @tauri-apps/api does not type it.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    __TAURI_INTERNALS__: any;
  }
}

const cfg = window.__DUET_MOCK__ ?? {};

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/**
 * A QR-looking code: finder patterns, timing lines and seeded data modules. As the services send
 * them: NetEase's and QQ's as a small PNG (1 px per module here), WeChat's as a 430 px JPEG.
 */
function qrImage(key: string, format: 'png' | 'jpeg' = 'png'): string {
  const n = 33;
  const jpeg = format === 'jpeg';
  const scale = jpeg ? 12 : 1;
  const pad = jpeg ? 17 : 0;
  const c = document.createElement('canvas');
  c.width = n * scale + 2 * pad;
  c.height = n * scale + 2 * pad;
  const g = c.getContext('2d')!;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.translate(pad, pad);
  g.scale(scale, scale);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, n, n);
  g.fillStyle = '#111';
  let s = 0;
  for (const ch of key) s = (s * 31 + ch.charCodeAt(0)) >>> 0;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
  const finder = (x: number, y: number) => {
    g.fillRect(x, y, 7, 7);
    g.clearRect(x + 1, y + 1, 5, 5);
    g.fillStyle = '#fff';
    g.fillRect(x + 1, y + 1, 5, 5);
    g.fillStyle = '#111';
    g.fillRect(x + 2, y + 2, 3, 3);
  };
  const q = 2; // quiet zone
  const m = n - 2 * q;
  const reserved = (x: number, y: number) =>
    (x < 8 && y < 8) || (x >= m - 8 && y < 8) || (x < 8 && y >= m - 8);
  for (let y = 0; y < m; y++)
    for (let x = 0; x < m; x++) {
      if (reserved(x, y)) continue;
      if (x === 6 || y === 6) {
        if ((x + y) % 2 === 0) g.fillRect(q + x, q + y, 1, 1);
        continue;
      }
      if (rnd() < 0.48) g.fillRect(q + x, q + y, 1, 1);
    }
  finder(q, q);
  finder(q + m - 7, q);
  finder(q, q + m - 7);
  return jpeg ? c.toDataURL('image/jpeg', 0.9) : c.toDataURL('image/png');
}

// ---------- state ----------

const providers: ProviderId[] = cfg.providers ?? ['netease'];
const userPlaylists: Record<ProviderId, Playlist[]> = {
  netease: cfg.playlists === 'empty' ? [] : clone(cfg.playlists ?? defaultPlaylists),
  qq: cfg.qqPlaylists === 'empty' ? [] : clone(cfg.qqPlaylists ?? qqPlaylists),
};
const playlistOverrides = cfg.playlistOverrides ?? {};

const seenPlaylists = new Map<string, Playlist>();

function playlistDetail(provider: ProviderId, id: string): Playlist {
  const detail = basePlaylistDetail(provider, id);
  const own = userPlaylists[provider].find((p) => p.id === id);
  if (own) Object.assign(detail, { name: own.name });
  const changed = library.tracks.get(`${provider}:${id}`);
  if (changed) detail.tracks = clone(changed);
  detail.track_count = detail.tracks?.length ?? detail.track_count;
  for (const tr of detail.tracks ?? []) knownTracks.set(`${tr.provider}:${tr.id}`, tr);
  return detail;
}

function basePlaylistDetail(provider: ProviderId, id: string): Playlist {
  if (provider === 'qq') {
    const base: Playlist = userPlaylists.qq.find((p) => p.id === id) ??
      seenPlaylists.get(`qq:${id}`) ?? {
        provider: 'qq',
        id,
        name: `歌单 ${id}`,
        cover_url: null,
        creator: { id: '0', name: 'QQ音乐' },
        track_count: 18,
      };
    const seed = Math.max(
      0,
      userPlaylists.qq.findIndex((p) => p.id === id),
    );
    return { ...base, tracks: qqTracks(Math.min(base.track_count, 2000), seed) };
  }
  const base: Playlist = userPlaylists.netease.find((p) => p.id === id) ??
    seenPlaylists.get(`netease:${id}`) ??
    defaultPlaylists.find((p) => p.id === id) ?? {
      provider: 'netease',
      id,
      name: `歌单 ${id}`,
      cover_url: art(`pl:${id}`),
      creator: { id: '1', name: '网易云音乐' },
      track_count: 24,
    };
  const o = playlistOverrides[id] ?? {};
  const count = o.track_count ?? base.track_count;
  const seed = id === '10000' ? 1 : 0;
  return {
    ...base,
    ...o,
    track_count: count,
    tracks: o.tracks ?? makeTracks(Math.min(count, 20000), seed),
  };
}

const session: Record<ProviderId, SessionState> = {
  netease: cfg.session ?? 'logged_in',
  qq: cfg.qqSession ?? 'logged_out',
};
const profiles: Record<ProviderId, Profile> = { netease: profile, qq: qqProfile };
/** The QR methods of each provider, its default first (duet-core's `Provider::qr_methods`). */
const QR_METHODS: Record<ProviderId, QrMethod[]> = {
  netease: ['app'],
  qq: ['qqmusic', 'qq', 'wechat'],
};
/** How tests name a QR: the provider for its own app, else the app. */
const cardOf = (provider: ProviderId, method: QrMethod): Card =>
  method === 'app' ? provider : method;

const player: MockPlayer = {
  revision: 0,
  queue_revision: 0,
  status: 'idle',
  queue: [],
  index: null,
  track: null,
  position_ms: 0,
  duration_ms: 0,
  volume: 0.8,
  repeat: 'off',
  shuffle: false,
  trial: null,
  output: cfg.output ?? 'device',
  error: null,
  stopped_after_failures: null,
  http_fallback: false,
  substitute: null,
};
/** NetEase and QQ tracks taking turns: a queue built from both services. */
function mixedQueue(): Track[] {
  const ne = makeTracks(6, 2).map((t) => ({ ...t, playable: true }));
  const qq = qqTracks(6);
  return ne.flatMap((t, i) => [t, qq[i]]);
}

if (cfg.playing) {
  // `queueSize` makes a long queue (e.g. 10,000) without sending it through the config
  const tracks =
    cfg.playing === 'words'
      ? [wordTrack()]
      : cfg.playing === 'mixed'
        ? mixedQueue()
        : cfg.playing === 'qq'
          ? qqTracks(cfg.queueSize ?? 8)
          : makeTracks(cfg.queueSize ?? 12);
  Object.assign(player, {
    status: 'playing',
    queue: tracks,
    index: 0,
    track: tracks[0],
    duration_ms: tracks[0].duration_ms,
    trial: tracks[0].trial ?? null,
  });
}
Object.assign(player, cfg.player ?? {});
if (cfg.player?.index != null && player.queue[cfg.player.index]) {
  const i = cfg.player.index;
  Object.assign(player, {
    track: player.queue[i],
    duration_ms: player.queue[i].duration_ms,
    trial: player.queue[i].trial ?? null,
  });
}

function wordTrack(): Track {
  return {
    provider: 'netease',
    id: '1999999',
    title: '如果云知道',
    artists: [{ id: '9621', name: '王菲' }],
    album: { id: '31', name: '将爱', cover_url: art('al:words') },
    duration_ms: 240000,
    playable: true,
    vip: false,
  };
}

const qrs: Partial<Record<Card, ShownQr>> = {};
let qrCounter = 0;
/** The desktop preferences, as the app keeps them in its prefs.json (src-tauri/src/prefs.rs). */
let prefs: Prefs = clone(
  cfg.prefs ?? {
    window: {},
    shortcuts: {},
    desktop_lyrics: {},
    sound: {},
    now_playing: { media_controls: true, feed_enabled: false, feed_port: 41581 },
  },
);

/** What src-tauri/src/now_playing.rs reports for the preferences above. */
function nowPlayingStatus(): NowPlayingStatus {
  const np = prefs.now_playing ?? {};
  const port = np.feed_port ?? 41581;
  const status: NowPlayingStatus = { media_controls: np.media_controls ?? true };
  if (np.feed_enabled && cfg.feedPortTaken)
    status.feed_error = {
      kind: 'unavailable',
      message: `the now-playing feed could not listen on 127.0.0.1:${port}: Address already in use (os error 98)`,
    };
  else if (np.feed_enabled) status.feed_url = `ws://127.0.0.1:${port}/`;
  return status;
}
let commentCounter = 0;
/** Every comment handed out, by id: what `replyTo` may name. */
const knownComments = new Map<string, Comment>();
const remember = (list: Comment[]) => {
  for (const c of list) knownComments.set(c.id, c);
  return list;
};

// ---------- likes and the account's own playlists ----------

/** Every track handed out, by `provider:id`: what a like or an add names. */
const knownTracks = new Map<string, Track>();
const likedPlaylistId = (p: ProviderId) => userPlaylists[p].find((l) => l.liked)?.id;
/** What the writes changed: each playlist's tracks once a write touched them, the liked ids. */
const library = {
  tracks: new Map<string, Track[]>(),
  created: 0,
  liked(provider: ProviderId): Track[] {
    const id = likedPlaylistId(provider);
    if (!id) return [];
    const k = `${provider}:${id}`;
    if (!this.tracks.has(k)) {
      const first = basePlaylistDetail(provider, id).tracks ?? [];
      for (const tr of first) knownTracks.set(`${tr.provider}:${tr.id}`, tr);
      // Tracks far down the list: the first rows of other lists start out unliked.
      this.tracks.set(k, first.slice(200, 212));
    }
    return this.tracks.get(k)!;
  },
  tracksOf(provider: ProviderId, id: string): Track[] {
    const k = `${provider}:${id}`;
    if (!this.tracks.has(k))
      this.tracks.set(k, clone(basePlaylistDetail(provider, id).tracks ?? []));
    return this.tracks.get(k)!;
  },
};

function track(provider: ProviderId, id: string): Track {
  const known = knownTracks.get(`${provider}:${id}`);
  if (known) return clone(known);
  return { ...clone(makeTracks(1)[0]), provider, id };
}

function ownPlaylist(provider: ProviderId, id: string): Playlist | Promise<never> {
  const p = userPlaylists[provider].find((l) => l.id === id);
  const me = profiles[provider];
  if (!p) return reject({ kind: 'not_found', message: 'no such playlist' }, provider);
  const mine = p.liked || p.creator.id === me.user_id || p.creator.name === me.nickname;
  if (!mine)
    return reject(
      { kind: 'not_owner', message: 'only its owner can change it', upstream_code: 401 },
      provider,
    );
  return p;
}

// ---------- moving a playlist across (crates/duet-transfer, played here) ----------

/** Tracks per playlist write of the mock (the crate's is 20: the mock shows progress sooner). */
const MOCK_TRANSFER_BATCH = 2;
const transfers = {
  previews: new Map<string, Preview>(),
  jobs: new Map<string, Job>((cfg.transfers ?? []).map((j) => [j.id, clone(j)])),
  timers: new Map<string, ReturnType<typeof setTimeout>>(),
  writes: 0,
  next: 0,
};

/** The mock's matcher: most tracks sure, every 6th from the 5th unsure (two candidates), every
 * 6th from the 6th missing. */
function mockCandidates(tr: Track, target: ProviderId, i: number): PreviewItem {
  const twin = (suffix: string, score: number) => {
    const t: Track = {
      ...clone(tr),
      provider: target,
      id: `${target === 'qq' ? '004Mv' : '88'}${tr.id}${suffix}`,
      playable: true,
      vip: false,
    };
    knownTracks.set(`${target}:${t.id}`, t);
    return { track: t, score };
  };
  if (i % 6 === 4) {
    const live = twin('b', 0.66);
    live.track.title = `${tr.title} (Live)`;
    return { track: tr, confidence: 'unsure', candidates: [twin('a', 0.78), live] };
  }
  if (i % 6 === 5) return { track: tr, confidence: 'missing', candidates: [] };
  return { track: tr, confidence: 'sure', candidates: [twin('', 0.97)] };
}

function recount(job: Job): Job {
  const n = (...states: string[]) => job.tracks.filter((t) => states.includes(t.state)).length;
  job.outcome = {
    total: job.tracks.length,
    added: n('done'),
    skipped: n('skipped', 'duplicate'),
    failed: n('failed'),
    pending: n('pending'),
  };
  return job;
}

function announce(job: Job) {
  void events.transfer_changed.emit(clone(recount(job)));
}

function runJob(job: Job) {
  const step = () => {
    transfers.timers.delete(job.id);
    if (job.status !== 'running') return;
    if (job.destination === 'playlist' && !job.playlist_id) {
      const created = handlers.playlist_create?.(job.target, job.name) as Playlist;
      job.playlist_id = created.id;
    } else {
      const batch = job.tracks
        .filter((t) => t.state === 'pending')
        .slice(0, job.destination === 'likes' ? 1 : MOCK_TRANSFER_BATCH);
      if (!batch.length) {
        job.status = 'finished';
        return announce(job);
      }
      transfers.writes += 1;
      const refused = cfg.transferFail?.write === transfers.writes ? cfg.transferFail.error : null;
      if (refused) {
        for (const t of batch) t.state = 'failed';
        job.status = 'failed';
        job.error = { provider: job.target, message: 'the service refused the change', ...refused };
        return announce(job);
      }
      const ids = batch.map((t) => t.target?.id ?? '');
      if (job.destination === 'likes') void handlers.like_track?.(job.target, ids[0], true);
      else void handlers.playlist_add_tracks?.(job.target, job.playlist_id ?? '', ids);
      for (const t of batch) t.state = 'done';
    }
    announce(job);
    transfers.timers.set(job.id, setTimeout(step, cfg.transferStepMs ?? 120));
  };
  transfers.timers.set(job.id, setTimeout(step, cfg.transferStepMs ?? 120));
}

function startTransfer(request: StartRequest): Job | Promise<never> {
  const preview = transfers.previews.get(request.preview_id);
  if (!preview) return reject({ kind: 'not_found', message: 'no such preview' });
  const chosen = preview.items.map((item) =>
    item.confidence === 'sure' ? (item.candidates[0]?.track ?? null) : null,
  );
  for (const { index, choice } of request.adjustments ?? []) {
    const item = preview.items[index];
    if (!item) return reject({ kind: 'bad_request', message: `there is no track ${index}` });
    if (choice.action === 'skip') chosen[index] = null;
    else if (choice.action === 'take') {
      const c = item.candidates.find((c) => c.track.id === choice.track_id);
      if (!c) return reject({ kind: 'bad_request', message: 'not a candidate' });
      chosen[index] = c.track;
    }
  }
  const name = (request.name ?? preview.suggested_name).trim();
  if (preview.destination === 'playlist' && (!name || name.length > 40))
    return reject({
      kind: 'bad_request',
      message: 'a playlist needs a name of 1 to 40 characters',
    });
  const job: Job = {
    version: 1,
    id: `job${++transfers.next}`,
    created_at_ms: Date.now(),
    source: preview.source,
    source_name: preview.source_name,
    target: preview.target,
    destination: preview.destination,
    name: preview.destination === 'playlist' ? name : preview.source_name,
    playlist_id: null,
    create_requested: false,
    preexisting: [],
    status: 'running',
    error: null,
    tracks: preview.items.map((item, i) => ({
      source: item.track,
      target: chosen[i],
      state: chosen[i] ? 'pending' : 'skipped',
    })),
    outcome: { total: 0, added: 0, skipped: 0, failed: 0, pending: 0 },
  };
  recount(job);
  transfers.jobs.set(job.id, job);
  runJob(job);
  return clone(job);
}

function transferJob(id: string): Job | Promise<never> {
  return (
    transfers.jobs.get(id) ?? reject({ kind: 'not_found', message: 'no transfer with this id' })
  );
}

// ---------- control surface for tests ----------

const holds = new Map<string, (() => void)[]>(); // cmd -> resolvers; presence means "hold"
/** The providers whose web login window is open. */
const webWindows = new Set<ProviderId>();

const duet = {
  calls: [] as { cmd: string; args: IpcArgs | undefined }[],
  /** Personal FM's catalogue, place and trashed ids (tests/mock/radio.ts). */
  radio,
  fail: { ...(cfg.fail ?? {}) } as Record<string, Failure | undefined>,
  failOnce: {} as Record<string, Failure | undefined>,
  lyricsMode: cfg.lyricsMode ?? {},
  /** The tracks LRCLIB was asked for (with the setting on and the service without lines). */
  lrclibAsked: [] as string[],
  /** LRCLIB fails the next asks this way (`network` or `upstream`) until set back to null. */
  lrclibDown: null as 'network' | 'upstream' | null,
  searchTotal: cfg.searchTotal ?? 95,
  count(cmd: string): number {
    return this.calls.filter((c) => c.cmd === cmd).length;
  },
  last(cmd: string): IpcArgs | undefined {
    const all = this.calls.filter((c) => c.cmd === cmd);
    return all[all.length - 1]?.args;
  },
  hold(cmd: string): void {
    if (!holds.has(cmd)) holds.set(cmd, []);
  },
  release(cmd: string): void {
    const waiting = holds.get(cmd) ?? [];
    holds.delete(cmd);
    for (const r of waiting) r();
  },
  /** Any event by its wire name, as a test sends it (untyped on purpose: tests send odd ones). */
  emit(event: string, payload: unknown): Promise<unknown> {
    return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event, payload });
  },
  /**
   * The Rust side changes the preferences by itself (the tray, a shortcut, the system's media
   * controls setting the speed): kept, and `prefs-changed` told as `prefs::announce` does.
   */
  async changePrefs(change: (p: Prefs) => Prefs): Promise<void> {
    prefs = change(clone(prefs));
    await events.prefs_changed.emit(clone(prefs));
  },
  /** A QR's state changes as the Rust side reports them; `card`: netease | qqmusic | qq | wechat. */
  async qrState(card: Card, state: QrState, extra: Partial<LoginStateExtra> = {}): Promise<void> {
    const q = qrs[card];
    if (!q) throw new Error(`no QR shown for ${card}`);
    await events.login_state.emit({
      provider: q.provider,
      method: q.method,
      key: q.key,
      state,
      ...extra,
    });
  },
  /**
   * The phone confirmed `card`'s QR: like src-tauri's observer, one login-state "confirmed" with
   * the profile (the only report of a confirmed login); the fake's session is then live.
   */
  async confirm(card: Card, p?: Profile): Promise<void> {
    const q = qrs[card];
    if (!q) throw new Error(`no QR shown for ${card}`);
    const prof = p ?? profiles[q.provider];
    session[q.provider] = 'logged_in';
    q.done = true;
    await events.login_state.emit({
      provider: q.provider,
      method: q.method,
      key: q.key,
      state: 'confirmed',
      profile: prof,
    });
  },
  /**
   * The web login window's watch reports `state`, as src-tauri's does; `confirmed` logs in with
   * the provider's profile and closes the window.
   */
  async webLogin(provider: ProviderId, state: WebLoginState, error?: DuetError): Promise<void> {
    if (!webWindows.has(provider)) throw new Error(`no web login window of ${provider} is open`);
    if (state === 'confirmed') {
      session[provider] = 'logged_in';
      webWindows.delete(provider);
      await events.web_login.emit({
        provider,
        state,
        login: { provider, profile: { ...profiles[provider] } },
      });
      return;
    }
    if (state === 'closed') webWindows.delete(provider);
    await events.web_login.emit({ provider, state, ...(error ? { error } : {}) });
  },
  webWindows,
  qr: qrs,
  player,
  session,
};
for (const c of cfg.hold ?? []) duet.hold(c);
window.__duet = duet;

const SHORTCUT_ACTIONS = ['play_pause', 'next', 'previous', 'desktop_lyrics'] as const;

/**
 * What the app's `prefs_set` refuses in the shortcuts (src-tauri/src/shortcuts.rs), in short: a
 * key it does not know, no modifier on an ordinary key, two actions on the same keys.
 */
function refuseShortcuts(keys: NonNullable<Prefs['shortcuts']>): string | null {
  const seen = new Map<string, string>();
  for (const action of SHORTCUT_ACTIONS) {
    const accelerator = keys[action]?.trim();
    if (!accelerator) continue;
    const parts = accelerator.split('+').map((p) => p.trim().toLowerCase());
    const key = parts[parts.length - 1];
    if (!key || parts.some((p) => !p)) {
      return `“${accelerator}” is not a shortcut: write the modifiers, then one key, joined by + (for example Ctrl+Alt+P)`;
    }
    if (!/^([a-z0-9]|f\d{1,2}|space|up|down|left|right|media\w+)$/.test(key)) {
      return `“${key}” in “${accelerator}” is not a key Duet knows`;
    }
    const mods = parts.slice(0, -1).sort().join('+');
    if (!mods && !key.startsWith('media')) {
      return `“${accelerator}” has no modifier: add Ctrl, Alt, Shift or Super, or it takes that key from every app`;
    }
    const same = seen.get(`${mods}+${key}`);
    if (same) return `“${accelerator}” is set for both ${same} and ${action}`;
    seen.set(`${mods}+${key}`, action);
  }
  return null;
}

/** Errors carry the provider of the call that failed (netease when the call names none). */
function reject(error: Failure, provider?: unknown): Promise<never> {
  return Promise.reject({ provider: provider ?? 'netease', ...error });
}

/** The queue the last state was made of: a new one (every handler assigns one) is a new queue
 * revision, as duet-player counts them. */
let queueSeen: Track[] | null = null;

/** The state as the app sends it: the queue's length, not the queue (docs/desktop-ipc.md). */
function playerState(): PlayerState {
  if (player.queue !== queueSeen) {
    queueSeen = player.queue;
    player.queue_revision += 1;
  }
  const { queue, ...state } = clone(player);
  return { ...state, queue_length: queue.length };
}

/** Sends the state with the next revision, as duet-player does with every state it sends. */
function emitPlayer(): Promise<void> {
  player.revision += 1;
  return events.player_state.emit(playerState());
}

/** Nothing queued: nothing current, nothing plays. */
function emptied(): void {
  Object.assign(player, {
    index: null,
    track: null,
    status: 'idle',
    position_ms: 0,
    duration_ms: 0,
    trial: null,
    substitute: null,
  });
}

function setTrack(index: number): void {
  player.index = index;
  player.track = player.queue[index] ?? null;
  if (player.track) recordPlayed(player.track);
  player.position_ms = 0;
  player.duration_ms = player.track?.duration_ms ?? 0;
  player.trial = player.track?.trial ?? null;
  player.substitute = player.track ? substituteFor(player.track) : null;
  if (player.substitute) player.trial = player.substitute.trial ?? null;
  player.status = player.track ? 'playing' : 'idle';
  // a person's choice starts a new run of tries, as the Rust player does
  player.stopped_after_failures = null;
}

// ---------- play anywhere (crates/duet-anywhere) ----------

/** Tracks the person asked to play from their own service only (`player_keep_original`). */
const keptOriginal = new Set<string>();
/** What plays instead of `track`: its twin, when it cannot play in full on its own service. */
function substituteFor(track: Track): Track | null {
  const k = `${track.provider}:${track.id}`;
  const twin = cfg.twins?.[k];
  const cannotPlay = !track.playable || track.vip || !!track.trial;
  if (!twin || !cannotPlay || keptOriginal.has(k)) return null;
  if (prefs.playback?.play_anywhere === false) return null;
  return clone(twin);
}

// ---------- recently played, share links, playlist tools ----------

/** history.json: each track once, newest first (src-tauri/src/history.rs). */
/** Music offline, as src-tauri/src/offline.rs keeps it: a running job moves on by a quarter
 * of its tracks each time its status is asked for (the UI asks every second while one runs). */
const offlineState = {
  cached: new Set((cfg.offlineTracks ?? []).map((k) => `${k.provider}:${k.id}`)),
  kept: [] as (KeptCollection & { tracks: Track[] })[],
  jobs: [] as (OfflineJob & { tracks: Track[] })[],
};
for (const c of cfg.kept ?? []) {
  const { name, tracks } = collectionOf(c);
  offlineState.kept.push({ collection: c, name, total: tracks.length, kept: 0, tracks });
  for (const tr of tracks)
    if (tr.playable && !tr.vip) offlineState.cached.add(`${tr.provider}:${tr.id}`);
}
const TRACK_BYTES = 4 << 20;
function sameRef(a: CollectionRef, b: CollectionRef): boolean {
  return a.provider === b.provider && a.kind === b.kind && a.id === b.id;
}
function collectionOf(c: CollectionRef): { name: string; tracks: Track[] } {
  const found = c.kind === 'album' ? mockAlbum(c.provider, c.id) : playlistDetail(c.provider, c.id);
  return { name: found.name, tracks: found.tracks ?? [] };
}
function startJob(kind: OfflineJob['kind'], c: CollectionRef): void {
  const { name, tracks } = collectionOf(c);
  offlineState.jobs = offlineState.jobs.filter(
    (j) => !(j.kind === kind && sameRef(j.collection, c)),
  );
  offlineState.jobs.push({
    kind,
    collection: c,
    name,
    total: tracks.length,
    done: 0,
    failed: 0,
    running: true,
    last_error: null,
    tracks,
  });
  if (kind === 'keep' && !offlineState.kept.some((k) => sameRef(k.collection, c)))
    offlineState.kept.push({ collection: c, name, total: tracks.length, kept: 0, tracks });
}
function storageStatus(): StorageStatus {
  for (const job of offlineState.jobs.filter((j) => j.running)) {
    const next = Math.min(job.total, job.done + job.failed + Math.max(4, Math.ceil(job.total / 4)));
    // Grey tracks and previews are skipped with their reason, as the app's job does.
    for (const tr of job.tracks.slice(job.done + job.failed, next)) {
      if (!tr.playable || tr.vip) {
        job.failed += 1;
        job.last_error = { kind: 'unavailable', message: tr.unavailable_reason ?? 'a preview' };
      } else {
        job.done += 1;
        if (job.kind === 'keep') offlineState.cached.add(`${tr.provider}:${tr.id}`);
      }
    }
    job.running = job.done + job.failed < job.total;
  }
  for (const k of offlineState.kept)
    k.kept = k.tracks.filter((tr) => offlineState.cached.has(`${tr.provider}:${tr.id}`)).length;
  const keptTracks = offlineState.kept.reduce((n, k) => n + k.kept, 0);
  const played = offlineState.cached.size - keptTracks;
  return {
    cache_bytes: played * TRACK_BYTES,
    cache_tracks: played,
    cap_bytes: (prefs.storage?.cache_cap_mb ?? 1024) * (1 << 20),
    kept_bytes: keptTracks * TRACK_BYTES,
    kept_tracks: keptTracks,
    cache_dir: '/home/you/.cache/app.duet/audio',
    download_dir: prefs.storage?.download_dir ?? '/home/you/Music/Duet',
    offline_mode: prefs.storage?.offline_mode ?? false,
    kept: offlineState.kept.map(({ tracks: _, ...k }) => clone(k)),
    jobs: offlineState.jobs.map(({ tracks: _, ...j }) => clone(j)),
  };
}

const history: HistoryEntry[] = clone(cfg.history ?? []);
for (const p of cfg.podcastProgress ?? []) podcastProgress.set(p.episode_id, clone(p));
function recordPlayed(track: Track): void {
  const i = history.findIndex(
    (e) => e.track.provider === track.provider && e.track.id === track.id,
  );
  if (i >= 0) history.splice(i, 1);
  history.unshift({ track: clone(track), played_at_ms: Date.now() });
}

/** The forms the UI tests paste; anything else is refused as duet_core::share refuses it. */
function shareTarget(text: string): ShareTarget | null {
  const forms: [RegExp, (m: RegExpMatchArray) => ShareTarget][] = [
    [/163cn\.tv\/duetList/, () => ({ provider: 'netease', kind: 'playlist', id: '131149308' })],
    [
      /music\.163\.com\/.*playlist\?id=(\d+)/,
      (m) => ({ provider: 'netease', kind: 'playlist', id: m[1] }),
    ],
    [
      /music\.163\.com\/.*song\?id=(\d+)/,
      (m) => ({ provider: 'netease', kind: 'track', id: m[1] }),
    ],
    [
      /music\.163\.com\/.*album\?id=(\d+)/,
      (m) => ({ provider: 'netease', kind: 'album', id: m[1] }),
    ],
    [
      /music\.163\.com\/.*artist\?id=(\d+)/,
      (m) => ({ provider: 'netease', kind: 'artist', id: m[1] }),
    ],
    [
      /y\.qq\.com\/n\/ryqq\/playlist\/(\d+)/,
      (m) => ({ provider: 'qq', kind: 'playlist', id: m[1] }),
    ],
    [
      /y\.qq\.com\/n\/ryqq\/albumDetail\/(\w+)/,
      (m) => ({ provider: 'qq', kind: 'album', id: m[1] }),
    ],
    [/y\.qq\.com\/n\/ryqq\/singer\/(\w+)/, (m) => ({ provider: 'qq', kind: 'artist', id: m[1] })],
  ];
  for (const [re, make] of forms) {
    const m = text.match(re);
    if (m) return make(m);
  }
  return null;
}

/** Same id, or the same title and artists within 2 s (duet_core::playlist_tools). */
function duplicatesOf(tracks: Track[]): DuplicateGroup[] {
  const byId = new Map<string, number[]>();
  tracks.forEach((t, i) => byId.set(key(t), [...(byId.get(key(t)) ?? []), i]));
  const groups: DuplicateGroup[] = [...byId.values()]
    .filter((v) => v.length > 1)
    .map((indices) => ({ reason: 'same_id', indices }));
  const bySong = new Map<string, number[]>();
  const firsts = [...byId.values()].map((v) => v[0]).sort((a, b) => a - b);
  for (const i of firsts) {
    const t = tracks[i];
    const k = `${t.title.trim().toLowerCase()}|${t.artists
      .map((a) => a.name.toLowerCase())
      .sort()
      .join('/')}`;
    bySong.set(k, [...(bySong.get(k) ?? []), i]);
  }
  for (const v of bySong.values()) {
    const close = v.filter(
      (i) => Math.abs(tracks[i].duration_ms - tracks[v[0]].duration_ms) <= 2000,
    );
    if (close.length > 1) groups.push({ reason: 'same_song', indices: close });
  }
  return groups;
}

const key = (t: Pick<Track, 'provider' | 'id'>) => `${t.provider}:${t.id}`;

// ---------- commands ----------

/** `provider:track_id` → ms, as lyric-offsets.json keeps them. */
const lyricOffsets = new Map<string, number>();
let miniOpen = false;

function changeDesktopLyrics(change: (d: DesktopLyricsPrefs) => void): DesktopLyricsPrefs {
  const d = { ...(prefs.desktop_lyrics ?? {}) };
  change(d);
  prefs = { ...prefs, desktop_lyrics: d };
  void events.prefs_changed.emit(clone(prefs));
  return clone(d);
}

// `keychain: 'locked'`: nothing is read until "I've unlocked it" is pressed `unlockAfterRetries`
// times (1 by default); then the sessions of `unlockedSession` are found.
const keychain: { state: StoreKind; retries: number } = { state: cfg.keychain ?? 'os', retries: 0 };
const appInfo = (): AppInfo => ({
  version: '0.1.0',
  providers,
  keychain: keychain.state,
  ...(keychain.state !== 'os' && cfg.keychain_message
    ? { keychain_message: cfg.keychain_message }
    : {}),
  demo: !!cfg.upstream,
  ...(cfg.upstream ? { upstream: cfg.upstream } : {}),
});

const cloud = cloudHandlers(cfg.cloud ?? {}, reject);

const handlers: Handlers = {
  cloud_tracks: cloud.cloud_tracks,
  cloud_search: cloud.cloud_search,
  cloud_upload: cloud.cloud_upload,
  cloud_delete: cloud.cloud_delete,
  app_info: appInfo,
  keychain_retry: () => {
    if (keychain.state !== 'locked') return appInfo();
    keychain.retries += 1;
    if (keychain.retries < (cfg.unlockAfterRetries ?? 1))
      return reject({
        kind: 'keychain',
        message: 'your keyring is locked: unlock it, then try again',
      });
    keychain.state = 'os';
    for (const p of providers) session[p] = cfg.unlockedSession?.[p] ?? session[p];
    return appInfo();
  },
  session_restore: () =>
    providers.map((p) => {
      const state = session[p];
      const s: SessionStatus = { provider: p, state };
      if (state === 'logged_in') s.profile = profiles[p];
      if (state === 'expired')
        s.error =
          p === 'qq'
            ? {
                kind: 'session_expired',
                message: 'qqmusic_key rejected (1000)',
                provider: p,
                upstream_code: 1000,
              }
            : {
                kind: 'session_expired',
                message: 'MUSIC_U rejected (301)',
                provider: p,
                upstream_code: 301,
              };
      if (state === 'unavailable')
        s.error = { kind: 'network', message: 'connection timed out', provider: p };
      return s;
    }),
  login_qr_start: (provider, requested) => {
    const methods = QR_METHODS[provider];
    if (!methods || !providers.includes(provider))
      return reject({ kind: 'bad_request', message: `unknown provider ${provider}` }, provider);
    const method = requested ?? methods[0];
    if (!methods.includes(method))
      return reject(
        {
          kind: 'bad_request',
          message: `${provider} cannot be logged into by scanning with ${method}`,
        },
        provider,
      );
    const card = cardOf(provider, method);
    const key =
      provider === 'qq'
        ? `${card}-${(++qrCounter).toString(36)}-qrsig`
        : `${card}-key-${++qrCounter}`;
    const q: ShownQr = {
      provider,
      method,
      key,
      // NetEase's code is a URL Duet renders; QQ and WeChat send an image and no URL
      qr_url: provider === 'netease' ? `https://music.163.com/login?codekey=${key}` : null,
      qr_png: qrImage(key, method === 'wechat' ? 'jpeg' : 'png'),
      expires_in_s: provider === 'netease' ? 180 : 120,
    };
    qrs[card] = q;
    return q;
  },
  // without `method`: every unfinished login of the provider (duet-core's QrLogins::cancel)
  login_qr_cancel: (provider, method) => {
    for (const q of Object.values(qrs)) {
      if (q.provider === provider && (!method || q.method === method) && !q.done)
        q.cancelled = true;
    }
    return null;
  },
  // A paste holding `mock-session` is a session the service knows; one without the service's
  // cookie names is malformed (bad_request), anything else expired (as duet-core answers).
  login_cookie: (provider, cookie) => {
    const text = cookie.trim();
    const complete =
      provider === 'qq'
        ? /\buin=/.test(text) && /\b(qm_keyst|qqmusic_key)=/.test(text)
        : /\bMUSIC_U=/.test(text) || /^[^=;\s]+$/.test(text);
    if (!complete)
      return reject(
        {
          kind: 'bad_request',
          message:
            provider === 'qq'
              ? 'a QQ Music login is the uin and qm_keyst (or qqmusic_key) cookies of y.qq.com'
              : 'no MUSIC_U in what was pasted',
        },
        provider,
      );
    if (!text.includes('mock-session'))
      return reject(
        { kind: 'session_expired', message: 'the service does not know this session' },
        provider,
      );
    session[provider] = 'logged_in';
    return { provider, profile: { ...profiles[provider] } };
  },
  login_web_open: (provider) => {
    webWindows.add(provider);
    void events.web_login.emit({ provider, state: 'waiting' });
    return null;
  },
  login_web_close: (provider) => {
    if (webWindows.delete(provider)) void events.web_login.emit({ provider, state: 'closed' });
    return null;
  },
  logout: (provider) => {
    session[provider] = 'logged_out';
    return null;
  },
  profile: (provider) => ({ ...profiles[provider] }),
  user_playlists: (provider) => clone(userPlaylists[provider]),
  playlist: (provider, id) => playlistDetail(provider, id),
  album: (provider, id) => mockAlbum(provider, id),
  artist: (provider, id) => mockArtist(provider, id),
  fm_batch: (provider) =>
    session[provider] !== 'logged_in'
      ? reject({ kind: 'not_logged_in', message: 'log in first' }, provider)
      : provider === 'qq'
        ? qqRadioBatch()
        : fmBatch(),
  fm_trash: (provider, trackId) =>
    provider === 'qq'
      ? reject(DECLINED(provider, 'personal FM'), provider)
      : fmTrash(trackId)
        ? null
        : reject({ kind: 'bad_request', message: `not an FM track: ${trackId}` }, provider),
  heartbeat: (provider, trackId) =>
    provider === 'qq'
      ? reject(DECLINED(provider, 'heartbeat mode'), provider)
      : heartbeat(track(provider, trackId)),
  artist_albums: (provider, id, page) =>
    page < 1 || page > 100
      ? reject({ kind: 'bad_request', message: 'pages go from 1 to 100' }, provider)
      : mockArtistAlbums(provider, id, page),
  search: (provider, q, type, page, page_size) => {
    // QQ Music answers searches only with a login (item code 2001)
    if (provider === 'qq' && session.qq !== 'logged_in')
      return reject(
        { kind: 'not_logged_in', message: 'QQ Music search needs a login', upstream_code: 2001 },
        provider,
      );
    const empty = /^(zzz|nothing)/i.test(q);
    const total = empty ? 0 : duet.searchTotal;
    const items = (provider === 'qq' ? qqSearchItems : searchItems)(
      type,
      q,
      page,
      page_size,
      total,
    );
    if (type === 'playlist')
      for (const p of items) seenPlaylists.set(`${provider}:${p.id}`, p as Playlist);
    return {
      provider,
      query: q,
      page,
      page_size,
      total,
      has_more: page * page_size < total,
      type,
      items,
    } as SearchPage;
  },
  search_all: (services, q, type, page, page_size, on_update) =>
    searchAll({
      q,
      type,
      page,
      pageSize: page_size,
      services: providers,
      signedIn: (p) => services.includes(p) && session[p] === 'logged_in',
      ask: (p) => askSearch(p, q, type, page, page_size),
      send: (merged) => on_update.onmessage(merged),
    }),
  recommended_tracks: (provider) =>
    provider === 'qq'
      ? qqTracks(20, 2)
      : makeTracks(30, 3).map((t, i) => (i < realTracks.length ? realTracks[i] : t)),
  lyrics: (provider, track_id) => {
    const mode =
      duet.lyricsMode[track_id] ??
      (provider === 'qq' ? 'qq' : track_id === '1999999' ? 'words' : 'fixture');
    if (mode === 'qq') return qqLyrics(track_id);
    if (mode === 'instrumental')
      return { provider: 'netease', track_id, instrumental: true, lines: [] };
    if (mode === 'none') return { provider: 'netease', track_id, instrumental: false, lines: [] };
    if (mode === 'lrclib' || mode === 'lrclib_plain') {
      const none = { provider, track_id, instrumental: true, lines: [] };
      if (!prefs.lyrics?.lrclib) return none;
      duet.lrclibAsked.push(track_id);
      // lyrics_source.rs: LRCLIB failing leaves the service's answer, saying why
      if (duet.lrclibDown)
        return {
          ...none,
          second_source_error: {
            kind: duet.lrclibDown,
            message:
              duet.lrclibDown === 'network'
                ? 'LRCLIB could not be reached: connection refused'
                : 'LRCLIB answered HTTP 500',
          },
        };
      const synced = mode === 'lrclib';
      const lines = ['Words LRCLIB has', 'For a song the service has none for', 'Third line'];
      return {
        provider,
        track_id,
        instrumental: false,
        lines: lines.map((text, i) => ({ start_ms: synced ? i * 1500 : 0, text })),
        source: { site: 'lrclib', synced },
      };
    }
    if (mode === 'words') return wordLyrics(track_id);
    if (mode === 'plain') {
      const l = fixtureLyrics(track_id);
      l.lines = l.lines.map(({ start_ms, text }) => ({ start_ms, text }));
      return l;
    }
    return fixtureLyrics(track_id);
  },
  comments: (provider, track_id, page, page_size) => {
    if (provider === 'qq') {
      return {
        provider,
        track_id,
        page,
        total: 3521,
        has_more: page < 3,
        hot: page === 1 ? remember(qqHotComments) : [],
        comments: remember(qqRecentComments(page, page_size)),
      };
    }
    const total = 268272;
    return {
      provider,
      track_id,
      page,
      total,
      has_more: page < 3,
      hot: page === 1 ? remember(hotComments) : [],
      comments: remember(
        page === 1
          ? [...recentComments, ...moreComments(page, page_size - 2)]
          : moreComments(page, page_size),
      ),
    };
  },
  post_comment: (provider, _trackId, content, replyTo) => {
    const me = profiles[provider];
    const c: Comment = {
      id: `posted-${++commentCounter}`,
      user: { id: me.user_id, name: me.nickname, avatar_url: me.avatar_url },
      content,
      time_ms: Date.now(),
      liked_count: 0,
    };
    if (replyTo != null) {
      const target = knownComments.get(replyTo);
      if (!target) return reject({ kind: 'not_found', message: `no comment ${replyTo}` }, provider);
      const { replied_to: _, ...quoted } = target;
      c.replied_to = quoted;
    }
    return c;
  },
  daily_checkin: (provider) =>
    provider === 'qq'
      ? cfg.checkinAlready
        ? { provider, already_done: true, message: '今天已经签过到了' }
        : { provider, already_done: false, message: '签到成功 · 本月已签到 3 天' }
      : cfg.checkinAlready
        ? { provider, already_done: true, message: '重复签到' }
        : { provider, already_done: false, points: 3, message: 'ok' },
  cover_colors: (url) =>
    colorsByUrl.get(url) ?? { background: '#2a1f2b', accent: '#b0455a', text: '#ffffff' },

  liked_ids: (provider) => library.liked(provider).map((tr) => tr.id),
  like_track: (provider, trackId, liked) => {
    const list = library.liked(provider);
    const at = list.findIndex((tr) => tr.id === trackId);
    if (at >= 0) list.splice(at, 1);
    if (liked) list.unshift(track(provider, trackId));
    return null;
  },
  playlist_create: (provider, name) => {
    const me = profiles[provider];
    const created: Playlist = {
      provider,
      id: `${provider === 'qq' ? 95 : 91}0000000${++library.created}`,
      name: name.trim(),
      cover_url: null,
      creator: { id: me.user_id, name: me.nickname },
      track_count: 0,
      liked: false,
    };
    const after = userPlaylists[provider].findIndex((p) => p.liked) + 1;
    userPlaylists[provider].splice(after, 0, created);
    library.tracks.set(`${provider}:${created.id}`, []);
    return clone(created);
  },
  playlist_rename: (provider, id, name) => {
    const p = ownPlaylist(provider, id);
    if (p instanceof Promise) return p;
    p.name = name.trim();
    return null;
  },
  playlist_delete: (provider, id) => {
    const p = ownPlaylist(provider, id);
    if (p instanceof Promise) return p;
    userPlaylists[provider].splice(userPlaylists[provider].indexOf(p), 1);
    return null;
  },
  playlist_add_tracks: (provider, id, trackIds) => {
    const p = ownPlaylist(provider, id);
    if (p instanceof Promise) return p;
    const list = library.tracksOf(provider, id);
    const fresh = trackIds.filter((t) => !list.some((tr) => tr.id === t));
    list.unshift(...fresh.map((t) => track(provider, t)));
    p.track_count = list.length;
    return null;
  },
  playlist_remove_tracks: (provider, id, trackIds) => {
    const p = ownPlaylist(provider, id);
    if (p instanceof Promise) return p;
    const list = library.tracksOf(provider, id).filter((tr) => !trackIds.includes(tr.id));
    library.tracks.set(`${provider}:${id}`, list);
    p.track_count = list.length;
    return null;
  },
  playlist_follow: (provider, id, follow) => {
    const lists = userPlaylists[provider];
    const at = lists.findIndex((p) => p.id === id);
    if (follow && at < 0) {
      const seen = seenPlaylists.get(`${provider}:${id}`) ?? basePlaylistDetail(provider, id);
      lists.push({ ...clone(seen), tracks: undefined } as Playlist);
    } else if (!follow && at >= 0) {
      lists.splice(at, 1);
    }
    return null;
  },

  player_state: () => playerState(),
  lyrics_playing: () =>
    player.track ? (handlers.lyrics!(player.track.provider, player.track.id) as Lyrics) : null,
  lyric_offset_get: (provider, trackId) => lyricOffsets.get(`${provider}:${trackId}`) ?? 0,
  lyric_offset_set: (provider, trackId, offsetMs) => {
    if (offsetMs % 100 !== 0 || Math.abs(offsetMs) > 30000)
      return reject({ kind: 'bad_request', message: `not a lyric offset: ${offsetMs} ms` });
    if (offsetMs === 0) lyricOffsets.delete(`${provider}:${trackId}`);
    else lyricOffsets.set(`${provider}:${trackId}`, offsetMs);
    return offsetMs;
  },
  desktop_lyrics_support: () => ({
    keeps_on_top: cfg.keepsOnTop ?? true,
    see_through: cfg.seeThrough ?? true,
  }),
  mini_player_toggle: () => (miniOpen = !miniOpen),
  desktop_lyrics_toggle: () => changeDesktopLyrics((d) => (d.visible = !d.visible)),
  desktop_lyrics_lock: (locked) => changeDesktopLyrics((d) => (d.locked = locked)),
  player_queue: () => clone(player.queue),
  prefs_get: () => clone(prefs),
  sound_devices: () =>
    clone(
      cfg.soundDevices ?? [
        { name: 'Built-in Audio Analog Stereo', is_default: true },
        { name: 'USB DAC', is_default: false },
      ],
    ),
  prefs_set: (next) => {
    const refused = refuseShortcuts(next.shortcuts ?? {});
    if (refused) return reject({ kind: 'bad_request', message: refused });
    // As src-tauri/src/offline.rs's `validate` and duet-download's pattern parser refuse it.
    const unknown = (next.storage?.file_name_pattern ?? '')
      .match(/\{(\w*)\}/g)
      ?.find(
        (p) =>
          ![
            '{title}',
            '{artist}',
            '{album}',
            '{album_artist}',
            '{track_no}',
            '{provider}',
          ].includes(p),
      );
    if (unknown)
      return reject({
        kind: 'bad_request',
        message: `file name pattern: unknown placeholder ${unknown}`,
      });
    prefs = clone(next);
    void events.prefs_changed.emit(clone(prefs));
    void events.now_playing_status.emit(nowPlayingStatus());
    return clone(prefs);
  },
  now_playing_status: () => nowPlayingStatus(),
  tray_language: () => undefined,
  shortcut_problems: () => {
    const keys = prefs.shortcuts ?? {};
    if (!keys.enabled) return [];
    return SHORTCUT_ACTIONS.flatMap((action) => {
      const accelerator = keys[action];
      return accelerator && (cfg.takenShortcuts ?? []).includes(accelerator)
        ? [
            {
              action,
              accelerator,
              reason: 'taken' as const,
              message: 'another app already uses these keys',
            },
          ]
        : [];
    });
  },
  storage_status: () => storageStatus(),
  offline_tracks: () =>
    [...offlineState.cached].map((k) => {
      const [provider, id] = k.split(':') as [ProviderId, string];
      return { provider, id };
    }),
  cache_clear: () => {
    const kept = new Set(
      offlineState.kept.flatMap((k) => k.tracks.map((tr) => `${tr.provider}:${tr.id}`)),
    );
    offlineState.cached = new Set([...offlineState.cached].filter((k) => kept.has(k)));
    return storageStatus();
  },
  offline_keep: (collection) => {
    startJob('keep', collection);
    return storageStatus();
  },
  offline_collection: (collection) => {
    const kept = offlineState.kept.find((k) => sameRef(k.collection, collection));
    return kept
      ? { collection, name: kept.name, cover_url: null, tracks: clone(kept.tracks) }
      : reject({ kind: 'not_found', message: 'this playlist or album is not kept offline' });
  },
  offline_unkeep: (collection) => {
    offlineState.jobs = offlineState.jobs.filter(
      (j) => !(j.kind === 'keep' && sameRef(j.collection, collection)),
    );
    offlineState.kept = offlineState.kept.filter((k) => !sameRef(k.collection, collection));
    return storageStatus();
  },
  download_track: (track) =>
    `${prefs.storage?.download_dir ?? '/home/you/Music/Duet'}/${track.artists.map((a) => a.name).join(', ')} - ${track.title}.mp3`,
  download_collection: (collection) => {
    startJob('download', collection);
    return storageStatus();
  },
  transfer_preview: async (source, target) => {
    for (const p of [source.provider, target])
      if (session[p] !== 'logged_in')
        return reject({ kind: 'not_logged_in', message: `log in to ${p} first` }, p);
    if (source.provider === target)
      return reject({ kind: 'bad_request', message: 'move it to the other service' }, target);
    const id = source.playlist === 'liked' ? likedPlaylistId(source.provider) : source.playlist;
    const pl = playlistDetail(source.provider, id ?? '');
    const tracks = pl.tracks ?? [];
    const items: PreviewItem[] = [];
    const emit = (done: number) =>
      events.transfer_preview.emit({ source, target, progress: { done, total: tracks.length } });
    await emit(0);
    for (const [i, tr] of tracks.entries()) {
      await new Promise((r) => setTimeout(r, 4));
      items.push(mockCandidates(tr, target, i));
      await emit(items.length);
    }
    const preview: Preview = {
      id: `preview${++transfers.next}`,
      source,
      source_name: pl.name,
      target,
      destination: source.playlist === 'liked' ? 'likes' : 'playlist',
      suggested_name: pl.name.slice(0, 40),
      items,
    };
    transfers.previews.set(preview.id, preview);
    return clone(preview);
  },
  transfer_preview_cancel: () => false,
  transfer_start: (request) => startTransfer(request),
  transfer_list: () =>
    [...transfers.jobs.values()].sort((a, b) => (b.created_at_ms ?? 0) - (a.created_at_ms ?? 0)),
  transfer_get: (id) => transferJob(id),
  transfer_stop: (id) => {
    const job = transfers.jobs.get(id);
    if (!job) return transferJob(id);
    if (job.status === 'running') {
      clearTimeout(transfers.timers.get(id));
      job.status = 'stopped';
      announce(job);
    }
    return clone(job);
  },
  transfer_resume: (id) => {
    const job = transfers.jobs.get(id);
    if (!job) return transferJob(id);
    if (job.status === 'stopped' || job.status === 'failed') {
      for (const t of job.tracks) if (t.state === 'failed') t.state = 'pending';
      job.status = 'running';
      job.error = null;
      recount(job);
      runJob(job);
    }
    return clone(job);
  },
  ...scrobbleMock(cfg.scrobble ?? {}, (error) => reject(error)),
  history_list: () => clone(history),
  listening_summary: (period, service, utcOffsetMinutes) =>
    mockSummary(cfg.listening ?? [], period, service, utcOffsetMinutes),
  listening_save_image: (_period, _service, _offset, language) =>
    `/home/duet/Pictures/duet-listening-${language}.png`,
  history_clear: () => {
    history.length = 0;
    return null;
  },
  share_link: (target) =>
    target.provider === 'qq'
      ? `https://y.qq.com/n/ryqq/${{ track: 'songDetail', album: 'albumDetail', playlist: 'playlist', artist: 'singer' }[target.kind]}/${target.id}`
      : `https://music.163.com/${target.kind === 'track' ? 'song' : target.kind}?id=${target.id}`,
  share_open: (text) =>
    shareTarget(text) ??
    reject({ kind: 'bad_request', message: 'this is not a NetEase Cloud Music or QQ Music link' }),
  track: (provider, id) => {
    const found = [...makeTracks(30, 0), ...realTracks].find((t) => t.id === id);
    return found
      ? { ...found, provider }
      : reject({ kind: 'not_found', message: `no track ${id}` }, provider);
  },
  playlist_duplicates: (tracks) => duplicatesOf(tracks),
  playlist_export: (playlist, format) =>
    `/home/you/Downloads/${playlist.name.replace(/[/\\:*?"<>|]/g, '_')}.${format}`,
  podcasts_subscribed: (provider) => mockSubscribed(provider),
  podcast: (provider, id) => mockPodcast(provider, id),
  podcast_episodes: (provider, id, page) => mockEpisodes(provider, id, page),
  podcast_subscribe: (provider, id, subscribe) => mockSubscribe(provider, id, subscribe),
  podcast_play: (episodes, start_index) => {
    const first = episodes[start_index];
    if (!first)
      return reject({ kind: 'bad_request', message: `start_index ${start_index} is out of range` });
    player.queue = episodes.map((e) => e.track);
    setTrack(start_index);
    player.position_ms = startAt(first);
    for (const e of episodes)
      if (!podcastProgress.has(e.id))
        podcastProgress.set(e.id, {
          provider: e.provider,
          episode_id: e.id,
          podcast_id: e.podcast_id,
          track_id: e.track.id,
          position_ms: 0,
          duration_ms: e.duration_ms,
          played: false,
          updated_at_ms: 0,
        });
    const heard = podcastProgress.get(first.id)!;
    podcastProgress.set(first.id, {
      ...heard,
      position_ms: player.position_ms,
      played: false,
      updated_at_ms: Date.now(),
    });
    emitPlayer();
    return playerState();
  },
  podcast_progress: (provider, podcast_id) =>
    [...podcastProgress.values()].filter(
      (p) => p.provider === provider && p.podcast_id === podcast_id && p.updated_at_ms > 0,
    ),
  // As the Rust player: the answer says "loading", and the track's first samples (its
  // "playing" state) can be out before the answer is read.
  player_play: async (tracks, start_index) => {
    player.queue = tracks;
    setTrack(start_index);
    const playing = player.status;
    if (player.track) player.status = 'loading';
    await emitPlayer();
    const answer = playerState();
    player.status = playing;
    await emitPlayer();
    return answer;
  },
  // appends; playback is not started (duet-player's Player::enqueue)
  player_enqueue: (tracks) => {
    if (!Array.isArray(tracks))
      return reject({ kind: 'bad_request', message: 'invalid args `tracks`' });
    if (tracks.length) {
      player.queue = [...player.queue, ...tracks];
      emitPlayer();
    }
    return playerState();
  },
  player_toggle: () => {
    if (player.track) player.status = player.status === 'playing' ? 'paused' : 'playing';
    emitPlayer();
    return playerState();
  },
  player_next: () => {
    if (player.queue.length) setTrack(Math.min(player.queue.length - 1, (player.index ?? 0) + 1));
    emitPlayer();
    return playerState();
  },
  player_previous: () => {
    if (player.queue.length) setTrack(Math.max(0, (player.index ?? 0) - 1));
    emitPlayer();
    return playerState();
  },
  player_keep_original: () => {
    if (!player.track || player.index == null)
      return reject({ kind: 'bad_request', message: 'nothing is playing' });
    keptOriginal.add(`${player.track.provider}:${player.track.id}`);
    if (player.substitute) setTrack(player.index);
    emitPlayer();
    return playerState();
  },
  // duet-player's Queue::insert_next / remove / move_item / clear_others, without shuffle
  player_play_next: (tracks) => {
    const at = player.index == null ? player.queue.length : player.index + 1;
    player.queue = [...player.queue.slice(0, at), ...tracks, ...player.queue.slice(at)];
    if (tracks.length) void emitPlayer();
    return playerState();
  },
  player_remove: (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= player.queue.length)
      return reject({
        kind: 'bad_request',
        message: `index ${index} is out of range for ${player.queue.length} tracks`,
      });
    const current = player.index;
    const wasPlaying = player.status === 'playing' || player.status === 'loading';
    player.queue = player.queue.filter((_, i) => i !== index);
    if (current != null && index < current) player.index = current - 1;
    if (current === index) {
      const last = index >= player.queue.length;
      const next = last && player.repeat !== 'off' ? 0 : Math.min(index, player.queue.length - 1);
      if (!player.queue.length) emptied();
      else if (wasPlaying && !(last && player.repeat === 'off')) setTrack(next);
      else {
        const status = last && player.repeat === 'off' ? 'ended' : player.status;
        setTrack(next);
        player.status = status === 'paused' || status === 'ended' ? status : 'idle';
      }
    }
    void emitPlayer();
    return playerState();
  },
  player_move: (from, to) => {
    const n = player.queue.length;
    if (![from, to].every((i) => Number.isInteger(i) && i >= 0 && i < n))
      return reject({
        kind: 'bad_request',
        message: `a move from ${from} to ${to} is out of range for ${n} tracks`,
      });
    const queue = [...player.queue];
    const [moved] = queue.splice(from, 1);
    queue.splice(to, 0, moved);
    player.queue = queue;
    const c = player.index;
    if (c != null)
      player.index =
        c === from ? to : from < c && c <= to ? c - 1 : to <= c && c < from ? c + 1 : c;
    void emitPlayer();
    return playerState();
  },
  player_clear_queue: () => {
    player.queue = player.track && player.index != null ? [player.queue[player.index]] : [];
    if (player.queue.length) player.index = 0;
    else emptied();
    void emitPlayer();
    return playerState();
  },
  player_jump: (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= player.queue.length)
      return reject({
        kind: 'bad_request',
        message: `index ${index} is out of range for a queue of ${player.queue.length}`,
      });
    setTrack(index);
    emitPlayer();
    return playerState();
  },
  player_seek: (position_ms) => {
    player.position_ms = position_ms;
    void events.player_position.emit({
      position_ms,
      duration_ms: player.duration_ms,
      seeked: true,
    });
    return playerState();
  },
  player_set_volume: (volume) => {
    player.volume = volume ?? player.volume;
    return playerState();
  },
  player_set_mode: (repeat, shuffle) => {
    player.repeat = repeat;
    player.shuffle = shuffle;
    emitPlayer();
    return playerState();
  },
};

/**
 * One service's part of `search_all`, recorded as that service's `search` call: held by
 * `hold: ['search:<provider>']`, failed by `fail['search:<provider>']` or `fail.search` (once
 * with `failOnce`). Both services' answers start with 晴天 (the fixtures' song), which folds.
 */
async function askSearch(
  provider: ProviderId,
  q: string,
  type: SearchType,
  page: number,
  pageSize: number,
): Promise<SearchPage> {
  duet.calls.push({ cmd: 'search', args: { provider, q, type, page, pageSize } });
  const key = `search:${provider}`;
  const held = holds.get(key);
  if (held) await new Promise<void>((r) => held.push(r));
  for (const k of [key, 'search']) {
    const once = duet.failOnce[k];
    if (once) {
      delete duet.failOnce[k];
      return reject(once, provider);
    }
  }
  const failure = duet.fail[key] ?? duet.fail.search;
  if (failure) return reject(failure, provider);
  return handlers.search!(provider, q, type, page, pageSize);
}

mockIPC(
  async (cmd, raw) => {
    const args = raw as IpcArgs | undefined;
    duet.calls.push({ cmd, args: clone(args) });
    const held = holds.get(cmd);
    if (held) await new Promise<void>((r) => held.push(r));
    // `fail["search:qq"]` fails only that provider's calls; `fail.search` every one
    const scoped = args?.provider ? `${cmd}:${args.provider}` : null;
    for (const k of [scoped, cmd]) {
      if (k && duet.failOnce[k]) {
        const e = duet.failOnce[k];
        delete duet.failOnce[k];
        return reject(e, args?.provider);
      }
    }
    if (scoped && duet.fail[scoped]) return reject(duet.fail[scoped], args?.provider);
    if (duet.fail[cmd]) return reject(duet.fail[cmd], args?.provider);
    const h = (handlers as Record<string, (...args: unknown[]) => unknown>)[cmd];
    if (!h)
      return reject(
        { kind: 'bad_request', message: `the mock does not answer ${cmd} yet` },
        args?.provider,
      );
    // The generated functions send every parameter (null when absent), keyed in the order they
    // take them: the values are the handler's arguments.
    return h(...Object.values(args ?? {}));
  },
  { shouldMockEvents: true },
);
