"""(h) the team setup on PostgreSQL (no peer: the seed has no such mode; the yardsticks are psql and
the issue's targets): 10^6 lines of one run stored against psql's `\\copy` of the same rows into the
same table; producer on instance A → pixel on instance B (with 19 more viewers there); B's reads by 500
polling viewers and without pause; 20 paced runs on 2 workers, every line accounted for, their lag
followed on B."""
import asyncio
import json
import random
import subprocess
import time

from lib import context as ctx
from lib.context import log
from lib.http_client import Conn, request
from lib.noise import settle
from lib.servers import Worker, team_db, team_server
from lib.stats import med, pct
from lib.summary import table
from lib.wrk import run_wrk
from parts.g_latency import pixel_latency


def psql(db, *args, stdin=None):
    return subprocess.run(["psql", db, "-qAt", *args], input=stdin, capture_output=True, text=True, timeout=900,
                          check=True).stdout.strip()


def copy_rate(db, run, n, rep):
    """psql's `\\copy` of exactly the rows run `run` stored (another run id) into log_lines: lines/s."""
    rows = ctx.OUT / "h-rows.tsv"
    fake = 10_000_000 + rep
    psql(db, "-c", f"\\copy (SELECT {fake}, seq, dropped, line FROM log_lines WHERE run_id = {run} ORDER BY seq) "
                   f"TO '{rows}'")
    settle(60)
    t = time.perf_counter()
    psql(db, "-c", f"\\copy log_lines (run_id, seq, dropped, line) FROM '{rows}'")
    s = time.perf_counter() - t
    got = int(psql(db, "-c", f"SELECT count(*) FROM log_lines WHERE run_id = {fake}"))
    assert got == n, (got, n)
    rows.unlink()
    return n / s


def stored(db, runs):
    """Per run: lines stored, highest seq, lines counted lost (gap markers)."""
    out = psql(db, "-c", "SELECT run_id, count(*), max(seq), sum(dropped) FROM log_lines "
                         f"WHERE run_id IN ({','.join(map(str, runs))}) GROUP BY run_id")
    got = {}
    for line in out.splitlines():
        r, c, m, d = map(int, line.split("|"))
        got[r] = (c, m, d)
    return got


def viewers(port, count, seconds, path=None, runs=None):
    """`count` pages polling every 500 ms on their own keep-alive connections, at phases spread over the
    first 500 ms, for `seconds` after a 1 s warm-up: the latency of each poll (send to last byte). Each
    polls `path`, or follows one of `runs` (in turn) with its own cursor as the page does, and then also
    samples the run's lag at each poll: now − the time of the newest line it has (its producer's clock,
    the same machine's)."""
    async def one(i, phase, t_end, lat, lags, errors):
        loop = asyncio.get_running_loop()
        await asyncio.sleep(phase)
        conn = Conn(port)  # connects on the first poll, within the warm-up
        run, after, newest = (runs[i % len(runs)] if runs else None), 0, None
        due = loop.time()
        warm = loop.time() + 1.0
        while loop.time() < t_end:
            target = path or f"/api/log?run={run}&after={after}&limit=5000"
            t0 = time.perf_counter()
            status, body = await conn.request("GET", target)
            ms = (time.perf_counter() - t0) * 1000
            if status != 200:
                errors.append(status)
            elif run is not None:
                page = json.loads(body)
                after = page["next"]
                if page["lines"]:
                    newest = page["lines"][-1]["ts"]
                if newest is not None and not page["done"]:
                    lags.append((t0, run, time.time() * 1000 - newest))
            if t0 >= warm:
                lat.append(ms)
            due += 0.5
            await asyncio.sleep(max(0.0, due - loop.time()))
        conn.close()

    async def all_of():
        loop = asyncio.get_running_loop()
        t_end = loop.time() + 1.0 + seconds
        lat, lags, errors = [], [], []
        await asyncio.gather(*(one(i, random.random() * 0.5, t_end, lat, lags, errors) for i in range(count)))
        return lat, lags, errors

    lat, lags, errors = asyncio.run(all_of())
    return {"rps": len(lat) / seconds, "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "max_ms": max(lat),
            "requests": len(lat), "errors": len(errors), "lags": lags}


def in_thread(fn, *args, **kw):
    """Runs `fn` in a thread; `.result()` of the returned object waits for it."""
    import concurrent.futures
    ex = concurrent.futures.ThreadPoolExecutor(1)
    fut = ex.submit(fn, *args, **kw)
    ex.shutdown(wait=False)
    return fut


def lag_windows(lags, seconds):
    """p95 of the sampled lag in the first and the last third of the measured time."""
    if not lags:
        return None, None
    t0 = min(t for t, _, _ in lags)
    third = seconds / 3
    first = [l for t, _, l in lags if t - t0 < third]
    last = [l for t, _, l in lags if t - t0 >= 2 * third]
    return pct(first, 95), pct(last, 95)


