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

describe('playlist page', () => {
  test('a 10,000-track playlist keeps only the visible rows in the DOM and scrolls to the end', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/10000' });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-screen'));
      await page.waitForSelector(id('track-row'));
      assert.match(await page.locator(id('playlist-title')).innerText(), /10,000 Track Test/);
      const rows = await page.locator(id('track-row')).count();
      assert.ok(rows > 5 && rows < 100, `${rows} rows in the DOM`);
      const scroller = page.locator('[data-scroll-root]');
      const height = await scroller.evaluate((el) => el.scrollHeight);
      assert.ok(height > 10_000 * 50, `spacer keeps the full height (${height}px)`);
      await shot(page, 'playlist');

      // jump through the middle, then to the very end
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
      await page.waitForSelector(`${id('track-row')}[data-index="5000"]`);
      assert.ok((await page.locator(id('track-row')).count()) < 100);
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
      const last = page.locator(`${id('track-row')}[data-index="9999"]`);
      await last.waitFor();
      assert.match(await last.innerText(), /The Last Song #10000/);
      assert.ok(await last.isVisible());
      const lastBox = await last.boundingBox();
      const viewBox = await scroller.boundingBox();
      assert.ok(
        lastBox.y + lastBox.height <= viewBox.y + viewBox.height + 1,
        'last row inside the viewport',
      );
      assert.ok((await page.locator(id('track-row')).count()) < 100);
      await shot(page, 'playlist-end');

      // double-click plays from that row with the whole list
      await last.dblclick();
      await eventually(async () => (await app.count('player_play')) === 1);
      const args = await app.duet(() => {
        const a = window.__duet.last('player_play');
        return { n: a.tracks.length, start: a.startIndex, id: a.tracks[a.startIndex].id };
      });
      assert.deepEqual(args, {
        n: 10_000,
        start: 9999,
        id: await last.getAttribute('data-track-id'),
      });
      await page.waitForSelector(id('player-bar'));
      assert.match(await page.locator(id('player-title')).innerText(), /The Last Song #10000/);
    } finally {
      await app.close();
    }
  });

  test('grey tracks are dimmed with their reason, VIP tracks carry a badge', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/705619441' });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const grey = page.locator(`${id('track-row')}[data-playable="false"]`).first();
      assert.equal(await grey.getAttribute('title'), '暂无版权');
      assert.match(await grey.locator(id('unavailable-label')).innerText(), /暂无版权/);
      const opacity = await grey
        .locator('.track-text')
        .evaluate((el) => Number(getComputedStyle(el).opacity));
      assert.ok(opacity < 0.7, `grey row dimmed (${opacity})`);
      const vip = page.locator(id('track-row'), { has: page.locator(id('vip-badge')) }).first();
      assert.match(await vip.innerText(), /VIP/);
      assert.match(await vip.innerText(), /Preview/);
      const playable = page.locator(`${id('track-row')}[data-playable="true"]`).first();
      assert.equal(await playable.locator(id('unavailable-label')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('hostile service text is rendered as text, never as HTML', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const app = await openApp(h, {
      hash: '#/library',
      mock: {
        playlists: [
          {
            provider: 'netease',
            id: '666',
            name: evil,
            cover_url: null,
            creator: { id: '1', name: '<b>bold</b><script>alert(2)</script>' },
            track_count: 3,
            description: '<iframe src="javascript:alert(3)"></iframe> & <svg onload=alert(4)>',
          },
        ],
      },
    });
    const { page } = app;
    try {
      const card = page.locator(id('playlist-card'));
      await card.waitFor();
      assert.match(await card.innerText(), /<img src=x onerror=alert\(1\)>/);
      await card.click();
      await page.waitForSelector(id('playlist-title'));
      assert.equal(await page.locator(id('playlist-title')).innerText(), evil);
      assert.match(await page.locator(id('playlist-creator')).innerText(), /<b>bold<\/b><script>/);
      assert.match(await page.locator(id('playlist-description')).innerText(), /<iframe/);
      // no element was created from the text
      assert.equal(
        await page
          .locator('img[src="x"], iframe, [data-testid="playlist-screen"] svg[onload], b')
          .count(),
        0,
      );
      await page.waitForTimeout(300);
      assert.deepEqual(app.dialogs, [], 'no alert/dialog fired');
      assert.deepEqual(app.problems, []);
      await shot(page, 'playlist-hostile');
    } finally {
      await app.close();
    }
  });

  test('Enter on a focused row plays from it; "Play all" starts at the first playable track', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/705619441' });
    const { page } = app;
    try {
      const row = page.locator(`${id('track-row')}[data-index="2"]`);
      await row.click();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await eventually(async () => (await app.count('player_play')) === 1);
      assert.equal(await app.duet(() => window.__duet.last('player_play').startIndex), 3);
      assert.equal(await app.count('player_set_volume'), 0, 'arrows in the list move between rows');

      await page.locator(id('play-all')).click();
      await eventually(async () => (await app.count('player_play')) === 2);
      const a = await app.duet(() => window.__duet.last('player_play'));
      assert.equal(a.startIndex, 0);
      assert.equal(a.tracks.length, 48);
    } finally {
      await app.close();
    }
  });

  test('an error loading the playlist is explained with a retry', async () => {
    const app = await openApp(h, {
      hash: '#/playlist/netease/404',
      mock: { fail: { playlist: { kind: 'not_found', message: 'playlist 404 does not exist' } } },
    });
    const { page } = app;
    try {
      const panel = page.locator(id('error-panel'));
      await panel.waitFor();
      assert.equal(await panel.getAttribute('data-kind'), 'not_found');
      assert.match(await panel.innerText(), /doesn’t exist any more/);
      await app.duet(() => delete window.__duet.fail.playlist);
      await panel.locator(id('retry-button')).click();
      await page.waitForSelector(id('track-row'));
    } finally {
      await app.close();
    }
  });
});
