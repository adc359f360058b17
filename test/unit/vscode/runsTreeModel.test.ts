import { describe, expect, test } from "vitest";
import { buildRunsTree, runNode } from "../../../extension/src/runsTreeModel";
import type { RunProgress, RunRecord } from "../../../shared/src/types";

const NOW = Date.parse("2026-11-29T12:00:00Z");

function run(partial: Partial<RunRecord> & { id: string }): RunRecord {
  return {
    label: null,
    source_kind: "demo",
    source_uri: "demo",
    collection: "fiori-docs",
    vector_name: null,
    reducer: "umap",
    dimensionality: 2,
    status: "completed",
    config: {},
    meta: { shown_count: 778, total_count: 778 },
    error: null,
    point_count: 778,
    created_at: "2026-11-29T11:00:00Z",
    updated_at: "2026-11-29T11:00:00Z",
    started_at: "2026-11-29T11:00:00Z",
    completed_at: "2026-11-29T11:58:00Z",
    ...partial,
  };
}

describe("buildRunsTree", () => {
  test("groups runs by source (demo, each file, each Qdrant collection) and sorts groups by label", () => {
    const runs = [
      run({ id: "a1", source_kind: "qdrant", source_uri: "http://q:6333", collection: "docs" }),
      run({ id: "a2", source_kind: "qdrant", source_uri: "http://q:6333", collection: "code" }),
      run({ id: "a3", source_kind: "file", source_uri: "/data/vectors.parquet", collection: null }),
      run({ id: "a4" }),
      run({ id: "a5", source_kind: "qdrant", source_uri: "http://q:6333", collection: "docs" }),
    ];
    const tree = buildRunsTree(runs, new Map(), NOW);
    expect(tree.map((g) => g.label)).toEqual(["code", "Demo", "docs", "vectors.parquet"]);
    const docs = tree.find((g) => g.label === "docs")!;
    expect(docs.runs.map((r) => r.runId).sort()).toEqual(["a1", "a5"]);
    expect(docs.description).toBe("http://q:6333 · 2 runs");
    expect(docs.icon.id).toBe("database");
    expect(tree.find((g) => g.label === "vectors.parquet")!.description).toBe("/data · 1 run");
  });

  test("the same collection name on two servers makes two groups", () => {
    const tree = buildRunsTree(
      [run({ id: "x", source_kind: "qdrant", source_uri: "http://a:6333", collection: "docs" }), run({ id: "y", source_kind: "qdrant", source_uri: "http://b:6333", collection: "docs" })],
      new Map(),
      NOW,
    );
    expect(tree).toHaveLength(2);
    expect(new Set(tree.map((g) => g.id)).size).toBe(2);
  });

  test("newest run first within a group; ids are stable across rebuilds", () => {
    const runs = [run({ id: "old", created_at: "2026-11-28T10:00:00Z" }), run({ id: "new", created_at: "2026-11-29T10:00:00Z" })];
    const first = buildRunsTree(runs, new Map(), NOW);
    const second = buildRunsTree([...runs].reverse(), new Map(), NOW + 60_000);
    expect(first[0].runs.map((r) => r.runId)).toEqual(["new", "old"]);
    expect(second[0].runs.map((r) => r.id)).toEqual(first[0].runs.map((r) => r.id));
    expect(first[0].id).toBe(second[0].id);
  });

  test("a running run shows its live progress and counts in its group", () => {
    const progress = new Map<string, RunProgress>([["r", { runId: "r", phase: "embed", done: 340, total: 1000 }]]);
    const tree = buildRunsTree([run({ id: "r", status: "running", reducer: "tsne", completed_at: null }), run({ id: "c" })], progress, NOW);
    const node = tree[0].runs.find((r) => r.runId === "r")!;
    expect(node.description).toBe("laying out 340/1000 (34%)");
    expect(node.icon).toEqual({ id: "sync~spin", color: "charts.blue" });
    expect(node.contextValue).toBe("run:running");
    expect(tree[0].description).toBe("fiori-docs · 2 runs, 1 running");
  });

  test("status icons and descriptions for each status", () => {
    expect(runNode(run({ id: "c" }), undefined, NOW)).toMatchObject({ icon: { id: "pass" }, description: "778 points · 2 min ago", contextValue: "run:completed" });
    expect(runNode(run({ id: "f", status: "failed", error: "Qdrant said 503:\n  Service Unavailable" }), undefined, NOW)).toMatchObject({
      icon: { id: "error", color: "errorForeground" },
      description: "failed: Qdrant said 503: Service Unavailable",
    });
    expect(runNode(run({ id: "x", status: "cancelled" }), undefined, NOW)).toMatchObject({ icon: { id: "circle-slash" }, description: "cancelled" });
    expect(runNode(run({ id: "p", status: "pending" }), undefined, NOW)).toMatchObject({ icon: { id: "clock" }, description: "waiting" });
    const degraded = runNode(run({ id: "d", meta: { degraded: true, fallback_reason: "umap failed: out of memory", shown_count: 10 } }), undefined, NOW);
    expect(degraded.icon.id).toBe("warning");
    expect(degraded.description).toContain("fell back to PCA");
    expect(degraded.tooltip).toContain("fallback: umap failed: out of memory");
  });

  test("sampled runs say how many of how many; labels name the run", () => {
    const node = runNode(run({ id: "0123456789abcdef", label: "nightly", reducer: "tsne", meta: { sampled: true, shown_count: 20000, total_count: 1250000 } }), undefined, NOW);
    expect(node.label).toBe("nightly (t-SNE)");
    expect(node.description).toMatch(/^20000 of 1250000 points/);
    expect(runNode(run({ id: "0123456789abcdef" }), undefined, NOW).label).toBe("UMAP · 01234567");
  });

  test("no runs, no groups", () => {
    expect(buildRunsTree([], new Map(), NOW)).toEqual([]);
  });
});
