import { describe, expect, it } from "vitest";
import { CancelledError } from "../../../shared/src/errors";
import { sampleIndices } from "../../../shared/src/random";
import { knn } from "../../../shared/src/reduce/knn";
import { planeKnn } from "../../../shared/src/reduce/knn2d";
import { addLayoutQuality, layoutQuality, preservationPerPoint, qualitySampleSize, reduceWithQuality } from "../../../shared/src/reduce/layoutQuality";
import { lowNeighbours, trustworthiness } from "../../../shared/src/reduce/quality";
import type { VectorMatrix } from "../../../shared/src/reduce/types";
import type { Metric } from "../../../shared/src/types";
import { abortOnPhase, blobs, ctxWithSeed, randomMatrix, recordingContext } from "./helpers";

// The 5-point case of quality.test.ts: high-D on a line at 0, 1, 3, 7, 15; 2-D on the x axis.
const LINE: VectorMatrix = { data: Float32Array.of(0, 1, 3, 7, 15), n: 5, dims: 1 };
const LAYOUT = Float32Array.of(0, 0, 10, 0, 1.5, 0, 21, 0, 0.7, 0);

/** k nearest of every point by brute force (self excluded, ties by index). */
function bruteKnn(n: number, k: number, dist: (i: number, j: number) => number): Int32Array {
  const out = new Int32Array(n * k);
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    order.sort((a, b) => dist(i, a) - dist(i, b) || a - b);
    out.set(order.slice(0, k), i * k);
  }
  return out;
}

function metricDistance(m: VectorMatrix, metric: Metric): (i: number, j: number) => number {
  const { data, dims } = m;
  return (i, j) => {
    let s = 0, ni = 0, nj = 0;
    for (let c = 0; c < dims; c++) {
      const a = data[i * dims + c], b = data[j * dims + c];
      if (metric === "euclidean") s += (a - b) ** 2;
      else if (metric === "manhattan") s += Math.abs(a - b);
      else s += a * b;
      ni += a * a;
      nj += b * b;
    }
    return metric === "cosine" ? 1 - s / (Math.sqrt(ni * nj) || 1) : metric === "dot" ? 1 - s : s;
  };
}

describe("neighbour preservation", () => {
  it("hand-checked 5-point case", async () => {
    // k = 2. High-D 2-NN: p0 {p1, p2}, p1 {p0, p2}, p2 {p1, p0}, p3 {p2, p1}, p4 {p3, p2}.
    // 2-D 2-NN: p0 {p4, p2}, p1 {p2, p4}, p2 {p4, p0}, p3 {p1, p2}, p4 {p0, p2}.
    // Shared: p0 {p2}, p1 {p2}, p2 {p0}, p3 {p2, p1}, p4 {p2} → 1/2, 1/2, 1/2, 1, 1/2; mean 3/5.
    const high = Int32Array.of(1, 2, 0, 2, 1, 0, 2, 1, 3, 2);
    const out = new Float32Array(5);
    const sum = await preservationPerPoint(high, 2, LAYOUT, 5, 2, out);
    expect(Array.from(out)).toEqual([0.5, 0.5, 0.5, 1, 0.5]);
    expect(sum / 5).toBeCloseTo(0.6, 12);
  });

  it("the engine's step on that case: every row scored, trustworthiness 7/15, preservation 3/5", async () => {
    const { quality, perPoint } = await layoutQuality(LINE, LAYOUT, undefined, { metric: "euclidean", reducer: "pca" }, ctxWithSeed());
    expect(quality).toMatchObject({ k: 2, preservation_k: 2, sample: 5, trustworthiness_se: 0, method: "exact", per_point: true, metric: "euclidean" });
    expect(quality.trustworthiness).toBeCloseTo(7 / 15, 12);
    expect(quality.neighbor_preservation).toBeCloseTo(0.6, 12);
    expect(Array.from(perPoint!)).toEqual([0.5, 0.5, 0.5, 1, 0.5]);
    // When every row is scored, its exact neighbours win over a reducer's graph (a wrong one here).
    const wrong = { indices: Int32Array.of(3, 4, 3, 4, 3, 4, 0, 4, 0, 1), k: 2 };
    const withGraph = await layoutQuality(LINE, LAYOUT, wrong, { metric: "euclidean", reducer: "umap" }, ctxWithSeed());
    expect(withGraph.quality.method).toBe("exact");
    expect(Array.from(withGraph.perPoint!)).toEqual([0.5, 0.5, 0.5, 1, 0.5]);
  });

  it("uses the reducer's kNN graph for every point when rows are sampled", async () => {
    const { input } = blobs(1500, 256, 6, 4, 13);
    const low = randomMatrix(1500, 2, 14).data;
    // Any graph is taken as given: here the exact 10-NN, rotated by one row so it is plainly "wrong".
    const exactGraph = await knn(input, 10, "euclidean", ctxWithSeed());
    const indices = new Int32Array(exactGraph.indices.length);
    indices.set(exactGraph.indices.subarray(10));
    indices.set(exactGraph.indices.subarray(0, 10), indices.length - 10);
    const { quality, perPoint } = await layoutQuality(input, low, { indices, k: 10 }, { metric: "euclidean", reducer: "umap" }, ctxWithSeed(2));
    expect(quality).toMatchObject({ method: "graph", preservation_k: 10, per_point: true, k: 15 });
    expect(quality.sample).toBe(qualitySampleSize(1500, 256, "umap"));
    expect(quality.sample).toBeLessThan(1500);
    const low2d = bruteKnn(1500, 10, (i, j) => (low[2 * i] - low[2 * j]) ** 2 + (low[2 * i + 1] - low[2 * j + 1]) ** 2);
    let sum = 0;
    for (let i = 0; i < 1500; i++) {
      const high = new Set(indices.subarray(i * 10, i * 10 + 10));
      const kept = Array.from(low2d.subarray(i * 10, i * 10 + 10)).filter((j) => high.has(j)).length;
      expect(perPoint![i]).toBe(Math.fround(kept / 10));
      sum += kept / 10;
    }
    expect(quality.neighbor_preservation).toBeCloseTo(sum / 1500, 12);
    expect(quality.trustworthiness).toBe(trustworthiness(input, low, 15, quality.sample, { seed: 2 }));
  });
});

