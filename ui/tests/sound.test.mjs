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

const PREFS = { window: {}, shortcuts: {}, desktop_lyrics: {}, sound: {}, now_playing: {} };

/** The `sound` section of the last preferences the app wrote. */
async function lastSound(app) {
  const calls = await app.calls('prefs_set');
  return calls.at(-1)?.args?.next?.sound;
}

async function openSound(app) {
  await app.page.waitForSelector(id('library-screen'));
  await app.page.locator(id('settings-button')).click();
  await app.page.waitForSelector(id('sound-settings'));
}

describe('sound settings', () => {
  test('the devices are listed and a choice is saved in the sound preferences', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS } });
    try {
      await openSound(app);
      const device = app.page.locator(id('sound-device'));
      const options = await device.locator('option').allTextContents();
      assert.deepEqual(options, [
        'System default',
        'Built-in Audio Analog Stereo (default)',
        'USB DAC',
      ]);
      assert.equal(await device.inputValue(), '', 'the system default until chosen');
      await shot(app.page, 'sound-settings');

      await device.selectOption('USB DAC');
      await eventually(async () => (await lastSound(app))?.output_device === 'USB DAC');
      // The other sections are written back as they were.
      const written = (await app.calls('prefs_set')).at(-1).args.next;
      assert.deepEqual(written.window, {});

      await device.selectOption('');
      await eventually(async () => (await lastSound(app))?.output_device === null);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('a saved device that is not plugged in stays chosen, marked', async () => {
    const app = await openApp(h, {
      mock: { prefs: { ...PREFS, sound: { output_device: 'Bluetooth Headphones' } } },
    });
    try {
      await openSound(app);
      const device = app.page.locator(id('sound-device'));
      await eventually(async () => (await device.inputValue()) === 'Bluetooth Headphones');
      const options = await device.locator('option').allTextContents();
      assert.equal(options.at(-1), 'Bluetooth Headphones (not connected)');
      assert.equal(await app.count('prefs_set'), 0, 'nothing written by looking');
    } finally {
      await app.close();
    }
  });

  test('a device that goes away: a toast says where the music went, the list follows', async () => {
    const app = await openApp(h, {
      mock: {
        prefs: { ...PREFS, sound: { output_device: 'USB DAC' } },
        soundDevices: [
          { name: 'Built-in Audio Analog Stereo', is_default: true },
          { name: 'USB DAC', is_default: false },
        ],
      },
    });
    try {
      await openSound(app);
      const device = app.page.locator(id('sound-device'));
      await eventually(async () => (await device.inputValue()) === 'USB DAC');
      // Unplugged: the system lists the default alone, and the player moved there.
      await app.page.evaluate(() => {
        window.__DUET_MOCK__.soundDevices = [
          { name: 'Built-in Audio Analog Stereo', is_default: true },
        ];
        return window.__duet.emit('player-device-lost', {
          action: 'move_to_default',
          lost: 'USB DAC',
          now_on: 'Built-in Audio Analog Stereo',
        });
      });
      const toast = app.page.locator(id('toast'), { hasText: 'USB DAC was disconnected' });
      await toast.waitFor();
      assert.equal(
        (await toast.innerText()).trim(),
        'USB DAC was disconnected: playing on Built-in Audio Analog Stereo',
      );
      // Still chosen (it plays there again once back), marked as not connected.
      await eventually(async () =>
        (await device.locator('option').allTextContents()).includes('USB DAC (not connected)'),
      );
      assert.equal(await device.inputValue(), 'USB DAC');
      await shot(app.page, 'sound-device-lost');

      // Set to pause instead: said so, without a device to name.
      await app.page.evaluate(() =>
        window.__duet.emit('player-device-lost', { action: 'pause', lost: null, now_on: null }),
      );
      await app.page
        .locator(id('toast'), { hasText: 'The audio device was disconnected: paused' })
        .waitFor();
      assert.equal(await app.count('prefs_set'), 0, 'nothing written by a device going away');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the crossfade is off by default and set in half seconds up to 10 s', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS } });
    try {
      await openSound(app);
      const value = app.page.locator(id('sound-crossfade-value'));
      assert.equal(await value.textContent(), 'Off (gapless)');
      const slider = app.page.locator(id('sound-crossfade'));
      assert.equal(await slider.getAttribute('max'), '10');
      await slider.fill('3.5');
      await eventually(async () => (await lastSound(app))?.crossfade_ms === 3500);
      assert.equal(await value.textContent(), '3.5 s');
      await slider.fill('0');
      await eventually(async () => (await lastSound(app))?.crossfade_ms === 0);
      assert.equal(await value.textContent(), 'Off (gapless)');
    } finally {
      await app.close();
    }
  });

  test('what to do when the device is unplugged: switch to the default, or pause', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS }, locale: 'zh-CN' });
    try {
      await openSound(app);
      const move = app.page.locator(id('device-lost-move_to_default'));
      const pause = app.page.locator(id('device-lost-pause'));
      assert.equal(await move.getAttribute('aria-checked'), 'true', 'the default');
      assert.equal(await move.textContent(), '切换到默认设备');
      await pause.click();
      await eventually(async () => (await lastSound(app))?.on_device_lost === 'pause');
      assert.equal(await pause.getAttribute('aria-checked'), 'true');
      assert.equal(await move.getAttribute('aria-checked'), 'false');
    } finally {
      await app.close();
    }
  });

  test('loudness normalisation is off by default and switched on and off', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS } });
    try {
      await openSound(app);
      const toggle = app.page.locator(id('sound-normalize'));
      assert.equal(await toggle.isChecked(), false);
      await toggle.check();
      await eventually(async () => (await lastSound(app))?.normalize === true);
      await toggle.uncheck();
      await eventually(async () => (await lastSound(app))?.normalize === false);
    } finally {
      await app.close();
    }
  });

  test('the equaliser: off by default, a preset sets its curve, a band moved makes it custom', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS } });
    try {
      await openSound(app);
      const enabled = app.page.locator(id('sound-eq-enabled'));
      const preset = app.page.locator(id('sound-eq-preset'));
      assert.equal(await enabled.isChecked(), false);
      assert.equal(await preset.inputValue(), 'flat');
      const bands = app.page.locator(`${id('sound-eq-bands')} input[type=range]`);
      assert.equal(await bands.count(), 10);
      assert.equal(await bands.first().getAttribute('aria-label'), '31 Hz');
      assert.equal(await bands.first().getAttribute('min'), '-12');
      assert.equal(await bands.first().getAttribute('max'), '12');

      await preset.selectOption('rock');
      await eventually(async () => (await lastSound(app))?.equalizer?.preset === 'rock');
      let eq = (await lastSound(app)).equalizer;
      assert.equal(eq.enabled, true, 'picking a preset switches it on');
      assert.deepEqual(eq.bands_db, [5, 4, 2.5, -1, -2, -1, 1.5, 3, 4, 4.5]);
      assert.equal(eq.preamp_db, -5, 'headroom for the largest boost');
      assert.equal(await enabled.isChecked(), true);
      assert.equal(await app.page.locator(id('sound-eq-preamp-value')).textContent(), '-5 dB');
      await shot(app.page, 'sound-equaliser');

      await app.page.locator(id('sound-eq-band-5')).fill('6');
      await eventually(async () => (await lastSound(app))?.equalizer?.preset === 'custom');
      eq = (await lastSound(app)).equalizer;
      assert.deepEqual(eq.bands_db, [5, 4, 2.5, -1, -2, 6, 1.5, 3, 4, 4.5], 'only that band');
      assert.equal(await preset.inputValue(), 'custom');

      await app.page.locator(id('sound-eq-preamp')).fill('-8');
      await eventually(async () => (await lastSound(app))?.equalizer?.preamp_db === -8);

      await enabled.uncheck();
      await eventually(async () => (await lastSound(app))?.equalizer?.enabled === false);
      eq = (await lastSound(app)).equalizer;
      assert.equal(eq.bands_db[5], 6, 'off keeps the curve for next time');
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test('the speed goes from 0.5× to 2× and the reset brings back 1×', async () => {
    const app = await openApp(h, { mock: { prefs: PREFS }, locale: 'zh-CN' });
    try {
      await openSound(app);
      const slider = app.page.locator(id('sound-speed'));
      const value = app.page.locator(id('sound-speed-value'));
      const reset = app.page.locator(id('sound-speed-reset'));
      assert.equal(await value.textContent(), '1×');
      assert.equal(await slider.getAttribute('min'), '0.5');
      assert.equal(await slider.getAttribute('max'), '2');
      assert.equal(await reset.isDisabled(), true, 'nothing to reset at 1×');
      assert.equal(await reset.getAttribute('aria-label'), '恢复正常速度');

      await slider.fill('1.25');
      await eventually(async () => (await lastSound(app))?.speed === 1.25);
      assert.equal(await value.textContent(), '1.25×');
      await reset.click();
      await eventually(async () => (await lastSound(app))?.speed === 1);
      assert.equal(await value.textContent(), '1×');
      assert.equal(await reset.isDisabled(), true);
    } finally {
      await app.close();
    }
  });

  test("a speed set elsewhere (the system's media controls) moves the slider", async () => {
    const app = await openApp(h, { mock: { prefs: PREFS } });
    try {
      await openSound(app);
      const value = app.page.locator(id('sound-speed-value'));
      assert.equal(await value.textContent(), '1×');
      await app.page.evaluate(() =>
        window.__duet.changePrefs((p) => ({ ...p, sound: { ...p.sound, speed: 1.5 } })),
      );
      await eventually(async () => (await value.textContent()) === '1.5×');
      assert.equal(await app.page.locator(id('sound-speed')).inputValue(), '1.5');
      assert.equal(await app.count('prefs_set'), 0, 'shown, not written back');
    } finally {
      await app.close();
    }
  });

  test('saved equaliser and speed are shown as saved', async () => {
    const equalizer = {
      enabled: true,
      preset: 'custom',
      bands_db: [0, 0, 0, 0, 0, 0, 0, 0, 0, -7.5],
      preamp_db: 0,
    };
    const app = await openApp(h, {
      mock: { prefs: { ...PREFS, sound: { equalizer, speed: 0.75 } } },
    });
    try {
      await openSound(app);
      await eventually(
        async () => (await app.page.locator(id('sound-speed-value')).textContent()) === '0.75×',
      );
      assert.equal(await app.page.locator(id('sound-eq-preset')).inputValue(), 'custom');
      assert.equal(await app.page.locator(id('sound-eq-band-9')).inputValue(), '-7.5');
      assert.equal(await app.page.locator(id('sound-eq-enabled')).isChecked(), true);
      assert.equal(await app.count('prefs_set'), 0, 'nothing written by looking');
    } finally {
      await app.close();
    }
  });

  test('between position reports, the lyrics move on at the playback speed', async () => {
    const app = await openApp(h, {
      mock: {
        playing: 'words',
        player: { status: 'playing' },
        prefs: { ...PREFS, sound: { speed: 2 } },
      },
    });
    const { page } = app;
    try {
      await page.waitForSelector(id('player-bar'));
      await page.locator(id('lyrics-button')).click();
      await page.waitForSelector(id('lyric-line'));
      const lines = await page.locator(id('lyric-line')).allInnerTexts();
      const idx = lines.findIndex((t) => t.includes('感受雪花绽放'));
      // 雪 is sung from 20,970 ms for 800 ms: from 21,000, 770 ms of the song are left of it.
      await app.emit('player-position', { position_ms: 21000, duration_ms: 240000 });
      await app.emit('lyric-line', { track_id: '1999999', index: idx });
      const took = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const word = () =>
              document.querySelectorAll(
                '[data-testid="lyric-line"][data-current="true"] [data-testid="lyric-word"]',
              )[2];
            let singingAt = null;
            const step = () => {
              const state = word()?.dataset.state;
              if (state === 'singing' && singingAt === null) singingAt = performance.now();
              if (state === 'sung' && singingAt !== null) resolve(performance.now() - singingAt);
              else requestAnimationFrame(step);
            };
            step();
          }),
      );
      // At 2×: about 385 ms of waiting (770 at 1×).
      assert.ok(took > 200 && took < 620, `${took} ms`);
    } finally {
      await app.close();
    }
  });

  test('a failed save says so', async () => {
    const app = await openApp(h, {
      mock: { prefs: PREFS, fail: { prefs_set: { kind: 'storage', message: 'disk full' } } },
    });
    try {
      await openSound(app);
      await app.page.locator(id('device-lost-pause')).click();
      await app.page.getByText('The sound settings could not be saved').waitFor();
    } finally {
      await app.close();
    }
  });
});
