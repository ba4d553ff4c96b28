import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { apiLines, pacedRun, serverLog, startRun, waitDone, watchConsole } from "./helpers";

/** A finished bench run of `n` lines in `cases` cases (the second one fails). */
async function casesRun(request: APIRequestContext, n: number, cases: number): Promise<number> {
  const res = await request.post(`/api/bench/produce?n=${n}&cases=${cases}`);
  expect(res.status()).toBe(200);
  return (await res.json()).run;
}

/** Where the page stands in the window: the document's overflow and the log pane's edges. */
async function fit(page: Page) {
  return page.evaluate(() => {
    const pre = document.querySelector("pre#log")!.getBoundingClientRect();
    const toolbar = document.querySelector(".toolbar")!.getBoundingClientRect();
    return {
      docScroll: document.documentElement.scrollHeight - window.innerHeight,
      paneBottom: pre.bottom,
      paneHeight: pre.height,
      toolbarTop: toolbar.top,
      windowHeight: window.innerHeight,
    };
  });
}

test("the log pane fills the window at every size, the page never scrolls, and a 10-case chart leaves the toolbar in place", async ({ page, request }) => {
  const problems = watchConsole(page);
  const two = await casesRun(request, 200, 2);
  const ten = await casesRun(request, 500, 10);
  const tops = new Map<string, number>();
  for (const [width, height] of [[1400, 900], [1920, 1080], [1280, 720], [1024, 768], [800, 600]]) {
    await page.setViewportSize({ width, height });
    for (const id of [two, ten]) {
      await page.goto(`/runs/${id}`);
      await waitDone(page);
      await expect(page.locator("#duration-chart rect")).toHaveCount(id === ten ? 10 : 2);
      // measured once the run's summary is drawn (it comes with the run list, which may be a poll later)
      await expect(page.locator("#run-status")).toHaveText("passed");
      await expect(page.locator("#copy-run-link")).toBeVisible();
      const f = await fit(page);
      expect(f.docScroll, `${width}×${height} run ${id}: the document scrolls`).toBe(0);
      expect(f.paneBottom, `${width}×${height}: the pane's bottom is the window's`).toBeLessThanOrEqual(f.windowHeight);
      expect(f.paneBottom, `${width}×${height}: the pane's bottom is the window's`).toBeGreaterThanOrEqual(f.windowHeight - 12);
      // the header, the run's summary and the toolbar above it take at most this much
      expect(f.paneHeight, `${width}×${height}: the pane keeps the rest of the window`).toBeGreaterThanOrEqual(height - 320);
      if (id === two) tops.set(`${width}`, f.toolbarTop);
      else expect(f.toolbarTop, `${width}×${height}: 10 cases push the toolbar down`).toBe(tops.get(`${width}`));
    }
  }
  // the chart's labels are readable, not shrunk to fit
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`/runs/${ten}`);
  await waitDone(page);
  await page.locator("#durations > summary").click();
  const label = page.locator("#duration-chart .bar-label").first();
  await expect(label).toBeVisible();
  expect((await label.boundingBox())!.height).toBeGreaterThanOrEqual(11);
  expect((await fit(page)).docScroll).toBe(0);
  // the "N new lines" badge sits whole inside the window
  const live = await pacedRun(request, 3000, 300);
  await page.goto(`/runs/${live}`);
  await expect(page.locator("#follow")).toHaveAttribute("aria-pressed", "true");
  const box = (await page.locator("pre#log").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(() => page.locator("pre#log .line").count()).toBeGreaterThan(100);
  await page.mouse.wheel(0, -1e6);
  const badge = page.locator("#new-lines");
  await expect(badge).toBeVisible({ timeout: 5_000 });
  expect((await badge.boundingBox())!.y + (await badge.boundingBox())!.height).toBeLessThanOrEqual(900);
  expect((await fit(page)).docScroll).toBe(0);
  expect(problems).toEqual([]);
});

test("Ctrl+A in the log selects the log only, and Ctrl+C copies every line of it, folded cases included", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  await expect(page.locator('.case[data-outcome="passed"] .case-body').first()).toBeHidden(); // folded
  const log = (await serverLog(page, id)).join("\n");
  await page.locator("pre#log .line:visible").first().click({ position: { x: 200, y: 5 } });
  await page.keyboard.press("Control+A");
  const selected = await page.evaluate(() => {
    const s = window.getSelection()!;
    const pre = document.querySelector("pre#log")!;
    return { inLog: pre.contains(s.anchorNode) && pre.contains(s.focusNode), text: s.toString() };
  });
  expect(selected.inLog, "Ctrl+A selected beyond the log").toBe(true);
  expect(selected.text).not.toContain("smoke suites, live");
  await page.keyboard.press("Control+C");
  await expect.poll(async () => (await page.evaluate(() => navigator.clipboard.readText())).trimEnd()).toBe(log);
});

