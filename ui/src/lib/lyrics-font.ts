// The fonts offered for lyrics (prefs.json's `lyrics.font` and `desktop_lyrics.font_*`): a few
// families as CSS fallback chains that end in a generic family, so each one shows something on
// every system, and the CJK one reaches a face with Chinese and Japanese glyphs first.
import type { FontFamily } from './bindings';
import type { MessageKey } from './i18n';

export const FONT_FAMILIES: { family: FontFamily; key: MessageKey; stack: string }[] = [
  { family: 'system', key: 'lyrics_font.system', stack: 'inherit' },
  {
    family: 'sans',
    key: 'lyrics_font.sans',
    stack: "'Inter', 'Segoe UI', 'Helvetica Neue', Arial, 'Noto Sans', sans-serif",
  },
  {
    family: 'serif',
    key: 'lyrics_font.serif',
    stack: "Georgia, 'Times New Roman', 'Noto Serif', 'Noto Serif CJK SC', 'Songti SC', serif",
  },
  {
    family: 'cjk',
    key: 'lyrics_font.cjk',
    stack:
      "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Hiragino Sans', 'WenQuanYi Micro Hei', sans-serif",
  },
  {
    family: 'rounded',
    key: 'lyrics_font.rounded',
    stack:
      "ui-rounded, 'SF Pro Rounded', 'Nunito', 'Varela Round', 'Arial Rounded MT Bold', sans-serif",
  },
  {
    family: 'monospace',
    key: 'lyrics_font.monospace',
    stack:
      "ui-monospace, 'SF Mono', 'Cascadia Mono', 'DejaVu Sans Mono', 'Noto Sans Mono', monospace",
  },
];

/** The weights offered (CSS numbers). */
export const FONT_WEIGHTS = [300, 400, 500, 600, 700, 800, 900] as const;

/** The CSS `font-family` of a family (the system's for an unknown one). */
export function fontStack(family: FontFamily | undefined): string {
  return FONT_FAMILIES.find((f) => f.family === family)?.stack ?? 'inherit';
}

/** A size or weight within its bounds (what a hand-edited prefs.json may not keep). */
export function clamp(value: number | undefined, min: number, max: number, fallback: number) {
  return value == null || !Number.isFinite(value) ? fallback : Math.min(max, Math.max(min, value));
}
