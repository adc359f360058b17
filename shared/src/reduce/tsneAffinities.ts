/**
 * t-SNE's input affinities P, as scikit-learn builds them for Barnes-Hut: conditional
 * probabilities over each point's ⌊3·perplexity + 1⌋ nearest neighbours with a per-point precision
 * β found by bisection to match the perplexity, then P = (P + Pᵀ) / Σ.
 *
 * Built in the kNN graph's own arrays (memory: 200,000 points × 91 neighbours): each row's
 * conditional weights overwrite its distances (Float32), the row is sorted by neighbour index, and
 * every forward edge i → j then holds pᵢⱼ = (p(j|i) + p(i|j)) / Σ — with p(i|j) found by binary
 * search in row j, 0 when i is not among j's neighbours. The edges j → i whose reverse i → j is
 * missing are listed per row i (source, weight). A row's forward edges plus its listed ones are
 * exactly row i of the symmetric P, each pair once.
 */
import type { Metric } from "../types";
import type { KnnGraph } from "./knn";
import type { Pacer } from "./pacer";
import { partRange, sharedFloat32, sharedInt32 } from "./sharedArrays";
import type { Kernel, Team } from "./team";

const ENTROPY_TOLERANCE = 1e-5;
const BISECTION_STEPS = 100;
/** Rows calibrated per thread between two abort checks (≈ 30 µs a row at k = 91). */
const ROWS_PER_CALL = 1024;
/** Rows of the sequential passes (sum, reverse index) between two abort checks. */
const ROWS_PER_PACE = 4096;

export interface Affinities {
  n: number;
  k: number;
  /** N×k neighbours, ascending within each row; a missing neighbour is the row itself with weight 0. */
  indices: Int32Array;
  /** N×k joint pᵢⱼ of each forward edge (P sums to 1 over both halves below). */
  values: Float32Array;
  /** Row i's other entries: sources revSrc[revStart[i] … revStart[i + 1]) with weights revVal. */
  revStart: Int32Array;
  revSrc: Int32Array;
  revVal: Float32Array;
}

/** Neighbours t-SNE needs for a perplexity (scikit-learn: min(N − 1, ⌊3·perplexity + 1⌋)). */
export function tsneNeighbourCount(n: number, perplexity: number): number {
  return Math.max(1, Math.min(n - 1, Math.floor(3 * perplexity + 1)));
}

/** Perplexity the data allows: at most (N − 1) / 3, so the neighbour set can carry it. */
export function effectivePerplexity(n: number, requested: number): number {
  return Math.min(requested, Math.max((n - 1) / 3, 1e-3));
}

/**
 * Calibrates one row: `d` holds the row's k distances (already squared for euclidean), `p` gets
 * P(j|i), summing to 1 with entropy log(perplexity). Distances are shifted by the row minimum
 * first: P(j|i) does not change, exp() no longer underflows.
 */
function calibrateRow(d: Float64Array, p: Float64Array, k: number, desiredEntropy: number): void {
  let min = Infinity;
  for (let t = 0; t < k; t++) if (d[t] < min) min = d[t];
  for (let t = 0; t < k; t++) d[t] -= min;
  let beta = 1;
  let betaMin = -Infinity;
  let betaMax = Infinity;
  for (let step = 0; step < BISECTION_STEPS; step++) {
    let sum = 0;
    for (let t = 0; t < k; t++) {
      const v = Math.exp(-d[t] * beta);
      p[t] = v;
      sum += v;
    }
    let weighted = 0;
    for (let t = 0; t < k; t++) {
      p[t] /= sum;
      weighted += d[t] * p[t];
    }
    const entropy = Math.log(sum) + beta * weighted;
    const diff = entropy - desiredEntropy;
    if (Math.abs(diff) <= ENTROPY_TOLERANCE) break;
    if (diff > 0) {
      betaMin = beta;
      beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
    } else {
      betaMax = beta;
      beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
    }
  }
}

/**
 * Conditional P(j|i) for each row of the kNN graph (N×k), each row summing to 1 with entropy
 * log(perplexity). scikit-learn squares euclidean distances and uses other metrics as they are.
 */
export async function conditionalProbabilities(graph: KnnGraph, n: number, perplexity: number, metric: Metric, pacer?: Pacer): Promise<Float64Array> {
  const { k, distances } = graph;
  const p = new Float64Array(n * k);
  const d = new Float64Array(k);
  const desiredEntropy = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    if (pacer && (i & 255) === 0) await pacer.pace();
    for (let t = 0; t < k; t++) {
      const raw = distances[i * k + t];
      d[t] = metric === "euclidean" ? raw * raw : raw;
    }
    calibrateRow(d, p.subarray(i * k, (i + 1) * k), k, desiredEntropy);
  }
  return p;
}

/**
 * Kernel: rows [from, to) split over the parts; replaces each row's distances in `values` by
 * P(j|i) (Float32), and points missing neighbours (index < 0 or the row itself) at the row with
 * weight 0.
 */
