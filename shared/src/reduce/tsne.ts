/**
 * t-SNE with scikit-learn's / openTSNE's optimisation: sparse P over ⌊3·perplexity + 1⌋
 * neighbours, 250 iterations of early exaggeration 12 with momentum 0.5, then momentum 0.8,
 * delta-bar-delta gains, learning rate "auto" = max(N / 12 / 4, 50) (with the gradient's factor 4:
 * openTSNE's max(N / 12, 200)), initial layout of std 1e-4.
 *
 * Speed: vectors wider than 50 dims are projected on their top 50 principal axes for the kNN
 * search, as Rtsne does (tsneProject.ts). Repulsion, each iteration, from whichever is cheaper: FFT
 * interpolation on a grid of boxes ≤ 1 wide (tsneFft.ts, as FIt-SNE / openTSNE) while the layout is
 * small — its cost grows with the layout's area — or a Barnes-Hut tree walked per group of points
 * (tsneTree.ts) once it has grown. Every per-row / per-point / per-grid-line step runs on the
 * thread team (team.ts); t-SNE's own steps give the same bits for any number of threads (the HNSW
 * kNN graph above 5,000 points does not: see knnHnsw.ts).
 */
import { TSNE_DEFAULTS } from "../params";
import { InputError } from "../errors";
import { createRng, type Rng } from "../random";
import type { TsneParams } from "../types";
import { knn } from "./knn";
import { Pacer } from "./pacer";
import { pcaInit } from "./pca";
import { shareFloat32, shareInt32, sharedFloat64, sharedInt32 } from "./sharedArrays";
import { Team } from "./team";
import { buildAffinities, effectivePerplexity, tsneNeighbourCount, type Affinities } from "./tsneAffinities";
import { FftRepulsion, planGrid, type FftOptions, type GridArgs } from "./tsneFft";
import { forceChunks, klDivergence, REPULSION_FFT, REPULSION_TREE, type ForceArgs } from "./tsneGradient";
import { neighbourInput, projects, type NeighbourInput } from "./tsneProject";
import { allocateTree, layoutBounds, type TreeArrays } from "./tsneTree";
import type { ReduceContext, Reducer, ReducerResult, VectorMatrix } from "./types";

export const EARLY_EXAGGERATION = 12;
export const EXPLORATION_ITERATIONS = 250;
/** Barnes-Hut opening angle, against each group's bounding box (≤ 0.7: a node then never acts on its own points). */
export const THETA = 0.7;
/**
 * FFT repulsion when its grid is cheap: L²·log₂L ≤ FFT_COST_RATIO · N (measured: an L = 256 grid
 * costs about as much as the group tree at N = 10,000). Early on, while the layout is small, that is
 * the FFT; once it has grown, the tree.
 */
export const FFT_COST_RATIO = 60;
export const FFT_OPTIONS: FftOptions = { maxBoxWidth: 1, minBoxes: 8 };
/** Target length of one team call of the force step (abort latency, progress granularity). */
const CALL_MS = 30;
/** Nearest neighbours per point handed back as `neighbors` (the quality step scores k = 15). */
const NEIGHBORS_KEPT = 15;
const INITIAL_STD = 1e-4;
const MIN_GAIN = 0.01;

export function autoLearningRate(n: number): number {
  return Math.max(n / EARLY_EXAGGERATION / 4, 50);
}

function columnStd(y: Float64Array, n: number, axis: number): number {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[2 * i + axis];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[2 * i + axis] - mean) ** 2;
  return Math.sqrt(v / n);
}

/**
 * "pca": the first two principal components (`pcaScores`, N×2, when already computed) scaled so
 * that the first has std 1e-4 (scikit-learn, openTSNE); an axis with no spread at all gets seeded
 * noise instead. "random": N(0, 1e-4²). Written into `y`.
 */
async function initialLayout(input: VectorMatrix, init: TsneParams["init"], pcaScores: Float64Array | null, rng: Rng, ctx: ReduceContext, team: Team, y: Float64Array): Promise<void> {
  const n = input.n;
  if (init === "pca") {
    y.set(pcaScores ?? (await pcaInit(input, 2, ctx, { team })));
    const std0 = columnStd(y, n, 0);
    if (std0 > 0) {
      const scale = INITIAL_STD / std0;
      for (let i = 0; i < y.length; i++) y[i] *= scale;
      if (columnStd(y, n, 1) === 0) for (let i = 0; i < n; i++) y[2 * i + 1] = INITIAL_STD * rng.normal();
      return;
    }
  }
  for (let i = 0; i < y.length; i++) y[i] = INITIAL_STD * rng.normal();
}

