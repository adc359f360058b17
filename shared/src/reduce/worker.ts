/**
 * Worker-thread entry (bundled as dist/reduce-worker.js): runs one reducer (on every row, or on a
 * sample with the rest placed, or places points into a fitted layout) and reports back, or serves
 * as a thread-team member.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { serializeError } from "../errors";
import { reduceOnSample } from "./fitSample";
import { reduceWithQuality } from "./layoutQuality";
import { transferList } from "./pool";
import type { WorkerReply, WorkerRequest } from "./pool";
import { serveTeamMember, TEAM_ROLE } from "./team";
import { runTransformJob } from "./transform";
import type { ReduceProgress, ReducerResult } from "./types";

const port = parentPort;
if (!port) throw new Error("reduce-worker must run in a worker thread");

if ((workerData as { role?: string } | null)?.role === TEAM_ROLE) serveTeamMember(port);
else runRequest(port, workerData as WorkerRequest);

function runRequest(port: MessagePort, request: WorkerRequest): void {
  const controller = new AbortController();
  port.on("message", (m: { type: string }) => {
    if (m.type === "abort") controller.abort();
  });
  const post = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const input = { data: request.data, n: request.n, dims: request.dims };
  const ctx = {
    signal: controller.signal,
    seed: request.seed,
    threads: request.threads,
    workerScript: request.workerScript,
    onProgress: (p: ReduceProgress) => post({ type: "progress", ...p }),
  };
  const work = request.transform
    ? runTransformJob(request.transform, input, ctx)
    : request.fitSample !== undefined
      ? reduceOnSample(request.name, input, request.params, request.fitSample, ctx)
      : reduceWithQuality(request.name, input, request.params, ctx);
  work.then(
    (result: ReducerResult) => {
      const coords = result.coords.buffer instanceof SharedArrayBuffer ? Float32Array.from(result.coords) : result.coords;
      const { neighbors, quality, neighborPreservation } = result;
      // Moved, not copied: every array's buffer is transferred (shared ones are shared already).
      post({ type: "done", coords, meta: result.meta, neighbors, quality, neighborPreservation }, transferList(coords, neighbors?.indices, neighborPreservation));
    },
    (err: unknown) => post({ type: "error", error: serializeError(err) }),
  );
}
