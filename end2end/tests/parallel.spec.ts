import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, waitDone, watchConsole } from "./helpers";

// A suite whose cases run at once (`parallel = 4`): their lines interleave,
// each stretch of a case's lines sits under that case's header, and when the
// run ends every one of those headers shows its case's outcome; the chart
// names each case once.

const bin = resolve(__dirname, "../../target/debug/livesmoke");
const root = resolve(__dirname, "../..");

let server: ChildProcess | undefined;
let dir = "";
let base = "";

test.beforeAll(async () => {
  expect(existsSync(bin), `${bin} is built by cargo leptos`).toBe(true);
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
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, LEPTOS_SITE_ROOT: "target/site", LEPTOS_OUTPUT_NAME: "livesmoke" };
  delete env.LIVESMOKE_DB;
  server = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "--suites", suites, "--data", join(dir, "data")], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/suites`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`${base} did not answer within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
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