describe("2-D kNN (kd-tree)", () => {
  it("matches brute force on random, clustered and duplicated layouts", () => {
    const rnd = randomMatrix(900, 2, 5).data;
    // Tight clusters of very different sizes plus exact duplicates (ties) and a far outlier.
    const clustered = new Float32Array(2 * 700);
    for (let i = 0; i < 700; i++) {
      const c = i % 7;
      clustered[2 * i] = c * 100 + (i % 3 === 0 ? 0 : rnd[2 * i] * (c + 1) * 0.01);
      clustered[2 * i + 1] = c * 50 + (i % 3 === 0 ? 0 : rnd[2 * i + 1] * 0.02);
    }
    clustered[0] = 1e6;
    for (const [coords, n] of [[rnd, 900], [clustered, 700]] as const) {
      const k = 10;
      const tree = planeKnn(coords, n, k);
      const d = (i: number, j: number) => (coords[2 * i] - coords[2 * j]) ** 2 + (coords[2 * i + 1] - coords[2 * j + 1]) ** 2;
      const brute = bruteKnn(n, k, d);
      for (let i = 0; i < n; i++) {
        // Same distances in the same order (which of two tied points comes first may differ).
        for (let t = 0; t < k; t++) expect(d(i, tree[i * k + t])).toBe(d(i, brute[i * k + t]));
        expect(new Set(tree.subarray(i * k, (i + 1) * k)).has(i)).toBe(false);
      }
    }
  });

  it("pads with -1 when k exceeds the other points, and handles every point on one spot", () => {
    expect(Array.from(planeKnn(Float32Array.of(0, 0, 1, 0, 3, 0), 3, 3))).toEqual([1, 2, -1, 0, 2, -1, 1, 0, -1]);
    const same = planeKnn(new Float32Array(2 * 40), 40, 5);
    for (let i = 0; i < 40; i++) {
      const row = Array.from(same.subarray(i * 5, i * 5 + 5));
      expect(row).not.toContain(i);
      expect(new Set(row).size).toBe(5);
    }
  });
});

