/**
 * The thread-team kernel of the layout-quality step (layoutQuality.ts): for a slice of sampled
 * rows, exact high-dimensional distances to every point (eight query rows per pass over the
 * matrix, which is what bounds the speed), then for each row scikit-learn's trustworthiness
 * penalty and how many of its nearest 2-D neighbours are also among its nearest high-D ones.
 *
 * Distances, ranks and ties are computed exactly as `trustworthiness()` in quality.ts does (same
 * operations in the same order), so summing the penalties gives the same number bit for bit.
 */
import { METRICS, type Metric } from "../types";
import { lowNeighbours } from "./quality";
import { partRange } from "./sharedArrays";
import type { Kernel } from "./team";

/** Query rows per pass over the data (the loop below is written out for 8). */
export const QUERY_BLOCK = 8;

/** Per-thread scratch: QUERY_BLOCK distance rows of N values, and the interleaved query rows. */
let scratch = new Float64Array(0);
let block = new Float64Array(0);

/** Σ data[r]² per row in Float64, as quality.ts accumulates them (the cosine denominators). */
export function rowSquaredNorms(data: Float32Array, n: number, dims: number, out: Float64Array): void {
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < dims; c++) s += data[r * dims + c] ** 2;
    out[r] = s;
  }
}

/**
 * Distances from the QUERY_BLOCK rows `q` to every row into out[b·N + j], in quality.ts's units
 * and summation order. The query rows are first copied, interleaved, into `block` (Float64, the
 * same values), so the inner loop reads one stream of the matrix and one small local array.
 */
function blockDistances(data: Float32Array, n: number, dims: number, metric: Metric, norms: Float64Array, q: Int32Array, block: Float64Array, out: Float64Array): void {
  for (let b = 0; b < QUERY_BLOCK; b++) for (let c = 0; c < dims; c++) block[c * QUERY_BLOCK + b] = data[q[b] * dims + c];
  const euclidean = metric === "euclidean";
  const manhattan = metric === "manhattan";
  const cosine = metric === "cosine";
  for (let j = 0; j < n; j++) {
    const bj = j * dims;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    if (euclidean) {
      for (let c = 0, o = 0; c < dims; c++, o += QUERY_BLOCK) {
        const x = data[bj + c];
        const d0 = block[o] - x, d1 = block[o + 1] - x, d2 = block[o + 2] - x, d3 = block[o + 3] - x;
        const d4 = block[o + 4] - x, d5 = block[o + 5] - x, d6 = block[o + 6] - x, d7 = block[o + 7] - x;
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
        s4 += d4 * d4; s5 += d5 * d5; s6 += d6 * d6; s7 += d7 * d7;
      }
    } else if (manhattan) {
      for (let c = 0, o = 0; c < dims; c++, o += QUERY_BLOCK) {
        const x = data[bj + c];
        s0 += Math.abs(block[o] - x); s1 += Math.abs(block[o + 1] - x); s2 += Math.abs(block[o + 2] - x); s3 += Math.abs(block[o + 3] - x);
        s4 += Math.abs(block[o + 4] - x); s5 += Math.abs(block[o + 5] - x); s6 += Math.abs(block[o + 6] - x); s7 += Math.abs(block[o + 7] - x);
      }
    } else {
      for (let c = 0, o = 0; c < dims; c++, o += QUERY_BLOCK) {
        const x = data[bj + c];
        s0 += block[o] * x; s1 += block[o + 1] * x; s2 += block[o + 2] * x; s3 += block[o + 3] * x;
        s4 += block[o + 4] * x; s5 += block[o + 5] * x; s6 += block[o + 6] * x; s7 += block[o + 7] * x;
      }
    }
    out[j] = s0; out[n + j] = s1; out[2 * n + j] = s2; out[3 * n + j] = s3;
    out[4 * n + j] = s4; out[5 * n + j] = s5; out[6 * n + j] = s6; out[7 * n + j] = s7;
  }
  if (euclidean || manhattan) return;
  // quality.ts: cosine 1 − s / (√(‖q‖²‖x‖²) || 1), dot 1 − s.
  for (let b = 0; b < QUERY_BLOCK; b++) {
    const base = b * n;
    const nq = cosine ? norms[q[b]] : 0;
    for (let j = 0; j < n; j++) out[base + j] = cosine ? 1 - out[base + j] / (Math.sqrt(nq * norms[j]) || 1) : 1 - out[base + j];
  }
}

/** 1-based rank of j in row i's high-D order (self excluded; ties broken by index, as a stable sort). */
function highRank(dist: Float64Array, offset: number, n: number, i: number, j: number): number {
  const dj = dist[offset + j];
  let rank = 1;
  for (let l = 0; l < n; l++) {
    const dl = dist[offset + l];
    if (dl < dj || (dl === dj && l < j)) rank++;
  }
  // l = i and l = j were counted when they precede j; undo those.
  const di = dist[offset + i];
  if (i !== j && (di < dj || (di === dj && i < j))) rank--;
  return rank;
}

/**
 * Kernel `qualityRows`. Args: `data` (N×dims Float32), `n`, `dims`, `metric` (index into
 * METRICS), `norms` (Float64 N, cosine only, else empty), `low` (2-D coords, 2N), `kTrust`,
 * `kPres`, `rows` (sampled row ids), `start`/`end` (this call's slice of `rows`), outputs
 * `penalty` (Float64, per sampled row) and `overlap` (Int32, per sampled row).
 */
export const qualityRows: Kernel = (args, part, parts) => {
  const data = args.data as Float32Array;
  const n = args.n as number;
  const dims = args.dims as number;
  const metric = METRICS[args.metric as number];
  const norms = args.norms as Float64Array;
  const low = args.low as Float32Array;
  const kTrust = args.kTrust as number;
  const kPres = args.kPres as number;
  const rows = args.rows as Int32Array;
  const start = args.start as number;
  const penalty = args.penalty as Float64Array;
  const overlap = args.overlap as Int32Array;
  const [from, to] = partRange((args.end as number) - start, part, parts);
  if (scratch.length < QUERY_BLOCK * n) scratch = new Float64Array(QUERY_BLOCK * n);
  if (block.length < QUERY_BLOCK * dims) block = new Float64Array(QUERY_BLOCK * dims);
  const kLow = Math.max(kTrust, kPres);
  const q = new Int32Array(QUERY_BLOCK);
  for (let s = start + from; s < start + to; s += QUERY_BLOCK) {
    const count = Math.min(QUERY_BLOCK, start + to - s);
    // A short last block repeats its first row in the unused slots (their output is ignored).
    for (let b = 0; b < QUERY_BLOCK; b++) q[b] = rows[s + (b < count ? b : 0)];
    blockDistances(data, n, dims, metric, norms, q, block, scratch);
    for (let b = 0; b < count; b++) {
      const i = q[b];
      const near = lowNeighbours(low, n, i, kLow);
      let pen = 0;
      let kept = 0;
      for (let t = 0; t < kLow; t++) {
        const rank = highRank(scratch, b * n, n, i, near[t]);
        if (t < kTrust && rank > kTrust) pen += rank - kTrust;
        if (t < kPres && rank <= kPres) kept++;
      }
      penalty[s + b] = pen;
      overlap[s + b] = kept;
    }
  }
};
