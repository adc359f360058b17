/**
 * k nearest neighbours of every row (self excluded), the input of UMAP's graph and t-SNE's P.
 * Exact blocked brute force for small N (and for manhattan, which HNSW does not offer);
 * approximate HNSW through usearch for larger N. Distances are in the metric's own units:
 * cosine 1 − cos, euclidean ‖a − b‖, manhattan Σ|aᵢ − bᵢ|, dot 1 − a·b (usearch's "ip").
 */
import type { Metric } from "../types";
import { Pacer } from "./pacer";
import type { ReduceContext, VectorMatrix } from "./types";

export interface KnnGraph {
  /** N×k row-major neighbour indices, nearest first. */
  indices: Int32Array;
  /** N×k distances matching `indices`. */
  distances: Float32Array;
  k: number;
  method: "exact" | "hnsw";
}

export interface KnnOptions {
  /** "auto" (default): exact up to EXACT_KNN_MAX_N points or for manhattan, HNSW above. */
  method?: "auto" | "exact" | "hnsw";
}

/** Exact kNN up to here: ≈ N²·D/2 multiply-adds, about 3 s at 5,000 × 384 on one core. */
export const EXACT_KNN_MAX_N = 5000;

/** HNSW build/search settings: fixed, so the graph depends on the data alone. */
export const HNSW_CONFIG = { connectivity: 16, expansionAdd: 128, minExpansionSearch: 64 } as const;

const QUERY_BLOCK = 32;
const CANDIDATE_BLOCK = 256;
const HNSW_CHUNK = 1000;

/** Unit rows for cosine (zero rows stay zero, so their distance to anything is 1). */
export function normalizedRows(input: VectorMatrix): Float32Array {
  const { data, n, dims } = input;
  const out = new Float32Array(n * dims);
  for (let r = 0; r < n; r++) {
    const base = r * dims;
    let s = 0;
    for (let c = 0; c < dims; c++) s += data[base + c] * data[base + c];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < dims; c++) out[base + c] = data[base + c] * inv;
  }
  return out;
}

function squaredNorms(data: Float32Array, n: number, dims: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < dims; c++) s += data[r * dims + c] * data[r * dims + c];
    out[r] = s;
  }
  return out;
}

/** Bounded max-heaps, one per row, in flat arrays: the k best candidates seen so far. */
class NeighbourHeaps {
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  readonly size: Int32Array;

  constructor(
    n: number,
    readonly k: number,
  ) {
    this.dist = new Float64Array(n * k);
    this.idx = new Int32Array(n * k);
    this.size = new Int32Array(n);
  }

  push(row: number, d: number, j: number): void {
    const k = this.k;
    const base = row * k;
    const dist = this.dist;
    const idx = this.idx;
    let size = this.size[row];
    if (size < k) {
      let pos = size++;
      this.size[row] = size;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (dist[base + parent] >= d) break;
        dist[base + pos] = dist[base + parent];
        idx[base + pos] = idx[base + parent];
        pos = parent;
      }
      dist[base + pos] = d;
      idx[base + pos] = j;
      return;
    }
    if (d >= dist[base]) return;
    let pos = 0;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= k) break;
      const right = left + 1;
      const child = right < k && dist[base + right] > dist[base + left] ? right : left;
      if (dist[base + child] <= d) break;
      dist[base + pos] = dist[base + child];
      idx[base + pos] = idx[base + child];
      pos = child;
    }
    dist[base + pos] = d;
    idx[base + pos] = j;
  }

  /** Rows sorted nearest first (ties by index, so the order never depends on arrival). */
  toGraph(n: number): KnnGraph {
    const k = this.k;
    const indices = new Int32Array(n * k);
    const distances = new Float32Array(n * k);
    const order = new Int32Array(k);
    for (let r = 0; r < n; r++) {
      const base = r * k;
      for (let t = 0; t < k; t++) order[t] = t;
      order.sort((a, b) => this.dist[base + a] - this.dist[base + b] || this.idx[base + a] - this.idx[base + b]);
      for (let t = 0; t < k; t++) {
        indices[base + t] = this.idx[base + order[t]];
        distances[base + t] = this.dist[base + order[t]];
      }
    }
    return { indices, distances, k, method: "exact" };
  }
}

