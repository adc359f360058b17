/**
 * The HTML of the explorer webview: a strict Content-Security-Policy (STYLE.md habit 7) — nothing
 * but our nonce'd bundle runs, styles and images only from our own assets — and the initial run
 * as escaped data attributes.
 */
import { randomBytes } from "node:crypto";

export interface ExplorerHtmlOptions {
  /** `webview.asWebviewUri(media/vscode-webview.js)` as a string. */
  scriptUri: string;
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  runId?: string;
  colorBy?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString("base64").replace(/[+/=]/g, "");
}

/**
 * 'unsafe-eval' is the one concession: regl (under regl-scatterplot) compiles its draw calls with
 * `Function`, and the plot cannot draw without it. No inline script is allowed; the page may fetch
 * nothing but its own blob: URLs (vscodeDownloads.ts).
 */
export function explorerCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'unsafe-eval'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    // Only the page's own blob: URLs: downloads are read back to hand them to the save dialog.
    "connect-src blob:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function explorerHtml(options: ExplorerHtmlOptions): string {
  const data = [
    options.runId ? ` data-run-id="${escapeAttribute(options.runId)}"` : "",
    options.colorBy ? ` data-color-by="${escapeAttribute(options.colorBy)}"` : "",
  ].join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(explorerCsp(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Embedscope</title>
</head>
<body>
<div id="embedscope-root" data-nonce="${escapeAttribute(options.nonce)}"${data}></div>
<script nonce="${escapeAttribute(options.nonce)}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
