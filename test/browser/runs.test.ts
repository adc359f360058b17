/**
 * Runs from the browser: the start form (inline validation, a long t-SNE started and cancelled,
 * delete with confirm) and a file whose payload carries HTML/JS, which must show as text and run
 * nothing.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, openViewer, privateCopy, protocolClient, startServe, type Serve } from "./harness";

const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = "<script>window.__xss=1</script>";

let copy: ReturnType<typeof privateCopy>;
let serve: Serve;
let browser: Browser;
let xssFile: string;

beforeAll(async () => {
  copy = privateCopy(inject("demoDb"));
  // 40 points in 3 clusters; every payload field that is shown somewhere carries markup.
  xssFile = path.join(copy.dir, "xss.jsonl");
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const c = i % 3;
    const vector = Array.from({ length: 8 }, (_, d) => (d === c ? 1 : 0) + Math.sin(i * 7 + d) * 0.05);
    lines.push(
      JSON.stringify({
        id: `x${i}`,
        vector,
        text: `chunk ${i}: ${i % 2 ? IMG : SCRIPT} end`,
        document_id: `${SCRIPT}doc-${c}`,
        category: i % 2 ? IMG : SCRIPT,
        path: `docs/<b>bold</b>/${i}.md`,
      }),
    );
  }
  writeFileSync(xssFile, lines.join("\n") + "\n");
  serve = await startServe(copy.db);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const code = await serve?.stop();
  copy?.cleanup();
  expect(code).toBe(0);
});

async function openForm(page: Page) {
  await page.getByTestId("new-run").click();
  const form = page.getByTestId("start-form");
  await form.waitFor();
  return form;
}

describe("runs from the browser", () => {
  it("shows the engine's validation message under a bad parameter and starts nothing", async () => {
    const { page } = await openViewer(browser, serve.url);
    const client = await protocolClient(serve);
    try {
      const before = (await client.rpc.request("runs.list", {})).runs.length;
      const form = await openForm(page);
      await form.getByLabel("Projection").selectOption("umap");
      await form.getByLabel("Neighbours").fill("1");
      await form.getByLabel("Neighbours").blur();
      const error = form.locator('[data-field="param:n_neighbors"] .es-field-error');
      await expect.poll(() => error.textContent()).toBe("n_neighbors must be >= 2 (got 1)");
      expect(await form.getByLabel("Neighbours").getAttribute("aria-invalid")).toBe("true");
      await form.getByRole("button", { name: "Start run" }).click();
      await page.waitForTimeout(300);
      expect((await client.rpc.request("runs.list", {})).runs.length).toBe(before);
      await page.keyboard.press("Escape");
      await expect.poll(() => page.getByTestId("start-form").count()).toBe(0);
    } finally {
      client.close();
      await page.close();
    }
  });

  it("starts a long t-SNE, shows it running with progress, cancels it, then deletes it", async () => {
    const { page } = await openViewer(browser, serve.url);
    const client = await protocolClient(serve);
    try {
      const before = (await client.rpc.request("runs.list", {})).runs.length;
      const form = await openForm(page);
      await form.getByLabel("Projection").selectOption("tsne");
      await form.getByLabel("Iterations").fill("100000");
      await form.getByLabel("Label").fill("long t-SNE");
      await form.getByRole("button", { name: "Start run" }).click();
      const row = page.getByTestId("run-row").filter({ hasText: "long t-SNE" });
      await row.waitFor();
      await expect.poll(() => row.getByTestId("status").textContent()).toMatch(/running|pending/);
      await expect.poll(() => row.locator(".es-progress-label").textContent(), { timeout: 60_000 }).toMatch(/fetching|neighbours|layout|graph/);
      await row.getByRole("button", { name: "Cancel run" }).click();
      await expect.poll(() => row.getByTestId("status").textContent(), { timeout: 60_000 }).toBe("cancelled");
      const listed = (await client.rpc.request("runs.list", {})).runs;
      expect(listed.length).toBe(before + 1);
      expect(listed.find((r) => r.label === "long t-SNE")?.status).toBe("cancelled");

      await row.getByRole("button", { name: "Delete run" }).click();
      await page.getByTestId("confirm").click();
      await expect.poll(() => row.count()).toBe(0);
      expect((await client.rpc.request("runs.list", {})).runs.length).toBe(before);
    } finally {
      client.close();
      await page.close();
    }
  });

  it("shows payload markup as literal text everywhere and runs none of it", async () => {
    const { page, problems } = await openViewer(browser, serve.url);
    const form = await openForm(page);
    await form.getByLabel("Source").selectOption("file");
    await form.getByLabel("Path").fill(xssFile);
    await form.getByLabel("Projection").selectOption("pca");
    await form.getByLabel("Colour by").fill("category");
    await form.getByLabel("Label").fill("xss file");
    await form.getByRole("button", { name: "Start run" }).click();
    // The run opens by itself when it completes.
    await page.waitForSelector('[data-testid=scatter][data-points="40"]', { timeout: 60_000 });

    const legend = await page.getByTestId("legend-item").locator(".es-legend-label").allTextContents();
    expect(legend.sort()).toEqual([IMG, SCRIPT].sort());

    await page.getByTestId("search-input").fill("chunk");
    await expect.poll(() => page.evaluate(() => window.embedscope?.viewer?.store.state.selection?.rows.length ?? 0)).toBe(40);
    await page.waitForSelector("[data-testid=chunk-row]:not(.es-loading)");
    const cellTexts = await page.locator("[data-testid=chunk-row]:not(.es-loading) .es-col-text").allTextContents();
    expect(cellTexts.some((t) => t.includes(IMG))).toBe(true);
    expect(cellTexts.some((t) => t.includes(SCRIPT))).toBe(true);
    const docs = await page.locator("[data-testid=chunk-row]:not(.es-loading) .es-col-doc").allTextContents();
    expect(docs.every((d) => d.startsWith(SCRIPT))).toBe(true);

    const first = page.locator("[data-testid=chunk-row]:not(.es-loading)").first();
    await first.getByRole("button", { name: "Open document" }).click();
    await page.getByTestId("detail-text").waitFor();
    expect(await page.getByTestId("detail-text").textContent()).toMatch(/^chunk \d+: <(img|script)/);

    // Hover every point so the tooltip renders payload text too.
    const positions = await page.evaluate(() => Array.from({ length: 40 }, (_, i) => window.embedscope?.viewer?.app.scatter.clientPositionOf(i) ?? null));
    for (const p of positions.slice(0, 6)) if (p) await page.mouse.move(p[0], p[1], { steps: 2 });

    await page.waitForTimeout(500);
    const findings = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      imgs: document.querySelectorAll("img").length,
      scripts: [...document.querySelectorAll("script")].filter((s) => !s.src).length,
      bolds: document.querySelectorAll(".es-viewer b").length,
    }));
    expect(findings).toEqual({ xss: undefined, imgs: 0, scripts: 0, bolds: 0 });
    expect(await page.getByText(IMG).first().isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
