"""The servers under test: the peer (uvicorn, its README's command line), ours (the release build with
its bench endpoints), each pinned to --server-cpus and ended by its PID; the calls of their bench
endpoints; the MariaDB client."""
import os
import shutil
import signal
import subprocess
import sys
import time

from lib import context as ctx
from lib.context import HOST, PY
from lib.http_client import port_free, request
from lib.processes import pin, proc_cpu_s, proc_status


class Server:
    """A server process pinned to --server-cpus, ended by its PID."""

    def __init__(self, name, cmd, port, ready_path, env=None, cwd=None):
        if not port_free(port):
            sys.exit(f"port {port} on {HOST} is in use: pick another with --peer-port/--our-port")
        self.name, self.port = name, port
        self.logf = open(ctx.OUT / f"server-{name}.log", "w")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.p = subprocess.Popen(pin(ctx.A.server_cpus) + cmd, cwd=cwd or ctx.OUT, env=full_env,
                                  stdout=self.logf, stderr=self.logf)
        self.pid = self.p.pid  # taskset execs the server: same PID
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.p.poll() is not None:
                self.logf.close()
                sys.exit(f"server {name} exited early: see {ctx.OUT}/server-{name}.log")
            try:
                request(port, "GET", ready_path, timeout=2, raw=True)
                return
            except Exception:
                time.sleep(0.05)
        self.stop()
        sys.exit(f"server {name} not ready in 30 s")

    def rss(self):
        return proc_status(self.pid)

    def cpu(self):
        return proc_cpu_s(self.pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)  # ours shuts down gracefully on Ctrl-C; uvicorn too
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=5)
        self.logf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def peer_server(name, dsn=None):
    # Exactly the peer README's command line, with --app-dir instead of cd (its folder is read-only:
    # no bytecode is written there, and its SQLite file is redirected here).
    cmd = [PY, "-B", "-m", "uvicorn", "app:app", "--app-dir", str(ctx.A.peer), "--host", HOST,
           "--port", str(ctx.A.peer_port), "--loop", "uvloop", "--http", "httptools",
           "--no-access-log", "--log-level", "warning"]
    env = {"PYTHONDONTWRITEBYTECODE": "1",
           "MYSQL_DSN": dsn or f"sqlite:///{ctx.OUT}/peer-smoke.sqlite3"}
    return Server(f"peer-{name}", cmd, ctx.A.peer_port, "/real-time?count=0", env=env)


def prepare_site():
    """Copies target/site here. The hydration script's wasm name is fixed when the `leptos` crate is
    compiled (`option_env!("LEPTOS_OUTPUT_NAME")`: `livesmoke.wasm` when cargo-leptos compiled it,
    `livesmoke_bg.wasm` when a plain cargo build did first; cargo does not rebuild registry crates when
    that variable changes). Serving both names makes the page hydrate either way."""
    ctx.SITE = ctx.OUT / "site"
    if ctx.SITE.exists():
        shutil.rmtree(ctx.SITE)
    shutil.copytree(ctx.A.src / "target/site", ctx.SITE)
    pkg = ctx.SITE / "pkg"
    added = []
    if (pkg / "livesmoke.wasm").exists() and not (pkg / "livesmoke_bg.wasm").exists():
        shutil.copy(pkg / "livesmoke.wasm", pkg / "livesmoke_bg.wasm")
        added.append("livesmoke_bg.wasm")
    return added


def our_server(name):
    data = ctx.OUT / f"ours-{name}"
    if data.exists():
        shutil.rmtree(data)
    cmd = [str(ctx.A.src / "target/release/livesmoke"), "serve", "--bench", "--addr", f"{HOST}:{ctx.A.our_port}",
           "--data", str(data), "--suites", str(ctx.SUITES)]
    env = {"LEPTOS_SITE_ROOT": str(ctx.SITE), "LEPTOS_OUTPUT_NAME": "livesmoke"}
    s = Server(f"ours-{name}", cmd, ctx.A.our_port, "/api/runs", env=env, cwd=ctx.A.src)
    s.data = data
    return s


def cleanup_data(srv):
    """Log files of 1e7 lines are ~1 GB: drop each server's data once it is measured."""
    if not ctx.A.keep_data and getattr(srv, "data", None) and srv.data.exists():
        shutil.rmtree(srv.data, ignore_errors=True)


def ours_produce(n, rate=None, timeout=900):
    q = f"/api/bench/produce?n={n}" + (f"&rate={rate}" if rate else "")
    return request(ctx.A.our_port, "POST", q, timeout=timeout)


def ours_line(run, seq):
    page = request(ctx.A.our_port, "GET", f"/api/log?run={run}&after={seq - 1}&limit=1")
    return page["lines"][0]["msg"] if page["lines"] and page["lines"][0]["seq"] == seq else None


def peer_qsize():
    return request(ctx.A.peer_port, "POST", "/bench/produce?n=0")["data"]["qsize"]


def supports_rate():
    """Whether our /api/bench/produce has the paced mode (`rate=`)."""
    try:
        r = ours_produce(1, rate=1000)
        return "rate" in r
    except Exception:
        return False


def mariadb_cli(*args, stdin=None):
    return subprocess.run(["mariadb", "-h", HOST, "-P", "3306", "-u", "root", *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def team_db():
    """A fresh PostgreSQL database for the team setup's part; returns (url, drop)."""
    admin = os.environ.get("LIVESMOKE_TEST_POSTGRES", f"postgres://postgres@{HOST}:5432/postgres")
    name = f"livesmoke_bench_{os.getpid()}"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    url = admin.rsplit("/", 1)[0] + "/" + name

    def drop():
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
    return url, drop


def team_server(name, db, port, *extra):
    """`serve --db <db> --no-worker --bench` (one instance of the team setup)."""
    data = ctx.OUT / f"ours-{name}"
    cmd = [str(ctx.A.src / "target/release/livesmoke"), "serve", "--db", db, "--no-worker", "--bench",
           "--addr", f"{HOST}:{port}", "--data", str(data), "--suites", str(ctx.SUITES), *extra]
    env = {"LEPTOS_SITE_ROOT": str(ctx.SITE), "LEPTOS_OUTPUT_NAME": "livesmoke"}
    return Server(f"ours-{name}", cmd, port, "/api/runs", env=env, cwd=ctx.A.src)


class Worker:
    """`livesmoke worker` pinned to --server-cpus, killed by its PID once its runs are measured."""

    def __init__(self, name, db, *extra):
        self.logf = open(ctx.OUT / f"worker-{name}.log", "w")
        cmd = [str(ctx.A.src / "target/release/livesmoke"), "worker", "--db", db, "--name", name,
               "--suites", str(ctx.SUITES), "--data", str(ctx.OUT / f"worker-{name}"), *extra]
        self.p = subprocess.Popen(pin(ctx.A.server_cpus) + cmd, cwd=ctx.OUT, stdout=self.logf, stderr=self.logf)
        self.pid = self.p.pid

    def rss(self):
        return proc_status(self.pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
            self.p.wait(timeout=10)
        self.logf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
