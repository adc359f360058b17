/**
 * What the end-to-end tests share: a private copy of the seeded demo database, `embedscope serve`
 * as a child process (URL read from its first stdout line), headless Chromium, a Node protocol
 * client on the same WebSocket, and pixel counting on the plot's canvas.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Browser, Page } from "playwright-core";
import { WebSocket } from "ws";
import { packFrame, unpackFrame } from "../../shared/src/protocol/codec";
import type { WireMessage } from "../../shared/src/protocol/messages";
import { RpcClient } from "../../shared/src/protocol/rpc";
import type { Transport } from "../../shared/src/protocol/transport";
import { launchChromium } from "../helpers/chromium";
export { launchChromium };

export const ROOT = path.resolve(__dirname, "..", "..");
export const CLI = path.join(ROOT, "shared", "bin", "embedscope.cjs");

export function privateCopy(db: string): { dir: string; db: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "es-e2e-"));
  const copy = path.join(dir, "embedscope.duckdb");
  copyFileSync(db, copy);
  if (existsSync(`${db}.wal`)) copyFileSync(`${db}.wal`, `${copy}.wal`);
  return { dir, db: copy, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Serve {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Spawns `embedscope serve --db DB --port 0` and waits for the URL on its first stdout line. */
export async function startServe(db: string): Promise<Serve> {
  const child = spawn(process.execPath, [CLI, "serve", "--db", db, "--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 30 s; stderr:\n${stderr}`)), 30_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code} before printing a URL; stderr:\n${stderr}`)));
  });
  const url = new URL(first);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    url: first,
    port: Number(url.port),
    token: url.searchParams.get("token") ?? "",
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

/** Opens the viewer and waits until a run is drawn (`data-points` on the canvas). */
export async function openViewer(browser: Browser, url: string, options: { width?: number; height?: number; colorScheme?: "light" | "dark"; waitForPoints?: boolean } = {}): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1360, height: options.height ?? 860 }, colorScheme: options.colorScheme ?? "light" });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  if (options.waitForPoints !== false) await page.waitForSelector("[data-testid=scatter][data-points]", { timeout: 60_000 });
  return { page, problems };
}

/**
 * Pixels the plot drew strongly. The plot's 2-D canvas is transparent where nothing is drawn (the
 * page's background shows through), so "drawn" = alpha above `minAlpha` (0..255); dimmed points
 * (legend highlight) fall below the default.
 */
export function countPlotPixels(page: Page, minAlpha = 64): Promise<{ total: number; drawn: number }> {
  return page.evaluate((minAlpha) => {
    const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=scatter]");
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) throw new Error("no plot canvas");
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > minAlpha) drawn++;
    return { total: data.length / 4, drawn };
  }, minAlpha);
}

/** A protocol client on the server's WebSocket, to ask what the engine holds (e.g. runs.list). */
export async function protocolClient(serve: Serve): Promise<{ rpc: RpcClient; close(): void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${serve.port}/ws?token=${serve.token}`);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const handlers = new Set<(m: WireMessage) => void>();
  socket.on("message", (data: Buffer) => {
    const m = unpackFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    for (const h of handlers) h(m);
  });
  const transport: Transport = {
    send: (m) => socket.send(packFrame(m)),
    onMessage: (h) => (handlers.add(h), { dispose: () => handlers.delete(h) }),
  };
  const rpc = new RpcClient(transport);
  return {
    rpc,
    close: () => {
      rpc.dispose();
      socket.close();
    },
  };
}

/** Drags a closed lasso (a polygon through `points`, in page pixels) with the mouse. */
export async function mouseLasso(page: Page, points: [number, number][]): Promise<void> {
  await page.mouse.move(points[0][0], points[0][1]);
  await page.mouse.down();
  for (const [x, y] of [...points.slice(1), points[0]]) await page.mouse.move(x, y, { steps: 2 });
  await page.mouse.up();
}

/** Whitespace-collapsed text, as the table shows it. */
export function squash(text: string | null | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}
