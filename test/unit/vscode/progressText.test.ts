import { describe, expect, test } from "vitest";
import { formatAge, formatProgress, overallFraction, progressFraction, runSourceLabel } from "../../../extension/src/progressText";

describe("progress wording", () => {
  test("phase words, counts and percent", () => {
    expect(formatProgress({ runId: "r", phase: "fetch", done: 200, total: 778 })).toBe("reading vectors 200/778 (26%)");
    expect(formatProgress({ runId: "r", phase: "knn", done: 0, total: 0 })).toBe("finding neighbours");
    expect(formatProgress({ runId: "r", phase: "store", done: 5, total: 5, message: "indexes" })).toBe("saving 5/5 (100%) · indexes");
  });

  test("fractions are clamped; unknown totals have none", () => {
    expect(progressFraction({ runId: "r", phase: "embed", done: 12, total: 10 })).toBe(1);
    expect(progressFraction({ runId: "r", phase: "embed", done: 1, total: 0 })).toBeNull();
  });

  test("one bar across phases only moves forward through the phases", () => {
    const steps = [
      overallFraction({ runId: "r", phase: "fetch", done: 0, total: 10 }),
      overallFraction({ runId: "r", phase: "fetch", done: 10, total: 10 }),
      overallFraction({ runId: "r", phase: "knn", done: 5, total: 10 }),
      overallFraction({ runId: "r", phase: "graph", done: 10, total: 10 }),
      overallFraction({ runId: "r", phase: "embed", done: 500, total: 1000 }),
      overallFraction({ runId: "r", phase: "store", done: 1, total: 1 }),
    ];
    expect(steps[0]).toBe(0);
    expect(steps[5]).toBe(1);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]);
    expect(steps[4]).toBeCloseTo(0.7);
  });

  test("sources and ages", () => {
    expect(runSourceLabel({ source_kind: "file", source_uri: "/a/b/vectors.parquet", collection: null })).toBe("vectors.parquet");
    expect(runSourceLabel({ source_kind: "qdrant", source_uri: "http://q:6333", collection: "docs" })).toBe("docs @ http://q:6333");
    const now = Date.parse("2026-11-29T12:00:00Z");
    expect(formatAge("2026-11-29T11:59:30Z", now)).toBe("just now");
    expect(formatAge("2026-11-29T09:00:00Z", now)).toBe("3 h ago");
    expect(formatAge("2026-09-01T00:00:00Z", now)).toBe("2026-09-01");
    expect(formatAge("not a date", now)).toBe("");
  });
});
