#!/usr/bin/env bash
# Whole-process figures for Duet beside an empty Tauri 2 window, measured in one run:
# cold start to the QR code, memory idle and through a 300-track queue, and the .deb's size.
# Usage: bench/footprint.sh [runs] [start]    (Linux; needs what ./dev test installs, plus
# tauri-driver; "start" measures the start times alone)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
target=${CARGO_TARGET_DIR:-$PWD/target}
export CARGO_TARGET_DIR=$target
./dev setup test
(cd ui && npm run build --silent)
cargo build --release -q -p duet-app -p duet-fake-upstream
cargo build --release -q --manifest-path bench/empty-window/Cargo.toml
bin=$target/release
work=$(mktemp -d)
trap 'kill ${fake_pid:-} 2>/dev/null; rm -rf "$work"' EXIT
"$bin/duet-fake-upstream" --listen 127.0.0.1:0 --demo >"$work/fake.out" 2>/dev/null &
fake_pid=$!
until grep -q listening "$work/fake.out" 2>/dev/null; do sleep 0.05; done
fake_url=$(sed -n 's/.*listening on //p' "$work/fake.out")

# A private display and Secret Service, as in the tests.
home=$(mktemp -d)
HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" \
  xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- bash -c '
    echo -n duet | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    python3 bench/footprint.py "$@"' _ "$bin/duet" "$bin/empty-window" "$fake_url" "$runs" ${2:-} | tee "$work/result.json"

echo
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), WebKitGTK $(pkg-config --modversion webkit2gtk-4.1)"
deb=$(ls -t "$target"/release/bundle/deb/*.deb 2>/dev/null | head -1 || true)
if [ -n "$deb" ]; then echo "deb: $(basename "$deb") $(du -k "$deb" | cut -f1) KiB"; else echo "deb: not built (bench/bundle.sh builds it)"; fi
