#!/usr/bin/env python3
"""livesmoke vs the seed-fastapi peer: every figure measured in the same run, same machine.

Started by bench/run.sh (which sets up the peer's venv, builds ours and pins this driver to
CPU 1). Servers and in-process producers run on CPU 0 (taskset), wrk and the browser on CPU 1.
Loopback only. Every loop is bounded; every process started here is ended by its PID.

Parts (see bench/README.md):
  a  producer: lines/s of 1e5 and 1e6 in-process log calls, RSS growth
  b  reads: GET under wrk at 1/50/500 connections, 10 and 500 lines per request
  c  memory: server RSS after 1e6 and 1e7 lines produced and not read; first/middle/last readable
  d  stall: latency of one read issued 100 ms into a 1e6-line burst
  e  SQL setup: the peer's /smoke workload (1,002 statements) on SQLite and MariaDB + mariadb CLI
  f  browser: 1e5 lines to show in headless chromium: lines/s, busy share, longest freeze, heap
  g  producer -> pixel latency at 500 ms polling, p50/p95
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

A_CONNS = [1, 50, 500]
HOST = "127.0.0.1"  # loopback only; deliberately not configurable
HERE = Path(__file__).resolve().parent
A = None  # parsed arguments
OUT = None  # this run's output folder
PY = sys.executable  # the peer venv's python (run.sh starts us with it)


def log(msg):
    print(msg, flush=True)


# ----------------------------------------------------------------------------- utils
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pct(xs, p):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def pin(cpus):
    return ["taskset", "-c", cpus] if cpus else []


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0]) / 1024  # MiB
    return out


CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime, all threads


def port_free(port):
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((HOST, port)) != 0


def request(port, method, path, body=None, form=None, timeout=120, raw=False):
    url = f"http://{HOST}:{port}{path}"
    data, headers = None, {}
    if body is not None:
        data, headers["content-type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["content-type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        b = r.read()
        return b if raw else json.loads(b)


def timed_get(port, path, timeout=600):
    """One GET on an already-open connection: the time from sending to the last byte."""
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    c.connect()
    t0 = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    c.close()
    return ms, r.status, body


class Server:
    """A server process pinned to --server-cpus, ended by its PID."""

    def __init__(self, name, cmd, port, ready_path, env=None, cwd=None):
        if not port_free(port):
            sys.exit(f"port {port} on {HOST} is in use: pick another with --peer-port/--our-port")
        self.name, self.port = name, port
        self.logf = open(OUT / f"server-{name}.log", "w")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.p = subprocess.Popen(pin(A.server_cpus) + cmd, cwd=cwd or OUT, env=full_env,
                                  stdout=self.logf, stderr=self.logf)
        self.pid = self.p.pid  # taskset execs the server: same PID
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.p.poll() is not None:
                self.logf.close()
                sys.exit(f"server {name} exited early: see {OUT}/server-{name}.log")
            try:
                request(port, "GET", ready_path, timeout=2, raw=True)
                return
            except Exception:
                time.sleep(0.05)
        self.stop()
        sys.exit(f"server {name} not ready in 30 s")

    def rss(self):
        return proc_status(self.pid)

    def cpu(self):
        return proc_cpu_s(self.pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)  # ours shuts down gracefully on Ctrl-C; uvicorn too
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=5)
        self.logf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def peer_server(name, dsn=None):
    # Exactly the peer README's command line, with --app-dir instead of cd (its folder is read-only:
    # no bytecode is written there, and its SQLite file is redirected here).
    cmd = [PY, "-B", "-m", "uvicorn", "app:app", "--app-dir", str(A.peer), "--host", HOST,
           "--port", str(A.peer_port), "--loop", "uvloop", "--http", "httptools",
           "--no-access-log", "--log-level", "warning"]
    env = {"PYTHONDONTWRITEBYTECODE": "1",
           "MYSQL_DSN": dsn or f"sqlite:///{OUT}/peer-smoke.sqlite3"}
    return Server(f"peer-{name}", cmd, A.peer_port, "/real-time?count=0", env=env)


SUITES = None  # our server's suites folder (generated files)
SITE = None  # a copy of our target/site (see prepare_site)


def prepare_site():
    """Copies target/site here. The hydration script's wasm name is fixed when the `leptos` crate is
    compiled (`option_env!("LEPTOS_OUTPUT_NAME")`: `livesmoke.wasm` when cargo-leptos compiled it,
    `livesmoke_bg.wasm` when a plain cargo build did first; cargo does not rebuild registry crates when
    that variable changes). Serving both names makes the page hydrate either way."""
    global SITE
    SITE = OUT / "site"
    if SITE.exists():
        shutil.rmtree(SITE)
    shutil.copytree(A.src / "target/site", SITE)
    pkg = SITE / "pkg"
    added = []
    if (pkg / "livesmoke.wasm").exists() and not (pkg / "livesmoke_bg.wasm").exists():
        shutil.copy(pkg / "livesmoke.wasm", pkg / "livesmoke_bg.wasm")
        added.append("livesmoke_bg.wasm")
    return added


def our_server(name):
    data = OUT / f"ours-{name}"
    if data.exists():
        shutil.rmtree(data)
    cmd = [str(A.src / "target/release/livesmoke"), "serve", "--bench", "--addr", f"{HOST}:{A.our_port}",
           "--data", str(data), "--suites", str(SUITES)]
    env = {"LEPTOS_SITE_ROOT": str(SITE), "LEPTOS_OUTPUT_NAME": "livesmoke"}
    s = Server(f"ours-{name}", cmd, A.our_port, "/api/runs", env=env, cwd=A.src)
    s.data = data
    return s


def cleanup_data(srv):
    """Log files of 1e7 lines are ~1 GB: drop each server's data once it is measured."""
    if not A.keep_data and getattr(srv, "data", None) and srv.data.exists():
        shutil.rmtree(srv.data, ignore_errors=True)


def ours_produce(n, rate=None, timeout=900):
    q = f"/api/bench/produce?n={n}" + (f"&rate={rate}" if rate else "")
    return request(A.our_port, "POST", q, timeout=timeout)


def ours_line(run, seq):
    page = request(A.our_port, "GET", f"/api/log?run={run}&after={seq - 1}&limit=1")
    return page["lines"][0]["msg"] if page["lines"] and page["lines"][0]["seq"] == seq else None


def peer_qsize():
    return request(A.peer_port, "POST", "/bench/produce?n=0")["data"]["qsize"]


def supports_rate():
    """Whether our /api/bench/produce has the paced mode (`rate=`)."""
    try:
        r = ours_produce(1, rate=1000)
        return "rate" in r
    except Exception:
        return False


