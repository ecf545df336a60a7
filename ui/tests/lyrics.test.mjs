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

async function openLyrics(app) {
  const { page } = app;
  await page.waitForSelector(id('player-bar'));
  await page.locator(id('lyrics-button')).click();
  await page.waitForSelector(id('lyrics-view'));
}

const trackId = (app) => app.duet(() => window.__duet.player.track.id);
const current = (page) => page.locator(`${id('lyric-line')}[data-current="true"]`);

describe('lyrics view', () => {
  test('the current line follows lyric-line events, centred and highlighted', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await openLyrics(app);
      await page.waitForSelector(id('lyric-line'));
      const tid = await trackId(app);
      assert.equal(await current(page).count(), 0, 'no current line before the first');
      await app.emit('lyric-line', { track_id: tid, index: 5 });
      await page.waitForSelector(`${id('lyric-line')}[data-index="5"][data-current="true"]`);
      assert.equal(await current(page).count(), 1);
      assert.match(await current(page).innerText(), /双曲線交わらないでいた/);

      await app.emit('lyric-line', { track_id: tid, index: 9 });
      await page.waitForSelector(`${id('lyric-line')}[data-index="9"][data-current="true"]`);
      assert.equal(
        await page.locator(`${id('lyric-line')}[data-index="5"]`).getAttribute('data-current'),
        'false',
      );
      // centred in its scroller
      await eventually(async () => {
        const [line, box] = await Promise.all([
          current(page).boundingBox(),
          page.locator(`${id('lyrics-view')} .scroller`).boundingBox(),
        ]);
        return Math.abs(line.y + line.height / 2 - (box.y + box.height / 2)) < 40;
      });
      // highlighted: the current line is opaque, the others faded (after their transition)
      await eventually(async () => {
        const [cur, other] = await Promise.all([
          current(page).evaluate((el) => Number(getComputedStyle(el).opacity)),
          page
            .locator(`${id('lyric-line')}[data-index="3"]`)
            .evaluate((el) => Number(getComputedStyle(el).opacity)),
        ]);
        return cur > 0.9 && other < 0.6;
      });

      // an event for another track highlights nothing in this one
      await app.emit('lyric-line', { track_id: 'other', index: 2 });
      await page.waitForSelector(`${id('lyric-line')}[data-current="true"]`, { state: 'detached' });
      assert.equal(
        await page.locator(`${id('lyric-line')}[data-index="2"]`).getAttribute('data-current'),
        'false',
      );
      await app.emit('lyric-line', { track_id: tid, index: 9 });
      await page.waitForSelector(`${id('lyric-line')}[data-index="9"][data-current="true"]`);

      // a backdrop from cover_colors, and no CSS blur anywhere
      assert.equal(await app.count('cover_colors'), 1);
      await page.waitForSelector(`${id('lyrics-view')}.tinted`);
      const style = await page.locator(id('lyrics-view')).getAttribute('style');
      assert.match(style, /--ly-bg: #[0-9a-f]{6}/);
      const blurred = await page.evaluate(
        () =>
          [...document.querySelectorAll('*')].filter((el) => {
            const cs = getComputedStyle(el);
            return /blur/.test(cs.filter) || /blur/.test(cs.backdropFilter ?? '');
          }).length,
      );
      assert.equal(blurred, 0);
      await shot(page, 'lyrics');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('translation and romanisation toggles', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await openLyrics(app);
      await page.waitForSelector(id('lyric-translation'));
      assert.equal(await page.locator(id('lyric-romanized')).count(), 0);
      assert.equal(
        await page.locator(id('translation-toggle')).getAttribute('aria-pressed'),
        'true',
      );
      await page.locator(id('translation-toggle')).click();
      assert.equal(await page.locator(id('lyric-translation')).count(), 0);
      await page.locator(id('romanization-toggle')).click();
      await page.waitForSelector(id('lyric-romanized'));
      assert.match(await page.locator(id('lyric-romanized')).first().innerText(), /i ku se i so u/);
      await page.locator(id('translation-toggle')).click();
      await page.waitForSelector(id('lyric-translation'));
      assert.match(await page.locator(id('lyric-translation')).first().innerText(), /几经风霜/);
      // remembered
      const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('duet.settings')));
      assert.equal(saved.showRomanized, true);
    } finally {
      await app.close();
    }
  });

  test('no toggles when the lyrics have no translation or romanisation', async () => {
    const app = await openApp(h, { mock: { playing: true, lyricsMode: { 131149308: 'plain' } } });
    const { page } = app;
    try {
      const tid = await app.page.waitForSelector(id('player-bar')).then(() => trackId(app));
      await app.duet((t) => (window.__duet.lyricsMode[t] = 'plain'), tid);
      await openLyrics(app);
      await page.waitForSelector(id('lyric-line'));
      assert.equal(await page.locator(id('translation-toggle')).count(), 0);
      assert.equal(await page.locator(id('romanization-toggle')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('word-by-word highlighting follows player-position', async () => {
    const app = await openApp(h, { mock: { playing: 'words', player: { status: 'paused' } } });
    const { page } = app;
    try {
      await openLyrics(app);
      await page.waitForSelector(id('lyric-line'));
      const lines = await page.locator(id('lyric-line')).allInnerTexts();
      const idx = lines.findIndex((t) => t.includes('感受雪花绽放'));
      assert.ok(idx >= 0, `word line present in ${JSON.stringify(lines)}`);
      await app.emit('player-position', { position_ms: 21000, duration_ms: 240000 });
      await app.emit('lyric-line', { track_id: '1999999', index: idx });
      const words = page.locator(`${id('lyric-line')}[data-current="true"] ${id('lyric-word')}`);
      await words.first().waitFor();
      const states = await words.evaluateAll((els) =>
        els.map((e) => [e.textContent, e.dataset.state, e.style.getPropertyValue('--wp')]),
      );
      // 感(19670+700) 受(20370+600) sung; 雪(20970+800) singing; 花, 绽放 pending
      assert.deepEqual(
        states.map((s) => s[1]),
        ['sung', 'sung', 'singing', 'pending', 'pending'],
        JSON.stringify(states),
      );
      assert.ok(parseFloat(states[2][2]) > 0 && parseFloat(states[2][2]) < 100);
      await shot(page, 'lyrics-words');
      await app.emit('player-position', { position_ms: 24500, duration_ms: 240000 });
      await eventually(
        async () => await words.evaluateAll((els) => els.every((e) => e.dataset.state === 'sung')),
      );
    } finally {
      await app.close();
    }
  });

  test('instrumental and no-lyrics states', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      const tid = await trackId(app);
      await app.duet((t) => (window.__duet.lyricsMode[t] = 'instrumental'), tid);
      await openLyrics(app);
      const inst = page.locator(id('lyrics-instrumental'));
      await inst.waitFor();
      assert.match(await inst.innerText(), /Instrumental/);
      await shot(page, 'lyrics-instrumental');
      // next track: no lyrics at all
      const next = await app.duet(() => window.__duet.player.queue[1].id);
      await app.duet((t) => (window.__duet.lyricsMode[t] = 'none'), next);
      await page.keyboard.press('Control+ArrowRight');
      const none = page.locator(id('lyrics-none'));
      await none.waitFor();
      assert.match(await none.innerText(), /No lyrics/);
    } finally {
      await app.close();
    }
  });

  test('a lyrics error is explained with a retry; Escape closes the view', async () => {
    const app = await openApp(h, {
      mock: { playing: true, fail: { lyrics: { kind: 'upstream', message: 'code 500' } } },
    });
    const { page } = app;
    try {
      await openLyrics(app);
      const panel = page.locator(`${id('lyrics-view')} ${id('error-panel')}`);
      await panel.waitFor();
      assert.equal(await panel.getAttribute('data-kind'), 'upstream');
      await app.duet(() => delete window.__duet.fail.lyrics);
      await panel.locator(id('retry-button')).click();
      await page.waitForSelector(id('lyric-line'));
      await page.keyboard.press('Escape');
      await page.waitForSelector(id('lyrics-view'), { state: 'detached' });
    } finally {
      await app.close();
    }
  });
});
