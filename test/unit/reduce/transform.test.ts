/**
 * Out-of-sample placement (transform.ts): new vectors placed into a fitted PCA / UMAP / t-SNE
 * layout land where their neighbours are, copies of fitted points land on them, deterministically,
 * with progress and abort.
 */
import { describe, expect, it } from "vitest";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { Pacer } from "../../../shared/src/reduce/pacer";
import { QuadTree } from "../../../shared/src/reduce/quadtree";
import { pca } from "../../../shared/src/reduce/pca";
import { Team } from "../../../shared/src/reduce/team";
import { fittedKnn, transformPoints, umapTransformEpochs, type FittedPoints, type TransformModel } from "../../../shared/src/reduce/transform";
import { TRANSFORM_KERNELS } from "../../../shared/src/reduce/transformKernels";
import { tsne } from "../../../shared/src/reduce/tsne";
import type { ReducerResult, VectorMatrix } from "../../../shared/src/reduce/types";
import { umap } from "../../../shared/src/reduce/umap";
import { createRng } from "../../../shared/src/random";
import type { ReducerName } from "../../../shared/src/types";
import { abortOnPhase, allFinite, blobs, ctxWithSeed, randomMatrix, recordingContext } from "./helpers";

/** 8 blobs in 24-D: the first `fit` rows are fitted, the rest are new points of the same blobs. */
function split(n: number, fit: number, seed = 7) {
  const { input, labels } = blobs(n, 24, 8, 3, seed);
  const rows = (from: number, to: number): VectorMatrix => ({ data: input.data.slice(from * 24, to * 24), n: to - from, dims: 24 });
  return { fitted: rows(0, fit), queries: rows(fit, n), fittedLabels: labels.slice(0, fit), queryLabels: labels.slice(fit) };
}

function modelOf(reducer: ReducerName, result: ReducerResult): TransformModel {
  return { reducer, params: result.meta };
}

/** Share of placed points whose 10 nearest fitted points (in 2-D) mostly carry the point's own label. */
function placedLabelAgreement(placed: Float32Array, queryLabels: Int32Array, coords: Float32Array, fittedLabels: Int32Array, k = 10): number {
  const m = fittedLabels.length;
  let agree = 0;
  for (let q = 0; q < queryLabels.length; q++) {
    const d = Array.from({ length: m }, (_, j) => [(placed[2 * q] - coords[2 * j]) ** 2 + (placed[2 * q + 1] - coords[2 * j + 1]) ** 2, j]);
    d.sort((a, b) => a[0] - b[0]);
    let same = 0;
    for (let t = 0; t < k; t++) if (fittedLabels[d[t][1]] === queryLabels[q]) same++;
    if (same > k / 2) agree++;
  }
  return agree / queryLabels.length;
}

/** Median distance from each placed copy to its fitted original, as a share of the layout's extent. */
function relativeMedianOffset(placed: Float32Array, coords: Float32Array, rows: number[]): number {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < coords.length / 2; i++) {
    minX = Math.min(minX, coords[2 * i]);
    maxX = Math.max(maxX, coords[2 * i]);
    minY = Math.min(minY, coords[2 * i + 1]);
    maxY = Math.max(maxY, coords[2 * i + 1]);
  }
  const extent = Math.hypot(maxX - minX, maxY - minY);
  const offsets = rows.map((j, q) => Math.hypot(placed[2 * q] - coords[2 * j], placed[2 * q + 1] - coords[2 * j + 1])).sort((a, b) => a - b);
  return offsets[Math.floor(offsets.length / 2)] / extent;
}

