// Word timing, shared by the lyrics page and the desktop lyrics: how far through a word the
// song is, at a position already moved by the track's lyric offset (`lyric-line`'s offset_ms).
import type { DesktopLyricsPrefs, LyricWord } from '../types';

/** 0 before the word, 1 once sung, in between while it is sung. */
export function wordProgress(w: LyricWord, pos: number): number {
  if (pos <= w.start_ms) return 0;
  if (w.duration_ms <= 0 || pos >= w.start_ms + w.duration_ms) return 1;
  return (pos - w.start_ms) / w.duration_ms;
}

/** `sung` / `singing` / `pending`, for tests and styles. */
export function wordState(p: number): 'sung' | 'singing' | 'pending' {
  return p >= 1 ? 'sung' : p > 0 ? 'singing' : 'pending';
}

/** An offset as the lyrics page shows it: "+0.3 s", "−1.2 s", "0 s". */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0 s';
  const s = (Math.abs(ms) / 1000).toFixed(1);
  return `${ms > 0 ? '+' : '−'}${s} s`;
}

/**
 * The desktop lyrics preferences with every field there. The Rust side always sends them all
 * (prefs.rs `DesktopLyricsPrefs::default()` is the one source of the defaults); its
 * `#[serde(default)]` only makes the generated type optional. These stand in until the first
 * answer arrives.
 */
export type FullDesktopLyricsPrefs = Required<DesktopLyricsPrefs>;
export function fullPrefs(p: DesktopLyricsPrefs | undefined): FullDesktopLyricsPrefs {
  return {
    visible: p?.visible ?? false,
    locked: p?.locked ?? false,
    font_size: p?.font_size ?? 32,
    sung_color: p?.sung_color ?? '#5ec8ff',
    unsung_color: p?.unsung_color ?? '#ffffff',
    two_lines: p?.two_lines ?? true,
    translation: p?.translation ?? true,
    font_family: p?.font_family ?? 'system',
    font_weight: p?.font_weight ?? 700,
  };
}
