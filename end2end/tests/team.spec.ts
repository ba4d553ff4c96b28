import { expect, test } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expectContiguous, freePort, shownLines, shownSeqs, waitDone, watchConsole } from "./helpers";

// The team setup in the browser: two `serve --db` instances on one
// PostgreSQL and a worker process. A run queued on instance A is watched live
// on instance B, line by line, and ends with A's log exactly.

const admin = process.env.LIVESMOKE_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres";
const bin = resolve(__dirname, "../../target/debug/livesmoke");
const root = resolve(__dirname, "../..");

const children: ChildProcess[] = [];
let dir = "";
let dbName = "";

function start(args: string[], log: string) {
  const child = spawn(bin, args, {
    cwd: root,
    env: { ...process.env, LEPTOS_SITE_ROOT: "target/site", LEPTOS_OUTPUT_NAME: "livesmoke", LIVESMOKE_DB: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => writeFileSync(log, d, { flag: "a" }));
  child.stderr?.on("data", (d) => writeFileSync(log, d, { flag: "a" }));
  children.push(child);
}

async function answering(base: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/api/suites`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${base} did not answer within 30 s`);
}

test.afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  if (dbName) execFileSync("psql", [admin, "-qc", `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a run queued on one instance is shown live on another, line for line", async ({ browser, request }) => {
  expect(existsSync(bin), `${bin} is built by cargo leptos`).toBe(true);
  dbName = `livesmoke_e2e_${process.pid}`;
  execFileSync("psql", [admin, "-qc", `CREATE DATABASE ${dbName}`]);
  const db = admin.replace(/\/[^/]*$/, `/${dbName}`);
  dir = mkdtempSync(join(tmpdir(), "livesmoke-team-"));
  const suites = join(dir, "suites");
  mkdirSync(suites);
  // 12 cases of a SQLite statement that takes a moment: a few seconds of live log.
  let suite = 'suite = "team live"\ndefault_db = "t"\n[db.t]\nkind = "sqlite"\npath = "team.db"\n';
  for (let i = 1; i <= 12; i++) {
    suite += `\n[[case]]\nname = "case ${i}"\n  [[case.step]]\n` +
      `  sql = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000) SELECT count(*) AS c FROM n"\n` +
      `  expect.rows = 1\n`;
  }
  writeFileSync(join(suites, "team.toml"), suite);
  const [pa, pb] = [await freePort(), await freePort()];
  const a = `http://127.0.0.1:${pa}`, b = `http://127.0.0.1:${pb}`;
  for (const [port, name] of [[pa, "a"], [pb, "b"]] as const) {
    start(["serve", "--db", db, "--no-worker", "--addr", `127.0.0.1:${port}`, "--suites", suites, "--data", join(dir, name)],
      join(dir, `${name}.log`));
  }
  start(["worker", "--db", db, "--suites", suites, "--data", join(dir, "w"), "--name", "e2e-worker"], join(dir, "w.log"));
  await Promise.all([answering(a), answering(b)]);

  const res = await request.post(`${a}/api/run`, { form: { suite: "team.toml", lang: "en" } });
  expect(res.ok()).toBe(true);
  const id = (await res.json()).id as number;

  const page = await browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${b}/runs/${id}`);
  // Live on B while the worker produces it: lines arrive before the run ends.
  await expect(page.locator("pre#log .line").first()).toBeVisible({ timeout: 20_000 });
  await expect(page.locator("#feed")).toHaveText("live");
  await expect(page.locator("#run-status")).toHaveText("running");
  await expect(page.locator("#run-where")).toHaveText("pool default · on e2e-worker");
  const early = (await shownSeqs(page)).length;
  await waitDone(page);
  const seqs = await shownSeqs(page);
  expect(seqs.length).toBeGreaterThan(early);
  expectContiguous(seqs);
  await expect(page.locator("#run-status")).toHaveText("passed");
  await expect(page.locator(`li.run[data-run="${id}"] .run-where`)).toHaveText("pool default · on e2e-worker");

  // Exactly A's log (its raw download), in the page's format.
  const fromA = (await (await request.get(`${a}/api/log.txt?run=${id}`)).text()).split("\n").filter((l) => l.length > 0);
  expect(await shownLines(page)).toEqual(fromA);
  expect(fromA[fromA.length - 1]).toContain("12 passed");
  expect(problems).toEqual([]);
});
