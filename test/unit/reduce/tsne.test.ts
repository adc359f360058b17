import { describe, expect, it } from "vitest";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { knn } from "../../../shared/src/reduce/knn";
import { Pacer } from "../../../shared/src/reduce/pacer";
import { pca } from "../../../shared/src/reduce/pca";
import { knnAgreement } from "../../../shared/src/reduce/quality";
import { QuadTree } from "../../../shared/src/reduce/quadtree";
import { Team } from "../../../shared/src/reduce/team";
import { autoLearningRate, tsne } from "../../../shared/src/reduce/tsne";
import { buildAffinities, conditionalProbabilities, tsneNeighbourCount, type Affinities } from "../../../shared/src/reduce/tsneAffinities";
import { attraction, klDivergence } from "../../../shared/src/reduce/tsneGradient";
import { neighbourInput } from "../../../shared/src/reduce/tsneProject";
import { createRng } from "../../../shared/src/random";
import type { TsneParams } from "../../../shared/src/types";
import { abortOnPhase, allFinite, blobs, ctxWithSeed, recordingContext } from "./helpers";

const PARAMS: TsneParams = { perplexity: 20, learning_rate: "auto", iterations: 300, init: "pca", metric: "euclidean" };

function randomLayout(n: number, seed: number, scale = 5): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: 2 * n }, () => scale * rng.normal());
}

/** Row i of the symmetric P as a map j → pᵢⱼ (forward edges plus the listed ones). */
function rowOf(p: Affinities, i: number): Map<number, number> {
  const row = new Map<number, number>();
  for (let e = i * p.k; e < (i + 1) * p.k; e++) if (p.values[e] > 0) row.set(p.indices[e], (row.get(p.indices[e]) ?? 0) + p.values[e]);
  for (let r = p.revStart[i]; r < p.revStart[i + 1]; r++) row.set(p.revSrc[r], (row.get(p.revSrc[r]) ?? 0) + p.revVal[r]);
  return row;
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

  it("builds the symmetric P = (C + Cᵀ) / Σ in the graph's arrays: each pair once per row, total 1", async () => {
    const graph = await knn(input, 30, "cosine", ctxWithSeed());
    const conditional = await conditionalProbabilities(graph, input.n, 10, "cosine");
    const team = await Team.create(1);
    const p = await buildAffinities(graph.indices.slice(), graph.distances.slice(), input.n, graph.k, 10, "cosine", team, new Pacer(ctxWithSeed()));
    // Expected, densely: C[i][j] = p(j|i); P = (C + Cᵀ) / ΣC / 2.
    const n = input.n;
    const dense = new Float64Array(n * n);
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let t = 0; t < graph.k; t++) {
        dense[i * n + graph.indices[i * graph.k + t]] += conditional[i * graph.k + t];
        total += conditional[i * graph.k + t];
      }
    let sum = 0;
    let listed = 0;
    for (let i = 0; i < n; i++) {
      for (let e = i * graph.k + 1; e < (i + 1) * graph.k; e++) expect(p.indices[e]).toBeGreaterThanOrEqual(p.indices[e - 1]);
      const row = rowOf(p, i);
      listed += p.revStart[i + 1] - p.revStart[i];
      for (let j = 0; j < n; j++) {
        const want = (dense[i * n + j] + dense[j * n + i]) / (2 * total);
        const got = row.get(j) ?? 0;
        expect(Math.abs(got - want)).toBeLessThanOrEqual(want * 1e-6 + 1e-12);
        sum += got;
      }
    }
    expect(sum).toBeCloseTo(1, 6);
    expect(listed).toBeGreaterThan(0); // some neighbourships are one-sided
  });

  it("computes attraction Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) over forward and listed edges, and KL over both", () => {
    // k = 2: 0 → 1 and 1 → 0 (mutual), 0 → 2 one-sided (listed under row 2); unused slots are the row itself, weight 0.
    const p: Affinities = {
      n: 3,
      k: 2,
      indices: Int32Array.of(1, 2, 0, 1, 2, 2),
      values: Float32Array.of(0.25, 0.25, 0.25, 0, 0, 0),
      revStart: Int32Array.of(0, 0, 0, 1),
      revSrc: Int32Array.of(0),
      revVal: Float32Array.of(0.25),
    };
    const y = Float64Array.of(0, 0, 1, 0, 0, 2);
    const pos = new Float64Array(6);
    attraction(p, y, pos);
    // Point 0: 0.25·(1/2)·(−1, 0) + 0.25·(1/5)·(0, −2) = (−0.125, −0.1)
    expect(pos[0]).toBeCloseTo(-0.125, 7);
    expect(pos[1]).toBeCloseTo(-0.1, 7);
    expect(pos[2]).toBeCloseTo(0.125, 7);
    expect(pos[5]).toBeCloseTo(0.1, 7);
    // KL with Z = 2·(1/2 + 1/5 + 1/(1 + 5)): four ordered pairs of weight 0.25.
    const z = 2 * (1 / 2 + 1 / 5 + 1 / 6);
    const want = 0.25 * (2 * Math.log(0.25 / (1 / 2 / z)) + 2 * Math.log(0.25 / (1 / 5 / z)));
    expect(klDivergence(p, y, z)).toBeCloseTo(want, 6);
  });
});

