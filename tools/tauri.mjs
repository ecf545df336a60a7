#!/usr/bin/env node
// Runs the Tauri CLI (ui/package.json pins @tauri-apps/cli) on Duet, on any system:
//   node tools/tauri.mjs bundle --bundles deb,rpm      node tools/tauri.mjs build   (CI)
//
// The CLI wants tauri.conf.json beside the app crate's Cargo.toml and reads the paths in it
// relative to that folder; Duet's sits at the top of the repository (tauri-build and
// generate_context! read it there, relative to the top). So for the length of the command the
// CLI gets src-tauri/tauri.conf.json: the same config with its paths rebased onto src-tauri/
// (.gitignore lists it). Nothing is merged into the build through --config, so `tauri build`
// compiles exactly what `cargo build -p duet-app` compiles.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = join(root, 'src-tauri');
const cli = join(root, 'ui', 'node_modules', '@tauri-apps', 'cli', 'tauri.js');
const placed = join(appDir, 'tauri.conf.json');

// Every field of tauri.conf.json that holds a path relative to the file (a test in
// src-tauri/tests/bundle.rs finds any path in the config that is missing here).
const PATH_FIELDS = [
  ['build', 'frontendDist'],
  ['bundle', 'icon'],
  ['bundle', 'linux', 'deb', 'desktopTemplate'],
  ['bundle', 'linux', 'rpm', 'desktopTemplate'],
];

function rebased(config) {
  const copy = structuredClone(config);
  for (const field of PATH_FIELDS) {
    const parent = field.slice(0, -1).reduce((node, key) => node?.[key], copy);
    const key = field.at(-1);
    if (parent?.[key] === undefined) continue;
    // URLs and absolute paths stay as they are.
    const onto = (path) => (/^[a-z][a-z0-9+.-]*:/i.test(path) || isAbsolute(path) ? path : `../${path}`);
    parent[key] = Array.isArray(parent[key]) ? parent[key].map(onto) : onto(parent[key]);
  }
  return copy;
}

if (!existsSync(cli)) {
  console.error('the Tauri CLI is not installed: run `npm ci` in ui/ (./dev setup does)');
  process.exit(1);
}
const config = JSON.parse(readFileSync(join(root, 'tauri.conf.json'), 'utf8'));
writeFileSync(placed, `${JSON.stringify(rebased(config), null, 2)}\n`);
const removePlaced = () => rmSync(placed, { force: true });
process.on('exit', removePlaced);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

const run = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  cwd: appDir,
  stdio: 'inherit',
});
if (run.error) throw run.error;
process.exitCode = run.status ?? 1;
