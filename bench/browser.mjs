// The browser side of bench/bench.py, in headless chromium (Debian's) through playwright-core.
// Method of the peer's browser-bench.mjs: a 10 ms setInterval heartbeat (its largest gap is the
// longest time the page could not react; longtask reports nothing headless) and CDP
// Performance.getMetrics (TaskDuration = main-thread busy time).
//
//   node browser.mjs show    peer|ours URL TARGET_LINES MAX_S [MIN_S] -> one JSON line
//       lines shown per second, busy share in the first and last 10 s (the windows; they
//       overlap when the page is measured for less than 20 s), busy share until every line was shown
//       and the page settled, longest freeze, JS heap, renderer RSS. "Shown" = window.__peer.items
//       (peer) or the page's own "#counts" (ours; settled = its feed says "done", which it does once
//       the lines above a long run's tail are drawn too). The page is measured until it has shown
//       TARGET_LINES and settled, and for at least MIN_S seconds (default 0), at most MAX_S.
//   node browser.mjs floor blank|static URL REPS                  -> one JSON line
//       the page-load floor: the longest heartbeat gap while the browser loads a page no script of
//       ours runs on, REPS times in a fresh browser each: "blank" a one-paragraph page, "static" the
//       page at URL (our run page) with its scripts and preloads taken out (its HTML and CSS only).
//       Any page's load costs at least this here (parse, style, layout, first paint), so it bounds
//       the "page load included" freeze from below.
//   node browser.mjs latency peer|ours URL SECONDS              -> "READY", then one JSON line
//       every DOM insertion of log lines with its time (Date.now()) and the next animation frame's:
//       ours: the data-seq of each new span.line; peer: the number of lines in the <pre> after it.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [mode, kind, url, a1, a2, a3] = process.argv.slice(2);
const launch = () => chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-precise-memory-info"],
});
// the heartbeat of the peer's browser-bench.mjs: the largest gap of a 10 ms timer
const heartbeat = () => {
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
const withoutScripts = (html) =>
  html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<link rel="(modulepreload|preload)"[^>]*>/g, "");

if (mode === "floor") {
  const reps = Number(a1 ?? 3), gaps = [];
  for (let r = 0; r < reps; r++) {
    const b = await launch();
    const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
    await p.route((u) => u.href === url, async (route) => {
      if (kind === "blank") return route.fulfill({ contentType: "text/html", body: "<!DOCTYPE html><title>blank</title><p>hello</p>" });
      const resp = await route.fetch();
      return route.fulfill({ response: resp, body: withoutScripts(await resp.text()) });
    });
    await p.addInitScript(heartbeat);
    await p.goto(url);
    await p.waitForTimeout(1500);
    gaps.push(await p.evaluate(() => window.__gap.max));
    await b.close();
  }
  const sorted = [...gaps].sort((x, y) => x - y);
  console.log(JSON.stringify({ kind, url, reps, maxGapMs: gaps, medianMaxGapMs: sorted[Math.floor(reps / 2)] }));
  process.exit(0);
}

const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on("pageerror", (e) => console.error("pageerror:", e.message));

