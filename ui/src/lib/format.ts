import { locale } from './i18n';
import type { ArtistRef } from './types';

/** 3000 → "0:03", 3_723_000 → "1:02:03". */
export function fmtTime(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A long total: "2 hr 5 min" / "2 小时 5 分钟". */
export function fmtTotal(ms: number): string {
  const min = Math.round(ms / 60000);
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (locale() === 'zh') return h ? `${h} 小时 ${m} 分钟` : `${m} 分钟`;
  return h ? `${h} hr ${m} min` : `${m} min`;
}

/** 12345 → "12,345" (grouped digits, same in both languages). */
export function fmtInt(n: number): string {
  return n.toLocaleString('en');
}

/** 12345 → "12,345" / "1.2万". */
export function fmtCount(n: number): string {
  if (locale() === 'zh') {
    if (n >= 1e8) return `${trim(n / 1e8)}亿`;
    if (n >= 1e4) return `${trim(n / 1e4)}万`;
    return String(n);
  }
  if (n >= 1e6) return `${trim(n / 1e6)}M`;
  if (n >= 1e4) return `${trim(n / 1e3)}K`;
  return n.toLocaleString('en');
}

function trim(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}

export function fmtDate(ms: number): string {
  const d = new Date(ms);
  const now = Date.now();
  const diff = now - ms;
  const zh = locale() === 'zh';
  if (diff >= 0 && diff < 60_000) return zh ? '刚刚' : 'just now';
  if (diff >= 0 && diff < 3_600_000) {
    const m = Math.floor(diff / 60_000);
    return zh ? `${m} 分钟前` : `${m} min ago`;
  }
  if (diff >= 0 && diff < 86_400_000) {
    const h = Math.floor(diff / 3_600_000);
    return zh ? `${h} 小时前` : `${h} h ago`;
  }
  return d.toLocaleDateString(zh ? 'zh-CN' : 'en', {
    year: d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

export function artistNames(artists: ArtistRef[]): string {
  return artists.map((a) => a.name).join(locale() === 'zh' ? ' / ' : ', ');
}

/** NetEase's image CDN (p1.music.126.net, p2.…): the only one that understands `?param=`. */
const NETEASE_IMG = /^https?:\/\/([a-z0-9-]+\.)*music\.126\.net\//i;

/**
 * A cover URL at about `px` pixels. NetEase's image CDN scales on request (`?param=WxH`), which
 * keeps a grid of covers light; other URLs (QQ Music's y.gtimg.cn, data: URIs, …) are returned
 * as they are.
 */
export function sized(url: string | null | undefined, px: number): string | null {
  if (!url) return null;
  if (NETEASE_IMG.test(url) && !url.includes('?')) {
    const n = Math.round(px * Math.min(2, window.devicePixelRatio || 1));
    return `${url}?param=${n}y${n}`;
  }
  return url;
}

/** A stable, pleasant hue for something without a cover. */
export function hueOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 360;
  return h;
}

/**
 * The rows of a virtualised list worth rendering: those in `[offset, offset + viewport)` plus
 * `overscan` rows on each side. `end` is exclusive.
 */
export function rowWindow(
  offset: number,
  viewport: number,
  count: number,
  row: number,
  overscan: number,
): { start: number; end: number } {
  return {
    start: Math.max(0, Math.floor(offset / row) - overscan),
    end: Math.min(count, Math.ceil((offset + viewport) / row) + overscan),
  };
}
