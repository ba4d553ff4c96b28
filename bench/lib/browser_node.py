"""Runs bench/browser.mjs (headless chromium through playwright-core), pinned to --browser-cpus, and
reads the JSON it prints: `show` and `floor` to the end, `latency` started and finished apart."""
import json
import os
import subprocess
import time

from lib import context as ctx
from lib.context import HERE
from lib.processes import pin


def node_cmd(*args, cpus=None):
    return pin(cpus or ctx.A.browser_cpus or ctx.A.loadgen_cpus) + ["node", str(HERE / "browser.mjs"), *map(str, args)]


ALL_CPUS = f"0-{(os.cpu_count() or 1) - 1}"


def run_node(*args, timeout=600, cpus=None):
    cp = subprocess.run(node_cmd(*args, cpus=cpus), capture_output=True, text=True, timeout=timeout)
    (ctx.OUT / "browser").mkdir(exist_ok=True)
    (ctx.OUT / "browser" / f"{args[0]}-{args[1]}-{int(time.time())}.txt").write_text(cp.stdout + cp.stderr)
    lines = [l for l in cp.stdout.splitlines() if l.startswith("{")]
    if cp.returncode != 0 or not lines:
        raise RuntimeError(f"browser.mjs {args[:2]} failed: {cp.stderr[-2000:]}")
    return json.loads(lines[-1])


def start_node_latency(kind, url, seconds):
    p = subprocess.Popen(node_cmd("latency", kind, url, seconds), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    return p


def wait_ready(p, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        if line.startswith("READY"):
            return
    raise RuntimeError("browser.mjs did not get ready: " + p.stderr.read()[-2000:])


def finish_node(p, tag, timeout):
    out, err = p.communicate(timeout=timeout)
    (ctx.OUT / "browser").mkdir(exist_ok=True)
    (ctx.OUT / "browser" / f"latency-{tag}.txt").write_text(out + err)
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"browser.mjs latency {tag} failed: {err[-2000:]}")
    return json.loads(lines[-1])
