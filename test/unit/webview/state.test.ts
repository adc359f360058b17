import { describe, expect, it } from "vitest";
import { initialState, normalizeRows, reduce, type Action, type AppState, type Coloring } from "../../../webview/src/state";
import type { RunRecord } from "../../../shared/src/types";

function run(id: string, created: string, status: RunRecord["status"] = "completed"): RunRecord {
  return {
    id,
    label: null,
    source_kind: "demo",
    source_uri: "demo",
    collection: null,
    vector_name: null,
    reducer: "pca",
    dimensionality: 2,
    status,
    config: {},
    meta: {},
    error: null,
    point_count: 3,
    created_at: created,
    updated_at: created,
    started_at: null,
    completed_at: null,
  };
}

const points = { count: 3, x: Float32Array.of(0, 1, 2), y: Float32Array.of(0, 1, 2) };
const coloring: Coloring = { colorBy: "document_id", codes: Uint8Array.of(0, 1, 0), legend: [{ index: 0, label: "a", count: 2 }, { index: 1, label: "b", count: 1 }] };

function apply(state: AppState, ...actions: Action[]): AppState {
  return actions.reduce(reduce, state);
}

function loaded(runId = "r1"): AppState {
  return apply(
    initialState(),
    { type: "runs-loaded", runs: [run("r1", "2026-01-01T00:00:00Z"), run("r2", "2026-01-02T00:00:00Z")] },
    { type: "view-loading", runId },
    { type: "view-loaded", runId, points, coloring },
  );
}

