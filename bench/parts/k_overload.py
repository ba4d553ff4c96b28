"""(k) overload on the embedded default (SQLite, one process, no --db): 500 pollers that behave like the
run page plus 10 real suite runs kept going for 60 s. Every request must be answered (no 5xx, no
timeouts) and the server's memory must stop growing. No peer: the seed has no such mode.

The load is one asyncio process on --loadgen-cpus (the server alone on --server-cpus):
- 10 slots, each running its own generated SQLite suite (its own database file, so the runs never wait
  for each other's locks) and starting it again as soon as the last run ended;
- 500 pollers, each on its own keep-alive connection, polling its slot's run every 500 ms from its
  cursor as src/app/log_view/poll.rs does (first read `limit=1000`, then `limit=5000`, a full reply asked
  again at once), but without `keep=`: a page that draws every line, so a run opened late comes whole
  rather than summarized (the heavier case); a done run it has read to the end is left for a newer one.
Asked: 500 × 2 = 1,000 polls/s. Whether the generator kept that schedule is measured (polls/s achieved,
how late each was sent, its own CPU use), so a saturated client is not mistaken for a slow server."""
import asyncio
import json
import re
import resource
import time

from lib import context as ctx
from lib.context import log
from lib.http_client import Conn
from lib.processes import proc_run_delay_s
from lib.servers import cleanup_data, our_server
from lib.stats import pct
from lib.suite_files import suite_toml
from lib.summary import table
from parts.e_sql_setup import smoke_config

INTERVAL = 0.5  # the page's poll period
FIRST_LIMIT, LIMIT = 1000, 5000  # the page's opening read, then its following reads
TIMEOUT = 5.0  # a request not answered by then counts as a timeout (wrk's --timeout in the other parts)
STATUS_EVERY = 0.25  # how often a slot asks whether its run has ended (restart delay at most this)
DRAIN_S = 120  # after the window: how long the runs in flight may take to end
# The reply's tail (no `keep=`, so no outline follows): enough for the cursor, without decoding the lines.
TAIL = re.compile(rb'"next":(\d+),"total":\d+,"done":(true|false)\}$')


class Load:
    """The figures every task adds to (one event loop: no locks needed)."""

    def __init__(self, runs):
        self.slots = [None] * runs  # each slot's current run
        self.runs = {}  # id -> {slot, status, started, ended}
        self.status = {}  # (kind, status class) -> count
        self.timeouts, self.conn_errors = {}, {}
        self.poll_ms, self.late_ms = [], []
        self.polls_on_tick = self.catch_up = self.ticks_skipped = self.lines = self.switches = 0

    async def call(self, conn, kind, method, target, form=None):
        """One request with the timeout: (status, body, ms), or (None, None, ms) after a failure (which is
        counted, and closes the connection: a half-read reply would poison the next one)."""
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(TIMEOUT):
                status, body = await conn.request(method, target, form)
        except TimeoutError:
            self.timeouts[kind] = self.timeouts.get(kind, 0) + 1
            conn.close()
            return None, None, (time.perf_counter() - t0) * 1000
        except (OSError, asyncio.IncompleteReadError, ValueError):
            self.conn_errors[kind] = self.conn_errors.get(kind, 0) + 1
            conn.close()
            return None, None, (time.perf_counter() - t0) * 1000
        key = (kind, f"{status // 100}xx")
        self.status[key] = self.status.get(key, 0) + 1
        return status, body, (time.perf_counter() - t0) * 1000


def cursor(body):
    """`next` and `done` of a reply. Only its tail is searched: a regex scans from where it is told to,
    and a reply of 5,000 lines is ~1 MB."""
    m = TAIL.search(body, max(0, len(body) - 100))
    if m:
        return int(m.group(1)), m.group(2) == b"true"
    page = json.loads(body)
    return page["next"], page["done"]


