/**
 * Validation of everything a user can type when starting a run, for every host. Ports the
 * original's rules (n_neighbors ≥ 2, min_dist in [0, 1], perplexity > 0, learning_rate > 0,
 * iterations ≥ 250, init pca|random) and adds what it lacked: unknown parameters are refused with a
 * suggestion instead of being silently ignored.
 */
import { InputError } from "./errors";
import {
  METRICS,
  REDUCERS,
  type ColorBy,
  type Metric,
  type ReducerName,
  type StartRunRequest,
  type TsneParams,
  type UmapParams,
} from "./types";

export const DEFAULT_SAMPLE_LIMIT = 200_000;
export const MAX_SAMPLE_LIMIT = 5_000_000;
export const DEFAULT_SEED = 42;
export const DEFAULT_COLOR_BY: ColorBy = "document_id";
/** Fewest points a run may be fitted on before the others are placed (StartRunRequest.fitSample). */
export const MIN_FIT_SAMPLE = 10;

export const UMAP_DEFAULTS: UmapParams = { n_neighbors: 15, min_dist: 0.1, metric: "cosine" };
export const TSNE_DEFAULTS: TsneParams = { perplexity: 30, learning_rate: "auto", iterations: 750, init: "pca", metric: "cosine" };

/** Accepted names per reducer, with the original's aliases. */
const PARAM_NAMES: Record<ReducerName, Record<string, string>> = {
  pca: {},
  umap: { n_neighbors: "n_neighbors", min_dist: "min_dist", metric: "metric", n_epochs: "n_epochs" },
  tsne: {
    perplexity: "perplexity",
    learning_rate: "learning_rate",
    iterations: "iterations",
    n_iter: "iterations",
    max_iter: "iterations",
    init: "init",
    metric: "metric",
  },
};

export interface ValidatedRun {
  reducer: ReducerName;
  params: Record<string, unknown>;
  colorBy: ColorBy;
  sample: number;
  /** Fit on this many sampled points and place the rest; null = fit every point. */
  fitSample: number | null;
  seed: number;
}

/** A payload field path for colour-by: `field`, `a.b`, `a_b-c`. Rejects SQL/JSON-path metacharacters. */
const FIELD_PATH = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;

export function validateColorBy(value: unknown): ColorBy {
  if (value === undefined || value === null || value === "") return DEFAULT_COLOR_BY;
  if (typeof value !== "string" || !FIELD_PATH.test(value)) {
    throw new InputError(
      `color_by '${String(value)}' is not a field name; use document_id, source_dir, filetype, age_bucket or a payload field such as category or metadata.lang`,
      "color_by",
    );
  }
  return value;
}

export function validateReducerName(value: unknown): ReducerName {
  const name = typeof value === "string" ? value.toLowerCase() : value;
  if (typeof name !== "string" || !(REDUCERS as readonly string[]).includes(name)) {
    throw new InputError(`reducer '${String(value)}' is not supported; use one of ${REDUCERS.join(", ")}`, "reducer");
  }
  return name as ReducerName;
}

export function validateStartRequest(req: StartRunRequest): ValidatedRun {
  const reducer = validateReducerName(req.reducer);
  const params = validateReducerParams(reducer, req.params ?? {});
  const sample = req.sample === undefined ? DEFAULT_SAMPLE_LIMIT : toInt(req.sample, "sample");
  if (sample < 2 || sample > MAX_SAMPLE_LIMIT) {
    throw new InputError(`sample must be between 2 and ${MAX_SAMPLE_LIMIT} (got ${sample})`, "sample");
  }
  const seed = req.seed === undefined ? DEFAULT_SEED : toInt(req.seed, "seed");
  if (seed < 0 || seed > 0xffffffff) throw new InputError(`seed must be between 0 and 4294967295 (got ${seed})`, "seed");
  return { reducer, params, colorBy: validateColorBy(req.colorBy), sample, fitSample: validateFitSample(req.fitSample, sample), seed };
}

function validateFitSample(value: unknown, sample: number): number | null {
  if (value === undefined || value === null) return null;
  const fitSample = toInt(value, "fit_sample");
  if (fitSample < MIN_FIT_SAMPLE || fitSample > sample) {
    throw new InputError(
      `fit_sample must be between ${MIN_FIT_SAMPLE} and sample (${sample}) (got ${fitSample})`,
      "fit_sample",
      fitSample > sample
        ? `Fit on fewer points than the run shows (e.g. fit_sample ${Math.max(MIN_FIT_SAMPLE, Math.min(sample, 20_000))}), raise sample, or omit fit_sample to fit every point.`
        : `Fit on at least ${MIN_FIT_SAMPLE} points, or omit fit_sample to fit every point.`,
    );
  }
  return fitSample;
}

