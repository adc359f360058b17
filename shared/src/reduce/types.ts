/**
 * The one interface every reducer implements (STYLE.md habit 3):
 * `(input, params, ctx) => Promise<ReducerResult>`; seeded; stops between epochs on abort.
 */
import type { LayoutQuality, ReducerName } from "../types";

/** Row-major N×D matrix. `data` may live in a SharedArrayBuffer. */
export interface VectorMatrix {
  data: Float32Array;
  n: number;
  dims: number;
}

export interface ReduceProgress {
  /** e.g. "knn", "graph", "embed", "pca". */
  phase: string;
  done: number;
  total: number;
}

export interface ReduceContext {
  /** Checked between epochs / blocks; the reducer throws CancelledError once aborted. */
  signal: AbortSignal;
  onProgress?: (p: ReduceProgress) => void;
  /** Seed for every random choice (default 42). Same seed + single thread → same layout. */
  seed: number;
  /**
   * Threads the reducer may use (default 1). One thread: the same seed gives the same layout, bit
   * for bit. More threads: see docs/reducers.md for what each reducer still guarantees.
   */
  threads?: number;
  /** The bundled reduce-worker.js that team members start from (default: found next to the bundle). */
  workerScript?: string;
}

export interface ReducerResult {
  /** Interleaved x0,y0,x1,y1… length 2N, all finite. */
  coords: Float32Array;
  /** What the run records: effective params, explained variance, KL divergence… */
  meta: Record<string, unknown>;
  /** The high-D kNN graph the reducer built (N×k, self excluded, nearest first), reused by the quality step. */
  neighbors?: { indices: Int32Array; k: number };
  /** Set by the quality step (layoutQuality.ts), never by a reducer: the run's `meta.quality`. */
  quality?: LayoutQuality;
  /** Set by the quality step: per-point neighbour preservation in [0, 1] (N values), when affordable. */
  neighborPreservation?: Float32Array;
}

export type Reducer<P> = (input: VectorMatrix, params: P, ctx: ReduceContext) => Promise<ReducerResult>;

export type { ReducerName };
