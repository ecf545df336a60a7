// The person's own playlists: create, rename, delete, add and remove tracks, follow someone
// else's. Each change is one request made because the person acted, never retried; on success
// the library (the sidebar, the library screen) and any open playlist page read it back.
import { api } from '../ipc';
import { t } from '../i18n';
import type { IconName } from '../components/Icon.svelte';
import type { DuetError, Playlist, Provider, Track } from '../types';
import { forgetLikes } from './likes.svelte';
import { likedId, playlistsOf } from './library.svelte';
import { session } from './session.svelte';
import { toast } from './toasts.svelte';
import { showWriteError } from './write-errors';

/** How many times each playlist (`provider:id`) changed here: an open page reloads on a bump. */
const revisions = $state<Record<string, number>>({});

export function revisionOf(provider: Provider, id: string): number {
  return revisions[`${provider}:${id}`] ?? 0;
}

function bump(provider: Provider, id: string): void {
  const k = `${provider}:${id}`;
  revisions[k] = (revisions[k] ?? 0) + 1;
}

/** Whether `p` is the signed-in account's own (its liked songs, or one it created). */
export function isOwn(p: Playlist): boolean {
  const me = session.accounts[p.provider];
  if (!me) return false;
  if (p.liked) return true;
  // QQ Music names its own playlists' creator by the encrypted uin, the profile by musicid:
  // the nickname ties them. Rust refuses a change to someone else's playlist anyway.
  return p.creator.id === me.user_id || (p.provider === 'qq' && p.creator.name === me.nickname);
}

/** The playlists tracks can be added to: the account's own, the liked songs left out. */
export function ownPlaylists(provider: Provider): Playlist[] {
  const lists = playlistsOf(provider).data ?? [];
  const liked = likedId(lists, session.accounts[provider]);
  return lists.filter((p) => p.id !== liked && isOwn(p));
}

/** A like or unlike landed: the liked-songs playlist counts it and an open page reloads. */
export function noteLikeChanged(provider: Provider, liked: boolean): void {
  const lists = playlistsOf(provider).data;
  const id = lists ? likedId(lists, session.accounts[provider]) : null;
  if (!lists || id === null) return;
  const p = lists.find((l) => l.id === id);
  if (p) p.track_count = Math.max(0, p.track_count + (liked ? 1 : -1));
  bump(provider, id);
}

async function write<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    showWriteError(e as DuetError);
    return undefined;
  }
}

export async function createPlaylist(provider: Provider, name: string): Promise<Playlist | null> {
  const created = await write(() => api.playlistCreate(provider, name));
  if (!created) return null;
  await playlistsOf(provider).load();
  toast(t('mine.created', { name: created.name }));
  return created;
}

export async function renamePlaylist(p: Playlist, name: string): Promise<boolean> {
  const done = await write(() => api.playlistRename(p.provider, p.id, name));
  if (done === undefined) return false;
  await playlistsOf(p.provider).load();
  bump(p.provider, p.id);
  return true;
}

export async function deletePlaylist(p: Playlist): Promise<boolean> {
  const done = await write(() => api.playlistDelete(p.provider, p.id));
  if (done === undefined) return false;
  await playlistsOf(p.provider).load();
  toast(t('mine.deleted', { name: p.name }));
  return true;
}

/** Adds `tracks` (all of one service) to playlist `p`, in writes of at most 500. */
export async function addTracks(p: Playlist, tracks: Track[]): Promise<boolean> {
  const ids = [...new Set(tracks.filter((tr) => tr.provider === p.provider).map((tr) => tr.id))];
  for (let i = 0; i < ids.length; i += 500) {
    const done = await write(() => api.playlistAddTracks(p.provider, p.id, ids.slice(i, i + 500)));
    if (done === undefined) return false;
  }
  await playlistsOf(p.provider).load();
  bump(p.provider, p.id);
  toast(t('mine.added', { n: ids.length, name: p.name }));
  return true;
}

export async function removeTracks(p: Playlist, tracks: Track[]): Promise<boolean> {
  const ids = [...new Set(tracks.map((tr) => tr.id))];
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const done = await write(() => api.playlistRemoveTracks(p.provider, p.id, batch));
    if (done === undefined) return false;
    if (p.liked) forgetLikes(p.provider, batch);
  }
  await playlistsOf(p.provider).load();
  bump(p.provider, p.id);
  return true;
}

/** Whether the account follows `p` (it is in the library and not its own). */
export function isFollowed(p: Playlist): boolean {
  return (playlistsOf(p.provider).data ?? []).some((l) => l.id === p.id) && !isOwn(p);
}

export async function setFollowed(p: Playlist, follow: boolean): Promise<boolean> {
  const done = await write(() => api.playlistFollow(p.provider, p.id, follow));
  if (done === undefined) return false;
  await playlistsOf(p.provider).load();
  toast(t(follow ? 'mine.followed' : 'mine.unfollowed', { name: p.name }));
  return true;
}

// ---- the dialogs (LibraryDialogs.svelte shows them) ----------------------------------------

export type Dialog =
  | { kind: 'add'; tracks: Track[] }
  | { kind: 'create'; provider: Provider; then?: Track[] }
  | { kind: 'rename'; playlist: Playlist }
  | { kind: 'delete'; playlist: Playlist }
  /** Any other change that cannot be undone: `confirm` makes it and says whether it was made. */
  | {
      kind: 'confirm';
      title: string;
      body: string;
      action: string;
      confirm: () => Promise<boolean>;
    };

/** An entry a screen adds to its rows' menu (the cloud disk's delete). */
export interface MenuAction {
  label: string;
  icon: IconName;
  testid: string;
  run: () => void;
}

/** A track's menu, at the pointer: its tracks, the own playlist they may leave, and the
 * screen's own entries for them. */
export interface TrackMenu {
  x: number;
  y: number;
  tracks: Track[];
  removeFrom?: Playlist;
  actions?: MenuAction[];
}

export const dialogs = $state<{ open: Dialog | null; menu: TrackMenu | null }>({
  open: null,
  menu: null,
});

export function openMenu(menu: TrackMenu): void {
  dialogs.menu = menu;
}

export function openDialog(d: Dialog): void {
  dialogs.open = d;
}

export function closeDialog(): void {
  dialogs.open = null;
}
