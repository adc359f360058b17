import { describe, expect, it } from "vitest";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { knn } from "../../../shared/src/reduce/knn";
import { pca } from "../../../shared/src/reduce/pca";
import { knnAgreement } from "../../../shared/src/reduce/quality";
import { QuadTree } from "../../../shared/src/reduce/quadtree";
import { autoLearningRate, tsne } from "../../../shared/src/reduce/tsne";
import { conditionalProbabilities, jointProbabilities, tsneNeighbourCount } from "../../../shared/src/reduce/tsneAffinities";
import { attraction, repulsion } from "../../../shared/src/reduce/tsneGradient";
import { createRng } from "../../../shared/src/random";
import type { TsneParams } from "../../../shared/src/types";
import { allFinite, blobs, ctxWithSeed, recordingContext } from "./helpers";

const PARAMS: TsneParams = { perplexity: 20, learning_rate: "auto", iterations: 300, init: "pca", metric: "euclidean" };

function randomLayout(n: number, seed: number, scale = 5): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: 2 * n }, () => scale * rng.normal());
}

describe("t-SNE affinities", () => {
  const { input } = blobs(150, 10, 3, 1, 2);

  it("calibrates each conditional row to the perplexity (entropy = log perplexity, sum 1)", async () => {
    const perplexity = 12;
    const graph = await knn(input, tsneNeighbourCount(input.n, perplexity), "euclidean", ctxWithSeed());
    expect(graph.k).toBe(37);
    const p = await conditionalProbabilities(graph, input.n, perplexity, "euclidean");
    for (let i = 0; i < input.n; i++) {
      const row = p.subarray(i * graph.k, (i + 1) * graph.k);
      const sum = row.reduce((s, v) => s + v, 0);
      const entropy = -row.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
      expect(sum).toBeCloseTo(1, 10);
      expect(entropy).toBeCloseTo(Math.log(perplexity), 4);
    }
  });

  it("builds a symmetric joint P that sums to 1", async () => {
    const graph = await knn(input, 30, "cosine", ctxWithSeed());
    const p = await jointProbabilities(graph, input.n, 10, "cosine");
    let total = 0;
    const value = new Map<string, number>();
    for (let i = 0; i < input.n; i++)
      for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
        total += p.values[e];
        value.set(`${i},${p.cols[e]}`, p.values[e]);
      }
    expect(total).toBeCloseTo(1, 12);
    for (const [key, v] of value) {
      const [i, j] = key.split(",");
      expect(value.get(`${j},${i}`)).toBe(v);
    }
  });
});

describe("Barnes-Hut gradient", () => {
  const n = 300;

  function exactRepulsion(y: Float64Array): { neg: Float64Array; z: number } {
    const neg = new Float64Array(2 * n);
    let z = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const dx = y[2 * i] - y[2 * j];
        const dy = y[2 * i + 1] - y[2 * j + 1];
        const w = 1 / (1 + dx * dx + dy * dy);
        z += w;
        neg[2 * i] += w * w * dx;
        neg[2 * i + 1] += w * w * dy;
      }
    return { neg, z };
  }

  function treeRepulsion(y: Float64Array, theta: number): { neg: Float64Array; z: number } {
    const tree = new QuadTree();
    tree.build(y, n);
    tree.summarize(theta);
    const neg = new Float64Array(2 * n);
    const z = repulsion(tree, y, 0, n, neg);
    return { neg, z };
  }

  it("equals the exact O(N²) repulsion at θ = 0 and stays close at θ = 0.5", () => {
    const y = randomLayout(n, 1);
    const exact = exactRepulsion(y);
    const full = treeRepulsion(y, 0);
    expect(full.z).toBeCloseTo(exact.z, 8);
    for (let c = 0; c < 2 * n; c++) expect(full.neg[c]).toBeCloseTo(exact.neg[c], 10);
    const bh = treeRepulsion(y, 0.5);
    expect(Math.abs(bh.z - exact.z) / exact.z).toBeLessThan(0.01);
    let err = 0;
    let norm = 0;
    for (let c = 0; c < 2 * n; c++) {
      err += (bh.neg[c] - exact.neg[c]) ** 2;
      norm += exact.neg[c] ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.05);
  });

  it("copes with coincident points (no endless splitting, self excluded from Z)", () => {
    const y = new Float64Array(2 * n).fill(3); // every point at (3, 3)
    const { neg, z } = treeRepulsion(y, 0.5);
    expect(z).toBe(n * (n - 1)); // w = 1 for every ordered pair of distinct points
    expect(neg.every((v) => v === 0)).toBe(true);
    const tree = new QuadTree();
    tree.build(y, n);
    expect(tree.size).toBe(1);
  });

  it("computes attraction Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) over the sparse P", () => {
    const y = Float64Array.of(0, 0, 1, 0, 0, 2);
    const p = { n: 3, rowStart: Int32Array.of(0, 2, 3, 4), cols: Int32Array.of(1, 2, 0, 0), values: Float64Array.of(0.25, 0.25, 0.25, 0.25) };
    const pos = new Float64Array(6);
    attraction(p, y, pos);
    // Point 0: 0.25·(1/2)·(−1, 0) + 0.25·(1/5)·(0, −2) = (−0.125, −0.1)
    expect(pos[0]).toBeCloseTo(-0.125, 12);
    expect(pos[1]).toBeCloseTo(-0.1, 12);
    expect(pos[2]).toBeCloseTo(0.125, 12);
    expect(pos[5]).toBeCloseTo(0.1, 12);
  });
});

