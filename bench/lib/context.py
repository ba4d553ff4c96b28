"""The run's settings and folders, shared by every module of the bench.

bench.py's main sets `A` (the parsed arguments, with the sizes of --quick or of a full run added),
`OUT` (this run's output folder) and `SUITES` (our server's suites folder) before any part runs;
the other modules read them at call time as `ctx.A`, `ctx.OUT`, … (so `from lib import context as
ctx`, never `from lib.context import A`, which would copy the `None` of import time)."""
import sys
from pathlib import Path

HOST = "127.0.0.1"  # loopback only; deliberately not configurable
HERE = Path(__file__).resolve().parent.parent  # bench/
PY = sys.executable  # the peer venv's python (run.sh starts us with it)
A = None  # parsed arguments
OUT = None  # this run's output folder
SUITES = None  # our server's suites folder (generated files)
SITE = None  # a copy of our target/site (see servers.prepare_site)


def log(msg):
    print(msg, flush=True)
