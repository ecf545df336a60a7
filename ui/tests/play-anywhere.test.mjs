// Play anywhere: a NetEase song that is grey there plays from QQ Music; the player bar says so
// and offers the way back, the lyrics page shows QQ Music's lyrics (timed to what is heard), and
// Settings → Playback turns it off.
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

const JAY = [{ id: '6452', name: '周杰伦' }];
/** 稻香 as NetEase lists it: grey (no rights), as in the fake's twin catalogue. */
const GREY = {
  provider: 'netease',
  id: '555000002',
  title: '稻香',
  artists: JAY,
  album: { id: '1990001', name: '魔杰座', cover_url: null },
  duration_ms: 223240,
  playable: false,
  unavailable_reason: 'no copyright on NetEase',
  vip: false,
};
/** The same recording on QQ Music. */
const TWIN = {
  provider: 'qq',
  id: '004DuetTwin002',
  title: '稻香',
  artists: [{ id: '0025NhlN2yWrP4', name: '周杰伦' }],
  album: { id: '00Al0006236060', name: '魔杰座', cover_url: null },
  duration_ms: 223000,
  playable: true,
  vip: false,
};
const PREFS = { window: {}, shortcuts: {}, desktop_lyrics: {}, sound: {}, now_playing: {} };

/** Both services logged in, 稻香 playing from QQ Music. */
const fromQq = {
  providers: ['netease', 'qq'],
  qqSession: 'logged_in',
  prefs: PREFS,
  twins: { 'netease:555000002': TWIN },
  player: { status: 'playing', queue: [GREY], index: 0, track: GREY, substitute: TWIN },
};

describe('play anywhere', () => {
  test('the player bar says where the song plays from, and the way back plays the original', async () => {
    const app = await openApp(h, { mock: fromQq });
    const { page } = app;
    try {
      const from = page.locator(id('player-from'));
      await from.waitFor();
      assert.match(await from.innerText(), /from QQ Music/);
      assert.equal(await from.getAttribute('data-provider'), 'qq');
      assert.equal(await from.getAttribute('data-track'), '004DuetTwin002');
      assert.match(
        await from.getAttribute('title'),
        /NetEase Cloud Music cannot play this song in full/,
      );
      // The queue's song is still NetEase's.
      assert.equal(await page.locator(id('player-title')).innerText(), '稻香');
      assert.equal(
        await page.locator(id('player-provider')).getAttribute('data-provider'),
        'netease',
      );
      await shot(page, 'play-anywhere-player-bar');
      // The pill has a line of its own: the artists stay whole beside it, also in a narrow window.
      for (const width of [1280, 1040]) {
        await page.setViewportSize({ width, height: 720 });
        const artists = page.locator(id('player-artists'));
        assert.match(await artists.innerText(), /周杰伦/);
        assert.ok(
          await artists.evaluate((el) => el.scrollWidth <= el.clientWidth),
          `the artists are cut at ${width} px`,
        );
        assert.ok(await page.locator(id('player-keep-original')).isVisible());
      }

      await page.locator(id('player-keep-original')).click();
      await eventually(async () => (await app.count('player_keep_original')) === 1);
      await from.waitFor({ state: 'detached' });
      assert.equal(await page.locator(id('player-title')).innerText(), '稻香');
      // Kept for the session: playing it again does not substitute it.
      await app.duet(() => window.__TAURI_INTERNALS__.invoke('player_jump', { index: 0 }));
      assert.equal(await page.locator(id('player-from')).count(), 0);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the lyrics page shows the lyrics of what is heard', async () => {
    const app = await openApp(h, { mock: fromQq });
    const { page } = app;
    try {
      await page.locator(id('player-from')).waitFor();
      await page.locator(`${id('player-bar')} .art`).click();
      await page.locator(id('lyrics-view')).waitFor();
      const note = page.locator(id('lyrics-from'));
      await note.waitFor();
      assert.equal(await note.getAttribute('data-provider'), 'qq');
      assert.match(await note.innerText(), /Playing from QQ Music/);
      const asked = (await app.calls('lyrics')).map((c) => [c.args.provider, c.args.trackId]);
      assert.deepEqual(asked, [['qq', '004DuetTwin002']]);
      // The current line follows the QQ Music track's lyric-line events.
      await app.emit('lyric-line', { track_id: '004DuetTwin002', index: 1, offset_ms: 0 });
      await page.locator(`${id('lyrics-view')} [data-index="1"][data-current="true"]`).waitFor();
      await shot(page, 'play-anywhere-lyrics');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('Settings → Playback: on by default, turned off in the preferences', async () => {
    const app = await openApp(h, { mock: fromQq });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await page.locator(id('settings-button')).click();
      const toggle = page.locator(id('play-anywhere-switch'));
      await toggle.waitFor();
      assert.equal(await toggle.isChecked(), true, 'on by default');
      await toggle.scrollIntoViewIfNeeded();
      await shot(page, 'play-anywhere-setting');
      await toggle.click();
      await eventually(async () => {
        const calls = await app.calls('prefs_set');
        return calls.at(-1)?.args?.next?.playback?.play_anywhere === false;
      });
      const written = (await app.calls('prefs_set')).at(-1).args.next;
      assert.deepEqual(written.sound, {}, 'the other sections as they were');
      assert.equal(await toggle.isChecked(), false);
      // Off: the grey song played again is not substituted.
      await app.duet(() => window.__TAURI_INTERNALS__.invoke('player_jump', { index: 0 }));
      await page.locator(id('player-from')).waitFor({ state: 'detached' });
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
});
