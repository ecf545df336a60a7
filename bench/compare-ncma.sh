#!/usr/bin/env bash
# Side-by-side crypto throughput: Duet (Rust, crates/duet-netease) vs the npm
# package NeteaseCloudMusicApi (its own util/crypto.js), same request bodies,
# one core each.
#
# Usage: bench/compare-ncma.sh [N]      (N iterations per cipher, default 20000)
# Needs: node + npm (npm registry), cargo. Honours CARGO_TARGET_DIR.
set -euo pipefail

N="${1:-20000}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NCMA_DIR="$ROOT/bench/ncma-compare"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if [[ ! -d "$NCMA_DIR/node_modules/NeteaseCloudMusicApi" ]]; then
  echo "installing NeteaseCloudMusicApi into $NCMA_DIR/node_modules ..." >&2
  if [[ -f "$NCMA_DIR/package-lock.json" ]]; then
    (cd "$NCMA_DIR" && npm ci --no-audit --no-fund >&2)
  else
    (cd "$NCMA_DIR" && npm install --no-audit --no-fund >&2)
  fi
fi

echo "building examples/crypto_throughput (release) ..." >&2
(cd "$ROOT" && cargo build --release -p duet-netease --example crypto_throughput >&2)
RUST_BIN="$TARGET_DIR/release/examples/crypto_throughput"

PIN=()
if command -v taskset >/dev/null 2>&1; then
  PIN=(taskset -c 0)
fi

echo "running Duet (Rust) ..." >&2
duet_json="$("${PIN[@]}" "$RUST_BIN" "$N")"
echo "running NeteaseCloudMusicApi (node $(node --version)) ..." >&2
ncma_json="$(cd "$NCMA_DIR" && "${PIN[@]}" node ncma.js "$N")"

cpu_model="$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
pinned="no"
if ((${#PIN[@]})); then pinned="yes (taskset -c 0)"; fi

DUET_JSON="$duet_json" NCMA_JSON="$ncma_json" CPU_MODEL="${cpu_model:-unknown}" \
NPROC="$(nproc)" PINNED="$pinned" N="$N" node -e '
const d = JSON.parse(process.env.DUET_JSON)
const m = JSON.parse(process.env.NCMA_JSON)
const fmt = (x) => Math.round(x).toLocaleString("en-US").padStart(12)
const ratio = (a, b) => (a / b).toFixed(1).padStart(8) + "x"
console.log(`machine: ${process.env.NPROC} cores, CPU: ${process.env.CPU_MODEL}; pinned to one core: ${process.env.PINNED}`)
console.log(`node ${process.version}, NeteaseCloudMusicApi ${m.ncma_version}; N = ${process.env.N} per cipher`)
console.log("")
console.log("| cipher | Duet ops/s   | NCMA ops/s   | Duet/NCMA |")
console.log("|--------|--------------|--------------|-----------|")
console.log(`| eapi   | ${fmt(d.eapi_per_s)} | ${fmt(m.eapi_per_s)} | ${ratio(d.eapi_per_s, m.eapi_per_s)} |`)
console.log(`| weapi  | ${fmt(d.weapi_per_s)} | ${fmt(m.weapi_per_s)} | ${ratio(d.weapi_per_s, m.weapi_per_s)} |`)
'
