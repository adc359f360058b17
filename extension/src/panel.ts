/**
 * The Projection Explorer: the viewer in a WebviewPanel, talking the protocol over postMessage.
 * One panel at a time; it survives window reloads through a serializer (the webview persists the
 * run it shows with `setState`). The engine answers every request in-process.
 */
import * as vscode from "vscode";
import type { Events } from "../../shared/src/protocol/messages";
import { RpcServer, type Handlers } from "../../shared/src/protocol/rpc";
import { serveEngine } from "../../shared/src/protocol/engineServer";
import { DisposableStore, toDisposable, type DisposableLike } from "./dispose";
import type { EngineHost } from "./engineHost";
import { createHostTransport, isUiMessage, type HostTransport } from "./hostTransport";
import { createNonce, explorerHtml } from "./panelHtml";
import { saveDownloadedFile } from "./saveFile";
import { isSaveRequest } from "./saveRequest";
import { SAVE_MESSAGE } from "../../webview/src/hosts/vscodeDownloads";

export const EXPLORER_VIEW_TYPE = "embedscope.explorer";

export interface PanelDeps {
  extensionUri: vscode.Uri;
  engines: EngineHost;
  /** Host-specific protocol handlers (document.open). */
  extraHandlers: Handlers;
  log: vscode.LogOutputChannel;
}

/** What the webview persists with `setState` and gets back after a reload. */
export interface ExplorerState {
  runId?: string;
  colorBy?: string;
}

type OpenTarget = Events["view.open"];

export class ExplorerPanel implements DisposableLike {
  private static current: ExplorerPanel | undefined;

  private readonly disposables = new DisposableStore();
  private readonly transport: HostTransport;
  private readonly server: Promise<RpcServer | undefined>;
  private disposed = false;

  /** Shows the panel (creating it if needed); with a target, shows that run. */
  static show(deps: PanelDeps, target?: OpenTarget): ExplorerPanel {
    const existing = ExplorerPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      if (target) existing.openRun(target);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(EXPLORER_VIEW_TYPE, "Embedscope", { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(deps.extensionUri));
    return (ExplorerPanel.current = new ExplorerPanel(panel, deps, target));
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, deps: PanelDeps, state: unknown): ExplorerPanel {
    ExplorerPanel.current?.dispose();
    const s = isExplorerState(state) ? state : {};
    return (ExplorerPanel.current = new ExplorerPanel(panel, deps, s.runId ? { runId: s.runId, colorBy: s.colorBy } : undefined));
  }

  static get open(): ExplorerPanel | undefined {
    return ExplorerPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
    initial: OpenTarget | undefined,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, "media", "icon.svg");
    this.transport = this.disposables.add(createHostTransport((message) => void webview.postMessage(message)));
    this.disposables.add(
      webview.onDidReceiveMessage((message: unknown) => {
        if (isUiMessage(message)) this.transport.receive(message);
        else if (isSaveRequest(message, SAVE_MESSAGE)) {
          saveDownloadedFile(message).catch((err: unknown) => void vscode.window.showErrorMessage(`Embedscope: could not save: ${err instanceof Error ? err.message : String(err)}`));
        }
      }),
    );
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    webview.html = explorerHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, "media", "vscode-webview.js")).toString(),
      cspSource: webview.cspSource,
      nonce: createNonce(),
      runId: initial?.runId,
      colorBy: initial?.colorBy,
    });
    this.server = this.connect();
  }

  /** Shows a run in the viewer (after the viewer said `ready`). */
  openRun(target: OpenTarget): void {
    this.panel.reveal(undefined, false);
    void this.server.then(async (server) => {
      if (!server || this.disposed) return;
      await server.whenReady();
      if (!this.disposed) server.emit("view.open", target);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ExplorerPanel.current === this) ExplorerPanel.current = undefined;
    this.disposables.dispose();
    this.panel.dispose();
  }

  private async connect(): Promise<RpcServer | undefined> {
    try {
      const engine = await this.deps.engines.get();
      if (this.disposed) return undefined;
      const served = serveEngine(engine, this.transport, { host: "vscode", extra: this.deps.extraHandlers });
      this.disposables.add(toDisposable(() => served.dispose()));
      return served.server;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.deps.log.error(`explorer: cannot open the engine: ${message}`);
      // Answer the viewer's requests with the reason instead of leaving it "connecting" forever.
      const failing = new Proxy({} as Handlers, {
        get: () => async () => {
          throw err instanceof Error ? err : new Error(message);
        },
      });
      const server = new RpcServer(this.transport, failing);
      this.disposables.add(toDisposable(() => server.dispose()));
      void vscode.window.showErrorMessage(`Embedscope: cannot open the database: ${message}`);
      return undefined;
    }
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only the built viewer assets are reachable from the page.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "media")],
    // The plot, selection and table are costly to rebuild; keep them while the tab is hidden.
    retainContextWhenHidden: true,
    enableFindWidget: false,
  };
}

function isExplorerState(value: unknown): value is ExplorerState {
  if (!value || typeof value !== "object") return false;
  const s = value as ExplorerState;
  return (s.runId === undefined || typeof s.runId === "string") && (s.colorBy === undefined || typeof s.colorBy === "string");
}

/** Registers the serializer that brings the panel back after a reload. */
export function registerExplorerSerializer(deps: PanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state) {
      ExplorerPanel.revive(panel, deps, state);
    },
  });
}
