#!/usr/bin/env bash
# Side-by-side zzc sign throughput: Duet (Rust, crates/duet-qqmusic) vs the PyPI package
# qqmusic-api-python (its own qqmusic_api.algorithms.zzc_sign), same request bodies, one
# core each. Aborts unless both produce the same sign for every body.
#
# Bodies: the 13 zzc payloads of testdata/vectors/qqmusic.json plus a ~600-byte logged-in
# search + lyric musics.fcg body (docs/protocol/qqmusic.md §8). Each is signed N times by each side.
#
# Usage: bench/compare-qqmusic-sign.sh [N]     (N passes over the bodies, default 20000)
# Needs: python3 (venv + pip, PyPI), cargo. Honours CARGO_TARGET_DIR and TMPDIR.
set -euo pipefail

N="${1:-20000}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${TMPDIR:-/tmp}/duet-bench-venv"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/duet-qq-sign.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "creating venv $VENV ..." >&2
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import qqmusic_api.algorithms' 2>/dev/null; then
  echo "installing qqmusic-api-python into $VENV ..." >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check qqmusic-api-python >&2
fi

echo "building examples/sign_throughput (release) ..." >&2
(cd "$ROOT" && cargo build --release -p duet-qqmusic --example sign_throughput >&2)
RUST_BIN="$TARGET_DIR/release/examples/sign_throughput"

# One JSON string per line: the vector payloads, then the large body (also alone in big.jsonl).
VECTORS="$ROOT/testdata/vectors/qqmusic.json" WORK="$WORK" "$VENV/bin/python" - <<'PY'
import json, os
vectors = json.load(open(os.environ["VECTORS"], encoding="utf-8"))
bodies = [v["payload"] for v in vectors["sign"]["zzc"]]
g_tk = vectors["g_tk_context"]["its_g_tk"]
big = json.dumps({
    "comm": {"ct": 24, "cv": 4747474, "platform": "yqq.json", "chid": "0", "uin": 1152921504,
             "g_tk": g_tk, "g_tk_new_20200303": g_tk, "format": "json", "inCharset": "utf-8",
             "outCharset": "utf-8", "notice": 0, "needNewCode": 1},
    "req_0": {"module": "music.search.SearchCgiService", "method": "DoSearchForQQMusicDesktop",
              "param": {"query": "周杰伦 晴天", "search_type": 0, "page_num": 1, "num_per_page": 10,
                        "grp": 1, "highlight": 1}},
    "req_1": {"module": "music.musichallSong.PlayLyricInfo", "method": "GetPlayLyricInfo",
              "param": {"songMID": "0039MnYb0qxYhV", "songID": 97773, "crypt": 1, "trans": 1,
                        "roma": 1, "qrc": 1, "type": -1, "ct": 19, "cv": 1873}},
}, ensure_ascii=False, separators=(",", ":"))
bodies.append(big)
line = lambda body: json.dumps(body, ensure_ascii=False) + "\n"
open(os.path.join(os.environ["WORK"], "all.jsonl"), "w", encoding="utf-8").write("".join(map(line, bodies)))
open(os.path.join(os.environ["WORK"], "big.jsonl"), "w", encoding="utf-8").write(line(big))
PY

cat > "$WORK/qqmusic_api_sign.py" <<'PY'
import gc, json, sys, time
from importlib.metadata import version
from qqmusic_api.algorithms import zzc_sign

path, iterations = sys.argv[1], int(sys.argv[2])
payloads = [json.loads(line).encode("utf-8") for line in open(path, encoding="utf-8") if line.strip()]
signs = [zzc_sign(p) for p in payloads]
for _ in range(max(1, iterations // 20)):  # warm-up
    for p in payloads:
        zzc_sign(p)
gc.disable()
started = time.perf_counter_ns()
for _ in range(iterations):
    for p in payloads:
        zzc_sign(p)
elapsed = time.perf_counter_ns() - started
print(json.dumps({"ns_per_sign": elapsed / (iterations * len(payloads)), "signs": signs,
                  "package_version": version("qqmusic-api-python"),
                  "python": sys.version.split()[0]}))
PY

PIN=()
if command -v taskset >/dev/null 2>&1; then
  PIN=(taskset -c 0)
fi

declare -A RESULTS
for set in all big; do
  echo "signing $set bodies: Duet (Rust) ..." >&2
  RESULTS[rust_$set]="$("${PIN[@]}" "$RUST_BIN" "$WORK/$set.jsonl" "$N")"
  echo "signing $set bodies: qqmusic-api-python ..." >&2
  RESULTS[py_$set]="$("${PIN[@]}" "$VENV/bin/python" "$WORK/qqmusic_api_sign.py" "$WORK/$set.jsonl" "$N")"
done

cpu_model="$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
pinned="no"
if ((${#PIN[@]})); then pinned="yes (taskset -c 0)"; fi

RUST_ALL="${RESULTS[rust_all]}" PY_ALL="${RESULTS[py_all]}" RUST_BIG="${RESULTS[rust_big]}" \
PY_BIG="${RESULTS[py_big]}" BODIES="$WORK/all.jsonl" CPU_MODEL="${cpu_model:-unknown}" \
NPROC="$(nproc)" PINNED="$pinned" N="$N" RUSTC="$(rustc --version)" "$VENV/bin/python" - <<'PY'
import json, os, sys
env = os.environ
rust_all, py_all = json.loads(env["RUST_ALL"]), json.loads(env["PY_ALL"])
rust_big, py_big = json.loads(env["RUST_BIG"]), json.loads(env["PY_BIG"])
bodies = [json.loads(l) for l in open(env["BODIES"], encoding="utf-8") if l.strip()]
for name, rust, py in (("all", rust_all, py_all), ("big", rust_big, py_big)):
    if rust["signs"] != py["signs"]:
        for i, (r, p) in enumerate(zip(rust["signs"], py["signs"])):
            if r != p:
                print(f"MISMATCH ({name} body {i}): Duet {r} vs qqmusic-api-python {p}", file=sys.stderr)
        sys.exit("signs differ between Duet and qqmusic-api-python; not comparing speed")
sizes = [len(b.encode("utf-8")) for b in bodies]
print(f"machine: {env['NPROC']} cores, CPU: {env['CPU_MODEL']}; pinned to one core: {env['PINNED']}")
print(f"Python {py_all['python']}, qqmusic-api-python {py_all['package_version']}; {env['RUSTC']}")
print(f"N = {env['N']} passes; all {len(bodies)} signs identical on both sides")
print("")
print("| bodies                                  | Duet ns/sign | Python ns/sign | Duet speed-up |")
print("|-----------------------------------------|--------------|----------------|---------------|")
rows = ((f"{len(bodies)} bodies, {min(sizes)}-{max(sizes)} B (mean {sum(sizes) // len(sizes)} B)", rust_all, py_all),
        (f"the {sizes[-1]} B search+lyric body alone", rust_big, py_big))
for label, rust, py in rows:
    r, p = rust["ns_per_sign"], py["ns_per_sign"]
    print(f"| {label:<39} | {r:>12,.0f} | {p:>14,.0f} | {p / r:>12.1f}x |")
PY
