/**
 * Barnes-Hut t-SNE following scikit-learn's schedule: sparse P over ⌊3·perplexity + 1⌋ neighbours,
 * 250 iterations of early exaggeration 12 with momentum 0.5, then momentum 0.8, delta-bar-delta
 * gains, learning rate "auto" = max(N / 12 / 4, 50), θ = 0.5, initial layout of std 1e-4.
 */
import { InputError } from "../errors";
import { createRng, type Rng } from "../random";
import type { TsneParams } from "../types";
import { knn } from "./knn";
import { Pacer } from "./pacer";
import { pcaInit } from "./pca";
import { QuadTree } from "./quadtree";
import { effectivePerplexity, jointProbabilities, tsneNeighbourCount } from "./tsneAffinities";
import { attraction, klDivergence, repulsion } from "./tsneGradient";
import type { ReduceContext, Reducer, ReducerResult, VectorMatrix } from "./types";

export const EARLY_EXAGGERATION = 12;
export const EXPLORATION_ITERATIONS = 250;
export const THETA = 0.5;
const INITIAL_STD = 1e-4;
const MIN_GAIN = 0.01;
/** Points per repulsion chunk between clock checks (≈1–2 ms of work). */
const REPULSION_CHUNK = 1024;

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
 * "pca": the first two principal components scaled so that the first has std 1e-4 (scikit-learn,
 * openTSNE); an axis with no spread at all gets seeded noise instead. "random": N(0, 1e-4²).
 */
async function initialLayout(input: VectorMatrix, init: TsneParams["init"], rng: Rng, ctx: ReduceContext): Promise<Float64Array> {
  const n = input.n;
  if (init === "pca") {
    const y = await pcaInit(input, 2, ctx);
    const std0 = columnStd(y, n, 0);
    if (std0 > 0) {
      const scale = INITIAL_STD / std0;
      for (let i = 0; i < y.length; i++) y[i] *= scale;
      if (columnStd(y, n, 1) === 0) for (let i = 0; i < n; i++) y[2 * i + 1] = INITIAL_STD * rng.normal();
      return y;
    }
  }
  const y = new Float64Array(2 * n);
  for (let i = 0; i < y.length; i++) y[i] = INITIAL_STD * rng.normal();
  return y;
}

export const tsne: Reducer<TsneParams> = async (input, params, ctx): Promise<ReducerResult> => {
  const { n } = input;
  if (n < 2) throw new InputError(`At least two samples are required for t-SNE projection (got ${n})`, "sample", "Select a source or sample with two or more points.");
  const pacer = new Pacer(ctx);
  pacer.check();
  const perplexity = effectivePerplexity(n, params.perplexity);
  const learningRate = params.learning_rate === "auto" ? autoLearningRate(n) : params.learning_rate;
  const iterations = Math.max(1, Math.floor(params.iterations));
  const exploration = Math.min(EXPLORATION_ITERATIONS, iterations);

  const graph = await knn(input, tsneNeighbourCount(n, perplexity), params.metric, ctx);
  pacer.progress("graph", 0, 1);
  await pacer.yieldNow();
  const p = await jointProbabilities(graph, n, perplexity, params.metric, pacer);
  pacer.progress("graph", 1, 1);
  await pacer.yieldNow();

  const rng = createRng(ctx.seed);
  const y = await initialLayout(input, params.init, rng, ctx);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const pos = new Float64Array(2 * n);
  const neg = new Float64Array(2 * n);
  const tree = new QuadTree();

  const repulsionAndZ = async (): Promise<number> => {
    tree.build(y, n);
    tree.summarize(THETA);
    neg.fill(0);
    let sumQ = 0;
    for (let start = 0; start < n; start += REPULSION_CHUNK) {
      sumQ += repulsion(tree, y, start, Math.min(n, start + REPULSION_CHUNK), neg);
      await pacer.pace();
    }
    return sumQ;
  };

  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < exploration ? EARLY_EXAGGERATION : 1;
    const momentum = it < exploration ? 0.5 : 0.8;
    const sumQ = await repulsionAndZ();
    attraction(p, y, pos);
    const invZ = sumQ > 0 ? 1 / sumQ : 0;
    for (let c = 0; c < 2 * n; c++) {
      const grad = 4 * (exaggeration * pos[c] - neg[c] * invZ);
      // Delta-bar-delta: grow the step while the direction holds, shrink it when it flips.
      gains[c] = update[c] * grad < 0 ? gains[c] + 0.2 : Math.max(gains[c] * 0.8, MIN_GAIN);
      update[c] = momentum * update[c] - learningRate * gains[c] * grad;
      y[c] += update[c];
    }
    pacer.progress("embed", it + 1, iterations);
    await pacer.pace();
  }

  const klDiv = klDivergence(p, y, await repulsionAndZ());
  const coords = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) coords[i] = y[i];
  return {
    coords,
    meta: {
      perplexity,
      learning_rate: learningRate,
      iterations,
      kl_divergence: klDiv,
      metric: params.metric,
      init: params.init,
      early_exaggeration: EARLY_EXAGGERATION,
      theta: THETA,
      knn: graph.method,
      n_neighbors: graph.k,
    },
  };
};
