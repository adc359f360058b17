/**
 * Out-of-sample placement: puts new vectors into an existing PCA / UMAP / t-SNE layout without
 * refitting it, so a run can be fitted on a sample and every other point placed.
 *
 * - PCA: the run's own projection, (x − mean)·componentsᵀ, computed as pca.ts computes its scores
 *   (so the fitted points come back bit for bit).
 * - UMAP, as umap-learn's `transform`: the query's n_neighbors nearest fitted points, membership
 *   weights by smooth_knn_dist with local_connectivity 0 (ρ = 0), start at the weighted mean of the
 *   neighbours' positions (exactly on a fitted point when the query duplicates it), then umap-learn's
 *   SGD moving only the new points (learning rate 1/4, n_epochs/3 epochs, or 100 up to 10,000
 *   queries and 30 above when the run used the default).
 * - t-SNE, as openTSNE's `transform`: conditional P over the 3·perplexity nearest fitted points
 *   (perplexity 5), start at the P-weighted mean of the neighbours, then 250 iterations of
 *   gradient descent against the fixed layout (exaggeration 1.5, learning rate 0.1, momentum 0.8,
 *   gradient norm clipped to 0.25), repulsion through a Barnes-Hut quadtree of the fitted layout.
 *
 * New points never interact: each is placed against the fitted points alone, with its own random
 * stream, so the result does not depend on the thread count nor on which other points are placed
 * in the same call (except UMAP's epoch count, which umap-learn takes from the batch size).
 */
import { findABParams } from "umap-js/dist/umap";
import { InputError } from "../errors";
import { METRICS, type Metric, type ReducerName } from "../types";
import type { KernelName } from "./kernels";
import { usableDistances } from "./fuzzyGraph";
import type { KnnGraph } from "./knn";
import { HNSW_CONFIG } from "./knnHnsw";
import { normalizedRows, squaredNorms } from "./knnRows";
import { Pacer } from "./pacer";
import { principalAxes } from "./pca";
import { PCA_KERNELS } from "./pcaKernels";
import { QuadTree } from "./quadtree";
import { shareFloat32, sharedFloat32, sharedFloat64, sharedInt32 } from "./sharedArrays";
import { Team, type KernelArgs } from "./team";
import { KNN_METRIC, TRANSFORM_KERNELS } from "./transformKernels";
import { conditionalProbabilities, effectivePerplexity } from "./tsneAffinities";
import type { ReduceContext, VectorMatrix } from "./types";

/** What a run recorded about its reducer, enough to place new points into its layout. */
export interface TransformModel {
  reducer: ReducerName;
  /**
   * The run's effective parameters (its meta.reducer_params): UMAP n_neighbors, metric, a, b,
   * min_dist; t-SNE metric; PCA mean and components (row-major number arrays) when recorded.
   */
  params: Record<string, unknown>;
  /** UMAP: n_epochs as the user asked for it; absent → umap-learn's default for transform. */
  requestedEpochs?: number;
}

/** The points a run was fitted on: their vectors and their 2-D coordinates (interleaved x, y). */
export interface FittedPoints {
  vectors: VectorMatrix;
  coords: Float32Array;
}

/** Queries × fitted rows up to which exact kNN is used (the fit's exact switch point, 5,000²/2). */
export const EXACT_TRANSFORM_PAIRS = 12_500_000;
/** openTSNE's transform defaults. */
export const TSNE_TRANSFORM = { perplexity: 5, iterations: 250, exaggeration: 1.5, learningRate: 0.1, momentum: 0.8, maxGradNorm: 0.25, minGain: 0.01, theta: 0.5 } as const;
/** umap-learn's transform: a quarter of the fit's initial learning rate. */
const UMAP_TRANSFORM_ALPHA = 0.25;
const UMAP_NEGATIVE_RATE = 5;
const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;
const BANDWIDTH_ITERATIONS = 64;
/** A kernel call should take about this long (all threads together) so that abort stays prompt. */
const CALL_BUDGET_MS = 25;

/**
 * Coordinates (interleaved x, y; length 2·queries.n) of `queries` placed into the layout of
 * `fitted` by the model's reducer. Reports progress in the phases "knn", "graph" and "embed";
 * throws CancelledError once `ctx.signal` is aborted. Same seed → same coordinates, bit for bit,
 * whatever `ctx.threads` (except that HNSW built on several threads varies, as in the fit).
 */
