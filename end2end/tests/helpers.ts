import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

/** Starts a run of a suite file through the public API and returns its id. */
export async function startRun(request: APIRequestContext, suite = "demo.toml"): Promise<number> {
  const res = await request.post("/api/run", { form: { suite } });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

/** Every line of a run, read from the API with the cursor, formatted the way the page shows it
 *  (the seed's `YYYY-MM-DD HH:MM:SS[LEVEL]: message`, in the browser's local time). */
export async function serverLog(page: Page, run: number): Promise<string[]> {
  return page.evaluate(async (run) => {
    const pad = (n: number) => String(n).padStart(2, "0");
    const fmt = (ts: number) => {
      const d = new Date(ts);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    };
    const out: string[] = [];
    let after = 0;
    for (;;) {
      const page = await (await fetch(`/api/log?run=${run}&after=${after}&limit=5000`)).json();
      for (const l of page.lines) out.push(`${fmt(l.ts)}[${l.level}]: ${l.msg}`);
      after = page.next;
      if (page.lines.length === 0) return out;
    }
  }, run);
}

/** The lines of the page's `<pre>`, as text. */
export async function shownLines(page: Page): Promise<string[]> {
  const text = (await page.locator("pre#log").textContent()) ?? "";
  return text.split("\n").filter((l) => l.length > 0);
}

/** The seq numbers of the lines in the `<pre>`, in DOM order. */
export async function shownSeqs(page: Page): Promise<number[]> {
  return page.locator("pre#log .line").evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
}

export async function waitDone(page: Page) {
  await expect(page.locator("#feed")).toHaveText("done", { timeout: 45_000 });
}

/** Fails the test on any console error or uncaught exception of the page. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

export function expectContiguous(seqs: number[]) {
  expect(seqs.length).toBeGreaterThan(0);
  seqs.forEach((s, i) => expect(s, `line ${i + 1} of the <pre>`).toBe(i + 1));
}

/** A run fed by the bench-only producer (`LIVESMOKE_BENCH=1`): `n` INFO lines `${msg} <i>`, at `rate` per second. */
export async function pacedRun(request: APIRequestContext, n: number, rate: number, msg = "bench line"): Promise<number> {
  const res = await request.post(`/api/bench/produce?n=${n}&rate=${rate}&msg=${encodeURIComponent(msg)}`);
  expect(res.status()).toBe(200);
  return (await res.json()).run;
}

/** Waits for a run to finish and returns every line as the API serves it. */
export async function apiLines(request: APIRequestContext, run: number): Promise<{ seq: number; level: string; msg: string }[]> {
  const out = [];
  let after = 0;
  for (;;) {
    const page = await (await request.get(`/api/log?run=${run}&after=${after}&limit=5000`)).json();
    out.push(...page.lines);
    after = page.next;
    if (page.lines.length === 0) return out;
  }
}

/** Whether line `seq` is within the visible part of the log pane. */
export async function lineInView(page: Page, seq: number): Promise<boolean> {
  return page.evaluate((seq) => {
    const pre = document.querySelector("pre#log")!.getBoundingClientRect();
    const el = document.getElementById(`L${seq}`);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= pre.top && r.bottom <= pre.bottom;
  }, seq);
}

/** A loopback port nothing listens on (for a server a test starts itself). */
export function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** The server binary cargo leptos builds, and the folder it runs from. */
export const bin = resolve(__dirname, "../../target/debug/livesmoke");
const root = resolve(__dirname, "../..");

/**
 * `livesmoke serve <args…>` on a free port (the embedded default, whatever
 * LIVESMOKE_DB says), once `GET /api/suites` answers `ready` (within 30 s).
 */
export async function serve(args: string[], ready = 200): Promise<{ server: ChildProcess; base: string }> {
  expect(existsSync(bin), `${bin} is built by cargo leptos`).toBe(true);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, LEPTOS_SITE_ROOT: "target/site", LEPTOS_OUTPUT_NAME: "livesmoke" };
  delete env.LIVESMOKE_DB;
  const server = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/suites`)).status === ready) return { server, base };
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`${base} did not answer within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
