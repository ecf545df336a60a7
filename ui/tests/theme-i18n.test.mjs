import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { byTestId as id, eventually, openApp, shot, startHarness } from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

/** Relative luminance of the body background (0 black … 1 white). */
async function bodyLuminance(page) {
  const rgb = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = rgb.match(/\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe('fonts', () => {
  const bodyFont = (page) => page.evaluate(() => getComputedStyle(document.body).fontFamily);
  const os = (page) => page.evaluate(() => document.documentElement.dataset.os);

  test('on Linux, the desktop sans-serif first and only families Linux can have', async () => {
    const app = await openApp(h, {
      userAgent:
        'Mozilla/5.0 (X11; Ubuntu; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
    });
    try {
      await app.page.waitForSelector(id('library-screen'));
      assert.equal(await os(app.page), 'linux');
      const font = await bodyFont(app.page);
      assert.match(font, /^sans-serif, "Noto Sans CJK SC"/);
      for (const absent of ['-apple-system', 'Segoe UI', 'PingFang SC', 'Microsoft YaHei']) {
        assert.ok(!font.includes(absent), `${absent} in the Linux stack: ${font}`);
      }
    } finally {
      await app.close();
    }
  });

  for (const [name, userAgent, first, cjk] of [
    [
      'macos',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)',
      '-apple-system',
      'PingFang SC',
    ],
    [
      'windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      '-apple-system',
      'Microsoft YaHei',
    ],
  ]) {
    test(`on ${name}, the system's UI font and its CJK family`, async () => {
      const app = await openApp(h, { userAgent });
      try {
        await app.page.waitForSelector(id('library-screen'));
        assert.equal(await os(app.page), name);
        const font = await bodyFont(app.page);
        assert.ok(font.startsWith(first), font);
        assert.ok(font.includes(cjk), font);
      } finally {
        await app.close();
      }
    });
  }
});

describe('theme', () => {
  test('follows prefers-color-scheme: dark', async () => {
    const app = await openApp(h, { colorScheme: 'dark', mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      assert.ok((await bodyLuminance(page)) < 0.15, 'dark background');
      const text = await page.evaluate(() => getComputedStyle(document.body).color);
      const [r] = text.match(/\d+/g).map(Number);
      assert.ok(r > 200, `light text (${text})`);
      await shot(page, 'library-dark');
      await page.locator(id('playlist-card')).nth(3).click();
      await page.waitForSelector(id('track-row'));
      await shot(page, 'playlist-dark');
      await page.locator(id('search-input')).fill('晴天');
      await page.locator(id('search-input')).press('Enter');
      await page.waitForSelector(id('search-result'));
      await page.locator(id('search-tab-album')).click();
      await page.waitForSelector(`${id('search-result')}:not([data-track-id])`);
      await shot(page, 'search-dark');
    } finally {
      await app.close();
    }
  });

  test('light by default', async () => {
    const app = await openApp(h, { colorScheme: 'light' });
    try {
      await app.page.waitForSelector(id('library-screen'));
      assert.ok((await bodyLuminance(app.page)) > 0.85, 'light background');
    } finally {
      await app.close();
    }
  });

  test('the login in dark', async () => {
    const app = await openApp(h, {
      colorScheme: 'dark',
      mock: { session: 'logged_out', keychain: 'memory' },
    });
    try {
      await app.page.waitForSelector(id('qr-image-netease'));
      assert.ok((await bodyLuminance(app.page)) < 0.15);
      await shot(app.page, 'login-dark');
    } finally {
      await app.close();
    }
  });

  test('a theme chosen in settings overrides the system and is remembered', async () => {
    const app = await openApp(h, { colorScheme: 'light' });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      await page.locator(id('settings-button')).click();
      await page.locator(id('theme-dark')).click();
      await eventually(async () => (await bodyLuminance(page)) < 0.15);
      await shot(page, 'settings-menu');
      await page.reload();
      await page.waitForSelector(id('library-screen'));
      await eventually(async () => (await bodyLuminance(page)) < 0.15);
    } finally {
      await app.close();
    }
  });
});

describe('small window', () => {
  test('at the minimum window size the playlist and the lyrics (with comments) still fit', async () => {
    const app = await openApp(h, {
      viewport: { width: 860, height: 560 },
      mock: { playing: true },
      hash: '#/playlist/netease/131149308',
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth > window.innerWidth,
      );
      assert.equal(overflow, false, 'no horizontal scrolling');
      await shot(page, 'narrow-playlist');
      await page.locator(id('lyrics-button')).click();
      await page.locator(id('comments-button')).click();
      await page.waitForSelector(id('comment'));
      assert.ok(await page.locator(id('translation-toggle')).isVisible());
      await shot(page, 'narrow-lyrics');
    } finally {
      await app.close();
    }
  });
});

describe('language', () => {
  test('Chinese when navigator.language is zh', async () => {
    const app = await openApp(h, { locale: 'zh-CN', mock: { session: 'logged_out' } });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-netease'));
      assert.match(
        await page.locator(id('qr-state-netease')).innerText(),
        /请使用网易云音乐 App 扫码/,
      );
      assert.match(await page.locator(id('login-screen')).innerText(), /登录后开始聆听/);
      await shot(page, 'login-zh');
      const key = await app.duet(() => window.__duet.qr.netease.key);
      await app.emit('login-state', { provider: 'netease', method: 'app', key, state: 'scanned' });
      await page.waitForSelector(`${id('qr-state-netease')}[data-state="scanned"]`);
      assert.match(
        await page.locator(id('qr-state-netease')).innerText(),
        /已扫码，请在手机上确认/,
      );
    } finally {
      await app.close();
    }
  });

  test('Chinese library, check-in and error explanations', async () => {
    const app = await openApp(h, {
      locale: 'zh-CN',
      mock: {
        playing: true,
        fail: { recommended_tracks: { kind: 'risk_control', message: '-462' } },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      const text = await page.locator(id('library-screen')).innerText();
      assert.match(text, /我的歌单/);
      assert.match(text, /每日签到/);
      assert.match(await page.locator(id('playlist-card')).first().innerText(), /866 首/);
      await shot(page, 'library-zh');
      await page.locator(id('checkin-button')).click();
      await page.waitForSelector(id('checkin-result'));
      assert.match(await page.locator(id('checkin-result')).innerText(), /签到成功 · 积分 \+3/);
      await page.locator(id('daily-link')).click();
      const panel = page.locator(id('error-panel'));
      await panel.waitFor();
      assert.match(await panel.innerText(), /网易云音乐的安全系统拦截了这次操作/);
      assert.match(await panel.innerText(), /重试/);
      await page.locator(id('lyrics-button')).click();
      await page.waitForSelector(id('translation-toggle'));
      assert.match(await page.locator(id('translation-toggle')).innerText(), /翻译/);
      assert.match(await page.locator(id('romanization-toggle')).innerText(), /音译/);
    } finally {
      await app.close();
    }
  });

  test('switching the language in settings is immediate and remembered', async () => {
    const app = await openApp(h, { locale: 'en-US' });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      assert.match(await page.locator(id('nav-library')).innerText(), /Library/);
      await page.locator(id('settings-button')).click();
      await page.locator(id('language-zh')).click();
      assert.match(await page.locator(id('nav-library')).innerText(), /音乐库/);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
      await page.reload();
      await page.waitForSelector(id('playlist-card'));
      assert.match(await page.locator(id('nav-library')).innerText(), /音乐库/);
      assert.match(await page.locator(id('search-input')).getAttribute('placeholder'), /搜索歌曲/);
      await page.locator(id('settings-button')).click();
      await page.locator(id('language-auto')).click();
      assert.match(await page.locator(id('nav-library')).innerText(), /Library/);
    } finally {
      await app.close();
    }
  });
});
