/**
 * The ZMQ side of the kernel (STYLE.md habit 9): five sockets, framing and signatures, and the
 * protocol's bookkeeping — busy/idle around every request, execution counts, execute_input,
 * replies, interrupts, comms, shutdown. What a cell means is the KernelHandler's business.
 *
 * The message loop never waits for a cell: execute requests run one after another on their own
 * queue, while kernel_info, completion, comm traffic, interrupts and heartbeats are answered at once.
 */
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { codePointToIndex, indexToCodePoint } from "./codePoints";
import { endpoint, type ConnectionInfo, type SocketName } from "./connection";
import { CommRegistry } from "./commRegistry";
import type { ExecuteIo, ExecuteOutcome, KernelHandler } from "./handler";
import { PROTOCOL_VERSION, createMessage, type Channel, type JsonObject, type JupyterMessage, type MessageHeader } from "./jupyterMessage";
import { MessageSigner, SignatureError, decodeFrames, encodeFrames } from "./signing";

export interface WireOptions {
  /**
   * Shell requests wait for the first iopub subscription, at most this long: clients only wait
   * for kernel_info before executing, and a PUB socket drops what it sends before a subscriber.
   */
  subscriptionWaitMs?: number;
  log?: (line: string) => void;
}

interface RunningCell {
  controller: AbortController;
  header: MessageHeader;
}

type RouterChannel = Exclude<Channel, "iopub">;

export class KernelWire {
  readonly session = randomUUID();
  private readonly signer: MessageSigner;
  private readonly routers: Record<RouterChannel, zmq.Router>;
  private readonly iopub = new zmq.XPublisher({ linger: 1000 });
  private readonly heartbeat = new zmq.Reply({ linger: 0 });
  private readonly sendQueues = new Map<zmq.Socket, Promise<void>>();
  private readonly comms: CommRegistry;
  private executionCount = 0;
  private executeQueue: Promise<void> = Promise.resolve();
  /** Bumped by a failing cell with stop_on_error: cells queued before it are aborted. */
  private errorEpoch = 0;
  private running: RunningCell | undefined;
  private stopping = false;
  private readonly log: (line: string) => void;
  private markSubscribed!: () => void;
  private readonly subscribed: Promise<void>;
  private resolveDone!: (result: { restart: boolean }) => void;
  /** Settles once the kernel has shut down (shutdown_request or stop()). */
  readonly done: Promise<{ restart: boolean }>;

  private constructor(
    readonly connection: ConnectionInfo,
    private readonly handler: KernelHandler,
    options: WireOptions,
  ) {
    this.signer = new MessageSigner(connection.key, connection.signature_scheme);
    this.log = options.log ?? ((line) => process.stderr.write(`[embedscope kernel] ${line}\n`));
    this.routers = { shell: new zmq.Router({ linger: 1000 }), control: new zmq.Router({ linger: 1000 }), stdin: new zmq.Router({ linger: 0 }) };
    this.subscribed = new Promise((resolve) => {
      this.markSubscribed = resolve;
      setTimeout(resolve, options.subscriptionWaitMs ?? 2000).unref();
    });
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.comms = new CommRegistry(handler, (type, content, parent, buffers) => this.publish(type, content, parent, {}, buffers), this.log);
  }

  /** Binds all sockets (port 0 = any free port; `connection` then holds the real ones). */
  static async start(connection: ConnectionInfo, handler: KernelHandler, options: WireOptions = {}): Promise<KernelWire> {
    const wire = new KernelWire({ ...connection }, handler, options);
    await wire.bind();
    wire.publish("status", { execution_state: "starting" }, {});
    void wire.serveRouter("shell");
    void wire.serveRouter("control");
    void wire.serveRouter("stdin");
    void wire.serveSubscriptions();
    void wire.serveHeartbeat();
    return wire;
  }

  private async bind(): Promise<void> {
    const sockets: [SocketName, zmq.Socket][] = [
      ["shell", this.routers.shell],
      ["control", this.routers.control],
      ["stdin", this.routers.stdin],
      ["iopub", this.iopub],
      ["hb", this.heartbeat],
    ];
    for (const [name, socket] of sockets) {
      const portKey = `${name}_port` as keyof ConnectionInfo;
      const wanted = endpoint(this.connection, name);
      const anyPort = this.connection.transport === "tcp" && this.connection[portKey] === 0;
      await socket.bind(anyPort ? `tcp://${this.connection.ip}:*` : wanted);
      if (anyPort) (this.connection as unknown as Record<string, number>)[portKey] = Number(/:(\d+)$/.exec(socket.lastEndpoint ?? "")?.[1]);
    }
  }

  /** Aborts the running cell, as an interrupt_request does. */
  interrupt(): void {
    this.running?.controller.abort();
  }

