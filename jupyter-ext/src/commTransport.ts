/**
 * The protocol Transport over one Jupyter comm (the contract with the kernel): every protocol
 * message is one comm message whose data is `{json}` from codec.encodeMessage and whose buffers are
 * the typed arrays. The comm dies with its kernel; `onClosed` reports why, once.
 */
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { decodeMessage, encodeMessage } from "../../shared/src/protocol/codec";
import type { WireMessage } from "../../shared/src/protocol/messages";
import type { Disposable, Transport } from "../../shared/src/protocol/transport";
import { COMM_TARGET } from "./ids";

export interface CommTransport extends Transport {
  /** Closes the comm (the kernel then disposes its engine server). Idempotent. */
  close(): void;
  /** Called once when the comm ends without `close()`: kernel closed it, restarted or died. */
  onClosed(handler: (reason: string) => void): Disposable;
  readonly isClosed: boolean;
}

/** What went wrong when the kernel closed the comm, if it said (`{error}` in the close data). */
function closeReason(msg: KernelMessage.ICommCloseMsg | undefined): string {
  const data = msg?.content.data as { error?: unknown } | undefined;
  return typeof data?.error === "string" ? data.error : "the kernel closed the Embedscope connection";
}

export function openCommTransport(kernel: Kernel.IKernelConnection): CommTransport {
  const comm = kernel.createComm(COMM_TARGET);
  const handlers = new Set<(message: WireMessage) => void>();
  const closedHandlers = new Set<(reason: string) => void>();
  let closed = false;

  const end = (reason: string | null) => {
    if (closed) return;
    closed = true;
    kernel.statusChanged.disconnect(onStatus);
    kernel.disposed.disconnect(onKernelDisposed);
    handlers.clear();
    if (reason !== null) for (const h of closedHandlers) h(reason);
    closedHandlers.clear();
  };

  const onStatus = (_: Kernel.IKernelConnection, status: Kernel.Status) => {
    if (status === "dead") end("the kernel died");
    else if (status === "restarting" || status === "autorestarting") end("the kernel restarted");
  };
  const onKernelDisposed = () => end("the connection to the kernel was closed");
  kernel.statusChanged.connect(onStatus);
  kernel.disposed.connect(onKernelDisposed);

  comm.onMsg = (msg) => {
    const data = msg.content.data as { json?: unknown };
    if (typeof data.json !== "string") return;
    let message: WireMessage;
    try {
      message = decodeMessage(data.json, msg.buffers ?? []);
    } catch (err) {
      console.warn("Embedscope: undecodable comm message ignored", err);
      return;
    }
    for (const h of handlers) h(message);
  };
  comm.onClose = (msg) => end(closeReason(msg));
  comm.open({});

  return {
    send(message) {
      if (closed || comm.isDisposed) return;
      const { json, buffers } = encodeMessage(message);
      comm.send({ json }, undefined, buffers);
    },
    onMessage(handler) {
      handlers.add(handler);
      return { dispose: () => handlers.delete(handler) };
    },
    onClosed(handler) {
      closedHandlers.add(handler);
      return { dispose: () => closedHandlers.delete(handler) };
    },
    get isClosed() {
      return closed;
    },
    close() {
      if (closed) return;
      end(null);
      // Closing a comm on a dead kernel throws; there is nothing left to tell it then.
      if (!comm.isDisposed && !kernel.isDisposed && kernel.status !== "dead") {
        try {
          comm.close();
        } catch {
          /* the kernel connection went away in the meantime */
        }
      }
      if (!comm.isDisposed) comm.dispose();
    },
  };
}
