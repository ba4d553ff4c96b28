"""(c) memory: server RSS after 10^6 and 10^7 lines produced and not read, the first, a middle and the
last line read back; (d) stall: one read issued 100 ms into a 10^6-line burst. Measured together:
the stall's burst runs on the servers the memory part has just filled."""
import threading
import time

from lib import context as ctx
from lib.context import log
from lib.http_client import request, timed_get
from lib.noise import settle
from lib.servers import cleanup_data, our_server, ours_line, ours_produce, peer_qsize, peer_server
from lib.stats import med
from lib.summary import fmt, met, table


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


def measure(R):
    log("(c) memory and (d) stall")
    peer_runs, ours_runs = [], []
    for rep in range(ctx.A.reps_large):
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
    if ctx.A.big:
        n = ctx.A.big
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


def summary(R, s):
    """The (c) and (d) sections of summary.md."""
    row = s.row
    L = []
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
            s.misses.append("(c) readable")
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
    return L
