/**
 * Entry of the plain browser page served by `embedscope serve`: connects to the WebSocket on the
 * same origin with the page's token and mounts the viewer. Also exposes `mountViewer` and the
 * WebSocket transport on `window.embedscope` for pages that host the viewer themselves.
 */
import { mountViewer, type MountedViewer } from "./mount";
import { createWebSocketTransport } from "./transport/webSocketTransport";

declare global {
  interface Window {
    embedscope?: {
      mountViewer: typeof mountViewer;
      createWebSocketTransport: typeof createWebSocketTransport;
      /** The viewer this page mounted (for debugging and end-to-end tests). */
      viewer?: MountedViewer;
    };
  }
}

function boot(): void {
  window.embedscope = { mountViewer, createWebSocketTransport };
  const root = document.getElementById("embedscope-root");
  if (!root) return; // Embedded use: the host page calls window.embedscope.mountViewer itself.
  // The page is the viewer: fill the window (CSSOM, so the page's CSP needs no inline styles).
  for (const el of [document.documentElement, document.body]) {
    el.style.height = "100%";
    el.style.margin = "0";
  }
  root.style.height = "100%";
  const token = new URLSearchParams(location.search).get("token") ?? "";
  const wsUrl = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws?token=${encodeURIComponent(token)}`;
  const transport = createWebSocketTransport(wsUrl);
  const params = new URLSearchParams(location.search);
  const viewer = mountViewer(root, transport, { runId: params.get("run") ?? undefined, colorBy: params.get("color") ?? undefined });
  transport.onClose((reason) => viewer.connectionLost(reason));
  window.embedscope.viewer = viewer;
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
else boot();
