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

const PREFS = { window: {}, shortcuts: {}, desktop_lyrics: {}, sound: {}, now_playing: {} };
const OFFLINE = { ...PREFS, storage: { offline_mode: true } };
const KEPT_PLAYLIST = { provider: 'netease', kind: 'playlist', id: '705619441' };
const KEPT_ALBUM = { provider: 'netease', kind: 'album', id: '2000' };

/** Commands that ask a music service something (the library, a page, the daily picks). */
const SERVICE = ['user_playlists', 'playlist', 'album', 'recommended_tracks', 'search'];

async function serviceCalls(app) {
  const calls = await app.calls();
  return calls.filter((c) => SERVICE.includes(c.cmd)).map((c) => c.cmd);
}

/**
 * Recently played: the kept playlist's first playable track, renamed so it is told apart, and a
 * track that is not on this computer.
 */
async function playedOnce() {
  const app = await openApp(h, { hash: '#/playlist/netease/705619441', mock: { prefs: PREFS } });
  try {
    await app.page.waitForSelector(id('track-row'));
    const tracks = await app.page.evaluate(() =>
      window.__TAURI_INTERNALS__.invoke('playlist', { provider: 'netease', id: '705619441' }),
    );
    const here = tracks.tracks.find((tr) => tr.playable && !tr.vip);
    return [
      { track: { ...here, title: 'Played here' }, played_at_ms: 2 },
      { track: { ...here, id: 'not-here', title: 'Played elsewhere' }, played_at_ms: 1 },
    ];
  } finally {
    await app.close();
  }
}

describe('the library offline', () => {
  test('in offline mode the library shows what is kept, and a kept playlist plays from it', async () => {
    const app = await openApp(h, {
      mock: { prefs: OFFLINE, kept: [KEPT_PLAYLIST, KEPT_ALBUM], history: await playedOnce() },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('offline-library'));
      assert.equal(
        (await page.locator(id('offline-notice')).innerText()).trim(),
        'Offline: showing what is on this computer\nGo online',
      );
      const cards = page.locator(id('offline-card'));
      await eventually(async () => (await cards.count()) === 2);
      assert.match(await cards.nth(0).innerText(), /\d+\/\d+ on this computer/);
      // Of what was played recently, only what is here.
      const recent = page.locator(id('offline-recent-row'));
      await eventually(async () => (await recent.count()) === 1);
      assert.match(await recent.innerText(), /Played here/);
      assert.equal(await page.locator(id('playlist-card')).count(), 0, 'no service playlists');
      assert.equal(await page.locator(id('daily-link')).count(), 0);
      await shot(page, 'offline-library');

      await cards.nth(0).click();
      const row = page.locator(`${id('track-row')}[data-offline="true"]`).first();
      await row.waitFor();
      assert.equal(
        (await page.locator(id('playlist-creator')).innerText()).trim(),
        'Kept offline (offline mode)',
      );
      const trackId = await row.getAttribute('data-track-id');
      await row.dblclick();
      await eventually(async () => (await app.count('player_play')) === 1);
      const [played] = await app.calls('player_play');
      const tracks = played.args.tracks;
      assert.equal(tracks[played.args.startIndex].id, trackId);

      await page.locator(id('nav-library')).click();
      await cards.nth(1).click();
      await page.locator(id('track-row')).first().waitFor();
      assert.deepEqual(await serviceCalls(app), [], 'nothing asked of the services');

      // Going online turns offline mode off and loads the library from the services.
      await page.locator(id('nav-library')).click();
      await page.locator(id('go-online')).click();
      await page.locator(id('playlist-card')).first().waitFor();
      await page.waitForSelector(id('offline-library'), { state: 'detached' });
      const prefs = (await app.calls('prefs_set')).at(-1).args.next;
      assert.equal(prefs.storage.offline_mode, false);
      assert.deepEqual(prefs.window, {}, 'the other sections are kept');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the library unreachable with something kept shows what is here, and tries again', async () => {
    const app = await openApp(h, {
      mock: {
        prefs: PREFS,
        kept: [KEPT_PLAYLIST],
        fail: { user_playlists: { kind: 'network' } },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('offline-library'));
      const notice = page.locator(id('offline-notice'));
      assert.match(await notice.innerText(), /cannot be reached: showing what is on this computer/);
      assert.equal(await page.locator(id('go-online')).count(), 0, 'offline mode is not on');
      await eventually(async () => (await page.locator(id('offline-card')).count()) === 1);
      await shot(page, 'offline-library-unreachable');

      await page.evaluate(() => delete window.__duet.fail.user_playlists);
      await page.locator(id('offline-retry')).click();
      await page.locator(id('playlist-card')).first().waitFor();
      assert.equal(await page.locator(id('offline-library')).count(), 0);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('no network at start with something kept opens the library on what is here', async () => {
    const app = await openApp(h, {
      mock: { prefs: PREFS, kept: [KEPT_PLAYLIST], session: 'unavailable' },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('offline-library'));
      assert.equal(await page.locator(id('login-screen')).count(), 0, 'not the login screen');
      assert.match(
        await page.locator(id('offline-notice')).innerText(),
        /cannot be reached: showing what is on this computer/,
      );
      await eventually(async () => (await page.locator(id('offline-card')).count()) === 1);
      assert.deepEqual(await serviceCalls(app), [], 'nothing asked of the services');

      // The network is back: trying again checks the stored session and opens the library.
      await page.evaluate(() => (window.__duet.session.netease = 'logged_in'));
      await page.locator(id('offline-retry')).click();
      await page.locator(id('playlist-card')).first().waitFor();
      assert.equal(await page.locator(id('offline-library')).count(), 0);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('no network at start with nothing kept is the login with the reason', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS, session: 'unavailable' } });
    try {
      await app.page.waitForSelector(id('login-screen'));
      assert.equal(await app.page.locator(id('offline-library')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('in offline mode with nothing kept the library says so', async () => {
    const app = await openApp(h, { mock: { prefs: OFFLINE } });
    const { page } = app;
    try {
      const empty = page.locator(id('offline-empty'));
      await empty.waitFor();
      assert.match(await empty.innerText(), /Nothing is kept on this computer yet/);
      assert.equal(await page.locator(id('offline-card')).count(), 0);
      assert.deepEqual(await serviceCalls(app), []);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
});
