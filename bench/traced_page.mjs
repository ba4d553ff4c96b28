// The headless chromium page the trace diagnostics share (viewer_trace.mjs,
// catchup_profile.mjs): Debian's chromium, a 1280×900 page, and a CDP session
// that collects trace events into `events` (`complete` resolves once a trace ends).
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
  return { browser, page, cdp, events, complete };
}
