"""(i) what the token gate costs: the same tail read (`GET /api/log`, 10 lines) under wrk on a server with
auth off (the loopback default) and on (`serve --auth`, a bearer token on every request). With auth on,
each request looks the token's hash up in the run history's database: no cache, so a revoked token fails
on its very next request, on every instance."""
import subprocess

from lib import context as ctx
from lib.context import HOST, log
from lib.http_client import request
from lib.servers import Server
from lib.summary import table
from lib.wrk import run_wrk, summarize_runs, wrk_measured

CONNS = 50
LINES = 10_000


def measure(R):
    res = {"conns": CONNS}
    binary = str(ctx.A.src / "target/release/livesmoke")
    log(f"(i) tail reads with auth off and on, {CONNS} connections, {ctx.A.duration} s, {ctx.A.reps_wrk} rep(s)")
    for mode in ("open", "auth"):
        data = ctx.OUT / f"ours-i-{mode}"
        header, extra, ready = None, [], "/api/runs"
        if mode == "auth":
            token = subprocess.run([binary, "token", "create", "bench", "--scope", "run", "--data", str(data)],
                                   capture_output=True, text=True, check=True).stdout.strip()
            header, extra, ready = f"Authorization: Bearer {token}", ["--auth"], "/login"
        cmd = [binary, "serve", "--bench", "--addr", f"{HOST}:{ctx.A.our_port}", "--data", str(data),
               "--suites", str(ctx.SUITES)] + extra
        env = {"LEPTOS_SITE_ROOT": str(ctx.SITE), "LEPTOS_OUTPUT_NAME": "livesmoke"}
        with Server(f"ours-i-{mode}", cmd, ctx.A.our_port, ready, env=env, cwd=ctx.A.src) as srv:
            hdrs = {"authorization": header.split(": ", 1)[1]} if header else None
            run = request(srv.port, "POST", f"/api/bench/produce?n={LINES}", headers=hdrs)["run"]
            path = f"/api/log?run={run}&after={LINES - 10}&limit=10"
            run_wrk(srv.port, path, CONNS, 1 if ctx.A.quick else 2, f"i-{mode}-warmup", header=header)
            runs = [wrk_measured(srv, path, CONNS, f"i-{mode}-r{rep + 1}", header=header)
                    for rep in range(ctx.A.reps_wrk)]
            for w in runs:
                w["lines_per_s"] = (w["rps"] or 0) * 10
            row = summarize_runs(runs, {"conns": CONNS})
            log(f"  {mode}: {row['rps']:,.0f} req/s, p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms, "
                f"errors {row['errors']}")
            res[mode] = row
    R["i"] = res


def summary(R, s):
    """The (i) section of summary.md."""
    i = R["i"]
    o, a = i.get("open"), i.get("auth")
    rows = []
    if o and a:
        # What a user notices is whether the team's viewers are served: (h3)'s 500 viewers polling
        # every 500 ms are 1,000 req/s. The ratio is the price of checking every request uncached.
        rows.append(s.row(f"(i) tail reads, {i['conns']} connections: req/s (peer column: auth off)", o["rps"],
                          a["rps"], target="≥ 1,000 (500 viewers)", ok=a["rps"] >= 1000 and not a["errors"]))
        rows.append(s.row("(i) … p99 (peer column: auth off)", o["p99_ms"], a["p99_ms"], " ms", nd=2))
    L = ["## (i) The token gate", "",
         "No peer column: the seed has no auth. Both columns are ours: the same read on a server with auth off "
         "(the loopback default) and with `--auth` and a bearer token, checked on every request without a cache.",
         ""]
    return L + table(rows) + [""]
