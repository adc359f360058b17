/**
 * The browser viewer end to end: `embedscope serve` on a copy of the seeded demo database, driven
 * by headless Chromium. Drawing, lasso → chunk table with the database's text, colour-by without a
 * new run, search, tooltip, open document, find similar, exports, token, themes.
 */
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Store } from "../../shared/src/store/store";
import type { RunRecord } from "../../shared/src/types";
import { countPlotPixels, launchChromium, mouseLasso, openViewer, privateCopy, protocolClient, squash, startServe, type Serve } from "./harness";

let copy: ReturnType<typeof privateCopy>;
let serve: Serve;
let browser: Browser;
let runs: RunRecord[];
/** Full text per row of every demo run, read from the database before the server locks it. */
const texts = new Map<string, string[]>();

beforeAll(async () => {
  copy = privateCopy(inject("demoDb"));
  const store = await Store.open(copy.db);
  try {
    runs = await store.listRuns();
    for (const run of runs) {
      const rows: string[] = [];
      for (let row = 0; row < run.point_count; row++) rows.push((await store.point(run.id, row)).text ?? "");
      texts.set(run.id, rows);
    }
  } finally {
    store.close();
  }
  serve = await startServe(copy.db);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const code = await serve?.stop();
  copy?.cleanup();
  expect(code).toBe(0);
});

/** The run the page shows (the newest completed one at start). */
async function shownRunId(page: Page): Promise<string> {
  return page.evaluate(() => {
    const s = window.embedscope?.viewer?.store.state;
    return s && s.view.kind !== "empty" ? s.view.runId : "";
  });
}

async function canvasBox(page: Page) {
  const box = await page.locator("[data-testid=scatter]").boundingBox();
  if (!box) throw new Error("no canvas");
  return box;
}