export const tsne: Reducer<TsneParams> = async (input, params, ctx): Promise<ReducerResult> => {
  const { n } = input;
  if (n < 2) throw new InputError(`At least two samples are required for t-SNE projection (got ${n})`, "sample", "Select a source or sample with two or more points.");
  const pacer = new Pacer(ctx);
  pacer.check();
  const perplexity = effectivePerplexity(n, params.perplexity);
  const learningRate = params.learning_rate === "auto" ? autoLearningRate(n) : params.learning_rate;
  // Called directly (bench, tests) the params may lack what params.ts fills in: its defaults apply.
  const iterations = Math.max(1, Math.floor(params.iterations ?? TSNE_DEFAULTS.iterations));
  const exploration = Math.min(EXPLORATION_ITERATIONS, iterations);

  // The projection's team is closed before the kNN search: a worker keeps every SharedArrayBuffer
  // it was handed alive until its own heap is collected, so closing it frees the sample and the
  // projected rows as soon as the search is done with them.
  let search: NeighbourInput;
  const projector = await Team.create(projects(input, params.metric) ? (ctx.threads ?? 1) : 1, ctx.workerScript);
  try {
    search = await neighbourInput(input, params.metric, projector, pacer, ctx);
  } finally {
    await projector.close();
  }
  const graph = await knn(search.input, tsneNeighbourCount(n, perplexity), search.metric, ctx);
  const team = await Team.create(ctx.threads ?? 1, ctx.workerScript);
  try {
    const k = graph.k;
    search.input = input; // the projection is no longer needed
    const neighbors = nearestColumns(graph.indices, n, k, Math.min(k, NEIGHBORS_KEPT));
    pacer.progress("graph", 0, 1);
    await pacer.yieldNow();
    const p = await buildAffinities(shareInt32(graph.indices, team.shared), shareFloat32(graph.distances, team.shared), n, k, perplexity, search.metric, team, pacer);
    await pacer.yieldNow();

    const y = sharedFloat64(2 * n, team.shared);
    await initialLayout(input, params.init, search.pcaScores, createRng(ctx.seed), ctx, team, y);
    search.pcaScores = null;
    const update = sharedFloat64(2 * n, team.shared);
    const gains = sharedFloat64(2 * n, team.shared).fill(1);
    const pos = sharedFloat64(2 * n, team.shared);
    const rep = sharedFloat64(2 * n, team.shared);
    const zTerm = sharedFloat64(n, team.shared);
    const bounds = sharedFloat64(4 * team.size, team.shared);
    const fft = new FftRepulsion(n, team, FFT_OPTIONS);
    let tree: TreeArrays | null = null; // allocated on the first tree step (large runs may never take one)
    const control = sharedInt32(2, team.shared);
    const calls = new CallSizer(team.size);
    const stats = { fft: 0, tree: 0 };
    let box = layoutBounds(y, n);

    /** Attraction into `pos`, repulsion into `rep`; returns Z (summed in index order: the same for any thread count). */
    const gradient = async (): Promise<number> => {
      const plan = planGrid(box[0], box[1], box[2], box[3], FFT_OPTIONS.maxBoxWidth, FFT_OPTIONS.minBoxes);
      const mode = plan.size * plan.size * Math.log2(plan.size) <= FFT_COST_RATIO * n ? REPULSION_FFT : REPULSION_TREE;
      const grid = mode === REPULSION_FFT ? await fft.convolve(y, box[0], box[1], box[2], box[3]) : noGrid(y);
      if (mode === REPULSION_FFT) stats.fft++;
      else stats.tree++;
      if (mode === REPULSION_TREE) tree ??= allocateTree(n, team.shared);
      const args: ForceArgs = { ...grid, ...affinityArrays(p), ...(tree ?? NO_TREE), pos, rep, zTerm, mode, boxOf: fft.boxOf, control, callEnd: 0, buildTree: mode === REPULSION_TREE, theta: THETA };
      control[1] = mode === REPULSION_TREE ? 0 : 1;
      let chunks = forceChunks(n, mode);
      for (let start = 0; start < chunks.total; ) {
        args.callEnd = Math.min(chunks.total, start + calls.size);
        control[0] = start;
        await calls.timed(args.callEnd - start, () => team.run("tsneForces", args as never));
        start = args.callEnd;
        args.buildTree = false;
        if (mode === REPULSION_TREE && tree) chunks = forceChunks(n, mode, tree.counts[1]); // the real group count, once built
        await pacer.pace();
      }
      let sumQ = 0;
      for (let i = 0; i < n; i++) sumQ += zTerm[i];
      return sumQ;
    };

    for (let it = 0; it < iterations; it++) {
      const exaggeration = it < exploration ? EARLY_EXAGGERATION : 1;
      const momentum = it < exploration ? 0.5 : 0.8;
      const sumQ = await gradient();
      await pacer.pace();
      const invZ = sumQ > 0 ? 1 / sumQ : 0;
      await team.run("tsneUpdate", { y, pos, rep, update, gains, bounds, n, exaggeration, momentum, learningRate, invZ, minGain: MIN_GAIN });
      box = mergeBounds(bounds, team.size);
      pacer.progress("embed", it + 1, iterations);
      await pacer.pace();
    }

    const repulsionIterations = { fft: stats.fft, bh: stats.tree };
    const klDiv = klDivergence(p, y, await gradient());
    const coords = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) coords[i] = y[i];
    return {
      coords,
      neighbors,
      meta: {
        perplexity,
        learning_rate: learningRate,
        iterations,
        kl_divergence: klDiv,
        metric: params.metric,
        init: params.init,
        early_exaggeration: EARLY_EXAGGERATION,
        repulsion: repulsionIterations.fft === 0 ? "bh" : repulsionIterations.bh === 0 ? "fft" : "fft+bh",
        // Iterations whose repulsion came from FFT interpolation / from the Barnes-Hut group tree.
        repulsion_iterations: repulsionIterations,
        theta: THETA,
        fft_max_box_width: FFT_OPTIONS.maxBoxWidth,
        knn: graph.method,
        n_neighbors: k,
        pca_dims: search.pcaDims,
        pca_rows: search.pcaRows,
        threads: team.size,
      },
    };
  } finally {
    await team.close();
  }
};

