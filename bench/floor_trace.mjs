// Diagnostic for (f)'s page-load floor: what the browser's first style and
// layout of our page cost with no script of ours at all (the page at URL with
// its scripts and preloads taken out, as `browser.mjs floor static` loads it),
// in REPS fresh browsers: the longest gap of a 10 ms heartbeat, and from a
// trace of the renderer's main thread the font lookups
// (`FontCache::GetFontPlatformData`: on Linux each is a fontconfig match, and
// a glyph no installed font has costs a search of every font) and Layout.
// Variants, to see what a change of the page would save before making it:
//   CSS=file        serve this stylesheet instead of the page's
//   EDIT=regex REPL=text   edit the HTML (e.g. EDIT='中文 ' takes the one CJK text out)
// usage: taskset -c 1 node bench/floor_trace.mjs URL [REPS=9]
import { readFileSync } from "node:fs";
import { heartbeat, heartbeatGaps, rendererMainThreads, threadKey, tracedPage, withoutScripts } from "./traced_page.mjs";

const [url, repsArg] = process.argv.slice(2);
const reps = Number(repsArg ?? 9);
const runs = [];
for (let r = 0; r < reps; r++) {
  const { browser, page, events, startTrace, endTrace } = await tracedPage();
  await page.route((u) => u.href === url, async (route) => {
    const resp = await route.fetch();
    let body = withoutScripts(await resp.text());
    if (process.env.EDIT) body = body.replace(new RegExp(process.env.EDIT, "gs"), process.env.REPL ?? "");
    return route.fulfill({ response: resp, body });
  });
  if (process.env.CSS) {
    const css = readFileSync(process.env.CSS, "utf8");
    await page.route((u) => u.pathname.endsWith(".css"), (route) => route.fulfill({ contentType: "text/css", body: css }));
  }
  await page.addInitScript(heartbeat);
  await startTrace("toplevel,devtools.timeline,blink,fonts,loading");
  await page.goto(url);
  await page.waitForTimeout(1200);
  await endTrace();
  const gapMs = await page.evaluate(() => window.__gap.max);
  await browser.close();
  const pageMain = heartbeatGaps(events, rendererMainThreads(events)).thread;
  const onMain = (name) => events.filter((e) => e.ph === "X" && e.name === name && threadKey(e) === pageMain);
  const fonts = onMain("FontCache::GetFontPlatformData");
  runs.push({
    gapMs,
    fontLookups: fonts.length,
    fontMs: fonts.reduce((s, e) => s + e.dur, 0) / 1000,
    layoutMs: onMain("Layout").reduce((s, e) => s + e.dur, 0) / 1000,
  });
}
const median = (k) => runs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(reps / 2)];
console.log(JSON.stringify({
  url, reps, css: process.env.CSS ?? null, edit: process.env.EDIT ?? null,
  medianGapMs: +median("gapMs").toFixed(1), medianFontLookups: median("fontLookups"),
  medianFontMs: +median("fontMs").toFixed(1), medianLayoutMs: +median("layoutMs").toFixed(1),
  gapsMs: runs.map((x) => +x.gapMs.toFixed(1)),
}));