function rowsOf(m: VectorMatrix, rows: number[]): VectorMatrix {
  const data = new Float32Array(rows.length * m.dims);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.dims, (r + 1) * m.dims), i * m.dims));
  return { data, n: rows.length, dims: m.dims };
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("transform: PCA", () => {
  const { fitted, queries } = split(400, 300);

  it("reproduces the fitted points' coordinates exactly, from recorded axes or refitted ones", async () => {
    const fit = await pca(fitted, {}, ctxWithSeed());
    const points: FittedPoints = { vectors: fitted, coords: fit.coords };
    // As the run stores them (JSON): the axes pca.ts records, and none (runs stored before it did).
    const recorded = JSON.parse(JSON.stringify(fit.meta)) as Record<string, unknown>;
    expect(recorded.mean).toHaveLength(24);
    for (const params of [recorded, { explained_variance_ratio: fit.meta.explained_variance_ratio }]) {
      const again = await transformPoints({ reducer: "pca", params }, points, fitted, ctxWithSeed());
      expect(same(again, fit.coords)).toBe(true);
    }
  });

  it("projects new points linearly: the mean of the fitted points lands on the origin", async () => {
    const fit = await pca(fitted, {}, ctxWithSeed());
    const mean = new Float32Array(24);
    for (let r = 0; r < fitted.n; r++) for (let c = 0; c < 24; c++) mean[c] += fitted.data[r * 24 + c] / fitted.n;
    const placed = await transformPoints(modelOf("pca", fit), { vectors: fitted, coords: fit.coords }, { data: mean, n: 1, dims: 24 }, ctxWithSeed());
    expect(Math.abs(placed[0])).toBeLessThan(1e-4);
    expect(Math.abs(placed[1])).toBeLessThan(1e-4);
    const many = await transformPoints(modelOf("pca", fit), { vectors: fitted, coords: fit.coords }, queries, ctxWithSeed());
    expect(many.length).toBe(2 * queries.n);
    expect(allFinite(many)).toBe(true);
  });
});

describe("transform: UMAP", () => {
  const { fitted, queries, fittedLabels, queryLabels } = split(560, 400);
  const fitting = umap(fitted, { n_neighbors: 15, min_dist: 0.1, metric: "euclidean", n_epochs: 150 }, ctxWithSeed());

  it("puts copies of fitted points on their originals and new points in their blob's region", async () => {
    const fit = await fitting;
    const points: FittedPoints = { vectors: fitted, coords: fit.coords };
    const copies = Array.from({ length: 80 }, (_, i) => i * 5);
    const placedCopies = await transformPoints(modelOf("umap", fit), points, rowsOf(fitted, copies), ctxWithSeed());
    expect(relativeMedianOffset(placedCopies, fit.coords, copies)).toBeLessThan(0.03);
    const placed = await transformPoints(modelOf("umap", fit), points, queries, ctxWithSeed());
    expect(allFinite(placed)).toBe(true);
    expect(placedLabelAgreement(placed, queryLabels, fit.coords, fittedLabels)).toBeGreaterThan(0.95);
  });

  it("is bitwise deterministic for a seed, the same on 1 or 2 threads, and the seed matters", async () => {
    const fit = await fitting;
    const points: FittedPoints = { vectors: fitted, coords: fit.coords };
    const a = await transformPoints(modelOf("umap", fit), points, queries, ctxWithSeed(3));
    const b = await transformPoints(modelOf("umap", fit), points, queries, { ...ctxWithSeed(3), threads: 2 });
    const c = await transformPoints(modelOf("umap", fit), points, queries, ctxWithSeed(4));
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
  });

  it("takes umap-learn's epochs: a third of a requested n_epochs, else 100 up to 10,000 points and 30 above", () => {
    expect(umapTransformEpochs(500, 200)).toBe(66);
    expect(umapTransformEpochs(500)).toBe(100);
    expect(umapTransformEpochs(10_001)).toBe(30);
  });

  it("reports knn, graph and embed progress, and stops when aborted in any of them", async () => {
    const fit = await fitting;
    const points: FittedPoints = { vectors: fitted, coords: fit.coords };
    const { ctx, events } = recordingContext();
    await transformPoints(modelOf("umap", fit), points, queries, ctx);
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(["knn", "graph", "embed"]);
    const last = events.filter((e) => e.phase === "embed").at(-1);
    expect(last).toMatchObject({ done: queries.n, total: queries.n });
    for (const phase of ["knn", "graph", "embed"]) {
      const { ctx: aborting } = abortOnPhase(phase);
      await expect(transformPoints(modelOf("umap", fit), points, queries, aborting)).rejects.toBeInstanceOf(CancelledError);
    }
  });
});

