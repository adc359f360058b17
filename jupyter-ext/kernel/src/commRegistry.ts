/**
 * The kernel's open comms (comm_open / comm_msg / comm_close / comm_info): which target each
 * belongs to, which handler session receives its messages, and the parent header for what the
 * kernel sends on it (the latest message that arrived on that comm).
 */
import type { CommEndpoint, CommSession, KernelHandler } from "./handler";
import type { JsonObject, JupyterMessage, MessageHeader } from "./jupyterMessage";

export type Publish = (type: string, content: JsonObject, parent: MessageHeader, buffers?: readonly (ArrayBuffer | Uint8Array)[]) => void;

interface OpenComm {
  targetName: string;
  session?: CommSession;
  parent: MessageHeader;
}

export class CommRegistry {
  private readonly comms = new Map<string, OpenComm>();

  constructor(
    private readonly handler: KernelHandler,
    private readonly publish: Publish,
    private readonly log: (line: string) => void,
  ) {}

  /** A comm_open, comm_msg or comm_close from a frontend. */
  receive(msg: JupyterMessage): void {
    const c = msg.content;
    const commId = String(c.comm_id ?? "");
    const data = (c.data && typeof c.data === "object" ? c.data : {}) as JsonObject;
    if (!commId) return this.log(`${msg.header.msg_type} without comm_id`);
    if (msg.header.msg_type === "comm_open") return this.open(commId, String(c.target_name ?? ""), data, msg);
    const comm = this.comms.get(commId);
    if (!comm) return this.log(`${msg.header.msg_type} for unknown comm ${commId}`);
    comm.parent = msg.header;
    if (msg.header.msg_type === "comm_msg") {
      this.safely(() => comm.session?.onMessage(data, msg.buffers));
    } else {
      this.comms.delete(commId);
      this.safely(() => comm.session?.onClose(data));
    }
  }

  /** comm_info_reply's `comms`, optionally for one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const comms: Record<string, { target_name: string }> = {};
    for (const [id, comm] of this.comms) if (!targetName || comm.targetName === targetName) comms[id] = { target_name: comm.targetName };
    return comms;
  }

  /** The kernel is going away: every session hears onClose, nothing is published. */
  closeAll(): void {
    for (const comm of this.comms.values()) this.safely(() => comm.session?.onClose({}));
    this.comms.clear();
  }

  private open(commId: string, targetName: string, data: JsonObject, msg: JupyterMessage): void {
    if (!this.handler.commTargets.includes(targetName)) {
      // As ipykernel: an unknown target is answered by closing the comm.
      this.publish("comm_close", { comm_id: commId, data: {} }, msg.header);
      return this.log(`closed comm ${commId}: no target '${targetName}'`);
    }
    const comm: OpenComm = { targetName, parent: msg.header };
    this.comms.set(commId, comm);
    const endpoint: CommEndpoint = {
      commId,
      targetName,
      send: (payload, buffers = []) => {
        if (this.comms.get(commId) === comm) this.publish("comm_msg", { comm_id: commId, data: payload }, comm.parent, buffers);
      },
      close: (payload = {}) => {
        if (this.comms.get(commId) !== comm) return;
        this.comms.delete(commId);
        this.publish("comm_close", { comm_id: commId, data: payload }, comm.parent);
      },
    };
    try {
      comm.session = this.handler.openComm(endpoint, data, msg.buffers);
    } catch (err) {
      this.log(`comm ${commId}: ${(err as Error).message}`);
      endpoint.close({ error: (err as Error).message });
    }
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log((err as Error).stack ?? String(err));
    }
  }
}