export async function transformPoints(model: TransformModel, fitted: FittedPoints, queries: VectorMatrix, ctx: ReduceContext): Promise<Float32Array> {
  const pacer = new Pacer(ctx);
  pacer.check();
  checkInputs(fitted, queries);
  if (queries.n === 0) return new Float32Array(0);
  switch (model.reducer) {
    case "pca":
      return transformPca(model, fitted, queries, pacer);
    case "umap":
      return withTeam(ctx, (team) => transformUmap(model, fitted, queries, ctx, team, pacer));
    case "tsne":
      return withTeam(ctx, (team) => transformTsne(model, fitted, queries, ctx, team, pacer));
    default:
      throw new InputError(`cannot place points into a run of reducer '${String(model.reducer)}'`, "run");
  }
}

function checkInputs(fitted: FittedPoints, queries: VectorMatrix): void {
  const { vectors, coords } = fitted;
  if (vectors.n < 2) throw new InputError(`a run needs at least 2 fitted points to place new ones (it has ${vectors.n})`, "run");
  if (coords.length !== 2 * vectors.n) throw new Error(`fitted coords hold ${coords.length / 2} points, vectors ${vectors.n}`);
  if (!Number.isInteger(queries.n) || queries.n < 0 || queries.data.length !== queries.n * queries.dims) {
    throw new InputError(`vectors must hold n × dims values (got ${queries.data.length} for ${queries.n} × ${queries.dims})`, "vectors");
  }
  if (queries.dims !== vectors.dims) {
    throw new InputError(`vectors have ${queries.dims} dimensions; the run was fitted on ${vectors.dims}`, "dims", `Give vectors from the same embedding model (${vectors.dims} dimensions).`);
  }
  const data = queries.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new InputError(`vector ${Math.floor(i / queries.dims)} has a non-finite value (${data[i]}) at dimension ${i % queries.dims}`, "vectors");
    }
  }
}

async function withTeam<T>(ctx: ReduceContext, body: (team: Team) => Promise<T>): Promise<T> {
  const team = await Team.create(ctx.threads ?? 1, ctx.workerScript);
  try {
    return await body(team);
  } finally {
    await team.close();
  }
}

// ── PCA ─────────────────────────────────────────────────────────────────────

/** A recorded number array of the given length (row-major; nested rows are flattened), or null. */
function numberArray(value: unknown, length: number): Float64Array | null {
  if (!Array.isArray(value)) return null;
  const flat = (value as unknown[]).flat();
  if (flat.length !== length || !flat.every((v) => typeof v === "number" && Number.isFinite(v))) return null;
  return Float64Array.from(flat as number[]);
}

async function transformPca(model: TransformModel, fitted: FittedPoints, queries: VectorMatrix, pacer: Pacer): Promise<Float32Array> {
  const dims = queries.dims;
  let mean = numberArray(model.params.mean, dims);
  let components = numberArray(model.params.components, 2 * dims);
  if (!mean || !components) {
    // A run recorded before PCA kept its axes: the same deterministic fit on the same vectors gives them back.
    const axes = await principalAxes(fitted.vectors, 2, pacer);
    mean = axes.mean;
    components = axes.components;
  }
  // pca.ts's last pass, on the queries: score = x·w − μ·w, with w dim-major and μ·w summed as pca.ts does.
  const axes = new Float64Array(dims * 2);
  const offsets = new Float64Array(2);
  for (let j = 0; j < 2; j++) {
    let offset = 0;
    for (let c = 0; c < dims; c++) {
      axes[c * 2 + j] = components[j * dims + c];
      offset += mean[c] * components[j * dims + c];
    }
    offsets[j] = offset;
  }
  const n = queries.n;
  const scores = new Float64Array(2 * n);
  const rowsPerCall = Math.max(1, Math.floor((1 << 20) / dims));
  for (let first = 0; first < n; first += rowsPerCall) {
    pacer.progress("embed", first, n);
    await pacer.pace();
    const rowCount = Math.min(rowsPerCall, n - first);
    PCA_KERNELS.pcaScores({ data: queries.data, dims, firstRow: first, rowCount, axes, offsets, k: 2, scores }, 0, 1);
  }
  pacer.progress("embed", n, n);
  return toFloat32(scores);
}

