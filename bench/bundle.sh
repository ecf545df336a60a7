#!/usr/bin/env bash
# Builds Duet's .deb with the Tauri CLI (npm package @tauri-apps/cli, prebuilt) and prints its
# size. The CLI wants tauri.conf.json beside the app crate's Cargo.toml; ours sits at the top of
# the repository (where the product card asks for it), so the CLI gets a symlink to it in
# src-tauri/ for the length of this script, and the icons as absolute paths.
# Usage: bench/bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
./dev setup
(cd ui && npm run build --silent)
cargo build --release -q -p duet-app
ln -sf ../tauri.conf.json src-tauri/tauri.conf.json
trap 'rm -f "$root/src-tauri/tauri.conf.json"' EXIT
icons=$(printf '"%s/icons/%s",' "$root" 32x32.png 128x128.png 128x128@2x.png icon.png)
(cd src-tauri && npm exec --yes --package=@tauri-apps/cli@2.12.5 -- \
  tauri bundle --bundles deb --config "{\"bundle\":{\"icon\":[${icons%,}]}}")
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)
echo "deb: $deb: $(du -k "$deb" | cut -f1) KiB"
