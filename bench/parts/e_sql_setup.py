"""(e) SQL setup: the peer's `/smoke` workload byte for byte (1,002 statements, a commit each) on SQLite
and MariaDB, against our generated suite run by the server and by the CLI; the `mariadb` client on
the same statements is the practical limit, the `sqlite3` shell a reference."""
import re
import shutil
import subprocess
import time

from lib import context as ctx
from lib.context import HOST, log
from lib.http_client import request
from lib.noise import settle
from lib.processes import pin
from lib.servers import cleanup_data, mariadb_cli, our_server, peer_server
from lib.stats import med
from lib.suite_files import suite_toml, toml_str
from lib.summary import fmt, met, table


def smoke_config(cases=100, per_case=10):
    """Byte for byte the statements of the peer's bench.py smoke_config()."""
    cfg = [{"setup": ["CREATE TABLE IF NOT EXISTS bench_smoke (id INTEGER PRIMARY KEY, v VARCHAR(64))",
                      "DELETE FROM bench_smoke"]}]
    n = 0
    for c in range(cases):
        stmts = []
        for s in range(per_case):
            n += 1
            stmts.append(f"INSERT INTO bench_smoke (id, v) VALUES ({n}, 'case {c} stmt {s}')")
        cfg.append({"setup": stmts})
    return cfg


def count_rows(kind, path=None):
    if kind == "mariadb":
        cp = mariadb_cli("-N", "-e", "SELECT COUNT(*) FROM bench_smoke", ctx.A.mariadb_db)
    else:
        cp = subprocess.run(["sqlite3", str(path), "SELECT COUNT(*) FROM bench_smoke"],
                            capture_output=True, text=True, timeout=60)
    try:
        return int(cp.stdout.strip())
    except ValueError:
        return None


def wait_run(run, timeout=600):
    # The run's duration is timed by the server (finished_at - started_at), so
    # asking often only adds load on the server's core while it runs: every
    # 10 ms cost (e) about 5 % of its rate.
    deadline = time.time() + timeout
    while time.time() < deadline:
        for r in request(ctx.A.our_port, "GET", "/api/runs"):
            if r["id"] == run and r["status"] != "running":
                return r
        time.sleep(0.1)
    raise TimeoutError(f"run {run} still running")


