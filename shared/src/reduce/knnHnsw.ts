/**
 * Approximate kNN through usearch's HNSW index over int8-quantised rows (half floats for dot), then an exact re-rank of
 * each row's candidates in the requested metric. Quantising first makes the graph 3–4× cheaper
 * to build and search (rows are 4× smaller, so far more of them stay in cache, and usearch's int8
 * kernels are SIMD); the re-rank restores the float32 ordering, so recall is what the float32
 * index gives (measured in docs/reducers.md).
 *
 * Rows are mapped into int8's range by a transform that keeps the metric's neighbour order:
 * cosine → unit rows; euclidean → centred, then one global scale; dot → one global scale.
 */
import type { Metric } from "../types";
import type { KnnGraph } from "./knn";
import { fillRowExactly } from "./knnExact";
import { offerNearest, pairDistance, prepareRows, squaredNorms, type PairKernel } from "./knnRows";
import type { Pacer } from "./pacer";
import { shareFloat32, shareFloat64, sharedFloat32, sharedInt32 } from "./sharedArrays";
import type { Kernel, Team } from "./team";
import type { VectorMatrix } from "./types";

/** HNSW build/search settings: fixed, so the graph depends on the data (and thread count) alone. */
export const HNSW_CONFIG = { connectivity: 12, expansionAdd: 48, minExpansionSearch: 32, minCandidates: 32 } as const;

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
    this.size = Math.max(8, Math.min(8192, 2 * this.size, Math.round((this.size * CALL_BUDGET_MS) / took)));
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

const METRIC_CODE = { euclidean: 0, cosine: 1, dot: 2 } as const;

/** How rows become int8-ready floats in [-1, 1]: x ↦ (x − shift) · scale (cosine: also ÷ ‖x‖). */
interface RowMap {
  shift: Float64Array | null;
  scale: number;
  unit: boolean;
}

function rowMap(input: VectorMatrix, metric: Exclude<Metric, "manhattan">): RowMap {
  const { data, n, dims } = input;
  if (metric === "cosine") return { shift: null, scale: 1, unit: true };
  let shift: Float64Array | null = null;
  if (metric === "euclidean") {
    shift = new Float64Array(dims);
    for (let r = 0; r < n; r++) for (let c = 0; c < dims; c++) shift[c] += data[r * dims + c];
    for (let c = 0; c < dims; c++) shift[c] /= n;
  }
  let maxAbs = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < dims; c++) {
      const v = Math.abs(data[r * dims + c] - (shift ? shift[c] : 0));
      if (v > maxAbs) maxAbs = v;
    }
  }
  return { shift, scale: maxAbs > 0 ? 1 / maxAbs : 1, unit: false };
}

/** Rows [start, end) mapped for the index, into `out` (reused between calls). */
function mapRows(input: VectorMatrix, map: RowMap, start: number, end: number, out: Float32Array): Float32Array {
  const { data, dims } = input;
  const rows = out.subarray(0, (end - start) * dims);
  for (let r = start; r < end; r++) {
    const src = r * dims;
    const dst = (r - start) * dims;
    let scale = map.scale;
    if (map.unit) {
      let s = 0;
      for (let c = 0; c < dims; c++) s += data[src + c] * data[src + c];
      scale = s > 0 ? 1 / Math.sqrt(s) : 0;
    }
    for (let c = 0; c < dims; c++) rows[dst + c] = (data[src + c] - (map.shift ? map.shift[c] : 0)) * scale;
  }
  return rows;
}

/**
 * HNSW kNN of every row (self excluded). One thread: the graph depends on the data alone, so the
 * result is the same on every run. Several threads (usearch's native threads for insertion and
 * search, the team for the re-rank): insertion interleaves, so individual neighbours — not the
 * recall — vary from run to run.
 */
