// Playback as the Rust side reports it (player-state / player-position / lyric-line events), and
// the actions the player bar and keyboard shortcuts send.
import { api, on } from '../ipc';
import type {
  CoverColors,
  DeviceLost,
  DuetError,
  Lyrics,
  PlayerState,
  RepeatMode,
  Track,
} from '../types';
import { errorBody, errorTitle, t } from '../i18n';
import { toast } from './toasts.svelte';
import { isCurrent } from '../player-revision';
import { Resource } from './resource.svelte';

export const player = $state({
  state: null as PlayerState | null,
  /** Last reported position, and when it arrived (performance.now()). */
  positionMs: 0,
  durationMs: 0,
  positionAt: 0,
  /** The playback speed (the `sound` preferences): the position moves on this much faster. */
  speed: 1,
  lyricLine: { track_id: '', index: -1, offset_ms: 0 },
  lyricsOpen: false,
  commentsOpen: false,
  queueOpen: false,
});

function apply(s: PlayerState): void {
  if (!isCurrent(s, player.state)) return;
  const prevId = player.state?.track ? key(player.state.track) : '';
  const prevErr = player.state?.error;
  if (s.error && (s.error.kind !== prevErr?.kind || s.error.message !== prevErr?.message)) {
    if (s.stopped_after_failures != null) {
      // the player gave up on a run of unplayable tracks: say that, not the last track's error
      toast(
        t('player.stopped_after', { n: s.stopped_after_failures }),
        'warn',
        t('player.stopped_after_hint'),
      );
    } else {
      explain(s.error);
    }
  }
  player.state = s;
  player.positionMs = s.position_ms;
  player.durationMs = s.duration_ms || s.track?.duration_ms || 0;
  player.positionAt = performance.now();
  const id = s.track ? key(s.track) : '';
  if (id !== prevId && s.track && player.lyricLine.track_id !== s.track.id) {
    player.lyricLine = { track_id: s.track.id, index: -1, offset_ms: 0 };
  }
}

export function key(track: Pick<Track, 'provider' | 'id'>): string {
  return `${track.provider}:${track.id}`;
}

function explain(e: unknown): void {
  const err = e as DuetError;
  toast(
    errorTitle(err.kind),
    'error',
    `${errorBody(err)}${err.message ? ` (${err.message})` : ''}`,
  );
}

async function run(p: Promise<PlayerState>): Promise<void> {
  try {
    apply(await p);
  } catch (e) {
    explain(e);
  }
}

export async function refreshPlayer(): Promise<void> {
  try {
    apply(await api.playerState());
  } catch {
    // nothing playing yet, or the player isn't ready: the bar stays hidden
  }
}

export const hasTrack = (): boolean => !!player.state?.track;
export const isPlaying = (): boolean =>
  player.state?.status === 'playing' || player.state?.status === 'loading';

export function play(tracks: Track[], index: number): Promise<void> {
  return run(api.playerPlay(tracks, index));
}
/** Shows the state a play command of another part (podcast episodes) answered with. */
export function playWith(started: Promise<PlayerState>): Promise<void> {
  return run(started);
}
/** Plays a whole list from its first playable track (from the top when none is). */
export function playAll(tracks: Track[]): Promise<void> {
  if (!tracks.length) return Promise.resolve();
  return play(
    tracks,
    Math.max(
      0,
      tracks.findIndex((tr) => tr.playable),
    ),
  );
}
export function toggle(): Promise<void> {
  return run(api.playerToggle());
}
export function next(): Promise<void> {
  return run(api.playerNext());
}
export function previous(): Promise<void> {
  return run(api.playerPrevious());
}
export function jump(index: number): Promise<void> {
  return run(api.playerJump(index));
}
/** Play anywhere's way back: the current track plays from its own service only. */
export function keepOriginal(): Promise<void> {
  return run(api.playerKeepOriginal());
}
/** Appends to the queue (playback isn't started) and says so, unless `quiet` (a mode refilling
 * its own queue, like personal FM). */
