import { expect, test } from "@playwright/test";
import { apiLines, expectContiguous, lineInView, pacedRun, serverLog, shownLines, shownSeqs, startRun, waitDone, watchConsole } from "./helpers";

test("follow is a toggle: scrolling up pauses it, nothing moves, the badge counts and resumes", async ({ page, request }) => {
  const problems = watchConsole(page);
  const id = await pacedRun(request, 3000, 300);
  await page.goto(`/runs/${id}`);
  await expect(page.locator("#follow")).toHaveAttribute("aria-pressed", "true");
  await expect.poll(async () => (await shownSeqs(page)).length, { timeout: 15_000 }).toBeGreaterThan(400);
  // the user scrolls up to read (the wheel: a scroll the page made itself would not count)
  const box = (await page.locator("pre#log").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -1e7);
  await expect(page.locator("#follow")).toHaveAttribute("aria-pressed", "false");
  const topBefore = await page.evaluate(() => document.getElementById("L1")!.getBoundingClientRect().top);
  const badge = page.locator("#new-lines");
  await expect(badge).toHaveText(/^\d+ new lines ↓$/, { timeout: 5_000 });
  const n1 = Number((await badge.textContent())!.split(" ")[0]);
  await page.waitForTimeout(1200);
  const n2 = Number((await badge.textContent())!.split(" ")[0]);
  expect(n2).toBeGreaterThan(n1); // it keeps counting
  const topAfter = await page.evaluate(() => document.getElementById("L1")!.getBoundingClientRect().top);
  expect(topAfter).toBe(topBefore); // nothing moved under the reader's eyes
  expect(await page.locator("pre#log").evaluate((el) => el.scrollTop)).toBe(0);
  await badge.click();
  await expect(page.locator("#follow")).toHaveAttribute("aria-pressed", "true");
  await expect(badge).toBeHidden();
  await expect.poll(() => page.locator("pre#log").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(30);
  await waitDone(page);
  expectContiguous(await shownSeqs(page));
  expect(problems).toEqual([]);
});

test("levels: live counts, a filter that hides, and jumps between errors", async ({ page, request }) => {
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  const lines = await apiLines(request, id);
  for (const level of ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]) {
    const n = lines.filter((l) => l.level === level).length;
    await expect(page.locator(`.level-count[data-level="${level}"]`)).toHaveText(String(n));
  }
  await page.locator('input.level-toggle[data-level="DEBUG"]').uncheck();
  await expect(page.locator("pre#log .lv-DEBUG").first()).toBeHidden();
  await expect(page.locator("pre#log .lv-INFO").first()).toBeVisible();
  await page.locator('input.level-toggle[data-level="DEBUG"]').check();
  const errors = lines.filter((l) => l.level === "ERROR").map((l) => l.seq);
  await page.locator("#next-error").click();
  await expect(page.locator("pre#log .line.current")).toHaveAttribute("data-seq", String(errors[0]));
  expect(await lineInView(page, errors[0])).toBe(true);
  await page.locator("#next-error").click();
  await expect(page.locator("pre#log .line.current")).toHaveAttribute("data-seq", String(errors[1]));
  await page.locator("#prev-error").click();
  await expect(page.locator("pre#log .line.current")).toHaveAttribute("data-seq", String(errors[0]));
});

test("search covers the whole stored log: count, next/previous, the match marked in context", async ({ page, request }) => {
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  const matches = (await apiLines(request, id)).filter((l) => l.msg.toLowerCase().includes("customers")).map((l) => l.seq);
  expect(matches.length).toBeGreaterThan(2);
  await page.locator("#search").fill("customers");
  await page.locator("#search").press("Enter");
  await expect(page.locator("#search-count")).toHaveText(`1/${matches.length}`);
  const current = page.locator("pre#log .line.hit-current");
  await expect(current).toHaveAttribute("data-seq", String(matches[0]));
  await expect(current.locator("mark").first()).toHaveText("customers");
  expect(await lineInView(page, matches[0])).toBe(true);
  await page.locator("#next-hit").click();
  await expect(page.locator("#search-count")).toHaveText(`2/${matches.length}`);
  await expect(page.locator("pre#log .line.hit-current")).toHaveAttribute("data-seq", String(matches[1]));
  await page.locator("#prev-hit").click();
  await page.locator("#prev-hit").click();
  await expect(page.locator("#search-count")).toHaveText(`${matches.length}/${matches.length}`);
  // marking a hit does not change the log's text
  expect(await shownLines(page)).toEqual(await serverLog(page, id));
});

