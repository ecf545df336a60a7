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

describe('now playing settings', () => {
  test('media controls on and the feed off by default; the feed on shows its address', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await page.locator(id('settings-button')).click();
      const group = page.locator(id('now-playing-settings'));
      assert.equal(await group.locator(id('media-controls-switch')).isChecked(), true);
      assert.equal(await group.locator(id('feed-switch')).isChecked(), false);
      assert.equal(await group.locator(id('feed-url')).count(), 0);

      await group.locator(id('feed-switch')).check();
      await page.waitForSelector(id('feed-url'));
      assert.equal(await group.locator(id('feed-url')).innerText(), 'ws://127.0.0.1:41581/');
      const saved = await app.duet(() => window.__duet.last('prefs_set'));
      assert.deepEqual(saved.next.now_playing, {
        media_controls: true,
        feed_enabled: true,
        feed_port: 41581,
      });
      await shot(page, 'settings-now-playing');

      await group.locator(id('media-controls-switch')).uncheck();
      await eventually(async () => {
        const last = await app.duet(() => window.__duet.last('prefs_set'));
        assert.equal(last.next.now_playing.media_controls, false);
        assert.equal(last.next.now_playing.feed_enabled, true, 'the feed stays on');
        return true;
      });
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a feed that cannot listen says why instead of an address', async () => {
    const app = await openApp(h, { mock: { feedPortTaken: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await page.locator(id('settings-button')).click();
      await page.locator(id('feed-switch')).check();
      const error = page.locator(id('feed-error'));
      await error.waitFor();
      assert.match(await error.innerText(), /could not listen on 127\.0\.0\.1:41581/);
      assert.equal(await page.locator(id('feed-url')).count(), 0);
    } finally {
      await app.close();
    }
  });
});
