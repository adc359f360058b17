/**
 * Rows prepared for a metric and the pairwise distance on them, shared by the exact and the HNSW
 * kNN paths. Distances are in the metric's own units: cosine 1 − cos, euclidean ‖a − b‖,
 * manhattan Σ|aᵢ − bᵢ|, dot 1 − a·b (usearch's "ip").
 */
import type { Metric } from "../types";
import type { VectorMatrix } from "./types";

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

export function squaredNorms(data: Float32Array, n: number, dims: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < dims; c++) s += data[r * dims + c] * data[r * dims + c];
    out[r] = s;
  }
  return out;
}

export type PairKernel = (a: number, b: number) => number;

/** The rows a metric computes on: unit rows for cosine, squared norms for euclidean. */
export interface PreparedRows {
  x: Float32Array;
  dims: number;
  norms: Float64Array | null;
  metric: Metric;
}

export function prepareRows(input: VectorMatrix, metric: Metric): PreparedRows {
  const x = metric === "cosine" ? normalizedRows(input) : input.data;
  return { x, dims: input.dims, metric, norms: metric === "euclidean" ? squaredNorms(x, input.n, input.dims) : null };
}

/** Turns an inner product (or an L1 sum) of rows a and b into the metric's distance. */
export function finishDistance(rows: PreparedRows, raw: number, a: number, b: number): number {
  if (rows.metric === "manhattan") return raw;
  if (rows.norms) return Math.sqrt(Math.max(0, rows.norms[a] + rows.norms[b] - 2 * raw));
  return 1 - raw;
}

/** Distance between two rows, one pair at a time (edges of tiles, single-row fallbacks). */
export function pairDistance(rows: PreparedRows): PairKernel {
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
 * Offers candidate j at distance d to a best-k list kept sorted nearest first (`size` entries so
 * far; ties keep the lower index first) and returns the new size. For the small k of kNN rows.
 */
export function offerNearest(bestD: Float64Array, bestI: Int32Array, size: number, k: number, d: number, j: number): number {
  if (size === k && (d > bestD[k - 1] || (d === bestD[k - 1] && j >= bestI[k - 1]))) return size;
  let pos = size < k ? size++ : k - 1;
  while (pos > 0 && (bestD[pos - 1] > d || (bestD[pos - 1] === d && bestI[pos - 1] > j))) {
    bestD[pos] = bestD[pos - 1];
    bestI[pos] = bestI[pos - 1];
    pos--;
  }
  bestD[pos] = d;
  bestI[pos] = j;
  return size;
}