test("search keeps finding lines while the run streams", async ({ page, request }) => {
  const id = await pacedRun(request, 4000, 800, "tick");
  await page.goto(`/runs/${id}`);
  await expect.poll(async () => (await shownSeqs(page)).length).toBeGreaterThan(100);
  await page.locator("#search").fill("tick 39");
  await page.locator("#search").press("Enter");
  await waitDone(page);
  // "tick 39", "tick 390".."tick 399", "tick 3900".."tick 3999": 111 lines
  await expect(page.locator("#search-count")).toHaveText(/^\d+\/111$/, { timeout: 10_000 });
});

test("permalinks #L<seq> open at that line after a reload and in another browser", async ({ page, browser, request }) => {
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  // a click in the line-number gutter makes the permalink
  await page.locator("#L30").click({ position: { x: 12, y: 5 } });
  await expect(page).toHaveURL(new RegExp(`/runs/${id}#L30$`));
  await expect(page.locator("#L30")).toHaveClass(/target/);
  await page.reload();
  await waitDone(page);
  await expect(page.locator("#L30")).toHaveClass(/target/);
  // placed again once the cases above it have folded, as below
  await expect.poll(() => lineInView(page, 30), { timeout: 2_000 }).toBe(true);
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(`/runs/${id}#L12`);
  await waitDone(p2);
  await expect(p2.locator("#L12")).toHaveClass(/target/);
  // inside a folded, passed case: it was opened, and it is placed again once the cases above
  // it have folded (the page is still settling when the line first arrives)
  await expect.poll(() => lineInView(p2, 12), { timeout: 2_000 }).toBe(true);
  await other.close();
});

test("copy a line and its link; download the raw text and the JSONL", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  await page.locator("#L2").click({ position: { x: 12, y: 5 } });
  await page.locator("#copy-line").click();
  const expected = (await serverLog(page, id))[1];
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
  await page.locator("#copy-link").click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`/runs/${id}#L2$`));
  const txt = await request.get((await page.locator("#download-txt").getAttribute("href"))!);
  expect(txt.headers()["content-type"]).toContain("text/plain");
  expect((await txt.text()).trimEnd().split("\n").length).toBe((await apiLines(request, id)).length);
  const jsonl = await request.get((await page.locator("#download-jsonl").getAttribute("href"))!);
  const rows = (await jsonl.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
});

test("cases are grouped under headers with outcome and duration; failures open, passes folded", async ({ page, request }) => {
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  const broken = page.locator('.case[data-outcome="error"]');
  await expect(broken).toHaveCount(1);
  await expect(broken.locator(".case-head")).toHaveAttribute("data-label", /broken seed \(fails on purpose\) — 错误 · \d+ ms/); // a zh run
  await expect(broken.locator(".case-body")).toBeVisible();
  const passed = page.locator('.case[data-outcome="passed"]');
  await expect(passed).toHaveCount(3);
  await expect(passed.first().locator(".case-body")).toBeHidden();
  await passed.first().locator(".case-head").click();
  await expect(passed.first().locator(".case-body")).toBeVisible();
  await passed.first().locator(".case-head").press("Enter"); // keyboard works too
  await expect(passed.first().locator(".case-body")).toBeHidden();
  // the summary: outcome counts and one bar per case
  await expect(page.locator("#outcome-counts")).toHaveText("3 passed · 0 failed · 1 error · 0 skipped");
  await expect(page.locator("#duration-chart rect")).toHaveCount(4);
});

test("a running suite shows its progress, then its outcome", async ({ page, request }) => {
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await expect(page.locator("#run-progress")).toHaveAttribute("max", "4", { timeout: 5_000 });
  await waitDone(page);
  await expect(page.locator("#run-status")).toHaveText("error", { timeout: 5_000 });
  await expect(page.locator("#run-progress")).toHaveCount(0);
});

