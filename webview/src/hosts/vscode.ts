/**
 * Entry of the Projection Explorer webview in VS Code: the viewer over `postMessage`. VS Code's
 * webview messaging keeps typed arrays (it serialises ArrayBuffers and views itself), so protocol
 * messages go through unchanged. The run on screen is persisted with `setState`, so the panel comes
 * back to it after a window reload.
 */
import type { WireMessage } from "../../../shared/src/protocol/messages";
import type { Transport } from "../../../shared/src/protocol/transport";
import { mountViewer, type MountedViewer } from "../mount";
import { viewRunId } from "../state";
import { sameItems } from "../store";
import type { VsCodeWebviewApi } from "./vscodeApi";
import { interceptDownloads, SAVE_MESSAGE } from "./vscodeDownloads";

interface PanelState {
  runId?: string;
  colorBy?: string;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi<PanelState>;

declare global {
  interface Window {
    /** For end-to-end tests and debugging in the webview's devtools. */
    embedscopeViewer?: MountedViewer;
  }
}

function webviewTransport(api: VsCodeWebviewApi<PanelState>): Transport {
  const handlers = new Set<(m: WireMessage) => void>();
  window.addEventListener("message", (event: MessageEvent) => {
    const data = event.data as unknown;
    if (!data || typeof data !== "object" || !("type" in data)) return;
    const type = (data as { type: unknown }).type;
    if (type !== "reply" && type !== "event") return;
    for (const h of handlers) h(data as WireMessage);
  });
  return {
    send: (message) => api.postMessage(message),
    onMessage(handler) {
      handlers.add(handler);
      return { dispose: () => handlers.delete(handler) };
    },
  };
}

function boot(): void {
  const api = acquireVsCodeApi();
  const root = document.getElementById("embedscope-root");
  if (!root) return;
  for (const el of [document.documentElement, document.body]) {
    el.style.height = "100%";
    el.style.margin = "0";
    el.style.padding = "0";
  }
  root.style.height = "100%";
  const saved = api.getState();
  const runId = saved?.runId ?? root.dataset.runId;
  const colorBy = saved?.runId ? saved.colorBy : root.dataset.colorBy;
  const viewer = mountViewer(root, webviewTransport(api), {
    runId,
    colorBy,
    styleNonce: root.dataset.nonce,
    // The page's CSP allows no blob: workers.
    spatialIndexWorker: false,
  });
  window.embedscopeViewer = viewer;
  // Downloads do not work in webviews: the extension saves the file instead (see vscodeDownloads.ts).
  interceptDownloads(
    document,
    ({ fileName, bytes }) => api.postMessage({ type: SAVE_MESSAGE, fileName, data: bytes }),
    (message) => viewer.controller.notify("error", message),
  );
  // Persist the run on screen (and its colouring) so a window reload comes back to it.
  viewer.store.watch(
    (s): [string | null, string | undefined] => [viewRunId(s), s.view.kind === "data" ? String(s.view.coloring.colorBy) : undefined],
    ([id, colorBy]) => {
      if (id) api.setState({ runId: id, colorBy });
    },
    sameItems,
  );
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
else boot();
