// The mini player's page (mini.html): the playing track, its lyric line from `lyric-line`, and
// the controls driving the one player; opened from the player bar's desktop lyrics menu.
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

describe('mini player', () => {
  test('shows the track and its line, and drives the player', async () => {
    const app = await openApp(h, {
      page: 'mini.html',
      viewport: { width: 380, height: 112 },
      mock: { playing: true },
    });
    const { page } = app;
    try {
      const first = await app.duet(() => window.__duet.player.track);
      await eventually(
        async () => (await page.locator(id('mini-title')).innerText()).trim() === first.title,
      );
      const lyrics = await app.duet(() => window.__TAURI_INTERNALS__.invoke('lyrics_playing', {}));
      const index = lyrics.lines.findIndex((l, i) => i > 2 && l.text);
      await app.emit('lyric-line', { track_id: first.id, index, offset_ms: 0 });
      await eventually(
        async () =>
          (await page.locator(id('mini-lyric')).innerText()).trim() === lyrics.lines[index].text,
      );
      await shot(page, 'mini-player');

      const toggle = page.locator(id('mini-toggle'));
      assert.equal(await toggle.getAttribute('data-playing'), 'true');
      await toggle.click();
      await eventually(async () => (await toggle.getAttribute('data-playing')) === 'false');
      assert.equal(await app.count('player_toggle'), 1);

      await page.locator(id('mini-next')).click();
      const second = await app.duet(() => window.__duet.player.track);
      assert.notEqual(second.id, first.id);
      await eventually(
        async () => (await page.locator(id('mini-title')).innerText()).trim() === second.title,
      );
      // The line of the last track is not shown for the new one.
      assert.notEqual(
        (await page.locator(id('mini-lyric')).innerText()).trim(),
        lyrics.lines[index].text,
      );
      await page.locator(id('mini-previous')).click();
      assert.equal(await app.count('player_previous'), 1);
      await page.locator(id('mini-close')).click();
      assert.equal(await app.count('mini_player_toggle'), 1);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the player bar opens it', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await page.locator(id('desktop-lyrics-settings-button')).click();
      const button = page.locator(id('mini-player-button'));
      await button.click();
      await eventually(async () => (await button.getAttribute('aria-pressed')) === 'true');
      assert.equal(await app.count('mini_player_toggle'), 1);
    } finally {
      await app.close();
    }
  });
});
