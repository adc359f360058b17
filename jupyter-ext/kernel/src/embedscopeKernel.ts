/**
 * The Embedscope side of the kernel: cells in the shared command language run against the
 * in-process engine (compute in worker threads), outputs become MIME bundles, and the
 * `embedscope` comm serves the engine's protocol to the JupyterLab viewer.
 */
import { randomUUID } from "node:crypto";
import { shortId, sourceLabel } from "../../../shared/src/cli/format";
import type { Engine } from "../../../shared/src/engine";
import { redactSecrets } from "../../../shared/src/errors";
import { completeCell, inspectCell } from "../../../shared/src/magic/complete";
import { executeCell, toMimeBundle, type CellDefaults, type CellOutput } from "../../../shared/src/magic/execute";
import { cellCompleteness, parseCell, type ParsedCommand } from "../../../shared/src/magic/parse";
import { serveEngine } from "../../../shared/src/protocol/engineServer";
import { cellErrorOutcome, interruptedOutcome } from "./cellErrors";
import { CommTransport } from "./commTransport";
import type { CommEndpoint, CommSession, CompleteResult, Completeness, ExecuteIo, ExecuteOutcome, ExecuteRequest, InspectResult, KernelHandler, KernelInfo } from "./handler";
import type { JsonObject } from "./jupyterMessage";
import { COMM_TARGET, EMBEDSCOPE_KERNEL_INFO, KERNEL_VERSION } from "./kernelInfo";
import { ProgressDisplay } from "./progressDisplay";

export interface EmbedscopeKernelOptions {
  /** Opens the engine on first use (a kernel that only answers kernel_info never locks the DB). */
  openEngine: () => Promise<Engine>;
  defaults?: CellDefaults;
  /** Minimum interval between progress line updates (≤ 4/s by default). */
  progressIntervalMs?: number;
  log?: (line: string) => void;
}