// ── kNN among the fitted points ─────────────────────────────────────────────

type UsearchModule = typeof import("usearch");
type SearchResult = { keys: BigUint64Array; distances: Float32Array; counts?: BigUint64Array };
let usearchModule: Promise<UsearchModule> | null = null;
function loadUsearch(): Promise<UsearchModule> {
  usearchModule ??= import("usearch");
  return usearchModule;
}

/** Adapts how many rows one call handles so that a call takes about CALL_BUDGET_MS (results do not depend on it). */
class CallSizer {
  constructor(
    public size: number,
    private readonly min: number,
  ) {}
  async timed<T>(call: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    const result = await call();
    const took = Math.max(performance.now() - started, 0.1);
    this.size = Math.max(this.min, Math.min(1 << 16, 2 * this.size, Math.round((this.size * CALL_BUDGET_MS) / took)));
    return result;
  }
}

function metricOf(value: unknown): Metric {
  return typeof value === "string" && (METRICS as readonly string[]).includes(value) ? (value as Metric) : "cosine";
}

/** Rows as the metric computes on them: unit rows for cosine, as is otherwise. */
function prepared(input: VectorMatrix, metric: Metric): Float32Array {
  return metric === "cosine" ? normalizedRows(input) : input.data;
}

/**
 * The k nearest fitted rows of every query (nearest first), distances in the metric's units as
 * knn.ts gives them. "auto": exact (thread team) for small problems and always for manhattan, else
 * an HNSW index over the fitted rows (usearch, the fit's settings).
 */
export async function fittedKnn(
  fitted: VectorMatrix,
  queries: VectorMatrix,
  k: number,
  metric: Metric,
  ctx: ReduceContext,
  team: Team,
  pacer: Pacer,
  method: "auto" | "exact" | "hnsw" = "auto",
): Promise<KnnGraph> {
  const kk = Math.max(1, Math.min(k, fitted.n));
  pacer.progress("knn", 0, 1);
  const small = fitted.n * queries.n <= EXACT_TRANSFORM_PAIRS || fitted.n <= kk;
  if (metric === "manhattan" || method === "exact" || (method === "auto" && small)) {
    return exactFittedKnn(fitted, queries, kk, metric, team, pacer);
  }
  return hnswFittedKnn(fitted, queries, kk, metric, Math.max(1, Math.floor(ctx.threads ?? 1)), pacer);
}

function exactArgs(fitted: VectorMatrix, queries: VectorMatrix, k: number, metric: Metric, shared: boolean): KernelArgs {
  const fx = shareFloat32(prepared(fitted, metric), shared);
  const qx = shareFloat32(prepared(queries, metric), shared);
  const euclidean = metric === "euclidean";
  const norms = (x: Float32Array, n: number) => {
    const own = squaredNorms(x, n, fitted.dims);
    if (!shared) return own;
    const out = sharedFloat64(n, true);
    out.set(own);
    return out;
  };
  return {
    fx,
    qx,
    fnorms: euclidean ? norms(fx, fitted.n) : null,
    qnorms: euclidean ? norms(qx, queries.n) : null,
    dims: fitted.dims,
    m: fitted.n,
    k,
    metric: metric === "manhattan" ? KNN_METRIC.manhattan : euclidean ? KNN_METRIC.euclidean : KNN_METRIC.ip,
    from: 0,
    to: 0,
    indices: sharedInt32(queries.n * k, shared),
    distances: sharedFloat32(queries.n * k, shared),
  };
}

async function exactFittedKnn(fitted: VectorMatrix, queries: VectorMatrix, k: number, metric: Metric, team: Team, pacer: Pacer): Promise<KnnGraph> {
  const args = exactArgs(fitted, queries, k, metric, team.shared);
  // About 2 µs per 100 fitted rows × 384 dims: start small, then size calls from their timing.
  await runBlocks(team, "transformExactKnn", args, queries.n, Math.max(team.size, Math.ceil(200_000 / Math.max(1, fitted.n))), pacer, "knn");
  return { indices: args.indices as Int32Array, distances: args.distances as Float32Array, k, method: "exact" };
}

