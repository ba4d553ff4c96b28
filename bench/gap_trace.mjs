// Diagnostic: what the renderer's main thread did during each freeze of a
// live run. The page gets the same 10 ms heartbeat as browser.mjs; in the CDP
// trace, each gap of the heartbeat's timer over 50 ms is listed with the
// tasks that ran in it and what they spent their time on.
// usage: node bench/gap_trace.mjs BASE_URL [RATE=5000] [SECONDS=12]
// (server with --bench, as bench/viewer_scale.sh starts it)
import { heartbeat, heartbeatGaps, rendererMainThreads, spentIn, threadKey, traceLiveRun } from "./traced_page.mjs";

const [base, rateArg, secsArg] = process.argv.slice(2);
const events = await traceLiveRun(base, Number(rateArg ?? 5000), Number(secsArg ?? 12), {
  categories: process.env.TRACE_CATS ?? "toplevel,devtools.timeline,blink_gc,v8,disabled-by-default-v8.gc",
  beforeGoto: (page) => page.addInitScript(heartbeat),
});

const main = rendererMainThreads(events);
const on = events.filter((e) => main.has(threadKey(e)) && e.ph === "X");
const tasks = on.filter((e) => e.name.endsWith("RunTask"));
const first = tasks[0].ts;
const { beats, gaps } = heartbeatGaps(events, main);
console.log(`heartbeats ${beats}, gaps over 50 ms: ${gaps.length}`);
for (const [a, b] of gaps.sort((x, y) => (y[1] - y[0]) - (x[1] - x[0])).slice(0, Number(process.env.SHOW ?? 8))) {
  console.log(`gap ${((b - a) / 1000).toFixed(1)} ms at ${((a - first) / 1e6).toFixed(2)} s:`);
  for (const t of tasks.filter((t) => t.ts + t.dur > a && t.ts < b && t.dur > 3000)) {
    const top = spentIn(on, t, 1000, 7);
    console.log(`  task ${(t.dur / 1000).toFixed(1)} ms at +${((t.ts - a) / 1000).toFixed(0)}: ${top.join(", ")}`);
  }
}

// Where the main thread's time went over the whole trace (nested events are
// counted in each of their ancestors' names too, so rows overlap).
const totals = {};
for (const e of on) if (!e.name.endsWith("RunTask")) totals[e.name] = (totals[e.name] ?? 0) + e.dur / 1000;
const busy = tasks.reduce((a, t) => a + t.dur, 0) / 1000;
console.log(`main-thread tasks ${busy.toFixed(0)} ms in all; by event: ` +
  Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", "));
