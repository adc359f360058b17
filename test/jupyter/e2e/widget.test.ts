/**
 * The Embedscope panel in JupyterLab 4.6 without any notebook: opened from the command palette, it
 * starts its own background Embedscope kernel session, drives the full viewer over a comm (start
 * form with the user's settings → progress → plot), and shuts that session down when it closes.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countPlotPixels, launchChromium, openLab, openPanelFromPalette, prepareLabEnv, SCREENSHOTS, startLabServer, type KernelModel, type LabEnv, type LabServer, type SessionModel } from "./harness";

const PANEL = ".jp-EmbedscopePanel";
const SETTINGS_URL = "http://qdrant.example.test:6333";
const SETTINGS_SAMPLE = 5000;

interface PanelProbe {
  kernelOrigin: string | null;
  shownRunId: string | null;
}

function probePanel(page: Page): Promise<PanelProbe | null> {
  return page.evaluate(() => {
    for (const w of window.jupyterapp.shell.widgets("main")) {
      if (!w.node.classList.contains("jp-EmbedscopePanel")) continue;
      const panel = w as unknown as { kernelOrigin: string | null; viewer: { store: { state: { view: { kind: string; runId?: string } } } } | null };
      const view = panel.viewer?.store.state.view;
      return { kernelOrigin: panel.kernelOrigin, shownRunId: view && view.kind !== "empty" ? (view.runId ?? null) : null };
    }
    return null;
  });
}

describe("the Embedscope panel in JupyterLab", () => {
  let env: LabEnv;
  let server: LabServer;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    env = prepareLabEnv();
    server = await startLabServer(env);
    // The user's settings (schema/plugin.json of the installed extension) feed the start form.
    await server.api("PUT", "/lab/api/settings/@embedscope/jupyterlab:plugin", { raw: JSON.stringify({ defaultSourceUrl: SETTINGS_URL, sampleLimit: SETTINGS_SAMPLE }) });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    env?.cleanup();
  });

  it("opens from the command palette and starts its own background Embedscope kernel", async () => {
    ({ page, problems } = await openLab(browser, server));
    await openPanelFromPalette(page);
    expect((await probePanel(page))?.kernelOrigin).toBe("started");
    const sessions = await server.api<SessionModel[]>("GET", "/api/sessions");
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ type: "embedscope-viewer", kernel: { name: "embedscope" } });
    // A fresh database: no runs yet, and the viewer says how to start one.
    await page.waitForSelector(`${PANEL} [data-testid=new-run]`);
    await expect.poll(() => page.locator(`${PANEL} .es-runs-status`).textContent(), { timeout: 30_000 }).toContain("No runs yet");
    expect(await page.locator(`${PANEL} [data-testid=run-row]`).count()).toBe(0);
  });

  it("starts a UMAP run from the form with the user's defaults, shows its progress, then draws it", async () => {
    await page.locator(`${PANEL} [data-testid=new-run]`).click();
    const form = page.locator("[data-testid=start-form]");
    await form.waitFor();
    expect(await form.locator("[data-field=sample] input").inputValue()).toBe(String(SETTINGS_SAMPLE));
    // The Qdrant URL comes from the settings too (checked, then back to the bundled demo source).
    const sourceKind = form.locator("[data-field=sourceKind] select");
    await sourceKind.selectOption("qdrant");
    expect(await form.locator("[data-field=url] input").inputValue()).toBe(SETTINGS_URL);
    await sourceKind.selectOption("demo");
    // Fewer epochs than the default keep the test short; the progress is still visible.
    await form.locator('[data-field="param:n_epochs"] input').fill("200");
    await form.locator("button[type=submit]").click();

    const row = page.locator(`${PANEL} [data-testid=run-row]`).first();
    const bar = row.locator("[role=progressbar]");
    const status = row.locator("[data-testid=status]");
    await bar.waitFor({ timeout: 60_000 });
    const runId = await row.getAttribute("data-run-id");
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    // Watch the run: its progress line must move while it runs (phases and counts from the kernel).
    const seen = new Set<string>();
    let shot = false;
    const deadline = Date.now() + 180_000;
    let last = "";
    while (Date.now() < deadline) {
      last = (await status.textContent()) ?? "";
      if (last !== "running" && last !== "pending") break;
      const text = await bar.getAttribute("aria-valuetext").catch(() => null);
      if (text) seen.add(text);
      if (!shot && Number(await bar.getAttribute("aria-valuenow").catch(() => "0")) > 0) {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.locator(PANEL).screenshot({ path: path.join(SCREENSHOTS, "jupyter-widget-progress.png") });
        shot = true;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(last).toBe("completed");
    expect(shot).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
    // The viewer opens the run it started once it completes.
    await expect.poll(async () => (await probePanel(page))?.shownRunId, { timeout: 60_000 }).toBe(runId);
    const canvas = page.locator(`${PANEL} [data-testid=scatter]`);
    await page.waitForSelector(`${PANEL} [data-testid=scatter][data-points="778"]`, { timeout: 60_000 });
    const pixels = await countPlotPixels(canvas);
    expect(pixels.drawn).toBeGreaterThan(1500);
    expect(pixels.drawn).toBeLessThan(pixels.total * 0.5);
    await page.locator(PANEL).screenshot({ path: path.join(SCREENSHOTS, "jupyter-widget.png") });
  });

  it("follows JupyterLab's theme: the viewer's colours come from the --jp-* variables", async () => {
    const colours = () =>
      page.evaluate(() => {
        const viewer = document.querySelector(".jp-EmbedscopePanel .es-viewer")!;
        // What shows behind the points: the first opaque background from the canvas outwards.
        let plotBackground = "";
        for (let el: Element | null = document.querySelector(".jp-EmbedscopePanel [data-testid=scatter]"); el && !plotBackground; el = el.parentElement) {
          const bg = getComputedStyle(el).backgroundColor;
          if (bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") plotBackground = bg;
        }
        const [r, g, b] = (plotBackground.match(/\d+(\.\d+)?/g) ?? ["0", "0", "0"]).map(Number);
        // The theme's own layout colour, resolved the same way as the viewer's background.
        const probe = document.createElement("div");
        probe.style.background = "var(--jp-layout-color0)";
        document.body.appendChild(probe);
        const layout = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return { background: getComputedStyle(viewer).backgroundColor, layout, plotLuminance: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 };
      });
    const light = await colours();
    expect(light.background).toBe(light.layout);
    expect(light.plotLuminance).toBeGreaterThan(0.8);
    await page.evaluate(() => window.jupyterapp.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" }));
    await page.waitForSelector("body[data-jp-theme-light=false]", { state: "attached", timeout: 30_000 });
    await expect.poll(async () => (await colours()).plotLuminance, { timeout: 30_000 }).toBeLessThan(0.3);
    const dark = await colours();
    expect(dark.background).toBe(dark.layout);
    expect(dark.background).not.toBe(light.background);
    await page.locator(PANEL).screenshot({ path: path.join(SCREENSHOTS, "jupyter-widget-dark.png") });
  });

  it("shuts its background session down when the panel closes", async () => {
    await page.evaluate(() => {
      for (const w of window.jupyterapp.shell.widgets("main")) if (w.node.classList.contains("jp-EmbedscopePanel")) w.close();
    });
    await page.waitForSelector(PANEL, { state: "detached" });
    await expect.poll(() => server.api<SessionModel[]>("GET", "/api/sessions"), { timeout: 30_000 }).toEqual([]);
    await expect.poll(() => server.api<KernelModel[]>("GET", "/api/kernels"), { timeout: 30_000 }).toEqual([]);
    expect(problems).toEqual([]);
  });
});
