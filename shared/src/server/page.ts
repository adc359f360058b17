/** The HTML shell of the browser viewer and its Content-Security-Policy. */
import { randomBytes } from "node:crypto";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * Nothing but our nonce'd script runs; the only connection allowed is our own WebSocket; images
 * only from data:/blob: (PNG export); workers only from blob: (regl-scatterplot's spatial index).
 * 'unsafe-eval' is the one concession: regl (under regl-scatterplot) compiles its draw commands
 * with `new Function`. No other script can load, and the viewer never evaluates payload data.
 * Styles come from a constructed stylesheet (not governed by style-src); the one inline <style>
 * allowed is an EMPTY one — regl-scatterplot's lasso creates it and fills it through the CSSOM for
 * its long-press animation — by the hash of the empty string.
 */
export const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

export function contentSecurityPolicy(nonce: string, host: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'unsafe-eval'`,
    `style-src 'self' ${EMPTY_STYLE_HASH}`,
    `connect-src ws://${host}`,
    "img-src data: blob:",
    "worker-src blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function renderPage(options: { nonce: string; token: string; title?: string }): string {
  const token = encodeURIComponent(options.token);
  const title = (options.title ?? "Embedscope").replace(/[<>&"]/g, "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="embedscope-root"></div>
<script nonce="${options.nonce}" src="/viewer.js?token=${token}"></script>
</body>
</html>
`;
}
