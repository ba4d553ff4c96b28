import { expect, test, type Page } from "@playwright/test";
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, serve, watchConsole } from "./helpers";

// From the deploy pipeline, in the browser: a server with tokens on asks for
// one once and keeps the session; a run is compared with the one before it,
// the differences first; a running run is cancelled from its page and cleans up.

let server: ChildProcess | undefined;
let dir = "";
let base = "";
let token = "";

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "livesmoke-pipeline-"));
  const suites = join(dir, "suites");
  mkdirSync(suites);
  // Passes with label want=1, fails with want=2: a deploy that broke something.
  writeFileSync(join(suites, "gate.toml"),
    'suite = "gate"\n[db.t]\npath = ":memory:"\n' +
    '[[case]]\nname = "health"\n  [[case.step]]\n  sql = "SELECT 1"\n' +
    '[[case]]\nname = "check"\n  [[case.step]]\n  sql = "SELECT CAST(1 AS TEXT) AS v"\n  expect = { row = { v = "{{label.want}}" } }\n');
  // Cases that take a moment each, with an undo and a teardown to watch run.
  let slow = 'suite = "slow"\n[db.t]\npath = "slow.db"\n';
  for (let i = 1; i <= 20; i++) {
    slow += `\n[[case]]\nname = "case ${i}"\n  [[case.setup]]\n  sql = "CREATE TABLE IF NOT EXISTS s${i} (v INT)"\n` +
      `  undo = { sql = "DROP TABLE s${i}" }\n  [[case.step]]\n` +
      `  sql = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 400000) SELECT count(*) AS c FROM n"\n` +
      `  [[case.teardown]]\n  sql = "SELECT 'tidied ${i}'"\n`;
  }
  writeFileSync(join(suites, "slow.toml"), slow);
  const data = join(dir, "data");
  token = execFileSync(bin, ["token", "create", "e2e", "--scope", "run", "--data", data]).toString().trim();
  ({ server, base } = await serve(["--auth", "--suites", suites, "--data", data], 401));
});

test.afterAll(() => {
  server?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function api(path: string, form?: Record<string, string>) {
  const res = await fetch(`${base}${path}`, {
    method: form ? "POST" : "GET",
    headers: { authorization: `Bearer ${token}` },
    body: form ? new URLSearchParams(form) : undefined,
  });
  expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
  return res.json();
}

async function finished(id: number) {
  await expect.poll(async () => (await api(`/api/runs?id=${id}`))[0].status, { timeout: 30_000 })
    .not.toMatch(/queued|running/);
}

async function signIn(page: Page, path: string) {
  await page.goto(`${base}${path}`);
  await page.locator("#token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${base}${path}`);
  await expect(page.locator(".hydration")).toHaveAttribute("data-hydrated", "true");
}

test("the page asks for a token once and keeps its session", async ({ page }) => {
  await page.goto(`${base}/`);
  await expect(page.getByText("This server needs a token")).toBeVisible();
  await expect(page.locator("pre#log")).toHaveCount(0);
  await page.locator("#token").fill("lsk_not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("not valid");
  await page.locator("#token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("li.suite[data-file='gate.toml']")).toBeVisible();
  const problems = watchConsole(page);
  await page.reload();
  await expect(page.locator(".hydration")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator("li.suite[data-file='slow.toml']")).toBeVisible();
  // Signed in, the page's own requests go through with the cookie (a run from the page).
  await page.locator("li.suite[data-file='gate.toml'] button.run").click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  await expect(page.locator("#run-status")).not.toHaveText("running", { timeout: 20_000 });
  expect(problems).toEqual([]);
});

test("compare with the previous run shows what got worse first, and its failed cases re-run in one click", async ({ page }) => {
  const before = (await api("/api/run", { suite: "gate", lang: "en", labels: "want=1\ndeploy=v1" })).id as number;
  await finished(before);
  const after = (await api("/api/run", { suite: "gate", lang: "en", labels: "want=2\ndeploy=v2" })).id as number;
  await finished(after);
  await signIn(page, `/runs/${after}`);
  const problems = watchConsole(page);
  await expect(page.locator("#run-labels")).toContainText("deploy=v2");
  await page.locator("#compare-previous").click();
  await expect(page).toHaveURL(`${base}/compare?base=previous&head=${after}`);
  await expect(page.locator("#compare-verdict")).toHaveText("something got worse");
  await expect(page.locator("#compare-base")).toContainText(`before #${before} passed`);
  await expect(page.locator("#compare-head")).toContainText(`after #${after} failed`);
  const first = page.locator("#compare-table tbody tr").first();
  await expect(first).toHaveAttribute("data-case", "check");
  await expect(first.locator(".change")).toHaveText("worse");
  await expect(first).toContainText("passed");
  await expect(first).toContainText("failed");
  // The case that stayed the same is folded under the differences.
  await expect(page.locator("#compare-same summary")).toHaveText("1 cases the same");
  await page.locator("#compare-head").click();
  await expect(page).toHaveURL(`${base}/runs/${after}`);
  // Re-run only what failed, with the run's labels: one click.
  await page.locator("#rerun-failed").click();
  await expect(page).not.toHaveURL(`${base}/runs/${after}`);
  await expect(page.locator("#rerun-of")).toHaveText(`re-run of #${after}`);
  await expect(page.locator("#run-labels")).toContainText("want=2");
  await expect(page.locator("#feed")).toHaveText("done", { timeout: 20_000 });
  const log = (await page.locator("pre#log").textContent()) ?? "";
  expect(log).toContain("case started: check");
  expect(log).not.toContain("case started: health");
  expect(problems).toEqual([]);
});

test("a run cancelled from its page ends its step, cleans up and skips the rest", async ({ page }) => {
  const id = (await api("/api/run", { suite: "slow", lang: "en" })).id as number;
  await signIn(page, `/runs/${id}`);
  const problems = watchConsole(page);
  await expect(page.locator("pre#log")).toContainText("case started: case 2", { timeout: 20_000 });
  await page.locator("#cancel-run").click();
  await expect(page.locator("#run-status")).toHaveText("cancelled", { timeout: 20_000 });
  await expect(page.locator("#feed")).toHaveText("done", { timeout: 20_000 });
  const log = (await page.locator("pre#log").textContent()) ?? "";
  expect(log).toContain("run cancelled");
  expect(log).toContain("skipped: the run was cancelled");
  // Whatever case was under way undid its setup and ran its teardown.
  const started = [...log.matchAll(/case started: case (\d+)/g)].map((m) => m[1]);
  const last = started[started.length - 1];
  expect(log).toContain(`DROP TABLE s${last}`);
  expect(log).toContain(`tidied ${last}`);
  expect(started.length).toBeLessThan(20);
  await expect(page.locator("#cancel-run")).toHaveCount(0);
  expect(problems).toEqual([]);
});
