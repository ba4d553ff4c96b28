// Diagnostic for issue 5's 50 ms target: which work makes the renderer's long
// main-thread tasks while a run streams into our log page. It records a CDP
// trace (categories toplevel, devtools.timeline and the two garbage collectors') and prints the histogram of
// main-thread task durations, the longest tasks with what they spent time on,
// and the total Layout / style work.
// usage: node bench/viewer_trace.mjs BASE_URL [RATE=2000] [SECONDS=20]
// (server with --bench, as bench/viewer_scale.sh starts it)
import { reportLongTasks, threadKey, traceLiveRun } from "./traced_page.mjs";

const [base, rateArg, secsArg] = process.argv.slice(2);
const events = await traceLiveRun(base, Number(rateArg ?? 2000), Number(secsArg ?? 20));

if (process.env.TRACE_OUT) (await import("node:fs")).writeFileSync(process.env.TRACE_OUT, JSON.stringify(events));
const main = reportLongTasks(events);
for (const name of ["Layout", "UpdateLayoutTree", "ParseHTML"]) {
  const xs = events.filter((e) => e.ph === "X" && e.name === name && main.has(threadKey(e)));
  console.log(`${name}: ${xs.length} times, ${(xs.reduce((a, e) => a + e.dur, 0) / 1000).toFixed(0)} ms in all`);
}
