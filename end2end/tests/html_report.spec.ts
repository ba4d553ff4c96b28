import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { watchConsole } from "./helpers";

// `livesmoke run --html`: the report a CI job keeps, opened from file:// as a
// reader would, with no server. Its search and level filter work offline, a
// step's line leads to its place in the full log, hostile text stays text,
// and the suite's secret is nowhere in the page.
// (The config's global setup still waits for the e2e server; this file never talks to it.)

const bin = resolve(__dirname, "../../target/debug/livesmoke");
const SECRET = "pw-e2e-Kq77-HTMLREPORT";

let dir = "";
let report = "";
/** The run's log as the JSONL report has it: what the HTML must agree with. */
let lines: { seq: number; level: string; msg: string; case?: string }[] = [];

test.beforeAll(() => {
  expect(existsSync(bin), `${bin} is built by cargo`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), "livesmoke-html-"));
  // SQLite only: a secret bound as a param (its value would be in the params
  // line and in the failure), a value carrying markup, a passing and a failing case.
  const suite = join(dir, "report.toml");
  writeFileSync(suite,
    'suite = "report"\n[vars]\ntoken = { env = "LS_E2E_HTML_SECRET", secret = true }\n' +
    '[db.app]\npath = "report.db"\n' +
    '[[case]]\nname = "table is there"\n' +
    '  [[case.setup]]\n  sql = "CREATE TABLE IF NOT EXISTS t (v TEXT)"\n' +
    '  [[case.step]]\n  sql = "SELECT count(*) AS n FROM t"\n' +
    '[[case]]\nname = "token is stored"\n' +
    '  [[case.setup]]\n  sql = "INSERT INTO t (v) VALUES (?)"\n  params = ["{{token}}"]\n' +
    '  undo = { sql = "DELETE FROM t WHERE v = ?", params = ["{{token}}"] }\n' +
    '  [[case.step]]\n  sql = "SELECT v, \'<img src=x onerror=\\"window.__pwned=1\\">\' AS h FROM t"\n' +
    '  expect = { row = { v = "something else" } }\n');
  report = join(dir, "out", "report.html");
  const jsonl = join(dir, "out", "log.jsonl");
  const run = spawnSync(bin, ["run", "--lang", "en", "--data", join(dir, "data"), "--html", report, "--jsonl", jsonl, suite], {
    env: { ...process.env, LS_E2E_HTML_SECRET: SECRET, NO_COLOR: "1" },
    encoding: "utf8",
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(4);
  lines = readFileSync(jsonl, "utf8").trim().split("\n").map((l) => JSON.parse(l));
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const shown = ".log .line:visible";

test("the search filters the full log to the matching lines and counts them", async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto(pathToFileURL(report).href);
  const total = lines.length;
  await expect(page.locator(".log .line")).toHaveCount(total);
  await expect(page.locator(shown)).toHaveCount(total);
  await expect(page.locator("#match-count")).toHaveText(`${total} lines`);

  // Case-insensitive, over `[LEVEL]: message` and the time, as the page's search.
  const query = "CASE Started";
  const matching = lines.filter((l) => `[${l.level}]: ${l.msg}`.toLowerCase().includes(query.toLowerCase()));
  expect(matching.length).toBe(2);
  await page.locator("#q").fill(query);
  await expect(page.locator(shown)).toHaveCount(matching.length);
  await expect(page.locator("#match-count")).toHaveText(`${matching.length} of ${total} lines match`);
  for (const text of await page.locator(`${shown} .t`).allTextContents()) {
    expect(text.toLowerCase()).toContain("case started");
  }
  // Nothing matches: said so; Escape clears the search.
  await page.locator("#q").fill("no line says this");
  await expect(page.locator(shown)).toHaveCount(0);
  await expect(page.locator("#no-match")).toBeVisible();
  await page.locator("#q").press("Escape");
  await expect(page.locator(shown)).toHaveCount(total);
  expect(problems).toEqual([]);
});

test("a level filter hides that level's lines, and a step's line leads back to them", async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto(pathToFileURL(report).href);
  const total = lines.length;
  const debug = lines.filter((l) => l.level === "DEBUG").length;
  expect(debug).toBeGreaterThan(0);
  await expect(page.locator('label.lv.DEBUG .c')).toHaveText(String(debug));
  await page.locator('input[data-level="DEBUG"]').uncheck();
  await expect(page.locator(shown)).toHaveCount(total - debug);
  await expect(page.locator('.log .line[data-level="DEBUG"]:visible')).toHaveCount(0);
  await expect(page.locator('.log .line[data-level="INFO"]').first()).toBeVisible();
  await expect(page.locator("#match-count")).toHaveText(`${total - debug} of ${total} lines shown`);
  // With the search, both apply.
  const oks = lines.filter((l) => `[${l.level}]: ${l.msg}`.toLowerCase().includes("ok:"));
  expect(oks.length).toBeGreaterThan(0);
  await page.locator("#q").fill("ok:");
  await expect(page.locator(shown)).toHaveCount(oks.filter((l) => l.level !== "DEBUG").length);
  await page.locator('input[data-level="DEBUG"]').check();
  await expect(page.locator(shown)).toHaveCount(oks.length);
  await page.locator("#q").fill("");
  await page.locator('input[data-level="DEBUG"]').uncheck();

  // The failed case is open with its failing step; its setup step passed and
  // is folded. Opened, the setup's DEBUG line (its params, hidden in the full
  // log now) is one click from its place there.
  const failed = page.locator('details.case[data-case="token is stored"]');
  await expect(failed).toHaveAttribute("open", "");
  await expect(failed.locator("details.step.failed")).toHaveAttribute("open", "");
  await expect(page.locator('details.case[data-case="table is there"]')).not.toHaveAttribute("open", "");
  const params = lines.find((l) => l.case === "token is stored" && l.level === "DEBUG" && l.msg.startsWith("params:"))!;
  const number = `.lines .line[data-level="DEBUG"] a.n:text-is("${params.seq}")`;
  const setup = failed.locator("details.step", { has: page.locator(number) });
  const link = setup.locator(number);
  await expect(setup).not.toHaveAttribute("open", "");
  await setup.locator("summary").click();
  await link.click();
  const target = page.locator(`#r0-L${params.seq}`);
  await expect(target).toBeVisible();
  await expect(target).toContainText("params:");
  expect(problems).toEqual([]);
});

test("the case filter keeps the failed cases", async ({ page }) => {
  await page.goto(pathToFileURL(report).href);
  await page.locator('button[data-filter="problems"]').click();
  await expect(page.locator("details.case:visible")).toHaveCount(1);
  await expect(page.locator("details.case:visible")).toHaveAttribute("data-case", "token is stored");
  await page.locator('button[data-filter="all"]').click();
  await expect(page.locator("details.case:visible")).toHaveCount(2);
});

test("the secret is nowhere in the page and hostile text stays text", async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto(pathToFileURL(report).href);
  const html = await page.content();
  expect(html).not.toContain(SECRET);
  expect(readFileSync(report, "utf8")).not.toContain(SECRET);
  // What stood for it is there: the params line and the failure, masked.
  expect(html).toContain('params: ["***"]');
  expect(html).toContain('got "***"');
  // The value with markup is shown as written and did nothing.
  await expect(page.locator(".log").first()).toContainText('<img src=x onerror="window.__pwned=1">');
  expect(await page.locator("img").count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(problems).toEqual([]);
});