class Window:
    """The measured window's end and the drain's, fixed once every slot's first run has started (the
    slots read them at each restart, so they can be set after the slots began)."""
    end = drain_end = float("inf")


async def slot(load, k, port, suite, window):
    """Keeps one run of `suite` going until the window ends; then waits for the last one to end."""
    loop = asyncio.get_running_loop()
    conn = Conn(port)
    while loop.time() < window.end:
        status, body, _ = await load.call(conn, "start", "POST", "/api/run", form={"suite": suite, "lang": "en"})
        if status != 201:
            await asyncio.sleep(INTERVAL)
            continue
        run = json.loads(body)["id"]
        load.slots[k] = run
        load.runs[run] = {"slot": k, "status": None, "started": loop.time(), "ended": None}
        while loop.time() < window.drain_end:
            await asyncio.sleep(STATUS_EVERY)
            status, body, _ = await load.call(conn, "status", "GET", f"/api/runs?id={run}")
            info = json.loads(body)[0] if status == 200 else None
            if info and info["status"] not in ("queued", "running"):
                load.runs[run].update(status=info["status"], ended=loop.time())
                break
    conn.close()


async def poller(load, i, port, phase, t_end):
    loop = asyncio.get_running_loop()
    await asyncio.sleep(phase)
    conn = Conn(port)
    k = i % len(load.slots)
    run, after = load.slots[k], 0
    due, full = loop.time(), False
    while due < t_end:
        limit = FIRST_LIMIT if after == 0 else LIMIT
        if not full:  # a poll on its tick: how late the client sent it
            load.late_ms.append((loop.time() - due) * 1000)
        status, body, ms = await load.call(conn, "poll", "GET", f"/api/log?run={run}&after={after}&limit={limit}")
        load.poll_ms.append(ms)
        full = False
        if status == 200:
            got = body.count(b'{"seq":')
            load.lines += got
            full = got >= limit
            after, done = cursor(body)
            if done and not full:
                # Read to its end: the page would stop here; this one opens the newest run it knows
                # (its slot's next one as soon as that has started, else any other slot's).
                newer = load.slots[k] if load.slots[k] > run else max(load.slots)
                if newer > run:
                    run, after = newer, 0
                    load.switches += 1
        if full:  # behind: the page asks again at once, off its tick
            load.catch_up += 1
            continue
        load.polls_on_tick += 1
        due += INTERVAL
        now = loop.time()
        if now - due > INTERVAL:
            # More than a tick behind (a slow reply, or a saturated client): like a page's timer, skip
            # the missed ticks rather than send them in a burst; they are counted.
            skipped = int((now - due) / INTERVAL)
            load.ticks_skipped += skipped
            due += skipped * INTERVAL
        await asyncio.sleep(max(0.0, due - now))
    conn.close()


async def rss_sampler(srv, samples, t0, t_end):
    """The server's VmRSS once a second: (seconds into the window, MiB)."""
    loop = asyncio.get_running_loop()
    tick = t0
    while tick <= t_end:
        samples.append((round(loop.time() - t0, 1), round(srv.rss()["VmRSS"], 1)))
        tick += 1.0
        await asyncio.sleep(max(0.0, tick - loop.time()))


def cpu_self():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


