/**
 * Keeps a long computation interruptible and observable. Reducers run in a worker thread that
 * learns of an abort only through a message event, so a loop must hand the event loop a macrotask
 * every few tens of milliseconds; `pace()` does that cheaply (a clock read when not yet due).
 */
import { throwIfAborted } from "../errors";
import type { ReduceContext } from "./types";

/** Long enough that yields cost nothing measurable, short enough that cancelling feels immediate. */
const YIELD_EVERY_MS = 25;
/** Progress events per phase at most (the UI redraws a bar; more is noise on the wire). */
const PROGRESS_STEPS = 100;

const macrotask: () => Promise<void> =
  typeof setImmediate === "function"
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

export class Pacer {
  private lastYield = performance.now();
  private lastPhase = "";
  private lastStep = -1;

  constructor(private readonly ctx: ReduceContext) {}

  /** Throws CancelledError if the run was aborted before any work started. */
  check(): void {
    throwIfAborted(this.ctx.signal);
  }

  /** True when a yield is due; lets hot loops test the clock only every few hundred items. */
  due(): boolean {
    return performance.now() - this.lastYield >= YIELD_EVERY_MS;
  }

  /**
   * Throws CancelledError if the run was aborted (an abort raised synchronously, e.g. from a
   * progress callback, is seen at once), and yields to the event loop when a yield is due.
   */
  async pace(): Promise<void> {
    throwIfAborted(this.ctx.signal);
    if (!this.due()) return;
    await this.yieldNow();
  }

  /** Always yields (use between phases). */
  async yieldNow(): Promise<void> {
    await macrotask();
    this.lastYield = performance.now();
    throwIfAborted(this.ctx.signal);
  }

  /** Reports progress, at most PROGRESS_STEPS times per phase (always the first and the last). */
  progress(phase: string, done: number, total: number): void {
    const onProgress = this.ctx.onProgress;
    if (!onProgress) return;
    const step = total > 0 ? Math.floor((done / total) * PROGRESS_STEPS) : PROGRESS_STEPS;
    if (phase === this.lastPhase && step === this.lastStep) return;
    this.lastPhase = phase;
    this.lastStep = step;
    onProgress({ phase, done, total });
  }
}
