/**
 * Request/reply over any Transport: ids, cancellation, statuses, events (STYLE.md habits 2 and 5).
 * The client side is what the viewer uses; the server side maps methods to handlers.
 */
import { CancelledError, deserializeError, isCancel, serializeError } from "../errors";
import type {
  EventMessage,
  EventName,
  Events,
  MethodName,
  ParamsOf,
  ReplyMessage,
  RequestMessage,
  ResultOf,
  WireMessage,
} from "./messages";
import type { Disposable, Transport } from "./transport";

export interface RequestOptions {
  signal?: AbortSignal;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<EventName, Set<(data: never) => void>>();
  private readonly sub: Disposable;

  constructor(private readonly transport: Transport) {
    this.sub = transport.onMessage((m) => this.receive(m));
  }

  /** Tells the host the UI is listening. */
  ready(): void {
    this.transport.send({ type: "ready" });
  }

  request<M extends MethodName>(method: M, params: ParamsOf<M>, options: RequestOptions = {}): Promise<ResultOf<M>> {
    const id = this.nextId++;
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = () => this.transport.send({ type: "cancel", id });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(v as ResultOf<M>);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      });
      const message: RequestMessage<M> = { type: "request", id, method, params };
      this.transport.send(message as RequestMessage);
    });
  }

  on<E extends EventName>(event: E, handler: (data: Events[E]) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(handler as (data: never) => void);
    return { dispose: () => set.delete(handler as (data: never) => void) };
  }

  dispose(): void {
    this.sub.dispose();
    for (const p of this.pending.values()) p.reject(new CancelledError("connection closed"));
    this.pending.clear();
  }

  private receive(message: WireMessage): void {
    if (message.type === "reply") {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      if (message.status === "ok") p.resolve(message.result);
      else if (message.status === "cancelled") p.reject(new CancelledError());
      else p.reject(deserializeError(message.error));
    } else if (message.type === "event") {
      const set = this.listeners.get(message.event);
      if (set) for (const h of set) (h as (d: unknown) => void)(message.data);
    }
  }
}

export type Handler<M extends MethodName> = (params: ParamsOf<M>, ctx: { signal: AbortSignal }) => Promise<ResultOf<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

export class RpcServer {
  private readonly inflight = new Map<number, AbortController>();
  private readonly sub: Disposable;
  private readyWaiters: (() => void)[] = [];
  private isReady = false;

  constructor(
    private readonly transport: Transport,
    private readonly handlers: Handlers,
  ) {
    this.sub = transport.onMessage((m) => void this.receive(m));
  }

  /** Resolves when the UI said `ready` (or at once if it already did). */
  whenReady(): Promise<void> {
    return this.isReady ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  emit<E extends EventName>(event: E, data: Events[E]): void {
    const message: EventMessage<E> = { type: "event", event, data };
    this.transport.send(message as EventMessage);
  }

  dispose(): void {
    this.sub.dispose();
    for (const c of this.inflight.values()) c.abort();
    this.inflight.clear();
  }

  private async receive(message: WireMessage): Promise<void> {
    if (message.type === "ready") {
      this.isReady = true;
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    if (message.type === "cancel") {
      this.inflight.get(message.id)?.abort();
      return;
    }
    if (message.type !== "request") return;
    const { id, method } = message;
    const handler = this.handlers[method] as Handler<MethodName> | undefined;
    const controller = new AbortController();
    this.inflight.set(id, controller);
    let reply: ReplyMessage;
    try {
      if (!handler) throw new Error(`this host does not support '${method}'`);
      const result = await handler(message.params as never, { signal: controller.signal });
      reply = { type: "reply", id, status: "ok", result };
    } catch (err) {
      reply = isCancel(err) ? { type: "reply", id, status: "cancelled" } : { type: "reply", id, status: "error", error: serializeError(err) };
    } finally {
      this.inflight.delete(id);
    }
    this.transport.send(reply);
  }
}
