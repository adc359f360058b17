/** Worker-thread entry (bundled as dist/reduce-worker.js): runs one reducer and reports back, or serves as a thread-team member. */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { serializeError } from "../errors";
import { REDUCER_IMPLS } from "./index";
import type { WorkerReply, WorkerRequest } from "./pool";
import { serveTeamMember, TEAM_ROLE } from "./team";

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
  REDUCER_IMPLS[request.name]({ data: request.data, n: request.n, dims: request.dims }, request.params as never, {
    signal: controller.signal,
    seed: request.seed,
    threads: request.threads,
    workerScript: request.workerScript,
    onProgress: (p) => post({ type: "progress", ...p }),
  }).then(
    (result) => {
      const coords = result.coords.buffer instanceof SharedArrayBuffer ? Float32Array.from(result.coords) : result.coords;
      post({ type: "done", coords, meta: result.meta }, [coords.buffer as ArrayBuffer]);
    },
    (err: unknown) => post({ type: "error", error: serializeError(err) }),
  );
}