async function hnswFittedKnn(fitted: VectorMatrix, queries: VectorMatrix, k: number, metric: Exclude<Metric, "manhattan">, threads: number, pacer: Pacer): Promise<KnnGraph> {
  const usearch = await loadUsearch();
  const { dims } = fitted;
  const fx = prepared(fitted, metric);
  const qx = prepared(queries, metric);
  const index = new usearch.Index({
    dimensions: dims,
    metric: metric === "euclidean" ? usearch.MetricKind.L2sq : usearch.MetricKind.IP,
    quantization: usearch.ScalarKind.F32,
    connectivity: HNSW_CONFIG.connectivity,
    expansion_add: HNSW_CONFIG.expansionAdd,
    expansion_search: Math.max(HNSW_CONFIG.minExpansionSearch, 2 * (k + 1)),
    multi: false,
  });
  const total = fitted.n + queries.n;
  const adding = new CallSizer(32, 8);
  for (let start = 0; start < fitted.n; ) {
    const end = Math.min(fitted.n, start + adding.size);
    const keys = new BigUint64Array(end - start);
    for (let i = start; i < end; i++) keys[i - start] = BigInt(i);
    // One thread inserts in index order: the same graph whatever the call sizes.
    await adding.timed(() => index.add(keys, fx.subarray(start * dims, end * dims), threads));
    pacer.progress("knn", end, total);
    await pacer.pace();
    start = end;
  }
  const indices = new Int32Array(queries.n * k);
  const distances = new Float32Array(queries.n * k);
  const searching = new CallSizer(32, 8);
  let exact: KernelArgs | null = null;
  for (let start = 0; start < queries.n; ) {
    const end = Math.min(queries.n, start + searching.size);
    const found = (await searching.timed(() => index.search(qx.subarray(start * dims, end * dims), k, threads))) as unknown as SearchResult;
    const counts = found.counts ?? BigUint64Array.of(BigInt(found.keys.length));
    for (let q = start; q < end; q++) {
      const available = Math.min(k, Number(counts[q - start]));
      for (let t = 0; t < available; t++) {
        const d = found.distances[(q - start) * k + t];
        indices[q * k + t] = Number(found.keys[(q - start) * k + t]);
        distances[q * k + t] = metric === "euclidean" ? Math.sqrt(Math.max(0, d)) : d;
      }
      if (available < k) {
        // HNSW came back short (tiny or degenerate index): this row exactly.
        exact ??= exactArgs(fitted, queries, k, metric, false);
        TRANSFORM_KERNELS.transformExactKnn({ ...exact, from: q, to: q + 1 }, 0, 1);
        indices.set((exact.indices as Int32Array).subarray(q * k, (q + 1) * k), q * k);
        distances.set((exact.distances as Float32Array).subarray(q * k, (q + 1) * k), q * k);
      }
    }
    pacer.progress("knn", fitted.n + end, total);
    await pacer.pace();
    start = end;
  }
  return { indices, distances, k, method: "hnsw" };
}

/**
 * Runs `kernel` over rows [0, n) in consecutive blocks [from, to), each split across the team,
 * sized from the previous call's timing; progress and abort between calls.
 */
async function runBlocks(team: Team, kernel: KernelName, args: KernelArgs, n: number, firstBlock: number, pacer: Pacer, phase: string): Promise<void> {
  const sizer = new CallSizer(Math.max(1, firstBlock), team.size);
  pacer.progress(phase, 0, n);
  for (let from = 0; from < n; ) {
    const to = Math.min(n, from + sizer.size);
    args.from = from;
    args.to = to;
    await sizer.timed(() => team.run(kernel, args));
    pacer.progress(phase, to, n);
    await pacer.pace();
    from = to;
  }
}

/** Interleaved fitted coordinates as Float64 (shared when the team has workers). */
function fittedLayout(coords: Float32Array, shared: boolean): Float64Array {
  const out = sharedFloat64(coords.length, shared);
  for (let i = 0; i < coords.length; i++) out[i] = coords[i];
  return out;
}

