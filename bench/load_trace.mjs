// Diagnostic for (f)'s "page load included" freeze: which threads of which
// chromium process ran during each gap of the page's 10 ms heartbeat while a
// page loads. Run it pinned like the bench (`taskset -c 1`): every process of
// the browser then shares one core, and a gap is either the renderer's main
// thread busy (its costliest events are listed) or that thread waiting for
// the others.
// usage: node bench/load_trace.mjs URL [SECONDS=3] [OVER_MS=40]
import { heartbeat, heartbeatGaps, rendererMainThreads, threadKey, tracedPage } from "./traced_page.mjs";

const [url, secsArg, overArg] = process.argv.slice(2);
const { browser, page, events, startTrace, endTrace } = await tracedPage();
await page.addInitScript(heartbeat);
await startTrace(process.env.TRACE_CATS ?? "toplevel,devtools.timeline,v8,v8.wasm,blink_gc,loading");
await page.goto(url);
await page.waitForTimeout(Number(secsArg ?? 3) * 1000);
await endTrace();
await browser.close();

const threads = {}, processes = {};
for (const e of events) {
  if (e.name === "thread_name") threads[threadKey(e)] = e.args.name;
  if (e.name === "process_name") processes[e.pid] = e.args.name;
}
const main = rendererMainThreads(events);
const start = Math.min(...events.filter((e) => main.has(threadKey(e)) && e.ph === "X").map((e) => e.ts));
const spans = events.filter((e) => e.ph === "X" && e.dur > 0);

// Per thread, the part of [a, b] its outermost events cover, and its costliest named events in it.
function threadsIn(a, b) {
  const byThread = {};
  for (const e of spans) if (e.ts < b && e.ts + e.dur > a) (byThread[threadKey(e)] ??= []).push(e);
  return Object.entries(byThread).map(([key, es]) => {
    es.sort((x, y) => x.ts - y.ts || y.dur - x.dur);
    let end = -1, busy = 0;
    const named = {};
    for (const e of es) {
      const inGap = Math.min(e.ts + e.dur, b) - Math.max(e.ts, a);
      if (e.ts >= end) {
        busy += inGap;
        end = e.ts + e.dur;
      }
      if (!e.name.endsWith("RunTask") && !e.name.startsWith("ThreadController") && e.dur > 1000) named[e.name] = (named[e.name] ?? 0) + inGap;
    }
    const top = Object.entries(named).sort((x, y) => y[1] - x[1]).slice(0, 5).map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`);
    return { key, busy: busy / 1000, top };
  }).sort((x, y) => y.busy - x.busy);
}

const { gaps } = heartbeatGaps(events, main, Number(overArg ?? 40) * 1000);
console.log(`heartbeat gaps over ${overArg ?? 40} ms: ${gaps.length}`);
for (const [a, b] of gaps) {
  console.log(`gap ${((b - a) / 1000).toFixed(1)} ms at ${((a - start) / 1000).toFixed(0)} ms`);
  for (const t of threadsIn(a, b).filter((t) => t.busy > 2).slice(0, 7)) {
    const proc = processes[t.key.split(":")[0]] ?? t.key.split(":")[0];
    console.log(`   ${proc.padEnd(12)} ${(threads[t.key] ?? t.key).padEnd(28)} ${t.busy.toFixed(1)} ms: ${t.top.join(", ")}`);
  }
}
