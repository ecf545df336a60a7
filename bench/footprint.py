#!/usr/bin/env python3
"""Whole-process figures for the desktop app, each beside the same figure for an empty Tauri 2
window measured in the same run (see footprint.sh, which builds everything and provides Xvfb and
a private Secret Service):

- cold start: from asking tauri-driver for a session (which launches the app) to the QR code in
  the DOM (Duet) or the page's element (the empty window);
- memory (PSS, private, and anonymous, from /proc/PID/smaps_rollup) summed over the app and its
  WebKit processes: idle with the library open, after each 100 tracks of a 300-track queue
  played through on the null sink, 10 s after that (flat?), and with the audio cache and the
  listening record in use (ten tracks heard for 6 s each, then 100 again from the cache). PSS and private include the
  file-backed pages mapped (the binaries' and libraries' code, fonts): how many of those a
  process has mapped depends on what the page cache held, so they move by tens of MB between
  runs of the same build. Anonymous memory (heaps, JS, decoded images) is what the processes
  really allocate, and repeats within a MB.

With the library open, it also measures the desktop lyrics window: open (its web process
shared with the main window's, or not), and closed again.

Usage: footprint.py DUET_BIN EMPTY_BIN FAKE_URL [runs] [start]   ("start": the start times only)
       footprint.py lyrics DUET_BIN FAKE_URL    (the desktop lyrics window alone; any build)"""
import json, os, subprocess, sys, time, urllib.request, socket, signal

LYRICS_ONLY = sys.argv[1] == "lyrics"
if LYRICS_ONLY:
    DUET, EMPTY, FAKE = sys.argv[2], None, sys.argv[3]
