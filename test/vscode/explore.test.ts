import { writeFileSync } from "node:fs";
import { inject, test } from "vitest";
import { startCodeServer } from "./codeServer";
import { launchChromium, openWorkbench, runCommand, webviewFrame, countPlotPixels } from "./workbench";

const nb = {
  cells: [
    { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ["%project demo reducer=pca"] },
    { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ["%projekt demo"] },
  ],
  metadata: { kernelspec: { name: "embedscope", display_name: "Embedscope", language: "embedscope" }, language_info: { name: "embedscope" } },
  nbformat: 4,
  nbformat_minor: 5,
};

test("explore", async () => {
  const cs = await startCodeServer({
    codeServerRoot: inject("codeServerRoot"),
    vsix: inject("vsix"),
    settings: { "embedscope.databasePath": "/tmp/es-explore.duckdb" },
    files: { "demo.ipynb": JSON.stringify(nb, null, 1) },
  });
  const browser = await launchChromium();
  let pg: import("playwright-core").Page | undefined;
  try {
    const { page, problems } = await openWorkbench(browser, cs.url);
    pg = page;
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "demo.ipynb" }).dblclick();
    await page.waitForSelector(".notebook-editor", { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 5000));
    await page.screenshot({ path: "/tmp/nb-1.png" });
    await runCommand(page, "Notebook: Run All");
    await new Promise((r) => setTimeout(r, 4000));
    await page.screenshot({ path: "/tmp/nb-2.png" });
    await new Promise((r) => setTimeout(r, 10000));
    await page.screenshot({ path: "/tmp/nb-3.png" });
    console.log(problems);
  } finally {
    await pg?.screenshot({ path: "/tmp/nb-final.png" });
    console.log(cs.log().slice(-3000));
    await browser.close();
    await cs.stop();
  }
}, 300_000);
