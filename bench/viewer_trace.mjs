// Diagnostic for issue 5's 50 ms target: which work makes the renderer's long
// main-thread tasks while a run streams into our log page. It records a CDP
// trace (categories toplevel, devtools.timeline and the two garbage collectors') and prints the histogram of
// main-thread task durations, the longest tasks with what they spent time on,
// and the total Layout / style work.
// usage: node bench/viewer_trace.mjs BASE_URL [RATE=2000] [SECONDS=20]
// (server with --bench, as bench/viewer_scale.sh starts it)
import { TRACE_CATEGORIES, reportLongTasks, tracedPage } from "./traced_page.mjs";

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
const main = reportLongTasks(events);
const key = (e) => `${e.pid}:${e.tid}`;
for (const name of ["Layout", "UpdateLayoutTree", "ParseHTML"]) {
  const xs = events.filter((e) => e.ph === "X" && e.name === name && main.has(key(e)));
  console.log(`${name}: ${xs.length} times, ${(xs.reduce((a, e) => a + e.dur, 0) / 1000).toFixed(0)} ms in all`);
}
await browser.close();
