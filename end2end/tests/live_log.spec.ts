import { expect, test } from "@playwright/test";
import { expectContiguous, serverLog, shownLines, shownSeqs, startRun, waitDone, watchConsole } from "./helpers";

test("the demo suite runs from the page and its log streams in order with level colours", async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto("/");
  await expect(page.locator("h1, .brand").first()).toHaveText("livesmoke");
  const run = page.locator('li.suite[data-file="demo.toml"] button.run');
  await expect(run).toBeEnabled(); // enabled only once the wasm has hydrated the page
  await run.click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  const id = Number(page.url().split("/").pop());
  await expect(page.locator("#run-id")).toHaveText(String(id));
  await waitDone(page);

  const seqs = await shownSeqs(page);
  expectContiguous(seqs);
  // every line carries the class of the level its text shows
  const pairs = await page.locator("pre#log .line").evaluateAll((els) =>
    els.map((e) => [e.className, /\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]: /.exec(e.textContent ?? "")?.[1] ?? "none"]));
  for (const [cls, level] of pairs) expect(cls).toContain(`lv-${level}`);
  expect(new Set(pairs.map((p) => p[1]))).toEqual(new Set(["DEBUG", "INFO", "WARNING", "ERROR"]));
  // the seed's line format
  for (const l of await shownLines(page)) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]: /);
  expect(await shownLines(page)).toEqual(await serverLog(page, id));

  // the failing statement: the driver's message, then the seed's setup-failed line, both ERROR
  const lines = await shownLines(page);
  const failed = lines.findIndex((l) => l.endsWith("[ERROR]: SQL发生错误，前置处理失败"));
  expect(failed).toBeGreaterThan(0);
  expect(lines[failed - 1]).toMatch(/\[ERROR\]: .*no such table: no_such_table/);
  expect(lines[failed - 2]).toContain('[INFO]: 前置条件: "INSERT INTO no_such_table (x) VALUES (1)"');
  expect(lines.some((l) => l.includes("SELECT 'never runs'"))).toBe(false); // the rest of the setup was skipped
  expect(lines.some((l) => l.includes("用例结束: broken seed (fails on purpose) — 错误"))).toBe(true);
  await expect(page.locator(`li.run[data-run="${id}"]`)).toHaveAttribute("data-status", "error");
  await expect(page.locator(`li.run[data-run="${id}"] .run-counts`)).toHaveText("3 passed · 0 failed · 1 error");
  expect(problems).toEqual([]);
});

test("two pages on one run end with identical text, equal to the server's whole log", async ({ browser, request }) => {
  const id = await startRun(request);
  const a = await browser.newPage();
  const b = await browser.newPage();
  const problems = [...watchConsole(a), ...watchConsole(b)];
  await Promise.all([a.goto(`/runs/${id}`), b.goto(`/runs/${id}`)]);
  await Promise.all([waitDone(a), waitDone(b)]);
  const [ta, tb] = [await shownLines(a), await shownLines(b)];
  expect(ta).toEqual(tb);
  expect(ta).toEqual(await serverLog(a, id));
  expectContiguous(await shownSeqs(a));
  expect(problems).toEqual([]);
});

test("a reload in the middle of a run resumes from line 1 with no gap and no duplicate", async ({ page, request }) => {
  const problems = watchConsole(page);
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await expect(page.locator("pre#log .line").first()).toBeVisible();
  await expect(page.locator("#feed")).toHaveText("live"); // still running when we reload
  await page.reload();
  await waitDone(page);
  const seqs = await shownSeqs(page);
  expectContiguous(seqs);
  expect(await shownLines(page)).toEqual(await serverLog(page, id));
  expect(problems).toEqual([]);
});

test("bad API input gets a 4xx with a readable message", async ({ request }) => {
  const bad = await request.get("/api/log?run=abc");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toContain("run: expected a whole number");
  const unknown = await request.get("/api/log?run=987654321");
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toBe("unknown run 987654321");
  const limit = await request.get("/api/log?run=1&limit=999999");
  expect(limit.status()).toBe(400);
  const suite = await request.post("/api/run", { form: { suite: "../Cargo.toml" } });
  expect(suite.status()).toBe(404);
});

test("at phone width the page fits, and the log language switch runs the suite in English", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto("/");
  const run = page.locator('li.suite[data-file="demo.toml"] button.run');
  await expect(run).toBeEnabled();
  await page.selectOption("#lang", "en");
  await run.click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  await waitDone(page);
  const lines = await shownLines(page);
  // the seed's two ERROR lines, in English this time
  const failed = lines.findIndex((l) => l.endsWith("[ERROR]: setup failed: the case's remaining setup and steps are skipped"));
  expect(failed).toBeGreaterThan(0);
  expect(lines[failed - 1]).toMatch(/\[ERROR\]: .*no such table: no_such_table/);
  expect(lines.some((l) => l.includes("SQL发生错误"))).toBe(false);
  // nothing sticks out sideways: the page itself never scrolls horizontally at phone width
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/run-phone-en.png", fullPage: false });
  // the choice sticks: on the run's page and after a reload
  await expect(page.locator("#lang")).toHaveValue("en");
  await page.reload();
  await expect(page.locator(".hydration[data-hydrated=true]")).toHaveCount(1);
  await expect(page.locator("#lang")).toHaveValue("en");
  expect(problems).toEqual([]);
  await context.close();
});
