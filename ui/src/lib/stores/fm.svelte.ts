// Personal FM and heartbeat mode (issue 14, item 1). FM plays through the ordinary player and
// queue: this store starts it, keeps the queue filled (the next batch is asked before the queue
// runs out, and no track is queued twice), and sends "not interested" (the FM trash) only when
// the person presses it. Heartbeat mode plays the service's intelligence queue from one song.
import { untrack } from 'svelte';
import { ipc } from '../ipc';
import { errorBody, errorTitle, t } from '../i18n';
import type { DuetError, Provider, Track } from '../types';
import { enqueue, key, next, play, player, removeFromQueue } from './player.svelte';
import { toast } from './toasts.svelte';

/** The services whose personal FM Duet plays: NetEase's 私人FM, QQ Music's radio 猜你喜欢. */
export const FM_PROVIDERS: readonly Provider[] = ['netease', 'qq'];
/** Where "not interested" exists (no maintained reference shows QQ Music's: docs/qqmusic-wire.md). */
export const canTrash = (provider: Provider): boolean => provider === 'netease';
/** Where heartbeat mode exists (NetEase's 心动模式 only). */
export const HEARTBEAT_PROVIDERS: readonly Provider[] = ['netease'];
/** Ask for the next batch when this few tracks are left after the current one. */
const REFILL_WHEN_LEFT = 1;
/** Batches in a row that bring nothing new before FM says it has run dry. */
const TRIES_FOR_NEW = 3;

export const fm = $state({
  /** The service whose FM is playing (or was last started). */
  provider: null as Provider | null,
  /** A batch is being asked for. */
  loading: false,
  trashing: false,
  /** The last batch request failed (FM stays where it was). */
  error: null as DuetError | null,
  /** The service kept sending only tracks already queued. */
  dry: false,
});

/** Every track id FM queued this time, so a batch never queues one again. */
const queued = new Set<string>();

/** Whether what plays now is personal FM's. */
export function fmPlaying(): boolean {
  const track = player.state?.track;
  return !!fm.provider && !!track && track.provider === fm.provider && queued.has(track.id);
}

async function freshBatch(provider: Provider): Promise<Track[]> {
  for (let i = 0; i < TRIES_FOR_NEW; i++) {
    const batch = await ipc.fm_batch(provider);
    const fresh: Track[] = [];
    for (const track of batch) {
      if (track.playable && !queued.has(track.id)) {
        queued.add(track.id);
        fresh.push(track);
      }
    }
    if (fresh.length) return fresh;
  }
  return [];
}

async function ask(provider: Provider, then: (tracks: Track[]) => Promise<void>): Promise<void> {
  if (fm.loading) return;
  fm.loading = true;
  fm.error = null;
  try {
    const fresh = await freshBatch(provider);
    if (fresh.length) await then(fresh);
    else fm.dry = true;
  } catch (e) {
    fm.error = e as DuetError;
  } finally {
    fm.loading = false;
  }
}

let watching = false;
/** Refills the queue while FM plays, on whatever screen the person is. */
function keepFilled(): void {
  if (watching) return;
  watching = true;
  $effect.root(() => {
    $effect(() => {
      const s = player.state;
      if (!s || s.index == null || !fm.provider || fm.dry || fm.error) return;
      if (!fmPlaying()) return;
      if (s.queue_length - 1 - s.index <= REFILL_WHEN_LEFT) {
        const provider = fm.provider;
        // Only a new player state asks again: a refill that failed to queue waits for one.
        untrack(() => void ask(provider, (fresh) => enqueue(fresh, true)));
      }
    });
  });
}

/** Starts personal FM of `provider` afresh: a new queue of its first batch. */
export function startFm(provider: Provider): Promise<void> {
  fm.provider = provider;
  fm.dry = false;
  queued.clear();
  keepFilled();
  return ask(provider, (fresh) => play(fresh, 0));
}

/** Asks again after a failed batch. */
export function retryFm(): Promise<void> {
  if (!fm.provider) return Promise.resolve();
  const provider = fm.provider;
  if (!fmPlaying()) return startFm(provider);
  return ask(provider, (fresh) => enqueue(fresh, true));
}

/**
 * "Not interested": tells the service once, skips the track, then takes it out of the queue. The
 * skip comes first because only the player knows what plays next (shuffled, the next in play
 * order is not the next in the queue); once it is not current, removing it stops nothing.
 */
export async function trashCurrent(): Promise<void> {
  const track = player.state?.track;
  if (!track || !fmPlaying() || fm.trashing) return;
  fm.trashing = true;
  try {
    await ipc.fm_trash(track.provider, track.id);
    toast(t('fm.trashed', { title: track.title }));
    const at = player.state?.index;
    if (player.state?.track && key(player.state.track) === key(track) && at != null) {
      await next();
      if (player.state?.index !== at) await removeFromQueue(at);
    }
  } catch (e) {
    const err = e as DuetError;
    toast(
      errorTitle(err.kind),
      'error',
      `${errorBody(err)}${err.message ? ` (${err.message})` : ''}`,
    );
  } finally {
    fm.trashing = false;
  }
}

/** Heartbeat mode: the service's queue started from `track` of the (liked) `playlistId`. */
export async function startHeartbeat(track: Track, playlistId: string): Promise<void> {
  try {
    const tracks = await ipc.heartbeat(track.provider, track.id, playlistId);
    if (!tracks.length) {
      toast(t('heartbeat.empty'), 'warn');
      return;
    }
    fm.provider = null;
    await play(tracks, 0);
    toast(t('heartbeat.started', { title: track.title }));
  } catch (e) {
    const err = e as DuetError;
    toast(
      errorTitle(err.kind),
      'error',
      `${errorBody(err)}${err.message ? ` (${err.message})` : ''}`,
    );
  }
}