async def overload(srv, suites, pollers, seconds):
    loop = asyncio.get_running_loop()
    load, window = Load(len(suites)), Window()
    slots = [asyncio.create_task(slot(load, k, srv.port, s, window)) for k, s in enumerate(suites)]
    deadline = loop.time() + 30
    while None in load.slots:  # every poller has a run to follow from its first poll
        if loop.time() > deadline or any(t.done() for t in slots):
            raise RuntimeError(f"the first runs did not start: {load.status}, timeouts {load.timeouts}")
        await asyncio.sleep(0.01)
    t0 = loop.time()
    window.end = t0 + seconds
    window.drain_end = window.end + DRAIN_S
    cpu0, srv_cpu0 = cpu_self(), srv.cpu()
    wait0, srv_wait0 = proc_run_delay_s(), proc_run_delay_s(srv.pid)
    rss = []
    sampler = asyncio.create_task(rss_sampler(srv, rss, t0, window.end))
    # Phases spread over the first 500 ms, as pages opened at different moments.
    await asyncio.gather(*(poller(load, i, srv.port, INTERVAL * i / pollers, window.end) for i in range(pollers)))
    wall = loop.time() - t0
    cpu, srv_cpu = cpu_self() - cpu0, srv.cpu() - srv_cpu0
    wait, srv_wait = proc_run_delay_s() - wait0, proc_run_delay_s(srv.pid) - srv_wait0
    await sampler
    await asyncio.gather(*slots)
    return load, {"wall_s": wall, "client_cores": cpu / wall, "server_cores": srv_cpu / wall, "rss": rss,
                  "client_cpu_wait": wait / wall, "server_cpu_wait": srv_wait / wall,
                  "window_end": window.end, "t0": t0}


def event_loop():
    """uvloop when the bench's interpreter has it (the peer's venv does): its streams cost the client less
    per request than asyncio's own loop, which matters at 1,000 requests/s on one core."""
    try:
        import uvloop
        return uvloop.new_event_loop, f"uvloop {uvloop.__version__}"
    except ImportError:
        return None, "asyncio"


def measure(R):
    A = ctx.A
    pollers, seconds, runs = A.k_pollers, A.k_seconds, A.k_runs
    suites = []
    for k in range(runs):
        name = f"bench-overload-{k}"
        (ctx.SUITES / f"{name}.toml").write_text(
            suite_toml(name, ["kind = \"sqlite\"", f"path = \"{name}.db\""], smoke_config(*A.k_suite)))
        suites.append(f"{name}.toml")
    factory, loop_name = event_loop()
    log(f"(k) overload: {pollers} pollers every {INTERVAL * 1000:.0f} ms + {runs} runs kept going "
        f"({A.k_suite[0]} cases × {A.k_suite[1]} INSERTs each), {seconds} s, client on {loop_name}")
    with our_server("k") as srv:
        rss_idle = srv.rss()["VmRSS"]
        with asyncio.Runner(loop_factory=factory) as runner:
            load, w = runner.run(overload(srv, suites, pollers, seconds))
        alive = srv.p.poll() is None
        rss_after = srv.rss()["VmRSS"] if alive else None
        cleanup_data(srv)
    res = {"pollers": pollers, "seconds": seconds, "runs_kept": runs, "suite": list(A.k_suite), "client": loop_name,
           "asked_polls_per_s": pollers / INTERVAL, "rss_idle_mib": round(rss_idle, 1),
           "rss_after_drain_mib": rss_after, "server_alive": alive}
    res.update(figures(load, w))
    R["k"] = res
    log(f"  {res['requests']:,} requests: {res['by_status']}, timeouts {res['timeouts']}, conn errors "
        f"{res['conn_errors']}; polls p50 {res['poll_p50_ms']:.1f} ms p99 {res['poll_p99_ms']:.1f} ms max "
        f"{res['poll_max_ms']:.0f} ms; {res['polls_per_s']:,.0f} polls/s of {res['asked_polls_per_s']:,.0f} asked "
        f"(client {res['client_cores']:.2f} cores, sent late p99 {res['late_p99_ms']:.0f} ms); runs "
        f"{res['runs_started']} started, {res['runs_ended']} ended {res['outcomes']}; RSS {res['rss_min_mib']}–"
        f"{res['rss_max_mib']} MiB, last {res['rss_last_mib']}, first 20 s max {res['rss_first20_max_mib']} → "
        f"last 20 s max {res['rss_last20_max_mib']}")


