"""(g) producer → pixel: each line's latency from its producer timestamp to the first animation frame
that shows it, at 500 ms polling, 10 (and 100) lines/s."""
import time

from lib import context as ctx
from lib.browser_node import finish_node, start_node_latency, wait_ready
from lib.context import HOST, log
from lib.http_client import request
from lib.servers import cleanup_data, our_server, ours_produce, peer_server, supports_rate
from lib.stats import pct
from lib.suite_files import toml_str
from lib.summary import table


def pace_suite(rate, seconds):
    """A MariaDB suite that logs ~`rate` lines/s: each step logs 2 lines (start, ok) and sleeps 2/rate s."""
    steps = max(1, int(rate * seconds / 2))
    L = ["suite = \"bench-pace\"", "default_db = \"main\"", "", "[db.main]", "kind = \"mariadb\"",
         f"url = {toml_str(f'mysql://root@{HOST}:3306/{ctx.A.mariadb_db}')}", "", "[[case]]",
         "name = \"pace\"", "timeout = \"3600s\"", ""]
    for _ in range(steps):
        L += ["  [[case.step]]", f"  sql = \"SELECT SLEEP({2 / rate:.4f})\"", ""]
    name = f"bench-pace-{rate}.toml"
    (ctx.SUITES / name).write_text("\n".join(L))
    return name


def lat_stats(lat, extra=None):
    d = {"lines": len(lat), "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "max_ms": max(lat) if lat else None}
    d.update(extra or {})
    return d


def pixel_latency(port, run, seconds, tag, extra):
    """Our run page on `port` shows `run` (being produced, by this server or another) for `seconds`:
    each line's latency from its `ts` to the first frame that shows it."""
    p = start_node_latency("ours", f"http://{HOST}:{port}/runs/{run}", seconds + 3)
    rec = finish_node(p, tag, seconds + 120)
    ts, after = {}, 0
    while True:
        page = request(port, "GET", f"/api/log?run={run}&after={after}&limit=5000")
        for line in page["lines"]:
            ts[line["seq"]] = line["ts"]
        if not page["lines"]:
            break
        after = page["next"]
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
    return lat_stats(lat_f, dict({"shown": len(lat_f) - unshown, "unshown": unshown,
                                  "p50_mutation_ms": pct(lat_m, 50), "p95_mutation_ms": pct(lat_m, 95)}, **extra))


def measure(R):
    res = {}
    D = ctx.A.g_seconds
    for rate in ctx.A.g_rates:
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
            res[f"ours_{rate}"] = pixel_latency(srv.port, run, D, f"ours-{rate}", {"producer": how})
            cleanup_data(srv)
        log(f"  peer p50 {res[f'peer_{rate}']['p50_ms']}, p95 {res[f'peer_{rate}']['p95_ms']} ms; "
            f"ours p50 {res[f'ours_{rate}']['p50_ms']}, p95 {res[f'ours_{rate}']['p95_ms']} ms")
    R["g"] = res


def summary(R, s):
    """The (g) section of summary.md."""
    row = s.row
    L = []
    rows = []
    for rate in ctx.A.g_rates:
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
    o0 = R["g"].get(f"ours_{ctx.A.g_rates[0]}", {})
    L += ["## (g) Producer → pixel latency at 500 ms polling", "",
          "Latency of a line = the first animation frame after the `MutationObserver` saw it in the page − "
          "its producer timestamp (same machine clock). Peer: its own client (`count=10`, 500 ms); lines put "
          "one at a time by `POST /bench/produce?n=1` at a steady pace (producer time = the call's midpoint). "
          f"Ours: the run page; producer: {o0.get('producer', '?')}; each line's `ts` from `/api/log`; only "
          "lines produced after the page's first render count.", ""] + table(rows) + [""]
    return L
