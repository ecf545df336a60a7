// The desktop lyrics window's page (lyrics.html) and its controls in the main window: the line
// follows `lyric-line`, words light up as they are sung (offset included), translation and one
// or two lines follow the preferences, the lock shows; the player bar toggles the window and
// the lyrics page sets the track's offset.
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

const lyricsWindow = (mock = {}, extra = {}) =>
  openApp(h, {
    page: 'lyrics.html',
    viewport: { width: 760, height: 150 },
    mock: { playing: true, ...mock },
    ...extra,
  });

/** The lyrics the page follows, read through the mock as the page reads them. */
const playingLyrics = (app) =>
  app.duet(() => window.__TAURI_INTERNALS__.invoke('lyrics_playing', {}));

/** Changes the desktop lyrics preferences as the main window would (prefs_set). */
const setPrefs = (app, change) =>
  app.duet(async (c) => {
    const prefs = await window.__TAURI_INTERNALS__.invoke('prefs_get', {});
    prefs.desktop_lyrics = { ...prefs.desktop_lyrics, ...c };
    await window.__TAURI_INTERNALS__.invoke('prefs_set', { next: prefs });
  }, change);

const current = (page) => page.locator(id('desktop-lyrics-current'));
const second = (page) => page.locator(id('desktop-lyrics-second'));