def figures(load, w):
    rss = [m for _, m in w["rss"]]
    span = min(20, w["wall_s"] / 3)  # 20 s of a 60 s window; a third of a shorter (--quick) one
    first = [m for t, m in w["rss"] if t < span] or rss[:1]
    last = [m for t, m in w["rss"] if t >= w["rss"][-1][0] - span] or rss[-1:]
    by_status = {}
    for (_, cls), n in load.status.items():
        by_status[cls] = by_status.get(cls, 0) + n
    by_kind = {}
    for (kind, cls), n in sorted(load.status.items()):
        by_kind.setdefault(kind, {})[cls] = n
    outcomes = {}
    for r in load.runs.values():
        outcomes[r["status"] or "not ended"] = outcomes.get(r["status"] or "not ended", 0) + 1
    in_window = [r for r in load.runs.values() if r["ended"] is not None and r["ended"] <= w["window_end"]]
    durations = [r["ended"] - r["started"] for r in load.runs.values() if r["ended"] is not None]
    polls = len(load.poll_ms)
    return {"requests": sum(load.status.values()) + sum(load.timeouts.values()) + sum(load.conn_errors.values()),
            "by_status": by_status, "by_kind": by_kind, "timeouts": load.timeouts, "conn_errors": load.conn_errors,
            "polls": polls, "polls_on_tick": load.polls_on_tick, "catch_up_polls": load.catch_up,
            "polls_per_s": polls / w["wall_s"], "ticks_skipped": load.ticks_skipped,
            "late_p50_ms": pct(load.late_ms, 50), "late_p99_ms": pct(load.late_ms, 99),
            "late_max_ms": max(load.late_ms),
            "poll_p50_ms": pct(load.poll_ms, 50), "poll_p99_ms": pct(load.poll_ms, 99),
            "poll_max_ms": max(load.poll_ms),
            "lines_served": load.lines, "lines_per_s": load.lines / w["wall_s"], "run_switches": load.switches,
            "runs_started": len(load.runs), "runs_ended": len(durations), "runs_ended_in_window": len(in_window),
            "outcomes": outcomes, "run_s_p50": pct(durations, 50), "run_s_max": max(durations, default=None),
            "client_cores": w["client_cores"], "server_cores": w["server_cores"], "wall_s": w["wall_s"],
            "client_cpu_wait": w["client_cpu_wait"], "server_cpu_wait": w["server_cpu_wait"],
            "rss_min_mib": min(rss), "rss_max_mib": max(rss), "rss_last_mib": rss[-1],
            "rss_first20_max_mib": max(first), "rss_last20_max_mib": max(last), "rss_window_s": span,
            # every window's peak: a growth that ends (a cache filling up) and one that goes on look alike
            # in a first-vs-last comparison, not in this series
            "rss_window_max_mib": windows_max(w["rss"], span),
            "rss_samples": w["rss"]}


