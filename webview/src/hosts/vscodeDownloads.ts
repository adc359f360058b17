/**
 * Webviews cannot download: an `<a download href="blob:…">` click inside VS Code's webview iframes
 * goes nowhere (measured in code-server 4.100.3: no download, no error). The viewer downloads that
 * way (PNG of the view, CSV/JSON/Parquet of a selection), so the VS Code entries catch those clicks
 * and hand the bytes to the extension, which asks where to save them.
 */
/** The panel webview's "save these bytes" message type (not a protocol message). */
export const SAVE_MESSAGE = "embedscope.save";

export interface DownloadedFile {
  fileName: string;
  bytes: Uint8Array;
}

/**
 * Catches download-link clicks in `doc` (capture phase, before the browser acts) whose file name
 * `accept` takes; returns an undo.
 */
export function interceptDownloads(
  doc: Document,
  save: (file: DownloadedFile) => void,
  onError: (message: string) => void,
  accept: (fileName: string) => boolean = () => true,
): () => void {
  const onClick = (event: MouseEvent) => {
    const target = event.target;
    if (!(target instanceof doc.defaultView!.HTMLAnchorElement) || !target.hasAttribute("download")) return;
    const href = target.href;
    const fileName = target.getAttribute("download") || "embedscope-export";
    if (!/^(blob|data):/i.test(href) || !accept(fileName)) return;
    event.preventDefault();
    event.stopPropagation();
    fetch(href)
      .then((res) => res.arrayBuffer())
      .then((buffer) => save({ fileName, bytes: new Uint8Array(buffer) }))
      .catch((err: unknown) => onError(`could not read the file to save: ${err instanceof Error ? err.message : String(err)}`));
  };
  doc.addEventListener("click", onClick, true);
  return () => doc.removeEventListener("click", onClick, true);
}
