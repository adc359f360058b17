/**
 * t-SNE's input affinities P, as scikit-learn builds them for Barnes-Hut: conditional
 * probabilities over each point's ⌊3·perplexity + 1⌋ nearest neighbours with a per-point precision
 * β found by bisection to match the perplexity, then P = (P + Pᵀ) / Σ.
 */
import type { Metric } from "../types";
import type { KnnGraph } from "./knn";
import type { Pacer } from "./pacer";
import { symmetrize, sumValues, type CsrMatrix } from "./sparse";

const ENTROPY_TOLERANCE = 1e-5;
const BISECTION_STEPS = 100;

/** Neighbours t-SNE needs for a perplexity (scikit-learn: min(N − 1, ⌊3·perplexity + 1⌋)). */
export function tsneNeighbourCount(n: number, perplexity: number): number {
  return Math.max(1, Math.min(n - 1, Math.floor(3 * perplexity + 1)));
}

/** Perplexity the data allows: at most (N − 1) / 3, so the neighbour set can carry it. */
export function effectivePerplexity(n: number, requested: number): number {
  return Math.min(requested, Math.max((n - 1) / 3, 1e-3));
}

/**
 * Conditional P(j|i) for each row of the kNN graph (N×k), each row summing to 1 with entropy
 * log(perplexity). scikit-learn squares euclidean distances and uses other metrics as they are.
 * Distances are shifted by the row minimum first: P(j|i) does not change, exp() no longer underflows.
 */
export async function conditionalProbabilities(graph: KnnGraph, n: number, perplexity: number, metric: Metric, pacer?: Pacer): Promise<Float64Array> {
  const { k, distances } = graph;
  const p = new Float64Array(n * k);
  const d = new Float64Array(k);
  const desiredEntropy = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    if (pacer && (i & 255) === 0) await pacer.pace();
    const base = i * k;
    let min = Infinity;
    for (let t = 0; t < k; t++) {
      const raw = distances[base + t];
      d[t] = metric === "euclidean" ? raw * raw : raw;
      if (d[t] < min) min = d[t];
    }
    for (let t = 0; t < k; t++) d[t] -= min;
    let beta = 1;
    let betaMin = -Infinity;
    let betaMax = Infinity;
    for (let step = 0; step < BISECTION_STEPS; step++) {
      let sum = 0;
      for (let t = 0; t < k; t++) {
        const v = Math.exp(-d[t] * beta);
        p[base + t] = v;
        sum += v;
      }
      let weighted = 0;
      for (let t = 0; t < k; t++) {
        p[base + t] /= sum;
        weighted += d[t] * p[base + t];
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
  return p;
}

/** The joint, symmetric P (sums to 1) from the kNN graph. */
export async function jointProbabilities(graph: KnnGraph, n: number, perplexity: number, metric: Metric, pacer?: Pacer): Promise<CsrMatrix> {
  const conditional = await conditionalProbabilities(graph, n, perplexity, metric, pacer);
  const joint = await symmetrize(graph.indices, conditional, n, graph.k, "sum", pacer);
  const total = Math.max(sumValues(joint), Number.EPSILON);
  for (let i = 0; i < joint.values.length; i++) joint.values[i] /= total;
  return joint;
}
