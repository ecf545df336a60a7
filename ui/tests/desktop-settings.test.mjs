// The settings menu's desktop part: close to the tray, notifications on track change, global
// shortcuts (prefs.json's `window` and `shortcuts` sections, through prefs_get / prefs_set).
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

const SHORTCUTS = {
  enabled: false,
  play_pause: 'Ctrl+Alt+P',
  next: 'Ctrl+Alt+Right',
  previous: 'Ctrl+Alt+Left',
  desktop_lyrics: 'Ctrl+Alt+L',
};

async function openSettings(app) {
  await app.page.waitForSelector(id('library-screen'));
  await app.page.locator(id('settings-button')).click();
  await app.page.waitForSelector(id('desktop-settings'));
}

/** What the app was last asked to keep. */
async function lastSaved(app) {
  const sets = await app.calls('prefs_set');
  assert.ok(sets.length, 'prefs_set was called');
  return sets[sets.length - 1].args.next;
}

describe('desktop settings', () => {
  test('close to tray and notifications start off and are kept when turned on', async () => {
    const app = await openApp(h, { mock: { prefs: { window: {}, shortcuts: SHORTCUTS } } });
    const { page } = app;
    try {
      await openSettings(app);
      const tray = page.locator(id('pref-close-to-tray'));
      const notify = page.locator(id('pref-notify'));
      assert.equal(await tray.isChecked(), false);
      assert.equal(await notify.isChecked(), false);
      assert.equal(await page.locator(id('shortcut-list')).count(), 0, 'shortcuts off: no list');

      await tray.check();
      await eventually(async () => (await lastSaved(app)).window.close_to_tray === true);
      await notify.check();
      await eventually(async () => (await lastSaved(app)).window.notify_track_change === true);
      const saved = await lastSaved(app);
      assert.deepEqual(saved.window, { close_to_tray: true, notify_track_change: true });
      assert.deepEqual(saved.shortcuts, SHORTCUTS, 'the other sections are sent back unchanged');

      // Reopened, the menu reads them back from the app.
      await page.keyboard.press('Escape');
      await page.locator(id('settings-button')).click();
      await page.waitForSelector(id('desktop-settings'));
      assert.equal(await page.locator(id('pref-close-to-tray')).isChecked(), true);
      assert.equal(await page.locator(id('pref-notify')).isChecked(), true);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('turning shortcuts on lists them and says which another app holds', async () => {
    const app = await openApp(h, {
      mock: { prefs: { shortcuts: SHORTCUTS }, takenShortcuts: ['Ctrl+Alt+Right'] },
    });
    const { page } = app;
    try {
      await openSettings(app);
      await page.locator(id('pref-shortcuts')).check();
      await page.waitForSelector(id('shortcut-list'));
      assert.equal(await page.locator(id('shortcut-play_pause')).innerText(), 'Ctrl+Alt+P');
      const taken = page.locator(id('shortcut-problem-next'));
      await taken.waitFor();
      assert.equal(await taken.innerText(), 'Another app already uses these keys');
      assert.equal(await page.locator(id('shortcut-problem-play_pause')).count(), 0);
      assert.equal((await lastSaved(app)).shortcuts.enabled, true);
      await shot(page, 'settings-desktop');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a shortcut is recorded from the keys pressed; one that cannot work is refused', async () => {
    const app = await openApp(h, {
      mock: { prefs: { shortcuts: { ...SHORTCUTS, enabled: true } } },
    });
    const { page } = app;
    try {
      await openSettings(app);
      const playPause = page.locator(id('shortcut-play_pause'));
      await playPause.click();
      assert.equal(await playPause.innerText(), 'Press keys…');
      await page.keyboard.down('Control');
      await page.keyboard.down('Shift');
      await eventually(async () => (await playPause.innerText()) === 'Ctrl+Shift+…');
      await page.keyboard.press('KeyK');
      await page.keyboard.up('Shift');
      await page.keyboard.up('Control');
      await eventually(async () => (await playPause.innerText()) === 'Ctrl+Shift+K');
      assert.equal((await lastSaved(app)).shortcuts.play_pause, 'Ctrl+Shift+K');

      // A bare letter would take that key from every app: the app refuses, the menu says why.
      await playPause.click();
      await page.keyboard.press('KeyQ');
      const error = page.locator(id('desktop-settings-error'));
      await error.waitFor();
      assert.match(await error.innerText(), /has no modifier/);
      assert.equal(await playPause.innerText(), 'Ctrl+Shift+K', 'the old one stays');

      // Esc cancels without a change; Backspace clears.
      const before = (await app.calls('prefs_set')).length;
      await playPause.click();
      await page.keyboard.press('Escape');
      assert.equal(
        await page.locator(id('settings-menu')).count(),
        1,
        'Esc did not close the menu',
      );
      assert.equal((await app.calls('prefs_set')).length, before);
      const next = page.locator(id('shortcut-next'));
      await next.click();
      await page.keyboard.press('Backspace');
      await eventually(async () => (await next.innerText()) === 'None');
      assert.equal((await lastSaved(app)).shortcuts.next, null);
      assert.equal(await page.locator(id('desktop-settings-error')).count(), 0, 'error cleared');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the tray menu is told the UI language, at start and when it changes', async () => {
    const app = await openApp(h, { mock: { prefs: { shortcuts: SHORTCUTS } } });
    const { page } = app;
    const lastLanguage = async () => {
      const calls = await app.calls('tray_language');
      return calls[calls.length - 1]?.args.language;
    };
    try {
      await page.waitForSelector(id('library-screen'));
      await eventually(async () => (await lastLanguage()) === 'en');
      await page.locator(id('settings-button')).click();
      await page.locator(id('language-zh')).click();
      await eventually(async () => (await lastLanguage()) === 'zh');
      assert.match(await page.locator(id('desktop-settings')).innerText(), /全局快捷键/);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
});
