/**
 * What the JupyterLab end-to-end tests share: a private Jupyter data dir written by
 * `embedscope jupyter install --prefix` (kernelspec + prebuilt lab extension), Debian's
 * jupyter_server serving the JupyterLab 4.6 test frontend (test/jupyter/app), headless Chromium,
 * and helpers for the viewer inside JupyterLab (pixels, lasso, REST).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { freePort } from "../../helpers/net";
import { launchChromium } from "../../helpers/chromium";
export { launchChromium };

export const ROOT = path.resolve(__dirname, "..", "..", "..");
export const APP_DIR = path.join(ROOT, "test", "jupyter", "app");
export const CLI = path.join(ROOT, "shared", "bin", "embedscope.cjs");
export const SCREENSHOTS = path.join(ROOT, "docs", "screenshots");
const PYTHON = "/usr/bin/python3";

export interface LabEnv {
  dir: string;
  /** `--prefix` of the install: kernelspec and lab extension live under share/jupyter. */
  prefix: string;
  dataDir: string;
  notebooks: string;
  db: string;
  /** What `embedscope jupyter install` printed. */
  installOutput: string;
  cleanup(): void;
}

/** A temp folder with the kernelspec and lab extension installed the way a user would. */
export function prepareLabEnv(): LabEnv {
  const dir = mkdtempSync(path.join(tmpdir(), "es-jlab-"));
  const prefix = path.join(dir, "prefix");
  const notebooks = path.join(dir, "notebooks");
  mkdirSync(notebooks, { recursive: true });
  const installOutput = execFileSync(process.execPath, [CLI, "jupyter", "install", "--prefix", prefix], { cwd: ROOT, encoding: "utf8" });
  return {
    dir,
    prefix,
    dataDir: path.join(prefix, "share", "jupyter"),
    notebooks,
    db: path.join(dir, "embedscope.duckdb"),
    installOutput,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A notebook on the Embedscope kernel with one cell per entry of `cells`. */
export function writeNotebook(env: LabEnv, name: string, cells: string[]): string {
  const notebook = {
    cells: cells.map((source, i) => ({ cell_type: "code", execution_count: null, id: `cell-${i}`, metadata: {}, outputs: [], source })),
    metadata: {
      kernelspec: { display_name: "Embedscope", language: "embedscope", name: "embedscope" },
      language_info: { name: "embedscope", file_extension: ".embedscope", mimetype: "text/x-embedscope" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path.join(env.notebooks, name), JSON.stringify(notebook, null, 1));
  return name;
}

export interface LabServer {
  base: string;
  token: string;
  child: ChildProcess;
  log: () => string;
  /** A REST call with the token (jupyter_server wants it, or an XSRF cookie, for writes). */
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the test frontend on Debian's jupyter_server; resolves once /api/status answers. */
export async function startLabServer(env: LabEnv): Promise<LabServer> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const stateDir = path.join(env.dir, "lab-state");
  const child = spawn(
    PYTHON,
    [
      path.join(APP_DIR, "server.py"),
      "--no-browser",
      "--allow-root",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${env.notebooks}`,
    ],
    {
      cwd: env.dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        // Only the test's own install: the kernelspec and lab extension from `--prefix`, nothing from ~.
        JUPYTER_PATH: env.dataDir,
        JUPYTER_DATA_DIR: path.join(env.dir, "user-data"),
        JUPYTER_CONFIG_DIR: path.join(env.dir, "user-config"),
        JUPYTER_RUNTIME_DIR: path.join(env.dir, "runtime"),
        EMBEDSCOPE_DB: env.db,
        EMBEDSCOPE_LAB_STATE: stateDir,
      },
    },
  );
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter_server exited with ${child.exitCode}:\n${log}`);
    try {
      await api("GET", "/api/status");
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`jupyter_server did not answer in 60 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    base,
    token,
    child,
    log: () => log,
    api,
    async stop() {
      if (child.exitCode !== null) return;
      // SIGTERM: jupyter_server shuts its kernels down before it exits.
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Requests jupyter_server 1.23 does not serve; JupyterLab 4.6 asks anyway and copes. */
const HARMLESS = [/\/api\/me\b/, /\/api\/events\/subscribe/, /status of 404 \(Not Found\)/, /Unexpected token '<'/];

export interface OpenedLab {
  page: Page;
  /** Page errors and console errors, minus the harmless ones above. */
  problems: string[];
}

/** Opens JupyterLab at `route` (e.g. `tree/demo.ipynb`) and waits until the layout is restored. */
export async function openLab(browser: Browser, server: LabServer, route = ""): Promise<OpenedLab> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: "light" });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !HARMLESS.some((re) => re.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.base}/lab/${route}?token=${server.token}`);
  await page.waitForSelector("body[data-lab-restored=true]", { state: "attached", timeout: 120_000 });
  return { page, problems };
}

/** Pixels of a plot canvas that differ from its background (the corner pixel). */
export function countPlotPixels(canvas: Locator): Promise<{ total: number; drawn: number }> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const ctx = c.getContext("2d");
    if (!ctx) throw new Error("the plot canvas has no 2-D context");
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const bg = [data[0], data[1], data[2]];
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]) > 24) drawn++;
    }
    return { total: data.length / 4, drawn };
  });
}

