"""(j) HTTP smoke runners side by side: the same suite of N GETs (a static JSON file from a local nginx;
each request asserts the status and one JSONPath and captures one value) run by livesmoke, by Hurl 8.0.1
and by newman, as a user runs them: the wall time of the whole process (start-up included), the tools
alternated rep by rep. Then (j2) the parallel scaling: the same N requests split into cases and files,
run sequentially and two at a time (livesmoke's suite key `parallel = 2` and `run --jobs 2`; Hurl's
`--jobs 2` over the same two halves for reference), with the runner free to use both cores."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time

from lib import context as ctx
from lib.context import HOST, log
from lib.http_client import request
from lib.noise import settle
from lib.processes import pin
from lib.servers import Server
from lib.stats import med
from lib.suite_files import toml_str
from lib.summary import rfmt, table

BODY = {"status": "ok", "id": 42, "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}]}
PATH = "/item.json"
HURL_VERSION = "8.0.1"
SEQ_TARGET, PAR_TARGET = 1.5, 1.7
PAR_CASES = 8  # (j2): the N requests as 8 cases (2 files of 4 cases for --jobs)


# ---- the target: nginx, one process, pinned to --server-cpus, serving one static file


def nginx_server():
    d = ctx.OUT / "j-nginx"
    shutil.rmtree(d, ignore_errors=True)
    (d / "www").mkdir(parents=True)
    (d / "www" / PATH.lstrip("/")).write_text(json.dumps(BODY))
    conf = d / "nginx.conf"
    # One process (no master): its PID is the server's, its CPU time the target's whole cost. Keep-alive
    # without a request limit, no access log: serving a 90-byte file from the page cache is all it does.
    conf.write_text(f"""daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {d}/tmp-body;
  proxy_temp_path {d}/tmp-proxy;
  fastcgi_temp_path {d}/tmp-fastcgi;
  uwsgi_temp_path {d}/tmp-uwsgi;
  scgi_temp_path {d}/tmp-scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server {{
    listen {HOST}:{ctx.A.our_port};
    root {d}/www;
    default_type application/json;
    location = /nginx_status {{ stub_status; }}
  }}
}}
""")
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    return Server("j-nginx", [exe, "-p", str(d), "-e", str(d / "error.log"), "-c", str(conf)], ctx.A.our_port,
                  PATH)


def cpu_ns(pid):
    """CPU time of a single-threaded process in ns (/proc/PID/schedstat: nanosecond resolution; /proc/PID/stat
    counts 10 ms ticks, too coarse for runs of 100 ms)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def nginx_requests(port):
    """nginx's own count of requests handled (stub_status; this request included)."""
    text = request(port, "GET", "/nginx_status", raw=True).decode()
    return int(text.splitlines()[2].split()[2])


# ---- the three suites


def ours_suite(name, url, cases, per_case, parallel=None):
    L = [f"suite = {toml_str(name)}"] + ([f"parallel = {parallel}"] if parallel else []) + [""]
    for c in range(cases):
        L += ["[[case]]", f"name = \"case {c}\"", ""]
        for _ in range(per_case):
            L += ["  [[case.step]]", f"  http = {toml_str('GET ' + url)}", "  expect.status = 200",
                  "  expect.json = [{ path = \"$.status\", eq = \"ok\" }]", "  capture.id = \"json:$.id\"", ""]
    return "\n".join(L)


def hurl_file(url, n):
    entry = f"GET {url}\nHTTP 200\n[Captures]\nid: jsonpath \"$.id\"\n[Asserts]\njsonpath \"$.status\" == \"ok\"\n"
    return "\n".join([entry] * n)


def postman_collection(url):
    """One request whose test script asserts the status and the JSONPath and sets a variable; newman runs
    it N times (`-n N`, as in the issue's hand measurement)."""
    return {"info": {"name": "bench-j",
                     "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": [{"name": "get item", "request": {"method": "GET", "url": url},
                      "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": [
                          "pm.test('status 200', function () { pm.response.to.have.status(200); });",
                          "const body = pm.response.json();",
                          "pm.test('$.status == ok', function () { pm.expect(body.status).to.eql('ok'); });",
                          "pm.collectionVariables.set('id', body.id);"]}}]}]}


