/**
 * UMAP's layout optimisation (umap-learn's optimize_layout_euclidean): stochastic gradient descent
 * over the fuzzy graph's edges, each sampled in proportion to its weight, with negative sampling
 * for repulsion and a learning rate decaying linearly to zero. Typed arrays only, seeded.
 */
import type { Rng } from "../random";
import type { Pacer } from "./pacer";
import type { CsrMatrix } from "./sparse";

export interface LayoutOptions {
  nEpochs: number;
  /** Curve parameters of 1 / (1 + a·d^(2b)), fitted from min_dist and spread. */
  a: number;
  b: number;
  negativeSampleRate?: number;
  repulsionStrength?: number;
  initialAlpha?: number;
}

export interface LayoutEdges {
  head: Int32Array;
  tail: Int32Array;
  /** How many epochs pass between two samples of an edge (its weight, inverted, in epochs). */
  epochsPerSample: Float64Array;
}

/** Edges worth sampling: umap-learn drops weights below max / n_epochs (never sampled anyway). */
export function layoutEdges(graph: CsrMatrix, nEpochs: number): LayoutEdges {
  let max = 0;
  for (let i = 0; i < graph.values.length; i++) max = Math.max(max, graph.values[i]);
  const threshold = max / nEpochs;
  let count = 0;
  for (let i = 0; i < graph.values.length; i++) if (graph.values[i] >= threshold && graph.values[i] > 0) count++;
  const head = new Int32Array(count);
  const tail = new Int32Array(count);
  const epochsPerSample = new Float64Array(count);
  let e = 0;
  for (let r = 0; r < graph.n; r++) {
    for (let p = graph.rowStart[r]; p < graph.rowStart[r + 1]; p++) {
      const w = graph.values[p];
      if (!(w >= threshold && w > 0)) continue;
      head[e] = r;
      tail[e] = graph.cols[p];
      epochsPerSample[e++] = max / w; // = n_epochs / (n_epochs · w / max)
    }
  }
  return { head, tail, epochsPerSample };
}

const CLIP = 4;
const clip = (v: number): number => (v > CLIP ? CLIP : v < -CLIP ? -CLIP : v);
/** Edges processed between two clock checks. */
const EDGE_CHUNK = 32_768;

/** Optimises `embedding` (interleaved x,y, length 2N) in place. `onEpoch` sees each finished epoch. */
export async function optimizeLayout(
  embedding: Float64Array,
  edges: LayoutEdges,
  options: LayoutOptions,
  rng: Rng,
  pacer: Pacer,
  onEpoch: (epoch: number) => void,
): Promise<void> {
  const { head, tail, epochsPerSample } = edges;
  const { a, b, nEpochs } = options;
  const negativeRate = options.negativeSampleRate ?? 5;
  const gamma = options.repulsionStrength ?? 1;
  const initialAlpha = options.initialAlpha ?? 1;
  const n = embedding.length / 2;
  const edgeCount = head.length;
  const epochsPerNegative = new Float64Array(edgeCount);
  const nextSample = Float64Array.from(epochsPerSample);
  const nextNegative = new Float64Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    epochsPerNegative[e] = epochsPerSample[e] / negativeRate;
    nextNegative[e] = epochsPerNegative[e];
  }
  const attractScale = -2 * a * b;
  const repelScale = 2 * gamma * b;
  let alpha = initialAlpha;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    for (let start = 0; start < edgeCount; start += EDGE_CHUNK) {
      const end = Math.min(edgeCount, start + EDGE_CHUNK);
      for (let e = start; e < end; e++) {
        if (nextSample[e] > epoch) continue;
        const j = head[e];
        const k = tail[e];
        let dx = embedding[2 * j] - embedding[2 * k];
        let dy = embedding[2 * j + 1] - embedding[2 * k + 1];
        let d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const pb = Math.exp(b * Math.log(d2)); // = d2^b; V8's Math.pow is ~2× slower, and this is the hot spot
          const coeff = (attractScale * pb) / d2 / (a * pb + 1);
          const gx = clip(coeff * dx) * alpha;
          const gy = clip(coeff * dy) * alpha;
          embedding[2 * j] += gx;
          embedding[2 * j + 1] += gy;
          embedding[2 * k] -= gx;
          embedding[2 * k + 1] -= gy;
        }
        nextSample[e] += epochsPerSample[e];
        const negatives = Math.floor((epoch - nextNegative[e]) / epochsPerNegative[e]);
        for (let s = 0; s < negatives; s++) {
          const other = rng.int(n);
          if (other === j) continue;
          dx = embedding[2 * j] - embedding[2 * other];
          dy = embedding[2 * j + 1] - embedding[2 * other + 1];
          d2 = dx * dx + dy * dy;
          if (!(d2 > 0)) continue;
          const coeff = repelScale / ((0.001 + d2) * (a * Math.exp(b * Math.log(d2)) + 1));
          embedding[2 * j] += clip(coeff * dx) * alpha;
          embedding[2 * j + 1] += clip(coeff * dy) * alpha;
        }
        if (negatives > 0) nextNegative[e] += negatives * epochsPerNegative[e];
      }
      await pacer.pace();
    }
    alpha = initialAlpha * (1 - epoch / nEpochs); // umap-learn's schedule: epoch 1 still runs at full rate
    onEpoch(epoch + 1);
  }
}
