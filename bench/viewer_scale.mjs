// Issue 5's scale measurement: our log page in headless chromium while a run
// streams 2,000 lines/s for 60 s (120,000 lines): main-thread busy share per
// 10 s window (CDP TaskDuration), the longest freeze (largest gap of a 10 ms
// heartbeat timer; `longtask` reports nothing headless), freezes over 50 ms,
// the same after the first line is shown (page load excluded), JS heap and DOM nodes over time, lines shown, and whole-log search latency.
// usage: node bench/viewer_scale.mjs BASE_URL [RATE=2000] [SECONDS=60]
// VIEW_QUERY (e.g. "?max_lines=5000") is appended to the run page's address.
// (the server must run with --bench; bench/viewer_scale.sh starts everything)
import { chromium } from "../end2end/node_modules/playwright-core/index.mjs";

const [base, rateArg, secsArg] = process.argv.slice(2);
const rate = Number(rateArg ?? 2000), secs = Number(secsArg ?? 60), n = rate * secs;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-precise-memory-info"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.addInitScript(() => {
  window.__gap = { max: 0, over50: 0, last: performance.now() };
  setInterval(() => { const t = performance.now(), g = t - window.__gap.last; window.__gap.last = t;
    if (g > window.__gap.max) window.__gap.max = g; if (g > 60) window.__gap.over50++;
    if (g > 40) (window.__gaps ??= []).push([+t.toFixed(0), +g.toFixed(1)]); }, 10);
});
const cdp = await page.context().newCDPSession(page);
await cdp.send("Performance.enable");
const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
const run = (await (await fetch(`${base}/api/bench/produce?n=${n}&rate=${rate}`, { method: "POST" })).json()).run;
const t0 = Date.now();
await page.goto(`${base}/runs/${run}${process.env.VIEW_QUERY ?? ""}`);
await page.waitForSelector("pre#log .line");
const firstLineAt = await page.evaluate(() => performance.now());
const samples = [];
let shown = 0;
while (true) {
  await page.waitForTimeout(1000);
  const m = await metric();
  shown = await page.evaluate(() => Number(document.getElementById("counts").textContent.split(" / ")[0]));
  samples.push({ t: (Date.now() - t0) / 1000, td: m.TaskDuration, heap: m.JSHeapUsedSize, nodes: m.Nodes, shown,
    script: m.ScriptDuration, layout: m.LayoutDuration, style: m.RecalcStyleDuration });
  const feed = await page.locator("#feed").textContent();
  if ((feed === "done" && shown >= n) || (Date.now() - t0) / 1000 > secs + 60) break;
}
const windows = [];
for (let i = 10; i < samples.length; i += 10) {
  const a = samples[i - 10], b = samples[i];
  windows.push(+((b.td - a.td) / (b.t - a.t)).toFixed(3));
}
const gap = await page.evaluate(() => window.__gap);
// The same heartbeat after the first line was shown (page load and hydration excluded).
const liveGaps = (await page.evaluate(() => window.__gaps ?? [])).filter(([t]) => t > firstLineAt);
// Whole-log search: time until the server's match count is shown.
const ts = Date.now();
await page.locator("#search").fill(`bench line ${Math.floor(n / 2)}`);
await page.locator("#search").press("Enter");
await page.waitForFunction(() => /\/\d+/.test(document.getElementById("search-count").textContent), null, { timeout: 60_000 });
const searchMs = Date.now() - ts;
const last = samples.at(-1);
console.log(JSON.stringify({
  rate, seconds: secs, lines: n, shown, wallS: last.t,
  busyPer10s: windows, busyFirst10s: windows[0], busyLast10s: windows.at(-1),
  maxFreezeMs: +gap.max.toFixed(1), freezesOver60ms: gap.over50,
  maxFreezeLiveMs: Math.max(0, ...liveGaps.map(([, g]) => g)), liveFreezesOver50ms: liveGaps.filter(([, g]) => g > 50).length,
  liveFreezesAt: liveGaps.filter(([, g]) => g > 50).map(([t, g]) => `${((t - firstLineAt) / 1000).toFixed(1)}s:${g}`).slice(0, 12),
  heapMiBAt: samples.filter((_, i) => i % 10 === 9).map((s) => +(s.heap / 2 ** 20).toFixed(1)),
  domNodesEnd: last.nodes, searchCountMs: searchMs,
  // where the main thread's time went over the whole run (seconds)
  scriptS: +last.script.toFixed(2), layoutS: +last.layout.toFixed(2), styleS: +last.style.toFixed(2), taskS: +last.td.toFixed(2),
}));
await browser.close();