/** Each query at the weighted mean of its neighbours' positions (weights ≥ 0, per row). */
function weightedMeanInit(indices: Int32Array, weights: Float64Array, k: number, layout: Float64Array, out: Float64Array): void {
  const n = out.length / 2;
  for (let q = 0; q < n; q++) {
    let sum = 0;
    let x = 0;
    let y = 0;
    for (let t = 0; t < k; t++) {
      const w = weights[q * k + t];
      const j = indices[q * k + t];
      sum += w;
      x += w * layout[2 * j];
      y += w * layout[2 * j + 1];
    }
    if (sum > 0) {
      out[2 * q] = x / sum;
      out[2 * q + 1] = y / sum;
    } else {
      // Every weight underflowed: the nearest neighbour's position.
      const j = indices[q * k];
      out[2 * q] = layout[2 * j];
      out[2 * q + 1] = layout[2 * j + 1];
    }
  }
}

function toFloat32(y: Float64Array): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i];
  return out;
}

// ── UMAP ────────────────────────────────────────────────────────────────────

function positiveNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : null;
}

/** umap-learn's epochs for transform: n_epochs / 3 when the user set n_epochs, else 100 up to 10,000 queries and 30 above. */
export function umapTransformEpochs(queries: number, requested?: number): number {
  if (requested !== undefined && Number.isFinite(requested) && requested > 0) return Math.max(1, Math.floor(requested / 3));
  return queries <= 10_000 ? 100 : 30;
}

/**
 * umap-learn's smooth_knn_dist as its transform calls it (local_connectivity 0, so ρ = 0): σ per
 * query with Σ_{t ≥ 1} exp(−d_t/σ) = log₂(nNeighbors) — umap-learn's loop skips column 0, the
 * fit's self-neighbour — then membership weights exp(−d/σ) over all k neighbours (1 at d ≤ 0).
 */
async function membershipWeights(dist: Float64Array, n: number, k: number, nNeighbors: number, pacer: Pacer): Promise<Float64Array> {
  const target = Math.log2(nNeighbors);
  let meanAll = 0;
  for (let i = 0; i < dist.length; i++) meanAll += dist[i];
  meanAll /= Math.max(1, dist.length);
  const weights = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    if ((i & 255) === 0) {
      pacer.progress("graph", i, n);
      await pacer.pace();
    }
    const base = i * k;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let iter = 0; iter < BANDWIDTH_ITERATIONS; iter++) {
      let psum = 0;
      for (let t = 1; t < k; t++) {
        const d = dist[base + t];
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
    const sigma = Math.max(mid, MIN_K_DIST_SCALE * meanAll);
    for (let t = 0; t < k; t++) {
      const d = dist[base + t];
      weights[base + t] = d <= 0 || sigma === 0 ? 1 : Math.exp(-d / sigma);
    }
  }
  pacer.progress("graph", n, n);
  return weights;
}


async function transformUmap(model: TransformModel, fitted: FittedPoints, queries: VectorMatrix, ctx: ReduceContext, team: Team, pacer: Pacer): Promise<Float32Array> {
  const p = model.params;
  const m = fitted.vectors.n;
  const metric = metricOf(p.metric);
  const nNeighbors = Math.max(2, Math.min(Math.floor(positiveNumber(p.n_neighbors) ?? 15), m));
  let a = positiveNumber(p.a);
  let b = positiveNumber(p.b);
  if (a === null || b === null) ({ a, b } = findABParams(1, typeof p.min_dist === "number" ? p.min_dist : 0.1));
  const nEpochs = umapTransformEpochs(queries.n, model.requestedEpochs);

  const graph = await fittedKnn(fitted.vectors, queries, nNeighbors, metric, ctx, team, pacer);
  await pacer.yieldNow();
  const k = graph.k;
  const weights = await membershipWeights(usableDistances(graph, queries.n, metric), queries.n, k, nNeighbors, pacer);

  const shared = team.shared;
  const tail = fittedLayout(fitted.coords, shared);
  const head = sharedFloat64(2 * queries.n, shared);
  weightedMeanInit(graph.indices, weights, k, tail, head);
  // umap-learn's init_graph_transform: a query identical to a fitted point (weight 1) starts on it.
  for (let q = 0; q < queries.n; q++) {
    for (let t = 0; t < k; t++) {
      if (weights[q * k + t] !== 1) continue;
      const j = graph.indices[q * k + t];
      head[2 * q] = tail[2 * j];
      head[2 * q + 1] = tail[2 * j + 1];
      break;
    }
  }
  // Edges below max / n_epochs are never sampled (umap-learn zeroes them); the rest every max / w epochs.
  let max = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] > max) max = weights[i];
  const epochsPerSample = sharedFloat64(weights.length, shared);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    epochsPerSample[i] = w > 0 && w >= max / nEpochs ? max / w : 0;
  }
  const indices = sharedInt32(graph.indices.length, shared);
  indices.set(graph.indices);
  await pacer.yieldNow();
  const args: KernelArgs = {
    head,
    tail,
    indices,
    epochsPerSample,
    k,
    m,
    nEpochs,
    a,
    b,
    gamma: 1,
    initialAlpha: UMAP_TRANSFORM_ALPHA,
    negativeRate: UMAP_NEGATIVE_RATE,
    seed: ctx.seed >>> 0,
    from: 0,
    to: 0,
  };
  // ≈ k · n_epochs · 6 updates per query: about 1 ms at 100 epochs.
  await runBlocks(team, "transformUmapPlace", args, queries.n, Math.max(team.size, Math.ceil(2_500 / nEpochs)), pacer, "embed");
  return toFloat32(head);
}

