// Builds ui/dist when any input is newer than it, and bundles the fake backend (tests/mock) with
// the real @tauri-apps/api/mocks into one IIFE that the tests inject with addInitScript.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

const distIndex = join(ui, 'dist', 'index.html');
const inputs = [
  'src',
  'public',
  'index.html',
  'lyrics.html',
  'mini.html',
  'vite.config.ts',
  'svelte.config.js',
  'package-lock.json',
];
const srcTime = Math.max(...inputs.map((p) => newest(join(ui, p))));
if (
  !existsSync(distIndex) ||
  statSync(distIndex).mtimeMs < srcTime ||
  process.env.DUET_UI_REBUILD
) {
  console.log('# building ui/dist');
  await build({ root: ui, logLevel: 'warn' });
} else {
  console.log('# ui/dist is up to date');
}

const mockOut = join(ui, 'tests', '.build', 'mock.js');
const fixtures = join(ui, '..', 'testdata', 'fixtures');
const mockTime = Math.max(
  newest(join(ui, 'tests', 'mock')),
  newest(join(ui, 'src', 'lib', 'bindings.ts')),
  newest(join(fixtures, 'netease')),
  newest(join(fixtures, 'qqmusic')),
  newest(join(ui, 'package-lock.json')),
);
if (!existsSync(mockOut) || statSync(mockOut).mtimeMs < mockTime) {
  console.log('# bundling the mock backend');
  await build({
    root: ui,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: join(ui, 'tests', '.build'),
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: join(ui, 'tests', 'mock', 'backend.ts'),
        formats: ['iife'],
        name: 'DuetMock',
        fileName: () => 'mock.js',
      },
    },
  });
}