export function validateReducerParams(reducer: ReducerName, raw: Record<string, unknown>): Record<string, unknown> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InputError("parameters must be an object of name → value", "params");
  }
  const names = PARAM_NAMES[reducer];
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const canonical = names[key];
    if (!canonical) {
      const known = Object.keys(names);
      const guess = closest(key, known);
      throw new InputError(
        known.length === 0
          ? `${reducer} takes no parameters (got '${key}')`
          : `unknown ${reducer} parameter '${key}'${guess ? `; did you mean '${guess}'?` : ""} (accepted: ${known.join(", ")})`,
        key,
      );
    }
    given[canonical] = value;
  }
  if (reducer === "umap") return { ...validateUmap(given) };
  if (reducer === "tsne") return { ...validateTsne(given) };
  return {};
}

function validateUmap(p: Record<string, unknown>): UmapParams {
  const n_neighbors = p.n_neighbors === undefined ? UMAP_DEFAULTS.n_neighbors : toInt(p.n_neighbors, "n_neighbors");
  if (n_neighbors < 2) throw new InputError(`n_neighbors must be >= 2 (got ${n_neighbors})`, "n_neighbors");
  if (n_neighbors > 200) throw new InputError(`n_neighbors must be <= 200 (got ${n_neighbors})`, "n_neighbors");
  const min_dist = p.min_dist === undefined ? UMAP_DEFAULTS.min_dist : toNumber(p.min_dist, "min_dist");
  if (!(min_dist >= 0 && min_dist <= 1)) throw new InputError(`min_dist must be between 0 and 1 (got ${min_dist})`, "min_dist");
  const metric = validateMetric(p.metric ?? UMAP_DEFAULTS.metric);
  const out: UmapParams = { n_neighbors, min_dist, metric };
  if (p.n_epochs !== undefined) {
    const n_epochs = toInt(p.n_epochs, "n_epochs");
    if (n_epochs < 10 || n_epochs > 10_000) throw new InputError(`n_epochs must be between 10 and 10000 (got ${n_epochs})`, "n_epochs");
    out.n_epochs = n_epochs;
  }
  return out;
}

function validateTsne(p: Record<string, unknown>): TsneParams {
  const perplexity = p.perplexity === undefined ? TSNE_DEFAULTS.perplexity : toNumber(p.perplexity, "perplexity");
  if (!(perplexity > 0)) throw new InputError(`perplexity must be > 0 (got ${perplexity})`, "perplexity");
  if (perplexity > 500) throw new InputError(`perplexity must be <= 500 (got ${perplexity})`, "perplexity");
  let learning_rate: number | "auto" = TSNE_DEFAULTS.learning_rate;
  if (p.learning_rate !== undefined && p.learning_rate !== "auto") {
    learning_rate = toNumber(p.learning_rate, "learning_rate");
    if (!(learning_rate > 0)) throw new InputError(`learning_rate must be > 0 or 'auto' (got ${learning_rate})`, "learning_rate");
  }
  const iterations = p.iterations === undefined ? TSNE_DEFAULTS.iterations : toInt(p.iterations, "iterations");
  if (iterations < 250) throw new InputError(`iterations must be >= 250 (got ${iterations})`, "iterations");
  if (iterations > 100_000) throw new InputError(`iterations must be <= 100000 (got ${iterations})`, "iterations");
  const init = String(p.init ?? TSNE_DEFAULTS.init).toLowerCase();
  if (init !== "pca" && init !== "random") throw new InputError(`init must be 'pca' or 'random' (got '${String(p.init)}')`, "init");
  const metric = validateMetric(p.metric ?? TSNE_DEFAULTS.metric);
  return { perplexity, learning_rate, iterations, init, metric };
}

export function validateMetric(value: unknown): Metric {
  const m = typeof value === "string" ? value.toLowerCase() : value;
  if (typeof m !== "string" || !(METRICS as readonly string[]).includes(m)) {
    throw new InputError(`metric '${String(value)}' is not supported; use one of ${METRICS.join(", ")}`, "metric");
  }
  return m as Metric;
}

function toNumber(value: unknown, field: string): number {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new InputError(`${field} must be a number (got '${String(value)}')`, field);
  return n;
}

function toInt(value: unknown, field: string): number {
  const n = toNumber(value, field);
  if (!Number.isInteger(n)) throw new InputError(`${field} must be an integer (got '${String(value)}')`, field);
  return n;
}

/** The known name within edit distance 2, for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
