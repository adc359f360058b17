/**
 * What the New Projection quick picks offer: reducers with their defaults, the parameters one may
 * edit (validated by the engine's own rules as they are typed) and colour-by choices.
 */
import { TSNE_DEFAULTS, UMAP_DEFAULTS, validateReducerParams } from "../../shared/src/params";
import { BUILTIN_COLOR_BY, REDUCERS, type BuiltinColorBy, type ReducerName } from "../../shared/src/types";
import { InputError } from "../../shared/src/errors";
import { REDUCER_LABELS } from "./progressText";

export interface ReducerChoice {
  reducer: ReducerName;
  label: string;
  description: string;
  detail: string;
}

const REDUCER_DETAILS: Record<ReducerName, string> = {
  pca: "Linear, fast and deterministic; a first look at any size.",
  umap: "Keeps local neighbourhoods and some global shape; the usual choice.",
  tsne: "Sharp local clusters; slower, distances between clusters mean little.",
};

function defaultsText(reducer: ReducerName): string {
  if (reducer === "umap") return `n_neighbors ${UMAP_DEFAULTS.n_neighbors} · min_dist ${UMAP_DEFAULTS.min_dist} · ${UMAP_DEFAULTS.metric}`;
  if (reducer === "tsne") return `perplexity ${TSNE_DEFAULTS.perplexity} · ${TSNE_DEFAULTS.iterations} iterations · learning rate ${TSNE_DEFAULTS.learning_rate}`;
  return "no parameters";
}

/** The configured default first. */
export function reducerChoices(defaultReducer: ReducerName): ReducerChoice[] {
  const order = [defaultReducer, ...REDUCERS.filter((r) => r !== defaultReducer)];
  return order.map((reducer) => ({
    reducer,
    label: REDUCER_LABELS[reducer],
    description: `${defaultsText(reducer)}${reducer === defaultReducer ? " (default)" : ""}`,
    detail: REDUCER_DETAILS[reducer],
  }));
}

export interface ParamField {
  key: string;
  prompt: string;
  /** The default as the user would type it. */
  value: string;
}

export function reducerParamFields(reducer: ReducerName): ParamField[] {
  if (reducer === "umap") {
    return [
      { key: "n_neighbors", prompt: "UMAP n_neighbors: how many neighbours shape each point's surroundings (2–200)", value: String(UMAP_DEFAULTS.n_neighbors) },
      { key: "min_dist", prompt: "UMAP min_dist: how tightly points may pack (0–1)", value: String(UMAP_DEFAULTS.min_dist) },
      { key: "metric", prompt: "Distance: cosine, euclidean, manhattan or dot", value: UMAP_DEFAULTS.metric },
    ];
  }
  if (reducer === "tsne") {
    return [
      { key: "perplexity", prompt: "t-SNE perplexity: effective number of neighbours (> 0, ≤ 500)", value: String(TSNE_DEFAULTS.perplexity) },
      { key: "iterations", prompt: "t-SNE iterations (250–100000)", value: String(TSNE_DEFAULTS.iterations) },
      { key: "learning_rate", prompt: "t-SNE learning rate: a number > 0, or auto", value: String(TSNE_DEFAULTS.learning_rate) },
      { key: "init", prompt: "t-SNE initialisation: pca or random", value: TSNE_DEFAULTS.init },
      { key: "metric", prompt: "Distance: cosine, euclidean, manhattan or dot", value: TSNE_DEFAULTS.metric },
    ];
  }
  return [];
}

/** Typed text → the value the engine accepts (numbers as numbers). */
export function paramValue(text: string): string | number {
  const t = text.trim();
  return t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
}

/** The engine's own validation message for one typed value, or undefined when it is fine. */
export function checkParam(reducer: ReducerName, key: string, text: string): string | undefined {
  try {
    validateReducerParams(reducer, { [key]: paramValue(text) });
    return undefined;
  } catch (err) {
    return err instanceof InputError ? err.message : String(err);
  }
}

export interface ColorByChoice {
  value: BuiltinColorBy | null;
  label: string;
  detail: string;
}

const COLOR_BY_DETAILS: Record<BuiltinColorBy, string> = {
  document_id: "One colour per source document",
  source_dir: "The folder each document came from",
  filetype: "File type (md, pdf, html…) from the path or MIME type",
  age_bucket: "How old the document is (from its timestamps)",
};

/** The four built-in derivations, then "a payload field…" (value null: ask for its name). */
export function colorByChoices(): ColorByChoice[] {
  return [
    ...BUILTIN_COLOR_BY.map((value) => ({ value, label: value, detail: COLOR_BY_DETAILS[value] })),
    { value: null, label: "Payload field…", detail: "Any field of the payload, e.g. category or metadata.lang" },
  ];
}
