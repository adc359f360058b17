/**
 * Thread-team kernels of out-of-sample placement (transform.ts). Each places a contiguous range
 * of query rows against the fixed fitted points; queries never interact, and each query's random
 * stream is seeded by its own index, so the result is the same whatever the number of threads or
 * the size of the blocks.
 */
import { offerNearest } from "./knnRows";
import { partRange } from "./sharedArrays";
import type { Kernel } from "./team";

/** Metric codes the kernels understand (strings would do, but keep the hot loop branch-free). */
export const KNN_METRIC = { ip: 0, euclidean: 1, manhattan: 2 } as const;

/**
 * Exact k nearest fitted rows of query rows [from, to): brute force, nearest first, ties to the
 * lower index. Rows are prepared as knnRows.ts does (unit rows for cosine); distances in the
 * metric's units: ip → 1 − a·b, euclidean → ‖a − b‖ (from squared norms), manhattan → Σ|aᵢ − bᵢ|.
 */
export const transformExactKnn: Kernel = (args, part, parts) => {
  const fx = args.fx as Float32Array;
  const qx = args.qx as Float32Array;
  const fnorms = args.fnorms as Float64Array | null;
  const qnorms = args.qnorms as Float64Array | null;
  const dims = args.dims as number;
  const m = args.m as number;
  const k = args.k as number;
  const metric = args.metric as number;
  const from = args.from as number;
  const indices = args.indices as Int32Array;
  const distances = args.distances as Float32Array;
  const [start, end] = partRange((args.to as number) - from, part, parts);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let q = from + start; q < from + end; q++) {
    const qb = q * dims;
    let size = 0;
    for (let j = 0; j < m; j++) {
      const fb = j * dims;
      let d: number;
      if (metric === KNN_METRIC.manhattan) {
        let s = 0;
        for (let c = 0; c < dims; c++) s += Math.abs(qx[qb + c] - fx[fb + c]);
        d = s;
      } else {
        let s0 = 0;
        let s1 = 0;
        let c = 0;
        for (; c + 1 < dims; c += 2) {
          s0 += qx[qb + c] * fx[fb + c];
          s1 += qx[qb + c + 1] * fx[fb + c + 1];
        }
        if (c < dims) s0 += qx[qb + c] * fx[fb + c];
        const dot = s0 + s1;
        d = metric === KNN_METRIC.euclidean ? Math.sqrt(Math.max(0, (qnorms as Float64Array)[q] + (fnorms as Float64Array)[j] - 2 * dot)) : 1 - dot;
      }
      size = offerNearest(bestD, bestI, size, k, d, j);
    }
    for (let t = 0; t < k; t++) {
      indices[q * k + t] = bestI[t];
      distances[q * k + t] = bestD[t];
    }
  }
};

/** A 32-bit state for query `q`'s own random stream (mulberry32, as random.ts). */
function queryState(seed: number, q: number): number {
  let s = (seed ^ Math.imul(q + 1, 0x9e3779b9)) >>> 0;
  s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
  return (s ^ (s >>> 13)) >>> 0;
}

const CLIP = 4;

/**
 * umap-learn's transform SGD (optimize_layout_euclidean with move_other = False) for query rows
 * [from, to): only `head` (2Q, interleaved) moves; `tail` (the fitted layout, 2M) is fixed and is
 * also where negative samples come from. Edge t of query q is `indices[q·k + t]` with
 * `epochsPerSample[q·k + t]` (≤ 0: dropped). Learning rate decays linearly as umap-learn's.
 */
export const transformUmapPlace: Kernel = (args, part, parts) => {
  const head = args.head as Float64Array;
  const tail = args.tail as Float64Array;
  const indices = args.indices as Int32Array;
  const epochsPerSample = args.epochsPerSample as Float64Array;
  const k = args.k as number;
  const m = args.m as number;
  const nEpochs = args.nEpochs as number;
  const a = args.a as number;
  const b = args.b as number;
  const gamma = args.gamma as number;
  const initialAlpha = args.initialAlpha as number;
  const negativeRate = args.negativeRate as number;
  const seed = args.seed as number;
  const from = args.from as number;
  const [start, end] = partRange((args.to as number) - from, part, parts);
  const nextSample = new Float64Array(k);
  const nextNegative = new Float64Array(k);
  const epochsPerNegative = new Float64Array(k);
  const attractScale = -2 * a * b;
  const repelScale = 2 * gamma * b;
  for (let q = from + start; q < from + end; q++) {
    const base = q * k;
    for (let t = 0; t < k; t++) {
      const eps = epochsPerSample[base + t];
      nextSample[t] = eps;
      epochsPerNegative[t] = eps / negativeRate;
      nextNegative[t] = epochsPerNegative[t];
    }
    let state = queryState(seed, q);
    let x = head[2 * q];
    let y = head[2 * q + 1];
    for (let epoch = 0; epoch < nEpochs; epoch++) {
      // umap-learn lowers alpha after each epoch from the epoch just run: epochs 0 and 1 share the full rate.
      const alpha = initialAlpha * (1 - Math.max(0, epoch - 1) / nEpochs);
      for (let t = 0; t < k; t++) {
        const eps = epochsPerSample[base + t];
        if (!(eps > 0) || nextSample[t] > epoch) continue;
        const j = indices[base + t];
        let dx = x - tail[2 * j];
        let dy = y - tail[2 * j + 1];
        let d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const pb = Math.exp(b * Math.log(d2));
          const coeff = (attractScale * pb) / d2 / (a * pb + 1);
          const gx = coeff * dx;
          const gy = coeff * dy;
          x += (gx > CLIP ? CLIP : gx < -CLIP ? -CLIP : gx) * alpha;
          y += (gy > CLIP ? CLIP : gy < -CLIP ? -CLIP : gy) * alpha;
        }
        nextSample[t] += eps;
        const negatives = Math.floor((epoch - nextNegative[t]) / epochsPerNegative[t]);
        for (let s = 0; s < negatives; s++) {
          // mulberry32 step, inline: no per-query objects.
          state = (state + 0x6d2b79f5) >>> 0;
          let r = state;
          r = Math.imul(r ^ (r >>> 15), r | 1);
          r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
          const other = Math.floor((((r ^ (r >>> 14)) >>> 0) / 4294967296) * m);
          dx = x - tail[2 * other];
          dy = y - tail[2 * other + 1];
          d2 = dx * dx + dy * dy;
          if (!(d2 > 0)) continue;
          const coeff = repelScale / ((0.001 + d2) * (a * Math.exp(b * Math.log(d2)) + 1));
          const gx = coeff * dx;
          const gy = coeff * dy;
          x += (gx > CLIP ? CLIP : gx < -CLIP ? -CLIP : gx) * alpha;
          y += (gy > CLIP ? CLIP : gy < -CLIP ? -CLIP : gy) * alpha;
        }
        if (negatives > 0) nextNegative[t] += negatives * epochsPerNegative[t];
      }
    }
    head[2 * q] = x;
    head[2 * q + 1] = y;
  }
};

