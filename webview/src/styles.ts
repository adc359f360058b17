/**
 * Installs the viewer's stylesheet once per document. A constructed stylesheet needs no inline
 * <style> (which a strict CSP blocks); where it is unsupported, a <style> with the host's nonce.
 */
import css from "./theme.css";

const installed = new WeakSet<Document>();

export function installStyles(doc: Document = document, nonce?: string): void {
  if (installed.has(doc)) return;
  installed.add(doc);
  const view = doc.defaultView;
  if (view && "adoptedStyleSheets" in doc && typeof view.CSSStyleSheet === "function" && "replaceSync" in view.CSSStyleSheet.prototype) {
    const sheet = new view.CSSStyleSheet();
    sheet.replaceSync(css);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    return;
  }
  const style = doc.createElement("style");
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  doc.head.appendChild(style);
}
