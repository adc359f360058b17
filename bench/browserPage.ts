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
      /** Starts watching for the next selection (call before the gesture). */
      armSelection(): void;
      /** Resolves with ms from the last pointerup to the selection in the store and to table rows. */
      selectionLatency(): Promise<{ selectMs: number; tableMs: number; selected: number }>;
      recolor(colorBy: string): Promise<number>;
    };
  }
}

let viewer: MountedViewer | null = null;
let lastPointerUp = 0;
window.addEventListener("pointerup", () => (lastPointerUp = performance.now()), true);

/**
 * Resolves with the time `check` first held, observed by a MutationObserver on `target` (not by
 * animation frames, which software WebGL makes seconds long at a million points).
 */
function whenTrue(check: () => boolean, target: Node, timeoutMs = 300_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve(performance.now());
    const observer = new MutationObserver(() => {
      if (!check()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(performance.now());
    });
    observer.observe(target, { attributes: true, childList: true, subtree: true, characterData: true });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error("timed out"));
    }, timeoutMs);
  });
}

let selectedAt = 0;
let tableAt = 0;
let tableWatch: Promise<number> | null = null;

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
    const t1 = await whenTrue(() => canvas?.dataset.points === String(count), root);
    viewer.store.subscribe((state, previous) => {
      if (state.selection !== previous.selection && state.selection && !selectedAt) selectedAt = performance.now();
    });
    return { generateMs, firstFrameMs: t1 - t0 };
  },
  viewer() {
    if (!viewer) throw new Error("mount first");
    return viewer;
  },
  armSelection() {
    selectedAt = 0;
    tableAt = 0;
    const table = document.querySelector("[data-testid=chunk-table]") as HTMLElement;
    tableWatch = whenTrue(() => table.querySelector(".es-row[data-testid=chunk-row]:not(.es-loading):not([hidden])") !== null, table).then((t) => (tableAt = t));
  },
  async selectionLatency() {
    const v = window.esBench.viewer();
    await tableWatch;
    const start = performance.now();
    while (!selectedAt && performance.now() - start < 300_000) await new Promise((r) => setTimeout(r, 20));
    return { selectMs: selectedAt - lastPointerUp, tableMs: tableAt - lastPointerUp, selected: v.store.state.selection?.rows.length ?? 0 };
  },
  async recolor(colorBy) {
    const v = window.esBench.viewer();
    const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=scatter]");
    const t0 = performance.now();
    void v.controller.setColorBy(colorBy);
    const t1 = await whenTrue(() => canvas?.dataset.colorBy === colorBy, canvas as HTMLCanvasElement);
    return t1 - t0;
  },
};