describe("layout quality step", () => {
  for (const metric of ["euclidean", "cosine", "manhattan", "dot"] as const) {
    it(`sampled trustworthiness equals quality.ts's on the same rows, and sampled preservation brute force (${metric})`, async () => {
      // Large enough that PCA's budget samples (N²·D above the exact and kNN limits).
      const { input } = blobs(1200, 256, 6, 4, 11);
      const low = randomMatrix(1200, 2, 12).data;
      const { quality, perPoint } = await layoutQuality(input, low, undefined, { metric, reducer: "pca" }, ctxWithSeed(9));
      expect(quality.method).toBe("sample");
      expect(perPoint).toBeNull();
      expect(quality.sample).toBe(qualitySampleSize(1200, 256, "pca"));
      expect(quality.sample).toBeLessThan(1200);
      expect(quality.trustworthiness).toBe(trustworthiness(input, low, 15, quality.sample, { metric, seed: 9 }));
      expect(quality.trustworthiness_se).toBeGreaterThan(0);
      const rows = sampleIndices(1200, quality.sample, 9);
      const dist = metricDistance(input, metric);
      let kept = 0;
      for (const i of rows) {
        const d = Array.from({ length: 1200 }, (_, j) => dist(i, j));
        const order = Array.from({ length: 1200 }, (_, j) => j).filter((j) => j !== i);
        order.sort((a, b) => d[a] - d[b] || a - b);
        const high = new Set(order.slice(0, 15));
        for (const j of lowNeighbours(low, 1200, i, 15)) if (high.has(j)) kept++;
      }
      expect(quality.neighbor_preservation).toBeCloseTo(kept / (rows.length * 15), 12);
    });
  }

  it("gives the same numbers with a thread team as on one thread", async () => {
    const { input } = blobs(1500, 64, 5, 3, 4);
    const low = randomMatrix(1500, 2, 6).data;
    const one = await layoutQuality(input, low, undefined, { metric: "cosine", reducer: "umap" }, { ...ctxWithSeed(3), threads: 1 });
    const two = await layoutQuality(input, low, undefined, { metric: "cosine", reducer: "umap" }, { ...ctxWithSeed(3), threads: 2 });
    expect(one.quality.sample).toBeGreaterThan(200);
    expect({ ...two.quality, ms: 0 }).toEqual({ ...one.quality, ms: 0 });
  });

  it("scores a good layout above a shuffled one", async () => {
    const { input, labels } = blobs(600, 32, 4, 1, 21);
    // "Good": each blob at its own corner, points jittered; "bad": points thrown anywhere.
    const good = new Float32Array(1200);
    const bad = randomMatrix(600, 2, 23).data;
    const base = randomMatrix(600, 2, 22).data;
    for (let i = 0; i < 600; i++) {
      good[2 * i] = (labels[i] % 2) * 50 + base[2 * i];
      good[2 * i + 1] = Math.floor(labels[i] / 2) * 50 + base[2 * i + 1];
    }
    const q = (coords: Float32Array) => layoutQuality(input, coords, undefined, { metric: "euclidean", reducer: "pca" }, ctxWithSeed());
    const [g, b] = [(await q(good)).quality, (await q(bad)).quality];
    expect(g.trustworthiness!).toBeGreaterThan(b.trustworthiness! + 0.2);
    expect(g.neighbor_preservation!).toBeGreaterThan(b.neighbor_preservation!);
  });

  it("reports progress in phase quality and stops on abort", async () => {
    const { input } = blobs(800, 48, 4, 2, 2);
    const low = randomMatrix(800, 2, 3).data;
    const rec = recordingContext();
    await layoutQuality(input, low, undefined, { metric: "euclidean", reducer: "umap" }, rec.ctx);
    const events = rec.events.filter((e) => e.phase === "quality");
    expect(events.length).toBeGreaterThan(2);
    expect(events[events.length - 1].done).toBe(events[events.length - 1].total);
    for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
    const { ctx } = abortOnPhase("quality");
    await expect(layoutQuality(input, low, undefined, { metric: "euclidean", reducer: "umap" }, ctx)).rejects.toBeInstanceOf(CancelledError);
  });

  it("records a failure of the step in quality.error without failing the result; an abort still throws", async () => {
    const result = { coords: new Float32Array(6), meta: { x: 1 } };
    const { input } = blobs(5, 3, 1, 1, 1);
    const withError = await addLayoutQuality(result, input, { metric: "euclidean", reducer: "pca" }, ctxWithSeed());
    expect(withError.coords).toBe(result.coords);
    expect(withError.meta).toEqual({ x: 1 });
    expect(withError.quality).toMatchObject({ trustworthiness: null, neighbor_preservation: null, per_point: false });
    expect(withError.quality!.error).toMatch(/3 points for 5 vectors/);
    expect(withError.neighborPreservation).toBeUndefined();
    const controller = new AbortController();
    controller.abort();
    await expect(addLayoutQuality(result, input, { metric: "euclidean", reducer: "pca" }, { signal: controller.signal, seed: 1 })).rejects.toBeInstanceOf(CancelledError);
  });

  it("is attached by reduceWithQuality: UMAP's graph when sampled, exact for small runs", async () => {
    const { input } = blobs(1200, 256, 3, 1, 8);
    const umap = await reduceWithQuality("umap", input, { n_neighbors: 10, min_dist: 0.1, metric: "cosine", n_epochs: 20 }, ctxWithSeed(5));
    expect(umap.neighbors?.k).toBe(9);
    expect(umap.quality).toMatchObject({ method: "graph", preservation_k: 9, k: 15, per_point: true, metric: "cosine", seed: 5 });
    expect(umap.neighborPreservation).toHaveLength(1200);
    const small = { data: input.data.subarray(0, 300 * 256), n: 300, dims: 256 };
    const pca = await reduceWithQuality("pca", small, {}, ctxWithSeed(5));
    expect(pca.quality).toMatchObject({ method: "exact", sample: 300, preservation_k: 15, per_point: true, metric: "euclidean" });
    for (const r of [umap, pca]) {
      expect(r.quality!.trustworthiness!).toBeGreaterThan(0.5);
      expect(r.quality!.trustworthiness!).toBeLessThanOrEqual(1);
      let mean = 0;
      for (const v of r.neighborPreservation!) mean += v;
      expect(mean / r.neighborPreservation!.length).toBeCloseTo(r.quality!.neighbor_preservation!, 6);
    }
  });
});
