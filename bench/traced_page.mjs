// The headless chromium page the trace diagnostics share (viewer_trace.mjs,
// gap_trace.mjs, load_trace.mjs, catchup_profile.mjs, floor_trace.mjs): Debian's
// chromium, a 1280×900 page, and a CDP session whose trace `startTrace(categories)`
// starts and `endTrace()` ends, its events collected into `events`. Also the
// heartbeat and the script-free page that browser.mjs (the bench's own
// measurements) and floor_trace.mjs both use.
import { chromium } from "../end2end/node_modules/playwright-core/index.mjs";

export const TRACE_CATEGORIES = process.env.TRACE_CATS ?? "toplevel,devtools.timeline,blink_gc,disabled-by-default-v8.gc";

export async function tracedPage() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
  const complete = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
  const startTrace = (categories = TRACE_CATEGORIES) => cdp.send("Tracing.start", { categories, transferMode: "ReportEvents" });
  const endTrace = async () => {
    await cdp.send("Tracing.end");
    await complete;
  };
  return { browser, page, cdp, events, startTrace, endTrace };
}

// the heartbeat of the peer's browser-bench.mjs: the largest gap of a 10 ms timer
export const heartbeat = () => {
  window.__gap = { max: 0, over50: 0, last: performance.now() };
  setInterval(() => {
    const n = performance.now(), g = n - window.__gap.last;
    window.__gap.last = n;
    if (g > window.__gap.max) window.__gap.max = g;
    if (g > 50) window.__gap.over50++;
  }, 10);
};

// A page's HTML with its scripts and preloads taken out: what the browser
// loads of it when no script of ours runs (the page-load floor).
export const withoutScripts = (html) =>
  html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<link rel="(modulepreload|preload)"[^>]*>/g, "");

export const threadKey = (e) => `${e.pid}:${e.tid}`;

// The keys (threadKey) of the renderer main threads of a trace.
export const rendererMainThreads = (events) =>
  new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map(threadKey));

// The page's 10 ms heartbeat (the timer that fired most often on a renderer
// main thread; timer ids are per renderer, so a timer is its thread and id):
// how often it fired, its gaps over `overUs` as [from, to] trace timestamps,
// and the page's main thread (its threadKey: the browser's own WebUI renderer
// has a main thread too).
export function heartbeatGaps(events, main, overUs = 50000) {
  const fires = events.filter((e) => e.ph === "X" && e.name === "TimerFire" && main.has(threadKey(e)));
  const timer = (f) => `${threadKey(f)}/${f.args.data.timerId}`;
  const byTimer = {};
  for (const f of fires) byTimer[timer(f)] = (byTimer[timer(f)] ?? 0) + 1;
  const beat = Object.entries(byTimer).sort((a, b) => b[1] - a[1])[0][0];
  const beats = fires.filter((f) => timer(f) === beat).map((f) => f.ts).sort((a, b) => a - b);
  const gaps = [];
  for (let i = 1; i < beats.length; i++) if (beats[i] - beats[i - 1] > overUs) gaps.push([beats[i - 1], beats[i]]);
  return { beats: beats.length, gaps, thread: beat.split("/")[0] };
}

// The events nested in task `t` on its thread (longer than `minUs`), summed by
// name, the `top` costliest as "name ms" strings.
export function spentIn(events, t, minUs, top) {
  const spent = {};
  for (const e of events) {
    if (threadKey(e) === threadKey(t) && e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e.dur > minUs && !e.name.endsWith("RunTask")) {
      spent[e.name] = (spent[e.name] ?? 0) + e.dur / 1000;
    }
  }
  return Object.entries(spent).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${k} ${v.toFixed(1)}`);
}

// The renderer main thread's tasks of a trace: a histogram, then the longest
// ones (over `overMs`) with when they ran (`unit` "s" or "ms" after the first
// task) and the nested events they spent most time in.
export function reportLongTasks(events, overMs = 40, unit = "s") {
  const main = rendererMainThreads(events);
  const tasks = events.filter((e) => e.ph === "X" && main.has(threadKey(e)) && e.name.endsWith("RunTask"));
  const hist = [10, 20, 30, 40, 50, 75, 100].map((ms) => `>${ms}ms: ${tasks.filter((e) => e.dur > ms * 1000).length}`);
  console.log(`renderer main-thread tasks: ${tasks.length}; ${hist.join(", ")}; longest ${(Math.max(0, ...tasks.map((e) => e.dur)) / 1000).toFixed(1)} ms`);
  const scale = unit === "ms" ? 1e3 : 1e6;
  for (const t of tasks.filter((e) => e.dur > overMs * 1000).sort((a, b) => b.dur - a.dur).slice(0, 10)) {
    const top = spentIn(events, t, 2000, 6);
    console.log(`  ${(t.dur / 1000).toFixed(1)} ms at ${((t.ts - tasks[0].ts) / scale).toFixed(1)} ${unit}: ${top.join(", ")}`);
  }
  return main;
}

// Traces our page while a paced run streams into it: produces `rate` lines/s
// for `secs` s (server with --bench), opens the run page with the trace on,
// and ends the trace once every line is shown (or 30 s after the run's end).
// `categories` default to TRACE_CATEGORIES; `beforeGoto(page)` may add init
// scripts. Returns the trace's events; the browser is closed.
export async function traceLiveRun(base, rate, secs, { categories = TRACE_CATEGORIES, beforeGoto } = {}) {
  const n = rate * secs;
  const { browser, page, events, startTrace, endTrace } = await tracedPage();
  if (beforeGoto) await beforeGoto(page);
  const run = (await (await fetch(`${base}/api/bench/produce?n=${n}&rate=${rate}`, { method: "POST" })).json()).run;
  await startTrace(categories);
  await page.goto(`${base}/runs/${run}${process.env.VIEW_QUERY ?? ""}`);
  const t0 = Date.now();
  while ((Date.now() - t0) / 1000 < secs + 30) {
    await page.waitForTimeout(1000);
    const shown = await page.evaluate(() => Number(document.getElementById("counts").textContent.split(" / ")[0]));
    if ((await page.locator("#feed").textContent()) === "done" && shown >= n) break;
  }
  await endTrace();
  await browser.close();
  return events;
}
