/**
 * Layout quality for every run, computed where the reducer ran (the reduce worker, or inline) right
 * after it returns: `reduceWithQuality` is the one entry both paths call.
 *
 * - trustworthiness@15 (scikit-learn's definition, quality.ts) on a seeded sample of rows, with
 *   exact high-D distances; the sample is sized from N·D so the step stays a small share of the
 *   reducer's own time (docs/reducers.md "Layout quality" has the measurements);
 * - neighbour preservation@k: mean over points of |kNN_highD(i) ∩ kNN_2D(i)| / k, per point too.
 *   The high-D neighbours: when every row is scored (small runs, "exact") the scored rows' own
 *   exact distances — no separate kNN search; else the reducer's kNN graph (UMAP, t-SNE: "graph",
 *   2-D neighbours from a kd-tree, knn2d.ts, O(N log N)); else (large PCA runs: "sample") the
 *   exact neighbours of the sampled rows only, and no per-point values.
 *
 * Sampled rows run on the reducer's thread team (kernel `qualityRows`); the result does not
 * depend on the number of threads. Progress is phase "quality"; the abort signal is checked
 * between calls.
 */
import { isCancel } from "../errors";
import { sampleIndices } from "../random";
import { METRICS, type LayoutQuality, type Metric, type ReducerName } from "../types";
import { REDUCER_IMPLS } from "./index";
import { PlaneTree } from "./knn2d";
import { Pacer } from "./pacer";
import { QUERY_BLOCK, rowSquaredNorms } from "./qualityKernel";
import { shareFloat32, sharedFloat64, sharedInt32 } from "./sharedArrays";
import { Team } from "./team";
import type { ReduceContext, ReducerResult, VectorMatrix } from "./types";

/** Neighbours per point for both scores (the trustworthiness@15). */
export const QUALITY_K = 15;

/**
 * Sampled rows cost N·D multiply-adds each (≈0.8 ms of CPU per million), the reducer roughly N
 * times its own constant, so a fixed share of the reducer's time is a sample of about C / D rows
 * whatever N: C = 32,000 for UMAP and t-SNE (80 rows at 384 dims, 48 at 784), 12,000 for PCA (32
 * rows at 384 dims). PCA itself takes about a second at 50k, so there the budget is the run's
 * (reading and storing the vectors take longer than PCA). Measurements: docs/reducers.md.
 */
const SAMPLE_DIM_BUDGET = { graph: 32_000, pca: 12_000 } as const;
const MIN_SAMPLE = { graph: 48, pca: 32 } as const;
const MAX_SAMPLE = 1024;
/**
 * Every row is scored (exact trustworthiness, exact per-point preservation) when N²·D stays below
 * this (≈0.2 s of CPU): 884 points at 384 dims for UMAP/t-SNE, 807 for PCA (the 778-point demo).
 */
const EXACT_WORK = { graph: 3e8, pca: 2.5e8 } as const;
/** Below this much work (multiply-adds) the sampled rows run on the calling thread alone. */
const TEAM_MIN_WORK = 5e7;
/** Work per thread per kernel call (≈ 30 ms), between abort checks. */
const CALL_WORK = 3e7;
/** Points per chunk of the per-point pass between abort checks. */
const POINT_CHUNK = 2048;

export interface LayoutQualityOptions {
  /** High-D metric (the reducer's; PCA: euclidean). */
  metric: Metric;
  /** "pca" gets the smaller budgets (its runs take seconds). */
  reducer: ReducerName;
}

export interface LayoutQualityResult {
  quality: LayoutQuality;
  /** Per-point preservation (N values in [0, 1]), or null when only the sample was scored. */
  perPoint: Float32Array | null;
}

/** Rows scored for trustworthiness: all of them when cheap, else ≈ C / D (see SAMPLE_DIM_BUDGET). */
export function qualitySampleSize(n: number, dims: number, reducer: ReducerName): number {
  const kind = reducer === "pca" ? "pca" : "graph";
  if (n * n * dims <= EXACT_WORK[kind]) return n;
  // A multiple of 16 rows: whole blocks of QUERY_BLOCK rows on each of two threads.
  const rows = Math.max(MIN_SAMPLE[kind], 16 * Math.round(SAMPLE_DIM_BUDGET[kind] / Math.max(1, dims) / 16));
  return Math.min(n, MAX_SAMPLE, rows);
}

