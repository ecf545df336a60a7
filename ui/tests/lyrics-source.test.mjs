// LRCLIB as a second source of lyrics (off until turned on in Settings), its mark on the lyrics
// page and in the desktop lyrics, the lyrics fonts applied at once, and the daily check-in's
// note. The mock answers `lyrics` as src-tauri/src/lyrics_source.rs does: LRCLIB's lines only
// while prefs.json's `lyrics.lrclib` is on and the service has none.
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

/** Makes the playing track one the service has no lyrics for (LRCLIB has: `mode`). */
async function withoutServiceLyrics(app, mode = 'lrclib') {
  await app.page.waitForSelector(id('player-bar'));
  return app.duet((m) => {
    const tid = window.__duet.player.track.id;
    window.__duet.lyricsMode[tid] = m;
    return tid;
  }, mode);
}

async function openLyrics(app) {
  await app.page.locator(id('lyrics-button')).click();
  await app.page.waitForSelector(id('lyrics-view'));
}

const setPrefs = (app, section, change) =>
  app.duet(
    async ([s, c]) => {
      const prefs = await window.__TAURI_INTERNALS__.invoke('prefs_get', {});
      prefs[s] = { ...prefs[s], ...c };
      await window.__TAURI_INTERNALS__.invoke('prefs_set', { next: prefs });
    },
    [section, change],
  );

/** The track the mock plays with `playing: 'words'`. */
const WORD_TRACK = '1999999';

const asked = (app) => app.duet(() => window.__duet.lrclibAsked.length);

