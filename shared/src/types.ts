/** Domain types shared by the engine, the store, the protocol and every host. */

export const REDUCERS = ["pca", "umap", "tsne"] as const;
export type ReducerName = (typeof REDUCERS)[number];

export const METRICS = ["cosine", "euclidean", "manhattan", "dot"] as const;
export type Metric = (typeof METRICS)[number];

export const RUN_STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The original's four derivations; any other string is a payload field path (e.g. `category`, `metadata.lang`). */
export const BUILTIN_COLOR_BY = ["document_id", "source_dir", "filetype", "age_bucket"] as const;
export type BuiltinColorBy = (typeof BUILTIN_COLOR_BY)[number];
export type ColorBy = BuiltinColorBy | (string & {});

export interface UmapParams {
  n_neighbors: number;
  min_dist: number;
  metric: Metric;
  /** Optional; chosen from N when absent (500 below 10k points, 200 above, as umap-learn). */
  n_epochs?: number;
}

export interface TsneParams {
  perplexity: number;
  /** A number, or "auto" = max(N / early_exaggeration / 4, 50) as in scikit-learn ≥ 1.2. */
  learning_rate: number | "auto";
  iterations: number;
  init: "pca" | "random";
  metric: Metric;
}

export type PcaParams = Record<string, never>;

export type ReducerParams =
  | { reducer: "pca"; params: PcaParams }
  | { reducer: "umap"; params: UmapParams }
  | { reducer: "tsne"; params: TsneParams };

/** Where the vectors come from. Secrets (API keys) are never part of what is stored. */
export type SourceSpec =
  | { kind: "demo" }
  | { kind: "file"; path: string; vectorColumn?: string; idColumn?: string; payloadPath?: string }
  | { kind: "qdrant"; url: string; collection: string; vector?: string; apiKey?: string };

export interface StartRunRequest {
  source: SourceSpec;
  reducer: ReducerName;
  /** Raw parameters, validated by `validateReducerParams`. */
  params?: Record<string, unknown>;
  colorBy?: ColorBy;
  sample?: number;
  /**
   * Fit the reducer on a seeded sample of this many of the fetched points and place the others
   * into its layout (shared/src/reduce/transform.ts); every point is stored. Absent: fit them all.
   */
  fitSample?: number;
  seed?: number;
  label?: string;
}

export interface LegendEntry {
  index: number;
  label: string;
  count: number;
  /** CSS hex colour for fields with their own ordered palette (neighbor_preservation); else the palette by index. */
  color?: string;
}

/**
 * How faithful a run's layout is (`meta.quality`, computed by the engine for every run; see
 * shared/src/reduce/layoutQuality.ts and docs/reducers.md "Layout quality").
 */
export interface LayoutQuality {
  /** Neighbours per point for trustworthiness (scikit-learn's n_neighbors; 15, fewer for tiny runs). */
  k: number;
  /** scikit-learn's trustworthiness@k over `sample` seeded rows; null below 3 points. */
  trustworthiness: number | null;
  /** Standard error of that estimate (0 when every row was scored). */
  trustworthiness_se: number | null;
  /** Rows scored for trustworthiness (= point count when exact). */
  sample: number;
  /** Mean over points of |kNN_highD ∩ kNN_2D| / preservation_k. */
  neighbor_preservation: number | null;
  preservation_k: number;
  /**
   * How the scores were made: "exact" = every row scored with exact distances (small runs), so
   * both scores are exact and so are the per-point values; "graph" = trustworthiness on the
   * sample, neighbour preservation for every point from the reducer's own kNN graph (approximate
   * when HNSW); "sample" = both on the sampled rows only (large PCA runs: no per-point values).
   */
  method: "exact" | "graph" | "sample";
  /** Per-point values stored (colour-by "neighbor_preservation"). */
  per_point: boolean;
  /** High-D metric of both scores. */
  metric: Metric;
  seed: number;
  /** Wall time of the quality step. */
  ms: number;
  /** Set when the step failed (the run itself still completes). */
  error?: string;
}

export interface RunMeta {
  color_by?: ColorBy;
  legend?: LegendEntry[];
  sampled?: boolean;
  shown_count?: number;
  total_count?: number;
  sample_limit?: number;
  seed?: number;
  dims?: number;
  distance?: string | null;
  reducer_requested?: ReducerName;
  reducer_used?: ReducerName;
  reducer_params?: Record<string, unknown>;
  explained_variance_ratio?: number[];
  singular_values?: number[];
  kl_divergence?: number;
  fallback_reason?: string;
  degraded?: boolean;
  notes?: string[];
  timings_ms?: Record<string, number>;
  /** Set when the run was fitted on a sample and the other points placed (StartRunRequest.fitSample). */
  fit_sample?: FitSampleRecord;
  quality?: LayoutQuality;
  [key: string]: unknown;
}

/** How a run fitted on a sample was made: the fitted rows are `sampleIndices(shown, fitted, seed)` (random.ts). */
export interface FitSampleRecord {
  /** Points the reducer was fitted on. */
  fitted: number;
  /** Points placed into that layout afterwards. */
  placed: number;
  /** Seed of the fitted rows' sample. */
  seed: number;
  /** Wall time of the fit and of the placement. */
  fit_ms?: number;
  place_ms?: number;
}

export interface RunRecord {
  id: string;
  label: string | null;
  source_kind: SourceSpec["kind"];
  /** File path, `demo`, or Qdrant URL without credentials. */
  source_uri: string;
  collection: string | null;
  vector_name: string | null;
  reducer: ReducerName;
  dimensionality: 2;
  status: RunStatus;
  config: Record<string, unknown>;
  meta: RunMeta;
  error: string | null;
  point_count: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

/** Arbitrary JSON payload of one point. Untrusted: shown only as escaped text. */
export type Payload = Record<string, unknown>;

/** One row of a selection: what the chunk table shows. */
export interface ChunkRow {
  row: number;
  point_id: string;
  document_id: string | null;
  chunk_index: number | null;
  text_preview: string | null;
  file_name: string | null;
  path: string | null;
  mime_type: string | null;
}

export interface SelectionResult {
  rows: ChunkRow[];
  /** Requested row indices that are not in the run. */
  missing: number[];
  degraded: boolean;
}

export interface SimilarHit {
  row: number | null;
  point_id: string;
  score: number;
}

export type ProgressPhase = "fetch" | "knn" | "graph" | "embed" | "quality" | "store";

export interface RunProgress {
  runId: string;
  phase: ProgressPhase;
  done: number;
  total: number;
  message?: string;
}

export type ExportFormat = "csv" | "json" | "parquet";
