/**
 * UMAP's fuzzy simplicial set from a kNN graph (umap-learn's smooth_knn_dist +
 * compute_membership_strengths + fuzzy union), in typed arrays. Conventions follow umap-learn:
 * `nNeighbors` counts the point itself, so each row has nNeighbors − 1 real neighbours here.
 */
import type { Metric } from "../types";
import type { KnnGraph } from "./knn";
import type { Pacer } from "./pacer";
import { symmetrize, type CsrMatrix } from "./sparse";

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;
const BANDWIDTH_ITERATIONS = 64;

/**
 * Distances UMAP can use. 1 − a·b (dot) goes negative for long vectors, while ρ is the smallest
 * *positive* distance; membership depends only on d − ρ, so a row with non-positive distances is
 * shifted to start just above zero.
 */
export function usableDistances(graph: KnnGraph, n: number, metric: Metric): Float64Array {
  const { k, distances } = graph;
  const out = Float64Array.from(distances);
  if (metric !== "dot") return out;
  for (let i = 0; i < n; i++) {
    let min = Infinity;
    let max = -Infinity;
    for (let t = 0; t < k; t++) {
      min = Math.min(min, out[i * k + t]);
      max = Math.max(max, out[i * k + t]);
    }
    if (min > 0) continue;
    const shift = -min + Math.max(1e-6 * (max - min), 1e-12);
    for (let t = 0; t < k; t++) out[i * k + t] += shift;
  }
  return out;
}

/**
 * Per point: ρ (distance to the nearest non-identical neighbour) and σ such that
 * Σⱼ exp(−max(0, dⱼ − ρ)/σ) = log₂(nNeighbors), found by bisection (umap-learn's smooth_knn_dist,
 * local_connectivity = 1).
 */
async function smoothKnnDistances(dist: Float64Array, n: number, k: number, nNeighbors: number, pacer: Pacer): Promise<{ rho: Float64Array; sigma: Float64Array }> {
  const target = Math.log2(nNeighbors);
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  // umap-learn's row mean includes the zero self-distance: divide by k + 1.
  let meanAll = 0;
  for (let i = 0; i < n * k; i++) meanAll += dist[i];
  meanAll /= n * (k + 1);
  for (let i = 0; i < n; i++) {
    if ((i & 255) === 0) await pacer.pace();
    const base = i * k;
    let rowSum = 0;
    let firstPositive = 0;
    for (let t = 0; t < k; t++) {
      const d = dist[base + t];
      rowSum += d;
      if (firstPositive === 0 && d > 0) firstPositive = d;
    }
    rho[i] = firstPositive;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let iter = 0; iter < BANDWIDTH_ITERATIONS; iter++) {
      let psum = 0;
      for (let t = 0; t < k; t++) {
        const d = dist[base + t] - rho[i];
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_K_DIST_SCALE * (rho[i] > 0 ? rowSum / (k + 1) : meanAll);
    sigma[i] = Math.max(mid, floor);
  }
  return { rho, sigma };
}

/** The symmetric fuzzy graph W + Wᵀ − W∘Wᵀ with W[i, j] = exp(−max(0, d − ρᵢ)/σᵢ). */
export async function fuzzySimplicialSet(graph: KnnGraph, n: number, nNeighbors: number, metric: Metric, pacer: Pacer): Promise<CsrMatrix> {
  const { k, indices } = graph;
  const dist = usableDistances(graph, n, metric);
  const { rho, sigma } = await smoothKnnDistances(dist, n, k, nNeighbors, pacer);
  await pacer.pace();
  const weights = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const d = dist[i * k + t] - rho[i];
      weights[i * k + t] = d <= 0 || sigma[i] === 0 ? 1 : Math.exp(-d / sigma[i]);
    }
  }
  await pacer.pace();
  return symmetrize(indices, weights, n, k, "fuzzyUnion", pacer);
}
