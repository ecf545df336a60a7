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

const rowHeart = (page, i) =>
  page.locator(`${id('track-row')}[data-index="${i}"] ${id('like-button')}`);

describe('likes and your own playlists', () => {
  test('hearts come from one liked-id read; a like shows everywhere and in the liked songs', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/705619441' });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      await eventually(async () => (await app.count('liked_ids')) === 1);
      const row = page.locator(`${id('track-row')}[data-index="0"]`);
      const trackId = await row.getAttribute('data-track-id');
      assert.equal(await rowHeart(page, 0).getAttribute('data-liked'), 'false');
      await row.hover();
      await rowHeart(page, 0).click();
      await eventually(async () => (await rowHeart(page, 0).getAttribute('data-liked')) === 'true');
      const args = await app.duet(() => window.__duet.last('like_track'));
      assert.deepEqual(args, { provider: 'netease', trackId, liked: true });

      // The player bar and the lyrics page read the same set.
      await row.dblclick();
      await page.waitForSelector(id('player-bar'));
      assert.equal(await page.locator(id('player-like')).getAttribute('data-liked'), 'true');
      await shot(page, 'likes-row-and-player');

      // The liked songs in the library have it at once, first.
      await page.locator(`${id('sidebar-playlist')}[data-liked="true"]`).click();
      await page.waitForSelector(`${id('playlist-title')}`);
      await eventually(
        async () =>
          (await page
            .locator(`${id('track-row')}[data-index="0"]`)
            .getAttribute('data-track-id')) === trackId,
      );
      // Unliking from the player bar takes it out again.
      await page.locator(id('player-like')).click();
      await eventually(
        async () =>
          (await page
            .locator(`${id('track-row')}[data-index="0"]`)
            .getAttribute('data-track-id')) !== trackId,
      );
      assert.equal(await app.count('like_track'), 2);
      assert.equal(await app.count('liked_ids'), 1, 'never one request per row');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a refused like says why, keeps the heart as it was and is not sent again', async () => {
    const app = await openApp(h, {
      hash: '#/playlist/netease/705619441',
      mock: { fail: { like_track: { kind: 'verification_required', upstream_code: -462 } } },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      await page.locator(`${id('track-row')}[data-index="1"]`).hover();
      await rowHeart(page, 1).click();
      const toast = page.locator(id('toast')).first();
      await toast.waitFor();
      assert.match(await toast.innerText(), /verify/i);
      assert.equal(await rowHeart(page, 1).getAttribute('data-liked'), 'false');
      await page.waitForTimeout(500);
      assert.equal(await app.count('like_track'), 1, 'a refused write is not retried');
    } finally {
      await app.close();
    }
  });

  test('liked ids that cannot be read are told, and no heart writes until they are', async () => {
    const app = await openApp(h, {
      hash: '#/playlist/netease/705619441',
      mock: { fail: { liked_ids: { kind: 'rate_limited', upstream_code: 405 } } },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const toast = page.locator(id('toast')).first();
      await toast.waitFor();
      assert.match(await toast.innerText(), /Too many requests/);
      await page.locator(`${id('track-row')}[data-index="0"]`).hover();
      await rowHeart(page, 0).click();
      await eventually(async () => (await app.count('liked_ids')) === 2);
      assert.equal(await app.count('like_track'), 0, 'no write without knowing the state');

      await app.duet(() => {
        delete window.__duet.fail.liked_ids;
      });
      await rowHeart(page, 0).click();
      await eventually(async () => (await rowHeart(page, 0).getAttribute('data-liked')) === 'true');
      assert.equal(await app.count('liked_ids'), 3);
      assert.equal(await app.count('like_track'), 1);
    } finally {
      await app.close();
    }
  });

  test('QQ Music hearts and playlists go to QQ Music, beside NetEase', async () => {
    const app = await openApp(h, {
      hash: '#/playlist/qq/8205593127',
      mock: { providers: ['netease', 'qq'], qqSession: 'logged_in' },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const row = page.locator(`${id('track-row')}[data-index="0"]`);
      const mid = await row.getAttribute('data-track-id');
      await row.hover();
      await rowHeart(page, 0).click();
      await eventually(async () => (await rowHeart(page, 0).getAttribute('data-liked')) === 'true');
      assert.deepEqual(await app.duet(() => window.__duet.last('like_track')), {
        provider: 'qq',
        trackId: mid,
        liked: true,
      });
      // One read per service, each for its own tracks.
      const reads = await app.calls('liked_ids');
      assert.deepEqual(reads.map((c) => c.args.provider).sort(), ['qq']);

      // Its own playlist offers rename and delete; the track's menu offers QQ playlists only.
      assert.equal(await page.locator(id('playlist-rename')).count(), 1);
      await row.click({ button: 'right' });
      await page.locator(id('menu-add-to-playlist')).click();
      const targets = await page
        .locator(id('add-target'))
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-playlist-id')));
      // The account's own QQ playlists: not the liked songs, not collected ones, no NetEase one.
      assert.deepEqual(targets.sort(), ['7764021958', '8205593127']);
      await page.locator(`${id('add-target')}[data-playlist-id="7764021958"]`).click();
      await eventually(async () => (await app.count('playlist_add_tracks')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('playlist_add_tracks')), {
        provider: 'qq',
        id: '7764021958',
        trackIds: [mid],
      });
    } finally {
      await app.close();
    }
  });

  test('add one track from its menu, and several selected rows to a new playlist', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/705619441' });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const first = page.locator(`${id('track-row')}[data-index="0"]`);
      const firstId = await first.getAttribute('data-track-id');
      await first.hover();
      await first.locator(id('track-more')).click();
      await page.locator(id('menu-add-to-playlist')).click();
      const dialog = page.locator(id('library-dialog'));
      await dialog.waitFor();
      await shot(page, 'add-to-playlist');
      const target = dialog.locator(`${id('add-target')}[data-playlist-id="2829883282"]`);
      await target.click();
      await dialog.waitFor({ state: 'detached' });
      assert.deepEqual(await app.duet(() => window.__duet.last('playlist_add_tracks')), {
        provider: 'netease',
        id: '2829883282',
        trackIds: [firstId],
      });
      assert.match(await page.locator(id('toast')).last().innerText(), /Lo-fi/);

      // Ctrl-click three rows, then "Add to playlist" → "New playlist".
      const ids = [];
      for (const i of [2, 3, 5]) {
        const row = page.locator(`${id('track-row')}[data-index="${i}"]`);
        ids.push(await row.getAttribute('data-track-id'));
        await row.click({ modifiers: ['Control'] });
      }
      const bar = page.locator(id('selection-bar'));
      assert.match(await bar.innerText(), /3 selected/);
      await bar.locator(id('selection-add')).click();
      await dialog.locator(id('add-new-playlist')).click();
      await page.locator(id('playlist-name-input')).fill('  Road trip  ');
      await shot(page, 'new-playlist');
      await page.locator(id('playlist-name-submit')).click();
      await dialog.waitFor({ state: 'detached' });
      const created = await app.duet(() => window.__duet.last('playlist_create'));
      assert.deepEqual(created, { provider: 'netease', name: 'Road trip' });
      const added = await app.duet(() => window.__duet.last('playlist_add_tracks'));
      assert.deepEqual(added.trackIds, ids);
      const link = page.locator(id('sidebar-playlist'), { hasText: 'Road trip' });
      await link.waitFor();
      await link.click();
      await eventually(async () => (await page.locator(id('track-row')).count()) === 3);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('rename, remove a track, and delete only after the confirmation', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/5059661515' });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      await page.locator(id('playlist-rename')).click();
      await page.locator(id('playlist-name-input')).fill('<b>Summer</b> 🌊');
      await page.locator(id('playlist-name-submit')).click();
      await eventually(
        async () => (await page.locator(id('playlist-title')).innerText()) === '<b>Summer</b> 🌊',
      );
      assert.equal(await page.locator(`${id('playlist-title')} b`).count(), 0, 'text, not HTML');

      const row = page.locator(`${id('track-row')}[data-index="0"]`);
      const gone = await row.getAttribute('data-track-id');
      await row.click({ button: 'right' });
      await page.locator(id('menu-remove-from-playlist')).click();
      await eventually(
        async () =>
          (await page
            .locator(`${id('track-row')}[data-index="0"]`)
            .getAttribute('data-track-id')) !== gone,
      );

      await page.locator(id('playlist-delete')).click();
      const dialog = page.locator(id('library-dialog'));
      assert.equal(await dialog.getAttribute('data-kind'), 'delete');
      assert.match(await dialog.innerText(), /<b>Summer<\/b>/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(
        await app.count('playlist_delete'),
        0,
        'nothing deleted without the confirmation',
      );
      await page.locator(id('playlist-delete')).click();
      await page.locator(id('confirm-delete')).click();
      await page.waitForSelector(id('library-screen'));
      assert.equal(await app.count('playlist_delete'), 1);
      await eventually(
        async () =>
          (await page.locator(id('sidebar-playlist'), { hasText: 'Summer' }).count()) === 0,
      );
    } finally {
      await app.close();
    }
  });

  test('follow and unfollow someone else’s playlist; changing it is refused by kind', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/31337' });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const follow = page.locator(id('playlist-follow'));
      assert.equal(await follow.getAttribute('aria-pressed'), 'false');
      assert.equal(await page.locator(id('playlist-delete')).count(), 0);
      await follow.click();
      await eventually(async () => (await follow.getAttribute('aria-pressed')) === 'true');
      assert.deepEqual(await app.duet(() => window.__duet.last('playlist_follow')), {
        provider: 'netease',
        id: '31337',
        follow: true,
      });
      await page.locator(`${id('sidebar-playlist')}[href$="/31337"]`).waitFor();
      await follow.click();
      await eventually(async () => (await follow.getAttribute('aria-pressed')) === 'false');
      assert.equal(await page.locator(`${id('sidebar-playlist')}[href$="/31337"]`).count(), 0);

      // Its rows offer no "remove"; adding one of them to a playlist that turns out not to be
      // yours is told as such.
      await page.locator(`${id('track-row')}[data-index="0"]`).click({ button: 'right' });
      assert.equal(await page.locator(id('menu-remove-from-playlist')).count(), 0);
      await app.duet(() => {
        window.__duet.fail.playlist_add_tracks = { kind: 'not_owner', upstream_code: 401 };
      });
      await page.locator(id('menu-add-to-playlist')).click();
      await page.locator(id('add-target')).first().click();
      const toast = page.locator(id('toast')).last();
      await toast.waitFor();
      assert.match(await toast.innerText(), /Not your playlist/);
      assert.equal(await app.count('playlist_add_tracks'), 1);
    } finally {
      await app.close();
    }
  });
});
