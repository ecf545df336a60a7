// Share links: "copy link" on any page, and opening a link pasted into the search box. The Rust
// side reads the link (duet_core::share) and resolves short links with one request to their
// service; this file only sends the UI where the link points.
import type { ShareTarget } from './bindings';
import { ipc } from './ipc';
import { errorBody, t } from './i18n';
import { play } from './stores/player.svelte';
import { navigate } from './stores/router.svelte';
import { toast } from './stores/toasts.svelte';
import type { DuetError } from './types';

/** Whether a search box's text is a web link (or a share text carrying one) rather than a query. */
export function looksLikeLink(text: string): boolean {
  return /https?:\/\/\S/i.test(text);
}

/** Copies the canonical link of a page to the clipboard, and says so. */
export async function copyLink(target: ShareTarget): Promise<void> {
  try {
    const link = await ipc.share_link(target);
    await navigator.clipboard.writeText(link);
    toast(t('share.copied'), 'info', link);
  } catch (e) {
    const err = e as DuetError;
    toast(t('share.bad_link'), 'error', err.message ?? String(e));
  }
}

/**
 * Opens the page a pasted link names: a playlist, album or artist page; a song plays. Answers
 * false when the link could not be opened (a toast says why).
 */
export async function openLink(text: string): Promise<boolean> {
  let target: ShareTarget;
  try {
    target = await ipc.share_open(text);
  } catch (e) {
    const err = e as DuetError;
    toast(t('share.bad_link'), 'error', err.message || errorBody(err));
    return false;
  }
  const { provider, id } = target;
  switch (target.kind) {
    case 'playlist':
      navigate({ name: 'playlist', provider, id });
      return true;
    case 'album':
      navigate({ name: 'album', provider, id });
      return true;
    case 'artist':
      navigate({ name: 'artist', provider, id });
      return true;
    case 'track':
      try {
        const track = await ipc.track(provider, id);
        await play([track], 0);
        return true;
      } catch (e) {
        const err = e as DuetError;
        toast(t('share.bad_link'), 'error', err.message || errorBody(err));
        return false;
      }
  }
}
