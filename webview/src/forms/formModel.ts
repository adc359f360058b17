/**
 * The start-run form as data: its values, defaults (the engine's own), prefill from an existing run
 * ("recompute"), and validation through the engine's validators so messages match the engine's
 * word for word. Pure: no DOM.
 */
import { InputError } from "../../../shared/src/errors";
import {
  DEFAULT_COLOR_BY,
  DEFAULT_SAMPLE_LIMIT,
  DEFAULT_SEED,
  TSNE_DEFAULTS,
  UMAP_DEFAULTS,
  validateColorBy,
  validateReducerParams,
  validateStartRequest,
} from "../../../shared/src/params";
import { METRICS, type ReducerName, type RunRecord, type SourceSpec, type StartRunRequest } from "../../../shared/src/types";

export type SourceKind = SourceSpec["kind"];

export interface StartFormValues {
  sourceKind: SourceKind;
  path: string;
  vectorColumn: string;
  idColumn: string;
  payloadPath: string;
  url: string;
  collection: string;
  vector: string;
  /** Sent once with the request; the engine keeps it in memory only. */
  apiKey: string;
  reducer: ReducerName;
  /** Raw text per parameter name, for every reducer (switching reducer keeps what was typed). */
  params: Record<string, string>;
  colorBy: string;
  sample: string;
  seed: string;
  label: string;
}

export interface ParamField {
  name: string;
  label: string;
  kind: "number" | "integer" | "select" | "text";
  options?: readonly string[];
  /** Shown as the placeholder when empty (engine default). */
  placeholder: string;
  hint: string;
}

export const PARAM_FIELDS: Record<ReducerName, ParamField[]> = {
  pca: [],
  umap: [
    { name: "n_neighbors", label: "Neighbours", kind: "integer", placeholder: String(UMAP_DEFAULTS.n_neighbors), hint: "2–200; larger keeps more global structure" },
    { name: "min_dist", label: "Min distance", kind: "number", placeholder: String(UMAP_DEFAULTS.min_dist), hint: "0–1; smaller packs clusters tighter" },
    { name: "metric", label: "Metric", kind: "select", options: METRICS, placeholder: UMAP_DEFAULTS.metric, hint: "distance between vectors" },
    { name: "n_epochs", label: "Epochs", kind: "integer", placeholder: "auto", hint: "10–10000; empty = by point count" },
  ],
  tsne: [
    { name: "perplexity", label: "Perplexity", kind: "number", placeholder: String(TSNE_DEFAULTS.perplexity), hint: "> 0; roughly the neighbours each point considers" },
    { name: "learning_rate", label: "Learning rate", kind: "text", placeholder: String(TSNE_DEFAULTS.learning_rate), hint: "> 0, or auto" },
    { name: "iterations", label: "Iterations", kind: "integer", placeholder: String(TSNE_DEFAULTS.iterations), hint: "≥ 250" },
    { name: "init", label: "Initialisation", kind: "select", options: ["pca", "random"], placeholder: TSNE_DEFAULTS.init, hint: "pca is stabler" },
    { name: "metric", label: "Metric", kind: "select", options: METRICS, placeholder: TSNE_DEFAULTS.metric, hint: "distance between vectors" },
  ],
};

export const REDUCER_HELP: Record<ReducerName, string> = {
  pca: "Linear and instant; a faithful overview of the largest directions of variance.",
  umap: "Keeps local neighbourhoods and much of the global layout; the usual choice.",
  tsne: "Sharp local clusters; slower, distances between clusters mean little.",
};

export function defaultFormValues(): StartFormValues {
  return {
    sourceKind: "demo",
    path: "",
    vectorColumn: "",
    idColumn: "",
    payloadPath: "",
    url: "http://localhost:6333",
    collection: "",
    vector: "",
    apiKey: "",
    reducer: "umap",
    params: {},
    colorBy: DEFAULT_COLOR_BY,
    sample: String(DEFAULT_SAMPLE_LIMIT),
    seed: String(DEFAULT_SEED),
    label: "",
  };
}

const NON_PARAM_CONFIG = new Set(["color_by", "sample", "seed", "vector_column", "id_column", "payload_path", "vector"]);

