/** The one interface every vector source implements: describe, async batches, optional search. */
import type { Metric, Payload, SourceSpec } from "../types";

export interface SourceInfo {
  kind: SourceSpec["kind"];
  /** Shown and stored: file path, `demo`, or URL without credentials. */
  uri: string;
  collection: string | null;
  /** Named vector used, or null for the default/unnamed one. */
  vectorName: string | null;
  /** Total number of points in the source (the collection or the file). */
  count: number;
  dims: number;
  distance: Metric | null;
  /** Human notes, e.g. "sparse vector 'bm25' skipped". */
  notes: string[];
}

export interface PointBatch {
  ids: string[];
  /** Row-major, ids.length × dims. */
  vectors: Float32Array;
  payloads: Payload[];
}

export interface ReadOptions {
  /** At most this many points; if the source has more, a uniform sample reproducible with `seed`. */
  limit: number;
  seed: number;
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each batch: points delivered so far, points that will be delivered. */
  onProgress?: (fetched: number, expected: number) => void;
}

export interface VectorSource {
  describe(signal?: AbortSignal): Promise<SourceInfo>;
  /** Yields min(limit, count) points in a deterministic order. Validates vectors (finite, same dims). */
  read(options: ReadOptions): AsyncIterable<PointBatch>;
  /** Nearest neighbours of `vector` in the source itself (Qdrant search). Absent for files. */
  search?(vector: Float32Array, k: number, signal?: AbortSignal): Promise<{ id: string; score: number }[]>;
  close(): Promise<void>;
}
