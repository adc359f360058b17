/**
 * The protocol Transport over one Jupyter comm (the contract with the JupyterLab extension):
 * every protocol message is one comm message, data `{json}` from codec.encodeMessage and the
 * typed arrays as the comm's binary buffers.
 */
import { decodeMessage, encodeMessage } from "../../../shared/src/protocol/codec";
import type { WireMessage } from "../../../shared/src/protocol/messages";
import type { Disposable, Transport } from "../../../shared/src/protocol/transport";
import type { CommEndpoint } from "./handler";
import type { JsonObject } from "./jupyterMessage";

export class CommTransport implements Transport {
  private readonly handlers = new Set<(message: WireMessage) => void>();
  /** Messages that arrive before the engine server listens (the engine opens lazily). */
  private backlog: WireMessage[] = [];
  private closed = false;

  constructor(
    private readonly endpoint: CommEndpoint,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  send(message: WireMessage): void {
    if (this.closed) return;
    const { json, buffers } = encodeMessage(message);
    this.endpoint.send({ json }, buffers);
  }

  onMessage(handler: (message: WireMessage) => void): Disposable {
    this.handlers.add(handler);
    const waiting = this.backlog;
    this.backlog = [];
    for (const m of waiting) handler(m);
    return { dispose: () => this.handlers.delete(handler) };
  }

  /** A comm_msg from the frontend. */
  receive(data: JsonObject, buffers: Uint8Array[]): void {
    if (this.closed) return;
    if (typeof data.json !== "string") return this.log(`comm ${this.endpoint.commId}: message without a json string ignored`);
    let message: WireMessage;
    try {
      message = decodeMessage(data.json, buffers);
    } catch (err) {
      return this.log(`comm ${this.endpoint.commId}: undecodable message ignored (${(err as Error).message})`);
    }
    if (this.handlers.size === 0) this.backlog.push(message);
    for (const h of this.handlers) h(message);
  }

  /** Closes from the kernel side; a no-op once the frontend closed the comm. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.backlog = [];
    this.endpoint.close();
  }
}