describe("viewer state", () => {
  it("lists runs newest first and inserts or replaces updated runs in place", () => {
    let s = apply(initialState(), { type: "runs-loaded", runs: [run("old", "2026-01-01T00:00:00Z"), run("new", "2026-02-01T00:00:00Z")] });
    expect(s.runs.kind === "data" && s.runs.value.map((r) => r.id)).toEqual(["new", "old"]);
    s = reduce(s, { type: "run-updated", run: run("newest", "2026-03-01T00:00:00Z", "running") });
    s = reduce(s, { type: "run-updated", run: { ...run("old", "2026-01-01T00:00:00Z"), status: "failed", error: "boom" } });
    expect(s.runs.kind === "data" && s.runs.value.map((r) => `${r.id}:${r.status}`)).toEqual(["newest:running", "new:completed", "old:failed"]);
  });

  it("keeps progress while a run runs and drops it when the run finishes", () => {
    let s = apply(initialState(), { type: "run-updated", run: run("r", "2026-01-01T00:00:00Z", "running") }, { type: "run-progress", progress: { runId: "r", phase: "embed", done: 10, total: 500 } });
    expect(s.progress.r?.done).toBe(10);
    s = reduce(s, { type: "run-updated", run: run("r", "2026-01-01T00:00:00Z", "cancelled") });
    expect(s.progress.r).toBeUndefined();
  });

  it("ignores replies for a run that is no longer shown", () => {
    let s = apply(initialState(), { type: "view-loading", runId: "r1" }, { type: "view-loading", runId: "r2" });
    s = reduce(s, { type: "view-loaded", runId: "r1", points, coloring });
    expect(s.view).toEqual({ kind: "loading", runId: "r2" });
    s = reduce(s, { type: "view-failed", runId: "r1", message: "late" });
    expect(s.view.kind).toBe("loading");
  });

  it("recolours without touching the points, clears highlighted categories, refuses mismatched colours", () => {
    let s = apply(loaded(), { type: "categories-focused", indices: [1, 0, 1] });
    expect(s.focusedCategories).toEqual([0, 1]);
    s = reduce(s, { type: "color-loading", runId: "r1", colorBy: "source_dir" });
    expect(s.view.kind === "data" && s.view.pendingColorBy).toBe("source_dir");
    const next: Coloring = { colorBy: "source_dir", codes: Uint8Array.of(0, 0, 0), legend: [{ index: 0, label: "docs", count: 3 }] };
    const after = reduce(s, { type: "color-loaded", runId: "r1", coloring: next });
    expect(after.view.kind === "data" && after.view.coloring).toBe(next);
    expect(after.view.kind === "data" && after.view.points).toBe(points);
    expect(after.focusedCategories).toEqual([]);
    const bad = reduce(s, { type: "color-loaded", runId: "r1", coloring: { ...next, codes: Uint8Array.of(0) } });
    expect(bad.view.kind === "data" && bad.view.coloring).toBe(coloring);
    expect(bad.notices.at(-1)?.level).toBe("error");
  });

  it("turns search results into a sorted selection and only for the latest query", () => {
    let s = apply(loaded(), { type: "search-started", runId: "r1", query: "a" }, { type: "search-started", runId: "r1", query: "ab" });
    s = reduce(s, { type: "search-finished", runId: "r1", query: "a", rows: Uint32Array.of(2) });
    expect(s.selection).toBeNull();
    s = reduce(s, { type: "search-finished", runId: "r1", query: "ab", rows: Uint32Array.of(2, 0, 2) });
    expect(s.search).toEqual({ kind: "data", query: "ab", matches: 2 });
    expect(Array.from(s.selection?.rows ?? [])).toEqual([0, 2]);
    expect(s.selection?.origin).toBe("search");
    s = reduce(s, { type: "search-cleared" });
    expect(s.selection).toBeNull();
  });

  it("keeps a lasso selection when a search is cleared", () => {
    let s = reduce(loaded(), { type: "selection-set", runId: "r1", selection: { origin: "lasso", rows: Uint32Array.of(1) } });
    s = reduce(s, { type: "search-cleared" });
    expect(s.selection?.origin).toBe("lasso");
  });

  it("highlights a point and its neighbours after find-similar, skipping hits outside the run", () => {
    let s = reduce(loaded(), { type: "similar-loading", runId: "r1", row: 1 });
    s = reduce(s, {
      type: "similar-loaded",
      runId: "r1",
      row: 1,
      result: { via: "local", hits: [{ row: 2, point_id: "c", score: 0.9 }, { row: null, point_id: "z", score: 0.8 }] },
    });
    expect(Array.from(s.selection?.rows ?? [])).toEqual([1, 2]);
    expect(s.panel.kind === "similar" && s.panel.result.kind).toBe("data");
  });

  it("drops a detail that arrives for another row", () => {
    let s = reduce(loaded(), { type: "detail-loading", runId: "r1", row: 2 });
    s = reduce(s, { type: "detail-loaded", runId: "r1", point: { row: 1, point_id: "b", document_id: null, chunk_index: null, path: null, source_path: null, mime_type: null, text: "x", payload_json: "{}" } });
    expect(s.panel).toEqual({ kind: "detail", row: 2, point: { kind: "loading" } });
  });

  it("clears the view, selection and panel when the shown run is deleted", () => {
    let s = apply(loaded(), { type: "selection-set", runId: "r1", selection: { origin: "box", rows: Uint32Array.of(0) } }, { type: "detail-loading", runId: "r1", row: 0 });
    s = reduce(s, { type: "run-deleted", runId: "r2" });
    expect(s.view.kind).toBe("data");
    s = reduce(s, { type: "run-deleted", runId: "r1" });
    expect(s.view).toEqual({ kind: "empty" });
    expect(s.selection).toBeNull();
    expect(s.panel).toEqual({ kind: "closed" });
    expect(s.runs.kind === "data" && s.runs.value.map((r) => r.id)).toEqual([]);
  });

  it("treats an empty selection as none and ignores selections for other runs", () => {
    let s = reduce(loaded(), { type: "selection-set", runId: "r1", selection: { origin: "lasso", rows: new Uint32Array(0) } });
    expect(s.selection).toBeNull();
    s = reduce(s, { type: "selection-set", runId: "other", selection: { origin: "lasso", rows: Uint32Array.of(1) } });
    expect(s.selection).toBeNull();
  });

  it("keeps at most four notices", () => {
    let s = initialState();
    for (let i = 1; i <= 6; i++) s = reduce(s, { type: "notice-added", notice: { id: i, level: "info", text: String(i) } });
    expect(s.notices.map((n) => n.id)).toEqual([3, 4, 5, 6]);
    s = reduce(s, { type: "notice-dismissed", id: 4 });
    expect(s.notices.map((n) => n.id)).toEqual([3, 5, 6]);
  });

  it("normalizes row lists to sorted unique Uint32Arrays", () => {
    expect(Array.from(normalizeRows([5, 1, 5, 3, 1]))).toEqual([1, 3, 5]);
    expect(normalizeRows(Uint32Array.of(2, 1))).toBeInstanceOf(Uint32Array);
    expect(normalizeRows([]).length).toBe(0);
  });
});
