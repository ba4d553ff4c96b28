"""(b) reads under wrk at 1, 50 and 500 connections, 10 and 500 lines per request: the peer's draining
`GET /real-time?count=N` on a pre-filled queue against our `GET /api/log` on a finished 10^6-line
run (tail and random cursor); then the floor at one connection: each server's cheapest reply, and
bench/floor_server.rs, the fastest reply of any server that sleeps while idle on this machine."""
import subprocess
import sys
import time

from lib import context as ctx
from lib.context import HOST, log
from lib.http_client import request
from lib.noise import settle
from lib.servers import Server, cleanup_data, our_server, ours_produce, peer_qsize, peer_server
from lib.summary import ratio, table
from lib.wrk import run_wrk, summarize_runs, wrk_measured


def dur(limit):
    return ctx.A.duration if limit <= 10 else ctx.A.duration_big


def measure(R):
    conns = ctx.A.conns
    warm = 1 if ctx.A.quick else 2
    res = {"peer": [], "ours_tail": [], "ours_random": [], "duration_s": ctx.A.duration}
    log(f"(b) reads under wrk, {ctx.A.duration} s per run, {ctx.A.reps_wrk} rep(s)")
    with peer_server("b") as srv:
        request(srv.port, "POST", "/bench/produce?n=200000", timeout=300)
        run_wrk(srv.port, "/real-time?count=10", 10, warm, "peer-warmup")
        for count in ctx.A.limits:
            most = 0
            for c in conns:
                runs = []
                for rep in range(ctx.A.reps_wrk):
                    need = min(10_000_000, max(ctx.A.prefill if count <= 10 else ctx.A.prefill_big, int(most * 1.4)))
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
        d = ours_produce(ctx.A.b_lines)
        run, total = d["run"], ctx.A.b_lines
        res["ours_run_lines"] = total
        run_wrk(srv.port, f"/api/log?run={run}&after={total - 10}&limit=10", 10, warm, "ours-warmup")
        for mode in ("tail", "random"):
            if mode == "random" and ctx.A.no_random:
                continue
            for limit in ctx.A.limits:
                if mode == "tail":
                    path, script = f"/api/log?run={run}&after={total - limit}&limit={limit}", None
                    probe = [total - limit]
                else:
                    script = ctx.OUT / f"wrk-random-{limit}.lua"
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
                for c in (conns if mode == "tail" else ctx.A.random_conns):
                    runs = []
                    for rep in range(ctx.A.reps_wrk):
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
    exe = ctx.OUT / "floor_server"
    cp = subprocess.run(["rustc", "--edition", "2021", "-O", "-o", str(exe), str(ctx.A.src / "bench/floor_server.rs")],
                        capture_output=True, text=True)
    if cp.returncode != 0:
        sys.exit(f"bench: cannot build bench/floor_server.rs:\n{cp.stderr}")
    return Server("machine-floor", [str(exe), f"{HOST}:{ctx.A.our_port}"], ctx.A.our_port, "/")


def floor_runs(srv, path, who, post=False):
    """One connection against a server's cheapest reply (the peer's `POST
    /bench/produce?n=0`, our `GET /api/bench/ping`): the round trip that bounds
    every c=1 row, whatever the read does."""
    script = None
    if post:
        script = ctx.OUT / "wrk-post.lua"
        script.write_text('wrk.method = "POST"\n')
    runs = []
    for rep in range(ctx.A.reps_wrk):
        settle(60)
        w = wrk_measured(srv, path, 1, f"{who}-floor-c1-r{rep + 1}", script, duration=ctx.A.duration)
        w["lines_per_s"] = 0  # no lines: only the round trip
        runs.append(w)
    row = summarize_runs(runs, {"limit": 0, "conns": 1})
    log(f"  {who} floor (empty reply) c=1: {row['rps']:,.0f} req/s, p50 {row['p50_ms']:.2f} ms, "
        f"p99 {row['p99_ms']:.2f} ms")
    return row


def summary(R, s):
    """The (b) sections of summary.md: tail, random, the floor."""
    row = s.row
    L = []
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
              f"{mode}: {title}", "", f"wrk 4.1, 1 thread, {ctx.A.duration} s per run ({ctx.A.duration_big} s at 500 "
              f"lines/req: the peer's queue must not run dry), --timeout 5s; "
              f"server on CPU {ctx.A.server_cpus}, wrk on CPU {ctx.A.loadgen_cpus}.", ""] + table(rows) + [""]
    if b.get("ours_floor") and b.get("peer_floor"):
        pf, of = b["peer_floor"], b["ours_floor"]
        rows = [row("(b) floor, empty reply, c=1: req/s", pf["rps"], of["rps"]),
                row("(b) floor, empty reply, c=1: p50", pf["p50_ms"], of["p50_ms"], " ms", nd=2),
                row("(b) floor, empty reply, c=1: p99", pf["p99_ms"], of["p99_ms"], " ms", nd=2)]
        tail1 = next((o for o in b.get("ours_tail", []) if o["conns"] == 1 and o["limit"] == min(ctx.A.limits)), None)
        share = f" Our tail read at c=1 runs at {tail1['rps'] / of['rps']:.0%} of our empty reply's rate." \
            if tail1 and of["rps"] else ""
        mf = b.get("machine_floor")
        bound = ""
        if mf:
            rows += [row("(b) machine floor (bench/floor_server.rs), c=1: req/s", pf["rps"], mf["rps"]),
                     row("(b) machine floor (bench/floor_server.rs), c=1: p50", pf["p50_ms"], mf["p50_ms"],
                         " ms", nd=2)]
            peer1 = peer.get((min(ctx.A.limits), 1))
            if peer1 and peer1.get("rps"):
                best = mf["rps"] / peer1["rps"]
                bound = (f" On this machine no server that sleeps while idle answers one connection faster than the "
                         f"machine floor: {best:.2f}× the peer's {min(ctx.A.limits)}-line read at c=1, so a c=1 "
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
    return L