export async function enqueue(tracks: Track[], quiet = false): Promise<void> {
  try {
    apply(await api.playerEnqueue(tracks));
    if (!quiet) toast(t('queue.added'));
  } catch (e) {
    explain(e);
  }
}
/** Puts tracks right after the current one (they play next). */
export async function playNext(tracks: Track[]): Promise<void> {
  if (!tracks.length) return;
  try {
    apply(await api.playerPlayNext(tracks));
    toast(t('queue.playing_next', { n: tracks.length }));
  } catch (e) {
    explain(e);
  }
}
export function removeFromQueue(index: number): Promise<void> {
  return run(api.playerRemove(index));
}
export function moveInQueue(from: number, to: number): Promise<void> {
  return run(api.playerMove(from, to));
}
/** Keeps only the current track. */
export function clearQueue(): Promise<void> {
  return run(api.playerClearQueue());
}
export function seek(ms: number): Promise<void> {
  const d = player.durationMs;
  const target = Math.max(0, d > 0 ? Math.min(ms, d) : ms);
  player.positionMs = target;
  player.positionAt = performance.now();
  return run(api.playerSeek(target));
}
export function seekBy(deltaMs: number): Promise<void> {
  if (!player.state?.track) return Promise.resolve();
  return seek(livePosition() + deltaMs);
}
export function setVolume(v: number): Promise<void> {
  const volume = Math.round(Math.min(1, Math.max(0, v)) * 100) / 100;
  if (player.state) player.state.volume = volume;
  return run(api.playerSetVolume(volume));
}
export function volumeBy(delta: number): Promise<void> {
  return setVolume((player.state?.volume ?? 1) + delta);
}
export function cycleRepeat(): Promise<void> {
  const order: RepeatMode[] = ['off', 'all', 'one'];
  const cur = player.state?.repeat ?? 'off';
  const nextMode = order[(order.indexOf(cur) + 1) % order.length];
  return run(api.playerSetMode(nextMode, player.state?.shuffle ?? false));
}
export function toggleShuffle(): Promise<void> {
  return run(api.playerSetMode(player.state?.repeat ?? 'off', !(player.state?.shuffle ?? false)));
}

/**
 * The position now, moving on from the last report while playing, at the playback speed (at
 * most 1.5 s of waiting ahead).
 */
export function livePosition(now = performance.now()): number {
  if (player.state?.status !== 'playing') return player.positionMs;
  const ahead = Math.min(1500, Math.max(0, now - player.positionAt)) * player.speed;
  const p = player.positionMs + ahead;
  return player.durationMs > 0 ? Math.min(p, player.durationMs) : p;
}

// ---- lyrics and cover colours, cached per track / cover ----
const lyricsCache = new Map<string, Resource<Lyrics>>();
export function lyricsOf(track: Track): Resource<Lyrics> {
  const k = key(track);
  let r = lyricsCache.get(k);
  if (!r) {
    r = new Resource(() => api.lyrics(track.provider, track.id));
    lyricsCache.set(k, r);
    if (lyricsCache.size > 30) lyricsCache.delete(lyricsCache.keys().next().value as string);
  }
  return r;
}

/** After LRCLIB was turned on or off: asks again for the lyrics it could change (none, or
 * LRCLIB's own); the others stay cached. */
export function reloadSecondSourceLyrics(): void {
  for (const r of lyricsCache.values()) {
    if (r.data && (r.data.lines.length === 0 || r.data.source)) void r.load();
  }
}

const colorCache = new Map<string, Resource<CoverColors>>();
export function colorsOf(url: string): Resource<CoverColors> {
  let r = colorCache.get(url);
  if (!r) {
    r = new Resource(() => api.coverColors(url));
    colorCache.set(url, r);
    if (colorCache.size > 50) colorCache.delete(colorCache.keys().next().value as string);
  }
  return r;
}

/** What happened when the output device went away, in words, naming both devices. */
function deviceLostText(d: DeviceLost): string {
  const lost = d.lost ?? t('player.device_lost.unnamed');
  if (d.action === 'pause') return t('player.device_lost.paused', { lost });
  if (d.now_on == null) return t('player.device_lost.silent', { lost });
  return t('player.device_lost.moved', { lost, device: d.now_on });
}

export async function wirePlayerEvents(): Promise<void> {
  await Promise.all([
    on('player_state', apply),
    on('player_position', (p) => {
      player.positionMs = p.position_ms;
      if (p.duration_ms > 0) player.durationMs = p.duration_ms;
      player.positionAt = performance.now();
    }),
    on('lyric_line', (l) => {
      player.lyricLine = { track_id: l.track_id, index: l.index, offset_ms: l.offset_ms ?? 0 };
    }),
    on('player_skipped', (s) => {
      toast(t('player.skipped', { title: s.track.title, reason: s.reason }), 'warn');
    }),
    on('player_device_lost', (d) => toast(deviceLostText(d), 'warn')),
    on('error', (e) => explain(e)),
    on('prefs_changed', (prefs) => (player.speed = prefs.sound?.speed ?? 1)),
  ]);
  api.prefsGet().then(
    (prefs) => (player.speed = prefs.sound?.speed ?? 1),
    () => {},
  );
}
