import { expect, test } from "@playwright/test";
import { type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, waitDone, watchConsole } from "./helpers";

// A suite whose cases run at once (`parallel = 4`): their lines interleave,
// each stretch of a case's lines sits under that case's header, and when the
// run ends every one of those headers shows its case's outcome; the chart
// names each case once.

let server: ChildProcess | undefined;
let dir = "";
let base = "";

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "livesmoke-parallel-"));
  const suites = join(dir, "suites");
  mkdirSync(suites);
  const busy = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 150000) SELECT count(*) AS c FROM n";
  let text = 'suite = "lanes"\nparallel = 4\n[db.t]\npath = "lanes.db"\n';
  for (const name of ["north", "south", "east", "west"]) {
    text += `\n[[case]]\nname = "${name}"\n`;
    for (let i = 0; i < 4; i++) text += `  [[case.step]]\n  sql = "${busy}"\n`;
  }
  writeFileSync(join(suites, "lanes.toml"), text);
  ({ server, base } = await serve(["--suites", suites, "--data", join(dir, "data")]));
});

test.afterAll(() => {
  server?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("cases run in parallel: every stretch of a case's lines ends with its outcome, and the chart names each case once", async ({ page }) => {
  const problems = watchConsole(page);
  const res = await fetch(`${base}/api/run`, { method: "POST", body: new URLSearchParams({ suite: "lanes.toml", lang: "en" }) });
  expect(res.status).toBe(201);
  const id = (await res.json()).id as number;
  await page.goto(`${base}/runs/${id}`);
  await waitDone(page);
  const sections = page.locator("pre#log .case");
  // Interleaved: more stretches than cases (4 cases, 4 steps each, 4 at once).
  expect(await sections.count()).toBeGreaterThan(4);
  for (const name of ["north", "south", "east", "west"]) {
    const mine = page.locator(`pre#log .case[data-case="${name}"]`);
    const n = await mine.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) await expect(mine.nth(i)).toHaveAttribute("data-outcome", "passed");
  }
  await page.locator("#durations summary").click();
  await expect(page.locator("#duration-chart .bar-label")).toHaveCount(4);
  expect(problems).toEqual([]);
});
