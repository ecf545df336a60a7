import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { byTestId as id, eventually, openApp, startHarness } from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

describe('session', () => {
  test('a session-changed "expired" event sends the user back to the QR with the reason', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      await app.emit('session-changed', {
        provider: 'netease',
        state: 'expired',
        error: {
          kind: 'session_expired',
          message: 'MUSIC_U no longer accepted',
          provider: 'netease',
          upstream_code: 301,
        },
      });
      await page.waitForSelector(id('login-screen'));
      const notice = await page.locator(id('login-notice')).innerText();
      assert.match(notice, /Your login expired — scan again/);
      assert.match(notice, /MUSIC_U no longer accepted/);
      await page.waitForSelector(id('qr-image-netease'));
    } finally {
      await app.close();
    }
  });

  test('session_expired from any command goes back to the login', async () => {
    const app = await openApp(h, {
      mock: { fail: { playlist: { kind: 'session_expired', message: '301', upstream_code: 301 } } },
    });
    const { page } = app;
    try {
      await page.locator(id('playlist-card')).first().click();
      await page.waitForSelector(id('login-screen'));
      assert.match(await page.locator(id('login-notice')).innerText(), /login expired/);
      // and signing in again comes back
      const key = await eventually(() => app.duet(() => window.__duet.qr.netease?.key));
      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key,
        state: 'confirmed',
      });
      await page.waitForSelector(id('library-screen'));
    } finally {
      await app.close();
    }
  });

  test('a session-changed "logged_in" while on the login opens the library', async () => {
    const app = await openApp(h, { mock: { session: 'logged_out' } });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-netease'));
      await app.emit('session-changed', {
        provider: 'netease',
        state: 'logged_in',
        profile: {
          provider: 'netease',
          user_id: '1',
          nickname: 'binaryify',
          avatar_url: null,
          vip: false,
        },
      });
      await page.waitForSelector(id('library-screen'));
      assert.match(await page.locator(id('nickname')).innerText(), /binaryify/);
      await page.waitForSelector(id('playlist-card'));
      assert.equal(await app.count('user_playlists'), 1);
    } finally {
      await app.close();
    }
  });

  test('log out from the settings menu', async () => {
    const app = await openApp(h);
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      await page.locator(id('settings-button')).click();
      await page.locator(id('logout-button')).click();
      await page.waitForSelector(id('login-screen'));
      assert.deepEqual(await app.duet(() => window.__duet.last('logout')), { provider: 'netease' });
      assert.equal(await page.locator(id('login-notice')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('not_logged_in offers to sign in', async () => {
    const app = await openApp(h, {
      mock: { fail: { user_playlists: { kind: 'not_logged_in', message: 'no session' } } },
    });
    const { page } = app;
    try {
      const panel = page.locator(`${id('error-panel')}[data-kind="not_logged_in"]`);
      await panel.waitFor();
      await panel.locator(id('signin-button')).click();
      await page.waitForSelector(id('qr-image-netease'));
    } finally {
      await app.close();
    }
  });

  test('session_restore could not check the session (offline): said so, with a retry', async () => {
    const app = await openApp(h, { mock: { session: 'unavailable' } });
    const { page } = app;
    try {
      const banner = page.locator(id('restore-error'));
      await banner.waitFor();
      assert.equal(await banner.getAttribute('data-kind'), 'network');
      assert.match(await banner.innerText(), /couldn’t check your saved session/);
      await app.duet(() => (window.__duet.session.netease = 'logged_in'));
      await banner.locator('button').click();
      await page.waitForSelector(id('library-screen'));
      assert.equal(await app.count('session_restore'), 2);
    } finally {
      await app.close();
    }
  });
});