def wait_finished(port, runs, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        listed = request(port, "GET", "/api/runs?kind=bench&limit=200")
        status = {r["id"]: r for r in listed if r["id"] in runs}
        if len(status) == len(runs) and all(r["status"] not in ("queued", "running") for r in status.values()):
            return status
        time.sleep(0.5)
    raise RuntimeError(f"runs {runs} not finished within {timeout} s")


def measure(R):
    A = ctx.A
    q = A.quick
    n = 100_000 if q else 1_000_000
    reps = 1 if q else 3
    res = {"n": n}
    db, drop = team_db()
    pa, pb = A.our_port, A.our_port + 1
    try:
        with team_server("h-a", db, pa) as a, team_server("h-b", db, pb) as b:
            log(f"(h1) {n:,} lines of one run into PostgreSQL vs psql \\copy, {reps} rep(s)")
            ours, copy = [], []
            for rep in range(reps):
                settle(60)
                d = request(a.port, "POST", f"/api/bench/produce?n={n}", timeout=900)
                ours.append(d["lines_per_s"])
                copy.append(copy_rate(db, d["run"], n, rep))
                log(f"  ours {ours[-1]:,.0f} lines/s, psql \\copy {copy[-1]:,.0f} lines/s")
            res["h1"] = {"ours_lines_per_s": med(ours), "copy_lines_per_s": med(copy),
                         "ours_all": [round(x) for x in ours], "copy_all": [round(x) for x in copy],
                         "run": d["run"], "a_rss_mib": a.rss()["VmRSS"]}

            log("(h3) B's reads of A's run under wrk (tail, 10 lines per request)")
            run = d["run"]
            path = f"/api/log?run={run}&after={n - 10}&limit=10"
            page = request(b.port, "GET", path)
            assert [l["seq"] for l in page["lines"]] == list(range(n - 9, n + 1)), page
            run_wrk(b.port, path, 10, 1, "h-warmup")
            reads = {}
            # 500 viewers: each its own connection, polling every 500 ms as the page does, at phases
            # spread over the first 500 ms (as 500 pages opened at different moments); then as fast as 50
            # and 500 connections can (wrk, closed loop, no pause): the ceiling.
            settle(60)
            v = viewers(b.port, 500, max(A.duration, 5), path=path)
            v.pop("lags")
            reads["viewers_500"] = dict(v, conns=500, tag="viewers")
            log(f"  500 viewers: {v['rps']:,.0f} req/s, p50 {v['p50_ms']:.2f} ms, p99 {v['p99_ms']:.2f} ms, "
                f"errors {v['errors']}")
            for tag, c in (("closed", 50), ("closed", 500)):
                settle(60)
                w = run_wrk(b.port, path, c, A.duration, f"h-b-{tag}-c{c}")
                reads[f"{tag}_{c}"] = dict({k: w[k] for k in ("rps", "p50_ms", "p99_ms", "non2xx", "socket_errors")},
                                           conns=c, tag=tag)
                log(f"  {tag} c={c}: {w['rps']:,.0f} req/s, p50 {w['p50_ms']:.2f} ms, p99 {w['p99_ms']:.2f} ms")
            res["h3"] = reads

            rate, D = 10, A.g_seconds
            log(f"(h2) producer on A -> pixel on B at {rate} lines/s for {D} s, with 19 more viewers on B")
            settle(60)
            d2 = request(a.port, "POST", f"/api/bench/produce?n={rate * D}&rate={rate}")
            others = in_thread(viewers, b.port, 19, D, runs=[d2["run"]])
            res["h2"] = pixel_latency(b.port, d2["run"], D, "team-a-to-b",
                                      {"producer": f"A: /api/bench/produce?n={rate * D}&rate={rate}; page on B"})
            o = others.result()
            res["h2"]["other_viewers"] = {"count": 19, "p99_ms": o["p99_ms"], "errors": o["errors"]}
            log(f"  p50 {res['h2']['p50_ms']} ms, p95 {res['h2']['p95_ms']} ms")

            runs_n, lrate, secs = (4, 2000, 5) if q else (20, 2000, 30)
            log(f"(h4) {runs_n} runs x {lrate} lines/s x {secs} s on 2 workers")
            settle(60)
            with Worker("h-w1", db, "--runs", "20") as w1, Worker("h-w2", db, "--runs", "20") as w2:
                time.sleep(1)  # both listening
                t0 = time.time()
                ids = [request(a.port, "POST", f"/api/bench/produce?n={lrate * secs}&rate={lrate}&queue=true")["run"]
                       for _ in range(runs_n)]
                # One page per run on B, following it: the lag each sees, sampled at every poll.
                followed = in_thread(viewers, b.port, runs_n, secs, runs=ids)
                done = wait_finished(b.port, ids, secs * 4 + 60)
                lag_first, lag_last = lag_windows(followed.result()["lags"], secs)
                wall = time.time() - t0
                rss = [round(w1.rss()["VmHWM"], 1), round(w2.rss()["VmHWM"], 1)]
            got = stored(db, ids)
            want = lrate * secs
            whole = sum(1 for r in ids if got.get(r, (0, 0, 0)) == (want, want, 0)
                        and done[r]["status"] == "passed")
            lost = sum(want - got.get(r, (0, 0, 0))[0] for r in ids)
            by = {}
            for r in ids:
                by[done[r].get("worker")] = by.get(done[r].get("worker"), 0) + 1
            # The last line each instance shows is the last one produced (B reads what the workers wrote).
            tails = sum(1 for r in ids if request(b.port, "GET", f"/api/log?run={r}&after={want - 1}&limit=5")
                        ["lines"][-1]["msg"] == f"bench line {want - 1}")
            res["h4"] = {"runs": runs_n, "rate": lrate, "seconds": secs, "lines": runs_n * want,
                         "whole_runs": whole, "lost": lost, "tails_ok": tails, "wall_s": round(wall, 1),
                         "by_worker": by, "worker_hwm_mib": rss,
                         "lag_p95_first_ms": lag_first, "lag_p95_last_ms": lag_last}
            log(f"  {whole}/{runs_n} runs whole, {lost} lines lost, wall {wall:.1f} s, by worker {by}, "
                f"lag p95 first third {lag_first:.0f} ms, last third {lag_last:.0f} ms")
    finally:
        drop()
    R["h"] = res


def summary(R, s):
    """The (h) section of summary.md."""
    h = R["h"]
    row = s.row
    rows = []
    if "h1" in h:
        o, c = h["h1"]["ours_lines_per_s"], h["h1"]["copy_lines_per_s"]
        rows.append(row(f"(h1) {h['n']:,} lines of one run into PostgreSQL: lines/s (peer column: psql \\copy)",
                        c, o, target="≥ 0.5× of \\copy", ok=o / c >= 0.5 if o and c else None))
    if "h2" in h:
        rows.append(row("(h2) producer on A → pixel on B, 10 lines/s: p95", None, h["h2"]["p95_ms"], " ms",
                        target="≤ 600 ms", ok=h["h2"]["p95_ms"] is not None and h["h2"]["p95_ms"] <= 600,
                        show_ratio=False))
        rows.append(row("(h2) … p50", None, h["h2"]["p50_ms"], " ms", show_ratio=False))
        ov = h["h2"].get("other_viewers")
        if ov:
            rows.append(row(f"(h2) … the {ov['count']} other viewers' polls on B: p99", None, ov["p99_ms"], " ms",
                            show_ratio=False))
    for w in (h.get("h3") or {}).values():
        if w["tag"] == "viewers":
            rows.append(row(f"(h3) B's reads of A's run, {w['conns']} viewers polling every 500 ms: p99 "
                            f"({w['rps']:,.0f} req/s)", None, w["p99_ms"], " ms", target="≤ 50 ms",
                            ok=w["p99_ms"] is not None and w["p99_ms"] <= 50, show_ratio=False))
        else:
            rows.append(row(f"(h3) … {w['conns']} connections without pause: p99 ({w['rps']:,.0f} req/s)", None,
                            w["p99_ms"], " ms", show_ratio=False))
    if "h4" in h:
        x = h["h4"]
        rows.append(row(f"(h4) {x['runs']} runs × {x['rate']:,} lines/s × {x['seconds']} s on 2 workers: lines lost",
                        None, x["lost"], target="0", ok=x["lost"] == 0 and x["whole_runs"] == x["runs"],
                        show_ratio=False))
        rows.append(row("(h4) … wall time, queue to last run finished", None, x["wall_s"], " s",
                        target=f"≈ {x['seconds']} s", show_ratio=False))
        f, l = x.get("lag_p95_first_ms"), x.get("lag_p95_last_ms")
        rows.append(row("(h4) … lag a page on B sees (now − newest line), p95 in the first → last third", None,
                        None if f is None else f"{f:.0f} → {l:.0f} ms", target="does not grow (≤ first + 250 ms)",
                        ok=None if f is None else l <= f + 250, show_ratio=False))
    L = ["## (h) Team setup: PostgreSQL, two instances, two workers", "",
         "No peer column: the seed has no team mode. (h1)'s yardstick is psql's `\\copy` of exactly the rows "
         "our run stored, into the same table (other run id); both go through the same PostgreSQL on this "
         "machine. A and B are `serve --db … --no-worker` on one database; workers are `livesmoke worker`.", ""]
    L += table(rows)
    if "h4" in h:
        L += ["", f"(h4) runs per worker: {h['h4']['by_worker']}; runs whole (every seq once, status passed): "
                  f"{h['h4']['whole_runs']}/{h['h4']['runs']}; last line read on B as produced: "
                  f"{h['h4']['tails_ok']}/{h['h4']['runs']}; workers' peak RSS {h['h4']['worker_hwm_mib']} MiB."]
    if "h1" in h:
        L += ["", f"(h1) runs (lines/s): ours {h['h1']['ours_all']}, psql \\copy {h['h1']['copy_all']}."]
    return L + [""]
