"""wrk runs (1 thread, pinned to --loadgen-cpus): its output parsed, the server's and wrk's own CPU use
beside it, and the reps of one row summarized."""
import re
import resource
import subprocess
import time

from lib import context as ctx
from lib.context import HOST
from lib.processes import pin
from lib.stats import med


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


def run_wrk(port, path, conns, duration, tag, script=None, header=None):
    cmd = pin(ctx.A.loadgen_cpus) + ["wrk", "-t", "1", "-c", str(conns), "-d", f"{duration}s",
                                     "--timeout", "5s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    if header:
        cmd += ["-H", header]
    cmd.append(f"http://{HOST}:{port}{path}")
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cp = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    (ctx.OUT / "wrk").mkdir(exist_ok=True)
    (ctx.OUT / "wrk" / f"{tag}.txt").write_text(" ".join(cmd) + "\n" + cp.stdout + cp.stderr)
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


def wrk_measured(srv, path, c, tag, script=None, duration=None, header=None):
    duration = duration or ctx.A.duration
    cpu0, t0 = srv.cpu(), time.time()
    w = run_wrk(srv.port, path, c, duration, tag, script, header)
    el = time.time() - t0
    w["server_cores"] = (srv.cpu() - cpu0) / el
    w["wrk_cores"] = w["wrk_cpu_s"] / (w["elapsed_s"] or duration)
    return w
