/**
 * The one entry every host uses: give it an element and a Transport (WebSocket, VS Code
 * postMessage, Jupyter comm, in-memory) and it runs the whole viewer there. No host APIs inside.
 */
import { RpcClient } from "../../shared/src/protocol/rpc";
import type { Transport } from "../../shared/src/protocol/transport";
import type { ColorBy } from "../../shared/src/types";
import { ViewerApp, type AppOptions } from "./app";
import { ViewerController } from "./controller";
import { initialState, type InteractionMode } from "./state";
import { ViewerStore } from "./store";
import { installStyles } from "./styles";

export interface MountOptions {
  /** Notebook cells: no runs sidebar; pair with `runId`. */
  compact?: boolean;
  /** Show this run at start (else the newest completed run). */
  runId?: string;
  colorBy?: ColorBy;
  /** Initial pointer mode (default pan; lasso is always on Shift+drag and long press). */
  mode?: InteractionMode;
  /** CSP nonce for the stylesheet fallback on browsers without constructed stylesheets. */
  styleNonce?: string;
  /** False where the host's CSP forbids blob: workers (regl-scatterplot uses one from 1M points). */
  spatialIndexWorker?: boolean;
  /** Host settings for a new run's form (default source URL, sample limit); called at each open. */
  formDefaults?: AppOptions["formDefaults"];
}

export interface MountedViewer {
  readonly store: ViewerStore;
  readonly controller: ViewerController;
  readonly app: ViewerApp;
  /** Resolves when the first host exchange (host.info, runs.list, first run) is done. */
  readonly started: Promise<void>;
  openRun(runId: string, colorBy?: ColorBy): Promise<void>;
  /** The transport closed: show it instead of hanging. */
  connectionLost(message: string): void;
  dispose(): void;
}

export function mountViewer(element: HTMLElement, transport: Transport, options: MountOptions = {}): MountedViewer {
  installStyles(element.ownerDocument, options.styleNonce);
  // Narrow hosts (a notebook cell, a side panel) start with the runs sidebar folded away.
  const width = element.getBoundingClientRect().width;
  const store = new ViewerStore(initialState({ sidebarOpen: !options.compact && (width === 0 || width >= 760), mode: options.mode }));
  const rpc = new RpcClient(transport);
  const controller = new ViewerController(store, rpc, { runId: options.runId, colorBy: options.colorBy });
  const app = new ViewerApp(store, controller, { compact: options.compact, spatialIndexWorker: options.spatialIndexWorker, formDefaults: options.formDefaults });
  element.appendChild(app.element);
  app.start();
  const started = controller.start();
  let disposed = false;
  return {
    store,
    controller,
    app,
    started,
    openRun: (runId, colorBy) => controller.openRun(runId, colorBy),
    connectionLost: (message) => {
      controller.connectionLost(message);
      rpc.dispose();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      controller.dispose();
      rpc.dispose();
      app.dispose();
    },
  };
}