# ---- one timed run


def history_runs(data, after_id):
    """Our runs recorded after run `after_id` in the history of data dir `data`: (id, started_at,
    finished_at) in ms. started_at is taken once the suite is loaded, finished_at when its last case ended."""
    db = data / "livesmoke.db"
    if not db.exists():
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return c.execute("SELECT id, started_at, finished_at FROM runs WHERE id > ? ORDER BY id",
                         (after_id,)).fetchall()


def own_time(cmd, log_text, before):
    """The tool's own account of the run, without process start-up, loading and shutdown: livesmoke's from its
    history (first run's start to last run's end), Hurl's the `Duration:` it prints in test mode."""
    if "--data" in cmd:
        runs = history_runs(cmd[cmd.index("--data") + 1], before)
        return (max(r[2] for r in runs) - min(r[1] for r in runs)) / 1000 if runs else None
    m = re.search(r"^Duration:\s+(\d+) ms", log_text, re.M)
    return int(m.group(1)) / 1000 if m else None


def timed(cmd, cpus, tag, srv, expect_requests):
    """Runs `cmd` pinned to `cpus`: wall time of the process, its CPU time (all threads, from wait4's
    rusage: taskset and env exec the tool, so it is the tool itself), the target's CPU time meanwhile,
    and the requests nginx saw (must be exactly `expect_requests`).

    The wait is a blocking wait4, not `subprocess.run(timeout=…)`: with a timeout, Python polls the
    child with sleeps that grow to 50 ms, which rounds every wall time up to the next 50 ms step (runs
    of 165–215 ms all read 215 ms). A timer kills a run that hangs."""
    logs = ctx.OUT / "j-logs"
    logs.mkdir(exist_ok=True)
    r0, c0 = nginx_requests(srv.port), cpu_ns(srv.pid)
    data = cmd[cmd.index("--data") + 1] if "--data" in cmd else None
    before = max((r[0] for r in history_runs(data, 0)), default=0) if data else 0
    with open(logs / f"{tag}.txt", "w") as out:
        out.write(" ".join(map(str, cmd)) + "\n")
        out.flush()
        t = time.perf_counter()
        p = subprocess.Popen(pin(cpus) + [str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, cwd=ctx.OUT)
        watchdog = threading.Timer(900, p.kill)
        watchdog.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        watchdog.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    c1, r1 = cpu_ns(srv.pid), nginx_requests(srv.port)
    seen = r1 - r0 - 1
    res = {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "target_cpu_s": (c1 - c0) / 1e9,
           "rc": p.returncode, "requests": seen,
           "own_s": own_time(cmd, (logs / f"{tag}.txt").read_text(errors="replace"), before)}
    if p.returncode != 0 or seen != expect_requests:
        raise RuntimeError(f"(j) {tag}: exit {p.returncode}, {seen} requests (expected {expect_requests}); "
                           f"see {logs / (tag + '.txt')}")
    return res


def spread(runs, n):
    w = [r["wall_s"] for r in runs]
    m = med(w)
    return {"reps": len(runs), "wall_s": m, "wall_min_s": min(w), "wall_max_s": max(w),
            "wall_all_s": [round(x, 4) for x in w], "rps": n / m, "cpu_s": med([r["cpu_s"] for r in runs]),
            "target_cpu_s": med([r["target_cpu_s"] for r in runs]),
            "target_share": sum(r["target_cpu_s"] for r in runs) / sum(r["wall_s"] for r in runs),
            "own_s": med([r["own_s"] for r in runs]), "own_all_s": [r["own_s"] for r in runs]}


def version(cmd):
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (cp.stdout.strip() or cp.stderr.strip()).splitlines()[0]
    except Exception as e:  # noqa: BLE001 (a missing tool is reported, not fatal here)
        return f"? ({e})"


def measure(R):
    A = ctx.A
    n = A.j_requests
    binary = A.src / "target/release/livesmoke"
    newman = ctx.HERE / "out/.node-peers/node_modules/.bin/newman"
    hurl = shutil.which("hurl") or os.path.expanduser("~/.cargo/bin/hurl")
    for what, path in (("hurl", hurl), ("newman", newman)):
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"(j) {what} not found at {path}: bench/run.sh installs it (see bench/README.md)")
    d = ctx.OUT / "j-suites"
    d.mkdir(exist_ok=True)
    data = ctx.OUT / "j-data"  # one history for all our runs (a warm-up run creates it)
    url = f"http://{HOST}:{A.our_port}{PATH}"
    files = {}
    for k, count in (("n", n), ("1", 1)):
        files[f"ours-{k}"] = d / f"ours-{k}.toml"
        files[f"ours-{k}"].write_text(ours_suite(f"bench-j-{k}", url, 1, count))
        files[f"hurl-{k}"] = d / f"hurl-{k}.hurl"
        files[f"hurl-{k}"].write_text(hurl_file(url, count))
    coll = d / "newman.postman_collection.json"
    coll.write_text(json.dumps(postman_collection(url), indent=1))
    ours_cmd = [binary, "run", "--data", data, "--lang", "en"]
    hurl_cmd = [hurl, "--test", "--jobs", "1", "--no-color"]
    tools = {  # tool -> (command for the N-request suite, for the 1-request suite)
        "livesmoke": (ours_cmd + [files["ours-n"]], ours_cmd + [files["ours-1"]]),
        "hurl": (hurl_cmd + [files["hurl-n"]], hurl_cmd + [files["hurl-1"]]),
        "newman": ([newman, "run", coll, "-n", n, "--reporters", "cli", "--disable-unicode"],
                   [newman, "run", coll, "-n", 1, "--reporters", "cli", "--disable-unicode"]),
    }
    res = {"requests": n, "url": url, "body_bytes": len(json.dumps(BODY)),
           "versions": {"hurl": version([hurl, "--version"]), "newman": version([newman, "--version"]),
                        "nginx": version(["nginx", "-v"]), "livesmoke": version([binary, "--version"])}}
    reps = {"livesmoke": A.j_reps, "hurl": A.j_reps, "newman": A.j_reps_newman}
    log(f"(j) {n:,} GETs, status + JSONPath + capture: livesmoke vs Hurl vs newman, runners on CPU "
        f"{A.loadgen_cpus}, nginx on CPU {A.server_cpus}; {A.j_reps} rep(s) ({A.j_reps_newman} for newman)")
    with nginx_server() as srv:
        # --- (j1) sequential, every runner pinned to the load generator's CPU
        runs = {t: {"n": [], "1": []} for t in tools}
        for t, (cn, c1) in tools.items():  # warm-up: page cache, our history database, node's module cache
            timed(cn, A.loadgen_cpus, f"{t}-warmup", srv, n)
        for rep in range(max(reps.values())):
            settle(30)
            order = list(tools)[rep % 3:] + list(tools)[:rep % 3]  # alternate who goes first
            for t in order:
                if rep < reps[t]:
                    runs[t]["n"].append(timed(tools[t][0], A.loadgen_cpus, f"{t}-n", srv, n))
                    runs[t]["1"].append(timed(tools[t][1], A.loadgen_cpus, f"{t}-1", srv, 1))
            log("  rep %d: %s" % (rep + 1, ", ".join(f"{t} {runs[t]['n'][-1]['wall_s']:.3f} s" for t in order
                                                     if rep < reps[t])))
        seq = {}
        for t in tools:
            row = spread(runs[t]["n"], n)
            row["startup_s"] = med([r["wall_s"] for r in runs[t]["1"]])
            row["per_request_us"] = (row["wall_s"] - row["startup_s"]) / max(1, n - 1) * 1e6
            row["cpu_per_request_us"] = (row["cpu_s"] - med([r["cpu_s"] for r in runs[t]["1"]])) / max(1, n - 1) * 1e6
            seq[t] = row
            log(f"  {t}: {row['wall_s']:.3f} s median ({row['wall_min_s']:.3f}–{row['wall_max_s']:.3f}), "
                f"{row['rps']:,.0f} req/s, start-up {row['startup_s'] * 1000:.0f} ms")
        seq["paired_hurl_over_ours"] = [round(h["wall_s"] / o["wall_s"], 3)
                                        for h, o in zip(runs["hurl"]["n"], runs["livesmoke"]["n"])]
        res["seq"] = seq
        R["j"] = res
        # --- (j2) parallel scaling: runners on every CPU, nginx still on its own
        res["par"] = parallel_scaling(srv, binary, hurl, url, d, data)
    R["j"] = res