/** The first `kept` columns of the N×k nearest-first neighbour table (P's rows get re-sorted by index). */
function nearestColumns(indices: Int32Array, n: number, k: number, kept: number): { indices: Int32Array; k: number } {
  const out = new Int32Array(n * kept);
  for (let i = 0; i < n; i++) out.set(indices.subarray(i * k, i * k + kept), i * kept);
  return { indices: out, k: kept };
}

function affinityArrays(p: Affinities): Pick<ForceArgs, "n" | "k" | "indices" | "values" | "revStart" | "revSrc" | "revVal"> {
  return { n: p.n, k: p.k, indices: p.indices, values: p.values, revStart: p.revStart, revSrc: p.revSrc, revVal: p.revVal };
}

const NO_TREE: TreeArrays = allocateTree(0, false);

function noGrid(y: Float64Array): GridArgs {
  return { y, gridA: y, gridB: y, size: 0, boxes: 0, boxWidth: 0, x0: 0, y0: 0, cx: 0, cy: 0 };
}

/**
 * How many chunks one team call takes: about CALL_MS of work, learned from the calls so far, so
 * an abort is seen within that and progress keeps moving. Results do not depend on it.
 */
class CallSizer {
  size: number;
  constructor(private readonly parts: number) {
    this.size = 8 * parts;
  }
  async timed(chunks: number, call: () => Promise<void>): Promise<void> {
    const started = performance.now();
    await call();
    const perChunk = Math.max(performance.now() - started, 0.05) / chunks;
    this.size = Math.max(this.parts, Math.min(4 * this.size, Math.floor(CALL_MS / perChunk)));
  }
}


function mergeBounds(bounds: Float64Array, parts: number): [number, number, number, number] {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let p = 0; p < parts; p++) {
    minX = Math.min(minX, bounds[4 * p]);
    maxX = Math.max(maxX, bounds[4 * p + 1]);
    minY = Math.min(minY, bounds[4 * p + 2]);
    maxY = Math.max(maxY, bounds[4 * p + 3]);
  }
  return [minX, maxX, minY, maxY];
}
