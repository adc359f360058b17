/**
 * How faithful a 2-D layout is. `trustworthiness` is scikit-learn's definition (Venna & Kaski):
 * it penalises points that are 2-D neighbours without being high-dimensional ones, by how far down
 * the high-dimensional ranking they sit. `knnAgreement` checks that 2-D neighbours share a label.
 */
import { sampleIndices } from "../random";
import type { Metric } from "../types";
import type { VectorMatrix } from "./types";

export interface QualityOptions {
  /** High-dimensional metric (scikit-learn's default: euclidean). */
  metric?: Metric;
  /** Seed of the row sample when `sampleRows` < N. */
  seed?: number;
}

function rowDistances(high: VectorMatrix, i: number, metric: Metric, norms: Float64Array | null, out: Float64Array): void {
  const { data, n, dims } = high;
  const bi = i * dims;
  for (let j = 0; j < n; j++) {
    const bj = j * dims;
    let s = 0;
    if (metric === "euclidean") {
      for (let c = 0; c < dims; c++) s += (data[bi + c] - data[bj + c]) ** 2;
      out[j] = s;
    } else if (metric === "manhattan") {
      for (let c = 0; c < dims; c++) s += Math.abs(data[bi + c] - data[bj + c]);
      out[j] = s;
    } else {
      for (let c = 0; c < dims; c++) s += data[bi + c] * data[bj + c];
      out[j] = metric === "cosine" ? 1 - s / (Math.sqrt(norms![i] * norms![j]) || 1) : 1 - s;
    }
  }
}

/** Indices of the k nearest 2-D neighbours of point i (self excluded), nearest first. */
export function lowNeighbours(low: Float32Array, n: number, i: number, k: number): Int32Array {
  const bestD = new Float64Array(k).fill(Infinity);
  const bestJ = new Int32Array(k).fill(-1);
  const xi = low[2 * i];
  const yi = low[2 * i + 1];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const d = (low[2 * j] - xi) ** 2 + (low[2 * j + 1] - yi) ** 2;
    if (d >= bestD[k - 1]) continue;
    let p = k - 1;
    while (p > 0 && bestD[p - 1] > d) {
      bestD[p] = bestD[p - 1];
      bestJ[p] = bestJ[p - 1];
      p--;
    }
    bestD[p] = d;
    bestJ[p] = j;
  }
  return bestJ;
}

function rowsToScore(n: number, sampleRows: number | undefined, seed: number): ArrayLike<number> {
  if (sampleRows === undefined || sampleRows >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  return sampleIndices(n, Math.max(1, Math.floor(sampleRows)), seed);
}

/**
 * scikit-learn's `trustworthiness(X, X_embedded, n_neighbors=k)`, in [0, 1] (1 = every 2-D
 * neighbour is also a high-D neighbour). Requires k < N / 2. With `sampleRows`, the sum runs over
 * a seeded sample of rows and is normalised by the sample size (an unbiased estimate), which makes
 * it O(sample · N · D) instead of O(N² · D).
 */
export function trustworthiness(high: VectorMatrix, low: Float32Array, k: number, sampleRows?: number, options: QualityOptions = {}): number {
  const { n, dims } = high;
  if (!(k >= 1 && k < n / 2)) throw new RangeError(`trustworthiness needs 1 <= k < N/2 (k=${k}, N=${n})`);
  const metric = options.metric ?? "euclidean";
  let norms: Float64Array | null = null;
  if (metric === "cosine") {
    norms = new Float64Array(n);
    for (let r = 0; r < n; r++) for (let c = 0; c < dims; c++) norms[r] += high.data[r * dims + c] ** 2;
  }
  const rows = rowsToScore(n, sampleRows, options.seed ?? 0);
  const dist = new Float64Array(n);
  let penalty = 0;
  for (let s = 0; s < rows.length; s++) {
    const i = rows[s];
    rowDistances(high, i, metric, norms, dist);
    for (const j of lowNeighbours(low, n, i, k)) {
      // Rank of j in i's high-D order (1 = nearest), ties broken by index as a stable sort would.
      let rank = 1;
      const dj = dist[j];
      for (let l = 0; l < n; l++) {
        if (l === i || l === j) continue;
        if (dist[l] < dj || (dist[l] === dj && l < j)) rank++;
      }
      if (rank > k) penalty += rank - k;
    }
  }
  return 1 - (2 / (rows.length * k * (2 * n - 3 * k - 1))) * penalty;
}

/**
 * Mean fraction of each point's k nearest 2-D neighbours that carry the same label. O(N² ) over
 * the scored rows; pass `sampleRows` for large N.
 */
export function knnAgreement(labels: ArrayLike<number>, coords: Float32Array, k: number, sampleRows?: number, seed = 0): number {
  const n = labels.length;
  const kk = Math.min(k, n - 1);
  if (kk < 1) return 1;
  const rows = rowsToScore(n, sampleRows, seed);
  let same = 0;
  for (let s = 0; s < rows.length; s++) {
    const i = rows[s];
    for (const j of lowNeighbours(coords, n, i, kk)) if (labels[j] === labels[i]) same++;
  }
  return same / (rows.length * kk);
}
