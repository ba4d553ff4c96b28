"""(a) producer: lines/s of 10^5 and 10^6 in-process log calls and the RSS they add, a fresh process
per rep: the peer's own `bench.py _inproc async-uvloop N` against our `benches/producer.rs`."""
import json
import os
import subprocess

from lib import context as ctx
from lib.context import PY, log
from lib.noise import settle
from lib.processes import pin
from lib.stats import med
from lib.summary import ratio, table


def measure(R):
    log("(a) producer, in-process, pinned to CPU %s" % ctx.A.server_cpus)
    rows = []
    for n, reps in ((100_000, ctx.A.reps_small), (1_000_000, ctx.A.reps_large)):
        peer, ours = [], []
        for _ in range(reps):
            settle(60)
            cp = subprocess.run(pin(ctx.A.server_cpus) + [PY, "-B", str(ctx.A.peer / "bench.py"), "_inproc",
                                                          "async-uvloop", str(n)],
                                cwd=ctx.OUT, capture_output=True, text=True, timeout=600, check=True,
                                env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
            peer.append(json.loads(cp.stdout.strip().splitlines()[-1]))
            if ctx.A.producer:
                cp = subprocess.run(pin(ctx.A.server_cpus) + [ctx.A.producer, str(n)], cwd=ctx.OUT,
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


def summary(R, s):
    """The (a) section of summary.md."""
    row = s.row
    L = []
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
    return L
