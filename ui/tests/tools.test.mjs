// Playlist tools (sort, search in one and in all playlists, duplicates, export), share links
// (copy, paste into the search box) and the Recently played screen, over the mock backend.
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

const HOSTILE = '<img src=x onerror=alert(1)> "; DROP TABLE --';

function track(id, title, artist, album, ms) {
  return {
    provider: 'netease',
    id,
    title,
    artists: [{ id: `a-${artist}`, name: artist }],
    album: { id: `al-${album}`, name: album, cover_url: null },
    duration_ms: ms,
    playable: true,
    vip: false,
  };
}

// Playlist 777: a hostile title, a track added twice, and the same song under another id.
const TRACKS = [
  track('11', 'Banana', 'Zed', 'Middle', 200_000),
  track('12', 'apple', 'Anna', 'Zulu', 100_000),
  track('13', HOSTILE, HOSTILE, HOSTILE, 300_000),
  track('11', 'Banana', 'Zed', 'Middle', 200_000),
  track('14', 'Cherry', 'Bob', 'Alpha', 150_000),
  track('15', 'banana', 'zed', 'Live', 201_000),
];
const mock = {
  playlistOverrides: {
    777: { name: `Tools ${HOSTILE}`, track_count: TRACKS.length, tracks: TRACKS },
  },
};

async function titles(page) {
  return page.locator(`${id('track-row')} .name`).allInnerTexts();
}

describe('playlist tools', () => {
  test('the view sorts by every key both ways and the search narrows it', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/777', mock });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-tools'));
      assert.deepEqual(
        await titles(page),
        TRACKS.map((t) => t.title),
      );
      await page.selectOption(id('sort-key'), 'title');
      assert.deepEqual(await titles(page), [
        HOSTILE,
        'apple',
        'Banana',
        'Banana',
        'banana',
        'Cherry',
      ]);
      await page.click(id('sort-order'));
      assert.equal(await page.getAttribute(id('sort-order'), 'data-order'), 'desc');
      assert.deepEqual(await titles(page), [
        'Cherry',
        'Banana',
        'Banana',
        'banana',
        'apple',
        HOSTILE,
      ]);
      await page.selectOption(id('sort-key'), 'duration');
      assert.deepEqual(await titles(page), [
        HOSTILE,
        'banana',
        'Banana',
        'Banana',
        'Cherry',
        'apple',
      ]);
      await page.selectOption(id('sort-key'), 'artist');
      await page.click(id('sort-order'));
      assert.deepEqual((await titles(page))[0], HOSTILE, '"<img" sorts before letters');
      await page.selectOption(id('sort-key'), 'album');
      assert.deepEqual((await titles(page)).slice(0, 2), [HOSTILE, 'Cherry']);

      // Playing plays the view, in the view's order.
      await page.locator(id('track-row')).nth(1).dblclick();
      await eventually(async () => (await app.count('player_play')) === 1);
      const played = await app.duet(() => {
        const a = window.__duet.last('player_play');
        return { ids: a.tracks.map((t) => t.id), start: a.startIndex };
      });
      assert.deepEqual(played, { ids: ['13', '14', '15', '11', '11', '12'], start: 1 });

      await page.fill(id('playlist-filter'), 'BANANA  zed');
      await eventually(async () => (await page.locator(id('track-row')).count()) === 3);
      assert.match(await page.locator(id('filter-count')).innerText(), /3 of 6/);
      await page.fill(id('playlist-filter'), 'drop table');
      await eventually(async () => (await page.locator(id('track-row')).count()) === 1);
      // Hostile names are text: no element was made of them, no script ran.
      assert.equal(await page.locator('.tracklist img[src="x"]').count(), 0);
      await page.fill(id('playlist-filter'), 'nothing-like-this');
      await page.waitForSelector(id('no-match'));
      await shot(page, 'playlist-tools');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('search across all your playlists says which playlist each match is in', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/777', mock });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-tools'));
      await page.check(id('filter-all'));
      await page.fill(id('playlist-filter'), 'a');
      await page.waitForSelector(id('all-result'));
      await eventually(async () => (await page.locator(id('all-progress')).count()) === 0);
      const lists = await app.duet(
        () => window.__duet.calls.filter((c) => c.cmd === 'playlist').length,
      );
      assert.ok(lists >= 3, `each of your playlists was read (${lists})`);
      const first = page.locator(id('all-result-playlist')).first();
      assert.match(await first.innerText(), /^in /);
      assert.match(await first.getAttribute('href'), /^#\/playlist\/netease\//);
      await shot(page, 'playlist-search-all');
      await first.click();
      await eventually(async () => /#\/playlist\/netease\//.test(page.url()));
    } finally {
      await app.close();
    }
  });

  test('duplicates are grouped with why, and exports are saved and announced', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/777', mock });
    const { page } = app;
    try {
      await page.waitForSelector(id('playlist-tools'));
      await page.click(id('find-duplicates'));
      await page.waitForSelector(id('duplicates-panel'));
      const groups = page.locator(id('duplicate-group'));
      assert.equal(await groups.count(), 2);
      assert.equal(await groups.nth(0).getAttribute('data-reason'), 'same_id');
      assert.equal(await groups.nth(1).getAttribute('data-reason'), 'same_song');
      assert.equal(await groups.nth(0).locator(id('duplicate-row')).count(), 2);
      assert.match(await groups.nth(1).innerText(), /Same song under another id/);
      await shot(page, 'playlist-duplicates');
      await page.click(id('find-duplicates'));
      assert.equal(await page.locator(id('duplicates-panel')).count(), 0);

      await page.selectOption(id('sort-key'), 'duration');
      await page.click(id('export-m3u'));
      const toast = page.locator(id('toast')).last();
      await toast.waitFor();
      assert.match(await toast.innerText(), /Exported[\s\S]*Downloads\/Tools _img.*\.m3u/);
      assert.match(await toast.innerText(), /stream addresses expire/);
      const args = await app.duet(() => window.__duet.last('playlist_export'));
      assert.equal(args.format, 'm3u');
      assert.equal(args.sort, 'duration');
      assert.equal(args.order, 'asc');
      assert.equal(args.playlist.tracks.length, 6, 'the whole playlist, not the searched view');
      await page.click(id('export-csv'));
      await eventually(async () => (await app.count('playlist_export')) === 2);
      assert.equal((await app.duet(() => window.__duet.last('playlist_export'))).format, 'csv');
    } finally {
      await app.close();
    }
  });
});

