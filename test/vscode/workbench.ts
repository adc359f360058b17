/**
 * Driving the VS Code workbench (code-server) with Playwright: the command palette, quick picks,
 * notifications, the webviews (`iframe.webview` > `#active-frame`) and pixels of the plot.
 */
import type { Browser, Frame, Page } from "playwright-core";
import { launchChromium } from "../helpers/chromium";
export { launchChromium };

export interface Workbench {
  page: Page;
  /** Page errors and CSP violations seen in any frame. */
  problems: string[];
}

export async function openWorkbench(browser: Browser, url: string): Promise<Workbench> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: "dark" });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    if (/Content Security Policy|CSP violation/i.test(text)) problems.push(`csp: ${text}`);
  });
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 });
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
  // The activity bar and status bar appear once the workbench has restored.
  await page.waitForSelector(".part.activitybar", { timeout: 60_000 });
  await page.waitForSelector(".part.statusbar", { timeout: 60_000 });
  // Our activity-bar container comes from the extension's manifest: extensions have been scanned
  // (before that, a .ipynb opens as JSON text because the notebook type is not known yet).
  await page.locator('.part.activitybar .action-item a[aria-label^="Embedscope"]').waitFor({ state: "attached", timeout: 90_000 });
  return { page, problems };
}

/** Runs a command by its palette title, e.g. "Embedscope: Open Demo". */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator(".quick-input-widget .quick-input-box input");
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
    try {
      await row.waitFor({ state: "visible", timeout: 5_000 });
    } catch {
      continue; // An open palette does not pick up commands registered later: reopen it.
    }
    await input.press("Enter");
    return;
  }
  throw new Error(`command '${title}' not found in the palette`);
}

/** Picks the quick-pick row whose label contains `text`. */
export async function pickQuickItem(page: Page, text: string | RegExp, timeout = 30_000): Promise<void> {
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: text }).first();
  await row.waitFor({ state: "visible", timeout });
  await row.click();
}

/** The text of the notification toasts currently shown. */
export async function notificationTexts(page: Page): Promise<string[]> {
  return page.locator(".notifications-toasts .notification-toast").allInnerTexts();
}

/** The content frame of a webview whose inner document matches `selector`. */
export async function webviewFrame(page: Page, selector: string, timeout = 90_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.name() !== "active-frame" && !frame.url().includes("fake.html")) continue;
      try {
        if (await frame.locator(selector).count()) return frame;
      } catch {
        // a frame that navigated away
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview shows '${selector}' after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Pixels of the plot canvas (in `frame`) that differ from its background (its corner pixel). */
export function countPlotPixels(frame: Frame, root = "body"): Promise<{ total: number; drawn: number }> {
  return frame.evaluate((rootSelector) => {
    const canvas = document.querySelector(rootSelector)?.querySelector<HTMLCanvasElement>("[data-testid=scatter]");
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) throw new Error("no plot canvas");
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const bg = [data[0], data[1], data[2]];
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]) > 24) drawn++;
    }
    return { total: data.length / 4, drawn };
  }, root);
}

/** Drags a closed lasso through `points` (page pixels) with Shift held (the viewer's lasso gesture). */
export async function shiftLasso(page: Page, points: [number, number][]): Promise<void> {
  await page.keyboard.down("Shift");
  await page.mouse.move(points[0][0], points[0][1]);
  await page.mouse.down();
  for (const [x, y] of [...points.slice(1), points[0]]) await page.mouse.move(x, y, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeout = 60_000, interval = 250): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
