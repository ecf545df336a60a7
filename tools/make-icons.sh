#!/usr/bin/env bash
# Writes every icon Duet ships from its one source image, icons/source.svg (1024 px): the PNG
# sizes of the window and of Linux's icon theme, icon.ico (Windows, 16–256 px) and icon.icns
# (macOS, 16–1024 px). The Tauri CLI's `icon` command draws them (offline, with resvg); its
# mobile and Windows Store sets are left out, Duet ships neither. The files are checked in: run
# this after changing the source (a test draws them again in a folder of its own and compares).
# Usage: tools/make-icons.sh [DIR]      (DIR: where to write them; icons/ by default)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-icons}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! log=$(node ui/node_modules/@tauri-apps/cli/tauri.js icon "$PWD/icons/source.svg" --output "$out" 2>&1); then
  echo "$log" >&2
  exit 1
fi
for f in 32x32.png 64x64.png 128x128.png icon.png icon.ico icon.icns; do
  cp "$out/$f" "$dest/$f"
done
# Named by its size, so that Linux packages put it in hicolor/256x256 (the CLI's name,
# 128x128@2x.png, lands in a 256x256@2 folder meant for 512 px images).
cp "$out/128x128@2x.png" "$dest/256x256.png"
echo "icons written to $dest/ from icons/source.svg"