describe('share links', () => {
  test('copy link puts the canonical link on the clipboard', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/777', mock });
    const { page, context } = app;
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.base });
      await page.click(id('copy-link'));
      await eventually(async () =>
        /Link copied/.test(await page.locator(id('toast')).last().innerText()),
      );
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, 'https://music.163.com/playlist?id=777');
      assert.deepEqual(await app.duet(() => window.__duet.last('share_link')), {
        target: { provider: 'netease', kind: 'playlist', id: '777' },
      });
    } finally {
      await app.close();
    }
  });

  test('albums, artists and a track from its menu copy their own links', async () => {
    const app = await openApp(h, { hash: '#/album/netease/2000' });
    const { page, context } = app;
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.base });
      const copied = async (expected) => {
        await eventually(
          async () => (await page.evaluate(() => navigator.clipboard.readText())) === expected,
        );
      };
      await page.waitForSelector(id('album-screen'));
      await page.click(id('copy-link'));
      await copied('https://music.163.com/album?id=2000');

      const first = page.locator(id('track-row')).first();
      const trackId = await first.getAttribute('data-track-id');
      await first.locator(id('track-more')).click();
      await page.locator(id('menu-copy-link')).click();
      await copied(`https://music.163.com/song?id=${trackId}`);
      assert.equal(await page.locator(id('track-menu')).count(), 0, 'the menu closes');

      await page.goto(page.url().replace(/#.*/, '#/artist/netease/8000'));
      await page.waitForSelector(id('artist-screen'));
      await page.click(id('copy-link'));
      await copied('https://music.163.com/artist?id=8000');
      assert.deepEqual(await app.duet(() => window.__duet.last('share_link')), {
        target: { provider: 'netease', kind: 'artist', id: '8000' },
      });
    } finally {
      await app.close();
    }
  });

  test('a link pasted into the search box opens its page; a bad one is explained', async () => {
    const app = await openApp(h, { hash: '#/library' });
    const { page } = app;
    try {
      const box = page.locator(id('search-input'));
      await box.waitFor();
      await box.fill('分享歌单: http://163cn.tv/duetList (来自@网易云音乐)');
      await box.press('Enter');
      await eventually(async () => page.url().endsWith('#/playlist/netease/131149308'));
      await page.waitForSelector(id('playlist-screen'));
      assert.equal(await box.inputValue(), '', 'the box is emptied once the page opens');
      assert.equal(await app.count('search'), 0, 'a link is never searched for');

      // Album and artist links go to the routes agreed for those pages.
      await box.fill('https://y.qq.com/n/ryqq/albumDetail/002MAeob3zLXwZ');
      await box.press('Enter');
      await eventually(async () => page.url().endsWith('#/album/qq/002MAeob3zLXwZ'));
      await box.fill('https://music.163.com/#/artist?id=6731');
      await box.press('Enter');
      await eventually(async () => page.url().endsWith('#/artist/netease/6731'));

      // A song link plays the song.
      await box.fill('https://music.163.com/song?id=551816010');
      await box.press('Enter');
      await eventually(async () => (await app.count('player_play')) === 1);
      assert.deepEqual(await app.duet(() => window.__duet.last('track')), {
        provider: 'netease',
        id: '551816010',
      });

      await box.fill('https://evil.example/?u=https://music.163.com');
      await box.press('Enter');
      const toast = page.locator(id('toast')).last();
      await eventually(async () => /can’t open this link/.test(await toast.innerText()));
      assert.equal(await box.inputValue(), 'https://evil.example/?u=https://music.163.com');
      await shot(page, 'share-bad-link');
    } finally {
      await app.close();
    }
  });
});