def windows_max(samples, span):
    """The peak of each `span` seconds of (t, MiB) samples; a late last sample joins the last window."""
    n = max(1, int(samples[-1][0] // span))
    peaks = [None] * n
    for t, m in samples:
        i = min(int(t // span), n - 1)
        peaks[i] = m if peaks[i] is None else max(peaks[i], m)
    return [p for p in peaks if p is not None]


def summary(R, s):
    """The (k) section of summary.md."""
    k = R["k"]
    row = s.row
    errors = k["by_status"].get("5xx", 0)
    timeouts, conn_errors = sum(k["timeouts"].values()), sum(k["conn_errors"].values())
    # Bounded: the last third's peak within 10 % (and 4 MiB, for small heaps' noise) of the first's.
    bound = max(k["rss_first20_max_mib"] * 1.10, k["rss_first20_max_mib"] + 4)
    kept = k["polls_per_s"] >= 0.95 * k["asked_polls_per_s"]
    win = f"{k['rss_window_s']:.0f} s"
    outcomes = ", ".join(f"{n} {o}" for o, n in sorted(k["outcomes"].items()))
    rows = [
        row(f"(k) requests answered in {k['seconds']} s (polls, run starts, run status)", None, k["requests"],
            show_ratio=False),
        row("(k) … 2xx / 4xx / 5xx", None, " / ".join(f"{k['by_status'].get(c, 0):,}" for c in ("2xx", "4xx", "5xx")),
            target="no 5xx", ok=errors == 0, show_ratio=False),
        row(f"(k) … timeouts ({TIMEOUT:.0f} s) / connection errors", None, f"{timeouts} / {conn_errors}",
            target="0 / 0", ok=timeouts == 0 and conn_errors == 0, show_ratio=False),
        row("(k) polls: p50 / p99 / max", None,
            f"{k['poll_p50_ms']:.1f} / {k['poll_p99_ms']:.1f} / {k['poll_max_ms']:,.0f} ms", show_ratio=False),
        row(f"(k) polls/s achieved (asked {k['asked_polls_per_s']:,.0f}/s); client on {k['client']}", None,
            k["polls_per_s"], target="≥ 95 % of asked", ok=kept, show_ratio=False),
        row("(k) … client: CPU cores used (waiting for a CPU); sent late p50 / p99 / max; ticks skipped", None,
            f"{k['client_cores']:.2f} ({k['client_cpu_wait']:.2f}); {k['late_p50_ms']:.1f} / "
            f"{k['late_p99_ms']:.1f} / {k['late_max_ms']:,.0f} ms; "
            f"{k['ticks_skipped']:,}", show_ratio=False),
        row(f"(k) runs started / ended ({k['runs_kept']} kept going)", None,
            f"{k['runs_started']} / {k['runs_ended']} ({outcomes})",
            target="all ended", ok=k["runs_ended"] == k["runs_started"], show_ratio=False),
        row("(k) … run duration p50 / max", None, f"{k['run_s_p50']:.1f} / {k['run_s_max']:.1f} s", show_ratio=False),
        row("(k) lines served", None, f"{k['lines_served']:,} ({k['lines_per_s']:,.0f}/s)", show_ratio=False),
        row("(k) server RSS min / max / last (idle before)", None,
            f"{k['rss_min_mib']:.1f} / {k['rss_max_mib']:.1f} / {k['rss_last_mib']:.1f} MiB ({k['rss_idle_mib']:.1f})",
            show_ratio=False),
        row(f"(k) … RSS peak in the first → last {win}", None,
            f"{k['rss_first20_max_mib']:.1f} → {k['rss_last20_max_mib']:.1f} MiB (each {win}: "
            f"{', '.join(f'{m:.0f}' for m in k.get('rss_window_max_mib', []))})", target="bounded (≤ first + 10 %)",
            ok=k["rss_last20_max_mib"] <= bound, show_ratio=False),
        row("(k) server CPU: cores used (waiting for a CPU), pinned to one", None,
            f"{k['server_cores']:.2f} ({k['server_cpu_wait']:.2f})", show_ratio=False),
    ]
    L = [f"## (k) Overload: {k['pollers']} pollers + {k['runs_kept']} runs for {k['seconds']} s (SQLite, one process)",
         "", "No peer column: the seed has no such mode. Each poller polls its run every 500 ms from its cursor as "
         "the run page does (a full reply asked again at once) and moves to a newer run once its own is done and "
         f"read; each of the {k['runs_kept']} slots runs its own generated SQLite suite ({k['suite'][0]} cases × "
         f"{k['suite'][1]} INSERTs, a commit each) and starts it again as it ends. Client timeout {TIMEOUT:.0f} s.", ""]
    L += table(rows)
    L += ["", f"(k) requests by kind: {k['by_kind']}; polls {k['polls']:,} ({k['catch_up_polls']:,} of them "
              f"asked at once after a full reply); pollers moved to a newer run {k['run_switches']:,} times; "
              f"server alive after the drain: {k['server_alive']}, RSS then {k['rss_after_drain_mib']} MiB."]
    return L + [""]
