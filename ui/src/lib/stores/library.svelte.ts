// Per-provider data of the signed-in user: playlists and daily picks, loaded once, retried on demand.
import { api } from '../ipc';
import type { Playlist, Provider, Track } from '../types';
import { Resource } from './resource.svelte';

const playlists = new Map<Provider, Resource<Playlist[]>>();
const daily = new Map<Provider, Resource<Track[]>>();

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

export function resetLibrary(p: Provider): void {
  playlists.get(p)?.reset();
  daily.get(p)?.reset();
}