/** A cell with nothing but blank lines and comments does nothing, successfully. */
function hasCommand(code: string): boolean {
  return /^[ \t]*[^\s#]/m.test(code);
}

export class EmbedscopeKernel implements KernelHandler {
  readonly commTargets = [COMM_TARGET];
  private enginePromise: Promise<Engine> | undefined;
  private readonly commServers = new Set<{ dispose(): void }>();
  private readonly log: (line: string) => void;

  constructor(private readonly options: EmbedscopeKernelOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** The engine, opened once; a failed open (e.g. the DB is locked) is retried on the next use. */
  engine(): Promise<Engine> {
    if (!this.enginePromise) {
      this.enginePromise = this.options.openEngine();
      this.enginePromise.catch(() => (this.enginePromise = undefined));
    }
    return this.enginePromise;
  }

  kernelInfo(): KernelInfo {
    return EMBEDSCOPE_KERNEL_INFO;
  }

  async execute(request: ExecuteRequest, io: ExecuteIo): Promise<ExecuteOutcome> {
    if (!hasCommand(request.code)) return { status: "ok" };
    let commands: ParsedCommand[];
    try {
      // The whole cell is checked before anything runs: a typo on line 3 must not start line 1's run.
      commands = parseCell(request.code);
    } catch (err) {
      return cellErrorOutcome(err, lineNumberOf(err, request.code));
    }
    let engine: Engine;
    try {
      engine = await this.engine();
    } catch (err) {
      return cellErrorOutcome(err);
    }
    const multiLine = commands.length > 1;
    const cancelled: string[] = [];
    for (const command of commands) {
      if (io.signal.aborted) break;
      const progress = new Map<string, ProgressDisplay>();
      let outputs: CellOutput[];
      try {
        // One command at a time so each output appears as soon as its command finishes.
        outputs = await executeCell(engine, command.text, {
          signal: io.signal,
          defaults: this.options.defaults,
          onRunStarted: (run) => progress.set(run.id, new ProgressDisplay(io, run, `embedscope-progress-${randomUUID()}`, this.options.progressIntervalMs)),
          onProgress: (p) => progress.get(p.runId)?.update(p),
        });
      } catch (err) {
        for (const display of progress.values()) display.finish("failed");
        return cellErrorOutcome(err, multiLine ? command.line + 1 : undefined);
      }
      for (const [runId, display] of progress) {
        const completed = outputs.some((o) => o.kind === "run" && o.run.id === runId);
        display.finish(completed ? "done" : io.signal.aborted ? "cancelled" : "stopped");
        if (!completed && io.signal.aborted) cancelled.push(runId);
      }
      for (const output of outputs) {
        // A run that finished before the interrupt still shows; the "cancelled" summary does not.
        if (output.kind === "run") {
          io.display(toMimeBundle(output));
          // Also as text: a terminal frontend (jupyter console) shows the PNG in an image viewer
          // instead of the bundle's text, and a notebook gets the run id to copy into %show.
          io.result({ "text/plain": runResultLine(output) });
        } else if (!io.signal.aborted) io.result(toMimeBundle(output));
      }
    }
    return io.signal.aborted ? interruptedOutcome(cancelled) : { status: "ok" };
  }

  async complete(code: string, cursor: number): Promise<CompleteResult> {
    const { qdrantUrl, qdrantApiKey } = this.options.defaults ?? {};
    // `%project http://host:6333 collection=` lists that server's collections; else the configured one's.
    const url = qdrantUrlOnLine(code, cursor) ?? qdrantUrl;
    const r = await completeCell(code, cursor, {
      runIds: async () => (await (await this.engine()).listRuns()).map((run) => run.id),
      collections: url ? async () => withTimeout((await this.engine()).listCollections(url, url === qdrantUrl ? qdrantApiKey : undefined), 2000, []) : undefined,
    });
    return { matches: r.matches, cursorStart: r.start, cursorEnd: r.end };
  }

  async inspect(code: string, cursor: number): Promise<InspectResult> {
    const help = inspectCell(code, cursor);
    return help === null ? { found: false, data: {} } : { found: true, data: { "text/plain": help } };
  }

  isComplete(code: string): Completeness {
    if (!hasCommand(code)) return { status: "complete" };
    const status = cellCompleteness(code);
    return status === "incomplete" ? { status, indent: "" } : { status };
  }

  /** The frontend opened the `embedscope` comm: serve the engine's protocol over it. */
  openComm(endpoint: CommEndpoint): CommSession {
    const transport = new CommTransport(endpoint, this.log);
    let served: { dispose(): void } | undefined;
    let closed = false;
    this.engine().then(
      (engine) => {
        if (closed) return;
        served = serveEngine(engine, transport, { host: "jupyter", version: KERNEL_VERSION });
        this.commServers.add(served);
      },
      (err: unknown) => {
        this.log(`comm ${endpoint.commId}: ${redactSecrets((err as Error).message)}`);
        endpoint.close({ error: redactSecrets((err as Error).message) });
      },
    );
    return {
      onMessage: (data: JsonObject, buffers: Uint8Array[]) => transport.receive(data, buffers),
      onClose: () => {
        closed = true;
        if (served) {
          served.dispose();
          this.commServers.delete(served);
        }
        transport.close();
      },
    };
  }

  async shutdown(): Promise<void> {
    for (const server of this.commServers) server.dispose();
    this.commServers.clear();
    const engine = this.enginePromise;
    this.enginePromise = undefined;
    if (engine) await (await engine.catch(() => undefined))?.close();
  }
}

/** "run 3f2a1b2c completed: pca · 778 points · demo · coloured by source_dir" */
export function runResultLine(output: Extract<CellOutput, { kind: "run" }>): string {
  const { run, view } = output;
  const points = run.meta.sampled && run.meta.total_count ? `${view.pointCount} of ${run.meta.total_count} points` : `${view.pointCount} points`;
  const fallback = run.meta.fallback_reason ? ` (fell back to PCA: ${run.meta.fallback_reason})` : "";
  return `run ${shortId(run.id)} ${run.status}: ${run.reducer}${fallback} · ${points} · ${sourceLabel(run)} · coloured by ${view.colorBy}`;
}

function qdrantUrlOnLine(code: string, cursor: number): string | undefined {
  const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
  const lineEnd = code.indexOf("\n", cursor);
  const words = code.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim().split(/\s+/);
  return words[0] === "%project" && /^https?:\/\/\S+$/i.test(words[1] ?? "") ? words[1] : undefined;
}

function lineNumberOf(err: unknown, code: string): number | undefined {
  const span = (err as { span?: { line: number } }).span;
  const lines = code.split(/\r?\n/).filter((l) => l.trim() !== "");
  return span && lines.length > 1 ? span.line + 1 : undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((resolve) => {
      const timer: NodeJS.Timeout = setTimeout(() => resolve(fallback), ms);
      timer.unref();
    }),
  ]);
}
