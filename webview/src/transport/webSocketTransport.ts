/**
 * The browser end of the `embedscope serve` connection: one binary WebSocket frame per protocol
 * message (packFrame/unpackFrame keep typed arrays binary). Messages sent before the socket opens
 * are queued.
 */
import { packFrame, unpackFrame } from "../../../shared/src/protocol/codec";
import type { WireMessage } from "../../../shared/src/protocol/messages";
import type { Transport } from "../../../shared/src/protocol/transport";

export interface WebSocketTransport extends Transport {
  /** Resolves when the socket is open; rejects if it fails before. */
  readonly opened: Promise<void>;
  /** Called once when the socket closes or fails, with a reason fit to show. */
  onClose(handler: (reason: string) => void): void;
}

export function createWebSocketTransport(url: string): WebSocketTransport {
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  const handlers = new Set<(m: WireMessage) => void>();
  const closeHandlers = new Set<(reason: string) => void>();
  let queue: Uint8Array[] | null = [];
  let closedReason: string | null = null;

  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => {
      for (const frame of queue ?? []) socket.send(frame);
      queue = null;
      resolve();
    });
    socket.addEventListener("error", () => reject(new Error(`cannot connect to ${new URL(url).host}`)));
  });
  opened.catch(() => undefined);

  socket.addEventListener("message", (event: MessageEvent) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    let message: WireMessage;
    try {
      message = unpackFrame(new Uint8Array(event.data));
    } catch {
      return; // A frame we cannot read is dropped rather than breaking the page.
    }
    for (const h of handlers) h(message);
  });
  socket.addEventListener("close", (event: CloseEvent) => {
    if (closedReason !== null) return;
    closedReason = event.code === 1000 ? "the connection was closed" : `the connection closed (${event.code}${event.reason ? `: ${event.reason}` : ""})`;
    for (const h of closeHandlers) h(closedReason);
  });

  return {
    opened,
    send(message) {
      const frame = packFrame(message);
      if (queue) queue.push(frame);
      else if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    },
    onMessage(handler) {
      handlers.add(handler);
      return { dispose: () => handlers.delete(handler) };
    },
    onClose(handler) {
      if (closedReason !== null) handler(closedReason);
      else closeHandlers.add(handler);
    },
    close() {
      closedReason = closedReason ?? "closed";
      socket.close(1000);
    },
  };
}
