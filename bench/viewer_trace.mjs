// Diagnostic for issue 5's 50 ms target: which work makes the renderer's long
// main-thread tasks while a run streams into our log page. It records a CDP
// trace (categories toplevel, devtools.timeline and the two garbage collectors') and prints the histogram of
// main-thread task durations, the longest tasks with what they spent time on,
// and the total Layout / style work.
// usage: node bench/viewer_trace.mjs BASE_URL [RATE=2000] [SECONDS=20]
// (server with --bench, as bench/viewer_scale.sh starts it)
import { TRACE_CATEGORIES, tracedPage } from "./traced_page.mjs";

const [base, rateArg, secsArg] = process.argv.slice(2);
const rate = Number(rateArg ?? 2000), secs = Number(secsArg ?? 20), n = rate * secs;
const { browser, page, cdp, events, complete } = await tracedPage();
const run = (await (await fetch(`${base}/api/bench/produce?n=${n}&rate=${rate}`, { method: "POST" })).json()).run;
await cdp.send("Tracing.start", { categories: TRACE_CATEGORIES, transferMode: "ReportEvents" });
await page.goto(`${base}/runs/${run}${process.env.VIEW_QUERY ?? ""}`);
const t0 = Date.now();
while ((Date.now() - t0) / 1000 < secs + 30) {
  await page.waitForTimeout(1000);
  const shown = await page.evaluate(() => Number(document.getElementById("counts").textContent.split(" / ")[0]));
  if ((await page.locator("#feed").textContent()) === "done" && shown >= n) break;
}
await cdp.send("Tracing.end");
await complete;

if (process.env.TRACE_OUT) (await import("node:fs")).writeFileSync(process.env.TRACE_OUT, JSON.stringify(events));
const key = (e) => `${e.pid}:${e.tid}`;
const main = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map(key));
const tasks = events.filter((e) => e.ph === "X" && main.has(key(e)) && e.name.endsWith("RunTask"));
const hist = [10, 20, 30, 40, 50, 75, 100].map((ms) => `>${ms}ms: ${tasks.filter((e) => e.dur > ms * 1000).length}`);
console.log(`renderer main-thread tasks: ${tasks.length}; ${hist.join(", ")}; longest ${(Math.max(0, ...tasks.map((e) => e.dur)) / 1000).toFixed(1)} ms`);
for (const t of tasks.filter((e) => e.dur > 40_000).sort((a, b) => b.dur - a.dur).slice(0, 10)) {
  const spent = {};
  for (const e of events) {
    if (key(e) === key(t) && e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e.dur > 2000 && !e.name.endsWith("RunTask")) {
      spent[e.name] = (spent[e.name] ?? 0) + e.dur / 1000;
    }
  }
  const top = Object.entries(spent).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(1)}`);
  console.log(`  ${(t.dur / 1000).toFixed(1)} ms at ${((t.ts - tasks[0].ts) / 1e6).toFixed(1)} s: ${top.join(", ")}`);
}
for (const name of ["Layout", "UpdateLayoutTree", "ParseHTML"]) {
  const xs = events.filter((e) => e.ph === "X" && e.name === name && main.has(key(e)));
  console.log(`${name}: ${xs.length} times, ${(xs.reduce((a, e) => a + e.dur, 0) / 1000).toFixed(0)} ms in all`);
}
await browser.close();