describe('lyrics from LRCLIB', () => {
  test('off by default: the song says it has none, and LRCLIB is never asked', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await withoutServiceLyrics(app);
      await openLyrics(app);
      await page.waitForSelector(id('lyrics-instrumental'));
      assert.equal(await page.locator(id('lyrics-source')).count(), 0);
      assert.equal(await page.locator(id('lyric-line')).count(), 0);
      assert.equal(await asked(app), 0);
    } finally {
      await app.close();
    }
  });

  test('turned on in Settings, the open page shows LRCLIB lines, marked as such', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await withoutServiceLyrics(app);
      await openLyrics(app);
      await page.waitForSelector(id('lyrics-instrumental'));
      await page.locator(id('lyrics-close')).click();

      await page.locator(id('settings-button')).click();
      const lrclib = page.locator(id('lrclib-switch'));
      await lrclib.waitFor();
      assert.equal(await lrclib.isChecked(), false, 'off until turned on');
      await lrclib.check();
      await eventually(
        async () => (await app.calls('prefs_set')).at(-1)?.args.next.lyrics?.lrclib === true,
      );
      await page.keyboard.press('Escape');

      await openLyrics(app);
      const mark = page.locator(id('lyrics-source'));
      await mark.waitFor();
      assert.equal((await mark.innerText()).trim(), 'Lyrics from LRCLIB');
      await eventually(async () => (await page.locator(id('lyric-line')).count()) === 3);
      assert.match(await page.locator(id('lyric-line')).first().innerText(), /Words LRCLIB has/);
      assert.equal(await page.locator(id('lyrics-instrumental')).count(), 0);
      assert.equal(await asked(app), 1);
      await shot(page, 'lyrics-from-lrclib');

      // Off again while the page is open: back to the service's answer.
      await setPrefs(app, 'lyrics', { lrclib: false });
      await page.waitForSelector(id('lyrics-instrumental'));
      assert.equal(await page.locator(id('lyrics-source')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('LRCLIB failing is said under "no lyrics", with a retry that asks again', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await withoutServiceLyrics(app);
      await setPrefs(app, 'lyrics', { lrclib: true });
      await app.duet(() => (window.__duet.lrclibDown = 'network'));
      await openLyrics(app);
      const note = page.locator(id('lyrics-lrclib-failed'));
      await note.waitFor();
      assert.match(await note.innerText(), /LRCLIB could not be reached/);
      assert.match(await note.getAttribute('title'), /connection refused/);
      assert.equal(await page.locator(id('lyrics-source')).count(), 0);
      await shot(page, 'lyrics-lrclib-failed');

      // Up again: the retry asks again, and its lines replace the note.
      await app.duet(() => (window.__duet.lrclibDown = null));
      const before = await asked(app);
      await page.locator(id('lyrics-lrclib-retry')).click();
      await eventually(async () => (await page.locator(id('lyric-line')).count()) === 3);
      assert.equal(await asked(app), before + 1);
      assert.equal(await note.count(), 0);
      assert.equal(
        (await page.locator(id('lyrics-source')).innerText()).trim(),
        'Lyrics from LRCLIB',
      );
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('plain LRCLIB lyrics are said to be untimed and a click does not seek', async () => {
    const app = await openApp(h, { mock: { playing: true, prefs: { lyrics: { lrclib: true } } } });
    const { page } = app;
    try {
      await withoutServiceLyrics(app, 'lrclib_plain');
      await openLyrics(app);
      const mark = page.locator(id('lyrics-source'));
      await mark.waitFor();
      assert.equal((await mark.innerText()).trim(), 'Lyrics from LRCLIB · not timed');
      await eventually(async () => (await page.locator(id('lyric-line')).count()) === 3);
      await page.locator(id('lyric-line')).nth(2).click();
      assert.equal(await app.count('player_seek'), 0, 'untimed lines are not places to seek to');
    } finally {
      await app.close();
    }
  });

  test('the desktop lyrics say where their lines come from', async () => {
    const app = await openApp(h, {
      page: 'lyrics.html',
      viewport: { width: 760, height: 150 },
      mock: {
        playing: 'words',
        lyricsMode: { [WORD_TRACK]: 'lrclib' },
        prefs: { lyrics: { lrclib: true }, desktop_lyrics: {} },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('desktop-lyrics'));
      const tid = await app.duet(() => window.__duet.player.track.id);
      assert.equal(tid, WORD_TRACK);
      await app.emit('lyric-line', { track_id: tid, index: 1, offset_ms: 0 });
      await page.waitForSelector(`${id('desktop-lyrics-current')}[data-index="1"]`);
      assert.equal(
        (await page.locator(id('desktop-lyrics-current')).innerText()).trim(),
        'For a song the service has none for',
      );
      const mark = page.locator(id('desktop-lyrics-source'));
      await mark.waitFor();
      assert.equal((await mark.innerText()).trim(), 'Lyrics from LRCLIB');
    } finally {
      await app.close();
    }
  });
});

describe('lyrics fonts', () => {
  test('the lyrics page takes its family, size and weight from Settings, at once', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      await page.locator(id('settings-button')).click();
      await page.locator(id('lyrics-font-family')).selectOption('cjk');
      await eventually(
        async () => (await app.calls('prefs_set')).at(-1)?.args.next.lyrics?.font?.family === 'cjk',
      );
      await page.locator(id('lyrics-font-weight')).selectOption('400');
      await page.locator(id('lyrics-font-size')).evaluate((el) => {
        el.value = '34';
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await eventually(async () => {
        const font = (await app.calls('prefs_set')).at(-1)?.args.next.lyrics?.font;
        return font?.size === 34 && font?.weight === 400 && font?.family === 'cjk';
      });
      await page.keyboard.press('Escape');

      await openLyrics(app);
      const line = page.locator(`${id('lyric-line')} .main`).first();
      await line.waitFor();
      const style = () =>
        line.evaluate((el) => {
          const s = getComputedStyle(el);
          return { family: s.fontFamily, size: s.fontSize, weight: s.fontWeight };
        });
      const set = await style();
      assert.equal(set.size, '34px');
      assert.equal(set.weight, '400');
      assert.match(set.family, /^"Noto Sans CJK SC"/);
      await shot(page, 'lyrics-font-cjk');

      // Changed while the page is open (as from another window): applied at once.
      await setPrefs(app, 'lyrics', { font: { family: 'serif', size: 20, weight: 800 } });
      await eventually(async () => {
        const s = await style();
        return s.size === '20px' && s.weight === '800' && s.family.startsWith('Georgia');
      });
    } finally {
      await app.close();
    }
  });

  test('the desktop lyrics take their family and weight from the player bar menu', async () => {
    const main = await openApp(h, { mock: { playing: true } });
    try {
      const { page } = main;
      await page.locator(id('desktop-lyrics-settings-button')).click();
      await page.locator(id('desktop-lyrics-font-family')).selectOption('serif');
      await page.locator(id('desktop-lyrics-font-weight')).selectOption('400');
      await eventually(async () => {
        const d = (await main.calls('prefs_set')).at(-1)?.args.next.desktop_lyrics;
        return d?.font_family === 'serif' && d?.font_weight === 400;
      });
      const saved = (await main.calls('prefs_set')).at(-1).args.next.desktop_lyrics;
      assert.equal(saved.font_size, 32, 'the rest of the section kept');
    } finally {
      await main.close();
    }
    const window = await openApp(h, {
      page: 'lyrics.html',
      viewport: { width: 760, height: 150 },
      mock: {
        playing: true,
        prefs: { desktop_lyrics: { font_family: 'serif', font_weight: 400 } },
      },
    });
    try {
      const current = window.page.locator(id('desktop-lyrics-current'));
      await current.waitFor();
      const { family, weight } = await current.evaluate((el) => {
        const s = getComputedStyle(el);
        return { family: s.fontFamily, weight: s.fontWeight };
      });
      assert.match(family, /Georgia/);
      assert.equal(weight, '400');
    } finally {
      await window.close();
    }
  });
});

describe('daily check-in', () => {
  test('says what it does, and nothing checks in without a press', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      const note = page.locator(id('checkin-note')).first();
      await note.waitFor();
      assert.equal(
        (await note.innerText()).trim(),
        "Claims today's sign-in points on NetEase Cloud Music; Duet never does this by itself.",
      );
      await page.waitForSelector(id('player-bar'));
      await openLyrics(app);
      await page.locator(id('lyrics-close')).click();
      assert.equal(await app.count('daily_checkin'), 0, 'no check-in by itself');
      await page.locator(id('checkin-button')).first().click();
      await page.waitForSelector(id('checkin-result'));
      assert.equal(await app.count('daily_checkin'), 1);
      assert.equal(
        await page.locator(`${id('checkin-note')}[data-provider="netease"]`).count(),
        0,
        'the result replaces the note',
      );
    } finally {
      await app.close();
    }
  });
});
