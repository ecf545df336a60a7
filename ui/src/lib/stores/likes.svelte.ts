// The liked tracks of each signed-in account: the whole id set read once (one request per
// service, never one per row), then kept up to date by the person's own likes and unlikes. A
// heart anywhere (track rows, the player bar, the lyrics page) reads it.
import { SvelteSet } from 'svelte/reactivity';
import { api } from '../ipc';
import type { DuetError, Provider, Track } from '../types';
import { noteLikeChanged } from './library-writes.svelte';
import { session } from './session.svelte';
import { showReadError, showWriteError } from './write-errors';

class Likes {
  ids = new SvelteSet<string>();
  /** Track ids whose like or unlike is on its way (a second click waits for it). */
  pending = new SvelteSet<string>();
  loaded = $state(false);
  error = $state<DuetError | null>(null);
  /** The account the set is of (plain: set while a heart's `$derived` asks, never reactive). */
  owner: string | null = null;
  #seq = 0;
  readonly provider: Provider;

  constructor(provider: Provider) {
    this.provider = provider;
  }

  #reading: Promise<void> | null = null;

  /** The set read, waiting for the read under way rather than asking again. */
  async ready(): Promise<void> {
    if (this.loaded) return;
    await (this.#reading ?? this.load());
  }

  /** Forgets the set and reads the account's afresh (one request). */
  load(): Promise<void> {
    const reading = this.#read();
    this.#reading = reading;
    void reading.finally(() => {
      if (this.#reading === reading) this.#reading = null;
    });
    return reading;
  }

  async #read(): Promise<void> {
    const seq = ++this.#seq;
    this.ids.clear();
    this.loaded = false;
    try {
      const ids = await api.likedIds(this.provider);
      if (seq !== this.#seq) return;
      for (const id of ids) this.ids.add(id);
      this.loaded = true;
      this.error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = e as DuetError;
      // Not a silent row of empty hearts: say the set could not be read (a click reads again).
      showReadError(this.error);
    }
  }
}

// Made once, here, outside any component: a set first made inside a heart's `$derived` would
// not be tracked by it.
const all: Record<Provider, Likes> = { netease: new Likes('netease'), qq: new Likes('qq') };

/** The liked set of `provider`'s signed-in account (read on first use; `null` signed out). */
export function likesOf(provider: Provider): Likes | null {
  const owner = session.accounts[provider]?.user_id;
  if (!owner) return null;
  const likes = all[provider];
  if (likes.owner !== owner) {
    likes.owner = owner;
    // Out of the asking `$derived`, which may not write state.
    queueMicrotask(() => void likes.load());
  }
  return likes;
}

export function isLiked(track: Pick<Track, 'provider' | 'id'>): boolean {
  return likesOf(track.provider)?.ids.has(track.id) ?? false;
}

export function likePending(track: Pick<Track, 'provider' | 'id'>): boolean {
  return likesOf(track.provider)?.pending.has(track.id) ?? false;
}

/** Likes or unlikes `track` because the person clicked its heart: one request, not retried. */
export async function toggleLike(track: Track): Promise<void> {
  const likes = likesOf(track.provider);
  if (!likes || likes.pending.has(track.id)) return;
  likes.pending.add(track.id);
  try {
    // Whether it is liked must be known before the write says the opposite.
    await likes.ready();
    if (!likes.loaded) return;
    const liked = !likes.ids.has(track.id);
    await api.likeTrack(track.provider, track.id, liked);
    if (liked) likes.ids.add(track.id);
    else likes.ids.delete(track.id);
    noteLikeChanged(track.provider, liked);
  } catch (e) {
    showWriteError(e as DuetError);
  } finally {
    likes.pending.delete(track.id);
  }
}

/** Rows taken out of the liked-songs playlist itself are no longer liked. */
export function forgetLikes(provider: Provider, trackIds: string[]): void {
  const likes = likesOf(provider);
  for (const id of trackIds) likes?.ids.delete(id);
}