describe('desktop lyrics window', () => {
  test('the current line follows lyric-line events; the next line or translation below', async () => {
    const app = await lyricsWindow();
    const { page } = app;
    try {
      await page.waitForSelector(id('desktop-lyrics'));
      const lyrics = await playingLyrics(app);
      const tid = lyrics.track_id;
      // Before the first line: the track, not a line.
      assert.equal(await current(page).getAttribute('data-index'), '-1');
      const withTranslation = lyrics.lines.findIndex(
        (l, i) => i > 0 && l.translation && lyrics.lines[i + 1]?.text,
      );
      assert.ok(withTranslation > 0, 'the fixture has translated lines');
      const line = lyrics.lines[withTranslation];

      await app.emit('lyric-line', { track_id: tid, index: withTranslation, offset_ms: 0 });
      await page.waitForSelector(
        `${id('desktop-lyrics-current')}[data-index="${withTranslation}"]`,
      );
      assert.equal((await current(page).innerText()).trim(), line.text);
      // Two lines with translation, by default: the translation below.
      assert.equal(await page.locator(id('desktop-lyrics')).getAttribute('data-lines'), '2');
      assert.equal(await second(page).getAttribute('data-kind'), 'translation');
      assert.equal((await second(page).innerText()).trim(), line.translation);
      await shot(page, 'desktop-lyrics-two-lines');

      // Translation off: the next line instead.
      await setPrefs(app, { translation: false });
      await page.waitForSelector(`${id('desktop-lyrics-second')}[data-kind="next"]`);
      assert.equal((await second(page).innerText()).trim(), lyrics.lines[withTranslation + 1].text);
      // One line: nothing below.
      await setPrefs(app, { two_lines: false });
      await page.waitForSelector(`${id('desktop-lyrics')}[data-lines="1"]`);
      assert.equal(await second(page).count(), 0);

      // The next event moves the line; one for another track shows none of this one's.
      await app.emit('lyric-line', { track_id: tid, index: withTranslation + 1, offset_ms: 0 });
      await page.waitForSelector(
        `${id('desktop-lyrics-current')}[data-index="${withTranslation + 1}"]`,
      );
      await app.emit('lyric-line', { track_id: 'another', index: 3, offset_ms: 0 });
      await page.waitForSelector(`${id('desktop-lyrics-current')}[data-index="-1"]`);

      // Size and colours from the preferences.
      await setPrefs(app, { font_size: 40, sung_color: '#ff0000' });
      await app.emit('lyric-line', { track_id: tid, index: 2, offset_ms: 0 });
      await eventually(async () => {
        const style = await current(page).evaluate((el) => {
          const cs = getComputedStyle(el);
          return { size: cs.fontSize, color: cs.color };
        });
        return style.size === '40px' && style.color === 'rgb(255, 0, 0)';
      });
      // The page is see-through: nothing but the text is painted.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, 'rgba(0, 0, 0, 0)');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('words light up as they are sung, moved by the offset the line was timed by', async () => {
    const app = await lyricsWindow({ playing: 'words', player: { status: 'paused' } });
    const { page } = app;
    try {
      await page.waitForSelector(id('desktop-lyrics'));
      const lyrics = await playingLyrics(app);
      const index = lyrics.lines.findIndex((l) => l.start_ms === 19670);
      assert.ok(index >= 0 && lyrics.lines[index].words.length === 5);
      await app.emit('player-position', { position_ms: 21000, duration_ms: 240000 });
      await app.emit('lyric-line', { track_id: lyrics.track_id, index, offset_ms: 0 });
      const states = () =>
        page
          .locator(id('desktop-lyrics-word'))
          .evaluateAll((ws) => ws.map((w) => `${w.textContent}:${w.dataset.state}`));
      await eventually(async () => (await states()).length === 5);
      // 感 19670+700, 受 20370+600 sung; 雪 20970+800 being sung; 花, 绽放 to come.
      assert.deepEqual(await states(), [
        '感:sung',
        '受:sung',
        '雪:singing',
        '花:pending',
        '绽放:pending',
      ]);
      const partly = await page
        .locator(`${id('desktop-lyrics-word')}[data-state="singing"]`)
        .evaluate((el) => el.style.getPropertyValue('--wp'));
      assert.match(partly, /^[1-9]\d?\.\d%$/, 'part of the word is lit');
      // The same position with the track's offset +3 s: the whole line is sung.
      await app.emit('lyric-line', { track_id: lyrics.track_id, index, offset_ms: 3000 });
      await eventually(async () => (await states()).every((s) => s.endsWith(':sung')));
      await shot(page, 'desktop-lyrics-words');
    } finally {
      await app.close();
    }
  });

  test('unlocked it offers lock and close; locked it shows nothing to click', async () => {
    const app = await lyricsWindow();
    const { page } = app;
    try {
      await page.waitForSelector(`${id('desktop-lyrics')}[data-locked="false"]`);
      await page.hover(id('desktop-lyrics'));
      await page.locator(id('desktop-lyrics-lock')).click();
      await page.waitForSelector(`${id('desktop-lyrics')}[data-locked="true"]`);
      assert.deepEqual((await app.calls('desktop_lyrics_lock')).at(-1).args, { locked: true });
      assert.equal(await page.locator(id('desktop-lyrics-toolbar')).count(), 0);
      // Unlocked from elsewhere (the main window, the tray): the toolbar is back.
      await app.duet(() =>
        window.__TAURI_INTERNALS__.invoke('desktop_lyrics_lock', { locked: false }),
      );
      await page.waitForSelector(id('desktop-lyrics-toolbar'));
      await page.hover(id('desktop-lyrics'));
      await page.locator(id('desktop-lyrics-close')).click();
      assert.equal(await app.count('desktop_lyrics_toggle'), 1);
    } finally {
      await app.close();
    }
  });

  test('where the desktop cannot keep it on top, it says so', async () => {
    const app = await lyricsWindow({ keepsOnTop: false });
    try {
      await app.page.waitForSelector(id('desktop-lyrics-no-on-top'));
      assert.match(await app.page.locator(id('desktop-lyrics-no-on-top')).innerText(), /Wayland/);
      // See-through where the window can be: nothing painted behind the text at rest.
      await eventually(
        async () =>
          (await app.page
            .locator(id('desktop-lyrics'))
            .evaluate((el) => getComputedStyle(el).backgroundColor)) === 'rgba(0, 0, 0, 0)',
      );
    } finally {
      await app.close();
    }
  });

  test('where the window cannot be see-through, the text sits on a plate', async () => {
    const app = await lyricsWindow({ seeThrough: false });
    try {
      await app.page.waitForSelector(`${id('desktop-lyrics')}.plate`);
      const plate = await app.page
        .locator(id('desktop-lyrics'))
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(plate, 'rgb(22, 22, 28)', 'opaque: nothing of an old frame shows through');
    } finally {
      await app.close();
    }
  });
});

describe('desktop lyrics from the main window', () => {
  test('the player bar toggles the window and sets how it looks', async () => {
    const app = await openApp(h, { mock: { playing: true, keepsOnTop: false } });
    const { page } = app;
    try {
      const button = page.locator(id('desktop-lyrics-button'));
      await button.waitFor();
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      await button.click();
      await eventually(async () => (await button.getAttribute('aria-pressed')) === 'true');
      assert.equal(await app.count('desktop_lyrics_toggle'), 1);

      await page.locator(id('desktop-lyrics-settings-button')).click();
      await page.waitForSelector(id('desktop-lyrics-settings'));
      // GNOME on Wayland: said plainly.
      await page.waitForSelector(id('desktop-lyrics-no-on-top-main'));
      await page.locator(id('desktop-lyrics-locked')).check();
      await eventually(async () =>
        (await app.calls('desktop_lyrics_lock')).some((c) => c.args.locked === true),
      );
      await page.locator(id('desktop-lyrics-two-lines')).uncheck();
      await eventually(async () => {
        const last = (await app.calls('prefs_set')).at(-1);
        return last?.args.next.desktop_lyrics.two_lines === false;
      });
      const saved = (await app.calls('prefs_set')).at(-1).args.next.desktop_lyrics;
      assert.equal(saved.visible, true, 'the rest of the section kept');
      assert.equal(saved.locked, true);
      await shot(page, 'desktop-lyrics-settings');
    } finally {
      await app.close();
    }
  });

  test('the lyrics page moves the track offset in 0.1 s steps and resets it', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      await page.locator(id('lyrics-button')).click();
      const value = page.locator(id('lyric-offset-value'));
      await value.waitFor();
      assert.equal((await value.innerText()).trim(), '0 s');
      for (let i = 0; i < 3; i++) await page.locator(id('lyric-offset-earlier')).click();
      await eventually(async () => (await value.innerText()).trim() === '+0.3 s');
      const track = await app.duet(() => window.__duet.player.track);
      assert.deepEqual((await app.calls('lyric_offset_set')).at(-1).args, {
        provider: track.provider,
        trackId: track.id,
        offsetMs: 300,
      });
      for (let i = 0; i < 5; i++) await page.locator(id('lyric-offset-later')).click();
      await eventually(async () => (await value.innerText()).trim() === '−0.2 s');
      await value.click();
      await eventually(async () => (await value.innerText()).trim() === '0 s');
      assert.equal((await app.calls('lyric_offset_set')).at(-1).args.offsetMs, 0);
    } finally {
      await app.close();
    }
  });
});
