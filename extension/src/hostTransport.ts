/**
 * The extension-host end of a viewer connection (panel webview or notebook output). Messages that
 * arrive before the engine is open — the viewer says `ready` at once — are queued until the RPC
 * server subscribes, so nothing is lost while DuckDB opens.
 */
import type { UiToHost, WireMessage } from "../../shared/src/protocol/messages";
import type { Transport } from "../../shared/src/protocol/transport";
import type { DisposableLike } from "./dispose";

export interface HostTransport extends Transport, DisposableLike {
  /** Hands a message received from the viewer to the server (or queues it). */
  receive(message: WireMessage): void;
  readonly isDisposed: boolean;
}

const MAX_QUEUED = 1000;

export function createHostTransport(post: (message: WireMessage) => void): HostTransport {
  const handlers = new Set<(m: WireMessage) => void>();
  let queue: WireMessage[] = [];
  let disposed = false;
  return {
    get isDisposed() {
      return disposed;
    },
    send(message) {
      if (!disposed) post(message);
    },
    receive(message) {
      if (disposed) return;
      if (handlers.size === 0) {
        if (queue.length < MAX_QUEUED) queue.push(message);
        return;
      }
      for (const h of handlers) h(message);
    },
    onMessage(handler) {
      handlers.add(handler);
      const pending = queue;
      queue = [];
      for (const m of pending) handler(m);
      return { dispose: () => handlers.delete(handler) };
    },
    close() {
      this.dispose();
    },
    dispose() {
      disposed = true;
      handlers.clear();
      queue = [];
    },
  };
}

/** Only what a viewer may send: requests, cancels and `ready`, in the protocol's shape. */
export function isUiMessage(value: unknown): value is UiToHost {
  if (!value || typeof value !== "object") return false;
  const m = value as { type?: unknown; id?: unknown; method?: unknown; params?: unknown };
  switch (m.type) {
    case "ready":
      return true;
    case "cancel":
      return typeof m.id === "number";
    case "request":
      return typeof m.id === "number" && typeof m.method === "string" && typeof m.params === "object" && m.params !== null;
    default:
      return false;
  }
}
