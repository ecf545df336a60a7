// The Listening screen over the mock backend: the empty state a new user sees, totals, the chart
// of the last 30 days, top tracks / artists / albums with the period and service switches, links
// to artists and albums, playing a top track, saving the image, errors, and hostile names.
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

const HOSTILE = '<img src=x onerror=alert(1)> "; DROP TABLE plays --';
const MIN = 60_000;

function played(provider, trackId, title, artists, album, daysAgo, minutes) {
  return {
    provider,
    track_id: trackId,
    title,
    artists: artists.map(([aid, name]) => ({ id: aid, name })),
    album: { id: album[0], name: album[1], cover_url: null },
    days_ago: daysAgo,
    heard_ms: minutes * MIN,
  };
}

const PLAYS = [
  played('netease', '1455767549', '晴天', [['6452', '周杰伦']], ['18905', '叶惠美'], 0, 5),
  played('netease', '1455767549', '晴天', [['6452', '周杰伦']], ['18905', '叶惠美'], 2, 4),
  played(
    'qq',
    '0039MnYb0qxYhV',
    '稻香',
    [['0025NhlN2yWrP4', '周杰伦']],
    ['003Ow85E3pnoqi', '魔杰座'],
    1,
    12,
  ),
  played('qq', 'hostile', HOSTILE, [['', HOSTILE]], ['', HOSTILE], 10, 3),
  // Two hundred days ago: in this year's list only.
  played('netease', '5257138', '七里香', [['6452', '周杰伦']], ['18903', '七里香'], 200, 30),
];

describe('listening', () => {
  test('a new user sees the empty state, and the sidebar leads there', async () => {
    const app = await openApp(h, { hash: '#/library' });
    const { page } = app;
    try {
      await page.click(id('nav-listening'));
      await page.waitForSelector(id('listening-empty'));
      assert.ok(page.url().endsWith('#/listening'));
      assert.ok(await page.locator(`${id('nav-listening')}[aria-current="page"]`).count());
      assert.match(await page.locator(id('listening-screen')).innerText(), /never sent anywhere/);
      assert.equal(await page.locator(id('listening-save-image')).count(), 0);
      const args = await app.duet(() => window.__duet.last('listening_summary'));
      assert.equal(args.period, 'month');
      assert.equal(args.service, null);
      assert.equal(typeof args.utcOffsetMinutes, 'number');
      await shot(page, 'listening-empty');
      // One service's emptiness is told as that service's.
      await page.click(id('listening-service-qq'));
      await eventually(async () =>
        /Nothing from QQ Music recorded yet/.test(
          await page.locator(id('listening-empty')).innerText(),
        ),
      );
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('totals, the chart and the top lists, by period and by service', async () => {
    const app = await openApp(h, { hash: '#/listening', mock: { listening: PLAYS } });
    const { page } = app;
    try {
      await page.waitForSelector(id('listening-totals'));
      assert.match(await page.locator(id('listening-total-today')).innerText(), /5 min\s+1 play/);
      assert.match(
        await page.locator(id('listening-total-all_time')).innerText(),
        /54 min\s+5 plays/,
      );

      // Thirty bars, today's last; a day without plays has no height.
      const bars = page.locator(id('listening-bar'));
      assert.equal(await bars.count(), 30);
      assert.equal(await bars.last().getAttribute('data-ms'), String(5 * MIN));
      assert.ok(Number(await bars.last().getAttribute('height')) > 0);
      assert.equal(Number(await bars.nth(25).getAttribute('height')), 0);
      assert.equal(
        Number(await bars.nth(28).getAttribute('height')) >
          Number(await bars.last().getAttribute('height')),
        true,
        'yesterday (12 min) is taller than today (5 min)',
      );

      // This month, both services: 稻香 (12 min) above 晴天 (9 min), the hostile one last.
      const trackIds = () =>
        page.locator(id('listening-track')).evaluateAll((rows) => rows.map((r) => r.dataset.id));
      assert.deepEqual(await trackIds(), ['0039MnYb0qxYhV', '1455767549', 'hostile']);
      // Hostile names are text.
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.ok((await page.locator(id('listening-top-tracks')).innerText()).includes(HOSTILE));
      // Rows link to artists and albums where ids are known.
      const first = page.locator(id('listening-track')).first();
      assert.equal(
        await first.locator(id('artist-link')).getAttribute('href'),
        '#/artist/qq/0025NhlN2yWrP4',
      );
      assert.equal(
        await first.locator(id('album-link')).getAttribute('href'),
        '#/album/qq/003Ow85E3pnoqi',
      );
      const hostileArtist = page.locator(id('listening-artist')).last();
      assert.equal(await hostileArtist.locator(id('artist-link')).count(), 0, 'no id, no link');
      // The same name on two services is two artists.
      assert.equal(await page.locator(id('listening-artist')).count(), 3);
      await shot(page, 'listening');

      // One service.
      await page.click(id('listening-service-qq'));
      await eventually(async () => (await trackIds()).length === 2);
      assert.deepEqual(await trackIds(), ['0039MnYb0qxYhV', 'hostile']);
      assert.equal((await app.duet(() => window.__duet.last('listening_summary'))).service, 'qq');
      assert.match(await page.locator(id('listening-total-all_time')).innerText(), /15 min/);

      // This year, both: 七里香 from 200 days ago comes first; this week leaves the hostile one out.
      await page.click(id('listening-service-both'));
      await page.click(id('listening-period-year'));
      await eventually(async () => (await trackIds())[0] === '5257138');
      await page.click(id('listening-period-week'));
      await eventually(async () => (await trackIds()).length === 2);
      assert.equal((await app.duet(() => window.__duet.last('listening_summary'))).period, 'week');

      // A top track plays from here (asked for by its id, as the record knows it).
      await page.click(id('listening-service-netease'));
      await eventually(async () => (await trackIds()).length === 1);
      await page.locator(id('listening-track-play')).first().click();
      await eventually(async () => (await app.count('player_play')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('track')), {
        provider: 'netease',
        id: '1455767549',
      });

      // An artist's name opens the artist.
      await page.locator(id('listening-artist')).first().locator(id('artist-link')).click();
      await eventually(async () => page.url().includes('#/artist/'));
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the image is saved and the screen says where', async () => {
    const app = await openApp(h, { hash: '#/listening', mock: { listening: PLAYS } });
    const { page } = app;
    try {
      await page.click(id('listening-save-image'));
      const toast = page.locator(id('toast')).last();
      await eventually(async () =>
        /Pictures\/duet-listening-en\.png/.test(await toast.innerText()),
      );
      const args = await app.duet(() => window.__duet.last('listening_save_image'));
      assert.equal(args.period, 'month');
      assert.equal(args.language, 'en');
    } finally {
      await app.close();
    }
  });

  test('in Chinese, and an unreadable record explained with a retry', async () => {
    const app = await openApp(h, {
      hash: '#/listening',
      locale: 'zh-CN',
      mock: { listening: PLAYS, fail: { listening_summary: { kind: 'storage' } } },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('error-panel'));
      await app.duet(() => {
        window.__duet.fail.listening_summary = undefined;
      });
      await page.locator(id('error-panel')).getByRole('button').first().click();
      await page.waitForSelector(id('listening-totals'));
      assert.match(await page.locator(id('listening-screen')).innerText(), /听歌统计/);
      assert.match(await page.locator(id('listening-total-today')).innerText(), /5 分钟/);
    } finally {
      await app.close();
    }
  });
});
