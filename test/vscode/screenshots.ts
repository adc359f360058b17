/**
 * Screenshots of the suite: always under test-results/screenshots/; also copied to
 * docs/screenshots/ (vscode-*.png) when EMBEDSCOPE_UPDATE_SCREENSHOTS=1 (failure pictures never).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

const ROOT = path.resolve(__dirname, "..", "..");

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ROOT, "test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `vscode-${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.EMBEDSCOPE_UPDATE_SCREENSHOTS === "1" && !name.startsWith("failed-")) {
    const docs = path.join(ROOT, "docs", "screenshots");
    mkdirSync(docs, { recursive: true });
    copyFileSync(file, path.join(docs, `vscode-${name}.png`));
  }
  return file;
}