/**
 * openTSNE's transform optimisation for query rows [from, to): each query is pulled by its
 * conditional P over its fitted neighbours (×`exaggeration`) and pushed by every fitted point
 * through the Barnes-Hut tree of the fitted layout (quadtree.ts's preorder `summary`/`skip`),
 * normalised by its own Σq (openTSNE's point-wise normalisation); the gradient's norm is clipped
 * to `maxGradNorm`; momentum and gains as openTSNE's gradient_descent. `y` (2Q) moves in place.
 */
export const transformTsnePlace: Kernel = (args, part, parts) => {
  const y = args.y as Float64Array;
  const ref = args.ref as Float64Array;
  const summary = args.summary as Float64Array;
  const skip = args.skip as Int32Array;
  const flatSize = args.flatSize as number;
  const indices = args.indices as Int32Array;
  const p = args.p as Float64Array;
  const k = args.k as number;
  const iterations = args.iterations as number;
  const exaggeration = args.exaggeration as number;
  const learningRate = args.learningRate as number;
  const momentum = args.momentum as number;
  const maxGradNorm = args.maxGradNorm as number;
  const minGain = args.minGain as number;
  const from = args.from as number;
  const [start, end] = partRange((args.to as number) - from, part, parts);
  for (let q = from + start; q < from + end; q++) {
    let xi = y[2 * q];
    let yi = y[2 * q + 1];
    let ux = 0;
    let uy = 0;
    let gainX = 1;
    let gainY = 1;
    const base = q * k;
    for (let it = 0; it < iterations; it++) {
      // Repulsion from the fitted set: Σ w²(yᵢ − yⱼ) and Σ w over the tree.
      let fx = 0;
      let fy = 0;
      let sumQ = 0;
      let node = 0;
      while (node < flatSize) {
        const at = 4 * node;
        const dx = xi - summary[at];
        const dy = yi - summary[at + 1];
        const d2 = dx * dx + dy * dy;
        if (d2 <= summary[at + 3]) {
          node++;
          continue;
        }
        node = skip[node];
        if (d2 === 0) continue; // sitting exactly on a fitted leaf: openTSNE skips it as a duplicate
        const w = 1 / (1 + d2);
        const mw = summary[at + 2] * w;
        sumQ += mw;
        fx += mw * w * dx;
        fy += mw * w * dy;
      }
      const invQ = 1 / (sumQ + Number.EPSILON);
      // Attraction to the query's own neighbours.
      let px = 0;
      let py = 0;
      for (let t = 0; t < k; t++) {
        const pij = p[base + t];
        if (pij === 0) continue;
        const j = indices[base + t];
        const dx = xi - ref[2 * j];
        const dy = yi - ref[2 * j + 1];
        const pw = (exaggeration * pij) / (1 + dx * dx + dy * dy);
        px += pw * dx;
        py += pw * dy;
      }
      let gx = px - fx * invQ;
      let gy = py - fy * invQ;
      const norm = Math.sqrt(gx * gx + gy * gy);
      const clip = maxGradNorm / (norm + 1e-6);
      if (clip < 1) {
        gx *= clip;
        gy *= clip;
      }
      // openTSNE: a gain grows while the step keeps its direction (update and gradient of opposite signs).
      gainX = Math.sign(ux) !== Math.sign(gx) ? gainX + 0.2 : gainX * 0.8 + minGain;
      gainY = Math.sign(uy) !== Math.sign(gy) ? gainY + 0.2 : gainY * 0.8 + minGain;
      ux = momentum * ux - learningRate * gainX * gx;
      uy = momentum * uy - learningRate * gainY * gy;
      xi += ux;
      yi += uy;
    }
    y[2 * q] = xi;
    y[2 * q + 1] = yi;
  }
};

export const TRANSFORM_KERNELS = { transformExactKnn, transformUmapPlace, transformTsnePlace };