/** The form as it was for `run`, so "recompute" starts from the same settings. */
export function formValuesFromRun(run: RunRecord): StartFormValues {
  const values = defaultFormValues();
  const config = run.config ?? {};
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  values.sourceKind = run.source_kind;
  if (run.source_kind === "file") {
    values.path = run.source_uri;
    values.vectorColumn = str(config.vector_column);
    values.idColumn = str(config.id_column);
    values.payloadPath = str(config.payload_path);
  } else if (run.source_kind === "qdrant") {
    values.url = run.source_uri;
    values.collection = run.collection ?? "";
    values.vector = run.vector_name ?? str(config.vector);
  }
  values.reducer = run.meta.reducer_requested ?? run.reducer;
  for (const [key, value] of Object.entries(config)) {
    if (!NON_PARAM_CONFIG.has(key) && value !== undefined && value !== null && typeof value !== "object") values.params[key] = String(value);
  }
  values.colorBy = str(config.color_by ?? run.meta.color_by) || DEFAULT_COLOR_BY;
  values.sample = str(config.sample ?? run.meta.sample_limit) || String(DEFAULT_SAMPLE_LIMIT);
  values.seed = str(config.seed ?? run.meta.seed) || String(DEFAULT_SEED);
  values.label = run.label ? `${run.label} (recomputed)` : "";
  return values;
}

export function buildSource(values: StartFormValues): SourceSpec {
  const opt = (s: string) => (s.trim() === "" ? undefined : s.trim());
  if (values.sourceKind === "file") {
    return { kind: "file", path: values.path.trim(), vectorColumn: opt(values.vectorColumn), idColumn: opt(values.idColumn), payloadPath: opt(values.payloadPath) };
  }
  if (values.sourceKind === "qdrant") {
    return { kind: "qdrant", url: values.url.trim(), collection: values.collection.trim(), vector: opt(values.vector), apiKey: opt(values.apiKey) };
  }
  return { kind: "demo" };
}

/** Numbers as numbers (so the engine stores them typed), anything else as typed for its message. */
function typed(text: string): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export interface FormCheck {
  request: StartRunRequest | null;
  /** Message per field name (parameter names, source fields, color_by, sample, seed), or `form`. */
  errors: Record<string, string>;
}

/** Validates every field on its own (so all problems show at once), then the whole request. */
export function checkForm(values: StartFormValues): FormCheck {
  const errors: Record<string, string> = {};
  const source = buildSource(values);
  if (source.kind === "file" && source.path === "") errors.path = "enter the path of a vector file (.parquet .jsonl .json .csv .npy) or a folder with embeddings.bin";
  if (source.kind === "qdrant") {
    if (!/^https?:\/\/[^\s]+$/i.test(source.url)) errors.url = "enter the Qdrant URL, e.g. http://localhost:6333";
    if (source.collection === "") errors.collection = "enter the collection name (or list the collections)";
  }
  const params: Record<string, unknown> = {};
  for (const field of PARAM_FIELDS[values.reducer]) {
    const value = typed(values.params[field.name] ?? "");
    if (value === undefined) continue;
    params[field.name] = value;
    capture(errors, field.name, () => validateReducerParams(values.reducer, { [field.name]: value }));
  }
  capture(errors, "color_by", () => validateColorBy(values.colorBy.trim()));
  const sample = typed(values.sample);
  const seed = typed(values.seed);
  capture(errors, "sample", () => validateStartRequest({ source, reducer: values.reducer, sample: sample as number | undefined }));
  capture(errors, "seed", () => validateStartRequest({ source, reducer: values.reducer, seed: seed as number | undefined }));
  const request: StartRunRequest = {
    source,
    reducer: values.reducer,
    params,
    colorBy: values.colorBy.trim() || undefined,
    sample: sample as number | undefined,
    seed: seed as number | undefined,
    label: values.label.trim() || undefined,
  };
  if (Object.keys(errors).length === 0) capture(errors, "form", () => validateStartRequest(request));
  return { request: Object.keys(errors).length === 0 ? request : null, errors };
}

function capture(errors: Record<string, string>, field: string, check: () => unknown): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const key = field === "form" ? (err.field ?? "form") : field;
    if (!errors[key]) errors[key] = err.message;
  }
}

/** Where a server-side InputError belongs in the form. */
export function fieldForError(field: string | undefined, values: StartFormValues): string {
  if (!field) return "form";
  if (PARAM_FIELDS[values.reducer].some((f) => f.name === field)) return field;
  if (["color_by", "sample", "seed"].includes(field)) return field;
  if (field === "source") return values.sourceKind === "file" ? "path" : values.sourceKind === "qdrant" ? "collection" : "form";
  if (["path", "url", "collection", "vector", "vectorColumn", "vector_column"].includes(field)) return field === "vector_column" ? "vectorColumn" : field;
  return "form";
}
