// NetEase and QQ Music side by side: adding, losing and leaving one service while the other stays,
// the QR cards of QQ Music (QQ and WeChat), one search across both, the library of both, replies,
// and queues that mix the two.
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

const BOTH = ['netease', 'qq'];
/** NetEase signed in, QQ Music offered but not signed in. */
const neteaseOnly = { providers: BOTH };
/** Both services signed in. */
const both = { providers: BOTH, qqSession: 'logged_in' };

const inGroup = (p, testid) => `${id('library-group')}[data-provider="${p}"] ${id(testid)}`;

async function search(page, q) {
  const input = page.locator(id('search-input'));
  await input.fill(q);
  await input.press('Enter');
}

describe('two services', () => {
  test('logging in to QQ Music while NetEase is signed in keeps NetEase and shows both accounts', async () => {
    const app = await openApp(h, { mock: neteaseOnly });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      assert.equal(await page.locator(id('library-group')).count(), 1);
      // the sidebar offers the service that isn't signed in
      const add = page.locator(id('sidebar-add-account'));
      assert.equal(await add.getAttribute('data-provider'), 'qq');
      assert.match(await add.innerText(), /Log in to QQ Music/);
      await add.click();

      // only QQ Music's cards: the QQ Music app and QQ (started) and WeChat (on request);
      // NetEase stays as it is
      await page.waitForSelector(id('qr-image-qq'));
      await page.waitForSelector(id('qr-image-qqmusic'));
      assert.equal(await page.locator(id('qr-card-netease')).count(), 0);
      assert.equal(await page.locator(id('qr-card-wechat')).count(), 1);
      assert.match(await page.locator(id('login-title')).innerText(), /Sign in to QQ Music/);
      assert.match(
        await page.locator(id('login-screen')).innerText(),
        /You stay signed in to NetEase Cloud Music/,
      );
      assert.deepEqual(
        await app.duet(() =>
          window.__duet.calls.filter((c) => c.cmd === 'login_qr_start').map((c) => c.args),
        ),
        [
          { provider: 'qq', method: 'qqmusic' },
          { provider: 'qq', method: 'qq' },
        ],
      );
      assert.match(
        await page.locator(id('qr-image-qq')).getAttribute('src'),
        /^data:image\/png;base64,/,
      );
      await shot(page, 'login-add-qq');

      await app.duet(() =>
        window.__duet.qrState('qq', 'scanned', { message: '已扫描，请在手机上确认' }),
      );
      await page.waitForSelector(`${id('qr-state-qq')}[data-state="scanned"]`);
      await app.duet(() => window.__duet.confirm('qq'));

      // back in the library, with both accounts and both services' playlists
      await page.waitForSelector(id('library-accounts'));
      const accounts = page.locator(id('library-account'));
      assert.deepEqual(await accounts.evaluateAll((els) => els.map((e) => e.dataset.provider)), [
        'netease',
        'qq',
      ]);
      assert.match(await accounts.nth(0).innerText(), /大不6仙/);
      assert.match(await accounts.nth(1).innerText(), /晚风与海/);
      await page.waitForSelector(inGroup('qq', 'playlist-card'));
      assert.ok((await page.locator(inGroup('netease', 'playlist-card')).count()) > 0);
      assert.deepEqual(await app.duet(() => window.__duet.last('user_playlists')), {
        provider: 'qq',
      });
      // the confirmed code isn't cancelled, the QQ Music app's is, and WeChat's was never started
      assert.deepEqual(
        (await app.calls('login_qr_cancel')).map((c) => c.args),
        [{ provider: 'qq', method: 'qqmusic' }],
      );

      await page.locator(id('settings-button')).click();
      const menu = page.locator(id('settings-menu'));
      assert.deepEqual(
        await menu.locator(id('account')).evaluateAll((els) => els.map((e) => e.dataset.provider)),
        ['netease', 'qq'],
      );
      assert.equal(await menu.locator(id('logout-button')).count(), 2);
      assert.equal(await menu.locator(id('add-account')).count(), 0, 'nothing left to add');
      assert.equal(await page.locator(id('sidebar-add-account')).count(), 0);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('QQ Music: WeChat confirmed first stops the QQ card, which cancels its own code only', async () => {
    const app = await openApp(h, { mock: neteaseOnly });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-card'));
      await page.locator(id('settings-button')).click();
      const add = page.locator(`${id('add-account')}[data-provider="qq"]`);
      assert.match(await add.innerText(), /Log in to QQ Music/);
      await add.click();
      await page.waitForSelector(id('qr-image-qq'));
      await page.locator(id('qr-start-wechat')).click();
      await page.waitForSelector(id('qr-image-wechat'));
      assert.deepEqual(await app.duet(() => window.__duet.last('login_qr_start')), {
        provider: 'qq',
        method: 'wechat',
      });

      // WeChat sends a large JPEG: shown smoothed; QQ's small PNG stays pixel-sharp
      const wechat = page.locator(id('qr-image-wechat'));
      assert.match(await wechat.getAttribute('src'), /^data:image\/jpeg;base64,/);
      assert.notEqual(
        await wechat.evaluate((el) => getComputedStyle(el).imageRendering),
        'pixelated',
      );
      assert.equal(
        await page.locator(id('qr-image-qq')).evaluate((el) => getComputedStyle(el).imageRendering),
        'pixelated',
      );
      const box = await wechat.boundingBox();
      assert.ok(box.width >= 240 && box.height >= 240, `WeChat QR is ${box.width}×${box.height}`);
      assert.ok(
        await wechat.evaluate((el) => el.complete && el.naturalWidth > 400),
        'the JPEG decoded',
      );

      // events are matched on provider, method and key: a WeChat event naming the QQ key is ignored
      const qqKey = await app.duet(() => window.__duet.qr.qq.key);
      await app.emit('login-state', {
        provider: 'qq',
        method: 'wechat',
        key: qqKey,
        state: 'expired',
      });
      await app.duet(() => window.__duet.qrState('wechat', 'scanned'));
      await page.waitForSelector(`${id('qr-state-wechat')}[data-state="scanned"]`);
      assert.equal(await page.locator(id('qr-state-qq')).getAttribute('data-state'), 'waiting');

      // confirmed without a profile: the app fetches it, and the QQ card stops meanwhile
      await app.duet(() => window.__duet.hold('profile'));
      await app.duet(() => window.__duet.qrState('wechat', 'confirmed'));
      await page.waitForSelector(`${id('qr-state-qq')}[data-state="superseded"]`);
      assert.match(await page.locator(id('qr-state-qq')).innerText(), /Signed in with WeChat/);
      assert.equal(await page.locator(id('qr-refresh-qq')).count(), 0);
      const dim = () =>
        page.locator(id('qr-image-qq')).evaluate((el) => Number(getComputedStyle(el).opacity));
      await eventually(async () => (await dim()) < 0.5);
      assert.deepEqual(
        (await app.calls('login_qr_cancel'))
          .map((c) => c.args)
          .sort((x, y) => x.method.localeCompare(y.method)),
        [
          { provider: 'qq', method: 'qq' },
          { provider: 'qq', method: 'qqmusic' },
        ],
        'the QQ and QQ Music app codes are cancelled, the confirmed WeChat one is not',
      );
      // the stopped card ignores what its code does afterwards
      await app.duet(() => window.__duet.qrState('qq', 'scanned'));
      await page.waitForTimeout(150);
      assert.equal(await page.locator(id('qr-state-qq')).getAttribute('data-state'), 'superseded');
      await shot(page, 'login-wechat-first');

      await app.duet(() => window.__duet.release('profile'));
      await page.waitForSelector(id('library-accounts'));
      assert.deepEqual(await app.duet(() => window.__duet.last('profile')), { provider: 'qq' });
      assert.equal(await page.locator(id('library-account')).count(), 2);
      assert.equal(await app.count('login_qr_cancel'), 2);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('QQ session_expired goes back to QQ Music’s QR with the reason; NetEase stays usable', async () => {
    const app = await openApp(h, {
      mock: {
        ...both,
        fail: {
          'search:qq': {
            kind: 'session_expired',
            message: 'musickey expired (code 1000)',
            upstream_code: 1000,
          },
        },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-accounts'));
      await page.waitForSelector(`${id('library-group')}[data-provider="qq"]`);
      await page.evaluate(() => (location.hash = '#/search?q=%E6%99%B4%E5%A4%A9&provider=qq'));
      await page.waitForSelector(id('login-screen'));
      assert.equal((await app.duet(() => window.__duet.last('search'))).provider, 'qq');

      const notice = page.locator(id('login-notice'));
      assert.equal(await notice.getAttribute('data-kind'), 'session_expired');
      const text = await notice.innerText();
      assert.match(text, /Your login expired — scan again/);
      assert.match(text, /QQ Music/);
      assert.match(text, /musickey expired \(code 1000\)/);
      assert.match(await page.locator(id('login-title')).innerText(), /Sign in to QQ Music again/);
      // QQ Music's two cards, not NetEase's
      await page.waitForSelector(id('qr-image-qq'));
      assert.equal(await page.locator(id('qr-card-wechat')).count(), 1);
      assert.equal(await page.locator(id('qr-card-netease')).count(), 0);
      await shot(page, 'login-qq-expired');

      // NetEase is still signed in: back where the person was, where QQ Music now asks for a login
      const qqSearches = () =>
        app.duet(
          () =>
            window.__duet.calls.filter((c) => c.cmd === 'search' && c.args.provider === 'qq')
              .length,
        );
      const searches = await qqSearches();
      await page.locator(id('login-back')).click();
      await page.waitForSelector(`${id('search-login')}[data-provider="qq"]`);
      assert.equal(await qqSearches(), searches, 'no second try with the dead session');
      await page.locator(id('nav-library')).click();
      await page.waitForSelector(id('library-screen'));
      assert.equal(await page.locator(id('library-group')).count(), 1);
      assert.equal(
        await page.locator(id('library-group')).getAttribute('data-provider'),
        'netease',
      );
      const again = page.locator(`${id('library-add-account')}[data-provider="qq"]`);
      assert.match(await again.innerText(), /Your QQ Music login expired/);
      assert.match(await again.innerText(), /musickey expired/);
      assert.match(
        await page.locator(id('sidebar-add-account')).innerText(),
        /Log in to QQ Music again/,
      );
      // the QQ codes of the login screen were cancelled on leaving it
      assert.deepEqual(
        (await app.calls('login_qr_cancel'))
          .map((c) => c.args)
          .sort((x, y) => x.method.localeCompare(y.method)),
        [
          { provider: 'qq', method: 'qq' },
          { provider: 'qq', method: 'qqmusic' },
        ],
      );

      // and NetEase answers
      const before = await app.count('search');
      await search(page, '晴天');
      await page.waitForSelector(`${id('search-result')}[data-provider="netease"]`);
      assert.equal(await app.count('search'), before + 1);
      assert.equal((await app.duet(() => window.__duet.last('search'))).provider, 'netease');
      // QQ Music, again: a call to sign in, no failing search
      await page.locator(id('search-provider-qq')).click();
      await page.waitForSelector(`${id('search-login')}[data-provider="qq"]`);
      assert.equal(await app.count('search'), before + 1);
      assert.equal(await page.locator(id('login-screen')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('NetEase expiring (session-changed) leaves QQ Music signed in', async () => {
    const app = await openApp(h, { mock: both });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-accounts'));
      await app.emit('session-changed', {
        provider: 'netease',
        state: 'expired',
        error: {
          kind: 'session_expired',
          message: 'MUSIC_U rejected (301)',
          provider: 'netease',
          upstream_code: 301,
        },
      });
      await page.waitForSelector(id('qr-image-netease'));
      assert.equal(await page.locator(id('qr-card-qq')).count(), 0);
      assert.match(await page.locator(id('login-notice')).innerText(), /NetEase Cloud Music/);
      await page.locator(id('login-back')).click();
      await page.waitForSelector(inGroup('qq', 'playlist-card'));
      assert.equal(await page.locator(id('library-group')).count(), 1);
      assert.match(await page.locator(id('nickname')).innerText(), /晚风与海/);
    } finally {
      await app.close();
    }
  });

  test('session_restore: QQ Music expired, NetEase fine — straight to the music, QQ offered again', async () => {
    const app = await openApp(h, { mock: { providers: BOTH, qqSession: 'expired' } });
    const { page } = app;
    try {
      await page.waitForSelector(inGroup('netease', 'playlist-card'));
      assert.equal(await page.locator(id('login-screen')).count(), 0);
      await page.waitForSelector(`${id('toast')}:has-text("QQ Music · Your login expired")`);
      const again = page.locator(`${id('library-add-account')}[data-provider="qq"]`);
      assert.match(await again.innerText(), /Your QQ Music login expired/);
      assert.match(await again.innerText(), /qqmusic_key rejected \(1000\)/);
      assert.equal(
        await app.duet(() => window.__duet.calls.filter((c) => c.args?.provider === 'qq').length),
        0,
        'nothing is asked of the expired service',
      );
      await again.locator(id('library-add-button')).click();
      await page.waitForSelector(id('qr-image-qq'));
      assert.equal(await page.locator(id('qr-card-netease')).count(), 0);
    } finally {
      await app.close();
    }
  });

  test('daily picks: a switch between the signed-in services', async () => {
    const app = await openApp(h, { mock: both, hash: '#/daily' });
    const { page } = app;
    try {
      await page.waitForSelector(`${id('track-row')}[data-provider="netease"]`);
      assert.deepEqual(
        (await app.calls('recommended_tracks')).map((c) => c.args),
        [{ provider: 'netease' }],
      );
      await page.locator(id('daily-provider-qq')).click();
      await page.waitForSelector(`${id('track-row')}[data-provider="qq"]`);
      assert.deepEqual(
        (await app.calls('recommended_tracks')).map((c) => c.args),
        [{ provider: 'netease' }, { provider: 'qq' }],
      );
      assert.match(await page.evaluate(() => location.hash), /#\/daily\?provider=qq/);
      await page.locator(id('play-all')).click();
      await eventually(async () => (await app.count('player_play')) === 1);
      const sent = await app.duet(() =>
        window.__duet.last('player_play').tracks.map((t) => t.provider),
      );
      assert.ok(sent.length > 0 && sent.every((p) => p === 'qq'));
    } finally {
      await app.close();
    }
  });

  test('library: both services grouped, liked songs first, a check-in button each', async () => {
    const app = await openApp(h, { mock: both });
    const { page } = app;
    try {
      await page.waitForSelector(inGroup('qq', 'playlist-card'));
      await page.waitForSelector(inGroup('netease', 'playlist-card'));
      const groups = page.locator(id('library-group'));
      assert.deepEqual(await groups.evaluateAll((els) => els.map((e) => e.dataset.provider)), [
        'netease',
        'qq',
      ]);
      assert.match(await groups.nth(0).locator('h2').innerText(), /NetEase Cloud Music/);
      assert.match(await groups.nth(1).locator('h2').innerText(), /QQ Music/);
      assert.equal(await groups.nth(1).locator(`h2 .mark[data-provider="qq"]`).count(), 1);

      // QQ lists "我喜欢" third (created ones first); the library shows it first
      const qqListed = await app.duet(() =>
        window.__duet.calls.some((c) => c.cmd === 'user_playlists' && c.args.provider === 'qq'),
      );
      assert.ok(qqListed);
      const qqCards = page.locator(inGroup('qq', 'playlist-card'));
      assert.equal(await qqCards.count(), 6);
      assert.equal(await qqCards.first().getAttribute('data-liked'), 'true');
      assert.match(await qqCards.first().innerText(), /我喜欢/);
      assert.match(await qqCards.first().innerText(), /Liked songs · 318 tracks/);
      assert.match(await qqCards.nth(1).innerText(), /通勤路上/);
      assert.equal(await page.locator(`${id('playlist-card')}[data-liked="true"]`).count(), 2);
      const neFirst = page.locator(inGroup('netease', 'playlist-card')).first();
      assert.equal(await neFirst.getAttribute('data-liked'), 'true');
      assert.match(await neFirst.innerText(), /binaryify喜欢的音乐/);
      // every card carries its service's badge
      assert.equal(await qqCards.locator(`${id('provider-badge')}[data-provider="qq"]`).count(), 6);
      // QQ covers are y.gtimg.cn URLs, used as they are (NetEase's ?param= sizing is NetEase-only)
      const cover = await page
        .locator(inGroup('qq', 'playlist-card'))
        .nth(1)
        .locator('img')
        .evaluate((el) => ({
          src: el.getAttribute('src'),
          ok: el.complete && el.naturalWidth > 0,
        }));
      assert.equal(
        cover.src,
        'https://y.gtimg.cn/music/photo_new/T002R300x300M000000MkMni19ClKG.jpg?max_age=2592000',
      );
      await eventually(async () =>
        page
          .locator(inGroup('qq', 'playlist-card'))
          .nth(1)
          .locator('img')
          .evaluate((el) => el.complete && el.naturalWidth > 0),
      );

      // the sidebar: one group per service, liked first in each
      const sideGroups = page.locator(id('sidebar-group'));
      assert.equal(await sideGroups.count(), 2);
      const sideQq = page.locator(
        `${id('sidebar-group')}[data-provider="qq"] ${id('sidebar-playlist')}`,
      );
      assert.equal(await sideQq.first().getAttribute('data-liked'), 'true');
      assert.match(await sideQq.first().innerText(), /我喜欢/);

      // check-in: never by itself; each button checks in its own service
      await page.waitForTimeout(300);
      assert.equal(await app.count('daily_checkin'), 0);
      await page.locator(`${id('checkin-button')}[data-provider="qq"]`).click();
      const qqResult = page.locator(`${id('checkin-result')}[data-provider="qq"]`);
      await qqResult.waitFor();
      assert.match(await qqResult.innerText(), /签到成功 · 本月已签到 3 天/);
      assert.deepEqual(
        (await app.calls('daily_checkin')).map((c) => c.args),
        [{ provider: 'qq' }],
      );
      assert.ok(await page.locator(`${id('checkin-button')}[data-provider="qq"]`).isDisabled());
      assert.ok(await page.locator(`${id('checkin-button')}[data-provider="netease"]`).isEnabled());
      await page.locator(`${id('checkin-button')}[data-provider="netease"]`).click();
      await page.locator(`${id('checkin-result')}[data-provider="netease"]`).waitFor();
      assert.match(
        await page.locator(`${id('checkin-result')}[data-provider="netease"]`).innerText(),
        /\+3 points/,
      );
      assert.deepEqual(
        (await app.calls('daily_checkin')).map((c) => c.args.provider),
        ['qq', 'netease'],
      );
      await shot(page, 'library-two-services');

      // a QQ playlist opens with QQ tracks
      await qqCards.first().click();
      await page.waitForSelector(`${id('track-row')}[data-provider="qq"]`);
      assert.deepEqual(await app.duet(() => window.__duet.last('playlist')), {
        provider: 'qq',
        id: 'liked',
      });
      assert.match(await page.locator(id('playlist-screen')).innerText(), /QQ Music · Playlist/i);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('logging out of QQ Music keeps NetEase', async () => {
    const app = await openApp(h, { mock: both });
    const { page } = app;
    try {
      await page.waitForSelector(inGroup('qq', 'playlist-card'));
      await page.locator(id('settings-button')).click();
      await page.locator(`${id('logout-button')}[data-provider="qq"]`).click();
      await eventually(async () => (await page.locator(id('library-group')).count()) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('logout')), { provider: 'qq' });
      assert.equal(await app.count('logout'), 1);
      assert.equal(await page.locator(id('login-screen')).count(), 0);
      assert.equal(
        await page.locator(id('library-group')).getAttribute('data-provider'),
        'netease',
      );
      assert.match(await page.locator(id('nickname')).innerText(), /大不6仙/);
      // and QQ Music can be added again
      const invite = page.locator(`${id('library-add-account')}[data-provider="qq"]`);
      assert.match(await invite.innerText(), /Also listening on QQ Music/);
      await invite.locator(id('library-add-button')).click();
      await page.waitForSelector(id('qr-image-qq'));
    } finally {
      await app.close();
    }
  });
});

describe('search across services', () => {
  const qqSearches = (app) =>
    app.duet(
      () =>
        window.__duet.calls.filter((c) => c.cmd === 'search' && c.args.provider === 'qq').length,
    );
  const part = (p) => `${id('search-part')}[data-provider="${p}"]`;

  test('one list from both services: badges, the same song once with “also on”, a filter', async () => {
    const app = await openApp(h, { mock: both });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await search(page, '晴天');
      await page.waitForSelector(`${id('search-result')}[data-provider="qq"]`);
      // one command; each service asked for its page 1
      assert.equal(await app.count('search_all'), 1);
      const asked = await app.duet(() =>
        window.__duet.calls.filter((c) => c.cmd === 'search').map((c) => c.args),
      );
      assert.deepEqual(asked, [
        { provider: 'netease', q: '晴天', type: 'track', page: 1, pageSize: 30 },
        { provider: 'qq', q: '晴天', type: 'track', page: 1, pageSize: 30 },
      ]);
      assert.deepEqual((await app.duet(() => window.__duet.last('search_all'))).services, [
        'netease',
        'qq',
      ]);
      // each service's part: its own total
      assert.equal(await page.locator(part('netease')).getAttribute('data-status'), 'ok');
      assert.equal(await page.locator(part('qq')).getAttribute('data-status'), 'ok');
      assert.match(await page.locator(part('qq')).innerText(), /QQ Music\s*95 results/);
      assert.match(await page.locator('h1').innerText(), /190 results/);

      // 晴天 is on both: one row (NetEase's, which took the first turn), QQ Music's a click away
      const first = page.locator(id('search-result')).first();
      assert.equal(await first.getAttribute('data-provider'), 'netease');
      assert.match(await first.locator('.name').innerText(), /^晴天$/);
      const neteaseId = await first.getAttribute('data-track-id');
      assert.match(neteaseId, /^\d+$/);
      assert.equal(
        await first.locator(id('provider-badge')).getAttribute('data-provider'),
        'netease',
      );
      const also = first.locator(id('also-on'));
      assert.equal(await also.count(), 1);
      assert.equal(await also.getAttribute('data-provider'), 'qq');
      assert.equal(await also.getAttribute('data-track-id'), '0039MnYb0qxYhV');
      assert.match(await also.innerText(), /Also on QQ Music/);
      assert.equal(
        await page.locator(`${id('search-result')}[data-track-id="0039MnYb0qxYhV"]`).count(),
        0,
        'QQ Music’s 晴天 is not listed a second time',
      );
      // exact titles first (晴天 on both, folded), then the services take turns
      const rows = await page.locator(id('search-result')).evaluateAll((rows) =>
        rows.slice(0, 12).map((r) => ({
          provider: r.dataset.provider,
          exact: r.querySelector('.name')?.textContent?.trim() === '晴天',
        })),
      );
      const exact = rows.findIndex((r) => !r.exact);
      assert.ok(exact >= 1, JSON.stringify(rows));
      assert.ok(
        rows.slice(exact).every((r) => !r.exact),
        JSON.stringify(rows),
      );
      assert.deepEqual(
        rows.slice(exact, exact + 4).map((r) => r.provider),
        ['netease', 'qq', 'netease', 'qq'],
      );
      await shot(page, 'search-both');

      // "also on" plays the other service's listing in the row's place
      const rowsBefore = await page
        .locator(id('search-result'))
        .evaluateAll((rows) => rows.map((r) => r.dataset.trackId));
      await also.click();
      await eventually(async () => (await app.count('player_play')) === 1);
      const played = await app.duet(() => window.__duet.last('player_play'));
      assert.equal(played.startIndex, 0);
      assert.equal(played.tracks[0].provider, 'qq');
      assert.equal(played.tracks[0].id, '0039MnYb0qxYhV');
      // the rest of the list is the list as shown
      assert.equal(played.tracks[1].id, rowsBefore[1]);
      assert.equal(await app.count('player_play'), 1, 'the row itself was not played too');

      // the filter keeps one service's listings of the same results: no new search
      const searches = await app.count('search_all');
      assert.equal(
        await page.locator(id('search-provider-all')).getAttribute('aria-checked'),
        'true',
      );
      await page.locator(id('search-provider-qq')).click();
      await page.waitForSelector(`${id('search-result')}[data-track-id="0039MnYb0qxYhV"]`);
      assert.equal(
        await page.locator(`${id('search-result')}[data-provider="netease"]`).count(),
        0,
      );
      const qqFirst = page.locator(id('search-result')).first();
      assert.equal(await qqFirst.getAttribute('data-track-id'), '0039MnYb0qxYhV');
      assert.equal(await qqFirst.locator(id('also-on')).getAttribute('data-provider'), 'netease');
      assert.match(await page.evaluate(() => location.hash), /provider=qq/);
      assert.match(await page.locator('h1').innerText(), /95 results/);
      assert.equal(await page.locator(part('netease')).count(), 0);
      assert.equal(await app.count('search_all'), searches);

      // arrow keys move the filter: QQ Music → All → NetEase
      await page.locator(id('search-provider-qq')).focus();
      await page.keyboard.press('ArrowRight');
      await eventually(async () => !/provider=/.test(await page.evaluate(() => location.hash)));
      await page.keyboard.press('ArrowRight');
      await eventually(async () =>
        /provider=netease/.test(await page.evaluate(() => location.hash)),
      );
      // The focus follows once the filter has re-rendered, a moment after the address.
      await eventually(
        async () =>
          (await page.evaluate(() => document.activeElement?.dataset.testid)) ===
          'search-provider-netease',
      );
      await page.waitForSelector(`${id('search-result')}[data-track-id="${neteaseId}"]`);
      assert.equal(await page.locator(`${id('search-result')}[data-provider="qq"]`).count(), 0);

      // albums: both services' interleaved, never merged; the filter still applies
      await page.locator(id('search-provider-all')).click();
      await page.locator(id('search-tab-album')).click();
      await page.waitForSelector(`${id('search-result')}[data-provider="qq"]:not([data-track-id])`);
      assert.equal(
        await page.locator(`${id('search-result')}[data-provider="netease"]`).count(),
        30,
      );
      assert.equal(await page.locator(`${id('search-result')}[data-provider="qq"]`).count(), 30);

      // a new query from the top bar keeps the filter; so does a reload
      await page.locator(id('search-provider-qq')).click();
      await search(page, '山丘');
      await eventually(
        async () => (await app.duet(() => window.__duet.last('search').q)) === '山丘',
      );
      assert.match(await page.evaluate(() => location.hash), /provider=qq/);
      await page.reload();
      await page.waitForSelector(`${id('search-result')}[data-provider="qq"]`);
      assert.equal(
        await page.locator(id('search-provider-qq')).getAttribute('aria-checked'),
        'true',
      );
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the fast service’s results show first; a failing one shows its error and retries alone', async () => {
    const app = await openApp(h, { mock: { ...both, hold: ['search:qq'] } });
    const { page } = app;
    try {
      await page.waitForSelector(id('library-screen'));
      await search(page, '晴天');
      // NetEase answered, QQ Music is still being asked
      await page.waitForSelector(`${id('search-result')}[data-provider="netease"]`);
      assert.equal(await page.locator(part('qq')).getAttribute('data-status'), 'pending');
      assert.match(await page.locator(part('qq')).innerText(), /Searching/);
      assert.equal(await page.locator(`${id('search-result')}[data-provider="qq"]`).count(), 0);
      assert.equal(await page.locator(id('also-on')).count(), 0);
      await shot(page, 'search-one-pending');
      await app.duet(() => window.__duet.release('search:qq'));
      await page.waitForSelector(`${id('search-result')}[data-provider="qq"]`);
      assert.equal(await page.locator(part('qq')).getAttribute('data-status'), 'ok');
      await page.waitForSelector(id('also-on'));

      // QQ Music failing: NetEase's results stay, QQ Music's part says why, with a retry
      await app.duet(
        () => (window.__duet.fail['search:qq'] = { kind: 'rate_limited', message: 'slow down' }),
      );
      await search(page, '山丘');
      const failed = page.locator(`${id('search-part-error')}[data-provider="qq"]`);
      await failed.waitFor();
      assert.equal(
        await failed.locator(id('error-panel')).getAttribute('data-kind'),
        'rate_limited',
      );
      assert.match(await failed.innerText(), /Wait a minute/);
      assert.equal(await page.locator(part('qq')).getAttribute('data-status'), 'error');
      assert.equal(await page.locator(part('netease')).getAttribute('data-status'), 'ok');
      assert.equal(
        (await page.locator(`${id('search-result')}[data-provider="netease"]`).count()) > 0,
        true,
      );
      assert.equal(await page.locator(`${id('search-result')}[data-provider="qq"]`).count(), 0);
      await shot(page, 'search-part-error');
      await app.duet(() => delete window.__duet.fail['search:qq']);
      await failed.locator(id('retry-button')).click();
      await page.waitForSelector(`${id('search-result')}[data-provider="qq"]`);
      assert.equal(await page.locator(id('search-part-error')).count(), 0);
      assert.equal(await page.locator(part('qq')).getAttribute('data-status'), 'ok');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('QQ Music not signed in: listed as such, not asked; its filter asks to log in, then searches it', async () => {
    const app = await openApp(h, { mock: neteaseOnly, hash: '#/search?q=%E6%99%B4%E5%A4%A9' });
    const { page } = app;
    try {
      // one service signed in: its results carry no badge
      await page.waitForSelector(`${id('search-result')}[data-provider="netease"]`);
      assert.equal(await page.locator(`${id('search-screen')} ${id('provider-badge')}`).count(), 0);
      assert.equal(await page.locator(part('qq')).getAttribute('data-status'), 'not_logged_in');
      await page.locator(part('qq')).locator(id('search-part-login')).waitFor();
      assert.equal(await qqSearches(app), 0, 'no QQ search without a QQ login');

      await page.locator(id('search-provider-qq')).click();
      const ask = page.locator(`${id('search-login')}[data-provider="qq"]`);
      await ask.waitFor();
      assert.match(await ask.innerText(), /Log in to QQ Music to search it/);
      assert.equal(await qqSearches(app), 0);
      await ask.locator(id('search-login-button')).click();
      await page.waitForSelector(id('qr-image-qq'));
      assert.equal(await page.locator(id('qr-card-netease')).count(), 0);
      await app.duet(() => window.__duet.confirm('qq'));
      // back where the person was: both are searched now, the filter shows QQ Music's
      await page.waitForSelector(`${id('search-result')}[data-provider="qq"]`);
      assert.deepEqual(await app.duet(() => window.__duet.last('search')), {
        provider: 'qq',
        q: '晴天',
        type: 'track',
        page: 1,
        pageSize: 30,
      });
      assert.equal(
        await page
          .locator(id('search-result'))
          .first()
          .locator(id('provider-badge'))
          .getAttribute('data-provider'),
        'qq',
      );
    } finally {
      await app.close();
    }
  });
});

describe('mixed playback', () => {
  test('a queue of NetEase and QQ tracks: badges, lyrics and comments follow the playing track', async () => {
    const app = await openApp(h, { mock: { ...both, playing: 'mixed' } });
    const { page } = app;
    try {
      const queue = await app.duet(() =>
        window.__duet.player.queue.map((t) => ({ provider: t.provider, id: t.id })),
      );
      assert.deepEqual(
        queue.map((t) => t.provider),
        [
          'netease',
          'qq',
          'netease',
          'qq',
          'netease',
          'qq',
          'netease',
          'qq',
          'netease',
          'qq',
          'netease',
          'qq',
        ],
      );
      await page.waitForSelector(id('player-bar'));
      await page.locator(id('queue-button')).click();
      await page.waitForSelector(id('queue-row'));
      const rows = page.locator(id('queue-row'));
      assert.equal(await rows.count(), 12);
      const shown = await rows.evaluateAll((els) =>
        els.map((e) => ({
          row: e.dataset.provider,
          badge: e.querySelector('[data-testid="provider-badge"]')?.dataset.provider,
          label: e.querySelector('[data-testid="provider-badge"]')?.getAttribute('aria-label'),
        })),
      );
      for (let i = 0; i < queue.length; i++) {
        assert.equal(shown[i].row, queue[i].provider, `row ${i}`);
        assert.equal(shown[i].badge, queue[i].provider, `badge ${i}`);
      }
      assert.equal(shown[1].label, 'QQ Music');
      assert.equal(shown[0].label, 'NetEase Cloud Music');

      // the playing track's service, in the player bar
      const mark = page.locator(id('player-provider'));
      assert.equal(await mark.getAttribute('data-provider'), 'netease');
      await page.locator(`${id('queue-row')}[data-index="1"]`).click();
      await page.waitForSelector(`${id('queue-row')}[data-index="1"][data-current="true"]`);
      await eventually(async () => (await mark.getAttribute('data-provider')) === 'qq');
      assert.equal(await page.locator(id('player-title')).innerText(), '晴天');
      // a QQ cover from y.gtimg.cn, untouched
      const src = await page
        .locator(`${id('player-bar')} img`)
        .first()
        .getAttribute('src');
      assert.equal(
        src,
        'https://y.gtimg.cn/music/photo_new/T002R300x300M000000MkMni19ClKG.jpg?max_age=2592000',
      );
      await shot(page, 'queue-mixed');
      await page.locator(id('queue-close')).click();

      // lyrics and comments ask the playing track's service
      await page.locator(id('lyrics-button')).click();
      await page.waitForSelector(id('lyrics-view'));
      await eventually(
        async () => (await app.duet(() => window.__duet.last('lyrics')))?.provider === 'qq',
      );
      assert.deepEqual(await app.duet(() => window.__duet.last('lyrics')), {
        provider: 'qq',
        trackId: '0039MnYb0qxYhV',
      });
      await page.waitForSelector(`${id('lyrics-view')} :text("I walked the dawn-lit town alone")`);
      assert.equal(await page.locator(id('lyrics-provider')).getAttribute('data-provider'), 'qq');
      await page.locator(id('comments-button')).click();
      await page.waitForSelector(`${id('comments-hot')} ${id('comment')}`);
      assert.equal((await app.duet(() => window.__duet.last('comments'))).provider, 'qq');
      assert.equal(await page.locator(id('comments-provider')).getAttribute('data-provider'), 'qq');

      // next: a NetEase track again
      await page.locator(id('player-next')).click();
      await eventually(async () => (await mark.getAttribute('data-provider')) === 'netease');
      await eventually(
        async () => (await app.duet(() => window.__duet.last('lyrics')))?.provider === 'netease',
      );
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('enqueueing a QQ search result onto a NetEase queue sends the QQ track as it is', async () => {
    const app = await openApp(h, {
      mock: { ...both, playing: true },
      hash: '#/search?q=%E6%99%B4%E5%A4%A9&provider=qq',
    });
    const { page } = app;
    try {
      const row = page.locator(`${id('search-result')}[data-provider="qq"]`).first();
      await row.hover();
      await row.locator(id('enqueue-button')).click();
      await eventually(async () => (await app.count('player_enqueue')) === 1);
      const sent = await app.duet(() => window.__duet.last('player_enqueue').tracks);
      assert.equal(sent.length, 1);
      assert.equal(sent[0].provider, 'qq');
      assert.equal(sent[0].id, '0039MnYb0qxYhV');
      await page.locator(id('queue-button')).click();
      const last = page.locator(`${id('queue-row')}[data-index="12"]`);
      await last.waitFor();
      assert.equal(await last.getAttribute('data-provider'), 'qq');
      assert.equal(await last.locator(id('provider-badge')).getAttribute('data-provider'), 'qq');
    } finally {
      await app.close();
    }
  });
});
