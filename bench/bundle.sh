#!/usr/bin/env bash
# Builds Duet's release .deb (`./dev bundle deb`) and prints its size, for the README's
# performance table.
# Usage: bench/bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
./dev bundle deb
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)
echo "deb: $deb: $(du -k "$deb" | cut -f1) KiB"
