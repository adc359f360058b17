/**
 * A notebook on the Embedscope kernel in JupyterLab 4.6 (the prebuilt extension installed by
 * `embedscope jupyter install --prefix`): `%project demo reducer=umap` draws the interactive plot in
 * the cell output, and the output's viewer talks to the notebook's own kernel over the `embedscope`
 * comm — lasso → chunk table, recolour, find similar. Then the Embedscope panel opens beside it and
 * shares that kernel (one process owns the DuckDB file).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { circleIn, countPlotPixels, launchChromium, mouseLasso, openLab, openPanelFromPalette, prepareLabEnv, SCREENSHOTS, startLabServer, writeNotebook, type KernelModel, type LabEnv, type LabServer, type SessionModel } from "./harness";

const DEMO_POINTS = 778;
const OUTPUT = ".jp-EmbedscopeOutput";

describe("Embedscope in a JupyterLab notebook", () => {
  let env: LabEnv;
  let server: LabServer;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    env = prepareLabEnv();
    writeNotebook(env, "demo.ipynb", ["%project demo reducer=umap"]);
    server = await startLabServer(env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    env?.cleanup();
  });

  it("finds the kernelspec and the prebuilt extension where `embedscope jupyter install --prefix` put them", async () => {
    expect(env.installOutput).toContain(path.join(env.dataDir, "labextensions", "@embedscope", "jupyterlab"));
    const specs = await server.api<{ kernelspecs: Record<string, { spec: { display_name: string; language: string } }> }>("GET", "/api/kernelspecs");
    expect(specs.kernelspecs.embedscope.spec).toMatchObject({ display_name: "Embedscope", language: "embedscope" });
    const html = await (await fetch(`${server.base}/lab?token=${server.token}`)).text();
    const config = JSON.parse(/<script id="jupyter-config-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]) as { federated_extensions: { name: string; load: string }[] };
    const ext = config.federated_extensions.find((e) => e.name === "@embedscope/jupyterlab");
    expect(ext?.load).toMatch(/^static\/remoteEntry\.[0-9a-f]+\.js$/);
    // The remote entry is served from the install, not from the repository.
    expect((await fetch(`${server.base}/lab/extensions/@embedscope/jupyterlab/${ext!.load}`)).status).toBe(200);
  });

  it("runs %project demo reducer=umap on the Embedscope kernel and draws the interactive plot in the output", async () => {
    ({ page, problems } = await openLab(browser, server, "tree/demo.ipynb"));
    // Executing before the kernel is idle loses the request on some kernels; wait like a user would.
    await page.waitForFunction(
      () => {
        const panel = window.jupyterapp.shell.currentWidget as { sessionContext?: { kernelDisplayName: string; session?: { kernel?: { status: string } } } } | null;
        return panel?.sessionContext?.kernelDisplayName === "Embedscope" && panel.sessionContext.session?.kernel?.status === "idle";
      },
      null,
      { timeout: 60_000 },
    );
    await page.evaluate(() => window.jupyterapp.commands.execute("notebook:run-all-cells"));
    const canvas = page.locator(`${OUTPUT} [data-testid=scatter]`);
    await page.waitForSelector(`${OUTPUT} [data-testid=scatter][data-points="${DEMO_POINTS}"]`, { timeout: 180_000 });
    const runId = await page.locator(OUTPUT).getAttribute("data-run-id");
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    // The kernel's own text result sits next to the interactive output.
    await expect.poll(() => page.locator(".jp-OutputArea-output").allTextContents()).toContainEqual(expect.stringContaining(`run ${runId!.slice(0, 8)} completed: umap · ${DEMO_POINTS} points`));
    const pixels = await countPlotPixels(canvas);
    // 778 dots of several pixels each: far more than noise, far less than a filled canvas.
    expect(pixels.drawn).toBeGreaterThan(1500);
    expect(pixels.drawn).toBeLessThan(pixels.total * 0.5);
    expect(await page.locator(`${OUTPUT} [data-testid=legend-item]`).count()).toBeGreaterThan(1);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator(".jp-Notebook .jp-Cell").first().screenshot({ path: path.join(SCREENSHOTS, "jupyter-notebook-plot.png") });
    // The notebook's one session runs the Embedscope kernel.
    const sessions = await server.api<SessionModel[]>("GET", "/api/sessions");
    expect(sessions.map((s) => [s.path, s.kernel?.name])).toEqual([["demo.ipynb", "embedscope"]]);
  });

  it("lassos points in the output and lists their chunks, fetched from the kernel over the comm", async () => {
    await page.locator(OUTPUT).getByRole("button", { name: "Lasso select" }).click();
    const box = (await page.locator(`${OUTPUT} [data-testid=scatter]`).boundingBox())!;
    const { polygon } = circleIn(box, 0.3);
    await mouseLasso(page, polygon);
    await page.waitForSelector(`${OUTPUT} [data-testid=chunk-row]:not(.es-loading)`, { timeout: 30_000 });
    const title = (await page.locator(`${OUTPUT} .es-table-title`).textContent()) ?? "";
    const selected = Number(/([\d,]+) selected · lasso/.exec(title)?.[1].replace(/,/g, ""));
    expect(selected).toBeGreaterThan(0);
    expect(selected).toBeLessThan(DEMO_POINTS);
    const texts = await page.locator(`${OUTPUT} [data-testid=chunk-row]:not(.es-loading) .es-col-text`).allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    // Real documentation text from the demo records, not placeholders.
    for (const text of texts.filter((t) => t !== "")) expect(text.length).toBeGreaterThan(10);
    await page.locator(".jp-Notebook .jp-Cell").first().screenshot({ path: path.join(SCREENSHOTS, "jupyter-notebook.png") });
  });

  it("recolours the output and finds similar chunks through the same comm", async () => {
    const legendTitle = page.locator(`${OUTPUT} .es-legend-title`);
    expect(await legendTitle.textContent()).toMatch(/^document_id\b/);
    await page.locator(`${OUTPUT} [data-testid=color-by]`).selectOption("filetype");
    await expect.poll(() => legendTitle.textContent(), { timeout: 30_000 }).toMatch(/^filetype\b/);
    await page.locator(`${OUTPUT} [data-testid=chunk-row]:not(.es-loading)`).first().getByRole("button", { name: "Find similar" }).click();
    await expect.poll(() => page.locator(`${OUTPUT} .es-table-title`).textContent(), { timeout: 30_000 }).toContain("similar to");
    await page.waitForSelector(`${OUTPUT} [data-testid=chunk-row]:not(.es-loading)`);
  });

  it("opens the Embedscope panel from the command palette, sharing the notebook's kernel", async () => {
    await openPanelFromPalette(page);
    const origin = await page.evaluate(() => {
      for (const w of window.jupyterapp.shell.widgets("main")) if (w.node.classList.contains("jp-EmbedscopePanel")) return (w as unknown as { kernelOrigin: string }).kernelOrigin;
      return null;
    });
    // The notebook's kernel holds the database: the panel must use it, not start a second one.
    expect(origin).toBe("shared");
    await expect.poll(() => page.locator(".jp-EmbedscopePanel [data-testid=run-row]").count(), { timeout: 30_000 }).toBe(1);
    await page.waitForSelector(`.jp-EmbedscopePanel [data-testid=scatter][data-points="${DEMO_POINTS}"]`, { timeout: 60_000 });
    const kernelsBefore = await server.api<KernelModel[]>("GET", "/api/kernels");
    expect(kernelsBefore.map((k) => k.name)).toEqual(["embedscope"]);

    // Closing the panel lets go of its connection only: the notebook's kernel and session stay.
    await page.evaluate(() => {
      for (const w of window.jupyterapp.shell.widgets("main")) if (w.node.classList.contains("jp-EmbedscopePanel")) w.close();
    });
    await page.waitForSelector(".jp-EmbedscopePanel", { state: "detached" });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await server.api<KernelModel[]>("GET", "/api/kernels")).map((k) => k.id)).toEqual(kernelsBefore.map((k) => k.id));
    expect((await server.api<SessionModel[]>("GET", "/api/sessions")).map((s) => s.path)).toEqual(["demo.ipynb"]);
    // The output still talks to the kernel after the panel's comm closed.
    await page.locator(`${OUTPUT} [data-testid=color-by]`).selectOption("document_id");
    await expect.poll(() => page.locator(`${OUTPUT} .es-legend-title`).textContent(), { timeout: 30_000 }).toMatch(/^document_id\b/);
    expect(problems).toEqual([]);
  });
});
