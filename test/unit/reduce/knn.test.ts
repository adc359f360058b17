import { describe, expect, it } from "vitest";
import { CancelledError } from "../../../shared/src/errors";
import { knn, type KnnGraph } from "../../../shared/src/reduce/knn";
import type { VectorMatrix } from "../../../shared/src/reduce/types";
import { METRICS, type Metric } from "../../../shared/src/types";
import { abortOnPhase, blobs, ctxWithSeed, randomMatrix, recordingContext } from "./helpers";

/** The obvious O(N²) definition, in doubles, ties broken by index. */
function referenceKnn(input: VectorMatrix, k: number, metric: Metric): { indices: number[][]; distances: number[][] } {
  const { data, n, dims } = input;
  const row = (i: number) => Array.from(data.subarray(i * dims, i * dims + dims));
  const dist = (a: number[], b: number[]): number => {
    const dot = a.reduce((s, v, c) => s + v * b[c], 0);
    switch (metric) {
      case "euclidean":
        return Math.sqrt(a.reduce((s, v, c) => s + (v - b[c]) ** 2, 0));
      case "manhattan":
        return a.reduce((s, v, c) => s + Math.abs(v - b[c]), 0);
      case "dot":
        return 1 - dot;
      case "cosine": {
        const na = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
        const nb = Math.sqrt(b.reduce((s, v) => s + v * v, 0));
        return na === 0 || nb === 0 ? 1 : 1 - dot / (na * nb);
      }
    }
  };
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .map((j) => ({ j, d: dist(row(i), row(j)) }))
      .sort((x, y) => x.d - y.d || x.j - y.j)
      .slice(0, k);
    indices.push(others.map((o) => o.j));
    distances.push(others.map((o) => o.d));
  }
  return { indices, distances };
}

function recall(approx: KnnGraph, exact: KnnGraph): number {
  let hits = 0;
  const n = exact.indices.length / exact.k;
  for (let i = 0; i < n; i++) {
    const truth = new Set(exact.indices.subarray(i * exact.k, (i + 1) * exact.k));
    for (let t = 0; t < approx.k; t++) if (truth.has(approx.indices[i * approx.k + t])) hits++;
  }
  return hits / (n * exact.k);
}

describe("knn (exact)", () => {
  const input = randomMatrix(61, 7, 11);
  for (const metric of METRICS) {
    it(`matches the brute-force definition for ${metric}`, async () => {
      const graph = await knn(input, 5, metric, ctxWithSeed());
      const ref = referenceKnn(input, 5, metric);
      expect(graph.method).toBe("exact");
      expect(graph.k).toBe(5);
      for (let i = 0; i < input.n; i++) {
        expect(Array.from(graph.indices.subarray(i * 5, i * 5 + 5))).toEqual(ref.indices[i]);
        ref.distances[i].forEach((d, t) => expect(graph.distances[i * 5 + t]).toBeCloseTo(d, 4));
      }
    });
  }

  it("never lists a point as its own neighbour and clamps k to N − 1", async () => {
    const small = randomMatrix(4, 3, 2);
    const graph = await knn(small, 10, "euclidean", ctxWithSeed());
    expect(graph.k).toBe(3);
    for (let i = 0; i < 4; i++) {
      const row = Array.from(graph.indices.subarray(i * 3, i * 3 + 3));
      expect(row).not.toContain(i);
      expect(new Set(row).size).toBe(3);
    }
    expect((await knn(randomMatrix(1, 3, 2), 5, "cosine", ctxWithSeed())).k).toBe(0);
  });

  it("gives a zero vector cosine distance 1 to everything", async () => {
    const m: VectorMatrix = { data: Float32Array.of(0, 0, 1, 0, 0, 1, 1, 1), n: 4, dims: 2 };
    const graph = await knn(m, 3, "cosine", ctxWithSeed());
    expect(Array.from(graph.distances.subarray(0, 3))).toEqual([1, 1, 1]);
  });

  it("reports knn progress and stops with CancelledError when aborted", async () => {
    const { ctx, events } = recordingContext();
    await knn(randomMatrix(800, 16, 3), 10, "euclidean", ctx);
    expect(events.length).toBeGreaterThan(2);
    expect(events.length).toBeLessThan(300);
    expect(events.every((e) => e.phase === "knn")).toBe(true);
    const { ctx: aborting } = abortOnPhase("knn");
    await expect(knn(randomMatrix(800, 16, 3), 10, "euclidean", aborting)).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("knn (HNSW through usearch)", () => {
  const { input } = blobs(800, 16, 8, 3, 21);

  for (const metric of ["cosine", "euclidean", "dot"] as const) {
    it(`finds nearly the exact ${metric} neighbours, with distances in the metric's units`, async () => {
      const exact = await knn(input, 15, metric, ctxWithSeed(), { method: "exact" });
      const approx = await knn(input, 15, metric, ctxWithSeed(), { method: "hnsw" });
      expect(approx.method).toBe("hnsw");
      expect(recall(approx, exact)).toBeGreaterThan(0.95);
      let compared = 0;
      for (let i = 0; i < exact.indices.length; i++) {
        if (approx.indices[i] !== exact.indices[i]) continue;
        // float32 sums: compare relative to the size of the value (dot distances run into the hundreds).
        expect(Math.abs(approx.distances[i] - exact.distances[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(exact.distances[i])));
        compared++;
      }
      expect(compared).toBeGreaterThan(exact.indices.length / 2);
      for (let i = 0; i < input.n; i++) expect(Array.from(approx.indices.subarray(i * 15, i * 15 + 15))).not.toContain(i);
    });
  }

  it("keeps its recall with two threads (usearch's native threads, the team's exact re-rank)", async () => {
    const exact = await knn(input, 15, "euclidean", ctxWithSeed(), { method: "exact" });
    const two = await knn(input, 15, "euclidean", { ...ctxWithSeed(), threads: 2 }, { method: "hnsw" });
    expect(recall(two, exact)).toBeGreaterThan(0.95);
    for (let i = 0; i < input.n; i++) {
      const row = two.distances.subarray(i * 15, i * 15 + 15);
      for (let t = 1; t < 15; t++) expect(row[t]).toBeGreaterThanOrEqual(row[t - 1]);
    }
  });

  it("is deterministic and reads a SharedArrayBuffer without copying it away", async () => {
    const shared = new Float32Array(new SharedArrayBuffer(input.data.byteLength));
    shared.set(input.data);
    const a = await knn({ ...input, data: shared }, 10, "cosine", ctxWithSeed(), { method: "hnsw" });
    const b = await knn(input, 10, "cosine", ctxWithSeed(), { method: "hnsw" });
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.distances)).toEqual(Array.from(b.distances));
    expect(shared.byteLength).toBe(input.data.byteLength);
  });

  it("falls back to exact search for manhattan, which usearch does not offer", async () => {
    const graph = await knn(randomMatrix(50, 4, 1), 5, "manhattan", ctxWithSeed(), { method: "hnsw" });
    expect(graph.method).toBe("exact");
  });
});
