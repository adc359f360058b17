/** Every run gets its layout quality in meta.quality and, when affordable, a per-point colour-by field. */
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Engine } from "../../../shared/src/engine";
import { PRESERVATION_BUCKETS } from "../../../shared/src/qualityField";
import type { RunProgress } from "../../../shared/src/types";
import { tempDir } from "../../helpers/tmp";

let inline: Engine;
let worker: Engine;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  inline = await Engine.open({ dbPath: path.join(t.dir, "inline.duckdb"), inlineReducers: true, threads: 1 });
  worker = await Engine.open({ dbPath: path.join(t.dir, "worker.duckdb") });
});
afterAll(async () => {
  await inline.close();
  await worker.close();
  cleanup();
});

it("UMAP (inline): meta.quality, every row scored at this size, per-point values as a colour-by field", async () => {
  const progress: RunProgress[] = [];
  const off = inline.on("progress", (p) => progress.push(p));
  const run = await inline.project({ source: { kind: "demo" }, reducer: "umap", params: { n_epochs: 60 }, sample: 300, seed: 4 });
  off();
  expect(run.status).toBe("completed");
  const q = run.meta.quality!;
  expect(q).toMatchObject({ k: 15, sample: 300, trustworthiness_se: 0, method: "exact", preservation_k: 15, per_point: true, metric: "cosine", seed: 4 });
  expect(q.error).toBeUndefined();
  // Real embeddings laid out by UMAP: far above a random layout (≈0.5 and ≈14/299).
  expect(q.trustworthiness!).toBeGreaterThan(0.8);
  expect(q.trustworthiness!).toBeLessThanOrEqual(1);
  expect(q.neighbor_preservation!).toBeGreaterThan(0.2);
  expect(q.neighbor_preservation!).toBeLessThanOrEqual(1);
  expect(progress.some((p) => p.phase === "quality")).toBe(true);
  // Quality is reported after the layout and before storing.
  const phases = progress.map((p) => p.phase);
  expect(phases.lastIndexOf("embed")).toBeLessThan(phases.indexOf("quality"));
  expect(phases.lastIndexOf("quality")).toBeLessThan(phases.indexOf("store"));

  const fields = await inline.fields(run.id);
  expect(fields.find((f) => f.name === "neighbor_preservation")).toMatchObject({ builtin: false });
  const before = await inline.points(run.id);
  const { codes, legend } = await inline.colors(run.id, "neighbor_preservation");
  expect(codes).toHaveLength(300);
  expect(legend.reduce((s, e) => s + e.count, 0)).toBe(300);
  // Ordered buckets, each with its own colour; the mean of the buckets' midpoints is near the mean.
  const order = legend.map((e) => PRESERVATION_BUCKETS.indexOf(e.label as (typeof PRESERVATION_BUCKETS)[number]));
  expect(order.every((b) => b >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  for (const e of legend) expect(e.color).toMatch(/^#[0-9a-f]{6}$/);
  const midpoint = legend.reduce((s, e, i) => s + e.count * (order[i] * 0.2 + 0.1), 0) / 300;
  expect(Math.abs(midpoint - q.neighbor_preservation!)).toBeLessThan(0.1);
  // Recolouring reads stored columns: the projection is unchanged.
  const after = await inline.points(run.id);
  expect(Array.from(after.x)).toEqual(Array.from(before.x));
});

it("PCA through the worker: quality and per-point values cross the thread", async () => {
  const run = await worker.project({ source: { kind: "demo" }, reducer: "pca", sample: 200, seed: 1 });
  expect(run.status).toBe("completed");
  const q = run.meta.quality!;
  expect(q).toMatchObject({ k: 15, method: "exact", sample: 200, per_point: true, metric: "euclidean", preservation_k: 15 });
  expect(q.trustworthiness!).toBeGreaterThan(0.6);
  expect(q.trustworthiness!).toBeLessThanOrEqual(1);
  expect(q.neighbor_preservation!).toBeGreaterThan(0);
  const { codes, legend } = await worker.colors(run.id, "neighbor_preservation");
  expect(legend.some((e) => e.label === "unknown")).toBe(false);
  // The stored per-point values' mean is the run's neighbor_preservation (within FLOAT rounding and bucket width).
  const buckets = Array.from(codes, (c) => PRESERVATION_BUCKETS.indexOf(legend[c].label as (typeof PRESERVATION_BUCKETS)[number]));
  expect(buckets.every((b) => b >= 0)).toBe(true);
  const mean = buckets.reduce((s, b) => s + b * 0.2 + 0.1, 0) / buckets.length;
  expect(Math.abs(mean - q.neighbor_preservation!)).toBeLessThan(0.1);
});

it("the same seed gives the same quality numbers", async () => {
  const a = await inline.project({ source: { kind: "demo" }, reducer: "pca", sample: 150, seed: 9 });
  const b = await inline.project({ source: { kind: "demo" }, reducer: "pca", sample: 150, seed: 9 });
  expect({ ...a.meta.quality, ms: 0 }).toEqual({ ...b.meta.quality, ms: 0 });
  const ca = await inline.colors(a.id, "neighbor_preservation");
  const cb = await inline.colors(b.id, "neighbor_preservation");
  expect(Array.from(ca.codes)).toEqual(Array.from(cb.codes));
});