describe('recently played', () => {
  test('the screen lists what played, newest first, and clears after a confirmation', async () => {
    const earlier = {
      track: track('21', HOSTILE, 'Someone', 'Somewhere', 180_000),
      played_at_ms: Date.now() - 3 * 3_600_000,
    };
    const app = await openApp(h, { hash: '#/history', mock: { ...mock, history: [earlier] } });
    const { page } = app;
    try {
      await page.waitForSelector(id('history-row'));
      assert.equal(await page.locator(id('history-row')).count(), 1);
      assert.match(await page.locator(id('history-when')).innerText(), /3 h ago/);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.ok(await page.locator(`${id('nav-history')}[aria-current="page"]`).count());

      // Play something elsewhere: it joins the top.
      await page.click(id('nav-library'));
      await page.goto(`${h.base}index.html#/playlist/netease/777`);
      await page.locator(id('track-row')).nth(4).dblclick();
      await eventually(async () => (await app.count('player_play')) === 1);
      await page.click(id('nav-history'));
      await eventually(async () => (await page.locator(id('history-row')).count()) === 2);
      const ids = await page
        .locator(id('history-row'))
        .evaluateAll((rows) => rows.map((r) => r.dataset.trackId));
      assert.deepEqual(ids, ['14', '21']);
      assert.match(await page.locator(id('history-when')).first().innerText(), /just now/);
      await shot(page, 'history');

      await page.click(id('history-clear'));
      assert.match(await page.locator(id('history-clear')).innerText(), /can’t be undone/);
      assert.equal(await app.count('history_clear'), 0, 'nothing is cleared on the first click');
      await page.click(id('history-clear'));
      await page.waitForSelector(id('history-empty'));
      assert.equal(await app.count('history_clear'), 1);
    } finally {
      await app.close();
    }
  });
});
