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

async function search(page, q) {
  const input = page.locator(id('search-input'));
  await input.fill(q);
  await input.press('Enter');
}

const KINDS = [
  'not_logged_in',
  'session_expired',
  'risk_control',
  'verification_required',
  'rate_limited',
  'not_found',
  'unavailable',
  'bad_request',
  'upstream',
  'network',
  'declined',
  'forbidden',
  'unsupported_media_type',
  'keychain',
];

describe('search', () => {
  test('Enter searches; tabs switch between tracks, albums, artists and playlists', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await search(page, '搁浅');
      await page.waitForSelector(id('search-screen'));
      await page.waitForSelector(id('search-result'));
      assert.deepEqual(await app.duet(() => window.__duet.last('search')), {
        provider: 'netease',
        q: '搁浅',
        type: 'track',
        page: 1,
        pageSize: 30,
      });
      const first = page.locator(id('search-result')).first();
      assert.ok(await first.getAttribute('data-track-id'));
      assert.equal(
        await page.locator(id('search-tab-track')).getAttribute('aria-selected'),
        'true',
      );
      await shot(page, 'search-tracks');

      for (const type of ['album', 'artist', 'playlist']) {
        await page.locator(id(`search-tab-${type}`)).click();
        await eventually(
          async () => (await app.duet(() => window.__duet.last('search').type)) === type,
        );
        await page.waitForSelector(`${id('search-result')}:not([data-track-id])`);
        assert.equal(
          await page.locator(id(`search-tab-${type}`)).getAttribute('aria-selected'),
          'true',
        );
        await shot(page, `search-${type}s`);
      }
      assert.match(await page.locator(id('search-result')).first().innerText(), /死亡搁浅官方歌单/);

      // back to tracks: cached, no new call
      const before = await app.count('search');
      await page.locator(id('search-tab-track')).click();
      await page.waitForSelector(`${id('search-result')}[data-track-id]`);
      assert.equal(await app.count('search'), before);

      // a playlist result opens the playlist page
      await page.locator(id('search-tab-playlist')).click();
      await page.locator(id('search-result')).first().click();
      await page.waitForSelector(id('playlist-screen'));
      assert.match(await page.locator(id('playlist-title')).innerText(), /死亡搁浅官方歌单/);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a track result plays on double-click', async () => {
    const app = await openApp(h, { hash: '#/search?q=hello' });
    const { page } = app;
    try {
      await page.locator(id('search-result')).nth(2).dblclick();
      await eventually(async () => (await app.count('player_play')) === 1);
      assert.equal(await app.duet(() => window.__duet.last('player_play').startIndex), 2);
    } finally {
      await app.close();
    }
  });

  test('"Load more" fetches the next page until there is no more', async () => {
    const app = await openApp(h, { hash: '#/search?q=hello&type=album' });
    const { page } = app;
    try {
      await page.waitForSelector(id('search-result'));
      assert.equal(await page.locator(id('search-result')).count(), 30);
      for (const [pageNo, count] of [
        [2, 60],
        [3, 90],
        [4, 95],
      ]) {
        await page.locator(id('load-more')).click();
        await eventually(async () => (await page.locator(id('search-result')).count()) === count);
        assert.equal(await app.duet(() => window.__duet.last('search').page), pageNo);
      }
      assert.equal(await page.locator(id('load-more')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('"Load more" on tracks appends to the virtual list', async () => {
    const app = await openApp(h, { hash: '#/search?q=hello' });
    const { page } = app;
    try {
      await page.waitForSelector(id('search-result'));
      const scroller = page.locator('[data-scroll-root]');
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.locator(id('load-more')).click();
      await eventually(async () => (await app.duet(() => window.__duet.last('search').page)) === 2);
      // The appended rows lay out a frame or two after the answer: scroll to the end until the
      // last one is rendered.
      const last = page.locator(`${id('search-result')}[data-index="59"]`);
      await eventually(async () => {
        await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
        return (await last.count()) > 0;
      });
      await last.waitFor();
    } finally {
      await app.close();
    }
  });

  test('empty results: "No results for …"', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await search(page, 'zzzqx');
      const empty = page.locator(id('search-empty'));
      await empty.waitFor();
      assert.match(await empty.innerText(), /No results for “zzzqx”/);
      await shot(page, 'search-empty');
    } finally {
      await app.close();
    }
  });

  test('loading shows skeletons until the page arrives', async () => {
    const app = await openApp(h, { mock: { hold: ['search:netease'] } });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await search(page, 'slow');
      await page.waitForSelector(`${id('search-screen')} ${id('skeleton')}`);
      assert.equal(await page.locator(id('search-result')).count(), 0);
      await shot(page, 'search-loading');
      await app.duet(() => window.__duet.release('search:netease'));
      await page.waitForSelector(id('search-result'));
      assert.equal(await page.locator(`${id('search-screen')} ${id('skeleton')}`).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('every error kind gets its own plain-words explanation', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      const texts = new Map();
      for (const kind of KINDS.filter((k) => k !== 'session_expired')) {
        await app.duet(
          (k) => (window.__duet.fail.search = { kind: k, message: `detail for ${k}` }),
          kind,
        );
        await search(page, `q ${kind}`);
        const panel = page.locator(`${id('error-panel')}[data-kind="${kind}"]`);
        await panel.waitFor();
        const explanation = await panel.locator(id('error-explanation')).innerText();
        assert.ok(explanation.length > 20, `${kind}: "${explanation}"`);
        assert.match(await panel.innerText(), new RegExp(`detail for ${kind}`));
        texts.set(kind, explanation);
        if (kind === 'risk_control') await shot(page, 'search-error-risk-control');
      }
      assert.match(texts.get('risk_control'), /NetEase’s safety system blocked this/);
      assert.match(texts.get('rate_limited'), /Wait a minute/);
      assert.match(texts.get('network'), /offline/);
      // retry repeats the search
      await app.duet(() => delete window.__duet.fail.search);
      await page.locator(id('retry-button')).click();
      await page.waitForSelector(id('search-result'));

      // session_expired: back to the QR, with the reason
      await app.duet(
        () => (window.__duet.fail.search = { kind: 'session_expired', message: '301' }),
      );
      await search(page, 'expired');
      await page.waitForSelector(id('login-screen'));
      const notice = await page.locator(id('login-notice')).innerText();
      texts.set('session_expired', notice);
      assert.match(notice, /login expired/);
      assert.equal(new Set(texts.values()).size, KINDS.length, 'a different text for each kind');
    } finally {
      await app.close();
    }
  });

  test('Ctrl+F and "/" focus the search field', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      await page.locator('body').click({ position: { x: 600, y: 700 } });
      await page.keyboard.press('Control+f');
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        'search-input',
      );
      await page.locator(id('nav-library')).focus();
      await page.keyboard.press('/');
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        'search-input',
      );
      assert.equal(await page.locator(id('search-input')).inputValue(), '');
    } finally {
      await app.close();
    }
  });
});