  /** Aborts the running cell, closes comms and sockets; `done` settles. */
  async stop(restart = false): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.running?.controller.abort();
    this.comms.closeAll();
    try {
      await withTimeout(this.handler.shutdown(restart), 5000);
    } catch (err) {
      this.log(`shutdown: ${(err as Error).message}`);
    }
    await Promise.allSettled(this.sendQueues.values());
    for (const socket of [...Object.values(this.routers), this.iopub, this.heartbeat]) socket.close();
    this.resolveDone({ restart });
  }

  // ── receiving ───────────────────────────────────────────────────────────────

  private async serveRouter(channel: RouterChannel): Promise<void> {
    const socket = this.routers[channel];
    try {
      for await (const frames of socket) {
        // Only the hold for the first subscription may delay the loop; nothing else is awaited.
        if (channel === "shell") await this.subscribed;
        this.receive(channel, frames);
      }
    } catch (err) {
      if (!this.stopping) this.log(`${channel} socket: ${(err as Error).message}`);
    }
  }

  private async serveSubscriptions(): Promise<void> {
    try {
      for await (const [frame] of this.iopub) if (frame?.[0] === 1) this.markSubscribed();
    } catch (err) {
      if (!this.stopping) this.log(`iopub socket: ${(err as Error).message}`);
    }
  }

  private async serveHeartbeat(): Promise<void> {
    try {
      for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
    } catch (err) {
      if (!this.stopping) this.log(`heartbeat socket: ${(err as Error).message}`);
    }
  }

  private receive(channel: RouterChannel, frames: Buffer[]): void {
    let identities: Buffer[];
    let message: JupyterMessage;
    try {
      ({ identities, message } = decodeFrames(frames, this.signer));
    } catch (err) {
      this.log(err instanceof SignatureError ? `rejected a message on ${channel}: ${err.message}` : `ignored a malformed message on ${channel}: ${(err as Error).message}`);
      return;
    }
    if (this.stopping) return;
    this.dispatch(channel, identities, message).catch((err: unknown) => this.log(`${message.header.msg_type}: ${(err as Error).stack ?? String(err)}`));
  }

  private async dispatch(channel: RouterChannel, ids: Buffer[], msg: JupyterMessage): Promise<void> {
    const c = msg.content;
    const code = typeof c.code === "string" ? c.code : "";
    switch (msg.header.msg_type) {
      case "execute_request":
        if (channel !== "shell") return;
        return this.enqueueExecute(ids, msg);
      case "kernel_info_request":
        return this.answer(channel, ids, msg, async () => ({ status: "ok", protocol_version: PROTOCOL_VERSION, debugger: false, ...this.handler.kernelInfo() }));
      case "complete_request":
        return this.answer(channel, ids, msg, async () => {
          const cursor = codePointToIndex(code, typeof c.cursor_pos === "number" ? c.cursor_pos : Infinity);
          const r = await this.handler.complete(code, cursor);
          return { status: "ok", matches: r.matches, cursor_start: indexToCodePoint(code, r.cursorStart), cursor_end: indexToCodePoint(code, r.cursorEnd), metadata: {} };
        });
      case "inspect_request":
        return this.answer(channel, ids, msg, async () => {
          const cursor = codePointToIndex(code, typeof c.cursor_pos === "number" ? c.cursor_pos : Infinity);
          const r = await this.handler.inspect(code, cursor, Number(c.detail_level ?? 0));
          return { status: "ok", found: r.found, data: r.data, metadata: {} };
        });
      case "is_complete_request":
        return this.answer(channel, ids, msg, async () => ({ ...this.handler.isComplete(code) }));
      case "history_request":
        return this.answer(channel, ids, msg, async () => ({ status: "ok", history: [] }));
      case "comm_info_request":
        return this.answer(channel, ids, msg, async () => ({ status: "ok", comms: this.comms.info(typeof c.target_name === "string" ? c.target_name : undefined) }));
      case "connect_request":
        return this.answer(channel, ids, msg, async () => {
          const k = this.connection;
          return { status: "ok", shell_port: k.shell_port, iopub_port: k.iopub_port, stdin_port: k.stdin_port, hb_port: k.hb_port, control_port: k.control_port };
        });
      case "interrupt_request":
        return this.answer(channel, ids, msg, async () => {
          this.interrupt();
          return { status: "ok" };
        });
      case "shutdown_request": {
        const restart = Boolean(c.restart);
        await this.answer(channel, ids, msg, async () => {
          this.running?.controller.abort();
          return { status: "ok", restart };
        });
        this.publish("shutdown_reply", { status: "ok", restart }, msg.header);
        await this.stop(restart);
        return;
      }
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        return this.withStatus(msg.header, async () => this.comms.receive(msg));
      default:
        this.log(`ignored unsupported message type ${msg.header.msg_type} on ${channel}`);
    }
  }

  /** busy → reply → idle, the order clients expect; a failing handler becomes an error reply. */
  private async answer(channel: RouterChannel, ids: Buffer[], request: JupyterMessage, produce: () => Promise<JsonObject>): Promise<void> {
    await this.withStatus(request.header, async () => {
      let content: JsonObject;
      try {
        content = await produce();
      } catch (err) {
        content = { status: "error", ...errorFields(err) };
      }
      this.reply(channel, ids, request, content);
    });
  }

  private async withStatus(parent: MessageHeader, work: () => Promise<void>): Promise<void> {
    this.publish("status", { execution_state: "busy" }, parent);
    try {
      await work();
    } finally {
      this.publish("status", { execution_state: "idle" }, parent);
      // Frontends show the last status they saw: a cell still running means the kernel is busy.
      const running = this.running;
      if (running && running.header !== parent) this.publish("status", { execution_state: "busy" }, running.header);
    }
  }

  // ── execution ───────────────────────────────────────────────────────────────

  private enqueueExecute(ids: Buffer[], msg: JupyterMessage): void {
    const epoch = this.errorEpoch;
    this.executeQueue = this.executeQueue.then(() => this.execute(ids, msg, epoch)).catch((err: unknown) => this.log(`execute: ${(err as Error).stack ?? String(err)}`));
  }

  private async execute(ids: Buffer[], msg: JupyterMessage, epoch: number): Promise<void> {
    if (this.stopping) return;
    const c = msg.content;
    const code = typeof c.code === "string" ? c.code : "";
    const silent = c.silent === true;
    const storeHistory = !silent && c.store_history !== false;
    const stopOnError = c.stop_on_error !== false;
    const parent = msg.header;
    this.publish("status", { execution_state: "busy" }, parent);
    if (epoch < this.errorEpoch) {
      // An earlier cell failed with stop_on_error: the cells queued behind it do not run.
      this.reply("shell", ids, msg, { status: "aborted" });
      this.publish("status", { execution_state: "idle" }, parent);
      return;
    }
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish("execute_input", { code, execution_count: count }, parent);

    const controller = new AbortController();
    this.running = { controller, header: parent };
    let open = true;
    const out = (type: string, content: JsonObject) => {
      if (open && !silent && !this.stopping) this.publish(type, content, parent);
    };
    const io: ExecuteIo = {
      signal: controller.signal,
      executionCount: count,
      display: (data, options = {}) => out("display_data", { data, metadata: options.metadata ?? {}, transient: options.displayId ? { display_id: options.displayId } : {} }),
      updateDisplay: (displayId, data, metadata = {}) => out("update_display_data", { data, metadata, transient: { display_id: displayId } }),
      result: (data, metadata = {}) => out("execute_result", { execution_count: count, data, metadata }),
      stream: (name, text) => out("stream", { name, text }),
    };
    let outcome: ExecuteOutcome;
    try {
      outcome = await this.handler.execute({ code, silent, storeHistory }, io);
    } catch (err) {
      outcome = { status: "error", ...errorFields(err) };
    } finally {
      open = false;
      this.running = undefined;
    }
    if (outcome.status === "error") {
      const { ename, evalue, traceback } = outcome;
      if (!silent) this.publish("error", { ename, evalue, traceback }, parent);
      this.reply("shell", ids, msg, { status: "error", execution_count: count, ename, evalue, traceback });
      if (stopOnError) this.errorEpoch++;
    } else {
      this.reply("shell", ids, msg, { status: "ok", execution_count: count, payload: [], user_expressions: {} });
    }
    this.publish("status", { execution_state: "idle" }, parent);
  }

  // ── sending ─────────────────────────────────────────────────────────────────

  private reply(channel: RouterChannel, ids: Buffer[], request: JupyterMessage, content: JsonObject): void {
    const type = request.header.msg_type.replace(/_request$/, "_reply");
    const message = createMessage(type, this.session, content, request.header);
    this.send(this.routers[channel], encodeFrames(message, this.signer, ids));
  }

  private publish(type: string, content: JsonObject, parent: MessageHeader | Record<string, never>, metadata: JsonObject = {}, buffers: readonly (ArrayBuffer | Uint8Array)[] = []): void {
    const message = createMessage(type, this.session, content, parent, metadata, buffers.map((b) => (b instanceof Uint8Array ? b : new Uint8Array(b))));
    this.send(this.iopub, encodeFrames(message, this.signer, [Buffer.from(`kernel.${this.session}.${type}`)]));
  }

  /** One send at a time per socket (zeromq.js refuses a second pending send), in order. */
  private send(socket: zmq.Router | zmq.XPublisher, frames: Buffer[]): void {
    const previous = this.sendQueues.get(socket) ?? Promise.resolve();
    const next = previous.then(() => socket.send(frames)).catch((err: unknown) => {
      if (!this.stopping) this.log(`send: ${(err as Error).message}`);
    });
    this.sendQueues.set(socket, next);
  }
}

/** ename/evalue/traceback for an unexpected failure. */
export function errorFields(err: unknown): { ename: string; evalue: string; traceback: string[] } {
  const ename = err instanceof Error ? err.name || "Error" : "Error";
  const evalue = err instanceof Error ? err.message : String(err);
  return { ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([
    promise,
    new Promise<undefined>((resolve) => {
      const timer: NodeJS.Timeout = setTimeout(() => resolve(undefined), ms);
      timer.unref();
    }),
  ]);
}
