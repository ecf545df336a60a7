// Shared test harness: a static server for ui/dist on a random loopback port, one headless
// Chromium per test file (playwright-core, Debian's /usr/bin/chromium), and a fresh browser
// context per test with the fake backend injected before the app's own scripts.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(ui, 'dist');
export const screenshots = join(ui, 'tests', 'screenshots');
const mockScript = readFileSync(join(ui, 'tests', '.build', 'mock.js'), 'utf8');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    if (path.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    if (!path) path = 'index.html';
    const file = join(dist, path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** QQ Music's image CDNs (covers, playlist art, avatars). */
export const QQ_IMAGE_HOSTS =
  /(^|\.)(gtimg\.cn|qpic\.y\.qq\.com|music-file\.y\.qq\.com|qlogo\.cn)$/;

/** Deterministic stand-in artwork for an image URL. */
function artFor(url) {
  let h = 2166136261;
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 16777619) >>> 0;
  const a = h % 360;
  const b = (a + 50 + ((h >> 9) % 70)) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300" width="300" height="300"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${a} 60% 60%)"/><stop offset="1" stop-color="hsl(${b} 55% 34%)"/></linearGradient></defs><rect width="300" height="300" fill="url(#g)"/><circle cx="${90 + (h % 120)}" cy="${80 + ((h >> 7) % 140)}" r="${40 + (h % 50)}" fill="#fff" opacity=".22"/><circle cx="210" cy="220" r="60" fill="hsl(${(a + 180) % 360} 70% 72%)" opacity=".55"/></svg>`;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts the server and the browser; call `stop()` in `after`. */
export async function startHarness() {
  const server = await serve();
  const { port } = server.address();
  let browser;
  for (let attempt = 0; ; attempt++) {
    try {
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
        // playwright gives every launch a fresh temporary profile (user-data-dir) of its own
        args: CHROMIUM_ARGS,
        headless: true,
        timeout: 120_000,
      });
      break;
    } catch (e) {
      if (attempt >= 2) throw e;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  const base = `http://127.0.0.1:${port}/`;
  return {
    base,
    browser,
    async stop() {
      await browser.close().catch(() => {});
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Opens the app in a fresh context.
 * options: { mock: config for the fake backend, colorScheme, locale, viewport, hash, settings,
 *   page: the page to open (index.html, or lyrics.html for the desktop lyrics window) }
 */
export async function openApp(h, options = {}) {
  const context = await h.browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    reducedMotion: 'reduce',
    deviceScaleFactor: 1,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  context.setDefaultTimeout(20_000);
  // Nothing leaves the machine: anything not served from our loopback server is refused, except
  // QQ Music's image hosts, which are answered here with generated artwork (QQ covers arrive as
  // y.gtimg.cn URLs, and the UI must show them as they are).
  await context.route(
    (url) => !url.href.startsWith(h.base) && !url.protocol.startsWith('data'),
    (route) => {
      const url = new URL(route.request().url());
      if (QQ_IMAGE_HOSTS.test(url.hostname)) {
        return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: artFor(url.href) });
      }
      return route.abort();
    },
  );
  await context.addInitScript((cfg) => {
    window.__DUET_MOCK__ = cfg;
  }, options.mock ?? {});
  if (options.settings) {
    await context.addInitScript((s) => {
      localStorage.setItem('duet.settings', JSON.stringify(s));
    }, options.settings);
  }
  await context.addInitScript({ content: mockScript });
  const page = await context.newPage();
  const problems = [];
  const dialogs = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(h.base + (options.page ?? 'index.html') + (options.hash ?? ''));
  return {
    page,
    context,
    problems,
    dialogs,
    /** The fake backend's call log. */
    calls: (cmd) => page.evaluate((c) => window.__duet.calls.filter((x) => !c || x.cmd === c), cmd),
    count: (cmd) => page.evaluate((c) => window.__duet.count(c), cmd),
    emit: (event, payload) => page.evaluate(([e, p]) => window.__duet.emit(e, p), [event, payload]),
    duet: (fn, arg) => page.evaluate(fn, arg),
    async close() {
      await context.close();
    },
  };
}

export const byTestId = (id) => `[data-testid="${id}"]`;

export async function shot(page, name) {
  if (!existsSync(screenshots)) mkdirSync(screenshots, { recursive: true });
  // let images decode and transitions settle
  await page.evaluate(() => document.fonts?.ready);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

/** Polls `fn` (in node) until it returns truthy; for values the page only reaches eventually. */
export async function eventually(fn, { timeout = 15_000, interval = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`condition not met in ${timeout} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