describe("tsne", () => {
  // 12 blobs in 40-D: separate in the data, but PCA's best plane overlaps several (agreement ≈ 0.8).
  const { input, labels } = blobs(240, 40, 12, 5, 1);

  it("keeps blobs apart that a linear projection mixes, and records effective parameters", async () => {
    const { coords, meta } = await tsne(input, PARAMS, ctxWithSeed());
    expect(coords).toBeInstanceOf(Float32Array);
    expect(coords.length).toBe(2 * input.n);
    expect(allFinite(coords)).toBe(true);
    const linear = await pca(input, {}, ctxWithSeed());
    expect(knnAgreement(labels, linear.coords, 10)).toBeLessThan(0.9);
    expect(knnAgreement(labels, coords, 10)).toBeGreaterThan(0.95);
    expect(meta).toMatchObject({ perplexity: 20, learning_rate: 50, iterations: 300, init: "pca", metric: "euclidean", knn: "exact", n_neighbors: 61 });
    expect(meta.kl_divergence as number).toBeGreaterThan(0);
    expect(meta.kl_divergence as number).toBeLessThan(3);
  });

  it("is bitwise deterministic for a seed; random init depends on the seed", async () => {
    const random: TsneParams = { ...PARAMS, init: "random", iterations: 260 };
    const a = await tsne(input, random, ctxWithSeed(5));
    const b = await tsne(input, random, ctxWithSeed(5));
    const c = await tsne(input, random, ctxWithSeed(6));
    expect(Buffer.from(a.coords.buffer).equals(Buffer.from(b.coords.buffer))).toBe(true);
    expect(Buffer.from(a.coords.buffer).equals(Buffer.from(c.coords.buffer))).toBe(false);
    expect(allFinite(c.coords)).toBe(true);
  });

  it("uses a given learning rate as is, and auto = max(N / 12 / 4, 50)", async () => {
    const { meta } = await tsne(input, { ...PARAMS, learning_rate: 123, iterations: 250 }, ctxWithSeed());
    expect(meta.learning_rate).toBe(123);
    expect(autoLearningRate(4800)).toBe(100);
    expect(autoLearningRate(300)).toBe(50);
  });

  it("runs on two and three points with the perplexity clamped to (N − 1) / 3", async () => {
    for (const n of [2, 3]) {
      const { input: tiny } = blobs(n, 5, n, 1, 3);
      const { coords, meta } = await tsne(tiny, { ...PARAMS, perplexity: 30, iterations: 300 }, ctxWithSeed());
      expect(coords.length).toBe(2 * n);
      expect(allFinite(coords)).toBe(true);
      expect(meta.perplexity).toBeCloseTo((n - 1) / 3, 12);
      expect(Number.isFinite(meta.kl_divergence)).toBe(true);
    }
    await expect(tsne({ data: Float32Array.of(1, 2), n: 1, dims: 2 }, PARAMS, ctxWithSeed())).rejects.toBeInstanceOf(InputError);
  });

  it("survives identical points and a PCA init with no spread", async () => {
    const same = { data: new Float32Array(40 * 3).fill(1), n: 40, dims: 3 };
    const { coords } = await tsne(same, { ...PARAMS, perplexity: 5, iterations: 260 }, ctxWithSeed());
    expect(allFinite(coords)).toBe(true);
  });

  it("reports progress per phase, a bounded number of times", async () => {
    const { ctx, events } = recordingContext();
    await tsne(input, { ...PARAMS, iterations: 260 }, ctx);
    expect([...new Set(events.map((e) => e.phase))]).toEqual(["knn", "graph", "pca", "embed"]);
    expect(events.length).toBeLessThan(500);
    expect(events[events.length - 1]).toEqual({ phase: "embed", done: 260, total: 260 });
  });

  it("stops promptly with CancelledError when aborted by a timer mid-run", async () => {
    const controller = new AbortController();
    let embedding = false;
    let abortedAt = 0;
    const run = tsne(input, { ...PARAMS, iterations: 100_000 }, {
      signal: controller.signal,
      seed: 1,
      onProgress: (p) => {
        embedding ||= p.phase === "embed";
      },
    });
    // The timer can only fire if the run yields to the event loop.
    const timer = setInterval(() => {
      if (!embedding || abortedAt) return;
      abortedAt = performance.now();
      controller.abort();
    }, 5);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    clearInterval(timer);
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
  });
});