type PairKernel = (a: number, b: number) => number;

/** The rows a metric computes on: unit rows for cosine, squared norms for euclidean. */
interface PreparedRows {
  x: Float32Array;
  dims: number;
  norms: Float64Array | null;
  metric: Metric;
}

function prepareRows(input: VectorMatrix, metric: Metric): PreparedRows {
  const x = metric === "cosine" ? normalizedRows(input) : input.data;
  return { x, dims: input.dims, metric, norms: metric === "euclidean" ? squaredNorms(x, input.n, input.dims) : null };
}

/** Turns an inner product (or an L1 sum) of rows a and b into the metric's distance. */
function finishDistance(rows: PreparedRows, raw: number, a: number, b: number): number {
  if (rows.metric === "manhattan") return raw;
  if (rows.norms) return Math.sqrt(Math.max(0, rows.norms[a] + rows.norms[b] - 2 * raw));
  return 1 - raw;
}

/** Distance between two rows, one pair at a time (edges of tiles, single-row fallbacks). */
function pairDistance(rows: PreparedRows): PairKernel {
  const { x, dims } = rows;
  if (rows.metric === "manhattan") {
    return (a, b) => {
      const ab = a * dims;
      const bb = b * dims;
      let s = 0;
      for (let c = 0; c < dims; c++) s += Math.abs(x[ab + c] - x[bb + c]);
      return s;
    };
  }
  return (a, b) => {
    const ab = a * dims;
    const bb = b * dims;
    let s0 = 0;
    let s1 = 0;
    let c = 0;
    for (; c + 1 < dims; c += 2) {
      s0 += x[ab + c] * x[bb + c];
      s1 += x[ab + c + 1] * x[bb + c + 1];
    }
    if (c < dims) s0 += x[ab + c] * x[bb + c];
    return finishDistance(rows, s0 + s1, a, b);
  };
}

/**
 * Inner products (or L1 distances) of rows a0, a0+1 against b0, b0+1 at once: four sums from four
 * loads per dimension instead of one from two, which doubles the brute-force throughput.
 */
function tile2x2(x: Float32Array, dims: number, a0: number, b0: number, l1: boolean, out: Float64Array): void {
  const a = a0 * dims;
  const a2 = a + dims;
  const b = b0 * dims;
  const b2 = b + dims;
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  if (l1) {
    for (let c = 0; c < dims; c++) {
      const xa = x[a + c];
      const xa2 = x[a2 + c];
      const xb = x[b + c];
      const xb2 = x[b2 + c];
      s00 += Math.abs(xa - xb);
      s01 += Math.abs(xa - xb2);
      s10 += Math.abs(xa2 - xb);
      s11 += Math.abs(xa2 - xb2);
    }
  } else {
    for (let c = 0; c < dims; c++) {
      const xa = x[a + c];
      const xa2 = x[a2 + c];
      const xb = x[b + c];
      const xb2 = x[b2 + c];
      s00 += xa * xb;
      s01 += xa * xb2;
      s10 += xa2 * xb;
      s11 += xa2 * xb2;
    }
  }
  out[0] = s00;
  out[1] = s01;
  out[2] = s10;
  out[3] = s11;
}

