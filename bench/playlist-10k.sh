#!/usr/bin/env bash
# Whole-process figures for duet-server returning a 10,000-track NetEase playlist from the fake
# upstream: wall time per request (hyperfine) and duet-server's peak memory (/usr/bin/time -v).
# Usage: bench/playlist-10k.sh [runs]   (needs hyperfine and GNU time: apt-get install hyperfine time)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
target=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -q -p duet-server -p duet-fake-upstream
bin=$target/release
work=$(mktemp -d)
cleanup() { kill "${fake_pid:-}" "${server_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin/duet-fake-upstream" --listen 127.0.0.1:0 >"$work/fake.out" 2>/dev/null &
fake_pid=$!
until grep -q listening "$work/fake.out" 2>/dev/null; do sleep 0.05; done
fake_url=$(sed -n 's/.*listening on //p' "$work/fake.out")

DUET_UPSTREAM=$fake_url RUST_LOG=warn /usr/bin/time -v -o "$work/time.txt" \
  "$bin/duet-server" --listen 127.0.0.1:0 --no-keychain >"$work/server.out" 2>/dev/null &
server_pid=$!
until grep -q listening "$work/server.out" 2>/dev/null; do sleep 0.05; done
server_url=$(sed -n 's/.*listening on //p' "$work/server.out")
url="$server_url/v1/netease/playlists/9000010000"

tracks=$(curl -sf "$url" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tracks"]))')
[ "$tracks" = 10000 ] || { echo "expected 10000 tracks, got $tracks" >&2; exit 1; }
bytes=$(curl -sf "$url" | wc -c)
idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$(pgrep -P "$server_pid" duet-server || echo "$server_pid")/status" 2>/dev/null || echo "?")

hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$work/hyperfine.json" \
  "curl -sf -o /dev/null $url" >"$work/hyperfine.txt"
mean_ms=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f ± %.1f" % (r["mean"]*1000, r["stddev"]*1000))' "$work/hyperfine.json")

kill -INT "$(pgrep -P "$server_pid" duet-server || echo "$server_pid")"
wait "$server_pid" || true
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")

cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
echo "machine: $(nproc) cores, $cpu, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "10,000-track playlist: $bytes bytes of JSON, 10 song/detail batches against the fake"
echo "duet-server: ${mean_ms} ms per request (hyperfine, $runs runs, after 2 warm-ups)"
echo "duet-server: RSS ${idle_rss} KiB after the first request, peak RSS ${peak_kb} KiB over all runs"