export async function hnswKnn(input: VectorMatrix, k: number, metric: Exclude<Metric, "manhattan">, pacer: Pacer, team: Team): Promise<KnnGraph> {
  const { n, dims } = input;
  const usearch = await loadUsearch();
  const map = rowMap(input, metric);
  const want = Math.min(n, Math.max(HNSW_CONFIG.minCandidates, 2 * (k + 1)));
  const index = new usearch.Index({
    dimensions: dims,
    metric: metric === "euclidean" ? usearch.MetricKind.L2sq : usearch.MetricKind.IP,
    // usearch's int8 inner product normalises (it is a cosine), so dot keeps half precision.
    quantization: metric === "dot" ? usearch.ScalarKind.F16 : usearch.ScalarKind.I8,
    connectivity: HNSW_CONFIG.connectivity,
    expansion_add: HNSW_CONFIG.expansionAdd,
    expansion_search: Math.max(HNSW_CONFIG.minExpansionSearch, want),
    multi: false,
  });
  const threads = team.size;
  const total = 2 * n;
  const scratch = new Float32Array(8192 * dims);
  const adding = new CallSizer();
  for (let start = 0; start < n; ) {
    const end = Math.min(n, start + adding.size);
    const keys = new BigUint64Array(end - start);
    for (let i = start; i < end; i++) keys[i - start] = BigInt(i);
    const rows = mapRows(input, map, start, end, scratch);
    // One thread: insertion in index order, the same graph whatever the call sizes.
    adding.timed(() => index.add(keys, rows, threads));
    pacer.progress("knn", end, total);
    await pacer.pace();
    start = end;
  }

  const shared = team.shared;
  const indices = sharedInt32(n * k, shared);
  const distances = sharedFloat32(n * k, shared);
  const candidates = sharedInt32(8192 * want, shared);
  const counts = sharedInt32(8192, shared);
  const rerankArgs = {
    data: shareFloat32(input.data, shared),
    dims,
    metric: METRIC_CODE[metric],
    // Cosine divides by both norms; the other metrics do not need them.
    norms: shareFloat64(metric === "cosine" ? squaredNorms(input.data, n, dims) : new Float64Array(0), shared),
    candidates,
    counts,
    want,
    k,
    indices,
    distances,
    start: 0,
    end: 0,
  };
  let exactFallback: PairKernel | null = null;
  const searching = new CallSizer();
  for (let start = 0; start < n; ) {
    const end = Math.min(n, start + searching.size);
    const rows = mapRows(input, map, start, end, scratch);
    // Typed as Matches, but several queries come back as BatchMatches (with counts); one query has none.
    const found = searching.timed(() => index.search(rows, want, threads)) as unknown as SearchResult;
    const foundCounts = found.counts ?? BigUint64Array.of(BigInt(found.keys.length));
    for (let q = 0; q < end - start; q++) {
      counts[q] = Number(foundCounts[q]);
      for (let t = 0; t < counts[q]; t++) candidates[q * want + t] = Number(found.keys[q * want + t]);
    }
    rerankArgs.start = start;
    rerankArgs.end = end;
    await team.run("knnRerank", rerankArgs);
    for (let q = start; q < end; q++) {
      if (indices[q * k + k - 1] >= 0) continue;
      // Fewer than k candidates (tiny or degenerate data): this row by brute force.
      exactFallback ??= pairDistance(prepareRows(input, metric));
      fillRowExactly(q, n, k, exactFallback, indices, distances);
    }
    pacer.progress("knn", n + end, total);
    await pacer.pace();
    start = end;
  }
  return { indices, distances, k, method: "hnsw" };
}

/**
 * Team kernel: exact distances from each row of [start, end) (this part's share) to its HNSW
 * candidates, the k nearest kept in order (self excluded); a row with fewer than k candidates
 * gets −1 in its last slot for the caller to fill by brute force.
 */
export const knnRerank: Kernel = (args, part, parts) => {
  const data = args.data as Float32Array;
  const dims = args.dims as number;
  const metric = args.metric as number;
  const norms = args.norms as Float64Array;
  const candidates = args.candidates as Int32Array;
  const counts = args.counts as Int32Array;
  const want = args.want as number;
  const k = args.k as number;
  const indices = args.indices as Int32Array;
  const distances = args.distances as Float32Array;
  const start = args.start as number;
  const rows = (args.end as number) - start;
  const from = start + Math.floor((rows * part) / parts);
  const to = start + Math.floor((rows * (part + 1)) / parts);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let q = from; q < to; q++) {
    const local = q - start;
    const qb = q * dims;
    let size = 0;
    for (let t = 0; t < counts[local]; t++) {
      const j = candidates[local * want + t];
      if (j === q) continue;
      const jb = j * dims;
      let d: number;
      if (metric === 0) {
        let s0 = 0;
        let s1 = 0;
        let c = 0;
        for (; c + 1 < dims; c += 2) {
          const u = data[qb + c] - data[jb + c];
          const v = data[qb + c + 1] - data[jb + c + 1];
          s0 += u * u;
          s1 += v * v;
        }
        if (c < dims) s0 += (data[qb + c] - data[jb + c]) ** 2;
        d = Math.sqrt(s0 + s1);
      } else {
        let s0 = 0;
        let s1 = 0;
        let c = 0;
        for (; c + 1 < dims; c += 2) {
          s0 += data[qb + c] * data[jb + c];
          s1 += data[qb + c + 1] * data[jb + c + 1];
        }
        if (c < dims) s0 += data[qb + c] * data[jb + c];
        const dot = s0 + s1;
        if (metric === 1) {
          const nn = Math.sqrt(norms[q] * norms[j]);
          d = nn > 0 ? 1 - dot / nn : 1;
        } else d = 1 - dot;
      }
      size = offerNearest(bestD, bestI, size, k, d, j);
    }
    for (let t = 0; t < k; t++) {
      indices[q * k + t] = t < size ? bestI[t] : -1;
      distances[q * k + t] = t < size ? bestD[t] : 0;
    }
  }
};