/** Brute force over the upper triangle in tiles; each pair's distance feeds both rows' heaps. */
async function exactKnn(input: VectorMatrix, k: number, metric: Metric, pacer: Pacer): Promise<KnnGraph> {
  const { n, dims } = input;
  const heaps = new NeighbourHeaps(n, k);
  const rows = prepareRows(input, metric);
  const distance = pairDistance(rows);
  const l1 = metric === "manhattan";
  const x = rows.x;
  const toDistance = (raw: number, a: number, b: number): number => finishDistance(rows, raw, a, b);
  const sums = new Float64Array(4);
  const visit = (a: number, b: number, d: number): void => {
    heaps.push(a, d, b);
    heaps.push(b, d, a);
  };
  const totalWork = (n * (n - 1)) / 2;
  let doneWork = 0;
  for (let q0 = 0; q0 < n; q0 += QUERY_BLOCK) {
    const q1 = Math.min(n, q0 + QUERY_BLOCK);
    for (let c0 = q0; c0 < n; c0 += CANDIDATE_BLOCK) {
      const c1 = Math.min(n, c0 + CANDIDATE_BLOCK);
      for (let a = q0; a < q1; a += 2) {
        const pairOfRows = a + 1 < q1;
        let b = Math.max(c0, a + 1);
        if (pairOfRows) {
          // Row a+1 against b = a+1 is itself; handle the first partner singly to keep pairs aligned.
          if (b === a + 1 && b < c1) {
            visit(a, b, distance(a, b));
            b++;
          }
          for (; b + 1 < c1; b += 2) {
            tile2x2(x, dims, a, b, l1, sums);
            visit(a, b, toDistance(sums[0], a, b));
            visit(a, b + 1, toDistance(sums[1], a, b + 1));
            visit(a + 1, b, toDistance(sums[2], a + 1, b));
            visit(a + 1, b + 1, toDistance(sums[3], a + 1, b + 1));
          }
          for (; b < c1; b++) {
            visit(a, b, distance(a, b));
            visit(a + 1, b, distance(a + 1, b));
          }
        } else {
          for (; b < c1; b++) visit(a, b, distance(a, b));
        }
      }
      await pacer.pace();
    }
    for (let a = q0; a < q1; a++) doneWork += n - 1 - a;
    pacer.progress("knn", doneWork, totalWork);
  }
  return heaps.toGraph(n);
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
async function hnswKnn(input: VectorMatrix, k: number, metric: Exclude<Metric, "manhattan">, pacer: Pacer): Promise<KnnGraph> {
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
  for (let start = 0; start < n; start += HNSW_CHUNK) {
    const end = Math.min(n, start + HNSW_CHUNK);
    const keys = new BigUint64Array(end - start);
    for (let i = start; i < end; i++) keys[i - start] = BigInt(i);
    index.add(keys, vectors.subarray(start * dims, end * dims), 1);
    pacer.progress("knn", end, total);
    await pacer.pace();
  }
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  let exactFallback: PairKernel | null = null;
  const want = Math.min(n, k + 1);
  for (let start = 0; start < n; start += HNSW_CHUNK) {
    const end = Math.min(n, start + HNSW_CHUNK);
    // Typed as Matches, but several queries come back as BatchMatches (with counts); one query has none.
    const found = index.search(vectors.subarray(start * dims, end * dims), want, 1) as unknown as SearchResult;
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
  }
  return { indices, distances, k, method: "hnsw" };
}

/** Rare HNSW miss (a row with fewer than k results): that one row by brute force. */
function fillRowExactly(q: number, n: number, k: number, distance: PairKernel, indices: Int32Array, distances: Float32Array): void {
  const heaps = new NeighbourHeaps(1, k);
  for (let j = 0; j < n; j++) if (j !== q) heaps.push(0, distance(q, j), j);
  const row = heaps.toGraph(1);
  indices.set(row.indices, q * k);
  distances.set(row.distances, q * k);
}

/** The k (clamped to N − 1) nearest neighbours of every row, excluding the row itself. */
export async function knn(input: VectorMatrix, k: number, metric: Metric, ctx: ReduceContext, options: KnnOptions = {}): Promise<KnnGraph> {
  const pacer = new Pacer(ctx);
  pacer.check();
  const kk = Math.max(0, Math.min(Math.floor(k), input.n - 1));
  const method = options.method ?? "auto";
  if (kk === 0) return { indices: new Int32Array(0), distances: new Float32Array(0), k: 0, method: "exact" };
  pacer.progress("knn", 0, 1);
  if (metric !== "manhattan" && (method === "hnsw" || (method === "auto" && input.n > EXACT_KNN_MAX_N))) {
    return hnswKnn(input, kk, metric, pacer);
  }
  return exactKnn(input, kk, metric, pacer);
}