/**
 * Drags a closed lasso through `points` (page pixels) with the mouse. Few intermediate steps: in
 * JupyterLab under software WebGL each pointer move costs ~0.3 s on a busy 2-core machine.
 */
export async function mouseLasso(page: Page, points: [number, number][]): Promise<void> {
  await page.mouse.move(points[0][0], points[0][1]);
  await page.mouse.down();
  for (const [x, y] of [...points.slice(1), points[0]]) await page.mouse.move(x, y, { steps: 2 });
  await page.mouse.up();
}

/** A circle of `n` points around the centre of `box`, `fraction` of its smaller side in radius. */
export function circleIn(box: { x: number; y: number; width: number; height: number }, fraction = 0.3, n = 12): { polygon: [number, number][]; cx: number; cy: number; r: number } {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const r = Math.min(box.width, box.height) * fraction;
  const polygon = Array.from({ length: n }, (_, i): [number, number] => [cx + r * Math.cos((i / n) * 2 * Math.PI), cy + r * Math.sin((i / n) * 2 * Math.PI)]);
  return { polygon, cx, cy, r };
}

export interface KernelModel {
  id: string;
  name: string;
  execution_state: string;
}

export interface SessionModel {
  id: string;
  path: string;
  type: string;
  kernel: KernelModel | null;
}

/**
 * Ctrl+Shift+C, type, Enter — the way a user opens it. The shortcut is retried: JupyterLab binds
 * keys from its settings a moment after the layout is restored.
 */
export async function openPanelFromPalette(page: Page): Promise<void> {
  const input = page.locator(".lm-CommandPalette-input");
  for (let attempt = 0; ; attempt++) {
    await page.locator("#jp-main-dock-panel").click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
    await page.keyboard.press("Control+Shift+C");
    try {
      await input.waitFor({ state: "visible", timeout: 3_000 });
      break;
    } catch (err) {
      if (attempt >= 10) throw err;
    }
  }
  await input.fill("Embedscope");
  await page.locator(".lm-CommandPalette-item", { hasText: "Embedscope" }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press("Enter");
  await page.waitForSelector(".jp-EmbedscopePanel[data-state=connected]", { timeout: 90_000 });
}

declare global {
  interface Window {
    jupyterapp: {
      commands: { execute(id: string, args?: unknown): Promise<unknown> };
      shell: { currentWidget: unknown; widgets(area?: string): IterableIterator<{ id: string; node: HTMLElement; close(): void }> };
    };
  }
}
