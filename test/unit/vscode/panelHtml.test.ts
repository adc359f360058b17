import { describe, expect, test } from "vitest";
import { createNonce, explorerCsp, explorerHtml } from "../../../extension/src/panelHtml";

describe("explorer webview HTML", () => {
  const cspSource = "https://abc.vscode-cdn.net";

  test("a strict CSP: nothing by default, only the nonce'd script, assets only from the webview source", () => {
    const csp = explorerCsp(cspSource, "N0nce");
    expect(csp.split("; ")[0]).toBe("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-N0nce' 'unsafe-eval'");
    expect(csp).not.toMatch(/unsafe-inline|\*|https?:(?!\/\/abc)/);
    expect(csp).toContain(`style-src ${cspSource} 'nonce-N0nce'`);
    expect(csp).toContain("connect-src blob:;");
  });

  test("the run to open is escaped data, not markup", () => {
    const html = explorerHtml({ scriptUri: "https://abc/media/vscode-webview.js", cspSource, nonce: "n1", runId: '"><script>alert(1)</script>', colorBy: "a&b" });
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain('data-run-id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('data-color-by="a&amp;b"');
    expect(html.match(/<script /g)).toHaveLength(1);
    expect(html).toContain('<script nonce="n1" src="https://abc/media/vscode-webview.js"></script>');
  });

  test("nonces are fresh and safe in attributes", () => {
    const a = createNonce();
    expect(a).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(createNonce()).not.toBe(a);
  });
});
