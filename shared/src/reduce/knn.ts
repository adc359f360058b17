/**
 * k nearest neighbours of every row (self excluded), the input of UMAP's graph and t-SNE's P.
 * Exact blocked brute force for small N (and for manhattan, which HNSW does not offer);
 * approximate HNSW through usearch for larger N. Distances are in the metric's own units:
 * cosine 1 − cos, euclidean ‖a − b‖, manhattan Σ|aᵢ − bᵢ|, dot 1 − a·b (usearch's "ip").
 */
import type { Metric } from "../types";
import { exactKnn } from "./knnExact";
import { hnswKnn } from "./knnHnsw";
import { Pacer } from "./pacer";
import { Team } from "./team";
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
  /** The caller's thread team (default: one made for this call from ctx.threads). */
  team?: Team;
}

/** Exact kNN up to here: ≈ N²·D/2 multiply-adds, about 3 s at 5,000 × 384 on one core. */
export const EXACT_KNN_MAX_N = 5000;

/** The k (clamped to N − 1) nearest neighbours of every row, excluding the row itself. */
export async function knn(input: VectorMatrix, k: number, metric: Metric, ctx: ReduceContext, options: KnnOptions = {}): Promise<KnnGraph> {
  const pacer = new Pacer(ctx);
  pacer.check();
  const kk = Math.max(0, Math.min(Math.floor(k), input.n - 1));
  const method = options.method ?? "auto";
  if (kk === 0) return { indices: new Int32Array(0), distances: new Float32Array(0), k: 0, method: "exact" };
  pacer.progress("knn", 0, 1);
  if (metric !== "manhattan" && (method === "hnsw" || (method === "auto" && input.n > EXACT_KNN_MAX_N))) {
    if (options.team) return hnswKnn(input, kk, metric, pacer, options.team);
    const team = await Team.create(ctx.threads ?? 1, ctx.workerScript);
    try {
      return await hnswKnn(input, kk, metric, pacer, team);
    } finally {
      await team.close();
    }
  }
  return exactKnn(input, kk, metric, pacer);
}