/** The metric the scores use: the reducer's own, euclidean for PCA. */
export function qualityMetric(reducer: ReducerName, params: unknown): Metric {
  const metric = (params as { metric?: unknown } | null)?.metric;
  return reducer !== "pca" && typeof metric === "string" && (METRICS as readonly string[]).includes(metric) ? (metric as Metric) : "euclidean";
}

/** Runs reducer `name` and adds its layout quality (`quality`, `neighborPreservation`). */
export async function reduceWithQuality(name: ReducerName, input: VectorMatrix, params: unknown, ctx: ReduceContext): Promise<ReducerResult> {
  const result = await REDUCER_IMPLS[name](input, params as never, ctx);
  return addLayoutQuality(result, input, { metric: qualityMetric(name, params), reducer: name }, ctx);
}

/**
 * `result` plus its quality. A failure of the quality step is recorded in `quality.error` and
 * does not fail the run; an abort does.
 */
export async function addLayoutQuality(result: ReducerResult, input: VectorMatrix, options: LayoutQualityOptions, ctx: ReduceContext): Promise<ReducerResult> {
  const started = performance.now();
  try {
    const { quality, perPoint } = await layoutQuality(input, result.coords, result.neighbors, options, ctx);
    return { ...result, quality, ...(perPoint ? { neighborPreservation: perPoint } : {}) };
  } catch (err) {
    if (isCancel(err) || ctx.signal.aborted) throw err;
    const quality: LayoutQuality = {
      k: 0,
      trustworthiness: null,
      trustworthiness_se: null,
      sample: 0,
      neighbor_preservation: null,
      preservation_k: 0,
      method: "sample",
      per_point: false,
      metric: options.metric,
      seed: ctx.seed,
      ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
    return { ...result, quality };
  }
}

/** Trustworthiness and neighbour preservation of `coords` (2N) as a layout of `input`. */
export async function layoutQuality(
  input: VectorMatrix,
  coords: Float32Array,
  neighbors: ReducerResult["neighbors"],
  options: LayoutQualityOptions,
  ctx: ReduceContext,
): Promise<LayoutQualityResult> {
  const started = performance.now();
  const { n, dims } = input;
  const pacer = new Pacer(ctx);
  pacer.check();
  if (coords.length !== 2 * n) throw new RangeError(`layout has ${coords.length / 2} points for ${n} vectors`);
  const kTrust = Math.min(QUALITY_K, Math.floor((n - 1) / 2));
  const sample = kTrust >= 1 ? qualitySampleSize(n, dims, options.reducer) : 0;
  // Every row scored: its exact distances give every point's exact neighbours too.
  const exact = sample === n;
  const graph = !exact && neighbors && neighbors.k >= 1 && neighbors.indices.length === n * neighbors.k ? neighbors : null;
  // Tiny runs shrink k with trustworthiness's (k < N/2); N = 2 keeps k = 1.
  const kPres = Math.max(1, Math.min(QUALITY_K, Math.max(1, kTrust), graph ? graph.k : Infinity));
  const total = sample + (graph ? n : 0);
  let done = 0;
  pacer.progress("quality", 0, total);

  // 1. Sampled rows: exact distances → trustworthiness penalties and preserved-neighbour counts.
  let trust: number | null = null;
  let trustSe: number | null = null;
  let preservation: number | null = null;
  let perPoint: Float32Array | null = null;
  if (sample > 0) {
    const scored = await scoreSample(input, coords, options.metric, kTrust, kPres, sampleIndices(n, sample, ctx.seed), ctx, pacer, (rows) => {
      done += rows;
      pacer.progress("quality", done, total);
    });
    let penalty = 0;
    let kept = 0;
    for (let s = 0; s < sample; s++) {
      penalty += scored.penalty[s];
      kept += scored.overlap[s];
    }
    // The same expression as quality.ts's trustworthiness(), so both give the same bits.
    trust = 1 - (2 / (sample * kTrust * (2 * n - 3 * kTrust - 1))) * penalty;
    trustSe = exact ? 0 : sample > 1 ? standardError(scored.penalty, 2 / (kTrust * (2 * n - 3 * kTrust - 1)), sample, n) : null;
    preservation = kept / (sample * kPres);
    if (exact) {
      // sampleIndices gives rows 0..N−1 in order when it takes them all.
      perPoint = new Float32Array(n);
      for (let i = 0; i < n; i++) perPoint[i] = scored.overlap[i] / kPres;
    }
  }

  // 2. Every point from the reducer's kNN graph (all but the exact case; approximate when HNSW).
  if (graph) {
    perPoint = new Float32Array(n);
    preservation = (await preservationPerPoint(graph.indices, graph.k, coords, n, kPres, perPoint, pacer, (points) => {
      done += points;
      pacer.progress("quality", done, total);
    })) / n;
  }
  pacer.progress("quality", total, total);
  return {
    perPoint,
    quality: {
      k: kTrust,
      trustworthiness: trust,
      trustworthiness_se: trustSe,
      sample,
      neighbor_preservation: preservation,
      preservation_k: kPres,
      method: exact ? "exact" : graph ? "graph" : "sample",
      per_point: perPoint !== null,
      metric: options.metric,
      seed: ctx.seed,
      ms: Math.round(performance.now() - started),
    },
  };
}

/** Standard error of the mean per-row trustworthiness over a sample of a finite population of N rows. */
function standardError(penalty: Float64Array, scale: number, s: number, n: number): number {
  let mean = 0;
  for (let i = 0; i < s; i++) mean += penalty[i];
  mean /= s;
  let ss = 0;
  for (let i = 0; i < s; i++) ss += (penalty[i] - mean) ** 2;
  return scale * Math.sqrt((ss / (s - 1) / s) * (1 - s / n));
}

/** Runs kernel `qualityRows` over the sampled rows in calls of ≈ CALL_WORK per thread. */
async function scoreSample(
  input: VectorMatrix,
  coords: Float32Array,
  metric: Metric,
  kTrust: number,
  kPres: number,
  sampled: Uint32Array,
  ctx: ReduceContext,
  pacer: Pacer,
  onRows: (rows: number) => void,
): Promise<{ penalty: Float64Array; overlap: Int32Array }> {
  const { n, dims } = input;
  const s = sampled.length;
  const threads = s * n * dims >= TEAM_MIN_WORK ? (ctx.threads ?? 1) : 1;
  const team = await Team.create(threads, ctx.workerScript);
  try {
    const shared = team.shared;
    const norms = sharedFloat64(metric === "cosine" ? n : 0, shared);
    if (metric === "cosine") rowSquaredNorms(input.data, n, dims, norms);
    const rows = sharedInt32(s, shared);
    rows.set(sampled);
    const args = {
      data: shareFloat32(input.data, shared),
      n,
      dims,
      metric: METRICS.indexOf(metric),
      norms,
      low: shareFloat32(coords, shared),
      kTrust,
      kPres,
      rows,
      start: 0,
      end: 0,
      penalty: sharedFloat64(s, shared),
      overlap: sharedInt32(s, shared),
    };
    const blocksPerPart = Math.max(1, Math.floor(CALL_WORK / (QUERY_BLOCK * n * dims)));
    const perCall = blocksPerPart * QUERY_BLOCK * team.size;
    for (let start = 0; start < s; start += perCall) {
      await pacer.pace();
      args.start = start;
      args.end = Math.min(s, start + perCall);
      await team.run("qualityRows", args);
      onRows(args.end - start);
    }
    return { penalty: args.penalty, overlap: args.overlap };
  } finally {
    await team.close();
  }
}

/**
 * Writes |high(i) ∩ 2-D kNN(i)| / k of every point to `out` (high: N×highK, first k used) and
 * returns the sum of the overlaps divided by k.
 */
export async function preservationPerPoint(
  high: Int32Array,
  highK: number,
  coords: Float32Array,
  n: number,
  k: number,
  out: Float32Array,
  pacer: Pacer | null = null,
  onPoints: (points: number) => void = () => undefined,
): Promise<number> {
  const tree = new PlaneTree(coords, n);
  const low = new Int32Array(k);
  const mark = new Int32Array(n).fill(-1);
  let sum = 0;
  for (let start = 0; start < n; start += POINT_CHUNK) {
    const end = Math.min(n, start + POINT_CHUNK);
    for (let i = start; i < end; i++) {
      const base = i * highK;
      for (let t = 0; t < k; t++) {
        const j = high[base + t];
        if (j >= 0) mark[j] = i;
      }
      tree.query(i, k, low);
      let kept = 0;
      for (let t = 0; t < k; t++) if (low[t] >= 0 && mark[low[t]] === i) kept++;
      out[i] = kept / k;
      sum += kept;
    }
    onPoints(end - start);
    if (pacer) await pacer.pace();
  }
  return sum / k;
}
