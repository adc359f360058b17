/** Worker-thread entry (bundled as dist/reduce-worker.js): runs one reducer and reports back. */
import { parentPort, workerData } from "node:worker_threads";
import { serializeError } from "../errors";
import { REDUCER_IMPLS } from "./index";
import type { WorkerReply, WorkerRequest } from "./pool";

const port = parentPort;
if (!port) throw new Error("reduce-worker must run in a worker thread");

const request = workerData as WorkerRequest;
const controller = new AbortController();
port.on("message", (m: { type: string }) => {
  if (m.type === "abort") controller.abort();
});

const post = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

REDUCER_IMPLS[request.name]({ data: request.data, n: request.n, dims: request.dims }, request.params as never, {
  signal: controller.signal,
  seed: request.seed,
  onProgress: (p) => post({ type: "progress", ...p }),
}).then(
  (result) => {
    const coords = result.coords.buffer instanceof SharedArrayBuffer ? Float32Array.from(result.coords) : result.coords;
    post({ type: "done", coords, meta: result.meta }, [coords.buffer as ArrayBuffer]);
  },
  (err: unknown) => post({ type: "error", error: serializeError(err) }),
);
