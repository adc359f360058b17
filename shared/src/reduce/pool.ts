/**
 * Runs a reducer off the calling thread (STYLE.md habit 4): one worker per run, the vectors
 * shared (SharedArrayBuffer, no copy), progress as messages, abort as a message the reducer sees
 * between epochs — and, if it does not stop within a grace period, `terminate()`.
 */
import { Worker } from "node:worker_threads";
import { CancelledError, deserializeError, type SerializedError } from "../errors";
import type { ReducerName } from "../types";
import type { TransformJob } from "./transform";
import type { ReduceContext, ReducerResult, VectorMatrix } from "./types";
import { defaultWorkerScript } from "./workerScript";

export { defaultWorkerScript };

export type WorkerRequest = {
  name: ReducerName;
  data: Float32Array;
  n: number;
  dims: number;
  params: unknown;
  seed: number;
  threads?: number;
  workerScript: string;
  /** Set: place `data` into this fitted layout (transform.ts) instead of fitting it. */
  transform?: TransformJob;
  /** Set: fit on this many sampled rows and place the rest (fitSample.ts). */
  fitSample?: number;
};

/** What a worker does besides fitting every row: place into a fitted layout, or fit on a sample. */
export type WorkerJob = Pick<WorkerRequest, "transform" | "fitSample">;
export type WorkerReply =
  | { type: "progress"; phase: string; done: number; total: number }
  | ({ type: "done" } & ReducerResult)
  | { type: "error"; error: SerializedError };

const ABORT_GRACE_MS = 2_000;

/** The distinct, transferable (not shared) buffers under `arrays`, for postMessage's transfer list. */
export function transferList(...arrays: (ArrayBufferView | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && !(a.buffer instanceof SharedArrayBuffer)) out.add(a.buffer as ArrayBuffer);
  return [...out];
}

/** Copies into shared memory only when the caller did not already allocate it there. */
export function toShared(data: Float32Array): Float32Array {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const shared = new Float32Array(new SharedArrayBuffer(data.byteLength));
  shared.set(data);
  return shared;
}

export function runReducerInWorker(
  name: ReducerName,
  input: VectorMatrix,
  params: unknown,
  ctx: ReduceContext,
  workerScript: string = defaultWorkerScript(),
  job: WorkerJob = {},
): Promise<ReducerResult> {
  if (ctx.signal.aborted) return Promise.reject(new CancelledError());
  const request: WorkerRequest = { name, data: toShared(input.data), n: input.n, dims: input.dims, params, seed: ctx.seed, threads: ctx.threads, workerScript };
  if (job.transform) request.transform = { ...job.transform, fitted: toShared(job.transform.fitted) };
  if (job.fitSample !== undefined) request.fitSample = job.fitSample;
  const worker = new Worker(workerScript, { workerData: request });
  return new Promise<ReducerResult>((resolve, reject) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      fn();
      void worker.terminate();
    };
    const onAbort = () => {
      worker.postMessage({ type: "abort" });
      killTimer = setTimeout(() => finish(() => reject(new CancelledError())), ABORT_GRACE_MS);
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (m: WorkerReply) => {
      if (m.type === "progress") ctx.onProgress?.({ phase: m.phase, done: m.done, total: m.total });
      else if (m.type === "done") {
        const { type: _done, ...result } = m;
        finish(() => resolve(result));
      }
      else finish(() => reject(deserializeError(m.error)));
    });
    worker.on("error", (err) => finish(() => reject(err)));
    worker.on("exit", (code) => finish(() => reject(ctx.signal.aborted ? new CancelledError() : new Error(`reducer worker exited with code ${code}`))));
  });
}
