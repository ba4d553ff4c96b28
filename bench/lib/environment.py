"""The machine and the versions of everything measured, for summary.md's last section."""
import datetime
import json
import os
import platform
import shutil
import subprocess

from lib import context as ctx
from lib.servers import mariadb_cli


def sh(*cmd):
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (cp.stdout.strip() or cp.stderr.strip()).splitlines()[0]
    except Exception as e:
        return f"? ({e})"


def env_info():
    from importlib.metadata import version
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "")
    src = ctx.A.src
    commit = sh("git", "-C", str(ctx.A.repo), "rev-parse", "--short=9", "HEAD")
    if src != ctx.A.repo and src.name.startswith("src-"):
        ours = f"{src.name[4:]} (clean export of the commit)"
    else:
        dirty = subprocess.run(["git", "-C", str(ctx.A.repo), "status", "--porcelain"], capture_output=True,
                               text=True).stdout.strip()
        ours = commit + (" + uncommitted changes (work tree)" if dirty else " (work tree, clean)")
    pw_file = ctx.A.repo / "end2end/node_modules/playwright-core/package.json"
    # run.sh installs it; a part run without the browser (bench.py --only k) does without
    pw = json.loads(pw_file.read_text())["version"] if pw_file.exists() else "not installed"
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "mode": "quick" if ctx.A.quick else "full",
        "machine": f"{cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.release()}",
        "os": sh("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "ours_commit": ours, "rustc": sh("rustc", "--version"), "cargo_leptos": sh("cargo", "leptos", "--version"),
        "python": platform.python_version(),
        "peer_packages": {p: version(p) for p in ("fastapi", "starlette", "pydantic", "uvicorn", "uvloop",
                                                  "httptools", "PyMySQL")},
        "chromium": sh("/usr/bin/chromium", "--version"), "playwright_core": pw, "node": sh("node", "--version"),
        "wrk": sh("wrk", "--version"),
        "mariadb": mariadb_cli("-N", "-e", "SELECT VERSION()").stdout.strip(),
        "sqlite3": sh("sqlite3", "--version").split()[0] if shutil.which("sqlite3") else None,
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
        "pinning": f"servers and in-process producers on CPU {ctx.A.server_cpus}; wrk and this driver "
                   f"on CPU {ctx.A.loadgen_cpus}; the browser on CPU {ctx.A.browser_cpus or ctx.A.loadgen_cpus}",
    }