describe("embedscope serve + viewer", () => {
  it("refuses the page and the socket without the token", async () => {
    const base = `http://127.0.0.1:${serve.port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/viewer.js`)).status).toBe(403);
    expect((await fetch(`${base}/?token=${serve.token.slice(1)}`)).status).toBe(403);
    const ok = await fetch(serve.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-security-policy")).toContain("default-src 'none'");
    const ws = await fetch(`${base}/ws`, { headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" } }).catch((e: Error) => e);
    expect(ws instanceof Error || ws.status === 403).toBe(true);
  });

  it("draws the newest demo run on the canvas, lists the three runs, and breaks no CSP rule", async () => {
    const { page, problems } = await openViewer(browser, serve.url);
    const runId = await shownRunId(page);
    const newest = runs.filter((r) => r.status === "completed").sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
    expect(runId).toBe(newest.id);
    expect(await page.locator("[data-testid=scatter]").getAttribute("data-points")).toBe(String(newest.point_count));
    const pixels = await countPlotPixels(page);
    // 778 dots of several pixels each: far more than noise, far less than a filled canvas.
    expect(pixels.drawn).toBeGreaterThan(1500);
    expect(pixels.drawn).toBeLessThan(pixels.total * 0.5);
    await expect.poll(() => page.locator("[data-testid=run-row]").count()).toBe(runs.length);
    const statuses = await page.locator("[data-testid=run-row] [data-testid=status]").allTextContents();
    expect(statuses).toEqual(runs.map(() => "completed"));
    expect(await page.locator("[data-testid=legend-item]").count()).toBe(newest.meta.legend?.length);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lassos points with the mouse and lists their real chunk text from the database", async () => {
    const { page, problems } = await openViewer(browser, serve.url);
    const runId = await shownRunId(page);
    await page.getByRole("button", { name: "Lasso select" }).click();
    const box = await canvasBox(page);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const r = Math.min(box.width, box.height) * 0.3;
    const polygon: [number, number][] = Array.from({ length: 32 }, (_, i) => [cx + r * Math.cos((i / 32) * 2 * Math.PI), cy + r * Math.sin((i / 32) * 2 * Math.PI)]);
    // Where every point is drawn now (the view re-frames itself once the table opens).
    const drawnAt = await page.evaluate((n) => Array.from({ length: n }, (_, row) => window.embedscope?.viewer?.app.scatter.clientPositionOf(row) ?? null), texts.get(runId)!.length);
    await mouseLasso(page, polygon);
    await page.waitForSelector("[data-testid=chunk-row]:not(.es-loading)");
    const selected = await page.evaluate(() => Array.from(window.embedscope?.viewer?.store.state.selection?.rows ?? []));
    expect(selected.length).toBeGreaterThan(0);
    expect(selected.length).toBeLessThan(778);
    // Exactly the points drawn inside the lasso's circle were selected (±a few px at the edge).
    for (const row of selected) expect(Math.hypot(drawnAt[row]![0] - cx, drawnAt[row]![1] - cy)).toBeLessThan(r + 4);
    const clearlyInside = drawnAt.flatMap((p, row) => (p && Math.hypot(p[0] - cx, p[1] - cy) < r - 4 ? [row] : []));
    for (const row of clearlyInside) expect(selected).toContain(row);
    expect(await page.evaluate(() => window.embedscope?.viewer?.app.scatter.selectedCount())).toBe(selected.length);
    await expect.poll(() => page.locator(".es-table-title").textContent()).toContain(`${selected.length.toLocaleString("en-US")} selected · lasso`);
    const cells = await page.locator("[data-testid=chunk-row]:not(.es-loading)").evaluateAll((rows) =>
      rows.filter((r) => !(r as HTMLElement).hidden).map((r) => ({ row: Number((r as HTMLElement).dataset.row), text: r.querySelector(".es-col-text")?.textContent ?? "" })),
    );
    expect(cells.length).toBeGreaterThan(0);
    const dbTexts = texts.get(runId)!;
    for (const cell of cells) {
      expect(selected).toContain(cell.row);
      expect(cell.text.length).toBeGreaterThan(10);
      expect(squash(dbTexts[cell.row]).startsWith(cell.text)).toBe(true);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("starts a lasso with a long press in pan mode, without errors", async () => {
    const { page, problems } = await openViewer(browser, serve.url);
    const box = await canvasBox(page);
    const cx = box.x + box.width * 0.45;
    const cy = box.y + box.height * 0.5;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.waitForTimeout(1500);
    for (let i = 1; i <= 16; i++) await page.mouse.move(cx + 90 * Math.sin((i / 16) * 2 * Math.PI), cy - 90 + 90 * Math.cos((i / 16) * 2 * Math.PI), { steps: 2 });
    await page.mouse.up();
    await expect.poll(() => page.evaluate(() => window.embedscope?.viewer?.store.state.selection?.origin ?? null)).toBe("lasso");
    expect(await page.evaluate(() => window.embedscope?.viewer?.store.state.selection?.rows.length ?? 0)).toBeGreaterThan(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("recolours from the colour-by picker: new legend, same runs", async () => {
    const { page } = await openViewer(browser, serve.url);
    const client = await protocolClient(serve);
    try {
      const before = (await client.rpc.request("runs.list", {})).runs.length;
      const runId = await shownRunId(page);
      const current = await page.getByTestId("color-by").inputValue();
      const next = current === "filetype" ? "document_id" : "filetype";
      const expected = await client.rpc.request("color.get", { runId, colorBy: next });
      await page.getByTestId("color-by").selectOption(next);
      await page.waitForSelector(`[data-testid=scatter][data-color-by="${next}"]`);
      await expect.poll(() => page.getByTestId("legend-item").count()).toBe(expected.legend.length);
      const labels = await page.getByTestId("legend-item").locator(".es-legend-label").allTextContents();
      expect(labels).toEqual(expected.legend.map((e) => e.label));
      await expect.poll(() => page.locator(".es-legend-title").textContent()).toBe(next);
      expect((await client.rpc.request("runs.list", {})).runs.length).toBe(before);
      expect(await page.getByTestId("run-row").count()).toBe(before);
      // Clicking a legend entry highlights it: the other categories dim, in the legend and the plot.
      await page.getByTestId("color-by").selectOption("document_id");
      await page.waitForSelector('[data-testid=scatter][data-color-by="document_id"]');
      const pixelsBefore = await countPlotPixels(page);
      const smallest = page.getByTestId("legend-item").last();
      await smallest.click();
      await expect.poll(() => smallest.getAttribute("aria-pressed")).toBe("true");
      await expect.poll(() => page.locator(".es-legend-item.es-dimmed").count()).toBe((await page.getByTestId("legend-item").count()) - 1);
      await expect.poll(async () => (await countPlotPixels(page)).drawn).toBeLessThan(pixelsBefore.drawn * 0.2);
      expect((await client.rpc.request("runs.list", {})).runs.length).toBe(before);
    } finally {
      client.close();
      await page.close();
    }
  });

  it("shows the run's layout quality and colours by neighbours kept, buckets in order with their own colours", async () => {
    const { page } = await openViewer(browser, serve.url);
    const client = await protocolClient(serve);
    try {
      const runId = await shownRunId(page);
      const run = runs.find((r) => r.id === runId)!;
      const q = run.meta.quality!;
      const badge = page.getByTestId("layout-quality");
      await expect.poll(() => badge.textContent()).toBe(`trustworthiness ${q.trustworthiness!.toFixed(3)} · neighbours kept ${Math.round(q.neighbor_preservation! * 100)} %`);
      expect(await badge.getAttribute("title")).toContain(`Trustworthiness@${q.k}`);
      const expected = await client.rpc.request("color.get", { runId, colorBy: "neighbor_preservation" });
      await page.getByTestId("color-by").selectOption("neighbor_preservation");
      await page.waitForSelector('[data-testid=scatter][data-color-by="neighbor_preservation"]');
      await expect.poll(() => page.getByTestId("legend-item").count()).toBe(expected.legend.length);
      const labels = await page.getByTestId("legend-item").locator(".es-legend-label").allTextContents();
      expect(labels).toEqual(expected.legend.map((e) => e.label));
      expect(labels.every((l) => /^\d+–\d+ %$/.test(l))).toBe(true);
      const swatches = await page.getByTestId("legend-item").locator(".es-swatch").evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
      const rgb = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
      expect(swatches).toEqual(expected.legend.map((e) => rgb(e.color!)));
      const group = await page.locator('[data-testid=color-by] option[value="neighbor_preservation"]').evaluate((o) => (o.parentElement as HTMLOptGroupElement).label);
      expect(group).toBe("Layout quality");
    } finally {
      client.close();
      await page.close();
    }
  });

  it("searches as you type and highlights the matches", async () => {
    const { page } = await openViewer(browser, serve.url);
    const client = await protocolClient(serve);
    try {
      const runId = await shownRunId(page);
      const expected = await client.rpc.request("search", { runId, query: "annotation" });
      expect(expected.rows.length).toBeGreaterThan(0);
      await page.getByTestId("search-input").fill("annotation");
      await expect.poll(() => page.locator(".es-search-status").textContent()).toBe(`${expected.rows.length} ${expected.rows.length === 1 ? "match" : "matches"}`);
      const selected = await page.evaluate(() => Array.from(window.embedscope?.viewer?.store.state.selection?.rows ?? []));
      expect(selected).toEqual(Array.from(expected.rows).sort((a, b) => a - b));
      expect(await page.evaluate(() => window.embedscope?.viewer?.app.scatter.selectedCount())).toBe(expected.rows.length);
      await expect.poll(() => page.locator(".es-table-title").textContent()).toContain("search “annotation”");
      await page.getByTestId("search-input").fill("");
      await expect.poll(() => page.evaluate(() => window.embedscope?.viewer?.store.state.selection)).toBeNull();
    } finally {
      client.close();
      await page.close();
    }
  });

  it("shows a point's text on hover, its full text on open, and its neighbours on find similar", async () => {
    const { page } = await openViewer(browser, serve.url);
    const runId = await shownRunId(page);
    const dbTexts = texts.get(runId)!;
    // Hover the point drawn at row 5.
    const pos = await page.evaluate(() => window.embedscope?.viewer?.app.scatter.clientPositionOf(5) ?? null);
    expect(pos).not.toBeNull();
    await page.mouse.move(pos![0] - 30, pos![1] - 30);
    await page.mouse.move(pos![0], pos![1], { steps: 4 });
    const tooltip = page.getByTestId("tooltip");
    await tooltip.waitFor({ state: "visible" });
    const hovered = await page.evaluate(() => window.embedscope?.viewer?.app.scatter["plot"]?.get("hoveredPoint") as number);
    const tipText = (await tooltip.locator(".es-tooltip-text").textContent()) ?? "";
    expect(squash(dbTexts[hovered]).startsWith(tipText.replace(/…$/, ""))).toBe(true);

    await page.getByTestId("search-input").fill("annotation");
    const row = page.locator("[data-testid=chunk-row]:not(.es-loading)").first();
    await row.waitFor();
    const rowIndex = Number(await row.getAttribute("data-row"));
    await row.getByRole("button", { name: "Open document" }).click();
    const detail = page.getByTestId("detail-text");
    await detail.waitFor();
    expect(await detail.textContent()).toBe(dbTexts[rowIndex]);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("side-panel").isHidden()).toBe(true);

    await row.getByRole("button", { name: "Find similar" }).click();
    await expect.poll(() => page.getByTestId("similar-item").count()).toBe(10);
    const scores = await page.locator(".es-score").allTextContents();
    expect(scores.map(Number)).toEqual([...scores.map(Number)].sort((a, b) => b - a));
    const selection = await page.evaluate(() => Array.from(window.embedscope?.viewer?.store.state.selection?.rows ?? []));
    expect(selection).toContain(rowIndex);
    expect(selection.length).toBe(11);
    await page.close();
  });

  it("downloads the selection as CSV and the view as PNG", async () => {
    const { page } = await openViewer(browser, serve.url);
    await page.getByTestId("search-input").fill("annotation");
    await expect.poll(() => page.evaluate(() => window.embedscope?.viewer?.store.state.selection?.rows.length ?? 0)).toBeGreaterThan(0);
    const count = await page.evaluate(() => window.embedscope?.viewer?.store.state.selection?.rows.length ?? 0);
    await page.getByTestId("export-menu").locator("summary").click();
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: "CSV" }).first().click()]);
    expect(csv.suggestedFilename()).toMatch(/-selection\.csv$/);
    const lines = readFileSync((await csv.path())!, "utf8").trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^point_id,x,y,category/);
    // Quoted multi-line text makes lines ≥ rows + header.
    expect(lines.length).toBeGreaterThanOrEqual(count + 1);
    const [png] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-png").click()]);
    const bytes = readFileSync((await png.path())!);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(5000);
    // PNG colour type 2 (RGB) or 6 (RGBA); the image is composed onto the theme background.
    const decoded = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      return { corner: Array.from(ctx.getImageData(0, 0, 1, 1).data), width: img.width };
    }, bytes.toString("base64"));
    expect(decoded.corner).toEqual([255, 255, 255, 255]);
    expect(decoded.width).toBeGreaterThan(300);
    await page.close();
  });

  it("follows the dark colour scheme and fits a narrow notebook-sized page", async () => {
    const { page } = await openViewer(browser, serve.url, { colorScheme: "dark", width: 520, height: 640 });
    // The canvas is transparent around the points: what shows is the plot's themed background.
    const background = await page.evaluate(() => getComputedStyle(document.querySelector(".es-plot")!).backgroundColor);
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    expect((r + g + b) / 3).toBeLessThan(60);
    const text = await page.evaluate(() => getComputedStyle(document.querySelector(".es-viewer")!).color);
    expect((text.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((a, v) => a + v, 0) / 3).toBeGreaterThan(180);
    expect(await page.locator(".es-sidebar").isHidden()).toBe(true);
    expect((await countPlotPixels(page)).drawn).toBeGreaterThan(500);
    await page.close();
  });
});
