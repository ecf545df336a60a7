// The cloud disk over the mock backend: the sidebar entry, the uploads as a track list with
// their files, paging, the search within them, playing one, the upload with its progress in
// order, a refused and a cancelled upload, hostile names, and QQ Music's "not offered".
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

const HOSTILE = '<img src=x onerror="window.__pwned=1"> "; DROP TABLE --.mp3';

/** Records every stage the progress bar shows, in order, from the moment it is called. */
async function watchStages(page) {
  await page.evaluate(() => {
    window.__stages = [];
    const seen = () => {
      const bar = document.querySelector('[data-testid="cloud-progress"]');
      if (!bar) return;
      const entry = `${bar.dataset.stage}:${bar.querySelector('[role="progressbar"]').getAttribute('aria-valuenow')}`;
      if (window.__stages.at(-1) !== entry) window.__stages.push(entry);
    };
    new MutationObserver(seen).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
}

describe('cloud disk', () => {
  test('the sidebar opens the uploads; they page, search and play', async () => {
    const app = await openApp(h, { hash: '#/library' });
    const { page } = app;
    try {
      await page.click(id('nav-cloud'));
      await page.waitForSelector(id('cloud-row'));
      assert.ok(page.url().endsWith('#/cloud'));
      assert.match(
        await page.locator(id('cloud-usage')).innerText(),
        /60 songs · .* of 60 GB used/,
      );
      const first = page.locator(`${id('cloud-row')}[data-index="0"]`);
      assert.match(await first.locator(id('cloud-file')).innerText(), /\.flac · 34 MB/);
      // The hostile upload is text, nothing runs.
      const hostile = page.locator(`${id('cloud-row')}[data-index="2"]`);
      assert.ok((await hostile.innerText()).includes(HOSTILE));
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      await shot(page, 'cloud-disk');

      await page.locator(id('cloud-more')).click();
      await eventually(async () => (await app.count('cloud_tracks')) === 2);
      assert.equal((await app.duet(() => window.__duet.last('cloud_tracks'))).page, 2);
      await page.waitForSelector(id('cloud-more'), { state: 'detached' });

      await page.fill(id('cloud-search'), 'rehearsal 2019');
      await eventually(async () => (await page.locator(id('cloud-row')).count()) === 1);
      assert.equal((await app.duet(() => window.__duet.last('cloud_search'))).q, 'rehearsal 2019');
      assert.match(await page.locator(id('cloud-row')).innerText(), /rehearsal 2019-03-02/);
      assert.ok(
        (await page.locator(id('cloud-file')).getAttribute('title')).startsWith('Not matched'),
      );

      await page.locator(id('cloud-row')).dblclick();
      await eventually(async () => (await app.count('player_play')) === 1);
      const played = await app.duet(() => window.__duet.last('player_play'));
      assert.equal(played.tracks.length, 1);
      assert.equal(played.tracks[0].id, '9500000001');
      assert.equal(played.startIndex, 0);

      await page.fill(id('cloud-search'), 'zzz nothing');
      await page.waitForSelector(`${id('cloud-empty')}:has-text("No upload matches")`);
      await page.fill(id('cloud-search'), '');
      await eventually(async () => (await page.locator(id('cloud-row')).count()) > 5);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('an upload shows its progress in order, then leads the list', async () => {
    const app = await openApp(h, { hash: '#/cloud' });
    const { page } = app;
    try {
      await page.waitForSelector(id('cloud-row'));
      await watchStages(page);
      await page.click(id('cloud-upload'));
      await page.waitForSelector(id('cloud-progress'));
      assert.ok(await page.locator(id('cloud-upload')).isDisabled(), 'one upload at a time');
      await page.waitForSelector(`${id('toast')}:has-text("Uploaded “my demo take 3.flac”")`);
      await page.waitForSelector(id('cloud-progress'), { state: 'detached' });
      const stages = await page.evaluate(() => window.__stages);
      assert.deepEqual(stages, [
        'checking:0',
        'sending:0',
        'sending:33',
        'sending:67',
        'sending:100',
        'publishing:100',
        'done:100',
      ]);
      await eventually(async () =>
        /my demo take 3/.test(await page.locator(`${id('cloud-row')}[data-index="0"]`).innerText()),
      );
      assert.equal(await app.count('cloud_upload'), 1);
      assert.match(await page.locator(id('cloud-usage')).innerText(), /61 songs/);
    } finally {
      await app.close();
    }
  });

  test('a refused upload says why and is not sent again; a closed dialog does nothing', async () => {
    const app = await openApp(h, {
      hash: '#/cloud',
      mock: {
        cloud: {
          refuse: {
            kind: 'already_exists',
            message: '"a.mp3" is in your NetEase cloud disk already',
          },
        },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('cloud-row'));
      await page.click(id('cloud-upload'));
      const toast = page.locator(id('toast')).first();
      await toast.waitFor();
      assert.match(await toast.innerText(), /Already there/);
      await page.waitForSelector(id('cloud-progress'), { state: 'detached' });
      await page.waitForTimeout(400);
      assert.equal(await app.count('cloud_upload'), 1, 'never retried');
      assert.equal(await app.count('cloud_tracks'), 1, 'nothing to reload');
      assert.ok(await page.locator(id('cloud-upload')).isEnabled());
    } finally {
      await app.close();
    }

    const closed = await openApp(h, { hash: '#/cloud', mock: { cloud: { pick: null } } });
    try {
      await closed.page.waitForSelector(id('cloud-row'));
      await closed.page.click(id('cloud-upload'));
      await eventually(async () => (await closed.count('cloud_upload')) === 1);
      await closed.page.waitForTimeout(300);
      assert.equal(await closed.page.locator(id('toast')).count(), 0);
      assert.equal(await closed.count('cloud_tracks'), 1);
    } finally {
      await closed.close();
    }
  });

  test('an upload is deleted from its menu, only once the person confirms it', async () => {
    const app = await openApp(h, { hash: '#/cloud' });
    const { page } = app;
    const row = (i) => page.locator(`${id('cloud-row')}[data-index="${i}"]`);
    const askDelete = async (i) => {
      await row(i).click({ button: 'right' });
      await page.locator(id('menu-cloud-delete')).click();
      await page.waitForSelector(`${id('library-dialog')}[data-kind="confirm"]`);
    };
    try {
      await page.waitForSelector(id('cloud-row'));
      assert.match(
        await row(1).locator(id('cloud-file')).innerText(),
        /^rehearsal 2019-03-02\.m4a/,
      );
      // Cancelled: nothing is asked of the service.
      await askDelete(1);
      assert.equal(await page.locator(id('menu-cloud-delete')).count(), 0, 'the menu closed');
      assert.match(
        await page.locator(id('library-dialog')).innerText(),
        /Delete “rehearsal 2019-03-02\.m4a” from your cloud disk\?[\s\S]*cannot be undone/,
      );
      await shot(page, 'cloud-delete-confirm');
      await page.keyboard.press('Escape');
      await page.waitForSelector(id('library-dialog'), { state: 'detached' });
      assert.equal(await app.count('cloud_delete'), 0);
      // Confirmed: deleted once, and gone from the list.
      await askDelete(1);
      await page.locator(id('confirm-action')).click();
      await page.waitForSelector(id('library-dialog'), { state: 'detached' });
      assert.equal(await app.count('cloud_delete'), 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('cloud_delete')), {
        provider: 'netease',
        trackId: '9500000001',
      });
      await page.locator(id('toast'), { hasText: 'Deleted “rehearsal 2019-03-02.m4a”' }).waitFor();
      await eventually(async () => !(await row(1).innerText()).includes('rehearsal 2019-03-02'));
      assert.match(await page.locator(id('cloud-usage')).innerText(), /59 songs/);

      // Refused by the service: the dialog stays, the reason shows, the row stays.
      await app.duet(() => {
        window.__duet.fail.cloud_delete = { kind: 'rate_limited', message: 'slow down' };
      });
      await askDelete(0);
      await page.locator(id('confirm-action')).click();
      await page.locator(id('toast'), { hasText: 'slow down' }).waitFor();
      assert.equal(await page.locator(id('library-dialog')).count(), 1);
      assert.match(await page.locator(id('cloud-usage')).innerText(), /59 songs/);

      // Several rows picked: the menu offers no delete (each is confirmed by its name).
      await page.keyboard.press('Escape');
      await row(0).click();
      await row(2).click({ modifiers: ['Shift'] });
      await row(1).click({ button: 'right' });
      await page.waitForSelector(id('track-menu'));
      assert.equal(await page.locator(id('menu-cloud-delete')).count(), 0);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('QQ Music says why it has no cloud disk here', async () => {
    const app = await openApp(h, {
      hash: '#/cloud',
      mock: { providers: ['netease', 'qq'], qqSession: 'logged_in' },
      locale: 'zh-CN',
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('cloud-row'));
      await page.click(id('cloud-provider-qq'));
      const note = page.locator(id('cloud-not-offered'));
      await note.waitFor();
      assert.match(await note.innerText(), /QQ 音乐.*没有公开资料/);
      assert.ok(page.url().endsWith('#/cloud?provider=qq'));
      assert.ok(await page.locator(id('cloud-upload')).isDisabled());
      assert.equal(await page.locator(id('cloud-row')).count(), 0);
      await shot(page, 'cloud-disk-qq');
    } finally {
      await app.close();
    }
  });
});
