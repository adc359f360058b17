/**
 * The slice of a JupyterLab kernel connection the comm transport uses, backed by plain arrays: what
 * the frontend sent, and hooks to play the kernel's side (comm messages, close, status changes).
 * Signals are Lumino's own, so connect/disconnect behave as in JupyterLab.
 */
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { Signal } from "@lumino/signaling";

export interface SentCommMessage {
  data: { json?: string };
  buffers: (ArrayBuffer | ArrayBufferView)[];
}

export class FakeComm {
  onMsg: (msg: KernelMessage.ICommMsgMsg) => void = () => undefined;
  onClose: (msg: KernelMessage.ICommCloseMsg) => void = () => undefined;
  opened: unknown[] = [];
  sent: SentCommMessage[] = [];
  closedByFrontend = 0;
  isDisposed = false;
  readonly commId = `comm-${Math.random().toString(16).slice(2)}`;

  constructor(readonly targetName: string) {}

  open(data?: unknown): void {
    this.opened.push(data);
  }

  send(data: { json?: string }, _metadata?: unknown, buffers: (ArrayBuffer | ArrayBufferView)[] = []): void {
    if (this.isDisposed) throw new Error("send on a disposed comm");
    this.sent.push({ data, buffers });
  }

  close(): void {
    this.closedByFrontend += 1;
    // Like JupyterLab's CommHandler: closing calls onClose, then the comm is disposed.
    this.onClose({ content: { comm_id: this.commId, data: {} } } as unknown as KernelMessage.ICommCloseMsg);
    this.dispose();
  }

  dispose(): void {
    this.isDisposed = true;
  }

  /** The kernel sends a comm_msg (buffers arrive as DataViews from the websocket). */
  deliver(data: unknown, buffers: (ArrayBuffer | ArrayBufferView)[] = []): void {
    this.onMsg({ content: { comm_id: this.commId, data }, buffers } as unknown as KernelMessage.ICommMsgMsg);
  }

  /** The kernel closes the comm, optionally saying why. */
  closeFromKernel(data: Record<string, unknown> = {}): void {
    this.onClose({ content: { comm_id: this.commId, data } } as unknown as KernelMessage.ICommCloseMsg);
    this.dispose();
  }
}

export class FakeKernel {
  status: Kernel.Status = "idle";
  isDisposed = false;
  readonly comms: FakeComm[] = [];
  readonly statusChanged = new Signal<FakeKernel, Kernel.Status>(this);
  readonly disposed = new Signal<FakeKernel, void>(this);

  createComm(targetName: string): FakeComm {
    const comm = new FakeComm(targetName);
    this.comms.push(comm);
    return comm;
  }

  setStatus(status: Kernel.Status): void {
    this.status = status;
    this.statusChanged.emit(status);
  }

  dispose(): void {
    this.isDisposed = true;
    this.disposed.emit(undefined);
  }

  asConnection(): Kernel.IKernelConnection {
    return this as unknown as Kernel.IKernelConnection;
  }
}
