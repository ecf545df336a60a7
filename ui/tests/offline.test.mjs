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

const PLAYLIST = '#/playlist/netease/705619441';
const PREFS = { window: {}, shortcuts: {}, desktop_lyrics: {}, sound: {}, now_playing: {} };

/** The `storage` section of the last preferences the app wrote. */
async function lastStorage(app) {
  const calls = await app.calls('prefs_set');
  return calls.at(-1)?.args?.next?.storage;
}

async function openStorage(app) {
  await app.page.waitForSelector(id('library-screen'));
  await app.page.locator(id('settings-button')).click();
  await app.page.waitForSelector(id('storage-settings'));
}

/** The ids of the playlist's first `n` rows. */
async function firstRowIds(n) {
  const app = await openApp(h, { hash: PLAYLIST, mock: { prefs: PREFS } });
  try {
    await app.page.waitForSelector(id('track-row'));
    const rows = app.page.locator(id('track-row'));
    const ids = [];
    for (let i = 0; i < n; i++) ids.push(await rows.nth(i).getAttribute('data-track-id'));
    return ids;
  } finally {
    await app.close();
  }
}

describe('music offline', () => {
  test('the storage settings show the cache, set its cap, clear it and refuse a bad pattern', async () => {
    const [first] = await firstRowIds(1);
    const app = await openApp(h, {
      mock: { prefs: PREFS, offlineTracks: [{ provider: 'netease', id: first }] },
    });
    try {
      await openStorage(app);
      const used = app.page.locator(id('cache-used'));
      await eventually(async () => (await used.innerText()).includes('4.0 MB in 1 played tracks'));
      const cap = app.page.locator(id('cache-cap'));
      assert.equal(await cap.inputValue(), '1024', '1 GB until changed');
      assert.deepEqual(await cap.locator('option').allTextContents(), [
        'Off',
        '256 MB',
        '512 MB',
        '1.0 GB',
        '2.0 GB',
        '5.0 GB',
        '10 GB',
      ]);
      assert.equal(
        await app.page.locator(id('download-dir')).getAttribute('placeholder'),
        '/home/you/Music/Duet',
      );
      await app.page.locator(id('storage-settings')).scrollIntoViewIfNeeded();
      await shot(app.page, 'storage-settings');

      await cap.selectOption('2048');
      await eventually(async () => (await lastStorage(app))?.cache_cap_mb === 2048);
      // The other sections are written back as they were.
      assert.deepEqual((await app.calls('prefs_set')).at(-1).args.next.window, {});

      await app.page.locator(id('cache-clear')).click();
      await eventually(async () => (await app.count('cache_clear')) === 1);
      await eventually(async () => (await used.innerText()).includes('0.0 MB in 0 played tracks'));
      assert.ok(await app.page.locator(id('cache-clear')).isDisabled(), 'nothing left to clear');

      const pattern = app.page.locator(id('file-name-pattern'));
      assert.equal(await pattern.inputValue(), '{artist} - {title}');
      await pattern.fill('{genre} - {title}');
      await pattern.press('Enter');
      await pattern.blur();
      const error = app.page.locator(id('storage-error'));
      await error.waitFor();
      assert.match(await error.innerText(), /unknown placeholder \{genre\}/);
      await pattern.fill('{album}/{track_no} {title}');
      await pattern.blur();
      await eventually(
        async () => (await lastStorage(app))?.file_name_pattern === '{album}/{track_no} {title}',
      );
      await error.waitFor({ state: 'detached' });

      await app.page.locator(id('offline-mode-switch')).check();
      await eventually(async () => (await lastStorage(app))?.offline_mode === true);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('in offline mode the tracks not on this computer are dimmed and say why', async () => {
    const [first, second] = await firstRowIds(2);
    const app = await openApp(h, {
      hash: PLAYLIST,
      mock: {
        prefs: { ...PREFS, storage: { offline_mode: true } },
        offlineTracks: [{ provider: 'netease', id: second }],
      },
    });
    try {
      const here = app.page.locator(`${id('track-row')}[data-track-id="${second}"]`);
      const away = app.page.locator(`${id('track-row')}[data-track-id="${first}"]`);
      await eventually(async () => (await here.getAttribute('data-offline')) === 'true');
      assert.equal(await away.getAttribute('data-offline'), 'false');
      assert.match((await away.getAttribute('class')) ?? '', /\baway\b/);
      assert.doesNotMatch((await here.getAttribute('class')) ?? '', /\baway\b/);
      assert.equal(await away.getAttribute('title'), 'Offline: not on this computer');
      const opacity = (el) =>
        el.locator('.track-text').evaluate((n) => getComputedStyle(n).opacity);
      assert.ok(Number(await opacity(away)) < 0.5, 'dimmed');
      assert.equal(await opacity(here), '1');
      await shot(app.page, 'offline-mode-playlist');

      // Online again: nothing is dimmed.
      await app.page.evaluate(async () => {
        const prefs = await window.__TAURI_INTERNALS__.invoke('prefs_get', {});
        await window.__TAURI_INTERNALS__.invoke('prefs_set', {
          next: { ...prefs, storage: { offline_mode: false } },
        });
      });
      await eventually(async () => !/\baway\b/.test((await away.getAttribute('class')) ?? ''));
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a playlist is kept offline with progress, downloaded, and un-kept', async () => {
    const app = await openApp(h, { hash: PLAYLIST, mock: { prefs: PREFS } });
    try {
      const keep = app.page.locator(id('keep-offline'));
      await keep.waitFor();
      assert.equal((await keep.innerText()).trim(), 'Keep offline');
      assert.equal(await keep.getAttribute('aria-pressed'), 'false');
      await keep.click();
      await eventually(async () => (await app.count('offline_keep')) === 1);
      const [call] = await app.calls('offline_keep');
      assert.deepEqual(call.args.collection, {
        provider: 'netease',
        kind: 'playlist',
        id: '705619441',
      });
      // Progress while it runs, then how much is kept.
      const progress = app.page.locator(id('keep-progress'));
      await eventually(async () => /^Keeping \d+\/\d+$/.test((await progress.innerText()).trim()));
      await eventually(async () => /^Offline \d+\/\d+$/.test((await progress.innerText()).trim()));
      assert.equal(await keep.getAttribute('aria-pressed'), 'true');
      // Its tracks play offline now; grey ones and previews are not fetched, and it says why.
      const row = app.page.locator(id('track-row')).first();
      await eventually(async () => (await row.getAttribute('data-offline')) === 'true');
      const grey = app.page.locator(`${id('track-row')}[data-playable="false"]`).first();
      assert.equal(await grey.getAttribute('data-offline'), 'false');
      const why = app.page.locator(id('offline-job-error'));
      await why.waitFor();
      assert.match((await why.innerText()).trim(), /^\d+ left out: .+/);
      await shot(app.page, 'playlist-kept-offline');

      // The service out of reach: the page opens from the kept copy, what is not here dimmed.
      await app.page.evaluate(() => {
        window.__duet.fail.playlist = { kind: 'network' };
        location.hash = '#/library';
      });
      await app.page.waitForSelector(id('library-screen'));
      await app.page.evaluate((h) => (location.hash = h), PLAYLIST);
      await eventually(async () => (await grey.getAttribute('class'))?.includes('away'));
      assert.doesNotMatch((await row.getAttribute('class')) ?? '', /\baway\b/);
      assert.equal(
        (await app.page.locator(id('playlist-creator')).innerText()).trim(),
        'Kept offline (the service cannot be reached)',
      );
      await shot(app.page, 'playlist-kept-copy');
      await app.page.evaluate(() => {
        delete window.__duet.fail.playlist;
        location.hash = '#/library';
      });
      await app.page.waitForSelector(id('library-screen'));
      await app.page.evaluate((h) => (location.hash = h), PLAYLIST);
      await eventually(async () => !(await grey.getAttribute('class'))?.includes('away'));

      await app.page.locator(id('download-all')).click();
      const downloaded = app.page.locator(id('download-progress'));
      await eventually(async () =>
        /^Downloaded \d+\/\d+$/.test((await downloaded.innerText()).trim()),
      );
      assert.equal(await app.count('download_collection'), 1);

      await keep.click();
      await eventually(async () => (await app.count('offline_unkeep')) === 1);
      await eventually(async () => (await keep.innerText()).trim() === 'Keep offline');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a track is downloaded from its menu, and where it went is said', async () => {
    const app = await openApp(h, { hash: PLAYLIST, mock: { prefs: PREFS } });
    try {
      const row = app.page.locator(id('track-row')).first();
      await row.waitFor();
      const title = (await row.locator('.name').innerText()).trim();
      await row.locator(id('track-more')).click();
      await app.page.locator(id('menu-download')).click();
      await eventually(async () => (await app.count('download_track')) === 1);
      const [call] = await app.calls('download_track');
      assert.equal(call.args.track.id, await row.getAttribute('data-track-id'));
      const toast = app.page.locator(id('toast'), { hasText: `Downloaded “${title}”` });
      await toast.waitFor();
      assert.match(await toast.innerText(), /\/home\/you\/Music\/Duet\/.+\.mp3/);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
});