def measure(R):
    cfg = smoke_config()
    stmts = [s for c in cfg for s in c["setup"]]
    n = len(stmts)
    url = f"mysql://root@{HOST}:3306/{ctx.A.mariadb_db}"
    (ctx.SUITES / "bench-smoke-mariadb.toml").write_text(
        suite_toml("bench-smoke-mariadb", ["kind = \"mariadb\"", f"url = {toml_str(url)}"], cfg))
    (ctx.SUITES / "bench-smoke-sqlite.toml").write_text(
        suite_toml("bench-smoke-sqlite", ["kind = \"sqlite\"", "path = \"bench-smoke.db\""], cfg))
    sql_file = ctx.OUT / "smoke.sql"
    sql_file.write_text("".join(s + ";\n" for s in stmts))
    log(f"(e) SQL setup: {n} statements (1 case CREATE+DELETE, 100 cases x 10 INSERT), {ctx.A.reps_e} rep(s)")
    res = {"statements": n}

    def peer_reps(name, dsn, kind, path=None):
        runs = []
        with peer_server(f"e-{name}", dsn) as srv:
            for _ in range(ctx.A.reps_e):
                settle(30)
                d = request(srv.port, "POST", "/smoke", body=cfg, timeout=600)["data"]
                while request(srv.port, "GET", "/real-time?count=5000")["data"]:
                    pass
                d["rows_after"] = count_rows(kind, path)
                runs.append(d)
        return {"backend": runs[0]["backend"], "ms": med([r["elapsed_s"] * 1000 for r in runs]),
                "stmts_per_s": med([n / r["elapsed_s"] for r in runs]),
                "ms_all": [round(r["elapsed_s"] * 1000, 1) for r in runs],
                "rows_ok": all(r["rows_after"] == 1000 for r in runs),
                "lines_logged": runs[0]["lines_logged"]}

    peer_sqlite = ctx.OUT / "peer-smoke.sqlite3"
    res["peer_sqlite"] = peer_reps("sqlite", f"sqlite:///{peer_sqlite}", "sqlite", peer_sqlite)
    res["peer_mariadb"] = peer_reps("mariadb", url, "mariadb")
    # the practical limit: the mariadb client, same statements, autocommit, one connection. Its
    # reps alternate with ours, so a drift in the server's commit rate (fsync) over the part
    # weighs on both alike.
    client_runs, client_empty, client_rows_ok = [], [], []

    def client_rep():
        t = time.perf_counter()
        cp = subprocess.run(pin(ctx.A.server_cpus) + ["mariadb", "-h", HOST, "-P", "3306", "-u", "root",
                                                      ctx.A.mariadb_db],
                            stdin=open(sql_file), capture_output=True, text=True, timeout=300)
        client_runs.append((time.perf_counter() - t) * 1000)
        assert cp.returncode == 0, cp.stderr
        client_rows_ok.append(count_rows("mariadb") == 1000)
        t = time.perf_counter()
        subprocess.run(pin(ctx.A.server_cpus) + ["mariadb", "-h", HOST, "-P", "3306", "-u", "root", "-e", "DO 0",
                                                 ctx.A.mariadb_db], capture_output=True, timeout=60)
        client_empty.append((time.perf_counter() - t) * 1000)

    with our_server("e") as srv:
        for kind in ("sqlite", "mariadb"):
            runs = []
            for _ in range(ctx.A.reps_e):
                settle(30)
                if kind == "mariadb":
                    client_rep()
                    settle(30)
                r = request(srv.port, "POST", "/api/run", form={"suite": f"bench-smoke-{kind}.toml", "lang": "en"})
                info = wait_run(r["id"])
                head = request(srv.port, "GET", f"/api/log?run={r['id']}&after=0&limit=20")
                # connected: the first case's first line (after the pool's connect and preflight)
                connected = next(l["ts"] for l in head["lines"] if l.get("case"))
                runs.append({"ms": info["finished_at"] - connected, "wall_ms": info["finished_at"] - info["started_at"],
                             "status": info["status"], "lines": head["total"],
                             "rows_after": count_rows(kind, srv.data / "bench-smoke.db")})
            res[f"ours_{kind}"] = {"ms": med([r["ms"] for r in runs]),
                                   "stmts_per_s": med([n / (r["ms"] / 1000) for r in runs]),
                                   "ms_all": [r["ms"] for r in runs],
                                   "wall_ms_all": [r["wall_ms"] for r in runs],
                                   "stmts_per_s_wall": med([n / (r["wall_ms"] / 1000) for r in runs]),
                                   "status": [r["status"] for r in runs],
                                   "rows_ok": all(r["rows_after"] == 1000 for r in runs),
                                   "lines_logged": runs[0]["lines"]}
        jm = subprocess.run(["sqlite3", str(srv.data / "bench-smoke.db"), "PRAGMA journal_mode"],
                            capture_output=True, text=True).stdout.strip()
        res["ours_sqlite"]["journal_mode"] = jm
        cleanup_data(srv)
    # the CLI: same suite, a fresh process per run (wall time includes start-up and preflight)
    runs = []
    for i in range(ctx.A.reps_e):
        data = ctx.OUT / f"ours-cli-{i}"
        t = time.perf_counter()
        cp = subprocess.run(pin(ctx.A.server_cpus) + [str(ctx.A.src / "target/release/livesmoke"), "run",
                                                      str(ctx.SUITES / "bench-smoke-mariadb.toml"), "--data",
                                                      str(data), "--lang", "en"],
                            capture_output=True, text=True, timeout=600, cwd=ctx.OUT)
        wall = (time.perf_counter() - t) * 1000
        m = re.findall(r"(\d+(?:\.\d+)?)\s*s\b", cp.stdout.strip().splitlines()[-1] if cp.stdout.strip() else "")
        runs.append({"wall_ms": wall, "rc": cp.returncode, "summary": (cp.stdout.strip().splitlines() or [""])[-1],
                     "summary_ms": float(m[-1]) * 1000 if m else None})
        shutil.rmtree(data, ignore_errors=True)
    res["ours_cli_mariadb"] = {"wall_ms": med([r["wall_ms"] for r in runs]),
                               "summary_ms": med([r["summary_ms"] for r in runs]),
                               "stmts_per_s_wall": med([n / (r["wall_ms"] / 1000) for r in runs]),
                               "rc": [r["rc"] for r in runs], "summary": runs[0]["summary"]}
    wall, start = med(client_runs), med(client_empty)
    res["mariadb_client"] = {"wall_ms": wall, "startup_ms": start, "net_ms": wall - start,
                             "stmts_per_s": n / ((wall - start) / 1000), "stmts_per_s_wall": n / (wall / 1000),
                             "wall_all": [round(x, 1) for x in client_runs], "rows_ok": all(client_rows_ok),
                             # rep by rep (each client run right before ours): ours ÷ client
                             "paired_pct": [round(100 * (w - start) / o, 1) for w, o in
                                            zip(client_runs, res["ours_mariadb"]["ms_all"])]}
    # sqlite3 CLI for reference (default settings: rollback journal, a commit per statement)
    cli_db = ctx.OUT / "cli-smoke.sqlite3"
    runs = []
    for _ in range(ctx.A.reps_e):
        t = time.perf_counter()
        subprocess.run(pin(ctx.A.server_cpus) + ["sqlite3", str(cli_db)], stdin=open(sql_file),
                       capture_output=True, timeout=300)
        runs.append((time.perf_counter() - t) * 1000)
    res["sqlite3_client"] = {"wall_ms": med(runs), "stmts_per_s": n / (med(runs) / 1000)}
    mariadb_cli("-e", "DROP TABLE IF EXISTS bench_smoke", ctx.A.mariadb_db)  # leave the database as found
    for k in ("peer_sqlite", "ours_sqlite", "peer_mariadb", "ours_mariadb", "mariadb_client"):
        log(f"  {k}: {res[k].get('stmts_per_s'):,.0f} statements/s")
    R["e"] = res