test("copy all copies the whole run from the server; copy all, copy line and copy link say 'copied'", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const id = await startRun(request);
  // copy all: the whole run from the server, also the lines a long run's page never drew
  const long = await casesRun(request, 3000, 3);
  await page.goto(`/runs/${long}`);
  await waitDone(page);
  await page.locator("#copy-all").click();
  await expect(page.locator("#copy-status")).toHaveText("copied the whole log");
  const all = (await page.evaluate(() => navigator.clipboard.readText())).trimEnd().split("\n");
  expect(all.length).toBe((await apiLines(request, long)).length);
  expect(all).toEqual(await serverLog(page, long));

  // copy line and copy link confirm, for eyes and screen readers alike
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  await expect(page.locator("#copy-status")).toHaveAttribute("role", "status");
  await page.locator("#L2").click({ position: { x: 12, y: 5 } });
  await page.locator("#copy-line").click();
  await expect(page.locator("#copy-status")).toHaveText("copied line 2");
  await page.locator("#copy-link").click();
  await expect(page.locator("#copy-status")).toHaveText("copied the link to line 2");
});

test("keyboard: a skip link comes first, and the log's controls come before the history", async ({ page, request }) => {
  for (let i = 0; i < 30; i++) await casesRun(request, 20, 1); // a history of some length
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  await expect(page.locator(".hydration[data-hydrated=true]")).toHaveCount(1);
  await page.keyboard.press("Tab");
  const first = page.locator(":focus");
  await expect(first).toHaveText("skip to log");
  await page.keyboard.press("Enter");
  await expect(page.locator("pre#log")).toBeFocused();
  // from the top of the page, follow is a few Tab presses away (skip link, brand, the
  // summary's run again, re-run failed, compare with previous, copy link), never past the
  // history's 30 runs
  await page.goto(`/runs/${id}`);
  await expect(page.locator(".hydration[data-hydrated=true]")).toHaveCount(1);
  let presses = 0;
  while (presses < 60 && (await page.evaluate(() => document.activeElement?.id)) !== "follow") {
    await page.keyboard.press("Tab");
    presses++;
  }
  expect(presses, "Tab presses to reach follow").toBeLessThanOrEqual(8);
});

test("on a phone a run's page shows its log first, above the history", async ({ browser, request }) => {
  for (let i = 0; i < 30; i++) await casesRun(request, 20, 1); // a history of some length
  const id = await startRun(request);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p = await phone.newPage();
  await p.goto(`/runs/${id}`);
  await waitDone(p);
  const top = await p.locator("pre#log").evaluate((el) => el.getBoundingClientRect().top);
  expect(top, "the log's top on a phone").toBeLessThan(844 / 2);
  await phone.close();
});

test("a zh run's case headers say 通过 / 错误, an en run's passed / error", async ({ page, request }) => {
  const zh = await startRun(request);
  const res = await request.post("/api/run", { form: { suite: "demo.toml", lang: "en" } });
  expect(res.status()).toBe(201);
  const en = (await res.json()).id;
  await page.goto(`/runs/${zh}`);
  await waitDone(page);
  await expect(page.locator('.case[data-outcome="error"] .case-head')).toHaveAttribute("data-label", /broken seed \(fails on purpose\) — 错误 · \d+ ms/);
  await expect(page.locator('.case[data-outcome="passed"] .case-head').first()).toHaveAttribute("data-label", / — 通过 · \d+ ms/);
  await page.goto(`/runs/${en}`);
  await waitDone(page);
  await expect(page.locator('.case[data-outcome="error"] .case-head')).toHaveAttribute("data-label", /broken seed \(fails on purpose\) — error · \d+ ms/);
  await expect(page.locator('.case[data-outcome="passed"] .case-head').first()).toHaveAttribute("data-label", / — passed · \d+ ms/);
});

test("toggles show their state one way: pressed or not, under a label that stays", async ({ page, request }) => {
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  for (const name of ["follow", "wrap", "time-mode"]) {
    const toggle = page.locator(`#${name}`);
    const label = await toggle.textContent();
    const pressed = await toggle.getAttribute("aria-pressed");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", pressed === "true" ? "false" : "true");
    await expect(toggle, `#${name} changed its label as well as its pressed state`).toHaveText(label!);
  }
});
