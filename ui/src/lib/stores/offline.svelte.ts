// Music offline (src-tauri/src/offline.rs): what can play without the services, offline mode,
// kept playlists and albums with their progress, downloads. The Rust side does the work; this
// store asks it (`storage_status`, `offline_tracks`) when a screen needs the figures, and every
// second while a keep or download job runs.

import { SvelteSet } from 'svelte/reactivity';
import { errorBody, errorTitle, t } from '../i18n';
import { api, ipc, on } from '../ipc';
import type {
  CollectionRef,
  DuetError,
  JobKind,
  KeptCollection,
  KeptCopy,
  OfflineJob,
  StorageStatus,
  Track,
} from '../bindings';
import { toast } from './toasts.svelte';

/** How often running jobs are looked at. */
const POLL_MS = 1000;

export const offline = $state<{
  status: StorageStatus | null;
  mode: boolean;
  /** The services could not be reached (a page fell back to its kept copy). */
  unreachable: boolean;
  /** The Rust side was asked at least once (whether offline mode is on is known). */
  checked: boolean;
}>({
  status: null,
  mode: false,
  unreachable: false,
  checked: false,
});

/** `provider:id` of every track that plays offline. */
const here = new SvelteSet<string>();
let started = false;
let firstCheck: Promise<void> | null = null;
let poll: ReturnType<typeof setTimeout> | null = null;

function keyOf(track: Pick<Track, 'provider' | 'id'>): string {
  return `${track.provider}:${track.id}`;
}

/** The track is on this computer (cached or kept). */
export function playsOffline(track: Pick<Track, 'provider' | 'id'>): boolean {
  return here.has(keyOf(track));
}

/** Offline (by the setting, or the services out of reach) and the track is not here. */
export function blockedOffline(track: Pick<Track, 'provider' | 'id'>): boolean {
  return (offline.mode || offline.unreachable) && !here.has(keyOf(track));
}

/**
 * `load` (a playlist's or album's page from its service); when the service cannot be reached
 * and the collection is kept offline, the copy kept with it, as `fromCopy` shapes it. The
 * tracks that are not here are dimmed from then on, until the service answers again. In
 * offline mode a kept collection opens from its copy without asking the service at all.
 */
export async function withKeptCopy<T>(
  load: () => Promise<T>,
  collection: CollectionRef,
  fromCopy: (copy: KeptCopy) => T,
): Promise<T> {
  startOffline();
  await firstCheck;
  if (offline.mode && keptOf(collection)) return fromCopy(await ipc.offline_collection(collection));
  try {
    const value = await load();
    offline.unreachable = false;
    return value;
  } catch (e) {
    if ((e as DuetError).kind !== 'network') throw e;
    let copy: KeptCopy;
    try {
      copy = await ipc.offline_collection(collection);
    } catch {
      throw e;
    }
    offline.unreachable = true;
    startOffline();
    await refreshOffline();
    return fromCopy(copy);
  }
}

function sameCollection(a: CollectionRef, b: CollectionRef): boolean {
  return a.provider === b.provider && a.kind === b.kind && a.id === b.id;
}

/**
 * Whether the library (the account's playlists) may be loaded from the services: once offline
 * mode is known to be off. Starts following the offline state.
 */
export function servicesAsked(): boolean {
  startOffline();
  return offline.checked && !offline.mode;
}

/** Turns offline mode off (the preferences' other sections as they are). */
export async function goOnline(): Promise<void> {
  try {
    const prefs = await api.prefsGet();
    await api.prefsSet({ ...prefs, storage: { ...prefs.storage, offline_mode: false } });
    await refreshOffline();
  } catch (e) {
    explain(e);
  }
}

export function keptOf(c: CollectionRef): KeptCollection | undefined {
  return offline.status?.kept.find((k) => sameCollection(k.collection, c));
}

export function jobOf(c: CollectionRef, kind: JobKind): OfflineJob | undefined {
  return offline.status?.jobs.find((j) => j.kind === kind && sameCollection(j.collection, c));
}

function apply(status: StorageStatus): void {
  offline.status = status;
  offline.mode = status.offline_mode;
  if (poll) clearTimeout(poll);
  poll = status.jobs.some((j) => j.running)
    ? setTimeout(() => void refreshOffline(), POLL_MS)
    : null;
}

function explain(e: unknown): void {
  const err = e as DuetError;
  toast(
    errorTitle(err.kind),
    'error',
    `${errorBody(err)}${err.message ? ` (${err.message})` : ''}`,
  );
}

/** Asks the Rust side for the figures and the tracks that play offline. */
export async function refreshOffline(): Promise<void> {
  try {
    const [status, tracks] = await Promise.all([ipc.storage_status(), ipc.offline_tracks()]);
    here.clear();
    for (const k of tracks) here.add(keyOf(k));
    apply(status);
  } catch (e) {
    console.warn('offline status', e);
  } finally {
    offline.checked = true;
  }
}

/** Loads the figures once and follows the preferences (offline mode, the cap) from then on. */
export function startOffline(): void {
  if (started) return;
  started = true;
  firstCheck = refreshOffline();
  void on('prefs_changed', () => void refreshOffline());
}

export async function keepOffline(c: CollectionRef): Promise<void> {
  try {
    apply(await ipc.offline_keep(c));
  } catch (e) {
    explain(e);
  }
}

export async function unkeepOffline(c: CollectionRef): Promise<void> {
  try {
    apply(await ipc.offline_unkeep(c));
    await refreshOffline();
  } catch (e) {
    explain(e);
  }
}

export async function downloadCollection(c: CollectionRef): Promise<void> {
  try {
    apply(await ipc.download_collection(c));
  } catch (e) {
    explain(e);
  }
}

/** Saves each track as a file, one after the other; says where each went. */
export async function downloadTracks(tracks: Track[]): Promise<void> {
  for (const track of tracks) {
    try {
      const path = await ipc.download_track(track, null);
      toast(t('offline.downloaded', { title: track.title }), 'info', path);
    } catch (e) {
      explain(e);
    }
  }
}

export async function clearCache(): Promise<void> {
  try {
    apply(await ipc.cache_clear());
    await refreshOffline();
  } catch (e) {
    explain(e);
  }
}

/** Bytes for people: `512 MB`, `1.5 GB`. */
export function fmtBytes(bytes: number): string {
  const mb = bytes / (1 << 20);
  if (mb < 1024) return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
  const gb = mb / 1024;
  return `${gb < 10 ? gb.toFixed(1) : Math.round(gb)} GB`;
}