async function rendererRssMiB() {
  try {
    const s = await browser.newBrowserCDPSession();
    const { processInfo } = await s.send("SystemInfo.getProcessInfo");
    let best = 0;
    for (const p of processInfo.filter((p) => p.type === "renderer")) {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.id}/status`, "utf8"));
      if (m) best = Math.max(best, Number(m[1]) / 1024);
    }
    return best || null;
  } catch (e) {
    return null;
  }
}

if (mode === "show") {
  const target = Number(a1), maxS = Number(a2), minS = Number(a3 ?? 0);
  await page.addInitScript(() => {
    window.__long = [];
    // gaps are also kept apart from the time the first log line was in the page (page load,
    // wasm compile and hydration excluded): maxAfter, over50After
    // ... and apart from the time our page turned live (hydrated: its wasm compiled and running,
    // so what follows is its own work, the first lines' draw included): maxAfterLive
    window.__gap = { max: 0, over50: 0, over60: 0, last: performance.now(), first: null, maxAfter: 0, over50After: 0,
                     live: null, maxAfterLive: 0 };
    setInterval(() => {
      const n = performance.now(), g = n - window.__gap.last;
      window.__gap.last = n;
      if (window.__gap.live !== null) window.__gap.maxAfterLive = Math.max(window.__gap.maxAfterLive, g);
      else if (document.querySelector('[data-hydrated="true"]')) window.__gap.live = n;
      if (window.__gap.first !== null) {
        if (g > window.__gap.maxAfter) window.__gap.maxAfter = g;
        if (g > 50) window.__gap.over50After++;
      } else if ((window.__peer && window.__peer.items > 0) || document.querySelector("#log span.line")) {
        window.__gap.first = n;
      }
      if (g > window.__gap.max) window.__gap.max = g;
      if (g > 50) window.__gap.over50++;
      if (g > 60) window.__gap.over60++;
    }, 10);
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
      .observe({ type: "longtask", buffered: true });
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((x) => [x.name, x.value]));
  const t0 = Date.now();
  await page.goto(url);
  const samples = [{ t: 0, shown: 0, td: 0 }];
  let last = null, allShownAtS = null, settledAtS = null;
  while ((Date.now() - t0) / 1000 < maxS) {
    await page.waitForTimeout(250);
    last = await page.evaluate((kind) => {
      let shown = 0, total = null;
      if (kind === "peer") shown = window.__peer ? window.__peer.items : 0;
      else {
        const m = /(\d+)\s*\/\s*(\d+)/.exec(document.querySelector("#counts")?.textContent || "");
        if (m) { shown = Number(m[1]); total = Number(m[2]); }
      }
      // ours: "done" once the page has settled (the lines above the tail drawn too)
      const settled = kind === "peer" || document.querySelector("#feed")?.textContent === "done";
      return { shown, total, settled, gap: { ...window.__gap }, long: window.__long.length };
    }, kind);
    const m = await metric();
    samples.push({ t: (Date.now() - t0) / 1000, shown: last.shown, td: m.TaskDuration });
    if (last.shown >= target && allShownAtS === null) allShownAtS = samples.at(-1).t;
    if (last.shown >= target && last.settled && settledAtS === null) settledAtS = samples.at(-1).t;
    if (settledAtS !== null && samples.at(-1).t >= minS) break;
  }
  const el = (Date.now() - t0) / 1000;
  const m = await metric();
  const dom = await page.evaluate((kind) => {
    if (kind === "peer") return { lineNodes: null, chars: window.__peer?.chars, renders: window.__peer?.renders };
    const spans = document.querySelectorAll("#log span.line");
    return { lineNodes: spans.length, lastSeq: spans.length ? Number(spans[spans.length - 1].dataset.seq) : null };
  }, kind);
  const longs = await page.evaluate(() => window.__long.slice());
  // busy share over a window [a, b] (s), from the TaskDuration samples (linear between samples)
  const tdAt = (t) => {
    for (let i = 1; i < samples.length; i++) {
      if (samples[i].t >= t) {
        const p = samples[i - 1], q = samples[i];
        return p.td + (q.td - p.td) * ((t - p.t) / Math.max(1e-9, q.t - p.t));
      }
    }
    return samples.at(-1).td;
  };
  const T = samples.at(-1).t;
  const W = Math.min(10, T);
  console.log(JSON.stringify({
    kind, url, target, seconds: el, allShownAtS, lines: last ? last.shown : 0,
    linesPerS: (last ? last.shown : 0) / (allShownAtS ?? el),
    windowS: W, busyFirst: (tdAt(W) - tdAt(0)) / W, busyLast: (tdAt(T) - tdAt(T - W)) / W,
    settledAtS, busyUntilSettled: settledAtS ? tdAt(settledAtS) / settledAtS : null,
    maxGapMs: last ? last.gap.max : null, gapsOver50: last ? last.gap.over50 : null,
    maxGapAfterFirstMs: last ? last.gap.maxAfter : null,
    maxGapAfterLiveMs: last && last.gap.live !== null ? last.gap.maxAfterLive : null,
    liveAtS: last && last.gap.live !== null ? last.gap.live / 1000 : null, gapsOver50AfterFirst: last ? last.gap.over50After : null,
    firstLineAtS: last && last.gap.first !== null ? last.gap.first / 1000 : null,
    gapsOver60: last ? last.gap.over60 : null, longTasks: longs.length,
    jsHeapMiB: m.JSHeapUsedSize / 2 ** 20, jsHeapTotalMiB: m.JSHeapTotalSize / 2 ** 20,
    rendererRssMiB: await rendererRssMiB(), taskDurationS: m.TaskDuration, layoutDurationS: m.LayoutDuration,
    recalcStyleDurationS: m.RecalcStyleDuration, scriptDurationS: m.ScriptDuration, nodes: m.Nodes, ...dom,
    samples: samples.map((s) => [Number(s.t.toFixed(2)), s.shown, Number(s.td.toFixed(3))]),
  }));
} else if (mode === "latency") {
  const seconds = Number(a1);
  await page.addInitScript((kind) => {
    window.__appear = [];
    window.__firstRender = null;
    const watch = () => {
      const push = (rec) => {
        if (window.__firstRender === null) window.__firstRender = rec.t;
        window.__appear.push(rec);
        requestAnimationFrame(() => { rec.traf = Date.now(); });
      };
      new MutationObserver((muts) => {
        const t = Date.now();
        if (kind === "peer") {
          const pre = document.getElementById("log");
          const count = pre ? (pre.textContent.match(/\n/g) || []).length : 0;
          const prev = window.__appear.length ? window.__appear.at(-1).count : 0;
          if (count > prev) push({ t, count });
          return;
        }
        const seqs = [];
        for (const mu of muts) {
          for (const n of mu.addedNodes) {
            if (n.nodeType !== 1) continue;
            if (n.matches("span.line")) seqs.push(Number(n.dataset.seq));
            for (const e of n.querySelectorAll("span.line")) seqs.push(Number(e.dataset.seq));
          }
        }
        if (seqs.length) push({ t, seqs });
      }).observe(document.documentElement, { childList: true, subtree: true, characterData: kind === "peer" });
    };
    if (document.documentElement) watch(); else document.addEventListener("DOMContentLoaded", watch);
  }, kind);
  await page.goto(url);
  await page.waitForTimeout(500);
  console.log("READY");
  await page.waitForTimeout(seconds * 1000);
  await page.waitForTimeout(100); // let the last animation frame callbacks run
  const r = await page.evaluate(() => ({ appear: window.__appear, firstRender: window.__firstRender, tEnd: Date.now() }));
  console.log(JSON.stringify({ kind, url, seconds, ...r }));
}
await browser.close();
