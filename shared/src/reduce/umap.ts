/**
 * UMAP: our kNN graph (so the metric is really the requested one) → fuzzy simplicial set → PCA
 * initialisation → SGD layout, all in typed arrays with yields. umap-js supplies the a/b curve fit.
 *
 * Why not umap-js's own fit: at 10k × 384 its `initializeFit` blocks the thread for 8–16 s (Map-
 * based sparse matrices; no way to yield or cancel inside) and each epoch takes ≈75 ms, 51 s in all;
 * see docs/reducers-notes.md.
 */
import { findABParams } from "umap-js/dist/umap";
import { InputError } from "../errors";
import { createRng, type Rng } from "../random";
import type { UmapParams } from "../types";
import { fuzzySimplicialSet } from "./fuzzyGraph";
import { knn } from "./knn";
import { Pacer } from "./pacer";
import { pcaInit } from "./pca";
import { shareFloat64 } from "./sharedArrays";
import { Team } from "./team";
import type { Reducer, ReducerResult, VectorMatrix, ReduceContext } from "./types";
import { layoutEdges, optimizeLayout } from "./umapLayout";

/** umap-learn's default: 500 epochs up to 10,000 points, 200 above. */
export function defaultUmapEpochs(n: number): number {
  return n <= 10_000 ? 500 : 200;
}

const SPREAD = 1;

/**
 * umap-learn's init="pca": PCA scores scaled to a max |coordinate| of 10 plus a little noise, then
 * every axis stretched to [0, 10]. Falls back to uniform random when the data has no spread at all.
 */
async function initialLayout(input: VectorMatrix, rng: Rng, ctx: ReduceContext, team: Team): Promise<Float64Array> {
  const n = input.n;
  const y = await pcaInit(input, 2, ctx, { team });
  let maxAbs = 0;
  for (let i = 0; i < y.length; i++) maxAbs = Math.max(maxAbs, Math.abs(y[i]));
  if (maxAbs > 0) {
    const expansion = 10 / maxAbs;
    for (let i = 0; i < y.length; i++) y[i] = y[i] * expansion + 1e-4 * rng.normal();
  } else {
    for (let i = 0; i < y.length; i++) y[i] = rng.next() * 20 - 10;
  }
  for (let axis = 0; axis < 2; axis++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      min = Math.min(min, y[2 * i + axis]);
      max = Math.max(max, y[2 * i + axis]);
    }
    const range = max - min;
    for (let i = 0; i < n; i++) y[2 * i + axis] = range > 0 ? (10 * (y[2 * i + axis] - min)) / range : 5;
  }
  return y;
}

export const umap: Reducer<UmapParams> = async (input, params, ctx): Promise<ReducerResult> => {
  const { n } = input;
  if (n < 2) throw new InputError(`At least two samples are required for UMAP projection (got ${n})`, "sample", "Select a source or sample with two or more points.");
  const pacer = new Pacer(ctx);
  pacer.check();
  // n_neighbors counts the point itself (umap-learn's convention), so at most N.
  const nNeighbors = Math.max(2, Math.min(Math.floor(params.n_neighbors), n));
  const nEpochs = Math.max(1, Math.floor(params.n_epochs ?? defaultUmapEpochs(n)));
  const { a, b } = findABParams(SPREAD, params.min_dist);
  const meta: Record<string, unknown> = { n_neighbors: nNeighbors, min_dist: params.min_dist, metric: params.metric, n_epochs: nEpochs, init: "pca", a, b };

  const team = await Team.create(ctx.threads ?? 1, ctx.workerScript);
  try {
    meta.threads = team.size;
    const graph = await knn(input, nNeighbors - 1, params.metric, ctx, { team });
    meta.knn = graph.method;
    pacer.progress("graph", 0, 1);
    await pacer.yieldNow();
    const fuzzy = await fuzzySimplicialSet(graph, n, nNeighbors, params.metric, pacer);
    const edges = layoutEdges(fuzzy, nEpochs);
    pacer.progress("graph", 1, 1);
    await pacer.yieldNow();

    const rng = createRng(ctx.seed);
    const embedding = shareFloat64(await initialLayout(input, rng, ctx, team), team.shared);
    await pacer.yieldNow();
    await optimizeLayout(embedding, edges, { nEpochs, a, b }, ctx.seed, team, pacer, (epoch) => pacer.progress("embed", epoch, nEpochs));
    const coords = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) coords[i] = embedding[i];
    return { coords, meta, neighbors: { indices: graph.indices, k: graph.k } };
  } finally {
    await team.close();
  }
};
