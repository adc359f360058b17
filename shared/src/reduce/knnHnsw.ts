/**
 * Approximate kNN through usearch's HNSW index, single-threaded so that the graph — and so every
 * layout built on it — depends on the data alone.
 */
import type { Metric } from "../types";
import type { KnnGraph } from "./knn";
import { fillRowExactly } from "./knnExact";
import { normalizedRows, pairDistance, squaredNorms, type PairKernel } from "./knnRows";
import type { Pacer } from "./pacer";
import type { VectorMatrix } from "./types";

/** HNSW build/search settings: fixed, so the graph depends on the data alone. */
export const HNSW_CONFIG = { connectivity: 16, expansionAdd: 128, minExpansionSearch: 64 } as const;

/** Native add/search calls cannot yield; size them to take about this long (results do not depend on it). */
const CALL_BUDGET_MS = 25;

/** Rows per native call, adapted to the measured speed so that each call stays within the budget. */
class CallSizer {
  size = 32;
  timed<T>(call: () => T): T {
    const started = performance.now();
    const result = call();
    const took = Math.max(performance.now() - started, 0.1);
    // At most doubling: insertion slows down as the graph grows, so do not overshoot.
    this.size = Math.max(8, Math.min(4096, 2 * this.size, Math.round((this.size * CALL_BUDGET_MS) / took)));
    return result;
  }
}

type UsearchModule = typeof import("usearch");
type SearchResult = { keys: BigUint64Array; distances: Float32Array; counts?: BigUint64Array };

let usearchModule: Promise<UsearchModule> | null = null;
/** Loaded on first use: a native module that PCA-only runs never need. */
function loadUsearch(): Promise<UsearchModule> {
  usearchModule ??= import("usearch");
  return usearchModule;
}

/** HNSW with one thread: usearch's multi-threaded insertion order varies, and results must not. */
export async function hnswKnn(input: VectorMatrix, k: number, metric: Exclude<Metric, "manhattan">, pacer: Pacer): Promise<KnnGraph> {
  const { n, dims } = input;
  const usearch = await loadUsearch();
  // Cosine as inner product on unit rows: same ordering, and zero vectors stay well defined.
  const vectors = metric === "cosine" ? normalizedRows(input) : input.data;
  const usearchMetric = metric === "euclidean" ? usearch.MetricKind.L2sq : usearch.MetricKind.IP;
  const index = new usearch.Index({
    dimensions: dims,
    metric: usearchMetric,
    quantization: usearch.ScalarKind.F32,
    connectivity: HNSW_CONFIG.connectivity,
    expansion_add: HNSW_CONFIG.expansionAdd,
    expansion_search: Math.max(HNSW_CONFIG.minExpansionSearch, 2 * (k + 1)),
    multi: false,
  });
  const total = 2 * n;
  const adding = new CallSizer();
  for (let start = 0; start < n; ) {
    const end = Math.min(n, start + adding.size);
    const keys = new BigUint64Array(end - start);
    for (let i = start; i < end; i++) keys[i - start] = BigInt(i);
    // Single-threaded insertion in index order: the same graph whatever the call sizes.
    adding.timed(() => index.add(keys, vectors.subarray(start * dims, end * dims), 1));
    pacer.progress("knn", end, total);
    await pacer.pace();
    start = end;
  }
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  let exactFallback: PairKernel | null = null;
  const want = Math.min(n, k + 1);
  const searching = new CallSizer();
  for (let start = 0; start < n; ) {
    const end = Math.min(n, start + searching.size);
    // Typed as Matches, but several queries come back as BatchMatches (with counts); one query has none.
    const found = searching.timed(() => index.search(vectors.subarray(start * dims, end * dims), want, 1)) as unknown as SearchResult;
    const counts = found.counts ?? BigUint64Array.of(BigInt(found.keys.length));
    for (let q = start; q < end; q++) {
      const rowBase = (q - start) * want;
      const available = Number(counts[q - start]);
      let taken = 0;
      for (let t = 0; t < available && taken < k; t++) {
        const key = Number(found.keys[rowBase + t]);
        if (key === q) continue;
        indices[q * k + taken] = key;
        const d = found.distances[rowBase + t];
        distances[q * k + taken] = metric === "euclidean" ? Math.sqrt(Math.max(0, d)) : d;
        taken++;
      }
      if (taken < k) {
        exactFallback ??= pairDistance({ x: vectors, dims, metric, norms: metric === "euclidean" ? squaredNorms(vectors, n, dims) : null });
        fillRowExactly(q, n, k, exactFallback, indices, distances);
      }
    }
    pacer.progress("knn", n + end, total);
    await pacer.pace();
    start = end;
  }
  return { indices, distances, k, method: "hnsw" };
}