export const tsneConditional: Kernel = (raw, part, parts) => {
  const { indices, values, k, from, to, square, perplexity } = raw as {
    indices: Int32Array;
    values: Float32Array;
    k: number;
    from: number;
    to: number;
    square: boolean;
    perplexity: number;
  };
  const [start, end] = partRange(to - from, part, parts);
  const d = new Float64Array(k);
  const p = new Float64Array(k);
  const desiredEntropy = Math.log(perplexity);
  for (let i = from + start; i < from + end; i++) {
    const base = i * k;
    let valid = 0;
    for (let t = 0; t < k; t++) {
      const j = indices[base + t];
      const v = values[base + t];
      if (j < 0 || j === i || !Number.isFinite(v)) continue;
      // Valid neighbours first (kNN rows put missing ones last), compacted in place.
      indices[base + valid] = j;
      d[valid++] = square ? v * v : v;
    }
    if (valid > 0) calibrateRow(d, p, valid, desiredEntropy);
    for (let t = 0; t < valid; t++) values[base + t] = p[t];
    for (let t = valid; t < k; t++) {
      indices[base + t] = i;
      values[base + t] = 0;
    }
    // Insertion sort of the row by neighbour index (pairs); k is small.
    for (let a = base + 1; a < base + k; a++) {
      const j = indices[a];
      const v = values[a];
      let b = a - 1;
      while (b >= base && indices[b] > j) {
        indices[b + 1] = indices[b];
        values[b + 1] = values[b];
        b--;
      }
      indices[b + 1] = j;
      values[b + 1] = v;
    }
  }
};

/** Position of `target` in the sorted row `row` of `indices` (N×k), or −1. */
function findInRow(indices: Int32Array, k: number, row: number, target: number): number {
  let lo = row * k;
  let hi = lo + k;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indices[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo < row * k + k && indices[lo] === target ? lo : -1;
}

/**
 * Kernel: rows [from, to) split over the parts (rows sorted by tsneConditional). A mutual pair
 * i → j, j → i (i < j) is settled by row i: both edges get (p(j|i) + p(i|j))·scale. Other edges
 * get their own weight·scale and are flagged (one bit per edge in `flags`): row j must list them.
 */
export const tsneSymmetrize: Kernel = (raw, part, parts) => {
  const { indices, values, flags, k, from, to, scale } = raw as {
    indices: Int32Array;
    values: Float32Array;
    flags: Int32Array;
    k: number;
    from: number;
    to: number;
    scale: number;
  };
  const [start, end] = partRange(to - from, part, parts);
  for (let i = from + start; i < from + end; i++) {
    for (let e = i * k, stop = e + k; e < stop; e++) {
      const j = indices[e];
      if (j === i) continue; // padding: weight 0
      const back = findInRow(indices, k, j, i);
      if (back < 0) {
        values[e] *= scale;
        if (values[e] > 0) Atomics.or(flags, e >>> 5, 1 << (e & 31)); // a word may span two parts' rows
      } else if (i < j) {
        const sum = (values[e] + values[back]) * scale;
        values[e] = sum;
        values[back] = sum;
      }
    }
  }
};

/**
 * The joint P of the kNN graph, built in the graph's own arrays (which it takes over: `indices`
 * and `distances` must be the team's shared arrays when the team has workers). Rows are calibrated
 * in parallel; the sum and the reverse index are sequential. Reports progress as "graph".
 */
export async function buildAffinities(
  indices: Int32Array,
  distances: Float32Array,
  n: number,
  k: number,
  perplexity: number,
  metric: Metric,
  team: Team,
  pacer: Pacer,
): Promise<Affinities> {
  const values = distances;
  const rowsPerCall = ROWS_PER_CALL * team.size;
  for (let from = 0; from < n; from += rowsPerCall) {
    const to = Math.min(n, from + rowsPerCall);
    await team.run("tsneConditional", { indices, values, k, from, to, square: metric === "euclidean", perplexity });
    pacer.progress("graph", to, 2 * n);
    await pacer.pace();
  }
  // Σ in row order (each row sums to ≈ 1; rows without neighbours to 0).
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (i % ROWS_PER_PACE === 0) await pacer.pace();
    for (let e = i * k, end = e + k; e < end; e++) total += values[e];
  }
  const scale = 1 / Math.max(2 * total, Number.EPSILON);
  const flags = sharedInt32(Math.ceil((n * k) / 32), team.shared);
  for (let from = 0; from < n; from += rowsPerCall) {
    const to = Math.min(n, from + rowsPerCall);
    await team.run("tsneSymmetrize", { indices, values, flags, k, from, to, scale });
    pacer.progress("graph", n + to / 2, 2 * n);
    await pacer.pace();
  }
  // The flagged edges i → j, listed under row j in the order of i.
  const revStart = sharedInt32(n + 1, team.shared);
  const flagged = (e: number): boolean => ((flags[e >>> 5] >>> (e & 31)) & 1) === 1;
  for (let e = 0; e < n * k; e++) if (flagged(e)) revStart[indices[e] + 1]++;
  for (let i = 0; i < n; i++) revStart[i + 1] += revStart[i];
  const revSrc = sharedInt32(revStart[n], team.shared);
  const revVal = sharedFloat32(revStart[n], team.shared);
  const fill = revStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    if (i % ROWS_PER_PACE === 0) await pacer.pace();
    for (let e = i * k, end = e + k; e < end; e++) {
      if (!flagged(e)) continue;
      const at = fill[indices[e]]++;
      revSrc[at] = i;
      revVal[at] = values[e];
    }
  }
  pacer.progress("graph", 2 * n, 2 * n);
  return { n, k, indices, values, revStart, revSrc, revVal };
}
