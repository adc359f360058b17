import { describe, expect, it } from "vitest";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { fuzzySimplicialSet } from "../../../shared/src/reduce/fuzzyGraph";
import { knn } from "../../../shared/src/reduce/knn";
import { Pacer } from "../../../shared/src/reduce/pacer";
import { pca } from "../../../shared/src/reduce/pca";
import { knnAgreement } from "../../../shared/src/reduce/quality";
import { umap } from "../../../shared/src/reduce/umap";
import { createRng } from "../../../shared/src/random";
import type { UmapParams } from "../../../shared/src/types";
import { abortOnPhase, allFinite, blobs, ctxWithSeed, recordingContext } from "./helpers";

const PARAMS: UmapParams = { n_neighbors: 15, min_dist: 0.1, metric: "euclidean", n_epochs: 120 };

describe("umap", () => {
  // 12 blobs in 40-D: separate in the data, but PCA's best plane overlaps several (agreement ≈ 0.8).
  const { input, labels } = blobs(240, 40, 12, 5, 1);

  it("keeps blobs apart that a linear projection mixes, and records its effective parameters", async () => {
    const { coords, meta } = await umap(input, PARAMS, ctxWithSeed());
    expect(coords).toBeInstanceOf(Float32Array);
    expect(coords.length).toBe(2 * input.n);
    expect(allFinite(coords)).toBe(true);
    const linear = await pca(input, {}, ctxWithSeed());
    expect(knnAgreement(labels, linear.coords, 10)).toBeLessThan(0.9);
    expect(knnAgreement(labels, coords, 10)).toBeGreaterThan(0.95);
    expect(meta).toMatchObject({ n_neighbors: 15, min_dist: 0.1, metric: "euclidean", n_epochs: 120, knn: "exact", init: "pca" });
    expect(meta.a as number).toBeCloseTo(1.577, 1);
    expect(meta.b as number).toBeCloseTo(0.895, 1);
  });

  it("uses the requested metric: cosine groups rays by direction whatever their length", async () => {
    // Three directions in 10-D, lengths spread over two orders of magnitude: euclidean neighbours
    // follow length, cosine neighbours follow direction.
    const rng = createRng(5);
    const n = 240;
    const dims = 10;
    const directions = Array.from({ length: 3 }, () => Array.from({ length: dims }, () => rng.normal()));
    const data = new Float32Array(n * dims);
    const direction = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      direction[i] = i % 3;
      const length = 1 + 99 * rng.next();
      for (let c = 0; c < dims; c++) data[i * dims + c] = length * (directions[i % 3][c] + 0.05 * rng.normal());
    }
    const rays = { data, n, dims };
    const cosine = await umap(rays, { ...PARAMS, metric: "cosine" }, ctxWithSeed());
    const euclidean = await umap(rays, PARAMS, ctxWithSeed());
    expect(knnAgreement(direction, cosine.coords, 10)).toBeGreaterThan(0.95);
    expect(knnAgreement(direction, euclidean.coords, 10)).toBeLessThan(knnAgreement(direction, cosine.coords, 10));
  });

  it("is bitwise deterministic for a seed and changes with the seed", async () => {
    const a = await umap(input, PARAMS, ctxWithSeed(3));
    const b = await umap(input, PARAMS, ctxWithSeed(3));
    const c = await umap(input, PARAMS, ctxWithSeed(4));
    expect(Buffer.from(a.coords.buffer).equals(Buffer.from(b.coords.buffer))).toBe(true);
    expect(Buffer.from(a.coords.buffer).equals(Buffer.from(c.coords.buffer))).toBe(false);
  });

  it("reports knn, graph, pca and embed progress, a bounded number of times", async () => {
    const { ctx, events } = recordingContext();
    await umap(input, PARAMS, ctx);
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(["knn", "graph", "pca", "embed"]);
    expect(events.length).toBeLessThan(500);
    const embed = events.filter((e) => e.phase === "embed");
    expect(embed[embed.length - 1]).toEqual({ phase: "embed", done: 120, total: 120 });
  });

  it("stops with CancelledError when aborted during the layout", async () => {
    const { ctx } = abortOnPhase("embed");
    await expect(umap(input, PARAMS, ctx)).rejects.toBeInstanceOf(CancelledError);
  });

  it("handles tiny inputs: n_neighbors is clamped to N, one point is an InputError", async () => {
    for (const n of [2, 3, 5]) {
      const { input: tiny } = blobs(n, 4, 2, 1, 9);
      const { coords, meta } = await umap(tiny, { ...PARAMS, n_neighbors: 15 }, ctxWithSeed());
      expect(coords.length).toBe(2 * n);
      expect(allFinite(coords)).toBe(true);
      expect(meta.n_neighbors).toBe(n);
    }
    await expect(umap({ data: Float32Array.of(1, 2), n: 1, dims: 2 }, PARAMS, ctxWithSeed())).rejects.toBeInstanceOf(InputError);
  });

  it("survives identical points (no spread for PCA, zero distances everywhere)", async () => {
    const same = { data: new Float32Array(30 * 4).fill(2), n: 30, dims: 4 };
    const { coords } = await umap(same, { ...PARAMS, n_neighbors: 5, n_epochs: 50 }, ctxWithSeed());
    expect(allFinite(coords)).toBe(true);
  });

  it("runs on a two-thread team (HNSW kNN and Hogwild layout) with the same quality", async () => {
    // 12 blobs × 500 points: above the exact-kNN limit, so usearch's threads and the team's re-rank run.
    const { input: big, labels: bigLabels } = blobs(6000, 24, 12, 4, 7);
    const params = { ...PARAMS, n_epochs: 60 };
    const one = await umap(big, params, ctxWithSeed(5));
    const two = await umap(big, params, { ...ctxWithSeed(5), threads: 2 });
    expect(one.meta).toMatchObject({ threads: 1, knn: "hnsw" });
    expect(two.meta).toMatchObject({ threads: 2, knn: "hnsw" });
    expect(allFinite(two.coords)).toBe(true);
    expect(knnAgreement(bigLabels, two.coords, 10, 1000)).toBeGreaterThan(0.97);
    expect(Math.abs(knnAgreement(bigLabels, two.coords, 10, 1000) - knnAgreement(bigLabels, one.coords, 10, 1000))).toBeLessThan(0.02);
    expect(two.neighbors?.k).toBe(14);
  });

  it("defaults n_epochs as umap-learn does", async () => {
    const { n_epochs: _omit, ...withoutEpochs } = PARAMS;
    const { input: small } = blobs(30, 4, 2, 1, 2);
    const { meta } = await umap(small, withoutEpochs, ctxWithSeed());
    expect(meta.n_epochs).toBe(500);
  });
});

describe("fuzzy simplicial set", () => {
  it("is symmetric with memberships in (0, 1] and the nearest neighbour at 1", async () => {
    const { input } = blobs(120, 8, 3, 1, 4);
    const graph = await knn(input, 9, "euclidean", ctxWithSeed());
    const fuzzy = await fuzzySimplicialSet(graph, input.n, 10, "euclidean", new Pacer(ctxWithSeed()));
    const at = (i: number, j: number): number => {
      for (let p = fuzzy.rowStart[i]; p < fuzzy.rowStart[i + 1]; p++) if (fuzzy.cols[p] === j) return fuzzy.values[p];
      return 0;
    };
    for (let i = 0; i < input.n; i++) {
      for (let p = fuzzy.rowStart[i]; p < fuzzy.rowStart[i + 1]; p++) {
        const v = fuzzy.values[p];
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(at(fuzzy.cols[p], i)).toBe(v);
        if (p > fuzzy.rowStart[i]) expect(fuzzy.cols[p]).toBeGreaterThan(fuzzy.cols[p - 1]);
      }
      expect(at(i, graph.indices[i * 9])).toBeCloseTo(1, 12);
    }
  });
});
