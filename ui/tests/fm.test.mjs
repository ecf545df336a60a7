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

const stageId = (page) => page.locator(id('fm-stage')).getAttribute('data-track-id');
const queueIds = (app) =>
  app.duet(async () => (await window.__TAURI_INTERNALS__.invoke('player_queue')).map((t) => t.id));

describe('personal FM and heartbeat mode', () => {
  test('FM plays, skips, trashes once and keeps its queue filled without repeats', async () => {
    const app = await openApp(h, { hash: '#/library' });
    const { page } = app;
    try {
      await page.locator(id('nav-fm')).click();
      await page.waitForSelector(id('fm-screen'));
      assert.equal(await app.count('fm_batch'), 0, 'nothing is asked before the person starts');
      await page.locator(id('fm-start')).click();
      await page.waitForSelector(id('fm-stage'));
      const catalogue = await app.duet(() => window.__duet.radio.catalogue.map((t) => t.id));
      assert.equal(await stageId(page), catalogue[0]);
      assert.equal(
        await page.locator(id('fm-title')).textContent(),
        await app.duet(() => window.__duet.radio.catalogue[0].title),
      );
      const play = await app.duet(() => window.__duet.last('player_play'));
      assert.equal(play.tracks.length, 3);
      assert.equal(play.startIndex, 0);

      // The lyric line that plays is the one shown bright.
      const tid = catalogue[0];
      await app.emit('lyric-line', { track_id: tid, index: 1, offset_ms: 0 });
      await page.waitForSelector(id('fm-lyric-now'));
      assert.ok((await page.locator(id('fm-lyric-now')).textContent()).trim().length > 0);
      await shot(page, 'fm');

      // Next: the second song; one song left after it, so the next batch is asked and only its
      // new songs are queued (the mock repeats the batch before's last song).
      await page.locator(id('fm-next')).click();
      await eventually(async () => (await stageId(page)) === catalogue[1]);
      await eventually(async () => (await app.count('player_enqueue')) === 1);
      const queue = await queueIds(app);
      assert.deepEqual(queue, catalogue.slice(0, 5), 'no song twice');
      assert.equal(await app.count('fm_batch'), 2);

      // Not interested: told once, then out of the queue (what followed plays).
      await page.locator(id('fm-trash')).click();
      await eventually(async () => (await stageId(page)) === catalogue[2]);
      await eventually(async () => (await app.count('player_remove')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('player_remove')), { index: 1 });
      assert.ok(!(await queueIds(app)).includes(catalogue[1]), 'the trashed song is gone');
      assert.deepEqual(await app.duet(() => window.__duet.radio.trashed), [catalogue[1]]);
      assert.equal(await app.count('fm_trash'), 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('fm_trash')), {
        provider: 'netease',
        trackId: catalogue[1],
      });

      // The heart is the ordinary like.
      await page.locator(id('fm-like')).click();
      await eventually(
        async () => (await page.locator(id('fm-like')).getAttribute('data-liked')) === 'true',
      );
      assert.deepEqual(await app.duet(() => window.__duet.last('like_track')), {
        provider: 'netease',
        trackId: catalogue[2],
        liked: true,
      });

      // Skipping on keeps the queue filled, never with a song already in it.
      for (let i = 0; i < 4; i++) await page.locator(id('fm-next')).click();
      await eventually(async () => (await app.count('fm_batch')) >= 3);
      const later = await queueIds(app);
      assert.equal(new Set(later).size, later.length, `no repeats: ${later}`);

      // Leaving the screen and coming back finds FM where it was.
      await page.locator(id('nav-library')).click();
      await page.locator(id('nav-fm')).click();
      await page.waitForSelector(id('fm-stage'));
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a refused batch shows its error and can be asked again', async () => {
    const app = await openApp(h, {
      hash: '#/fm',
      mock: { fail: { fm_batch: { kind: 'rate_limited', message: '操作频繁，请稍候再试' } } },
    });
    const { page } = app;
    try {
      await page.locator(id('fm-start')).click();
      await page.waitForSelector('[data-testid="error-panel"], [role="alert"]');
      assert.equal(await app.count('player_play'), 0);
      await app.duet(() => {
        window.__duet.fail.fm_batch = undefined;
      });
      await page
        .getByRole('button', { name: /try again|retry/i })
        .first()
        .click();
      await page.waitForSelector(id('fm-stage'));
    } finally {
      await app.close();
    }
  });

  test('with both services, a switch picks QQ Music’s radio, which has no trash', async () => {
    const app = await openApp(h, {
      hash: '#/fm',
      mock: { providers: ['netease', 'qq'], qqSession: 'logged_in' },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('fm-provider'));
      assert.equal(await page.locator(id('fm-screen')).getAttribute('data-provider'), 'netease');
      await page.locator(id('fm-provider-qq')).click();
      await eventually(
        async () => (await page.locator(id('fm-screen')).getAttribute('data-provider')) === 'qq',
      );
      await page.waitForSelector(id('fm-no-trash'));
      assert.match(await page.locator(id('fm-no-trash')).textContent(), /QQ Music/);
      await page.locator(id('fm-start')).click();
      await page.waitForSelector(id('fm-stage'));
      assert.deepEqual(await app.duet(() => window.__duet.last('fm_batch')), { provider: 'qq' });
      const play = await app.duet(() => window.__duet.last('player_play'));
      assert.equal(play.tracks.length, 5);
      assert.ok(play.tracks.every((t) => t.provider === 'qq'));
      assert.equal(await page.locator(id('fm-trash')).count(), 0, 'no trash for QQ Music');
      await page.locator(id('fm-next')).click();
      await eventually(
        async () =>
          (await page.locator(id('fm-stage')).getAttribute('data-track-id')) === play.tracks[1].id,
      );
      assert.equal(await app.count('fm_trash'), 0);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('heartbeat mode starts from the liked songs, on the page and from a row menu', async () => {
    const app = await openApp(h, { hash: '#/library' });
    const { page } = app;
    try {
      await page.locator(`${id('sidebar-playlist')}[data-liked="true"]`).click();
      await page.waitForSelector(id('track-row'));
      await page.locator(id('playlist-heartbeat')).click();
      await eventually(async () => (await app.count('heartbeat')) === 1);
      const asked = await app.duet(() => window.__duet.last('heartbeat'));
      assert.equal(asked.provider, 'netease');
      assert.ok(asked.playlistId);
      await eventually(
        async () =>
          (await app.duet(() => window.__duet.last('player_play')))?.tracks?.[0]?.id ===
          asked.trackId,
      );

      // A row's menu offers it for that song.
      const row = page.locator(`${id('track-row')}[data-index="2"]`);
      const rowId = await row.getAttribute('data-track-id');
      await row.click({ button: 'right' });
      await page.locator(id('menu-heartbeat')).click();
      await eventually(async () => (await app.count('heartbeat')) === 2);
      assert.deepEqual(await app.duet(() => window.__duet.last('heartbeat')), {
        provider: 'netease',
        trackId: rowId,
        playlistId: asked.playlistId,
      });
    } finally {
      await app.close();
    }
  });
});
