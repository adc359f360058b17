/**
 * The notebook output for `application/vnd.embedscope.run+json`: the viewer in compact mode for the
 * output's run, talking to the notebook's own kernel over an `embedscope` comm. Without a kernel
 * (notebook reopened, kernel shut down) it shows the output's static picture and says why.
 */
import type { ISessionContext } from "@jupyterlab/apputils";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { isRunViewPayload, RUN_MIME, type RunViewPayload } from "../../shared/src/magic/runMime";
import { mountViewer, type MountedViewer } from "../../webview/src/mount";
import { openCommTransport, type CommTransport } from "./commTransport";
import type { SessionFinder } from "./sessionLookup";

/** Tall enough for the plot and a few table rows; the viewer scrolls inside. */
const OUTPUT_HEIGHT_PX = 640;

export const RUN_OUTPUT_CLASS = "jp-EmbedscopeOutput";

export class RunOutput extends Widget implements IRenderMime.IRenderer {
  private payload: RunViewPayload | null = null;
  private png: string | null = null;
  private viewerInstance: MountedViewer | null = null;
  private transport: CommTransport | null = null;
  private mountedKey = "";
  private connecting = false;

  constructor(
    private readonly options: IRenderMime.IRendererOptions,
    private readonly findSession: SessionFinder,
  ) {
    super();
    this.addClass(RUN_OUTPUT_CLASS);
    this.addClass("jp-Embedscope");
  }

  /** The mounted viewer, once connected (tests and debugging reach it through the widget). */
  get viewer(): MountedViewer | null {
    return this.viewerInstance;
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this.options.mimeType] ?? model.data[RUN_MIME];
    const png = model.data["image/png"];
    this.png = typeof png === "string" ? png : null;
    if (!isRunViewPayload(data)) {
      this.teardown();
      this.payload = null;
      this.showNotice("This Embedscope output is damaged (no run id); run the cell again.");
      return;
    }
    this.payload = data;
    // Outputs are re-rendered on every model change; keep a live viewer for the same run.
    if (this.viewerInstance && this.mountedKey === keyOf(data)) return;
    // The notebook is only known once the output is in the page (see onAfterAttach).
    if (this.isAttached) await this.connect();
  }

  protected override onAfterAttach(): void {
    if (this.payload && !this.viewerInstance && !this.connecting) void this.connect();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.teardown();
    super.dispose();
  }

  private async connect(): Promise<void> {
    const payload = this.payload;
    if (!payload) return;
    this.teardown();
    this.connecting = true;
    try {
      const sessionContext = this.findSession(this.node);
      const kernel = sessionContext ? await kernelOf(sessionContext) : null;
      if (this.isDisposed || payload !== this.payload) return;
      if (!kernel) {
        this.showStatic(`${payload.title} — the interactive plot needs this notebook's Embedscope kernel; start it and run the cell again.`);
        return;
      }
      const container = document.createElement("div");
      container.className = "jp-EmbedscopeOutput-viewer";
      container.style.height = `${OUTPUT_HEIGHT_PX}px`;
      this.node.replaceChildren(container);
      const transport = openCommTransport(kernel);
      const viewer = mountViewer(container, transport, { compact: true, runId: payload.runId, colorBy: payload.colorBy });
      transport.onClosed((reason) => viewer.connectionLost(`${reason}; run the cell again to reconnect.`));
      this.transport = transport;
      this.viewerInstance = viewer;
      this.node.dataset.runId = payload.runId;
      this.mountedKey = keyOf(payload);
    } finally {
      this.connecting = false;
    }
  }

  private teardown(): void {
    this.viewerInstance?.dispose();
    this.viewerInstance = null;
    this.transport?.close();
    this.transport = null;
    this.mountedKey = "";
  }

  private showNotice(text: string): void {
    const p = document.createElement("p");
    p.className = "jp-EmbedscopeOutput-notice";
    p.textContent = text;
    this.node.replaceChildren(p);
  }

  /** The output's own PNG (rendered by the kernel) keeps the notebook readable without a kernel. */
  private showStatic(text: string): void {
    this.showNotice(text);
    if (!this.png) return;
    const img = document.createElement("img");
    img.className = "jp-EmbedscopeOutput-static";
    img.alt = this.payload?.title ?? "Embedscope run";
    img.src = `data:image/png;base64,${this.png}`;
    this.node.appendChild(img);
  }
}

function keyOf(payload: RunViewPayload): string {
  return `${payload.runId}\u0000${payload.colorBy}`;
}

/** The session's kernel once it is ready; null when the notebook has no kernel running. */
async function kernelOf(sessionContext: ISessionContext) {
  if (sessionContext.isDisposed) return null;
  await sessionContext.ready;
  const kernel = sessionContext.session?.kernel ?? null;
  return kernel && !kernel.isDisposed && kernel.status !== "dead" ? kernel : null;
}

export function runOutputFactory(findSession: SessionFinder): IRenderMime.IRendererFactory {
  return {
    // Not safe: it talks to the kernel. Untrusted notebooks fall back to the output's image/png.
    safe: false,
    mimeTypes: [RUN_MIME],
    // Ahead of image/png and text/plain in the same bundle.
    defaultRank: 40,
    createRenderer: (options) => new RunOutput(options, findSession),
  };
}
