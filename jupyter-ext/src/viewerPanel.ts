/**
 * The Embedscope panel in JupyterLab's main area: the full viewer (runs list, start form, plot,
 * chunk table) driven over a comm to a background Embedscope kernel. The panel owns its lease on
 * the kernel, its comm and the viewer, and disposes all three with itself (STYLE.md habit 6).
 */
import type { Message } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";
import { mountViewer, type MountedViewer } from "../../webview/src/mount";
import type { BackgroundKernels, KernelLease } from "./backgroundKernel";
import { openCommTransport, type CommTransport } from "./commTransport";
import { embedscopeIcon } from "./icon";
import type { IEmbedscopeSettings } from "./settings";

export const VIEWER_PANEL_CLASS = "jp-EmbedscopePanel";

type PanelState = { kind: "idle" } | { kind: "connecting" } | { kind: "connected" } | { kind: "failed"; message: string };

export class ViewerPanel extends Widget {
  private readonly statusNode: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly viewerHost: HTMLElement;
  private lease: KernelLease | null = null;
  private transport: CommTransport | null = null;
  private viewerInstance: MountedViewer | null = null;
  private state: PanelState = { kind: "idle" };
  /** Bumped on every (re)connect so a slow, superseded attempt lets go of what it got. */
  private attempt = 0;

  constructor(
    private readonly kernels: BackgroundKernels,
    private readonly settings: IEmbedscopeSettings | null = null,
  ) {
    super();
    this.id = `embedscope-viewer-${Private.nextId++}`;
    this.addClass(VIEWER_PANEL_CLASS);
    this.addClass("jp-Embedscope");
    this.title.label = "Embedscope";
    this.title.caption = "Embedscope: explore vector collections";
    this.title.icon = embedscopeIcon;
    this.title.closable = true;

    this.statusNode = document.createElement("div");
    this.statusNode.className = "jp-EmbedscopePanel-status";
    this.statusNode.setAttribute("role", "status");
    this.statusText = document.createElement("span");
    this.retryButton = document.createElement("button");
    this.retryButton.type = "button";
    this.retryButton.className = "jp-mod-styled jp-mod-accept jp-EmbedscopePanel-retry";
    this.retryButton.textContent = "Reconnect";
    this.retryButton.hidden = true;
    this.retryButton.addEventListener("click", () => void this.connect());
    this.statusNode.append(this.statusText, this.retryButton);

    this.viewerHost = document.createElement("div");
    this.viewerHost.className = "jp-EmbedscopePanel-viewer";
    this.node.append(this.statusNode, this.viewerHost);
  }

  /** Where the panel's kernel came from, for tests and the status line. */
  get kernelOrigin(): KernelLease["origin"] | null {
    return this.lease?.origin ?? null;
  }

  /** The mounted viewer, once connected (tests and debugging reach it through the widget). */
  get viewer(): MountedViewer | null {
    return this.viewerInstance;
  }

  get connectionState(): PanelState["kind"] {
    return this.state.kind;
  }

  protected override onAfterAttach(): void {
    if (this.state.kind === "idle") void this.connect();
  }

  /** Closing the tab ends the panel (Lumino only detaches a closed widget). */
  protected override onCloseRequest(msg: Message): void {
    super.onCloseRequest(msg);
    this.dispose();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.attempt += 1;
    void this.teardown();
    super.dispose();
  }

  /** (Re)connects: lease a kernel, open a comm, mount the viewer on it. */
  async connect(): Promise<void> {
    const attempt = ++this.attempt;
    await this.teardown();
    this.setState({ kind: "connecting" });
    let lease: KernelLease;
    try {
      lease = await this.kernels.acquire();
    } catch (err) {
      if (attempt === this.attempt) this.setState({ kind: "failed", message: (err as Error).message });
      return;
    }
    if (attempt !== this.attempt || this.isDisposed) {
      await lease.release();
      return;
    }
    this.lease = lease;
    const transport = openCommTransport(lease.kernel);
    const viewer = mountViewer(this.viewerHost, transport, { compact: false, formDefaults: () => this.formDefaults() });
    transport.onClosed((reason) => {
      viewer.connectionLost(reason);
      if (attempt === this.attempt) this.setState({ kind: "failed", message: `${reason}.` });
    });
    this.transport = transport;
    this.viewerInstance = viewer;
    this.setState({ kind: "connected" });
  }

  /** The user's settings, read each time the start form opens so edits apply without a reload. */
  private formDefaults(): { url?: string; sample?: string } {
    if (!this.settings) return {};
    const { defaultSourceUrl, sampleLimit } = this.settings.current;
    return { url: defaultSourceUrl, sample: String(sampleLimit) };
  }

  private async teardown(): Promise<void> {
    this.viewerInstance?.dispose();
    this.viewerInstance = null;
    this.viewerHost.replaceChildren();
    this.transport?.close();
    this.transport = null;
    const lease = this.lease;
    this.lease = null;
    await lease?.release();
  }

  private setState(state: PanelState): void {
    this.state = state;
    this.node.dataset.state = state.kind;
    const text =
      state.kind === "connecting"
        ? "Connecting to the Embedscope kernel…"
        : state.kind === "failed"
          ? state.message
          : "";
    this.statusText.textContent = text;
    this.statusNode.hidden = text === "";
    this.statusNode.classList.toggle("jp-mod-error", state.kind === "failed");
    this.retryButton.hidden = state.kind !== "failed";
  }
}

namespace Private {
  export let nextId = 1;
}
