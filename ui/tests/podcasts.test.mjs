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

const LONG = '7770000001';
const OTHER = '7770000003';

function heard(episode, position_ms, played = false) {
  return {
    provider: 'netease',
    episode_id: `${LONG}-${episode}`,
    podcast_id: LONG,
    track_id: `7791${String(episode).padStart(4, '0')}1`,
    position_ms,
    duration_ms: 600_000 + episode * 1000,
    played,
    updated_at_ms: 1_700_000_000_000,
  };
}

describe('podcasts', () => {
  test('the sidebar opens the subscribed podcasts; QQ Music says why it has none', async () => {
    const app = await openApp(h, {
      hash: '#/library',
      mock: { providers: ['netease', 'qq'], qqSession: 'logged_in' },
    });
    const { page } = app;
    try {
      await page.locator(id('nav-podcasts')).click();
      await page.waitForSelector(id('podcasts-screen'));
      assert.equal(new URL(page.url()).hash, '#/podcasts');
      await eventually(async () => (await page.locator(id('podcast-card')).count()) === 2);
      const cards = page.locator(id('podcast-card'));
      assert.equal(await cards.first().getAttribute('data-id'), LONG);
      assert.match(await cards.first().innerText(), /Duet Nightly: Code & Coffee/);
      assert.match(await cards.first().innerText(), /64 episodes/);
      // The hostile name is shown as text, never run.
      assert.match(await cards.nth(1).innerText(), /<img src=x/);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      const note = page.locator(`[data-provider="qq"] ${id('podcasts-not-offered')}`);
      assert.match(await note.innerText(), /QQ Music podcasts are not in Duet/);
      await shot(page, 'podcasts');
      await cards.first().click();
      await page.waitForSelector(id('podcast-screen'));
      assert.equal(new URL(page.url()).hash, `#/podcast/netease/${LONG}`);
      assert.equal(
        await page.locator(id('podcast-title')).innerText(),
        'Duet Nightly: Code & Coffee',
      );
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('64 episodes arrive newest first, a page at a time, in a virtualised list', async () => {
    const app = await openApp(h, { hash: `#/podcast/netease/${LONG}` });
    const { page } = app;
    try {
      const list = page.locator(id('episode-list'));
      await eventually(async () => (await list.getAttribute('data-count')) === '30');
      assert.match(await page.locator(id('episode-row')).first().innerText(), /#64/);
      await page.locator(id('more-episodes')).scrollIntoViewIfNeeded();
      await eventually(async () => (await list.getAttribute('data-count')) === '60');
      await page
        .locator(id('more-episodes'))
        .click({ timeout: 2000 })
        .catch(() => {});
      await eventually(async () => (await list.getAttribute('data-count')) === '64');
      assert.equal(await page.locator(id('more-episodes')).count(), 0);
      // Only the rows in view are in the page.
      assert.ok((await page.locator(id('episode-row')).count()) < 64);
      const pages = (await app.calls('podcast_episodes')).map((c) => c.args.page);
      assert.deepEqual(pages, [1, 2, 3]);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('an episode plays where it was left, and heard ones are marked', async () => {
    const app = await openApp(h, {
      hash: `#/podcast/netease/${LONG}`,
      mock: { podcastProgress: [heard(64, 125_000), heard(63, 0, true)] },
    });
    const { page } = app;
    try {
      const rows = page.locator(id('episode-row'));
      await eventually(async () => (await rows.count()) > 3);
      assert.match(await rows.nth(0).locator(id('episode-left')).innerText(), /8:59 left/);
      assert.equal(await rows.nth(1).getAttribute('data-played'), 'true');
      assert.match(await rows.nth(1).innerText(), /Played/);
      await shot(page, 'podcast');

      await rows.nth(0).locator(id('episode-play')).click();
      await page.waitForSelector(id('player-bar'));
      assert.match(await page.locator(id('player-title')).innerText(), /Episode 64/);
      const call = (await app.calls('podcast_play')).at(-1);
      assert.equal(call.args.startIndex, 0);
      assert.equal(call.args.episodes.length, 30);
      const position = page.locator(id('player-position'));
      await eventually(async () => Number(await position.getAttribute('data-ms')) >= 125_000);

      // A played episode starts from the top.
      await rows.nth(1).locator(id('episode-play')).click();
      await eventually(async () =>
        /Episode 63/.test(await page.locator(id('player-title')).innerText()),
      );
      await eventually(async () => Number(await position.getAttribute('data-ms')) < 5_000);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('subscribing is one write the person makes, and the list shows it', async () => {
    const app = await openApp(h, { hash: `#/podcast/netease/${OTHER}` });
    const { page } = app;
    try {
      const button = page.locator(id('podcast-subscribe'));
      await button.waitFor();
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      assert.equal(await app.count('podcast_subscribe'), 0, 'nothing is written by itself');
      await button.click();
      await eventually(async () => (await button.getAttribute('aria-pressed')) === 'true');
      assert.deepEqual(
        (await app.calls('podcast_subscribe')).map((c) => c.args),
        [{ provider: 'netease', id: OTHER, subscribe: true }],
      );
      await page.locator(id('nav-podcasts')).click();
      await eventually(async () => (await page.locator(id('podcast-card')).count()) === 3);
      assert.equal(await page.locator(id('podcast-card')).first().getAttribute('data-id'), OTHER);

      await page.locator(id('podcast-card')).first().click();
      await page.locator(id('podcast-subscribe')).click();
      await eventually(
        async () =>
          (await page.locator(id('podcast-subscribe')).getAttribute('aria-pressed')) === 'false',
      );
      assert.equal(await app.count('podcast_subscribe'), 2);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a refused subscribe and an unknown podcast say what happened', async () => {
    const app = await openApp(h, {
      hash: `#/podcast/netease/${OTHER}`,
      mock: { fail: { podcast_subscribe: { kind: 'rate_limited', upstream_code: 405 } } },
    });
    const { page } = app;
    try {
      const button = page.locator(id('podcast-subscribe'));
      await button.click();
      await page.waitForSelector(id('toast'));
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      assert.equal(await app.count('podcast_subscribe'), 1, 'never retried');
      await page.evaluate(() => (location.hash = '#/podcast/netease/7770000999'));
      await page.waitForSelector(`${id('podcast-screen')} ${id('error-panel')}`);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
});
