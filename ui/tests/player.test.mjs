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

const paused = { playing: true, player: { status: 'paused', position_ms: 20000 } };

describe('player bar', () => {
  test('hidden until something plays; then cover, title, artists and controls', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      assert.equal(await page.locator(id('player-bar')).count(), 0);
      await page.locator(id('playlist-card')).nth(4).click();
      await page.locator(id('play-all')).click();
      await page.waitForSelector(id('player-bar'));
      const title = await page.locator(id('player-title')).innerText();
      const first = await app.duet(() => window.__duet.last('player_play').tracks[0].title);
      assert.equal(title, first);
      assert.equal(await page.locator(id('player-toggle')).getAttribute('data-playing'), 'true');
      await page.locator(id('player-toggle')).click();
      await eventually(async () => (await app.count('player_toggle')) === 1);
      await page.waitForSelector(`${id('player-toggle')}[data-playing="false"]`);
      assert.equal(await page.locator(id('player-toggle')).getAttribute('aria-label'), 'Play');
      await shot(page, 'player-bar');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the answer to play, read after its "playing" event, does not put the bar back', async () => {
    // The mock answers as the Rust player does: "loading", after sending the track's "playing".
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      await page.locator(id('playlist-card')).nth(4).click();
      await page.locator(id('play-all')).click();
      await page.waitForSelector(`${id('player-bar')}[data-status="playing"]`);
      await eventually(async () => (await app.count('player_play')) === 1);
      // the answer is in by now; a stale one would have turned the bar back to "loading"
      await page.waitForTimeout(300);
      assert.equal(await page.locator(id('player-bar')).getAttribute('data-status'), 'playing');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('position text and data-ms follow player-position', async () => {
    const app = await openApp(h, { mock: paused });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      await app.emit('player-position', { position_ms: 3000, duration_ms: 260878 });
      const pos = page.locator(id('player-position'));
      await page.waitForSelector(`${id('player-position')}[data-ms="3000"]`);
      assert.equal(await pos.innerText(), '0:03');
      assert.equal(await page.locator(id('player-duration')).innerText(), '4:20');
      await app.emit('player-position', { position_ms: 65_500, duration_ms: 260878 });
      await page.waitForSelector(`${id('player-position')}[data-ms="65500"]`);
      assert.equal(await pos.innerText(), '1:05');
    } finally {
      await app.close();
    }
  });

  test('dragging the seek bar seeks', async () => {
    const app = await openApp(h, { mock: paused });
    const { page } = app;
    try {
      const bar = page.locator(id('player-seek'));
      await bar.waitFor();
      const box = await bar.boundingBox();
      await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2, { steps: 4 });
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
      await page.mouse.up();
      await eventually(async () => (await app.count('player_seek')) >= 1);
      const { positionMs: position_ms } = await app.duet(() => window.__duet.last('player_seek'));
      const duration = await app.duet(() => window.__duet.player.duration_ms);
      assert.ok(
        Math.abs(position_ms - duration / 2) < duration * 0.06,
        `seek to ${position_ms} of ${duration}`,
      );
      // one seek for the whole drag, not one per move
      assert.equal(await app.count('player_seek'), 1);
    } finally {
      await app.close();
    }
  });

  test('keyboard: Space, ←/→, ↑/↓, Ctrl+←/→ and Escape', async () => {
    const app = await openApp(h, { mock: paused });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      await page.locator(id('library-screen')).click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Space');
      await eventually(async () => (await app.count('player_toggle')) === 1);
      await page.keyboard.press('Space');
      await eventually(async () => (await app.count('player_toggle')) === 2);

      await page.keyboard.press('ArrowRight');
      await eventually(async () => (await app.count('player_seek')) === 1);
      assert.equal((await app.duet(() => window.__duet.last('player_seek'))).positionMs, 25000);
      await page.keyboard.press('ArrowLeft');
      await eventually(async () => (await app.count('player_seek')) === 2);
      assert.equal((await app.duet(() => window.__duet.last('player_seek'))).positionMs, 20000);

      await page.keyboard.press('ArrowUp');
      await eventually(async () => (await app.count('player_set_volume')) === 1);
      assert.equal((await app.duet(() => window.__duet.last('player_set_volume'))).volume, 0.85);
      await page.keyboard.press('ArrowDown');
      await eventually(async () => (await app.count('player_set_volume')) === 2);
      assert.equal((await app.duet(() => window.__duet.last('player_set_volume'))).volume, 0.8);

      await page.keyboard.press('Control+ArrowRight');
      await eventually(async () => (await app.count('player_next')) === 1);
      await page.keyboard.press('Control+ArrowLeft');
      await eventually(async () => (await app.count('player_previous')) === 1);
      await page.keyboard.press('Meta+ArrowRight');
      await eventually(async () => (await app.count('player_next')) === 2);

      // none of these while typing
      await page.locator(id('search-input')).focus();
      await page.keyboard.type('a b');
      await page.keyboard.press('ArrowLeft');
      await page.waitForTimeout(200);
      assert.equal(await app.count('player_toggle'), 2);
      assert.equal(await app.count('player_seek'), 2);
      assert.equal(await page.locator(id('search-input')).inputValue(), 'a b');

      // Escape closes the lyrics view
      await page.locator(id('lyrics-button')).click();
      await page.waitForSelector(id('lyrics-view'));
      await page.keyboard.press('Escape');
      await page.waitForSelector(id('lyrics-view'), { state: 'detached' });
    } finally {
      await app.close();
    }
  });

  test('previous / next buttons, repeat cycle, shuffle and volume', async () => {
    const app = await openApp(h, { mock: paused });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      const before = await page.locator(id('player-title')).innerText();
      await page.locator(id('player-next')).click();
      await eventually(async () => (await page.locator(id('player-title')).innerText()) !== before);
      await page.locator(id('player-previous')).click();
      await eventually(async () => (await page.locator(id('player-title')).innerText()) === before);

      const repeat = page.locator(id('player-repeat'));
      for (const mode of ['all', 'one', 'off']) {
        await repeat.click();
        await page.waitForSelector(`${id('player-repeat')}[data-mode="${mode}"]`);
        assert.deepEqual(await app.duet(() => window.__duet.last('player_set_mode')), {
          repeat: mode,
          shuffle: false,
        });
      }
      await page.locator(id('player-shuffle')).click();
      await page.waitForSelector(`${id('player-shuffle')}[aria-pressed="true"]`);
      assert.deepEqual(await app.duet(() => window.__duet.last('player_set_mode')), {
        repeat: 'off',
        shuffle: true,
      });

      const vol = page.locator(id('player-volume'));
      const box = await vol.boundingBox();
      await page.mouse.click(box.x + box.width * 0.25, box.y + box.height / 2);
      await eventually(async () => (await app.count('player_set_volume')) >= 1);
      const { volume } = await app.duet(() => window.__duet.last('player_set_volume'));
      assert.ok(volume > 0.15 && volume < 0.35, `volume ${volume}`);
      await page.locator(id('player-mute')).click();
      await eventually(
        async () => (await app.duet(() => window.__duet.last('player_set_volume').volume)) === 0,
      );
    } finally {
      await app.close();
    }
  });

  test('a VIP preview shows its badge; no audio device is said plainly', async () => {
    const app = await openApp(h, {
      mock: {
        ...paused,
        output: 'null',
        player: { status: 'playing', trial: { start_ms: 60000, end_ms: 90000 } },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      assert.match(await page.locator(id('player-trial')).innerText(), /VIP preview/);
      const chip = page.locator(id('player-no-device'));
      assert.equal(await chip.getAttribute('aria-label'), 'No audio device');
      // Wide, the chip says it in words; where they would be cut short, it keeps its icon alone
      // (the words stay in its tooltip and label) rather than showing "No a…" or spilling over
      // the controls.
      await page.setViewportSize({ width: 1700, height: 800 });
      await eventually(async () => (await chip.innerText()).trim() === 'No audio device');
      await shot(page, 'player-notices');
      for (const width of [1280, 1040, 900]) {
        await page.setViewportSize({ width, height: 720 });
        await eventually(async () => {
          const box = await chip.boundingBox();
          const repeat = await page.locator(id('player-repeat')).boundingBox();
          // icon only, and clear of the repeat button
          return (
            (await chip.innerText()).trim() === '' &&
            box.width < 40 &&
            box.x >= repeat.x + repeat.width
          );
        });
      }
    } finally {
      await app.close();
    }
  });

  test('a stream that fell back to plain HTTP says so, and only while it does', async () => {
    const app = await openApp(h, {
      mock: { ...paused, player: { status: 'playing', http_fallback: true } },
    });
    const { page } = app;
    try {
      const note = page.locator(id('player-http-fallback'));
      await note.waitFor();
      assert.equal(await note.innerText(), 'Not encrypted');
      assert.match(
        await note.getAttribute('title'),
        /secure connection to the music server failed/,
      );
      await shot(page, 'player-http-fallback');
      // The next track comes over TLS again: the note goes.
      const state = await app.duet(() => ({ ...window.__duet.player }));
      await app.emit('player-state', { ...state, http_fallback: false });
      await note.waitFor({ state: 'detached' });
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('player-skipped and error events show toasts', async () => {
    const app = await openApp(h, { mock: paused });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      const track = await app.duet(() => window.__duet.player.queue[4]);
      await app.emit('player-skipped', { track, reason: '暂无版权' });
      const toast = page.locator(id('toast'), { hasText: 'Skipped' });
      await toast.waitFor();
      assert.equal(await toast.locator('.main').innerText(), `Skipped ${track.title}: 暂无版权`);

      await app.emit('error', {
        kind: 'network',
        message: 'stream cut off after 12 s',
        provider: 'netease',
      });
      const err = page.locator(id('toast'), { hasText: 'Can’t reach the service' });
      await err.waitFor();
      assert.match(await err.innerText(), /Check your internet connection/);
      assert.match(await err.innerText(), /stream cut off after 12 s/);
      // a PlayerState carrying an error is explained once
      const state = await app.duet(() => ({ ...window.__duet.player }));
      const failed = {
        ...state,
        status: 'paused',
        error: { kind: 'unavailable', message: 'no copyright for this region' },
      };
      await app.emit('player-state', failed);
      await app.emit('player-state', failed);
      const un = page.locator(id('toast'), { hasText: 'Not available' });
      await un.waitFor();
      await page.waitForTimeout(200);
      assert.equal(await un.count(), 1);
      await shot(page, 'toasts');
    } finally {
      await app.close();
    }
  });

  test('a run of unplayable tracks stops the player, and the bar and a toast say why', async () => {
    const app = await openApp(h, { mock: paused });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      assert.equal(await page.locator(id('player-stopped')).count(), 0);
      const state = await app.duet(() => ({ ...window.__duet.player }));
      await app.emit('player-state', {
        ...state,
        status: 'idle',
        position_ms: 0,
        stopped_after_failures: 5,
        error: {
          kind: 'unavailable',
          message: 'Stopped after 5 tracks in a row could not be played (last: 暂无版权)',
          provider: 'netease',
        },
      });
      const notice = page.locator(id('player-stopped'));
      await notice.waitFor();
      assert.equal(await notice.innerText(), 'Stopped: 5 unplayable');
      assert.match(
        await notice.getAttribute('title'),
        /^Stopped after 5 tracks in a row could not be played\. /,
      );
      const toast = page.locator(id('toast'), { hasText: 'Stopped after 5 tracks' });
      await toast.waitFor();
      assert.match(await toast.innerText(), /Press play or pick a song/);
      // the reason, not the generic "Not available" of the last track's error
      assert.equal(await page.locator(id('toast'), { hasText: 'Not available' }).count(), 0);
      await shot(page, 'player-stopped-after-failures');

      // the person's next choice starts a new run: the note goes
      await page.locator(id('player-next')).click();
      await eventually(async () => (await app.count('player_next')) === 1);
      await notice.waitFor({ state: 'detached' });
    } finally {
      await app.close();
    }
  });

  test('a failing player command explains itself in a toast', async () => {
    const app = await openApp(h, {
      mock: {
        ...paused,
        fail: { player_next: { kind: 'unavailable', message: 'no rights', upstream_code: 404 } },
      },
    });
    const { page } = app;
    try {
      await page.locator(id('player-next')).click();
      const t = page.locator(id('toast'), { hasText: 'Not available' });
      await t.waitFor();
      assert.match(await t.innerText(), /copyright/);
    } finally {
      await app.close();
    }
  });
});
