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

const row = (i) => `${id('queue-row')}[data-index="${i}"]`;

describe('queue panel', () => {
  test('opens from the player bar, lists the queue and marks the current row', async () => {
    const app = await openApp(h, {
      mock: { playing: true, player: { status: 'playing', index: 2 } },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      const button = page.locator(id('queue-button'));
      assert.equal(await button.getAttribute('aria-label'), 'Queue');
      assert.equal(await page.locator(id('queue-panel')).count(), 0);
      await button.click();
      await page.waitForSelector(id('queue-row'));
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      assert.ok((await app.count('player_queue')) >= 1);

      const queue = await app.duet(() => window.__duet.player.queue.map((t) => t.title));
      assert.equal(queue.length, 12);
      assert.equal(await page.locator(id('queue-row')).count(), 12);
      for (const i of [0, 5, 11]) {
        assert.match(
          await page.locator(row(i)).innerText(),
          new RegExp(queue[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
        );
      }
      assert.match(await page.locator(id('queue-count')).innerText(), /12 songs/);

      const current = page.locator(`${id('queue-row')}[data-current="true"]`);
      assert.equal(await current.count(), 1);
      assert.equal(await current.getAttribute('data-index'), '2');
      assert.equal(await page.locator(row(0)).getAttribute('data-current'), 'false');
      // current row highlighted (read after any background transition)
      await eventually(
        async () =>
          (await current.evaluate((el) => getComputedStyle(el).backgroundColor)) !==
          'rgba(0, 0, 0, 0)',
      );

      // the mark follows player-state events
      const state = await app.duet(() => {
        const { queue, ...s } = window.__duet.player;
        return { ...s, queue_length: queue.length };
      });
      await app.emit('player-state', {
        ...state,
        index: 7,
        track: await app.duet(() => window.__duet.player.queue[7]),
      });
      await page.waitForSelector(`${row(7)}[data-current="true"]`);
      assert.equal(await page.locator(`${id('queue-row')}[data-current="true"]`).count(), 1);
      assert.equal(await page.locator(row(2)).getAttribute('data-current'), 'false');

      await shot(page, 'queue');

      // Escape closes it, the button opens and closes it again
      await page.keyboard.press('Escape');
      await page.waitForSelector(id('queue-panel'), { state: 'detached' });
      await button.click();
      await page.waitForSelector(id('queue-panel'));
      await button.click();
      await page.waitForSelector(id('queue-panel'), { state: 'detached' });
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('clicking a row jumps to it', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await page.locator(id('queue-button')).click();
      await page.locator(row(4)).click();
      await eventually(async () => (await app.count('player_jump')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('player_jump')), { index: 4 });
      await page.waitForSelector(`${row(4)}[data-current="true"]`);
      const title = await app.duet(() => window.__duet.player.queue[4].title);
      await eventually(async () => (await page.locator(id('player-title')).innerText()) === title);
    } finally {
      await app.close();
    }
  });

  test('rows are removed, moved by drag or Alt+arrows, and the queue cleared', async () => {
    const app = await openApp(h, {
      mock: { playing: true, player: { status: 'playing', index: 2 } },
    });
    const { page } = app;
    const titles = () => app.duet(() => window.__duet.player.queue.map((t) => t.title));
    const shown = () =>
      page.locator(id('queue-row')).evaluateAll((rows) => rows.map((r) => r.dataset.trackId));
    const ids = () => app.duet(() => window.__duet.player.queue.map((t) => t.id));
    try {
      await page.locator(id('queue-button')).click();
      await page.waitForSelector(row(11));
      const before = await titles();

      // the remove button shows on hover, and takes that row out (not the current one)
      const remove = page.locator(row(0)).locator('..').locator(id('queue-remove'));
      assert.equal(await remove.getAttribute('aria-label'), 'Remove from queue');
      await page.locator(row(0)).hover();
      await eventually(
        async () => (await remove.evaluate((el) => getComputedStyle(el).opacity)) === '1',
      );
      await shot(page, 'queue-edit');
      await remove.click();
      await eventually(async () => (await app.count('player_remove')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('player_remove')), { index: 0 });
      await page.waitForSelector(`${row(1)}[data-current="true"]`);
      assert.deepEqual(await titles(), before.slice(1));
      assert.equal(await page.locator(id('queue-row')).count(), 11);
      assert.equal(await page.locator(id('player-title')).innerText(), before[2]);

      // dragged from the top to below the fourth row
      const box = await page.locator(row(3)).boundingBox();
      await page.locator(row(0)).dragTo(page.locator(row(3)), {
        targetPosition: { x: 20, y: box.height - 6 },
      });
      await eventually(async () => (await app.count('player_move')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('player_move')), {
        from: 0,
        to: 3,
      });
      await eventually(async () => (await shown()).join() === (await ids()).join());
      assert.deepEqual(await titles(), [
        before[2],
        before[3],
        before[4],
        before[1],
        ...before.slice(5),
      ]);
      await page.waitForSelector(`${row(0)}[data-current="true"]`);

      // Alt+↓ moves the focused row down one, and it keeps the focus
      await page.locator(row(0)).focus();
      await page.keyboard.press('Alt+ArrowDown');
      await eventually(async () => (await app.count('player_move')) === 2);
      assert.deepEqual(await app.duet(() => window.__duet.last('player_move')), {
        from: 0,
        to: 1,
      });
      await page.waitForSelector(`${row(1)}[data-current="true"]`);
      await eventually(() =>
        page.evaluate(() => document.activeElement?.getAttribute('data-index') === '1'),
      );

      // clear keeps only the current song, which plays on
      await page.locator(id('queue-clear')).click();
      await eventually(async () => (await page.locator(id('queue-row')).count()) === 1);
      assert.deepEqual(await titles(), [before[2]]);
      assert.equal(await page.locator(`${row(0)}[data-current="true"]`).count(), 1);
      assert.equal(await page.locator(id('player-bar')).getAttribute('data-status'), 'playing');
      assert.equal(await page.locator(id('queue-clear')).count(), 0, 'nothing left to clear');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('"Play next" from a track\'s menu puts it right after the current song', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/705619441', mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const playable = page.locator(`${id('track-row')}[data-playable="true"]`).nth(3);
      const trackId = await playable.getAttribute('data-track-id');
      await playable.click({ button: 'right' });
      await page.locator(id('menu-play-next')).click();
      await eventually(async () => (await app.count('player_play_next')) === 1);
      const args = await app.duet(() => window.__duet.last('player_play_next'));
      assert.deepEqual(
        args.tracks.map((t) => t.id),
        [trackId],
      );
      await page.locator(id('toast'), { hasText: '1 to play next' }).waitFor();
      assert.equal(await app.count('player_play'), 0, 'nothing else started');
      await page.locator(id('queue-button')).click();
      await page.waitForSelector(`${row(1)}[data-track-id="${trackId}"]`);
      assert.equal(await page.locator(`${row(0)}[data-current="true"]`).count(), 1);

      // grey rows alone offer no "Play next"
      const grey = page.locator(`${id('track-row')}[data-playable="false"]`).first();
      await grey.click({ button: 'right' });
      await page.waitForSelector(id('track-menu'));
      assert.equal(await page.locator(id('menu-play-next')).count(), 0);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('is refetched when the queue length changes while open', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await page.locator(id('queue-button')).click();
      await page.waitForSelector(row(11));
      const before = await app.count('player_queue');
      // same length: no refetch
      const state = await app.duet(() => {
        const { queue, ...s } = window.__duet.player;
        return { ...s, queue_length: queue.length };
      });
      await app.emit('player-state', { ...state, status: 'paused' });
      await page.waitForTimeout(200);
      assert.equal(await app.count('player_queue'), before);
      // another queue of the same length (a new queue revision): refetched
      await app.emit('player-state', { ...state, queue_revision: state.queue_revision + 1 });
      await eventually(async () => (await app.count('player_queue')) === before + 1);
      // the Rust side appends two tracks
      await app.duet(() => {
        const q = window.__duet.player.queue;
        q.push(
          { ...q[0], id: 'extra-1', title: 'Extra One' },
          { ...q[1], id: 'extra-2', title: 'Extra Two' },
        );
        const { queue, ...s } = window.__duet.player;
        return window.__duet.emit('player-state', { ...s, queue_length: queue.length });
      });
      await page.waitForSelector(row(13));
      assert.equal(await app.count('player_queue'), before + 2);
      assert.match(await page.locator(row(13)).innerText(), /Extra Two/);
    } finally {
      await app.close();
    }
  });

  test('a 10,000-track queue keeps fewer than 100 rows in the DOM and scrolls to the end', async () => {
    const app = await openApp(h, {
      mock: { playing: true, queueSize: 10_000, player: { index: 5000 } },
    });
    const { page } = app;
    try {
      await page.locator(id('queue-button')).click();
      // opens scrolled to the current track
      await page.waitForSelector(`${row(5000)}[data-current="true"]`);
      assert.ok(await page.locator(row(5000)).isVisible());
      const n = await page.locator(id('queue-row')).count();
      assert.ok(n > 5 && n < 100, `${n} rows in the DOM`);
      const list = page.locator(id('queue-list'));
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      const last = page.locator(row(9999));
      await last.waitFor();
      assert.match(await last.innerText(), /The Last Song #10000/);
      assert.ok((await page.locator(id('queue-row')).count()) < 100);
      await last.click();
      await eventually(
        async () => (await app.duet(() => window.__duet.last('player_jump')?.index)) === 9999,
      );
    } finally {
      await app.close();
    }
  });

  test('an empty queue says so', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      await app.duet(() => {
        window.__duet.player.queue = [];
        const { queue, ...s } = window.__duet.player;
        return window.__duet.emit('player-state', { ...s, index: null, queue_length: 0 });
      });
      await page.locator(id('queue-button')).click();
      await page.waitForSelector(id('queue-empty'));
      assert.match(await page.locator(id('queue-empty')).innerText(), /queue is empty/);
      assert.equal(await page.locator(id('queue-row')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('in Chinese, and in the dark theme', async () => {
    const app = await openApp(h, { locale: 'zh-CN', colorScheme: 'dark', mock: { playing: true } });
    const { page } = app;
    try {
      const button = page.locator(id('queue-button'));
      await button.waitFor();
      assert.equal(await button.getAttribute('aria-label'), '播放队列');
      await button.click();
      await page.waitForSelector(id('queue-row'));
      assert.match(await page.locator(`${id('queue-panel')} h2`).innerText(), /播放队列/);
      await shot(page, 'queue-dark');
    } finally {
      await app.close();
    }
  });
});

describe('add to queue', () => {
  test('a playlist row enqueues its track and says so; grey rows have no button', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/705619441', mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const playable = page.locator(`${id('track-row')}[data-playable="true"]`).nth(1);
      const trackId = await playable.getAttribute('data-track-id');
      const button = playable.locator(id('enqueue-button'));
      assert.equal(await button.getAttribute('aria-label'), 'Add to queue');
      // hidden until the row is hovered
      assert.equal(await button.evaluate((el) => getComputedStyle(el).opacity), '0');
      await playable.hover();
      await eventually(
        async () => (await button.evaluate((el) => getComputedStyle(el).opacity)) === '1',
      );
      await shot(page, 'enqueue-hover');
      await button.click();
      await eventually(async () => (await app.count('player_enqueue')) === 1);
      const args = await app.duet(() => window.__duet.last('player_enqueue'));
      assert.equal(args.tracks.length, 1);
      assert.equal(args.tracks[0].id, trackId);
      await page.locator(id('toast'), { hasText: 'Added to queue' }).waitFor();
      // it didn't start playing anything else
      assert.equal(await app.count('player_play'), 0);

      const grey = page.locator(`${id('track-row')}[data-playable="false"]`).first();
      await grey.waitFor();
      assert.equal(await grey.locator(id('enqueue-button')).count(), 0);

      // the queue panel shows it at the end
      await page.locator(id('queue-button')).click();
      const list = page.locator(id('queue-list'));
      await list.waitFor();
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      const last = page.locator(row(12));
      await last.waitFor();
      assert.equal(await last.getAttribute('data-track-id'), trackId);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('Chinese label and toast', async () => {
    const app = await openApp(h, { locale: 'zh-CN', hash: '#/playlist/netease/705619441' });
    const { page } = app;
    try {
      const playable = page.locator(`${id('track-row')}[data-playable="true"]`).first();
      await playable.waitFor();
      const button = playable.locator(id('enqueue-button'));
      assert.equal(await button.getAttribute('aria-label'), '加入播放队列');
      await playable.hover();
      await button.click();
      await page.locator(id('toast'), { hasText: '已加入播放队列' }).waitFor();
    } finally {
      await app.close();
    }
  });
});
