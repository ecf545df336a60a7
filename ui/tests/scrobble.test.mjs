// Settings → Scrobbling: connecting Last.fm (paste an API account, approve in the browser, "I
// approved it") and ListenBrainz (paste a token), switching each on in the preferences, the
// queue and the last error as the app tells them, a connection the service no longer accepts,
// and disconnecting.
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
const KEY = '0123456789abcdef0123456789abcdef';
const SECRET = 'fedcba9876543210fedcba9876543210';
const TOKEN = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

async function openScrobbling(app) {
  const { page } = app;
  await page.waitForSelector(id('library-screen'));
  await page.locator(id('settings-button')).click();
  const group = page.locator(id('scrobble-settings'));
  await group.waitFor();
  await group.scrollIntoViewIfNeeded();
  return group;
}

const lastPrefs = async (app) => (await app.calls('prefs_set')).at(-1)?.args?.next;

describe('scrobbling settings', () => {
  test('Last.fm: paste the API account, approve in the browser, then it is on', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS } });
    const { page } = app;
    try {
      const group = await openScrobbling(app);
      assert.match(await group.innerText(), /Nothing is ever reported to NetEase or QQ Music/);
      const note = page.locator(id('scrobble-lastfm-api-note'));
      await note.waitFor();
      assert.match(await note.innerText(), /no Last\.fm API account of its own/);
      // A malformed key is refused with the reason.
      await page.locator(id('scrobble-lastfm-api-key')).fill('abc');
      await page.locator(id('scrobble-lastfm-api-secret')).fill('def');
      await page.locator(id('scrobble-lastfm-api-save')).click();
      const problem = page.locator(id('scrobble-lastfm-problem'));
      await problem.waitFor();
      assert.match(await problem.innerText(), /32 letters and digits/);
      await page.locator(id('scrobble-lastfm-api-key')).fill(KEY);
      await page.locator(id('scrobble-lastfm-api-secret')).fill(SECRET);
      await page.locator(id('scrobble-lastfm-api-save')).click();
      await note.waitFor({ state: 'detached' });
      const saved = (await app.calls('scrobble_lastfm_api_account')).at(-1).args;
      assert.deepEqual(saved, { apiKey: KEY, apiSecret: SECRET });
      assert.equal(await page.locator(id('scrobble-lastfm-api-key')).count(), 0);

      await page.locator(id('scrobble-lastfm-connect')).click();
      const url = page.locator(id('scrobble-lastfm-url'));
      await url.waitFor();
      assert.match(
        await url.innerText(),
        /^https:\/\/www\.last\.fm\/api\/auth\/\?api_key=.*token=/,
      );
      await shot(page, 'scrobble-lastfm-approve');
      await page.locator(id('scrobble-lastfm-finish')).click();
      const account = page.locator(id('scrobble-lastfm-account'));
      await account.waitFor();
      assert.match(await account.innerText(), /Last\.fm: connected as duet-listener/);
      await eventually(async () => (await lastPrefs(app))?.scrobbling?.lastfm === true);
      assert.deepEqual((await lastPrefs(app)).sound, {}, 'the other sections as they were');
      assert.equal(await page.locator(id('scrobble-lastfm-switch')).isChecked(), true);
      // Switched off by hand: kept in the preferences.
      await page.locator(id('scrobble-lastfm-switch')).click();
      await eventually(async () => (await lastPrefs(app))?.scrobbling?.lastfm === false);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('ListenBrainz: a wrong token is refused, the right one connects', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS } });
    const { page } = app;
    try {
      await openScrobbling(app);
      const connect = page.locator(id('scrobble-listenbrainz-connect'));
      assert.equal(await connect.isDisabled(), true, 'nothing pasted yet');
      await page.locator(id('scrobble-listenbrainz-token')).fill('not-a-token');
      await connect.click();
      const problem = page.locator(id('scrobble-listenbrainz-problem'));
      await problem.waitFor();
      assert.match(await problem.innerText(), /does not know this token/);
      assert.equal(
        await page.locator(id('scrobble-listenbrainz-token')).getAttribute('type'),
        'password',
      );
      await page.locator(id('scrobble-listenbrainz-token')).fill(TOKEN);
      await connect.click();
      const account = page.locator(id('scrobble-listenbrainz-account'));
      await account.waitFor();
      assert.match(await account.innerText(), /ListenBrainz: connected as duet-listener/);
      await problem.waitFor({ state: 'detached' });
      await eventually(async () => (await lastPrefs(app))?.scrobbling?.listenbrainz === true);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the queue, the last error and a refused connection as the app tells them; disconnect', async () => {
    const app = await openApp(h, {
      mock: {
        prefs: { ...PREFS, scrobbling: { lastfm: true, listenbrainz: true } },
        scrobble: {
          apiAccount: true,
          connected: { lastfm: 'duet-listener', listenbrainz: 'duet-listener' },
          queued: { lastfm: 3 },
          lastError: { lastfm: 'Last.fm could not be reached' },
        },
      },
    });
    const { page } = app;
    try {
      await openScrobbling(app);
      const queued = page.locator(id('scrobble-lastfm-queued'));
      await queued.waitFor();
      assert.match(await queued.innerText(), /3 plays waiting to be sent/);
      assert.match(
        await page.locator(id('scrobble-lastfm-error')).innerText(),
        /could not be reached/,
      );
      assert.equal(await page.locator(id('scrobble-lastfm-switch')).isChecked(), true);
      const status = await app.duet(() => window.__TAURI_INTERNALS__.invoke('scrobble_status'));
      // The app tells that ListenBrainz no longer accepts the token, and that Last.fm sent.
      await app.emit('scrobble-status', {
        ...status,
        lastfm: { ...status.lastfm, queued: 0, last_error: null },
        listenbrainz: {
          ...status.listenbrainz,
          queued: 2,
          needs_reconnect: true,
          last_error: 'ListenBrainz: Invalid authorization token.',
        },
      });
      await eventually(async () => /^0 plays/.test(await queued.innerText()));
      assert.equal(await page.locator(id('scrobble-lastfm-error')).count(), 0);
      const reconnect = page.locator(id('scrobble-listenbrainz-reconnect'));
      await reconnect.waitFor();
      assert.match(await reconnect.innerText(), /no longer accepts this connection/);
      await page.locator(id('scrobble-listenbrainz-token')).waitFor();
      await shot(page, 'scrobble-settings');

      await page.locator(id('scrobble-lastfm-disconnect')).click();
      await page.locator(id('scrobble-lastfm-account')).waitFor({ state: 'detached' });
      assert.deepEqual((await app.calls('scrobble_disconnect')).at(-1).args, {
        service: 'lastfm',
      });
      await eventually(async () => (await lastPrefs(app))?.scrobbling?.lastfm === false);
      await page.locator(id('scrobble-lastfm-connect')).waitFor();
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
});
