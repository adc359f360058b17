/**
 * The extension in real VS Code (code-server 4.100.3, the packaged .vsix installed offline),
 * driven through the workbench UI like a user: commands from the palette, quick picks, the
 * explorer webview, the runs view, and a Jupyter notebook with the Embedscope kernel. At the end,
 * with VS Code closed, the DuckDB file is read to check what was recorded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { Store } from "../../shared/src/store/store";
import type { RunRecord } from "../../shared/src/types";
import { demoRecords } from "../helpers/demoRecords";
import { startCodeServer, type CodeServer } from "./codeServer";
import { screenshot } from "./screenshots";
import { countPlotPixels, launchChromium, notificationTexts, openWorkbench, pickQuickItem, runCommand, shiftLasso, waitFor, webviewFrame } from "./workbench";

const RUN_MIME = "application/vnd.embedscope.run+json";
/** Table rows on screen with their data loaded (the table pools and hides row elements). */
const SHOWN_ROWS = "[data-testid=chunk-row]:not([hidden]):not(.es-loading)";
/** The explorer's page (it has the runs sidebar; notebook outputs do not), showing a run of `points`. */
const explorerWith = (points: number) => `body:has([data-testid=run-list]) [data-testid=scatter][data-points="${points}"]`;
/** The run the explorer's viewer shows (window.embedscopeViewer is set by the VS Code entry). */
const shownRunId = (frame: Frame) =>
  frame.evaluate(() => (window as unknown as { embedscopeViewer: { store: { state: { view: { runId?: string } } } } }).embedscopeViewer.store.state.view.runId);

const notebook = {
  cells: [
    { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ["%project demo reducer=pca"] },
    { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ["%projekt demo"] },
  ],
  metadata: { kernelspec: { name: "embedscope", display_name: "Embedscope", language: "embedscope" }, language_info: { name: "embedscope" } },
  nbformat: 4,
  nbformat_minor: 5,
};

/**
 * Workspace copies of some demo documents (their chunks in order, after a preamble), so "open
 * document" has real files to find; sapui5.md is left out to exercise the read-only fallback.
 */
function workspaceDocuments(): { files: Record<string, string>; inWorkspace: { path: string; query: string; chunk: string }; virtual: { path: string; query: string; chunk: string } } {
  const records = demoRecords();
  const byPath = new Map<string, string[]>();
  for (const r of records) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.content]);
  const files: Record<string, string> = {};
  for (const [p, chunks] of byPath) {
    if (p.endsWith("sapui5.md")) continue;
    files[p] = `<!-- A local copy of ${p} for the Embedscope VS Code test. -->\n\n${chunks.join("\n\n")}\n`;
  }
  /** The third chunk of a document, found by a line of it that no other chunk contains. */
  const pick = (p: string) => {
    const chunk = byPath.get(p)![2];
    // The viewer's search matches text, document id and path, ignoring case.
    const unique = (q: string) => records.filter((r) => `${r.content}\n${r.path}`.toLowerCase().includes(q.toLowerCase())).length === 1;
    const query = chunk
      .split("\n")
      .map((l) => l.trim().slice(0, 60))
      .find((q) => q.length > 25 && unique(q));
    if (!query) throw new Error(`no unique line in a chunk of ${p}`);
    return { path: p, query, chunk };
  };
  const docPaths = [...byPath.keys()];
  return { files, inWorkspace: pick(docPaths.find((p) => p.includes("btp-fiori-tools"))!), virtual: pick(docPaths.find((p) => p.endsWith("sapui5.md"))!) };
}

