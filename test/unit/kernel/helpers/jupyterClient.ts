/**
 * A small Jupyter client over real ZMQ sockets, for tests of the kernel wire: DEALER sockets for
 * shell and control, SUB for iopub, REQ for the heartbeat — what jupyter_client does.
 */
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "../../../../jupyter-ext/kernel/src/connection";
import { createMessage, type JsonObject, type JupyterMessage } from "../../../../jupyter-ext/kernel/src/jupyterMessage";
import { MessageSigner, decodeFrames, encodeFrames } from "../../../../jupyter-ext/kernel/src/signing";

export class JupyterTestClient {
  readonly session = "test-client-session";
  readonly iopubMessages: JupyterMessage[] = [];
  private readonly signer: MessageSigner;
  private readonly replies = new Map<string, (m: JupyterMessage) => void>();
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly hb = new zmq.Request({ linger: 0 });
  private iopubWaiters: (() => void)[] = [];

  constructor(
    private readonly info: ConnectionInfo,
    /** Signs with this key instead of the kernel's (to test rejection). */
    key = info.key,
  ) {
    this.signer = new MessageSigner(key, info.signature_scheme);
  }

  /** Connects shell and control; iopub only when `subscribe` (tests may subscribe later). */
  async connect(subscribe = true): Promise<this> {
    this.shell.connect(endpoint(this.info, "shell"));
    this.control.connect(endpoint(this.info, "control"));
    this.hb.connect(endpoint(this.info, "hb"));
    void this.readReplies(this.shell);
    void this.readReplies(this.control);
    if (subscribe) await this.subscribe();
    return this;
  }

  async subscribe(): Promise<void> {
    this.iopub.connect(endpoint(this.info, "iopub"));
    this.iopub.subscribe();
    void this.readIopub();
  }

  /** Sends a request; resolves with its reply. */
  request(channel: "shell" | "control", msgType: string, content: JsonObject, buffers: Uint8Array[] = []): { msgId: string; reply: Promise<JupyterMessage> } {
    const message = createMessage(msgType, this.session, content, undefined, {}, buffers);
    const reply = new Promise<JupyterMessage>((resolve) => this.replies.set(message.header.msg_id, resolve));
    void (channel === "shell" ? this.shell : this.control).send(encodeFrames(message, this.signer));
    return { msgId: message.header.msg_id, reply };
  }

  /** Sends without waiting for any reply (comm messages). */
  send(msgType: string, content: JsonObject, buffers: Uint8Array[] = []): string {
    const message = createMessage(msgType, this.session, content, undefined, {}, buffers);
    void this.shell.send(encodeFrames(message, this.signer));
    return message.header.msg_id;
  }

  async ping(payload: string): Promise<string> {
    await this.hb.send(payload);
    const [echo] = await this.hb.receive();
    return echo.toString();
  }

  /** The iopub messages answering one request, in order. */
  iopubFor(msgId: string): JupyterMessage[] {
    return this.iopubMessages.filter((m) => (m.parent_header as { msg_id?: string }).msg_id === msgId);
  }

  /** Waits until `predicate` holds over the iopub messages received so far. */
  async waitForIopub(predicate: (messages: JupyterMessage[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.iopubMessages)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; iopub had: ${this.iopubMessages.map((m) => m.header.msg_type).join(", ")}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.iopubWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the idle status that ends a request. */
  waitForIdle(msgId: string, timeoutMs = 5000): Promise<void> {
    return this.waitForIopub(() => this.iopubFor(msgId).some((m) => m.header.msg_type === "status" && m.content.execution_state === "idle"), timeoutMs);
  }

  close(): void {
    for (const s of [this.shell, this.control, this.iopub, this.hb]) s.close();
  }

  private async readReplies(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const { message } = decodeFrames(frames, new MessageSigner(this.info.key, this.info.signature_scheme));
        const parentId = (message.parent_header as { msg_id?: string }).msg_id ?? "";
        this.replies.get(parentId)?.(message);
        this.replies.delete(parentId);
      }
    } catch {
      // closed
    }
  }

  private async readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        this.iopubMessages.push(decodeFrames(frames, new MessageSigner(this.info.key, this.info.signature_scheme)).message);
        const waiters = this.iopubWaiters;
        this.iopubWaiters = [];
        for (const w of waiters) w();
      }
    } catch {
      // closed
    }
  }
}

/** A connection on loopback with free ports chosen by the kernel (port 0). */
export function loopbackConnection(key = "test-key-0123456789"): ConnectionInfo {
  return { transport: "tcp", ip: "127.0.0.1", shell_port: 0, control_port: 0, stdin_port: 0, iopub_port: 0, hb_port: 0, key, signature_scheme: "hmac-sha256" };
}
