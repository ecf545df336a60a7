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

async function openComments(app) {
  const { page } = app;
  await page.waitForSelector(id('player-bar'));
  await page.locator(id('lyrics-button')).click();
  await page.locator(id('comments-button')).click();
  await page.waitForSelector(id('comments-panel'));
}

describe('comments', () => {
  test('hot and recent comments of the playing track, with paging', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await openComments(app);
      await page.waitForSelector(`${id('comments-hot')} ${id('comment')}`);
      const trackId = await app.duet(() => window.__duet.player.track.id);
      assert.deepEqual(await app.duet(() => window.__duet.last('comments')), {
        provider: 'netease',
        track_id: trackId,
        page: 1,
        page_size: 20,
      });
      const hot = page.locator(`${id('comments-hot')} ${id('comment')}`);
      assert.equal(await hot.count(), 2);
      assert.match(await hot.first().innerText(), /哲也love/);
      assert.match(await hot.first().innerText(), /八年过去了/);
      const recent = page.locator(`${id('comments-recent')} ${id('comment')}`);
      assert.equal(await recent.count(), 20);
      assert.match(await recent.first().innerText(), /别想他了/);
      assert.match(await recent.first().innerText(), /@车AI/, 'the quoted reply');
      assert.match(await page.locator(id('comments-panel')).innerText(), /26\.8万|268K/);
      await shot(page, 'comments');

      await page.locator(id('comments-more')).click();
      await eventually(async () => (await recent.count()) === 40);
      assert.equal(await app.duet(() => window.__duet.last('comments').page), 2);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('posting a comment', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await openComments(app);
      await page.waitForSelector(`${id('comments-recent')} ${id('comment')}`);
      assert.ok(await page.locator(id('comment-post')).isDisabled(), 'nothing to post yet');
      await page.locator(id('comment-input')).fill('前奏一响就泪目 <b>not bold</b>');
      // typing a space in the box must not pause the music
      await page.locator(id('comment-input')).press('Space');
      assert.equal(await app.count('player_toggle'), 0);
      await page.locator(id('comment-post')).click();
      await eventually(async () => (await app.count('post_comment')) === 1);
      const trackId = await app.duet(() => window.__duet.player.track.id);
      assert.deepEqual(await app.duet(() => window.__duet.last('post_comment')), {
        provider: 'netease',
        track_id: trackId,
        content: '前奏一响就泪目 <b>not bold</b>',
      });
      const first = page.locator(`${id('comments-recent')} ${id('comment')}`).first();
      await eventually(async () => /前奏一响就泪目 <b>not bold<\/b>/.test(await first.innerText()));
      assert.equal(await page.locator(`${id('comments-panel')} b`).count(), 0);
      assert.equal(await page.locator(id('comment-input')).inputValue(), '');
      await page.waitForSelector(`${id('toast')}:has-text("Comment posted")`);
    } finally {
      await app.close();
    }
  });

  test('errors loading or posting are explained in place', async () => {
    const app = await openApp(h, {
      mock: {
        playing: true,
        fail: {
          comments: { kind: 'rate_limited', message: 'slow down', upstream_code: 405 },
          post_comment: { kind: 'verification_required', message: 'captcha', upstream_code: -462 },
        },
      },
    });
    const { page } = app;
    try {
      await openComments(app);
      const panel = page.locator(`${id('comments-panel')} ${id('error-panel')}`);
      await panel.waitFor();
      assert.equal(await panel.getAttribute('data-kind'), 'rate_limited');
      assert.match(await panel.innerText(), /Wait a minute/);
      await app.duet(() => delete window.__duet.fail.comments);
      await panel.locator(id('retry-button')).click();
      await page.waitForSelector(`${id('comments-recent')} ${id('comment')}`);

      await page.locator(id('comment-input')).fill('hello');
      await page.locator(id('comment-post')).click();
      const postErr = page.locator(`${id('comments-panel')} ${id('error-panel')}[data-kind="verification_required"]`);
      await postErr.waitFor();
      assert.match(await postErr.innerText(), /verification/);
      assert.equal(await page.locator(id('comment-input')).inputValue(), 'hello', 'the draft is kept');
    } finally {
      await app.close();
    }
  });
});
