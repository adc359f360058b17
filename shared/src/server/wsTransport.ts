/** The server end of a browser connection: a `ws` socket as a protocol Transport (binary frames). */
import type { RawData, WebSocket } from "ws";
import { packFrame, unpackFrame } from "../protocol/codec";
import type { WireMessage } from "../protocol/messages";
import type { Transport } from "../protocol/transport";

export function createWsTransport(socket: WebSocket): Transport {
  const handlers = new Set<(m: WireMessage) => void>();
  socket.on("message", (data: RawData, isBinary: boolean) => {
    if (!isBinary) return;
    const chunks = Array.isArray(data) ? data : [data];
    const bytes = chunks.length === 1 ? toBytes(chunks[0]) : toBytes(Buffer.concat(chunks.map((c) => Buffer.from(toBytes(c)))));
    let message: WireMessage;
    try {
      message = unpackFrame(bytes);
    } catch {
      return; // Not ours: drop it rather than crash the server.
    }
    for (const h of handlers) h(message);
  });
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(packFrame(message), { binary: true });
    },
    onMessage(handler) {
      handlers.add(handler);
      return { dispose: () => handlers.delete(handler) };
    },
    close() {
      handlers.clear();
      socket.close(1000);
    },
  };
}

function toBytes(data: Buffer | ArrayBuffer): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