# ----------------------------------------------------------------------- (a) producer
def part_a(R):
    log("(a) producer, in-process, pinned to CPU %s" % A.server_cpus)
    rows = []
    for n, reps in ((100_000, A.reps_small), (1_000_000, A.reps_large)):
        peer, ours = [], []
        for _ in range(reps):
            settle(60)
            cp = subprocess.run(pin(A.server_cpus) + [PY, "-B", str(A.peer / "bench.py"), "_inproc",
                                                      "async-uvloop", str(n)],
                                cwd=OUT, capture_output=True, text=True, timeout=600, check=True,
                                env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
            peer.append(json.loads(cp.stdout.strip().splitlines()[-1]))
            if A.producer:
                cp = subprocess.run(pin(A.server_cpus) + [A.producer, str(n)], cwd=OUT,
                                    capture_output=True, text=True, timeout=600, check=True)
                ours.append(json.loads(cp.stdout.strip().splitlines()[-1]))
        row = {"n": n, "reps": reps,
               "peer_lines_per_s": med([r["lines_per_s"] for r in peer]),
               "peer_all": [round(r["lines_per_s"]) for r in peer],
               "peer_rss_growth_mib": med([r["rss_growth_kib"] / 1024 for r in peer]),
               "ours_lines_per_s": med([r["lines_per_s"] for r in ours]),
               "ours_all": [round(r["lines_per_s"]) for r in ours],
               "ours_rss_growth_mib": med([r["rss_growth_mib"] for r in ours])}
        log(f"  n={n:,}: peer {row['peer_lines_per_s']:,.0f} lines/s, ours "
            f"{(row['ours_lines_per_s'] or 0):,.0f} lines/s")
        rows.append(row)
    R["a"] = rows


# -------------------------------------------------------------------------- (b) reads
UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(text):
    def num(pat, cast=float, default=None):
        m = re.search(pat, text)
        return cast(m.group(1)) if m else default

    lat = {p: float(v) * UNIT_MS[u] for p, v, u in
           re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)}
    m = re.search(r"requests in ([\d.]+)(ms|s|m),", text)
    se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {"requests": num(r"(\d+) requests in", int),
            "elapsed_s": float(m.group(1)) * {"ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)] if m else None,
            "rps": num(r"Requests/sec:\s+([\d.]+)"),
            "p50_ms": lat.get("50"), "p90_ms": lat.get("90"), "p99_ms": lat.get("99"),
            "non2xx": num(r"Non-2xx or 3xx responses: (\d+)", int, 0),
            "socket_errors": sum(map(int, se.groups())) if se else 0}


def run_wrk(port, path, conns, duration, tag, script=None):
    cmd = pin(A.loadgen_cpus) + ["wrk", "-t", "1", "-c", str(conns), "-d", f"{duration}s",
                                 "--timeout", "5s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(f"http://{HOST}:{port}{path}")
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cp = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    (OUT / "wrk").mkdir(exist_ok=True)
    (OUT / "wrk" / f"{tag}.txt").write_text(" ".join(cmd) + "\n" + cp.stdout + cp.stderr)
    w = parse_wrk(cp.stdout)
    w["wrk_cpu_s"] = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return w


def summarize_runs(runs, extra=None):
    row = {"reps": len(runs), "rps": med([r["rps"] for r in runs]),
           "lines_per_s": med([r["lines_per_s"] for r in runs]),
           "p50_ms": med([r["p50_ms"] for r in runs]), "p99_ms": med([r["p99_ms"] for r in runs]),
           "rps_all": [round(r["rps"] or 0) for r in runs], "p99_all": [r["p99_ms"] for r in runs],
           "server_cores": med([r["server_cores"] for r in runs]),
           "wrk_cores": med([r["wrk_cores"] for r in runs]),
           "errors": sum(r["non2xx"] + r["socket_errors"] for r in runs), "runs": runs}
    row.update(extra or {})
    return row


def dur(limit):
    return A.duration if limit <= 10 else A.duration_big


def wrk_measured(srv, path, c, tag, script=None, duration=None):
    duration = duration or A.duration
    cpu0, t0 = srv.cpu(), time.time()
    w = run_wrk(srv.port, path, c, duration, tag, script)
    el = time.time() - t0
    w["server_cores"] = (srv.cpu() - cpu0) / el
    w["wrk_cores"] = w["wrk_cpu_s"] / (w["elapsed_s"] or duration)
    return w


def part_b(R):
    conns = A.conns
    warm = 1 if A.quick else 2
    res = {"peer": [], "ours_tail": [], "ours_random": [], "duration_s": A.duration}
    log(f"(b) reads under wrk, {A.duration} s per run, {A.reps_wrk} rep(s)")
    with peer_server("b") as srv:
        request(srv.port, "POST", "/bench/produce?n=200000", timeout=300)
        run_wrk(srv.port, "/real-time?count=10", 10, warm, "peer-warmup")
        for count in A.limits:
            most = 0
            for c in conns:
                runs = []
                for rep in range(A.reps_wrk):
                    need = min(10_000_000, max(A.prefill if count <= 10 else A.prefill_big, int(most * 1.4)))
                    q = peer_qsize()
                    if q < need:
                        request(srv.port, "POST", f"/bench/produce?n={need - q}", timeout=900)
                    before = peer_qsize()
                    settle(60)
                    w = wrk_measured(srv, f"/real-time?count={count}", c, f"peer-n{count}-c{c}-r{rep + 1}",
                                     duration=dur(count))
                    after = peer_qsize()
                    w.update(qsize_before=before, qsize_after=after, lines_drained=before - after,
                             ran_dry=after == 0)
                    w["lines_per_s"] = w["lines_drained"] / (w["elapsed_s"] or dur(count))
                    most = max(most, w["lines_drained"])
                    runs.append(w)
                row = summarize_runs(runs, {"limit": count, "conns": c,
                                            "ran_dry": any(r["ran_dry"] for r in runs)})
                log(f"  peer count={count:<3d} c={c:<3d}: {row['rps']:,.0f} req/s, p50 {row['p50_ms']:.2f} ms, "
                    f"p99 {row['p99_ms']:.2f} ms, server {row['server_cores']:.2f} cores"
                    + (" RAN DRY" if row["ran_dry"] else ""))
                res["peer"].append(row)
        res["peer_floor"] = floor_runs(srv, "/bench/produce?n=0", "peer", post=True)
        res["peer_rss_end_mib"] = srv.rss()["VmRSS"]
    with our_server("b") as srv:
        d = ours_produce(A.b_lines)
        run, total = d["run"], A.b_lines
        res["ours_run_lines"] = total
        run_wrk(srv.port, f"/api/log?run={run}&after={total - 10}&limit=10", 10, warm, "ours-warmup")
        for mode in ("tail", "random"):
            if mode == "random" and A.no_random:
                continue
            for limit in A.limits:
                if mode == "tail":
                    path, script = f"/api/log?run={run}&after={total - limit}&limit={limit}", None
                    probe = [total - limit]
                else:
                    script = OUT / f"wrk-random-{limit}.lua"
                    script.write_text(
                        "-- a random cursor per request over the whole run (mostly the on-disk path)\n"
                        f"math.randomseed({int(time.time())})\n"
                        "request = function()\n"
                        f"  return wrk.format(\"GET\", \"/api/log?run={run}&after=\" .. "
                        f"math.random(0, {total - limit}) .. \"&limit={limit}\")\n"
                        "end\n")
                    path = f"/api/log?run={run}&after=0&limit={limit}"
                    probe = [0, total // 3, total - limit]
                for after in probe:  # every reply carries exactly `limit` lines
                    page = request(srv.port, "GET", f"/api/log?run={run}&after={after}&limit={limit}")
                    assert len(page["lines"]) == limit and page["lines"][0]["seq"] == after + 1, (after, limit)
                for c in (conns if mode == "tail" else A.random_conns):
                    runs = []
                    for rep in range(A.reps_wrk):
                        settle(60)
                        w = wrk_measured(srv, path, c, f"ours-{mode}-n{limit}-c{c}-r{rep + 1}", script,
                                         duration=dur(limit))
                        w["lines_per_s"] = (w["rps"] or 0) * limit
                        runs.append(w)
                    row = summarize_runs(runs, {"limit": limit, "conns": c})
                    log(f"  ours {mode:6s} limit={limit:<3d} c={c:<3d}: {row['rps']:,.0f} req/s, "
                        f"p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms, "
                        f"server {row['server_cores']:.2f} cores, wrk {row['wrk_cores']:.2f} cores")
                    res[f"ours_{mode}"].append(row)
        res["ours_floor"] = floor_runs(srv, "/api/bench/ping", "ours")
        res["ours_rss_end_mib"] = srv.rss()["VmRSS"]
        cleanup_data(srv)
    with floor_server() as srv:
        res["machine_floor"] = floor_runs(srv, "/", "machine")
    R["b"] = res


def floor_server():
    """bench/floor_server.rs (std only, built here with rustc): a thread per connection blocking in
    `read`, a fixed reply per request head. The fastest one connection can be answered on this
    machine by a server that sleeps while idle, so it bounds the c=1 rows of the peer and ours."""
    exe = OUT / "floor_server"
    cp = subprocess.run(["rustc", "--edition", "2021", "-O", "-o", str(exe), str(A.src / "bench/floor_server.rs")],
                        capture_output=True, text=True)
    if cp.returncode != 0:
        sys.exit(f"bench: cannot build bench/floor_server.rs:\n{cp.stderr}")
    return Server("machine-floor", [str(exe), f"{HOST}:{A.our_port}"], A.our_port, "/")


def floor_runs(srv, path, who, post=False):
    """One connection against a server's cheapest reply (the peer's `POST
    /bench/produce?n=0`, our `GET /api/bench/ping`): the round trip that bounds
    every c=1 row, whatever the read does."""
    script = None
    if post:
        script = OUT / "wrk-post.lua"
        script.write_text('wrk.method = "POST"\n')
    runs = []
    for rep in range(A.reps_wrk):
        settle(60)
        w = wrk_measured(srv, path, 1, f"{who}-floor-c1-r{rep + 1}", script, duration=A.duration)
        w["lines_per_s"] = 0  # no lines: only the round trip
        runs.append(w)
    row = summarize_runs(runs, {"limit": 0, "conns": 1})
    log(f"  {who} floor (empty reply) c=1: {row['rps']:,.0f} req/s, p50 {row['p50_ms']:.2f} ms, "
        f"p99 {row['p99_ms']:.2f} ms")
    return row


# ------------------------------------------------------------------ (c) memory, (d) stall
def peer_drain_check(srv, total, checks):
    """Reads (and so removes) `total` lines; returns {position: line is the expected one}."""
    got, pos, per = {}, 0, 250_000
    while pos < total:
        items = request(srv.port, "GET", f"/real-time?count={min(per, total - pos)}", timeout=600)["data"]
        if not items:
            break
        for i in checks:
            if pos <= i < pos + len(items):
                got[i] = items[i - pos].endswith(f"]: bench line {i}\n")
        pos += len(items)
    return {str(i): got.get(i, False) for i in checks}


def stall_reads(port, path, produce, offsets_ms):
    """Starts `produce` in a thread; issues one GET at each offset (ms) after it started."""
    out = {}
    th = threading.Thread(target=lambda: out.update(r=produce()))
    t0 = time.perf_counter()
    th.start()
    reads = []
    for off in offsets_ms:
        time.sleep(max(0.0, t0 + off / 1000 - time.perf_counter()))
        ms, status, _ = timed_get(port, path)
        reads.append({"at_ms": round((time.perf_counter() - t0) * 1000 - ms, 1), "ms": ms, "status": status})
    th.join(timeout=900)
    out["burst_ms"] = (time.perf_counter() - t0) * 1000
    out["reads"] = reads
    return out


def part_cd(R):
    log("(c) memory and (d) stall")
    peer_runs, ours_runs = [], []
    for rep in range(A.reps_large):
        settle(60)
        with peer_server(f"c{rep + 1}") as srv:
            for _ in range(20):
                request(srv.port, "GET", "/real-time?count=10")
            request(srv.port, "POST", "/bench/produce?n=1000")
            for _ in range(100):
                request(srv.port, "GET", "/real-time?count=10")
            assert peer_qsize() == 0
            time.sleep(0.5)
            r0 = srv.rss()
            t = time.perf_counter()
            request(srv.port, "POST", "/bench/produce?n=1000000", timeout=600)
            prod_ms = (time.perf_counter() - t) * 1000
            time.sleep(0.5)
            r1 = srv.rss()
            ok = peer_drain_check(srv, 1_000_000, [0, 499_999, 999_999])  # reading removes them
            st = stall_reads(srv.port, "/real-time?count=10",
                             lambda: request(srv.port, "POST", "/bench/produce?n=1000000", timeout=600), [100])
            peer_runs.append({"baseline_mib": r0["VmRSS"], "after_1e6_mib": r1["VmRSS"],
                              "growth_1e6_mib": r1["VmRSS"] - r0["VmRSS"], "produce_1e6_ms": prod_ms,
                              "stall_read_ms": st["reads"][0]["ms"], "stall": st, "readable_1e6": ok})
            log(f"  peer rep {rep + 1}: baseline {r0['VmRSS']:.1f} MiB, +1e6 -> +{r1['VmRSS'] - r0['VmRSS']:.1f} MiB,"
                f" read 100 ms into a 1e6 burst: {st['reads'][0]['ms']:.1f} ms, readable {ok}")
        settle(60)
        with our_server(f"c{rep + 1}") as srv:
            d = ours_produce(1000)
            for _ in range(50):
                request(srv.port, "GET", f"/api/log?run={d['run']}&after=990&limit=10")
            request(srv.port, "GET", f"/runs/{d['run']}", raw=True)
            time.sleep(0.5)
            r0 = srv.rss()
            t = time.perf_counter()
            d1 = ours_produce(1_000_000)
            prod_ms = (time.perf_counter() - t) * 1000
            time.sleep(0.5)
            r1 = srv.rss()
            nxt = d1["run"] + 1
            st = stall_reads(srv.port, f"/api/log?run={nxt}&after=0&limit=10",
                             lambda: ours_produce(1_000_000), [100, 150, 200, 250, 300])
            ok = {str(s): ours_line(d1["run"], s) == f"bench line {s - 1}" for s in (1, 500_000, 1_000_000)}
            r2 = srv.rss()
            idle = [timed_get(srv.port, f"/api/log?run={nxt}&after=0&limit=10")[0] for _ in range(5)]
            ours_runs.append({"baseline_mib": r0["VmRSS"], "after_1e6_mib": r1["VmRSS"],
                              "growth_1e6_mib": r1["VmRSS"] - r0["VmRSS"], "hwm_1e6_mib": r1["VmHWM"],
                              "after_2e6_mib": r2["VmRSS"], "produce_1e6_ms": prod_ms,
                              "produce_reply": d1, "stall_read_ms": st["reads"][0]["ms"],
                              "stall_reads_max_ms": max(r["ms"] for r in st["reads"]), "stall": st,
                              "idle_read_ms": med(idle),
                              "readable_1e6": ok,
                              "log_file_mib": sum(f.stat().st_size for f in (srv.data / "logs").glob("*")) / 2**20
                              if (srv.data / "logs").exists() else None})
            log(f"  ours rep {rep + 1}: baseline {r0['VmRSS']:.1f} MiB, +1e6 -> +{r1['VmRSS'] - r0['VmRSS']:.1f} MiB,"
                f" read 100 ms into a 1e6 burst: {st['reads'][0]['ms']:.2f} ms "
                f"(max of 5 reads {ours_runs[-1]['stall_reads_max_ms']:.2f} ms), readable {ok}")
            cleanup_data(srv)
    res = {"peer_runs": peer_runs, "ours_runs": ours_runs}
    if A.big:
        n = A.big
        with peer_server("c-big") as srv:
            request(srv.port, "POST", "/bench/produce?n=1000")
            request(srv.port, "GET", "/real-time?count=1000")
            time.sleep(0.5)
            r0 = srv.rss()
            request(srv.port, "POST", f"/bench/produce?n={n}", timeout=900)
            time.sleep(0.5)
            r1 = srv.rss()
            ok = peer_drain_check(srv, n, [0, n // 2 - 1, n - 1])
            res["peer_big"] = {"n": n, "baseline_mib": r0["VmRSS"], "after_mib": r1["VmRSS"],
                               "growth_mib": r1["VmRSS"] - r0["VmRSS"], "hwm_mib": r1["VmHWM"], "readable": ok}
            log(f"  peer {n:,}: +{r1['VmRSS'] - r0['VmRSS']:.1f} MiB, readable {ok}")
        with our_server("c-big") as srv:
            d = ours_produce(1000)
            for _ in range(50):
                request(srv.port, "GET", f"/api/log?run={d['run']}&after=990&limit=10")
            time.sleep(0.5)
            r0 = srv.rss()
            d1 = ours_produce(n, timeout=1800)
            time.sleep(0.5)
            r1 = srv.rss()
            ok = {str(s): ours_line(d1["run"], s) == f"bench line {s - 1}" for s in (1, n // 2, n)}
            res["ours_big"] = {"n": n, "baseline_mib": r0["VmRSS"], "after_mib": r1["VmRSS"],
                               "growth_mib": r1["VmRSS"] - r0["VmRSS"], "hwm_mib": r1["VmHWM"],
                               "produce_reply": d1, "readable": ok,
                               "log_file_mib": sum(f.stat().st_size for f in (srv.data / "logs").glob("*")) / 2**20}
            log(f"  ours {n:,}: +{r1['VmRSS'] - r0['VmRSS']:.1f} MiB (HWM {r1['VmHWM']:.1f}), "
                f"{d1['lines_per_s']:,.0f} lines/s, readable {ok}")
            cleanup_data(srv)
    R["c"] = res


# ------------------------------------------------------------------------ (e) SQL setup
def smoke_config(cases=100, per_case=10):
    """Byte for byte the statements of the peer's bench.py smoke_config()."""
    cfg = [{"setup": ["CREATE TABLE IF NOT EXISTS bench_smoke (id INTEGER PRIMARY KEY, v VARCHAR(64))",
                      "DELETE FROM bench_smoke"]}]
    n = 0
    for c in range(cases):
        stmts = []
        for s in range(per_case):
            n += 1
            stmts.append(f"INSERT INTO bench_smoke (id, v) VALUES ({n}, 'case {c} stmt {s}')")
        cfg.append({"setup": stmts})
    return cfg


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string here


def suite_toml(name, db_block, cfg):
    L = [f"suite = {toml_str(name)}", "default_db = \"main\"", "", "[db.main]"] + db_block + [""]
    for i, case in enumerate(cfg):
        L += ["[[case]]", f"name = \"case {i}\"", ""]
        for sql in case["setup"]:
            L += ["  [[case.setup]]", f"  sql = {toml_str(sql)}", ""]
    return "\n".join(L)


def mariadb_cli(*args, stdin=None):
    return subprocess.run(["mariadb", "-h", HOST, "-P", "3306", "-u", "root", *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def count_rows(kind, path=None):
    if kind == "mariadb":
        cp = mariadb_cli("-N", "-e", "SELECT COUNT(*) FROM bench_smoke", A.mariadb_db)
    else:
        cp = subprocess.run(["sqlite3", str(path), "SELECT COUNT(*) FROM bench_smoke"],
                            capture_output=True, text=True, timeout=60)
    try:
        return int(cp.stdout.strip())
    except ValueError:
        return None


def wait_run(run, timeout=600):
    # The run's duration is timed by the server (finished_at - started_at), so
    # asking often only adds load on the server's core while it runs: every
    # 10 ms cost (e) about 5 % of its rate.
    deadline = time.time() + timeout
    while time.time() < deadline:
        for r in request(A.our_port, "GET", "/api/runs"):
            if r["id"] == run and r["status"] != "running":
                return r
        time.sleep(0.1)
    raise TimeoutError(f"run {run} still running")


def part_e(R):
    cfg = smoke_config()
    stmts = [s for c in cfg for s in c["setup"]]
    n = len(stmts)
    url = f"mysql://root@{HOST}:3306/{A.mariadb_db}"
    (SUITES / "bench-smoke-mariadb.toml").write_text(
        suite_toml("bench-smoke-mariadb", ["kind = \"mariadb\"", f"url = {toml_str(url)}"], cfg))
    (SUITES / "bench-smoke-sqlite.toml").write_text(
        suite_toml("bench-smoke-sqlite", ["kind = \"sqlite\"", "path = \"bench-smoke.db\""], cfg))
    sql_file = OUT / "smoke.sql"
    sql_file.write_text("".join(s + ";\n" for s in stmts))
    log(f"(e) SQL setup: {n} statements (1 case CREATE+DELETE, 100 cases x 10 INSERT), {A.reps_e} rep(s)")
    res = {"statements": n}

    def peer_reps(name, dsn, kind, path=None):
        runs = []
        with peer_server(f"e-{name}", dsn) as srv:
            for _ in range(A.reps_e):
                settle(30)
                d = request(srv.port, "POST", "/smoke", body=cfg, timeout=600)["data"]
                while request(srv.port, "GET", "/real-time?count=5000")["data"]:
                    pass
                d["rows_after"] = count_rows(kind, path)
                runs.append(d)
        return {"backend": runs[0]["backend"], "ms": med([r["elapsed_s"] * 1000 for r in runs]),
                "stmts_per_s": med([n / r["elapsed_s"] for r in runs]),
                "ms_all": [round(r["elapsed_s"] * 1000, 1) for r in runs],
                "rows_ok": all(r["rows_after"] == 1000 for r in runs),
                "lines_logged": runs[0]["lines_logged"]}

    peer_sqlite = OUT / "peer-smoke.sqlite3"
    res["peer_sqlite"] = peer_reps("sqlite", f"sqlite:///{peer_sqlite}", "sqlite", peer_sqlite)
    res["peer_mariadb"] = peer_reps("mariadb", url, "mariadb")
    # the practical limit: the mariadb client, same statements, autocommit, one connection. Its
    # reps alternate with ours, so a drift in the server's commit rate (fsync) over the part
    # weighs on both alike.
    client_runs, client_empty, client_rows_ok = [], [], []

    def client_rep():
        t = time.perf_counter()
        cp = subprocess.run(pin(A.server_cpus) + ["mariadb", "-h", HOST, "-P", "3306", "-u", "root", A.mariadb_db],
                            stdin=open(sql_file), capture_output=True, text=True, timeout=300)
        client_runs.append((time.perf_counter() - t) * 1000)
        assert cp.returncode == 0, cp.stderr
        client_rows_ok.append(count_rows("mariadb") == 1000)
        t = time.perf_counter()
        subprocess.run(pin(A.server_cpus) + ["mariadb", "-h", HOST, "-P", "3306", "-u", "root", "-e", "DO 0",
                                             A.mariadb_db], capture_output=True, timeout=60)
        client_empty.append((time.perf_counter() - t) * 1000)

    with our_server("e") as srv:
        for kind in ("sqlite", "mariadb"):
            runs = []
            for _ in range(A.reps_e):
                settle(30)
                if kind == "mariadb":
                    client_rep()
                    settle(30)
                r = request(srv.port, "POST", "/api/run", form={"suite": f"bench-smoke-{kind}.toml", "lang": "en"})
                info = wait_run(r["id"])
                head = request(srv.port, "GET", f"/api/log?run={r['id']}&after=0&limit=20")
                # connected: the first case's first line (after the pool's connect and preflight)
                connected = next(l["ts"] for l in head["lines"] if l.get("case"))
                runs.append({"ms": info["finished_at"] - connected, "wall_ms": info["finished_at"] - info["started_at"],
                             "status": info["status"], "lines": head["total"],
                             "rows_after": count_rows(kind, srv.data / "bench-smoke.db")})
            res[f"ours_{kind}"] = {"ms": med([r["ms"] for r in runs]),
                                   "stmts_per_s": med([n / (r["ms"] / 1000) for r in runs]),
                                   "ms_all": [r["ms"] for r in runs],
                                   "wall_ms_all": [r["wall_ms"] for r in runs],
                                   "stmts_per_s_wall": med([n / (r["wall_ms"] / 1000) for r in runs]),
                                   "status": [r["status"] for r in runs],
                                   "rows_ok": all(r["rows_after"] == 1000 for r in runs),
                                   "lines_logged": runs[0]["lines"]}
        jm = subprocess.run(["sqlite3", str(srv.data / "bench-smoke.db"), "PRAGMA journal_mode"],
                            capture_output=True, text=True).stdout.strip()
        res["ours_sqlite"]["journal_mode"] = jm
        cleanup_data(srv)
    # the CLI: same suite, a fresh process per run (wall time includes start-up and preflight)
    runs = []
    for i in range(A.reps_e):
        data = OUT / f"ours-cli-{i}"
        t = time.perf_counter()
        cp = subprocess.run(pin(A.server_cpus) + [str(A.src / "target/release/livesmoke"), "run",
                                                  str(SUITES / "bench-smoke-mariadb.toml"), "--data", str(data),
                                                  "--lang", "en"],
                            capture_output=True, text=True, timeout=600, cwd=OUT)
        wall = (time.perf_counter() - t) * 1000
        m = re.findall(r"(\d+(?:\.\d+)?)\s*s\b", cp.stdout.strip().splitlines()[-1] if cp.stdout.strip() else "")
        runs.append({"wall_ms": wall, "rc": cp.returncode, "summary": (cp.stdout.strip().splitlines() or [""])[-1],
                     "summary_ms": float(m[-1]) * 1000 if m else None})
        shutil.rmtree(data, ignore_errors=True)
    res["ours_cli_mariadb"] = {"wall_ms": med([r["wall_ms"] for r in runs]),
                               "summary_ms": med([r["summary_ms"] for r in runs]),
                               "stmts_per_s_wall": med([n / (r["wall_ms"] / 1000) for r in runs]),
                               "rc": [r["rc"] for r in runs], "summary": runs[0]["summary"]}
    wall, start = med(client_runs), med(client_empty)
    res["mariadb_client"] = {"wall_ms": wall, "startup_ms": start, "net_ms": wall - start,
                             "stmts_per_s": n / ((wall - start) / 1000), "stmts_per_s_wall": n / (wall / 1000),
                             "wall_all": [round(x, 1) for x in client_runs], "rows_ok": all(client_rows_ok),
                             # rep by rep (each client run right before ours): ours ÷ client
                             "paired_pct": [round(100 * (w - start) / o, 1) for w, o in
                                            zip(client_runs, res["ours_mariadb"]["ms_all"])]}
    # sqlite3 CLI for reference (default settings: rollback journal, a commit per statement)
    cli_db = OUT / "cli-smoke.sqlite3"
    runs = []
    for _ in range(A.reps_e):
        t = time.perf_counter()
        subprocess.run(pin(A.server_cpus) + ["sqlite3", str(cli_db)], stdin=open(sql_file),
                       capture_output=True, timeout=300)
        runs.append((time.perf_counter() - t) * 1000)
    res["sqlite3_client"] = {"wall_ms": med(runs), "stmts_per_s": n / (med(runs) / 1000)}
    mariadb_cli("-e", "DROP TABLE IF EXISTS bench_smoke", A.mariadb_db)  # leave the database as found
    for k in ("peer_sqlite", "ours_sqlite", "peer_mariadb", "ours_mariadb", "mariadb_client"):
        log(f"  {k}: {res[k].get('stmts_per_s'):,.0f} statements/s")
    R["e"] = res


# ------------------------------------------------------------------------- (f) browser
def node_cmd(*args, cpus=None):
    return pin(cpus or A.browser_cpus or A.loadgen_cpus) + ["node", str(HERE / "browser.mjs"), *map(str, args)]


ALL_CPUS = f"0-{(os.cpu_count() or 1) - 1}"


def run_node(*args, timeout=600, cpus=None):
    cp = subprocess.run(node_cmd(*args, cpus=cpus), capture_output=True, text=True, timeout=timeout)
    (OUT / "browser").mkdir(exist_ok=True)
    (OUT / "browser" / f"{args[0]}-{args[1]}-{int(time.time())}.txt").write_text(cp.stdout + cp.stderr)
    lines = [l for l in cp.stdout.splitlines() if l.startswith("{")]
    if cp.returncode != 0 or not lines:
        raise RuntimeError(f"browser.mjs {args[:2]} failed: {cp.stderr[-2000:]}")
    return json.loads(lines[-1])


def show_finished(url, n, cpus=None):
    """Our page on a finished run, measured for 10 s at least (the issue's first window is the first 10 s)."""
    return run_node("show", "ours", url, n, A.f_max_s, 10, timeout=A.f_max_s + 120, cpus=cpus)


def show_live(srv, n, cpus=None):
    """Our page opened on a new run of `n` lines produced at `A.f_live_rate` lines/s."""
    d = ours_produce(n, rate=A.f_live_rate)
    return run_node("show", "ours", f"http://{HOST}:{srv.port}/runs/{d['run']}", n, n / A.f_live_rate + 60,
                    timeout=n / A.f_live_rate + 180, cpus=cpus)


def part_f(R):
    n = A.f_lines
    log(f"(f) browser: {n:,} lines to show, headless chromium on CPU {A.browser_cpus or A.loadgen_cpus}")
    res = {"lines": n}
    with peer_server("f") as srv:
        request(srv.port, "POST", f"/bench/produce?n={n}", timeout=600)
        res["peer"] = run_node("show", "peer", f"http://{HOST}:{srv.port}/client/?interval=500&count={A.f_peer_count}",
                               n, A.f_max_s, timeout=A.f_max_s + 120)
        res["peer"]["client"] = f"count={A.f_peer_count}, interval=500 ms"
    log(f"  peer: {res['peer']['linesPerS']:,.0f} lines/s shown, longest freeze {res['peer']['maxGapMs']:.0f} ms")
    with our_server("f") as srv:
        d = ours_produce(n)
        url = f"http://{HOST}:{srv.port}/runs/{d['run']}"
        res["ours"] = show_finished(url, n)
        log(f"  ours: {res['ours']['linesPerS']:,.0f} lines/s shown, longest freeze {res['ours']['maxGapMs']:.0f} ms")
        # the page-load floor: what loading a page costs this browser before any script of ours runs
        res["floor_blank"] = run_node("floor", "blank", url, A.f_floor_reps, timeout=300)
        res["floor_static"] = run_node("floor", "static", url, A.f_floor_reps, timeout=300)
        log(f"  page-load floor: blank page {res['floor_blank']['maxGapMs']}, our HTML+CSS without script "
            f"{res['floor_static']['maxGapMs']} ms")
        if A.f_live_rate:
            if supports_rate():
                live = show_live(srv, n)
                live["producer"] = f"/api/bench/produce?rate={A.f_live_rate}"
                log(f"  ours live at {A.f_live_rate}/s: busy {live['busyFirst']:.2f} -> {live['busyLast']:.2f}, "
                    f"longest freeze {live['maxGapMs']:.0f} ms")
            else:
                live = {"skipped": "our /api/bench/produce has no rate= (paced) mode in this build"}
            res["ours_live"] = live
            res["live_rate"] = A.f_live_rate
            if "linesPerS" in live and A.f_all_cpus:
                # the same page and a new live run with the browser free to use every core (the server
                # stays pinned): how much of the freezes is the browser's own threads sharing one core
                res["ours_all_cpus"] = show_finished(url, n, cpus=ALL_CPUS)
                res["ours_live_all_cpus"] = show_live(srv, n, cpus=ALL_CPUS)
                log(f"  browser on CPUs {ALL_CPUS}: longest freeze {res['ours_all_cpus']['maxGapMs']:.0f} ms "
                    f"(once live {res['ours_all_cpus'].get('maxGapAfterLiveMs', 0):.0f}); live at {A.f_live_rate}/s "
                    f"{res['ours_live_all_cpus'].get('maxGapAfterFirstMs', 0):.0f} ms after the first line")
        cleanup_data(srv)
    R["f"] = res


# ------------------------------------------------------------------ (g) producer -> pixel
def pace_suite(rate, seconds):
    """A MariaDB suite that logs ~`rate` lines/s: each step logs 2 lines (start, ok) and sleeps 2/rate s."""
    steps = max(1, int(rate * seconds / 2))
    L = ["suite = \"bench-pace\"", "default_db = \"main\"", "", "[db.main]", "kind = \"mariadb\"",
         f"url = {toml_str(f'mysql://root@{HOST}:3306/{A.mariadb_db}')}", "", "[[case]]",
         "name = \"pace\"", "timeout = \"3600s\"", ""]
    for _ in range(steps):
        L += ["  [[case.step]]", f"  sql = \"SELECT SLEEP({2 / rate:.4f})\"", ""]
    name = f"bench-pace-{rate}.toml"
    (SUITES / name).write_text("\n".join(L))
    return name


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
    (OUT / "browser").mkdir(exist_ok=True)
    (OUT / "browser" / f"latency-{tag}.txt").write_text(out + err)
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"browser.mjs latency {tag} failed: {err[-2000:]}")
    return json.loads(lines[-1])


def lat_stats(lat, extra=None):
    d = {"lines": len(lat), "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "max_ms": max(lat) if lat else None}
    d.update(extra or {})
    return d


def part_g(R):
    res = {}
    D = A.g_seconds
    for rate in A.g_rates:
        log(f"(g) producer -> pixel at {rate} lines/s for {D} s, 500 ms polling")
        # the peer: its own client (count=10, 500 ms); lines put by POST /bench/produce?n=1 at a steady pace.
        with peer_server("g") as srv:
            p = start_node_latency("peer", f"http://{HOST}:{srv.port}/client/?interval=500&count=10", D + 3)
            wait_ready(p)
            prod = []
            t0 = time.perf_counter()
            k = 0
            while time.perf_counter() - t0 < D:
                time.sleep(max(0.0, t0 + k / rate - time.perf_counter()))
                a = time.time() * 1000
                request(srv.port, "POST", "/bench/produce?n=1")
                prod.append((a + time.time() * 1000) / 2)
                k += 1
            rec = finish_node(p, f"peer-{rate}", D + 120)
        appear = rec["appear"]  # [{t, traf, count}] in order
        lat_m, lat_f, unshown = [], [], 0
        j = 0
        for i, tp in enumerate(prod):
            while j < len(appear) and appear[j]["count"] <= i:
                j += 1
            if j < len(appear):
                lat_m.append(appear[j]["t"] - tp)
                lat_f.append((appear[j].get("traf") or appear[j]["t"]) - tp)
            else:  # never shown before the page was read: at least this late (a lower bound)
                unshown += 1
                lat_m.append(rec["tEnd"] - tp)
                lat_f.append(rec["tEnd"] - tp)
        res[f"peer_{rate}"] = lat_stats(lat_f, {"produced": len(prod), "shown": len(lat_f) - unshown,
                                                "unshown": unshown,
                                                "p50_mutation_ms": pct(lat_m, 50), "p95_mutation_ms": pct(lat_m, 95),
                                                "producer": "POST /bench/produce?n=1 paced by the driver",
                                                "client": "count=10, interval=500 ms"})
        # ours: a paced run (rate= when the build has it, else a MariaDB suite of SLEEP steps)
        with our_server("g") as srv:
            if supports_rate():
                d = ours_produce(int(rate * D), rate=rate)
                run, how = d["run"], f"/api/bench/produce?n={int(rate * D)}&rate={rate}"
            else:
                name = pace_suite(rate, D)
                run = request(srv.port, "POST", "/api/run", form={"suite": name, "lang": "en"})["id"]
                how = f"suite {name}: MariaDB steps `SELECT SLEEP({2 / rate:.4f})`, 2 lines each"
            p = start_node_latency("ours", f"http://{HOST}:{srv.port}/runs/{run}", D + 3)
            rec = finish_node(p, f"ours-{rate}", D + 120)
            ts, after = {}, 0
            while True:
                page = request(srv.port, "GET", f"/api/log?run={run}&after={after}&limit=5000")
                for line in page["lines"]:
                    ts[line["seq"]] = line["ts"]
                if not page["lines"]:
                    break
                after = page["next"]
            cleanup_data(srv)
        first = rec.get("firstRender") or 0
        seen = {}
        for a in rec["appear"]:
            for s in a["seqs"]:
                seen.setdefault(s, a)
        lat_m, lat_f, unshown = [], [], 0
        for s, t in sorted(ts.items()):
            if not first < t <= rec["tEnd"] - 1000:  # produced after the first render, and >= 1 s before the end
                continue
            a = seen.get(s)
            if a:
                lat_m.append(a["t"] - t)
                lat_f.append((a.get("traf") or a["t"]) - t)
            else:
                unshown += 1
                lat_m.append(rec["tEnd"] - t)
                lat_f.append(rec["tEnd"] - t)
        res[f"ours_{rate}"] = lat_stats(lat_f, {"shown": len(lat_f) - unshown, "unshown": unshown,
                                                "p50_mutation_ms": pct(lat_m, 50), "p95_mutation_ms": pct(lat_m, 95),
                                                "producer": how})
        log(f"  peer p50 {res[f'peer_{rate}']['p50_ms']}, p95 {res[f'peer_{rate}']['p95_ms']} ms; "
            f"ours p50 {res[f'ours_{rate}']['p50_ms']}, p95 {res[f'ours_{rate}']['p95_ms']} ms")
    R["g"] = res


# ------------------------------------------------------------------- noise watcher
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
    max_s = A.settle if max_s is None else min(max_s, A.settle)
    max_s = min(max_s, A.settle_total - SETTLE["waited_s"])  # a bound on the whole run's waiting
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


# ----------------------------------------------------------------------------- report
def sh(*cmd):
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (cp.stdout.strip() or cp.stderr.strip()).splitlines()[0]
    except Exception as e:
        return f"? ({e})"


def env_info():
    from importlib.metadata import version
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "")
    src = A.src
    commit = sh("git", "-C", str(A.repo), "rev-parse", "--short=9", "HEAD")
    if src != A.repo and src.name.startswith("src-"):
        ours = f"{src.name[4:]} (clean export of the commit)"
    else:
        dirty = subprocess.run(["git", "-C", str(A.repo), "status", "--porcelain"], capture_output=True,
                               text=True).stdout.strip()
        ours = commit + (" + uncommitted changes (work tree)" if dirty else " (work tree, clean)")
    pw = json.loads((A.repo / "end2end/node_modules/playwright-core/package.json").read_text())["version"]
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "mode": "quick" if A.quick else "full",
        "machine": f"{cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.release()}",
        "os": sh("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "ours_commit": ours, "rustc": sh("rustc", "--version"), "cargo_leptos": sh("cargo", "leptos", "--version"),
        "python": platform.python_version(),
        "peer_packages": {p: version(p) for p in ("fastapi", "starlette", "pydantic", "uvicorn", "uvloop",
                                                  "httptools", "PyMySQL")},
        "chromium": sh("/usr/bin/chromium", "--version"), "playwright_core": pw, "node": sh("node", "--version"),
        "wrk": sh("wrk", "--version"),
        "mariadb": mariadb_cli("-N", "-e", "SELECT VERSION()").stdout.strip(),
        "sqlite3": sh("sqlite3", "--version").split()[0] if shutil.which("sqlite3") else None,
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
        "pinning": f"servers and in-process producers on CPU {A.server_cpus}; wrk and this driver "
                   f"on CPU {A.loadgen_cpus}; the browser on CPU {A.browser_cpus or A.loadgen_cpus}",
    }


def fmt(x, unit="", nd=0):
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return x
    if nd == 0 and abs(x) >= 100:
        return f"{x:,.0f}{unit}"
    if abs(x) >= 10:
        return f"{x:,.{max(nd, 1)}f}{unit}"
    return f"{x:,.{max(nd, 2)}f}{unit}"


def ratio(o, p):
    if o is None or p is None or p == 0:
        return None
    return o / p


def rfmt(r):
    if r is None:
        return "—"
    return f"{r:,.1f}×" if r >= 10 else f"{r:.2f}×" if r >= 0.1 else f"{r:.3f}×"


def met(ok):
    return "—" if ok is None else ("**yes**" if ok else "**NO**")


def table(rows):
    L = ["| metric | peer | ours | ratio ours/peer | target | met? |", "|---|---:|---:|---:|---|---|"]
    for r in rows:
        L.append("| " + " | ".join(str(c) for c in r) + " |")
    return L


def summary_md(R):
    e = R["env"]
    L = [f"# livesmoke vs seed-fastapi: benchmark {e['date']} ({e['mode']})", "",
         "Ratios are ours ÷ peer, both measured in this run on this machine (so for latencies and memory, "
         "smaller is better and a target like ≤ 1/5 means a ratio ≤ 0.2×). Medians over the repetitions.", ""]
    misses = []

    def row(metric, p, o, unit="", target="", ok=None, nd=0, show_ratio=True):
        if ok is False:
            misses.append(metric)
        return [metric, fmt(p, unit, nd), fmt(o, unit, nd), rfmt(ratio(o, p)) if show_ratio else "—",
                target, met(ok)]

    if "a" in R:
        rows = []
        for r in R["a"]:
            rt = ratio(r["ours_lines_per_s"], r["peer_lines_per_s"])
            rows.append(row(f"(a) {r['n']:,} log calls: lines/s", r["peer_lines_per_s"], r["ours_lines_per_s"],
                            target="≥ 10×", ok=None if rt is None else rt >= 10))
            rows.append(row(f"(a) {r['n']:,} log calls: RSS growth", r["peer_rss_growth_mib"],
                            r["ours_rss_growth_mib"], " MiB", nd=1))
        reps = ", ".join(f"{r['n']:,}: peer {r['peer_all']}, ours {r['ours_all']}" for r in R["a"])
        L += ["## (a) Producer: in-process log calls (peer: `RealTimeLogging.info` on uvloop; ours: Logger → "
              "bounded queue → writer thread → store)", ""] + table(rows) + ["", f"Runs (lines/s): {reps}.", ""]
    if "b" in R:
        b = R["b"]
        peer = {(r["limit"], r["conns"]): r for r in b["peer"]}
        for mode, title in (("tail", "fixed tail cursor (newest lines, in memory)"),
                            ("random", "random cursor over a %s-line run (Lua; mostly the on-disk path)"
                             % f"{b.get('ours_run_lines', 0):,}")):
            if not b.get(f"ours_{mode}"):
                continue
            rows = []
            for o in b[f"ours_{mode}"]:
                p = peer.get((o["limit"], o["conns"]), {})
                k = f"{mode}, {o['limit']} lines/req, c={o['conns']}"
                rr, pr = ratio(o["rps"], p.get("rps")), ratio(o["p99_ms"], p.get("p99_ms"))
                rows.append(row(f"(b) {k}: req/s", p.get("rps"), o["rps"], target="≥ 5×",
                                ok=None if rr is None else rr >= 5))
                rows.append(row(f"(b) {k}: lines/s", p.get("lines_per_s"), o["lines_per_s"]))
                rows.append(row(f"(b) {k}: p50", p.get("p50_ms"), o["p50_ms"], " ms", nd=2))
                rows.append(row(f"(b) {k}: p99", p.get("p99_ms"), o["p99_ms"], " ms", target="≤ 0.2×",
                                ok=None if pr is None else pr <= 0.2, nd=2))
                rows.append(row(f"(b) {k}: server CPU (cores)", p.get("server_cores"), o["server_cores"], nd=2,
                                show_ratio=False))
            L += [f"## (b) Reads: `GET /api/log` vs the peer's `GET /real-time?count=N` (queue pre-filled), "
                  f"{mode}: {title}", "", f"wrk 4.1, 1 thread, {A.duration} s per run ({A.duration_big} s at 500 "
                  f"lines/req: the peer's queue must not run dry), --timeout 5s; "
                  f"server on CPU {A.server_cpus}, wrk on CPU {A.loadgen_cpus}.", ""] + table(rows) + [""]
        if b.get("ours_floor") and b.get("peer_floor"):
            pf, of = b["peer_floor"], b["ours_floor"]
            rows = [row("(b) floor, empty reply, c=1: req/s", pf["rps"], of["rps"]),
                    row("(b) floor, empty reply, c=1: p50", pf["p50_ms"], of["p50_ms"], " ms", nd=2),
                    row("(b) floor, empty reply, c=1: p99", pf["p99_ms"], of["p99_ms"], " ms", nd=2)]
            tail1 = next((o for o in b.get("ours_tail", []) if o["conns"] == 1 and o["limit"] == min(A.limits)), None)
            share = f" Our tail read at c=1 runs at {tail1['rps'] / of['rps']:.0%} of our empty reply's rate." \
                if tail1 and of["rps"] else ""
            mf = b.get("machine_floor")
            bound = ""
            if mf:
                rows += [row("(b) machine floor (bench/floor_server.rs), c=1: req/s", pf["rps"], mf["rps"]),
                         row("(b) machine floor (bench/floor_server.rs), c=1: p50", pf["p50_ms"], mf["p50_ms"],
                             " ms", nd=2)]
                peer1 = peer.get((min(A.limits), 1))
                if peer1 and peer1.get("rps"):
                    best = mf["rps"] / peer1["rps"]
                    bound = (f" On this machine no server that sleeps while idle answers one connection faster than the "
                             f"machine floor: {best:.2f}× the peer's {min(A.limits)}-line read at c=1, so a c=1 "
                             f"ratio above that is out of reach for any implementation here"
                             + (" (the ≥ 5× target included)." if best < 5 else "."))
            L += ["## (b) The floor at one connection: each server's cheapest reply", "",
                  "The peer's `POST /bench/produce?n=0`, our `GET /api/bench/ping`: at c=1 a read cannot be faster "
                  "than this round trip, so the c=1 ratio cannot exceed the floors' ratio." + share + " The "
                  "machine floor is a thread per connection blocking in `read` that writes a fixed reply per "
                  "request head (no parsing, no runtime): the round trip of loopback and two wake-ups across "
                  "cores alone." + bound, ""] + table(rows) + [""]
        dry = [f"count={r['limit']} c={r['conns']}" for r in b["peer"] if r["ran_dry"]]
        errs = sum(r["errors"] for r in b["peer"]) + sum(r["errors"] for m in ("tail", "random")
                                                          for r in b.get(f"ours_{m}", []))
        wrkc = max([r["wrk_cores"] or 0 for m in ("tail", "random") for r in b.get(f"ours_{m}", [])] or [0])
        L += [f"Peer queue ran dry: {', '.join(dry) or 'never'}. Non-2xx + socket errors (all runs): {errs}. "
              f"Highest wrk CPU use in our runs: {wrkc:.2f} cores (1.0 = wrk itself is the limit).", ""]
    if "c" in R:
        c = R["c"]
        pr, orr = c["peer_runs"], c["ours_runs"]
        rows = [row("(c) baseline RSS", med([r["baseline_mib"] for r in pr]), med([r["baseline_mib"] for r in orr]),
                    " MiB", nd=1),
                row("(c) RSS growth after 10^6 lines", med([r["growth_1e6_mib"] for r in pr]),
                    med([r["growth_1e6_mib"] for r in orr]), " MiB", nd=1)]
        if "peer_big" in c or "ours_big" in c:
            pb, ob = c.get("peer_big", {}), c.get("ours_big", {})
            g = ob.get("growth_mib")
            rows.append(row(f"(c) RSS growth after 10^{len(str(ob.get('n', 0))) - 1} lines", pb.get("growth_mib"), g,
                            " MiB", target="≤ 64 MiB (ours)", ok=None if g is None else g <= 64, nd=1))
            rows.append(row("(c) peak RSS (VmHWM) at that point", pb.get("hwm_mib"), ob.get("hwm_mib"), " MiB", nd=1))
            ok_o = all(ob.get("readable", {}).values()) if ob else None
            ok_p = all(pb.get("readable", {}).values()) if pb else None
            rows.append(["(c) first, middle, last line readable", fmt(ok_p) + " (once: reading removes them)",
                         fmt(ok_o), "—", "every line readable", met(ok_o)])
            if ok_o is False:
                misses.append("(c) readable")
        else:
            rows.append(["(c) RSS after 10^7 lines", "not run", "not run", "—", "≤ 64 MiB", "— (quick mode)"])
        ok_o = all(all(r["readable_1e6"].values()) for r in orr)
        rows.append(["(c) 10^6 run: first, middle, last line readable",
                     fmt(all(all(r["readable_1e6"].values()) for r in pr)), fmt(ok_o), "—", "every line readable",
                     met(ok_o)])
        L += ["## (c) Memory: server RSS with lines produced and not read", "",
              "Fresh server per measurement, warmed up; 10^6 lines in one `produce` call; the 10^7 figure is a "
              "separate fresh server with one 10^7-line run (ours) / 10^7 queued lines (peer).", ""] + table(rows)
        if "ours_big" in c:
            L += ["", f"Ours wrote {c['ours_big']['log_file_mib']:,.0f} MiB of log file for "
                      f"{c['ours_big']['n']:,} lines (page cache, not RSS)."]
        L += [""]
        sp = med([r["stall_read_ms"] for r in pr])
        so = med([r["stall_read_ms"] for r in orr])
        rows = [row("(d) one read issued 100 ms into a 10^6-line burst", sp, so, " ms", target="≤ 5 ms (ours)",
                    ok=None if so is None else so <= 5, nd=2),
                row("(d) worst of 5 reads at 100–300 ms into the burst", None,
                    med([r["stall_reads_max_ms"] for r in orr]), " ms", nd=2, show_ratio=False),
                row("(d) the same read with the server idle (median of 5)", None,
                    med([r.get("idle_read_ms") for r in orr]), " ms", nd=2, show_ratio=False),
                row("(d) the burst itself (10^6 lines, ms)", med([r["stall"]["burst_ms"] for r in pr]),
                    med([r["stall"]["burst_ms"] for r in orr]), " ms")]
        L += ["## (d) Stall: a read during a 10^6-line burst", "",
              "Peer: `GET /real-time?count=10` during `POST /bench/produce?n=1000000`. Ours: "
              "`GET /api/log?run=<the burst's run>&after=0&limit=10` during `POST /api/bench/produce?n=1000000`. "
              f"Runs (ms): peer {[round(r['stall_read_ms'], 1) for r in pr]}, "
              f"ours {[round(r['stall_read_ms'], 2) for r in orr]}.", ""] + table(rows) + [""]
    if "e" in R:
        e_ = R["e"]
        lim = e_["mariadb_client"]["stmts_per_s"]
        om = e_["ours_mariadb"]["stmts_per_s"]
        rows = [row("(e) SQLite: statements/s", e_["peer_sqlite"]["stmts_per_s"], e_["ours_sqlite"]["stmts_per_s"]),
                row("(e) MariaDB: statements/s", e_["peer_mariadb"]["stmts_per_s"], om),
                ["(e) MariaDB: ours ÷ `mariadb` client (%s stmt/s)" % fmt(lim), "—",
                 f"{om / lim * 100:.0f} %" if om and lim else "—", "—", "≥ 95 %",
                 met(None if not om else om / lim >= 0.95)],
                row("(e) MariaDB via the CLI (`livesmoke run`, wall incl. start-up)", None,
                    e_["ours_cli_mariadb"]["stmts_per_s_wall"], show_ratio=False),
                row("(e) SQLite: `sqlite3` shell, same statements (reference)", None,
                    e_["sqlite3_client"]["stmts_per_s"], show_ratio=False)]
        if om and lim and om / lim < 0.95:
            misses.append("(e) MariaDB ≥ 95 % of the client")
        L += ["## (e) SQL setup: the peer's `/smoke` workload (1,002 statements, a commit each)", "",
              f"Same statements byte for byte: 1 case `CREATE TABLE IF NOT EXISTS` + `DELETE`, 100 cases × 10 "
              f"`INSERT`. Peer: `POST /smoke` (runSmoke, PyMySQL / sqlite3, timed inside the server, connect "
              f"excluded). Ours: `POST /api/run` of a generated suite, from its first case's first line (the "
              f"pool connected and preflight done: the line's own timestamp) to `finished_at`; from `started_at` "
              f"instead (connect and preflight included) MariaDB does "
              f"{e_['ours_mariadb']['stmts_per_s_wall']:,.0f} statements/s, "
              f"{e_['ours_mariadb']['stmts_per_s_wall'] / e_['mariadb_client']['stmts_per_s'] * 100:.0f} % of the "
              f"client. `mariadb` client: `mariadb test < smoke.sql` (autocommit), wall "
              f"time minus the client's own start-up ({e_['mariadb_client']['startup_ms']:.0f} ms, measured "
              f"with `-e 'DO 0'`); without that subtraction it does "
              f"{e_['mariadb_client']['stmts_per_s_wall']:,.0f} statements/s. Ours on SQLite: journal_mode="
              f"{e_['ours_sqlite'].get('journal_mode')}.", ""] + table(rows) + [
            "", f"Runs (ms): peer SQLite {e_['peer_sqlite']['ms_all']}, ours SQLite {e_['ours_sqlite']['ms_all']}, "
                f"peer MariaDB {e_['peer_mariadb']['ms_all']}, ours MariaDB {e_['ours_mariadb']['ms_all']} "
                f"(with connect and preflight {e_['ours_mariadb']['wall_ms_all']}), "
                f"client {e_['mariadb_client']['wall_all']} (each client run right before one of ours, so a drift "
                f"in MariaDB's commit rate weighs on both; ours ÷ client rep by rep, %: "
                f"{e_['mariadb_client'].get('paired_pct')}). Every run left 1,000 rows: peer "
                f"{e_['peer_sqlite']['rows_ok'] and e_['peer_mariadb']['rows_ok']}, ours "
                f"{e_['ours_sqlite']['rows_ok'] and e_['ours_mariadb']['rows_ok']}, client "
                f"{e_['mariadb_client']['rows_ok']}; our runs' status "
                f"{sorted(set(e_['ours_sqlite']['status'] + e_['ours_mariadb']['status']))}.", ""]
    if "f" in R:
        f = R["f"]
        p, o = f["peer"], f["ours"]
        n = f["lines"]
        big = n >= 100_000
        rows = [row("(f) lines shown", p["lines"], o["lines"], show_ratio=False),
                row("(f) lines shown per second", p["linesPerS"], o["linesPerS"], target="≥ 5,000/s (ours)",
                    ok=o["linesPerS"] >= 5000 and o["lines"] >= n),
                row("(f) time until every line was shown (ours: counted, summarized or drawn)",
                    p.get("allShownAtS", p["seconds"]), o.get("allShownAtS", o["seconds"]), " s", nd=2),
                row("(f) time until the page settled (ours: the budget's lines above the tail drawn too)",
                    p.get("settledAtS", p["seconds"]), o.get("settledAtS", o["seconds"]), " s", nd=2),
                row("(f) main thread busy until it settled (page load included)", p.get("busyUntilSettled"),
                    o.get("busyUntilSettled"), nd=2),
                row(f"(f) main thread busy, first {o['windowS']:.0f} s (peer {p['windowS']:.0f} s)",
                    p["busyFirst"],
                    o["busyFirst"], nd=2, target="≤ 0.25", ok=o["busyFirst"] <= 0.25),
                row(f"(f) main thread busy, last {o['windowS']:.0f} s (peer {p['windowS']:.0f} s)",
                    p["busyLast"],
                    o["busyLast"], nd=2, target="≤ 0.25, no growth",
                    ok=o["busyLast"] <= 0.25 and o["busyLast"] <= o["busyFirst"] * 1.25 + 0.02),
                row("(f) longest freeze (10 ms heartbeat's largest gap)", p["maxGapMs"], o["maxGapMs"], " ms",
                    target="≤ 50 ms" + ("" if big else " (at 10^5)"), ok=o["maxGapMs"] <= 50 if big else None),
                row("(f) longest freeze after the first line was shown (page load excluded)",
                    p.get("maxGapAfterFirstMs"), o.get("maxGapAfterFirstMs"), " ms"),
                row("(f) longest freeze once the page is live (ours: after hydration; the first lines' draw "
                    "included)", None, o.get("maxGapAfterLiveMs"), " ms", show_ratio=False),
                row("(f) heartbeat gaps > 50 ms", p["gapsOver50"], o["gapsOver50"], show_ratio=False),
                row("(f) JS heap at the end", p["jsHeapMiB"], o["jsHeapMiB"], " MiB", nd=1),
                row("(f) renderer process RSS at the end", p.get("rendererRssMiB"), o.get("rendererRssMiB"), " MiB",
                    nd=1),
                row("(f) main-thread task time, total", p["taskDurationS"], o["taskDurationS"], " s", nd=2),
                row("(f) of which layout", p["layoutDurationS"], o["layoutDurationS"], " s", nd=2)]
        fb, fs = f.get("floor_blank"), f.get("floor_static")
        if fb and fs:
            rows += [row("(f) page-load floor: a blank page's longest freeze (median of "
                         f"{len(fb['maxGapMs'])} fresh browsers)", None, fb["medianMaxGapMs"], " ms", show_ratio=False),
                     row("(f) page-load floor: our run page's HTML and CSS, scripts taken out (median)", None,
                         fs["medianMaxGapMs"], " ms", show_ratio=False)]
        L += [f"## (f) Browser: {n:,} lines to show, headless chromium", "",
              f"Peer: its static client `?interval=500&count={A.f_peer_count}` on a pre-filled queue. Ours: the run "
              f"page `/runs/<id>` of a finished {n:,}-line run, measured until it settled and for 10 s at least. "
              f"Busy share = CDP `TaskDuration` growth ÷ wall time over the first and the last 10 s (the issue's "
              f"windows; for a page measured under 20 s they overlap, and ours is idle once settled, so the busy "
              f"share until it settled is given too); "
              f"freeze = largest gap of a 10 ms `setInterval` heartbeat (longtask reports nothing headless).", ""]
        lv = f.get("ours_live")
        if lv and "linesPerS" in lv:
            k = f"(f) live, {f.get('live_rate', 0):,} lines/s produced while the page is open"
            rows += [row(f"{k}: lines shown per second", None, lv["linesPerS"], show_ratio=False),
                     row(f"{k}: busy, first {lv['windowS']:.0f} s", None, lv["busyFirst"], nd=2, show_ratio=False,
                         target="≤ 0.25", ok=lv["busyFirst"] <= 0.25),
                     row(f"{k}: busy, last {lv['windowS']:.0f} s", None, lv["busyLast"], nd=2, show_ratio=False,
                         target="≤ 0.25, no growth",
                         ok=lv["busyLast"] <= 0.25 and lv["busyLast"] <= lv["busyFirst"] * 1.25 + 0.02),
                     row(f"{k}: longest freeze after the first line", None, lv.get("maxGapAfterFirstMs"), " ms",
                         show_ratio=False, target="≤ 50 ms", ok=lv.get("maxGapAfterFirstMs", 1e9) <= 50),
                     row(f"{k}: JS heap at the end", None, lv["jsHeapMiB"], " MiB", nd=1, show_ratio=False)]
        oa, la = f.get("ours_all_cpus"), f.get("ours_live_all_cpus")
        if oa and la:
            k = f"(f) browser on CPUs {ALL_CPUS} (not pinned; server still on CPU {A.server_cpus})"
            rows += [row(f"{k}: longest freeze, page load included", None, oa["maxGapMs"], " ms", show_ratio=False),
                     row(f"{k}: longest freeze once the page is live", None, oa.get("maxGapAfterLiveMs"), " ms",
                         show_ratio=False),
                     row(f"{k}: longest freeze after the first line", None, oa.get("maxGapAfterFirstMs"), " ms",
                         show_ratio=False),
                     row(f"{k}: live {f.get('live_rate', 0):,} lines/s, longest freeze after the first line", None,
                         la.get("maxGapAfterFirstMs"), " ms", show_ratio=False),
                     row(f"{k}: live {f.get('live_rate', 0):,} lines/s, busy first / last", None,
                         f"{la['busyFirst']:.2f} / {la['busyLast']:.2f}", show_ratio=False)]
        L += table(rows) + [""]
        if oa and la:
            L += ["The rows \"browser on CPUs …\" are not the method (the browser is pinned to one core like wrk) "
                  "and carry no target: they show how much of a freeze is the renderer's main thread waiting for "
                  "its own raster and wasm-compile threads on the same core.", ""]
        if lv and "linesPerS" not in lv:
            L += [f"Ours live: {lv.get('skipped')}.", ""]
    if "g" in R:
        rows = []
        for rate in A.g_rates:
            p, o = R["g"].get(f"peer_{rate}"), R["g"].get(f"ours_{rate}")
            if not p or not o:
                continue
            rows.append(row(f"(g) {rate} lines/s: p50", p["p50_ms"], o["p50_ms"], " ms"))
            rows.append(row(f"(g) {rate} lines/s: p95", p["p95_ms"], o["p95_ms"], " ms", target="≤ 600 ms (ours)",
                            ok=None if o["p95_ms"] is None else o["p95_ms"] <= 600))
            rows.append(row(f"(g) {rate} lines/s: max", p["max_ms"], o["max_ms"], " ms"))
            rows.append(row(f"(g) {rate} lines/s: lines measured", p["shown"] + p["unshown"],
                            o["shown"] + o["unshown"], show_ratio=False))
            if p["unshown"] or o["unshown"]:
                rows.append(row(f"(g) {rate} lines/s: of which never shown (counted as lower bounds)", p["unshown"],
                                o["unshown"], show_ratio=False))
        o0 = R["g"].get(f"ours_{A.g_rates[0]}", {})
        L += ["## (g) Producer → pixel latency at 500 ms polling", "",
              "Latency of a line = the first animation frame after the `MutationObserver` saw it in the page − "
              "its producer timestamp (same machine clock). Peer: its own client (`count=10`, 500 ms); lines put "
              "one at a time by `POST /bench/produce?n=1` at a steady pace (producer time = the call's midpoint). "
              f"Ours: the run page; producer: {o0.get('producer', '?')}; each line's `ts` from `/api/log`; only "
              "lines produced after the page's first render count.", ""] + table(rows) + [""]
    L += ["## Machine and versions", ""] + [f"- **{k}**: {v}" for k, v in e.items()] + [""]
    L += ["## Targets missed in this run", ""] + ([f"- {m}" for m in misses] or ["- none"]) + [""]
    R["missed"] = misses
    return "\n".join(L)


def main():
    global A, OUT, SUITES
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, required=True, help="our source tree (built: target/release, target/site)")
    ap.add_argument("--repo", type=Path, required=True)
    ap.add_argument("--peer", type=Path, required=True, help="the peer's folder (read-only)")
    ap.add_argument("--producer", default="", help="our producer bench executable (part a)")
    ap.add_argument("--quick", action="store_true", help="small sizes, 1 rep, short wrk runs (< 2 min)")
    ap.add_argument("--only", default="a,b,c,d,e,f,g", help="parts to run (c and d run together)")
    ap.add_argument("--peer-port", type=int, default=18080)
    ap.add_argument("--our-port", type=int, default=18090)
    ap.add_argument("--server-cpus", default="0")
    ap.add_argument("--loadgen-cpus", default="1")
    ap.add_argument("--browser-cpus", default="",
                    help="CPUs for the browser in (f) and (g) (default: --loadgen-cpus; e.g. 0,1 lets it use "
                         "both cores, as on a user's machine, while the server stays on CPU 0)")
    ap.add_argument("--mariadb-db", default="test")
    ap.add_argument("--settle", type=float, default=None,
                    help="wait up to this many seconds for a quiet machine before each part/rep (default: 0 in "
                         "--quick, 240 otherwise; per rep at most 60)")
    ap.add_argument("--settle-total", type=float, default=900, help="at most this much waiting in all (s)")
    ap.add_argument("--keep-data", action="store_true", help="keep our servers' data folders")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default bench/out/<stamp>)")
    A = ap.parse_args()
    A.src, A.repo, A.peer = A.src.resolve(), A.repo.resolve(), A.peer.resolve()
    q = A.quick
    A.reps_small, A.reps_large, A.reps_wrk, A.reps_e = (1, 1, 1, 1) if q else (5, 3, 3, 5)
    A.duration = 1 if q else 10
    if A.settle is None:
        A.settle = 0 if q else 240
    A.duration_big = 1 if q else 5  # 500 lines/req: the peer drains ~1e6 lines/s, its queue holds <= 1e7
    A.random_conns = [50] if q else A_CONNS
    A.conns = A_CONNS
    A.limits = [10, 500]
    A.prefill, A.prefill_big = (300_000, 1_500_000) if q else (1_500_000, 6_000_000)
    A.b_lines = 1_000_000
    A.no_random = False
    A.big = None if q else 10_000_000
    A.f_lines = 10_000 if q else 100_000
    A.f_peer_count = 1000
    A.f_max_s = 40 if q else 150
    A.f_floor_reps = 3 if q else 7
    A.f_live_rate = None if q else 5000
    A.f_all_cpus = not q
    A.g_rates = [10] if q else [10, 100]
    A.g_seconds = 5 if q else 20
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    OUT = (A.out or HERE / "out" / stamp).resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    SUITES = OUT / "suites"
    SUITES.mkdir(exist_ok=True)
    (SUITES / "README").write_text("suites generated by bench/bench.py\n")
    R_site = prepare_site()
    only = set(A.only.split(","))
    log(f"bench: {OUT} ({'quick' if q else 'full'}; ours from {A.src})")
    t_start = time.time()
    R = {"env": env_info(), "parts_s": {}}
    if R_site:
        R["env"]["site"] = f"served from a copy of target/site with {', '.join(R_site)} added (same bytes)"
    steps = [("a", part_a), ("b", part_b), ("cd", part_cd), ("e", part_e), ("f", part_f), ("g", part_g)]
    watcher = NoiseWatcher()
    watcher.start()
    for key, fn in steps:
        if not (set(key) & only):
            continue
        watcher.part = key
        settle()
        t = time.time()
        try:
            fn(R)
        except Exception as ex:  # one broken part must not lose the others
            import traceback
            traceback.print_exc()
            R.setdefault("errors", {})[key] = repr(ex)
        R["parts_s"][key] = round(time.time() - t, 1)
        (OUT / "results.json").write_text(json.dumps(R, indent=1, default=str))
    R["total_s"] = round(time.time() - t_start, 1)
    watcher.stop_ev.set()
    R["noise"] = watcher.report()
    R["env"]["settle"] = (f"waited {SETTLE['waited_s']:.0f} s in total for a quiet machine (< 10 % CPU for 1 s) "
                          f"before {SETTLE['calls']} parts/reps; gave up waiting {SETTLE['gave_up']} time(s)")
    R["env"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    noisy = {k: v for k, v in R["noise"].items() if v["with_compiler"]}
    R["env"]["other_processes_seen"] = ("none" if not noisy else "; ".join(
        f"part {k}: {v['with_compiler']}/{v['samples']} samples ({', '.join(v['names'])})" for k, v in noisy.items()))
    md = summary_md(R)
    if R.get("errors"):
        md += "\n## Errors\n\n" + "\n".join(f"- part {k}: {v}" for k, v in R["errors"].items()) + "\n"
    md += f"\nWall time: {R['total_s']:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in R['parts_s'].items())}).\n"
    (OUT / "summary.md").write_text(md)
    (OUT / "results.json").write_text(json.dumps(R, indent=1, default=str))
    print(md)
    log(f"bench: wrote {OUT}/summary.md and results.json")


if __name__ == "__main__":
    main()
