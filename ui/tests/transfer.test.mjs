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

const BOTH = { providers: ['netease', 'qq'], qqSession: 'logged_in' };
const PLAYLIST = '705619441';

const status = (page) => page.locator(id('transfer-job')).getAttribute('data-status');

describe('moving a playlist across', () => {
  test('a playlist page previews the move, the person adjusts it, and it lands on QQ Music', async () => {
    const app = await openApp(h, { hash: `#/playlist/netease/${PLAYLIST}`, mock: BOTH });
    const { page } = app;
    try {
      const move = page.locator(id('playlist-transfer'));
      await move.waitFor();
      assert.equal(await move.innerText(), 'Move to QQ Music');
      await move.click();
      await page.waitForSelector(id('transfer-rows'));
      assert.equal(new URL(page.url()).hash, `#/transfer/netease/${PLAYLIST}`);
      assert.deepEqual(await app.duet(() => window.__duet.last('transfer_preview')), {
        source: { provider: 'netease', playlist: PLAYLIST },
        target: 'qq',
      });
      const rows = page.locator(id('transfer-row'));
      // The list is virtualised: its length is on it, the rows in view are in the page.
      const n = Number(await page.locator(id('transfer-rows')).getAttribute('data-count'));
      assert.ok(n >= 6, `${n} rows`);
      assert.ok((await rows.count()) < n, 'only the rows in view are rendered');
      const at = (i) => rows.nth(i);
      assert.equal(await at(0).getAttribute('data-confidence'), 'sure');
      assert.equal(await at(4).getAttribute('data-confidence'), 'unsure');
      assert.equal(await at(5).getAttribute('data-confidence'), 'missing');
      assert.match(await at(5).innerText(), /Not on QQ Music/);
      assert.equal(await at(5).locator(id('transfer-pick')).count(), 0);
      // Sure: its match is picked; unsure: nothing until the person picks.
      const pick = (i) => at(i).locator(id('transfer-pick'));
      assert.notEqual(await pick(0).inputValue(), '');
      assert.equal(await pick(4).inputValue(), '');
      const summary = await page.locator(id('transfer-summary')).innerText();
      const [, sureText, unsure, missing] = summary.match(
        /^(\d+) found · (\d+) to check · (\d+) not found$/,
      );
      const sure = Number(sureText);
      assert.equal(sure + Number(unsure) + Number(missing), n);
      const startButton = page.locator(id('transfer-start'));
      assert.equal(await startButton.innerText(), `Move ${sure} songs`);

      // Take the unsure track's live alternative, leave the first track behind, rename.
      const live = await pick(4).locator('option').nth(1).getAttribute('value');
      await pick(4).selectOption(live);
      await pick(0).selectOption('');
      await page.locator(id('transfer-name')).fill('On QQ now');
      assert.equal(await startButton.innerText(), `Move ${sure} songs`);
      await shot(page, 'transfer-preview');
      await startButton.click();
      const request = (await app.duet(() => window.__duet.last('transfer_start'))).request;
      assert.equal(request.name, 'On QQ now');
      assert.deepEqual(request.adjustments, [
        { index: 0, choice: { action: 'skip' } },
        { index: 4, choice: { action: 'take', track_id: live } },
      ]);
      await page.waitForSelector(id('transfer-job'));
      assert.match(new URL(page.url()).hash, /^#\/transfer\/netease\/705619441\?job=/);
      await eventually(async () => (await status(page)) === 'finished');
      const report = await page.locator(id('transfer-report')).innerText();
      assert.equal(report, `${sure} added · ${n - sure} skipped · 0 failed`);
      assert.equal(
        await page
          .locator(`${id('transfer-job-row')}`)
          .first()
          .getAttribute('data-state'),
        'skipped',
      );
      await shot(page, 'transfer-done');

      // The report links to the new playlist, which holds what was moved.
      await page.locator(id('transfer-open')).click();
      await page.waitForSelector(id('playlist-title'));
      assert.equal(await page.locator(id('playlist-title')).innerText(), 'On QQ now');
      // (The list is virtualised: its header counts the tracks.)
      assert.match(
        await page.locator(id('playlist-screen')).innerText(),
        new RegExp(`\\b${sure} tracks`),
      );
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('Stop holds the move where it is and Resume finishes it', async () => {
    const app = await openApp(h, {
      hash: `#/transfer/netease/${PLAYLIST}`,
      mock: { ...BOTH, transferStepMs: 400 },
    });
    const { page } = app;
    try {
      await page.locator(id('transfer-start')).click();
      await eventually(async () =>
        /Moving… \d+ of \d+/.test(await page.locator(id('transfer-status')).innerText()),
      );
      await page.locator(id('transfer-stop')).click();
      await eventually(async () => (await status(page)) === 'stopped');
      assert.match(await page.locator(id('transfer-status')).innerText(), /Nothing is lost/);
      const report = () => page.locator(id('transfer-report')).innerText();
      const atStop = await report();
      await page.waitForTimeout(900);
      assert.equal(await report(), atStop, 'nothing is written while stopped');
      await page.locator(id('transfer-resume')).click();
      await eventually(async () => (await status(page)) === 'finished', { timeout: 30_000 });
      assert.equal(await app.count('transfer_stop'), 1);
      assert.equal(await app.count('transfer_resume'), 1);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a refused write stops the move with its reason, and Resume carries on', async () => {
    const app = await openApp(h, {
      hash: `#/transfer/netease/${PLAYLIST}`,
      mock: {
        ...BOTH,
        transferStepMs: 30,
        transferFail: { write: 2, error: { kind: 'verification_required', upstream_code: 20276 } },
      },
    });
    const { page } = app;
    try {
      await page.locator(id('transfer-start')).click();
      await eventually(async () => (await status(page)) === 'failed');
      const why = page.locator(id('transfer-error'));
      assert.equal(await why.getAttribute('data-kind'), 'verification_required');
      assert.match(await page.locator(id('transfer-status')).innerText(), /QQ Music refused/);
      assert.match(await page.locator(id('transfer-report')).innerText(), /· 2 failed$/);
      await shot(page, 'transfer-refused');
      await page.waitForTimeout(300);
      assert.equal(await status(page), 'failed', 'never retried by itself');
      await page.locator(id('transfer-resume')).click();
      await eventually(async () => (await status(page)) === 'finished');
      assert.match(await page.locator(id('transfer-report')).innerText(), /· 0 failed$/);
    } finally {
      await app.close();
    }
  });

  test('leaving the screen while the preview searches cancels it', async () => {
    const app = await openApp(h, {
      hash: `#/transfer/netease/${PLAYLIST}`,
      mock: { ...BOTH, hold: ['transfer_preview'] },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('transfer-previewing'));
      assert.equal(await app.count('transfer_preview_cancel'), 0);
      await page.evaluate(() => (location.hash = '#/library'));
      await page.waitForSelector(id('library-screen'));
      await eventually(async () => (await app.count('transfer_preview_cancel')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('transfer_preview_cancel')), {
        source: { provider: 'netease', playlist: PLAYLIST },
        target: 'qq',
      });
    } finally {
      await app.close();
    }
  });

  test('a move left unfinished is shown again instead of a new preview', async () => {
    const track = (pid, tid, title) => ({
      provider: pid,
      id: tid,
      title,
      artists: [{ id: '1', name: '周杰伦' }],
      album: { id: '2', name: '叶惠美', cover_url: null },
      duration_ms: 269000,
      playable: true,
      vip: false,
    });
    const kept = {
      version: 1,
      id: 'kept1',
      created_at_ms: 1,
      source: { provider: 'netease', playlist: PLAYLIST },
      source_name: 'Road trip',
      target: 'qq',
      destination: 'playlist',
      name: 'Road trip',
      playlist_id: null,
      create_requested: false,
      preexisting: [],
      status: 'stopped',
      error: null,
      tracks: [
        { source: track('netease', '1', '晴天'), target: track('qq', 'q1', '晴天'), state: 'done' },
        {
          source: track('netease', '2', '稻香'),
          target: track('qq', 'q2', '稻香'),
          state: 'pending',
        },
      ],
      outcome: { total: 2, added: 1, skipped: 0, failed: 0, pending: 1 },
    };
    const app = await openApp(h, {
      hash: `#/transfer/netease/${PLAYLIST}`,
      mock: { ...BOTH, transfers: [kept] },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('transfer-job'));
      assert.equal(await status(page), 'stopped');
      assert.equal(new URL(page.url()).hash, `#/transfer/netease/${PLAYLIST}?job=kept1`);
      assert.equal(await app.count('transfer_preview'), 0);
      assert.match(await page.locator(id('transfer-title')).innerText(), /Road trip/);
      assert.equal(await page.locator(id('transfer-resume')).count(), 1);
    } finally {
      await app.close();
    }
  });

  test('liked songs move into the other service’s likes, and a missing login is explained', async () => {
    // The fixture's liked songs, cut to ten (the mock's move likes them one by one).
    const probe = await openApp(h, { mock: BOTH });
    const likedId = await probe.duet(async () => {
      const lists = await window.__TAURI_INTERNALS__.invoke('user_playlists', {
        provider: 'netease',
      });
      return lists.find((p) => p.liked).id;
    });
    await probe.close();
    const app = await openApp(h, {
      hash: '#/transfer/netease/liked',
      mock: { ...BOTH, transferStepMs: 5, playlistOverrides: { [likedId]: { track_count: 10 } } },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('transfer-rows'));
      assert.match(await page.locator(id('transfer-title')).innerText(), /liked songs to QQ Music/);
      assert.equal(await page.locator(id('transfer-name')).count(), 0);
      await page.locator(id('transfer-start')).click();
      await eventually(async () => (await status(page)) === 'finished', { timeout: 30_000 });
      const request = (await app.duet(() => window.__duet.last('transfer_start'))).request;
      assert.equal(request.name, null);
      // Ten tracks: the 5th is unsure and the 6th missing (the mock's matcher), so eight move.
      const report = await page.locator(id('transfer-report')).innerText();
      assert.equal(report, '8 added · 2 skipped · 0 failed');
      const liked = await app.duet(() =>
        window.__TAURI_INTERNALS__.invoke('liked_ids', { provider: 'qq' }),
      );
      assert.equal(liked.filter((tid) => tid.startsWith('004Mv')).length, 8);
    } finally {
      await app.close();
    }
    const out = await openApp(h, {
      hash: `#/transfer/netease/${PLAYLIST}`,
      mock: { providers: ['netease', 'qq'], qqSession: 'logged_out' },
    });
    try {
      const panel = out.page.locator(id('error-panel'));
      await panel.waitFor();
      assert.equal(await panel.getAttribute('data-kind'), 'not_logged_in');
    } finally {
      await out.close();
    }
  });
});