def parallel_scaling(srv, binary, hurl, url, d, data):
    A = ctx.A
    n = A.j_requests
    cpus = f"0-{os.cpu_count() - 1}"
    per_case = n // PAR_CASES
    half = PAR_CASES // 2
    f = {"p1": d / "par-1.toml", "p2": d / "par-2.toml", "h1": d / "half-1.toml", "h2": d / "half-2.toml",
         "hurl1": d / "half-1.hurl", "hurl2": d / "half-2.hurl"}
    f["p1"].write_text(ours_suite("bench-j-par", url, PAR_CASES, per_case))
    f["p2"].write_text(ours_suite("bench-j-par", url, PAR_CASES, per_case, parallel=2))
    f["h1"].write_text(ours_suite("bench-j-half-1", url, half, per_case))
    f["h2"].write_text(ours_suite("bench-j-half-2", url, half, per_case))
    f["hurl1"].write_text(hurl_file(url, half * per_case))
    f["hurl2"].write_text(hurl_file(url, half * per_case))
    total = PAR_CASES * per_case
    ours = [binary, "run", "--data", data, "--lang", "en"]
    res = {"requests": total, "cases": PAR_CASES, "per_case": per_case, "runner_cpus": cpus, "missing": []}
    # What this build supports: `run --jobs` in its help, `parallel` accepted by `check`.
    helptext = subprocess.run([binary, "run", "--help"], capture_output=True, text=True).stdout
    if "--jobs" not in helptext:
        res["missing"].append("`livesmoke run --jobs N` (not in `run --help`)")
    chk = subprocess.run([binary, "check", f["p2"]], capture_output=True, text=True)
    if chk.returncode != 0:
        res["missing"].append("the suite key `parallel = N` (`livesmoke check` refuses it: "
                              + " ".join((chk.stdout + chk.stderr).split())[:200] + ")")
    configs = [("ours-p1", "livesmoke, 1 suite of 8 cases × %d, `parallel = 1`" % per_case, ours + [f["p1"]]),
               ("hurl-j1", "Hurl, 2 files × %d, `--jobs 1`" % (half * per_case),
                [hurl, "--test", "--jobs", "1", "--no-color", f["hurl1"], f["hurl2"]]),
               ("hurl-j2", "Hurl, 2 files × %d, `--jobs 2`" % (half * per_case),
                [hurl, "--test", "--jobs", "2", "--no-color", f["hurl1"], f["hurl2"]])]
    if not any("parallel" in m for m in res["missing"]):
        configs.insert(1, ("ours-p2", "livesmoke, the same suite with `parallel = 2`", ours + [f["p2"]]))
    if not any("--jobs" in m for m in res["missing"]):
        configs.insert(1, ("ours-j1", "livesmoke, 2 suites × 4 cases × %d, `--jobs 1`" % per_case,
                           ours + ["--jobs", "1", f["h1"], f["h2"]]))
        configs.insert(2, ("ours-j2", "livesmoke, the same 2 suites, `--jobs 2`",
                           ours + ["--jobs", "2", f["h1"], f["h2"]]))
    log(f"(j2) parallel scaling: {total:,} GETs as {PAR_CASES} cases × {per_case}, runners on CPUs {cpus}, "
        f"{A.j_reps_par} rep(s)" + ("; NOT IN THIS BUILD: " + "; ".join(res["missing"]) if res["missing"] else ""))
    runs = {k: [] for k, _, _ in configs}
    for k, _, cmd in configs:
        timed(cmd, cpus, f"par-{k}-warmup", srv, total)
    for rep in range(A.j_reps_par):
        settle(30)
        order = configs[rep % len(configs):] + configs[:rep % len(configs)]
        for k, _, cmd in order:
            runs[k].append(timed(cmd, cpus, f"par-{k}", srv, total))
    res["rows"] = {}
    for k, label, _ in configs:
        row = spread(runs[k], total)
        row["label"] = label
        res["rows"][k] = row
        log(f"  {label}: {row['wall_s']:.3f} s ({row['wall_min_s']:.3f}–{row['wall_max_s']:.3f}), "
            f"{row['rps']:,.0f} req/s, nginx {row['target_share'] * 100:.0f} % of a core")
    if res["missing"]:
        raise_later = "(j2) not measured on this build: " + "; ".join(res["missing"])
        log("  " + raise_later)
        res["error"] = raise_later
    return res


