/**
 * Browser bench (`npm run bench:browser`): the real viewer in headless Chromium over an in-page
 * synthetic host at 100k and 1M points. Measures time to first frame (mount → points over the
 * transport → drawn), mouse-lasso latency (pointer up → selection in the store → first table rows),
 * box-select latency and recolour latency. Prints a table and writes bench/results/browser.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as Esbuild from "esbuild";
import type * as Playwright from "playwright-core";
import type {} from "./browserPage";

// Loaded at run time from node_modules: neither can be bundled into dist/.
const load = createRequire(path.join(process.cwd(), "package.json"));
const esbuild = load("esbuild") as typeof Esbuild;
const { chromium } = load("playwright-core") as typeof Playwright;

const COUNTS = (process.env.EMBEDSCOPE_BENCH_COUNTS ?? "100000,1000000").split(",").map(Number);
const REPEATS = 3;

interface Result {
  points: number;
  generateMs: number;
  firstFrameMs: number;
  lassoSelectMs: number[];
  lassoTableMs: number[];
  lassoSelected: number;
  boxSelectMs: number[];
  recolorMs: number;
}

async function bundlePage(): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [path.join(process.cwd(), "bench", "browserPage.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    loader: { ".css": "text" },
  });
  return out.outputFiles[0].text;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function lasso(page: Playwright.Page, box: { x: number; y: number; width: number; height: number }): Promise<void> {
  const cx = box.x + box.width * 0.45;
  const cy = box.y + box.height * 0.5;
  const r = Math.min(box.width, box.height) * 0.22;
  const n = 16;
  await page.mouse.move(cx + r, cy);
  await page.mouse.down();
  for (let i = 1; i <= n; i++) await page.mouse.move(cx + r * Math.cos((i / n) * 2 * Math.PI), cy + r * Math.sin((i / n) * 2 * Math.PI), { steps: 2 });
  await page.mouse.up();
}

async function measure(browser: Playwright.Browser, script: string, count: number): Promise<Result> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  await page.setContent('<!doctype html><html><body style="margin:0"><div id="root" style="height:100vh"></div></body></html>');
  await page.addScriptTag({ content: script });
  const mount = await page.evaluate((n) => window.esBench.mount(n), count);
  const canvas = page.locator("[data-testid=scatter]");
  const box = await canvas.boundingBox();
  if (!box) throw new Error("no canvas");

  await page.getByRole("button", { name: "Lasso select" }).click();
  const lassoSelectMs: number[] = [];
  const lassoTableMs: number[] = [];
  let lassoSelected = 0;
  for (let i = 0; i < REPEATS; i++) {
    await page.evaluate(() => window.esBench.viewer().controller.clearSelection());
    await page.waitForTimeout(300);
    await page.evaluate(() => window.esBench.armSelection());
    await lasso(page, box);
    const t = await page.evaluate(() => window.esBench.selectionLatency());
    lassoSelectMs.push(t.selectMs);
    lassoTableMs.push(t.tableMs);
    lassoSelected = t.selected;
  }

  await page.getByRole("button", { name: "Box select" }).click();
  const boxSelectMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await page.evaluate(() => window.esBench.viewer().controller.clearSelection());
    await page.waitForTimeout(300);
    await page.evaluate(() => window.esBench.armSelection());
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7, { steps: 8 });
    await page.mouse.up();
    boxSelectMs.push((await page.evaluate(() => window.esBench.selectionLatency())).selectMs);
  }

  const recolorMs = await page.evaluate(() => window.esBench.recolor("document_id"));
  await page.close();
  return { points: count, generateMs: mount.generateMs, firstFrameMs: mount.firstFrameMs, lassoSelectMs, lassoTableMs, lassoSelected, boxSelectMs, recolorMs };
}

async function main(): Promise<void> {
  const script = await bundlePage();
  const browser = await chromium.launch({
    executablePath: process.env.EMBEDSCOPE_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const results: Result[] = [];
  try {
    for (const count of COUNTS) {
      process.stderr.write(`measuring ${count.toLocaleString("en-US")} points…\n`);
      results.push(await measure(browser, script, count));
    }
  } finally {
    await browser.close();
  }
  const ms = (v: number) => `${Math.round(v).toLocaleString("en-US")} ms`;
  const header = ["points", "first frame", "lasso → selection", "lasso → table rows", "selected", "box → selection", "recolour"];
  const rows = results.map((r) => [
    r.points.toLocaleString("en-US"),
    ms(r.firstFrameMs),
    ms(median(r.lassoSelectMs)),
    ms(median(r.lassoTableMs)),
    r.lassoSelected.toLocaleString("en-US"),
    ms(median(r.boxSelectMs)),
    ms(r.recolorMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
  console.log("Embedscope viewer in headless Chromium (SwiftShader WebGL), medians of 3 gestures");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  const outDir = path.join(process.cwd(), "bench", "results");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "browser.json"), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
