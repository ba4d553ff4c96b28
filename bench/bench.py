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
  h  team setup on PostgreSQL: 1e6 lines vs psql \copy, A -> pixel on B, B's reads at 500 conns,
     20 paced runs on 2 workers with every line accounted for
  i  the token gate: tail reads under wrk with auth off and on
  j  HTTP runners: the same 1,000-request suite in livesmoke, Hurl 8.0.1 and newman against nginx;
     parallel scaling (`parallel = 2`, `run --jobs 2`, Hurl --jobs 2)
  k  overload: 500 pollers + 10 real suite runs kept going for 60 s on SQLite: every request answered,
     memory bounded

This file parses the arguments, runs the parts and writes summary.md and results.json. Each part is
a module of parts/ (a_producer, b_reads, cd_memory_stall, e_sql_setup, f_browser, g_latency, h_team,
i_auth, j_http_peers, k_overload) with
its measurement (`measure`) and its section of summary.md (`summary`); lib/ holds what they share.
"""
import argparse
import datetime
import json
import time
from pathlib import Path

from lib import context as ctx
from lib.context import HERE, log
from lib.environment import env_info
from lib.noise import SETTLE, NoiseWatcher, settle
from lib.servers import prepare_site
from lib.summary import Summary
from parts import (a_producer, b_reads, cd_memory_stall, e_sql_setup, f_browser, g_latency, h_team, i_auth,
                   j_http_peers, k_overload)

A_CONNS = [1, 50, 500]
# In the order they run and appear in summary.md. (c) and (d) run together; their figures are R["c"].
PARTS = [("a", a_producer), ("b", b_reads), ("cd", cd_memory_stall), ("e", e_sql_setup), ("f", f_browser),
         ("g", g_latency), ("h", h_team), ("i", i_auth), ("j", j_http_peers), ("k", k_overload)]


def summary_md(R):
    e = R["env"]
    L = [f"# livesmoke vs seed-fastapi: benchmark {e['date']} ({e['mode']})", "",
         "Ratios are ours ÷ peer, both measured in this run on this machine (so for latencies and memory, "
         "smaller is better and a target like ≤ 1/5 means a ratio ≤ 0.2×). Medians over the repetitions.", ""]
    s = Summary()
    for key, part in PARTS:
        if key[0] in R:
            L += part.summary(R, s)
    L += ["## Machine and versions", ""] + [f"- **{k}**: {v}" for k, v in e.items()] + [""]
    L += ["## Targets missed in this run", ""] + ([f"- {m}" for m in s.misses] or ["- none"]) + [""]
    R["missed"] = s.misses
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, required=True, help="our source tree (built: target/release, target/site)")
    ap.add_argument("--repo", type=Path, required=True)
    ap.add_argument("--peer", type=Path, required=True, help="the peer's folder (read-only)")
    ap.add_argument("--producer", default="", help="our producer bench executable (part a)")
    ap.add_argument("--quick", action="store_true", help="small sizes, 1 rep, short wrk runs (< 2 min)")
    ap.add_argument("--only", default="a,b,c,d,e,f,g,h,i,j,k", help="parts to run (c and d run together)")
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
    ap.add_argument("--overload-seconds", type=int, default=None,
                    help="(k)'s window (default 60, 10 in --quick); longer to see where memory levels off")
    ap.add_argument("--keep-data", action="store_true", help="keep our servers' data folders")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default bench/out/<stamp>)")
    A = ctx.A = ap.parse_args()
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
    A.j_requests = 200 if q else 1000
    A.j_reps, A.j_reps_newman, A.j_reps_par = (1, 1, 1) if q else (9, 3, 5)
    A.k_pollers, A.k_runs = 500, 10  # the load, in --quick too: only the window is shorter
    A.k_seconds = A.overload_seconds or (10 if q else 60)
    A.k_suite = (40, 20)  # cases × INSERTs of each run's suite: a few seconds under the load
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    OUT = ctx.OUT = (A.out or HERE / "out" / stamp).resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    SUITES = ctx.SUITES = OUT / "suites"
    SUITES.mkdir(exist_ok=True)
    (SUITES / "README").write_text("suites generated by bench/bench.py\n")
    R_site = prepare_site()
    only = set(A.only.split(","))
    log(f"bench: {OUT} ({'quick' if q else 'full'}; ours from {A.src})")
    t_start = time.time()
    R = {"env": env_info(), "parts_s": {}}
    if R_site:
        R["env"]["site"] = f"served from a copy of target/site with {', '.join(R_site)} added (same bytes)"
    watcher = NoiseWatcher()
    watcher.start()
    for key, part in PARTS:
        if not (set(key) & only):
            continue
        watcher.part = key
        settle()
        t = time.time()
        try:
            part.measure(R)
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
