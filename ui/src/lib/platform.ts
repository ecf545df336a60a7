/** The desktop system the page runs on, as far as its fonts go (app.css `:root[data-os]`). */
export type Os = 'linux' | 'macos' | 'windows' | 'other';

/** Reads the system from a user agent: WebKitGTK says `X11; Linux` (or `Linux` on Wayland),
 * WKWebView `Macintosh`, WebView2 `Windows NT`. Android and ChromeOS are not Linux desktops. */
export function osOf(userAgent: string): Os {
  if (/Windows NT/.test(userAgent)) return 'windows';
  if (/Macintosh|Mac OS X/.test(userAgent)) return 'macos';
  if (/Linux/.test(userAgent) && !/Android|CrOS/.test(userAgent)) return 'linux';
  return 'other';
}

/** Marks `<html data-os>` before the first frame, so the font stack fits the system. */
export function markPlatform(root: HTMLElement = document.documentElement): Os {
  const os = osOf(navigator.userAgent);
  root.dataset.os = os;
  return os;
}