else:
    DUET, EMPTY, FAKE = sys.argv[1], sys.argv[2], sys.argv[3]
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 and not LYRICS_ONLY else 3
START_ONLY = len(sys.argv) > 5 and sys.argv[5] == "start"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def request(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")

class Driver:
    def __init__(self):
        self.port = free_port()
        # Like for like: Duet turns WebKitGTK's accelerated compositing off by itself
        # (src-tauri/src/display.rs); the empty window gets the same setting from here, and Duet,
        # finding it set, leaves it as it is.
        env = dict(os.environ, DUET_UPSTREAM=FAKE, DUET_AUDIO_OUTPUT="null", RUST_LOG="warn",
                   WEBKIT_DISABLE_COMPOSITING_MODE="1")
        self.proc = subprocess.Popen(["tauri-driver", "--port", str(self.port), "--native-port", str(free_port())],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close(); break
            except OSError:
                time.sleep(0.05)
        self.base = f"http://127.0.0.1:{self.port}"

    def session(self, app):
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": app}}}}
        # tauri-driver listens before its WebKitWebDriver does: the first tries may be dropped.
        for attempt in range(20):
            try:
                return request("POST", self.base + "/session", caps)["value"]["sessionId"]
            except (ConnectionError, OSError):
                if attempt == 19:
                    raise
                time.sleep(0.25)

    def find(self, sid, css):
        try:
            r = request("POST", f"{self.base}/session/{sid}/elements", {"using": "css selector", "value": css})
            return r["value"]
        except Exception:
            return []

    def wait(self, sid, css, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.find(sid, css):
                return time.monotonic()
            time.sleep(0.02)
        raise SystemExit(f"timed out waiting for {css}")

    def script(self, sid, js, args=()):
        return request("POST", f"{self.base}/session/{sid}/execute/async", {"script": js, "args": list(args)})["value"]

    def close(self, sid):
        try: request("DELETE", f"{self.base}/session/{sid}")
        except Exception: pass

    def stop(self):
        self.proc.send_signal(signal.SIGTERM); self.proc.wait(10)

def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid == pid:
                    out.append(int(entry)); out.extend(children(int(entry)))
            except OSError:
                pass
    return out

def app_pid(binary):
    real = os.path.realpath(binary)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.path.realpath(f"/proc/{entry}/exe") == real:
                    return int(entry)
            except OSError:
                pass
    raise SystemExit(f"{binary} is not running")

def memory(binary):
    pid = app_pid(binary)
    pids = [pid] + children(pid)
    pss = private = anon = 0
    names = []
    per_process = {}
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                fields = dict((l.split(":")[0], int(l.split()[1])) for l in f if l.split()[-1] == "kB")
            with open(f"/proc/{p}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            continue
        own_private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
        pss += fields.get("Pss", 0)
        private += own_private
        anon += fields.get("Anonymous", 0)
        # Summed by name: a second web process shows as "count": 2.
        mine = per_process.setdefault(names[-1], {"pss_mb": 0.0, "private_mb": 0.0, "anon_mb": 0.0, "count": 0})
        mine["pss_mb"] = round(mine["pss_mb"] + fields.get("Pss", 0) / 1024, 1)
        mine["private_mb"] = round(mine["private_mb"] + own_private / 1024, 1)
        mine["anon_mb"] = round(mine["anon_mb"] + fields.get("Anonymous", 0) / 1024, 1)
        mine["count"] += 1
    return {"pss_mb": round(pss / 1024, 1), "private_mb": round(private / 1024, 1),
            "anon_mb": round(anon / 1024, 1), "processes": per_process}

INVOKE = "const [cmd, args, done] = arguments; window.__TAURI_INTERNALS__.invoke(cmd, args).then(v => done(v), e => done({error: e}));"

def web_processes(figures):
    return sum(p["count"] for name, p in figures["processes"].items() if name.startswith("WebKitWebProces"))

def lyrics_window(driver, sid):
    """Memory with the desktop lyrics window open and after it closed, beside the same moment
    without it (the library open, a track playing)."""
    out = {"before": memory(DUET)}
    driver.script(sid, INVOKE, ["desktop_lyrics_toggle", {}])
    time.sleep(6)
    out["open"] = memory(DUET)
    driver.script(sid, INVOKE, ["desktop_lyrics_toggle", {}])
    time.sleep(6)
    out["closed_again"] = memory(DUET)
    for figures in out.values():
        figures["web_processes"] = web_processes(figures)
    out["open_minus_before"] = {
        k: round(out["open"][k] - out["before"][k], 1) for k in ("pss_mb", "private_mb", "anon_mb")}
    return out

def lyrics_only():
    driver = Driver()
    try:
        sid = driver.session(DUET)
        driver.wait(sid, '[data-testid="library-screen"]', 90)
        driver.wait(sid, '[data-testid="playlist-card"]', 30)
        playlist = driver.script(sid, INVOKE, ["playlist", {"provider": "netease", "id": "9000000100"}])
        driver.script(sid, INVOKE, ["player_play", {"tracks": playlist["tracks"], "startIndex": 0}])
        time.sleep(8)
        result = lyrics_window(driver, sid)
        driver.close(sid)
    finally:
        driver.stop()
    print(json.dumps(result, indent=2, ensure_ascii=False))

def main():
    driver = Driver()
    results = {"empty": {"start_s": []}, "duet": {"start_s": []}}
    try:
        for run in range(RUNS):
            for name, binary, ready in (("empty", EMPTY, "#ready"), ("duet", DUET, '[data-testid="qr-image-netease"]')):
                t0 = time.monotonic()
                sid = driver.session(binary)
                results[name]["start_s"].append(round(driver.wait(sid, ready) - t0, 3))
                last = run == RUNS - 1 and not START_ONLY
                if last and name == "empty":
                    time.sleep(5)
                    results["empty"]["idle"] = memory(EMPTY)
                if last and name == "duet":
                    results["duet"]["login_screen"] = memory(DUET)
                    # The fake runs in demo mode: the QR confirms itself; wait for the library.
                    driver.wait(sid, '[data-testid="library-screen"]', 60)
                    driver.wait(sid, '[data-testid="playlist-card"]', 30)
                    time.sleep(5)
                    results["duet"]["idle"] = memory(DUET)
                    results["duet"]["lyrics_window"] = lyrics_window(driver, sid)
                    playlist = driver.script(sid, INVOKE, ["playlist", {"provider": "netease", "id": "9000000300"}])
                    tracks = playlist["tracks"]
                    driver.script(sid, INVOKE, ["player_play", {"tracks": tracks, "startIndex": 0}])
                    for played in range(1, len(tracks)):
                        time.sleep(0.4)
                        driver.script(sid, INVOKE, ["player_next", {}])
                        if played % 100 == 0:
                            results["duet"][f"after_{played}_tracks"] = memory(DUET)
                    time.sleep(2)
                    results["duet"]["after_queue"] = memory(DUET)
                    time.sleep(10)
                    results["duet"]["after_queue_10s"] = memory(DUET)
                    results["duet"]["queue_tracks"] = len(tracks)
                    # The audio cache and the listening record in use: ten tracks heard for 6 s
                    # each (a play counts from 5 s), then the first 100 again, now from the cache.
                    driver.script(sid, INVOKE, ["player_play", {"tracks": tracks, "startIndex": 0}])
                    for _ in range(10):
                        time.sleep(6)
                        driver.script(sid, INVOKE, ["player_next", {}])
                    results["duet"]["after_10_plays_heard"] = memory(DUET)
                    driver.script(sid, INVOKE, ["player_play", {"tracks": tracks, "startIndex": 0}])
                    for _ in range(1, 100):
                        time.sleep(0.4)
                        driver.script(sid, INVOKE, ["player_next", {}])
                    time.sleep(2)
                    results["duet"]["after_100_from_cache"] = memory(DUET)
                    storage = driver.script(sid, INVOKE, ["storage_status", {}])
                    results["duet"]["cache_tracks"] = storage["cache_tracks"]
                    results["duet"]["cache_mb"] = round(storage["cache_bytes"] / 1e6, 1)
                    heard = driver.script(sid, INVOKE, ["listening_summary", {
                        "period": "today", "service": None, "utcOffsetMinutes": 0}])
                    results["duet"]["plays_recorded"] = heard["totals"]["all_time"]["plays"]
                driver.close(sid)
                time.sleep(1)
    finally:
        driver.stop()
    for r in results.values():
        r["start_median_s"] = sorted(r["start_s"])[len(r["start_s"]) // 2]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    summary(results)

def summary(results):
    """The memory rows of the README's table, on stderr: PSS / private / anonymous MB."""
    row = lambda m: f"{m['pss_mb']:.0f} / {m['private_mb']:.0f} / {m['anon_mb']:.0f}"
    empty, duet = results["empty"], results["duet"]
    if "idle" not in duet:
        return
    print(f"idle: empty {row(empty['idle'])}, Duet {row(duet['idle'])}, "
          f"ratio {duet['idle']['pss_mb'] / empty['idle']['pss_mb']:.2f} / "
          f"{duet['idle']['private_mb'] / empty['idle']['private_mb']:.2f} / "
          f"{duet['idle']['anon_mb'] / empty['idle']['anon_mb']:.2f}", file=sys.stderr)
    for key in [k for k in duet if k.startswith("after_")]:
        print(f"{key}: Duet {row(duet[key])}", file=sys.stderr)
    if "cache_tracks" in duet:
        print(f"cache: {duet['cache_tracks']} tracks, {duet['cache_mb']} MB; "
              f"plays recorded: {duet['plays_recorded']}", file=sys.stderr)
    lyrics = duet.get("lyrics_window", {}).get("open_minus_before")
    if lyrics:
        print(f"lyrics window open: {lyrics}", file=sys.stderr)

lyrics_only() if LYRICS_ONLY else main()
