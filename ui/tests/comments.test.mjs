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
        trackId,
        page: 1,
        pageSize: 20,
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
        trackId,
        content: '前奏一响就泪目 <b>not bold</b>',
        replyTo: null,
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

  test('Reply answers a comment: the post names it in replyTo and quotes it', async () => {
    const app = await openApp(h, { mock: { playing: true } });
    const { page } = app;
    try {
      await openComments(app);
      const hot = page.locator(`${id('comments-hot')} ${id('comment')}`).first();
      await hot.waitFor();
      const target = { id: await hot.getAttribute('data-id'), name: /哲也love/ };
      assert.ok(target.id);
      await hot.locator(id('comment-reply')).click();
      const chip = page.locator(id('reply-target'));
      await chip.waitFor();
      assert.equal(await chip.getAttribute('data-id'), target.id);
      assert.match(await chip.innerText(), /Replying to 哲也love/);
      // the box is ready to type into, and says whom it answers
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        'comment-input',
      );
      assert.match(
        await page.locator(id('comment-input')).getAttribute('placeholder'),
        /Reply to 哲也love/,
      );
      assert.match(await page.locator(id('comment-post')).innerText(), /Reply/);
      await shot(page, 'comments-reply');

      await page.locator(id('comment-input')).fill('八年了，还在听');
      await page.locator(id('comment-post')).click();
      await eventually(async () => (await app.count('post_comment')) === 1);
      const trackId = await app.duet(() => window.__duet.player.track.id);
      assert.deepEqual(await app.duet(() => window.__duet.last('post_comment')), {
        provider: 'netease',
        trackId,
        content: '八年了，还在听',
        replyTo: target.id,
      });
      const mine = page.locator(`${id('comments-recent')} ${id('comment')}`).first();
      await eventually(async () => /八年了，还在听/.test(await mine.innerText()));
      assert.match(await mine.innerText(), /@哲也love/, 'the answered comment is quoted');
      await page.waitForSelector(`${id('toast')}:has-text("Reply posted")`);
      assert.equal(await page.locator(id('reply-target')).count(), 0, 'the reply is done');

      // a plain comment afterwards names no comment to reply to; a dropped reply neither
      await page
        .locator(`${id('comments-recent')} ${id('comment')}`)
        .nth(1)
        .locator(id('comment-reply'))
        .click();
      await page.locator(id('reply-target')).waitFor();
      await page.locator(id('reply-cancel')).click();
      assert.equal(await page.locator(id('reply-target')).count(), 0);
      await page.locator(id('comment-input')).fill('just a comment');
      await page.locator(id('comment-post')).click();
      await eventually(async () => (await app.count('post_comment')) === 2);
      const plain = await app.duet(() => window.__duet.last('post_comment'));
      assert.equal(plain.content, 'just a comment');
      assert.equal(plain.replyTo, null, 'no reply target on a plain comment');

      // Escape in the box drops a reply first, and leaves the lyrics view open
      await page
        .locator(`${id('comments-hot')} ${id('comment')}`)
        .nth(1)
        .locator(id('comment-reply'))
        .click();
      await page.locator(id('reply-target')).waitFor();
      await page.locator(id('comment-input')).press('Escape');
      await page.waitForSelector(id('reply-target'), { state: 'detached' });
      assert.equal(await page.locator(id('lyrics-view')).count(), 1);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('replying on a QQ Music track sends the QQ comment id', async () => {
    const app = await openApp(h, {
      mock: { providers: ['netease', 'qq'], qqSession: 'logged_in', playing: 'qq' },
    });
    const { page } = app;
    try {
      await openComments(app);
      const first = page.locator(`${id('comments-recent')} ${id('comment')}`).first();
      await first.waitFor();
      assert.equal((await app.duet(() => window.__duet.last('comments'))).provider, 'qq');
      const cid = await first.getAttribute('data-id');
      assert.match(cid, /^qq_cm_/);
      await first.locator(id('comment-reply')).click();
      await page.locator(id('comment-input')).fill('同感');
      await page.locator(id('comment-input')).press('Control+Enter');
      await eventually(async () => (await app.count('post_comment')) === 1);
      const trackId = await app.duet(() => window.__duet.player.track.id);
      assert.equal(trackId.length, 14);
      assert.deepEqual(await app.duet(() => window.__duet.last('post_comment')), {
        provider: 'qq',
        trackId,
        content: '同感',
        replyTo: cid,
      });
      const mine = page.locator(`${id('comments-recent')} ${id('comment')}`).first();
      await eventually(async () => /同感/.test(await mine.innerText()));
      assert.match(await mine.innerText(), /晚风与海/);
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
      const postErr = page.locator(
        `${id('comments-panel')} ${id('error-panel')}[data-kind="verification_required"]`,
      );
      await postErr.waitFor();
      assert.match(await postErr.innerText(), /verification/);
      assert.equal(
        await page.locator(id('comment-input')).inputValue(),
        'hello',
        'the draft is kept',
      );
    } finally {
      await app.close();
    }
  });
});
