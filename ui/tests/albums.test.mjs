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

const HOSTILE = '<img src=x onerror="window.__pwned=1"> "; DROP TABLE --';

describe('album and artist pages', () => {
  test('a track row opens its artist; the artist page pages its albums and opens one', async () => {
    const app = await openApp(h, { hash: '#/playlist/netease/705619441' });
    const { page } = app;
    try {
      const row = page.locator(id('track-row')).first();
      const link = row.locator(id('artist-link')).first();
      const artistId = await link.getAttribute('data-id');
      const artistName = await link.innerText();
      await link.click();
      await page.waitForSelector(id('artist-screen'));
      assert.equal(new URL(page.url()).hash, `#/artist/netease/${artistId}`);
      assert.equal(await page.locator(id('artist-name')).innerText(), artistName);
      const calls = await app.calls('artist');
      assert.deepEqual(calls.at(-1).args, { provider: 'netease', id: artistId });
      await page.waitForSelector(id('artist-album'));
      await page.waitForSelector(`${id('artist-screen')} ${id('track-row')}`);

      // An album card opens its page, whose artist links back.
      const card = page.locator(id('artist-album')).first();
      const albumId = await card.getAttribute('data-id');
      await card.click();
      await page.waitForSelector(id('album-screen'));
      assert.equal(new URL(page.url()).hash, `#/album/netease/${albumId}`);
      await page.waitForSelector(id('track-row'));
      assert.equal(
        await page
          .locator(`${id('album-artists')} ${id('artist-link')}`)
          .first()
          .innerText(),
        artistName,
      );
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('300 albums arrive a page at a time, by scrolling or with the button', async () => {
    const app = await openApp(h, { hash: '#/artist/netease/8000' });
    const { page } = app;
    try {
      await page.waitForSelector(id('artist-album'));
      assert.equal(await page.locator(id('artist-album')).count(), 30);
      assert.match(await page.locator(id('artist-description')).innerText(), /300/);
      await shot(page, 'artist');
      // Scrolling the end of the list into view loads the next page, once.
      await page.locator(id('more-albums')).scrollIntoViewIfNeeded();
      await eventually(async () => (await page.locator(id('artist-album')).count()) === 60);
      const pages = (await app.calls('artist_albums')).map((c) => c.args.page);
      assert.deepEqual(pages.slice(0, 2), [1, 2]);
      // The button works as well; the pages never repeat an album.
      await page.locator(id('more-albums')).click();
      await eventually(async () => (await page.locator(id('artist-album')).count()) >= 90);
      const ids = await page
        .locator(id('artist-album'))
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      assert.equal(new Set(ids).size, ids.length);
      // The rest, a click at a time (the end may scroll into view and load a page by itself).
      await eventually(
        async () => {
          if ((await page.locator(id('artist-album')).count()) === 300) return true;
          await page
            .locator(id('more-albums'))
            .click({ timeout: 1000 })
            .catch(() => {});
          return false;
        },
        { timeout: 30_000 },
      );
      assert.equal(await page.locator(id('more-albums')).count(), 0);
      const last = (await app.calls('artist_albums')).at(-1).args.page;
      assert.equal(last, 10);
    } finally {
      await app.close();
    }
  });

  test('a 2,000-track album is virtualised and plays or queues whole', async () => {
    const app = await openApp(h, { hash: '#/album/netease/2000' });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      assert.equal(await page.locator(id('album-title')).innerText(), '两千首');
      assert.match(await page.locator(id('album-date')).innerText(), /Released/);
      assert.match(await page.locator(id('album-description')).innerText(), /2000/);
      const rows = await page.locator(id('track-row')).count();
      assert.ok(rows > 5 && rows < 100, `${rows} rows in the DOM`);
      // Every row is this album's: no album column on its own page.
      assert.equal(await page.locator(`${id('track-row')} ${id('album-link')}`).count(), 0);
      assert.equal(await page.locator('[role="columnheader"]').count(), 4);
      await shot(page, 'album');
      const scroller = page.locator('[data-scroll-root]');
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForSelector(`${id('track-row')}[data-index="1999"]`);

      await scroller.evaluate((el) => (el.scrollTop = 0));
      await page.locator(id('play-all')).click();
      await eventually(async () => (await app.count('player_play')) === 1);
      const played = await app.duet(() => window.__duet.last('player_play').tracks.length);
      assert.equal(played, 2000);
      await page.locator(id('queue-all')).click();
      await eventually(async () => (await app.count('player_enqueue')) === 1);
      const queued = await app.duet(() => window.__duet.last('player_enqueue').tracks);
      assert.ok(queued.length > 1500 && queued.length < 2000, `${queued.length} playable`);
      assert.ok(queued.every((t) => t.playable));
    } finally {
      await app.close();
    }
  });

  test('hostile album and artist names stay text, and their links too', async () => {
    const app = await openApp(h, { hash: '#/album/netease/666' });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      assert.equal(await page.locator(id('album-title')).innerText(), HOSTILE);
      assert.equal(await page.locator(`${id('album-screen')} h1 img`).count(), 0);
      assert.match(await page.locator(id('album-description')).innerText(), /<script>/);
      const link = page.locator(`${id('track-row')} ${id('artist-link')}`).first();
      assert.equal(await link.innerText(), HOSTILE);
      assert.equal(await link.locator('img').count(), 0);
      await link.click();
      await page.waitForSelector(id('artist-name'));
      assert.equal(await page.locator(id('artist-name')).innerText(), HOSTILE);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('similar artists open their pages; a failed album load offers a retry', async () => {
    const app = await openApp(h, {
      hash: '#/artist/netease/8000',
      mock: { fail: { album: { kind: 'not_found', message: 'NetEase has no album 2000' } } },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('similar-artist'));
      assert.equal(await page.locator(id('similar-artist')).count(), 6);
      // Scrolled down to, the similar artists can move as the next page of albums lands above
      // them (the list loads more when its end shows): the click goes to the card itself, not to
      // where it was a moment before.
      const similar = page.locator(id('similar-artist')).nth(1);
      assert.match(await similar.getAttribute('href'), /^#\/artist\/netease\/71/);
      await similar.dispatchEvent('click');
      // The previous artist's name is on screen until the new page loads: wait for the address.
      await eventually(async () => /^#\/artist\/netease\/71/.test(new URL(page.url()).hash));
      await page.waitForSelector(id('artist-name'));

      await page.goto(page.url().replace(/#.*/, '#/album/netease/2000'));
      await page.waitForSelector(id('error-panel'));
      await app.duet(() => delete window.__duet.fail.album);
      await page
        .locator(`${id('error-panel')} button`)
        .first()
        .click();
      await page.waitForSelector(id('track-row'));
    } finally {
      await app.close();
    }
  });

  test('the player bar, the lyrics page and search cards link to artists and albums', async () => {
    const app = await openApp(h, { hash: '#/library', mock: { playing: true } });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      const barLink = page.locator(`${id('player-artists')} ${id('artist-link')}`).first();
      const barArtist = await barLink.getAttribute('data-id');
      await barLink.click();
      await page.waitForSelector(id('artist-screen'));
      assert.equal(new URL(page.url()).hash, `#/artist/netease/${barArtist}`);

      // The lyrics page's links close it on the way.
      await page.locator(id('lyrics-button')).click();
      await page.waitForSelector(id('lyrics-view'));
      await page.locator(`${id('lyrics-view')} ${id('album-link')}`).click();
      await page.waitForSelector(id('album-screen'));
      assert.equal(await page.locator(id('lyrics-view')).count(), 0);

      for (const [type, route] of [
        ['album', 'album'],
        ['artist', 'artist'],
      ]) {
        await page.goto(page.url().replace(/#.*/, `#/search?q=hello&type=${type}`));
        const card = page.locator(id('search-result')).first();
        await card.waitFor();
        const cardId = await card.getAttribute('data-id');
        assert.equal(await card.getAttribute('href'), `#/${route}/netease/${cardId}`);
        await card.click();
        await page.waitForSelector(id(`${route}-screen`));
      }
    } finally {
      await app.close();
    }
  });

  test('QQ Music pages go to QQ Music', async () => {
    const app = await openApp(h, {
      hash: '#/album/qq/003rytri2FHG3V',
      mock: { providers: ['netease', 'qq'], qqSession: 'logged_in' },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('track-row'));
      const calls = await app.calls('album');
      assert.deepEqual(calls.at(-1).args, { provider: 'qq', id: '003rytri2FHG3V' });
      const row = page.locator(id('track-row')).first();
      assert.equal(await row.getAttribute('data-provider'), 'qq');
      await row.locator(id('artist-link')).first().click();
      await page.waitForSelector(id('artist-screen'));
      assert.match(new URL(page.url()).hash, /^#\/artist\/qq\//);
    } finally {
      await app.close();
    }
  });
});
