// Per-provider data of the signed-in user: playlists, daily picks and today's check-in, loaded
// once, retried on demand, forgotten when that service signs out.
import { api } from '../ipc';
import type { CheckIn, DuetError, Playlist, Profile, Provider, Track } from '../types';
import { Resource } from './resource.svelte';

const playlists = new Map<Provider, Resource<Playlist[]>>();
const daily = new Map<Provider, Resource<Track[]>>();
const checkins = new Map<Provider, CheckInState>();

export function playlistsOf(p: Provider): Resource<Playlist[]> {
  let r = playlists.get(p);
  if (!r) {
    r = new Resource(() => api.userPlaylists(p));
    playlists.set(p, r);
  }
  return r;
}

export function dailyOf(p: Provider): Resource<Track[]> {
  let r = daily.get(p);
  if (!r) {
    r = new Resource(() => api.recommendedTracks(p));
    daily.set(p, r);
  }
  return r;
}

/** One service's daily check-in: only ever because a person pressed its button. */
export class CheckInState {
  result = $state<CheckIn | null>(null);
  error = $state<DuetError | null>(null);
  busy = $state(false);
  #provider: Provider;
  #seq = 0;

  constructor(provider: Provider) {
    this.#provider = provider;
  }

  async press(): Promise<void> {
    if (this.busy || this.result) return;
    const mine = ++this.#seq;
    this.busy = true;
    this.error = null;
    try {
      const r = await api.dailyCheckin(this.#provider);
      if (mine === this.#seq) this.result = r;
    } catch (e) {
      if (mine === this.#seq) this.error = e as DuetError;
    } finally {
      if (mine === this.#seq) this.busy = false;
    }
  }

  reset(): void {
    this.#seq++;
    this.result = null;
    this.error = null;
    this.busy = false;
  }
}

export function checkinOf(p: Provider): CheckInState {
  let c = checkins.get(p);
  if (!c) {
    c = new CheckInState(p);
    checkins.set(p, c);
  }
  return c;
}

export function resetLibrary(p: Provider): void {
  playlists.get(p)?.reset();
  daily.get(p)?.reset();
  checkins.get(p)?.reset();
}

// Rust marks the liked-songs list (`liked`); by name only when an older answer lacks the flag.
const LIKED_NAME = /(^我喜欢(的音乐)?$)|(喜欢的音乐$)|(^liked songs$)/i;

/** The id of the service's liked-songs playlist in `lists`, if there is one. */
export function likedId(lists: Playlist[], profile: Profile | undefined): string | null {
  const flagged = lists.find((p) => p.liked === true);
  if (flagged) return flagged.id;
  if (lists.some((p) => p.liked === false)) return null;
  const named = lists.filter((p) => LIKED_NAME.test(p.name.trim()));
  const own = named.find((p) => profile?.user_id && p.creator.id === profile.user_id);
  return (own ?? named[0])?.id ?? null;
}

/** The playlists with the liked-songs one first, the rest in the service's order. */
export function likedFirst(lists: Playlist[], profile: Profile | undefined): Playlist[] {
  const id = likedId(lists, profile);
  if (id === null) return lists;
  const i = lists.findIndex((p) => p.id === id);
  return i <= 0 ? lists : [lists[i], ...lists.slice(0, i), ...lists.slice(i + 1)];
}
