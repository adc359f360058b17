/**
 * What the ZMQ wire (wire.ts) asks of a kernel's language side — the only thing it knows about
 * Embedscope (STYLE.md habit 9). The wire owns the protocol: status busy/idle, execution counts,
 * execute_input, replies, the iopub error message, interrupts (it aborts `ExecuteIo.signal`),
 * comm bookkeeping and shutdown. Positions here are JavaScript string indices; the wire converts
 * Jupyter's code points.
 */
import type { JsonObject, MimeBundle } from "./jupyterMessage";

export interface KernelInfo {
  implementation: string;
  implementation_version: string;
  language_info: {
    name: string;
    version: string;
    mimetype: string;
    file_extension: string;
    pygments_lexer?: string;
    codemirror_mode?: string | JsonObject;
  };
  banner: string;
  help_links: { text: string; url: string }[];
}

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  storeHistory: boolean;
}

/** Where a running cell sends its outputs; all no-ops for a silent request. */
export interface ExecuteIo {
  /** Aborted by an interrupt_request (or a shutdown) while this cell runs. */
  readonly signal: AbortSignal;
  readonly executionCount: number;
  display(data: MimeBundle, options?: { metadata?: JsonObject; displayId?: string }): void;
  updateDisplay(displayId: string, data: MimeBundle, metadata?: JsonObject): void;
  /** An execute_result (the cell's value, shown with Out[n]). */
  result(data: MimeBundle, metadata?: JsonObject): void;
  stream(name: "stdout" | "stderr", text: string): void;
}

export type ExecuteOutcome = { status: "ok" } | { status: "error"; ename: string; evalue: string; traceback: string[] };

export interface CompleteResult {
  matches: string[];
  /** String indices into the code. */
  cursorStart: number;
  cursorEnd: number;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
}

export type Completeness = { status: "complete" | "invalid" | "unknown" } | { status: "incomplete"; indent: string };

/** The kernel's end of one comm; `send` publishes comm_msg on iopub. */
export interface CommEndpoint {
  readonly commId: string;
  readonly targetName: string;
  send(data: JsonObject, buffers?: readonly (ArrayBuffer | Uint8Array)[]): void;
  /** Closes from the kernel side (publishes comm_close). */
  close(data?: JsonObject): void;
}

/** What the handler does with messages arriving on a comm it accepted. */
export interface CommSession {
  onMessage(data: JsonObject, buffers: Uint8Array[]): void;
  /** The frontend closed the comm, or the kernel is shutting down. */
  onClose(data: JsonObject): void;
}

export interface KernelHandler {
  kernelInfo(): KernelInfo;
  execute(request: ExecuteRequest, io: ExecuteIo): Promise<ExecuteOutcome>;
  complete(code: string, cursor: number): Promise<CompleteResult>;
  inspect(code: string, cursor: number, detailLevel: number): Promise<InspectResult>;
  isComplete(code: string): Completeness;
  /** Comm target names this kernel accepts. */
  readonly commTargets: readonly string[];
  /** Called for comm_open on one of `commTargets`. */
  openComm(endpoint: CommEndpoint, data: JsonObject, buffers: Uint8Array[]): CommSession;
  /** Releases everything (running cells have already been aborted). */
  shutdown(restart: boolean): Promise<void>;
}
