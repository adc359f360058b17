/** What the store takes and returns beyond the shared domain types. */
import type { PointColumns } from "../categories";
import type { ColorBy, ExportFormat, LegendEntry, Payload, ReducerName, RunMeta, RunRecord, RunStatus } from "../types";

/** A run about to start. Secrets must already be gone from `source_uri`; `config` is scrubbed again on the way in. */
export interface NewRun {
  label?: string | null;
  source_kind: RunRecord["source_kind"];
  source_uri: string;
  collection?: string | null;
  vector_name?: string | null;
  reducer: ReducerName;
  config?: Record<string, unknown>;
  meta?: RunMeta;
}

/** Fields `updateRun` may change. `meta` is merged shallowly into the stored meta. */
export interface RunPatch {
  label?: string | null;
  status?: RunStatus;
  meta?: RunMeta;
  error?: string | null;
  started_at?: string | Date | null;
  completed_at?: string | Date | null;
  reducer?: ReducerName;
  point_count?: number;
}

/** Everything a finished projection stores, loaded in one transaction. */
export interface CompletedRunData {
  ids: string[];
  payloads: Payload[];
  /** 2N values, x and y interleaved. */
  coords: Float32Array;
  /** Per-point neighbour preservation in [0, 1] (N values); absent → NULL column. */
  neighborPreservation?: Float32Array | null;
  /** N × dims row-major; kept for "find similar" without the source. */
  vectors?: { data: Float32Array; dims: number };
  meta: RunMeta;
  reducer: ReducerName;
}

/** One point in full, for "open document". */
export interface PointDetail {
  row: number;
  point_id: string;
  x: number;
  y: number;
  text: string | null;
  /** The payload as stored (JSON text); shown escaped, never interpreted. */
  payload: string | null;
  columns: Omit<PointColumns, "point_id" | "text" | "ts"> & { ts: string | null };
}

export interface CategoryCodes {
  colorBy: ColorBy;
  /** One code per point in row order: 0..254 by rank, 255 for "Other". */
  codes: Uint8Array;
  legend: LegendEntry[];
}

export interface FieldInfo {
  name: string;
  distinct: number;
}

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  colorBy?: ColorBy;
  /** Only these rows (any order, duplicates ignored); all rows when absent. */
  rows?: ArrayLike<number>;
}
