import type { RunRecord } from "../../shared/src/types";

/** A completed demo PCA run record for tests that need one; override what the test is about. */
export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: "r1",
    label: null,
    source_kind: "demo",
    source_uri: "demo",
    collection: "fiori-docs",
    vector_name: null,
    reducer: "pca",
    dimensionality: 2,
    status: "completed",
    config: {},
    meta: {},
    error: null,
    point_count: 10,
    created_at: "",
    updated_at: "",
    started_at: null,
    completed_at: null,
    ...overrides,
  };
}