test("relative time and wrap are display choices that keep the text", async ({ page, request }) => {
  const id = await startRun(request);
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  await page.locator("#time-mode").click();
  await expect(page.locator("pre#log")).toHaveClass(/\brel\b/);
  // the clock time takes no room; the time since the run's first line shows in its place
  const ts = page.locator("#L1 .ts");
  expect(await ts.evaluate((el) => getComputedStyle(el).fontSize)).toBe("0px");
  const shown = await ts.evaluate((el) => getComputedStyle(el, "::before").content);
  expect(shown).toMatch(/^"\+0\.\d{3}s"$/);
  await expect(page.locator("#L1")).toContainText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\[/);
  expect(await shownLines(page)).toEqual(await serverLog(page, id));
  await page.locator("#time-mode").click(); // back to clock time: one text node per line again
  await expect(page.locator("pre#log .ts")).toHaveCount(0);
  await page.locator("#wrap").click();
  await expect(page.locator("pre#log")).toHaveClass(/\bnowrap\b/);
  expect(await shownLines(page)).toEqual(await serverLog(page, id));
});

test("markup in a log line shows as text", async ({ page, request }) => {
  const problems = watchConsole(page);
  const id = await pacedRun(request, 3, 100, "<script>window.__pwned = 1</script><b>bold</b> &amp;");
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  await expect(page.locator("#L1")).toContainText("<script>window.__pwned = 1</script><b>bold</b> &amp; 0");
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  await expect(page.locator("pre#log b")).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("connection state: reconnecting with backoff while the server is unreachable, then live again", async ({ page, request }) => {
  const id = await pacedRun(request, 2000, 200);
  await page.goto(`/runs/${id}`);
  await expect(page.locator("#feed")).toHaveText("live");
  await page.route("**/api/log?*", (route) => route.abort());
  await expect(page.locator("#feed")).toHaveText("reconnecting", { timeout: 5_000 });
  await page.unroute("**/api/log?*");
  await waitDone(page);
  expectContiguous(await shownSeqs(page));
});

test("a hidden tab stops polling and catches up when shown again", async ({ page, request }) => {
  const id = await pacedRun(request, 1500, 300);
  await page.goto(`/runs/${id}`);
  await expect(page.locator("#feed")).toHaveText("live");
  let polls = 0;
  page.on("request", (r) => { if (r.url().includes("/api/log?")) polls++; });
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await expect(page.locator("#feed")).toHaveText("paused (tab hidden)");
  polls = 0;
  await page.waitForTimeout(1500);
  expect(polls).toBe(0);
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await waitDone(page);
  expectContiguous(await shownSeqs(page));
  expect((await shownSeqs(page)).length).toBe(1500);
});

test("lines the server could not keep show as a gap marker with the exact count, in place", async ({ page, request }) => {
  // The bench producer makes the run's log file unwritable, so only the newest
  // 10,000 lines survive in memory: 500 of 10,500 are lost.
  const res = await request.post("/api/bench/produce?n=10500&unwritable=true");
  const id = (await res.json()).run;
  await page.goto(`/runs/${id}`);
  await waitDone(page);
  const gap = page.locator("pre#log .gap");
  await expect(gap).toHaveCount(1);
  await expect(gap).toHaveAttribute("data-dropped", "500");
  await expect(gap).toContainText("500 lines missing here (lines 1-500)");
  await expect(gap.locator("a")).toHaveAttribute("href", `/api/log.txt?run=${id}`);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  expect(await shownSeqs(page)).toEqual(range(10_001, 10_500)); // the tail first
  // the reader goes up (Home) until the page's whole line budget is drawn: the lines after the marker
  await page.locator("pre#log").focus();
  for (let i = 0; i < 300 && (await shownSeqs(page)).length < 10_000; i++) {
    await page.keyboard.press("Home");
    await page.waitForTimeout(100);
  }
  const seqs = await shownSeqs(page);
  expect(seqs).toEqual(range(501, 10_500)); // the first kept line follows the marker
  expect(seqs.length).toBe(10_000); // the marker does not count against the budget
  await expect(gap).toHaveCount(1);
  expect(await page.locator("pre#log .gap, pre#log .line").first().getAttribute("data-seq")).toBe("500"); // in place
  await expect(page.locator("#trimmed")).toHaveCount(0); // missing lines are not lines that left the page
});

test("a long finished run opens at its tail: older lines are summarized, not downloaded, and still counted and reachable", async ({ page, request }) => {
  // 20,000 lines in 4 cases of 5,000 (case 2 fails), every 1,000th line at ERROR (16 in all)
  const res = await request.post("/api/bench/produce?n=20000&cases=4&msg=tail%20line");
  const id = (await res.json()).run;
  let received = 0;
  page.on("response", async (r) => {
    if (r.url().includes("/api/log?")) received += ((await r.json().catch(() => ({}))).lines ?? []).length;
  });
  await page.goto(`/runs/${id}?max_lines=1000`);
  await waitDone(page);
  await expect(page.locator("#counts")).toHaveText("20000 / 20000 lines");
  // the tail first: one small reply, whatever the budget (here 1,000)
  expect(await shownSeqs(page)).toEqual(Array.from({ length: 500 }, (_, i) => 19_501 + i));
  expect(received).toBe(500); // only the lines the page draws came over the wire
  // what the other 19,000 lines came to is all there
  await expect(page.locator('.level-count[data-level="INFO"]')).toHaveText("19984");
  await expect(page.locator('.level-count[data-level="ERROR"]')).toHaveText("16");
  await expect(page.locator("span.case-head")).toHaveCount(4);
  await expect(page.locator('span.case[data-case="case 1"]')).toHaveAttribute("data-outcome", "passed");
  await expect(page.locator('span.case[data-case="case 2"]')).toHaveAttribute("data-outcome", "failed");
  await expect(page.locator('span.case[data-case="case 2"] .case-head')).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator("#trimmed")).toContainText("Lines 1–19500");
  // the first error (line 1,000, in case 1) is one click away: the whole log comes back to show it
  await page.locator("#next-error").click();
  await expect(page.locator("#L1000")).toHaveClass(/target/, { timeout: 15_000 });
  await expect(page.locator("#L1000")).toContainText("[ERROR]: tail line 999");
  expect(await lineInView(page, 1000)).toBe(true);
  await waitDone(page);
  expect((await shownSeqs(page)).length).toBe(20_000);
});

test("scrolling up a long run's tail draws the older lines above it, without moving what is on screen, up to the budget", async ({ page, request }) => {
  // 20,000 lines in 2 cases: case 1 passes (folded), case 2 (lines 10,001–20,000) fails and stays open
  const res = await request.post("/api/bench/produce?n=20000&cases=2&msg=older%20line");
  const id = (await res.json()).run;
  const replies: { after: number; lines: number[] }[] = [];
  page.on("response", async (r) => {
    if (!r.url().includes("/api/log?")) return;
    const after = Number(new URL(r.url()).searchParams.get("after") ?? 0);
    replies.push({ after, lines: ((await r.json().catch(() => ({}))).lines ?? []).map((l: { seq: number }) => l.seq) });
  });
  await page.goto(`/runs/${id}?max_lines=2000`);
  await waitDone(page);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  await expect.poll(() => replies.map((r) => r.after)).toEqual([0]);
  expect(await shownSeqs(page)).toEqual(range(19_501, 20_000));
  expect(await lineInView(page, 20_000)).toBe(true);
  await expect(page.locator("#trimmed")).toContainText("Lines 1–19500");
  // the reader scrolls up to the oldest drawn line: the 1,000 before it come, drawn above it
  const pre = page.locator("pre#log");
  await pre.hover();
  // wheel turns up until the page has drawn older lines (or 60 turns)
  // (returns the line at the top of the view before and after)
  const topLine = () => pre.evaluate((e) => {
    const top = e.getBoundingClientRect().top;
    const line = [...e.querySelectorAll(".line")].find((l) => l.getBoundingClientRect().bottom > top + 1);
    return Number((line as HTMLElement).dataset.seq);
  });
  const settle = async () => {
    for (let last = -1, i = 0; i < 40; i++) {
      const now = await pre.evaluate((e) => e.scrollTop);
      if (now === last) return;
      last = now;
      await page.waitForTimeout(80);
    }
  };
  const scrollUp = async () => {
    const first = (await shownSeqs(page))[0];
    let before = await topLine();
    for (let i = 0; i < 60 && (await shownSeqs(page))[0] === first; i++) {
      before = await topLine();
      await page.mouse.wheel(0, -4000);
      await settle();
    }
    await settle();
    return [before, await topLine()];
  };
  const [before, after] = await scrollUp();
  await expect.poll(() => shownSeqs(page).then((s) => s[0])).toBe(18_501);
  expect(await shownSeqs(page)).toEqual(range(18_501, 20_000));
  // what the reader was looking at stays where it was: the view moved by the last wheel turn
  // (4,000 px, about 210 lines), not by the 1,000 lines drawn above it
  expect(after).toBeLessThanOrEqual(before);
  expect(after).toBeGreaterThan(before - 400);
  await expect(page.locator('span.case[data-case="case 2"] #L18501')).toHaveCount(1);
  await expect(page.locator("#trimmed")).toContainText("Lines 1–18500");
  await expect(page.locator("#follow")).toHaveAttribute("aria-pressed", "false");
  // again: the budget (2,000) has room for 500 more, then no more are drawn
  await scrollUp();
  await expect.poll(() => shownSeqs(page).then((s) => s[0])).toBe(18_001);
  expect(await shownSeqs(page)).toEqual(range(18_001, 20_000));
  await expect(page.locator("#trimmed")).toContainText("Lines 1–18000");
  await scrollUp(); // 60 turns: the budget is full
  expect((await shownSeqs(page)).length).toBe(2000);
  await expect.poll(() => replies.map((r) => r.after)).toEqual([0, 18_500, 18_000]);
  // every line came once; the counts are the whole log's, counted once
  expect(new Set(replies.flatMap((r) => r.lines)).size).toBe(2000);
  await expect(page.locator('.level-count[data-level="INFO"]')).toHaveText("19982");
  await expect(page.locator('.level-count[data-level="ERROR"]')).toHaveText("18");
});

test("while following, old lines leave the page within its budget; search and 'show every line' bring them back", async ({ page, request }) => {
  const id = await pacedRun(request, 3000, 600, "budget line");
  await page.goto(`/runs/${id}?max_lines=1000`);
  await waitDone(page);
  await expect(page.locator("#trimmed")).toBeVisible();
  // lines leaving the top never look like the reader scrolling up: follow stayed on to the last line
  await expect(page.locator("#follow")).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator("#new-lines")).toHaveCount(0);
  expect(await lineInView(page, 3000)).toBe(true);
  const kept = await shownSeqs(page);
  expect(kept.length).toBeLessThanOrEqual(1100);
  expect(kept.at(-1)).toBe(3000);
  expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 3001 - kept.length + i)); // the newest, contiguous
  // a search hit among the trimmed lines brings the whole log back and shows it
  await page.locator("#search").fill("budget line 7");
  await page.locator("#search").press("Enter");
  await expect(page.locator("#L8")).toHaveClass(/target/, { timeout: 15_000 });
  expect(await lineInView(page, 8)).toBe(true);
  await waitDone(page);
  expect((await shownSeqs(page)).length).toBe(3000);
  await expect(page.locator("#trimmed")).toBeHidden();
  // "budget line 7", "budget line 70".."79", "budget line 700".."799": 111 hits, still listed
  await expect(page.locator("#search-count")).toHaveText(/\/111$/);
});

