import { expect, test, type APIRequestContext } from "@playwright/test";
import { startRun, watchConsole } from "./helpers";

/** Waits until the run has ended and returns it as `GET /api/runs?id=` lists it. */
async function endedRun(request: APIRequestContext, id: number) {
  let run: any;
  await expect.poll(async () => {
    run = (await (await request.get(`/api/runs?id=${id}`)).json())[0];
    return run?.status;
  }, { timeout: 30_000 }).not.toBe("running");
  return run;
}

/** A finished bench run of `n` lines (`POST /api/bench/produce`, LIVESMOKE_BENCH=1). */
async function benchRun(request: APIRequestContext, n = 1): Promise<number> {
  const res = await request.post(`/api/bench/produce?n=${n}`);
  expect(res.status()).toBe(200);
  return (await res.json()).run;
}

test("the history shows when each run started and how long it took, filters by status, and leaves bench runs out unless asked", async ({ page, request }) => {
  const problems = watchConsole(page);
  const id = await startRun(request);
  await endedRun(request, id);
  const bench = await benchRun(request, 3);
  await page.goto("/");
  await expect(page.locator(".hydration")).toHaveAttribute("data-hydrated", "true");
  const row = page.locator(`li.run[data-run="${id}"]`);
  await expect(row.locator(".run-started")).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await expect(row.locator(".run-duration")).toHaveText(/^\d+\.\d\d s$/);
  // a bench run (lines, no cases) is not in the default history …
  await expect(page.locator(`li.run[data-run="${bench}"]`)).toHaveCount(0);
  await expect(page.locator("li.run .run-counts", { hasText: "0/0 cases" })).toHaveCount(0);
  // … and the kind filter shows it, marked as one
  await page.locator("#runs-kind").selectOption("bench");
  await expect(page.locator(`li.run[data-run="${bench}"]`)).toHaveAttribute("data-kind", "bench");
  await expect(row).toHaveCount(0);
  await page.locator("#runs-kind").selectOption("");
  // status: the demo run ends in `error`; `passed` leaves it out
  await page.locator("#runs-status").selectOption("passed");
  await expect(row).toHaveCount(0);
  await page.locator("#runs-status").selectOption("error");
  await expect(row).toHaveCount(1);
  await expect(page.locator("li.run:not([data-status=error])")).toHaveCount(0);
  // env and suite: no demo run has env `staging`; the suite filter takes the name the suites panel shows
  await page.locator("#runs-env").fill("staging");
  await expect(page.locator(".runs .empty")).toHaveText("No runs match.");
  await page.locator("#runs-env").fill("");
  await page.locator("#runs-suite").fill("demo");
  await expect(row).toHaveCount(1);
  expect(problems).toEqual([]);
});

test("the history pages beyond the newest 200 runs, in the page and in the API", async ({ page, request }) => {
  const ids: number[] = [];
  for (let i = 0; i < 203; i++) ids.push(await benchRun(request));
  const api = await (await request.get(`/api/runs?kind=bench&limit=2&before=${ids[202]}`)).json();
  expect(api.map((r: any) => r.id)).toEqual([ids[201], ids[200]]);
  await page.goto("/");
  // A choice made before the wasm hydrates the page is not heard: wait for it.
  await expect(page.locator(".hydration")).toHaveAttribute("data-hydrated", "true");
  await page.locator("#runs-kind").selectOption("bench");
  await expect(page.locator("li.run")).toHaveCount(200);
  await expect(page.locator(`li.run[data-run="${ids[202]}"]`)).toHaveCount(1);
  await page.locator("#runs-older").click();
  await expect(page.locator(`li.run[data-run="${ids[0]}"]`)).toHaveCount(1);
  await expect(page.locator(`li.run[data-run="${ids[202]}"]`)).toHaveCount(0);
  await page.locator("#runs-newest").click();
  await expect(page.locator(`li.run[data-run="${ids[202]}"]`)).toHaveCount(1);
});

test("the suites panel and the history name a suite the same way, and POST /api/run takes that name", async ({ page, request }) => {
  const byName = await request.post("/api/run", { form: { suite: "demo" } });
  expect(byName.status()).toBe(201);
  const id = (await byName.json()).id;
  await page.goto(`/runs/${id}`);
  const shown = await page.locator('li.suite[data-file="demo.toml"] .suite-title strong').textContent();
  expect(shown).toBe("demo");
  await expect(page.locator(`li.run[data-run="${id}"] .run-suite`)).toHaveText(shown!);
  await expect(page.locator("#run-summary .suite-name")).toHaveText(shown!);
  const unknown = await request.post("/api/run", { form: { suite: "no-such-suite" } });
  expect(unknown.status()).toBe(404);
});

test("a run's page runs it again with the same suite and language, and copies its link", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const first = await request.post("/api/run", { form: { suite: "demo.toml", lang: "en" } });
  const id = (await first.json()).id;
  await endedRun(request, id);
  await page.goto(`/runs/${id}`);
  await page.locator("#copy-run-link").click();
  await expect(page.locator("#copy-run-link")).toHaveText("copied");
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(new URL(`/runs/${id}`, page.url()).href);
  await page.locator("#run-again").click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${id}$`));
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  const again = Number(page.url().split("/").pop());
  expect(again).toBeGreaterThan(id);
  const run = await endedRun(request, again);
  expect([run.suite, run.env, run.lang]).toEqual(["demo", undefined, "en"]);
  // the same language: the log is in English, like the first run's
  await expect(page.locator("pre#log")).toContainText("[ERROR]: setup failed: the case's remaining setup and steps are skipped", { timeout: 20_000 });
});
