/**
 * The notebook renderer for `application/vnd.embedscope.run+json` outputs: mounts the viewer in
 * compact mode for the output's run, talking to the extension through renderer messaging. All
 * outputs of a notebook share that one channel, so each output gets its own channel id (see
 * vscodeChannel.ts). Without messaging (another editor, an untrusted notebook) it says so; the
 * output's `image/png` is still there for every other viewer.
 */
import type { RunViewPayload } from "../../../shared/src/magic/execute";
import type { WireMessage } from "../../../shared/src/protocol/messages";
import type { Transport } from "../../../shared/src/protocol/transport";
import { mountViewer, type MountedViewer } from "../mount";
import { closeEnvelope, isChannelEnvelope, newChannelId, saveEnvelope, unwrapMessage, wrapMessage } from "./vscodeChannel";
import type { OutputItem, RendererApi, RendererContext } from "./vscodeApi";
import { interceptDownloads } from "./vscodeDownloads";

const OUTPUT_HEIGHT_PX = 480;

interface MountedOutput {
  viewer: MountedViewer;
  channel: string;
  container: HTMLElement;
  subscription: { dispose(): void };
}

function isRunViewPayload(value: unknown): value is RunViewPayload {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<RunViewPayload>;
  return v.version === 1 && typeof v.runId === "string" && v.runId.length > 0 && typeof v.colorBy === "string";
}

function channelTransport(ctx: Required<Pick<RendererContext, "postMessage" | "onDidReceiveMessage">>, channel: string): { transport: Transport; subscription: { dispose(): void } } {
  const handlers = new Set<(m: WireMessage) => void>();
  const subscription = ctx.onDidReceiveMessage((raw) => {
    if (!isChannelEnvelope(raw) || raw.channel !== channel || raw.kind !== "message") return;
    let message: WireMessage;
    try {
      message = unwrapMessage(raw);
    } catch {
      return;
    }
    for (const h of handlers) h(message);
  });
  const transport: Transport = {
    send: (message) => ctx.postMessage(wrapMessage(channel, message)),
    onMessage(handler) {
      handlers.add(handler);
      return { dispose: () => handlers.delete(handler) };
    },
  };
  return { transport, subscription };
}

function notice(element: HTMLElement, text: string): void {
  const p = element.ownerDocument.createElement("p");
  p.textContent = text;
  p.style.fontStyle = "italic";
  p.style.opacity = "0.8";
  element.replaceChildren(p);
}

export function activate(ctx: RendererContext): RendererApi {
  const mounted = new Map<string, MountedOutput>();
  let stopIntercepting: (() => void) | undefined;

  const disposeOne = (id: string) => {
    const m = mounted.get(id);
    if (!m) return;
    mounted.delete(id);
    m.viewer.dispose();
    m.subscription.dispose();
    ctx.postMessage?.(closeEnvelope(m.channel));
    m.container.remove();
  };

  return {
    renderOutputItem(item: OutputItem, element: HTMLElement) {
      disposeOne(item.id);
      let payload: unknown;
      try {
        payload = item.json();
      } catch {
        payload = undefined;
      }
      if (!isRunViewPayload(payload)) {
        notice(element, "This Embedscope output is damaged (no run id); run the cell again.");
        return;
      }
      const { postMessage, onDidReceiveMessage } = ctx;
      if (!postMessage || !onDidReceiveMessage) {
        notice(element, `${payload.title} — the interactive plot needs the Embedscope extension and a trusted notebook; the static picture is in this output's image/png.`);
        return;
      }
      const container = element.ownerDocument.createElement("div");
      container.className = "embedscope-output";
      container.style.height = `${OUTPUT_HEIGHT_PX}px`;
      container.style.position = "relative";
      element.replaceChildren(container);
      const channel = newChannelId();
      const { transport, subscription } = channelTransport({ postMessage: postMessage.bind(ctx), onDidReceiveMessage: onDidReceiveMessage.bind(ctx) }, channel);
      const viewer = mountViewer(container, transport, { compact: true, runId: payload.runId, colorBy: payload.colorBy, spatialIndexWorker: false });
      mounted.set(item.id, { viewer, channel, container, subscription });
      // The notebook webview cannot download either; only our files (embedscope-…) are taken over,
      // other renderers' downloads in the same document are left alone.
      stopIntercepting ??= interceptDownloads(
        element.ownerDocument,
        ({ fileName, bytes }) => postMessage.call(ctx, saveEnvelope("downloads", fileName, bytes)),
        (message) => [...mounted.values()].at(-1)?.viewer.controller.notify("error", message),
        (fileName) => fileName.startsWith("embedscope-"),
      );
    },
    disposeOutputItem(id?: string) {
      if (id === undefined) for (const key of [...mounted.keys()]) disposeOne(key);
      else disposeOne(id);
      if (mounted.size === 0) {
        stopIntercepting?.();
        stopIntercepting = undefined;
      }
    },
  };
}