describe("transform: t-SNE", () => {
  const { fitted, queries, fittedLabels, queryLabels } = split(560, 400, 11);
  const fitting = tsne(fitted, { perplexity: 20, learning_rate: "auto", iterations: 500, init: "pca", metric: "cosine" }, ctxWithSeed());

  it("puts copies of fitted points near their originals and new points in their blob's region", async () => {
    const fit = await fitting;
    const points: FittedPoints = { vectors: fitted, coords: fit.coords };
    const copies = Array.from({ length: 80 }, (_, i) => i * 5);
    const placedCopies = await transformPoints(modelOf("tsne", fit), points, rowsOf(fitted, copies), ctxWithSeed());
    expect(relativeMedianOffset(placedCopies, fit.coords, copies)).toBeLessThan(0.03);
    const placed = await transformPoints(modelOf("tsne", fit), points, queries, ctxWithSeed());
    expect(allFinite(placed)).toBe(true);
    expect(placedLabelAgreement(placed, queryLabels, fit.coords, fittedLabels)).toBeGreaterThan(0.95);
  });

  it("gives the same coordinates on 1 and 2 threads, and whatever else is placed in the same call", async () => {
    const fit = await fitting;
    const points: FittedPoints = { vectors: fitted, coords: fit.coords };
    const all = await transformPoints(modelOf("tsne", fit), points, queries, ctxWithSeed());
    const two = await transformPoints(modelOf("tsne", fit), points, queries, { ...ctxWithSeed(), threads: 2 });
    expect(same(all, two)).toBe(true);
    const firstTen = await transformPoints(modelOf("tsne", fit), points, rowsOf(queries, Array.from({ length: 10 }, (_, i) => i)), ctxWithSeed());
    expect(same(firstTen, all.subarray(0, 20))).toBe(true);
  });

  it("stops when aborted during the optimisation", async () => {
    const fit = await fitting;
    const { ctx } = abortOnPhase("embed");
    await expect(transformPoints(modelOf("tsne", fit), { vectors: fitted, coords: fit.coords }, queries, ctx)).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("transform: the placement kernels move a point to its neighbours", () => {
  // Fitted layout: 20 points around (0, 0) and 20 around (10, 0); the query's neighbours are all in
  // the first group, but it starts halfway between the two.
  const m = 40;
  const rng = createRng(9);
  const layout = new Float64Array(2 * m);
  for (let j = 0; j < m; j++) {
    layout[2 * j] = (j < 20 ? 0 : 10) + 0.3 * rng.normal();
    layout[2 * j + 1] = 0.3 * rng.normal();
  }
  const k = 15;
  const indices = Int32Array.from({ length: k }, (_, t) => t);
  const distanceToFirstGroup = (y: Float64Array) => Math.hypot(y[0], y[1]);

  it("UMAP's SGD pulls the query into its neighbours' group (and does nothing with no epochs)", () => {
    const run = (nEpochs: number) => {
      const head = Float64Array.of(5, 0);
      const args = { head, tail: layout, indices, epochsPerSample: new Float64Array(k).fill(1), k, m, nEpochs, a: 1.577, b: 0.895, gamma: 1, initialAlpha: 0.25, negativeRate: 5, seed: 1, from: 0, to: 1 };
      TRANSFORM_KERNELS.transformUmapPlace(args, 0, 1);
      return head;
    };
    expect(distanceToFirstGroup(run(0))).toBe(5);
    // Repulsion from negative samples keeps it about a unit from the group's centre in this toy.
    const placed = run(100);
    expect(distanceToFirstGroup(placed)).toBeLessThan(2);
    expect(Math.hypot(placed[0] - 10, placed[1])).toBeGreaterThan(8);
  });

  it("t-SNE's gradient descent pulls the query into its neighbours' group", () => {
    const tree = new QuadTree();
    tree.build(layout, m);
    tree.summarize(0.5);
    const y = Float64Array.of(5, 0);
    const args = {
      y, ref: layout, summary: tree.summary, skip: tree.skip, flatSize: tree.flatSize, indices, p: new Float64Array(k).fill(1 / k), k,
      iterations: 250, exaggeration: 1.5, learningRate: 0.1, momentum: 0.8, maxGradNorm: 0.25, minGain: 0.01, from: 0, to: 1,
    };
    TRANSFORM_KERNELS.transformTsnePlace(args, 0, 1);
    expect(distanceToFirstGroup(y)).toBeLessThan(2);
  });
});

describe("transform: kNN among the fitted points", () => {
  it("HNSW finds (nearly) the exact neighbours, for every metric it serves", async () => {
    const fitted = randomMatrix(1500, 16, 1);
    const queries = randomMatrix(200, 16, 2);
    const team = await Team.create(1);
    const pacer = new Pacer(ctxWithSeed());
    for (const metric of ["cosine", "euclidean", "dot"] as const) {
      const exact = await fittedKnn(fitted, queries, 10, metric, ctxWithSeed(), team, pacer, "exact");
      const hnsw = await fittedKnn(fitted, queries, 10, metric, ctxWithSeed(), team, pacer, "hnsw");
      expect(hnsw.method).toBe("hnsw");
      let hits = 0;
      for (let q = 0; q < queries.n; q++) {
        const truth = new Set(exact.indices.subarray(q * 10, q * 10 + 10));
        for (let t = 0; t < 10; t++) if (truth.has(hnsw.indices[q * 10 + t])) hits++;
        // Distances agree where the neighbour agrees, and come nearest first.
        expect(hnsw.distances[q * 10]).toBeCloseTo(exact.distances[q * 10], 4);
        for (let t = 1; t < 10; t++) expect(exact.distances[q * 10 + t]).toBeGreaterThanOrEqual(exact.distances[q * 10 + t - 1]);
      }
      expect(hits / (queries.n * 10)).toBeGreaterThan(0.95);
    }
  });

  it("exact search returns the brute-force answer (manhattan)", async () => {
    const fitted = randomMatrix(50, 5, 3);
    const queries = randomMatrix(4, 5, 4);
    const team = await Team.create(1);
    const graph = await fittedKnn(fitted, queries, 3, "manhattan", ctxWithSeed(), team, new Pacer(ctxWithSeed()));
    for (let q = 0; q < 4; q++) {
      const d = Array.from({ length: 50 }, (_, j) => {
        let s = 0;
        for (let c = 0; c < 5; c++) s += Math.abs(queries.data[q * 5 + c] - fitted.data[j * 5 + c]);
        return [s, j];
      }).sort((a, b) => a[0] - b[0]);
      expect(Array.from(graph.indices.subarray(q * 3, q * 3 + 3))).toEqual(d.slice(0, 3).map((x) => x[1]));
      expect(graph.distances[q * 3]).toBeCloseTo(d[0][0], 4);
    }
  });
});

describe("transform: bad input", () => {
  const { fitted } = split(60, 40);
  const points: FittedPoints = { vectors: fitted, coords: new Float32Array(2 * fitted.n) };

  it("refuses vectors of another dimension, with a fix-it hint", async () => {
    const err = await transformPoints({ reducer: "umap", params: {} }, points, randomMatrix(3, 23, 1), ctxWithSeed()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/23 dimensions; the run was fitted on 24/);
    expect((err as InputError).hint).toMatch(/same embedding model/);
  });

  it("refuses non-finite values and names the vector", async () => {
    const bad = randomMatrix(3, 24, 1);
    bad.data[24 + 5] = Number.NaN;
    await expect(transformPoints({ reducer: "tsne", params: {} }, points, bad, ctxWithSeed())).rejects.toThrow(/vector 1 has a non-finite value \(NaN\) at dimension 5/);
  });

  it("places nothing for no vectors", async () => {
    expect((await transformPoints({ reducer: "umap", params: {} }, points, { data: new Float32Array(0), n: 0, dims: 24 }, ctxWithSeed())).length).toBe(0);
  });
});