/** Types `text` over the whole source of code cell `index` (its editor focused first, so Ctrl+A stays in the cell). */
async function replaceCellText(page: Page, index: number, text: string): Promise<void> {
  const cell = page.locator(".notebook-editor .code-cell-row").nth(index);
  await cell.locator(".monaco-editor .view-lines").first().click();
  await cell.locator(".monaco-editor.focused").first().waitFor({ timeout: 10_000 });
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

/** 60 rows of 8-d vectors in three clusters, the vector column as CSV text lists. */
function vectorsCsv(): string {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const lines = ["id,category,text,embedding"];
  for (let i = 0; i < 60; i++) {
    const cluster = i % 3;
    const vector = Array.from({ length: 8 }, (_, d) => (d === cluster * 2 ? 3 : 0) + random() * 0.4);
    lines.push(`p${i},group-${cluster},"point ${i} of group ${cluster}","[${vector.map((v) => v.toFixed(4)).join(", ")}]"`);
  }
  return `${lines.join("\n")}\n`;
}

describe.sequential("Embedscope in VS Code (code-server 4.100.3)", () => {
  const dbDir = mkdtempSync(path.join(tmpdir(), "es-vscode-db-"));
  const db = path.join(dbDir, "embedscope.duckdb");
  const docs = workspaceDocuments();
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let explorer: Frame;

  beforeAll(async () => {
    server = await startCodeServer({
      codeServerRoot: inject("codeServerRoot"),
      vsix: inject("vsix"),
      settings: { "embedscope.databasePath": db },
      files: { "demo.ipynb": JSON.stringify(notebook, null, 1), "vectors.csv": vectorsCsv(), ...docs.files },
    });
    browser = await launchChromium();
    ({ page, problems } = await openWorkbench(browser, server.url));
  });

  // A failing step leaves a picture of the workbench behind (test-results/screenshots/vscode-failed-*.png).
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, `failed-${task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`).catch(() => undefined);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dbDir, { recursive: true, force: true });
  });

  test("Open Demo: the explorer webview draws the projection; a lasso fills the chunk table", async () => {
    const started = Date.now();
    await runCommand(page, "Embedscope: Open Demo");
    explorer = await webviewFrame(page, explorerWith(778), 150_000);
    const drawnAfter = Date.now() - started;
    const pixels = await waitFor("points drawn", async () => {
      const p = await countPlotPixels(explorer);
      return p.drawn > 2000 ? p : null;
    });
    expect(await explorer.locator("[data-testid=scatter]").getAttribute("data-points")).toBe("778");
    console.log(`Open Demo → plot drawn in ${(drawnAfter / 1000).toFixed(1)} s; ${pixels.drawn} of ${pixels.total} canvas pixels drawn`);

    const box = (await explorer.locator("[data-testid=scatter]").boundingBox())!;
    const cx = box.x + box.width * 0.45;
    const cy = box.y + box.height * 0.5;
    const r = Math.min(box.width, box.height) * 0.3;
    const polygon: [number, number][] = Array.from({ length: 10 }, (_, i) => [cx + r * Math.cos((i / 10) * 2 * Math.PI), cy + r * Math.sin((i / 10) * 2 * Math.PI)]);
    await shiftLasso(page, polygon);
    const selected = await waitFor("chunk rows after the lasso", async () => {
      const title = await explorer.locator("[data-testid=chunk-table]").innerText();
      const m = /([\d,]+) selected · lasso/.exec(title);
      return m && (await explorer.locator(SHOWN_ROWS).count()) > 0 ? Number(m[1].replace(/,/g, "")) : null;
    });
    expect(selected).toBeGreaterThan(0);
    expect(await explorer.locator(SHOWN_ROWS).first().innerText()).toMatch(/data_local\/.*\.md/);
    console.log(`lasso → ${selected} points selected, their chunks listed`);
    await screenshot(page, "explorer");

    // "Save the view as PNG": webviews cannot download, so the extension asks where to save it.
    await explorer.locator("[data-testid=export-png]").click();
    const input = page.locator(".quick-input-widget .quick-input-box input");
    await waitFor("the save dialog", async () => /embedscope-[0-9a-f]{8}\.png$/.test(await input.inputValue()), 30_000);
    const target = await input.inputValue();
    await input.press("Enter");
    await waitFor("the saved notice", async () => (await notificationTexts(page)).some((t) => /saved embedscope-[0-9a-f]{8}\.png/.test(t)), 30_000);
    expect(path.dirname(target)).toBe(server.workspace);
    const png = readFileSync(target);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    console.log(`Save the view as PNG → ${path.basename(target)}, ${png.length} bytes`);
    expect(problems.filter((p) => /csp/i.test(p))).toEqual([]);
  });

  test("open document: a chunk whose file is in the workspace opens at the chunk; others open read-only", async () => {
    const search = explorer.locator("[data-testid=search-input]");

    // A chunk of btp-fiori-tools.md: the workspace copy opens with the chunk selected.
    await search.fill(docs.inWorkspace.query);
    await search.press("Enter");
    const row = explorer.locator(SHOWN_ROWS).first();
    await waitFor("the searched chunk", async () => (await explorer.locator(SHOWN_ROWS).count()) === 1, 30_000).catch(async (err: Error) => {
      await screenshot(page, "debug-search");
      const state = await explorer.evaluate(() => {
        const s = (window as unknown as { embedscopeViewer: { store: { state: { search: unknown; selection: { rows: Uint32Array } | null } } } }).embedscopeViewer.store.state;
        return JSON.stringify({ search: s.search, selected: s.selection?.rows.length });
      });
      throw new Error(`${err.message}; query ${JSON.stringify(docs.inWorkspace.query)}; viewer ${state}`);
    });
    await row.locator('button[aria-label="Open document"]').click();
    const fileName = path.basename(docs.inWorkspace.path);
    await page.locator(".tabs-container .tab", { hasText: fileName }).first().waitFor({ timeout: 30_000 });
    const content = docs.files[docs.inWorkspace.path];
    const expectedLine = content.slice(0, content.indexOf(docs.inWorkspace.chunk)).split("\n").length;
    const status = await waitFor("the cursor at the chunk", async () => {
      const text = await page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first().innerText();
      return /selected/.test(text) ? text : null;
    });
    // The cursor sits at the chunk's first line, the whole chunk selected.
    const at = /Ln (\d+), Col (\d+) \(([\d,]+) selected\)/.exec(status);
    expect(at?.slice(1, 3)).toEqual([String(expectedLine), "1"]);
    expect(Number(at![3].replace(/,/g, ""))).toBe(docs.inWorkspace.chunk.trim().length);
    await screenshot(page, "open-document");

    // A chunk of sapui5.md (not in the workspace): its text in a read-only virtual document.
    await search.fill(docs.virtual.query);
    await search.press("Enter");
    await waitFor("the searched chunk", async () => (await explorer.locator(SHOWN_ROWS).count()) === 1 && /sapui5/.test(await explorer.locator(SHOWN_ROWS).first().innerText()));
    await explorer.locator(SHOWN_ROWS).first().locator('button[aria-label="Open document"]').click();
    const tab = page.locator(".tabs-container .tab", { hasText: "sapui5.md" }).first();
    await tab.waitFor({ timeout: 30_000 });
    const firstLine = docs.virtual.chunk.split("\n")[0].trim().slice(0, 30);
    await waitFor("the chunk text in the editor", async () => (await page.locator(".editor-instance .view-lines").last().innerText()).replace(/\s+/g, " ").includes(firstLine.replace(/\s+/g, " ")));
    expect(existsSync(path.join(server.workspace, docs.virtual.path))).toBe(false);
    await search.fill("");
    await search.press("Enter");
    // Close the editor group the documents opened in (beside the explorer) to give the rest room.
    await tab.click();
    await runCommand(page, "View: Close Editor Group");
    await page.locator(".tabs-container .tab", { hasText: "sapui5.md" }).waitFor({ state: "detached", timeout: 15_000 });
  });

  test("notebook: the Embedscope kernel runs %project demo reducer=pca; the interactive output renders and the saved .ipynb holds a PNG", async () => {
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "demo.ipynb" }).dblclick();
    await page.locator(".notebook-editor .code-cell-row").first().waitFor({ timeout: 60_000 });
    await page.locator(".notebook-toolbar-container .kernel-label", { hasText: "Embedscope" }).first().waitFor({ timeout: 30_000 });
    await page.locator(".notebook-toolbar-container .action-item", { hasText: "Run All" }).first().click();

    const output = await webviewFrame(page, ".embedscope-output [data-testid=scatter][data-points]", 120_000);
    const pixels = await waitFor("points drawn in the output", async () => {
      const p = await countPlotPixels(output, ".embedscope-output");
      return p.drawn > 1000 ? p : null;
    });
    console.log(`notebook output: ${pixels.drawn} of ${pixels.total} canvas pixels drawn`);
    await waitFor("the error output of cell 2", async () => (await output.locator("text=did you mean %project?").count()) > 0);
    await screenshot(page, "notebook");

    // The output's "Save the view as PNG" also ends in the save dialog (through renderer messaging).
    await output.locator(".embedscope-output [data-testid=export-png]").click();
    const input = page.locator(".quick-input-widget .quick-input-box input");
    await waitFor("the save dialog", async () => /embedscope-[0-9a-f]{8}\.png$/.test(await input.inputValue()), 30_000);
    const pngTarget = (await input.inputValue()).replace(/\.png$/, "-notebook.png");
    await input.fill(pngTarget);
    await input.press("Enter");
    await waitFor("the PNG written", async () => existsSync(pngTarget) && readFileSync(pngTarget).subarray(0, 4).toString("hex") === "89504e47", 30_000);

    await page.locator(".notebook-editor .code-cell-row").first().click();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+s");
    const saved = await waitFor("outputs in the saved .ipynb", async () => {
      const nb = JSON.parse(readFileSync(path.join(server.workspace, "demo.ipynb"), "utf8")) as {
        cells: { execution_count: number | null; outputs: { output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string; traceback?: string[] }[] }[];
      };
      return nb.cells[0].outputs.length > 0 && nb.cells[1].outputs.length > 0 ? nb : null;
    });
    const [plot] = saved.cells[0].outputs;
    expect(saved.cells[0].execution_count).toBe(1);
    const png = Buffer.from(String(plot.data?.["image/png"]), "base64");
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.length).toBeGreaterThan(5000);
    expect(plot.data?.[RUN_MIME]).toMatchObject({ version: 1, pointCount: 778 });
    expect(String(plot.data?.["text/plain"])).toMatch(/pca/);
    console.log(`saved .ipynb: PNG of ${png.length} bytes in cell 1`);

    // Cell 2 (%projekt demo): an error output, the caret under the misspelt command.
    const [error] = saved.cells[1].outputs;
    expect(error.output_type).toBe("error");
    expect(error.evalue).toMatch(/unknown command '%projekt'; did you mean %project\?/);
    expect((error.traceback ?? []).join("\n")).toContain("^^^^^^^^");
  });

  test("notebook: completion offers commands, options and values", async () => {
    await replaceCellText(page, 1, "%project demo red");
    await page.keyboard.press("Control+Space");
    await page.locator(".suggest-widget .monaco-list-row", { hasText: "reducer=" }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press("Enter");
    await page.locator(".suggest-widget .monaco-list-row", { hasText: "tsne" }).first().waitFor({ timeout: 20_000 });
    await screenshot(page, "completion");
    await page.keyboard.press("Escape");
  });

  test("notebook: Interrupt cancels a long t-SNE cell; its progress showed in the output", async () => {
    const cell = page.locator(".notebook-editor .code-cell-row").nth(1);
    await replaceCellText(page, 1, "%project demo reducer=tsne iterations=100000 label=interrupted");
    await page.keyboard.press("Escape"); // close any suggestion
    await cell.hover();
    await cell.locator(".run-button-container .codicon-notebook-execute").first().click();
    const output = await webviewFrame(page, "text=/t-SNE run [0-9a-f]{8}: (laying out|finding neighbours|reading vectors)/", 90_000);
    await page.locator(".notebook-toolbar-container .action-item", { hasText: "Interrupt" }).first().click();
    await waitFor("the cancelled run in the cell output", async () => (await output.locator("text=/status\\s+cancelled/").count()) > 0, 30_000);
    await cell.locator(".codicon-notebook-state-error").first().waitFor({ timeout: 10_000 });
  });

  test("Cancel Run stops a long t-SNE started from New Projection…", async () => {
    await runCommand(page, "Embedscope: New Projection…");
    await pickQuickItem(page, "Demo data");
    await pickQuickItem(page, "t-SNE");
    await pickQuickItem(page, "Edit parameters…");
    const input = page.locator(".quick-input-widget .quick-input-box input");
    for (const key of ["perplexity", "iterations", "learning_rate", "init", "metric"]) {
      await page.locator(".quick-input-widget .quick-input-title", { hasText: key }).waitFor({ timeout: 10_000 });
      if (key === "iterations") await input.fill("100000");
      await input.press("Enter");
    }
    await pickQuickItem(page, "document_id");
    await waitFor("the progress notification", async () => (await notificationTexts(page)).some((t) => /t-SNE of demo/.test(t) && /%/.test(t)), 60_000);

    await page.locator('.part.activitybar .action-item a[aria-label^="Embedscope"]').click();
    const runsView = page.locator(".pane", { hasText: "Runs" }).first();
    await runsView.locator(".monaco-list-row", { hasText: /laying out|finding neighbours|reading vectors/ }).first().waitFor({ timeout: 60_000 });
    await screenshot(page, "runs-tree");

    const cancelledAt = Date.now();
    await runCommand(page, "Embedscope: Cancel Run");
    await pickQuickItem(page, "t-SNE");
    await waitFor("the cancelled notice", async () => (await notificationTexts(page)).some((t) => /is cancelled/.test(t)), 30_000);
    console.log(`Cancel Run → run recorded as cancelled in ${((Date.now() - cancelledAt) / 1000).toFixed(1)} s`);
    await runsView.locator(".monaco-list-row", { hasText: "cancelled" }).first().waitFor({ timeout: 15_000 });
    await screenshot(page, "cancelled");
  });

  test("Project File… from the Explorer context menu projects a CSV of vectors and shows it", async () => {
    await page.locator('.part.activitybar .action-item a[aria-label^="Explorer"]').click();
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "vectors.csv" }).click({ button: "right" });
    const item = page.locator(".monaco-menu .action-item", { hasText: "Project File…" }).first();
    await item.click();
    // code-server sometimes leaves the context menu open with the item highlighted after the click
    // (it sits at the window's bottom edge): the highlighted item then takes Enter.
    const menu = page.locator(".monaco-menu").first();
    if (await menu.isVisible().catch(() => false)) {
      await page.waitForTimeout(500);
      if (await menu.isVisible().catch(() => false)) {
        await item.hover();
        await page.keyboard.press("Enter");
      }
    }
    await pickQuickItem(page, "PCA");
    await pickQuickItem(page, "Payload field…");
    const input = page.locator(".quick-input-widget .quick-input-box input");
    await input.fill("category");
    await input.press("Enter");
    await page.locator(".tabs-container .tab", { hasText: "Embedscope" }).first().click();
    // VS Code may have rebuilt the webview while it was hidden: find it again.
    explorer = await webviewFrame(page, explorerWith(60), 90_000);
    await waitFor("three categories in the legend", async () => (await explorer.locator("[data-testid=legend-item]").count()) === 3);
    expect(await explorer.locator("[data-testid=legend]").innerText()).toMatch(/group-0[\s\S]*20/);
    await screenshot(page, "project-file");
  });

  test("the explorer comes back after a window reload, on the run it showed", async () => {
    await runCommand(page, "Embedscope: Open Run");
    await pickQuickItem(page, "Demo ·");
    explorer = await webviewFrame(page, explorerWith(778), 60_000);
    const shown = await shownRunId(explorer);
    expect(shown).toBeTruthy();

    const reloaded = page.waitForEvent("load", { timeout: 120_000 });
    await runCommand(page, "Developer: Reload Window");
    await reloaded;
    await page.locator('.part.activitybar .action-item a[aria-label^="Embedscope"]').waitFor({ state: "attached", timeout: 120_000 });
    await page.locator(".tabs-container .tab", { hasText: "Embedscope" }).first().click({ timeout: 120_000 });
    explorer = await webviewFrame(page, explorerWith(778), 120_000);
    const restored = await shownRunId(explorer);
    expect(restored).toBe(shown);
  });

  test("the database holds what VS Code did (read after code-server exits)", async () => {
    await browser.close();
    await server.stop();
    const store = await Store.open(db, { readOnly: true });
    let runs: RunRecord[];
    try {
      runs = await store.listRuns();
    } finally {
      store.close();
    }
    const byReducer = (r: string) => runs.filter((x) => x.reducer === r);
    expect(byReducer("umap").some((r) => r.status === "completed" && r.source_kind === "demo" && r.point_count === 778)).toBe(true);
    expect(byReducer("pca").some((r) => r.status === "completed" && r.point_count === 778)).toBe(true);
    const tsne = byReducer("tsne");
    expect(tsne).toHaveLength(2); // one interrupted in the notebook, one cancelled with Cancel Run
    for (const run of tsne) {
      expect(run.status).toBe("cancelled");
      expect(run.config.iterations).toBe(100000);
    }
    expect(tsne.map((r) => r.label).sort()).toEqual([null, "interrupted"].sort());
    const csv = runs.find((r) => r.source_kind === "file");
    expect(csv).toMatchObject({ status: "completed", point_count: 60, reducer: "pca" });
    expect(csv?.source_uri).toMatch(/vectors\.csv$/);
    expect(csv?.meta.color_by).toBe("category");
  });
});
