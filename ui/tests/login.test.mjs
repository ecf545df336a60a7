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

const loggedOut = { session: 'logged_out' };

describe('login', () => {
  test('shows a large, sharp QR that follows waiting → scanned → confirmed, then the library', async () => {
    const app = await openApp(h, { mock: loggedOut });
    const { page } = app;
    try {
      await page.waitForSelector(id('login-screen'));
      const img = page.locator(id('qr-image-netease'));
      await img.waitFor();
      const box = await img.boundingBox();
      assert.ok(box.width >= 240 && box.height >= 240, `QR is ${box.width}×${box.height}`);
      assert.equal(await img.evaluate((el) => getComputedStyle(el).imageRendering), 'pixelated');
      assert.match(await img.getAttribute('src'), /^data:image\/png;base64,/);
      const state = page.locator(id('qr-state-netease'));
      assert.equal(await state.getAttribute('data-state'), 'waiting');
      assert.match(await state.innerText(), /Scan with the NetEase Cloud Music app/);
      await shot(page, 'login-light');

      const key = await app.duet(() => window.__duet.qr.netease.key);
      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key,
        state: 'scanned',
        message: '授权登录中',
      });
      await page.waitForSelector(`${id('qr-state-netease')}[data-state="scanned"]`);
      const text = await state.innerText();
      assert.match(text, /Scanned — confirm on your phone/);
      assert.match(text, /授权登录中/);
      await shot(page, 'login-scanned');

      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key,
        state: 'confirmed',
        profile: {
          provider: 'netease',
          user_id: '125279114',
          nickname: '大不6仙',
          avatar_url: null,
          vip: true,
        },
      });
      await page.waitForSelector(id('library-screen'));
      assert.match(await page.locator(id('nickname')).innerText(), /大不6仙/);
      await page.waitForSelector(id('playlist-card'));
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a login the keychain would not keep is made, and said so', async () => {
    const app = await openApp(h, { mock: loggedOut });
    const { page } = app;
    try {
      const img = page.locator(id('qr-image-netease'));
      await img.waitFor();
      const key = await app.duet(() => window.__duet.qr.netease.key);
      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key,
        state: 'confirmed',
        profile: {
          provider: 'netease',
          user_id: '1',
          nickname: '大不6仙',
          avatar_url: null,
          vip: false,
        },
        message: 'logged in until Duet closes: the session was not kept (your keyring is locked)',
        error: { kind: 'keychain', message: 'your keyring is locked', provider: 'netease' },
      });
      await page.waitForSelector(id('library-screen'));
      const toast = page.locator(id('toast'), { hasText: 'Your keyring is locked' });
      await toast.waitFor();
      assert.match(await toast.innerText(), /until Duet closes/);
      assert.equal(await toast.count(), 1, 'the login is told once, so it is said once');
    } finally {
      await app.close();
    }
  });

  test('an expired code is dimmed and "Get a new code" starts a new QR', async () => {
    const app = await openApp(h, { mock: loggedOut });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-netease'));
      const first = await app.duet(() => window.__duet.qr.netease);
      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key: first.key,
        state: 'expired',
      });
      const refresh = page.locator(id('qr-refresh-netease'));
      await refresh.waitFor();
      assert.match(await refresh.innerText(), /Get a new code/);
      // The dimming is a 0.3 s transition: wait for it rather than read it mid-way.
      const opacity = () =>
        page.locator(id('qr-image-netease')).evaluate((el) => Number(getComputedStyle(el).opacity));
      await eventually(async () => (await opacity()) < 0.5);
      await shot(page, 'login-expired');

      await refresh.click();
      await eventually(async () => (await app.count('login_qr_start')) === 2);
      await page.waitForSelector(`${id('qr-state-netease')}[data-state="waiting"]`);
      const second = await app.duet(() => window.__duet.qr.netease);
      assert.notEqual(second.key, first.key);
      assert.equal(await page.locator(id('qr-image-netease')).getAttribute('src'), second.qr_png);
      assert.equal(await page.locator(id('qr-refresh-netease')).count(), 0);

      // events for the old key are ignored
      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key: first.key,
        state: 'expired',
      });
      await page.waitForTimeout(200);
      assert.equal(
        await page.locator(id('qr-state-netease')).getAttribute('data-state'),
        'waiting',
      );
    } finally {
      await app.close();
    }
  });

  test('a failed login explains its error and offers a retry', async () => {
    const app = await openApp(h, { mock: loggedOut });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-netease'));
      const key = await app.duet(() => window.__duet.qr.netease.key);
      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key,
        state: 'failed',
        message: '安全验证',
        error: {
          kind: 'risk_control',
          message: 'code 8821',
          provider: 'netease',
          upstream_code: 8821,
        },
      });
      await page.waitForSelector(`${id('qr-state-netease')}[data-state="failed"]`);
      const text = await page.locator(id('qr-state-netease')).innerText();
      assert.match(text, /NetEase’s safety system blocked this/);
      assert.match(text, /complete any check it asks for/);
      await page.locator(id('qr-refresh-netease')).click();
      await eventually(async () => (await app.count('login_qr_start')) === 2);
    } finally {
      await app.close();
    }
  });

  test('login_qr_start failing shows the explained error in the card', async () => {
    const app = await openApp(h, {
      mock: {
        ...loggedOut,
        fail: { login_qr_start: { kind: 'network', message: 'connect refused' } },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(`${id('qr-state-netease')}[data-state="failed"]`);
      assert.match(await page.locator(id('qr-state-netease')).innerText(), /offline/);
      await app.duet(() => delete window.__duet.fail.login_qr_start);
      await page.locator(id('qr-refresh-netease')).click();
      await page.waitForSelector(id('qr-image-netease'));
    } finally {
      await app.close();
    }
  });

  test('keychain banner when the OS keychain is unavailable', async () => {
    const app = await openApp(h, {
      mock: {
        ...loggedOut,
        keychain: 'memory',
        keychain_message: 'org.freedesktop.secrets was not provided by any .service files',
      },
    });
    const { page } = app;
    try {
      const banner = page.locator(id('keychain-banner'));
      await banner.waitFor();
      const text = await banner.innerText();
      assert.match(text, /keychain isn’t available/);
      assert.match(text, /until you close the app/);
      assert.match(text, /org\.freedesktop\.secrets/);
      await page.waitForSelector(id('qr-image-netease'));
      await shot(page, 'login-keychain');
    } finally {
      await app.close();
    }
  });

  test('a locked keyring: say so, and once unlocked, read the sessions it keeps', async () => {
    const app = await openApp(h, {
      mock: {
        ...loggedOut,
        keychain: 'locked',
        keychain_message: 'your keyring is locked: unlock it, then try again',
        unlockAfterRetries: 2,
        unlockedSession: { netease: 'logged_in' },
      },
    });
    const { page } = app;
    try {
      const banner = page.locator(id('keychain-locked'));
      await banner.waitFor();
      assert.match(await banner.innerText(), /Unlock your keyring/);
      await shot(page, 'login-keychain-locked');
      // Still locked: the reason, in place, and the QR codes stay usable.
      await page.locator(id('keychain-retry')).click();
      await page.waitForSelector(id('keychain-locked-error'));
      assert.match(await page.locator(id('keychain-locked-error')).innerText(), /unlock it/);
      await page.waitForSelector(id('qr-image-netease'));
      // Unlocked: the stored session is read and the library opens.
      await page.locator(id('keychain-retry')).click();
      await page.waitForSelector(id('library-screen'));
      assert.equal(await page.locator(id('keychain-locked')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('a test upstream is badged on every screen, and only then', async () => {
    const app = await openApp(h, { mock: { ...loggedOut, upstream: 'http://127.0.0.1:9000/' } });
    const { page } = app;
    try {
      const badge = page.locator(id('test-upstream-badge'));
      await badge.waitFor();
      assert.equal(await badge.innerText(), 'Test upstream');
      assert.match(await badge.getAttribute('title'), /127\.0\.0\.1:9000.*DUET_UPSTREAM/);
      await app.duet(() => window.__duet.confirm('netease'));
      await page.waitForSelector(id('library-screen'));
      assert.ok(await page.locator(`${id('sidebar')} ${id('test-upstream-badge')}`).isVisible());
    } finally {
      await app.close();
    }
    const real = await openApp(h, { mock: loggedOut });
    try {
      await real.page.waitForSelector(id('qr-image-netease'));
      assert.equal(await real.page.locator(id('test-upstream-badge')).count(), 0);
    } finally {
      await real.close();
    }
  });

  test('no keychain banner with the OS keychain', async () => {
    const app = await openApp(h, { mock: loggedOut });
    try {
      await app.page.waitForSelector(id('qr-image-netease'));
      assert.equal(await app.page.locator(id('keychain-banner')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('session_restore "expired" opens the login with "your session expired"', async () => {
    const app = await openApp(h, { mock: { session: 'expired' } });
    const { page } = app;
    try {
      await page.waitForSelector(id('login-screen'));
      const notice = page.locator(id('login-notice'));
      await notice.waitFor();
      assert.match(await notice.innerText(), /login expired/i);
      assert.match(await notice.innerText(), /scan again/i);
      assert.equal(await app.count('user_playlists'), 0);
    } finally {
      await app.close();
    }
  });

  test('session_restore "logged_in" goes straight to the library', async () => {
    const app = await openApp(h, {});
    try {
      await app.page.waitForSelector(id('library-screen'));
      assert.equal(await app.page.locator(id('login-screen')).count(), 0);
      assert.equal(await app.count('login_qr_start'), 0);
    } finally {
      await app.close();
    }
  });

  test('with QQ available: NetEase, QQ Music app, QQ and WeChat cards side by side', async () => {
    const app = await openApp(h, {
      mock: { ...loggedOut, qqSession: 'logged_out', providers: ['netease', 'qq'] },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-netease'));
      await page.waitForSelector(id('qr-image-qq'));
      await page.waitForSelector(id('qr-image-qqmusic'));
      const boxes = await Promise.all(
        ['netease', 'qqmusic', 'qq', 'wechat'].map((m) =>
          page.locator(id(`qr-card-${m}`)).boundingBox(),
        ),
      );
      // QQ Music's three cards side by side; NetEase's beside them or, where the window is too
      // narrow for four, above them
      const [netease, ...qq] = boxes;
      assert.ok(
        qq.every((b) => Math.abs(b.y - qq[0].y) < 2),
        "QQ Music's three cards in one row",
      );
      assert.ok(
        Math.abs(netease.y - qq[0].y) < 2 || netease.y + netease.height <= qq[0].y,
        'NetEase beside or above',
      );
      const order = await page
        .locator(`${id('login-service-qq')} [data-method]`)
        .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-method')));
      assert.deepEqual(order, ['qqmusic', 'qq', 'wechat'], "the QQ Music app's card first");
      assert.match(
        await page.locator(id('qr-state-qqmusic')).innerText(),
        /Scan with the QQ Music app/,
      );
      assert.match(await page.locator(id('qr-state-qq')).innerText(), /Scan with the QQ app/);
      await shot(page, 'login-three-providers');
      await page.locator(id('qr-start-wechat')).click();
      await page.waitForSelector(id('qr-image-wechat'));
      const last = await app.duet(() => window.__duet.last('login_qr_start'));
      assert.deepEqual(last, { provider: 'qq', method: 'wechat' });
      assert.match(await page.locator(id('qr-state-wechat')).innerText(), /Scan with WeChat/);
    } finally {
      await app.close();
    }
  });

  test("the QQ Music app's own code: scanned, then confirmed into the library", async () => {
    const app = await openApp(h, {
      mock: { session: 'logged_in', qqSession: 'logged_out', providers: ['netease', 'qq'] },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await page.locator(id('settings-button')).click();
      await page.locator(`${id('add-account')}[data-provider="qq"]`).click();
      await page.waitForSelector(id('qr-image-qqmusic'));
      const image = page.locator(id('qr-image-qqmusic'));
      assert.match(await image.getAttribute('src'), /^data:image\/png;base64,/);
      assert.match(await image.getAttribute('alt'), /QQ Music app/);
      await app.duet(() => window.__duet.qrState('qqmusic', 'scanned'));
      await page.waitForSelector(`${id('qr-state-qqmusic')}[data-state="scanned"]`);
      assert.match(await page.locator(id('qr-state-qqmusic')).innerText(), /confirm on your phone/);
      await app.duet(() => window.__duet.confirm('qqmusic'));
      await page.waitForSelector(id('library-accounts'));
      assert.equal(await page.locator(id('library-account')).count(), 2);
      assert.deepEqual(
        (await app.calls('login_qr_cancel')).map((c) => c.args),
        [{ provider: 'qq', method: 'qq' }],
        'the QQ code is cancelled, the confirmed app code is not',
      );
    } finally {
      await app.close();
    }
  });

  test('a code cancelled in the QQ Music app says so and offers a new one', async () => {
    const app = await openApp(h, {
      mock: { ...loggedOut, qqSession: 'logged_out', providers: ['netease', 'qq'] },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-qqmusic'));
      await app.duet(() =>
        window.__duet.qrState('qqmusic', 'failed', {
          error: {
            kind: 'not_logged_in',
            message: 'the login was cancelled in the QQ Music app',
            provider: 'qq',
          },
        }),
      );
      await page.waitForSelector(`${id('qr-state-qqmusic')}[data-state="failed"]`);
      await page.locator(id('qr-refresh-qqmusic')).click();
      await page.waitForSelector(`${id('qr-state-qqmusic')}[data-state="waiting"]`);
      assert.deepEqual(await app.duet(() => window.__duet.last('login_qr_start')), {
        provider: 'qq',
        method: 'qqmusic',
      });
      assert.equal(await page.locator(id('qr-state-qq')).getAttribute('data-state'), 'waiting');
    } finally {
      await app.close();
    }
  });

  test('confirming one service cancels the other pending QR; a profile-less confirm fetches the profile', async () => {
    const app = await openApp(h, { mock: { ...loggedOut, providers: ['netease', 'qq'] } });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-netease'));
      await page.waitForSelector(id('qr-image-qq'));
      const key = await app.duet(() => window.__duet.qr.netease.key);
      await app.emit('login-state', {
        provider: 'netease',
        method: 'app',
        key,
        state: 'confirmed',
      });
      await page.waitForSelector(id('library-screen'));
      assert.equal(await app.count('profile'), 1);
      const cancels = (await app.calls('login_qr_cancel')).map((c) => c.args);
      assert.deepEqual(
        cancels.sort((x, y) => x.method.localeCompare(y.method)),
        [
          { provider: 'qq', method: 'qq' },
          { provider: 'qq', method: 'qqmusic' },
        ],
        'the waiting QQ codes are cancelled (WeChat never started), the confirmed one is not',
      );
      // the first code of each card named its method
      assert.deepEqual(
        (await app.calls('login_qr_start'))
          .map((c) => c.args)
          .sort((x, y) => x.provider.localeCompare(y.provider)),
        [
          { provider: 'netease', method: 'app' },
          { provider: 'qq', method: 'qqmusic' },
          { provider: 'qq', method: 'qq' },
        ],
      );
    } finally {
      await app.close();
    }
  });
});

describe('other ways in, for when the QR is refused', () => {
  const bothLoggedOut = { session: 'logged_out', providers: ['netease', 'qq'] };
  test('a -462 refusal opens the web login and the cookie paste; otherwise a small link', async () => {
    const app = await openApp(h, { mock: bothLoggedOut });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-netease'));
      // Before any refusal: only the link, for both services.
      for (const p of ['netease', 'qq']) {
        await page.waitForSelector(id(`other-ways-link-${p}`));
        assert.equal(await page.locator(id(`other-ways-panel-${p}`)).count(), 0);
      }
      await app.duet(() =>
        window.__duet.qrState('netease', 'failed', {
          message: '操作频繁，请稍候再试',
          error: {
            kind: 'risk_control',
            message: 'NetEase refused the login (-462)',
            provider: 'netease',
            upstream_code: -462,
          },
        }),
      );
      const refused = page.locator(id('other-ways-refused-netease'));
      await refused.waitFor();
      assert.equal(await refused.getAttribute('data-kind'), 'risk_control');
      assert.match(await refused.innerText(), /NetEase Cloud Music refused the QR sign-in/);
      await page.waitForSelector(id('web-login-netease'));
      await page.waitForSelector(id('cookie-input-netease'));
      assert.match(await page.locator(id('web-login-netease')).innerText(), /music\.163\.com/);
      // QQ Music was not refused: still just its link.
      assert.equal(await page.locator(id('other-ways-panel-qq')).count(), 0);
      await shot(page, 'login-refused-other-ways');
    } finally {
      await app.close();
    }
  });

  test('a QQ Music verification demand opens its other ways too', async () => {
    const app = await openApp(h, { mock: bothLoggedOut });
    const { page } = app;
    try {
      await page.waitForSelector(id('qr-image-qq'));
      await app.duet(() =>
        window.__duet.qrState('qq', 'failed', {
          error: { kind: 'verification_required', message: '20276', provider: 'qq' },
        }),
      );
      await page.waitForSelector(id('other-ways-refused-qq'));
      assert.match(await page.locator(id('web-login-qq')).innerText(), /y\.qq\.com/);
      assert.equal(await page.locator(id('other-ways-panel-netease')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('a pasted cookie: malformed and expired ones explained, a good one signs in', async () => {
    const app = await openApp(h, { mock: bothLoggedOut });
    const { page } = app;
    try {
      await page.locator(id('other-ways-link-netease')).click();
      const input = page.locator(id('cookie-input-netease'));
      const submit = page.locator(id('cookie-submit-netease'));
      assert.equal(await input.getAttribute('type'), 'password', 'the paste is not shown');
      assert.ok(await submit.isDisabled(), 'nothing to send yet');

      await input.fill('uin=1; qm_keyst=Q_H_L_x');
      await submit.click();
      const error = page.locator(id('cookie-error-netease'));
      await page.waitForSelector(`${id('cookie-error-netease')}[data-kind="bad_request"]`);
      assert.match(await error.innerText(), /no MUSIC_U/);
      assert.equal(await input.inputValue(), '', 'the field keeps no secret once sent');

      await input.fill('MUSIC_U=00DEADBEEF');
      await submit.click();
      await page.waitForSelector(`${id('cookie-error-netease')}[data-kind="session_expired"]`);
      assert.match(await error.innerText(), /expired/i);

      await input.fill('Cookie: NMTID=x; MUSIC_U=mock-session; __csrf=c');
      await submit.click();
      await page.waitForSelector(id('library-screen'));
      assert.match(await page.locator(id('nickname')).innerText(), /大不6仙/);
      const last = await app.duet(() => window.__duet.last('login_cookie'));
      assert.equal(last.provider, 'netease');
      assert.equal(last.cookie, 'Cookie: NMTID=x; MUSIC_U=mock-session; __csrf=c');
      assert.equal(await app.count('login_cookie'), 3);
    } finally {
      await app.close();
    }
  });

  test('the web login window: waiting, checking, failed, then signed in', async () => {
    const app = await openApp(h, { mock: bothLoggedOut });
    const { page } = app;
    try {
      await page.locator(id('other-ways-link-qq')).click();
      await page.locator(id('web-login-qq')).click();
      const state = page.locator(id('web-login-state-qq'));
      await page.waitForSelector(`${id('web-login-state-qq')}[data-state="waiting"]`);
      assert.equal(await app.count('login_web_open'), 1);
      assert.match(await state.innerText(), /Sign in in the window that opened/);

      await app.duet(() => window.__duet.webLogin('qq', 'checking'));
      await page.waitForSelector(`${id('web-login-state-qq')}[data-state="checking"]`);
      assert.match(await state.innerText(), /Checking the login with QQ Music/);

      await app.duet(() =>
        window.__duet.webLogin('qq', 'failed', {
          kind: 'session_expired',
          message: 'the key was refused (1000)',
          provider: 'qq',
          upstream_code: 1000,
        }),
      );
      await page.waitForSelector(`${id('web-login-state-qq')}[data-state="failed"]`);
      assert.match(await state.innerText(), /QQ Music didn’t accept that login/);
      await shot(page, 'login-web-failed');

      await app.duet(() => window.__duet.webLogin('qq', 'confirmed'));
      await page.waitForSelector(id('library-screen'));
      assert.equal(await app.duet(() => window.__duet.webWindows.size), 0);
    } finally {
      await app.close();
    }
  });
});