def summary(R, s):
    """The (j) section of summary.md."""
    j = R["j"]
    n = j["requests"]
    v = j["versions"]
    L = [f"## (j) HTTP runners: the same {n:,} GETs in livesmoke, Hurl and newman", "",
         f"One suite of {n:,} requests (`GET {j['url']}`, a {j['body_bytes']}-byte static JSON from nginx, one "
         f"process on CPU {ctx.A.server_cpus}, keep-alive, no access log), each asserting the status (200) and "
         f"`$.status == \"ok\"` and capturing `$.id`: livesmoke one case of {n:,} `[[case.step]]`s "
         f"(`run --data DIR --lang en`), Hurl {n:,} entries (`hurl --test --jobs 1`), newman one request run "
         f"`-n {n}` (a test script asserts both and sets a collection variable; `--reporters cli`). Wall time of "
         f"the process (start-up included, as a user or CI sees it; output to a file), each runner pinned to "
         f"CPU {ctx.A.loadgen_cpus}, the tools alternated rep by rep after one warm-up run each; nginx's "
         f"request count checked after every run. Start-up: the same suite with one request. Versions: "
         f"{v['livesmoke']}, {v['hurl']}, newman {v['newman']}, {v['nginx']}.", ""]
    seq = j.get("seq")
    if seq:
        L += ["| runner | reps | wall, median | min–max | req/s | own time | CPU time | start-up (1 request) | "
              "per request after start-up | CPU per request | time ÷ livesmoke's |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for t in ("livesmoke", "hurl", "newman"):
            r = seq[t]
            own = f"{r['own_s'] * 1000:,.0f} ms" if r.get("own_s") is not None else "—"
            L.append(f"| {t} | {r['reps']} | {r['wall_s'] * 1000:,.0f} ms | {r['wall_min_s'] * 1000:,.0f}–"
                     f"{r['wall_max_s'] * 1000:,.0f} ms | {r['rps']:,.0f} | {own} | {r['cpu_s'] * 1000:,.0f} ms | "
                     f"{r['startup_s'] * 1000:,.0f} ms | {r['per_request_us']:,.0f} µs | "
                     f"{r['cpu_per_request_us']:,.0f} µs | {rfmt(r['wall_s'] / seq['livesmoke']['wall_s'])} |")
        rt = seq["hurl"]["wall_s"] / seq["livesmoke"]["wall_s"]
        rows = [s.row(f"(j) {n:,} GETs, sequential: req/s (peer: Hurl {HURL_VERSION})", seq["hurl"]["rps"],
                      seq["livesmoke"]["rps"], target=f"≥ {SEQ_TARGET}×", ok=rt >= SEQ_TARGET),
                s.row(f"(j) {n:,} GETs, sequential: req/s (peer: newman)", seq["newman"]["rps"],
                      seq["livesmoke"]["rps"])]
        L += ["", "*Own time*: the runner's own account, without process start-up and exit: livesmoke's from the "
              "history (the run's `started_at`, taken once the suite is loaded, to its `finished_at`), Hurl's "
              "the `Duration` it prints; wall − own time is what the process spends around the requests "
              "(start-up, loading the suite, shutdown).",
              "", f"Hurl ÷ livesmoke rep by rep (paired): {seq['paired_hurl_over_ours']}. Wall times, s: "
              + "; ".join(f"{t} {seq[t]['wall_all_s']}" for t in ("livesmoke", "hurl", "newman"))
              + f". nginx used {seq['livesmoke']['target_share'] * 100:.0f} % of its core during our runs, "
              f"{seq['hurl']['target_share'] * 100:.0f} % during Hurl's.", ""] + table(rows) + [""]
    par = j.get("par")
    L += ["### (j2) Parallel scaling", ""]
    if par and par.get("rows"):
        rows_ = par["rows"]
        L += [f"The same {par['requests']:,} GETs as {par['cases']} cases × {par['per_case']}: one suite "
              f"with `parallel = 1` and `= 2`, and two suites of {par['cases'] // 2} cases run with `--jobs 1` "
              f"and `--jobs 2`; Hurl on the same two halves as two files. Runners free on CPUs "
              f"{par['runner_cpus']} (not pinned), nginx still on CPU {ctx.A.server_cpus}: it shares that core "
              f"with the runner, so its share of a core is given (the target is not the bottleneck while it "
              "stays well under 100 %).", "",
              "| configuration | reps | wall, median | min–max | req/s | own time | CPU time "
              "| nginx, share of a core |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for k, r in rows_.items():
            own = f"{r['own_s'] * 1000:,.0f} ms" if r.get("own_s") is not None else "—"
            L.append(f"| {r['label']} | {r['reps']} | {r['wall_s'] * 1000:,.0f} ms | {r['wall_min_s'] * 1000:,.0f}"
                     f"–{r['wall_max_s'] * 1000:,.0f} ms | {r['rps']:,.0f} | {own} | {r['cpu_s'] * 1000:,.0f} ms | "
                     f"{r['target_share'] * 100:.0f} % |")
        rows = []
        base = rows_.get("ours-p1")
        for k, metric in (("ours-p2", "(j2) livesmoke `parallel = 2`: req/s (peer column: `parallel = 1`)"),):
            if k in rows_ and base:
                rt = rows_[k]["rps"] / base["rps"]
                rows.append(s.row(metric, base["rps"], rows_[k]["rps"], target=f"≥ {PAR_TARGET}×",
                                  ok=rt >= PAR_TARGET))
        if "ours-j2" in rows_ and "ours-j1" in rows_:
            rt = rows_["ours-j2"]["rps"] / rows_["ours-j1"]["rps"]
            rows.append(s.row("(j2) livesmoke `--jobs 2`, 2 suites: req/s (peer column: `--jobs 1`)",
                              rows_["ours-j1"]["rps"], rows_["ours-j2"]["rps"], target=f"≥ {PAR_TARGET}×",
                              ok=rt >= PAR_TARGET))
        for k1, k2, what in (("ours-p1", "ours-p2", "`parallel = 2` ÷ `parallel = 1`"),
                             ("ours-j1", "ours-j2", "`--jobs 2` ÷ `--jobs 1`")):
            a, b = rows_.get(k1), rows_.get(k2)
            if a and b and a.get("own_s") and b.get("own_s"):
                rows.append([f"(j2) livesmoke {what}, own time only (the requests, without start-up and loading)",
                             f"{a['own_s'] * 1000:,.0f} ms", f"{b['own_s'] * 1000:,.0f} ms",
                             f"{rfmt(a['own_s'] / b['own_s'])} faster", "—", "—"])
        if "hurl-j2" in rows_:
            rows.append(s.row("(j2) Hurl `--jobs 2`, 2 files (reference): req/s (peer column: `--jobs 1`)",
                              rows_["hurl-j1"]["rps"], rows_["hurl-j2"]["rps"]))
        for k, what in (("ours-p2", "`parallel = 2`"), ("ours-j2", "`--jobs 2`")):
            if k in rows_ and "hurl-j2" in rows_:
                rows.append(s.row(f"(j2) livesmoke {what} vs Hurl `--jobs 2`: req/s (peer: Hurl)",
                                  rows_["hurl-j2"]["rps"], rows_[k]["rps"]))
        L += [""] + table(rows) + [""]
    if par and par.get("error"):
        L += [f"**{par['error']}**: the parallel rows of livesmoke are missing from this run.", ""]
        s.misses.append(par["error"])
    elif not par:
        L += ["**not measured** (see Errors).", ""]
    return L
