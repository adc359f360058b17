/**
 * The small interface every transport implements (VS Code postMessage, Jupyter comm,
 * WebSocket, in-memory). Transports move messages; they know nothing of methods.
 */
import type { WireMessage } from "./messages";

export interface Disposable {
  dispose(): void;
}

export interface Transport {
  send(message: WireMessage): void;
  onMessage(handler: (message: WireMessage) => void): Disposable;
  close?(): void;
}

/** Two connected ends in one process, for tests and for hosts that run UI and engine together. */
export function createMemoryTransportPair(): [Transport, Transport] {
  const handlers: [Set<(m: WireMessage) => void>, Set<(m: WireMessage) => void>] = [new Set(), new Set()];
  let closed = false;
  const end = (mine: 0 | 1): Transport => ({
    send(message) {
      if (closed) return;
      // Asynchronous delivery, as on every real transport; typed arrays are cloned like postMessage does.
      const copy = structuredClone(message);
      queueMicrotask(() => {
        for (const h of handlers[mine === 0 ? 1 : 0]) h(copy);
      });
    },
    onMessage(handler) {
      handlers[mine].add(handler);
      return { dispose: () => handlers[mine].delete(handler) };
    },
    close() {
      closed = true;
      handlers[0].clear();
      handlers[1].clear();
    },
  });
  return [end(0), end(1)];
}
