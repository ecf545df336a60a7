// The desktop lyrics' preferences as both windows see them (prefs.json's `desktop_lyrics`,
// followed through `prefs-changed`), and what this desktop lets the window do.
import { api, ipc, on } from '../ipc';
import type { DesktopLyricsPrefs, DesktopLyricsSupport } from '../types';
import { fullPrefs, type FullDesktopLyricsPrefs } from './timing';

export const desktopLyrics = $state({
  prefs: fullPrefs(undefined) as FullDesktopLyricsPrefs,
  support: null as DesktopLyricsSupport | null,
});

/** Follows the preferences until the returned function is called; resolves once the first
 * answer is in. */
export async function wireDesktopLyrics(): Promise<() => void> {
  const unlisten = await on(
    'prefs_changed',
    (p) => (desktopLyrics.prefs = fullPrefs(p.desktop_lyrics)),
  );
  const [prefs, support] = await Promise.all([
    api.prefsGet(),
    ipc.desktop_lyrics_support().catch(() => null),
  ]);
  desktopLyrics.prefs = fullPrefs(prefs.desktop_lyrics);
  desktopLyrics.support = support;
  return unlisten;
}

export async function toggleDesktopLyrics(): Promise<void> {
  desktopLyrics.prefs = fullPrefs(await ipc.desktop_lyrics_toggle());
}

export async function lockDesktopLyrics(locked: boolean): Promise<void> {
  desktopLyrics.prefs = fullPrefs(await ipc.desktop_lyrics_lock(locked));
}

/** Changes the look (size, colours, lines, translation); from the main window only. */
export async function changeDesktopLyrics(change: Partial<DesktopLyricsPrefs>): Promise<void> {
  const current = await api.prefsGet();
  const next = await api.prefsSet({
    ...current,
    desktop_lyrics: { ...fullPrefs(current.desktop_lyrics), ...change },
  });
  desktopLyrics.prefs = fullPrefs(next.desktop_lyrics);
}
