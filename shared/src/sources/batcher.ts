/**
 * Collects points into fixed-size `PointBatch`es and validates each batch as it closes. Every
 * source feeds rows here, so the checks (same dims, finite values, plain payloads) are the same
 * whichever format the points came from.
 */
import { throwIfAborted } from "../errors";
import { sampleIndices } from "../random";
import type { Payload } from "../types";
import type { PointBatch } from "./source";
import { checkLimit, checkSameDims, firstNonFinite, nonFiniteError, toPayload } from "./validate";

export const DEFAULT_BATCH_SIZE = 1000;

export class BatchBuilder {
  private ids: string[] = [];
  private payloads: Payload[] = [];
  private rows: Float64Array;
  private vectors: Float32Array;
  private count = 0;

  constructor(
    readonly dims: number,
    readonly batchSize: number,
    /** Names the source in error messages. */
    private readonly where: string,
  ) {
    this.rows = new Float64Array(batchSize);
    this.vectors = new Float32Array(batchSize * dims);
  }

  /**
   * Copies `length` values of `values` starting at `offset` as the vector of point `id`
   * (0-based source position `row`). Returns a batch when this point filled one.
   */
  add(id: string, row: number, values: ArrayLike<number>, offset: number, length: number, payload: unknown): PointBatch | null {
    checkSameDims(length, this.dims, id, row, this.where);
    const base = this.count * this.dims;
    const out = this.vectors;
    for (let j = 0; j < length; j++) out[base + j] = values[offset + j];
    this.ids.push(id);
    this.payloads.push(toPayload(payload));
    this.rows[this.count] = row;
    this.count++;
    return this.count === this.batchSize ? this.take() : null;
  }

  /** The last, partial batch (or null when nothing is pending). */
  flush(): PointBatch | null {
    return this.count > 0 ? this.take() : null;
  }

  private take(): PointBatch {
    const n = this.count;
    const bad = firstNonFinite(this.vectors, n * this.dims);
    if (bad >= 0) {
      const point = Math.floor(bad / this.dims);
      throw nonFiniteError(this.vectors[bad], this.ids[point], this.rows[point], bad % this.dims, this.where);
    }
    const batch: PointBatch = {
      ids: this.ids,
      vectors: n === this.batchSize ? this.vectors : this.vectors.slice(0, n * this.dims),
      payloads: this.payloads,
    };
    // The consumer keeps the batch: start over with fresh buffers.
    this.ids = [];
    this.payloads = [];
    this.vectors = new Float32Array(this.batchSize * this.dims);
    this.count = 0;
    return batch;
  }
}

/** What a `read` will deliver: how many points, and which positions when sampling. */
export interface ReadPlan {
  expected: number;
  /** Ascending 0-based positions to read, or null for "all of them, in order". */
  positions: Uint32Array | null;
}

export function planRead(total: number, limit: number, seed: number): ReadPlan {
  const k = checkLimit(limit);
  if (total <= k) return { expected: total, positions: null };
  return { expected: k, positions: sampleIndices(total, k, seed) };
}

export function batchSizeOf(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_BATCH_SIZE;
  return Number.isInteger(requested) && requested > 0 ? requested : DEFAULT_BATCH_SIZE;
}

/**
 * Wraps a source's batch stream: stops with CancelledError between batches once `signal` is
 * aborted and reports `onProgress(fetched, expected)` for every batch.
 */
export async function* deliver(
  batches: AsyncIterable<PointBatch>,
  expected: number,
  options: { signal?: AbortSignal; onProgress?: (fetched: number, expected: number) => void },
): AsyncGenerator<PointBatch> {
  let fetched = 0;
  throwIfAborted(options.signal);
  for await (const batch of batches) {
    throwIfAborted(options.signal);
    fetched += batch.ids.length;
    options.onProgress?.(fetched, expected);
    yield batch;
  }
}