describe("quadtree (the Barnes-Hut tree transform.ts walks)", () => {
  const n = 300;

  /** The per-point preorder walk transformKernels.ts runs over `summary` / `skip`. */
  function walk(tree: QuadTree, y: Float64Array): { rep: Float64Array; z: number } {
    const rep = new Float64Array(2 * n);
    let z = 0;
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (node < tree.flatSize) {
        const at = 4 * node;
        const dx = y[2 * i] - tree.summary[at];
        const dy = y[2 * i + 1] - tree.summary[at + 1];
        const d2 = dx * dx + dy * dy;
        if (d2 <= tree.summary[at + 3]) {
          node++;
          continue;
        }
        node = tree.skip[node];
        const cnt = tree.summary[at + 2];
        if (d2 === 0) {
          z += cnt - 1;
          continue;
        }
        const w = 1 / (1 + d2);
        z += cnt * w;
        rep[2 * i] += cnt * w * w * dx;
        rep[2 * i + 1] += cnt * w * w * dy;
      }
    }
    return { rep, z };
  }

  it("summarises exactly at θ = 0 and within 5 % at θ = 0.5", () => {
    const y = randomLayout(n, 1);
    const exact = { rep: new Float64Array(2 * n), z: 0 };
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const dx = y[2 * i] - y[2 * j];
        const dy = y[2 * i + 1] - y[2 * j + 1];
        const w = 1 / (1 + dx * dx + dy * dy);
        exact.z += w;
        exact.rep[2 * i] += w * w * dx;
        exact.rep[2 * i + 1] += w * w * dy;
      }
    const tree = new QuadTree();
    tree.build(y, n);
    tree.summarize(0);
    const full = walk(tree, y);
    expect(full.z).toBeCloseTo(exact.z, 8);
    for (let c = 0; c < 2 * n; c++) expect(full.rep[c]).toBeCloseTo(exact.rep[c], 10);
    tree.summarize(0.5);
    const bh = walk(tree, y);
    expect(Math.abs(bh.z - exact.z) / exact.z).toBeLessThan(0.01);
    let err = 0;
    let norm = 0;
    for (let c = 0; c < 2 * n; c++) {
      err += (bh.rep[c] - exact.rep[c]) ** 2;
      norm += exact.rep[c] ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.05);
  });

  it("copes with coincident points (no endless splitting)", () => {
    const y = new Float64Array(2 * n).fill(3);
    const tree = new QuadTree();
    tree.build(y, n);
    tree.summarize(0.5);
    expect(tree.size).toBe(1);
    expect(walk(tree, y).z).toBe(n * (n - 1));
  });
});