// ── t-SNE ───────────────────────────────────────────────────────────────────

async function transformTsne(model: TransformModel, fitted: FittedPoints, queries: VectorMatrix, ctx: ReduceContext, team: Team, pacer: Pacer): Promise<Float32Array> {
  const m = fitted.vectors.n;
  const metric = metricOf(model.params.metric);
  const perplexity = effectivePerplexity(m + 1, TSNE_TRANSFORM.perplexity);
  const k = Math.max(1, Math.min(m, Math.floor(3 * perplexity)));
  const graph = await fittedKnn(fitted.vectors, queries, k, metric, ctx, team, pacer);
  await pacer.yieldNow();
  pacer.progress("graph", 0, queries.n);
  const p = await conditionalProbabilities(graph, queries.n, perplexity, metric, pacer);
  pacer.progress("graph", queries.n, queries.n);

  const shared = team.shared;
  const ref = fittedLayout(fitted.coords, shared);
  const y = sharedFloat64(2 * queries.n, shared);
  weightedMeanInit(graph.indices, p, graph.k, ref, y);
  const tree = new QuadTree();
  tree.build(ref, m);
  tree.summarize(TSNE_TRANSFORM.theta);
  const summary = sharedFloat64(4 * tree.flatSize, shared);
  summary.set(tree.summary.subarray(0, 4 * tree.flatSize));
  const skip = sharedInt32(tree.flatSize, shared);
  skip.set(tree.skip.subarray(0, tree.flatSize));
  const indices = sharedInt32(graph.indices.length, shared);
  indices.set(graph.indices);
  const pShared = sharedFloat64(p.length, shared);
  pShared.set(p);
  await pacer.yieldNow();
  const args: KernelArgs = {
    y,
    ref,
    summary,
    skip,
    flatSize: tree.flatSize,
    indices,
    p: pShared,
    k: graph.k,
    iterations: TSNE_TRANSFORM.iterations,
    exaggeration: TSNE_TRANSFORM.exaggeration,
    learningRate: TSNE_TRANSFORM.learningRate,
    momentum: TSNE_TRANSFORM.momentum,
    maxGradNorm: TSNE_TRANSFORM.maxGradNorm,
    minGain: TSNE_TRANSFORM.minGain,
    from: 0,
    to: 0,
  };
  await runBlocks(team, "transformTsnePlace", args, queries.n, team.size * 4, pacer, "embed");
  return toFloat32(y);
}

// ── off the calling thread ──────────────────────────────────────────────────

/** A placement request as it travels to a reducer worker (pool.ts → worker.ts); arrays may be shared. */
export interface TransformJob {
  model: TransformModel;
  /** The fitted vectors, row-major n × (the queries' dims). */
  fitted: Float32Array;
  n: number;
  /** Their coordinates, interleaved, length 2n. */
  coords: Float32Array;
}

/** Runs a TransformJob on `queries` (worker.ts): the placed coordinates as a reducer result. */
export async function runTransformJob(job: TransformJob, queries: VectorMatrix, ctx: ReduceContext): Promise<{ coords: Float32Array; meta: Record<string, unknown> }> {
  const fitted: FittedPoints = { vectors: { data: job.fitted, n: job.n, dims: queries.dims }, coords: job.coords };
  return { coords: await transformPoints(job.model, fitted, queries, ctx), meta: {} };
}
