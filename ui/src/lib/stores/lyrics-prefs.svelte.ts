// The lyrics page's preferences (prefs.json's `lyrics`: LRCLIB on or off, the page's font),
// followed through `prefs-changed` so a change in Settings applies at once.
import { api, on } from '../ipc';
import type { LyricsFont, LyricsPrefs } from '../bindings';
import { clamp, fontStack } from '../lyrics-font';
import { reloadSecondSourceLyrics } from './player.svelte';

/** prefs.rs `LyricsPrefs::default()`, until the first answer. */
const DEFAULT_FONT: Required<LyricsFont> = { family: 'system', size: 26, weight: 700 };

export const lyricsPrefs = $state({ lrclib: false, font: { ...DEFAULT_FONT } });

let applied = false;
function apply(p: LyricsPrefs | undefined): void {
  const lrclib = p?.lrclib ?? false;
  if (applied && lrclib !== lyricsPrefs.lrclib) reloadSecondSourceLyrics();
  applied = true;
  lyricsPrefs.lrclib = lrclib;
  lyricsPrefs.font = { ...DEFAULT_FONT, ...(p?.font ?? {}) } as Required<LyricsFont>;
}

let wired: Promise<void> | null = null;
/** Follows the preferences for the page's life (once, however many views ask). */
export function wireLyricsPrefs(): Promise<void> {
  wired ??= (async () => {
    await on('prefs_changed', (p) => apply(p.lyrics));
    apply((await api.prefsGet()).lyrics);
  })().catch(() => {});
  return wired;
}

/** Saves a change to the `lyrics` section (starting from the file's other sections). */
export async function changeLyricsPrefs(change: Partial<LyricsPrefs>): Promise<void> {
  const prefs = await api.prefsGet();
  const next = await api.prefsSet({ ...prefs, lyrics: { ...prefs.lyrics, ...change } });
  apply(next.lyrics);
}

/** The lyrics page's font as CSS custom properties. */
export function lyricsFontStyle(font: LyricsFont): string {
  const size = clamp(font.size ?? undefined, 12, 96, DEFAULT_FONT.size);
  const weight = clamp(font.weight ?? undefined, 100, 900, DEFAULT_FONT.weight);
  return `--ly-family: ${fontStack(font.family ?? undefined)}; --ly-size: ${size}px; --ly-weight: ${weight};`;
}
