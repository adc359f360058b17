/**
 * Regenerates docs/screenshots/*.png from the seeded demo (run with EMBEDSCOPE_SCREENSHOTS=1
 * `npm run test:browser -- screenshots`). Skipped otherwise: it writes into the repository.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, mouseLasso, openViewer, privateCopy, ROOT, startServe, type Serve } from "./harness";

const OUT = path.join(ROOT, "docs", "screenshots");
const enabled = process.env.EMBEDSCOPE_SCREENSHOTS === "1";

let copy: ReturnType<typeof privateCopy>;
let serve: Serve;
let browser: Browser;

async function showRun(page: Page, label: string): Promise<void> {
  await page.getByTestId("run-row").filter({ hasText: label }).locator(".es-run-open").click();
  await page.waitForFunction((l) => {
    const s = window.embedscope?.viewer?.store.state;
    const run = s && s.runs.kind === "data" && s.view.kind === "data" ? s.runs.value.find((r) => r.id === (s.view as { runId: string }).runId) : undefined;
    return run?.label === l && document.querySelector("[data-testid=scatter]")?.getAttribute("data-points") !== null;
  }, label);
  await page.waitForTimeout(600);
}

async function lassoMiddle(page: Page, fraction = 0.22): Promise<void> {
  await page.getByRole("button", { name: "Lasso select" }).click();
  const box = (await page.locator("[data-testid=scatter]").boundingBox())!;
  const cx = box.x + box.width * 0.42;
  const cy = box.y + box.height * 0.5;
  const r = Math.min(box.width, box.height) * fraction;
  await mouseLasso(page, Array.from({ length: 24 }, (_, i) => [cx + r * Math.cos((i / 24) * 2 * Math.PI) * 1.3, cy + r * Math.sin((i / 24) * 2 * Math.PI)] as [number, number]));
  await page.waitForSelector("[data-testid=chunk-row]:not(.es-loading)");
  await page.waitForTimeout(900);
}

describe.runIf(enabled)("documentation screenshots", () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    copy = privateCopy(inject("demoDb"));
    serve = await startServe(copy.db);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    copy?.cleanup();
  });

  it("the map with a lasso selection and the chunk table (light)", async () => {
    const { page } = await openViewer(browser, serve.url, { width: 1440, height: 900 });
    await showRun(page, "demo · UMAP");
    await page.getByTestId("color-by").selectOption("document_id");
    await page.waitForSelector('[data-testid=scatter][data-color-by="document_id"]');
    await lassoMiddle(page);
    await page.screenshot({ path: path.join(OUT, "viewer-lasso-light.png") });
    expect(await page.locator("[data-testid=chunk-row]").count()).toBeGreaterThan(3);
    await page.close();
  });

  it("dark theme, a highlighted legend entry and find-similar", async () => {
    const { page } = await openViewer(browser, serve.url, { width: 1440, height: 900, colorScheme: "dark" });
    await showRun(page, "demo · t-SNE");
    await page.getByTestId("color-by").selectOption("document_id");
    await page.waitForSelector('[data-testid=scatter][data-color-by="document_id"]');
    await page.getByTestId("legend-item").nth(1).click();
    await page.getByTestId("search-input").fill("annotation");
    const row = page.locator("[data-testid=chunk-row]:not(.es-loading)").nth(2);
    await row.waitFor();
    await row.getByRole("button", { name: "Find similar" }).click();
    await page.getByTestId("similar-item").first().waitFor();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: path.join(OUT, "viewer-similar-dark.png") });
    await page.close();
  });

  it("the start form with an inline validation message", async () => {
    const { page } = await openViewer(browser, serve.url, { width: 1200, height: 820 });
    await page.getByTestId("new-run").click();
    const form = page.getByTestId("start-form");
    await form.getByLabel("Projection").selectOption("tsne");
    await form.getByLabel("Perplexity").fill("0");
    await form.getByLabel("Perplexity").blur();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, "start-form.png") });
    await page.close();
  });

  it("a notebook-sized viewer (520 px)", async () => {
    const { page } = await openViewer(browser, serve.url, { width: 520, height: 620 });
    await lassoMiddle(page, 0.25);
    await page.screenshot({ path: path.join(OUT, "viewer-narrow.png") });
    await page.close();
  });
});
