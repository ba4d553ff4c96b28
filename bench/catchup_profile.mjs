// Diagnostic for issue 6 (f): where the page's main thread spends its time
// while it catches up with a finished run (bench part f's scenario). It opens
// /runs/<id> of a run the caller produced, with the CDP sampling profiler on,
// until "#counts" says every line is shown, then prints the busy time by
// trace event (script, parse HTML, style, layout, GC) and the functions with
// the most self time (wasm functions by name when the build keeps names).
// usage: node bench/catchup_profile.mjs BASE_URL RUN
import { reportLongTasks, tracedPage } from "./traced_page.mjs";

const [base, run] = process.argv.slice(2);
const { browser, page, cdp, events, startTrace, endTrace } = await tracedPage();
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await startTrace();
const profiling = process.env.PROFILE !== "0";
if (profiling) await cdp.send("Profiler.start");
const t0 = Date.now();
await page.goto(`${base}/runs/${run}`);
let shown = 0, total = -1;
while ((Date.now() - t0) / 1000 < 60) {
  await page.waitForTimeout(50);
  const m = /(\d+)\s*\/\s*(\d+)/.exec((await page.locator("#counts").textContent().catch(() => "")) || "");
  if (m) { shown = Number(m[1]); total = Number(m[2]); }
  if (total > 0 && shown >= total && (await page.locator("#feed").textContent()) === "done") break;
}
const elapsed = (Date.now() - t0) / 1000;
const { profile } = profiling ? await cdp.send("Profiler.stop") : { profile: { samples: [], timeDeltas: [], nodes: [] } };
await endTrace();
// self time per function
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const self = new Map();
for (const n of profile.nodes) {
  const f = n.callFrame;
  const k = `${f.functionName || "(anon)"} ${f.url ? f.url.split("/").pop() : ""}`;
  self.set(k, (self.get(k) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
}
const top = [...self.entries()].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40));
// trace totals on the renderer main thread
const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X");
const by = new Map();
let tasks = 0, busy = 0, longest = 0;
for (const e of onMain) {
  if (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") { tasks++; busy += e.dur / 1000; longest = Math.max(longest, e.dur / 1000); continue; }
  by.set(e.name, (by.get(e.name) ?? 0) + e.dur / 1000);
}
console.log(`shown ${shown} / ${total} in ${elapsed.toFixed(2)} s; main thread: ${tasks} tasks, busy ${busy.toFixed(0)} ms, longest ${longest.toFixed(1)} ms`);
console.log("trace events (ms, nested events overlap):");
for (const [k, v] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);
console.log("self time by function (ms):");
for (const [k, v] of top) console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);
reportLongTasks(events, Number(process.env.LONG_MS ?? 20), "ms");
await browser.close();