def summary(R, s):
    """The (e) section of summary.md."""
    row = s.row
    L = []
    e_ = R["e"]
    lim = e_["mariadb_client"]["stmts_per_s"]
    om = e_["ours_mariadb"]["stmts_per_s"]
    rows = [row("(e) SQLite: statements/s", e_["peer_sqlite"]["stmts_per_s"], e_["ours_sqlite"]["stmts_per_s"]),
            row("(e) MariaDB: statements/s", e_["peer_mariadb"]["stmts_per_s"], om),
            ["(e) MariaDB: ours ÷ `mariadb` client (%s stmt/s)" % fmt(lim), "—",
             f"{om / lim * 100:.0f} %" if om and lim else "—", "—", "≥ 95 %",
             met(None if not om else om / lim >= 0.95)],
            row("(e) MariaDB via the CLI (`livesmoke run`, wall incl. start-up)", None,
                e_["ours_cli_mariadb"]["stmts_per_s_wall"], show_ratio=False),
            row("(e) SQLite: `sqlite3` shell, same statements (reference)", None,
                e_["sqlite3_client"]["stmts_per_s"], show_ratio=False)]
    if om and lim and om / lim < 0.95:
        s.misses.append("(e) MariaDB ≥ 95 % of the client")
    L += ["## (e) SQL setup: the peer's `/smoke` workload (1,002 statements, a commit each)", "",
          f"Same statements byte for byte: 1 case `CREATE TABLE IF NOT EXISTS` + `DELETE`, 100 cases × 10 "
          f"`INSERT`. Peer: `POST /smoke` (runSmoke, PyMySQL / sqlite3, timed inside the server, connect "
          f"excluded). Ours: `POST /api/run` of a generated suite, from its first case's first line (the "
          f"pool connected and preflight done: the line's own timestamp) to `finished_at`; from `started_at` "
          f"instead (connect and preflight included) MariaDB does "
          f"{e_['ours_mariadb']['stmts_per_s_wall']:,.0f} statements/s, "
          f"{e_['ours_mariadb']['stmts_per_s_wall'] / e_['mariadb_client']['stmts_per_s'] * 100:.0f} % of the "
          f"client. `mariadb` client: `mariadb test < smoke.sql` (autocommit), wall "
          f"time minus the client's own start-up ({e_['mariadb_client']['startup_ms']:.0f} ms, measured "
          f"with `-e 'DO 0'`); without that subtraction it does "
          f"{e_['mariadb_client']['stmts_per_s_wall']:,.0f} statements/s. Ours on SQLite: journal_mode="
          f"{e_['ours_sqlite'].get('journal_mode')}.", ""] + table(rows) + [
        "", f"Runs (ms): peer SQLite {e_['peer_sqlite']['ms_all']}, ours SQLite {e_['ours_sqlite']['ms_all']}, "
            f"peer MariaDB {e_['peer_mariadb']['ms_all']}, ours MariaDB {e_['ours_mariadb']['ms_all']} "
            f"(with connect and preflight {e_['ours_mariadb']['wall_ms_all']}), "
            f"client {e_['mariadb_client']['wall_all']} (each client run right before one of ours, so a drift "
            f"in MariaDB's commit rate weighs on both; ours ÷ client rep by rep, %: "
            f"{e_['mariadb_client'].get('paired_pct')}). Every run left 1,000 rows: peer "
            f"{e_['peer_sqlite']['rows_ok'] and e_['peer_mariadb']['rows_ok']}, ours "
            f"{e_['ours_sqlite']['rows_ok'] and e_['ours_mariadb']['rows_ok']}, client "
            f"{e_['mariadb_client']['rows_ok']}; our runs' status "
            f"{sorted(set(e_['ours_sqlite']['status'] + e_['ours_mariadb']['status']))}.", ""]
    return L
