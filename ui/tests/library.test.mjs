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

describe('library', () => {
  test('greets the user and shows the playlists as a grid of covers', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await page.waitForSelector(id('playlist-card'));
      const cards = page.locator(id('playlist-card'));
      assert.equal(await cards.count(), 11);
      assert.match(await cards.first().innerText(), /binaryify喜欢的音乐/);
      assert.match(await cards.first().innerText(), /866 tracks/);
      assert.equal(await cards.first().locator('img').getAttribute('loading'), 'lazy');
      // grid: several cards share the first row
      const ys = await cards.evaluateAll((els) =>
        els.slice(0, 4).map((e) => e.getBoundingClientRect().top),
      );
      assert.ok(
        ys.every((y) => Math.abs(y - ys[0]) < 1),
        'cards laid out in a row',
      );
      assert.match(await page.locator(id('nickname')).innerText(), /大不6仙/);
      // the sidebar lists the playlists by name
      assert.equal(await page.locator(id('sidebar-playlist')).count(), 11);
      await shot(page, 'library-light');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('never checks in by itself; the button does, once, and shows the points', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      await page.waitForTimeout(300);
      assert.equal(await app.count('daily_checkin'), 0, 'no daily_checkin without a press');
      await page.locator(id('checkin-button')).click();
      const result = page.locator(id('checkin-result'));
      await result.waitFor();
      assert.match(await result.innerText(), /\+3 points/);
      assert.equal(await app.count('daily_checkin'), 1);
      assert.ok(await page.locator(id('checkin-button')).isDisabled());
      await shot(page, 'library-checked-in');
    } finally {
      await app.close();
    }
  });

  test('check-in: "already checked in today"', async () => {
    const app = await openApp(h, { mock: { checkinAlready: true } });
    const { page } = app;
    try {
      await page.locator(id('checkin-button')).click();
      const result = page.locator(id('checkin-result'));
      await result.waitFor();
      assert.match(await result.innerText(), /Already checked in today/);
    } finally {
      await app.close();
    }
  });

  test('check-in errors are explained in place', async () => {
    const app = await openApp(h, {
      mock: {
        fail: { daily_checkin: { kind: 'risk_control', message: '-462', upstream_code: -462 } },
      },
    });
    const { page } = app;
    try {
      await page.locator(id('checkin-button')).click();
      const result = page.locator(id('checkin-result'));
      await result.waitFor();
      assert.equal(await result.getAttribute('data-kind'), 'risk_control');
      assert.match(await result.innerText(), /safety system/);
    } finally {
      await app.close();
    }
  });

  test('empty: "You have no playlists yet"', async () => {
    const app = await openApp(h, { mock: { playlists: 'empty' } });
    const { page } = app;
    try {
      const empty = page.locator(id('library-empty'));
      await empty.waitFor();
      assert.match(await empty.innerText(), /You have no playlists yet/);
      assert.equal(await page.locator(id('playlist-card')).count(), 0);
      await shot(page, 'library-empty');
    } finally {
      await app.close();
    }
  });

  test('loading shows skeletons until the playlists arrive', async () => {
    const app = await openApp(h, { mock: { hold: ['user_playlists'] } });
    const { page } = app;
    try {
      await page.waitForSelector(`${id('library-screen')} ${id('skeleton')}`);
      assert.equal(await page.locator(id('playlist-card')).count(), 0);
      await shot(page, 'library-loading');
      await app.duet(() => window.__duet.release('user_playlists'));
      await page.waitForSelector(id('playlist-card'));
      assert.equal(await page.locator(`${id('library-screen')} ${id('skeleton')}`).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('an error is explained in place, and retry loads the playlists', async () => {
    const app = await openApp(h, {
      mock: {
        fail: {
          user_playlists: {
            kind: 'risk_control',
            message: 'NetEase answered -462',
            upstream_code: -462,
          },
        },
      },
    });
    const { page } = app;
    try {
      const panel = page.locator(id('error-panel'));
      await panel.waitFor();
      assert.equal(await panel.getAttribute('data-kind'), 'risk_control');
      const text = await panel.innerText();
      assert.match(text, /NetEase’s safety system blocked this/);
      assert.match(text, /open the official app on your phone/i);
      assert.match(text, /-462/);
      await shot(page, 'library-error');
      await app.duet(() => delete window.__duet.fail.user_playlists);
      await panel.locator(id('retry-button')).click();
      await page.waitForSelector(id('playlist-card'));
      assert.equal(await app.count('user_playlists'), 2);
      assert.equal(await page.locator(id('error-panel')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('daily picks: the entry opens recommended_tracks as a track list', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.locator(id('daily-link')).click();
      await page.waitForSelector(id('daily-screen'));
      await page.waitForSelector(id('track-row'));
      assert.equal(await app.count('recommended_tracks'), 1);
      assert.match(await page.locator(id('track-row')).first().innerText(), /我们/);
      await shot(page, 'daily');
      // the sidebar entry goes to the same place
      await page.locator(id('nav-library')).click();
      await page.waitForSelector(id('library-screen'));
      await page.locator(id('nav-daily')).click();
      await page.waitForSelector(id('daily-screen'));
      await page.locator(id('play-all')).click();
      await eventually(async () => (await app.count('player_play')) === 1);
    } finally {
      await app.close();
    }
  });

  test('a playlist card opens its page', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.locator(id('playlist-card')).nth(3).click();
      await page.waitForSelector(id('playlist-screen'));
      assert.match(
        await page.locator(id('playlist-title')).innerText(),
        /华语‖一听就忍不住想哭的歌①/,
      );
      const args = await app.duet(() => window.__duet.last('playlist'));
      assert.deepEqual(args, { provider: 'netease', id: '131149308' });
    } finally {
      await app.close();
    }
  });
});
