import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../../shared/src/types";
import { layoutQualityDetail, layoutQualityText, pointsText, progressText, qualityText, reducerText, relativeTime, runTitle } from "../../../webview/src/format";

const base: RunRecord = {
  id: "r",
  label: null,
  source_kind: "qdrant",
  source_uri: "http://q:6333",
  collection: "docs",
  vector_name: null,
  reducer: "pca",
  dimensionality: 2,
  status: "completed",
  config: {},
  meta: { reducer_requested: "umap", sampled: true, shown_count: 200000, total_count: 1234567, explained_variance_ratio: [0.2, 0.05] },
  error: null,
  point_count: 200000,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "",
  started_at: null,
  completed_at: null,
};

describe("run text", () => {
  it("says a sampled run shows N of M and names a fallback", () => {
    expect(pointsText(base)).toBe("showing 200,000 of 1,234,567");
    expect(pointsText({ ...base, meta: { shown_count: 778 } })).toBe("778 points");
    expect(pointsText({ ...base, status: "running" })).toBe("");
    expect(reducerText(base)).toBe("UMAP → PCA");
    expect(runTitle(base)).toBe("PCA · http://q:6333 / docs");
  });

  it("reports PCA variance or t-SNE KL", () => {
    expect(qualityText(base)).toBe("explained variance 20.0% + 5.0% = 25.0%");
    expect(qualityText({ ...base, meta: { kl_divergence: 1.23456 } })).toBe("KL divergence 1.235");
    expect(qualityText({ ...base, meta: {} })).toBeNull();
  });

  it("shows layout quality: trustworthiness and neighbours kept, with a tooltip saying how", () => {
    const quality = {
      k: 15,
      trustworthiness: 0.95321,
      trustworthiness_se: 0.0042,
      sample: 208,
      neighbor_preservation: 0.614,
      preservation_k: 14,
      method: "graph" as const,
      per_point: true,
      metric: "cosine" as const,
      seed: 42,
      ms: 900,
    };
    const run = { ...base, meta: { quality } };
    expect(layoutQualityText(run)).toBe("trustworthiness 0.953 · neighbours kept 61 %");
    const detail = layoutQualityDetail(run);
    expect(detail).toContain("Trustworthiness@15");
    expect(detail).toContain("over 208 sampled points, ± 0.004");
    expect(detail).toContain("14 nearest neighbours");
    expect(detail).toContain("from the reducer's neighbour graph");
    expect(detail).toContain("Neighbours kept (per point)");
    // Sample-only runs (large PCA) say so and offer no per-point colouring; old runs show nothing.
    const sampled = { ...base, meta: { quality: { ...quality, method: "sample" as const, per_point: false } } };
    expect(layoutQualityDetail(sampled)).toContain("(208 sampled points)");
    expect(layoutQualityDetail(sampled)).not.toContain("per point");
    expect(layoutQualityText({ ...base, meta: {} })).toBeNull();
    expect(layoutQualityText({ ...base, meta: { quality: { ...quality, trustworthiness: null, neighbor_preservation: null } } })).toBeNull();
  });

  it("describes progress by phase", () => {
    expect(progressText({ runId: "r", phase: "fetch", done: 40, total: 100 })).toBe("fetching 40%");
    expect(progressText({ runId: "r", phase: "embed", done: 120, total: 500 })).toBe("layout 120 / 500");
    expect(progressText({ runId: "r", phase: "store", done: 0, total: 0 })).toBe("storing 0%");
  });

  it("gives relative times", () => {
    const now = new Date("2026-01-01T02:00:00Z");
    expect(relativeTime("2026-01-01T01:59:50Z", now)).toBe("just now");
    expect(relativeTime("2026-01-01T01:30:00Z", now)).toBe("30 min ago");
    expect(relativeTime("2025-01-01T00:00:00Z", now)).toBe("2025-01-01");
  });
});
