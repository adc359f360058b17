/**
 * The browser bench's page: the real viewer (mountViewer) over an in-memory transport to the
 * synthetic host, with timing hooks. Bundled by bench/browser.ts and injected into Chromium.
 */
import { RpcServer } from "../shared/src/protocol/rpc";
import { createMemoryTransportPair } from "../shared/src/protocol/transport";
import { mountViewer, type MountedViewer } from "../webview/src/mount";
import { generateSynthetic, syntheticHandlers } from "./syntheticHost";

export interface MountTiming {
  generateMs: number;
  /** mount → points fetched over the transport → first frame drawn. */
  firstFrameMs: number;
}

declare global {
  interface Window {
    esBench: {
      mount(count: number): Promise<MountTiming>;
      viewer(): MountedViewer;
      /** Resolves with ms from the last pointerup to the selection in the store and to table rows. */
      selectionLatency(): Promise<{ selectMs: number; tableMs: number; selected: number }>;
      recolor(colorBy: string): Promise<number>;
    };
  }
}

let viewer: MountedViewer | null = null;
let lastPointerUp = 0;
window.addEventListener("pointerup", () => (lastPointerUp = performance.now()), true);

function waitFor(check: () => boolean, timeoutMs = 120_000): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve(performance.now());
      if (performance.now() - start > timeoutMs) return reject(new Error("timed out"));
      requestAnimationFrame(tick);
    };
    tick();
  });
}

window.esBench = {
  async mount(count) {
    const root = document.getElementById("root") as HTMLElement;
    const g0 = performance.now();
    const data = generateSynthetic({ count, clusters: 12 });
    const generateMs = performance.now() - g0;
    const [hostEnd, viewerEnd] = createMemoryTransportPair();
    new RpcServer(hostEnd, syntheticHandlers(data));
    const t0 = performance.now();
    viewer = mountViewer(root, viewerEnd, { runId: data.run.id });
    const canvas = root.querySelector<HTMLCanvasElement>("[data-testid=scatter]");
    const t1 = await waitFor(() => canvas?.dataset.points === String(count));
    return { generateMs, firstFrameMs: t1 - t0 };
  },
  viewer() {
    if (!viewer) throw new Error("mount first");
    return viewer;
  },
  async selectionLatency() {
    const v = window.esBench.viewer();
    const selectedAt = await waitFor(() => v.store.state.selection !== null, 30_000);
    const tableAt = await waitFor(() => document.querySelector(".es-row[data-testid=chunk-row]:not(.es-loading)") !== null, 30_000);
    return { selectMs: selectedAt - lastPointerUp, tableMs: tableAt - lastPointerUp, selected: v.store.state.selection?.rows.length ?? 0 };
  },
  async recolor(colorBy) {
    const v = window.esBench.viewer();
    const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=scatter]");
    const t0 = performance.now();
    void v.controller.setColorBy(colorBy);
    const t1 = await waitFor(() => canvas?.dataset.colorBy === colorBy);
    return t1 - t0;
  },
};