test("a fast stream draws the lines near the view; what the reader scrolls to is drawn, and every line once the run ends", async ({ page, request }) => {
  const problems = watchConsole(page);
  // 5,000 lines/s: each reply brings about 2,500 lines
  const id = await pacedRun(request, 30_000, 5_000, "fast line");
  await page.goto(`/runs/${id}`);
  const placeholders = page.locator("pre#log .chunk.deferred");
  await expect.poll(() => placeholders.count(), { timeout: 15_000 }).toBeGreaterThan(0);
  // the newest line is drawn, at the bottom of the view
  await expect.poll(async () => {
    const last = Number((await page.locator("#counts").textContent())!.split(" / ")[0]);
    return lineInView(page, last);
  }).toBe(true);
  // the reader scrolls up into lines that were not drawn: they are, before they are seen
  const pre = page.locator("pre#log");
  const box = (await pre.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -8_000);
  await expect(page.locator("#follow")).toHaveAttribute("aria-pressed", "false");
  // the line at a height of the log's visible part (0 its top, 1 its bottom)
  const lineAt = (y: number) => pre.evaluate((el, y) => {
    const r = el.getBoundingClientRect();
    const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, window.innerHeight);
    return document.elementFromPoint(r.left + r.width / 2, top + (bottom - top) * y)?.closest(".line")?.id ?? null;
  }, y);
  for (const y of [0.05, 0.5, 0.95]) await expect.poll(() => lineAt(y)).toMatch(/^L\d+$/);
  await waitDone(page);
  await expect(placeholders).toHaveCount(0);
  expectContiguous((await shownSeqs(page)).map((s, i, all) => s - all[0] + 1)); // one run of lines, no hole
  expect(problems).toEqual([]);
});