describe("tsne", () => {
  // 12 blobs in 40-D: separate in the data, but PCA's best plane overlaps several (agreement ≈ 0.8).
  const { input, labels } = blobs(240, 40, 12, 5, 1);

  it("keeps blobs apart that a linear projection mixes, and records effective parameters", async () => {
    const { coords, meta, neighbors } = await tsne(input, PARAMS, ctxWithSeed());
    expect(coords).toBeInstanceOf(Float32Array);
    expect(coords.length).toBe(2 * input.n);
    expect(allFinite(coords)).toBe(true);
    const linear = await pca(input, {}, ctxWithSeed());
    expect(knnAgreement(labels, linear.coords, 10)).toBeLessThan(0.9);
    expect(knnAgreement(labels, coords, 10)).toBeGreaterThan(0.95);
    expect(meta).toMatchObject({ perplexity: 20, learning_rate: 50, iterations: 300, init: "pca", metric: "euclidean", knn: "exact", n_neighbors: 61, pca_dims: null, threads: 1, repulsion: "bh" });
    expect(meta.kl_divergence as number).toBeGreaterThan(0);
    expect(meta.kl_divergence as number).toBeLessThan(3);
    // The quality step's neighbours: nearest first, self excluded, 15 per point.
    expect(neighbors?.k).toBe(15);
    const exact = await knn(input, 15, "euclidean", ctxWithSeed());
    expect(Array.from(neighbors!.indices)).toEqual(Array.from(exact.indices));
  });

  it("called without iterations (the bench calls it so) runs params.ts's default, not zero iterations", async () => {
    const { iterations: _omit, ...withoutIterations } = PARAMS;
    const { coords, meta } = await tsne(input, withoutIterations as TsneParams, ctxWithSeed());
    expect(meta.iterations).toBe(750);
    expect(knnAgreement(labels, coords, 10)).toBeGreaterThan(0.95);
  });

  it("uses FFT repulsion while the layout is small and the tree once it has grown (2,000 points)", async () => {
    const many = blobs(2000, 10, 8, 1, 4);
    const { coords, meta } = await tsne(many.input, { ...PARAMS, perplexity: 10, iterations: 300 }, ctxWithSeed());
    const used = meta.repulsion_iterations as { fft: number; bh: number };
    expect(meta.repulsion).toBe("fft+bh");
    expect(used.fft).toBeGreaterThan(100);
    expect(used.bh).toBeGreaterThan(0);
    expect(used.fft + used.bh).toBe(300);
    expect(knnAgreement(many.labels, coords, 10, 500)).toBeGreaterThan(0.95);
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

  it("gives the same layout, bit for bit, on 2 and 3 threads as on one", async () => {
    const shared = new Float32Array(new SharedArrayBuffer(input.data.byteLength));
    shared.set(input.data);
    const data = { ...input, data: shared };
    const one = await tsne(data, PARAMS, ctxWithSeed(3));
    for (const threads of [2, 3]) {
      const many = await tsne(data, PARAMS, { ...ctxWithSeed(3), threads });
      expect(many.meta.threads).toBe(threads);
      expect(Buffer.from(many.coords.buffer).equals(Buffer.from(one.coords.buffer))).toBe(true);
      expect(many.meta.kl_divergence).toBe(one.meta.kl_divergence);
    }
  });

  it("projects wide vectors on 50 principal axes before the kNN search (euclidean, cosine, dot)", async () => {
    const wide = blobs(300, 120, 6, 4, 8);
    for (const metric of ["euclidean", "cosine", "dot"] as const) {
      const { coords, meta } = await tsne(wide.input, { ...PARAMS, metric, iterations: 300 }, ctxWithSeed());
      expect(meta.pca_dims).toBe(50);
      expect(allFinite(coords)).toBe(true);
      expect(knnAgreement(wide.labels, coords, 10)).toBeGreaterThan(0.95);
    }
    const { meta } = await tsne(wide.input, { ...PARAMS, metric: "manhattan", iterations: 260 }, ctxWithSeed());
    expect(meta.pca_dims).toBeNull();
  });

  it("fits the 50 axes on a seeded row sample when asked, projecting every row (neighbourhoods kept)", async () => {
    // 600 points on 6 random 8-dim planes in 80-D plus faint noise: a spectrum that decays, as real embeddings'.
    const rng = createRng(9);
    const n = 600, dims = 80, latent = 8;
    const maps = Float64Array.from({ length: 6 * latent * dims }, () => rng.normal());
    const centres = Float64Array.from({ length: 6 * dims }, () => 3 * rng.normal());
    const data = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) {
      const c = i % 6;
      const z = Array.from({ length: latent }, () => rng.normal());
      for (let d = 0; d < dims; d++) {
        let v = centres[c * dims + d] + 0.05 * rng.normal();
        for (let l = 0; l < latent; l++) v += z[l] * maps[(c * latent + l) * dims + d];
        data[i * dims + d] = v;
      }
    }
    const wide = { data, n, dims };
    const team = await Team.create(1);
    const pacer = new Pacer(ctxWithSeed());
    const sampled = await neighbourInput(wide, "euclidean", team, pacer, ctxWithSeed(), 200);
    const again = await neighbourInput(wide, "euclidean", team, pacer, ctxWithSeed(), 200);
    expect(sampled.pcaRows).toBe(200);
    expect((await neighbourInput(wide, "euclidean", team, pacer, ctxWithSeed())).pcaRows).toBe(600);
    expect(sampled.input.dims).toBe(50);
    expect(Buffer.from(again.input.data.buffer).equals(Buffer.from(sampled.input.data.buffer))).toBe(true);
    const overlap = (a: Int32Array, b: Int32Array): number => {
      let same = 0;
      for (let i = 0; i < n; i++) {
        const mine = new Set(a.subarray(i * 10, i * 10 + 10));
        for (const j of b.subarray(i * 10, i * 10 + 10)) if (mine.has(j)) same++;
      }
      return same / (10 * n);
    };
    const raw = await knn(wide, 10, "euclidean", ctxWithSeed());
    expect(overlap(raw.indices, (await knn(sampled.input, 10, "euclidean", ctxWithSeed())).indices)).toBeGreaterThan(0.95);
    // Cosine keeps the mean: 51 coordinates, and cosine neighbourhoods.
    const cosine = await neighbourInput(wide, "cosine", team, pacer, ctxWithSeed(), 200);
    expect(cosine.input.dims).toBe(51);
    const rawCos = await knn(wide, 10, "cosine", ctxWithSeed());
    expect(overlap(rawCos.indices, (await knn(cosine.input, 10, "cosine", ctxWithSeed())).indices)).toBeGreaterThan(0.95);
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

  it("reports progress per phase, at most 100 times each, ending with the last iteration", async () => {
    const { ctx, events } = recordingContext();
    await tsne(input, { ...PARAMS, iterations: 260 }, ctx);
    expect([...new Set(events.map((e) => e.phase))]).toEqual(["knn", "graph", "pca", "embed"]);
    for (const phase of ["knn", "graph", "pca", "embed"]) expect(events.filter((e) => e.phase === phase).length).toBeLessThanOrEqual(101);
    expect(events[events.length - 1]).toEqual({ phase: "embed", done: 260, total: 260 });
    const wide = blobs(300, 120, 6, 4, 8).input;
    const run = recordingContext();
    await tsne(wide, { ...PARAMS, iterations: 250 }, run.ctx);
    expect([...new Set(run.events.map((e) => e.phase))]).toEqual(["pca", "knn", "graph", "embed"]);
  });

  it("stops with CancelledError when aborted from a progress event of any phase", async () => {
    const wide = blobs(300, 120, 6, 4, 8).input;
    for (const phase of ["pca", "knn", "graph", "embed"]) {
      const { ctx } = abortOnPhase(phase);
      await expect(tsne(wide, { ...PARAMS, iterations: 1000 }, ctx)).rejects.toBeInstanceOf(CancelledError);
    }
  });

  it("stops promptly with CancelledError when aborted by a timer mid-embed, also on a team", async () => {
    for (const threads of [1, 2]) {
      const controller = new AbortController();
      let embedding = false;
      let abortedAt = 0;
      const run = tsne(input, { ...PARAMS, iterations: 100_000 }, {
        signal: controller.signal,
        seed: 1,
        threads,
        onProgress: (p) => {
          embedding ||= p.phase === "embed" && p.done > 300;
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
    }
  });
});
