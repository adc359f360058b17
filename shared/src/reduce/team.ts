/**
 * A team of threads for one reducer run: the calling thread plus `size − 1` workers that share the
 * run's typed arrays (SharedArrayBuffer) and each take one part of a kernel call. A call is one
 * message per worker (≈ tens of µs), so kernels are sized to one epoch / one iteration / one block,
 * and the reducer checks its abort signal between calls as it does between single-thread chunks.
 *
 * Kernels are plain functions registered by name in `kernels.ts` (a worker cannot receive code):
 * `kernel(args, part, parts)` handles its share of the work, e.g. rows [part·N/parts, (part+1)·N/parts).
 * A team of size 1 runs the kernel inline: no worker, no SharedArrayBuffer needed.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { deserializeError, serializeError, type SerializedError } from "../errors";
import { KERNELS, type KernelName } from "./kernels";
import { defaultWorkerScript } from "./workerScript";

export { partRange, sharedFloat32, sharedFloat64, sharedInt32, shareFloat32 } from "./sharedArrays";

/** Arguments of a kernel call: typed arrays (on SharedArrayBuffer when size > 1) and plain values. */
export type KernelArgs = Record<string, unknown>;
export type Kernel = (args: KernelArgs, part: number, parts: number) => void;

export type TeamRequest = { type: "run"; name: KernelName; args: KernelArgs; part: number; parts: number };
export type TeamReply = { type: "done" } | { type: "error"; error: SerializedError };

/** What workerData says to a worker started as a team member (see worker.ts). */
export const TEAM_ROLE = "embedscope-team-member";

/** Threads a reducer uses by default: every core, at most 8 (the kernels stop scaling before that). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export class Team {
  private constructor(
    readonly size: number,
    private readonly workers: Worker[],
  ) {}

  /** True when kernels run on several threads, i.e. their arrays must be SharedArrayBuffer-backed. */
  get shared(): boolean {
    return this.size > 1;
  }

  /** A team of `threads` (clamped to ≥ 1); workers start from `script` (the bundled reduce-worker.js). */
  static async create(threads: number, script?: string): Promise<Team> {
    const size = Math.max(1, Math.floor(threads) || 1);
    if (size === 1) return new Team(1, []);
    const file = script ?? defaultWorkerScript();
    const workers: Worker[] = [];
    try {
      for (let i = 1; i < size; i++) workers.push(new Worker(file, { workerData: { role: TEAM_ROLE } }));
      await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
        w.once("online", resolve);
        w.once("error", reject);
      })));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new Team(size, workers);
  }

  /** Runs `KERNELS[name]` once per part, `size` parts (part 0 on this thread), and resolves when all are done. */
  async run(name: KernelName, args: KernelArgs): Promise<void> {
    if (this.workers.length === 0) {
      KERNELS[name](args, 0, 1);
      return;
    }
    const pending = this.workers.map((worker, i) => callWorker(worker, { type: "run", name, args, part: i + 1, parts: this.size }));
    let localError: unknown = null;
    try {
      KERNELS[name](args, 0, this.size);
    } catch (err) {
      localError = err;
    }
    const results = await Promise.allSettled(pending);
    if (localError) throw localError;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}

/** One request/reply with a member; requests to one worker queue up in order. */
function callWorker(worker: Worker, request: TeamRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (reply: TeamReply) => {
      cleanup();
      if (reply.type === "done") resolve();
      else reject(deserializeError(reply.error));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`reducer team worker exited with code ${code}`));
    };
    const cleanup = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(request);
  });
}

/** The member side (worker.ts calls it when started with TEAM_ROLE): run kernels until terminated. */
export function serveTeamMember(port: import("node:worker_threads").MessagePort): void {
  port.on("message", (request: TeamRequest) => {
    try {
      KERNELS[request.name](request.args, request.part, request.parts);
      port.postMessage({ type: "done" } satisfies TeamReply);
    } catch (err) {
      port.postMessage({ type: "error", error: serializeError(err) } satisfies TeamReply);
    }
  });
}
