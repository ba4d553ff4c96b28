"""(f) browser: headless chromium shows 10^5 lines: the peer's static client on a filled queue against
our run page on a finished run (and, in a full run, a live one); lines shown per second, the main
thread's busy share, the longest freeze, the page-load floor."""
from lib import context as ctx
from lib.browser_node import ALL_CPUS, run_node
from lib.context import HOST, log
from lib.http_client import request
from lib.servers import cleanup_data, our_server, ours_produce, peer_server, supports_rate
from lib.summary import table


def show_finished(url, n, cpus=None):
    """Our page on a finished run, measured for 10 s at least (the issue's first window is the first 10 s)."""
    return run_node("show", "ours", url, n, ctx.A.f_max_s, 10, timeout=ctx.A.f_max_s + 120, cpus=cpus)


def show_live(srv, n, cpus=None):
    """Our page opened on a new run of `n` lines produced at `ctx.A.f_live_rate` lines/s."""
    d = ours_produce(n, rate=ctx.A.f_live_rate)
    return run_node("show", "ours", f"http://{HOST}:{srv.port}/runs/{d['run']}", n, n / ctx.A.f_live_rate + 60,
                    timeout=n / ctx.A.f_live_rate + 180, cpus=cpus)


def measure(R):
    n = ctx.A.f_lines
    log(f"(f) browser: {n:,} lines to show, headless chromium on CPU {ctx.A.browser_cpus or ctx.A.loadgen_cpus}")
    res = {"lines": n}
    with peer_server("f") as srv:
        request(srv.port, "POST", f"/bench/produce?n={n}", timeout=600)
        client = f"http://{HOST}:{srv.port}/client/?interval=500&count={ctx.A.f_peer_count}"
        res["peer"] = run_node("show", "peer", client, n, ctx.A.f_max_s, timeout=ctx.A.f_max_s + 120)
        res["peer"]["client"] = f"count={ctx.A.f_peer_count}, interval=500 ms"
    log(f"  peer: {res['peer']['linesPerS']:,.0f} lines/s shown, longest freeze {res['peer']['maxGapMs']:.0f} ms")
    with our_server("f") as srv:
        d = ours_produce(n)
        url = f"http://{HOST}:{srv.port}/runs/{d['run']}"
        res["ours"] = show_finished(url, n)
        log(f"  ours: {res['ours']['linesPerS']:,.0f} lines/s shown, longest freeze {res['ours']['maxGapMs']:.0f} ms")
        # the page-load floor: what loading a page costs this browser before any script of ours runs
        res["floor_blank"] = run_node("floor", "blank", url, ctx.A.f_floor_reps, timeout=300)
        res["floor_static"] = run_node("floor", "static", url, ctx.A.f_floor_reps, timeout=300)
        log(f"  page-load floor: blank page {res['floor_blank']['maxGapMs']}, our HTML+CSS without script "
            f"{res['floor_static']['maxGapMs']} ms")
        if ctx.A.f_live_rate:
            if supports_rate():
                live = show_live(srv, n)
                live["producer"] = f"/api/bench/produce?rate={ctx.A.f_live_rate}"
                log(f"  ours live at {ctx.A.f_live_rate}/s: busy {live['busyFirst']:.2f} -> {live['busyLast']:.2f}, "
                    f"longest freeze {live['maxGapMs']:.0f} ms")
            else:
                live = {"skipped": "our /api/bench/produce has no rate= (paced) mode in this build"}
            res["ours_live"] = live
            res["live_rate"] = ctx.A.f_live_rate
            if "linesPerS" in live and ctx.A.f_all_cpus:
                # the same page and a new live run with the browser free to use every core (the server
                # stays pinned): how much of the freezes is the browser's own threads sharing one core
                res["ours_all_cpus"] = show_finished(url, n, cpus=ALL_CPUS)
                res["ours_live_all_cpus"] = show_live(srv, n, cpus=ALL_CPUS)
                log(f"  browser on CPUs {ALL_CPUS}: longest freeze {res['ours_all_cpus']['maxGapMs']:.0f} ms "
                    f"(once live {res['ours_all_cpus'].get('maxGapAfterLiveMs', 0):.0f}); "
                    f"live at {ctx.A.f_live_rate}/s "
                    f"{res['ours_live_all_cpus'].get('maxGapAfterFirstMs', 0):.0f} ms after the first line")
        cleanup_data(srv)
    R["f"] = res


def summary(R, s):
    """The (f) section of summary.md."""
    row = s.row
    L = []
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
          f"Peer: its static client `?interval=500&count={ctx.A.f_peer_count}` on a pre-filled queue. Ours: the run "
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
        k = f"(f) browser on CPUs {ALL_CPUS} (not pinned; server still on CPU {ctx.A.server_cpus})"
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
    return L
