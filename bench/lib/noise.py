"""The noise of a shared 2-core machine: waiting for it to be quiet before a part or rep (`settle`),
and a watcher that records which foreign processes (builds, tests, browsers) ran meanwhile."""
import os
import threading
import time

from lib import context as ctx


def cpu_busy(interval=1.0):
    """The machine's busy share (both cores) over `interval` seconds, from /proc/stat."""
    def snap():
        v = list(map(int, open("/proc/stat").readline().split()[1:]))
        return sum(v), v[3] + v[4]  # total, idle + iowait
    t0, i0 = snap()
    time.sleep(interval)
    t1, i1 = snap()
    return 1 - (i1 - i0) / max(1, t1 - t0)


SETTLE = {"waited_s": 0.0, "gave_up": 0, "calls": 0}


def settle(max_s=None):
    """Waits (at most max_s, default --settle) until the machine is quiet, i.e. under 10 % busy
    for 1 s in a row while nothing of ours works: another engineer's build in the same tree would
    otherwise share CPU 0 with the server under test."""
    max_s = ctx.A.settle if max_s is None else min(max_s, ctx.A.settle)
    max_s = min(max_s, ctx.A.settle_total - SETTLE["waited_s"])  # a bound on the whole run's waiting
    if max_s <= 0:
        return
    SETTLE["calls"] += 1
    t0, quiet = time.time(), 0
    while time.time() - t0 < max_s:
        quiet = quiet + 1 if cpu_busy(0.5) < 0.10 else 0
        if quiet >= 2:
            break
    else:
        SETTLE["gave_up"] += 1
    SETTLE["waited_s"] += time.time() - t0 - 1


BUSY_NAMES = ("rustc", "cargo", "clippy-driver", "cargo-leptos", "wasm-opt", "wasm-bindgen", "cc1", "ld", "lld",
              "chromium", "node", "wrk", "python3", "python", "uvicorn", "livesmoke", "mariadb")


def ours(pid):
    """Whether `pid` is this driver or one of its descendants."""
    me = os.getpid()
    for _ in range(64):
        if pid == me:
            return True
        if pid <= 1:
            return False
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


class NoiseWatcher(threading.Thread):
    """Every 2 s: is anything else busy on the machine (a build, tests, a browser that is not ours)?
    Processes started by this bench are not counted. Counted per part."""

    def __init__(self):
        super().__init__(daemon=True)
        self.part, self.samples, self.stop_ev = "setup", {}, threading.Event()

    def run(self):
        while not self.stop_ev.wait(2.0):
            busy, mine = set(), set()
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        name = open(f"/proc/{d}/comm").read().strip()
                    except OSError:
                        continue
                    if name in BUSY_NAMES:
                        (mine if ours(int(d)) else busy).add(name)
            # a browser of ours leaves helpers re-parented to init (crashpad): not foreign
            busy -= mine & {"chromium"}
            tot, hit, names = self.samples.get(self.part, (0, 0, set()))
            self.samples[self.part] = (tot + 1, hit + (1 if busy else 0), names | busy)

    def report(self):
        return {k: {"samples": t, "with_compiler": h, "names": sorted(n)} for k, (t, h, n) in self.samples.items()}
